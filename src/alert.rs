//! The alert a scan writes for a host found online, and a notification carries: the
//! original's dict, eleven keys in its order, rendered exactly as Python rendered it.
//!
//! * [`Alert::to_json`]: the alert file, byte-identical to `json.dump(d, f, indent=4)`;
//! * [`Alert::to_python_repr`]: `str(d)`, printed on the `Creating <path> : <dict>` console line;
//! * [`Alert::notification_body`]: the original's apprise body built from `str(d)`.
//!
//! `scan` makes it ([`crate::scan::alert`] places and writes the file); `notify` reads it back
//! from the outbox and sends it.

use crate::pycompat::python_literal::{python_json_indented, python_repr};
use serde_json::Value;

/// One alert, keys in the original's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub hostname: String,
    pub http_code: u16,
    /// The row's Fingerprint column (the original called it cert_serial_number).
    pub cert_serial_number: String,
    pub webpage_title: String,
    pub ip_addr: String,
    pub asn: String,
    pub asn_cidr: String,
    pub asn_country_code: String,
    pub asn_description: String,
    pub asn_abuse_email: String,
    /// "No API key in config file", Google's JSON answer (object, kept in its key order), or an
    /// error string.
    pub safe_browsing_status: Value,
}

/// The key names of the alert dict, in the original's order.
pub const KEYS: [&str; 11] = [
    "hostname",
    "http_code",
    "cert_serial_number",
    "webpage_title",
    "ip_addr",
    "asn",
    "asn_cidr",
    "asn_country_code",
    "asn_description",
    "asn_abuse_email",
    "safe_browsing_status",
];

impl Alert {
    /// The eleven values as JSON values, in [`KEYS`] order.
    fn values(&self) -> [Value; 11] {
        let s = |v: &String| Value::String(v.clone());
        [
            s(&self.hostname),
            Value::from(self.http_code),
            s(&self.cert_serial_number),
            s(&self.webpage_title),
            s(&self.ip_addr),
            s(&self.asn),
            s(&self.asn_cidr),
            s(&self.asn_country_code),
            s(&self.asn_description),
            s(&self.asn_abuse_email),
            self.safe_browsing_status.clone(),
        ]
    }

    fn as_value(&self) -> Value {
        let mut map = serde_json::Map::new();
        for (k, v) in KEYS.iter().zip(self.values()) {
            map.insert((*k).to_string(), v);
        }
        Value::Object(map)
    }

    /// Byte-identical to Python `json.dump(alert_dict, f, indent=4)`: 4-space indent, `",\n"`
    /// between items, `": "` after keys, empty `{}`/`[]` inline, every character outside
    /// `0x20..=0x7E` escaped (`\u00e9`, surrogate pairs for astral characters, `\u007f`), short
    /// escapes for `\" \\ \n \r \t \b \f`, floats as Python's `repr`, no trailing newline.
    pub fn to_json(&self) -> String {
        python_json_indented(&self.as_value())
    }

    /// Python `str(dict)`: `{'hostname': 'x', 'http_code': 200, ...}` with Python's repr rules.
    pub fn to_python_repr(&self) -> String {
        python_repr(&self.as_value())
    }

    /// The original's apprise body: `str(dict)` with every `", '"` replaced by `"\n'"`, all `{`
    /// and `}` removed (also those inside values), trailing whitespace trimmed (apprise does).
    pub fn notification_body(&self) -> String {
        let body: String = self
            .to_python_repr()
            .replace(", '", "\n'")
            .chars()
            .filter(|&c| c != '{' && c != '}')
            .collect();
        body.trim_end().to_string()
    }

    /// Ordered `(key, value)` pairs for environment variables and templates: the dict's keys
    /// (lowercase, as in [`KEYS`]; callers add any prefix), string values verbatim, other values
    /// (`http_code`, a Safe Browsing answer object) as compact JSON.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        KEYS.iter()
            .zip(self.values())
            .map(|(k, v)| {
                let s = match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                (*k, s)
            })
            .collect()
    }
}

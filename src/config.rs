//! Typed access to the INI file: [`Config::get`], [`Config::require`], [`Config::yes_no`],
//! [`Config::seconds_in`] and the parse helpers below. Each stage reads its own settings
//! with them (`DatabaseSettings::from_config` in `db.rs`, `LoggingSettings` in
//! `logging.rs`, `SourceSettings` in `monitor.rs`, …), requiring only the keys it uses (the
//! original required keys no tool needed and failed late).
//!
//! Every error names the file, and where it can the line, section and key.

use crate::pycompat::ini::{IniError, IniErrorKind, IniFile};
use std::fmt;
use std::ops::{Bound, RangeBounds};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub file: String,
    pub line: Option<usize>,
    pub section: Option<String>,
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        write!(f, ": ")?;
        match (&self.section, &self.key) {
            (Some(s), Some(k)) => write!(f, "[{s}] {k}: ")?,
            (Some(s), None) => write!(f, "[{s}]: ")?,
            (None, Some(k)) => write!(f, "{k}: ")?,
            (None, None) => {}
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ConfigError {}

impl From<IniError> for ConfigError {
    fn from(e: IniError) -> ConfigError {
        // configparser quotes the rest of the value after a lone '%'; in a key that holds a
        // password, a token or a URL with credentials that is the secret itself (a
        // percent-encoded password is the usual cause), so that part is not shown.
        let message = match (&e.kind, e.key.as_deref()) {
            (IniErrorKind::InterpolationSyntax, Some(key)) if holds_secrets(key) => {
                "'%' must be followed by '%' or '(' (the value is not shown: this key may \
                 hold a secret; write a literal % as %%)"
                    .to_string()
            }
            _ => e.message,
        };
        ConfigError {
            file: e.file,
            line: e.line,
            section: e.section,
            key: e.key,
            message,
        }
    }
}

/// Keys whose values may carry a password, a token or credentials in a URL (names compared
/// as configparser stores them: lower-cased).
fn holds_secrets(key: &str) -> bool {
    const KEYS: [&str; 12] = [
        "actserver",
        "proxy_username",
        "proxy_password",
        "proxy",
        "loglist",
        "logs",
        "rdapserver",
        "whoisserver",
        "safe_browsing_api_key",
        "notification_destination",
        "notification_command",
        "command",
    ];
    let key = key.to_ascii_lowercase();
    KEYS.contains(&key.as_str())
        || ["pass", "secret", "token", "api_key"]
            .iter()
            .any(|w| key.contains(w))
}

/// A loaded configuration file.
pub struct Config {
    path: PathBuf,
    ini: IniFile,
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let ini = IniFile::load(path)?;
        Ok(Config {
            path: path.to_path_buf(),
            ini,
        })
    }

    pub fn parse(label: &str, text: &str) -> Result<Config, ConfigError> {
        let ini = IniFile::parse(label, text)?;
        Ok(Config {
            path: PathBuf::from(label),
            ini,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// An error about one key, pointing at the line where it is set.
    pub fn key_error(&self, section: &str, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: self.path.display().to_string(),
            line: self.ini.line_of(section, key),
            section: Some(section.to_string()),
            key: Some(key.to_string()),
            message: message.into(),
        }
    }

    /// An error about a whole section (its name, not one key).
    pub fn section_error(&self, section: &str, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: self.path.display().to_string(),
            line: None,
            section: Some(section.to_string()),
            key: None,
            message: message.into(),
        }
    }

    /// Section names in file order (DEFAULT excluded).
    pub fn sections(&self) -> Vec<&str> {
        self.ini.sections()
    }

    /// Lower-cased keys written in `section` (DEFAULT's excluded).
    pub fn keys(&self, section: &str) -> Vec<&str> {
        self.ini.keys(section)
    }

    /// An optional key, interpolated.
    pub fn get(&self, section: &str, key: &str) -> Result<Option<String>, ConfigError> {
        Ok(self.ini.get(section, key)?)
    }

    /// A key the caller cannot work without.
    pub fn require(&self, section: &str, key: &str) -> Result<String, ConfigError> {
        match self.get(section, key)? {
            Some(v) => Ok(v),
            None if !self.ini.has_section(section) => Err(self.key_error(
                section,
                key,
                format!("required, but the file has no [{section}] section"),
            )),
            None => Err(self.key_error(section, key, "required, but missing")),
        }
    }

    /// A yes/no key (`yes`/`no`, `true`/`false`, `on`/`off`, `1`/`0`); absent or empty is no.
    pub fn yes_no(&self, section: &str, key: &str) -> Result<bool, ConfigError> {
        match self.get(section, key)? {
            None => Ok(false),
            Some(v) => parse_bool(&v).ok_or_else(|| {
                self.key_error(
                    section,
                    key,
                    format!("{v:?}: use yes or no (true/false, on/off, 1/0)"),
                )
            }),
        }
    }

    /// An optional positive number of seconds (fractions allowed), below 10⁹.
    pub fn seconds(
        &self,
        section: &str,
        key: &str,
    ) -> Result<Option<std::time::Duration>, ConfigError> {
        self.seconds_in(
            section,
            key,
            (Bound::Excluded(0.0), Bound::Excluded(1e9)),
            "positive number of seconds",
        )
    }

    /// An optional number of seconds (fractions allowed) within `range`; empty is absent.
    /// Anything else is the error `"<value>" is not a <what>`.
    pub fn seconds_in(
        &self,
        section: &str,
        key: &str,
        range: impl RangeBounds<f64>,
        what: &str,
    ) -> Result<Option<std::time::Duration>, ConfigError> {
        match self.get(section, key)?.filter(|v| !v.trim().is_empty()) {
            None => Ok(None),
            Some(v) => match v.trim().parse::<f64>() {
                Ok(s) if s.is_finite() && range.contains(&s) => {
                    Ok(Some(std::time::Duration::from_secs_f64(s)))
                }
                _ => Err(self.key_error(section, key, format!("{v:?} is not a {what}"))),
            },
        }
    }
}

/// configparser's `getboolean` words.
pub fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "yes" | "true" | "on" => Some(true),
        "0" | "no" | "false" | "off" | "" => Some(false),
        _ => None,
    }
}

/// The original's sample config writes `Proxy_Username = "Username"`; configparser keeps
/// the quotes, which nobody meant as part of a password. One matching pair is removed.
pub fn strip_quotes(s: &str) -> &str {
    let t = s.trim();
    for q in ['"', '\''] {
        if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
            return &t[1..t.len() - 1];
        }
    }
    t
}

/// Items separated by commas and/or whitespace (including continuation lines).
pub fn split_list(s: &str) -> Vec<String> {
    s.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// Python's `int(str)`: surrounding whitespace, a sign, digits with single `_` between them.
pub fn parse_python_int(s: &str) -> Option<i64> {
    let t = s.trim();
    let (neg, digits) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    if !digits.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        return None;
    }
    let n: i64 = digits.replace('_', "").parse().ok()?;
    Some(if neg { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lone '%' in a secret-bearing value: the error names file, line, section and key but
    /// does not quote the value (configparser would); elsewhere the value is quoted.
    #[test]
    fn interpolation_errors_do_not_quote_secrets() {
        for (key, value, shown) in [
            ("Proxy_Password", "pa%ssw0rdSECRET", false),
            (
                "Notification_Destination",
                "mailtos://u:p%40SECRET@x.test",
                false,
            ),
            ("Safe_Browsing_API_Key", "AIza%SECRET", false),
            ("Alerts_dir", "./alerts/%YSECRET", true),
        ] {
            let text = format!("[S]\n{key} = {value}\n");
            let c = Config::parse("t.conf", &text).unwrap();
            let e = c.get("S", key).unwrap_err().to_string();
            assert!(e.starts_with("t.conf, line 2: [S] "), "{e}");
            assert!(e.contains(&key.to_ascii_lowercase()), "{e}");
            assert_eq!(e.contains("SECRET"), shown, "{e}");
        }
    }

    #[test]
    fn python_int() {
        let cases: &[(&str, Option<i64>)] = &[
            ("2", Some(2)),
            (" 2 ", Some(2)),
            ("+3", Some(3)),
            ("-1", Some(-1)),
            ("0", Some(0)),
            ("1_000", Some(1000)),
            ("007", Some(7)),
            ("two", None),
            ("2.0", None),
            ("", None),
            ("_1", None),
            ("1__0", None),
            ("1_", None),
            ("--1", None),
            ("0x10", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_python_int(s), *want, "{s:?}");
        }
    }

    #[test]
    fn seconds_bounds_and_messages() {
        let conf =
            |v: &str| Config::parse("t.conf", &format!("[CONNECT]\nTimeout = {v}\n")).unwrap();
        let timeout = |v: &str| {
            conf(v).seconds_in(
                "CONNECT",
                "Timeout",
                (Bound::Excluded(0.0), Bound::Included(3600.0)),
                "number of seconds (0 to 3600)",
            )
        };
        assert_eq!(
            timeout("3600").unwrap(),
            Some(std::time::Duration::from_secs(3600))
        );
        assert_eq!(timeout(" ").unwrap(), None);
        for bad in ["0", "3600.5", "soon"] {
            let e = timeout(bad).unwrap_err();
            assert_eq!(
                e.message,
                format!("{bad:?} is not a number of seconds (0 to 3600)")
            );
            assert_eq!((e.line, e.key.as_deref()), (Some(2), Some("Timeout")));
        }
    }

    #[test]
    fn quotes_and_lists() {
        assert_eq!(strip_quotes("\"Username\""), "Username");
        assert_eq!(strip_quotes("'x'"), "x");
        assert_eq!(strip_quotes("\"x'"), "\"x'");
        assert_eq!(strip_quotes("\""), "\"");
        assert_eq!(split_list("a, b\nc,,d"), vec!["a", "b", "c", "d"]);
    }
}

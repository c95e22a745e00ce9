//! Numbers for Prometheus: the text exposition format 0.0.4 ([`Exposition`]), the producers
//! that fill it ([`MetricsSource`], gathered in a [`Registry`]), the `[METRICS]` settings, and
//! the tiny HTTP listener that serves `GET /metrics` (`listener`).
//!
//! The format is Prometheus' "Exposition formats" document, text format version 0.0.4: per
//! metric family one `# HELP` and one `# TYPE` line, then its samples, all of a family's
//! lines together; a label value escapes `\` as `\\`, `"` as `\"` and a line feed as `\n`;
//! a HELP text escapes `\` and line feeds the same way. node_exporter's textfile collector
//! reads the same format from `*.prom` files (`scan` writes one, `crate::scan`).
//!
//! Adding a producer is one line where the registry is built (`monitor`: `monitor::command`):
//! `registry.add(Arc::new(my_source))`, where `my_source` implements [`MetricsSource`]; a
//! source added after the listener started is served from the next scrape on.

mod listener;

pub use listener::{MetricsListener, MAX_REQUEST};

use crate::config::{Config, ConfigError};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The `Content-Type` of the text format 0.0.4.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A metric family's type (the `# TYPE` line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
        }
    }
}

/// One exposition being written: families declared once each, samples after their family.
#[derive(Debug, Default)]
pub struct Exposition {
    text: String,
    declared: Vec<&'static str>,
}

impl Exposition {
    pub fn new() -> Exposition {
        Exposition::default()
    }

    /// `# HELP` and `# TYPE` of family `name`, unless already written; its samples follow
    /// ([`Exposition::sample`]). Names are the program's own constants, never input.
    pub fn family(&mut self, name: &'static str, kind: Kind, help: &str) {
        debug_assert!(valid_name(name), "metric name {name:?}");
        if self.declared.contains(&name) {
            return;
        }
        self.declared.push(name);
        let _ = writeln!(
            self.text,
            "# HELP {name} {}\n# TYPE {name} {}",
            escape_help(help),
            kind.name()
        );
    }

    /// One sample line: `name{label="value",…} value`. Label values are escaped here, so
    /// they may come from the network or a log list.
    pub fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: Value) {
        self.text.push_str(name);
        if !labels.is_empty() {
            self.text.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                debug_assert!(valid_name(k), "label name {k:?}");
                if i > 0 {
                    self.text.push(',');
                }
                let _ = write!(self.text, "{k}=\"{}\"", escape_label_value(v));
            }
            self.text.push('}');
        }
        self.text.push(' ');
        value.write_to(&mut self.text);
        self.text.push('\n');
    }

    /// A family with one unlabelled sample.
    pub fn single(&mut self, name: &'static str, kind: Kind, help: &str, value: Value) {
        self.family(name, kind, help);
        self.sample(name, &[], value);
    }

    /// The text written so far.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn into_string(self) -> String {
        self.text
    }
}

/// A sample value: integers are written exactly (a u64 counter above 2^53 stays exact in
/// the text), floats as Go's `ParseFloat` reads them (`NaN`, `+Inf`, `-Inf`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    Int(u64),
    Float(f64),
}

impl Value {
    /// Unix milliseconds as seconds; 0 (never) stays 0.
    pub fn seconds_from_ms(ms: u64) -> Value {
        Value::Float(ms as f64 / 1000.0)
    }

    pub fn flag(b: bool) -> Value {
        Value::Int(u64::from(b))
    }

    fn write_to(self, out: &mut String) {
        match self {
            Value::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Value::Float(f) if f.is_nan() => out.push_str("NaN"),
            Value::Float(f) if f.is_infinite() => {
                out.push_str(if f > 0.0 { "+Inf" } else { "-Inf" })
            }
            Value::Float(f) => {
                let _ = write!(out, "{f}");
            }
        }
    }
}

/// `[a-zA-Z_:][a-zA-Z0-9_:]*` (metric names; label names are the same without `:`).
fn valid_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_' || b == b':')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':')
}

/// A label value as the text format writes it: `\` → `\\`, `"` → `\"`, line feed → `\n`.
/// Everything else (other control characters included) is allowed verbatim in UTF-8.
pub fn escape_label_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// A HELP text: `\` → `\\`, line feed → `\n`.
fn escape_help(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\n', "\\n")
}

/// A URL as a label value: credentials and query values masked as the logs show them
/// ([`crate::redact::without_credentials`]), then the registered secrets scrubbed.
pub fn url_label(url: &str) -> String {
    crate::redact::scrub(&crate::redact::without_credentials(url))
}

/// Something that has numbers to show. `write` is called on the listener's thread at each
/// scrape: it reads atomics or takes short locks, never waits on the network or the DB.
pub trait MetricsSource: Send + Sync {
    fn write(&self, out: &mut Exposition);
}

/// `certstreammonitor_build_info{version="…"} 1`.
pub struct BuildInfo;

impl MetricsSource for BuildInfo {
    fn write(&self, out: &mut Exposition) {
        out.family(
            "certstreammonitor_build_info",
            Kind::Gauge,
            "Always 1; the version label is the running binary's.",
        );
        out.sample(
            "certstreammonitor_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))],
            Value::Int(1),
        );
    }
}

/// The sources a listener serves, in the order added. Shared (`Arc<Registry>`) between the
/// listener and the code that adds sources.
#[derive(Default)]
pub struct Registry {
    sources: Mutex<Vec<Arc<dyn MetricsSource>>>,
}

impl Registry {
    /// A registry holding [`BuildInfo`].
    pub fn new() -> Registry {
        let r = Registry::default();
        r.add(Arc::new(BuildInfo));
        r
    }

    pub fn add(&self, source: Arc<dyn MetricsSource>) {
        self.sources
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(source);
    }

    /// Every source's metrics, as one exposition.
    pub fn render(&self) -> String {
        let sources = self
            .sources
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let mut out = Exposition::new();
        for s in sources {
            s.write(&mut out);
        }
        out.into_string()
    }
}

/// `[METRICS]`: where the numbers go. Both keys absent: nothing is exposed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetricsSettings {
    /// `Listen = HOST:PORT` (`monitor`): an IP address and port to serve `/metrics` on.
    pub listen: Option<SocketAddr>,
    /// `TextFile = PATH` (`scan`): the run summary for node_exporter's textfile collector.
    pub text_file: Option<PathBuf>,
}

impl MetricsSettings {
    pub fn from_config(c: &Config) -> Result<MetricsSettings, ConfigError> {
        let listen = match c
            .get("METRICS", "Listen")?
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
        {
            None => None,
            Some(v) => Some(parse_listen(&v).ok_or_else(|| {
                c.key_error(
                    "METRICS",
                    "Listen",
                    format!(
                        "{v:?}: write an IP address and a port, e.g. 127.0.0.1:9464 or [::1]:9464"
                    ),
                )
            })?),
        };
        let text_file = match c
            .get("METRICS", "TextFile")?
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
        {
            None => None,
            Some(v) => {
                let p = PathBuf::from(&v);
                if p.file_name().is_none() || v.ends_with('/') {
                    return Err(c.key_error(
                        "METRICS",
                        "TextFile",
                        format!("{v:?} is not a file path"),
                    ));
                }
                Some(p)
            }
        };
        Ok(MetricsSettings { listen, text_file })
    }

    /// Serve `registry` at `Listen` when it is set; an address that cannot be bound is an
    /// error naming the key of `config` (monitor, serve).
    pub fn start_listener(
        &self,
        config: &Config,
        registry: &Arc<Registry>,
    ) -> Result<(), ConfigError> {
        if let Some(addr) = self.listen {
            MetricsListener::start(addr, registry.clone()).map_err(|e| {
                config.key_error("METRICS", "Listen", format!("cannot listen on {addr}: {e}"))
            })?;
        }
        Ok(())
    }
}

/// `127.0.0.1:9464`, `[::1]:9464`, `0.0.0.0:9464`: an IP literal and a port (no name is
/// resolved, so what is bound is what the file says).
pub fn parse_listen(v: &str) -> Option<SocketAddr> {
    v.parse::<SocketAddr>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        let cases: &[(&str, &str)] = &[
            ("plain", "plain"),
            ("", ""),
            (r"back\slash", r"back\\slash"),
            ("quo\"te", "quo\\\"te"),
            ("new\nline", "new\\nline"),
            ("\\\"\n", "\\\\\\\"\\n"),
            ("tab\tand cr\r", "tab\tand cr\r"),
            ("Cyrillic раураl ✓", "Cyrillic раураl ✓"),
            ("}{,=", "}{,="),
        ];
        for (input, want) in cases {
            assert_eq!(escape_label_value(input), *want, "{input:?}");
        }
    }

    #[test]
    fn help_texts_are_escaped() {
        assert_eq!(escape_help("a\\b\nc \"q\""), "a\\\\b\\nc \"q\"");
    }

    #[test]
    fn values_are_written_as_go_parses_them() {
        let cases: &[(Value, &str)] = &[
            (Value::Int(0), "0"),
            (Value::Int(u64::MAX), "18446744073709551615"),
            (Value::Float(1.5), "1.5"),
            (Value::Float(f64::NAN), "NaN"),
            (Value::Float(f64::INFINITY), "+Inf"),
            (Value::Float(f64::NEG_INFINITY), "-Inf"),
            (Value::seconds_from_ms(1_700_000_000_250), "1700000000.25"),
            (Value::seconds_from_ms(0), "0"),
            (Value::flag(true), "1"),
        ];
        for (v, want) in cases {
            let mut s = String::new();
            v.write_to(&mut s);
            assert_eq!(s, *want, "{v:?}");
        }
    }

    #[test]
    fn families_are_declared_once_with_their_samples() {
        let mut e = Exposition::new();
        e.family("x_total", Kind::Counter, "Things.\nMore");
        e.sample("x_total", &[("url", "http://a/\"b\"")], Value::Int(3));
        e.family("x_total", Kind::Counter, "Things.\nMore");
        e.sample("x_total", &[("url", "c"), ("kind", "d")], Value::Int(4));
        e.single("y", Kind::Gauge, "Y.", Value::Float(0.5));
        assert_eq!(
            e.as_str(),
            "# HELP x_total Things.\\nMore\n# TYPE x_total counter\n\
             x_total{url=\"http://a/\\\"b\\\"\"} 3\n\
             x_total{url=\"c\",kind=\"d\"} 4\n\
             # HELP y Y.\n# TYPE y gauge\ny 0.5\n"
        );
    }

    #[test]
    fn names_are_checked() {
        for (n, ok) in [
            ("certstreammonitor_x_total", true),
            ("a:b", true),
            ("_x", true),
            ("9x", false),
            ("", false),
            ("a-b", false),
            ("a b", false),
        ] {
            assert_eq!(valid_name(n), ok, "{n}");
        }
    }

    #[test]
    fn url_labels_lose_credentials() {
        assert_eq!(
            url_label("https://user:pass@ct.example.com/log/?key=abc"),
            "https://***@ct.example.com/log/?key=***"
        );
        assert_eq!(
            url_label("http://127.0.0.1:8080/log/"),
            "http://127.0.0.1:8080/log/"
        );
    }

    #[test]
    fn listen_values() {
        for (v, ok) in [
            ("127.0.0.1:9464", true),
            ("[::1]:9464", true),
            ("0.0.0.0:0", true),
            ("localhost:9464", false),
            ("127.0.0.1", false),
            ("127.0.0.1:99999", false),
            (":9464", false),
        ] {
            assert_eq!(parse_listen(v).is_some(), ok, "{v}");
        }
    }

    #[test]
    fn registry_renders_build_info_and_added_sources() {
        struct Fixed;
        impl MetricsSource for Fixed {
            fn write(&self, out: &mut Exposition) {
                out.single("fixed", Kind::Gauge, "A fixed gauge.", Value::Int(7));
            }
        }
        let r = Registry::new();
        r.add(Arc::new(Fixed));
        let text = r.render();
        assert!(text.contains(&format!(
            "certstreammonitor_build_info{{version=\"{}\"}} 1\n",
            env!("CARGO_PKG_VERSION")
        )));
        assert!(text.ends_with("# TYPE fixed gauge\nfixed 7\n"), "{text}");
    }
}

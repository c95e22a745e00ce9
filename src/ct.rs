//! The CT-log source: read Certificate Transparency logs directly (RFC 6962 and
//! static-ct-api tiled logs) instead of a certstream feed.
//!
//! [`loglist`] says which logs exist and how to read them, `reader` follows one log
//! batch by batch (over `rfc6962` or `static_ct`, the log's protocol), and [`entry`] turns
//! each log entry into a certificate record ([`certstream_message`]: into the certstream
//! message certstream-server-go would send for it).

pub(crate) mod audit;
pub mod certstream_message;
pub mod entry;
pub mod loglist;
pub mod merkle;
pub mod reader;
mod rfc6962;
pub mod signature;
mod static_ct;
pub(crate) mod workers;

use crate::config::{parse_python_int, Config, ConfigError};
use crate::ct::loglist::CtLog;
use crate::ct::reader::{ReaderSettings, StartAt};

/// `[CTLOGS]` settings of direct CT mode (`ACTServer = ct://`).
#[derive(Debug, Clone)]
pub struct CtSettings {
    /// `embedded`, a file path, or an http(s) URL.
    pub log_list: String,
    /// `all`, or a list of log URLs / descriptions.
    pub logs: String,
    pub reader: ReaderSettings,
    /// `[CTLOG <log URL or description>]` sections, in file order.
    pub overrides: Vec<LogOverride>,
}

/// A `[CTLOG <log URL or description>]` section: settings for the logs it names, over
/// those of `[CTLOGS]`. A key absent here keeps the `[CTLOGS]` value.
#[derive(Debug, Clone, PartialEq)]
pub struct LogOverride {
    /// The section name as written.
    pub section: String,
    /// What follows `CTLOG`: a log URL (compared normalised) or a log description (exact).
    pub name: String,
    pub workers: Option<usize>,
    /// `Some(None)`: `MaxQPS = 0`, unlimited.
    pub max_qps: Option<Option<f64>>,
    /// `Some(None)`: `BatchSize = adaptive`.
    pub batch_size: Option<Option<u64>>,
}

/// The prefix of a per-log section's name.
const LOG_SECTION: &str = "CTLOG";
/// The keys a per-log section may hold.
const LOG_SECTION_KEYS: [&str; 3] = ["workers", "maxqps", "batchsize"];

impl LogOverride {
    /// Whether this section names `log`: its URL (normalised as in `[CTLOGS] Logs`, with or
    /// without a `tiled:` prefix) or its description, exactly.
    pub fn applies_to(&self, log: &CtLog) -> bool {
        let name = self.name.trim();
        let url = name.strip_prefix("tiled:").unwrap_or(name);
        name == log.description || loglist::normalise_url(url) == loglist::normalise_url(&log.url)
    }
}

/// `Workers` of `section`: 1 to 64 requests in flight.
fn workers_key(config: &Config, section: &str) -> Result<Option<usize>, ConfigError> {
    let Some(v) = config
        .get(section, "Workers")?
        .filter(|v| !v.trim().is_empty())
    else {
        return Ok(None);
    };
    parse_python_int(&v)
        .filter(|n| (1..=workers::MAX_WORKERS as i64).contains(n))
        .map(|n| Some(n as usize))
        .ok_or_else(|| {
            config.key_error(
                section,
                "Workers",
                format!(
                    "{v:?}: use a number of requests in flight per log (1 to {})",
                    workers::MAX_WORKERS
                ),
            )
        })
}

/// `MaxQPS` of `section`: requests per second, 0 for unlimited (`Some(None)`).
fn max_qps_key(config: &Config, section: &str) -> Result<Option<Option<f64>>, ConfigError> {
    let Some(v) = config
        .get(section, "MaxQPS")?
        .filter(|v| !v.trim().is_empty())
    else {
        return Ok(None);
    };
    match v.trim().parse::<f64>() {
        Ok(0.0) => Ok(Some(None)),
        Ok(q) if q.is_finite() && (0.001..=1_000_000.0).contains(&q) => Ok(Some(Some(q))),
        _ => Err(config.key_error(
            section,
            "MaxQPS",
            format!("{v:?}: use requests per second (0.001 to 1000000), or 0 for no limit"),
        )),
    }
}

/// `BatchSize` of `section`: entries per `get-entries`, or adaptive (`Some(None)`).
fn batch_size_key(config: &Config, section: &str) -> Result<Option<Option<u64>>, ConfigError> {
    let Some(v) = config
        .get(section, "BatchSize")?
        .filter(|v| !v.trim().is_empty())
    else {
        return Ok(None);
    };
    if v.trim().eq_ignore_ascii_case("adaptive") {
        return Ok(Some(None));
    }
    let n = parse_python_int(&v)
        .filter(|n| (1..=100_000).contains(n))
        .ok_or_else(|| {
            config.key_error(
                section,
                "BatchSize",
                format!("{v:?}: use a number of entries (1 to 100000) or adaptive"),
            )
        })?;
    Ok(Some(Some(n as u64)))
}

impl CtSettings {
    /// The `[CTLOGS]` section (`LogList`, `Logs`, `StartAt`, `PollInterval`, `BatchSize`),
    /// every key optional. Errors name the key at fault.
    pub fn from_config(config: &Config) -> Result<CtSettings, ConfigError> {
        let log_list = config
            .get("CTLOGS", "LogList")?
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty());
        let logs = config
            .get("CTLOGS", "Logs")?
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty());
        let mut reader = ReaderSettings::default();
        if let Some(v) = config
            .get("CTLOGS", "StartAt")?
            .filter(|v| !v.trim().is_empty())
        {
            reader.start_at = match v.trim().to_ascii_lowercase().as_str() {
                "end" => StartAt::End,
                "beginning" => StartAt::Beginning,
                _ => {
                    return Err(config.key_error(
                        "CTLOGS",
                        "StartAt",
                        format!("{v:?}: use end or beginning"),
                    ))
                }
            };
        }
        if let Some(d) = config.seconds("CTLOGS", "PollInterval")? {
            reader.poll_interval = d;
        }
        if let Some(b) = batch_size_key(config, "CTLOGS")? {
            reader.batch_size = b;
        }
        reader.workers = workers_key(config, "CTLOGS")?;
        if let Some(q) = max_qps_key(config, "CTLOGS")? {
            reader.max_qps = q;
        }
        let mut overrides = Vec::new();
        for section in config.sections() {
            let Some(name) = section
                .strip_prefix(LOG_SECTION)
                .filter(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
            else {
                continue;
            };
            let name = name.trim();
            if name.is_empty() {
                return Err(
                    config.section_error(section, "name the log: [CTLOG <log URL or description>]")
                );
            }
            if let Some(key) = config
                .keys(section)
                .into_iter()
                .find(|k| !LOG_SECTION_KEYS.contains(k))
            {
                return Err(config.key_error(
                    section,
                    key,
                    "unknown key in a per-log section (use Workers, MaxQPS, BatchSize)",
                ));
            }
            overrides.push(LogOverride {
                section: section.to_string(),
                name: name.to_string(),
                workers: workers_key(config, section)?,
                max_qps: max_qps_key(config, section)?,
                batch_size: batch_size_key(config, section)?,
            });
        }
        Ok(CtSettings {
            log_list: log_list.unwrap_or_else(|| "embedded".into()),
            logs: logs.unwrap_or_else(|| "all".into()),
            reader,
            overrides,
        })
    }

    /// The reader settings of `log`: `[CTLOGS]`, then every `[CTLOG …]` section naming
    /// it, in file order (a later section wins for the keys it sets).
    pub fn reader_for(&self, log: &CtLog) -> ReaderSettings {
        let mut r = self.reader.clone();
        for o in self.overrides.iter().filter(|o| o.applies_to(log)) {
            if let Some(w) = o.workers {
                r.workers = Some(w);
            }
            if let Some(q) = o.max_qps {
                r.max_qps = q;
            }
            if let Some(b) = o.batch_size {
                r.batch_size = b;
            }
        }
        r
    }

    /// The `[CTLOG …]` sections that name none of `logs`, for a warning: a log may leave
    /// the list (retired, or dropped by a list update) while its section stays, which
    /// should not stop the monitor; a typo must still be visible.
    pub fn unmatched_overrides<'a>(&'a self, logs: &[CtLog]) -> Vec<&'a str> {
        self.overrides
            .iter()
            .filter(|o| !logs.iter().any(|l| o.applies_to(l)))
            .map(|o| o.section.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(description: &str, url: &str, kind: loglist::LogKind) -> CtLog {
        CtLog {
            operator: "Example".into(),
            description: description.into(),
            log_id: format!("id-{description}"),
            kind,
            url: url.into(),
            submission_url: None,
            state: loglist::LogState::Usable,
            final_tree_size: None,
            temporal_interval: None,
            key: None,
        }
    }

    #[test]
    fn per_log_sections_apply_by_url_or_description_in_file_order() {
        let text = "[CTLOGS]\nWorkers = 3\nMaxQPS = 10\n\
                    [CTLOG HTTPS://CT.Example.com/slow/]\nWorkers = 8\nMaxQPS = 0\n\
                    [CTLOG Example 'Capped' log]\nBatchSize = 1000\nWorkers = 2\n\
                    [CTLOG https://gone.example/log/]\nMaxQPS = 1\n\
                    [CTLOGSX]\nWhatever = 1\n";
        let c = Config::parse("t.conf", text).unwrap();
        let s = CtSettings::from_config(&c).unwrap();
        let slow = log(
            "Slow",
            "https://ct.example.com/slow/",
            loglist::LogKind::Rfc6962,
        );
        let capped = log(
            "Example 'Capped' log",
            "https://c.example/",
            loglist::LogKind::Tiled,
        );
        let other = log("Other", "https://o.example/", loglist::LogKind::Rfc6962);
        let r = s.reader_for(&slow);
        assert_eq!((r.workers, r.max_qps, r.batch_size), (Some(8), None, None));
        let r = s.reader_for(&capped);
        assert_eq!(
            (r.workers, r.max_qps, r.batch_size),
            (Some(2), Some(10.0), Some(1000))
        );
        let r = s.reader_for(&other);
        assert_eq!(
            (r.workers, r.max_qps, r.batch_size),
            (Some(3), Some(10.0), None)
        );
        assert_eq!(
            s.unmatched_overrides(&[slow, capped, other]),
            vec!["CTLOG https://gone.example/log/"]
        );
    }

    #[test]
    fn per_log_section_errors_name_section_and_key() {
        let err = |text: &str| {
            CtSettings::from_config(&Config::parse("t.conf", text).unwrap())
                .unwrap_err()
                .to_string()
        };
        let e = err("[CTLOG https://a.example/]\nWorkers = 0\n");
        assert!(
            e.contains("t.conf, line 2: [CTLOG https://a.example/] Workers: \"0\""),
            "{e}"
        );
        let e = err("[CTLOG https://a.example/]\nMaxQPS = -2\n");
        assert!(e.contains("[CTLOG https://a.example/] MaxQPS"), "{e}");
        let e = err("[CTLOG https://a.example/]\nStartAt = end\n");
        assert!(
            e.contains("[CTLOG https://a.example/] startat: unknown key"),
            "{e}"
        );
        let e = err("[CTLOG]\nWorkers = 1\n");
        assert!(e.contains("[CTLOG]: name the log"), "{e}");
    }

    #[test]
    fn poll_interval_bounds_and_messages() {
        let poll = |v: &str| {
            let c = Config::parse("t.conf", &format!("[CTLOGS]\nPollInterval = {v}\n")).unwrap();
            CtSettings::from_config(&c).map(|c| c.reader.poll_interval)
        };
        assert_eq!(poll("0.25").unwrap(), std::time::Duration::from_millis(250));
        assert_eq!(poll("3601").unwrap(), std::time::Duration::from_secs(3601));
        for bad in ["0", "-1", "1e9", "soon", "inf", "NaN"] {
            let e = poll(bad).unwrap_err();
            assert_eq!(
                e.message,
                format!("{bad:?} is not a positive number of seconds")
            );
        }
    }
}

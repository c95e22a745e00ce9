//! The CT-log source: read Certificate Transparency logs directly (RFC 6962 and
//! static-ct-api tiled logs) instead of a certstream feed.
//!
//! [`loglist`] says which logs exist and how to read them, `reader` follows one log
//! batch by batch (over `rfc6962` or `static_ct`, the log's protocol), and `entry` turns
//! each log entry into a certificate record.

pub(crate) mod audit;
pub(crate) mod entry;
pub mod loglist;
pub mod merkle;
pub(crate) mod reader;
mod rfc6962;
pub mod signature;
mod static_ct;

use crate::config::{parse_python_int, Config, ConfigError};
use crate::ct::reader::{ReaderSettings, StartAt};

/// `[CTLOGS]` settings of direct CT mode (`ACTServer = ct://`).
#[derive(Debug, Clone)]
pub struct CtSettings {
    /// `embedded`, a file path, or an http(s) URL.
    pub log_list: String,
    /// `all`, or a list of log URLs / descriptions.
    pub logs: String,
    pub reader: ReaderSettings,
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
        if let Some(v) = config
            .get("CTLOGS", "BatchSize")?
            .filter(|v| !v.trim().is_empty() && !v.trim().eq_ignore_ascii_case("adaptive"))
        {
            let n = parse_python_int(&v)
                .filter(|n| (1..=100_000).contains(n))
                .ok_or_else(|| {
                    config.key_error(
                        "CTLOGS",
                        "BatchSize",
                        format!("{v:?}: use a number of entries (1 to 100000) or adaptive"),
                    )
                })?;
            reader.batch_size = Some(n as u64);
        }
        Ok(CtSettings {
            log_list: log_list.unwrap_or_else(|| "embedded".into()),
            logs: logs.unwrap_or_else(|| "all".into()),
            reader,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

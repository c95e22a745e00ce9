//! What is sent: the title and body every URL gets (the original's alert text, or the alert
//! JSON), and what the command hook gets besides (`CSM_*` variables, the alert JSON on stdin).
//! Built from an alert when it is written, or again from an outbox row on a later run.

use crate::alert::Alert;
use crate::db::PendingNotification;
use crate::notify::BodyFormat;
use serde_json::Value;
use std::path::Path;

/// The original's title, followed by the host name.
pub const ALERT_TITLE_PREFIX: &str = "[CertStreamMonitor] Alert: ";
/// Title of the `notify-test` message.
pub const TEST_TITLE: &str = "[CertStreamMonitor] Test notification";
/// Body of the `notify-test` message.
pub const TEST_BODY: &str =
    "This is a test notification sent by `certstreammonitor notify-test`.\nIf you can read it, scan alerts will reach this destination.";
/// Linux refuses environment strings over 128 KiB; a page title can be longer.
const ENV_VALUE_CAP: usize = 32 * 1024;

/// What is sent: title and body for the URLs, plus what the command hook gets.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The alert's host ("" for the test message).
    pub domain: String,
    pub title: String,
    pub body: String,
    /// The alert JSON as in its file: the command's stdin ("" for the test message).
    pub alert_json: String,
    pub alert_file: String,
    /// `CSM_*` environment variables for the command hook.
    pub env: Vec<(String, String)>,
}

/// What [`Message::stall`] says: a stall that began (`stalled`) or ended, of one subject.
#[derive(Debug, Clone, Copy)]
pub struct StallEvent<'a> {
    pub stalled: bool,
    /// `ctlog` or `certstream`.
    pub subject: &'a str,
    /// `behind`, `errors` or `silent`.
    pub reason: &'a str,
    /// Shown without credentials.
    pub url: &'a str,
    pub description: &'a str,
    /// When the stall began, ISO 8601 UTC.
    pub since: &'a str,
    /// The log line.
    pub text: &'a str,
}

/// Environment strings cannot hold NUL, and Linux refuses any over 128 KiB.
fn env_value(v: &str) -> String {
    let mut t: String = v.chars().filter(|&c| c != '\0').collect();
    if t.len() > ENV_VALUE_CAP {
        let mut cut = ENV_VALUE_CAP;
        while !t.is_char_boundary(cut) {
            cut -= 1;
        }
        t.truncate(cut);
    }
    t
}

impl Message {
    /// The alert's notification: title `[CertStreamMonitor] Alert: <host>`, the original's body
    /// (or the alert JSON with [`BodyFormat::Json`]); for the command, `CSM_<KEY>` for every
    /// alert key, `CSM_ALERT_FILE`, `CSM_TITLE`, `CSM_BODY`, and the alert JSON on stdin.
    pub fn for_alert(alert: &Alert, alert_file: &Path, format: BodyFormat) -> Message {
        let json = alert.to_json();
        let title = format!("{ALERT_TITLE_PREFIX}{}", alert.hostname);
        let body = match format {
            BodyFormat::Text => alert.notification_body(),
            BodyFormat::Json => json.clone(),
        };
        let file = alert_file.display().to_string();
        let mut env: Vec<(String, String)> = alert
            .fields()
            .into_iter()
            .map(|(k, v)| (format!("CSM_{}", k.to_ascii_uppercase()), env_value(&v)))
            .collect();
        env.push(("CSM_ALERT_FILE".into(), env_value(&file)));
        env.push(("CSM_TITLE".into(), env_value(&title)));
        env.push(("CSM_BODY".into(), env_value(&body)));
        Message {
            domain: alert.hostname.clone(),
            title,
            body,
            alert_json: json,
            alert_file: file,
            env,
        }
    }

    /// A CT log misbehaving (direct CT mode): title `[CertStreamMonitor] LOG MISBEHAVING:
    /// <log>`, a body with the evidence; the command gets `CSM_EVENT=log_misbehaving`,
    /// `CSM_LOG`, `CSM_LOG_URL`, `CSM_EVIDENCE`, `CSM_TITLE`, `CSM_BODY` and an empty stdin.
    pub fn log_misbehaving(log: &str, url: &str, evidence: &str) -> Message {
        let title = format!("[CertStreamMonitor] LOG MISBEHAVING: {log}");
        let body = format!(
            "The CT log {log} ({url}) misbehaves:\n{evidence}\nNothing it served past its last verified position is stored; it is read again from there."
        );
        Message::event(
            title,
            body,
            vec![
                ("CSM_EVENT".into(), "log_misbehaving".into()),
                ("CSM_LOG".into(), env_value(log)),
                ("CSM_LOG_URL".into(), env_value(url)),
                ("CSM_EVIDENCE".into(), env_value(evidence)),
            ],
        )
    }

    /// A stall alarm or its end (`[HEALTH] Command`; see `monitor::health`): title
    /// `[CertStreamMonitor] STALLED: <subject>` or `… Recovered: <subject>`, the log line as the
    /// body; the command gets `CSM_EVENT=stalled|recovered`, `CSM_HEALTH_SUBJECT`
    /// (`ctlog|certstream`), `CSM_HEALTH_REASON` (`behind|errors|silent`), `CSM_HEALTH_URL`,
    /// `CSM_HEALTH_DESCRIPTION`, `CSM_HEALTH_SINCE` (when the stall began, ISO 8601 UTC),
    /// `CSM_TITLE`, `CSM_BODY` and an empty stdin.
    pub fn stall(event: &StallEvent<'_>) -> Message {
        let title = format!(
            "[CertStreamMonitor] {}: {}",
            if event.stalled {
                "STALLED"
            } else {
                "Recovered"
            },
            event.description
        );
        let body = event.text.to_string();
        Message::event(
            title,
            body,
            vec![
                (
                    "CSM_EVENT".into(),
                    if event.stalled {
                        "stalled"
                    } else {
                        "recovered"
                    }
                    .into(),
                ),
                ("CSM_HEALTH_SUBJECT".into(), env_value(event.subject)),
                ("CSM_HEALTH_REASON".into(), env_value(event.reason)),
                ("CSM_HEALTH_URL".into(), env_value(event.url)),
                (
                    "CSM_HEALTH_DESCRIPTION".into(),
                    env_value(event.description),
                ),
                ("CSM_HEALTH_SINCE".into(), env_value(event.since)),
            ],
        )
    }

    /// The `notify-test` message; the command gets `CSM_TEST=1`, `CSM_TITLE`, `CSM_BODY` and
    /// an empty stdin.
    pub fn test() -> Message {
        Message::event(
            TEST_TITLE.into(),
            TEST_BODY.into(),
            vec![("CSM_TEST".into(), "1".into())],
        )
    }

    /// A message about the monitor itself (no host, no alert file): the command gets
    /// `env`, then `CSM_TITLE` and `CSM_BODY`.
    fn event(title: String, body: String, mut env: Vec<(String, String)>) -> Message {
        env.push(("CSM_TITLE".into(), env_value(&title)));
        env.push(("CSM_BODY".into(), env_value(&body)));
        Message {
            domain: String::new(),
            env,
            title,
            body,
            alert_json: String::new(),
            alert_file: String::new(),
        }
    }

    /// Rebuild the message of an outbox row (the alert JSON stored with it).
    pub(crate) fn from_row(row: &PendingNotification, format: BodyFormat) -> Message {
        let file = row.alert_file.clone().unwrap_or_default();
        match row.alert.as_deref().and_then(alert_from_json) {
            Some(a) => Message::for_alert(&a, Path::new(&file), format),
            None => {
                let title = format!("{ALERT_TITLE_PREFIX}{}", row.domain);
                let body = row.alert.clone().unwrap_or_else(|| {
                    format!("(alert of {} not available; see {file})", row.domain)
                });
                let env = vec![
                    ("CSM_HOSTNAME".into(), env_value(&row.domain)),
                    ("CSM_ALERT_FILE".into(), env_value(&file)),
                    ("CSM_TITLE".into(), env_value(&title)),
                    ("CSM_BODY".into(), env_value(&body)),
                ];
                Message {
                    domain: row.domain.clone(),
                    title,
                    alert_json: row.alert.clone().unwrap_or_default(),
                    body,
                    alert_file: file,
                    env,
                }
            }
        }
    }

    /// How logs name it: the alert's host, "the test notification", or the title of a
    /// message about the monitor itself (a misbehaving log, a stall).
    pub(crate) fn log_name(&self) -> &str {
        if !self.domain.is_empty() {
            &self.domain
        } else if self.title == TEST_TITLE {
            "the test notification"
        } else {
            &self.title
        }
    }
}

/// An alert back from its JSON (the file's format).
pub fn alert_from_json(text: &str) -> Option<Alert> {
    let v: Value = serde_json::from_str(text).ok()?;
    let o = v.as_object()?;
    let st = |k: &str| -> Option<String> { o.get(k)?.as_str().map(str::to_string) };
    Some(Alert {
        hostname: st("hostname")?,
        http_code: u16::try_from(o.get("http_code")?.as_u64()?).ok()?,
        cert_serial_number: st("cert_serial_number")?,
        webpage_title: st("webpage_title")?,
        ip_addr: st("ip_addr")?,
        asn: st("asn")?,
        asn_cidr: st("asn_cidr")?,
        asn_country_code: st("asn_country_code")?,
        asn_description: st("asn_description")?,
        asn_abuse_email: st("asn_abuse_email")?,
        safe_browsing_status: o.get("safe_browsing_status")?.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alert_round_trip() {
        let a = Alert {
            hostname: "h.example".into(),
            http_code: 200,
            cert_serial_number: "AA:BB".into(),
            webpage_title: "Café".into(),
            ip_addr: "127.0.0.1".into(),
            asn: String::new(),
            asn_cidr: String::new(),
            asn_country_code: String::new(),
            asn_description: String::new(),
            asn_abuse_email: String::new(),
            safe_browsing_status: serde_json::json!({"matches": [1]}),
        };
        assert_eq!(alert_from_json(&a.to_json()), Some(a.clone()));
        let m = Message::for_alert(&a, Path::new("/tmp/h.example.json"), BodyFormat::Json);
        assert_eq!(m.body, a.to_json());
        assert!(m.env.contains(&(
            "CSM_SAFE_BROWSING_STATUS".into(),
            r#"{"matches":[1]}"#.into()
        )));
        assert!(m
            .env
            .contains(&("CSM_ALERT_FILE".into(), "/tmp/h.example.json".into())));
        assert_eq!(
            env_value(&format!("a\0b{}", "é".repeat(40_000))).len(),
            ENV_VALUE_CAP
        );
    }
}

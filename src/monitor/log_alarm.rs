//! Telling the SOC that a CT log misbehaves (direct CT mode): a tree head whose signature
//! does not verify, or entries that do not hash to the root the log signed. The reader
//! already logs it at ERROR and keeps only verified positions; this sends the same report
//! to the notification destinations of `[REPORTING]` (apprise URLs, `Notification_Command`),
//! so someone looks at it without reading the log.
//!
//! One thread of its own delivers (a slow webhook never holds up the DB thread); each log
//! gets at most one notification an hour (a log that keeps lying is retried with backoff
//! and would report every time); one attempt per destination, its result logged.

use crate::ct::loglist::CtLog;
use crate::logging;
use crate::notify::{Message, NotifySettings, Sender};
use std::collections::HashMap;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// At most one notification per log this often.
const PER_LOG: Duration = Duration::from_secs(3600);

/// Hands misbehaviour reports to the delivering thread.
pub struct LogAlarm {
    tx: mpsc::Sender<Message>,
    last: HashMap<String, Instant>,
}

impl LogAlarm {
    /// `None` when no destination is configured, or when no thread can be started (said
    /// once at ERROR; the reports stay in the log).
    pub fn start(settings: &NotifySettings) -> Option<LogAlarm> {
        if settings.destinations.is_empty() {
            return None;
        }
        let sender = match Sender::new(settings) {
            Ok(s) => s,
            Err(e) => {
                logging::error(
                    "ct",
                    &format!("LOG MISBEHAVING notifications disabled: {e}"),
                );
                return None;
            }
        };
        let destinations = settings.destinations.clone();
        let (tx, rx) = mpsc::channel::<Message>();
        let spawned = std::thread::Builder::new()
            .name("log alarm".into())
            .spawn(move || {
                for msg in rx {
                    for d in &destinations {
                        let mut done = Vec::new();
                        match sender.deliver(d, &msg, &mut done) {
                            Ok(()) => logging::info(
                                "ct",
                                &format!("{}: sent to {}", msg.title, d.display()),
                            ),
                            Err(e) => logging::error(
                                "ct",
                                &format!("{}: not sent to {}: {e}", msg.title, d.display()),
                            ),
                        }
                    }
                }
            });
        match spawned {
            Ok(_) => Some(LogAlarm {
                tx,
                last: HashMap::new(),
            }),
            Err(e) => {
                logging::error(
                    "ct",
                    &format!(
                        "LOG MISBEHAVING notifications disabled: cannot start their thread: {e}"
                    ),
                );
                None
            }
        }
    }

    /// Notify that `log` misbehaves (`report`: the reader's error text, with the evidence),
    /// unless it was notified less than an hour ago.
    pub fn report(&mut self, log: &CtLog, report: &str) {
        let now = Instant::now();
        if let Some(t) = self.last.get(&log.log_id) {
            if now.duration_since(*t) < PER_LOG {
                return;
            }
        }
        self.last.insert(log.log_id.clone(), now);
        let msg = Message::log_misbehaving(&log.description, &log.shown_url(), report);
        let _ = self.tx.send(msg);
    }
}

//! Notifications for `scan` (issue 5): the apprise URLs of `[REPORTING] Notification_Destination`,
//! sent the way apprise 1.7.1 sends them (apprise's documentation and its plugins' source), and a command hook
//! (`Notification_Command`), with retries and an outbox table so that no alert is lost.
//!
//! * **Parsing** ([`NotifySettings::from_config`]): the value is split into URLs where commas
//!   and/or whitespace are followed by `scheme://` (apprise's rule, so `?to=a@x,b@y` stays in
//!   one URL); each URL is parsed at startup. An unknown scheme or a malformed URL is a
//!   configuration error naming the item by its position and its masked form ([`mask_url`]).
//! * **Requests** ([`Sender::prepare`]): one JSON POST per target for `json(s)`, `slack`,
//!   `discord`, `msteams`, `mmost(s)`, `tgram`, bodies laid out byte for byte as Python's
//!   `json.dumps` writes them; one SMTP session per recipient for `mailto(s)` ([`crate::notify::smtp`]).
//!   `Notification_Base_URL` replaces the origin of the well-known services (tests).
//! * **Delivery** ([`Notifier`]): one thread per destination with its own queue, so neither a
//!   slow destination nor a slow network ever holds up the scan or the other destinations.
//!   Each alert is first written to the table `Notifications` (the outbox), one row per
//!   destination, then tried up to [`ATTEMPTS`] times (backoff `Notification_Retry_Delay`,
//!   then twice that); a row is marked `SentAt` when delivered. Rows still unsent (all
//!   attempts failed, the end-of-scan wait ran out, or the process died) are retried at the
//!   start of the next `scan`. A destination that failed all its attempts gets one attempt per
//!   alert for the rest of the run (no backoff) until it succeeds again. A webhook answering
//!   429 or 503 with `Retry-After` is waited for (up to [`MAX_RETRY_AFTER`]) before the next
//!   attempt, if that is longer than the backoff.
//! * **Secrets**: URLs are never logged, printed or stored. Logs and output name a destination
//!   by its position and its masked URL (scheme, plus the host when it is a dotted host name);
//!   the table stores that same label, not the URL; error texts pass through
//!   [`Destination::scrub`], which replaces tokens, passwords and paths with `***`.
//!
//! Layout, one file per step: `url` (apprise's URL grammar), `destination` (a parsed URL or
//! the hook, and what of it is secret), `service/` (one file per scheme: its URL form and the
//! request it sends), `message` (title, body, the hook's environment), `sender` (one attempt
//! to one destination), `command` (the hook), [`smtp`] (mail), `notifier` (the scan's lanes,
//! retries and outbox). `notify-test` is [`crate::cli::notify_test`].

mod command;
mod destination;
mod message;
mod notifier;
mod sender;
mod service;
pub mod smtp;
mod url;

pub use destination::Destination;
pub use message::{
    alert_from_json, Message, StallEvent, ALERT_TITLE_PREFIX, TEST_BODY, TEST_TITLE,
};
pub use notifier::{Notifier, ATTEMPTS, MAX_RETRY_AFTER};
pub use sender::{Check, HttpSpec, Sender, Target, Undelivered};
pub use url::split_urls;

use crate::config::{Config, ConfigError};
use crate::redact::mask_url;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `Notification_Format`: the original's text body, or the alert JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    Text,
    Json,
}

/// Everything notifications read from the config (`[REPORTING]`, and `[CONNECT] CAFile`).
#[derive(Debug, Clone)]
pub struct NotifySettings {
    /// The URLs in their order, then the command hook if any.
    pub destinations: Vec<Destination>,
    pub format: BodyFormat,
    /// `Notification_Timeout` (default 30 s): one HTTP request, one SMTP session, one run of
    /// the command.
    pub timeout: Duration,
    /// `Notification_Retry_Delay` (default 1 s): the wait before the 2nd attempt; the 3rd
    /// waits twice that.
    pub retry_delay: Duration,
    /// `Notification_Base_URL`: replaces `https://hooks.slack.com`, `https://slack.com`,
    /// `https://discord.com`, `https://<team>.webhook.office.com`, `https://outlook.office.com`
    /// and `https://api.telegram.org` (paths kept), to point them at a test server.
    pub base_url: Option<String>,
    /// `Notification_CAFile`, else `[CONNECT] CAFile`: extra trusted roots (PEM) for HTTPS
    /// webhooks and SMTP TLS.
    pub ca_file: Option<PathBuf>,
}

impl Default for NotifySettings {
    fn default() -> NotifySettings {
        NotifySettings {
            destinations: Vec::new(),
            format: BodyFormat::Text,
            timeout: Duration::from_secs(30),
            retry_delay: Duration::from_secs(1),
            base_url: None,
            ca_file: None,
        }
    }
}

impl NotifySettings {
    pub fn from_config(c: &Config) -> Result<NotifySettings, ConfigError> {
        const S: &str = "REPORTING";
        let mut s = NotifySettings::default();
        if let Some(v) = c.get(S, "Notification_Destination")? {
            for (i, url) in split_urls(&v).iter().enumerate() {
                let d = Destination::parse(i + 1, url).map_err(|m| {
                    c.key_error(
                        S,
                        "Notification_Destination",
                        format!("item {} ({}): {m}", i + 1, mask_url(url)),
                    )
                })?;
                s.destinations.push(d);
            }
        }
        if let Some(v) = c.get(S, "Notification_Command")? {
            if let Some(d) = Destination::command(&v) {
                s.destinations.push(d);
            }
        }
        s.format = match c
            .get(S, "Notification_Format")?
            .map(|v| v.trim().to_ascii_lowercase())
            .as_deref()
        {
            None | Some("") | Some("text") => BodyFormat::Text,
            Some("json") => BodyFormat::Json,
            Some(v) => {
                return Err(c.key_error(
                    S,
                    "Notification_Format",
                    format!("{v:?}: use text or json"),
                ))
            }
        };
        if let Some(t) = c.seconds_in(
            S,
            "Notification_Timeout",
            (Bound::Excluded(0.0), Bound::Included(3600.0)),
            "number of seconds (1 to 3600)",
        )? {
            s.timeout = t;
        }
        if let Some(d) = c.seconds_in(
            S,
            "Notification_Retry_Delay",
            0.0..=3600.0,
            "number of seconds (0 to 3600)",
        )? {
            s.retry_delay = d;
        }
        if let Some(b) = c
            .get(S, "Notification_Base_URL")?
            .map(|v| v.trim().trim_end_matches('/').to_string())
            .filter(|v| !v.is_empty())
        {
            let rest = b
                .strip_prefix("http://")
                .or_else(|| b.strip_prefix("https://"));
            if rest.is_none_or(|r| r.is_empty() || r.contains(['?', '#', ' '])) {
                return Err(c.key_error(
                    S,
                    "Notification_Base_URL",
                    format!("{b:?}: write http://host:port or https://host"),
                ));
            }
            s.base_url = Some(b);
        }
        let ca = match c
            .get(S, "Notification_CAFile")?
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
        {
            Some(p) => Some((p, "Notification_CAFile", S)),
            None => c
                .get("CONNECT", "CAFile")?
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .map(|p| (p, "CAFile", "CONNECT")),
        };
        if let Some((p, key, section)) = ca {
            if !s.destinations.is_empty() {
                if let Err(e) = sender::load_roots(Path::new(&p)) {
                    return Err(c.key_error(section, key, e));
                }
            }
            s.ca_file = Some(PathBuf::from(p));
        }
        Ok(s)
    }

    pub fn is_empty(&self) -> bool {
        self.destinations.is_empty()
    }

    /// The longest one delivery may take in a run: every attempt timing out, plus the backoff.
    pub fn retry_budget(&self) -> Duration {
        self.timeout * ATTEMPTS + self.retry_delay * ((1 << (ATTEMPTS - 1)) - 1)
    }
}

//! Notifications for `scan` (issue 5): the apprise URLs of `[REPORTING] Notification_Destination`,
//! sent the way apprise 1.7.1 sends them (`original-behaviour.md` §6), and a command hook
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

pub mod smtp;

use crate::clock;
use crate::config::{Config, ConfigError};
use crate::db::{Database, PendingNotification};
use crate::logging;
use crate::net::http::HttpClient;
use crate::net::redact::{mask_url, Secrets};
use crate::notify::smtp::{Mail, SmtpSecurity, SmtpSettings};
use crate::scan::alert::{self, Alert};
use crate::shutdown;
use crate::Failure;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use regex::Regex;
use serde_json::Value;
use std::fmt;
use std::io::{self, Read, Write};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The original's title, followed by the host name.
pub const ALERT_TITLE_PREFIX: &str = "[CertStreamMonitor] Alert: ";
/// Title of the `notify-test` message.
pub const TEST_TITLE: &str = "[CertStreamMonitor] Test notification";
/// Body of the `notify-test` message.
pub const TEST_BODY: &str =
    "This is a test notification sent by `certstreammonitor notify-test`.\nIf you can read it, scan alerts will reach this destination.";
/// Tries per delivery within one run.
pub const ATTEMPTS: u32 = 3;

/// The longest a `Retry-After` is honoured: a rate-limited webhook must not hold its
/// destination's queue for minutes (what is still unsent is retried by the next scan).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Why one attempt did not deliver: the (secret-free) message, and how long the server
/// asked us to wait (`Retry-After` on 429/503).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undelivered {
    pub message: String,
    pub retry_after: Option<Duration>,
}

impl From<String> for Undelivered {
    fn from(message: String) -> Undelivered {
        Undelivered {
            message,
            retry_after: None,
        }
    }
}

impl fmt::Display for Undelivered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

const APP_ID: &str = "Apprise";
const APP_DESC: &str = "Apprise Notifications";
/// apprise's colour for the `info` notify type.
const INFO_COLOR: &str = "#3AA3E3";
const IMAGE_72: &str = "https://github.com/caronc/apprise/raw/master/apprise/assets/themes/default/apprise-info-72x72.png";
const IMAGE_256: &str = "https://github.com/caronc/apprise/raw/master/apprise/assets/themes/default/apprise-info-256x256.png";
/// Largest answer body read from a webhook.
const RESPONSE_LIMIT: u64 = 64 * 1024;
/// Stderr kept from the command hook, and how much of it reaches a log line.
const STDERR_CAP: usize = 64 * 1024;
const STDERR_LOG_CHARS: usize = 1000;
/// Linux refuses environment strings over 128 KiB; a page title can be longer.
const ENV_VALUE_CAP: usize = 32 * 1024;
/// Discord refuses `content` longer than this (characters).
const DISCORD_MAX: usize = 2000;
const SUPPORTED: &str =
    "json, jsons, slack, discord, msteams, mmost, mmosts, tgram, mailto, mailtos";

// ---------------------------------------------------------------------------------------------
// Settings

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
                if let Err(e) = load_roots(Path::new(&p)) {
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

/// Split `Notification_Destination` as apprise does: at commas and/or whitespace that are
/// followed by `scheme://` (1 to 12 letters or digits), so commas inside a URL's query stay.
pub fn split_urls(s: &str) -> Vec<String> {
    fn is_sep(b: u8) -> bool {
        b == b',' || b.is_ascii_whitespace()
    }
    fn starts_with_scheme(t: &str) -> bool {
        let n = t.bytes().take_while(|b| b.is_ascii_alphanumeric()).count();
        (1..=12).contains(&n) && t[n..].starts_with("://")
    }
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if is_sep(bytes[i]) {
            let run = i;
            while i < bytes.len() && is_sep(bytes[i]) {
                i += 1;
            }
            if i == bytes.len() || starts_with_scheme(&s[i..]) {
                out.push(s[start..run].to_string());
                start = i;
            }
        } else {
            i += 1;
        }
    }
    out.push(s[start..].to_string());
    out.into_iter()
        .map(|u| {
            u.trim_matches(|c: char| c == ',' || c.is_whitespace())
                .to_string()
        })
        .filter(|u| !u.is_empty())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// URL parsing (apprise's `parse_url` semantics where they matter)

/// What Python's `urllib.parse.quote` encodes with `safe=''`: all but `A-Z a-z 0-9 _ . - ~`.
const QUOTE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'~');
/// `quote(s, safe='/')`, Python's default.
const QUOTE_PATH: &AsciiSet = &QUOTE.remove(b'/');
/// `quote(s, safe=' ')`, the first step of `quote_plus`.
const QUOTE_PLUS: &AsciiSet = &QUOTE.remove(b' ');

/// Python's `urllib.parse.quote(s, safe)`, `safe` being one of the sets above.
fn quote(s: &str, safe: &'static AsciiSet) -> String {
    utf8_percent_encode(s, safe).to_string()
}

/// Python's `urllib.parse.quote_plus(s)`.
fn quote_plus(s: &str) -> String {
    quote(s, QUOTE_PLUS).replace(' ', "+")
}

/// An insertion-ordered dict with Python's assignment semantics (a new key goes last, an
/// existing key keeps its place).
fn dict_set(v: &mut Vec<(String, String)>, k: &str, val: &str) {
    match v.iter_mut().find(|(key, _)| key == k) {
        Some(e) => e.1 = val.to_string(),
        None => v.push((k.to_string(), val.to_string())),
    }
}

/// apprise's `parse_qsd`: pairs split on `&` and `;`, keys and values unquoted and stripped,
/// `qsd` keyed in lower case; `+key` (or ` key`) → headers, `-key` → query parameters,
/// `:key` → payload fields, keys kept as written.
#[derive(Debug, Default, Clone)]
struct Query {
    qsd: Vec<(String, String)>,
    add: Vec<(String, String)>,
    del: Vec<(String, String)>,
    colon: Vec<(String, String)>,
}

impl Query {
    fn parse(qs: &str) -> Query {
        let mut q = Query::default();
        for pair in qs.split(['&', ';']) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let key = crate::net::proxy::percent_decode(k).trim().to_string();
            if key.is_empty() {
                continue;
            }
            let val = crate::net::proxy::percent_decode(v).trim().to_string();
            dict_set(&mut q.qsd, &key.to_lowercase(), &val);
            if let Some(rest) = key.strip_prefix('+').or_else(|| key.strip_prefix(' ')) {
                dict_set(&mut q.add, rest, &val);
            }
            if let Some(rest) = key.strip_prefix('-') {
                dict_set(&mut q.del, rest, &val);
            }
            if let Some(rest) = key.strip_prefix(':') {
                dict_set(&mut q.colon, rest, &val);
            }
        }
        q
    }

    fn get(&self, k: &str) -> Option<&str> {
        self.qsd
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }

    /// A non-empty value.
    fn value(&self, k: &str) -> Option<&str> {
        self.get(k).filter(|v| !v.is_empty())
    }

    fn flag(&self, k: &str, default: bool) -> bool {
        match self.get(k).map(|v| v.to_ascii_lowercase()) {
            Some(v)
                if [
                    "yes", "y", "true", "t", "1", "on", "enable", "enabled", "always", "allow", "+",
                ]
                .contains(&v.as_str()) =>
            {
                true
            }
            Some(v)
                if [
                    "no", "n", "false", "f", "0", "off", "disable", "disabled", "never", "deny",
                    "-",
                ]
                .contains(&v.as_str()) =>
            {
                false
            }
            _ => default,
        }
    }
}

/// apprise's `parse_list`: items separated by whitespace, commas, slashes or backslashes.
fn parse_list(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || c == ',' || c == '/' || c == '\\')
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

#[derive(Debug, Clone)]
struct UrlParts {
    scheme: String,
    user: Option<String>,
    password: Option<String>,
    /// Decoded; an IPv6 address without brackets.
    host: String,
    port: Option<u16>,
    /// As written (leading `/` included), before the query.
    path: String,
    /// Decoded non-empty path components.
    segments: Vec<String>,
    query: Query,
}

impl UrlParts {
    fn parse(url: &str) -> Result<UrlParts, String> {
        let (scheme, rest) = url.split_once("://").ok_or("not a URL (scheme://…)")?;
        let scheme = scheme.to_ascii_lowercase();
        let (before_q, qs) = rest.split_once('?').unwrap_or((rest, ""));
        let (authority, path) = match before_q.find('/') {
            Some(i) => (&before_q[..i], &before_q[i..]),
            None => (before_q, ""),
        };
        let (userinfo, hostport) = match authority.rfind('@') {
            Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
            None => (None, authority),
        };
        let (user, password) = match userinfo {
            None => (None, None),
            Some(ui) => {
                let (u, p) = match ui.split_once(':') {
                    Some((u, p)) => (u, Some(crate::net::proxy::percent_decode(p))),
                    None => (ui, None),
                };
                (
                    Some(crate::net::proxy::percent_decode(u)).filter(|u| !u.is_empty()),
                    p,
                )
            }
        };
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (h, after) = v6.split_once(']').ok_or("unclosed [ in the host")?;
            let port = match after {
                "" => None,
                p => Some(
                    p.strip_prefix(':')
                        .ok_or("garbage after the IPv6 address")?,
                ),
            };
            (h.to_string(), port)
        } else {
            match hostport.split_once(':') {
                Some((h, p)) => (crate::net::proxy::percent_decode(h), Some(p)),
                None => (crate::net::proxy::percent_decode(hostport), None),
            }
        };
        let port = match port {
            None | Some("") => None,
            Some(p) => Some(
                p.parse::<u16>()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or("the port is not a number from 1 to 65535")?,
            ),
        };
        let segments = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(crate::net::proxy::percent_decode)
            .collect();
        Ok(UrlParts {
            scheme,
            user,
            password,
            host,
            port,
            path: path.to_string(),
            segments,
            query: Query::parse(qs),
        })
    }

    /// The host for a URL: IPv6 in brackets.
    fn url_host(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        }
    }
}

fn token_ok(s: &str, extra: &[u8]) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || extra.contains(&b))
}

// ---------------------------------------------------------------------------------------------
// Destinations

#[derive(Clone, PartialEq)]
enum SlackTarget {
    Webhook(String, String, String),
    Bot(String),
}

#[derive(Clone, PartialEq)]
enum ChatId {
    Id(i64),
    Name(String),
}

#[derive(Clone, PartialEq)]
enum Kind {
    Json {
        secure: bool,
        method: String,
        host: String,
        port: Option<u16>,
        path: String,
        auth: Option<(String, String)>,
        headers: Vec<(String, String)>,
        params: Vec<(String, String)>,
        fields: Vec<(String, String)>,
    },
    Slack {
        target: SlackTarget,
        botname: Option<String>,
        channels: Vec<Option<String>>,
        image: bool,
        footer: bool,
    },
    Discord {
        id: String,
        token: String,
        botname: Option<String>,
        tts: bool,
        avatar: bool,
        avatar_url: Option<String>,
    },
    MsTeams {
        team: Option<String>,
        a: String,
        b: String,
        c: String,
        d: Option<String>,
    },
    Mattermost {
        secure: bool,
        host: String,
        port: u16,
        path: String,
        token: String,
        botname: Option<String>,
        channels: Vec<Option<String>>,
        image: bool,
    },
    Telegram {
        token: String,
        chats: Vec<ChatId>,
        silent: bool,
        preview: bool,
    },
    Email {
        security: SmtpSecurity,
        smtp_host: String,
        port: u16,
        user: Option<String>,
        password: Option<String>,
        from: String,
        /// `From:` display name; `None` sends the bare address.
        from_name: Option<String>,
        to: Vec<String>,
    },
    Command {
        program: String,
        args: Vec<String>,
    },
}

/// One configured destination: a parsed URL or the command hook.
#[derive(Clone)]
pub struct Destination {
    /// Position in `Notification_Destination` (from 1); 0 for the command hook.
    pub index: usize,
    /// Safe to print: the masked URL, or `command <program>`.
    pub label: String,
    kind: Kind,
    /// HTTPS certificate checks (`?verify=no` turns them off, as in apprise).
    verify: bool,
    /// What must not appear in logs (tokens, passwords, paths) in every form it is sent in.
    secrets: Secrets,
    /// The part of `secrets` that is scrubbed from every log line of the process
    /// ([`Destination::shared_secrets`]): passwords, secret query values, and path or host parts that
    /// look like tokens — not ordinary words such as `api` or `hooks`, which would garble
    /// unrelated lines.
    shared: Secrets,
}

/// Never prints a secret.
impl fmt::Debug for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Destination({})", self.display())
    }
}

impl Destination {
    /// Parse one apprise URL; the error never contains a secret.
    pub fn parse(index: usize, url: &str) -> Result<Destination, String> {
        let url = url.trim();
        let (scheme, _) = url.split_once("://").ok_or("not a URL (scheme://…)")?;
        let scheme = scheme.to_ascii_lowercase();
        let mut secrets = vec![url.to_string()];
        let mut logins: Vec<(String, String)> = Vec::new();
        let mut query_values: Vec<String> = Vec::new();
        if let Some((_, rest)) = url.split_once("://") {
            secrets.push(rest.to_string());
        }
        let kind = if scheme == "tgram" {
            parse_telegram(url, &mut secrets)?
        } else {
            if !matches!(
                scheme.as_str(),
                "json"
                    | "jsons"
                    | "slack"
                    | "discord"
                    | "msteams"
                    | "mmost"
                    | "mmosts"
                    | "mailto"
                    | "mailtos"
            ) {
                let shown = if token_ok(&scheme, b"+.-") && scheme.len() <= 16 {
                    scheme.clone()
                } else {
                    "?".into()
                };
                return Err(format!(
                    "unsupported scheme {shown:?} (supported: {SUPPORTED})"
                ));
            }
            let u = UrlParts::parse(url)?;
            for s in [&u.user, &u.password].into_iter().flatten() {
                secrets.push(s.clone());
            }
            // Sent as HTTP Basic (json, mmost…) or SMTP AUTH (mailto): base64 forms too.
            if let Some(p) = &u.password {
                logins.push((u.user.clone().unwrap_or_default(), p.clone()));
            }
            // A host without a dot is masked in labels: several schemes put a token there.
            if !u.host.contains('.') {
                secrets.push(u.host.clone());
            }
            secrets.push(u.path.clone());
            secrets.extend(u.segments.iter().cloned());
            // Query values may be tokens (`+Authorization=`, `-apikey=`, `pass=`); these are not.
            const PLAIN: &[&str] = &[
                "method", "format", "overflow", "verify", "mode", "image", "footer", "tts",
                "avatar", "silent", "preview", "channel", "channels", "to", "from", "name", "smtp",
                "rto", "cto", "emojis", "tz",
            ];
            query_values.extend(
                u.query
                    .qsd
                    .iter()
                    .filter(|(k, _)| !PLAIN.contains(&k.as_str()))
                    .map(|(_, v)| v.clone()),
            );
            secrets.extend(query_values.iter().cloned());
            match scheme.as_str() {
                "json" | "jsons" => parse_json(&u)?,
                "slack" => parse_slack(&u)?,
                "discord" => parse_discord(&u)?,
                "msteams" => parse_msteams(&u)?,
                "mmost" | "mmosts" => parse_mattermost(&u)?,
                _ => parse_email(&u)?,
            }
        };
        let verify = match UrlParts::parse(url) {
            Ok(u) => u.query.flag("verify", true),
            Err(_) => true,
        };
        if !verify && matches!(kind, Kind::Email { .. }) {
            return Err("verify=no is not supported for mailto/mailtos; add the relay's CA to Notification_CAFile instead".into());
        }
        // Not secrets: the names of things a reader needs to see in an error.
        let public: Vec<String> = match &kind {
            Kind::Email {
                smtp_host,
                from,
                to,
                ..
            } => {
                let mut p = vec![smtp_host.clone(), from.clone()];
                p.extend(to.iter().cloned());
                p
            }
            _ => Vec::new(),
        };
        let (mut set, mut shared) = (Secrets::new(), Secrets::new());
        for s in secrets
            .iter()
            .filter(|s| s.as_str() != "/" && !public.contains(s))
        {
            set.add(s);
            if crate::net::redact::token_like(s) {
                shared.add(s);
            }
        }
        for v in &query_values {
            shared.add(v);
        }
        for (user, pass) in &logins {
            set.add_login(user, pass);
            shared.add_login(user, pass);
        }
        Ok(Destination {
            index,
            label: mask_url(url),
            kind,
            verify,
            secrets: set,
            shared,
        })
    }

    /// The command hook: the value split on whitespace, the first word the program. No shell.
    pub fn command(line: &str) -> Option<Destination> {
        let mut words = line.split_whitespace().map(str::to_string);
        let program = words.next()?;
        let args: Vec<String> = words.collect();
        let (mut secrets, mut shared) = (Secrets::new(), Secrets::new());
        for a in &args {
            secrets.add(a);
            // `--token=abc…`: the value.
            let value = a.split_once('=').map_or(a.as_str(), |(_, v)| v);
            if crate::net::redact::token_like(value) {
                shared.add(value);
            }
        }
        Some(Destination {
            index: 0,
            label: format!("command {program}"),
            kind: Kind::Command { program, args },
            verify: true,
            secrets,
            shared,
        })
    }

    /// How logs and `notify-test` name it: `[2] slack://***`, `[command] /usr/local/bin/hook`.
    pub fn display(&self) -> String {
        match &self.kind {
            Kind::Command { program, .. } => format!("[command] {program}"),
            _ => format!("[{}] {}", self.index, self.label),
        }
    }

    /// What the `Notifications` table stores: `2 slack://***`, or `command`. Never the URL:
    /// it holds tokens and passwords, and the DB is often copied to people who must not get them.
    pub fn id(&self) -> String {
        match &self.kind {
            Kind::Command { .. } => "command".into(),
            _ => format!("{} {}", self.index, self.label),
        }
    }

    pub fn is_command(&self) -> bool {
        matches!(self.kind, Kind::Command { .. })
    }

    /// `text` with every secret of this destination replaced by `***`, and whatever is
    /// shaped like a credential ([`Secrets::scrub`]).
    pub fn scrub(&self, text: &str) -> String {
        self.secrets.scrub(text)
    }

    /// This destination's secrets for the process-wide set ([`crate::net::redact::register`]):
    /// passwords, secret query values, and tokens in the host or path.
    pub fn shared_secrets(&self) -> &Secrets {
        &self.shared
    }
}

fn parse_json(u: &UrlParts) -> Result<Kind, String> {
    if u.host.is_empty() {
        return Err("no host".into());
    }
    let method = u
        .query
        .value("method")
        .unwrap_or("POST")
        .to_ascii_uppercase();
    if !["POST", "GET", "PUT", "PATCH", "DELETE", "HEAD"].contains(&method.as_str()) {
        return Err("method= must be POST, GET, PUT, PATCH, DELETE or HEAD".into());
    }
    Ok(Kind::Json {
        secure: u.scheme == "jsons",
        method,
        host: u.url_host(),
        port: u.port,
        path: json_path(&u.path),
        auth: u
            .user
            .clone()
            .map(|user| (user, u.password.clone().unwrap_or_default())),
        headers: u.query.add.clone(),
        params: u.query.del.clone(),
        fields: u.query.colon.clone(),
    })
}

/// apprise's `fullpath`: unquoted, runs of `/` collapsed, quoted again (`/` kept).
fn json_path(raw: &str) -> String {
    let decoded = crate::net::proxy::percent_decode(raw);
    let mut collapsed = String::with_capacity(decoded.len());
    for ch in decoded.chars() {
        if !(ch == '/' && collapsed.ends_with('/')) {
            collapsed.push(ch);
        }
    }
    quote(&collapsed, QUOTE_PATH)
}

fn channels_of(u: &UrlParts, path_items: &[String], keys: &[&str]) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = path_items.iter().map(|c| Some(c.clone())).collect();
    for k in keys {
        if let Some(v) = u.query.value(k) {
            out.extend(
                v.split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|x| !x.is_empty())
                    .map(|x| Some(x.to_string())),
            );
        }
    }
    if out.is_empty() {
        out.push(None);
    }
    out
}

fn parse_slack(u: &UrlParts) -> Result<Kind, String> {
    let first = u.host.as_str();
    let lower = first.to_ascii_lowercase();
    let (target, rest) = if ["xoxb-", "xoxp-", "xoxa-"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        if !token_ok(&first[5..], b"-") {
            return Err("the bot token is not xoxb-… (letters, digits, -)".into());
        }
        (SlackTarget::Bot(first.to_string()), &u.segments[..])
    } else {
        if u.segments.len() < 2 {
            return Err("write slack://TokenA/TokenB/TokenC[/#channel] (webhook) or slack://xoxb-…/#channel (bot)".into());
        }
        let (b, c) = (&u.segments[0], &u.segments[1]);
        if !token_ok(first, b"") || !token_ok(b, b"") || !token_ok(c, b"") {
            return Err("webhook tokens must be letters and digits".into());
        }
        (
            SlackTarget::Webhook(first.to_string(), b.clone(), c.clone()),
            &u.segments[2..],
        )
    };
    let channels = channels_of(u, rest, &["to"]);
    if matches!(target, SlackTarget::Bot(_)) && channels == vec![None] {
        return Err("a bot token needs a channel: slack://xoxb-…/#channel".into());
    }
    for ch in channels.iter().flatten() {
        if ch.chars().any(|c| c.is_whitespace() || c.is_control()) || ch.len() > 100 {
            return Err("a channel name has spaces or control characters".into());
        }
    }
    Ok(Kind::Slack {
        target,
        botname: u.user.clone(),
        channels,
        image: u.query.flag("image", true),
        footer: u.query.flag("footer", true),
    })
}

fn parse_discord(u: &UrlParts) -> Result<Kind, String> {
    let token = u
        .segments
        .first()
        .ok_or("write discord://webhook_id/webhook_token")?;
    if !token_ok(&u.host, b"_-") || !token_ok(token, b"_-") {
        return Err("the webhook id and token must be letters, digits, _ and -".into());
    }
    let tts = u.query.flag("tts", false);
    Ok(Kind::Discord {
        id: u.host.clone(),
        token: token.clone(),
        botname: u.user.clone(),
        tts,
        avatar: u.query.flag("avatar", true),
        avatar_url: u.query.value("avatar_url").map(str::to_string),
    })
}

fn parse_msteams(u: &UrlParts) -> Result<Kind, String> {
    let usage = "write msteams://team/tokenA/tokenB/tokenC (tokenA = uuid@uuid) or msteams://tokenA/tokenB/tokenC";
    let (team, tokens): (Option<String>, Vec<String>) = match &u.user {
        // Legacy form: tokenA's `@` made the URL parser see user@host.
        Some(user) => (
            None,
            std::iter::once(format!("{user}@{}", u.host))
                .chain(u.segments.iter().cloned())
                .collect(),
        ),
        None => (Some(u.host.clone()), u.segments.clone()),
    };
    if tokens.len() < 3 || tokens.len() > 4 || (team.is_none() && tokens.len() != 3) {
        return Err(usage.into());
    }
    if let Some(t) = &team {
        if !token_ok(t, b"-") {
            return Err("the team name must be letters, digits and -".into());
        }
    }
    let a_ok = tokens[0]
        .split_once('@')
        .is_some_and(|(x, y)| token_ok(x, b"-") && token_ok(y, b"-"));
    if !a_ok
        || !token_ok(&tokens[1], b"")
        || !token_ok(&tokens[2], b"-")
        || tokens.get(3).is_some_and(|d| !token_ok(d, b"_-"))
    {
        return Err(usage.into());
    }
    Ok(Kind::MsTeams {
        team,
        a: tokens[0].clone(),
        b: tokens[1].clone(),
        c: tokens[2].clone(),
        d: tokens.get(3).cloned(),
    })
}

fn parse_mattermost(u: &UrlParts) -> Result<Kind, String> {
    if u.host.is_empty() {
        return Err("no host".into());
    }
    let (token, path) = u
        .segments
        .split_last()
        .ok_or("write mmost://host[:port][/path]/token")?;
    if !token_ok(token, b"_-") {
        return Err("the token must be letters, digits, _ and -".into());
    }
    let path: String = path
        .iter()
        .map(|s| format!("/{}", quote(s, QUOTE)))
        .collect();
    Ok(Kind::Mattermost {
        secure: u.scheme == "mmosts",
        host: u.url_host(),
        port: u.port.unwrap_or(8065),
        path,
        token: token.clone(),
        botname: u.user.clone(),
        channels: channels_of(u, &[], &["channel", "channels", "to"]),
        image: u.query.flag("image", false),
    })
}

/// `tgram://[bot]<digits>:<token>/<chat>[/<chat>…][?to=…]`: the colon in the bot token is not a
/// port (apprise rewrites it to a slash before parsing; so does this).
fn parse_telegram(url: &str, secrets: &mut Vec<String>) -> Result<Kind, String> {
    let usage = "write tgram://<bot_token>/<chat_id>[/<chat_id>…]";
    let rest = &url[url.find("://").map_or(0, |i| i + 3)..];
    let rest = rest
        .strip_prefix("bot")
        .or_else(|| rest.strip_prefix("BOT"))
        .unwrap_or(rest);
    let (before_q, qs) = rest.split_once('?').unwrap_or((rest, ""));
    let digits = before_q.bytes().take_while(|b| b.is_ascii_digit()).count();
    let after = &before_q[digits..];
    let after = after
        .strip_prefix(':')
        .or_else(|| after.strip_prefix("%3A"))
        .or_else(|| after.strip_prefix("%3a"))
        .ok_or(usage)?;
    let mut parts = after.split('/').filter(|s| !s.is_empty());
    let b = parts.next().ok_or(usage)?;
    if digits == 0 || !token_ok(b, b"_-") {
        return Err("the bot token is not <digits>:<letters, digits, _, ->".into());
    }
    let token = format!("{}:{b}", &before_q[..digits]);
    secrets.push(token.clone());
    secrets.push(b.to_string());
    let query = Query::parse(qs);
    let mut names: Vec<String> = parts.map(crate::net::proxy::percent_decode).collect();
    if let Some(v) = query.value("to") {
        names.extend(parse_list(v));
    }
    if names.is_empty() {
        return Err("no chat id (tgram://<bot_token>/<chat_id>); finding it through getUpdates, as apprise does, is not supported".into());
    }
    let mut chats = Vec::new();
    for n in names {
        let digits_only = n.strip_prefix('-').unwrap_or(&n);
        if !digits_only.is_empty() && digits_only.bytes().all(|b| b.is_ascii_digit()) {
            chats.push(ChatId::Id(
                n.parse::<i64>().map_err(|_| "a chat id is too large")?,
            ));
        } else {
            let name = n.strip_prefix('@').unwrap_or(&n);
            let ok = name.len() >= 2
                && name
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'-')
                && token_ok(name, b"_-");
            if !ok {
                return Err("a chat is neither a number nor a @name".into());
            }
            chats.push(ChatId::Name(name.to_string()));
        }
    }
    Ok(Kind::Telegram {
        token,
        chats,
        silent: query.flag("silent", false),
        preview: query.flag("preview", false),
    })
}

/// Providers apprise knows, applied when `smtp=` is not given: (domain, SMTP host, port,
/// security). They log in with the full address.
const EMAIL_PROVIDERS: &[(&[&str], &str, u16, SmtpSecurity)] = &[
    (
        &["gmail.com", "googlemail.com"],
        "smtp.gmail.com",
        587,
        SmtpSecurity::StartTls,
    ),
    (
        &[
            "outlook.com",
            "hotmail.com",
            "live.com",
            "hotmail.com.au",
            "live.com.au",
        ],
        "smtp-mail.outlook.com",
        587,
        SmtpSecurity::StartTls,
    ),
    (
        &["yahoo.com", "yahoo.ca"],
        "smtp.mail.yahoo.com",
        465,
        SmtpSecurity::ImplicitTls,
    ),
    (
        &["fastmail.com", "fastmail.fm"],
        "smtp.fastmail.com",
        465,
        SmtpSecurity::ImplicitTls,
    ),
    (
        &["zoho.com"],
        "smtp.zoho.com",
        465,
        SmtpSecurity::ImplicitTls,
    ),
    (
        &["yandex.com", "yandex.ru", "yandex.ua"],
        "smtp.yandex.ru",
        465,
        SmtpSecurity::ImplicitTls,
    ),
];

fn looks_like_email(s: &str) -> bool {
    match s.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !s
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c))
        }
        None => false,
    }
}

fn parse_email(u: &UrlParts) -> Result<Kind, String> {
    let domain = u.host.clone();
    if domain.is_empty() {
        return Err("no domain (mailto://[user:pass@]domain…)".into());
    }
    if u.query.value("cc").is_some() || u.query.value("bcc").is_some() {
        return Err("cc= and bcc= are not supported; list every address in to=".into());
    }
    let mut user = u
        .query
        .value("user")
        .map(str::to_string)
        .or_else(|| u.user.clone());
    let password = u
        .query
        .get("pass")
        .map(str::to_string)
        .or_else(|| u.password.clone());
    let mut security = match u
        .query
        .value("mode")
        .map(|m| m.to_ascii_lowercase())
        .as_deref()
    {
        None => {
            if u.scheme == "mailtos" {
                SmtpSecurity::StartTls
            } else {
                SmtpSecurity::Plain
            }
        }
        Some("starttls") => SmtpSecurity::StartTls,
        Some("ssl") => SmtpSecurity::ImplicitTls,
        Some("insecure") | Some("plain") => SmtpSecurity::Plain,
        Some(_) => return Err("mode= must be starttls, ssl or insecure".into()),
    };
    let mut port = u.port.unwrap_or(security.default_port());
    let smtp_host = match u.query.value("smtp") {
        Some(h) => h.to_string(),
        None => match EMAIL_PROVIDERS
            .iter()
            .find(|(domains, ..)| domains.iter().any(|d| d.eq_ignore_ascii_case(&domain)))
        {
            Some((_, host, p, sec)) => {
                port = *p;
                security = *sec;
                if let Some(us) = &user {
                    if !us.contains('@') {
                        user = Some(format!("{us}@{domain}"));
                    }
                }
                host.to_string()
            }
            None => domain.clone(),
        },
    };
    // The sender as apprise 1.7.1 builds it (NotifyEmail.__init__): user@domain named
    // "Apprise" (its app id); name= renames it; from= an address replaces both, keeping only
    // the name written in it ("Name <addr>") or given by name=; from= that is no address
    // only names user@domain.
    let user_addr = user.as_ref().map(|us| {
        format!(
            "{}@{domain}",
            us.split(|c: char| c == '@' || c.is_whitespace())
                .next()
                .unwrap_or("")
        )
    });
    let name_param = u
        .query
        .value("name")
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    let (from, from_name) = match u.query.value("from").filter(|f| !f.is_empty()) {
        Some(f) => {
            let (name_in_from, addr) = match f.rsplit_once('<') {
                Some((name, addr)) if addr.ends_with('>') => {
                    let name = name.trim().trim_matches('"').trim();
                    (
                        (!name.is_empty()).then(|| name.to_string()),
                        addr.trim_end_matches('>').trim().to_string(),
                    )
                }
                _ => (None, f.to_string()),
            };
            match &user_addr {
                Some(ua) if !looks_like_email(&addr) => (
                    ua.clone(),
                    Some(name_param.unwrap_or_else(|| f.to_string())),
                ),
                _ => (addr, name_param.or(name_in_from)),
            }
        }
        None => match user_addr {
            Some(ua) => (ua, Some(name_param.unwrap_or_else(|| APP_ID.to_string()))),
            None => return Err("no sender: give from=address (or a user)".into()),
        },
    };
    if !looks_like_email(&from) {
        return Err("the sender (from=, or user@domain) is not an e-mail address".into());
    }
    let mut to: Vec<String> = u.segments.clone();
    if let Some(v) = u.query.value("to") {
        to.extend(parse_list(v));
    }
    if to.is_empty() {
        to.push(from.clone());
    }
    if let Some(bad) = to.iter().position(|t| !looks_like_email(t)) {
        return Err(format!("recipient {} is not an e-mail address", bad + 1));
    }
    Ok(Kind::Email {
        security,
        smtp_host,
        port,
        user,
        password,
        from,
        from_name,
        to,
    })
}

// ---------------------------------------------------------------------------------------------
// Python-style JSON

// Bodies are `serde_json::Value`s (objects keep insertion order: the `preserve_order`
// feature), written by `alert::python_json_compact` as Python's `json.dumps` would.

fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// `json.dumps(v)`: `", "` and `": "` separators, ASCII only (`\uXXXX`, surrogate pairs).
fn py_json(v: &Value) -> String {
    alert::python_json_compact(v)
}

/// Python's `payload[new] = payload[old]; del payload[old]` (and plain assignment for new keys).
fn apply_fields(payload: &mut Vec<(String, Value)>, fields: &[(String, String)]) {
    for (key, value) in fields {
        if let Some(pos) = payload.iter().position(|(k, _)| k == key) {
            if value.is_empty() {
                payload.remove(pos);
            } else {
                let v = payload[pos].1.clone();
                match payload.iter().position(|(k, _)| k == value) {
                    Some(at) => payload[at].1 = v,
                    None => payload.push((value.clone(), v)),
                }
                if let Some(pos) = payload.iter().position(|(k, _)| k == key) {
                    payload.remove(pos);
                }
            }
        } else {
            match payload.iter().position(|(k, _)| k == key) {
                Some(at) => payload[at].1 = s(value),
                None => payload.push((key.clone(), s(value))),
            }
        }
    }
}

/// Slack's mrkdwn escapes.
fn slack_escape(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Telegram's HTML parse mode needs these three escaped (apprise forgets, and Telegram then
/// rejects any title or body holding `<` or `&`).
fn html_escape(t: &str) -> String {
    slack_escape(t)
}

/// apprise's `USER_ROLE_DETECTION_RE.findall(body)` → (`parse`, `users`, `roles`).
fn discord_mentions(body: &str) -> Option<Value> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)\s*(?:<@(?P<role>&?)(?P<id>[0-9]+)>|@(?P<value>[a-z0-9]+))")
            .expect("mention regex")
    });
    let (mut parse, mut users, mut roles) = (Vec::new(), Vec::new(), Vec::new());
    let mut any = false;
    for c in re.captures_iter(body) {
        any = true;
        if let Some(v) = c.name("value") {
            parse.push(s(v.as_str()));
        } else if c.name("role").is_some_and(|r| r.as_str() == "&") {
            roles.push(s(c.name("id").map_or("", |m| m.as_str())));
        } else {
            users.push(s(c.name("id").map_or("", |m| m.as_str())));
        }
    }
    any.then(|| {
        obj(vec![
            ("parse", Value::Array(parse)),
            ("users", Value::Array(users)),
            ("roles", Value::Array(roles)),
        ])
    })
}

// ---------------------------------------------------------------------------------------------
// Messages

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

    /// The `notify-test` message; the command gets `CSM_TEST=1`, `CSM_TITLE`, `CSM_BODY` and
    /// an empty stdin.
    pub fn test() -> Message {
        Message {
            domain: String::new(),
            title: TEST_TITLE.into(),
            body: TEST_BODY.into(),
            alert_json: String::new(),
            alert_file: String::new(),
            env: vec![
                ("CSM_TEST".into(), "1".into()),
                ("CSM_TITLE".into(), TEST_TITLE.into()),
                ("CSM_BODY".into(), TEST_BODY.into()),
            ],
        }
    }

    /// Rebuild the message of an outbox row (the alert JSON stored with it).
    fn from_row(row: &PendingNotification, format: BodyFormat) -> Message {
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

// ---------------------------------------------------------------------------------------------
// Sending

/// How an HTTP answer is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Any 2xx (`json://`).
    Status2xx,
    Status200,
    /// Discord.
    Status200Or204,
    /// 200 and the body exactly `ok`.
    SlackWebhook,
    /// 200 and JSON `"ok": true`.
    SlackBot,
}

/// One HTTP request, ready to go.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpSpec {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub check: Check,
}

/// One unit of delivery: a request, a mail to one recipient, or a run of the command.
#[derive(Debug, Clone)]
pub enum Target {
    Http(HttpSpec),
    Mail(Mail),
    Command,
}

/// PEM certificates of a file (for SMTP TLS).
fn load_roots(path: &Path) -> Result<Vec<native_tls::Certificate>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
        let end_marker = "-----END CERTIFICATE-----";
        let Some(end) = rest[start..].find(end_marker) else {
            break;
        };
        let block = &rest[start..start + end + end_marker.len()];
        out.push(
            native_tls::Certificate::from_pem(block.as_bytes())
                .map_err(|e| format!("{}: {e}", path.display()))?,
        );
        rest = &rest[start + end + end_marker.len()..];
    }
    if out.is_empty() {
        return Err(format!("{}: no PEM certificate in it", path.display()));
    }
    Ok(out)
}

/// What every delivery shares: the HTTP clients, the SMTP trust roots, the timeouts.
pub struct Sender {
    http: HttpClient,
    /// For `?verify=no` destinations, made on first use.
    http_insecure: OnceLock<Result<HttpClient, String>>,
    base_url: Option<String>,
    timeout: Duration,
    roots: Vec<native_tls::Certificate>,
    helo: String,
}

impl Sender {
    pub fn new(settings: &NotifySettings) -> Result<Sender, String> {
        let http = HttpClient::for_webhooks(settings.timeout, settings.ca_file.as_deref())?;
        let roots = match &settings.ca_file {
            Some(p) => load_roots(p)?,
            None => Vec::new(),
        };
        Ok(Sender {
            http,
            http_insecure: OnceLock::new(),
            base_url: settings.base_url.clone(),
            timeout: settings.timeout,
            roots,
            helo: smtp::default_helo_name(),
        })
    }

    /// `default` (`https://hooks.slack.com`…) or the configured base URL, then `path`.
    fn origin(&self, default: &str, path: &str) -> String {
        format!("{}{path}", self.base_url.as_deref().unwrap_or(default))
    }

    /// The requests (or mails) that deliver `msg` to `dest`, `now` being the Unix time (Slack's
    /// `ts`).
    pub fn prepare(&self, dest: &Destination, msg: &Message, now: f64) -> Vec<Target> {
        let (title, body) = (msg.title.as_str(), msg.body.as_str());
        let ua = ("User-Agent".to_string(), APP_ID.to_string());
        let h = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            std::iter::once(ua.clone())
                .chain(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
                .collect()
        };
        let post = |url: String, headers: Vec<(String, String)>, payload: &Value, check: Check| {
            Target::Http(HttpSpec {
                method: "POST".into(),
                url,
                headers,
                body: py_json(payload).into_bytes(),
                check,
            })
        };
        match &dest.kind {
            Kind::Json {
                secure,
                method,
                host,
                port,
                path,
                auth,
                headers,
                params,
                fields,
            } => {
                let mut payload = vec![
                    ("version".to_string(), s("1.0")),
                    ("title".to_string(), s(title)),
                    ("message".to_string(), s(body)),
                    ("attachments".to_string(), Value::Array(Vec::new())),
                    ("type".to_string(), s("info")),
                ];
                apply_fields(&mut payload, fields);
                let mut hdrs = h(&[("Content-Type", "application/json")]);
                for (k, v) in headers {
                    match hdrs.iter_mut().find(|(hk, _)| hk.eq_ignore_ascii_case(k)) {
                        Some(e) => e.1 = v.clone(),
                        None => hdrs.push((k.clone(), v.clone())),
                    }
                }
                if let Some((user, pass)) = auth {
                    hdrs.push((
                        "Authorization".into(),
                        format!(
                            "Basic {}",
                            crate::net::base64::encode(format!("{user}:{pass}").as_bytes())
                        ),
                    ));
                }
                let mut url = format!("{}://{host}", if *secure { "https" } else { "http" });
                if let Some(p) = port {
                    url.push_str(&format!(":{p}"));
                }
                url.push_str(path);
                if !params.is_empty() {
                    let q: Vec<String> = params
                        .iter()
                        .map(|(k, v)| format!("{}={}", quote_plus(k), quote_plus(v)))
                        .collect();
                    url.push('?');
                    url.push_str(&q.join("&"));
                }
                vec![Target::Http(HttpSpec {
                    method: method.clone(),
                    url,
                    headers: hdrs,
                    body: py_json(&Value::Object(payload.into_iter().collect())).into_bytes(),
                    check: Check::Status2xx,
                })]
            }
            Kind::Slack {
                target,
                botname,
                channels,
                image,
                footer,
            } => {
                let mut attachment = vec![
                    ("title", s(&slack_escape(title))),
                    ("text", s(&slack_escape(body))),
                    ("color", s(INFO_COLOR)),
                    ("ts", Value::from(now)),
                ];
                if *footer {
                    if *image {
                        attachment.push(("footer_icon", s(IMAGE_72)));
                    }
                    attachment.push(("footer", s(APP_ID)));
                }
                let attachment = obj(attachment);
                let (url, headers, check) = match target {
                    SlackTarget::Webhook(a, b, c) => (
                        self.origin("https://hooks.slack.com", &format!("/services/{a}/{b}/{c}")),
                        h(&[
                            ("Content-Type", "application/json; charset=utf-8"),
                            ("Accept", "application/json"),
                        ]),
                        Check::SlackWebhook,
                    ),
                    SlackTarget::Bot(token) => (
                        self.origin("https://slack.com", "/api/chat.postMessage"),
                        h(&[
                            ("Content-Type", "application/json; charset=utf-8"),
                            ("Accept", "application/json"),
                            ("Authorization", &format!("Bearer {token}")),
                        ]),
                        Check::SlackBot,
                    ),
                };
                channels
                    .iter()
                    .map(|ch| {
                        let mut p = vec![
                            ("username", s(botname.as_deref().unwrap_or(APP_ID))),
                            ("mrkdwn", Value::Bool(true)),
                            ("attachments", Value::Array(vec![attachment.clone()])),
                        ];
                        if *image {
                            p.push(("icon_url", s(IMAGE_72)));
                        }
                        if let Some(ch) = ch {
                            let c = if let Some(id) = ch.strip_prefix('+') {
                                id.to_string()
                            } else if ch.starts_with('@') || ch.starts_with('#') {
                                ch.clone()
                            } else {
                                format!("#{ch}")
                            };
                            p.push(("channel", Value::String(c)));
                        }
                        post(url.clone(), headers.clone(), &obj(p), check)
                    })
                    .collect()
            }
            Kind::Discord {
                id,
                token,
                botname,
                tts,
                avatar,
                avatar_url,
            } => {
                let mut p = vec![("tts", Value::Bool(*tts)), ("wait", Value::Bool(!*tts))];
                if *avatar {
                    p.push(("avatar_url", s(avatar_url.as_deref().unwrap_or(IMAGE_256))));
                }
                if let Some(b) = botname {
                    p.push(("username", s(b)));
                }
                let content = if title.is_empty() {
                    body.to_string()
                } else {
                    format!("{title}\r\n{body}")
                };
                let content: String = content.chars().take(DISCORD_MAX).collect();
                p.push(("content", Value::String(content)));
                if let Some(m) = discord_mentions(body) {
                    p.push(("allow_mentions", m));
                }
                let url = self.origin(
                    "https://discord.com",
                    &format!("/api/webhooks/{id}/{token}"),
                );
                vec![post(
                    url,
                    h(&[("Content-Type", "application/json; charset=utf-8")]),
                    &obj(p),
                    Check::Status200Or204,
                )]
            }
            Kind::MsTeams { team, a, b, c, d } => {
                let path = match (team, d) {
                    (Some(_), Some(d)) => format!("/webhookb2/{a}/IncomingWebhook/{b}/{c}/{d}"),
                    (Some(_), None) => format!("/webhookb2/{a}/IncomingWebhook/{b}/{c}"),
                    (None, _) => format!("/webhook/{a}/IncomingWebhook/{b}/{c}"),
                };
                let default = match team {
                    Some(t) => format!("https://{t}.webhook.office.com"),
                    None => "https://outlook.office.com".to_string(),
                };
                let p = obj(vec![
                    ("@type", s("MessageCard")),
                    ("@context", s("https://schema.org/extensions")),
                    ("summary", s(APP_DESC)),
                    ("themeColor", s(INFO_COLOR)),
                    (
                        "sections",
                        Value::Array(vec![obj(vec![
                            ("activityImage", s(IMAGE_72)),
                            ("activityTitle", s(title)),
                            ("text", s(body)),
                        ])]),
                    ),
                ]);
                vec![post(
                    self.origin(&default, &path),
                    h(&[("Content-Type", "application/json")]),
                    &p,
                    Check::Status200,
                )]
            }
            Kind::Mattermost {
                secure,
                host,
                port,
                path,
                token,
                botname,
                channels,
                image,
            } => {
                let url = format!(
                    "{}://{host}:{port}{path}/hooks/{token}",
                    if *secure { "https" } else { "http" }
                );
                let text = if title.is_empty() {
                    body.to_string()
                } else {
                    format!("{title}\r\n{body}")
                };
                channels
                    .iter()
                    .map(|ch| {
                        let mut p = vec![
                            ("text", s(&text)),
                            ("icon_url", if *image { s(IMAGE_72) } else { Value::Null }),
                            ("username", s(botname.as_deref().unwrap_or(APP_ID))),
                        ];
                        if let Some(ch) = ch {
                            p.push(("channel", s(ch)));
                        }
                        post(
                            url.clone(),
                            h(&[("Content-Type", "application/json")]),
                            &obj(p),
                            Check::Status200,
                        )
                    })
                    .collect()
            }
            Kind::Telegram {
                token,
                chats,
                silent,
                preview,
            } => {
                let url = self.origin(
                    "https://api.telegram.org",
                    &format!("/bot{token}/sendMessage"),
                );
                let text = format!("<b>{}</b>\r\n{}", html_escape(title), html_escape(body));
                chats
                    .iter()
                    .map(|chat| {
                        let id = match chat {
                            ChatId::Id(n) => Value::from(*n),
                            ChatId::Name(n) => Value::String(format!("@{n}")),
                        };
                        let p = obj(vec![
                            ("disable_notification", Value::Bool(*silent)),
                            ("disable_web_page_preview", Value::Bool(!*preview)),
                            ("parse_mode", s("HTML")),
                            ("text", s(&text)),
                            ("chat_id", id),
                        ]);
                        post(
                            url.clone(),
                            h(&[("Content-Type", "application/json")]),
                            &p,
                            Check::Status200,
                        )
                    })
                    .collect()
            }
            Kind::Email {
                from,
                from_name,
                to,
                ..
            } => to
                .iter()
                .map(|addr| {
                    Target::Mail(Mail {
                        from: from.clone(),
                        from_name: from_name.clone(),
                        to: vec![addr.clone()],
                        subject: title.to_string(),
                        body: body.to_string(),
                    })
                })
                .collect(),
            Kind::Command { .. } => vec![Target::Command],
        }
    }

    /// One attempt: every target not yet `done` (a retry does not repeat what succeeded).
    /// The error is scrubbed of the destination's secrets.
    pub fn deliver(
        &self,
        dest: &Destination,
        msg: &Message,
        done: &mut Vec<bool>,
    ) -> Result<(), String> {
        self.attempt(dest, msg, done).map_err(|e| e.message)
    }

    /// [`Sender::deliver`], also saying how long the server asked us to wait (the longest
    /// `Retry-After` among the targets that failed).
    pub fn attempt(
        &self,
        dest: &Destination,
        msg: &Message,
        done: &mut Vec<bool>,
    ) -> Result<(), Undelivered> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        let targets = self.prepare(dest, msg, now);
        if done.len() != targets.len() {
            *done = vec![false; targets.len()];
        }
        let mut errors = Vec::new();
        let mut retry_after: Option<Duration> = None;
        for (i, t) in targets.iter().enumerate() {
            if done[i] {
                continue;
            }
            let r = match t {
                Target::Http(spec) => self.send_http(dest, spec),
                Target::Mail(mail) => self.send_mail(dest, mail).map_err(Undelivered::from),
                Target::Command => self.run_command(dest, msg).map_err(Undelivered::from),
            };
            match r {
                Ok(()) => done[i] = true,
                Err(e) => {
                    retry_after = retry_after.max(e.retry_after);
                    if targets.len() > 1 {
                        errors.push(format!("target {}: {e}", i + 1));
                    } else {
                        errors.push(e.message);
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            // The process-wide set too (a proxy's password), control characters escaped: the
            // text goes to the log, the `Notifications` table and `notify-test`'s output.
            let message = crate::net::redact::clean(&dest.scrub(&errors.join("; ")));
            Err(Undelivered {
                message,
                retry_after,
            })
        }
    }

    fn send_http(&self, dest: &Destination, spec: &HttpSpec) -> Result<(), Undelivered> {
        let client = if dest.verify {
            &self.http
        } else {
            match self
                .http_insecure
                .get_or_init(|| HttpClient::for_webhooks_unverified(self.timeout))
            {
                Ok(c) => c,
                Err(e) => return Err(e.clone().into()),
            }
        };
        let headers: Vec<(&str, &str)> = spec
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        // The error's message only: HttpError's Display starts with the URL.
        let resp = client
            .request(
                &spec.method,
                &spec.url,
                &headers,
                &spec.body,
                RESPONSE_LIMIT,
            )
            .map_err(|e| Undelivered::from(e.message))?;
        // Scrubbed whole before it is cut: a cut could leave a secret's head unrecognised.
        let snippet = || {
            let t: String = dest
                .scrub(&String::from_utf8_lossy(&resp.body))
                .chars()
                .take(200)
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            let t = t.trim().to_string();
            if t.is_empty() {
                String::new()
            } else {
                format!(": {t}")
            }
        };
        let ok = match spec.check {
            Check::Status2xx => (200..300).contains(&resp.status),
            Check::Status200 => resp.status == 200,
            Check::Status200Or204 => resp.status == 200 || resp.status == 204,
            Check::SlackWebhook => {
                if resp.status == 200 && resp.body != b"ok" {
                    return Err(format!("HTTP 200 but the answer is not `ok`{}", snippet()).into());
                }
                resp.status == 200
            }
            Check::SlackBot => {
                if resp.status == 200 {
                    let v: Option<Value> = serde_json::from_slice(&resp.body).ok();
                    if v.as_ref()
                        .and_then(|v| v.get("ok"))
                        .and_then(Value::as_bool)
                        != Some(true)
                    {
                        let why = v
                            .as_ref()
                            .and_then(|v| v.get("error"))
                            .and_then(Value::as_str)
                            .map(str::to_string);
                        return Err(match why {
                            Some(w) => format!("Slack answered ok=false: {w}"),
                            None => {
                                format!("HTTP 200 but no \"ok\": true in the answer{}", snippet())
                            }
                        }
                        .into());
                    }
                }
                resp.status == 200
            }
        };
        if ok {
            return Ok(());
        }
        let retry_after = match resp.status {
            429 | 503 => resp.retry_after,
            _ => None,
        };
        let wait = match retry_after {
            Some(d) => format!(" (Retry-After {} s)", d.as_secs_f64()),
            None => String::new(),
        };
        Err(Undelivered {
            message: format!("HTTP {}{wait}{}", resp.status, snippet()),
            retry_after,
        })
    }

    fn send_mail(&self, dest: &Destination, mail: &Mail) -> Result<(), String> {
        let Kind::Email {
            security,
            smtp_host,
            port,
            user,
            password,
            ..
        } = &dest.kind
        else {
            return Err("not an e-mail destination".into());
        };
        let settings = SmtpSettings {
            host: smtp_host.clone(),
            port: *port,
            security: *security,
            username: user.clone(),
            password: password.clone(),
            helo_name: self.helo.clone(),
            timeout: self.timeout,
            extra_roots: self.roots.clone(),
        };
        smtp::send(&settings, mail)
    }

    /// Run the hook: no shell, `CSM_*` variables added to the environment, the alert JSON on
    /// stdin, stdout discarded, stderr kept (capped); killed (with its process group) after
    /// the timeout. Success is exit status 0; stderr is logged either way.
    fn run_command(&self, dest: &Destination, msg: &Message) -> Result<(), String> {
        use std::os::unix::process::CommandExt;
        let Kind::Command { program, args } = &dest.kind else {
            return Err("not a command".into());
        };
        let mut cmd = Command::new(program);
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0);
        for (k, v) in &msg.env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot run {program}: {e}"))?;
        // The pipes are served by two short-lived threads. When one cannot be started (a
        // task limit reached), the child is killed and this attempt fails: the notification
        // is retried like any other failure and stays in the outbox until it is delivered.
        let refused = |child: &mut std::process::Child, pipe: &str, e: io::Error| {
            kill_group(child);
            format!("cannot start a thread for {program}'s {pipe}: {e}")
        };
        if let Some(mut stdin) = child.stdin.take() {
            let data = msg.alert_json.clone().into_bytes();
            // Not joined: a child that never reads its stdin must not block us.
            if let Err(e) = std::thread::Builder::new()
                .name("notify-stdin".into())
                .spawn(move || {
                    let _ = stdin.write_all(&data);
                })
            {
                return Err(refused(&mut child, "stdin", e));
            }
        }
        let (tx, rx) = mpsc::channel();
        if let Some(mut err) = child.stderr.take() {
            let reader = std::thread::Builder::new().name("notify-stderr".into());
            let started = reader.spawn(move || {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    match err.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            let room = STDERR_CAP.saturating_sub(buf.len());
                            buf.extend_from_slice(&chunk[..n.min(room)]);
                        }
                    }
                }
                let _ = tx.send(buf);
            });
            if let Err(e) = started {
                return Err(refused(&mut child, "stderr", e));
            }
        }
        let deadline = Instant::now() + self.timeout;
        let status = loop {
            match child.try_wait() {
                Ok(Some(st)) => break Some(st),
                Ok(None) => {}
                Err(e) => return Err(format!("waiting for {program}: {e}")),
            }
            if Instant::now() >= deadline {
                kill_group(&mut child);
                break None;
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        // A grandchild may keep stderr open: wait only a moment for it.
        let stderr = rx
            .recv_timeout(Duration::from_millis(500))
            .unwrap_or_default();
        let stderr: String = String::from_utf8_lossy(&stderr)
            .chars()
            .take(STDERR_LOG_CHARS)
            .collect();
        let stderr = stderr.trim().replace('\n', " | ").replace('\r', "");
        let with_stderr = |head: String| {
            if stderr.is_empty() {
                head
            } else {
                format!("{head}; stderr: {stderr}")
            }
        };
        match status {
            None => Err(with_stderr(format!(
                "killed after {:.1} s (Notification_Timeout)",
                self.timeout.as_secs_f64()
            ))),
            Some(st) if st.success() => {
                if !stderr.is_empty() {
                    logging::info(
                        "notify",
                        &dest.scrub(&format!(
                            "{} for {}: exit status 0; stderr: {stderr}",
                            dest.display(),
                            msg_name(msg)
                        )),
                    );
                }
                Ok(())
            }
            Some(st) => Err(with_stderr(match st.code() {
                Some(c) => format!("exit status {c}"),
                None => format!("ended by {st}"),
            })),
        }
    }
}

/// Kill a hook and the process group it leads (it was started with `process_group(0)`), and
/// reap it.
fn kill_group(child: &mut std::process::Child) {
    // SAFETY: kill(2) with a negative pid signals that process group; no memory is touched.
    unsafe {
        libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn msg_name(msg: &Message) -> &str {
    if msg.domain.is_empty() {
        "the test notification"
    } else {
        &msg.domain
    }
}

// ---------------------------------------------------------------------------------------------
// The scan's notifier

/// How many times a lane asks for its delivery thread before its notifications are left in
/// the outbox for the next scan (0.4 + 0.8 s of waiting in all).
const LANE_THREAD_TRIES: u32 = 3;

struct Item {
    row: Option<i64>,
    msg: Arc<Message>,
}

#[derive(Default)]
struct Stats {
    queued: AtomicU64,
    sent: AtomicU64,
    failed: AtomicU64,
}

struct Lane {
    dest: Arc<Destination>,
    tx: mpsc::Sender<Item>,
}

struct Running {
    db: Arc<Mutex<Database>>,
    lanes: Vec<Lane>,
    format: BodyFormat,
    stop: Arc<AtomicBool>,
    stats: Arc<Stats>,
    done_rx: mpsc::Receiver<()>,
    /// Lanes whose delivery thread started (each sends one `()` on `done_rx` when it ends).
    threads: usize,
    budget: Duration,
    timeout: Duration,
}

/// Delivers the alerts of a `scan` (see the module documentation). Created by [`Notifier::start`],
/// fed by [`Notifier::notify`] after each alert file is written, drained by [`Notifier::finish`].
pub struct Notifier {
    inner: Option<Running>,
}

/// Which configured destination an outbox row belongs to: the same position and masked URL;
/// else, when the list was reordered, the one destination with that masked URL.
fn match_destination(id: &str, dests: &[Arc<Destination>]) -> Option<usize> {
    if let Some(i) = dests.iter().position(|d| d.id() == id) {
        return Some(i);
    }
    let (_, masked) = id.split_once(' ')?;
    let found: Vec<usize> = dests
        .iter()
        .enumerate()
        .filter(|(_, d)| !d.is_command() && d.label == masked)
        .map(|(i, _)| i)
        .collect();
    (found.len() == 1).then(|| found[0])
}

impl Notifier {
    /// Nothing configured: `notify` does nothing.
    pub fn disabled() -> Notifier {
        Notifier { inner: None }
    }

    /// Start one delivery thread per destination, on a connection of its own to the DB at
    /// `db_path`, and queue the rows earlier runs left unsent.
    pub fn start(
        settings: &NotifySettings,
        db_path: &Path,
        table: &str,
    ) -> Result<Notifier, Failure> {
        if settings.is_empty() {
            if let Ok(db) = Database::open_existing(db_path, table) {
                if db.has_notifications_table().unwrap_or(false) {
                    let n = db.pending_notifications().map(|p| p.len()).unwrap_or(0);
                    if n > 0 {
                        logging::warning("notify", &format!("{n} undelivered notifications in table Notifications, but no destination is configured"));
                    }
                }
            }
            return Ok(Notifier::disabled());
        }
        let sender = Arc::new(
            Sender::new(settings).map_err(|m| Failure::new(2, format!("notifications: {m}")))?,
        );
        let db = Database::open(db_path, table)?;
        db.ensure_notifications()?;
        let pending = db.pending_notifications()?;
        let db = Arc::new(Mutex::new(db));
        let stop = Arc::new(AtomicBool::new(false));
        let stats = Arc::new(Stats::default());
        let (done_tx, done_rx) = mpsc::channel();
        let mut lanes = Vec::new();
        let mut threads = 0;
        for d in &settings.destinations {
            let dest = Arc::new(d.clone());
            // A thread refused (a task limit reached) is asked for again a few times; a lane
            // that still has none keeps its notifications in the outbox (recorded by
            // `notify` before they are queued), and the next scan delivers them.
            let mut refused = None;
            let mut lane = None;
            for attempt in 0..LANE_THREAD_TRIES {
                if attempt > 0 {
                    std::thread::sleep(Duration::from_millis(200 << attempt));
                }
                let (tx, rx) = mpsc::channel::<Item>();
                let ctx = LaneCtx {
                    dest: dest.clone(),
                    sender: sender.clone(),
                    db: db.clone(),
                    stats: stats.clone(),
                    stop: stop.clone(),
                    retry_delay: settings.retry_delay,
                };
                let done_tx = done_tx.clone();
                let started = std::thread::Builder::new()
                    .name(format!("notify-{}", d.index))
                    .spawn(move || {
                        ctx.run(rx);
                        let _ = done_tx.send(());
                    });
                match started {
                    Ok(_) => {
                        lane = Some(tx);
                        break;
                    }
                    Err(e) => refused = Some(e),
                }
            }
            let tx = match (lane, refused) {
                (Some(tx), _) => {
                    threads += 1;
                    tx
                }
                (None, e) => {
                    let e = e.map(|e| e.to_string()).unwrap_or_default();
                    logging::error("notify", &format!("{}: cannot start a delivery thread ({e}); its notifications are kept in table Notifications for the next scan", d.display()));
                    // Nobody receives: what is queued for this lane stays in the outbox.
                    mpsc::channel::<Item>().0
                }
            };
            lanes.push(Lane { dest, tx });
        }
        let dests: Vec<Arc<Destination>> = lanes.iter().map(|l| l.dest.clone()).collect();
        let (mut retried, mut orphans) = (0, Vec::new());
        for row in &pending {
            match match_destination(&row.destination, &dests) {
                Some(i) => {
                    let msg = Arc::new(Message::from_row(row, settings.format));
                    stats.queued.fetch_add(1, Ordering::SeqCst);
                    let _ = lanes[i].tx.send(Item {
                        row: Some(row.id),
                        msg,
                    });
                    retried += 1;
                }
                None => orphans.push(row.destination.clone()),
            }
        }
        if retried > 0 {
            logging::info(
                "notify",
                &format!("retrying {retried} notifications left undelivered by earlier runs"),
            );
        }
        if !orphans.is_empty() {
            orphans.sort();
            orphans.dedup();
            logging::warning(
                "notify",
                &format!(
                    "undelivered notifications in table Notifications are for destinations no longer configured ({}); they are kept",
                    orphans.join(", ")
                ),
            );
        }
        Ok(Notifier {
            inner: Some(Running {
                db,
                lanes,
                format: settings.format,
                stop,
                stats,
                done_rx,
                threads,
                budget: settings.retry_budget(),
                timeout: settings.timeout,
            }),
        })
    }

    /// Queue the alert for every destination (called after its file is written). Never waits
    /// on the network: the row goes to the outbox, the delivery to a thread.
    pub fn notify(&self, alert: &Alert, path: &Path) {
        let Some(r) = &self.inner else { return };
        let msg = Arc::new(Message::for_alert(alert, path, r.format));
        let now = clock::utc_now_iso();
        for lane in &r.lanes {
            let row = {
                let db = r.db.lock().unwrap_or_else(|p| p.into_inner());
                match db.add_notification(
                    &alert.hostname,
                    &lane.dest.id(),
                    &msg.alert_file,
                    &msg.alert_json,
                    &now,
                ) {
                    Ok(id) => Some(id),
                    Err(e) => {
                        logging::error("notify", &format!("{}: cannot record the notification in table Notifications ({e}); sending it anyway", alert.hostname));
                        None
                    }
                }
            };
            r.stats.queued.fetch_add(1, Ordering::SeqCst);
            let _ = lane.tx.send(Item {
                row,
                msg: msg.clone(),
            });
        }
    }

    /// End of scan: let the queues drain, for at most twice the retry budget (on SIGINT/SIGTERM,
    /// one timeout). What is left stays in the outbox for the next run. Returns the summary
    /// line for the console, if anything was queued.
    pub fn finish(self) -> Option<String> {
        let r = self.inner?;
        let Running {
            lanes,
            stop,
            stats,
            done_rx,
            threads: n,
            budget,
            timeout,
            ..
        } = r;
        drop(lanes);
        let short = timeout + Duration::from_secs(1);
        let mut deadline = Instant::now()
            + if shutdown::requested() {
                short
            } else {
                budget * 2
            };
        if shutdown::requested() {
            stop.store(true, Ordering::SeqCst);
        }
        let mut finished = 0;
        while finished < n {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            match done_rx.recv_timeout((deadline - now).min(Duration::from_millis(200))) {
                Ok(()) => finished += 1,
                Err(RecvTimeoutError::Timeout) => {
                    if shutdown::requested() && !stop.load(Ordering::SeqCst) {
                        stop.store(true, Ordering::SeqCst);
                        deadline = deadline.min(Instant::now() + short);
                    }
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        stop.store(true, Ordering::SeqCst);
        let (q, sent, failed) = (
            stats.queued.load(Ordering::SeqCst),
            stats.sent.load(Ordering::SeqCst),
            stats.failed.load(Ordering::SeqCst),
        );
        let left = q.saturating_sub(sent + failed);
        if finished < n {
            logging::warning("notify", &format!("stopped waiting for notifications; {left} not finished are kept in table Notifications for the next scan"));
        }
        if q == 0 {
            return None;
        }
        let mut line = format!("Notifications: {sent} sent, {failed} failed");
        if left > 0 {
            line.push_str(&format!(", {left} not finished"));
        }
        if failed + left > 0 {
            line.push_str(" (kept in table Notifications, retried by the next scan)");
        }
        Some(line)
    }
}

struct LaneCtx {
    dest: Arc<Destination>,
    sender: Arc<Sender>,
    db: Arc<Mutex<Database>>,
    stats: Arc<Stats>,
    stop: Arc<AtomicBool>,
    retry_delay: Duration,
}

impl LaneCtx {
    /// Sleep `d` unless asked to stop; false if stopped.
    fn pause(&self, d: Duration) -> bool {
        let until = Instant::now() + d;
        loop {
            if self.stop.load(Ordering::SeqCst) {
                return false;
            }
            let now = Instant::now();
            if now >= until {
                return true;
            }
            std::thread::sleep((until - now).min(Duration::from_millis(50)));
        }
    }

    fn run(&self, rx: mpsc::Receiver<Item>) {
        let who = self.dest.display();
        // After a delivery that failed every attempt: one attempt per alert until one succeeds.
        let mut failing = false;
        while let Ok(item) = rx.recv() {
            if self.stop.load(Ordering::SeqCst) {
                break;
            }
            let max = if failing { 1 } else { ATTEMPTS };
            let (mut attempts, mut last_err, mut ok) = (0u32, None::<String>, false);
            let mut done = Vec::new();
            let mut asked_wait: Option<Duration> = None;
            for n in 1..=max {
                if n > 1 {
                    let backoff = self.retry_delay * (1 << (n - 2));
                    let wait = backoff.max(asked_wait.unwrap_or_default().min(MAX_RETRY_AFTER));
                    if !self.pause(wait) {
                        break;
                    }
                }
                attempts = n;
                match self.sender.attempt(&self.dest, &item.msg, &mut done) {
                    Ok(()) => {
                        ok = true;
                        break;
                    }
                    Err(Undelivered {
                        message: e,
                        retry_after,
                    }) => {
                        asked_wait = retry_after;
                        logging::warning(
                            "notify",
                            &format!(
                                "{}: {who}: attempt {n}/{max} failed: {e}",
                                msg_name(&item.msg)
                            ),
                        );
                        last_err = Some(e);
                    }
                }
            }
            if attempts == 0 {
                break;
            }
            if let Some(id) = item.row {
                let sent_at = ok.then(clock::utc_now_iso);
                let db = self.db.lock().unwrap_or_else(|p| p.into_inner());
                if let Err(e) =
                    db.record_notification(id, attempts, last_err.as_deref(), sent_at.as_deref())
                {
                    logging::error(
                        "notify",
                        &format!(
                            "{}: {who}: cannot update table Notifications: {e}",
                            msg_name(&item.msg)
                        ),
                    );
                }
            }
            if ok {
                self.stats.sent.fetch_add(1, Ordering::SeqCst);
                logging::info(
                    "notify",
                    &format!("{}: notification sent to {who}", msg_name(&item.msg)),
                );
            } else {
                self.stats.failed.fetch_add(1, Ordering::SeqCst);
                logging::error(
                    "notify",
                    &format!("{}: notification to {who} failed after {attempts} attempts; kept in table Notifications for the next scan", msg_name(&item.msg)),
                );
            }
            failing = !ok;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// notify-test

/// `certstreammonitor notify-test -c FILE`: one test message to every destination (one
/// attempt each), one line per destination on `out`: `[n] <masked URL>: OK` or
/// `…: FAILED: <error>`. Exit 1 when any failed, 2 when nothing is configured.
pub fn test_command(config_path: &Path, out: &mut dyn Write) -> Result<(), Failure> {
    let config = Config::load(config_path)?;
    crate::net::redact::register(&Secrets::from_config(&config));
    let settings = NotifySettings::from_config(&config)?;
    if settings.is_empty() {
        return Err(Failure::new(
            2,
            format!("{}: [REPORTING] Notification_Destination and Notification_Command are both empty: nothing to test", config_path.display()),
        ));
    }
    let sender =
        Sender::new(&settings).map_err(|m| Failure::new(2, format!("notifications: {m}")))?;
    let msg = Message::test();
    let mut failed = 0;
    for d in &settings.destinations {
        let mut done = Vec::new();
        let line = match sender.deliver(d, &msg, &mut done) {
            Ok(()) => format!("{}: OK", d.display()),
            Err(e) => {
                failed += 1;
                format!("{}: FAILED: {e}", d.display())
            }
        };
        writeln!(out, "{line}")?;
        out.flush()?;
    }
    if failed > 0 {
        return Err(Failure::new(
            1,
            format!(
                "{failed} of {} notification destinations failed",
                settings.destinations.len()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dest(url: &str) -> Destination {
        Destination::parse(1, url).unwrap_or_else(|e| panic!("{url}: {e}"))
    }

    fn sender(base: Option<&str>) -> Sender {
        let settings = NotifySettings {
            base_url: base.map(str::to_string),
            ..NotifySettings::default()
        };
        Sender::new(&settings).unwrap()
    }

    fn msg(title: &str, body: &str) -> Message {
        Message {
            domain: "x".into(),
            title: title.into(),
            body: body.into(),
            alert_json: String::new(),
            alert_file: String::new(),
            env: Vec::new(),
        }
    }

    fn http(t: &Target) -> &HttpSpec {
        match t {
            Target::Http(h) => h,
            other => panic!("not HTTP: {other:?}"),
        }
    }

    #[test]
    fn splitting() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("json://a.example", &["json://a.example"]),
            (
                "json://a.example, slack://A/B/C",
                &["json://a.example", "slack://A/B/C"],
            ),
            (
                "json://a.example slack://A/B/C\n tgram://1:a/2,",
                &["json://a.example", "slack://A/B/C", "tgram://1:a/2"],
            ),
            (
                "mailtos://u:p@x.example?to=a@x.example,b@x.example",
                &["mailtos://u:p@x.example?to=a@x.example,b@x.example"],
            ),
            (
                "mailto://x.example?to=a@x.example, b@x.example,json://h",
                &["mailto://x.example?to=a@x.example, b@x.example", "json://h"],
            ),
            (" , json://h ,, ", &["json://h"]),
            ("junk json://h", &["junk", "json://h"]),
        ];
        for (input, want) in cases {
            assert_eq!(
                split_urls(input),
                want.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                "{input:?}"
            );
        }
    }

    #[test]
    fn masking() {
        let cases: &[(&str, &str)] = &[
            (
                "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general",
                "slack://***",
            ),
            (
                "slack://xoxb-1234-1234-4ddbc191d40ee098cbaae6f3523ada2d/#x",
                "slack://***",
            ),
            (
                "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js",
                "discord://***",
            ),
            (
                "tgram://123456789:abcdefg_hijklmnop/12315544/",
                "tgram://***",
            ),
            ("msteams://team/a@b/c/d", "msteams://***"),
            ("msteams://a-b@c-d/e/f", "msteams://***"),
            (
                "mailtos://user:pass@example.com?to=x@y.z",
                "mailtos://example.com/***",
            ),
            ("mailto://user:p.a/ss@example.com", "mailto://***"),
            (
                "jsons://user:secret@hooks.example.org:8443/path/TOKEN?-k=v",
                "jsons://hooks.example.org/***",
            ),
            ("json://localhost:8080/x", "json://***"),
            (
                "mmosts://bot@mm.example.com/tok3n",
                "mmosts://mm.example.com/***",
            ),
            ("JSON://Host.Example", "json://Host.Example/***"),
            ("no scheme at all", "***"),
            ("sl@ck://secret.example/x", "***"),
            ("json://[::1]:80/x", "json://***"),
        ];
        for (url, want) in cases {
            assert_eq!(mask_url(url), *want, "{url}");
        }
    }

    #[test]
    fn parse_errors_name_no_secret() {
        let cases: &[(&str, &str)] = &[
            ("foo://SECRETTOKEN/x", "unsupported scheme \"foo\""),
            ("SECRETTOKEN", "not a URL"),
            ("slack://SECRETTOKEN", "write slack://"),
            ("slack://SECRET-TOKEN/B/C", "letters and digits"),
            ("slack://xoxb-SECRETTOKEN", "needs a channel"),
            ("discord://SECRETTOKEN", "discord://webhook_id"),
            ("msteams://team/SECRETTOKEN/b/c", "msteams://team"),
            ("mmost://mm.example.com", "mmost://host"),
            ("tgram://123:SECRETTOKEN", "no chat id"),
            ("tgram://SECRETTOKEN/1", "tgram://<bot_token>"),
            ("tgram://1:SECRETTOKEN/not a chat", "neither a number"),
            ("json://:SECRETTOKEN@", "no host"),
            ("json://h.example:SECRETTOKEN/", "port"),
            ("json://h.example?method=SECRETTOKEN", "method="),
            ("mailto://example.com", "no sender"),
            (
                "mailtos://u:SECRETTOKEN@example.com?mode=SECRETTOKEN",
                "mode=",
            ),
            (
                "mailtos://u:SECRETTOKEN@example.com?to=SECRETTOKEN",
                "recipient 1",
            ),
            ("mailtos://u:SECRETTOKEN@example.com?cc=a@b.c", "cc="),
            ("mailtos://u:SECRETTOKEN@example.com?verify=no", "verify=no"),
        ];
        for (url, want) in cases {
            let e = Destination::parse(1, url).expect_err(url);
            assert!(e.contains(want), "{url}: {e}");
            assert!(!e.contains("SECRETTOKEN"), "{url}: {e}");
        }
    }

    #[test]
    fn urls_of_each_scheme() {
        let m = msg("T", "B");
        let cases: &[(&str, &[&str])] = &[
            ("json://h.example", &["POST http://h.example"]),
            ("jsons://u:p@h.example:8443/a//b/?method=put&-k=v%20w&-x=a/b", &["PUT https://h.example:8443/a/b/?k=v+w&x=a%2Fb"]),
            ("json://[::1]:9/p%20q", &["POST http://[::1]:9/p%20q"]),
            ("slack://T1/B2/C3", &["POST https://hooks.slack.com/services/T1/B2/C3"]),
            ("slack://bot@T1/B2/C3/#a/@b?to=c", &["POST https://hooks.slack.com/services/T1/B2/C3"; 3]),
            ("slack://xoxb-1-2-ab/#a", &["POST https://slack.com/api/chat.postMessage"]),
            ("discord://123/tok_en-1", &["POST https://discord.com/api/webhooks/123/tok_en-1"]),
            ("msteams://acme/aa-1@bb-2/CC3/dd-4", &["POST https://acme.webhook.office.com/webhookb2/aa-1@bb-2/IncomingWebhook/CC3/dd-4"]),
            ("msteams://acme/aa-1@bb-2/CC3/dd-4/V2x_y", &["POST https://acme.webhook.office.com/webhookb2/aa-1@bb-2/IncomingWebhook/CC3/dd-4/V2x_y"]),
            ("msteams://aa-1@bb-2/CC3/dd-4", &["POST https://outlook.office.com/webhook/aa-1@bb-2/IncomingWebhook/CC3/dd-4"]),
            ("mmost://mm.example.com/tok", &["POST http://mm.example.com:8065/hooks/tok"]),
            ("mmosts://bot@mm.example.com:443/sub/path/tok?channels=a,b", &["POST https://mm.example.com:443/sub/path/hooks/tok"; 2]),
            ("tgram://123:AbC_d-e/456/-100/@chan", &["POST https://api.telegram.org/bot123:AbC_d-e/sendMessage"; 3]),
            ("tgram://bot123%3AAbC/456?to=789", &["POST https://api.telegram.org/bot123:AbC/sendMessage"; 2]),
        ];
        let snd = sender(None);
        for (url, want) in cases {
            let got: Vec<String> = snd
                .prepare(&dest(url), &m, 1.5)
                .iter()
                .map(|t| format!("{} {}", http(t).method, http(t).url))
                .collect();
            assert_eq!(
                got,
                want.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                "{url}"
            );
        }
        // The base URL replaces the well-known origins only.
        let snd = sender(Some("http://127.0.0.1:9"));
        let cases: &[(&str, &str)] = &[
            ("slack://T1/B2/C3", "http://127.0.0.1:9/services/T1/B2/C3"),
            (
                "slack://xoxb-1/#a",
                "http://127.0.0.1:9/api/chat.postMessage",
            ),
            ("discord://1/t", "http://127.0.0.1:9/api/webhooks/1/t"),
            (
                "msteams://acme/a@b/C/d",
                "http://127.0.0.1:9/webhookb2/a@b/IncomingWebhook/C/d",
            ),
            (
                "msteams://a@b/C/d",
                "http://127.0.0.1:9/webhook/a@b/IncomingWebhook/C/d",
            ),
            ("tgram://1:a/2", "http://127.0.0.1:9/bot1:a/sendMessage"),
            ("json://h.example/x", "http://h.example/x"),
            ("mmost://h.example/t", "http://h.example:8065/hooks/t"),
        ];
        for (url, want) in cases {
            assert_eq!(
                http(&snd.prepare(&dest(url), &m, 1.5)[0]).url,
                *want,
                "{url}"
            );
        }
    }

    #[test]
    fn bodies_are_python_json() {
        let snd = sender(None);
        let m = msg("Tï <&>", "a\nb @squarespace <@123> <@&45>");
        let body = |url: &str| {
            String::from_utf8(
                http(&snd.prepare(&dest(url), &m, 1700000000.25)[0])
                    .body
                    .clone(),
            )
            .unwrap()
        };
        assert_eq!(
            body("json://h"),
            r#"{"version": "1.0", "title": "T\u00ef <&>", "message": "a\nb @squarespace <@123> <@&45>", "attachments": [], "type": "info"}"#
        );
        assert_eq!(
            body("json://h?:title=subject&:type=&:extra=1&:version=message"),
            r#"{"message": "1.0", "attachments": [], "subject": "T\u00ef <&>", "extra": "1"}"#
        );
        assert_eq!(
            body("slack://T/B/C/chan"),
            format!(
                r##"{{"username": "Apprise", "mrkdwn": true, "attachments": [{{"title": "T\u00ef &lt;&amp;&gt;", "text": "a\nb @squarespace &lt;@123&gt; &lt;@&amp;45&gt;", "color": "#3AA3E3", "ts": 1700000000.25, "footer_icon": "{IMAGE_72}", "footer": "Apprise"}}], "icon_url": "{IMAGE_72}", "channel": "#chan"}}"##
            )
        );
        assert_eq!(
            body("slack://T/B/C?image=no&footer=no"),
            r##"{"username": "Apprise", "mrkdwn": true, "attachments": [{"title": "T\u00ef &lt;&amp;&gt;", "text": "a\nb @squarespace &lt;@123&gt; &lt;@&amp;45&gt;", "color": "#3AA3E3", "ts": 1700000000.25}]}"##
        );
        assert_eq!(
            body("discord://bot@1/t"),
            format!(
                r#"{{"tts": false, "wait": true, "avatar_url": "{IMAGE_256}", "username": "bot", "content": "T\u00ef <&>\r\na\nb @squarespace <@123> <@&45>", "allow_mentions": {{"parse": ["squarespace"], "users": ["123"], "roles": ["45"]}}}}"#
            )
        );
        assert_eq!(
            body("mmost://h/t?channel=c"),
            r#"{"text": "T\u00ef <&>\r\na\nb @squarespace <@123> <@&45>", "icon_url": null, "username": "Apprise", "channel": "c"}"#
        );
        assert_eq!(
            body("tgram://1:a/-100"),
            r#"{"disable_notification": false, "disable_web_page_preview": true, "parse_mode": "HTML", "text": "<b>T\u00ef &lt;&amp;&gt;</b>\r\na\nb @squarespace &lt;@123&gt; &lt;@&amp;45&gt;", "chat_id": -100}"#
        );
        assert!(body("tgram://1:a/@chan?silent=yes").ends_with(r#""chat_id": "@chan"}"#));
        assert_eq!(
            body("msteams://t/a@b/C/d"),
            format!(
                r##"{{"@type": "MessageCard", "@context": "https://schema.org/extensions", "summary": "Apprise Notifications", "themeColor": "#3AA3E3", "sections": [{{"activityImage": "{IMAGE_72}", "activityTitle": "T\u00ef <&>", "text": "a\nb @squarespace <@123> <@&45>"}}]}}"##
            )
        );
        // Astral characters as surrogate pairs, DEL escaped, as json.dumps.
        assert_eq!(
            py_json(&s("😀\u{7f}\u{1}\"\\")),
            r#""\ud83d\ude00\u007f\u0001\"\\""#
        );
        assert_eq!(py_json(&Value::from(1.0)), "1.0");
    }

    #[test]
    fn headers_and_auth() {
        let snd = sender(None);
        let m = msg("T", "B");
        let hdrs = |url: &str| http(&snd.prepare(&dest(url), &m, 0.0)[0]).headers.clone();
        let pairs = |v: &[(&str, &str)]| {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            hdrs("jsons://user:pa%3Ass@h/?+X-Token=abc&+content-type=text/plain"),
            pairs(&[
                ("User-Agent", "Apprise"),
                ("Content-Type", "text/plain"),
                ("X-Token", "abc"),
                ("Authorization", "Basic dXNlcjpwYTpzcw==")
            ])
        );
        assert_eq!(
            hdrs("slack://xoxb-1-a/#c"),
            pairs(&[
                ("User-Agent", "Apprise"),
                ("Content-Type", "application/json; charset=utf-8"),
                ("Accept", "application/json"),
                ("Authorization", "Bearer xoxb-1-a")
            ])
        );
        assert_eq!(
            hdrs("discord://1/t"),
            pairs(&[
                ("User-Agent", "Apprise"),
                ("Content-Type", "application/json; charset=utf-8")
            ])
        );
    }

    #[test]
    fn email_parameters() {
        let kind = |url: &str| match dest(url).kind {
            Kind::Email {
                security,
                smtp_host,
                port,
                user,
                password,
                from,
                from_name,
                to,
            } => (
                security, smtp_host, port, user, password, from, from_name, to,
            ),
            _ => panic!(),
        };
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (sec, host, port, user, pass, from, name, to) =
            kind("mailto://example.com?from=a@example.com");
        assert_eq!(
            (
                sec,
                host.as_str(),
                port,
                user,
                pass,
                from.as_str(),
                name.as_deref(),
                to
            ),
            (
                SmtpSecurity::Plain,
                "example.com",
                25,
                None,
                None,
                "a@example.com",
                None,
                v(&["a@example.com"])
            )
        );
        let (sec, host, port, user, pass, from, name, to) = kind(
            "mailtos://domain.xyz?user=alice&pass=s3cret&smtp=smtp-server-hostname&to=x@y.z,w@y.z&from=csm@domain.xyz&format=text&name=CertStreamMonitor-notification",
        );
        assert_eq!(
            (
                sec,
                host.as_str(),
                port,
                user.as_deref(),
                pass.as_deref(),
                from.as_str(),
                name.as_deref(),
                to
            ),
            (
                SmtpSecurity::StartTls,
                "smtp-server-hostname",
                587,
                Some("alice"),
                Some("s3cret"),
                "csm@domain.xyz",
                Some("CertStreamMonitor-notification"),
                v(&["x@y.z", "w@y.z"])
            )
        );
        let (sec, _, port, user, pass, from, _, to) =
            kind("mailtos://bob:pw@corp.example/soc@corp.example?mode=ssl");
        assert_eq!(
            (
                sec,
                port,
                user.as_deref(),
                pass.as_deref(),
                from.as_str(),
                to
            ),
            (
                SmtpSecurity::ImplicitTls,
                465,
                Some("bob"),
                Some("pw"),
                "bob@corp.example",
                v(&["soc@corp.example"])
            )
        );
        let (sec, _, port, ..) = kind("mailto://bob:pw@corp.example:2525?mode=starttls");
        assert_eq!((sec, port), (SmtpSecurity::StartTls, 2525));
        let (sec, host, port, user, ..) = kind("mailto://bob:pw@gmail.com");
        assert_eq!(
            (sec, host.as_str(), port, user.as_deref()),
            (
                SmtpSecurity::StartTls,
                "smtp.gmail.com",
                587,
                Some("bob@gmail.com")
            )
        );
        let (_, _, _, _, _, from, name, _) =
            kind("mailto://x.example?from=SOC Bot <soc@x.example>");
        assert_eq!(
            (from.as_str(), name.as_deref()),
            ("soc@x.example", Some("SOC Bot"))
        );
        // As apprise 1.7.1: user@domain is named "Apprise"; name= renames it; from= that is
        // no address names user@domain; from= an address drops the default name.
        let sender = |url: &str| {
            let (.., from, name, _) = kind(url);
            (from, name)
        };
        let s = |a: &str, n: Option<&str>| (a.to_string(), n.map(str::to_string));
        for (url, want) in [
            (
                "mailto://bob:pw@x.example",
                s("bob@x.example", Some("Apprise")),
            ),
            (
                "mailto://bob:pw@x.example?name=SOC",
                s("bob@x.example", Some("SOC")),
            ),
            (
                "mailto://bob:pw@x.example?from=SOC%20Bot",
                s("bob@x.example", Some("SOC Bot")),
            ),
            (
                "mailto://bob:pw@x.example?from=soc@x.example",
                s("soc@x.example", None),
            ),
            (
                "mailto://bob:pw@x.example?from=soc@x.example&name=SOC",
                s("soc@x.example", Some("SOC")),
            ),
            (
                "mailto://bob:pw@x.example?from=&name=",
                s("bob@x.example", Some("Apprise")),
            ),
        ] {
            assert_eq!(sender(url), want, "{url}");
        }
        assert!(Destination::parse(1, "mailto://x.example?from=SOC%20Bot").is_err());
    }

    #[test]
    fn scrubbing() {
        let d = dest("slack://T1SECRET/B2SECRET/C3SECRET/#chan");
        assert_eq!(
            d.scrub("POST https://hooks.slack.com/services/T1SECRET/B2SECRET/C3SECRET failed"),
            "POST https://hooks.slack.com/services/***/***/*** failed"
        );
        let d = dest("mailtos://bob:hunter22@corp.example?to=soc@corp.example");
        assert_eq!(
            d.scrub("SMTP corp.example:587: AUTH bob hunter22 for soc@corp.example"),
            "SMTP corp.example:587: AUTH *** *** for soc@corp.example"
        );
        let d = dest("tgram://123456:ABCsecret/42");
        assert!(!d
            .scrub("bot123456:ABCsecret/sendMessage")
            .contains("ABCsecret"));
        assert_eq!(format!("{d:?}"), "Destination([1] tgram://***)");
    }

    #[test]
    fn outbox_matching() {
        let ds: Vec<Arc<Destination>> = vec![
            Arc::new(Destination::parse(1, "slack://A/B/C").unwrap()),
            Arc::new(Destination::parse(2, "json://h.example/x").unwrap()),
            Arc::new(Destination::parse(3, "slack://D/E/F").unwrap()),
            Arc::new(Destination::command("/bin/true x").unwrap()),
        ];
        assert_eq!(match_destination("1 slack://***", &ds), Some(0));
        assert_eq!(match_destination("7 json://h.example/***", &ds), Some(1));
        assert_eq!(match_destination("7 slack://***", &ds), None);
        assert_eq!(match_destination("command", &ds), Some(3));
        assert_eq!(match_destination("1 discord://***", &ds), None);
    }

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

//! The Certificate Transparency log list (Chrome's CT log list, schema v3): which
//! logs exist, how to read them (RFC 6962 `url` or a tiled log's `monitoring_url`), their
//! state and temporal shard, and the `[CTLOGS] LogList` / `Logs` config values.
//!
//! A snapshot ships in the binary (`assets/log_list.json`, refreshed with
//! `certstreammonitor loglist --update FILE`, see [`update_file`]). Parsing is lenient
//! about unknown fields and fields this program does not use (`mmd`, `email`,
//! `log_type`, `dns`, `previous_operators`, …) and strict about the ones it does, with
//! errors that name the operator and log.
//!
//! Each log's `key` (base64 DER SubjectPublicKeyInfo) is what its signed tree heads are
//! checked against ([`crate::ct::signature`]). RFC 6962 §3.2 defines the log ID as the
//! SHA-256 of that key, so a key that does not hash to the entry's `log_id` belongs to some
//! other log: such a key (or one that does not parse as an ECDSA P-256 or RSA key) is
//! dropped with a warning ([`LogList::warnings`]) rather than failing the whole list, so
//! one bad entry does not stop every other log from being followed; that log is then
//! treated as having no key.

use std::fs;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::ct::signature::LogKey;

/// Logs Chrome currently recognises.
pub const CHROME_V3_URL: &str = "https://www.gstatic.com/ct/log_list/v3/log_list.json";

/// The snapshot compiled into the binary (see README, "CT log list", for its provenance).
pub static EMBEDDED: &[u8] = include_bytes!("../../assets/log_list.json");

/// Chrome stops enforcing CT once its list is this old; a list this old misses new shards.
pub const STALE_AFTER_DAYS: f64 = 70.0;

/// Timeout for fetching a list over HTTP.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

/// Largest list body accepted (today's list is ~60 KB with keys).
pub const FETCH_LIMIT: u64 = 16 * 1024 * 1024;

/// A shard whose `end_exclusive` is more than this many seconds in the past receives nothing new.
const EXPIRED_SHARD_GRACE: i64 = 86_400;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    /// RFC 6962 (`get-sth`, `get-entries`), from the list's `logs[]`.
    Rfc6962,
    /// static-ct-api (checkpoint and tiles), from the list's `tiled_logs[]`.
    Tiled,
}

impl LogKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LogKind::Rfc6962 => "rfc6962",
            LogKind::Tiled => "tiled",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogState {
    Pending,
    Qualified,
    Usable,
    Readonly,
    Retired,
    Rejected,
    /// No `state`, or a state name this program does not know.
    Unknown,
}

impl LogState {
    pub fn as_str(self) -> &'static str {
        match self {
            LogState::Pending => "pending",
            LogState::Qualified => "qualified",
            LogState::Usable => "usable",
            LogState::Readonly => "readonly",
            LogState::Retired => "retired",
            LogState::Rejected => "rejected",
            LogState::Unknown => "unknown",
        }
    }

    fn from_key(k: &str) -> LogState {
        match k {
            "pending" => LogState::Pending,
            "qualified" => LogState::Qualified,
            "usable" => LogState::Usable,
            "readonly" => LogState::Readonly,
            "retired" => LogState::Retired,
            "rejected" => LogState::Rejected,
            _ => LogState::Unknown,
        }
    }

    /// States worth polling: usable, qualified, readonly (a readonly log is read up to its
    /// `final_tree_head`); pending, retired and rejected logs are not.
    pub fn followable(self) -> bool {
        matches!(
            self,
            LogState::Usable | LogState::Qualified | LogState::Readonly
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CtLog {
    pub operator: String,
    pub description: String,
    /// Base64 as in the list; the stable key for state. Ad-hoc logs: `adhoc:` + normalised URL.
    pub log_id: String,
    pub kind: LogKind,
    /// Where to read: RFC 6962 `url`, or the tiled log's `monitoring_url`; always ends with '/'.
    pub url: String,
    /// Tiled logs' `submission_url` (ends with '/'); `None` for RFC 6962 and ad-hoc logs.
    pub submission_url: Option<String>,
    pub state: LogState,
    /// `readonly` logs: `final_tree_head.tree_size`; reading stops there.
    pub final_tree_size: Option<u64>,
    /// Unix seconds `[start_inclusive, end_exclusive)` of certificates' notAfter.
    pub temporal_interval: Option<(i64, i64)>,
    /// The log's public key (`key`), only when it parses and its SHA-256 is `log_id`
    /// (RFC 6962 §3.2); `None` for ad-hoc logs, lists without keys and rejected keys.
    pub key: Option<LogKey>,
}

impl CtLog {
    /// The origin line a static-ct-api checkpoint of this log carries (C2SP static-ct-api:
    /// the submission prefix as a schema-less URL without trailing slash).
    pub fn origin(&self) -> String {
        let url = self.submission_url.as_deref().unwrap_or(&self.url);
        let bare = url.split_once("://").map_or(url, |(_, rest)| rest);
        bare.trim_end_matches('/').to_string()
    }

    /// The URL as logs and the DB show it: user name, password and query values of an ad-hoc
    /// URL (`[CTLOGS] Logs = https://user:pass@…`) masked ([`crate::redact::without_credentials`]).
    pub fn shown_url(&self) -> std::borrow::Cow<'_, str> {
        crate::redact::without_credentials(&self.url)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LogList {
    pub version: String,
    /// `log_list_timestamp` as written in the list.
    pub timestamp: String,
    pub timestamp_unix: Option<i64>,
    /// In list order: operators in order, each operator's `logs` then its `tiled_logs`.
    pub logs: Vec<CtLog>,
    /// Problems that did not fail the list (a `key` that does not parse or does not match
    /// its `log_id`), one line each naming the log; [`load`] logs them as warnings.
    pub warnings: Vec<String>,
}

impl LogList {
    /// Parse a v3 list. Unknown fields are ignored; a missing or mistyped field this
    /// program needs (`operators`, `log_id`, `url`/`monitoring_url`, a temporal interval
    /// that is not RFC 3339) is an error naming the operator and log.
    pub fn parse(json: &[u8]) -> Result<LogList, String> {
        let root: Value =
            serde_json::from_slice(json).map_err(|e| format!("log list is not valid JSON: {e}"))?;
        let root = root.as_object().ok_or("log list is not a JSON object")?;
        let version = match root.get("version") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => return Err("log list: \"version\" is not a string".into()),
        };
        let timestamp = match root.get("log_list_timestamp") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(_) => return Err("log list: \"log_list_timestamp\" is not a string".into()),
        };
        let timestamp_unix = if timestamp.is_empty() {
            None
        } else {
            Some(parse_rfc3339(&timestamp).ok_or_else(|| {
                format!("log list: \"log_list_timestamp\" `{timestamp}` is not an RFC 3339 time")
            })?)
        };
        let operators = match root.get("operators") {
            Some(Value::Array(a)) => a,
            Some(_) => return Err("log list: \"operators\" is not an array".into()),
            None => return Err("log list: no \"operators\" array (is this a v3 log list?)".into()),
        };
        let mut logs = Vec::new();
        let mut warnings = Vec::new();
        for (i, op) in operators.iter().enumerate() {
            let op = op
                .as_object()
                .ok_or_else(|| format!("log list: operators[{i}] is not an object"))?;
            let name = match op.get("name") {
                Some(Value::String(s)) => s.clone(),
                None | Some(Value::Null) => String::new(),
                Some(_) => {
                    return Err(format!(
                        "log list: operators[{i}]: \"name\" is not a string"
                    ))
                }
            };
            let op_label = if name.is_empty() {
                format!("operators[{i}]")
            } else {
                format!("operators[{i}] ({name})")
            };
            for (array, kind) in [("logs", LogKind::Rfc6962), ("tiled_logs", LogKind::Tiled)] {
                let entries = match op.get(array) {
                    None | Some(Value::Null) => continue,
                    Some(Value::Array(a)) => a,
                    Some(_) => {
                        return Err(format!("log list: {op_label}: \"{array}\" is not an array"))
                    }
                };
                for (j, entry) in entries.iter().enumerate() {
                    let at = format!("log list: {op_label} {array}[{j}]");
                    let entry = entry
                        .as_object()
                        .ok_or_else(|| format!("{at}: not an object"))?;
                    logs.push(parse_log(entry, &name, kind, &at, &mut warnings)?);
                }
            }
        }
        Ok(LogList {
            version,
            timestamp,
            timestamp_unix,
            logs,
            warnings,
        })
    }

    /// The list compiled into the binary.
    pub fn embedded() -> LogList {
        static LIST: OnceLock<LogList> = OnceLock::new();
        LIST.get_or_init(|| {
            LogList::parse(EMBEDDED).expect("the embedded log list parses (tests/loglist.rs)")
        })
        .clone()
    }

    /// Logs worth polling at `now`: usable, qualified and readonly logs, except shards
    /// whose `end_exclusive` is more than a day before `now`. Future shards are kept
    /// (they fill up as certificates' notAfter moves into them).
    pub fn followable(&self, now: i64) -> Vec<CtLog> {
        self.logs
            .iter()
            .filter(|l| l.state.followable() && !shard_expired(l, now))
            .cloned()
            .collect()
    }

    /// The `Logs` config value.
    ///
    /// * `all` → [`followable`](Self::followable)`(now)`.
    /// * Otherwise a list of items. With a comma anywhere, items are separated by commas.
    ///   Without one, the value is split on whitespace only if every word is a URL
    ///   (`https://a/ https://b/`); otherwise the whole value is one item, so a
    ///   description with spaces and quotes (`Google 'Argon2026h2' log`) works unquoted.
    /// * An item is `all` (adds every followable log), a log URL (compared without
    ///   scheme, host case or trailing `/`; matches `url`, `monitoring_url` and
    ///   `submission_url`), or a description (case-insensitive; a trailing ` log` may be
    ///   left out, so `Google 'Argon2026h2'` names `Google 'Argon2026h2' log`).
    ///   A log named explicitly is selected whatever its state.
    /// * An http(s) URL that matches nothing becomes an ad-hoc log (operator `ad-hoc`,
    ///   state usable, id `adhoc:` + normalised URL): RFC 6962, or tiled when written
    ///   `tiled:URL`. Anything else that matches nothing is an error naming the item.
    ///
    /// The result has no duplicates (by `log_id`) and keeps the order of the items.
    pub fn select(&self, spec: &str, now: i64) -> Result<Vec<CtLog>, String> {
        let spec = spec.trim();
        if spec.is_empty() {
            return Err(
                "Logs is empty: write `all` or a comma-separated list of log URLs or descriptions"
                    .into(),
            );
        }
        let items: Vec<&str> = if spec.contains(',') {
            spec.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        } else if spec.split_whitespace().count() > 1
            && spec
                .split_whitespace()
                .all(|w| is_http_url(w.strip_prefix("tiled:").unwrap_or(w)))
        {
            spec.split_whitespace().collect()
        } else {
            vec![spec]
        };
        if items.is_empty() {
            return Err(format!("Logs `{spec}` names no log: write `all` or a comma-separated list of log URLs or descriptions"));
        }
        let mut out: Vec<CtLog> = Vec::new();
        let push = |log: CtLog, out: &mut Vec<CtLog>| {
            if !out.iter().any(|l| l.log_id == log.log_id) {
                out.push(log);
            }
        };
        for item in items {
            if item.eq_ignore_ascii_case("all") {
                for log in self.followable(now) {
                    push(log, &mut out);
                }
                continue;
            }
            let (tiled, target) = match item.get(..6) {
                Some(p) if p.eq_ignore_ascii_case("tiled:") => (true, item[6..].trim()),
                _ => (false, item),
            };
            if is_http_url(target) {
                let key = normalise_url(target);
                let found = self.logs.iter().find(|l| {
                    normalise_url(&l.url) == key
                        || l.submission_url
                            .as_deref()
                            .is_some_and(|s| normalise_url(s) == key)
                });
                let log = match found {
                    Some(l) => l.clone(),
                    None => ad_hoc(
                        target,
                        if tiled {
                            LogKind::Tiled
                        } else {
                            LogKind::Rfc6962
                        },
                    ),
                };
                push(log, &mut out);
                continue;
            }
            if tiled {
                return Err(format!(
                    "Logs: `{item}`: `tiled:` must be followed by an http:// or https:// URL"
                ));
            }
            push(self.by_description(item)?, &mut out);
        }
        Ok(out)
    }

    fn by_description(&self, item: &str) -> Result<CtLog, String> {
        let want = item.to_lowercase();
        if let Some(l) = self
            .logs
            .iter()
            .find(|l| l.description.to_lowercase() == want)
        {
            return Ok(l.clone());
        }
        let strip = |s: &str| -> String {
            let s = s.trim().to_lowercase();
            s.strip_suffix(" log")
                .map(|t| t.trim_end().to_string())
                .unwrap_or(s)
        };
        let want = strip(item);
        let hits: Vec<&CtLog> = self
            .logs
            .iter()
            .filter(|l| strip(&l.description) == want)
            .collect();
        match hits.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(format!(
                "Logs: `{item}` matches no log URL or description in the log list (list version {}); \
                 an ad-hoc log must be an http:// or https:// URL",
                if self.version.is_empty() { "?" } else { &self.version }
            )),
            many => Err(format!(
                "Logs: `{item}` is ambiguous: {}",
                many.iter().map(|l| l.description.as_str()).collect::<Vec<_>>().join(" / ")
            )),
        }
    }

    /// Days since `log_list_timestamp` (negative if the list claims to be from the future).
    pub fn age_days(&self, now: i64) -> Option<f64> {
        self.timestamp_unix.map(|t| (now - t) as f64 / 86_400.0)
    }

    /// Older than [`STALE_AFTER_DAYS`], or undated.
    pub fn is_stale(&self, now: i64) -> bool {
        self.age_days(now).is_none_or(|d| d > STALE_AFTER_DAYS)
    }
}

fn shard_expired(log: &CtLog, now: i64) -> bool {
    log.temporal_interval
        .is_some_and(|(_, end)| end < now.saturating_sub(EXPIRED_SHARD_GRACE))
}

fn parse_log(
    entry: &Map<String, Value>,
    operator: &str,
    kind: LogKind,
    at: &str,
    warnings: &mut Vec<String>,
) -> Result<CtLog, String> {
    let log_id = get_str(entry, "log_id", true, at)?.unwrap_or_default();
    let at = format!("{at} (log_id {log_id})");
    let at = at.as_str();
    let string = |key: &str, required: bool| get_str(entry, key, required, at);
    let (url, submission_url) = match kind {
        LogKind::Rfc6962 => (string("url", true)?.unwrap_or_default(), None),
        LogKind::Tiled => (
            string("monitoring_url", true)?.unwrap_or_default(),
            string("submission_url", false)?,
        ),
    };
    let (url, submission_url) = (with_slash(&url), submission_url.map(|s| with_slash(&s)));
    let description = string("description", false)?.unwrap_or_else(|| url.clone());
    let (state, final_tree_size) = parse_state(entry.get("state"), at)?;
    let temporal_interval = match entry.get("temporal_interval") {
        None | Some(Value::Null) => None,
        Some(Value::Object(ti)) => {
            let bound = |key: &str| -> Result<i64, String> {
                match ti.get(key) {
                    Some(Value::String(s)) => parse_rfc3339(s).ok_or_else(|| {
                        format!("{at}: temporal_interval.{key} `{s}` is not an RFC 3339 time")
                    }),
                    _ => Err(format!("{at}: temporal_interval has no \"{key}\" string")),
                }
            };
            Some((bound("start_inclusive")?, bound("end_exclusive")?))
        }
        Some(_) => return Err(format!("{at}: \"temporal_interval\" is not an object")),
    };
    let key = match parse_key(entry.get("key"), &log_id) {
        Ok(k) => k,
        Err(e) => {
            warnings.push(format!("{at}: {e}; this log's key is ignored"));
            None
        }
    };
    Ok(CtLog {
        operator: operator.to_string(),
        description,
        log_id,
        kind,
        url,
        submission_url,
        state,
        final_tree_size,
        temporal_interval,
        key,
    })
}

/// The `key` field: absent or null → `Ok(None)`; otherwise base64 DER SubjectPublicKeyInfo
/// whose SHA-256 must be the base64 `log_id` (RFC 6962 §3.2).
fn parse_key(v: Option<&Value>, log_id: &str) -> Result<Option<LogKey>, String> {
    let b64 = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s,
        Some(_) => return Err("\"key\" is not a string".into()),
    };
    let key = LogKey::from_base64(b64).map_err(|e| format!("\"key\": {e}"))?;
    let id = crate::net::base64::decode(log_id.as_bytes()).ok();
    if id.as_deref() != Some(&key.log_id()[..]) {
        return Err(format!(
            "\"key\" hashes to log ID {}, not this log's",
            crate::net::base64::encode(&key.log_id())
        ));
    }
    Ok(Some(key))
}

/// A string field, trimmed; `Ok(None)` when absent, null or blank and not `required`.
fn get_str(
    entry: &Map<String, Value>,
    key: &str,
    required: bool,
    at: &str,
) -> Result<Option<String>, String> {
    match entry.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
        Some(Value::String(_)) | None | Some(Value::Null) if !required => Ok(None),
        Some(Value::String(_)) => Err(format!("{at}: \"{key}\" is empty")),
        None | Some(Value::Null) => Err(format!("{at}: missing \"{key}\"")),
        Some(_) => Err(format!("{at}: \"{key}\" is not a string")),
    }
}

/// `{"usable": {"timestamp": …}}`; `readonly` also carries `final_tree_head.tree_size`.
fn parse_state(v: Option<&Value>, at: &str) -> Result<(LogState, Option<u64>), String> {
    let obj = match v {
        None | Some(Value::Null) => return Ok((LogState::Unknown, None)),
        Some(Value::Object(o)) => o,
        Some(_) => return Err(format!("{at}: \"state\" is not an object")),
    };
    // Exactly one key by the schema; if a list ever carries several, take the one that
    // says the least about being readable (retired/rejected beat usable).
    let mut best: Option<(LogState, &Value)> = None;
    for (k, val) in obj {
        let s = LogState::from_key(k);
        let rank = |s: LogState| match s {
            LogState::Rejected | LogState::Retired => 3,
            LogState::Readonly => 2,
            LogState::Unknown => 0,
            _ => 1,
        };
        if best.is_none_or(|(b, _)| rank(s) > rank(b)) {
            best = Some((s, val));
        }
    }
    let Some((state, val)) = best else {
        return Ok((LogState::Unknown, None));
    };
    let final_tree_size = if state == LogState::Readonly {
        match val.get("final_tree_head").and_then(|h| h.get("tree_size")) {
            Some(Value::Number(n)) => Some(n.as_u64().ok_or_else(|| {
                format!("{at}: readonly final_tree_head.tree_size `{n}` is not a size")
            })?),
            None | Some(Value::Null) => None,
            Some(_) => {
                return Err(format!(
                    "{at}: readonly final_tree_head.tree_size is not a number"
                ))
            }
        }
    } else {
        None
    };
    Ok((state, final_tree_size))
}

fn with_slash(url: &str) -> String {
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}

/// `http://` or `https://` (any case) followed by a host, and no whitespace.
fn is_http_url(s: &str) -> bool {
    let rest = strip_scheme(s);
    rest.len() != s.len()
        && !rest.is_empty()
        && !rest.starts_with('/')
        && !s.chars().any(char::is_whitespace)
}

fn strip_scheme(s: &str) -> &str {
    for scheme in ["https://", "http://"] {
        if s.len() >= scheme.len() && s[..scheme.len()].eq_ignore_ascii_case(scheme) {
            return &s[scheme.len()..];
        }
    }
    s
}

/// The form in which log URLs are compared: no scheme, no user info (credentials are not
/// part of a log's identity, and the result is stored in the DB as the ad-hoc log's id), host
/// lower-cased, no trailing '/'. `HTTPS://u:p@CT.Example.com/Log/` → `ct.example.com/Log`.
pub fn normalise_url(url: &str) -> String {
    let rest = strip_scheme(url.trim());
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    format!("{}{}", host.to_ascii_lowercase(), path)
        .trim_end_matches('/')
        .to_string()
}

/// A log given by URL in `Logs` that is not in the list.
fn ad_hoc(url: &str, kind: LogKind) -> CtLog {
    let url = with_slash(url.trim());
    CtLog {
        operator: "ad-hoc".into(),
        description: crate::redact::without_credentials(&url).into_owned(),
        log_id: format!("adhoc:{}", normalise_url(&url)),
        kind,
        url,
        submission_url: None,
        state: LogState::Usable,
        final_tree_size: None,
        temporal_interval: None,
        key: None,
    }
}

/// RFC 3339 date-time → Unix seconds (fraction dropped): `YYYY-MM-DDTHH:MM:SS[.frac](Z|±hh:mm)`.
/// `T`/`Z` may be lower case and `T` a space (RFC 3339 §5.6 note); a leap second `:60` is
/// accepted. Anything else (missing zone, out-of-range field, trailing text) is `None`.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let local = crate::clock::date_time_prefix(b, 60)?;
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32)
        })
    };
    let mut i = 19;
    if b[i] == b'.' {
        let start = i + 1;
        i = start;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0i64,
        sign @ (b'+' | b'-') if i + 6 == b.len() && b[i + 3] == b':' => {
            let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let o = (oh * 3600 + om * 60) as i64;
            if *sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    Some(local - offset)
}

/// The `LogList` config value: `embedded`, an http(s) URL (fetched with a 30 s timeout and
/// a 16 MiB limit), or a file path.
/// Problems that do not fail the list ([`LogList::warnings`]) are logged as warnings.
pub fn load(source: &str) -> Result<LogList, String> {
    let source = source.trim();
    let (list, shown) = if source.eq_ignore_ascii_case("embedded") {
        (LogList::embedded(), "embedded log list".into())
    } else if is_http_url(source) {
        let shown = crate::redact::without_credentials(source).into_owned();
        let body = fetch(source)?;
        (
            LogList::parse(&body).map_err(|e| format!("{shown}: {e}"))?,
            shown,
        )
    } else {
        let body = fs::read(source).map_err(|e| format!("{source}: {e}"))?;
        (
            LogList::parse(&body).map_err(|e| format!("{source}: {e}"))?,
            source.to_string(),
        )
    };
    for w in &list.warnings {
        crate::logging::warning("ct", &format!("{shown}: {w}"));
    }
    Ok(list)
}

/// GET `url`; only a 200 with a body counts.
fn fetch(url: &str) -> Result<Vec<u8>, String> {
    let client = crate::net::http::HttpClient::new(FETCH_TIMEOUT);
    let resp = client.get(url, FETCH_LIMIT).map_err(|e| e.to_string())?;
    let url = crate::redact::without_credentials(url);
    if resp.status != 200 {
        return Err(format!("{url}: HTTP {}", resp.status));
    }
    Ok(resp.body)
}

/// `certstreammonitor loglist --update FILE [--url URL]`: fetch `url` (normally
/// [`CHROME_V3_URL`]), check that it parses and names at least one log, then replace
/// `path` atomically: a temporary file in the same directory, fsync, rename, fsync of the
/// directory. On any error `path` is left as it was. Returns a one-line summary, which
/// says how many logs carry a usable key and names a key that was ignored.
pub fn update_file(path: &Path, url: &str) -> Result<String, String> {
    let body = fetch(url)?;
    let url = crate::redact::without_credentials(url);
    let list =
        LogList::parse(&body).map_err(|e| format!("{url}: {e}; {} not changed", path.display()))?;
    if list.logs.is_empty() {
        return Err(format!(
            "{url}: the log list names no logs; {} not changed",
            path.display()
        ));
    }
    crate::atomic_file::write(path, &body).map_err(|e| format!("{}: {e}", path.display()))?;
    let tiled = list
        .logs
        .iter()
        .filter(|l| l.kind == LogKind::Tiled)
        .count();
    let keyed = list.logs.iter().filter(|l| l.key.is_some()).count();
    let ignored = match list.warnings.as_slice() {
        [] => String::new(),
        [one] => format!("; 1 key ignored: {one}"),
        [first, ..] => format!("; {} keys ignored, first: {first}", list.warnings.len()),
    };
    Ok(format!(
        "{}: log list version {}, log_list_timestamp {}, {} logs ({} RFC 6962, {} tiled), {keyed} with a key{ignored}",
        path.display(),
        if list.version.is_empty() {
            "?"
        } else {
            &list.version
        },
        if list.timestamp.is_empty() {
            "?"
        } else {
            &list.timestamp
        },
        list.logs.len(),
        list.logs.len() - tiled,
        tiled
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(y: i64, mo: u32, d: u32, h: i64, mi: i64, s: i64) -> i64 {
        crate::clock::days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s
    }

    #[test]
    fn rfc3339_table() {
        let ok: &[(&str, i64)] = &[
            ("1970-01-01T00:00:00Z", 0),
            ("2026-08-29T13:39:10Z", ts(2026, 8, 29, 13, 39, 10)),
            ("2026-08-29t13:39:10z", ts(2026, 8, 29, 13, 39, 10)),
            ("2026-08-29 13:39:10Z", ts(2026, 8, 29, 13, 39, 10)),
            ("2026-08-29T13:39:10.999999Z", ts(2026, 8, 29, 13, 39, 10)),
            ("2026-08-29T13:39:10.5+02:00", ts(2026, 8, 29, 11, 39, 10)),
            ("2026-08-29T13:39:10-05:30", ts(2026, 8, 29, 19, 9, 10)),
            ("2026-01-01T00:30:00+01:00", ts(2025, 12, 31, 23, 30, 0)),
            ("2024-02-29T00:00:00Z", ts(2024, 2, 29, 0, 0, 0)),
            ("2000-02-29T23:59:59Z", ts(2000, 2, 29, 23, 59, 59)),
            ("2016-12-31T23:59:60Z", ts(2017, 1, 1, 0, 0, 0)),
            ("1969-12-31T23:59:59Z", -1),
        ];
        for (s, want) in ok {
            assert_eq!(parse_rfc3339(s), Some(*want), "{s}");
        }
        let bad = [
            "",
            "2026-08-29",
            "2026-08-29T13:39:10",
            "2026-08-29T13:39:10+0200",
            "2026-08-29T13:39:10+02",
            "2026-08-29T13:39:10.Z",
            "2026-08-29T13:39:10Zjunk",
            "2026-13-01T00:00:00Z",
            "2026-00-01T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-08-29T24:00:00Z",
            "2026-08-29T23:60:00Z",
            "2026-08-29T23:59:61Z",
            "2026-08-29T13:39:10+24:00",
            "2026-08-29X13:39:10Z",
            "２026-08-29T13:39:10Z",
            "2026-08-29T13:39:1é",
        ];
        for s in bad {
            assert_eq!(parse_rfc3339(s), None, "{s:?}");
        }
    }

    #[test]
    fn normalise() {
        assert_eq!(
            normalise_url("HTTPS://CT.Example.com/Log/"),
            "ct.example.com/Log"
        );
        assert_eq!(
            normalise_url("http://ct.example.com/log"),
            "ct.example.com/log"
        );
        assert_eq!(normalise_url("http://127.0.0.1:1234/"), "127.0.0.1:1234");
        assert_eq!(normalise_url("http://127.0.0.1:1234"), "127.0.0.1:1234");
        assert!(is_http_url("http://x"));
        assert!(is_http_url("HTTPS://x/y"));
        assert!(!is_http_url("https://"));
        assert!(!is_http_url("ftp://x/"));
        assert!(!is_http_url("Google 'Argon2026h2' log"));
        assert!(!is_http_url("http://a b/"));
    }

    #[test]
    fn embedded_logs_carry_their_keys() {
        let list = LogList::parse(EMBEDDED).unwrap();
        assert_eq!(list.warnings, Vec::<String>::new());
        let mut checked = 0;
        for l in list.logs.iter().filter(|l| l.state.followable()) {
            let key = l
                .key
                .as_ref()
                .unwrap_or_else(|| panic!("{}: no usable key", l.description));
            let id = crate::net::base64::decode(l.log_id.as_bytes()).unwrap();
            assert_eq!(
                openssl::sha::sha256(key.der())[..],
                id[..],
                "{}",
                l.description
            );
            assert_eq!(key.log_id()[..], id[..]);
            checked += 1;
        }
        // Chrome's list v86.4: 27 + 21 usable, 6 qualified, 4 readonly.
        assert_eq!(checked, 58);
        assert!(list.logs.iter().all(|l| l.key.is_some()));
    }

    #[test]
    fn bad_keys_are_dropped_with_a_warning() {
        let embedded = LogList::parse(EMBEDDED).unwrap();
        let (a, b) = (&embedded.logs[0], &embedded.logs[1]);
        let b64 = |k: &LogKey| crate::net::base64::encode(k.der());
        let (ka, kb) = (a.key.as_ref().unwrap(), b.key.as_ref().unwrap());
        let list = format!(
            r#"{{"operators":[{{"name":"T","logs":[
            {{"log_id":"{ida}","url":"https://a/","key":"{ka}"}},
            {{"log_id":"{ida}","url":"https://b/","key":"{kb}"}},
            {{"log_id":"{ida}","url":"https://c/","key":"AAAA"}},
            {{"log_id":"{ida}","url":"https://d/","key":7}},
            {{"log_id":"{ida}","url":"https://e/"}},
            {{"log_id":"not base64","url":"https://f/","key":"{ka}"}}
        ]}}]}}"#,
            ida = a.log_id,
            ka = b64(ka),
            kb = b64(kb),
        );
        let l = LogList::parse(list.as_bytes()).unwrap();
        let keys: Vec<bool> = l.logs.iter().map(|l| l.key.is_some()).collect();
        assert_eq!(keys, [true, false, false, false, false, false]);
        assert_eq!(l.logs[0].key.as_ref(), Some(ka));
        assert_eq!(l.warnings.len(), 4, "{:#?}", l.warnings);
        assert!(l.warnings[0].contains("logs[1]") && l.warnings[0].contains("not this log's"));
        assert!(l.warnings[1].contains("logs[2]") && l.warnings[1].contains("DER"));
        assert!(l.warnings[2].contains("logs[3]") && l.warnings[2].contains("not a string"));
        assert!(l.warnings[3].contains("logs[5]"));
        assert!(l
            .warnings
            .iter()
            .all(|w| w.ends_with("this log's key is ignored")));
    }

    #[test]
    fn state_parsing() {
        let list = br#"{"operators":[{"name":"T","logs":[
            {"log_id":"a","url":"https://a/","state":{"readonly":{"timestamp":"2025-01-01T00:00:00Z","final_tree_head":{"sha256_root_hash":"x","tree_size":42}}}},
            {"log_id":"b","url":"https://b"},
            {"log_id":"c","url":"https://c/","state":{"frozen":{}}},
            {"log_id":"d","url":"https://d/","state":{"usable":{},"retired":{}}}
        ]}]}"#;
        let l = LogList::parse(list).unwrap();
        assert_eq!(
            (l.logs[0].state, l.logs[0].final_tree_size),
            (LogState::Readonly, Some(42))
        );
        assert_eq!(
            (l.logs[1].state, l.logs[1].url.as_str()),
            (LogState::Unknown, "https://b/")
        );
        assert_eq!(l.logs[1].description, "https://b/");
        assert_eq!(l.logs[2].state, LogState::Unknown);
        assert_eq!(l.logs[3].state, LogState::Retired);
        assert_eq!(l.version, "");
        assert_eq!(l.timestamp_unix, None);
    }
}

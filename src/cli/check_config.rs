//! `check-config`: validate everything `monitor` and/or `scan` would read from a
//! configuration, with the same `from_config` functions they call, and print the effective
//! settings (`SECTION.Key = value`, secrets masked), then `OK`. Every problem found is
//! printed with file, line, section and key, and the exit status is 2.
//!
//! Nothing is created or changed: paths the subcommands would create (DB, its directory,
//! log file, alerts directory) are checked by finding their nearest existing ancestor and
//! asking the kernel whether this process may write there (POSIX `access(2)`); an existing
//! DB file must start with the SQLite header ("SQLite format 3\0", SQLite's "Database File
//! Format" document) and be writable, but is not opened. No network request is made: a
//! log list given as a URL is checked for its syntax only, and the embedded list is not
//! refreshed from the network as `monitor` tries to.

use crate::config::{Config, ConfigError};
use crate::ct::loglist::{self, LogList};
use crate::ct::reader::StartAt;
use crate::ct::CtSettings;
use crate::db::DatabaseSettings;
use crate::detect::lookalike::{Lookalike, LookalikeSettings};
use crate::detect::rules::Rules;
use crate::logging::{LogTarget, LoggingSettings};
use crate::metrics::MetricsSettings;
use crate::monitor::certstream_client::ClientSettings;
use crate::monitor::health::HealthSettings;
use crate::monitor::SourceSettings;
use crate::notify::{BodyFormat, NotifySettings};
use crate::redact::{mask_url, without_credentials, MASK};
use crate::scan::ScanSettings;
use crate::serve::ServeSettings;
use crate::{clock, Failure};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Which subcommand's settings to check (`--for`); both by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Monitor,
    Scan,
    Serve,
    All,
}

impl Target {
    /// `--for` values.
    pub fn parse(s: &str) -> Result<Target, String> {
        match s {
            "monitor" => Ok(Target::Monitor),
            "scan" => Ok(Target::Scan),
            "serve" => Ok(Target::Serve),
            other => Err(format!("--for {other:?}: use monitor, scan or serve")),
        }
    }
}

#[derive(Debug, Clone)]
pub struct CheckConfigArgs {
    pub config: PathBuf,
    pub target: Target,
}

/// The effective settings found so far and the problems; a key is printed once even when
/// both subcommands read it.
#[derive(Default)]
struct Report {
    lines: Vec<(String, String)>,
    errors: Vec<String>,
    warnings: Vec<String>,
}

impl Report {
    fn set(&mut self, section: &str, key: &str, value: impl Into<String>) {
        let name = format!("{section}.{key}");
        if !self.lines.iter().any(|(n, _)| *n == name) {
            self.lines.push((name, value.into()));
        }
    }

    /// Run one group of checks; its error (if any) is recorded and the others go on.
    fn check(&mut self, group: impl FnOnce(&mut Report) -> Result<(), ConfigError>) {
        if let Err(e) = group(self) {
            let e = e.to_string();
            if !self.errors.contains(&e) {
                self.errors.push(e);
            }
        }
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// Seconds as written in the config: `20`, `0.5`.
fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{}", d.as_secs())
    } else {
        format!("{s}")
    }
}

/// `access(2)` on `path`: may this process do `mode` there? (EROFS counts as no.)
fn access(path: &Path, mode: libc::c_int) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    match std::ffi::CString::new(path.as_os_str().as_bytes()) {
        // SAFETY: a valid NUL-terminated string that outlives the call.
        Ok(c) => unsafe { libc::access(c.as_ptr(), mode) == 0 },
        Err(_) => false,
    }
}

/// Not there: absent, or below something that is not a directory (reported by [`creatable`]).
fn missing(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
    )
}

/// The directory that would receive `path` when the subcommand creates it (and any missing
/// parent directories): its nearest existing ancestor, which must be a writable directory.
/// Returns the text shown after the path.
fn creatable(path: &Path) -> Result<String, String> {
    let mut dir = path.parent();
    while let Some(d) = dir {
        let shown = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        match std::fs::metadata(shown) {
            Ok(m) if m.is_dir() => {
                return if access(shown, libc::W_OK | libc::X_OK) {
                    Ok("(will be created)".into())
                } else {
                    Err(format!(
                        "cannot be created: directory {} is not writable",
                        shown.display()
                    ))
                };
            }
            Ok(_) => {
                return Err(format!(
                    "cannot be created: {} is not a directory",
                    shown.display()
                ))
            }
            Err(e) if missing(&e) => dir = d.parent(),
            Err(e) => return Err(format!("cannot be created: {}: {e}", shown.display())),
        }
    }
    Err("cannot be created: no existing parent directory".into())
}

/// A file the subcommand appends to or creates (the log file).
fn writable_file(path: &Path) -> Result<String, String> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(format!("{} is a directory", path.display())),
        Ok(_) if !access(path, libc::W_OK) => Err(format!("{} is not writable", path.display())),
        Ok(_) => {
            // Rotation renames the file and creates a new one beside it.
            let dir = path.parent().unwrap_or(Path::new("."));
            if access(dir, libc::W_OK | libc::X_OK) {
                Ok("(exists, writable)".into())
            } else {
                Err(format!("{}: its directory is not writable", path.display()))
            }
        }
        Err(e) if missing(&e) => creatable(path).map_err(|m| format!("{}: {m}", path.display())),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// A directory the subcommand writes files into (the alerts directory).
fn writable_dir(path: &Path) -> Result<String, String> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_dir() => Err(format!("{} is not a directory", path.display())),
        Ok(_) if !access(path, libc::W_OK | libc::X_OK) => {
            Err(format!("{} is not writable", path.display()))
        }
        Ok(_) => Ok("(exists, writable)".into()),
        Err(e) if missing(&e) => creatable(path).map_err(|m| format!("{}: {m}", path.display())),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// The DB file: absent (created by the subcommand: its directory must allow it), empty
/// (SQLite initialises it), or a SQLite database this process may write, in a directory
/// where SQLite may create its `-wal` and `-shm` files. Read, never opened as a DB.
fn database_file(path: &Path) -> Result<String, String> {
    use std::io::Read;
    const HEADER: &[u8; 16] = b"SQLite format 3\0";
    let shown = path.display();
    let meta = match std::fs::metadata(path) {
        Err(e) if missing(&e) => return creatable(path).map_err(|m| format!("{shown}: {m}")),
        Err(e) => return Err(format!("{shown}: {e}")),
        Ok(m) => m,
    };
    if meta.is_dir() {
        return Err(format!("{shown} is a directory"));
    }
    if meta.len() > 0 {
        let mut head = [0u8; 16];
        let read = std::fs::File::open(path)
            .and_then(|mut f| f.read_exact(&mut head))
            .map_err(|e| format!("{shown}: {e}"));
        if read.is_err() || &head != HEADER {
            return Err(format!("{shown} is not a SQLite database"));
        }
    }
    if !access(path, libc::R_OK | libc::W_OK) {
        return Err(format!("{shown} is not writable"));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    if !access(dir, libc::W_OK | libc::X_OK) {
        return Err(format!(
            "{shown}: its directory is not writable (SQLite creates its -wal and -shm files there)"
        ));
    }
    Ok(if meta.len() == 0 {
        "(empty file, will be initialised)".into()
    } else {
        "(SQLite database, writable)".into()
    })
}

fn database(c: &Config, r: &mut Report) -> Result<(), ConfigError> {
    let db = DatabaseSettings::from_config(c)?;
    let state = database_file(&db.path).map_err(|m| c.key_error("DATABASE", "DBFile", m))?;
    r.set(
        "DATABASE",
        "DBFile",
        format!("{} {state}", db.path.display()),
    );
    r.set("DATABASE", "TABLEname", db.table);
    Ok(())
}

fn rules(c: &Config, r: &mut Report) -> Result<(), ConfigError> {
    let rules = Rules::from_config(c)?;
    r.set("SEARCH", "SearchKeywords", rules.search_keywords());
    let blacklist = c.get("SEARCH", "BlacklistKeywords")?.unwrap_or_default();
    r.set(
        "SEARCH",
        "BlacklistKeywords",
        if blacklist.is_empty() {
            "(none)".to_string()
        } else {
            blacklist
        },
    );
    r.set(
        "SEARCH",
        "DetectionThreshold",
        rules.threshold().to_string(),
    );
    r.warnings.extend(crate::monitor::rule_warnings(&rules));
    Ok(())
}

fn lookalike(c: &Config, r: &mut Report) -> Result<(), ConfigError> {
    match LookalikeSettings::from_config(c)? {
        None => r.set("LOOKALIKE", "Enabled", "no"),
        Some(s) => {
            r.set("LOOKALIKE", "Enabled", "yes");
            r.set("LOOKALIKE", "Brands", Lookalike::new(&s).describe());
            r.set("LOOKALIKE", "MinConfidence", s.min_confidence.name());
            if let Some((file, entries)) = &s.allow {
                r.set(
                    "LOOKALIKE",
                    "AllowFile",
                    format!("{file} ({} entries)", entries.len()),
                );
            }
        }
    }
    Ok(())
}

fn logging(c: &Config, r: &mut Report) -> Result<(), ConfigError> {
    let s = LoggingSettings::from_config(c)?;
    match &s.target {
        LogTarget::File(path) => {
            let state = writable_file(path).map_err(|m| c.key_error("LOGGING", "LogFile", m))?;
            r.set("LOGGING", "LogType", "file");
            r.set("LOGGING", "LogFile", format!("{} {state}", path.display()));
        }
        LogTarget::Syslog => r.set("LOGGING", "LogType", "syslog"),
        LogTarget::Stderr => r.set("LOGGING", "LogType", "stderr"),
    }
    let level = match s.level {
        crate::logging::DEBUG => "DEBUG".to_string(),
        crate::logging::INFO => "INFO".into(),
        crate::logging::WARNING => "WARNING".into(),
        crate::logging::ERROR => "ERROR".into(),
        crate::logging::CRITICAL => "CRITICAL".into(),
        n => n.to_string(),
    };
    r.set("LOGGING", "LogLevel", level);
    let format = if crate::logging::stdout_json(c)? {
        "json"
    } else {
        "text"
    };
    r.set("LOGGING", "StdoutFormat", format);
    Ok(())
}

fn certstream(c: &Config, s: &ClientSettings, r: &mut Report) {
    let urls: Vec<String> = s
        .urls
        .iter()
        .map(|u| without_credentials(u).into_owned())
        .collect();
    r.set("SERVER", "ACTServer", urls.join(", "));
    if let Some(p) = &s.proxy {
        r.set("SERVER", "Proxy_Host", p.host.clone());
        r.set("SERVER", "Proxy_Port", p.port.to_string());
        if let Some(u) = &p.username {
            r.set("SERVER", "Proxy_Username", u.clone());
        }
        if p.password.is_some() {
            r.set("SERVER", "Proxy_Password", MASK);
        }
    } else if c.get("SERVER", "Proxy_Host").ok().flatten().is_none() {
        r.set(
            "SERVER",
            "Proxy_Host",
            "(none; https_proxy/http_proxy from the environment if set)",
        );
    }
    r.set("SERVER", "PingInterval", secs(s.ping_interval));
    r.set("SERVER", "IdleTimeout", secs(s.dead_after));
}

/// The log list as `monitor` would load it, without network: `embedded` is the list built
/// into the binary (monitor also tries to refresh it at start), a file is read and parsed,
/// a URL is only checked for its syntax (returns None: not loaded).
fn load_list(c: &Config, source: &str) -> Result<(Option<LogList>, String), ConfigError> {
    let err = |m: String| c.key_error("CTLOGS", "LogList", m);
    if source.eq_ignore_ascii_case("embedded") {
        let list = LogList::embedded();
        let shown = format!(
            "embedded (version {}, {}; monitor also tries to refresh it from {})",
            list.version,
            list.timestamp,
            loglist::CHROME_V3_URL
        );
        return Ok((Some(list), shown));
    }
    let lower = source.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        let shown = without_credentials(source).into_owned();
        let rest = &source[source.find("://").map_or(0, |i| i + 3)..];
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err(err(format!("{shown}: a URL needs a host")));
        }
        return Ok((
            None,
            format!("{shown} (not fetched: check-config makes no network request)"),
        ));
    }
    let list = loglist::load(source).map_err(err)?;
    let shown = format!("{source} (version {}, {})", list.version, list.timestamp);
    Ok((Some(list), shown))
}

fn ct_logs(c: &Config, s: &CtSettings, r: &mut Report) -> Result<(), ConfigError> {
    r.set("SERVER", "ACTServer", "ct://");
    let (list, shown) = load_list(c, &s.log_list)?;
    r.set("CTLOGS", "LogList", shown);
    let now = clock::now_unix();
    match &list {
        Some(list) => {
            let logs = list
                .select(&s.logs, now)
                .map_err(|m| c.key_error("CTLOGS", "Logs", m))?;
            if logs.is_empty() {
                return Err(c.key_error(
                    "CTLOGS",
                    "Logs",
                    format!("no log to follow in {} (Logs = {})", s.log_list, s.logs),
                ));
            }
            r.set(
                "CTLOGS",
                "Logs",
                format!("{} ({} logs)", without_credentials(&s.logs), logs.len()),
            );
            // The embedded list is refreshed by monitor at start: its age is no warning here.
            let embedded = s.log_list.trim().eq_ignore_ascii_case("embedded");
            if let Some(age) = list
                .age_days(now)
                .filter(|_| !embedded && list.is_stale(now))
            {
                r.warnings.push(format!(
                    "the CT log list is {age:.0} days old: newer logs are missing; run `certstreammonitor loglist --update FILE`"
                ));
            }
            for section in s.unmatched_overrides(&logs) {
                r.warnings
                    .push(format!("[{section}] names none of the logs followed"));
            }
        }
        None => r.set(
            "CTLOGS",
            "Logs",
            format!(
                "{} (not checked against the list)",
                without_credentials(&s.logs)
            ),
        ),
    }
    let rd = &s.reader;
    r.set(
        "CTLOGS",
        "StartAt",
        match rd.start_at {
            StartAt::End => "end",
            StartAt::Beginning => "beginning",
        },
    );
    r.set("CTLOGS", "PollInterval", secs(rd.poll_interval));
    r.set(
        "CTLOGS",
        "BatchSize",
        rd.batch_size
            .map_or("adaptive".to_string(), |b| b.to_string()),
    );
    r.set(
        "CTLOGS",
        "Workers",
        rd.workers.map_or(
            "default (4 for RFC 6962 logs, 1 for tiled logs)".to_string(),
            |w| w.to_string(),
        ),
    );
    r.set(
        "CTLOGS",
        "MaxQPS",
        rd.max_qps
            .map_or("0 (no limit)".to_string(), |q| q.to_string()),
    );
    for o in &s.overrides {
        if let Some(w) = o.workers {
            r.set(&o.section, "Workers", w.to_string());
        }
        if let Some(q) = o.max_qps {
            r.set(
                &o.section,
                "MaxQPS",
                q.map_or("0 (no limit)".into(), |q| q.to_string()),
            );
        }
        if let Some(b) = o.batch_size {
            r.set(
                &o.section,
                "BatchSize",
                b.map_or("adaptive".into(), |b| b.to_string()),
            );
        }
    }
    Ok(())
}

fn notifications(c: &Config, r: &mut Report) -> Result<(), ConfigError> {
    let n = NotifySettings::from_config(c)?;
    let (urls, command): (Vec<_>, Vec<_>) = n.destinations.iter().partition(|d| !d.is_command());
    let urls: Vec<String> = urls.iter().map(|d| d.display()).collect();
    r.set(
        "REPORTING",
        "Notification_Destination",
        if urls.is_empty() {
            "(none)".into()
        } else {
            urls.join(", ")
        },
    );
    if let Some(d) = command.first() {
        r.set("REPORTING", "Notification_Command", d.display());
    }
    r.set(
        "REPORTING",
        "Notification_Format",
        match n.format {
            BodyFormat::Text => "text",
            BodyFormat::Json => "json",
        },
    );
    r.set("REPORTING", "Notification_Timeout", secs(n.timeout));
    r.set("REPORTING", "Notification_Retry_Delay", secs(n.retry_delay));
    if let Some(b) = &n.base_url {
        r.set("REPORTING", "Notification_Base_URL", mask_url(b));
    }
    if let Some(ca) = &n.ca_file {
        r.set("REPORTING", "Notification_CAFile", ca.display().to_string());
    }
    Ok(())
}

/// `[HEALTH]`: stall alarms (monitor, not in replay mode).
fn health(c: &Config, r: &mut Report) -> Result<(), ConfigError> {
    let h = HealthSettings::from_config(c)?;
    r.set("HEALTH", "StallAfter", secs(h.stall_after));
    r.set(
        "HEALTH",
        "Command",
        h.command.map_or("(none)".to_string(), |d| {
            format!(
                "{} (no shell; timeout {} s: Notification_Timeout)",
                d.display(),
                secs(h.command_timeout)
            )
        }),
    );
    Ok(())
}

/// `[METRICS] Listen` (monitor) and `TextFile` (scan). Listen's address is not bound
/// here: a monitor already running on it would make the check fail.
fn metrics(c: &Config, r: &mut Report, target: Target) -> Result<(), ConfigError> {
    let s = MetricsSettings::from_config(c)?;
    if target != Target::Scan {
        r.set(
            "METRICS",
            "Listen",
            s.listen
                .map_or("(off)".into(), |a| format!("{a} (GET /metrics)")),
        );
        return Ok(());
    }
    match &s.text_file {
        None => r.set("METRICS", "TextFile", "(off)"),
        Some(path) => {
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            let state = match std::fs::metadata(path) {
                Ok(m) if m.is_dir() => Err(format!("{} is a directory", path.display())),
                // Replaced by a rename: the directory must let us create and rename.
                _ => writable_dir(dir).map(|_| "(directory writable)".to_string()),
            }
            .map_err(|m| c.key_error("METRICS", "TextFile", m))?;
            r.set("METRICS", "TextFile", format!("{} {state}", path.display()));
        }
    }
    Ok(())
}

fn monitor(c: &Config, r: &mut Report) {
    r.check(|r| rules(c, r));
    r.check(|r| lookalike(c, r));
    r.check(|r| database(c, r));
    r.check(|r| logging(c, r));
    r.check(|r| match SourceSettings::from_config(c)? {
        SourceSettings::Certstream(s) => {
            certstream(c, &s, r);
            Ok(())
        }
        SourceSettings::CtLogs(s) => {
            let logs = ct_logs(c, &s, r);
            // LOG MISBEHAVING reports go to the notification destinations.
            r.check(|r| notifications(c, r));
            logs
        }
    });
    r.check(|r| health(c, r));
    r.check(|r| metrics(c, r, Target::Monitor));
    if c.sections().contains(&"SERVE") {
        serve_section(c, r);
    }
}

fn scan(c: &Config, r: &mut Report) {
    r.check(|r| database(c, r));
    r.check(|r| {
        let s = ScanSettings::from_config(c)?;
        crate::scan::probe::Prober::new(&s.probe)
            .map_err(|(key, m)| c.key_error("CONNECT", key, m))?;
        let expanded =
            crate::scan::alert::alerts_dir(&s.alerts_dir, clock::local(clock::now_unix()));
        let state = writable_dir(Path::new(&expanded))
            .map_err(|m| c.key_error("REPORTING", "Alerts_dir", m))?;
        let shown = if expanded == s.alerts_dir {
            format!("{expanded} {state}")
        } else {
            format!("{} (today {expanded}) {state}", s.alerts_dir)
        };
        r.set("REPORTING", "Alerts_dir", shown);
        r.set(
            "REPORTING",
            "Alert_Monitor_timelapse",
            s.timelapse_days.to_string(),
        );
        r.set("CONNECT", "Timeout", secs(s.probe.timeout));
        r.set("CONNECT", "Workers", s.workers.to_string());
        r.set(
            "CONNECT",
            "Proxy",
            s.probe
                .proxy
                .as_deref()
                .map_or("(none)".into(), |p| without_credentials(p).into_owned()),
        );
        if let Some(ca) = &s.probe.ca_file {
            r.set("CONNECT", "CAFile", ca.display().to_string());
        }
        if !s.probe.resolve.is_empty() {
            let mut items: Vec<String> = s
                .probe
                .resolve
                .iter()
                .map(|(name, (ip, port))| match (ip, port) {
                    (std::net::IpAddr::V6(ip), Some(p)) => format!("{name}:[{ip}]:{p}"),
                    (ip, Some(p)) => format!("{name}:{ip}:{p}"),
                    (ip, None) => format!("{name}:{ip}"),
                })
                .collect();
            items.sort();
            r.set("CONNECT", "Resolve", items.join(", "));
        }
        r.set("CONNECT", "http_UA", s.http_ua.clone());
        if let Some(f) = &s.ua_file {
            let (uas, warning) = crate::scan::load_user_agents(Some(f), &s.http_ua);
            match warning {
                Some(w) => r.warnings.push(w),
                None => r.set(
                    "CONNECT",
                    "UAfile",
                    format!("{} ({} User-Agents)", f.display(), uas.len()),
                ),
            }
        }
        let e = &s.enrich;
        r.set(
            "ENRICH",
            "WhoisServer",
            without_credentials(&e.whois_server),
        );
        r.set(
            "ENRICH",
            "RDAPServer",
            e.rdap_server
                .as_deref()
                .map_or("(the registry's, from whois)".into(), |u| {
                    without_credentials(u).into_owned()
                }),
        );
        r.set("ENRICH", "WhoisViaProxy", yes_no(e.whois_via_proxy));
        r.set("ENRICH", "AllowReserved", yes_no(e.allow_reserved));
        r.set(
            "SAFEBROWSING",
            "Safe_Browsing_API_Key",
            if e.safe_browsing_key.is_some() {
                MASK
            } else {
                "(none: no Safe Browsing lookups)"
            },
        );
        r.set(
            "SAFEBROWSING",
            "Endpoint",
            without_credentials(&e.safe_browsing_endpoint),
        );
        Ok(())
    });
    r.check(|r| notifications(c, r));
    r.check(|r| metrics(c, r, Target::Scan));
}

/// What `serve` reads: `[SERVE]` (the TLS pair is loaded as `serve` loads it) and `[LOGGING]`.
/// `serve` (without `--replay`: the replay needs only `[SERVE]` and `[LOGGING]`) reads
/// the CT logs of `[CTLOGS]`, keeps their positions in `[DATABASE]`, reports misbehaving
/// logs and stalls, and may expose metrics.
fn serve(c: &Config, r: &mut Report) {
    serve_section(c, r);
    r.check(|r| logging(c, r));
    r.check(|r| database(c, r));
    r.set(
        "SERVER",
        "ACTServer",
        "(not read by serve: it reads the logs of [CTLOGS])",
    );
    r.check(|r| ct_logs(c, &CtSettings::from_config(c)?, r));
    r.check(|r| notifications(c, r));
    r.check(|r| health(c, r));
    r.check(|r| metrics(c, r, Target::Serve));
}

/// The `[SERVE]` keys (serve, and monitor when the section is there).
fn serve_section(c: &Config, r: &mut Report) {
    r.check(|r| {
        let s = ServeSettings::from_config(c)?;
        r.set("SERVE", "Listen", s.listen.to_string());
        if !s.listen.ip().is_loopback() {
            r.warnings.push(format!(
                "{}: [SERVE] Listen = {}: not a loopback address, the feed is open to the network{}",
                c.path().display(),
                s.listen_text,
                if s.token.is_some() { "" } else { " without a Token" }
            ));
        }
        r.set("SERVE", "MaxClients", s.max_clients.to_string());
        r.set("SERVE", "ClientBuffer", format!("{} messages", s.client_buffer));
        r.set("SERVE", "PingInterval", secs(s.ping_interval));
        r.set(
            "SERVE",
            "Token",
            if s.token.is_some() { MASK } else { "(none: any client may connect)" },
        );
        match &s.tls {
            Some((cert, key, _)) => {
                r.set("SERVE", "TLSCert", format!("{} (wss://)", cert.display()));
                r.set("SERVE", "TLSKey", key.display().to_string());
            }
            None => r.set("SERVE", "TLSCert", "(none: ws://, no TLS)"),
        }
        Ok(())
    });
}

pub fn command(
    args: &CheckConfigArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let config = Config::load(&args.config)?;
    // What is printed goes through the configuration's secrets (and their encoded forms)
    // on top of the masking of each value; `main` scrubs the final error the same way.
    let secrets = crate::secrets::in_config(&config);
    crate::redact::register(&secrets);
    let mut report = Report::default();
    if matches!(args.target, Target::Monitor | Target::All) {
        monitor(&config, &mut report);
    }
    if matches!(args.target, Target::Scan | Target::All) {
        scan(&config, &mut report);
    }
    if args.target == Target::Serve {
        serve(&config, &mut report);
    }
    let shown = |s: &str| crate::redact::clean(s);
    // Grouped by section, sections in the order first met.
    let mut sections: Vec<&str> = Vec::new();
    for (name, _) in &report.lines {
        let section = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
        if !sections.contains(&section) {
            sections.push(section);
        }
    }
    let mut text = String::new();
    for section in sections {
        for (name, value) in &report.lines {
            if name.rsplit_once('.').is_some_and(|(s, _)| s == section) {
                text += &format!("{} = {}\n", shown(name), shown(value));
            }
        }
    }
    for w in &report.warnings {
        let _ = writeln!(err, "certstreammonitor: warning: {}", shown(w));
    }
    for e in &report.errors {
        let _ = writeln!(err, "certstreammonitor: error: {}", shown(e));
    }
    if report.errors.is_empty() {
        text += "OK\n";
    }
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
        _ => {}
    }
    match report.errors.len() {
        0 => Ok(()),
        n => Err(Failure::new(
            2,
            format!(
                "{}: {n} problem{} found",
                args.config.display(),
                if n == 1 { "" } else { "s" }
            ),
        )),
    }
}

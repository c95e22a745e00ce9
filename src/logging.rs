//! The log: Python `logging`'s line format, `RotatingFileHandler`'s rotation, real syslog.
//!
//! A single process-wide sink behind a mutex: log lines are rare next to certificates
//! (one per match, error or connection event), so contention does not matter, and a
//! global keeps every module free of a logger parameter.
//!
//! The dependencies (ureq, tungstenite, native-tls) report through the `log` facade;
//! [`init`] installs this sink as its logger, so their warnings and errors are written in
//! the same format under their module path as logger name, instead of vanishing.

use crate::config::{Config, ConfigError};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

/// Python's level numbers, so `LogLevel = 10` and `LogLevel = DEBUG` mean the same.
pub const DEBUG: u32 = 10;
pub const INFO: u32 = 20;
pub const WARNING: u32 = 30;
pub const ERROR: u32 = 40;
pub const CRITICAL: u32 = 50;

/// The original rotated at 10 MB keeping 10 backups; existing log shippers expect that.
pub const MAX_BYTES: u64 = 10_000_000;
pub const BACKUP_COUNT: u32 = 10;

/// Where log lines go (`[LOGGING] LogType`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogTarget {
    File(PathBuf),
    /// The local syslog daemon on `/dev/log` (the original wrote to stderr instead).
    Syslog,
    Stderr,
}

/// Where log lines go and from which level: `[LOGGING]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggingSettings {
    pub target: LogTarget,
    pub level: u32,
}

impl LoggingSettings {
    /// `[LOGGING]`: `LogType` (file), `LogFile` (needed for file only), `LogLevel` (DEBUG).
    pub fn from_config(c: &Config) -> Result<LoggingSettings, ConfigError> {
        let kind = c
            .get("LOGGING", "LogType")?
            .unwrap_or_else(|| "file".into());
        let level = match c.get("LOGGING", "LogLevel")? {
            None => DEBUG,
            Some(v) => parse_level(&v).map_err(|m| c.key_error("LOGGING", "LogLevel", m))?,
        };
        let file = if kind.trim().eq_ignore_ascii_case("file") {
            let f = c.require("LOGGING", "LogFile")?;
            if f.trim().is_empty() {
                return Err(c.key_error("LOGGING", "LogFile", "empty path"));
            }
            Some(PathBuf::from(f))
        } else {
            None
        };
        let target = parse_target(&kind, file.as_deref())
            .map_err(|m| c.key_error("LOGGING", "LogType", m))?;
        Ok(LoggingSettings { target, level })
    }
}

/// `[LOGGING] StdoutFormat`: `text` (the original line, the default) or `json` (one
/// object per stored host, like `monitor --json`). In [LOGGING], the section of the
/// output settings the original scripts already read, rather than a new `[LOG]` section.
pub fn stdout_json(c: &Config) -> Result<bool, ConfigError> {
    match c.get("LOGGING", "StdoutFormat")? {
        None => Ok(false),
        Some(v) => match v.trim().to_ascii_lowercase().as_str() {
            "" | "text" => Ok(false),
            "json" => Ok(true),
            _ => Err(c.key_error(
                "LOGGING",
                "StdoutFormat",
                format!("{:?} is neither text nor json", v.trim()),
            )),
        },
    }
}

/// Parse `LogLevel`: a number (`10`, `20`, …) or a name in any case.
pub fn parse_level(s: &str) -> Result<u32, String> {
    let t = s.trim();
    if let Ok(n) = t.parse::<u32>() {
        return Ok(n);
    }
    match t.to_ascii_uppercase().as_str() {
        "NOTSET" => Ok(0),
        "DEBUG" => Ok(DEBUG),
        "INFO" => Ok(INFO),
        "WARN" | "WARNING" => Ok(WARNING),
        "ERROR" => Ok(ERROR),
        "CRITICAL" | "FATAL" => Ok(CRITICAL),
        _ => Err(format!(
            "unknown level {t:?} (use DEBUG, INFO, WARNING, ERROR, CRITICAL or 10, 20, 30, 40, 50)"
        )),
    }
}

/// Parse `LogType`.
pub fn parse_target(kind: &str, log_file: Option<&Path>) -> Result<LogTarget, String> {
    match kind.trim().to_ascii_lowercase().as_str() {
        "file" => match log_file {
            Some(p) => Ok(LogTarget::File(p.to_path_buf())),
            None => Err("LogType = file needs LogFile".into()),
        },
        "syslog" => Ok(LogTarget::Syslog),
        "stderr" => Ok(LogTarget::Stderr),
        other => Err(format!(
            "unsupported log type {other:?} (use file, syslog or stderr)"
        )),
    }
}

fn level_name(level: u32) -> String {
    match level {
        DEBUG => "DEBUG".into(),
        INFO => "INFO".into(),
        WARNING => "WARNING".into(),
        ERROR => "ERROR".into(),
        CRITICAL => "CRITICAL".into(),
        0 => "NOTSET".into(),
        n => format!("Level {n}"),
    }
}

enum Sink {
    File(RotatingFile),
    Syslog(UnixDatagram),
    Stderr,
}

static SINK: Mutex<Option<Sink>> = Mutex::new(None);
/// Until `init`, only warnings and worse reach stderr.
static LEVEL: AtomicU32 = AtomicU32::new(WARNING);

/// Open the configured target. A file target creates the file's directory, like the original.
/// [`init`] from `[LOGGING]`, for the long-running commands: a syslog that cannot be
/// reached (containers often have no syslog daemon) is said once on stderr and the lines
/// go to stderr instead.
pub fn init_long_running(settings: &LoggingSettings) -> io::Result<()> {
    match init(&settings.target, settings.level) {
        Err(e) if settings.target == LogTarget::Syslog => {
            eprintln!("certstreammonitor: warning: {e}; logging to stderr instead");
            init(&LogTarget::Stderr, settings.level)
        }
        other => other,
    }
}

pub fn init(target: &LogTarget, level: u32) -> io::Result<()> {
    let sink = match target {
        LogTarget::File(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    io::Error::new(
                        e.kind(),
                        format!("cannot create log directory {}: {e}", dir.display()),
                    )
                })?;
            }
            Sink::File(
                RotatingFile::open(path, MAX_BYTES, BACKUP_COUNT).map_err(|e| {
                    io::Error::new(
                        e.kind(),
                        format!("cannot open log file {}: {e}", path.display()),
                    )
                })?,
            )
        }
        LogTarget::Syslog => {
            let sock = UnixDatagram::unbound()?;
            sock.connect("/dev/log").map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot connect to syslog at /dev/log: {e}"),
                )
            })?;
            Sink::Syslog(sock)
        }
        LogTarget::Stderr => Sink::Stderr,
    };
    *SINK.lock().unwrap_or_else(|p| p.into_inner()) = Some(sink);
    LEVEL.store(level, Ordering::Relaxed);
    // Only the first call installs it (the facade takes one logger per process).
    let _ = log::set_logger(&DEPENDENCIES);
    log::set_max_level(DEPENDENCY_LEVEL);
    Ok(())
}

/// The most verbose level taken from the dependencies. Their DEBUG and TRACE records can
/// carry request and response headers (credentials among them), so they are never
/// formatted at all, whatever `LogLevel` says.
const DEPENDENCY_LEVEL: log::LevelFilter = log::LevelFilter::Warn;

/// The `log` facade's records from the dependencies, written like our own lines (and so
/// through [`crate::redact::clean`]).
struct Dependencies;

static DEPENDENCIES: Dependencies = Dependencies;

fn python_level(level: log::Level) -> u32 {
    match level {
        log::Level::Error => ERROR,
        log::Level::Warn => WARNING,
        log::Level::Info => INFO,
        log::Level::Debug | log::Level::Trace => DEBUG,
    }
}

impl log::Log for Dependencies {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= DEPENDENCY_LEVEL && enabled(python_level(metadata.level()))
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            log(
                python_level(record.level()),
                record.target(),
                &record.args().to_string(),
            );
        }
    }

    fn flush(&self) {}
}

/// Whether a line at `level` would be written: lets hot paths skip formatting.
pub fn enabled(level: u32) -> bool {
    level >= LEVEL.load(Ordering::Relaxed)
}

/// Write one line as logger `name` (`root`, `certstream`, …).
/// The message is passed through [`crate::redact::clean`] first: no registered secret, nothing
/// shaped like a credential, and no control character (a `\n` from a certificate or a server
/// would forge a line) reaches the log.
pub fn log(level: u32, name: &str, msg: &str) {
    if !enabled(level) {
        return;
    }
    let msg = crate::redact::clean(msg);
    let mut guard = SINK.lock().unwrap_or_else(|p| p.into_inner());
    let line = format!(
        "[{}:{}] {} - {}\n",
        level_name(level),
        name,
        crate::clock::log_timestamp(),
        msg
    );
    match guard.as_mut() {
        Some(Sink::File(f)) => {
            if let Err(e) = f.write_line(&line) {
                eprint!("log file write failed ({e}): {line}");
            }
        }
        Some(Sink::Syslog(sock)) => {
            // RFC 3164 shape; facility user (1). Severity from the Python level.
            let severity = match level {
                l if l >= CRITICAL => 2,
                l if l >= ERROR => 3,
                l if l >= WARNING => 4,
                l if l >= INFO => 6,
                _ => 7,
            };
            let datagram = format!(
                "<{}>certstreammonitor[{}]: [{}:{}] {}",
                8 + severity,
                std::process::id(),
                level_name(level),
                name,
                msg
            );
            if sock.send(datagram.as_bytes()).is_err() {
                eprint!("{line}");
            }
        }
        Some(Sink::Stderr) | None => eprint!("{line}"),
    }
}

pub fn debug(name: &str, msg: &str) {
    log(DEBUG, name, msg)
}
pub fn info(name: &str, msg: &str) {
    log(INFO, name, msg)
}
pub fn warning(name: &str, msg: &str) {
    log(WARNING, name, msg)
}
pub fn error(name: &str, msg: &str) {
    log(ERROR, name, msg)
}

/// `logging.handlers.RotatingFileHandler(maxBytes, backupCount)`, byte for byte in its
/// naming (`LogFile.1` newest … `LogFile.N` oldest) and its rollover test.
pub struct RotatingFile {
    path: PathBuf,
    file: File,
    size: u64,
    max_bytes: u64,
    backups: u32,
}

impl RotatingFile {
    pub fn open(path: &Path, max_bytes: u64, backups: u32) -> io::Result<RotatingFile> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let size = file.metadata()?.len();
        Ok(RotatingFile {
            path: path.to_path_buf(),
            file,
            size,
            max_bytes,
            backups,
        })
    }

    fn backup_name(&self, i: u32) -> PathBuf {
        let mut s = self.path.as_os_str().to_owned();
        s.push(format!(".{i}"));
        PathBuf::from(s)
    }

    /// Python rolls over *before* writing when `size + len(line) >= maxBytes`.
    pub fn write_line(&mut self, line: &str) -> io::Result<()> {
        if self.max_bytes > 0 && self.size + line.len() as u64 >= self.max_bytes && self.size > 0 {
            self.rotate()?;
        }
        self.file.write_all(line.as_bytes())?;
        self.size += line.len() as u64;
        Ok(())
    }

    fn rotate(&mut self) -> io::Result<()> {
        for i in (1..self.backups).rev() {
            let src = self.backup_name(i);
            if src.exists() {
                let dst = self.backup_name(i + 1);
                let _ = std::fs::remove_file(&dst);
                std::fs::rename(&src, &dst)?;
            }
        }
        if self.backups > 0 {
            let dst = self.backup_name(1);
            let _ = std::fs::remove_file(&dst);
            std::fs::rename(&self.path, &dst)?;
        } else {
            self.file.set_len(0)?;
        }
        self.file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        self.size = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels() {
        let cases: &[(&str, Result<u32, ()>)] = &[
            ("10", Ok(10)),
            ("20", Ok(20)),
            (" debug ", Ok(10)),
            ("Info", Ok(20)),
            ("WARN", Ok(30)),
            ("warning", Ok(30)),
            ("fatal", Ok(50)),
            ("critical", Ok(50)),
            ("notset", Ok(0)),
            ("loud", Err(())),
            ("-1", Err(())),
            ("", Err(())),
        ];
        for (input, want) in cases {
            assert_eq!(parse_level(input).map_err(|_| ()), *want, "{input:?}");
        }
    }

    /// A dependency's `log::warn!` reaches our log in our format (redacted); its DEBUG
    /// records, which may hold headers, do not.
    #[test]
    fn dependency_records_reach_the_log() {
        let dir = std::env::temp_dir().join(format!("csm-deplog-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.log");
        init(&LogTarget::File(path.clone()), DEBUG).unwrap();
        let mut secrets = crate::redact::Secrets::new();
        secrets.add("s3cret-deplog-pw");
        crate::redact::register(&secrets);
        log::warn!(target: "ureq::proxy", "CONNECT refused for s3cret-deplog-pw");
        log::warn!(target: "ureq::unversioned::transport", "proxy said\nno to line {}", 7);
        log::error!(target: "tungstenite::protocol", "frame too big");
        log::debug!(target: "ureq::run", "Authorization: Basic dXNlcjpzZWNyZXQ=");
        log::info!(target: "ureq::run", "info is below the dependency level");
        // Another unit test may log meanwhile; only these lines matter.
        init(&LogTarget::Stderr, WARNING).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let line = |needle: &str| {
            text.lines()
                .find(|l| l.contains(needle))
                .map(str::to_string)
        };
        let warn = line("proxy said").expect("the warning is logged");
        assert!(
            warn.starts_with("[WARNING:ureq::unversioned::transport] "),
            "{warn}"
        );
        assert!(warn.ends_with(" - proxy said\\x0ano to line 7"), "{warn}");
        let leak = line("CONNECT refused").expect("the warning with a secret is logged");
        assert!(!leak.contains("s3cret-deplog-pw"), "{leak}");
        let err = line("frame too big").expect("the error is logged");
        assert!(err.starts_with("[ERROR:tungstenite::protocol] "), "{err}");
        assert!(!text.contains("Authorization"), "{text}");
        assert!(!text.contains("below the dependency level"), "{text}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn rotation_keeps_n_backups() {
        let dir = std::env::temp_dir().join(format!("csm-rot-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.log");
        let mut f = RotatingFile::open(&path, 100, 3).unwrap();
        for i in 0..40 {
            f.write_line(&format!("line {i:02} {}\n", "x".repeat(20)))
                .unwrap();
        }
        for i in 1..=3 {
            assert!(dir.join(format!("x.log.{i}")).exists(), "backup {i}");
        }
        assert!(!dir.join("x.log.4").exists());
        let newest = std::fs::read_to_string(&path).unwrap();
        assert!(newest.contains("line 39"));
        assert!(std::fs::metadata(&path).unwrap().len() < 100);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

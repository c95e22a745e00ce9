//! `monitor`: certificates in, matching hosts out.
//!
//! Two threads. The source thread (certstream websocket, or a replay file) only reads
//! and queues raw messages, so the server never sees a slow reader. The matcher thread
//! (the caller's) decodes each message into a [`CertificateRecord`](crate::certificate::CertificateRecord), runs the rules on
//! every name, and for a match commits the row *before* printing the stdout line, so
//! whatever a SOC pipeline reads from stdout is already in the DB.

pub mod certstream_client;
pub mod certstream_wire;
pub(crate) mod ct_driver;
pub mod matcher;
pub(crate) mod source;

use crate::config::SourceSettings;
use crate::ct::reader::CtSettings;
use crate::db::Database;
use crate::detect::lookalike::Lookalike;
use crate::detect::rules::Rules;
use crate::logging;
use crate::monitor::certstream_client::ClientSettings;
use crate::monitor::matcher::{Counters, Matcher};
use crate::monitor::source::spawn_source;
use crate::shutdown;
use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::mpsc::RecvTimeoutError;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where certificates come from.
pub enum Source {
    Certstream(ClientSettings),
    /// One certstream JSON message per line; `-` is stdin.
    Replay(String),
}

/// Knobs of [`run_pipeline`] that only tests and benchmarks change.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    /// How often the INFO stats line is logged.
    pub stats_every: Duration,
    /// Stop once this many messages were handled, dropped or rejected (benchmarks).
    pub stop_after: Option<u64>,
    /// Make a live source wait instead of dropping when the matcher is behind, so a
    /// benchmark measures the pipeline's capacity rather than the drop rate.
    pub block_when_full: bool,
    /// The `[LOOKALIKE]` engine, when enabled.
    pub lookalike: Option<Arc<Lookalike>>,
}

impl Default for PipelineOptions {
    fn default() -> Self {
        PipelineOptions {
            stats_every: Duration::from_secs(60),
            stop_after: None,
            block_when_full: false,
            lookalike: None,
        }
    }
}

/// Run the pipeline until the source ends (replay), a stop is requested, or
/// `stop_after` messages have been seen.
pub fn run_pipeline<W: Write>(
    rules: &Rules,
    db: &Database,
    source: Source,
    out: W,
    counters: Arc<Counters>,
    options: &PipelineOptions,
) -> std::io::Result<()> {
    let (stats_every, stop_after) = (options.stats_every, options.stop_after);
    let (rx, queued_bytes) = spawn_source(source, counters.clone(), options.block_when_full)?;
    let mut matcher =
        Matcher::new(rules, db, out, counters.clone()).with_lookalike(options.lookalike.as_deref());
    let mut last_stats = Instant::now();
    loop {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(msg) => {
                queued_bytes.fetch_sub(msg.len(), Ordering::Relaxed);
                matcher.handle_message(&msg);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        let seen = || {
            Counters::get(&counters.messages)
                + Counters::get(&counters.dropped)
                + Counters::get(&counters.rejected)
        };
        if stop_after.is_some_and(|n| seen() >= n) {
            shutdown::request();
        }
        if shutdown::requested() {
            // Stop reading, but handle what was already received: it is not coming back.
            while let Ok(msg) = rx.try_recv() {
                matcher.handle_message(&msg);
            }
            break;
        }
        if last_stats.elapsed() >= stats_every {
            last_stats = Instant::now();
            logging::info("root", &format!("stats: {}", counters.summary()));
        }
    }
    Ok(())
}

/// `certstreammonitor monitor` options beyond the config file.
#[derive(Debug, Clone, Default)]
pub struct MonitorArgs {
    pub config: std::path::PathBuf,
    pub replay: Option<String>,
    /// Direct CT mode: print the per-log table on stderr every 10 s.
    pub stats: bool,
}

/// Where this run reads from, once the config is checked.
enum Input {
    Frames(Source),
    CtLogs(CtSettings),
}

/// The `monitor` subcommand: validate the whole config, then open DB and log, then follow the source.
pub fn command(args: &MonitorArgs) -> Result<(), crate::Failure> {
    let config = crate::config::Config::load(&args.config)?;
    crate::net::redact::register(&crate::net::redact::Secrets::from_config(&config));
    let rules = config.rules()?;
    let lookalike = config.lookalike()?.map(|s| Arc::new(Lookalike::new(&s)));
    let db_settings = config.database()?;
    let log_settings = config.logging()?;
    let input = match &args.replay {
        Some(path) => Input::Frames(Source::Replay(path.clone())),
        None => match config.source()? {
            SourceSettings::Certstream(c) => Input::Frames(Source::Certstream(c)),
            SourceSettings::CtLogs(c) => Input::CtLogs(c),
        },
    };
    let db = Database::open(&db_settings.path, &db_settings.table)?;
    if let Err(e) = logging::init(&log_settings.target, log_settings.level) {
        if log_settings.target == logging::LogTarget::Syslog {
            // Containers often have no syslog daemon: say so once and keep the lines.
            eprintln!("certstreammonitor: warning: {e}; logging to stderr instead");
            logging::init(&logging::LogTarget::Stderr, log_settings.level)?;
        } else {
            return Err(e.into());
        }
    }
    logging::info(
        "root",
        &format!(
            "Looking for these strings: {}, detection threshold: {}",
            rules.search_keywords(),
            rules.threshold()
        ),
    );
    for warning in rule_warnings(&rules) {
        logging::warning("root", &warning);
    }
    if let Some(l) = &lookalike {
        logging::info("root", &format!("Lookalike detection on: {}", l.describe()));
    }
    shutdown::install_handlers();
    let counters = Arc::new(Counters::default());
    let stdout = std::io::stdout();
    match input {
        Input::Frames(source) => {
            let options = PipelineOptions {
                lookalike: lookalike.clone(),
                ..PipelineOptions::default()
            };
            run_pipeline(
                &rules,
                &db,
                source,
                stdout.lock(),
                counters.clone(),
                &options,
            )?
        }
        Input::CtLogs(ct) => {
            let logs = ct_driver::select_logs(&ct)
                .map_err(|(key, m)| config.key_error("CTLOGS", key, m))?;
            ct_driver::run(
                &rules,
                lookalike.as_deref(),
                &db,
                &ct,
                logs,
                stdout.lock(),
                counters.clone(),
                args.stats,
            )?
        }
    }
    if shutdown::requested() {
        logging::info("root", "Kill command received, exiting!!");
    }
    logging::info("root", &format!("stopped: {}", counters.summary()));
    drop(db);
    Ok(())
}

/// Settings the original accepted that store far more than anyone intends.
fn rule_warnings(rules: &Rules) -> Vec<String> {
    let mut out = Vec::new();
    if rules.threshold() <= 0 {
        out.push(format!(
            "DetectionThreshold is {}: every name of every certificate will be stored",
            rules.threshold()
        ));
    } else if rules.evaluate("").score() > 0 {
        out.push(
            "SearchKeywords can match an empty string: every name scores at least 1".to_string(),
        );
    }
    out
}

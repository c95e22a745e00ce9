//! `monitor`: certificates in, matching hosts out.
//!
//! Two threads. The source thread (certstream websocket, or a replay file) only reads
//! and queues raw messages. The matcher thread (the caller's) decodes each message into
//! a [`CertificateRecord`](crate::certificate::CertificateRecord), runs the rules on every name, and for a match commits the row
//! *before* printing the stdout line, so whatever a SOC pipeline reads from stdout is
//! already in the DB.
//!
//! Backpressure, never loss: the queue between them is bounded, and when it is full the
//! source waits. A certstream reader then stops reading its socket, so TCP flow control
//! slows the server down; a message that reached us is never discarded. A third, idle
//! thread watches the matcher and reports a *stall* (no progress for [`STALL_AFTER`]
//! while it holds a message: a DB locked by another process, a slow disk, a stdout
//! nobody reads) once when it is noticed, and its length when it ends.

pub mod certstream_client;
pub mod certstream_wire;
pub(crate) mod ct_driver;
pub mod health;
mod log_alarm;
pub mod matcher;
pub mod monitor_metrics;
pub mod reload;
pub(crate) mod source;

use crate::config::{split_list, Config, ConfigError};
use crate::ct::CtSettings;
use crate::db::{Database, DatabaseSettings};
use crate::detect::lookalike::{Lookalike, LookalikeSettings};
use crate::detect::rules::Rules;
use crate::logging;
use crate::monitor::certstream_client::ClientSettings;
use crate::monitor::matcher::{Counters, Matcher};
use crate::monitor::source::{spawn_source, Pop};
use crate::shutdown;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where certificates come from.
pub enum Source {
    Certstream(ClientSettings),
    /// One certstream JSON message per line; `-` is stdin.
    Replay(String),
}

/// The matcher holding one message this long without finishing it is a stall.
pub const STALL_AFTER: Duration = Duration::from_secs(5);

/// What the stall watch sees of the matcher.
#[derive(Default)]
struct Progress {
    /// The matcher holds a message (set before handling it, cleared after).
    busy: AtomicBool,
    /// The pipeline is over: the watch thread ends.
    done: AtomicBool,
}

/// The stall watch: every quarter second, has the matcher moved on since last time? A
/// stall (holding one message for [`STALL_AFTER`]) is counted and logged once at WARNING
/// when noticed, and its length at INFO when the matcher moves again.
fn watch_stalls(progress: &Progress, counters: &Counters) {
    const TICK: Duration = Duration::from_millis(250);
    let mut seen = Counters::get(&counters.messages);
    let mut moved = Instant::now();
    let mut stalled = false;
    loop {
        std::thread::park_timeout(TICK);
        let done = progress.done.load(Ordering::SeqCst);
        let now = Counters::get(&counters.messages);
        if done || now != seen || !progress.busy.load(Ordering::SeqCst) {
            if stalled {
                logging::info(
                    "root",
                    &format!(
                        "matcher stall over after {:.1} s{}",
                        moved.elapsed().as_secs_f64(),
                        if done {
                            " (stopping)"
                        } else {
                            "; reading resumed"
                        }
                    ),
                );
                stalled = false;
            }
            if done {
                return;
            }
            (seen, moved) = (now, Instant::now());
        } else if !stalled && moved.elapsed() >= STALL_AFTER {
            stalled = true;
            Counters::bump(&counters.stalls);
            logging::warning(
                "root",
                &format!(
                    "matcher stalled: no progress for {:.1} s (database locked by another process? slow disk? stdout not read?); reading is paused until it catches up, nothing is dropped",
                    moved.elapsed().as_secs_f64()
                ),
            );
        }
    }
}

/// The monitor's certificate source.
#[derive(Debug, Clone)]
pub enum SourceSettings {
    Certstream(ClientSettings),
    CtLogs(CtSettings),
}

impl SourceSettings {
    /// Where certificates come from: `ACTServer = ct://` reads the CT logs directly
    /// (`[CTLOGS]`), anything else is one or more certstream servers.
    pub fn from_config(c: &Config) -> Result<SourceSettings, ConfigError> {
        let raw = c.require("SERVER", "ACTServer")?;
        let urls = split_list(&raw);
        if urls.iter().any(|u| u.starts_with("ct://")) {
            if urls.len() != 1 || urls[0] != "ct://" {
                return Err(c.key_error(
                    "SERVER",
                    "ACTServer",
                    "ct:// (direct CT log reading) must be the only value",
                ));
            }
            return Ok(SourceSettings::CtLogs(CtSettings::from_config(c)?));
        }
        Ok(SourceSettings::Certstream(ClientSettings::from_config(c)?))
    }
}

/// Knobs of [`run_pipeline`] that only tests and benchmarks change.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    /// How often the INFO stats line is logged.
    pub stats_every: Duration,
    /// The `[LOOKALIKE]` engine, when enabled.
    pub lookalike: Option<Arc<Lookalike>>,
    /// One JSON object per stored host on stdout (`--json`).
    pub json: bool,
    /// SIGHUP re-reads the rules (see [`reload`]); `None`: SIGHUP is not watched.
    pub reload: Option<reload::Reloader>,
    /// The stall watch, whose stalled subjects join the stats line.
    pub health: Option<Arc<health::Health>>,
}

impl Default for PipelineOptions {
    fn default() -> Self {
        PipelineOptions {
            stats_every: Duration::from_secs(60),
            lookalike: None,
            json: false,
            reload: None,
            health: None,
        }
    }
}

/// Run the pipeline until the source ends (replay) or a stop is requested.
pub fn run_pipeline<W: Write>(
    rules: &Rules,
    db: &Database,
    source: Source,
    out: W,
    counters: Arc<Counters>,
    options: &PipelineOptions,
) -> std::io::Result<()> {
    let stats_every = options.stats_every;
    let queue = spawn_source(source, counters.clone())?;
    let progress = Arc::new(Progress::default());
    // The watch only reports: when the system refuses its thread (RLIMIT_NPROC, a pids
    // cgroup) the monitor goes on without stall warnings rather than not at all.
    let watch = {
        let (progress, counters) = (progress.clone(), counters.clone());
        std::thread::Builder::new()
            .name("stall-watch".into())
            .spawn(move || watch_stalls(&progress, &counters))
            .map_err(|e| {
                logging::warning(
                    "root",
                    &format!("cannot start the stall-watch thread ({e}): stalls are not reported in this run"),
                )
            })
            .ok()
    };
    let mut matcher = Matcher::new(rules, db, out, counters.clone())
        .with_lookalike(options.lookalike.as_deref())
        .with_json(options.json);
    let handle = |matcher: &mut Matcher<'_, W>, msg: &[u8]| {
        progress.busy.store(true, Ordering::SeqCst);
        matcher.handle_message(msg);
        progress.busy.store(false, Ordering::SeqCst);
    };
    let mut last_stats = Instant::now();
    let mut reloader = options.reload.clone();
    loop {
        match queue.pop(Duration::from_millis(200), false) {
            Pop::Message(msg) => handle(&mut matcher, &msg),
            Pop::Timeout => {}
            Pop::Ended => break,
        }
        // Between two messages: the next one is judged by the new rules.
        if let Some(new) = reloader.as_mut().and_then(reload::Reloader::poll) {
            matcher.replace_rules(new);
        }
        if shutdown::requested() {
            // Stop reading, but handle what was already received: it is not coming back.
            // (A source waiting for room gets it as the queue drains, then sees the stop.)
            while let Pop::Message(msg) = queue.pop(Duration::from_millis(100), true) {
                handle(&mut matcher, &msg);
            }
            break;
        }
        if last_stats.elapsed() >= stats_every {
            last_stats = Instant::now();
            let stalled = options.health.as_ref().and_then(|h| h.stalled_summary());
            logging::info(
                "root",
                &format!(
                    "stats: {}{}",
                    counters.summary(),
                    stalled.map_or_else(String::new, |s| format!("; {s}"))
                ),
            );
        }
    }
    queue.close();
    progress.done.store(true, Ordering::SeqCst);
    if let Some(watch) = watch {
        watch.thread().unpark();
        let _ = watch.join();
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
    /// `--json`: one JSON object per stored host (also `[LOGGING] StdoutFormat = json`).
    pub json: bool,
}

/// Where this run reads from, once the config is checked.
enum Input {
    Frames(Source),
    /// With the notification settings, for `LOG MISBEHAVING` reports.
    CtLogs(CtSettings, crate::notify::NotifySettings),
}

/// The `monitor` subcommand: validate the whole config, then open DB and log, then follow the source.
pub fn command(args: &MonitorArgs) -> Result<(), crate::Failure> {
    let config = crate::config::Config::load(&args.config)?;
    crate::redact::register(&crate::secrets::in_config(&config));
    let rules = Rules::from_config(&config)?;
    let lookalike = LookalikeSettings::from_config(&config)?.map(|s| Arc::new(Lookalike::new(&s)));
    let db_settings = DatabaseSettings::from_config(&config)?;
    let log_settings = logging::LoggingSettings::from_config(&config)?;
    let json = args.json || logging::stdout_json(&config)?;
    let health_settings = health::HealthSettings::from_config(&config)?;
    let metrics = crate::metrics::MetricsSettings::from_config(&config)?;
    let serve_settings = match config.sections().contains(&"SERVE") {
        true => Some(crate::serve::ServeSettings::from_config(&config)?),
        false => None,
    };
    let input = match &args.replay {
        Some(path) => Input::Frames(Source::Replay(path.clone())),
        None => match SourceSettings::from_config(&config)? {
            SourceSettings::Certstream(c) => Input::Frames(Source::Certstream(c)),
            SourceSettings::CtLogs(c) => {
                Input::CtLogs(c, crate::notify::NotifySettings::from_config(&config)?)
            }
        },
    };
    let db = Database::open(&db_settings.path, &db_settings.table)?;
    logging::init_long_running(&log_settings)?;
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
    let reloader = reload::Reloader::new(&config)?;
    shutdown::install_handlers();
    shutdown::install_reload_handler();
    let counters = Arc::new(Counters::default());
    // `/metrics` ([METRICS] Listen): more producers are one `registry.add(…)` each.
    let registry = Arc::new(crate::metrics::Registry::new());
    registry.add(Arc::new(monitor_metrics::MonitorMetrics {
        counters: counters.clone(),
        certstream: matches!(input, Input::Frames(Source::Certstream(_))),
    }));
    let log_metrics = Arc::new(monitor_metrics::CtLogsMetrics::default());
    if matches!(input, Input::CtLogs(..)) {
        registry.add(log_metrics.clone());
    }
    metrics.start_listener(&config, &registry)?;
    let stdout = std::io::stdout();
    // Stall alarms: not in replay mode (a file ends, it does not stall).
    let watch = match &input {
        Input::Frames(Source::Replay(_)) => None,
        _ => Some(health::Health::start(&health_settings)),
    };
    if let Some(h) = &watch {
        registry.add(Arc::new(monitor_metrics::HealthMetrics(h.clone())));
    }
    match input {
        Input::Frames(source) => {
            if serve_settings.is_some() {
                logging::warning(
                    "serve",
                    "[SERVE] is not used: monitor serves the CT logs it reads in direct mode (ACTServer = ct://); certstream and --replay input is not served again (serve --replay does that)",
                );
            }
            if let (Some(h), Source::Certstream(c)) = (&watch, &source) {
                h.watch_certstream(&c.urls, counters.clone());
            }
            let options = PipelineOptions {
                lookalike: lookalike.clone(),
                json,
                reload: Some(reloader),
                health: watch.clone(),
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
        Input::CtLogs(ct, notify) => {
            let logs = ct_driver::select_logs(&ct)
                .map_err(|(key, m)| config.key_error("CTLOGS", key, m))?;
            // `[SERVE]`: the same reading feeds the rules and the certstream clients.
            let served = serve_settings
                .as_ref()
                .map(crate::serve::start)
                .transpose()?;
            if let Some((hub, _)) = &served {
                registry.add(hub.clone());
            }
            let result = ct_driver::run(
                ct_driver::CtRun {
                    rules: &rules,
                    lookalike: lookalike.as_deref(),
                    db: &db,
                    settings: &ct,
                    notify: &notify,
                    reloader: Some(reloader),
                    health: watch.as_deref(),
                    log_metrics: &log_metrics,
                    stats_to_stderr: args.stats,
                    json,
                    serve: served.as_ref().map(|(hub, _)| hub.as_ref()),
                    judge: true,
                },
                logs,
                stdout.lock(),
                counters.clone(),
            );
            if let Some((hub, server)) = served {
                server.stop(Duration::from_secs(2));
                crate::serve::log_stats(&hub);
            }
            result?
        }
    }
    if let Some(h) = &watch {
        h.stop();
    }
    if shutdown::requested() {
        logging::info("root", "Kill command received, exiting!!");
    }
    logging::info("root", &format!("stopped: {}", counters.summary()));
    drop(db);
    Ok(())
}

/// `serve` without `--replay`: the CT logs of `[CTLOGS]` read as in direct mode (same
/// readers, verification, log list and per-log positions in `[DATABASE]`, so a restart
/// serves what came in while it was down), every entry published to the certstream
/// clients of `[SERVE]`. No rules, no rows: only the positions are stored.
pub fn serve_command(args: &crate::serve::ServeArgs) -> Result<(), crate::Failure> {
    let config = crate::config::Config::load(&args.config)?;
    crate::redact::register(&crate::secrets::in_config(&config));
    let settings = crate::serve::ServeSettings::from_config(&config)?;
    let ct = CtSettings::from_config(&config)?;
    let notify = crate::notify::NotifySettings::from_config(&config)?;
    let db_settings = DatabaseSettings::from_config(&config)?;
    let log_settings = logging::LoggingSettings::from_config(&config)?;
    let health_settings = health::HealthSettings::from_config(&config)?;
    let metrics = crate::metrics::MetricsSettings::from_config(&config)?;
    if args.rate > 0 {
        return Err(crate::Failure::new(
            2,
            "--rate paces a --replay; the CT logs come at their own pace".to_string(),
        ));
    }
    let db = Database::open(&db_settings.path, &db_settings.table)?;
    logging::init_long_running(&log_settings)?;
    let logs =
        ct_driver::select_logs(&ct).map_err(|(key, m)| config.key_error("CTLOGS", key, m))?;
    shutdown::install_handlers();
    let (hub, server) = crate::serve::start(&settings)?;
    let counters = Arc::new(Counters::default());
    let registry = Arc::new(crate::metrics::Registry::new());
    registry.add(hub.clone());
    let log_metrics = Arc::new(monitor_metrics::CtLogsMetrics::default());
    registry.add(log_metrics.clone());
    let watch = health::Health::start(&health_settings);
    registry.add(Arc::new(monitor_metrics::HealthMetrics(watch.clone())));
    metrics.start_listener(&config, &registry)?;
    // `--wait-clients N`: the logs are read (and their positions advanced) once N clients
    // are there to receive what came in meanwhile.
    while hub.totals().clients < args.wait_clients {
        if !shutdown::sleep(Duration::from_millis(20)) {
            break;
        }
    }
    // Never consulted (`judge: false`): the driver's matcher only stores positions.
    let no_rules = Rules::new("", "", 1).map_err(|e| crate::Failure::new(1, e.to_string()))?;
    let result = ct_driver::run(
        ct_driver::CtRun {
            rules: &no_rules,
            lookalike: None,
            db: &db,
            settings: &ct,
            notify: &notify,
            reloader: None,
            health: Some(&watch),
            log_metrics: &log_metrics,
            stats_to_stderr: false,
            json: false,
            serve: Some(&hub),
            judge: false,
        },
        logs,
        std::io::sink(),
        counters,
    );
    watch.stop();
    server.stop(Duration::from_secs(2));
    crate::serve::log_stats(&hub);
    if shutdown::requested() {
        logging::info("serve", "Kill command received, exiting!!");
    }
    result
}

/// Settings the original accepted that store far more than anyone intends.
pub(crate) fn rule_warnings(rules: &Rules) -> Vec<String> {
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

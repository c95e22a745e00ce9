//! Direct CT mode: one reader thread per log, one DB thread committing their batches.
//!
//! Readers send [`CtBatch`]es through a bounded channel (a slow disk slows the downloads,
//! it never loses entries); the DB thread commits each batch's rows together with the
//! log's new position, then prints the batch's stdout lines.

use crate::backoff::Backoff;
use crate::clock;
use crate::ct::loglist::{self, CtLog, LogList};
use crate::ct::reader::{Commit, CtBatch, CtLogCursor, LogStats};
use crate::ct::CtSettings;
use crate::db::{Database, SavedPosition};
use crate::detect::rules::Rules;
use crate::logging;
use crate::monitor::matcher::{Counters, Matcher, SelectedRecord};
use crate::monitor::monitor_metrics::CtLogsMetrics;
use crate::shutdown;
use crate::Failure;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often the log list is reloaded to pick up new logs and shards.
const LIST_REFRESH: Duration = Duration::from_secs(24 * 3600);

/// Load the configured list: `embedded` is refreshed from Chrome's URL when reachable.
pub fn load_list(source: &str) -> Result<LogList, String> {
    if source != "embedded" {
        return loglist::load(source);
    }
    let embedded = LogList::embedded();
    match loglist::load(loglist::CHROME_V3_URL) {
        Ok(live) if live.timestamp_unix >= embedded.timestamp_unix => {
            logging::info(
                "ct",
                &format!(
                    "log list refreshed from {} (version {}, {})",
                    loglist::CHROME_V3_URL,
                    live.version,
                    live.timestamp
                ),
            );
            Ok(live)
        }
        Ok(_) => Ok(embedded),
        Err(e) => {
            logging::warning(
                "ct",
                &format!(
                    "could not refresh the log list ({e}); using the embedded list of {}",
                    embedded.timestamp
                ),
            );
            Ok(embedded)
        }
    }
}

/// The logs `[CTLOGS] Logs` asks for, from the configured list. Errors name the key at fault.
pub fn select_logs(settings: &CtSettings) -> Result<Vec<CtLog>, (&'static str, String)> {
    let list = load_list(&settings.log_list).map_err(|e| ("LogList", e))?;
    let now = clock::now_unix();
    if list.is_stale(now) {
        // An undated list is stale too, but has no age to give: it is not warned about.
        if let Some(age) = list.age_days(now) {
            logging::warning(
                "ct",
                &format!("the CT log list is {age:.0} days old (version {}, {}): newer logs are missing; run `certstreammonitor loglist --update FILE`", list.version, list.timestamp),
            );
        }
    }
    let logs = list.select(&settings.logs, now).map_err(|e| ("Logs", e))?;
    if logs.is_empty() {
        return Err((
            "Logs",
            format!(
                "no log to follow in {} (Logs = {})",
                settings.log_list, settings.logs
            ),
        ));
    }
    Ok(logs)
}

struct Follower {
    log: Arc<CtLog>,
    stats: Arc<LogStats>,
    last_entries: u64,
}

/// Start the reader thread of `log`. When the system refuses a thread (RLIMIT_NPROC, a
/// pids cgroup), the error comes back and the caller tries again later.
fn spawn_reader(
    log: &CtLog,
    saved: Option<SavedPosition>,
    settings: &CtSettings,
    tx: SyncSender<CtBatch>,
) -> std::io::Result<Follower> {
    let log = Arc::new(log.clone());
    let stats = Arc::new(LogStats::default());
    let (next, frontier) = match saved {
        Some(p) => (Some(p.next), p.frontier),
        None => (None, None),
    };
    let mut cursor = CtLogCursor::new(
        log.clone(),
        next,
        frontier,
        settings.reader_for(&log),
        stats.clone(),
    );
    let name: String = format!("ct {}", log.description).chars().take(60).collect();
    std::thread::Builder::new()
        .name(name)
        .spawn(move || cursor.run(&tx))?;
    logging::info(
        "ct",
        &format!(
            "following {} ({}, {:?}) from {}",
            log.description,
            log.shown_url(),
            log.kind,
            next.map_or_else(|| "its first run".to_string(), |n| format!("entry {n}"))
        ),
    );
    Ok(Follower {
        log,
        stats,
        last_entries: 0,
    })
}

/// New logs from a daily list reload, found on a thread of their own so a slow
/// download never holds up commits. `Err` when the system refuses the thread.
fn spawn_list_refresher(settings: CtSettings) -> std::io::Result<Receiver<Vec<CtLog>>> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("loglist".into())
        .spawn(move || loop {
            if !shutdown::sleep(LIST_REFRESH) {
                return;
            }
            match select_logs(&settings) {
                Ok(logs) => {
                    if tx.send(logs).is_err() {
                        return;
                    }
                }
                Err((key, e)) => {
                    logging::warning("ct", &format!("log list reload failed ({key}): {e}"))
                }
            }
        })?;
    Ok(rx)
}

/// Logs (and the list refresher) whose thread the system refused, tried again with backoff.
struct Waiting {
    readers: Vec<(CtLog, Option<SavedPosition>)>,
    refresher: bool,
    backoff: Backoff,
    next_try: Instant,
}

impl Waiting {
    fn is_empty(&self) -> bool {
        self.readers.is_empty() && !self.refresher
    }

    /// Report a refused thread; the next try is after a backoff delay.
    fn refused(&mut self, what: &str, e: &std::io::Error) {
        let d = self.backoff.next_delay();
        self.next_try = Instant::now() + d;
        logging::error(
            "ct",
            &format!(
                "cannot start a thread for {what}: {e}; retrying in {:.1} s",
                d.as_secs_f64()
            ),
        );
    }
}

fn stats_lines(followers: &mut [Follower], elapsed: f64) -> Vec<String> {
    followers
        .iter_mut()
        .map(|f| {
            let s = &f.stats;
            let next = s.next.load(Ordering::Relaxed);
            let size = s.tree_size.load(Ordering::Relaxed);
            let entries = s.entries.load(Ordering::Relaxed);
            let rate = (entries - f.last_entries) as f64 / elapsed.max(0.001);
            f.last_entries = entries;
            let last = s.last_error.lock().map(|e| e.clone()).unwrap_or_default();
            format!(
                "{}: position {next}, tree size {size}, backlog {}, {rate:.0} entries/s, {} errors, {} malformed, {} bad chains, {}{}",
                f.log.description,
                size.saturating_sub(next),
                s.errors.load(Ordering::Relaxed),
                s.malformed.load(Ordering::Relaxed),
                s.bad_chains.load(Ordering::Relaxed),
                match (&f.log.key, s.misbehaving.load(Ordering::Relaxed)) {
                    (None, _) => "not verified".to_string(),
                    (Some(_), 0) => "verified".to_string(),
                    (Some(_), n) => format!("MISBEHAVING {n} times"),
                },
                if last.is_empty() { String::new() } else { format!(" (last error: {last})") }
            )
        })
        .collect()
}

/// What a direct-CT run works with, besides the logs and its output.
pub struct CtRun<'a> {
    pub rules: &'a Rules,
    pub lookalike: Option<&'a crate::detect::lookalike::Lookalike>,
    pub db: &'a Database,
    pub settings: &'a CtSettings,
    pub notify: &'a crate::notify::NotifySettings,
    /// SIGHUP re-reads `[SEARCH]`/`[LOOKALIKE]` (monitor).
    pub reloader: Option<super::reload::Reloader>,
    pub health: Option<&'a super::health::Health>,
    pub log_metrics: &'a CtLogsMetrics,
    /// `--stats`: the per-log table on stderr every 10 s.
    pub stats_to_stderr: bool,
    /// `--json` stdout lines.
    pub json: bool,
    /// `[SERVE]`: every entry read is also published to these certstream clients.
    pub serve: Option<&'a crate::serve::Hub>,
    /// `false` for `serve` alone: no rules, no rows; only the logs' positions are stored
    /// (so a restart serves what came in meanwhile).
    pub judge: bool,
}

/// Follow `logs` until a stop is requested.
pub fn run<W: Write>(
    run: CtRun<'_>,
    logs: Vec<CtLog>,
    out: W,
    counters: Arc<Counters>,
) -> Result<(), Failure> {
    let CtRun {
        rules,
        lookalike,
        db,
        settings,
        notify,
        mut reloader,
        health,
        log_metrics,
        stats_to_stderr,
        json,
        serve,
        judge,
    } = run;
    // Serving needs the readers to make each entry's certstream message.
    let served_settings;
    let settings = if serve.is_some() {
        let mut s = settings.clone();
        s.reader.certstream_messages = true;
        served_settings = s;
        &served_settings
    } else {
        settings
    };
    let mut alarm = super::log_alarm::LogAlarm::start(notify);
    let mut last_reports = Instant::now();
    db.ensure_ct_state()?;
    for section in settings.unmatched_overrides(&logs) {
        logging::warning(
            "ct",
            &format!("[{section}] names no followed log (by URL or exact description); its settings are not used"),
        );
    }
    let (tx, rx) = mpsc::sync_channel::<CtBatch>(64);
    let mut followers = Vec::new();
    let mut running = HashSet::new();
    let mut waiting = Waiting {
        readers: Vec::new(),
        refresher: false,
        backoff: Backoff::new(Duration::from_secs(1), Duration::from_secs(60)),
        next_try: Instant::now(),
    };
    // Every log not followed yet joins the waiting list, from its saved position.
    let mut enlist = |logs: Vec<CtLog>, waiting: &mut Waiting| -> Result<(), Failure> {
        let positions = db.ct_positions()?;
        for log in logs {
            if running.insert(log.log_id.clone()) {
                let saved = positions.get(&log.log_id).cloned();
                waiting.readers.push((log, saved));
            }
        }
        Ok(())
    };
    // Start what waits; a refused thread is an error reported and retried, never fatal:
    // the logs already followed go on meanwhile.
    let start_waiting = |waiting: &mut Waiting,
                         followers: &mut Vec<Follower>,
                         new_logs: &mut Option<Receiver<Vec<CtLog>>>| {
        let mut refused = None;
        let mut still = Vec::new();
        for (log, saved) in waiting.readers.drain(..) {
            if refused.is_some() {
                still.push((log, saved));
                continue;
            }
            match spawn_reader(&log, saved.clone(), settings, tx.clone()) {
                Ok(f) => {
                    if let Some(h) = health {
                        h.watch_log(&f.log, f.stats.clone());
                    }
                    log_metrics.add(f.log.clone(), f.stats.clone());
                    followers.push(f)
                }
                Err(e) => {
                    refused = Some((
                        format!("the reader of {} ({})", log.description, log.url),
                        e,
                    ));
                    still.push((log, saved));
                }
            }
        }
        waiting.readers = still;
        if waiting.refresher && refused.is_none() {
            match spawn_list_refresher(settings.clone()) {
                Ok(rx) => {
                    *new_logs = Some(rx);
                    waiting.refresher = false;
                }
                Err(e) => refused = Some(("the log list refresher".to_string(), e)),
            }
        }
        match refused {
            Some((what, e)) => {
                let n = waiting.readers.len();
                waiting.refused(&format!("{what} ({n} log(s) waiting)"), &e)
            }
            None => waiting.backoff.reset(),
        }
    };
    enlist(logs, &mut waiting)?;
    waiting.refresher = true;
    let mut new_logs = None;
    start_waiting(&mut waiting, &mut followers, &mut new_logs);
    let mut matcher = Matcher::new(rules, db, out, counters.clone())
        .with_lookalike(lookalike)
        .with_json(json);
    // Per log: the matches of entries read but not yet verified against a signed tree head.
    let mut held: HashMap<String, Vec<SelectedRecord>> = HashMap::new();
    let (mut last_stats, mut last_print) = (Instant::now(), Instant::now());
    let stats_every = if stats_to_stderr {
        Duration::from_secs(10)
    } else {
        Duration::from_secs(60)
    };
    loop {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(batch) => commit(&mut matcher, batch, &counters, &mut held, (serve, judge))?,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        // Between two batches: the next one is judged by the new rules (matches held
        // for verification keep the verdict they were selected with).
        if let Some(new) = reloader.as_mut().and_then(super::reload::Reloader::poll) {
            matcher.replace_rules(new);
        }
        if let Some(a) = alarm
            .as_mut()
            .filter(|_| last_reports.elapsed() >= Duration::from_secs(1))
        {
            last_reports = Instant::now();
            for f in &followers {
                for r in f.stats.take_reports() {
                    a.report(&f.log, &r);
                }
            }
        }
        if shutdown::requested() {
            // Batches already downloaded are committed; readers stop at their next check.
            while let Ok(batch) = rx.try_recv() {
                commit(&mut matcher, batch, &counters, &mut held, (serve, judge))?;
            }
            break;
        }
        if let Some(logs) = new_logs.as_ref().and_then(|r| r.try_recv().ok()) {
            enlist(logs, &mut waiting)?;
            waiting.next_try = Instant::now();
        }
        if !waiting.is_empty() && Instant::now() >= waiting.next_try {
            start_waiting(&mut waiting, &mut followers, &mut new_logs);
        }
        if last_stats.elapsed() >= stats_every {
            let elapsed = last_print.elapsed().as_secs_f64();
            last_print = Instant::now();
            last_stats = Instant::now();
            let mut lines = stats_lines(&mut followers, elapsed);
            lines.extend(waiting.readers.iter().map(|(log, _)| {
                format!("{}: not started yet, waiting for a thread", log.description)
            }));
            lines.extend(health.and_then(|h| h.stalled_summary()));
            if let Some(hub) = serve {
                crate::serve::log_stats(hub);
            }
            for line in lines {
                if stats_to_stderr {
                    eprintln!("{}", crate::redact::clean(&line));
                }
                logging::info("ct", &format!("stats: {line}"));
            }
        }
    }
    for line in stats_lines(&mut followers, last_print.elapsed().as_secs_f64()) {
        logging::info("ct", &format!("final: {line}"));
    }
    Ok(())
}

/// One batch: committed now (rows and position), held until its log's next verified
/// tree head (its matches only), committed with what is held once verified, or the held
/// matches dropped when the log's entries did not verify.
fn commit<W: Write>(
    matcher: &mut Matcher<'_, W>,
    mut batch: CtBatch,
    counters: &Counters,
    held: &mut HashMap<String, Vec<SelectedRecord>>,
    (serve, judge): (Option<&crate::serve::Hub>, bool),
) -> Result<(), Failure> {
    // Served as read, like certstream-server-go, verified or not: clients follow the
    // logs live. (Entries of a batch that later fails verification are read and served
    // again from the last verified position.)
    if let Some(hub) = serve {
        for message in std::mem::take(&mut batch.messages) {
            if let Some(frames) = crate::serve::Frames::from_full(&message) {
                hub.publish(Arc::new(frames));
            }
        }
    }
    if !judge {
        // `serve` alone: the position is all that is stored.
        batch.records.clear();
    }
    counters
        .messages
        .fetch_add(batch.next - batch.start, Ordering::Relaxed);
    let what = format!(
        "{} entries {}..{}",
        batch.log.description, batch.start, batch.next
    );
    let fail = |e: crate::db::DbError| {
        Failure::new(
            1,
            format!("cannot commit {what}: {e} (its position was not advanced; a restart resumes there)"),
        )
    };
    let frontier = match &batch.commit {
        Commit::Verified(f) => Some(f.as_slice()),
        _ => None,
    };
    // The log's new position is committed with the batch's rows, or not at all.
    let position = |db: &Database| {
        db.save_ct_position(
            &batch.log.log_id,
            &batch.log.shown_url(),
            batch.next,
            batch.tree_size,
            &clock::utc_now_iso(),
            frontier,
        )
    };
    match &batch.commit {
        Commit::Now => matcher
            .handle_batch(&batch.records, &what, position)
            .map_err(fail),
        Commit::Hold | Commit::Verified(_) => {
            let kept = held.entry(batch.log.log_id.clone()).or_default();
            for record in batch.records {
                let names = matcher.select(&record);
                if !names.is_empty() {
                    kept.push((record, names));
                }
            }
            if batch.commit == Commit::Hold {
                return Ok(());
            }
            let kept = held.remove(&batch.log.log_id).unwrap_or_default();
            matcher.store_selected(&kept, &what, position).map_err(fail)
        }
        Commit::Discard => {
            let dropped = held.remove(&batch.log.log_id).map_or(0, |k| k.len());
            if dropped > 0 {
                logging::warning(
                    "ct",
                    &format!(
                        "{}: {dropped} held certificate(s) with matches dropped, not verified; they are read again from entry {}",
                        batch.log.description, batch.next
                    ),
                );
            }
            Ok(())
        }
    }
}

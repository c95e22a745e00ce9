//! Direct CT mode: one reader thread per log, one DB thread committing their batches.
//!
//! Readers send [`CtBatch`]es through a bounded channel (a slow disk slows the downloads,
//! it never loses entries); the DB thread commits each batch's rows together with the
//! log's new position, then prints the batch's stdout lines.

use crate::clock;
use crate::ct_reader::{CtBatch, CtLogCursor, CtSettings, LogStats};
use crate::db::Database;
use crate::logging;
use crate::loglist::{self, CtLog, LogList};
use crate::monitor::{Counters, Matcher};
use crate::rules::Rules;
use crate::shutdown;
use crate::Failure;
use std::collections::HashSet;
use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Chrome stops enforcing CT on a list this stale; new shards will be missing from it.
const STALE_LIST_DAYS: f64 = 70.0;
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
    if let Some(age) = list.age_days(now).filter(|a| *a > STALE_LIST_DAYS) {
        logging::warning(
            "ct",
            &format!("the CT log list is {age:.0} days old (version {}, {}): newer logs are missing; run `certstreammonitor loglist --update FILE`", list.version, list.timestamp),
        );
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

fn spawn_reader(
    log: CtLog,
    saved: Option<u64>,
    settings: &CtSettings,
    tx: SyncSender<CtBatch>,
) -> std::io::Result<Follower> {
    let log = Arc::new(log);
    let stats = Arc::new(LogStats::default());
    let mut cursor = CtLogCursor::new(log.clone(), saved, settings.reader.clone(), stats.clone());
    let name: String = format!("ct {}", log.description).chars().take(60).collect();
    std::thread::Builder::new()
        .name(name)
        .spawn(move || cursor.run(&tx))?;
    logging::info(
        "ct",
        &format!(
            "following {} ({}, {:?}) from {}",
            log.description,
            log.url,
            log.kind,
            saved.map_or_else(|| "its first run".to_string(), |n| format!("entry {n}"))
        ),
    );
    Ok(Follower {
        log,
        stats,
        last_entries: 0,
    })
}

/// New logs from a daily list reload, found on a thread of their own so a slow
/// download never holds up commits.
fn spawn_list_refresher(settings: CtSettings) -> Receiver<Vec<CtLog>> {
    let (tx, rx) = mpsc::channel();
    let _ = std::thread::Builder::new()
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
        });
    rx
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
                "{}: position {next}, tree size {size}, backlog {}, {rate:.0} entries/s, {} errors, {} malformed, {} bad chains{}",
                f.log.description,
                size.saturating_sub(next),
                s.errors.load(Ordering::Relaxed),
                s.malformed.load(Ordering::Relaxed),
                s.bad_chains.load(Ordering::Relaxed),
                if last.is_empty() { String::new() } else { format!(" (last error: {last})") }
            )
        })
        .collect()
}

/// Follow `logs` until a stop is requested.
#[allow(clippy::too_many_arguments)]
pub fn run<W: Write>(
    rules: &Rules,
    lookalike: Option<&crate::lookalike::Lookalike>,
    db: &Database,
    settings: &CtSettings,
    logs: Vec<CtLog>,
    out: W,
    counters: Arc<Counters>,
    stats_to_stderr: bool,
) -> Result<(), Failure> {
    db.ensure_ct_state()?;
    let (tx, rx) = mpsc::sync_channel::<CtBatch>(64);
    let mut followers = Vec::new();
    let mut running = HashSet::new();
    // Start a reader for every log not followed yet, from its saved position.
    let mut follow = |logs: Vec<CtLog>, followers: &mut Vec<Follower>| -> Result<(), Failure> {
        let positions = db.ct_positions()?;
        for log in logs {
            if running.insert(log.log_id.clone()) {
                let saved = positions.get(&log.log_id).copied();
                followers.push(spawn_reader(log, saved, settings, tx.clone())?);
            }
        }
        Ok(())
    };
    follow(logs, &mut followers)?;
    let new_logs = spawn_list_refresher(settings.clone());
    let mut matcher = Matcher::new(rules, db, out, counters.clone()).with_lookalike(lookalike);
    let (mut last_stats, mut last_print) = (Instant::now(), Instant::now());
    let stats_every = if stats_to_stderr {
        Duration::from_secs(10)
    } else {
        Duration::from_secs(60)
    };
    loop {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(batch) => commit(&mut matcher, &batch, &counters)?,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if shutdown::requested() {
            // Batches already downloaded are committed; readers stop at their next check.
            while let Ok(batch) = rx.try_recv() {
                commit(&mut matcher, &batch, &counters)?;
            }
            break;
        }
        if let Ok(logs) = new_logs.try_recv() {
            follow(logs, &mut followers)?;
        }
        if last_stats.elapsed() >= stats_every {
            let elapsed = last_print.elapsed().as_secs_f64();
            last_print = Instant::now();
            last_stats = Instant::now();
            for line in stats_lines(&mut followers, elapsed) {
                if stats_to_stderr {
                    eprintln!("{line}");
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

fn commit<W: Write>(
    matcher: &mut Matcher<'_, W>,
    batch: &CtBatch,
    counters: &Counters,
) -> Result<(), Failure> {
    counters
        .messages
        .fetch_add(batch.next - batch.start, Ordering::Relaxed);
    matcher.handle_ct_batch(batch).map_err(|e| {
        Failure::new(
            1,
            format!("cannot commit {} entries {}..{}: {e} (its position was not advanced; a restart resumes there)", batch.log.description, batch.start, batch.next),
        )
    })
}

//! The scan's notifier: one lane (a thread and its queue) per destination, so neither a slow
//! destination nor a slow network holds up the scan or the other destinations. Every alert
//! is written to the outbox (table `Notifications`) before it is queued, tried up to
//! [`ATTEMPTS`] times, and its row marked sent or left for the next scan, which retries it.

use crate::alert::Alert;
use crate::clock;
use crate::db::Database;
use crate::logging;
use crate::notify::destination::Destination;
use crate::notify::message::Message;
use crate::notify::sender::{Sender, Undelivered};
use crate::notify::{BodyFormat, NotifySettings};
use crate::shutdown;
use crate::Failure;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Tries per delivery within one run.
pub const ATTEMPTS: u32 = 3;

/// The longest a `Retry-After` is honoured: a rate-limited webhook must not hold its
/// destination's queue for minutes (what is still unsent is retried by the next scan).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

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
        self.finish_counted().0
    }

    /// [`Notifier::finish`], with the number of notifications not delivered in this run
    /// (failed all their attempts, or not finished when the wait ended).
    pub fn finish_counted(self) -> (Option<String>, u64) {
        let Some(r) = self.inner else {
            return (None, 0);
        };
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
            return (None, 0);
        }
        let mut line = format!("Notifications: {sent} sent, {failed} failed");
        if left > 0 {
            line.push_str(&format!(", {left} not finished"));
        }
        if failed + left > 0 {
            line.push_str(" (kept in table Notifications, retried by the next scan)");
        }
        (Some(line), failed + left)
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
                                item.msg.log_name()
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
                            item.msg.log_name()
                        ),
                    );
                }
            }
            if ok {
                self.stats.sent.fetch_add(1, Ordering::SeqCst);
                logging::info(
                    "notify",
                    &format!("{}: notification sent to {who}", item.msg.log_name()),
                );
            } else {
                self.stats.failed.fetch_add(1, Ordering::SeqCst);
                logging::error(
                    "notify",
                    &format!("{}: notification to {who} failed after {attempts} attempts; kept in table Notifications for the next scan", item.msg.log_name()),
                );
            }
            failing = !ok;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

//! Stall alarms (`[HEALTH]`): "connected, nothing flowing, no error" is the failure nobody
//! notices. A watch thread samples, every second or so, what the sources already count (a
//! CT log's position, tree size, errors and last good answer; the time of the last
//! certificate and the certstream connection) and judges each *subject* — one CT log, or
//! the certstream connection — with [`judge`]:
//!
//! * **behind**: a CT log whose tree is larger than our position while the position has
//!   not moved for `StallAfter`;
//! * **errors**: a CT log with no good answer for `StallAfter`, and errors meanwhile;
//! * **silent**: certstream mode, no certificate for `StallAfter`, connected ("nothing
//!   flowing") or not ("disconnected").
//!
//! Entering a stall logs one WARNING, shows in [`Health::snapshot`] (for metrics) and in the
//! stats line, and runs `[HEALTH] Command`; its end logs one INFO with its length and runs
//! the hook again. Nothing is repeated while a stall lasts. Replay mode has no alarm: a
//! file ends. The hook is the `Notification_Command` machinery ([`Sender`] with a command
//! [`Destination`]: no shell, `Notification_Timeout`, stderr logged) on a thread of its
//! own, so a slow hook never holds up the watch.

use crate::clock;
use crate::config::{Config, ConfigError};
use crate::ct::loglist::CtLog;
use crate::ct::reader::LogStats;
use crate::logging;
use crate::monitor::matcher::Counters;
use crate::notify::{Destination, Message, NotifySettings, Sender, StallEvent};
use std::ops::Bound;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// `[HEALTH] StallAfter` when not set.
pub const DEFAULT_STALL_AFTER: Duration = Duration::from_secs(15 * 60);
/// The longest `StallAfter` accepted: a week.
const MAX_STALL_AFTER: f64 = 7.0 * 86_400.0;
/// Hook runs waiting for the hook thread; more are dropped (and said so), never queued
/// without bound behind a hook that hangs until its timeout.
const HOOK_QUEUE: usize = 64;

/// `[HEALTH]`: when a subject counts as stalled, and the hook.
#[derive(Debug, Clone)]
pub struct HealthSettings {
    /// `StallAfter` (seconds, fractions allowed; default 15 min).
    pub stall_after: Duration,
    /// `Command`: split like `Notification_Command`, run without a shell.
    pub command: Option<Destination>,
    /// `[REPORTING] Notification_Timeout` (default 30 s): one run of the hook.
    pub command_timeout: Duration,
}

impl Default for HealthSettings {
    fn default() -> HealthSettings {
        HealthSettings {
            stall_after: DEFAULT_STALL_AFTER,
            command: None,
            command_timeout: NotifySettings::default().timeout,
        }
    }
}

impl HealthSettings {
    /// `[HEALTH] StallAfter` and `Command`; with a command, `[REPORTING]` is read for its
    /// `Notification_Timeout` (and checked like `scan` checks it).
    pub fn from_config(c: &Config) -> Result<HealthSettings, ConfigError> {
        let mut s = HealthSettings::default();
        if let Some(d) = c.seconds_in(
            "HEALTH",
            "StallAfter",
            (Bound::Excluded(0.0), Bound::Included(MAX_STALL_AFTER)),
            "number of seconds (above 0, at most 604800)",
        )? {
            s.stall_after = d;
        }
        if let Some(v) = c.get("HEALTH", "Command")? {
            s.command = Destination::command(&v);
            if s.command.is_some() {
                s.command_timeout = NotifySettings::from_config(c)?.timeout;
            }
        }
        Ok(s)
    }
}

/// What is watched: one CT log, or the certstream connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectKind {
    CtLog,
    Certstream,
}

impl SubjectKind {
    /// `ctlog` or `certstream` (the metrics' `subject` label, `CSM_HEALTH_SUBJECT`).
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::CtLog => "ctlog",
            SubjectKind::Certstream => "certstream",
        }
    }
}

/// Why a subject is stalled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// A CT log's tree grows (is larger than our position) while the position stays put.
    Behind,
    /// A CT log answers only errors.
    Errors,
    /// Certstream: no certificate.
    Silent,
}

impl Reason {
    /// `behind`, `errors` or `silent` (`CSM_HEALTH_REASON`).
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Behind => "behind",
            Reason::Errors => "errors",
            Reason::Silent => "silent",
        }
    }
}

/// One subject as [`Health::snapshot`] shows it (the metrics render it).
#[derive(Debug, Clone, PartialEq)]
pub struct StallState {
    pub kind: SubjectKind,
    /// Without credentials.
    pub url: String,
    pub description: String,
    pub stalled: bool,
    /// The reason of the stall under way.
    pub reason: Option<Reason>,
    /// Stalls entered since the start.
    pub alarms_total: u64,
    /// Unix milliseconds when the stall under way began (the last progress, good answer or
    /// certificate, not the moment it was noticed).
    pub since_ms: Option<u64>,
}

/// The figures of one subject at one moment (the pure input of [`judge`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Sample {
    CtLog {
        next: u64,
        tree_size: u64,
        errors: u64,
        /// Unix ms of the last good answer; 0 = none yet.
        last_success_ms: u64,
        last_error: String,
    },
    Certstream {
        connected: bool,
        /// Unix ms of the last certificate; 0 = none yet.
        last_certificate_ms: u64,
    },
}

/// What the watch remembers of one subject between samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    /// When watching began: the baseline before any progress, good answer or certificate.
    started_ms: u64,
    /// The position last seen, and when it last moved (or the log was caught up).
    next: u64,
    moved_ms: u64,
    /// The last good answer seen, and the error count when it was seen.
    success_ms: u64,
    errors_then: u64,
    /// The stall under way: its reason and start.
    stall: Option<(Reason, u64)>,
    alarms_total: u64,
}

impl Track {
    /// A subject watched from `now_ms` (its figures counted from zero then).
    pub fn new(now_ms: u64) -> Track {
        Track {
            started_ms: now_ms,
            next: 0,
            moved_ms: now_ms,
            success_ms: 0,
            errors_then: 0,
            stall: None,
            alarms_total: 0,
        }
    }
}

/// A change of state [`judge`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Stalled { reason: Reason, since_ms: u64 },
    Recovered { reason: Reason, since_ms: u64 },
}

/// Judge one subject: `track` (its memory) updated from `sample` taken at `now_ms`; an
/// event when a stall begins or ends, none while it lasts or while all is well. A CT log
/// both behind and failing is "behind" (its figures name the last error).
pub fn judge(
    track: &mut Track,
    sample: &Sample,
    now_ms: u64,
    stall_after_ms: u64,
) -> Option<Event> {
    let long = |since: u64| now_ms.saturating_sub(since) >= stall_after_ms;
    let condition = match sample {
        Sample::CtLog {
            next,
            tree_size,
            errors,
            last_success_ms,
            ..
        } => {
            if *next != track.next || tree_size <= next {
                track.next = *next;
                track.moved_ms = now_ms;
            }
            if *last_success_ms > track.success_ms {
                track.success_ms = *last_success_ms;
                track.errors_then = *errors;
            }
            let quiet_since = track.success_ms.max(track.started_ms);
            if tree_size > next && long(track.moved_ms) {
                Some((Reason::Behind, track.moved_ms))
            } else if *errors > track.errors_then && long(quiet_since) {
                Some((Reason::Errors, quiet_since))
            } else {
                None
            }
        }
        Sample::Certstream {
            last_certificate_ms,
            ..
        } => {
            let since = (*last_certificate_ms).max(track.started_ms);
            long(since).then_some((Reason::Silent, since))
        }
    };
    match (track.stall, condition) {
        (None, Some((reason, since_ms))) => {
            track.stall = Some((reason, since_ms));
            track.alarms_total += 1;
            Some(Event::Stalled { reason, since_ms })
        }
        (Some((reason, since_ms)), None) => {
            track.stall = None;
            Some(Event::Recovered { reason, since_ms })
        }
        _ => None,
    }
}

/// Who is watched, as logs and hooks name it.
#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    pub kind: SubjectKind,
    /// Without credentials.
    pub url: String,
    pub description: String,
}

impl Subject {
    fn name(&self) -> String {
        match self.kind {
            SubjectKind::CtLog => format!("CT log {} ({})", self.description, self.url),
            SubjectKind::Certstream => format!("certstream ({})", self.url),
        }
    }
}

fn seconds(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

/// The log line of an event (also the hook's `CSM_BODY`).
pub fn describe(subject: &Subject, sample: &Sample, event: &Event, now_ms: u64) -> String {
    let name = subject.name();
    let last_error = |e: &str| {
        if e.is_empty() {
            String::new()
        } else {
            format!("; last error: {e}")
        }
    };
    match (event, sample) {
        (Event::Stalled { reason, since_ms }, _) => {
            let d = seconds(now_ms.saturating_sub(*since_ms));
            let what = match sample {
                Sample::CtLog {
                    next,
                    tree_size,
                    errors,
                    last_error: e,
                    ..
                } => match reason {
                    Reason::Errors => format!(
                        "no good answer for {d} (position {next}, tree size {tree_size}, {errors} errors in all){}",
                        last_error(e)
                    ),
                    _ => format!(
                        "position {next} has not moved for {d} while the tree size is {tree_size} (backlog {}, {errors} errors in all){}",
                        tree_size.saturating_sub(*next),
                        last_error(e)
                    ),
                },
                Sample::Certstream { connected, .. } => format!(
                    "{}: no certificate for {d}",
                    if *connected {
                        "connected, nothing flowing"
                    } else {
                        "disconnected"
                    }
                ),
            };
            format!("{name} stalled: {} — {what}", reason.as_str())
        }
        (Event::Recovered { reason, since_ms }, _) => {
            let d = seconds(now_ms.saturating_sub(*since_ms));
            let figures = match sample {
                Sample::CtLog {
                    next, tree_size, ..
                } => format!("; position {next}, tree size {tree_size}"),
                Sample::Certstream { .. } => "; certificates flowing again".to_string(),
            };
            format!(
                "{name} recovered: the stall ({}) lasted {d}{figures}",
                reason.as_str()
            )
        }
    }
}

/// Where a subject's figures are read.
enum Probe {
    CtLog(Arc<LogStats>),
    Certstream(Arc<Counters>),
}

impl Probe {
    fn sample(&self) -> Sample {
        match self {
            Probe::CtLog(s) => Sample::CtLog {
                next: s.next.load(Ordering::Relaxed),
                tree_size: s.tree_size.load(Ordering::Relaxed),
                errors: s.errors.load(Ordering::Relaxed),
                last_success_ms: s.last_success_ms.load(Ordering::Relaxed),
                last_error: s.last_error.lock().map(|e| e.clone()).unwrap_or_default(),
            },
            Probe::Certstream(c) => Sample::Certstream {
                connected: c.certstream.up.load(Ordering::Relaxed),
                last_certificate_ms: c.last_certificate_ms.load(Ordering::Relaxed),
            },
        }
    }
}

struct Watched {
    subject: Subject,
    probe: Probe,
    track: Track,
}

/// The stall watch of one `monitor` run: subjects are added as their sources start, a
/// thread judges them; [`Health::snapshot`] and [`Health::stalled_summary`] read the
/// state. Stop it with [`Health::stop`].
pub struct Health {
    stall_after: Duration,
    watched: Mutex<Vec<Watched>>,
    hook: Option<mpsc::SyncSender<Message>>,
    stop: AtomicBool,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Health {
    /// The watch, its thread started (and the hook's, with a `Command`). A thread the
    /// system refuses is said once at WARNING: the monitor goes on without alarms.
    pub fn start(settings: &HealthSettings) -> Arc<Health> {
        let hook = settings
            .command
            .as_ref()
            .and_then(|d| start_hook(d.clone(), settings.command_timeout));
        let health = Arc::new(Health {
            stall_after: settings.stall_after,
            watched: Mutex::new(Vec::new()),
            hook,
            stop: AtomicBool::new(false),
            thread: Mutex::new(None),
        });
        let tick =
            (settings.stall_after / 4).clamp(Duration::from_millis(50), Duration::from_secs(1));
        let h = health.clone();
        let spawned = std::thread::Builder::new()
            .name("health-watch".into())
            .spawn(move || {
                while !h.stop.load(Ordering::SeqCst) {
                    std::thread::park_timeout(tick);
                    if h.stop.load(Ordering::SeqCst) {
                        break;
                    }
                    h.check(clock::now_unix_ms());
                }
            });
        match spawned {
            Ok(t) => *lock(&health.thread) = Some(t),
            Err(e) => logging::warning(
                "health",
                &format!(
                    "cannot start the health-watch thread ({e}): stall alarms are off in this run"
                ),
            ),
        }
        health
    }

    fn add(&self, subject: Subject, probe: Probe) {
        lock(&self.watched).push(Watched {
            subject,
            probe,
            track: Track::new(clock::now_unix_ms()),
        });
    }

    /// Watch a CT log from now on (its reader just started, its figures from zero).
    pub(crate) fn watch_log(&self, log: &CtLog, stats: Arc<LogStats>) {
        let subject = Subject {
            kind: SubjectKind::CtLog,
            url: log.shown_url().into_owned(),
            description: log.description.clone(),
        };
        self.add(subject, Probe::CtLog(stats));
    }

    /// Watch the certstream connection to `urls` (the servers tried in turn).
    pub fn watch_certstream(&self, urls: &[String], counters: Arc<Counters>) {
        let shown: Vec<String> = urls
            .iter()
            .map(|u| crate::redact::without_credentials(u).into_owned())
            .collect();
        let subject = Subject {
            kind: SubjectKind::Certstream,
            url: shown.join(", "),
            description: "certstream".into(),
        };
        self.add(subject, Probe::Certstream(counters));
    }

    /// One round: sample and judge every subject at `now_ms`; log and hook what changed.
    pub fn check(&self, now_ms: u64) {
        let stall_after_ms = self.stall_after.as_millis() as u64;
        let mut events = Vec::new();
        for w in lock(&self.watched).iter_mut() {
            let sample = w.probe.sample();
            if let Some(event) = judge(&mut w.track, &sample, now_ms, stall_after_ms) {
                events.push((w.subject.clone(), sample, event));
            }
        }
        for (subject, sample, event) in events {
            let text = crate::redact::clean(&describe(&subject, &sample, &event, now_ms));
            let (stalled, reason, since_ms) = match event {
                Event::Stalled { reason, since_ms } => (true, reason, since_ms),
                Event::Recovered { reason, since_ms } => (false, reason, since_ms),
            };
            if stalled {
                logging::warning("health", &text);
            } else {
                logging::info("health", &text);
            }
            let Some(hook) = &self.hook else { continue };
            let since = format!("{}Z", clock::utc((since_ms / 1000) as i64).iso());
            let msg = Message::stall(&StallEvent {
                stalled,
                subject: subject.kind.as_str(),
                reason: reason.as_str(),
                url: &subject.url,
                description: &subject.description,
                since: &since,
                text: &text,
            });
            if hook.try_send(msg).is_err() {
                logging::warning(
                    "health",
                    &format!("{text}: the [HEALTH] Command hook is still busy with {HOOK_QUEUE} earlier events; not run for this one"),
                );
            }
        }
    }

    /// Every subject's state, for the metrics.
    pub fn snapshot(&self) -> Vec<StallState> {
        lock(&self.watched)
            .iter()
            .map(|w| StallState {
                kind: w.subject.kind,
                url: w.subject.url.clone(),
                description: w.subject.description.clone(),
                stalled: w.track.stall.is_some(),
                reason: w.track.stall.map(|(r, _)| r),
                alarms_total: w.track.alarms_total,
                since_ms: w.track.stall.map(|(_, s)| s),
            })
            .collect()
    }

    /// `stalled: CT log X (…) behind for 1.2 s, …` for the stats line; `None` when nothing is.
    pub fn stalled_summary(&self) -> Option<String> {
        let now_ms = clock::now_unix_ms();
        let parts: Vec<String> = lock(&self.watched)
            .iter()
            .filter_map(|w| {
                let (reason, since) = w.track.stall?;
                Some(format!(
                    "{} {} for {}",
                    w.subject.name(),
                    reason.as_str(),
                    seconds(now_ms.saturating_sub(since))
                ))
            })
            .collect();
        (!parts.is_empty()).then(|| format!("stalled: {}", parts.join(", ")))
    }

    /// End the watch thread (the hook thread ends when the last queued run is done).
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = lock(&self.thread).take() {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}

/// Its subjects and their state.
impl std::fmt::Debug for Health {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Health")
            .field("stall_after", &self.stall_after)
            .field("subjects", &self.snapshot())
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The hook's thread: runs queued events one after the other, each result logged.
fn start_hook(dest: Destination, timeout: Duration) -> Option<mpsc::SyncSender<Message>> {
    let settings = NotifySettings {
        timeout,
        ..NotifySettings::default()
    };
    let sender = match Sender::new(&settings) {
        Ok(s) => s,
        Err(e) => {
            logging::error("health", &format!("[HEALTH] Command disabled: {e}"));
            return None;
        }
    };
    let (tx, rx) = mpsc::sync_channel::<Message>(HOOK_QUEUE);
    let spawned = std::thread::Builder::new()
        .name("health-hook".into())
        .spawn(move || {
            for msg in rx {
                let mut done = Vec::new();
                match sender.deliver(&dest, &msg, &mut done) {
                    Ok(()) => {
                        logging::info("health", &format!("{}: {} ran", msg.title, dest.display()))
                    }
                    Err(e) => logging::warning(
                        "health",
                        &dest.scrub(&format!("{}: {} failed: {e}", msg.title, dest.display())),
                    ),
                }
            }
        });
    match spawned {
        Ok(_) => Some(tx),
        Err(e) => {
            logging::error(
                "health",
                &format!("[HEALTH] Command disabled: cannot start its thread: {e}"),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1000;

    fn ct(next: u64, tree_size: u64, errors: u64, last_success_ms: u64) -> Sample {
        Sample::CtLog {
            next,
            tree_size,
            errors,
            last_success_ms,
            last_error: String::new(),
        }
    }

    fn cs(connected: bool, last_certificate_ms: u64) -> Sample {
        Sample::Certstream {
            connected,
            last_certificate_ms,
        }
    }

    fn stalled(reason: Reason, since_ms: u64) -> Option<Event> {
        Some(Event::Stalled { reason, since_ms })
    }

    fn recovered(reason: Reason, since_ms: u64) -> Option<Event> {
        Some(Event::Recovered { reason, since_ms })
    }

    /// Each case: a subject watched from t = 100 s with StallAfter = 10 s, fed samples at
    /// the given times; the events expected after each, and the alarms counted at the end.
    #[test]
    fn stall_table() {
        type Step = (u64, Sample, Option<Event>);
        let t0 = 100 * S;
        let cases: Vec<(&str, Vec<Step>, u64)> = vec![
            (
                "log reading along: no stall",
                vec![
                    (t0 + 5 * S, ct(10, 20, 0, t0 + 5 * S), None),
                    (t0 + 12 * S, ct(15, 30, 0, t0 + 12 * S), None),
                    (t0 + 30 * S, ct(30, 30, 0, t0 + 30 * S), None),
                    (t0 + 60 * S, ct(30, 30, 0, t0 + 60 * S), None),
                ],
                0,
            ),
            (
                "caught up and the log does not grow: no stall",
                vec![
                    (t0 + S, ct(0, 0, 0, t0 + S), None),
                    (t0 + 50 * S, ct(0, 0, 0, t0 + 50 * S), None),
                ],
                0,
            ),
            (
                "tree grows, position stays: behind once, then recovered",
                vec![
                    (t0 + S, ct(5, 20, 0, t0 + S), None),
                    (t0 + 10 * S, ct(5, 25, 3, t0 + 10 * S), None),
                    (
                        t0 + 11 * S,
                        ct(5, 25, 4, t0 + 11 * S),
                        stalled(Reason::Behind, t0 + S),
                    ),
                    (t0 + 30 * S, ct(5, 40, 9, t0 + 30 * S), None),
                    (
                        t0 + 31 * S,
                        ct(25, 40, 9, t0 + 31 * S),
                        recovered(Reason::Behind, t0 + S),
                    ),
                ],
                1,
            ),
            (
                "only errors, no good answer ever: errors, then a good answer ends it",
                vec![
                    (t0 + 5 * S, ct(0, 0, 3, 0), None),
                    (t0 + 10 * S, ct(0, 0, 6, 0), stalled(Reason::Errors, t0)),
                    (t0 + 20 * S, ct(0, 0, 9, 0), None),
                    (
                        t0 + 21 * S,
                        ct(0, 50, 9, t0 + 21 * S),
                        recovered(Reason::Errors, t0),
                    ),
                ],
                1,
            ),
            (
                "errors after good answers: counted from the last good one",
                vec![
                    (t0 + 5 * S, ct(7, 7, 0, t0 + 5 * S), None),
                    (t0 + 14 * S, ct(7, 7, 2, t0 + 5 * S), None),
                    (
                        t0 + 15 * S,
                        ct(7, 7, 3, t0 + 5 * S),
                        stalled(Reason::Errors, t0 + 5 * S),
                    ),
                ],
                1,
            ),
            (
                "no good answer but no error either (slow log): not a stall",
                vec![
                    (t0 + 5 * S, ct(7, 7, 0, t0 + 2 * S), None),
                    (t0 + 40 * S, ct(7, 7, 0, t0 + 2 * S), None),
                ],
                0,
            ),
            (
                "behind and failing: behind",
                vec![(t0 + 10 * S, ct(0, 9, 5, 0), stalled(Reason::Behind, t0))],
                1,
            ),
            (
                "two stalls are two alarms",
                vec![
                    (
                        t0 + 10 * S,
                        ct(0, 9, 0, t0 + 10 * S),
                        stalled(Reason::Behind, t0),
                    ),
                    (
                        t0 + 11 * S,
                        ct(9, 9, 0, t0 + 11 * S),
                        recovered(Reason::Behind, t0),
                    ),
                    (t0 + 12 * S, ct(9, 12, 0, t0 + 12 * S), None),
                    (
                        t0 + 22 * S,
                        ct(9, 15, 0, t0 + 22 * S),
                        stalled(Reason::Behind, t0 + 11 * S),
                    ),
                ],
                2,
            ),
            (
                "certstream: certificates flowing",
                vec![
                    (t0 + 9 * S, cs(true, t0 + 9 * S), None),
                    (t0 + 18 * S, cs(true, t0 + 17 * S), None),
                ],
                0,
            ),
            (
                "certstream silent from the start, connected or not, once",
                vec![
                    (t0 + 9 * S, cs(true, 0), None),
                    (t0 + 10 * S, cs(true, 0), stalled(Reason::Silent, t0)),
                    (t0 + 20 * S, cs(false, 0), None),
                    (t0 + 30 * S, cs(true, 0), None),
                    (
                        t0 + 31 * S,
                        cs(true, t0 + 31 * S),
                        recovered(Reason::Silent, t0),
                    ),
                ],
                1,
            ),
            (
                "certstream silent after a certificate",
                vec![
                    (t0 + 2 * S, cs(true, t0 + 2 * S), None),
                    (
                        t0 + 12 * S,
                        cs(false, t0 + 2 * S),
                        stalled(Reason::Silent, t0 + 2 * S),
                    ),
                ],
                1,
            ),
            (
                "a clock stepped back does not underflow",
                vec![
                    (t0 - 50 * S, cs(true, 0), None),
                    (t0 - 60 * S, ct(0, 5, 1, 0), None),
                ],
                0,
            ),
        ];
        for (name, steps, alarms) in cases {
            let mut track = Track::new(t0);
            for (i, (now, sample, want)) in steps.iter().enumerate() {
                let got = judge(&mut track, sample, *now, 10 * S);
                assert_eq!(&got, want, "{name}: step {i}");
            }
            assert_eq!(track.alarms_total, alarms, "{name}");
        }
    }

    #[test]
    fn descriptions() {
        let log = Subject {
            kind: SubjectKind::CtLog,
            url: "https://ct.example/log/".into(),
            description: "Example log".into(),
        };
        let sample = Sample::CtLog {
            next: 5,
            tree_size: 25,
            errors: 4,
            last_success_ms: 0,
            last_error: "get-entries: HTTP 500".into(),
        };
        let t = describe(
            &log,
            &sample,
            &Event::Stalled {
                reason: Reason::Behind,
                since_ms: 0,
            },
            1500,
        );
        assert_eq!(
            t,
            "CT log Example log (https://ct.example/log/) stalled: behind — position 5 has not moved for 1.5 s while the tree size is 25 (backlog 20, 4 errors in all); last error: get-entries: HTTP 500"
        );
        let t = describe(
            &log,
            &sample,
            &Event::Recovered {
                reason: Reason::Errors,
                since_ms: 500,
            },
            3000,
        );
        assert_eq!(
            t,
            "CT log Example log (https://ct.example/log/) recovered: the stall (errors) lasted 2.5 s; position 5, tree size 25"
        );
        let cs_subject = Subject {
            kind: SubjectKind::Certstream,
            url: "wss://a.example/, ws://b.example/".into(),
            description: "certstream".into(),
        };
        for (connected, words) in [
            (true, "connected, nothing flowing"),
            (false, "disconnected"),
        ] {
            let t = describe(
                &cs_subject,
                &Sample::Certstream {
                    connected,
                    last_certificate_ms: 0,
                },
                &Event::Stalled {
                    reason: Reason::Silent,
                    since_ms: 0,
                },
                60_000,
            );
            assert_eq!(
                t,
                format!("certstream (wss://a.example/, ws://b.example/) stalled: silent — {words}: no certificate for 60.0 s")
            );
        }
    }

    #[test]
    fn settings() {
        let conf = |text: &str| Config::parse("t.conf", text).unwrap();
        let s = HealthSettings::from_config(&conf("[SEARCH]\n")).unwrap();
        assert_eq!(s.stall_after, DEFAULT_STALL_AFTER);
        assert!(s.command.is_none());
        let s = HealthSettings::from_config(&conf(
            "[HEALTH]\nStallAfter = 1.5\nCommand = /usr/local/bin/hook --token=abc\n[REPORTING]\nNotification_Timeout = 7\n",
        ))
        .unwrap();
        assert_eq!(s.stall_after, Duration::from_millis(1500));
        assert_eq!(s.command_timeout, Duration::from_secs(7));
        assert_eq!(
            s.command.unwrap().display(),
            "[command] /usr/local/bin/hook"
        );
        for bad in ["0", "-1", "soon", "604801"] {
            let e = HealthSettings::from_config(&conf(&format!("[HEALTH]\nStallAfter = {bad}\n")))
                .unwrap_err();
            assert_eq!(
                (e.line, e.key.as_deref()),
                (Some(2), Some("StallAfter")),
                "{e}"
            );
        }
    }

    /// The watch thread end to end on fake figures: one warning's worth of state, the
    /// snapshot and the stats line follow it.
    #[test]
    fn snapshot_follows_the_state() {
        let health = Health {
            stall_after: Duration::from_secs(10),
            watched: Mutex::new(Vec::new()),
            hook: None,
            stop: AtomicBool::new(false),
            thread: Mutex::new(None),
        };
        let counters = Arc::new(Counters::default());
        health.watch_certstream(&["wss://user:pw@cs.example/".into()], counters.clone());
        let t0 = lock(&health.watched)[0].track.started_ms;
        health.check(t0 + 1000);
        assert!(health.stalled_summary().is_none());
        let snap = health.snapshot();
        assert_eq!(snap.len(), 1);
        assert_eq!(snap[0].url, "wss://***@cs.example/");
        assert!(!snap[0].stalled);
        health.check(t0 + 11_000);
        let snap = health.snapshot();
        assert!(snap[0].stalled);
        assert_eq!(
            (snap[0].reason, snap[0].alarms_total, snap[0].since_ms),
            (Some(Reason::Silent), 1, Some(t0))
        );
        let line = health.stalled_summary().unwrap();
        assert!(
            line.starts_with("stalled: certstream (wss://***@cs.example/) silent for "),
            "{line}"
        );
        counters
            .last_certificate_ms
            .store(t0 + 12_000, Ordering::Relaxed);
        health.check(t0 + 12_500);
        let snap = health.snapshot();
        assert!(!snap[0].stalled);
        assert_eq!(snap[0].alarms_total, 1);
    }
}

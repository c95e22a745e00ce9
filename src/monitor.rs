//! `monitor`: certificates in, matching hosts out.
//!
//! Two threads. The source thread (certstream websocket, or a replay file) only reads
//! and queues raw messages. The matcher thread (the caller's) decodes each message into
//! a [`CertificateRecord`], runs the rules on every name, and for a match commits the row
//! *before* printing the stdout line, so whatever a SOC pipeline reads from stdout is
//! already in the DB.
//!
//! Backpressure, never loss: the queue between them is bounded, and when it is full the
//! source waits. A certstream reader then stops reading its socket, so TCP flow control
//! slows the server down; a message that reached us is never discarded. A third, idle
//! thread watches the matcher and reports a *stall* (no progress for [`STALL_AFTER`]
//! while it holds a message: a DB locked by another process, a slow disk, a stdout
//! nobody reads) once when it is noticed, and its length when it ends.

use crate::certificate::{display_safe, CertificateRecord};
use crate::certstream::{parse_message, CertstreamMessage};
use crate::certstream_client::{self, ClientEvent, ClientSettings, MAX_MESSAGE};
use crate::clock;
use crate::config::SourceSettings;
use crate::ct_reader::{CtBatch, CtSettings};
use crate::db::{Database, NewHost};
use crate::logging;
use crate::lookalike::{Lookalike, LookalikeHit};
use crate::rules::{Rules, Verdict};
use crate::shutdown;
use std::collections::VecDeque;
use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Where certificates come from.
pub enum Source {
    Certstream(ClientSettings),
    /// One certstream JSON message per line; `-` is stdin.
    Replay(String),
}

/// How much may wait between the socket reader and the matcher before the reader waits
/// (and stops reading the socket): ~10 s of today's CT rate, a small RSS either way. A
/// single message larger than the byte budget (up to [`MAX_MESSAGE`]) is let in alone.
const QUEUE_MESSAGES: usize = 4096;
const QUEUE_BYTES: usize = 8 << 20;

/// The matcher holding one message this long without finishing it is a stall.
pub const STALL_AFTER: Duration = Duration::from_secs(5);

/// What happened, for the periodic stats line and the benchmark.
#[derive(Debug, Default)]
pub struct Counters {
    pub messages: AtomicU64,
    pub certificates: AtomicU64,
    pub names: AtomicU64,
    pub matches: AtomicU64,
    pub stored: AtomicU64,
    pub known: AtomicU64,
    pub below_threshold: AtomicU64,
    pub blacklisted: AtomicU64,
    pub malformed: AtomicU64,
    /// Oversize or non-UTF-8 messages refused by the source.
    pub rejected: AtomicU64,
    /// Times the matcher made no progress for [`STALL_AFTER`] (the source waited meanwhile).
    pub stalls: AtomicU64,
    pub db_errors: AtomicU64,
    /// Names stored because the lookalike engine flagged them (the rules did not).
    pub lookalikes: AtomicU64,
}

impl Counters {
    pub fn get(c: &AtomicU64) -> u64 {
        c.load(Ordering::Relaxed)
    }

    fn bump(c: &AtomicU64) -> u64 {
        c.fetch_add(1, Ordering::Relaxed) + 1
    }

    pub fn summary(&self) -> String {
        let g = Self::get;
        format!(
            "messages={} certificates={} names={} matches={} stored={} already_known={} below_threshold={} blacklisted={} malformed={} rejected={} stalls={} db_errors={}",
            g(&self.messages), g(&self.certificates), g(&self.names), g(&self.matches), g(&self.stored), g(&self.known),
            g(&self.below_threshold), g(&self.blacklisted), g(&self.malformed), g(&self.rejected), g(&self.stalls), g(&self.db_errors)
        ) + &match g(&self.lookalikes) {
            0 => String::new(),
            n => format!(" lookalikes={n}"),
        }
    }
}

/// Log the first few occurrences of a recurring problem, then one in a thousand.
fn worth_logging(n: u64) -> bool {
    n <= 20 || n.is_multiple_of(1000)
}

/// Decodes messages and applies the rules; owns the DB writes and the stdout lines.
pub struct Matcher<'a, W: Write> {
    rules: &'a Rules,
    db: &'a Database,
    out: W,
    counters: Arc<Counters>,
    stdout_broken: bool,
    /// Inside a CT batch transaction, stdout lines wait here until the commit.
    deferred: Option<Vec<String>>,
    /// `[LOOKALIKE]` engine, when enabled.
    lookalike: Option<&'a Lookalike>,
    /// The DB was still locked by another process when a stop was requested: the
    /// messages left are not made to wait a busy timeout each (their matches are logged).
    lock_abandoned: bool,
}

impl<'a, W: Write> Matcher<'a, W> {
    pub fn new(rules: &'a Rules, db: &'a Database, out: W, counters: Arc<Counters>) -> Self {
        Matcher {
            rules,
            db,
            out,
            counters,
            stdout_broken: false,
            deferred: None,
            lookalike: None,
            lock_abandoned: false,
        }
    }

    /// Also store the names the lookalike engine flags (see [`crate::lookalike`]).
    pub fn with_lookalike(mut self, engine: Option<&'a Lookalike>) -> Self {
        self.lookalike = engine;
        self
    }

    /// The engine's verdict on a name the rules did not store; the blacklist still vetoes.
    fn lookalike_hit(&self, host: &str) -> Option<LookalikeHit> {
        let hit = self.lookalike?.check(host)?;
        if self.rules.blacklisted(host) {
            Counters::bump(&self.counters.blacklisted);
            return None;
        }
        Some(hit)
    }

    /// One raw certstream message.
    pub fn handle_message(&mut self, bytes: &[u8]) {
        Counters::bump(&self.counters.messages);
        match parse_message(bytes) {
            Ok(CertstreamMessage::Certificate(record)) => self.handle_record_autocommit(&record),
            Ok(CertstreamMessage::DnsEntries(names)) => {
                let record = CertificateRecord {
                    all_domains: names,
                    ..Default::default()
                };
                self.handle_record_autocommit(&record)
            }
            Ok(CertstreamMessage::Heartbeat) | Ok(CertstreamMessage::Other(_)) => {}
            Err(e) => {
                let n = Counters::bump(&self.counters.malformed);
                if worth_logging(n) {
                    logging::warning(
                        "root",
                        &format!(
                            "skipped malformed message #{n} ({} bytes): {e}",
                            bytes.len()
                        ),
                    );
                }
            }
        }
    }

    /// A certificate outside any transaction: each stored row is its own commit. A DB
    /// locked by another process is waited for (see `insert`); a failing one is retried
    /// (inserts are idempotent), then the loss is logged in full.
    pub fn handle_record_autocommit(&mut self, record: &CertificateRecord<'_>) {
        for attempt in 1..=4u64 {
            match self.handle_record(record) {
                Ok(()) => return,
                // A lock still held at a stop request is not waited for again.
                Err(e) if attempt < 4 && !(is_busy(&e) && shutdown::requested()) => {
                    logging::warning("root", &format!("DB write failed (attempt {attempt}): {e}"));
                    std::thread::sleep(Duration::from_millis(200 * attempt));
                }
                Err(e) => {
                    Counters::bump(&self.counters.db_errors);
                    for host in &record.all_domains {
                        let lookalike = || {
                            self.lookalike.is_some_and(|l| {
                                l.check(host).is_some() && !self.rules.blacklisted(host)
                            })
                        };
                        if matches!(self.rules.evaluate(host), Verdict::Match { .. }) || lookalike()
                        {
                            logging::error(
                                "root",
                                &format!(
                                    "LOST MATCH, could not store it: {e} - {}",
                                    describe(record, host)
                                ),
                            );
                        }
                    }
                    return;
                }
            }
        }
    }

    /// One certificate, from any source: rules on every name, matches stored.
    pub fn handle_record(
        &mut self,
        record: &CertificateRecord<'_>,
    ) -> Result<(), crate::db::DbError> {
        Counters::bump(&self.counters.certificates);
        for host in &record.all_domains {
            Counters::bump(&self.counters.names);
            match self.rules.evaluate(host) {
                Verdict::Match { .. } => self.store(record, host, None)?,
                Verdict::BelowThreshold { .. } => {
                    Counters::bump(&self.counters.below_threshold);
                    if logging::enabled(logging::DEBUG) {
                        logging::debug(
                            "root",
                            &format!(
                                "DETECTION THRESHOLD VALUE NOT REACHED - {}",
                                describe(record, host)
                            ),
                        );
                    }
                    if let Some(hit) = self.lookalike_hit(host) {
                        self.store(record, host, Some(&hit))?;
                    }
                }
                Verdict::Blacklisted { .. } => {
                    Counters::bump(&self.counters.blacklisted);
                }
                Verdict::NoMatch => {
                    if let Some(hit) = self.lookalike_hit(host) {
                        self.store(record, host, Some(&hit))?;
                    }
                }
            }
        }
        Ok(())
    }

    fn store(
        &mut self,
        record: &CertificateRecord<'_>,
        host: &str,
        hit: Option<&LookalikeHit>,
    ) -> Result<(), crate::db::DbError> {
        Counters::bump(&self.counters.matches);
        let san = record.san_for(host);
        let startime = record.startime();
        let first_seen = clock::utc_now_iso();
        let row = NewHost {
            domain: host,
            san: &san,
            issuer: &record.issuer,
            fingerprint: &record.fingerprint,
            startime: &startime,
            first_seen: &first_seen,
        };
        if !self.insert(&row)? {
            Counters::bump(&self.counters.known);
            return Ok(());
        }
        Counters::bump(&self.counters.stored);
        let suffix = match hit {
            Some(h) => {
                Counters::bump(&self.counters.lookalikes);
                h.suffix()
            }
            None => String::new(),
        };
        let line = format!(
            "[{}] {}{suffix}\n",
            clock::local_now_iso(),
            describe_with(record, host, &san, &startime)
        );
        match self.deferred.as_mut() {
            Some(lines) => lines.push(line),
            None => self.print(&line),
        }
        Ok(())
    }

    /// Insert a row. Outside a transaction, a DB write-locked by another process (scan,
    /// the Python scripts, an sqlite3 shell) is waited for as long as it takes, so the
    /// match is not lost: each try already waits SQLite's busy timeout, and the stall
    /// watch reports the wait. Only a stop request ends the wait (the caller then logs
    /// the match in full). Inside a CT batch the lock is taken by `BEGIN IMMEDIATE`.
    fn insert(&mut self, row: &NewHost<'_>) -> Result<bool, crate::db::DbError> {
        if self.lock_abandoned {
            return Err(crate::db::DbError {
                path: self.db.path().to_path_buf(),
                message: "database is locked (stopping: not waited for)".into(),
            });
        }
        loop {
            match self.db.insert_if_absent(row) {
                Err(e) if self.deferred.is_none() && is_busy(&e) => {
                    if shutdown::requested() {
                        self.lock_abandoned = true;
                        return Err(e);
                    }
                    logging::debug("root", &format!("waiting for the DB write lock: {e}"));
                    shutdown::sleep(Duration::from_millis(50));
                }
                other => return other,
            }
        }
    }

    /// The stdout line, after the row is committed. The log gets it too.
    fn print(&mut self, line: &str) {
        logging::info("root", &format!("New match stored: {}", line.trim_end()));
        if !self.stdout_broken {
            if let Err(e) = self
                .out
                .write_all(line.as_bytes())
                .and_then(|_| self.out.flush())
            {
                // The DB has the row; keep monitoring even if nobody reads stdout.
                self.stdout_broken = true;
                logging::error(
                    "root",
                    &format!("stdout is not writable ({e}); matches are still stored in the DB"),
                );
            }
        }
    }

    /// A CT batch: its rows and the log's new position in one transaction, then the
    /// stdout lines. Retried whole on failure (nothing of a failed attempt remains).
    pub fn handle_ct_batch(&mut self, batch: &CtBatch) -> Result<(), crate::db::DbError> {
        let mut attempt = 0u64;
        loop {
            attempt += 1;
            self.deferred = Some(Vec::new());
            let result = (|| {
                self.db.begin()?;
                for record in &batch.records {
                    self.handle_record(record)?;
                }
                self.db.save_ct_position(
                    &batch.log.log_id,
                    &batch.log.shown_url(),
                    batch.next,
                    batch.tree_size,
                    &clock::utc_now_iso(),
                )?;
                self.db.commit()
            })();
            let lines = self.deferred.take().unwrap_or_default();
            match result {
                Ok(()) => {
                    for line in lines {
                        self.print(&line);
                    }
                    return Ok(());
                }
                Err(e) => {
                    self.db.rollback();
                    if attempt >= 4 {
                        return Err(e);
                    }
                    logging::warning(
                        "root",
                        &format!(
                            "committing {} entries {}..{} failed (attempt {attempt}): {e}",
                            batch.log.description, batch.start, batch.next
                        ),
                    );
                    std::thread::sleep(Duration::from_millis(250 * attempt));
                }
            }
        }
    }
}

/// SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock (SQLite's result-code
/// texts, "database is locked" and "database table is locked").
fn is_busy(e: &crate::db::DbError) -> bool {
    e.message.contains("database is locked") || e.message.contains("database table is locked")
}

/// `<host> (SAN: …) (Issuer: …) (Fingerprint: …) (StartTime: …)`, the contract's line body.
pub fn describe(record: &CertificateRecord<'_>, host: &str) -> String {
    describe_with(record, host, &record.san_for(host), &record.startime())
}

/// [`describe`] with the SAN and StartTime texts already made (`store` has them for the row).
fn describe_with(record: &CertificateRecord<'_>, host: &str, san: &str, startime: &str) -> String {
    format!(
        "{} (SAN: {}) (Issuer: {}) (Fingerprint: {}) (StartTime: {})",
        display_safe(host),
        display_safe(san),
        display_safe(&record.issuer),
        display_safe(&record.fingerprint),
        startime
    )
}

/// The bounded hand-off between the source thread and the matcher: at most
/// [`QUEUE_MESSAGES`] messages and [`QUEUE_BYTES`] bytes (or one larger message alone).
/// When it is full the source waits; nothing offered to it is ever discarded.
struct Queue {
    state: Mutex<QueueState>,
    /// A message arrived or the source ended (the matcher waits on this).
    filled: Condvar,
    /// Room was made or the matcher stopped (the source waits on this).
    drained: Condvar,
}

#[derive(Default)]
struct QueueState {
    messages: VecDeque<Vec<u8>>,
    bytes: usize,
    source_done: bool,
    matcher_done: bool,
    /// Who is asleep, so that a push or pop only wakes the other side when it waits.
    matcher_waiting: bool,
    /// The source holds a message and waits for room (until it has queued it).
    source_waiting: bool,
    /// A wake-up is on its way to the waiting source: one is enough.
    source_woken: bool,
}

enum Pop {
    Message(Vec<u8>),
    Timeout,
    /// The source ended and everything it queued was taken.
    Ended,
}

impl Queue {
    fn new() -> Queue {
        Queue {
            state: Mutex::new(QueueState::default()),
            filled: Condvar::new(),
            drained: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queue a message, waiting for room as long as needed (this is the backpressure: a
    /// socket reader blocked here reads nothing more). False once the matcher has stopped.
    fn push(&self, msg: Vec<u8>) -> bool {
        let mut s = self.lock();
        loop {
            if s.matcher_done {
                return false;
            }
            let fits = s.messages.len() < QUEUE_MESSAGES && s.bytes + msg.len() <= QUEUE_BYTES;
            if fits || s.messages.is_empty() {
                break;
            }
            s.source_waiting = true;
            s = self.drained.wait(s).unwrap_or_else(PoisonError::into_inner);
            s.source_woken = false;
        }
        s.source_waiting = false;
        s.bytes += msg.len();
        s.messages.push_back(msg);
        if s.matcher_waiting {
            // Cleared here so that one wake-up is sent, not one per message until it runs.
            s.matcher_waiting = false;
            self.filled.notify_one();
        }
        true
    }

    /// The next message, waiting up to `timeout` for one. `draining` (after a stop
    /// request): only wait for a source that already holds a message and waits for room.
    fn pop(&self, timeout: Duration, draining: bool) -> Pop {
        let mut s = self.lock();
        let mut waited = false;
        loop {
            if let Some(msg) = s.messages.pop_front() {
                s.bytes -= msg.len();
                // Wake a waiting source only once half the room is back (or all of it, for
                // a message above half the budget), not for every message taken.
                let roomy = s.messages.len() <= QUEUE_MESSAGES / 2 && s.bytes <= QUEUE_BYTES / 2;
                if s.source_waiting && !s.source_woken && (roomy || s.messages.is_empty()) {
                    s.source_woken = true;
                    self.drained.notify_one();
                }
                return Pop::Message(msg);
            }
            if s.source_done {
                return Pop::Ended;
            }
            if if draining { !s.source_waiting } else { waited } {
                return Pop::Timeout;
            }
            s.matcher_waiting = true;
            s = self
                .filled
                .wait_timeout(s, timeout)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
            s.matcher_waiting = false;
            waited = true;
        }
    }

    /// The matcher is leaving: a waiting source gives up instead of waiting forever.
    fn close(&self) {
        self.lock().matcher_done = true;
        self.drained.notify_all();
    }
}

/// Start a thread named `name` running `body`. While the system refuses a thread
/// (RLIMIT_NPROC, a pids cgroup) the refusal is logged as an error and retried with
/// backoff: never fatal. `false` when a stop was requested first.
fn spawn_retrying<F: FnOnce() + Send + 'static>(name: &str, body: F) -> bool {
    // A refused spawn drops its closure; the body waits here to be handed to the next try.
    let slot = Arc::new(std::sync::Mutex::new(Some(body)));
    let mut backoff = crate::backoff::Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
    loop {
        let mine = slot.clone();
        let started = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                let body = mine.lock().unwrap_or_else(|p| p.into_inner()).take();
                if let Some(body) = body {
                    body();
                }
            });
        match started {
            Ok(_) => return true,
            Err(e) => {
                let d = backoff.next_delay();
                logging::error(
                    "root",
                    &format!(
                        "cannot start the {name} thread: {e}; retrying in {:.1} s",
                        d.as_secs_f64()
                    ),
                );
                if !shutdown::sleep(d) {
                    return false;
                }
            }
        }
    }
}

/// The source thread's end of the queue; dropping it (the thread ended) tells the matcher.
struct QueueSender(Arc<Queue>);

impl QueueSender {
    fn push(&self, msg: Vec<u8>) -> bool {
        self.0.push(msg)
    }
}

impl Drop for QueueSender {
    fn drop(&mut self) {
        self.0.lock().source_done = true;
        self.0.filled.notify_all();
    }
}

fn spawn_source(source: Source, counters: Arc<Counters>) -> std::io::Result<Arc<Queue>> {
    let queue = Arc::new(Queue::new());
    let sender = QueueSender(queue.clone());
    match source {
        Source::Certstream(settings) => {
            spawn_retrying("certstream", move || {
                certstream_client::run(&settings, |event| match event {
                    ClientEvent::Message(m) => {
                        sender.push(m);
                    }
                    ClientEvent::Rejected(why) => {
                        let n = Counters::bump(&counters.rejected);
                        if worth_logging(n) {
                            logging::warning("certstream", &format!("skipped message #{n}: {why}"));
                        }
                    }
                })
            });
        }
        Source::Replay(path) => {
            let reader: Box<dyn BufRead + Send> = if path == "-" {
                Box::new(std::io::BufReader::with_capacity(1 << 16, std::io::stdin()))
            } else {
                let f = std::fs::File::open(&path).map_err(|e| {
                    std::io::Error::new(e.kind(), format!("replay file {path}: {e}"))
                })?;
                Box::new(std::io::BufReader::with_capacity(1 << 16, f))
            };
            spawn_retrying("replay", move || replay(reader, &path, &sender, &counters));
        }
    }
    Ok(queue)
}

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

fn replay(
    mut reader: Box<dyn BufRead + Send>,
    path: &str,
    queue: &QueueSender,
    counters: &Counters,
) {
    let mut line_no = 0u64;
    loop {
        if shutdown::requested() {
            return;
        }
        line_no += 1;
        match read_line_bounded(&mut reader, MAX_MESSAGE) {
            Ok(Line::Eof) => return,
            Ok(Line::Data(buf)) => {
                if buf.iter().all(|b| b.is_ascii_whitespace()) {
                    continue;
                }
                if !queue.push(buf) {
                    return;
                }
            }
            Ok(Line::TooLong(n)) => {
                let k = Counters::bump(&counters.rejected);
                logging::warning(
                    "root",
                    &format!("{path}, line {line_no}: skipped message #{k}: longer than {n} bytes"),
                );
            }
            Err(e) => {
                logging::error("root", &format!("{path}, line {line_no}: read error: {e}"));
                return;
            }
        }
    }
}

pub enum Line {
    Data(Vec<u8>),
    /// The line exceeded the limit and was skipped up to its end.
    TooLong(usize),
    Eof,
}

/// Read one `\n`-terminated line of at most `limit` bytes without ever holding more.
pub fn read_line_bounded(r: &mut impl BufRead, limit: usize) -> std::io::Result<Line> {
    let mut buf = Vec::new();
    let mut too_long = false;
    let mut any = false;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if buf.len() + take > limit {
                too_long = true;
                buf = Vec::new();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        r.consume(if done { take + 1 } else { take });
        if done {
            break;
        }
    }
    Ok(match (any, too_long) {
        (false, _) => Line::Eof,
        (true, true) => Line::TooLong(limit),
        (true, false) => Line::Data(buf),
    })
}

/// Knobs of [`run_pipeline`] that only tests and benchmarks change.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    /// How often the INFO stats line is logged.
    pub stats_every: Duration,
    /// Stop once this many messages were handled or rejected (benchmarks).
    pub stop_after: Option<u64>,
    /// The `[LOOKALIKE]` engine, when enabled.
    pub lookalike: Option<Arc<Lookalike>>,
}

impl Default for PipelineOptions {
    fn default() -> Self {
        PipelineOptions {
            stats_every: Duration::from_secs(60),
            stop_after: None,
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
    let mut matcher =
        Matcher::new(rules, db, out, counters.clone()).with_lookalike(options.lookalike.as_deref());
    let mut handle = |msg: &[u8]| {
        progress.busy.store(true, Ordering::SeqCst);
        matcher.handle_message(msg);
        progress.busy.store(false, Ordering::SeqCst);
    };
    let mut last_stats = Instant::now();
    loop {
        match queue.pop(Duration::from_millis(200), false) {
            Pop::Message(msg) => handle(&msg),
            Pop::Timeout => {}
            Pop::Ended => break,
        }
        let seen = || Counters::get(&counters.messages) + Counters::get(&counters.rejected);
        if stop_after.is_some_and(|n| seen() >= n) {
            shutdown::request();
        }
        if shutdown::requested() {
            // Stop reading, but handle what was already received: it is not coming back.
            // (A source waiting for room gets it as the queue drains, then sees the stop.)
            while let Pop::Message(msg) = queue.pop(Duration::from_millis(100), true) {
                handle(&msg);
            }
            break;
        }
        if last_stats.elapsed() >= stats_every {
            last_stats = Instant::now();
            logging::info("root", &format!("stats: {}", counters.summary()));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_waits_for_room_and_lets_a_big_message_in_alone() {
        let queue = Arc::new(Queue::new());
        let sender = QueueSender(queue.clone());
        let count = QUEUE_MESSAGES * 3;
        let producer = std::thread::spawn(move || {
            for i in 0..count {
                assert!(sender.push(i.to_le_bytes().to_vec()));
            }
            // Above the byte budget, below the message limit: queued once the queue is empty.
            assert!(sender.push(vec![b'x'; QUEUE_BYTES + 1]));
        });
        let mut n = 0;
        loop {
            match queue.pop(Duration::from_secs(10), false) {
                Pop::Message(m) if n < count => assert_eq!(m, n.to_le_bytes()),
                Pop::Message(m) => assert_eq!(m.len(), QUEUE_BYTES + 1),
                Pop::Ended => break,
                Pop::Timeout => panic!("producer stuck after {n} messages"),
            }
            n += 1;
            if n == 1 {
                std::thread::sleep(Duration::from_millis(200));
                let s = queue.lock();
                assert!(s.source_waiting, "the producer waits instead of dropping");
                // Full, minus at most the one just taken (room is handed back by halves).
                assert!(
                    s.messages.len() >= QUEUE_MESSAGES - 1,
                    "{}",
                    s.messages.len()
                );
            }
        }
        producer.join().unwrap();
        assert_eq!(n, count + 1, "nothing dropped");
    }

    #[test]
    fn bounded_lines() {
        let data = b"short\nthis one is far too long\n\nlast-no-newline";
        let mut r = std::io::BufReader::with_capacity(4, &data[..]);
        let mut got = Vec::new();
        loop {
            match read_line_bounded(&mut r, 16).unwrap() {
                Line::Eof => break,
                Line::Data(d) => got.push(String::from_utf8(d).unwrap()),
                Line::TooLong(_) => got.push("<long>".into()),
            }
        }
        assert_eq!(got, vec!["short", "<long>", "", "last-no-newline"]);
    }
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
    crate::redact::register(&crate::redact::Secrets::from_config(&config));
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
            let logs = crate::ct_monitor::select_logs(&ct)
                .map_err(|(key, m)| config.key_error("CTLOGS", key, m))?;
            crate::ct_monitor::run(
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

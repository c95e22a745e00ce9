//! One CT log, read from where we left off to its current size, batch by batch.
//!
//! A reader thread owns one log: it polls the tree size (`get-sth` or `checkpoint`),
//! downloads entries (`get-entries` or data tiles), turns them into certificate records
//! and hands each contiguous batch `[start, next)` to the DB thread, which commits the
//! batch's rows and the new position in one transaction. The reader never writes the
//! position itself, so a batch that was not committed is simply read again after a
//! restart: nothing is skipped, nothing counted twice.
//!
//! This file is the part both protocols share (the loop, backoff and retries, skipping
//! undecodable entries, the hand-over); what differs is in `rfc6962.rs` and
//! `static_ct.rs`. `workers.rs` downloads a backlog with several requests in flight
//! (`[CTLOGS] Workers`) at a polite rate (`MaxQPS`), handing batches over in order.

use crate::backoff::Backoff;
use crate::certificate::{CertificateRecord, CtLogLabel, CtSource};
use crate::ct::audit::LogAudit;
use crate::ct::certstream_message;
use crate::ct::entry::{self, LogEntry};
use crate::ct::loglist::{CtLog, LogKind};
use crate::ct::merkle::MerkleFrontier;
use crate::ct::rfc6962;
use crate::ct::signature::SignedTreeHead;
use crate::ct::static_ct;
use crate::ct::workers::Gate;
use crate::logging;
use crate::net::http::{HttpClient, HttpResponse};
use crate::shutdown;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where a log with no saved position starts (`[CTLOGS] StartAt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartAt {
    /// The current tree size: only certificates logged from now on (certstream semantics).
    End,
    /// Entry 0: the whole log (a backfill of hundreds of millions of entries).
    Beginning,
}

#[derive(Debug, Clone)]
pub struct ReaderSettings {
    pub start_at: StartAt,
    pub poll_interval: Duration,
    /// Entries per `get-entries` request; `None` starts at 256 and adapts to what the log returns.
    pub batch_size: Option<u64>,
    pub http_timeout: Duration,
    pub backoff_min: Duration,
    pub backoff_max: Duration,
    /// Requests in flight at once while catching up (`[CTLOGS] Workers`); `None`: 4 for
    /// RFC 6962 logs, 1 for tiled logs.
    pub workers: Option<usize>,
    /// Most requests per second to the log (`[CTLOGS] MaxQPS`); `None`: unlimited.
    pub max_qps: Option<f64>,
    /// Also encode each entry as the certstream message certstream-server-go would send
    /// ([`CtBatch::messages`], for `serve`); off by default, so reading for the monitor
    /// alone does not pay for it.
    pub certstream_messages: bool,
}

impl Default for ReaderSettings {
    fn default() -> Self {
        ReaderSettings {
            start_at: StartAt::End,
            poll_interval: Duration::from_secs(10),
            batch_size: None,
            http_timeout: Duration::from_secs(30),
            backoff_min: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            workers: None,
            max_qps: None,
            certstream_messages: false,
        }
    }
}

/// Entries `[start, next)` of one log, fully processed; `records` holds the parsable ones.
pub struct CtBatch {
    pub log: Arc<CtLog>,
    pub start: u64,
    pub next: u64,
    pub tree_size: u64,
    pub records: Vec<CertificateRecord<'static>>,
    /// With [`ReaderSettings::certstream_messages`]: the full certstream
    /// `certificate_update` message of each record, in the same (index) order, its entry's
    /// index in `data.cert_index` ([`crate::ct::certstream_message`]). Empty otherwise.
    pub messages: Vec<serde_json::Value>,
    pub commit: Commit,
}

/// One decoded entry: its record and, with [`ReaderSettings::certstream_messages`], its
/// certstream message.
pub(super) type Decoded = (CertificateRecord<'static>, Option<serde_json::Value>);

/// What the DB thread does with a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Commit {
    /// Store its rows with the new position now: the log's tree heads are not verified
    /// (no key for it in the log list).
    Now,
    /// Entries up to `next` hash to a signed root: store what is held for the log and this
    /// batch's rows, with the position and this Merkle frontier, in one transaction.
    Verified(Vec<u8>),
    /// Not verified yet: keep this batch's matches (only those) until a `Verified` batch.
    Hold,
    /// What is held for the log did not verify: drop it; reading resumes at `next`, the
    /// last verified position.
    Discard,
}

/// Per-log figures for the stats line.
#[derive(Debug, Default)]
pub struct LogStats {
    pub next: AtomicU64,
    pub tree_size: AtomicU64,
    pub entries: AtomicU64,
    pub errors: AtomicU64,
    pub malformed: AtomicU64,
    /// Times the log misbehaved (LOG MISBEHAVING: a tree head that did not verify, entries
    /// that did not hash to the signed root).
    pub misbehaving: AtomicU64,
    /// Misbehaviour reports not yet taken by the DB thread (for the notifications).
    reports: Mutex<Vec<String>>,
    /// Entries kept whose chain (`extra_data`, tile fingerprints) could not be read.
    pub bad_chains: AtomicU64,
    pub last_error: Mutex<String>,
    /// Unix milliseconds of the log's last answer that was not an error (a tree head, a
    /// range of entries); 0 = none yet. Stall alarms and metrics read it.
    pub last_success_ms: AtomicU64,
}

impl LogStats {
    /// Count and log an error. A `MISBEHAVING` one (a tree head that does not verify,
    /// entries that do not hash to the signed root) is also counted as such and kept for
    /// the notifications ([`LogStats::take_reports`]).
    pub(super) fn error(&self, log: &CtLog, msg: &str) {
        if msg.contains("MISBEHAVING") {
            self.misbehaving.fetch_add(1, Ordering::Relaxed);
            let mut r = self.reports.lock().unwrap_or_else(|p| p.into_inner());
            // Bounded: a log misbehaving every second while nobody drains keeps the newest.
            if r.len() >= 16 {
                r.remove(0);
            }
            r.push(msg.to_string());
        }
        self.errors.fetch_add(1, Ordering::Relaxed);
        *self.last_error.lock().unwrap_or_else(|p| p.into_inner()) = msg.to_string();
        logging::error(
            "ct",
            &format!("{} ({}): {msg}", log.description, log.shown_url()),
        );
    }

    /// The log just answered a request properly.
    pub(super) fn success(&self) {
        self.last_success_ms
            .store(crate::clock::now_unix_ms(), Ordering::Relaxed);
    }

    /// The misbehaviour reports since the last call.
    pub fn take_reports(&self) -> Vec<String> {
        std::mem::take(&mut *self.reports.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// Why a fetch did not produce a batch.
pub(super) enum FetchError {
    /// 429 or 503, with the server's `Retry-After` when it gave one.
    RateLimited(Option<Duration>),
    /// Network error, timeout, 5xx, garbled or short response: try again later.
    Transient(String),
    /// The entry at this index cannot be decoded, however often we ask.
    Malformed { index: u64, message: String },
}

/// A log's base URL and the HTTP client that reads it, for either protocol.
pub(super) struct Endpoint {
    url: String,
    http: HttpClient,
    /// `MaxQPS` and `Retry-After`, shared by every request to the log.
    pub(super) gate: Gate,
}

impl Endpoint {
    /// `path` under the log's URL, when the log's [`Gate`] lets the request go; a failure
    /// to get any answer is [`FetchError::Transient`].
    pub(super) fn get(&self, path: &str) -> Result<HttpResponse, FetchError> {
        if !self.gate.wait() {
            return Err(FetchError::Transient("stopping".into()));
        }
        let url = format!("{}{}", self.url, path);
        self.http
            .get(&url, BODY_LIMIT)
            .map_err(|e| FetchError::Transient(e.to_string()))
    }
}

/// 200 passes; 429 and 503 are rate limiting (with the server's `Retry-After`); any other
/// status is a transient error naming `what` was asked.
pub(super) fn check_status(resp: &HttpResponse, what: &str) -> Result<(), FetchError> {
    match resp.status {
        200 => Ok(()),
        429 | 503 => Err(FetchError::RateLimited(resp.retry_after)),
        s => Err(FetchError::Transient(format!("{what}: HTTP {s}"))),
    }
}

/// How a log is read: the protocol of its list entry ([`LogKind`]), with the state that
/// protocol keeps between requests.
pub(super) enum Protocol {
    Rfc6962(rfc6962::BatchSize, rfc6962::Buffers),
    StaticCt,
}

/// Reads one log. `next` is the first entry not yet handed over.
pub struct CtLogCursor {
    pub(super) log: Arc<CtLog>,
    pub(super) settings: ReaderSettings,
    pub(super) endpoint: Endpoint,
    pub(super) protocol: Protocol,
    next: Option<u64>,
    pub(super) stats: Arc<LogStats>,
    /// The tree size last reported as shrunk, so the report is not repeated every poll.
    shrink_reported: Option<u64>,
    /// Fewer worker threads than configured could be started (reported once).
    pub(super) few_threads_reported: bool,
    /// The Merkle frontier saved with the position (`CTLogState.Frontier`), until the
    /// audit starts from it.
    saved_frontier: Option<Vec<u8>>,
    /// What was read against what the log signed; `None` until set up, and always when
    /// the log has no key.
    pub(super) audit: Option<LogAudit>,
}

/// How often an undecodable entry is re-fetched before it is skipped (a truncated or
/// garbled response looks the same as a bad entry the first time).
pub(super) const MALFORMED_RETRIES: u32 = 3;

/// The largest position (and tree size) a log can have here: `CTLogState` stores them as
/// SQLite INTEGERs, signed 64-bit.
pub const MAX_POSITION: u64 = i64::MAX as u64;

/// Responses bigger than this are refused (a 1024-entry get-entries is ~5 MB).
const BODY_LIMIT: u64 = 64 << 20;

impl CtLogCursor {
    pub fn new(
        log: Arc<CtLog>,
        saved_next: Option<u64>,
        saved_frontier: Option<Vec<u8>>,
        settings: ReaderSettings,
        stats: Arc<LogStats>,
    ) -> CtLogCursor {
        let endpoint = Endpoint {
            url: log.url.clone(),
            http: HttpClient::new(settings.http_timeout),
            gate: Gate::new(settings.max_qps),
        };
        let protocol = match log.kind {
            LogKind::Rfc6962 => Protocol::Rfc6962(
                rfc6962::BatchSize::new(settings.batch_size),
                rfc6962::Buffers::default(),
            ),
            LogKind::Tiled => Protocol::StaticCt,
        };
        if let Some(n) = saved_next {
            stats.next.store(n, Ordering::Relaxed);
        }
        CtLogCursor {
            log,
            settings,
            endpoint,
            protocol,
            next: saved_next,
            stats,
            shrink_reported: None,
            few_threads_reported: false,
            saved_frontier,
            audit: None,
        }
    }

    /// The log's latest tree head: its size, and the head itself when its signature was
    /// verified with the log's key.
    fn tree_head(&self) -> Result<(u64, Option<SignedTreeHead>), FetchError> {
        let Some(key) = &self.log.key else {
            return self.tree_size().map(|s| (s, None));
        };
        let head = match self.protocol {
            Protocol::Rfc6962(..) => rfc6962::signed_tree_head(&self.endpoint, key)?,
            Protocol::StaticCt => {
                static_ct::signed_tree_head(&self.endpoint, key, &self.log.origin())?
            }
        };
        Ok((position_size(head.tree_size)?, Some(head)))
    }

    /// The Merkle frontier of the first `size` entries when none was saved: empty for 0,
    /// else from the log (an audit path, or hash tiles).
    fn frontier_at(&self, size: u64, head: &SignedTreeHead) -> Result<MerkleFrontier, FetchError> {
        let frontier = match self.protocol {
            Protocol::Rfc6962(..) => rfc6962::frontier_at(&self.endpoint, size, head)?,
            Protocol::StaticCt => {
                static_ct::frontier_from_tiles(&self.endpoint, size, head.tree_size)?
            }
        };
        if size == head.tree_size && frontier.root() != head.root_hash {
            return Err(FetchError::Transient(format!(
                "LOG MISBEHAVING: its hash tiles do not lead to the signed root ({})",
                head.evidence()
            )));
        }
        Ok(frontier)
    }

    /// Start the audit at `next`: from the saved frontier when it is the frontier of
    /// `next` entries, else rebuilt from the log.
    fn start_audit(&mut self, next: u64, head: &SignedTreeHead) -> Result<(), FetchError> {
        let saved = self
            .saved_frontier
            .take()
            .and_then(|b| MerkleFrontier::from_bytes(&b).ok())
            .filter(|f| f.size() == next);
        let frontier = match saved {
            Some(f) => f,
            None => {
                let f = self.frontier_at(next, head)?;
                logging::info(
                    "ct",
                    &format!(
                        "{} ({}): Merkle frontier at entry {next} rebuilt from the log",
                        self.log.description,
                        self.log.shown_url()
                    ),
                );
                f
            }
        };
        self.audit = Some(LogAudit::resume(frontier));
        Ok(())
    }

    /// The log's current size. A size of 2^63 or more cannot be a position: the positions
    /// are SQLite INTEGERs (signed 64-bit), and no real log comes near it, so such an
    /// answer is a misbehaving log, retried like any bad answer, never stored.
    fn tree_size(&self) -> Result<u64, FetchError> {
        position_size(self.reported_size()?)
    }

    fn reported_size(&self) -> Result<u64, FetchError> {
        match self.protocol {
            Protocol::Rfc6962(..) => rfc6962::tree_size(&self.endpoint),
            Protocol::StaticCt => crate::ct::static_ct::tree_size(&self.endpoint),
        }
    }

    /// Follow the log until a stop is requested (or a read-only log is read to its end).
    pub fn run(&mut self, tx: &SyncSender<CtBatch>) {
        let mut backoff = Backoff::new(self.settings.backoff_min, self.settings.backoff_max);
        if self.log.key.is_none() {
            logging::warning(
                "ct",
                &format!(
                    "{} ({}): tree heads NOT VERIFIED: the log list has no key for this log",
                    self.log.description,
                    self.log.shown_url()
                ),
            );
        }
        while !shutdown::requested() {
            let (size, head) = match self.tree_head() {
                Ok(s) => s,
                Err(e) => {
                    if !self.wait_after(e, &mut backoff) {
                        return;
                    }
                    continue;
                }
            };
            self.stats.tree_size.store(size, Ordering::Relaxed);
            self.stats.success();
            let next = match self.next {
                Some(n) => n,
                None => {
                    let n = match self.settings.start_at {
                        StartAt::End => size,
                        StartAt::Beginning => 0,
                    };
                    let commit = match &head {
                        None => Commit::Now,
                        Some(h) => match self.start_audit(n, h) {
                            Ok(()) => Commit::Verified(
                                self.audit
                                    .as_ref()
                                    .map(LogAudit::frontier_bytes)
                                    .unwrap_or_default(),
                            ),
                            Err(e) => {
                                if !self.wait_after(e, &mut backoff) {
                                    return;
                                }
                                continue;
                            }
                        },
                    };
                    logging::info(
                        "ct",
                        &format!(
                            "{} ({}): first run, starting at entry {n} of {size}",
                            self.log.description,
                            self.log.shown_url()
                        ),
                    );
                    // Persist the starting point now, or a restart would jump to the new end.
                    if !self.hand_over(tx, n, n, size, Vec::new(), commit) {
                        return;
                    }
                    n
                }
            };
            if let Some(h) = &head {
                if self.audit.is_none() && size >= next {
                    if let Err(e) = self.start_audit(next, h) {
                        if !self.wait_after(e, &mut backoff) {
                            return;
                        }
                        continue;
                    }
                }
            }
            if size < next {
                if self.shrink_reported != Some(size) {
                    self.shrink_reported = Some(size);
                    self.stats.error(&self.log, &format!("LOG SHRANK: tree size {size} is below our position {next}; not reading it until it grows past {next}"));
                }
                if !shutdown::sleep(self.settings.poll_interval) {
                    return;
                }
                continue;
            }
            self.shrink_reported = None;
            if size == next {
                if self.log.final_tree_size.is_some_and(|f| next >= f) {
                    logging::info(
                        "ct",
                        &format!(
                            "{}: read-only log read to its final size {next}; done",
                            self.log.description
                        ),
                    );
                    return;
                }
                if !shutdown::sleep(self.settings.poll_interval) {
                    return;
                }
                continue;
            }
            // Catch up to `size`, with up to `Workers` requests in flight.
            match self.catch_up(tx, next, size, head, &mut backoff) {
                Some(n) => {
                    self.next = Some(n);
                }
                None => return,
            }
        }
    }

    fn hand_over(
        &mut self,
        tx: &SyncSender<CtBatch>,
        start: u64,
        next: u64,
        tree_size: u64,
        records: Vec<Decoded>,
        commit: Commit,
    ) -> bool {
        self.next = Some(next);
        send_batch(
            tx,
            &self.log,
            &self.stats,
            (start, next, tree_size),
            records,
            commit,
        )
    }

    /// Log a failed request and sleep: `Retry-After` when given, else exponential backoff.
    fn wait_after(&self, e: FetchError, backoff: &mut Backoff) -> bool {
        let delay = delay_after(&self.log, &self.stats, &self.endpoint.gate, e, backoff);
        shutdown::sleep(delay)
    }
}

/// `size` when it can be a position (below 2^63, see [`MAX_POSITION`]); a larger tree
/// size, signed or not, is a misbehaving log.
fn position_size(size: u64) -> Result<u64, FetchError> {
    if size > MAX_POSITION {
        return Err(FetchError::Transient(format!(
            "MISBEHAVING LOG: tree size {size} cannot be a position (the limit is {MAX_POSITION}); keeping our position"
        )));
    }
    Ok(size)
}

/// Log a failed request; the delay before the next one (`Retry-After` when given, else
/// exponential backoff). A rate limit pauses every request to the log (`gate`), workers
/// included.
pub(super) fn delay_after(
    log: &CtLog,
    stats: &LogStats,
    gate: &Gate,
    e: FetchError,
    backoff: &mut Backoff,
) -> Duration {
    match e {
        FetchError::RateLimited(retry_after) => {
            let d = retry_after.unwrap_or_else(|| backoff.next_delay());
            stats.error(
                log,
                &format!("rate limited; retrying in {:.1} s", d.as_secs_f64()),
            );
            gate.pause(d);
            d
        }
        FetchError::Transient(m) | FetchError::Malformed { message: m, .. } => {
            let d = backoff.next_delay();
            stats.error(log, &format!("{m}; retrying in {:.1} s", d.as_secs_f64()));
            d
        }
    }
}

/// Hand entries `[start, next)` to the DB thread; `false` when it is gone.
pub(super) fn send_batch(
    tx: &SyncSender<CtBatch>,
    log: &Arc<CtLog>,
    stats: &LogStats,
    (start, next, tree_size): (u64, u64, u64),
    decoded: Vec<Decoded>,
    commit: Commit,
) -> bool {
    stats.next.store(next, Ordering::Relaxed);
    let mut records = Vec::with_capacity(decoded.len());
    let mut messages = Vec::new();
    for (record, message) in decoded {
        records.push(record);
        messages.extend(message);
    }
    tx.send(CtBatch {
        log: log.clone(),
        start,
        next,
        tree_size,
        records,
        messages,
        commit,
    })
    .is_ok()
}

/// A decoded entry → record (and certstream message when `messages`); a certificate that
/// cannot be read at all is logged and skipped.
pub(super) fn record(
    (log, label): (&CtLog, &std::sync::Arc<CtLogLabel>),
    stats: &LogStats,
    (index, messages): (u64, bool),
    entry: &LogEntry<'_>,
) -> Option<Decoded> {
    let decoded = if messages {
        certstream_message::record_and_update(entry, label, index, seen_now())
            .map(|(r, m)| (r, Some(m)))
    } else {
        entry::record_from_entry(entry).map(|r| (r, None))
    };
    match decoded {
        Ok(((mut record, warnings, lossy), message)) => {
            record.ct_source = Some(CtSource {
                log: label.clone(),
                index,
            });
            if let Some(why) = &entry.chain_error {
                let n = stats.bad_chains.fetch_add(1, Ordering::Relaxed) + 1;
                // Counted always; logged for the first ones, then every thousandth.
                if n <= 20 || n.is_multiple_of(1000) {
                    logging::warning(
                        "ct",
                        &format!(
                            "{} ({}) entry {index}: BAD CHAIN ({why}); certificate kept, its names come from the leaf (bad chain #{n} of this log)",
                            log.description,
                            log.shown_url()
                        ),
                    );
                }
            }
            if lossy {
                logging::warning(
                    "ct",
                    &format!(
                        "{} entry {index}: names not valid UTF-8, kept lossily",
                        log.description
                    ),
                );
            }
            if !warnings.is_empty() && logging::enabled(logging::DEBUG) {
                logging::debug(
                    "ct",
                    &format!("{} entry {index}: {}", log.description, warnings.join("; ")),
                );
            }
            Some((record, message))
        }
        Err(e) => {
            stats.malformed.fetch_add(1, Ordering::Relaxed);
            logging::error(
                "ct",
                &format!(
                    "MALFORMED ENTRY {} ({}) index {index}: {e}; skipped",
                    log.description,
                    log.shown_url()
                ),
            );
            None
        }
    }
}

/// Now as Unix seconds (certstream's `seen`).
fn seen_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

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
//! `static_ct.rs`.

use crate::backoff::Backoff;
use crate::certificate::CertificateRecord;
use crate::ct::entry::{self, LogEntry};
use crate::ct::loglist::{CtLog, LogKind};
use crate::ct::{rfc6962, static_ct};
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
}

/// Per-log figures for the stats line.
#[derive(Debug, Default)]
pub struct LogStats {
    pub next: AtomicU64,
    pub tree_size: AtomicU64,
    pub entries: AtomicU64,
    pub errors: AtomicU64,
    pub malformed: AtomicU64,
    /// Entries kept whose chain (`extra_data`, tile fingerprints) could not be read.
    pub bad_chains: AtomicU64,
    pub last_error: Mutex<String>,
}

impl LogStats {
    fn error(&self, log: &CtLog, msg: &str) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        *self.last_error.lock().unwrap_or_else(|p| p.into_inner()) = msg.to_string();
        logging::error(
            "ct",
            &format!("{} ({}): {msg}", log.description, log.shown_url()),
        );
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
}

impl Endpoint {
    /// `path` under the log's URL; a failure to get any answer is [`FetchError::Transient`].
    pub(super) fn get(&self, path: &str) -> Result<HttpResponse, FetchError> {
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
enum Protocol {
    Rfc6962(rfc6962::GetEntries),
    StaticCt,
}

/// Reads one log. `next` is the first entry not yet handed over.
pub struct CtLogCursor {
    log: Arc<CtLog>,
    settings: ReaderSettings,
    endpoint: Endpoint,
    protocol: Protocol,
    next: Option<u64>,
    stats: Arc<LogStats>,
    /// Consecutive failures to decode the entry at this index.
    malformed_at: Option<(u64, u32)>,
    /// The tree size last reported as shrunk, so the report is not repeated every poll.
    shrink_reported: Option<u64>,
}

/// How often an undecodable entry is re-fetched before it is skipped (a truncated or
/// garbled response looks the same as a bad entry the first time).
const MALFORMED_RETRIES: u32 = 3;

/// The largest position (and tree size) a log can have here: `CTLogState` stores them as
/// SQLite INTEGERs, signed 64-bit.
pub const MAX_POSITION: u64 = i64::MAX as u64;

/// Responses bigger than this are refused (a 1024-entry get-entries is ~5 MB).
const BODY_LIMIT: u64 = 64 << 20;

impl CtLogCursor {
    pub fn new(
        log: Arc<CtLog>,
        saved_next: Option<u64>,
        settings: ReaderSettings,
        stats: Arc<LogStats>,
    ) -> CtLogCursor {
        let endpoint = Endpoint {
            url: log.url.clone(),
            http: HttpClient::new(settings.http_timeout),
        };
        let protocol = match log.kind {
            LogKind::Rfc6962 => Protocol::Rfc6962(rfc6962::GetEntries::new(settings.batch_size)),
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
            malformed_at: None,
            shrink_reported: None,
        }
    }

    /// The log's current size. A size of 2^63 or more cannot be a position: the positions
    /// are SQLite INTEGERs (signed 64-bit), and no real log comes near it, so such an
    /// answer is a misbehaving log, retried like any bad answer, never stored.
    fn tree_size(&self) -> Result<u64, FetchError> {
        let size = self.reported_size()?;
        if size > MAX_POSITION {
            return Err(FetchError::Transient(format!(
                "MISBEHAVING LOG: tree size {size} cannot be a position (the limit is {MAX_POSITION}); keeping our position"
            )));
        }
        Ok(size)
    }

    fn reported_size(&self) -> Result<u64, FetchError> {
        match self.protocol {
            Protocol::Rfc6962(_) => rfc6962::tree_size(&self.endpoint),
            Protocol::StaticCt => static_ct::tree_size(&self.endpoint),
        }
    }

    /// Download and decode entries from `next` (exclusive of `size`): the records and the new `next`.
    fn fetch(
        &mut self,
        next: u64,
        size: u64,
    ) -> Result<(Vec<CertificateRecord<'static>>, u64), FetchError> {
        let (log, stats) = (&self.log, &self.stats);
        let record = |index: u64, entry: &LogEntry<'_>| record(log, stats, index, entry);
        match &mut self.protocol {
            Protocol::Rfc6962(get_entries) => get_entries.fetch(&self.endpoint, next, size, record),
            Protocol::StaticCt => static_ct::fetch(&self.endpoint, next, size, record),
        }
    }

    /// Follow the log until a stop is requested (or a read-only log is read to its end).
    pub fn run(&mut self, tx: &SyncSender<CtBatch>) {
        let mut backoff = Backoff::new(self.settings.backoff_min, self.settings.backoff_max);
        while !shutdown::requested() {
            let size = match self.tree_size() {
                Ok(s) => s,
                Err(e) => {
                    if !self.wait_after(e, &mut backoff) {
                        return;
                    }
                    continue;
                }
            };
            self.stats.tree_size.store(size, Ordering::Relaxed);
            let next = match self.next {
                Some(n) => n,
                None => {
                    let n = match self.settings.start_at {
                        StartAt::End => size,
                        StartAt::Beginning => 0,
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
                    if !self.hand_over(tx, n, n, size, Vec::new()) {
                        return;
                    }
                    n
                }
            };
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
            // Catch up to `size`, batch after batch.
            let mut pos = next;
            while pos < size && !shutdown::requested() {
                match self.fetch(pos, size) {
                    Ok((records, new_next)) => {
                        backoff.reset();
                        self.malformed_at = None;
                        self.stats
                            .entries
                            .fetch_add(new_next - pos, Ordering::Relaxed);
                        if !self.hand_over(tx, pos, new_next, size, records) {
                            return;
                        }
                        pos = new_next;
                    }
                    Err(FetchError::Malformed { index, message }) => {
                        let tries = match self.malformed_at {
                            Some((i, n)) if i == index => n + 1,
                            _ => 1,
                        };
                        self.malformed_at = Some((index, tries));
                        if tries < MALFORMED_RETRIES {
                            if !self.wait_after(
                                FetchError::Transient(format!("entry {index}: {message}")),
                                &mut backoff,
                            ) {
                                return;
                            }
                            continue;
                        }
                        // Deterministically bad: skip it (the whole tile for tiled logs), loudly.
                        let skip_to = match self.protocol {
                            Protocol::Rfc6962(_) => index + 1,
                            Protocol::StaticCt => static_ct::skip_past(index, size),
                        };
                        self.stats
                            .malformed
                            .fetch_add(skip_to - index, Ordering::Relaxed);
                        self.stats.error(&self.log, &format!("MALFORMED ENTRIES {index}..{skip_to} skipped after {tries} tries: {message}"));
                        self.malformed_at = None;
                        if !self.hand_over(tx, pos, skip_to, size, Vec::new()) {
                            return;
                        }
                        pos = skip_to;
                    }
                    Err(e) => {
                        if !self.wait_after(e, &mut backoff) {
                            return;
                        }
                    }
                }
            }
        }
    }

    fn hand_over(
        &mut self,
        tx: &SyncSender<CtBatch>,
        start: u64,
        next: u64,
        tree_size: u64,
        records: Vec<CertificateRecord<'static>>,
    ) -> bool {
        self.next = Some(next);
        self.stats.next.store(next, Ordering::Relaxed);
        tx.send(CtBatch {
            log: self.log.clone(),
            start,
            next,
            tree_size,
            records,
        })
        .is_ok()
    }

    /// Log a failed request and sleep: `Retry-After` when given, else exponential backoff.
    fn wait_after(&self, e: FetchError, backoff: &mut Backoff) -> bool {
        let delay = match e {
            FetchError::RateLimited(retry_after) => {
                let d = retry_after.unwrap_or_else(|| backoff.next_delay());
                self.stats.error(
                    &self.log,
                    &format!("rate limited; retrying in {:.1} s", d.as_secs_f64()),
                );
                d
            }
            FetchError::Transient(m) | FetchError::Malformed { message: m, .. } => {
                let d = backoff.next_delay();
                self.stats.error(
                    &self.log,
                    &format!("{m}; retrying in {:.1} s", d.as_secs_f64()),
                );
                d
            }
        };
        shutdown::sleep(delay)
    }
}

/// A decoded entry → record; a certificate that cannot be read at all is logged and skipped.
fn record(
    log: &CtLog,
    stats: &LogStats,
    index: u64,
    entry: &LogEntry<'_>,
) -> Option<CertificateRecord<'static>> {
    match entry::record_from_entry(entry) {
        Ok((record, warnings, lossy)) => {
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
            Some(record)
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

//! Catching up with one log: several requests in flight (`[CTLOGS] Workers`), at most
//! `MaxQPS` requests a second, batches handed over strictly in order.
//!
//! The backlog `[next, size)` is cut into disjoint aligned ranges (a multiple of the batch
//! size for `get-entries`, RFC 6962 §4.6; one data tile for static-ct-api logs). Up to
//! `Workers` threads download ranges; the reader thread reassembles their answers and hands
//! each contiguous batch `[start, next)` to the DB thread in log order, so `CTLogState`
//! still advances only over a contiguous prefix committed with its rows. A range answered
//! short is asked again for the rest; a failed one is asked again after a pause shared by
//! every worker of the log. At most `Workers` ranges are in flight or waiting to be handed
//! over, so memory stays bounded whatever the log does. When the system refuses a thread,
//! the log is read with the threads it got (none: on the reader thread itself).

use crate::backoff::Backoff;
use crate::ct::audit::AuditStep;
use crate::ct::entry::LogEntry;
use crate::ct::loglist::LogKind;
use crate::ct::merkle::Hash;
use crate::ct::reader::{
    delay_after, record, send_batch, Commit, CtBatch, CtLogCursor, Decoded, Endpoint, FetchError,
    Protocol, MALFORMED_RETRIES,
};
use crate::ct::signature::SignedTreeHead;
use crate::ct::{rfc6962, static_ct};
use crate::logging;
use crate::shutdown;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, RecvTimeoutError, SyncSender};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most requests in flight per log (`[CTLOGS] Workers`).
pub const MAX_WORKERS: usize = 64;

/// Default `Workers`: RFC 6962 logs answer each `get-entries` slowly, tiled logs serve
/// static files from a CDN.
pub fn default_workers(kind: LogKind) -> usize {
    match kind {
        LogKind::Rfc6962 => 4,
        LogKind::Tiled => 1,
    }
}

/// When the next request to a log may go: `MaxQPS` as a token bucket holding one token
/// (requests at least 1/MaxQPS seconds apart, whichever worker sends them), and a pause
/// after a rate limit (`Retry-After`) or error that holds every worker of the log.
pub(super) struct Gate {
    interval: Option<Duration>,
    state: Mutex<GateState>,
}

struct GateState {
    /// The earliest time the next request may start (`MaxQPS`).
    next_slot: Instant,
    /// No request before this (a rate limit or backoff).
    paused_until: Instant,
}

impl Gate {
    /// `max_qps`: requests per second; `None` (or not a positive number) is unlimited.
    pub(super) fn new(max_qps: Option<f64>) -> Gate {
        let interval = max_qps
            .filter(|q| q.is_finite() && *q > 0.0)
            .map(|q| Duration::from_secs_f64(1.0 / q));
        let now = Instant::now();
        Gate {
            interval,
            state: Mutex::new(GateState {
                next_slot: now,
                paused_until: now,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// No request to the log for `d` from now.
    pub(super) fn pause(&self, d: Duration) {
        let until = Instant::now() + d;
        let mut st = self.lock();
        st.paused_until = st.paused_until.max(until);
    }

    /// Wait for this request's turn; `false` when a stop was requested meanwhile.
    pub(super) fn wait(&self) -> bool {
        loop {
            let now = Instant::now();
            let at = {
                let mut st = self.lock();
                let mut at = now.max(st.paused_until);
                if let Some(iv) = self.interval {
                    at = at.max(st.next_slot);
                    st.next_slot = at + iv;
                }
                at
            };
            if at > now && !shutdown::sleep(at - now) {
                return false;
            }
            if shutdown::requested() {
                return false;
            }
            // A pause that began while this request waited for its slot holds it too.
            if self.lock().paused_until <= Instant::now() {
                return true;
            }
        }
    }
}

/// What a download of `[start, end)` gave: the records, the new `next` (below `end` when
/// the log answered short), how many entries the log answered, and the Merkle leaf hash of
/// each entry up to `next` when the log's tree heads are verified.
type Downloaded = (Vec<Decoded>, u64, u64, Option<Vec<Hash>>);

/// One range and what came of it.
struct Outcome {
    start: u64,
    end: u64,
    result: Result<Downloaded, FetchError>,
}

/// Download and decode `[start, end)` of a log (one aligned range).
fn download(
    cursor: (
        &Endpoint,
        &crate::ct::loglist::CtLog,
        &crate::ct::reader::LogStats,
    ),
    buffers: &mut rfc6962::Buffers,
    (tiled, verify, messages): (bool, bool, bool),
    start: u64,
    end: u64,
) -> Result<Downloaded, FetchError> {
    let (endpoint, log, stats) = cursor;
    // One label per range, shared by its records (`monitor --json` shows it).
    let label = std::sync::Arc::new(crate::certificate::CtLogLabel {
        description: log.description.clone(),
        url: log.shown_url().into_owned(),
    });
    let record =
        |index: u64, entry: &LogEntry<'_>| record((log, &label), stats, (index, messages), entry);
    let mut hashes = verify.then(Vec::new);
    let (records, n, answered) = if tiled {
        static_ct::fetch(endpoint, start, end, record, hashes.as_mut()).map(|(r, n)| (r, n, 0))?
    } else {
        buffers.fetch(endpoint, start, end, record, hashes.as_mut())?
    };
    Ok((records, n, answered, hashes))
}

/// How a catch-up ended.
enum Rewound {
    /// Read to the size asked.
    Done,
    /// A stop was requested, or the DB thread is gone.
    Stop,
    /// The log misbehaved: reading resumes at this verified position.
    To(u64),
}

/// A range ready to hand over: its new `next`, records and leaf hashes.
type Finished = (u64, Vec<Decoded>, Option<Vec<Hash>>);

/// Insert `range` into `pending`, kept sorted by start.
fn insert_sorted(pending: &mut Vec<(u64, u64)>, range: (u64, u64)) {
    let i = pending.partition_point(|r| r.0 < range.0);
    pending.insert(i, range);
}

/// The reassembly of one catch-up: what is handed over, what waits, what is asked again.
struct Reassembly {
    /// The first entry not handed over yet.
    pos: u64,
    /// The first entry not yet in any range.
    fresh: u64,
    size: u64,
    /// Ranges to ask (again), sorted by start; all below `fresh`.
    pending: Vec<(u64, u64)>,
    /// Downloaded ranges waiting for the ones before them: start → (next, records, leaf
    /// hashes; `None` for entries skipped as malformed, which cannot be hashed).
    done: BTreeMap<u64, Finished>,
    /// Consecutive failures to decode the entry at an index (at most one per range).
    malformed: BTreeMap<u64, u32>,
}

impl CtLogCursor {
    /// Read `[next, size)` and hand it over in order. `Some(size)` when done; `None` when a
    /// stop was requested or the DB thread is gone (what was not handed over is read again
    /// after a restart).
    pub(super) fn catch_up(
        &mut self,
        tx: &SyncSender<CtBatch>,
        next: u64,
        size: u64,
        head: Option<SignedTreeHead>,
        backoff: &mut Backoff,
    ) -> Option<u64> {
        let configured = self
            .settings
            .workers
            .unwrap_or_else(|| default_workers(self.log.kind))
            .clamp(1, MAX_WORKERS);
        let messages = self.settings.certstream_messages;
        let CtLogCursor {
            log,
            endpoint,
            protocol,
            stats,
            few_threads_reported,
            audit,
            ..
        } = self;
        // Verified reading: the audit judges what is handed over at the signed head.
        let mut audit = audit.as_mut().filter(|_| head.is_some());
        let verify = audit.is_some();
        let (log, endpoint, stats) = (&*log, &*endpoint, &**stats);
        let (mut batch, buffers) = match protocol {
            Protocol::Rfc6962(batch, buffers) => (Some(batch), buffers),
            Protocol::StaticCt => (None, &mut rfc6962::Buffers::default()),
        };
        let tiled = batch.is_none();
        let range_end = |batch: &Option<&mut rfc6962::BatchSize>, start: u64| match batch {
            Some(b) => b.range_end(start, size),
            None => static_ct::skip_past(start, size),
        };
        // No more threads than ranges to read.
        let unit = range_end(&batch, 0).max(1);
        let ranges = (size - next).div_ceil(unit) + 1;
        let wanted = (configured as u64).min(ranges) as usize;
        let shared = (endpoint, &**log, stats);
        let mut r = Reassembly {
            pos: next,
            fresh: next,
            size,
            pending: Vec::new(),
            done: BTreeMap::new(),
            malformed: BTreeMap::new(),
        };
        let (job_tx, job_rx) = mpsc::channel::<(u64, u64)>();
        let job_rx = Mutex::new(job_rx);
        let (out_tx, out_rx) = mpsc::channel::<Outcome>();
        match std::thread::scope(|scope| {
            // Dropped when this closure returns: the workers end after their request.
            let job_tx = job_tx;
            let mut spawned = 0;
            if wanted > 1 {
                for i in 0..wanted {
                    let (job_rx, out_tx) = (&job_rx, out_tx.clone());
                    let name: String = format!("ct{i} {}", log.description)
                        .chars()
                        .take(60)
                        .collect();
                    let worker = move || {
                        let mut buffers = rfc6962::Buffers::default();
                        loop {
                            let job = match job_rx.lock() {
                                Ok(rx) => rx.recv(),
                                Err(_) => return,
                            };
                            let Ok((start, end)) = job else { return };
                            let result = download(
                                shared,
                                &mut buffers,
                                (tiled, verify, messages),
                                start,
                                end,
                            );
                            if out_tx.send(Outcome { start, end, result }).is_err() {
                                return;
                            }
                        }
                    };
                    match std::thread::Builder::new()
                        .name(name)
                        .spawn_scoped(scope, worker)
                    {
                        Ok(_) => spawned += 1,
                        Err(e) => {
                            if !*few_threads_reported {
                                *few_threads_reported = true;
                                logging::warning(
                                    "ct",
                                    &format!(
                                        "{} ({}): cannot start worker thread {} of {wanted} ({e}); reading with {}",
                                        log.description,
                                        log.shown_url(),
                                        i + 1,
                                        spawned.max(1)
                                    ),
                                );
                            }
                            break;
                        }
                    }
                }
            }
            drop(out_tx);
            let slots = spawned.max(1);
            let mut in_flight = 0usize;
            loop {
                // Hand over what is contiguous with the position.
                while let Some((n, records, hashes)) = r.done.remove(&r.pos) {
                    let commit = match (audit.as_deref_mut(), &head) {
                        (Some(a), Some(h)) => {
                            let absorbed = match hashes {
                                Some(hs) => a.absorb(&hs),
                                None => Err(format!(
                                    "entries {}..{n} were skipped as malformed and cannot be hashed",
                                    r.pos
                                )),
                            };
                            let step = absorbed.map(|()| {
                                if n == size {
                                    a.check(h)
                                } else if a.step_due() {
                                    // A long catch-up is verified (and committed) in steps:
                                    // a consistency proof (RFC 6962) or the hash tiles of
                                    // the rest of the tree (static-ct-api) to the signed head.
                                    // A failed request only postpones the step.
                                    if tiled {
                                        match static_ct::extend_with_tiles(
                                            endpoint,
                                            a.read_frontier(),
                                            size,
                                        ) {
                                            Ok(f) => a.check_extended(h, &f),
                                            Err(_) => {
                                                a.step_failed();
                                                AuditStep::Pending
                                            }
                                        }
                                    } else {
                                        match rfc6962::consistency_proof(endpoint, n, size) {
                                            Ok(proof) => a.check_consistent(h, &proof),
                                            Err(_) => {
                                                a.step_failed();
                                                AuditStep::Pending
                                            }
                                        }
                                    }
                                } else {
                                    AuditStep::Pending
                                }
                            });
                            match step {
                                Ok(AuditStep::Pending) => Commit::Hold,
                                Ok(AuditStep::Verified { frontier, .. }) => {
                                    Commit::Verified(frontier)
                                }
                                Ok(AuditStep::Mismatch { evidence }) | Err(evidence) => {
                                    let verified = a.verified_size();
                                    a.rewind();
                                    stats.error(log, &format!("LOG MISBEHAVING: {evidence}; nothing past entry {verified} is committed, reading again from there"));
                                    let discard = send_batch(
                                        tx,
                                        log,
                                        stats,
                                        (verified, verified, size),
                                        Vec::new(),
                                        Commit::Discard,
                                    );
                                    return if discard {
                                        Rewound::To(verified)
                                    } else {
                                        Rewound::Stop
                                    };
                                }
                            }
                        }
                        _ => Commit::Now,
                    };
                    if !send_batch(tx, log, stats, (r.pos, n, size), records, commit) {
                        return Rewound::Stop;
                    }
                    r.pos = n;
                }
                if r.pos >= size {
                    return Rewound::Done;
                }
                if shutdown::requested() {
                    return Rewound::Stop;
                }
                // Ask for more while there is room: at most `slots` ranges in flight or
                // waiting; the range at the position always goes (it unblocks the others).
                while in_flight < slots {
                    let head = r.pending.first().map_or(r.fresh, |p| p.0);
                    if head >= size || (in_flight + r.done.len() >= slots && head != r.pos) {
                        break;
                    }
                    let job = if r.pending.is_empty() {
                        let end = range_end(&batch, r.fresh);
                        let job = (r.fresh, end);
                        r.fresh = end;
                        job
                    } else {
                        r.pending.remove(0)
                    };
                    if spawned == 0 {
                        // No worker thread: read on this one, one range at a time.
                        let result =
                            download(shared, buffers, (tiled, verify, messages), job.0, job.1);
                        let o = Outcome {
                            start: job.0,
                            end: job.1,
                            result,
                        };
                        r.settle(o, &mut batch, shared, backoff);
                        break;
                    }
                    if job_tx.send(job).is_err() {
                        return Rewound::Stop;
                    }
                    in_flight += 1;
                }
                if spawned > 0 {
                    match out_rx.recv_timeout(Duration::from_millis(100)) {
                        Ok(o) => {
                            in_flight -= 1;
                            r.settle(o, &mut batch, shared, backoff);
                        }
                        Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => return Rewound::Stop,
                    }
                }
            }
        }) {
            Rewound::Done => Some(r.pos),
            Rewound::Stop => None,
            Rewound::To(verified) => {
                // A misbehaving log is asked again only after a pause.
                let d = backoff.next_delay();
                shutdown::sleep(d).then_some(verified)
            }
        }
    }
}

impl Reassembly {
    /// Take in what came of one range.
    fn settle(
        &mut self,
        o: Outcome,
        batch: &mut Option<&mut rfc6962::BatchSize>,
        shared: (
            &Endpoint,
            &crate::ct::loglist::CtLog,
            &crate::ct::reader::LogStats,
        ),
        backoff: &mut Backoff,
    ) {
        let (endpoint, log, stats) = shared;
        let Outcome { start, end, result } = o;
        match result {
            Ok((records, n, answered, hashes)) => {
                backoff.reset();
                if let Some(b) = batch {
                    b.observe(end - start, answered);
                }
                self.malformed.remove(&start);
                stats.entries.fetch_add(n - start, Ordering::Relaxed);
                stats.success();
                self.done.insert(start, (n, records, hashes));
                // A short answer: the rest of the range is asked again, cut to the batch
                // size the log just showed (several workers can share it).
                let mut rest = n;
                while rest < end {
                    let cut = batch.as_ref().map_or(end, |b| b.range_end(rest, end));
                    insert_sorted(&mut self.pending, (rest, cut));
                    rest = cut;
                }
            }
            Err(FetchError::Malformed { index, message }) if index == start => {
                let tries = self.malformed.get(&index).copied().unwrap_or(0) + 1;
                if tries < MALFORMED_RETRIES {
                    self.malformed.insert(index, tries);
                    if !shutdown::requested() {
                        let e = FetchError::Transient(format!("entry {index}: {message}"));
                        let d = delay_after(log, stats, &endpoint.gate, e, backoff);
                        endpoint.gate.pause(d);
                    }
                    insert_sorted(&mut self.pending, (start, end));
                    return;
                }
                // Deterministically bad: skip it (the whole tile for tiled logs), loudly.
                self.malformed.remove(&index);
                let skip_to = match batch {
                    Some(_) => index + 1,
                    None => static_ct::skip_past(index, self.size),
                }
                .clamp(index + 1, end);
                stats
                    .malformed
                    .fetch_add(skip_to - index, Ordering::Relaxed);
                stats.error(
                    log,
                    &format!("MALFORMED ENTRIES {index}..{skip_to} skipped after {tries} tries: {message}"),
                );
                self.done.insert(start, (skip_to, Vec::new(), None));
                if skip_to < end {
                    insert_sorted(&mut self.pending, (skip_to, end));
                }
            }
            Err(e) => {
                if !shutdown::requested() {
                    let d = delay_after(log, stats, &endpoint.gate, e, backoff);
                    endpoint.gate.pause(d);
                }
                insert_sorted(&mut self.pending, (start, end));
            }
        }
    }
}

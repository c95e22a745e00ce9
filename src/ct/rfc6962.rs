//! Reading an RFC 6962 log: `get-sth` for the tree size (RFC 6962 §4.3), `get-entries`
//! for the entries (§4.6), and the batch size a log that caps its answers is asked for.

use crate::ct::entry::{self, EntryError, LogEntry};
use crate::ct::merkle::{self, Hash, MerkleFrontier};
use crate::ct::reader::{check_status, Endpoint, FetchError};
use crate::ct::signature::{self, LogKey, SignedTreeHead};
use crate::net::base64;
use serde::Deserialize;

#[derive(Deserialize)]
struct Sth {
    tree_size: u64,
}

#[derive(Deserialize)]
struct Entries<'a> {
    #[serde(borrow)]
    entries: Vec<RawEntry<'a>>,
}

#[derive(Deserialize)]
struct RawEntry<'a> {
    #[serde(borrow)]
    leaf_input: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    extra_data: std::borrow::Cow<'a, str>,
}

/// The size of the log's latest signed tree head, as the log reports it.
pub(super) fn tree_size(log: &Endpoint) -> Result<u64, FetchError> {
    let resp = log.get("ct/v1/get-sth")?;
    check_status(&resp, "get-sth")?;
    let sth: Sth = serde_json::from_slice(&resp.body)
        .map_err(|e| FetchError::Transient(format!("get-sth: invalid response: {e}")))?;
    Ok(sth.tree_size)
}

/// The log's latest tree head with its signature verified under `key` (RFC 6962 §3.5,
/// §4.3). A bad signature is an error that names the log as misbehaving; the position is
/// kept.
pub(super) fn signed_tree_head(log: &Endpoint, key: &LogKey) -> Result<SignedTreeHead, FetchError> {
    let resp = log.get("ct/v1/get-sth")?;
    check_status(&resp, "get-sth")?;
    signature::verify_sth(key, &resp.body)
        .map_err(|e| FetchError::Transient(format!("LOG MISBEHAVING: get-sth not verified: {e}")))
}

#[derive(Deserialize)]
struct EntryAndProof<'a> {
    #[serde(borrow)]
    leaf_input: std::borrow::Cow<'a, str>,
    audit_path: Vec<String>,
}

#[derive(Deserialize)]
struct Consistency {
    consistency: Vec<String>,
}

fn hashes_of(list: &[String], what: &str) -> Result<Vec<Hash>, FetchError> {
    if list.len() > merkle::MAX_PROOF_LEN {
        return Err(FetchError::Transient(format!(
            "{what}: {} hashes",
            list.len()
        )));
    }
    list.iter()
        .map(|h| {
            base64::decode(h.as_bytes())
                .ok()
                .and_then(|b| <Hash>::try_from(b.as_slice()).ok())
                .ok_or_else(|| {
                    FetchError::Transient(format!("{what}: a hash is not 32 bytes of base64"))
                })
        })
        .collect()
}

/// The Merkle frontier of the first `size` entries, for a log whose reading starts (or
/// resumes without a saved frontier) at `size`: the audit path of entry `size - 1` in the
/// tree of `size` (`get-entry-and-proof`, RFC 6962 §4.8) holds its perfect subtrees'
/// roots. When `size` is the signed head's size the root is checked against it; below it,
/// a consistency proof to the signed head (`get-sth-consistency`, §4.4) proves it.
pub(super) fn frontier_at(
    log: &Endpoint,
    size: u64,
    head: &SignedTreeHead,
) -> Result<MerkleFrontier, FetchError> {
    if size == 0 {
        return Ok(MerkleFrontier::new());
    }
    let bad =
        |what: &str, e: String| FetchError::Transient(format!("LOG MISBEHAVING: {what}: {e}"));
    let resp = log.get(&format!(
        "ct/v1/get-entry-and-proof?leaf_index={}&tree_size={size}",
        size - 1
    ))?;
    check_status(&resp, "get-entry-and-proof")?;
    let answer: EntryAndProof<'_> = serde_json::from_slice(&resp.body).map_err(|e| {
        FetchError::Transient(format!("get-entry-and-proof: invalid response: {e}"))
    })?;
    let leaf = base64::decode(answer.leaf_input.as_bytes()).map_err(|e| {
        FetchError::Transient(format!("get-entry-and-proof: leaf_input base64: {e}"))
    })?;
    let path = hashes_of(&answer.audit_path, "get-entry-and-proof")?;
    let frontier = MerkleFrontier::from_last_leaf_path(size, merkle::leaf_hash(&leaf), &path)
        .map_err(|e| bad("get-entry-and-proof", e))?;
    if size == head.tree_size {
        if frontier.root() != head.root_hash {
            return Err(bad(
                "get-entry-and-proof",
                format!(
                    "the proof of entry {} does not lead to the signed root ({})",
                    size - 1,
                    head.evidence()
                ),
            ));
        }
        return Ok(frontier);
    }
    let proof = consistency_proof(log, size, head.tree_size)?;
    merkle::verify_consistency(
        size,
        &frontier.root(),
        head.tree_size,
        &head.root_hash,
        &proof,
    )
    .map_err(|e| bad("get-sth-consistency", e))?;
    Ok(frontier)
}

/// The log's proof that its tree of `second` entries extends its tree of `first`
/// (`get-sth-consistency`, RFC 6962 §4.4), as hashes; checking it is the caller's.
pub(super) fn consistency_proof(
    log: &Endpoint,
    first: u64,
    second: u64,
) -> Result<Vec<Hash>, FetchError> {
    let resp = log.get(&format!(
        "ct/v1/get-sth-consistency?first={first}&second={second}"
    ))?;
    check_status(&resp, "get-sth-consistency")?;
    let proof: Consistency = serde_json::from_slice(&resp.body).map_err(|e| {
        FetchError::Transient(format!("get-sth-consistency: invalid response: {e}"))
    })?;
    hashes_of(&proof.consistency, "get-sth-consistency")
}

/// How many entries one `get-entries` request asks for: `[CTLOGS] BatchSize`, or adapted
/// to the cap the log shows in its answers. One per log, shared by its workers.
pub(super) struct BatchSize {
    /// `[CTLOGS] BatchSize`; `None` adapts to the log's cap.
    configured: Option<u64>,
    batch: u64,
    /// The largest answer the log gave to a capped request: its real cap. Aligned logs
    /// (Trillian, CTile) answer short at every boundary; those must not shrink the batch.
    largest_answer: u64,
}

impl BatchSize {
    /// `batch_size` is `[CTLOGS] BatchSize`; `None` starts at 256 and adapts.
    pub(super) fn new(batch_size: Option<u64>) -> BatchSize {
        BatchSize {
            configured: batch_size,
            batch: batch_size.unwrap_or(256).max(1),
            largest_answer: 0,
        }
    }

    /// The end (exclusive) of the request starting at `next` in a tree of `size`. Requests
    /// end on a multiple of the batch: logs that align their answers (Trillian, CTile) then
    /// answer every request in full, and parallel workers ask for disjoint aligned ranges.
    pub(super) fn range_end(&self, next: u64, size: u64) -> u64 {
        (next - next % self.batch + self.batch).min(size)
    }

    /// The log answered `answered` entries to a request for `wanted`.
    pub(super) fn observe(&mut self, wanted: u64, answered: u64) {
        if answered > 0 && answered < wanted && self.configured.is_none() {
            // The log caps its answers. Its cap is at least the largest answer seen; caps
            // are round numbers (32, 256, 1000, 1024), so ask for the next power of two.
            self.largest_answer = self.largest_answer.max(answered);
            self.batch = self.largest_answer.next_power_of_two().clamp(1, 256);
        }
    }
}

/// The buffers the base64 fields of `get-entries` answers are decoded into (one set per
/// worker, reused from request to request).
#[derive(Default)]
pub(super) struct Buffers {
    leaf_buf: Vec<u8>,
    extra_buf: Vec<u8>,
}

impl Buffers {
    /// Download and decode entries `[next, end)`: the records `record` made of them and
    /// the new `next` (below `end` when the log answered short), and how many entries the
    /// log answered (for [`BatchSize::observe`]). A bad entry after good
    /// ones ends the batch before it; a bad first entry is [`FetchError::Malformed`].
    pub(super) fn fetch<R>(
        &mut self,
        log: &Endpoint,
        next: u64,
        end: u64,
        record: impl Fn(u64, &LogEntry<'_>) -> Option<R>,
        mut hashes: Option<&mut Vec<Hash>>,
    ) -> Result<(Vec<R>, u64, u64), FetchError> {
        let last = end - 1;
        let wanted = end - next;
        let resp = log.get(&format!("ct/v1/get-entries?start={next}&end={last}"))?;
        check_status(&resp, "get-entries")?;
        let parsed: Entries<'_> = serde_json::from_slice(&resp.body)
            .map_err(|e| FetchError::Transient(format!("get-entries: invalid response: {e}")))?;
        let n = parsed.entries.len() as u64;
        if n == 0 || n > wanted {
            return Err(FetchError::Transient(format!(
                "get-entries returned {n} entries for a request of {wanted}"
            )));
        }
        let mut records = Vec::with_capacity(n as usize);
        for (k, raw) in parsed.entries.iter().enumerate() {
            let index = next + k as u64;
            // The names are in leaf_input; extra_data (the chain) only adds the precert's
            // fingerprint, so unreadable extra_data is reported with the entry, not fatal.
            let extra_b64 = base64::decode_into(raw.extra_data.as_bytes(), &mut self.extra_buf);
            if extra_b64.is_err() {
                self.extra_buf.clear();
            }
            let decoded = base64::decode_into(raw.leaf_input.as_bytes(), &mut self.leaf_buf)
                .map_err(|e| EntryError(format!("leaf_input base64: {e}")))
                .and_then(|_| entry::parse_rfc6962(&self.leaf_buf, &self.extra_buf))
                .map(|mut entry| {
                    if let Err(e) = extra_b64 {
                        entry.chain_error = Some(format!("extra_data base64: {e}"));
                    }
                    entry
                });
            match decoded {
                Ok(entry) => {
                    if let Some(h) = hashes.as_deref_mut() {
                        h.push(merkle::leaf_hash(&self.leaf_buf));
                    }
                    if let Some(r) = record(index, &entry) {
                        records.push(r);
                    }
                }
                // Keep the good prefix; the next request starts at the bad entry.
                Err(_) if k > 0 => return Ok((records, index, n)),
                Err(e) => {
                    return Err(FetchError::Malformed {
                        index,
                        message: e.0,
                    })
                }
            }
        }
        Ok((records, next + n, n))
    }
}

//! Reading an RFC 6962 log: `get-sth` for the tree size (RFC 6962 §4.3), `get-entries`
//! for the entries (§4.6), and the batch size a log that caps its answers is asked for.

use crate::certificate::CertificateRecord;
use crate::ct::entry::{self, EntryError, LogEntry};
use crate::ct::reader::{check_status, Endpoint, FetchError};
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

/// The `get-entries` state of one log: how many entries to ask for, and the buffers the
/// base64 fields are decoded into (reused from request to request).
pub(super) struct GetEntries {
    /// `[CTLOGS] BatchSize`; `None` adapts to the log's cap.
    configured: Option<u64>,
    batch: u64,
    /// The largest answer the log gave to a capped request: its real cap. Aligned logs
    /// (Trillian, CTile) answer short at every boundary; those must not shrink the batch.
    largest_answer: u64,
    leaf_buf: Vec<u8>,
    extra_buf: Vec<u8>,
}

impl GetEntries {
    /// `batch_size` is `[CTLOGS] BatchSize`; `None` starts at 256 and adapts.
    pub(super) fn new(batch_size: Option<u64>) -> GetEntries {
        GetEntries {
            configured: batch_size,
            batch: batch_size.unwrap_or(256).max(1),
            largest_answer: 0,
            leaf_buf: Vec::new(),
            extra_buf: Vec::new(),
        }
    }

    /// Download and decode entries from `next` (exclusive of `size`): the records `record`
    /// made of them and the new `next`. A bad entry after good ones ends the batch before
    /// it; a bad first entry is [`FetchError::Malformed`].
    pub(super) fn fetch(
        &mut self,
        log: &Endpoint,
        next: u64,
        size: u64,
        record: impl Fn(u64, &LogEntry<'_>) -> Option<CertificateRecord<'static>>,
    ) -> Result<(Vec<CertificateRecord<'static>>, u64), FetchError> {
        // Requests end on a multiple of the batch: logs that align their answers
        // (Trillian, CTile) then answer every request in full.
        let end = (next - next % self.batch + self.batch - 1).min(size - 1);
        let wanted = end - next + 1;
        let resp = log.get(&format!("ct/v1/get-entries?start={next}&end={end}"))?;
        check_status(&resp, "get-entries")?;
        let parsed: Entries<'_> = serde_json::from_slice(&resp.body)
            .map_err(|e| FetchError::Transient(format!("get-entries: invalid response: {e}")))?;
        let n = parsed.entries.len() as u64;
        if n == 0 || n > wanted {
            return Err(FetchError::Transient(format!(
                "get-entries returned {n} entries for a request of {wanted}"
            )));
        }
        if n < wanted && self.configured.is_none() {
            // The log caps its answers. Its cap is at least the largest answer seen; caps
            // are round numbers (32, 256, 1000, 1024), so ask for the next power of two.
            self.largest_answer = self.largest_answer.max(n);
            self.batch = self.largest_answer.next_power_of_two().clamp(1, 256);
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
                    if let Some(r) = record(index, &entry) {
                        records.push(r);
                    }
                }
                // Keep the good prefix; the next request starts at the bad entry.
                Err(_) if k > 0 => return Ok((records, index)),
                Err(e) => {
                    return Err(FetchError::Malformed {
                        index,
                        message: e.0,
                    })
                }
            }
        }
        Ok((records, next + n))
    }
}

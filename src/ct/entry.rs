//! CT log entries → certificate records: RFC 6962 `get-entries` items (MerkleTreeLeaf +
//! extra_data) and static-ct-api data tiles (TileLeaf), both into one [`LogEntry`].
//!
//! Every length comes from the network and is checked; a malformed entry is an error for
//! that entry, never a panic.

use crate::certificate::CertificateRecord;
use crate::x509::certificate as x509;
use crate::x509::fingerprint;
use std::borrow::Cow;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    X509,
    Precert,
}

/// One log entry, borrowing from the response body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry<'a> {
    pub timestamp_ms: u64,
    pub kind: EntryKind,
    /// x509: the certificate DER; precert: the TBSCertificate DER (final issuer, no poison).
    pub cert: &'a [u8],
    /// precert: the precertificate as submitted, which certstream fingerprints (`None`
    /// when `extra_data` could not be read: the fingerprint is then the TBS's).
    pub precertificate: Option<&'a [u8]>,
    /// Why the chain (RFC 6962 `extra_data`, static-ct-api fingerprint list) could not be
    /// read. The names come from the leaf, so such an entry is kept and this reported.
    pub chain_error: Option<String>,
    /// The chain as the entry carries it (empty when it could not be read).
    pub chain: Chain<'a>,
    /// The `TimestampedEntry` bytes as the log committed to them (its Merkle leaf is
    /// `version || leaf_type || TimestampedEntry`, RFC 6962 §3.4): what verification hashes.
    pub timestamped_entry: &'a [u8],
}

/// The issuer chain of an entry, as its protocol carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chain<'a> {
    /// RFC 6962 `extra_data`: the content of `certificate_chain` / `precertificate_chain`,
    /// ASN.1Cert after ASN.1Cert, each with a 3-byte length.
    Certificates(&'a [u8]),
    /// static-ct-api TileLeaf `certificate_chain`: SHA-256 fingerprints of the chain's
    /// certificates, 32 bytes each (the certificates themselves are in the log's issuer
    /// bundles, not in the tile).
    Fingerprints(&'a [u8]),
}

impl<'a> Chain<'a> {
    /// The DER certificates of an RFC 6962 chain, in order; `None` when it does not frame
    /// (or for a static-ct-api fingerprint list, which holds no certificate).
    pub fn certificates(&self) -> Option<Vec<&'a [u8]>> {
        let Chain::Certificates(bytes) = *self else {
            return None;
        };
        let mut r = Bytes { buf: bytes };
        let mut out = Vec::new();
        while !r.is_empty() {
            out.push(r.vector(3, "ASN.1Cert").ok()?);
        }
        Some(out)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryError(pub String);

impl fmt::Display for EntryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EntryError {}

fn err<T>(m: impl Into<String>) -> Result<T, EntryError> {
    Err(EntryError(m.into()))
}

/// A bounds-checked big-endian reader.
struct Bytes<'a> {
    buf: &'a [u8],
}

impl<'a> Bytes<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], EntryError> {
        if self.buf.len() < n {
            return err(format!(
                "truncated {what}: need {n} bytes, have {}",
                self.buf.len()
            ));
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    fn uint(&mut self, n: usize, what: &str) -> Result<u64, EntryError> {
        Ok(self
            .take(n, what)?
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | b as u64))
    }

    /// A length-prefixed opaque field (`n`-byte length).
    fn vector(&mut self, n: usize, what: &str) -> Result<&'a [u8], EntryError> {
        let len = self.uint(n, what)? as usize;
        self.take(len, what)
    }

    fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
}

fn entry_kind(v: u64) -> Result<EntryKind, EntryError> {
    match v {
        0 => Ok(EntryKind::X509),
        1 => Ok(EntryKind::Precert),
        n => err(format!("unknown entry_type {n}")),
    }
}

/// RFC 6962 `leaf_input` (MerkleTreeLeaf) and `extra_data`, both already base64-decoded.
pub fn parse_rfc6962<'a>(leaf: &'a [u8], extra: &'a [u8]) -> Result<LogEntry<'a>, EntryError> {
    let mut r = Bytes { buf: leaf };
    let timestamped_entry = leaf.get(2..).unwrap_or_default();
    let version = r.uint(1, "version")?;
    let leaf_type = r.uint(1, "leaf_type")?;
    if version != 0 || leaf_type != 0 {
        return err(format!(
            "unsupported MerkleTreeLeaf version {version} / leaf_type {leaf_type}"
        ));
    }
    let timestamp_ms = r.uint(8, "timestamp")?;
    let kind = entry_kind(r.uint(2, "entry_type")?)?;
    let cert = match kind {
        EntryKind::X509 => r.vector(3, "certificate")?,
        EntryKind::Precert => {
            r.take(32, "issuer_key_hash")?;
            r.vector(3, "tbs_certificate")?
        }
    };
    r.vector(2, "extensions")?;
    if !r.is_empty() {
        return err("trailing bytes after MerkleTreeLeaf");
    }
    let (precertificate, chain, chain_error) = parse_extra_data(kind, extra);
    Ok(LogEntry {
        timestamp_ms,
        kind,
        cert,
        precertificate,
        chain_error: chain_error.map(|e| e.0),
        chain: Chain::Certificates(chain),
        timestamped_entry,
    })
}

/// RFC 6962 `extra_data`: the x509 entry's `certificate_chain`, or the precert entry's
/// `PrecertChainEntry` (`pre_certificate` then `precertificate_chain`). Nothing in it is
/// needed for the names, so a problem is returned beside what could be read (the
/// precertificate, when its own field frames), not instead of the entry.
fn parse_extra_data(kind: EntryKind, extra: &[u8]) -> (Option<&[u8]>, &[u8], Option<EntryError>) {
    let mut x = Bytes { buf: extra };
    let mut pre = None;
    let result = (|| {
        if kind == EntryKind::Precert {
            pre = Some(x.vector(3, "pre_certificate")?);
        }
        let chain = match kind {
            EntryKind::X509 => "certificate_chain",
            EntryKind::Precert => "precertificate_chain",
        };
        let chain = x.vector(3, chain)?;
        if !x.is_empty() {
            return err("trailing bytes after extra_data");
        }
        Ok(chain)
    })();
    match result {
        Ok(chain) => (pre, chain, None),
        Err(e) => (pre, &[], Some(e)),
    }
}

/// A static-ct-api data tile: TileLeaf after TileLeaf until the body ends. Returns the
/// leaves read and, if one could not be read, why: nothing after a bad leaf can be
/// framed, but the leaves before it are good.
pub fn parse_tile(tile: &[u8]) -> (Vec<LogEntry<'_>>, Option<EntryError>) {
    let mut out = Vec::with_capacity(256);
    let problem = parse_tile_into(tile, &mut out).err();
    (out, problem)
}

fn parse_tile_into<'a>(tile: &'a [u8], out: &mut Vec<LogEntry<'a>>) -> Result<(), EntryError> {
    let mut r = Bytes { buf: tile };
    while !r.is_empty() {
        let n = out.len();
        let wrap = |e: EntryError| EntryError(format!("tile leaf {n}: {e}"));
        let leaf_start = r.buf;
        let timestamp_ms = r.uint(8, "timestamp").map_err(wrap)?;
        let kind = entry_kind(r.uint(2, "entry_type").map_err(wrap)?).map_err(wrap)?;
        let cert = match kind {
            EntryKind::X509 => r.vector(3, "certificate").map_err(wrap)?,
            EntryKind::Precert => {
                r.take(32, "issuer_key_hash").map_err(wrap)?;
                r.vector(3, "tbs_certificate").map_err(wrap)?
            }
        };
        r.vector(2, "extensions").map_err(wrap)?;
        let timestamped_entry = &leaf_start[..leaf_start.len() - r.buf.len()];
        let precertificate = match kind {
            EntryKind::X509 => None,
            EntryKind::Precert => Some(r.vector(3, "pre_certificate").map_err(wrap)?),
        };
        let chain = r.vector(2, "certificate_chain").map_err(wrap)?;
        // The fingerprints are not needed for the names, and the length framed the leaf.
        let chain_error = (chain.len() % 32 != 0).then(|| {
            format!(
                "certificate_chain length {} is not a multiple of 32",
                chain.len()
            )
        });
        if out.len() == 256 {
            return err("data tile holds more than 256 entries");
        }
        out.push(LogEntry {
            timestamp_ms,
            kind,
            cert,
            precertificate,
            chain: Chain::Fingerprints(if chain_error.is_none() { chain } else { &[] }),
            chain_error,
            timestamped_entry,
        });
    }
    Ok(())
}

/// A certificate record, the parser's warnings, and whether names were decoded lossily.
pub type RecordParts = (CertificateRecord<'static>, Vec<String>, bool);

/// The certificate record the rest of the program works on, as certstream-server-go
/// would have described this entry (precert fields from the TBS, fingerprint of the
/// submitted precertificate). Returns the parser's warnings alongside.
pub fn record_from_entry(e: &LogEntry<'_>) -> Result<RecordParts, EntryError> {
    let (parsed, fingerprint_of) = parse_leaf(e, false)?;
    Ok(record_from_parsed(parsed, fingerprint_of))
}

/// The leaf of an entry, parsed (with its extensions rendered when `extensions`): x509
/// entries from the certificate, precert entries from the TBS; and the DER certstream
/// fingerprints (the certificate, the submitted precertificate, or — when `extra_data`
/// could not be read — the TBS).
pub(crate) fn parse_leaf<'a>(
    e: &LogEntry<'a>,
    extensions: bool,
) -> Result<(x509::ParsedCertificate, &'a [u8]), EntryError> {
    let (parsed, fingerprint_of) = match (e.kind, extensions) {
        (EntryKind::X509, false) => (x509::parse_certificate(e.cert), e.cert),
        (EntryKind::X509, true) => (x509::parse_certificate_with_extensions(e.cert), e.cert),
        (EntryKind::Precert, false) => {
            (x509::parse_tbs(e.cert), e.precertificate.unwrap_or(e.cert))
        }
        (EntryKind::Precert, true) => (
            x509::parse_tbs_with_extensions(e.cert),
            e.precertificate.unwrap_or(e.cert),
        ),
    };
    let parsed = parsed.map_err(|x| EntryError(format!("certificate: {x}")))?;
    Ok((parsed, fingerprint_of))
}

/// [`record_from_entry`] from what [`parse_leaf`] gave (its names are moved out).
pub(crate) fn record_from_parsed(
    mut parsed: x509::ParsedCertificate,
    fingerprint_of: &[u8],
) -> RecordParts {
    let record = CertificateRecord {
        all_domains: std::mem::take(&mut parsed.all_domains)
            .into_iter()
            .map(Cow::Owned)
            .collect(),
        subject: Cow::Owned(parsed.subject.aggregated()),
        issuer: Cow::Owned(parsed.issuer.aggregated()),
        fingerprint: Cow::Owned(fingerprint::colon_hex(&fingerprint::sha1(fingerprint_of))),
        not_before: parsed.not_before,
        ct_source: None,
    };
    (record, parsed.warnings, parsed.lossy)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same entry as an RFC 6962 leaf and as a static-ct-api tile leaf gives the same
    /// Merkle leaf hash: `leaf_input` whole, the tile leaf by its TimestampedEntry bytes.
    #[test]
    fn timestamped_entry_bytes_hash_like_the_merkle_leaf() {
        use crate::ct::merkle::{leaf_hash, timestamped_entry_hash};
        let entry = [
            &[0u8, 0, 0, 0, 0, 0, 0, 7, 0, 1][..],
            &[9; 32],
            &[0, 0, 2, 0x30, 0x00, 0, 0],
        ]
        .concat();
        let leaf = [&[0u8, 0][..], &entry].concat();
        let e = parse_rfc6962(&leaf, &[0, 0, 1, 0xEE, 0, 0, 0]).unwrap();
        assert_eq!(e.timestamped_entry, &entry[..]);
        // TileLeaf: the entry, then pre_certificate and the fingerprint chain.
        let tile = [&entry[..], &[0, 0, 1, 0xEE], &[0, 32], &[5; 32]].concat();
        let two = [&tile[..], &tile[..]].concat();
        let (leaves, problem) = parse_tile(&two);
        assert!(problem.is_none());
        assert_eq!(leaves.len(), 2);
        for l in &leaves {
            assert_eq!(l.timestamped_entry, &entry[..]);
            assert_eq!(
                timestamped_entry_hash(l.timestamped_entry),
                leaf_hash(&leaf)
            );
        }
    }

    #[test]
    fn rfc6962_structure_errors() {
        // x509 leaf with a 2-byte "certificate".
        let mut leaf = vec![
            0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0xAB, 0xCD, 0, 0,
        ];
        let extra = [0u8, 0, 0];
        let e = parse_rfc6962(&leaf, &extra).unwrap();
        assert_eq!(
            (e.kind, e.cert, e.timestamp_ms),
            (EntryKind::X509, &[0xAB, 0xCD][..], 1)
        );
        leaf.push(0);
        assert!(parse_rfc6962(&leaf, &extra).is_err(), "trailing byte");
        leaf.pop();
        for cut in 0..leaf.len() {
            assert!(parse_rfc6962(&leaf[..cut], &extra).is_err(), "cut {cut}");
        }
        // Precert (TBS "\x30\x00"): the precertificate is kept when its own field frames.
        let pre_leaf = [
            &[0u8, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1][..],
            &[9; 32],
            &[0, 0, 2, 0x30, 0x00, 0, 0],
        ]
        .concat();
        let e = parse_rfc6962(&pre_leaf, &[0, 0, 1, 0xEE, 0, 0, 0]).unwrap();
        assert_eq!((e.precertificate, e.chain_error), (Some(&[0xEE][..]), None));
        let e = parse_rfc6962(&pre_leaf, &[0, 0, 1, 0xEE, 0, 0, 9, 1]).unwrap();
        assert_eq!(e.precertificate, Some(&[0xEE][..]));
        assert!(e.chain_error.is_some());
        let e = parse_rfc6962(&pre_leaf, b"garbage").unwrap();
        assert_eq!(
            (e.kind, e.cert, e.precertificate),
            (EntryKind::Precert, &[0x30, 0][..], None)
        );
        assert!(e.chain_error.is_some());
        let mut bad_type = leaf.clone();
        bad_type[11] = 7;
        assert!(parse_rfc6962(&bad_type, &extra).is_err());
        // A chain longer than its data, or trailing bytes: the leaf is kept, the chain reported.
        for extra in [&[0u8, 0, 5][..], &[0, 0, 0, 9], &[]] {
            let e = parse_rfc6962(&leaf, extra).unwrap();
            assert_eq!(e.cert, &[0xAB, 0xCD][..]);
            assert!(e.chain_error.is_some(), "{extra:?}");
        }
        assert_eq!(parse_rfc6962(&leaf, &extra).unwrap().chain_error, None);
    }
}

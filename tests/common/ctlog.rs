//! Loopback Certificate Transparency logs for the direct-CT tests (RFC 6962 §4, C2SP static-ct-api):
//! an RFC 6962 log (`ct/v1/get-sth`, `ct/v1/get-entries`) and a static-ct-api tiled log
//! (`checkpoint`, gzip `tile/data/<N>[.p/<W>]`), both holding a growable list of entries
//! built with [`super::der`], with faults the test can switch on while the monitor runs.
//!
//! A tiny threaded HTTP/1.1 server on 127.0.0.1:0: one thread per connection, one request
//! per connection (`Connection: close`). Everything the test may change lives in
//! [`LogState`] behind a mutex ([`FakeLog::state`]); every request is recorded.
//!
//! Test-side helpers that must not share code with the crate under test live here too: an
//! independent SHA-1 (fingerprints) and a gzip writer (stored deflate blocks + CRC-32).
//!
//! Every log signs what it publishes, like a real one, with its own ECDSA P-256 key
//! ([`FakeLog::spki_der`]): `get-sth` carries the RFC 6962 §3.5 `tree_head_signature`, the
//! checkpoint an `RFC6962NoteSignature` line (static-ct-api) under the origin
//! [`FakeLog::origin`]. The signed root is the Merkle Tree Hash (RFC 6962 §2.1) of the
//! entries, computed here by the naive recursive definition ([`mth`]), not by the crate.
//! RFC 6962 logs also answer `get-sth-consistency` and `get-entry-and-proof` (RFC 6962
//! §4.4 and §4.8) from the same naive tree; tiled logs serve its hash tiles
//! (`tile/<L>/<N>[.p/<W>]`, c2sp.org/tlog-tiles). [`log_list_json`] lists the logs with their
//! keys in Chrome's v3 log-list schema.
#![allow(dead_code)]

use super::der::*;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::sha::sha256;
use openssl::sign::Signer;
use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------
// SHA-1 (FIPS 180-4), for the expected fingerprints

pub fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in msg.chunks(64) {
        let mut w = [0u32; 80];
        for i in 0..16 {
            w[i] = u32::from_be_bytes([
                block[4 * i],
                block[4 * i + 1],
                block[4 * i + 2],
                block[4 * i + 3],
            ]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let (mut a, mut b, mut c, mut d, mut e) = (h[0], h[1], h[2], h[3], h[4]);
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A827999),
                20..=39 => (b ^ c ^ d, 0x6ED9EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDC),
                _ => (b ^ c ^ d, 0xCA62C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (i, x) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

/// certstream's fingerprint form: upper-case hex bytes joined by `:`.
pub fn colon_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// SHA-1 colon hex of a DER blob.
pub fn fingerprint(der: &[u8]) -> String {
    colon_hex(&sha1(der))
}

// ---------------------------------------------------------------------------------------
// gzip (RFC 1952) with stored deflate blocks (RFC 1951 BTYPE=00)

pub fn crc32(data: &[u8]) -> u32 {
    static TABLE: OnceLock<[u32; 256]> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u32; 256];
        for (n, slot) in t.iter_mut().enumerate() {
            let mut c = n as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB88320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *slot = c;
        }
        t
    });
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c = table[((c ^ b as u32) & 0xFF) as usize] ^ (c >> 8);
    }
    c ^ 0xFFFF_FFFF
}

/// One gzip member holding `data` uncompressed (stored blocks of at most 65535 bytes).
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF];
    let mut chunks = data.chunks(65535).peekable();
    if chunks.peek().is_none() {
        out.extend([1, 0, 0, 0xFF, 0xFF]);
    }
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        out.push(last as u8);
        let n = chunk.len() as u16;
        out.extend(n.to_le_bytes());
        out.extend((!n).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend(crc32(data).to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out
}

// ---------------------------------------------------------------------------------------
// Entries

/// `issuer_key_hash` of every precert entry.
pub const ISSUER_KEY_HASH: [u8; 32] = [7; 32];

/// The issuing CA certificate placed in every chain (C=US, O=Let's Encrypt, CN=R3).
pub fn issuer_der() -> &'static [u8] {
    static DER: OnceLock<Vec<u8>> = OnceLock::new();
    DER.get_or_init(|| {
        CertBuilder::new()
            .serial(&[0x00, 0x91, 0x2B, 0x08, 0x4A, 0xCF, 0x0C, 0x18])
            .issuer_attr(Attr::text(OID_C, "US"))
            .issuer_attr(Attr::text(OID_O, "Internet Security Research Group"))
            .issuer_attr(Attr::text(OID_CN, "ISRG Root X1"))
            .subject_attr(Attr::text(OID_C, "US"))
            .subject_attr(Attr::text(OID_O, "Let's Encrypt"))
            .subject_cn("R3")
            .basic_constraints(true)
            // A name on the issuer must never be treated as one of the leaf's.
            .dns_names(&["issuer-paypal-login.example"])
            .certificate()
    })
}

#[derive(Debug, Clone, PartialEq)]
pub enum EntryKind {
    /// x509_entry: the leaf certificate DER.
    X509 { cert: Vec<u8> },
    /// precert_entry: the TBS (no poison) in the leaf, the precertificate in extra_data.
    Precert {
        tbs: Vec<u8>,
        precertificate: Vec<u8>,
    },
    /// Exactly these bytes (hostile framings): RFC 6962 leaf_input / extra_data, TileLeaf.
    Raw {
        leaf_input: Vec<u8>,
        extra_data: Vec<u8>,
        tile_leaf: Vec<u8>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub timestamp_ms: u64,
    pub kind: EntryKind,
    /// Served as an unparsable leaf (unknown entry_type 7), the same bytes every time.
    pub garbled: bool,
}

impl Entry {
    pub fn x509(b: &CertBuilder) -> Entry {
        Entry::x509_der(b.certificate())
    }

    /// An x509 entry with these certificate bytes (possibly not a certificate at all).
    pub fn x509_der(cert: Vec<u8>) -> Entry {
        Entry {
            timestamp_ms: 1_790_000_000_000,
            kind: EntryKind::X509 { cert },
            garbled: false,
        }
    }

    pub fn precert(b: &CertBuilder) -> Entry {
        Entry {
            timestamp_ms: 1_790_000_000_000,
            kind: EntryKind::Precert {
                tbs: b.tbs(),
                precertificate: b.precertificate(),
            },
            garbled: false,
        }
    }

    pub fn garbled(mut self) -> Entry {
        self.garbled = true;
        self
    }

    /// This entry with the last byte of its certificate (x509) or TBS (precert) changed:
    /// still the same shape, but not what the log signed.
    pub fn tampered(&self) -> Entry {
        let mut e = self.clone();
        let flip = |b: &mut Vec<u8>| {
            if let Some(last) = b.last_mut() {
                *last ^= 0x01;
            }
        };
        match &mut e.kind {
            EntryKind::X509 { cert } => flip(cert),
            EntryKind::Precert { tbs, .. } => flip(tbs),
            EntryKind::Raw {
                leaf_input,
                tile_leaf,
                ..
            } => {
                flip(leaf_input);
                flip(tile_leaf);
            }
        }
        e
    }

    /// The DER certstream fingerprints: the certificate, or the precertificate.
    pub fn fingerprinted_der(&self) -> &[u8] {
        match &self.kind {
            EntryKind::X509 { cert } => cert,
            EntryKind::Precert { precertificate, .. } => precertificate,
            EntryKind::Raw { .. } => &[],
        }
    }

    pub fn fingerprint(&self) -> String {
        fingerprint(self.fingerprinted_der())
    }

    fn garbage_leaf(&self) -> Vec<u8> {
        let mut out = vec![0, 0];
        out.extend(self.timestamp_ms.to_be_bytes());
        out.extend([0x00, 0x07, 0xDE, 0xAD, 0xBE, 0xEF]);
        out
    }

    /// RFC 6962 `leaf_input` (MerkleTreeLeaf).
    pub fn leaf_input(&self) -> Vec<u8> {
        if self.garbled {
            return self.garbage_leaf();
        }
        match &self.kind {
            EntryKind::X509 { cert } => merkle_tree_leaf_x509(self.timestamp_ms, cert),
            EntryKind::Precert { tbs, .. } => {
                merkle_tree_leaf_precert(self.timestamp_ms, &ISSUER_KEY_HASH, tbs)
            }
            EntryKind::Raw { leaf_input, .. } => leaf_input.clone(),
        }
    }

    /// RFC 6962 `extra_data`.
    pub fn extra_data(&self) -> Vec<u8> {
        if self.garbled {
            return Vec::new();
        }
        match &self.kind {
            EntryKind::X509 { .. } => extra_data_x509(&[issuer_der()]),
            EntryKind::Precert { precertificate, .. } => {
                extra_data_precert(precertificate, &[issuer_der()])
            }
            EntryKind::Raw { extra_data, .. } => extra_data.clone(),
        }
    }

    /// static-ct-api TileLeaf of this entry at `index`.
    pub fn tile_leaf(&self, index: u64) -> Vec<u8> {
        if self.garbled {
            return self.garbage_leaf()[2..].to_vec();
        }
        let chain = [[0x11u8; 32]];
        match &self.kind {
            EntryKind::X509 { cert } => {
                tile_leaf_x509(self.timestamp_ms, cert, Some(index), &chain)
            }
            EntryKind::Precert {
                tbs,
                precertificate,
            } => tile_leaf_precert(
                self.timestamp_ms,
                &ISSUER_KEY_HASH,
                tbs,
                Some(index),
                precertificate,
                &chain,
            ),
            EntryKind::Raw { tile_leaf, .. } => tile_leaf.clone(),
        }
    }

    /// The MerkleTreeLeaf a static-ct-api log commits to for this entry at `index`: its
    /// TimestampedEntry carries the `leaf_index` extension (C2SP static-ct-api), so it
    /// differs from the RFC 6962 `leaf_input` of the same certificate.
    pub fn tile_merkle_leaf(&self, index: u64) -> Vec<u8> {
        let ext = leaf_index_extensions(index);
        match &self.kind {
            _ if self.garbled => self.tile_leaf(index),
            EntryKind::X509 { cert } => {
                merkle_tree_leaf_of(&timestamped_entry_x509(self.timestamp_ms, cert, &ext))
            }
            EntryKind::Precert { tbs, .. } => merkle_tree_leaf_of(&timestamped_entry_precert(
                self.timestamp_ms,
                &ISSUER_KEY_HASH,
                tbs,
                &ext,
            )),
            EntryKind::Raw { tile_leaf, .. } => tile_leaf.clone(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Faults

#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer normally (a placeholder in a fault script).
    Pass,
    /// 429 Too Many Requests, with `Retry-After: n` when given.
    TooMany(Option<u32>),
    /// 500 Internal Server Error.
    ServerError,
    /// 200 with the first half of the real body (complete HTTP message, broken JSON/gzip).
    Truncated,
    /// 200 with an HTML error page instead of the API answer.
    Garbage,
    /// Sleep this long, then answer normally.
    Slow(Duration),
    /// Close the connection without answering.
    Reset,
}

// ---------------------------------------------------------------------------------------
// The server

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogType {
    Rfc6962,
    Tiled,
}

/// One request as the log saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Path and query below the log's prefix (`ct/v1/get-sth`, `tile/data/000.p/5`).
    pub path: String,
    pub status: u16,
    /// When the request arrived (before `LogState.delay`).
    pub at: Instant,
}

/// Everything a test may change while the monitor runs.
#[derive(Debug)]
pub struct LogState {
    /// A static-ct-api log: its Merkle leaves are the tile form of the entries.
    pub tiled: bool,
    /// Entries `offset ..` of the log (a log whose first entries are not served: tests
    /// that start from a saved position far into a log).
    pub entries: Vec<Entry>,
    pub offset: u64,
    /// Size shown by get-sth / checkpoint; `None`: every stored entry. Smaller than the
    /// stored size simulates a checkpoint that lags the tiles, or a log that shrank.
    pub published: Option<u64>,
    /// Most entries one get-entries answer holds (short answers, RFC 6962 §4.6).
    pub cap: usize,
    /// Trillian's `align_getentries` / CTile: an answer never crosses a multiple of this
    /// (a request starting at 5 with alignment 32 gets entries 5..=31).
    pub align: Option<u64>,
    /// Write `/` as `\/` in JSON strings (valid JSON some servers emit).
    pub escape_slashes: bool,
    /// Sleep before every answer.
    pub delay: Duration,
    /// Consumed one per matching request, before anything else.
    pub faults: VecDeque<Fault>,
    /// Faults apply only to requests whose path contains this (all when `None`).
    pub faults_only_for: Option<String>,
    /// Every request answers 500 (a dead log).
    pub always_500: bool,
    /// Partial tiles 404 once the full tile is stored (static-ct-api allows it).
    pub delete_partials: bool,
    /// Publish tree heads whose signature has one byte changed (a forged or corrupted STH).
    pub bad_signature: bool,
    /// Serve entry `i` with one byte of its certificate changed (the last byte of the
    /// certificate, or of the precert's TBS), while the signed root stays the one over the
    /// original entries: a log that serves something other than what it committed to.
    pub tamper: Option<u64>,
    pub requests: Vec<Request>,
}

impl LogState {
    fn stored_size(&self) -> u64 {
        self.offset + self.entries.len() as u64
    }

    pub fn size(&self) -> u64 {
        self.published.unwrap_or_else(|| self.stored_size())
    }

    fn entry(&self, index: u64) -> Option<&Entry> {
        index
            .checked_sub(self.offset)
            .and_then(|i| self.entries.get(i as usize))
    }

    /// Entry `index` as served: the stored one, or its tampered copy ([`LogState::tamper`]).
    fn served_entry(&self, index: u64) -> Option<std::borrow::Cow<'_, Entry>> {
        let e = self.entry(index)?;
        if self.tamper == Some(index) {
            Some(std::borrow::Cow::Owned(e.tampered()))
        } else {
            Some(std::borrow::Cow::Borrowed(e))
        }
    }

    /// Leaf hashes of the first `size` entries, when the log holds all of them (no
    /// `offset`, `size` not beyond the stored entries).
    fn leaf_hashes(&self, size: u64) -> Option<Vec<[u8; 32]>> {
        if self.offset != 0 || size > self.stored_size() {
            return None;
        }
        Some(
            self.entries[..size as usize]
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    if self.tiled {
                        leaf_hash(&e.tile_merkle_leaf(i as u64))
                    } else {
                        leaf_hash(&e.leaf_input())
                    }
                })
                .collect(),
        )
    }

    /// The root signed for a tree of `size`: the Merkle Tree Hash of the original (never
    /// tampered) entries when the log holds them all; otherwise (a log starting at an
    /// `offset`, or a `published` size beyond the stored entries) a placeholder that is
    /// not a real tree root, still signed.
    pub fn root_at(&self, size: u64) -> [u8; 32] {
        match self.leaf_hashes(size) {
            Some(leaves) => mth(&leaves),
            None => root_hash(size),
        }
    }
}

/// A loopback CT log at `http://127.0.0.1:PORT/log/`.
pub struct FakeLog {
    pub port: u16,
    pub kind: LogType,
    state: Arc<Mutex<LogState>>,
    stop: Arc<AtomicBool>,
    key: Arc<SigningKey>,
}

/// A fake log's ECDSA P-256 key pair.
pub struct SigningKey {
    pub pkey: PKey<Private>,
    /// DER SubjectPublicKeyInfo of the public key (the log list's `key`).
    pub spki_der: Vec<u8>,
    /// The note origin (`127.0.0.1:PORT/log`).
    pub origin: String,
}

impl SigningKey {
    fn generate(origin: String) -> SigningKey {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        let pkey = PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap();
        let spki_der = pkey.public_key_to_der().unwrap();
        SigningKey {
            pkey,
            spki_der,
            origin,
        }
    }

    /// RFC 6962 §3.2: SHA-256 of the DER key.
    pub fn log_id(&self) -> [u8; 32] {
        sha256(&self.spki_der)
    }

    /// DigitallySigned (RFC 5246 §4.7: sha256 = 4, ecdsa = 3, u16 length, DER signature)
    /// over the RFC 6962 §3.5 TreeHeadSignature of this tree head.
    pub fn sign_tree_head(&self, timestamp_ms: u64, size: u64, root: &[u8; 32]) -> Vec<u8> {
        let mut msg = vec![0u8, 1];
        msg.extend(timestamp_ms.to_be_bytes());
        msg.extend(size.to_be_bytes());
        msg.extend_from_slice(root);
        let mut signer = Signer::new(MessageDigest::sha256(), &self.pkey).unwrap();
        let sig = signer.sign_oneshot_to_vec(&msg).unwrap();
        let mut out = vec![4, 3];
        out.extend((sig.len() as u16).to_be_bytes());
        out.extend(sig);
        out
    }

    /// static-ct-api RFC6962NoteSignature key ID: SHA-256(origin || 0x0A || 0x05 || log_id)[:4].
    pub fn note_key_id(&self) -> [u8; 4] {
        let mut buf = self.origin.as_bytes().to_vec();
        buf.extend([0x0A, 0x05]);
        buf.extend(self.log_id());
        let d = sha256(&buf);
        [d[0], d[1], d[2], d[3]]
    }
}

/// The path prefix of every log.
pub const PREFIX: &str = "/log/";

impl FakeLog {
    pub fn rfc6962(entries: Vec<Entry>) -> FakeLog {
        FakeLog::start(LogType::Rfc6962, entries)
    }

    pub fn tiled(entries: Vec<Entry>) -> FakeLog {
        FakeLog::start(LogType::Tiled, entries)
    }

    pub fn start(kind: LogType, entries: Vec<Entry>) -> FakeLog {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let key = Arc::new(SigningKey::generate(format!(
            "127.0.0.1:{port}{}",
            PREFIX.trim_end_matches('/')
        )));
        let state = Arc::new(Mutex::new(LogState {
            tiled: kind == LogType::Tiled,
            entries,
            offset: 0,
            published: None,
            cap: 1000,
            align: None,
            escape_slashes: false,
            delay: Duration::ZERO,
            faults: VecDeque::new(),
            faults_only_for: None,
            always_500: false,
            delete_partials: false,
            bad_signature: false,
            tamper: None,
            requests: Vec::new(),
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp, k) = (state.clone(), stop.clone(), key.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if sp.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let (st, k) = (st.clone(), k.clone());
                std::thread::spawn(move || handle(stream, kind, &st, &k));
            }
        });
        FakeLog {
            port,
            kind,
            state,
            stop,
            key,
        }
    }

    /// This log's signing key.
    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    /// DER SubjectPublicKeyInfo of the log's public key.
    pub fn spki_der(&self) -> Vec<u8> {
        self.key.spki_der.clone()
    }

    /// The log ID as a log list writes it: base64 of SHA-256 of the key (RFC 6962 §3.2).
    pub fn list_log_id(&self) -> String {
        base64(&self.key.log_id())
    }

    /// The checkpoint origin (static-ct-api: the log URL without scheme and trailing
    /// slash): `127.0.0.1:PORT/log`.
    pub fn origin(&self) -> String {
        self.key.origin.clone()
    }

    /// The root signed for the current published size (see [`LogState::root_at`]).
    pub fn tree_root(&self) -> [u8; 32] {
        let st = self.state();
        st.root_at(st.size())
    }

    /// The log URL (`http://127.0.0.1:PORT/log/`).
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}{PREFIX}", self.port)
    }

    /// How `[CTLOGS] Logs` names this log: the URL, `tiled:` + URL for tiled logs.
    pub fn logs_item(&self) -> String {
        match self.kind {
            LogType::Rfc6962 => self.url(),
            LogType::Tiled => format!("tiled:{}", self.url()),
        }
    }

    /// `CTLogState.LogID` of this (ad-hoc) log.
    pub fn log_id(&self) -> String {
        format!("adhoc:127.0.0.1:{}/log", self.port)
    }

    pub fn state(&self) -> MutexGuard<'_, LogState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn push(&self, e: Entry) {
        self.state().entries.push(e);
    }

    pub fn extend(&self, es: impl IntoIterator<Item = Entry>) {
        self.state().entries.extend(es);
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state().requests.clone()
    }

    /// How many times exactly this path (with query) was requested.
    pub fn hits(&self, path: &str) -> usize {
        self.state()
            .requests
            .iter()
            .filter(|r| r.path == path)
            .count()
    }

    /// get-entries requests as (start, end), in order.
    pub fn entry_requests(&self) -> Vec<(u64, u64)> {
        self.requests()
            .iter()
            .filter_map(|r| parse_get_entries(&r.path))
            .collect()
    }

    /// Tile requests (paths starting with `tile/`), in order, with their answer.
    pub fn tile_requests(&self) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.starts_with("tile/"))
            .collect()
    }
}

impl Drop for FakeLog {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// `ct/v1/get-entries?start=S&end=E` → (S, E).
pub fn parse_get_entries(path: &str) -> Option<(u64, u64)> {
    let query = path.strip_prefix("ct/v1/get-entries?")?;
    let (mut start, mut end) = (None, None);
    for kv in query.split('&') {
        match kv.split_once('=') {
            Some(("start", v)) => start = v.parse().ok(),
            Some(("end", v)) => end = v.parse().ok(),
            _ => return None,
        }
    }
    Some((start?, end?))
}

/// Independent encoder for tile paths (C2SP tlog-tiles, which static-ct-api uses):
/// 1234067 → `x001/x234/067`.
pub fn tile_index_path(n: u64) -> String {
    let mut groups = vec![format!("{:03}", n % 1000)];
    let mut v = n / 1000;
    while v > 0 {
        groups.push(format!("x{:03}", v % 1000));
        v /= 1000;
    }
    groups.reverse();
    groups.join("/")
}

/// `tile/data/<N>[.p/<W>]` for tile `n` of width `w` (256 = full).
pub fn data_tile_path(n: u64, w: u64) -> String {
    if w < 256 {
        format!("tile/data/{}.p/{w}", tile_index_path(n))
    } else {
        format!("tile/data/{}", tile_index_path(n))
    }
}

/// Strict parse of `tile/data/<N>[.p/<W>]`: canonical encodings only.
pub fn parse_data_tile(path: &str) -> Option<(u64, Option<u64>)> {
    let rest = path.strip_prefix("tile/data/")?;
    let (n_part, w) = match rest.split_once(".p/") {
        Some((n, w)) => {
            if w.is_empty()
                || w.starts_with('0')
                || !w.bytes().all(|b| b.is_ascii_digit())
                || w.len() > 3
            {
                return None;
            }
            let w: u64 = w.parse().ok()?;
            if !(1..=255).contains(&w) {
                return None;
            }
            (n, Some(w))
        }
        None => (rest, None),
    };
    let groups: Vec<&str> = n_part.split('/').collect();
    let mut n = 0u64;
    for (i, g) in groups.iter().enumerate() {
        let last = i + 1 == groups.len();
        let digits = if last { *g } else { g.strip_prefix('x')? };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        n = n * 1000 + digits.parse::<u64>().ok()?;
    }
    // No leading all-zero group (`x000/005` is not how 5 is written).
    if groups.len() > 1 && groups[0] == "x000" {
        return None;
    }
    Some((n, w))
}

fn read_request_line(s: &mut TcpStream) -> Option<String> {
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > 65536 {
            return None;
        }
        let n = s.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    Some(text.split("\r\n").next().unwrap_or("").to_string())
}

struct Answer {
    status: u16,
    body: Vec<u8>,
    content_type: &'static str,
    gzip: bool,
    /// Body already gzip-encoded (and cut): send `Content-Encoding: gzip` as it is.
    truncated_gzip: bool,
    retry_after: Option<u32>,
}

impl Answer {
    fn new(status: u16, body: impl Into<Vec<u8>>) -> Answer {
        Answer {
            status,
            body: body.into(),
            content_type: "text/plain; charset=utf-8",
            gzip: false,
            truncated_gzip: false,
            retry_after: None,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

fn handle(mut s: TcpStream, kind: LogType, state: &Mutex<LogState>, key: &SigningKey) {
    let Some(line) = read_request_line(&mut s) else {
        return;
    };
    let at = Instant::now();
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = target.strip_prefix(PREFIX).unwrap_or(target).to_string();
    let lock = || state.lock().unwrap_or_else(|p| p.into_inner());

    // Fault and delay first, without holding the lock while sleeping.
    let (fault, delay) = {
        let mut st = lock();
        let applies = st
            .faults_only_for
            .as_ref()
            .is_none_or(|f| path.contains(f.as_str()));
        let fault = if st.always_500 {
            Some(Fault::ServerError)
        } else if applies {
            st.faults.pop_front()
        } else {
            None
        };
        (fault, st.delay)
    };
    let mut sleep = delay;
    if let Some(Fault::Slow(d)) = &fault {
        sleep += *d;
    }
    if !sleep.is_zero() {
        std::thread::sleep(sleep);
    }
    let mut answer = if method != "GET" || !target.starts_with(PREFIX) {
        Answer::new(404, "not found\n")
    } else {
        let st = lock();
        route(&st, kind, &path, key)
    };
    match fault {
        Some(Fault::TooMany(ra)) => {
            answer = Answer::new(429, "slow down\n");
            answer.retry_after = ra;
        }
        Some(Fault::ServerError) => answer = Answer::new(500, "internal error\n"),
        Some(Fault::Truncated) if answer.status == 200 => {
            // The first half of the body as sent (a gzip body stays labelled gzip).
            if answer.gzip {
                answer.body = gzip(&answer.body);
                answer.gzip = false;
                answer.truncated_gzip = true;
            }
            answer.body.truncate(answer.body.len() / 2);
        }
        Some(Fault::Garbage) => {
            answer = Answer::new(200, "<html><body>502 Bad Gateway (cached)</body></html>\n")
        }
        Some(Fault::Reset) => {
            lock().requests.push(Request {
                path,
                status: 0,
                at,
            });
            let _ = s.shutdown(Shutdown::Both);
            return;
        }
        _ => {}
    }
    lock().requests.push(Request {
        path,
        status: answer.status,
        at,
    });
    let body = if answer.gzip {
        gzip(&answer.body)
    } else {
        answer.body
    };
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        answer.status,
        reason(answer.status),
        answer.content_type,
        body.len()
    );
    if answer.gzip || answer.truncated_gzip {
        head += "Content-Encoding: gzip\r\n";
    }
    if let Some(ra) = answer.retry_after {
        head += &format!("Retry-After: {ra}\r\n");
    }
    head += "\r\n";
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(&body);
    let _ = s.flush();
    let _ = s.shutdown(Shutdown::Both);
}

fn root_hash(size: u64) -> [u8; 32] {
    let mut r = [0u8; 32];
    let d = sha1(&size.to_be_bytes());
    r[..20].copy_from_slice(&d);
    r[20..28].copy_from_slice(&size.to_be_bytes());
    r
}

/// The timestamp of the tree head of `size` (ms): fixed per size, so a re-signed head of
/// the same size is the same head.
fn sth_timestamp(size: u64) -> u64 {
    1_790_000_000_000u64.wrapping_add(size)
}

/// The signed tree head of the published size: (size, timestamp, root, DigitallySigned),
/// with one byte of the signature changed when [`LogState::bad_signature`] is set.
fn signed_head(st: &LogState, key: &SigningKey) -> (u64, u64, [u8; 32], Vec<u8>) {
    let size = st.size();
    let (ts, root) = (sth_timestamp(size), st.root_at(size));
    let mut sig = key.sign_tree_head(ts, size, &root);
    if st.bad_signature {
        *sig.last_mut().unwrap() ^= 0x01;
    }
    (size, ts, root, sig)
}

fn json_answer(body: String) -> Answer {
    let mut a = Answer::new(200, body);
    a.content_type = "application/json";
    a
}

fn hashes_json(hashes: &[[u8; 32]]) -> String {
    hashes
        .iter()
        .map(|h| format!("\"{}\"", base64(h)))
        .collect::<Vec<_>>()
        .join(",")
}

/// `name=value&…` → the values of `a` and `b` (no other key allowed).
fn two_params(query: &str, a: &str, b: &str) -> Option<(u64, u64)> {
    let (mut x, mut y) = (None, None);
    for kv in query.split('&') {
        match kv.split_once('=') {
            Some((k, v)) if k == a => x = v.parse().ok(),
            Some((k, v)) if k == b => y = v.parse().ok(),
            _ => return None,
        }
    }
    Some((x?, y?))
}

fn route(st: &LogState, kind: LogType, path: &str, key: &SigningKey) -> Answer {
    match kind {
        LogType::Rfc6962 => {
            if path == "ct/v1/get-sth" {
                let (size, ts, root, sig) = signed_head(st, key);
                return json_answer(format!(
                    "{{\"tree_size\":{size},\"timestamp\":{ts},\"sha256_root_hash\":\"{}\",\"tree_head_signature\":\"{}\"}}",
                    base64(&root),
                    base64(&sig)
                ));
            }
            if let Some(q) = path.strip_prefix("ct/v1/get-sth-consistency?") {
                // RFC 6962 §4.4, from the naive tree; only when the log holds every entry.
                let Some((first, second)) = two_params(q, "first", "second") else {
                    return Answer::new(400, "bad get-sth-consistency query\n");
                };
                let leaves = match st.leaf_hashes(second) {
                    Some(l) if first <= second => l,
                    _ => return Answer::new(400, format!("no proof {first}..{second}\n")),
                };
                let proof = if first == 0 {
                    Vec::new()
                } else {
                    consistency_proof(first as usize, &leaves)
                };
                return json_answer(format!("{{\"consistency\":[{}]}}", hashes_json(&proof)));
            }
            if let Some(q) = path.strip_prefix("ct/v1/get-entry-and-proof?") {
                // RFC 6962 §4.8: the entry (as served) and its audit path in the tree.
                let Some((index, size)) = two_params(q, "leaf_index", "tree_size") else {
                    return Answer::new(400, "bad get-entry-and-proof query\n");
                };
                let leaves = match st.leaf_hashes(size) {
                    Some(l) if index < size => l,
                    _ => return Answer::new(400, format!("no proof of {index} in {size}\n")),
                };
                let e = st.served_entry(index).expect("entry in range");
                return json_answer(format!(
                    "{{\"leaf_input\":\"{}\",\"extra_data\":\"{}\",\"audit_path\":[{}]}}",
                    base64(&e.leaf_input()),
                    base64(&e.extra_data()),
                    hashes_json(&audit_path(index as usize, &leaves))
                ));
            }
            if let Some((start, end)) = parse_get_entries(path) {
                let stored = st.stored_size();
                if start > end || start >= stored || start < st.offset {
                    return Answer::new(
                        400,
                        format!("bad range {start}..{end} (stored {stored})\n"),
                    );
                }
                let mut end = end.min(stored - 1).min(start + st.cap.max(1) as u64 - 1);
                if let Some(a) = st.align.filter(|a| *a > 0) {
                    end = end.min((start / a + 1) * a - 1);
                }
                let mut body = String::from("{\"entries\":[");
                for i in start..=end {
                    let e = st.served_entry(i).expect("entry in range");
                    if i > start {
                        body.push(',');
                    }
                    let b64 = |b: &[u8]| {
                        if st.escape_slashes {
                            base64(b).replace('/', "\\/")
                        } else {
                            base64(b)
                        }
                    };
                    body += &format!(
                        "{{\"leaf_input\":\"{}\",\"extra_data\":\"{}\"}}",
                        b64(&e.leaf_input()),
                        b64(&e.extra_data())
                    );
                }
                body += "]}";
                let mut a = Answer::new(200, body);
                a.content_type = "application/json";
                return a;
            }
            Answer::new(404, "not found\n")
        }
        LogType::Tiled => {
            if path == "checkpoint" {
                // C2SP tlog-checkpoint with the log's RFC6962NoteSignature (static-ct-api):
                // key ID, u64 timestamp, DigitallySigned; plus a grease line to skip.
                let (size, ts, root, ds) = signed_head(st, key);
                let origin = &key.origin;
                let mut sig = key.note_key_id().to_vec();
                sig.extend(ts.to_be_bytes());
                sig.extend(ds);
                let body = format!(
                    "{origin}\n{size}\n{}\n\n\u{2014} grease.invalid AAECAwQFBgcICQ==\n\u{2014} {origin} {}\n",
                    base64(&root),
                    base64(&sig)
                );
                return Answer::new(200, body);
            }
            if let Some((level, rest)) = path
                .strip_prefix("tile/")
                .and_then(|r| r.split_once('/'))
                .filter(|(l, _)| {
                    !l.is_empty() && l.len() <= 2 && l.bytes().all(|b| b.is_ascii_digit())
                })
            {
                // C2SP tlog-tiles hash tile: level L holds the roots of the subtrees of
                // 2^(8L) leaves, 256 per tile, of the original (untampered) entries.
                let Some((n, w)) = parse_data_tile(&format!("tile/data/{rest}")) else {
                    return Answer::new(400, format!("malformed tile path {path}\n"));
                };
                let height: u32 = level.parse().unwrap_or(99) * 8;
                let Some(leaves) = st.leaf_hashes(st.stored_size()).filter(|_| height < 40) else {
                    return Answer::new(404, "no such hash tile\n");
                };
                let nodes = leaves.len() as u64 >> height;
                let available = nodes.saturating_sub(n * 256).min(256);
                let width = match w {
                    None if available < 256 => return Answer::new(404, "no such tile\n"),
                    None => 256,
                    Some(w) if w > available => return Answer::new(404, "no such partial tile\n"),
                    Some(w) => w,
                };
                let mut body = Vec::new();
                for j in n * 256..n * 256 + width {
                    let (a, b) = ((j << height) as usize, ((j + 1) << height) as usize);
                    body.extend(mth(&leaves[a..b]));
                }
                let mut a = Answer::new(200, body);
                a.content_type = "application/octet-stream";
                return a;
            }
            if path.starts_with("tile/data/") {
                let Some((n, w)) = parse_data_tile(path) else {
                    return Answer::new(400, format!("malformed tile path {path}\n"));
                };
                let stored = st.stored_size();
                let first = n * 256;
                let available = stored.saturating_sub(first).min(256);
                let width = match w {
                    None if available < 256 => return Answer::new(404, "no such tile\n"),
                    None => 256,
                    Some(w) if w > available => return Answer::new(404, "no such partial tile\n"),
                    Some(_) if available == 256 && st.delete_partials => {
                        return Answer::new(404, "partial tile deleted\n")
                    }
                    Some(w) => w,
                };
                if first < st.offset {
                    return Answer::new(404, "tile before this log's first stored entry\n");
                }
                let mut body = Vec::new();
                for i in first..first + width {
                    body.extend(st.served_entry(i).expect("entry in tile").tile_leaf(i));
                }
                let mut a = Answer::new(200, body);
                a.content_type = "application/octet-stream";
                a.gzip = true;
                return a;
            }
            Answer::new(404, "not found\n")
        }
    }
}

// ---------------------------------------------------------------------------------------
// Merkle trees (RFC 6962 §2.1), naive and recursive: independent of src/ct/merkle.rs

/// `SHA-256(0x00 || leaf)`.
pub fn leaf_hash(leaf: &[u8]) -> [u8; 32] {
    let mut b = vec![0u8];
    b.extend_from_slice(leaf);
    sha256(&b)
}

fn node(l: &[u8; 32], r: &[u8; 32]) -> [u8; 32] {
    let mut b = vec![1u8];
    b.extend_from_slice(l);
    b.extend_from_slice(r);
    sha256(&b)
}

/// The largest power of two smaller than `n` (n > 1).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// MTH(D[n]) over leaf hashes, by the recursive definition.
pub fn mth(leaves: &[[u8; 32]]) -> [u8; 32] {
    match leaves.len() {
        0 => sha256(b""),
        1 => leaves[0],
        n => {
            let k = split(n);
            node(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

/// RFC 6962 §2.1.1 PATH(m, D[n]).
pub fn audit_path(m: usize, d: &[[u8; 32]]) -> Vec<[u8; 32]> {
    if d.len() <= 1 {
        return Vec::new();
    }
    let k = split(d.len());
    let (mut p, sibling) = if m < k {
        (audit_path(m, &d[..k]), mth(&d[k..]))
    } else {
        (audit_path(m - k, &d[k..]), mth(&d[..k]))
    };
    p.push(sibling);
    p
}

/// RFC 6962 §2.1.2 PROOF(m, D[n]) for 0 < m <= n.
pub fn consistency_proof(m: usize, d: &[[u8; 32]]) -> Vec<[u8; 32]> {
    fn sub(m: usize, d: &[[u8; 32]], b: bool) -> Vec<[u8; 32]> {
        if m == d.len() {
            return if b { Vec::new() } else { vec![mth(d)] };
        }
        let k = split(d.len());
        let (mut p, other) = if m <= k {
            (sub(m, &d[..k], b), mth(&d[k..]))
        } else {
            (sub(m - k, &d[k..], false), mth(&d[..k]))
        };
        p.push(other);
        p
    }
    sub(m, d, true)
}

// ---------------------------------------------------------------------------------------
// Log list

/// Chrome's v3 log-list JSON naming `logs` with their keys (one operator, `Fake CT`): RFC
/// 6962 logs under `logs` (`url`), tiled logs under `tiled_logs` (`submission_url` and
/// `monitoring_url` both the log URL), all `usable`. Write it to a file and point
/// `[CTLOGS] LogList` at it; `Logs` then names them by URL or description
/// (`Fake log 127.0.0.1:PORT`).
pub fn log_list_json(logs: &[&FakeLog]) -> String {
    let entry = |l: &FakeLog| {
        let mut v = serde_json::json!({
            "description": format!("Fake log 127.0.0.1:{}", l.port),
            "log_id": l.list_log_id(),
            "key": base64(&l.spki_der()),
            "mmd": 86400,
            "state": {"usable": {"timestamp": "2026-01-01T00:00:00Z"}},
        });
        match l.kind {
            LogType::Rfc6962 => v["url"] = l.url().into(),
            LogType::Tiled => {
                v["submission_url"] = l.url().into();
                v["monitoring_url"] = l.url().into();
            }
        }
        v
    };
    let rfc: Vec<_> = logs
        .iter()
        .filter(|l| l.kind == LogType::Rfc6962)
        .map(|l| entry(l))
        .collect();
    let tiled: Vec<_> = logs
        .iter()
        .filter(|l| l.kind == LogType::Tiled)
        .map(|l| entry(l))
        .collect();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let t = certstreammonitor::clock::utc(now);
    serde_json::json!({
        "version": "test",
        "log_list_timestamp": format!("{}Z", t.iso()),
        "operators": [{
            "name": "Fake CT",
            "email": ["ct@127.0.0.1"],
            "logs": rfc,
            "tiled_logs": tiled,
        }],
    })
    .to_string()
}

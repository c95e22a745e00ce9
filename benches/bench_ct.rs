//! Direct CT mode benchmark: entries/s through download, DER parsing, rules and SQLite,
//! and bytes downloaded per entry, from loopback logs serving realistic certificates.
//!
//!     cargo bench --bench bench_ct -- [ENTRIES] [--one-core]
//!
//! The parent builds ENTRIES (default 100 000) LE-like certificates (half precertificates,
//! 1–3 names, SCT list, AIA, policies: ~1.2 KB each), serves them as a static-ct-api log
//! (gzip data tiles) and as an RFC 6962 log (`get-entries` capped at 1024), and runs the
//! binary's `monitor` (built by `cargo bench` with the bench profile, release + LTO) against each with `StartAt = beginning`. The clock stops when
//! `CTLogState.NextIndex` reaches the tree size. `--one-core` pins the monitor to CPU 0.
//!
//! Every log signs its tree head like a real one (ECDSA P-256 over the RFC 6962 §3.5
//! TreeHeadSignature; the checkpoint as a C2SP signed note with the static-ct-api
//! RFC6962NoteSignature) over the RFC 6962 §2.1 Merkle Tree Hash of its leaves. Each log
//! (tiled, RFC 6962, then both at once in one monitor) is read `--runs` times (default 3)
//! with verification off (an ad-hoc log: no key) and on (a log list with the log's key:
//! signature checked, every entry hashed into the Merkle frontier, the root compared),
//! alternately, and the medians are compared (issue 12's target: on ≥ 80 % of off).
//!
//!     cargo bench --bench bench_ct -- --latency [ENTRIES] [--verify]
//!
//! A slow RFC 6962 log instead: every request (get-sth, get-entries) answered after 1 s,
//! ENTRIES (default 20 000) caught up with `[CTLOGS] Workers` = 1, 4 and 8; unverified, or
//! with `--verify` verified (the log listed with its key).

#[path = "../tests/common/der.rs"]
mod der;

use der::*;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

/// Milliseconds the loopback log waits before each answer (`--latency`: 1000).
static DELAY_MS: AtomicU64 = AtomicU64::new(0);
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::sha::sha256;
use openssl::sign::Signer;
use std::sync::Arc;
use std::time::{Duration, Instant};

const WORDS: &[&str] = &[
    "shop", "mail", "cloud", "blog", "api", "portal", "app", "static", "news", "store", "media",
    "auth", "status", "docs",
];
const BRANDS: &[&str] = &["paypal", "apple", "amazon", "ameli", "netflix"];

struct Log {
    /// RFC 6962 entries: (leaf_input, extra_data) base64.
    entries: Vec<(String, String)>,
    /// Gzipped full data tiles (the bench uses a multiple of 256 entries).
    tiles: Vec<Vec<u8>>,
    served_bytes: AtomicU64,
    /// When the last entries (tile or `get-entries` answer) were served.
    last_served: std::sync::Mutex<Option<Instant>>,
    /// The Merkle Tree Hash (RFC 6962 §2.1) of all entries, as an RFC 6962 log commits to
    /// them (the `leaf_input` MerkleTreeLeaf)…
    rfc6962_root: [u8; 32],
    /// …and as a static-ct-api log does (its TimestampedEntry carries the `leaf_index`
    /// extension, so the leaves differ).
    tiled_root: [u8; 32],
    /// Every perfect subtree root of both trees, for consistency proofs and hash tiles.
    rfc6962_levels: Levels,
    tiled_levels: Levels,
}

/// The roots of the aligned perfect subtrees of a tree: `0[i]` the leaf hashes,
/// `h[i]` the root of leaves `i*2^h .. (i+1)*2^h`.
struct Levels(Vec<Vec<[u8; 32]>>);

impl Levels {
    fn new(leaves: &[[u8; 32]]) -> Levels {
        let mut levels = vec![leaves.to_vec()];
        while levels.last().unwrap().len() > 1 {
            let below = levels.last().unwrap();
            let up = below
                .chunks_exact(2)
                .map(|p| {
                    let mut b = vec![1u8];
                    b.extend(p[0]);
                    b.extend(p[1]);
                    sha256(&b)
                })
                .collect();
            levels.push(up);
        }
        Levels(levels)
    }

    /// MTH of leaves `a..b` for the ranges RFC 6962's recursion from 0 makes (each left
    /// part aligned to its size).
    fn root(&self, a: usize, b: usize) -> [u8; 32] {
        let n = b - a;
        if n == 0 {
            return sha256(b"");
        }
        if n.is_power_of_two() && a.is_multiple_of(n) {
            return self.0[n.trailing_zeros() as usize][a / n];
        }
        let k = 1usize << (usize::BITS - 1 - (n - 1).leading_zeros());
        let mut buf = vec![1u8];
        buf.extend(self.root(a, a + k));
        buf.extend(self.root(a + k, b));
        sha256(&buf)
    }

    /// RFC 6962 §2.1.2 PROOF(m, D[0..n]).
    fn consistency(&self, m: usize, n: usize) -> Vec<[u8; 32]> {
        fn sub(l: &Levels, m: usize, a: usize, b: usize, complete: bool) -> Vec<[u8; 32]> {
            let n = b - a;
            if m == n {
                return if complete { vec![] } else { vec![l.root(a, b)] };
            }
            let k = 1usize << (usize::BITS - 1 - (n - 1).leading_zeros());
            if m <= k {
                let mut p = sub(l, m, a, a + k, complete);
                p.push(l.root(a + k, b));
                p
            } else {
                let mut p = sub(l, m - k, a + k, b, false);
                p.push(l.root(a, a + k));
                p
            }
        }
        if m == 0 || m > n {
            return Vec::new();
        }
        sub(self, m, 0, n, true)
    }
}

/// A log's ECDSA P-256 signing key and the signed tree heads it serves.
struct Signed {
    /// DER SubjectPublicKeyInfo (the log list's `key`).
    spki: Vec<u8>,
    /// The `get-sth` JSON answer.
    sth: String,
    /// The `checkpoint` signed note.
    checkpoint: String,
}

impl Signed {
    /// Sign the tree head of `size` entries with root `root` for the log at `origin`
    /// (static-ct-api: the URL without scheme and trailing slash).
    fn new(key: &PKey<Private>, size: usize, root: &[u8; 32], origin: &str) -> Signed {
        let spki = key.public_key_to_der().unwrap();
        let ts = 1_790_000_000_000u64 + size as u64;
        // RFC 6962 §3.5 TreeHeadSignature: version v1, signature_type tree_hash, timestamp,
        // tree_size, sha256_root_hash; DigitallySigned (RFC 5246 §4.7): sha256, ecdsa.
        let mut msg = vec![0u8, 1];
        msg.extend(ts.to_be_bytes());
        msg.extend((size as u64).to_be_bytes());
        msg.extend_from_slice(root);
        let sig = Signer::new(MessageDigest::sha256(), key)
            .unwrap()
            .sign_oneshot_to_vec(&msg)
            .unwrap();
        let mut ds = vec![4, 3];
        ds.extend((sig.len() as u16).to_be_bytes());
        ds.extend(sig);
        let sth = format!(
            r#"{{"tree_size":{size},"timestamp":{ts},"sha256_root_hash":"{}","tree_head_signature":"{}"}}"#,
            base64(root),
            base64(&ds)
        );
        // static-ct-api RFC6962NoteSignature: key ID = SHA-256(origin || 0x0A || 0x05 ||
        // log ID)[:4], then the timestamp and the same DigitallySigned.
        let mut id_input = origin.as_bytes().to_vec();
        id_input.extend([0x0A, 0x05]);
        id_input.extend(sha256(&spki));
        let mut note_sig = sha256(&id_input)[..4].to_vec();
        note_sig.extend(ts.to_be_bytes());
        note_sig.extend(ds);
        let checkpoint = format!(
            "{origin}\n{size}\n{}\n\n\u{2014} {origin} {}\n",
            base64(root),
            base64(&note_sig)
        );
        Signed {
            spki,
            sth,
            checkpoint,
        }
    }
}

/// `SHA-256(0x00 || leaf)` (RFC 6962 §2.1).
fn leaf_hash(leaf: &[u8]) -> [u8; 32] {
    let mut b = Vec::with_capacity(leaf.len() + 1);
    b.push(0);
    b.extend_from_slice(leaf);
    sha256(&b)
}

/// MTH(D[n]) over leaf hashes, by the recursive definition of RFC 6962 §2.1.
fn mth(leaves: &[[u8; 32]]) -> [u8; 32] {
    match leaves.len() {
        0 => sha256(b""),
        1 => leaves[0],
        n => {
            let k = 1usize << (usize::BITS - 1 - (n - 1).leading_zeros());
            let mut b = vec![1u8];
            b.extend(mth(&leaves[..k]));
            b.extend(mth(&leaves[k..]));
            sha256(&b)
        }
    }
}

fn build(n: usize) -> Log {
    let issuer = CertBuilder::new()
        .issuer_le("ISRG Root X1")
        .subject_cn("R11")
        .basic_constraints(true)
        .certificate();
    let mut entries = Vec::with_capacity(n);
    let mut leaves = Vec::with_capacity(n);
    let (mut rfc6962_hashes, mut tiled_hashes) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut rng = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    for i in 0..n {
        let base = if next() % 100 == 0 {
            format!(
                "{}-{}{i}.com",
                BRANDS[(next() % 5) as usize],
                WORDS[(next() % 14) as usize]
            )
        } else {
            format!(
                "{}{i}-{}.net",
                WORDS[(next() % 14) as usize],
                WORDS[(next() % 14) as usize]
            )
        };
        let www = format!("www.{base}");
        let names: Vec<&str> = match next() % 3 {
            0 => vec![&base],
            _ => vec![&base, &www],
        };
        let serial: Vec<u8> = (0..18).map(|_| next() as u8 | 1).collect();
        // Keys, signatures, key ids and SCTs are random in real certificates: keep them
        // incompressible so the bytes/entry figure means something.
        let mut random = |k: usize| -> Vec<u8> { (0..k).map(|_| next() as u8).collect() };
        let mut point = vec![0x04];
        point.extend(random(64));
        let ski = random(20);
        let sct = random(240);
        let mut sig = vec![0x30, 0x44, 0x02, 0x20];
        sig.extend(random(32));
        sig.extend([0x02, 0x20]);
        sig.extend(random(32));
        let mut b = CertBuilder::le_like(&base, &names);
        b.spki = sequence(&[
            sequence(&[oid(OID_EC_PUBLIC_KEY), oid(OID_P256)]),
            bit_string(&point),
        ]);
        b.signature = sig;
        let b = b
            .serial(&serial)
            .extension("2.5.29.15", true, &bit_string(&[0x80]))
            .extension(
                "2.5.29.37",
                false,
                &sequence(&[oid("1.3.6.1.5.5.7.3.1"), oid("1.3.6.1.5.5.7.3.2")]),
            )
            .extension("2.5.29.14", false, &octet_string(&ski))
            .extension("2.5.29.35", false, &sequence(&[implicit(0, &[0x8F; 20])]))
            .extension(
                "1.3.6.1.5.5.7.1.1",
                false,
                &sequence(&[sequence(&[
                    oid("1.3.6.1.5.5.7.48.2"),
                    tlv(0x86, b"http://r11.i.lencr.org/"),
                ])]),
            )
            .extension(
                "2.5.29.32",
                false,
                &sequence(&[sequence(&[oid("2.23.140.1.2.1")])]),
            );
        let ts = 1_790_000_000_000 + i as u64;
        if i % 2 == 0 {
            let cert = b
                .extension(OID_CT_SCT_LIST, false, &octet_string(&sct))
                .certificate();
            let leaf = merkle_tree_leaf_x509(ts, &cert);
            rfc6962_hashes.push(leaf_hash(&leaf));
            tiled_hashes.push(leaf_hash(&merkle_tree_leaf_of(&timestamped_entry_x509(
                ts,
                &cert,
                &leaf_index_extensions(i as u64),
            ))));
            entries.push((base64(&leaf), base64(&extra_data_x509(&[&issuer]))));
            leaves.push(tile_leaf_x509(ts, &cert, Some(i as u64), &[[0x11; 32]]));
        } else {
            let tbs = b.tbs();
            let pre = b.poison().precertificate();
            let leaf = merkle_tree_leaf_precert(ts, &[7; 32], &tbs);
            rfc6962_hashes.push(leaf_hash(&leaf));
            tiled_hashes.push(leaf_hash(&merkle_tree_leaf_of(&timestamped_entry_precert(
                ts,
                &[7; 32],
                &tbs,
                &leaf_index_extensions(i as u64),
            ))));
            entries.push((base64(&leaf), base64(&extra_data_precert(&pre, &[&issuer]))));
            leaves.push(tile_leaf_precert(
                ts,
                &[7; 32],
                &tbs,
                Some(i as u64),
                &pre,
                &[[0x11; 32]],
            ));
        }
    }
    let tiles = leaves
        .chunks(256)
        .map(|c| {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            gz.write_all(&c.concat()).unwrap();
            gz.finish().unwrap()
        })
        .collect();
    Log {
        entries,
        tiles,
        served_bytes: AtomicU64::new(0),
        last_served: std::sync::Mutex::new(None),
        rfc6962_root: mth(&rfc6962_hashes),
        tiled_root: mth(&tiled_hashes),
        rfc6962_levels: Levels::new(&rfc6962_hashes),
        tiled_levels: Levels::new(&tiled_hashes),
    }
}

fn respond(mut s: &TcpStream, status: &str, extra: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\n{extra}Connection: keep-alive\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(head.as_bytes()).and_then(|_| s.write_all(body));
}

fn serve(log: Arc<Log>, signed: Arc<Signed>, listener: TcpListener) {
    for stream in listener.incoming().flatten() {
        let (log, signed) = (log.clone(), signed.clone());
        std::thread::spawn(move || {
            let _ = stream.set_nodelay(true);
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                        break;
                    }
                }
                let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                let delay = DELAY_MS.load(Ordering::Relaxed);
                if delay > 0 {
                    std::thread::sleep(Duration::from_millis(delay));
                }
                let n = log.entries.len();
                if path.ends_with("/ct/v1/get-sth") {
                    respond(&stream, "200 OK", "", signed.sth.as_bytes());
                } else if let Some(q) = path.split("get-entries?").nth(1) {
                    let mut start = 0usize;
                    let mut end = 0usize;
                    for kv in q.split('&') {
                        match kv.split_once('=') {
                            Some(("start", v)) => start = v.parse().unwrap_or(0),
                            Some(("end", v)) => end = v.parse().unwrap_or(0),
                            _ => {}
                        }
                    }
                    let end = end.min(n - 1).min(start + 1023);
                    let mut body = String::from(r#"{"entries":["#);
                    for (k, (leaf, extra)) in log.entries[start..=end].iter().enumerate() {
                        if k > 0 {
                            body.push(',');
                        }
                        body.push_str(&format!(
                            r#"{{"leaf_input":"{leaf}","extra_data":"{extra}"}}"#
                        ));
                    }
                    body.push_str("]}");
                    log.served_bytes
                        .fetch_add(body.len() as u64, Ordering::Relaxed);
                    *log.last_served.lock().unwrap() = Some(Instant::now());
                    respond(
                        &stream,
                        "200 OK",
                        "Content-Type: application/json\r\n",
                        body.as_bytes(),
                    );
                } else if let Some(q) = path.split("get-sth-consistency?").nth(1) {
                    // RFC 6962 §4.4, for the verified catch-up's intermediate steps.
                    let (mut first, mut second) = (0usize, 0usize);
                    for kv in q.split('&') {
                        match kv.split_once('=') {
                            Some(("first", v)) => first = v.parse().unwrap_or(0),
                            Some(("second", v)) => second = v.parse().unwrap_or(0),
                            _ => {}
                        }
                    }
                    let proof: Vec<String> = log
                        .rfc6962_levels
                        .consistency(first, second.min(n))
                        .iter()
                        .map(|h| format!("\"{}\"", base64(h)))
                        .collect();
                    let body = format!(r#"{{"consistency":[{}]}}"#, proof.join(","));
                    respond(&stream, "200 OK", "", body.as_bytes());
                } else if let Some((level, rest)) = path
                    .split("/tile/")
                    .nth(1)
                    .and_then(|t| t.split_once('/'))
                    .filter(|(l, _)| l.bytes().all(|b| b.is_ascii_digit()))
                {
                    // C2SP tlog-tiles hash tile `level`/N[.p/W]: the tiled tree's subtree roots.
                    let (index, width) = match rest.split_once(".p/") {
                        Some((i, w)) => (i, w.parse().unwrap_or(0)),
                        None => (rest, 256),
                    };
                    let idx: usize = index.replace(['x', '/'], "").parse().unwrap_or(usize::MAX);
                    let h = level.parse::<usize>().unwrap_or(99) * 8;
                    match log.tiled_levels.0.get(h).and_then(|l| {
                        l.get(
                            idx.saturating_mul(256)..idx.saturating_mul(256).saturating_add(width),
                        )
                    }) {
                        Some(hs) => respond(&stream, "200 OK", "", &hs.concat()),
                        None => respond(&stream, "404 Not Found", "", b""),
                    }
                } else if path.ends_with("/checkpoint") {
                    respond(&stream, "200 OK", "", signed.checkpoint.as_bytes());
                } else if let Some(tile) = path.split("/tile/data/").nth(1) {
                    let idx: usize = tile.replace(['x', '/'], "").parse().unwrap_or(usize::MAX);
                    match log.tiles.get(idx) {
                        Some(t) => {
                            log.served_bytes
                                .fetch_add(t.len() as u64, Ordering::Relaxed);
                            *log.last_served.lock().unwrap() = Some(Instant::now());
                            respond(&stream, "200 OK", "Content-Encoding: gzip\r\n", t);
                        }
                        None => respond(&stream, "404 Not Found", "", b""),
                    }
                } else {
                    respond(&stream, "404 Not Found", "", b"");
                }
            }
        });
    }
}

/// The saved positions (`CTLogState.NextIndex`) of every log.
fn positions(db: &Path) -> Vec<u64> {
    let Ok(conn) =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return Vec::new();
    };
    let Ok(mut stmt) = conn.prepare("SELECT NextIndex FROM CTLogState") else {
        return Vec::new();
    };
    stmt.query_map([], |r| r.get::<_, i64>(0))
        .map(|rows| rows.flatten().map(|v| v.max(0) as u64).collect())
        .unwrap_or_default()
}

/// CPU seconds (user + system, all threads) the process `pid` has used so far
/// (`/proc/PID/stat` fields 14 and 15, in clock ticks): unlike wall time, little moved by
/// other work on a shared machine.
fn cpu_secs(pid: u32) -> f64 {
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            // The command name (field 2) is in parentheses and may hold spaces.
            let rest = &s[s.rfind(')')? + 1..];
            let f: Vec<&str> = rest.split_whitespace().collect();
            // `rest` starts at field 3 (state): utime is field 14, stime field 15.
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        })
        .map_or(0.0, |t| t as f64 / ticks)
}

fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// The `[CTLOGS] Logs` item naming an unlisted (ad-hoc, so unverified) log of `kind`.
fn url_of(kind: &str, port: u16) -> String {
    let url = format!("http://127.0.0.1:{port}/log/");
    match kind {
        "tiled" => format!("tiled:{url}"),
        _ => url,
    }
}

/// Chrome's v3 log-list JSON with the served logs and their keys, so the monitor verifies
/// them: RFC 6962 logs under `logs`, tiled logs under `tiled_logs`.
fn keyed_list(logs: &[(&str, u16, &Signed)]) -> String {
    let entry = |(kind, port, signed): &(&str, u16, &Signed)| {
        let url = format!("http://127.0.0.1:{port}/log/");
        let mut v = serde_json::json!({
            "description": format!("Bench {kind} log 127.0.0.1:{port}"),
            "log_id": base64(&sha256(&signed.spki)),
            "key": base64(&signed.spki),
            "mmd": 86400,
            "state": {"usable": {"timestamp": "2026-01-01T00:00:00Z"}},
        });
        if *kind == "tiled" {
            v["submission_url"] = url.clone().into();
            v["monitoring_url"] = url.into();
        } else {
            v["url"] = url.into();
        }
        v
    };
    let pick = |tiled: bool| -> Vec<serde_json::Value> {
        logs.iter()
            .filter(|l| (l.0 == "tiled") == tiled)
            .map(entry)
            .collect()
    };
    serde_json::json!({
        "version": "bench",
        "log_list_timestamp": "2026-11-26T00:00:00Z",
        "operators": [{
            "name": "Bench CT",
            "email": ["ct@127.0.0.1"],
            "logs": pick(false),
            "tiled_logs": pick(true),
        }],
    })
    .to_string()
}

/// What one run reads and how.
struct RunSpec<'a> {
    /// `tiled` and/or `rfc6962`: one loopback log of each, all read by one monitor.
    kinds: &'a [&'a str],
    one_core: bool,
    workers: Option<usize>,
    /// List the logs with their keys (tree heads and entries verified) or not.
    verify: bool,
}

/// Run the monitor until every log's position reaches its size: (entries/s over all logs,
/// monitor CPU µs per entry).
fn run(spec: &RunSpec, log: &Arc<Log>, keys: &[PKey<Private>]) -> (f64, f64) {
    let served_before = log.served_bytes.load(Ordering::Relaxed);
    let mut served = Vec::new();
    for (i, kind) in spec.kinds.iter().enumerate() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let root = if *kind == "tiled" {
            &log.tiled_root
        } else {
            &log.rfc6962_root
        };
        let origin = format!("127.0.0.1:{port}/log");
        let signed = Arc::new(Signed::new(&keys[i], log.entries.len(), root, &origin));
        let (l2, s2) = (log.clone(), signed.clone());
        std::thread::spawn(move || serve(l2, s2, listener));
        served.push((*kind, port, signed));
    }
    let label = format!(
        "{}{}",
        spec.kinds.join(" + "),
        spec.workers
            .map_or_else(String::new, |w| format!(", Workers = {w}"))
    );
    let dir = std::env::temp_dir().join(format!(
        "csm-bench-ct-{}-{}",
        std::process::id(),
        label.replace([' ', ',', '=', '+'], "")
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (list, logs) = if spec.verify {
        let listed: Vec<(&str, u16, &Signed)> =
            served.iter().map(|(k, p, s)| (*k, *p, &**s)).collect();
        (keyed_list(&listed), "all".to_string())
    } else {
        (
            r#"{"version":"bench","log_list_timestamp":"2026-11-26T00:00:00Z","operators":[]}"#
                .to_string(),
            served
                .iter()
                .map(|(k, p, _)| url_of(k, *p))
                .collect::<Vec<_>>()
                .join(", "),
        )
    };
    std::fs::write(dir.join("list.json"), list).unwrap();
    let conf = format!(
        "[SEARCH]\nSearchKeywords = paypal|apple|amazon|microsoft|ameli|impots|netflix|login-secure\n\
         [DATABASE]\nDBFile = {db}\nTABLEname = CertMon\n[LOGGING]\nLogType = stderr\nLogLevel = WARNING\n\
         [SERVER]\nACTServer = ct://\n[CTLOGS]\nLogList = {list}\nLogs = {logs}\nStartAt = beginning\nPollInterval = 0.2\n{workers}",
        db = dir.join("db.sqlite").display(),
        list = dir.join("list.json").display(),
        workers = spec
            .workers
            .map_or_else(String::new, |w| format!("Workers = {w}\n"))
    );
    std::fs::write(dir.join("bench.conf"), conf).unwrap();
    // Cargo builds the binary target for benches and names it here.
    let exe = env!("CARGO_BIN_EXE_certstreammonitor");
    let mut cmd = if spec.one_core {
        let mut c = Command::new("taskset");
        c.args(["-c", "0"]).arg(exe);
        c
    } else {
        Command::new(exe)
    };
    let start = Instant::now();
    let mut child = cmd
        .args(["monitor", "-c"])
        .arg(dir.join("bench.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the certstreammonitor binary");
    // Keep the monitor's warnings (shown on a timeout) without blocking it.
    let stderr = child.stderr.take().unwrap();
    let warnings = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines.len() < 50 {
                lines.push(line);
            }
        }
        lines
    });
    let n = log.entries.len() as u64;
    let db = dir.join("db.sqlite");
    let mut timed_out = false;
    // When a position first moved past 0: rows are stored (and printed) with positions.
    let mut first_commit = None;
    loop {
        let p = positions(&db);
        if first_commit.is_none() && p.iter().any(|&x| x > 0) {
            first_commit = Some(start.elapsed().as_secs_f64());
        }
        if p.len() == spec.kinds.len() && p.iter().all(|&x| x >= n) {
            break;
        }
        if start.elapsed() > Duration::from_secs(600) {
            timed_out = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let secs = start.elapsed().as_secs_f64();
    let last_served = log
        .last_served
        .lock()
        .unwrap()
        .map_or(secs, |t| t.saturating_duration_since(start).as_secs_f64());
    let rss = peak_rss_kib(child.id());
    let cpu = cpu_secs(child.id());
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    let warnings = warnings.join().unwrap_or_default();
    if timed_out {
        eprintln!("timeout; the monitor said:\n{}", warnings.join("\n"));
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    let stored: i64 = conn
        .query_row("SELECT COUNT(*) FROM CertMon", [], |r| r.get(0))
        .unwrap();
    // A verified position is saved with its Merkle frontier; an unverified one without.
    let verified: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM CTLogState WHERE typeof(Frontier) = 'blob'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let want = if spec.verify {
        spec.kinds.len() as i64
    } else {
        0
    };
    if verified != want {
        eprintln!(
            "{label}: {verified} position(s) saved with a Merkle frontier, expected {want}; the monitor said:\n{}",
            warnings.join("\n")
        );
    }
    let total = n * spec.kinds.len() as u64;
    let bytes = log.served_bytes.load(Ordering::Relaxed) - served_before;
    let rate = total as f64 / secs;
    let cpu_us = cpu * 1e6 / total as f64;
    println!(
        "{label:<17} verify {:<3} {total} entries in {secs:.2} s: {rate:>8.0} entries/s, monitor CPU {cpu_us:.2} µs/entry, first commit after {:.2} s, last entries served after {last_served:.2} s, {:.0} bytes downloaded/entry, {stored} rows stored, monitor peak RSS {:.1} MiB",
        if spec.verify { "on" } else { "off" },
        first_commit.unwrap_or(secs),
        bytes as f64 / total as f64,
        rss as f64 / 1024.0
    );
    let _ = std::fs::remove_dir_all(&dir);
    (rate, cpu_us)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

fn main() {
    // `cargo bench` appends `--bench`.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let one_core = args.iter().any(|a| a == "--one-core");
    let latency = args.iter().any(|a| a == "--latency");
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(3)
        .max(1);
    let runs_at = args.iter().position(|a| a == "--runs").map(|i| i + 1);
    let default = if latency { 20_000 } else { 100_000 };
    let n: usize = args
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != runs_at)
        .find_map(|(_, a)| a.parse().ok())
        .unwrap_or(default);
    let n = n.div_ceil(256) * 256;
    let t = Instant::now();
    let log = Arc::new(build(n));
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    // One key per log (the log ID is the key's hash): the tiled log, the RFC 6962 log.
    let keys: Vec<PKey<Private>> = (0..2)
        .map(|_| PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap())
        .collect();
    println!(
        "built {n} entries in {:.1} s ({}; startup of the monitor included in the times below)",
        t.elapsed().as_secs_f64(),
        if one_core {
            "monitor pinned to CPU 0"
        } else {
            "monitor on any core"
        }
    );
    if latency {
        let verify = args.iter().any(|a| a == "--verify");
        DELAY_MS.store(1000, Ordering::Relaxed);
        println!("every request answered after 1 s");
        for w in [1, 4, 8] {
            let spec = RunSpec {
                kinds: &["rfc6962"],
                one_core,
                workers: Some(w),
                verify,
            };
            run(&spec, &log, &keys);
        }
        return;
    }
    let mut summary = Vec::new();
    for kinds in [&["tiled"][..], &["rfc6962"], &["tiled", "rfc6962"]] {
        // [off, on] × (entries/s, CPU µs/entry)
        let mut m: [(Vec<f64>, Vec<f64>); 2] = Default::default();
        for _ in 0..runs {
            for verify in [false, true] {
                let spec = RunSpec {
                    kinds,
                    one_core,
                    workers: None,
                    verify,
                };
                let (rate, cpu) = run(&spec, &log, &keys);
                m[verify as usize].0.push(rate);
                m[verify as usize].1.push(cpu);
            }
        }
        let [(mut off, mut off_cpu), (mut on, mut on_cpu)] = m;
        let (off, on) = (median(&mut off), median(&mut on));
        let (off_cpu, on_cpu) = (median(&mut off_cpu), median(&mut on_cpu));
        summary.push(format!(
            "{:<17} median of {runs}: verify off {off:>8.0} entries/s ({off_cpu:.2} µs CPU/entry), on {on:>8.0} entries/s ({on_cpu:.2} µs CPU/entry): on = {:.1} % of off's speed, {:+.1} % CPU",
            kinds.join(" + "),
            100.0 * on / off,
            100.0 * (on_cpu / off_cpu - 1.0)
        ));
    }
    for line in summary {
        println!("{line}");
    }
}

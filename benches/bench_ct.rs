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
//!     cargo bench --bench bench_ct -- --latency [ENTRIES]
//!
//! A slow RFC 6962 log instead: every request (get-sth, get-entries) answered after 1 s,
//! ENTRIES (default 20 000) caught up with `[CTLOGS] Workers` = 1, 4 and 8.

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
}

fn build(n: usize) -> Log {
    let issuer = CertBuilder::new()
        .issuer_le("ISRG Root X1")
        .subject_cn("R11")
        .basic_constraints(true)
        .certificate();
    let mut entries = Vec::with_capacity(n);
    let mut leaves = Vec::with_capacity(n);
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
            entries.push((
                base64(&merkle_tree_leaf_x509(ts, &cert)),
                base64(&extra_data_x509(&[&issuer])),
            ));
            leaves.push(tile_leaf_x509(ts, &cert, Some(i as u64), &[[0x11; 32]]));
        } else {
            let tbs = b.tbs();
            let pre = b.poison().precertificate();
            entries.push((
                base64(&merkle_tree_leaf_precert(ts, &[7; 32], &tbs)),
                base64(&extra_data_precert(&pre, &[&issuer])),
            ));
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
    }
}

fn respond(mut s: &TcpStream, status: &str, extra: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\n{extra}Connection: keep-alive\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(head.as_bytes()).and_then(|_| s.write_all(body));
}

fn serve(log: Arc<Log>, listener: TcpListener) {
    for stream in listener.incoming().flatten() {
        let log = log.clone();
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
                    let body = format!(
                        r#"{{"tree_size":{n},"timestamp":1790000000000,"sha256_root_hash":"{}","tree_head_signature":"BAMARzBF"}}"#,
                        base64(&[1; 32])
                    );
                    respond(&stream, "200 OK", "", body.as_bytes());
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
                    respond(
                        &stream,
                        "200 OK",
                        "Content-Type: application/json\r\n",
                        body.as_bytes(),
                    );
                } else if path.ends_with("/checkpoint") {
                    let body = format!(
                        "bench.example/log\n{n}\n{}\n\n\u{2014} bench.example/log AAAA\n",
                        base64(&[1; 32])
                    );
                    respond(&stream, "200 OK", "", body.as_bytes());
                } else if let Some(tile) = path.split("/tile/data/").nth(1) {
                    let idx: usize = tile.replace(['x', '/'], "").parse().unwrap_or(usize::MAX);
                    match log.tiles.get(idx) {
                        Some(t) => {
                            log.served_bytes
                                .fetch_add(t.len() as u64, Ordering::Relaxed);
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

fn next_index(db: &Path) -> u64 {
    let Ok(conn) =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return 0;
    };
    conn.query_row(
        "SELECT COALESCE(MAX(NextIndex), 0) FROM CTLogState",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|v| v as u64)
    .unwrap_or(0)
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

fn run(kind: &str, log: &Arc<Log>, one_core: bool, workers: Option<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let served_before = log.served_bytes.load(Ordering::Relaxed);
    let l2 = log.clone();
    std::thread::spawn(move || serve(l2, listener));
    let dir = std::env::temp_dir().join(format!("csm-bench-ct-{}-{kind}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = if kind == "tiled" {
        format!("tiled:http://127.0.0.1:{port}/log/")
    } else {
        format!("http://127.0.0.1:{port}/log/")
    };
    std::fs::write(
        dir.join("list.json"),
        r#"{"version":"bench","log_list_timestamp":"2026-11-26T00:00:00Z","operators":[]}"#,
    )
    .unwrap();
    let conf = format!(
        "[SEARCH]\nSearchKeywords = paypal|apple|amazon|microsoft|ameli|impots|netflix|login-secure\n\
         [DATABASE]\nDBFile = {db}\nTABLEname = CertMon\n[LOGGING]\nLogType = stderr\nLogLevel = WARNING\n\
         [SERVER]\nACTServer = ct://\n[CTLOGS]\nLogList = {list}\nLogs = {url}\nStartAt = beginning\nPollInterval = 0.2\n{workers}",
        db = dir.join("db.sqlite").display(),
        list = dir.join("list.json").display(),
        workers = workers.map_or_else(String::new, |w| format!("Workers = {w}\n"))
    );
    std::fs::write(dir.join("bench.conf"), conf).unwrap();
    // Cargo builds the binary target for benches and names it here.
    let exe = env!("CARGO_BIN_EXE_certstreammonitor");
    let mut cmd = if one_core {
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
        .spawn()
        .expect("run the certstreammonitor binary");
    let n = log.entries.len() as u64;
    let db = dir.join("db.sqlite");
    while next_index(&db) < n {
        if start.elapsed() > Duration::from_secs(600) {
            eprintln!("timeout");
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let secs = start.elapsed().as_secs_f64();
    let rss = peak_rss_kib(child.id());
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    let stored: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM CertMon", [], |r| r.get(0))
        .unwrap();
    let bytes = log.served_bytes.load(Ordering::Relaxed) - served_before;
    let kind = match workers {
        Some(w) => format!("{kind}, Workers = {w}"),
        None => kind.to_string(),
    };
    println!(
        "{kind:<8} {n} entries in {secs:.2} s: {:>8.0} entries/s, {:.0} bytes downloaded/entry, {stored} rows stored, monitor peak RSS {:.1} MiB",
        n as f64 / secs,
        bytes as f64 / n as f64,
        rss as f64 / 1024.0
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    // `cargo bench` appends `--bench`.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let one_core = args.iter().any(|a| a == "--one-core");
    let latency = args.iter().any(|a| a == "--latency");
    let default = if latency { 20_000 } else { 100_000 };
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(default);
    let n = n.div_ceil(256) * 256;
    let t = Instant::now();
    let log = Arc::new(build(n));
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
        DELAY_MS.store(1000, Ordering::Relaxed);
        println!("every request answered after 1 s");
        for w in [1, 4, 8] {
            run("rfc6962", &log, one_core, Some(w));
        }
        return;
    }
    run("tiled", &log, one_core, None);
    run("rfc6962", &log, one_core, None);
}

//! Scan benchmark: 1 000 stored hosts on loopback, 10 % answering over HTTPS, 45 %
//! refusing connections, 45 % accepting and never answering. Prints wall time, hosts/s,
//! peak RSS and peak thread count of `certstreammonitor scan` with the default settings
//! (32 workers, 5 s timeout).
//!
//!     cargo bench --bench bench_scan -- [HOSTS]
//!
//! Needs the `openssl` CLI (test CA and site certificate). Names are pointed at the
//! loopback servers with `[CONNECT] Resolve`; `CAFile` trusts the test CA.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn openssl(dir: &Path, args: &[&str]) {
    let ok = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl CLI")
        .status
        .success();
    assert!(ok, "openssl {args:?} failed");
}

fn status_field(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let hosts: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let dir = std::env::temp_dir().join(format!("csm-bench-scan-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    openssl(
        &dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Bench CA",
        ],
    );
    openssl(
        &dir,
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "site.key",
            "-out",
            "site.csr",
            "-subj",
            "/CN=*.bench.test",
        ],
    );
    std::fs::write(dir.join("ext.cnf"), "subjectAltName=DNS:*.bench.test\n").unwrap();
    openssl(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            "site.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "site.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
    );
    let identity = native_tls::Identity::from_pkcs8(
        &std::fs::read(dir.join("site.pem")).unwrap(),
        &std::fs::read(dir.join("site.key")).unwrap(),
    )
    .unwrap();
    let acceptor = std::sync::Arc::new(native_tls::TlsAcceptor::new(identity).unwrap());

    // Answering site.
    let up = TcpListener::bind("127.0.0.1:0").unwrap();
    let up_port = up.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in up.incoming().flatten() {
            let acceptor = acceptor.clone();
            std::thread::spawn(move || {
                if let Ok(mut tls) = acceptor.accept(s) {
                    let mut buf = [0u8; 4096];
                    let _ = tls.read(&mut buf);
                    let body =
                        "<html><head><title>Bench login</title></head><body>hello</body></html>";
                    let _ = write!(tls, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
                    let _ = tls.flush();
                }
            });
        }
    });
    // Refusing port: bound then closed.
    let refuse_port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // Silent site: accepts, never answers.
    let hang = TcpListener::bind("127.0.0.1:0").unwrap();
    let hang_port = hang.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in hang.incoming().flatten() {
            held.push(s);
        }
    });

    let mut resolve = Vec::new();
    let db_path = dir.join("db.sqlite");
    let conn = rusqlite::Connection::open(&db_path).unwrap();
    conn.execute_batch("CREATE TABLE CertMon (Domain TEXT NOT NULL PRIMARY KEY, SAN TEXT, Issuer TEXT, Fingerprint TEXT, Startime TEXT, FirstSeen TEXT, StillInvestig TEXT)").unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let first_seen = {
        let days = now.div_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
        format!("{y:04}-{m:02}-{d:02}T00:00:00")
    };
    for i in 0..hosts {
        let name = format!("host{i}.bench.test");
        let port = match (std::env::var("BENCH_ONLY").as_deref(), i % 20) {
            (Ok("up"), _) => up_port,
            (Ok("refused"), _) => refuse_port,
            (Ok("silent"), _) => hang_port,
            (_, 0 | 1) => up_port,
            (_, 2..=10) => refuse_port,
            _ => hang_port,
        };
        resolve.push(format!("{name}:127.0.0.1:{port}"));
        conn.execute("INSERT INTO CertMon (Domain, SAN, Issuer, Fingerprint, Startime, FirstSeen) VALUES (?1, '', 'x', 'AA:BB', '', ?2)", rusqlite::params![name, first_seen]).unwrap();
    }
    drop(conn);
    let conf = format!(
        "[DATABASE]\nDBFile = {}\nTABLEname = CertMon\n[REPORTING]\nAlerts_dir = {}\n[CONNECT]\nhttp_UA = bench\nCAFile = {}\nResolve = {}\n{}",
        db_path.display(),
        dir.join("alerts").display(),
        if std::env::var_os("BENCH_NO_CA").is_some() { "".into() } else { dir.join("ca.pem").display().to_string() },
        resolve.join(","),
        // BENCH_WORKERS overrides the default pool size, to compare.
        std::env::var("BENCH_WORKERS").map(|w| format!("Workers = {w}\n")).unwrap_or_default()
    );
    std::fs::write(dir.join("scan.conf"), conf).unwrap();
    // Cargo builds the binary target for benches (bench profile: release + LTO) and names it here.
    let exe = env!("CARGO_BIN_EXE_certstreammonitor");
    let start = Instant::now();
    let mut child = Command::new(exe)
        .args(["scan", "-c"])
        .arg(dir.join("scan.conf"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run the certstreammonitor binary");
    let (mut rss, mut threads) = (0, 0);
    loop {
        rss = rss.max(status_field(child.id(), "VmHWM:"));
        threads = threads.max(status_field(child.id(), "Threads:"));
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let secs = start.elapsed().as_secs_f64();
    let conn = rusqlite::Connection::open(&db_path).unwrap();
    let up: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM CertMon WHERE StillInvestig IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    println!(
        "scan of {hosts} hosts (10 % up, 45 % refused, 45 % silent): {secs:.1} s, {:.1} hosts/s, {up} marked up, peak RSS {:.1} MiB, peak threads {threads}",
        hosts as f64 / secs,
        rss as f64 / 1024.0
    );
    println!("the original (one host at a time, 5 s timeout) would need about {:.0} minutes for the silent hosts alone", (hosts * 9 / 20) as f64 * 5.0 / 60.0);
    let _ = std::fs::remove_dir_all(&dir);
}

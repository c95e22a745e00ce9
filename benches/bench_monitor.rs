//! Monitor benchmark: messages/s and peak RSS of `certstreammonitor monitor`, end to end
//! (websocket → JSON → rules → SQLite → stdout), against a loopback certstream server.
//!
//!     cargo bench --bench bench_monitor -- [--messages N] [--runs N]
//!
//! For lite (~1.5 KB) and then full (~9 KB) certstream-server-go messages, the bench
//! serves N generated messages (default 200 000; `tests/common/certstream_feed.rs`, 8
//! keywords, ~1 % of names match) and one end marker from a websocket server on
//! 127.0.0.1, to the real binary (built by `cargo bench` with the bench profile: release +
//! LTO) running `monitor` with a config file, as a user runs it. The clock starts when the
//! server accepts the monitor's connection and stops when the marker's stdout line arrives:
//! the pipeline is in order and lossless, so by then every message went through. The
//! monitor's peak RSS is its `VmHWM`. Prints the median of the runs (default 3).
//!
//! Pin everything to one core with `taskset -c 0 cargo bench --bench bench_monitor`.

#[path = "../tests/common/certstream_feed.rs"]
mod certstream_feed;
#[path = "../tests/common/der.rs"]
mod der;

use certstream_feed::{MessageGenerator, BENCH_KEYWORDS};
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Instant;

/// The end marker's name: matched by the keywords, unlike any generated name.
const MARKER: &str = "paypal-bench-end-marker";

/// Serves `count` generated messages and the marker to the first client, then holds the
/// connection until the client goes away. Sends the instant of the accept on `accepted`.
fn serve(
    listener: TcpListener,
    count: u64,
    full: bool,
    accepted: mpsc::Sender<Instant>,
) -> Result<(), String> {
    let (stream, _) = listener.accept().map_err(|e| e.to_string())?;
    let _ = accepted.send(Instant::now());
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let mut ws = tungstenite::accept(stream).map_err(|e| e.to_string())?;
    let mut gen = MessageGenerator::new(full);
    for i in 0..=count {
        let text = if i < count {
            gen.next_message()
        } else {
            gen.marker_message(MARKER)
        };
        ws.write(tungstenite::Message::text(text))
            .map_err(|e| e.to_string())?;
        if i % 64 == 63 {
            ws.flush().map_err(|e| e.to_string())?;
        }
    }
    ws.flush().map_err(|e| e.to_string())?;
    while ws.read().is_ok() {}
    Ok(())
}

/// `VmHWM` of a running process, in KiB.
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

struct Run {
    per_second: f64,
    peak_rss_kib: u64,
    /// Rows in the DB at the end, the marker excluded.
    stored: u64,
}

/// One run: a fresh DB, a fresh server, the binary's `monitor` until the marker is printed.
fn run_once(dir: &Path, count: u64, full: bool) -> Run {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!("ws://{}/", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    let server = std::thread::spawn(move || serve(listener, count, full, tx));
    let db = dir.join(format!("bench-{full}.sqlite"));
    let _ = std::fs::remove_file(&db);
    let conf = dir.join("bench.conf");
    std::fs::write(
        &conf,
        format!(
            "[SEARCH]\nSearchKeywords = {BENCH_KEYWORDS}\nDetectionThreshold = 1\n\
             [DATABASE]\nDBFile = {db}\nTABLEname = CertMon\n\
             [LOGGING]\nLogType = stderr\nLogLevel = WARNING\n\
             [SERVER]\nACTServer = {url}\n",
            db = db.display()
        ),
    )
    .unwrap();
    // Cargo builds the binary target for benches and names it here.
    let mut child = Command::new(env!("CARGO_BIN_EXE_certstreammonitor"))
        .args(["monitor", "-c"])
        .arg(&conf)
        .stdout(Stdio::piped())
        .spawn()
        .expect("run the certstreammonitor binary");
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut ended = None;
    for line in stdout.lines() {
        let Ok(line) = line else { break };
        if line.contains(MARKER) {
            ended = Some(Instant::now());
            break;
        }
    }
    let peak_rss_kib = peak_rss_kib(child.id());
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().expect("wait for the monitor");
    let (Some(ended), Ok(started)) = (ended, rx.recv()) else {
        panic!("the monitor ended ({status}) before printing the end marker");
    };
    if let Ok(Err(e)) = server.join() {
        eprintln!("server: {e}");
    }
    let rows: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM CertMon", [], |r| r.get(0))
        .unwrap();
    Run {
        per_second: (count + 1) as f64 / (ended - started).as_secs_f64(),
        peak_rss_kib,
        stored: rows as u64 - 1,
    }
}

fn main() {
    // `cargo bench` appends `--bench`.
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let (mut count, mut runs) = (200_000u64, 3usize);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> u64 {
            args.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{name} takes a number"))
        };
        match arg.as_str() {
            "--messages" => count = number("--messages"),
            "--runs" => runs = number("--runs").clamp(1, 100) as usize,
            other => panic!("unknown argument {other:?} (--messages N, --runs N)"),
        }
    }
    let dir = std::env::temp_dir().join(format!("csm-bench-monitor-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    println!("bench_monitor: {count} messages per run, {runs} run(s) per format, median reported");
    for full in [false, true] {
        let size = MessageGenerator::new(full).next_message().len();
        let results: Vec<Run> = (0..runs).map(|_| run_once(&dir, count, full)).collect();
        let mut rates: Vec<f64> = results.iter().map(|r| r.per_second).collect();
        rates.sort_by(|a, b| a.total_cmp(b));
        let rss = results.iter().map(|r| r.peak_rss_kib).max().unwrap_or(0);
        println!(
            "{:<5} messages (~{size} B): {:>9.0} msgs/s  (runs: {})  peak RSS {:.1} MiB  stored {} matches/run",
            if full { "full" } else { "lite" },
            rates[rates.len() / 2],
            results
                .iter()
                .map(|r| format!("{:.0}", r.per_second))
                .collect::<Vec<_>>()
                .join(", "),
            rss as f64 / 1024.0,
            results[0].stored
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

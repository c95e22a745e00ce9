//! `serve` benchmark: messages/s delivered to each client with 1, 10 and 100 clients, lite
//! and full, and the RSS of the real `serve` process with 100 clients at ~500 messages/s
//! (today's CT rate).
//!
//!     cargo bench --bench bench_serve -- [--messages N] [--rss-seconds S]
//!
//! Throughput: the library's [`Hub`] and listener on 127.0.0.1:0 in this process, N
//! generated certstream-server-go messages (`tests/common/certstream_feed.rs`; lite ~1.5 KB,
//! full ~9 KB) turned into [`Frames`] up front, and tungstenite clients in threads that
//! count until they have every message. The publisher never waits for a client (that is the
//! hub's contract), so to measure delivery rather than skips it publishes only while every
//! client's queue is below half of `ClientBuffer`. Printed per run: messages/s per client
//! (the slowest client's count over the time from first publish to its last message),
//! aggregate MB/s and the skips (expected 0).
//!
//! RSS: the real binary (`serve --replay - --rate 500`, a config file as a user writes it)
//! fed generated lite messages through stdin for S seconds (default 10) while 100 clients
//! read; its `VmHWM` (peak RSS) from /proc.

#[allow(dead_code)]
#[path = "../tests/common/certstream_feed.rs"]
mod certstream_feed;
#[path = "../tests/common/der.rs"]
mod der;

use certstream_feed::MessageGenerator;
use certstreammonitor::serve::{Endpoint, Frames, Hub, ListenerOptions, Server};
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tungstenite::Message;

const BUFFER: usize = 300;

fn client(
    port: u16,
    path: &str,
    want: usize,
    ready: Arc<AtomicUsize>,
) -> std::thread::JoinHandle<(usize, Instant)> {
    let url = format!("ws://127.0.0.1:{port}{path}");
    std::thread::spawn(move || {
        let (mut ws, _) = tungstenite::connect(url).expect("connect");
        ready.fetch_add(1, Ordering::SeqCst);
        let mut n = 0;
        while n < want {
            match ws.read() {
                Ok(Message::Text(_)) => n += 1,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        (n, Instant::now())
    })
}

fn throughput(frames: &[Arc<Frames>], clients: usize, full: bool) {
    let hub = Arc::new(Hub::new(clients + 1, BUFFER));
    let opts = ListenerOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        token: None,
        tls: None,
        ping_interval: Duration::from_secs(30),
    };
    let server = Server::start(hub.clone(), opts, clients + 1).expect("listen");
    let port = server.local_addr().port();
    let ready = Arc::new(AtomicUsize::new(0));
    let path = if full { "/full-stream" } else { "/" };
    let handles: Vec<_> = (0..clients)
        .map(|_| client(port, path, frames.len(), ready.clone()))
        .collect();
    while ready.load(Ordering::SeqCst) < clients || hub.totals().clients < clients {
        std::thread::sleep(Duration::from_millis(5));
    }
    let start = Instant::now();
    for (i, f) in frames.iter().enumerate() {
        if i % 32 == 0 {
            while hub.clients().iter().any(|c| c.queued > BUFFER / 2) {
                std::thread::yield_now();
            }
        }
        hub.publish(f.clone());
    }
    let results: Vec<(usize, Instant)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let slowest = results.iter().map(|r| r.1).max().unwrap();
    let received = results.iter().map(|r| r.0).min().unwrap();
    let secs = slowest.duration_since(start).as_secs_f64();
    let e = if full { Endpoint::Full } else { Endpoint::Lite };
    let bytes: usize = frames.iter().map(|f| f.frame(e).len()).sum();
    let t = hub.totals();
    println!(
        "{:>4} {} client(s): {:>9.0} msgs/s per client, {:>7.1} MB/s in all, {received}/{} received by the slowest, {} skipped",
        clients,
        if full { "full" } else { "lite" },
        received as f64 / secs,
        (bytes * clients) as f64 / secs / 1e6,
        frames.len(),
        t.skipped
    );
    server.stop(Duration::from_secs(2));
}

fn rss(seconds: u64) {
    let dir = std::env::temp_dir().join(format!("bench-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("serve.conf"),
        "[LOGGING]\nLogType = stderr\nLogLevel = WARNING\n\n[SERVE]\nListen = 127.0.0.1:0\nMaxClients = 200\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_certstreammonitor"))
        .current_dir(&dir)
        .args([
            "serve",
            "-c",
            "serve.conf",
            "--replay",
            "-",
            "--rate",
            "500",
            "--wait-clients",
            "100",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn serve");
    // The port is in the startup line, logged at INFO: read it from /proc instead (the
    // listening socket of the child) by asking the kernel through `ss` is not portable, so
    // the config above logs at WARNING and the port is found by probing the child's fds.
    let port = listening_port(child.id()).expect("serve's port");
    let ready = Arc::new(AtomicUsize::new(0));
    let total = (seconds * 500) as usize;
    let handles: Vec<_> = (0..100)
        .map(|_| client(port, "/", total, ready.clone()))
        .collect();
    let mut stdin = child.stdin.take().unwrap();
    let mut gen = MessageGenerator::new(false);
    let start = Instant::now();
    for _ in 0..total {
        if writeln!(stdin, "{}", gen.next_message()).is_err() {
            break;
        }
    }
    drop(stdin);
    let mut peak = 0;
    let mut cpu = 0.0;
    while child.try_wait().unwrap().is_none() {
        peak = peak.max(vm_kb(child.id(), "VmHWM:"));
        cpu = cpu_seconds(child.id()).unwrap_or(cpu);
        std::thread::sleep(Duration::from_millis(200));
    }
    let wall = start.elapsed().as_secs_f64();
    let got: Vec<usize> = handles.into_iter().map(|h| h.join().unwrap().0).collect();
    println!(
        "RSS with 100 lite clients at 500 msgs/s for {wall:.0} s: peak {:.1} MB (VmHWM), CPU {:.0} % of one core; each client received {}..{} of {total}",
        peak as f64 / 1024.0,
        cpu / wall * 100.0,
        got.iter().min().unwrap(),
        got.iter().max().unwrap()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn vm_kb(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

/// User + system CPU seconds of `pid` so far (/proc/PID/stat fields 14 and 15, in clock
/// ticks of 1/100 s on Linux).
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// The TCP port `pid` listens on: its socket inodes matched against /proc/net/tcp (state 0A).
fn listening_port(pid: u32) -> Option<u16> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let inodes: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| std::fs::read_link(e.path()).ok())
            .filter_map(|l| {
                let l = l.to_string_lossy().into_owned();
                l.strip_prefix("socket:[")?
                    .strip_suffix(']')
                    .map(str::to_string)
            })
            .collect();
        let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
        for line in table.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() > 9 && f[3] == "0A" && inodes.iter().any(|i| i == f[9]) {
                let port = f[1].rsplit(':').next()?;
                return u16::from_str_radix(port, 16).ok();
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut messages, mut rss_seconds) = (100_000usize, 10u64);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--messages" => messages = args.next().and_then(|v| v.parse().ok()).unwrap_or(messages),
            "--rss-seconds" => {
                rss_seconds = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(rss_seconds)
            }
            _ => {}
        }
    }
    for full in [false, true] {
        let mut gen = MessageGenerator::new(full);
        let frames: Vec<Arc<Frames>> = (0..messages)
            .map(|_| {
                let v: serde_json::Value = serde_json::from_str(&gen.next_message()).unwrap();
                Arc::new(Frames::from_full(&v).unwrap())
            })
            .collect();
        for clients in [1, 10, 100] {
            // 100 clients get a tenth of the messages each: same bytes in all as 10 clients.
            let n = if clients == 100 {
                messages / 10
            } else {
                messages
            };
            throughput(&frames[..n], clients, full);
        }
    }
    rss(rss_seconds);
}

//! Shared helpers for the integration tests: temp dirs, config files, running the real
//! binary as a child process, a loopback certstream server, certstream message builders,
//! an HTTP CONNECT proxy and DB readers. Everything listens on 127.0.0.1:0; nothing
//! touches the network beyond the loopback interface.
#![allow(dead_code)]

pub mod apprise;
pub mod certstream_feed;
pub mod ctlog;
pub mod der;
pub mod limits;
pub mod sites;

use rusqlite::{Connection, OpenFlags};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tungstenite::{Message, WebSocket};

/// Generous upper bound for anything the tests wait for (never a speed assertion).
pub const WAIT: Duration = Duration::from_secs(20);

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_certstreammonitor")
}

/// Poll `cond` every 25 ms until it holds or `timeout` passes; returns whether it held.
pub fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

// ---------------------------------------------------------------------------------------
// Temp dirs

/// A fresh directory, removed on drop unless the test is failing (then its path is printed).
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let path = std::env::temp_dir().join(format!("csm-it-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn join(&self, p: &str) -> PathBuf {
        self.path.join(p)
    }

    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path.join(name);
        std::fs::write(&p, content).expect("write file");
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("(test files kept in {})", self.path.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Config files

/// A config file for the monitor; `render` gives the INI text.
#[derive(Debug, Clone)]
pub struct Conf {
    pub search: String,
    pub blacklist: Option<String>,
    pub threshold: Option<String>,
    pub db: String,
    pub table: String,
    pub log_type: String,
    pub log_level: String,
    pub log_file: Option<String>,
    pub servers: Vec<String>,
    /// Extra `key = value` lines for [SERVER] (proxy, keepalive).
    pub server_extra: Vec<String>,
}

/// The DB path every test config uses, relative to the temp dir (the child's cwd).
pub const DB: &str = "data/certs.sqlite";
pub const TABLE: &str = "CertMon";

impl Default for Conf {
    fn default() -> Self {
        Conf {
            search: "paypal|login|secure".into(),
            blacklist: Some(r"paypal\.com$".into()),
            threshold: Some("2".into()),
            db: DB.into(),
            table: TABLE.into(),
            log_type: "stderr".into(),
            log_level: "INFO".into(),
            log_file: None,
            servers: vec!["ws://127.0.0.1:9/".into()],
            server_extra: Vec::new(),
        }
    }
}

impl Conf {
    pub fn render(&self) -> String {
        let mut s = String::from("[SEARCH]\n");
        s += &format!("SearchKeywords = {}\n", self.search);
        if let Some(b) = &self.blacklist {
            s += &format!("BlacklistKeywords = {b}\n");
        }
        if let Some(t) = &self.threshold {
            s += &format!("DetectionThreshold = {t}\n");
        }
        s += &format!(
            "\n[DATABASE]\nDBFile = {}\nTABLEname = {}\n",
            self.db, self.table
        );
        s += &format!(
            "\n[LOGGING]\nLogType = {}\nLogLevel = {}\n",
            self.log_type, self.log_level
        );
        if let Some(f) = &self.log_file {
            s += &format!("LogFile = {f}\n");
        }
        s += &format!("\n[SERVER]\nACTServer = {}\n", self.servers.join(", "));
        for l in &self.server_extra {
            s += l;
            s.push('\n');
        }
        s
    }

    /// Write as `test.conf` in `dir`; returns the file name relative to `dir`.
    pub fn write(&self, dir: &TempDir) -> String {
        dir.write("test.conf", self.render());
        "test.conf".into()
    }
}

/// 1-based number of the first line of `text` starting with `key` (to check error messages).
pub fn line_of(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .expect("key in text")
        + 1
}

// ---------------------------------------------------------------------------------------
// Child processes

fn command(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(bin());
    c.args(args).current_dir(dir);
    for v in [
        "http_proxy",
        "https_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "no_proxy",
        "NO_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        c.env_remove(v);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

/// A running `certstreammonitor`, its stdout and stderr collected in the background.
pub struct Proc {
    child: Child,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    readers: Vec<JoinHandle<()>>,
    status: Option<ExitStatus>,
}

fn collect(mut r: impl Read + Send + 'static, into: Arc<Mutex<Vec<u8>>>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        loop {
            match r.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => into.lock().unwrap().extend_from_slice(&buf[..n]),
            }
        }
    })
}

impl Proc {
    pub fn spawn(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<Vec<u8>>) -> Proc {
        Proc::spawn_adjusted(dir, args, env, stdin, |_| {})
    }

    /// Like [`Proc::spawn`], with `adjust` applied to the command first (uid, limits).
    pub fn spawn_adjusted(
        dir: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        stdin: Option<Vec<u8>>,
        adjust: impl FnOnce(&mut Command),
    ) -> Proc {
        let mut c = command(dir, args, env);
        adjust(&mut c);
        c.stdout(Stdio::piped()).stderr(Stdio::piped());
        c.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = c.spawn().expect("spawn certstreammonitor");
        if let Some(data) = stdin {
            let mut w = child.stdin.take().unwrap();
            std::thread::spawn(move || {
                let _ = w.write_all(&data);
            });
        }
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let readers = vec![
            collect(child.stdout.take().unwrap(), stdout.clone()),
            collect(child.stderr.take().unwrap(), stderr.clone()),
        ];
        Proc {
            child,
            stdout,
            stderr,
            readers,
            status: None,
        }
    }

    /// `certstreammonitor monitor -c CONF` in `dir`.
    pub fn monitor(dir: &TempDir, conf: &str) -> Proc {
        Proc::spawn(dir.path(), &["monitor", "-c", conf], &[], None)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().unwrap()).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    pub fn stdout_lines(&self) -> Vec<String> {
        self.stdout().lines().map(str::to_string).collect()
    }

    pub fn running(&mut self) -> bool {
        if self.status.is_none() {
            self.status = self.child.try_wait().expect("try_wait");
        }
        self.status.is_none()
    }

    pub fn wait_stderr(&self, needle: &str, timeout: Duration) -> bool {
        wait_until(timeout, || self.stderr().contains(needle))
    }

    /// The port logged right after `needle` (`serving ws://127.0.0.1:` → its port), once
    /// the line is there; panics with the stderr when it does not come.
    pub fn logged_port(&self, needle: &str) -> u16 {
        assert!(
            self.wait_stderr(needle, WAIT),
            "no {needle:?} in stderr:\n{}",
            self.stderr()
        );
        let err = self.stderr();
        let at = err.find(needle).unwrap() + needle.len();
        err[at..]
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// Send SIGTERM to this child (by pid, with the `kill` command).
    pub fn sigterm(&self) {
        self.signal("TERM")
    }

    /// Send a signal (`TERM`, `INT`, …) to this child by pid.
    pub fn signal(&self, name: &str) {
        let st = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.pid().to_string())
            .status()
            .expect("run kill");
        assert!(st.success(), "kill -{name} failed");
    }

    /// Wait up to `timeout` for the exit; None if still running.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        wait_until(timeout, || !self.running());
        if self.status.is_some() {
            for r in self.readers.drain(..) {
                let _ = r.join();
            }
        }
        self.status
    }

    /// SIGTERM, then the exit status (panics with the stderr if it does not exit within 20 s).
    pub fn stop(&mut self) -> ExitStatus {
        if self.running() {
            self.sigterm();
        }
        match self.wait_exit(WAIT) {
            Some(s) => s,
            None => panic!(
                "monitor did not exit after SIGTERM; stderr:\n{}",
                self.stderr()
            ),
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if self.running() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The result of a command run to completion.
#[derive(Debug)]
pub struct Out {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Run the binary in `dir` to completion (20 s at most).
pub fn run(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Out {
    run_env(dir, args, &[], stdin)
}

pub fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Out {
    run_within(dir, args, env, stdin, WAIT)
}

/// [`run_env`] with a limit of its own, for runs whose length grows with the machine's load
/// (a replay of a large feed while the other tests run).
pub fn run_within(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&[u8]>,
    limit: Duration,
) -> Out {
    let mut p = Proc::spawn(dir, args, env, stdin.map(<[u8]>::to_vec));
    let status = match p.wait_exit(limit) {
        Some(s) => s,
        None => panic!(
            "{args:?} did not finish within {limit:?}; stderr:\n{}",
            p.stderr()
        ),
    };
    Out {
        code: status.code(),
        stdout: p.stdout(),
        stderr: p.stderr(),
    }
}

/// `name=N` from the last `stopped: …` summary the monitor logs on exit.
pub fn counter(stderr: &str, name: &str) -> Option<u64> {
    let line = stderr.lines().rev().find(|l| l.contains("stopped: "))?;
    let key = format!(" {name}=");
    let at = line.find(&key)? + key.len();
    line[at..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// A stdout match line split into its local timestamp and the rest.
pub fn split_match_line(line: &str) -> (String, String) {
    let re = regex::Regex::new(r"^\[(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\] (.*)$").unwrap();
    let c = re
        .captures(line)
        .unwrap_or_else(|| panic!("not a match line: {line:?}"));
    (c[1].to_string(), c[2].to_string())
}

/// Expected body of a stdout line (after the timestamp).
pub fn match_body(host: &str, san: &str, issuer: &str, fp: &str, start: &str) -> String {
    format!("{host} (SAN: {san}) (Issuer: {issuer}) (Fingerprint: {fp}) (StartTime: {start})")
}

// ---------------------------------------------------------------------------------------
// Time (own implementation, independent of the crate's)

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// `YYYY-MM-DDTHH:MM:SS` → Unix seconds (as UTC).
pub fn parse_iso(s: &str) -> Option<i64> {
    let re = regex::Regex::new(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$").unwrap();
    let c = re.captures(s)?;
    let n = |i: usize| c[i].parse::<i64>().unwrap();
    Some(days_from_civil(n(1), n(2), n(3)) * 86400 + n(4) * 3600 + n(5) * 60 + n(6))
}

/// Unix seconds → `YYYY-MM-DDTHH:MM:SS` UTC.
pub fn iso(ts: i64) -> String {
    let days = ts.div_euclid(86400);
    let secs = ts.rem_euclid(86400);
    // Inverse of days_from_civil by search around an estimate (test code: clarity over speed).
    let mut y = 1970 + days.div_euclid(366);
    while days_from_civil(y + 1, 1, 1) <= days {
        y += 1;
    }
    let mut m = 1;
    while m < 12 && days_from_civil(y, m + 1, 1) <= days {
        m += 1;
    }
    let d = days - days_from_civil(y, m, 1) + 1;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

// ---------------------------------------------------------------------------------------
// Certstream messages

/// One certificate, rendered in the lite or full certstream format (Go server shape).
#[derive(Debug, Clone)]
pub struct Cert {
    pub names: Vec<String>,
    pub subject: String,
    pub issuer: String,
    pub fingerprint: String,
    pub not_before: Value,
}

pub const LE_ISSUER: &str = "/C=US/CN=R3/O=Let's Encrypt";
/// `not_before` of every default fixture and its UTC ISO form.
pub const NOT_BEFORE: i64 = 1_520_851_180;
pub const NOT_BEFORE_ISO: &str = "2018-03-12T10:39:40";

/// A deterministic SHA-1-shaped fingerprint (FNV of the text, 20 colon-separated bytes).
pub fn fingerprint_of(text: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    let mut out = Vec::new();
    for i in 0..20u8 {
        for b in text.bytes().chain([i]) {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
        out.push(format!("{:02X}", (h >> 24) as u8));
    }
    out.join(":")
}

impl Cert {
    pub fn new(names: &[&str]) -> Cert {
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        Cert {
            subject: format!("/CN={}", names.first().map(String::as_str).unwrap_or("")),
            issuer: LE_ISSUER.into(),
            fingerprint: fingerprint_of(&names.join(",")),
            not_before: json!(NOT_BEFORE),
            names,
        }
    }

    pub fn with_issuer(mut self, issuer: &str) -> Cert {
        self.issuer = issuer.into();
        self
    }

    pub fn with_fingerprint(mut self, fp: &str) -> Cert {
        self.fingerprint = fp.into();
        self
    }

    /// The other names of the certificate, as the SAN column should hold them for `host`.
    pub fn san_for(&self, host: &str) -> String {
        self.names
            .iter()
            .filter(|n| *n != host)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn dn(aggregated: &str) -> Value {
        let cn = aggregated
            .split("/CN=")
            .nth(1)
            .map(|s| s.split('/').next().unwrap_or(""))
            .unwrap_or("");
        json!({"C": null, "CN": cn, "L": null, "O": null, "OU": null, "ST": null,
               "aggregated": aggregated, "email_address": null})
    }

    fn leaf(&self) -> Value {
        let san: Vec<String> = self.names.iter().map(|n| format!("DNS:{n}")).collect();
        json!({
            "all_domains": self.names,
            "extensions": {
                "authorityInfoAccess": "URI:http://r3.i.lencr.org/",
                "basicConstraints": "CA:FALSE",
                "keyUsage": "Digital Signature",
                "subjectAltName": san.join(", "),
            },
            "fingerprint": self.fingerprint,
            "sha1": self.fingerprint,
            "sha256": "C4:19:7E",
            "not_after": 1_528_627_180,
            "not_before": self.not_before,
            "serial_number": "05A3C1E77B20F1D86A4C0E93B5D2F6A81C3E",
            "signature_algorithm": "sha256, rsa",
            "subject": Cert::dn(&self.subject),
            "issuer": Cert::dn(&self.issuer),
            "is_ca": false,
        })
    }

    fn message(data: Value) -> String {
        json!({"data": data, "message_type": "certificate_update"}).to_string()
    }

    /// `/` endpoint: no `chain`, no `as_der`.
    pub fn lite(&self) -> String {
        Cert::message(json!({
            "cert_index": 384071894,
            "cert_link": "",
            "leaf_cert": self.leaf(),
            "seen": 1791095140.512,
            "source": {"name": "Google 'Argon2027h1'", "url": "https://ct.googleapis.com/logs/us1/argon2027h1",
                       "timestamp": 1791095139.948, "type": "rfc6962"},
            "update_type": "X509LogEntry",
        }))
    }

    /// `/full-stream`: `as_der` on the leaf and a `chain` whose certificate carries a name
    /// (`chain-paypal-login.example`) that must never be treated as one of the leaf's.
    pub fn full(&self) -> String {
        let mut leaf = self.leaf();
        leaf["as_der"] = json!("MIIDzTCCA1OgAwIBAgISBaPBdGVzdCBjZXJ0aWZpY2F0ZQ==");
        let mut inter = Cert::new(&[CHAIN_NAME])
            .with_issuer("/C=US/CN=ISRG Root X1/O=Internet Security Research Group")
            .leaf();
        inter["as_der"] = json!("MIIEVzCCAj+gAwIBAgIRaW50ZXJtZWRpYXRl");
        inter["is_ca"] = json!(true);
        Cert::message(json!({
            "cert_index": 384071895,
            "cert_link": "https://ct.googleapis.com/logs/us1/argon2027h1/ct/v1/get-entries?start=384071895&end=384071895",
            "chain": [inter],
            "leaf_cert": leaf,
            "seen": 1791095140.6,
            "source": {"name": "Google 'Argon2027h1'", "url": "https://ct.googleapis.com/logs/us1/argon2027h1"},
            "update_type": "PrecertLogEntry",
        }))
    }
}

/// A name present only in the chain of [`Cert::full`] messages.
pub const CHAIN_NAME: &str = "chain-paypal-login.example";

/// `/domains-only` message.
pub fn dns_entries(names: &[&str]) -> String {
    json!({"data": names, "message_type": "dns_entries"}).to_string()
}

/// The retired Python server's keepalive.
/// A certstream server sending a heartbeat every 200 ms until `flowing` is set, then a
/// certificate (`paypal-login-N.example.com`) every 200 ms: a feed that is connected but
/// silent, then flows (stall alarm tests).
pub fn silent_then_flowing_feed(
    flowing: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> WsServer {
    WsServer::start(move |_, ws, ctl| {
        let mut n = 0;
        while !ctl.stopped() {
            let msg = if flowing.load(std::sync::atomic::Ordering::SeqCst) {
                n += 1;
                Cert::new(&[&format!("paypal-login-{n}.example.com")]).lite()
            } else {
                heartbeat()
            };
            if !send_all(ws, &[msg]) {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    })
}

pub fn heartbeat() -> String {
    r#"{"message_type":"heartbeat","timestamp":1509912803.959279}"#.to_string()
}

/// A message type no client knows.
pub fn unknown_type() -> String {
    r#"{"message_type":"stats","data":{"clients":3,"all_domains":["paypal-login-stats.example"]}}"#
        .to_string()
}

// ---------------------------------------------------------------------------------------
// Loopback certstream server

/// What a connection handler may ask of the server.
#[derive(Clone)]
pub struct Ctl {
    stop: Arc<AtomicBool>,
}

impl Ctl {
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

pub type Ws = WebSocket<TcpStream>;

/// A websocket server on 127.0.0.1:0; each accepted connection runs `handler(index, ws, ctl)`
/// on its own thread (index 0 for the first connection).
pub struct WsServer {
    pub port: u16,
    accepts: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl WsServer {
    pub fn start<F>(handler: F) -> WsServer
    where
        F: Fn(usize, &mut Ws, &Ctl) + Send + Sync + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepts = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let handler = Arc::new(handler);
        let (acc, st) = (accepts.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let (handler, ctl, acc) = (handler.clone(), Ctl { stop: st.clone() }, acc.clone());
                std::thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                    let mut ws = match tungstenite::accept(stream) {
                        Ok(ws) => ws,
                        Err(_) => return,
                    };
                    let index = acc.fetch_add(1, Ordering::SeqCst);
                    let _ = ws
                        .get_ref()
                        .set_read_timeout(Some(Duration::from_millis(100)));
                    handler(index, &mut ws, &ctl);
                });
            }
        });
        WsServer {
            port,
            accepts,
            stop,
        }
    }

    pub fn url(&self) -> String {
        format!("ws://127.0.0.1:{}/", self.port)
    }

    /// Completed websocket handshakes so far.
    pub fn accepts(&self) -> usize {
        self.accepts.load(Ordering::SeqCst)
    }
}

impl Drop for WsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Send text messages; false once the connection is gone.
pub fn send_all(ws: &mut Ws, msgs: &[String]) -> bool {
    msgs.iter()
        .all(|m| ws.send(Message::text(m.clone())).is_ok())
}

/// Keep the connection open, reading (so pings are answered) until the client leaves or
/// the server stops. Returns every message the client sent.
pub fn hold(ws: &mut Ws, ctl: &Ctl) -> Vec<Message> {
    let mut got = Vec::new();
    while !ctl.stopped() {
        match ws.read() {
            Ok(Message::Close(_)) => break,
            Ok(m) => got.push(m),
            Err(e) if timed_out(&e) => {}
            Err(_) => break,
        }
    }
    got
}

/// Whether a websocket error is the socket's short read or write timeout expiring, not
/// the end of the connection.
pub fn timed_out(e: &tungstenite::Error) -> bool {
    matches!(e, tungstenite::Error::Io(e)
        if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut))
}

/// Write `msg` and flush without ever reading. A write that times out stays buffered in
/// tungstenite and goes out with the next call. False once the connection is gone.
pub fn write_unread(ws: &mut Ws, msg: Message) -> bool {
    let sent = match ws.write(msg) {
        Ok(()) => ws.flush(),
        Err(e) => Err(e),
    };
    match sent {
        Ok(()) => true,
        Err(e) => timed_out(&e),
    }
}

/// Keep the connection open without reading anything (no pongs, no data) for up to `max`.
pub fn hold_silent(ctl: &Ctl, max: Duration) {
    let until = Instant::now() + max;
    while !ctl.stopped() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A server that sends `msgs` on the first connection and then holds it; later
/// connections get nothing but are held too.
pub fn serve_once(msgs: Vec<String>) -> WsServer {
    WsServer::start(move |i, ws, ctl| {
        if i == 0 {
            send_all(ws, &msgs);
        }
        hold(ws, ctl);
    })
}

// ---------------------------------------------------------------------------------------
// HTTP CONNECT proxy

#[derive(Debug, Clone)]
pub struct ProxyRequest {
    pub request_line: String,
    pub auth: Option<String>,
    pub accepted: bool,
}

/// A CONNECT proxy on 127.0.0.1:0 that tunnels only requests carrying exactly
/// `Proxy-Authorization: <expected_auth>` and answers 407 to the others. Tunnels always
/// lead to 127.0.0.1 (at the requested port).
pub struct ConnectProxy {
    pub port: u16,
    log: Arc<Mutex<Vec<ProxyRequest>>>,
    stop: Arc<AtomicBool>,
}

fn read_head(s: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 16384 || s.read(&mut b).ok()? == 0 {
            return None;
        }
        head.push(b[0]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

fn pipe(mut from: TcpStream, mut to: TcpStream) {
    let _ = std::io::copy(&mut from, &mut to);
    let _ = to.shutdown(Shutdown::Write);
}

impl ConnectProxy {
    pub fn start(expected_auth: &str) -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (lg, st, expected) = (log.clone(), stop.clone(), expected_auth.to_string());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(mut client) = stream else { continue };
                let (lg, expected) = (lg.clone(), expected.clone());
                std::thread::spawn(move || {
                    let _ = client.set_read_timeout(Some(Duration::from_secs(5)));
                    let Some(head) = read_head(&mut client) else {
                        return;
                    };
                    let mut lines = head.split("\r\n");
                    let request_line = lines.next().unwrap_or("").to_string();
                    let auth = lines
                        .filter_map(|l| l.split_once(':'))
                        .find(|(k, _)| k.trim().eq_ignore_ascii_case("proxy-authorization"))
                        .map(|(_, v)| v.trim().to_string());
                    let mut parts = request_line.split_whitespace();
                    let (method, target) = (
                        parts.next().unwrap_or(""),
                        parts.next().unwrap_or("").to_string(),
                    );
                    let accepted =
                        method == "CONNECT" && auth.as_deref() == Some(expected.as_str());
                    lg.lock().unwrap().push(ProxyRequest {
                        request_line: request_line.clone(),
                        auth,
                        accepted,
                    });
                    if !accepted {
                        let _ = client.write_all(
                            b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        );
                        let _ = client.shutdown(Shutdown::Write);
                        return;
                    }
                    // Every target is served on loopback: only its port is used, so names
                    // that do not resolve (`certstream.invalid`) work without DNS.
                    let port: u16 = target
                        .rsplit(':')
                        .next()
                        .and_then(|p| p.parse().ok())
                        .unwrap_or(0);
                    let Ok(upstream) = TcpStream::connect(("127.0.0.1", port)) else {
                        let _ = client
                            .write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
                        return;
                    };
                    if client
                        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                        .is_err()
                    {
                        return;
                    }
                    let _ = client.set_read_timeout(None);
                    let (c2, u2) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
                    std::thread::spawn(move || pipe(c2, u2));
                    pipe(upstream, client);
                });
            }
        });
        ConnectProxy { port, log, stop }
    }

    pub fn requests(&self) -> Vec<ProxyRequest> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// A loopback port that refuses connections (bound, then released).
pub fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

// ---------------------------------------------------------------------------------------
// Database

/// The original's DDL (the Python CertStreamMonitor's `CREATE TABLE`), byte for byte.
pub fn original_ddl(table: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {table} (Domain TEXT NOT NULL PRIMARY KEY, SAN TEXT, Issuer TEXT, Fingerprint TEXT, Startime TEXT, FirstSeen TEXT, StillInvestig TEXT)"
    )
}

/// What SQLite keeps in `sqlite_master.sql` for [`original_ddl`] (it drops `IF NOT EXISTS`).
pub fn stored_ddl(table: &str) -> String {
    original_ddl(table).replace("CREATE TABLE IF NOT EXISTS ", "CREATE TABLE ")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub domain: String,
    pub san: Option<String>,
    pub issuer: Option<String>,
    pub fingerprint: Option<String>,
    pub startime: Option<String>,
    pub first_seen: Option<String>,
    pub still: Option<String>,
}

/// A test's connection to the DB. When the tests run as root and the DB belongs to another
/// user (a child started by `limits::limit_tasks`), this thread works on files as that user
/// for as long as the connection lives (`limits::AsOwner`): SQLite, run as root, creates a
/// missing -wal or -shm file as root and only then gives it to the DB's owner, and a child
/// opening the file in between gets a read-only handle and fails with "attempt to write a
/// readonly database" (seen in CI).
pub struct TestDb {
    // Declared first: dropped (closed) before the thread becomes root again.
    conn: Connection,
    _as_owner: Option<limits::AsOwner>,
}

impl std::ops::Deref for TestDb {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.conn
    }
}

/// The DB read-write (5 s busy timeout), or `None` while the file does not exist yet.
pub fn open_rw(db: &Path) -> Option<TestDb> {
    use std::os::unix::fs::MetadataExt;
    let owner = std::fs::metadata(db).ok()?;
    let as_owner = limits::AsOwner::of(owner.uid(), owner.gid());
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok()?;
    conn.busy_timeout(Duration::from_secs(5)).ok()?;
    Some(TestDb {
        conn,
        _as_owner: as_owner,
    })
}

/// All rows in rowid order; empty if the file or table does not exist yet.
pub fn rows(db: &Path, table: &str) -> Vec<Row> {
    let Some(c) = open_rw(db) else {
        return Vec::new();
    };
    let sql = format!("SELECT Domain, SAN, Issuer, Fingerprint, Startime, FirstSeen, StillInvestig FROM {table} ORDER BY rowid");
    let Ok(mut st) = c.prepare(&sql) else {
        return Vec::new();
    };
    let it = st
        .query_map([], |r| {
            Ok(Row {
                domain: r.get(0)?,
                san: r.get(1)?,
                issuer: r.get(2)?,
                fingerprint: r.get(3)?,
                startime: r.get(4)?,
                first_seen: r.get(5)?,
                still: r.get(6)?,
            })
        })
        .unwrap();
    it.map(Result::unwrap).collect()
}

pub fn domains(db: &Path, table: &str) -> Vec<String> {
    rows(db, table).into_iter().map(|r| r.domain).collect()
}

/// Wait until every one of `want` is stored; returns the rows seen last.
pub fn wait_for_domains(db: &Path, table: &str, want: &[&str]) -> Vec<Row> {
    let mut last = Vec::new();
    wait_until(WAIT, || {
        last = rows(db, table);
        want.iter().all(|w| last.iter().any(|r| r.domain == *w))
    });
    last
}

pub fn find<'a>(rows: &'a [Row], domain: &str) -> &'a Row {
    rows.iter().find(|r| r.domain == domain).unwrap_or_else(|| {
        panic!(
            "{domain:?} not stored; rows: {:?}",
            rows.iter().map(|r| &r.domain).collect::<Vec<_>>()
        )
    })
}

/// `sqlite_master.sql` of a table.
pub fn table_sql(db: &Path, table: &str) -> Option<String> {
    let c = open_rw(db)?;
    c.query_row(
        "SELECT sql FROM sqlite_master WHERE type='table' AND name=?1",
        [table],
        |r| r.get(0),
    )
    .ok()
}

pub fn integrity_ok(db: &Path) -> bool {
    let Some(c) = open_rw(db) else { return false };
    c.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
        .map(|s| s == "ok")
        .unwrap_or(false)
}

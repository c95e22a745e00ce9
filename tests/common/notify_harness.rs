//! Helpers of the notification integration tests (`tests/notify.rs`,
//! `tests/notify_delivery.rs`): the loopback HTTP server that records every request (`Recorder`),
//! Python's `json.dumps` / `str(dict)` for expected bodies, a sample alert and settings.
//! Included by those files as `#[path = "common/notify_harness.rs"] mod notify_harness;` next
//! to `mod common;` (not declared in `common/mod.rs`, so other test binaries don't compile it).
#![allow(dead_code)]

use certstreammonitor::alert::Alert;
use certstreammonitor::config::Config;
use certstreammonitor::notify::{BodyFormat, Message, NotifySettings, Sender};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const HOST: &str = "login-paypal.example.com";
pub const TITLE: &str = "[CertStreamMonitor] Alert: login-paypal.example.com";

// ---------------------------------------------------------------------------------------
// A recording HTTP(S) server

#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// In order, names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// When it was read.
    pub at: Instant,
}

impl Req {
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    pub fn header(&self, name: &str) -> &str {
        match self.all(name).as_slice() {
            [one] => one,
            other => panic!("header {name}: {other:?} in {:?}", self.headers),
        }
    }
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }
}

/// (status, body, extra header lines each ending in `\r\n`).
pub type ReplyFn = dyn Fn(&Req, usize) -> (u16, String, String) + Send + Sync;

pub struct Recorder {
    pub port: u16,
    pub reqs: Arc<Mutex<Vec<Req>>>,
}

pub fn read_req<S: Read>(s: &mut S) -> Option<Req> {
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 64 * 1024 || s.read(&mut b).ok()? != 1 {
            return None;
        }
        head.push(b[0]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split_whitespace();
    let (method, target) = (first.next()?.to_string(), first.next()?.to_string());
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).ok()?;
    Some(Req {
        at: Instant::now(),
        method,
        target,
        headers,
        body,
    })
}

pub fn serve<S: Read + Write>(mut s: S, reqs: &Mutex<Vec<Req>>, reply: &ReplyFn) {
    let Some(req) = read_req(&mut s) else { return };
    let n = {
        let mut r = reqs.lock().unwrap();
        r.push(req.clone());
        r.len() - 1
    };
    let (status, body, extra) = reply(&req, n);
    let head = format!("HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n", body.len());
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(body.as_bytes());
    let _ = s.flush();
}

impl Recorder {
    /// Plain HTTP on 127.0.0.1; `reply(request, n)` (n counts requests from 0).
    pub fn start(reply: impl Fn(&Req, usize) -> (u16, String) + Send + Sync + 'static) -> Recorder {
        Recorder::start_inner(
            None,
            Arc::new(move |q: &Req, n| {
                let (status, body) = reply(q, n);
                (status, body, String::new())
            }),
        )
    }

    /// Like `start`, with extra response header lines.
    pub fn start_with_headers(
        reply: impl Fn(&Req, usize) -> (u16, String, String) + Send + Sync + 'static,
    ) -> Recorder {
        Recorder::start_inner(None, Arc::new(reply))
    }

    pub fn start_tls(
        acceptor: Arc<native_tls::TlsAcceptor>,
        reply: impl Fn(&Req, usize) -> (u16, String) + Send + Sync + 'static,
    ) -> Recorder {
        Recorder::start_inner(
            Some(acceptor),
            Arc::new(move |q: &Req, n| {
                let (status, body) = reply(q, n);
                (status, body, String::new())
            }),
        )
    }

    pub fn start_inner(tls: Option<Arc<native_tls::TlsAcceptor>>, reply: Arc<ReplyFn>) -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let reqs = Arc::new(Mutex::new(Vec::new()));
        let r = reqs.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (r, reply, tls) = (r.clone(), reply.clone(), tls.clone());
                std::thread::spawn(move || {
                    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
                    match tls {
                        Some(acc) => {
                            if let Ok(s) = acc.accept(conn) {
                                serve(s, &r, &*reply);
                            }
                        }
                        None => serve(conn, &r, &*reply),
                    }
                });
            }
        });
        Recorder { port, reqs }
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn requests(&self) -> Vec<Req> {
        self.reqs.lock().unwrap().clone()
    }
}

pub fn ok200() -> impl Fn(&Req, usize) -> (u16, String) + Send + Sync + 'static {
    |_, _| (200, String::new())
}

// ---------------------------------------------------------------------------------------
// Python references

pub fn python(script: &str, input: &str) -> Option<String> {
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(input.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

/// `json.dumps(v)` (Python's default separators, ensure_ascii), or None without python3.
pub fn py_dumps(v: &Value) -> Option<String> {
    let r = python(
        "import json,sys; sys.stdout.write(json.dumps(json.loads(sys.stdin.read())))",
        &v.to_string(),
    );
    if r.is_none() {
        eprintln!("NOTE: python3 not available; JSON bodies compared as parsed values only");
    }
    r
}

/// The body must be exactly what Python's json.dumps makes of `want`.
pub fn assert_body(req: &Req, want: &Value) {
    assert_eq!(&req.json(), want, "parsed body");
    if let Some(bytes) = py_dumps(want) {
        assert_eq!(req.text(), bytes, "byte layout");
    }
}

/// The original's notification body for an alert, computed by Python from the alert JSON:
/// `str(dict)`, `", '"` → `"\n'"`, braces removed, trailing whitespace trimmed.
pub fn original_body(alert: &Alert) -> String {
    let script = "import json,sys\nd = json.loads(sys.stdin.read())\nb = str(d).replace(\", '\", \"\\n'\")\nsys.stdout.write(json.dumps(''.join(c for c in b if c not in '{}').rstrip()))";
    match python(script, &alert.to_json()) {
        Some(out) => serde_json::from_str::<String>(&out).unwrap(),
        None => alert.notification_body(),
    }
}

// ---------------------------------------------------------------------------------------
// Library-level helpers

pub fn sample_alert() -> Alert {
    Alert {
        hostname: HOST.into(),
        http_code: 200,
        cert_serial_number: "2D:90:F9:F7:83:F6".into(),
        webpage_title: "Café <b> & 'quoted' \"x\" 😀".into(),
        ip_addr: "198.51.100.7".into(),
        asn: "53831".into(),
        asn_cidr: "198.49.23.0/24".into(),
        asn_country_code: "US".into(),
        asn_description: "SQUARESPACE, US".into(),
        asn_abuse_email: "abuse-network@squarespace.com".into(),
        safe_browsing_status: Value::String("No API key in config file".into()),
    }
}

/// Settings from a [REPORTING] section holding `lines`.
pub fn settings(lines: &[(&str, String)]) -> NotifySettings {
    let mut text = String::from("[REPORTING]\nAlerts_dir = alerts\n");
    for (k, v) in lines {
        text += &format!("{k} = {v}\n");
    }
    let c = Config::parse("test.conf", &text).unwrap();
    NotifySettings::from_config(&c).unwrap_or_else(|e| panic!("{e}"))
}

/// One attempt at every destination with the sample alert; the results in order.
pub fn deliver_all(s: &NotifySettings, format: BodyFormat) -> Vec<Result<(), String>> {
    let sender = Sender::new(s).unwrap();
    let msg = Message::for_alert(
        &sample_alert(),
        Path::new("alerts/login-paypal.example.com.json"),
        format,
    );
    s.destinations
        .iter()
        .map(|d| sender.deliver(d, &msg, &mut Vec::new()))
        .collect()
}

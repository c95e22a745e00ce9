//! `certstreammonitor serve`: the certstream-compatible server, checked with real clients
//! nobody here wrote (certstream-python 1.12 and websocket-client from PyPI, in the test venv),
//! with tungstenite clients and raw HTTP, and with our own `monitor` pointed at it. Every
//! server and client listens or connects on 127.0.0.1 only.

mod common;
#[path = "common/serve_harness.rs"]
mod serve_harness;

use common::limits;
use common::*;
use serde_json::{json, Value};
use serve_harness::{python_client, wait_child};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tungstenite::client::IntoClientRequest;
use tungstenite::Message;

const TOKEN: &str = "s3cret-T0ken";

fn sample_certificates() -> Vec<String> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/certstream-sample.jsonl"),
    )
    .unwrap();
    text.lines()
        .filter(|l| {
            serde_json::from_str::<Value>(l)
                .is_ok_and(|v| v["message_type"] == "certificate_update")
        })
        .map(str::to_string)
        .collect()
}

/// A sample certificate made full-stream: `as_der` on the leaf and a one-element chain.
fn full_of(line: &str, pad: usize) -> String {
    let mut v: Value = serde_json::from_str(line).unwrap();
    v["data"]["leaf_cert"]["as_der"] = json!(format!("TUlJ{}", "A".repeat(pad)));
    v["data"]["chain"] = json!([{"all_domains": [], "as_der": "TUlJQ0hBSU4=", "is_ca": true}]);
    v.to_string()
}

/// `serve --replay -` with a `[SERVE]` section; lines are fed through stdin.
struct Serve {
    child: Child,
    stdin: Option<ChildStdin>,
    stderr: Arc<Mutex<String>>,
    port: u16,
}

fn conf_with_serve(dir: &TempDir, serve_lines: &[String]) -> String {
    let mut text = Conf::default().render();
    text += "\n[SERVE]\nListen = 127.0.0.1:0\n";
    for l in serve_lines {
        text += l;
        text.push('\n');
    }
    dir.write("test.conf", text);
    "test.conf".into()
}

impl Serve {
    fn start(dir: &TempDir, serve_lines: &[String], extra_args: &[&str]) -> Serve {
        Serve::start_adjusted(dir, serve_lines, extra_args, |_| {})
    }

    /// [`Serve::start`] with `adjust` applied to the command first (uid, limits).
    fn start_adjusted(
        dir: &TempDir,
        serve_lines: &[String],
        extra_args: &[&str],
        adjust: impl FnOnce(&mut Command),
    ) -> Serve {
        let conf = conf_with_serve(dir, serve_lines);
        let mut cmd = Command::new(bin());
        adjust(&mut cmd);
        let mut child = cmd
            .current_dir(dir.path())
            .args(["serve", "-c", &conf, "--replay", "-"])
            .args(extra_args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let (err, into) = (child.stderr.take().unwrap(), stderr.clone());
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                into.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let mut port = 0;
        assert!(
            wait_until(WAIT, || {
                let s = stderr.lock().unwrap();
                if let Some(i) = s.find("://127.0.0.1:") {
                    let rest = &s[i + 13..];
                    port = rest[..rest.find('/').unwrap()].parse().unwrap();
                }
                port != 0
            }),
            "serve did not start: {}",
            stderr.lock().unwrap()
        );
        Serve {
            stdin: child.stdin.take(),
            child,
            stderr,
            port,
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn send(&mut self, lines: &[String]) {
        let w = self.stdin.as_mut().unwrap();
        for l in lines {
            w.write_all(l.as_bytes()).unwrap();
            w.write_all(b"\n").unwrap();
        }
        w.flush().unwrap();
    }

    /// Wait until the log has `needle`; whether it came.
    fn wait_log(&self, needle: &str) -> bool {
        wait_until(WAIT, || self.stderr().contains(needle))
    }

    fn wait_clients(&self, n: usize) {
        assert!(
            wait_until(WAIT, || self.stderr().matches(" connected to ").count()
                >= n),
            "{n} clients did not connect: {}",
            self.stderr()
        );
    }

    /// Close stdin: the replay ends, serve drains the clients and exits.
    fn finish(mut self) -> String {
        drop(self.stdin.take());
        let ok = wait_until(Duration::from_secs(60), || {
            self.child.try_wait().unwrap().is_some()
        });
        if !ok {
            let _ = self.child.kill();
        }
        let status = self.child.wait().unwrap();
        std::thread::sleep(Duration::from_millis(100));
        let err = self.stderr();
        assert!(ok && status.success(), "serve: {status:?}\n{err}");
        err
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain HTTP GET; (status, body).
fn http_get(port: u16, path: &str, headers: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    // One write: a server that refuses may answer and close before reading the request,
    // so a second write would meet a reset; its answer is read all the same.
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n");
    let _ = s.write_all(request.as_bytes());
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let status = out.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

type Ws = tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>;

fn ws_connect(port: u16, path: &str, bearer: Option<&str>) -> Result<Ws, Box<tungstenite::Error>> {
    let mut req = format!("ws://127.0.0.1:{port}{path}")
        .into_client_request()
        .unwrap();
    if let Some(t) = bearer {
        req.headers_mut()
            .insert("Authorization", format!("Bearer {t}").parse().unwrap());
    }
    let (ws, _) = tungstenite::connect(req).map_err(Box::new)?;
    if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_ref() {
        s.set_read_timeout(Some(WAIT)).unwrap();
    }
    Ok(ws)
}

/// The next `n` text messages (pings are answered by tungstenite).
fn read_texts(ws: &mut Ws, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    while out.len() < n {
        if let Message::Text(t) = ws.read().expect("read from serve") {
            out.push(t);
        }
    }
    out
}

fn status_of(e: &tungstenite::Error) -> u16 {
    match e {
        tungstenite::Error::Http(r) => r.status().as_u16(),
        other => panic!("expected an HTTP refusal, got {other}"),
    }
}

/// certstream-python's `listen_for_events` writing every message as one JSON line to `out`
/// until `n` arrived; `sslopt` for wss:// with a self-signed certificate.
/// What certstream-python hands its callback and CertStreamMonitor reads, per certificate.
fn check_same_certificate(got: &Value, sent: &Value) {
    assert_eq!(got["message_type"], "certificate_update");
    let (g, s) = (&got["data"], &sent["data"]);
    for field in [
        "all_domains",
        "fingerprint",
        "not_before",
        "not_after",
        "serial_number",
    ] {
        assert_eq!(g["leaf_cert"][field], s["leaf_cert"][field], "{field}");
    }
    for who in ["subject", "issuer"] {
        assert_eq!(
            g["leaf_cert"][who]["aggregated"],
            s["leaf_cert"][who]["aggregated"]
        );
    }
    assert_eq!(g["source"], s["source"]);
    assert_eq!(g["cert_index"], s["cert_index"]);
    assert!(g.get("chain").is_none() && g["leaf_cert"].get("as_der").is_none());
}

#[test]
fn certstream_python_receives_every_certificate() {
    let dir = TempDir::new("serve-python");
    let certs = sample_certificates();
    assert!(certs.len() >= 300);
    let mut serve = Serve::start(&dir, &[], &[]);
    let client = python_client(
        &dir,
        &format!("ws://127.0.0.1:{}/", serve.port),
        certs.len(),
        "got.jsonl",
    );
    serve.wait_clients(1);
    serve.send(&certs);
    wait_child(client);
    let got: Vec<Value> = std::fs::read_to_string(dir.join("got.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got.len(), certs.len());
    for (g, s) in got.iter().zip(&certs) {
        check_same_certificate(g, &serde_json::from_str(s).unwrap());
    }
    let err = serve.finish();
    assert!(err.contains(&format!("published={}", certs.len())), "{err}");
}

#[test]
fn lite_full_and_domains_only_shapes_and_example_json() {
    let dir = TempDir::new("serve-shapes");
    let certs: Vec<String> = sample_certificates()
        .iter()
        .take(5)
        .map(|l| full_of(l, 40))
        .collect();
    let mut serve = Serve::start(&dir, &[], &[]);
    let port = serve.port;
    assert_eq!(
        http_get(port, "/example.json", "").0,
        503,
        "nothing served yet"
    );
    let mut lite = ws_connect(port, "", None).unwrap();
    let mut full = ws_connect(port, "/full-stream/", None).unwrap();
    let mut domains = ws_connect(port, "/domains-only", None).unwrap();
    serve.wait_clients(3);
    serve.send(&certs);
    let (l, f, d) = (
        read_texts(&mut lite, certs.len()),
        read_texts(&mut full, certs.len()),
        read_texts(&mut domains, certs.len()),
    );
    for i in 0..certs.len() {
        let sent: Value = serde_json::from_str(&certs[i]).unwrap();
        // Full: the message as read, newline-terminated like Go's json.Encoder.
        assert!(f[i].ends_with("}\n"));
        assert_eq!(serde_json::from_str::<Value>(&f[i]).unwrap(), sent);
        let lv: Value = serde_json::from_str(&l[i]).unwrap();
        let mut want = sent.clone();
        want["data"].as_object_mut().unwrap().shift_remove("chain");
        want["data"]["leaf_cert"]
            .as_object_mut()
            .unwrap()
            .shift_remove("as_der");
        assert_eq!(lv, want);
        assert_eq!(
            d[i],
            serde_json::to_string(&json!({"data": sent["data"]["leaf_cert"]["all_domains"], "message_type": "dns_entries"})).unwrap()
        );
    }
    let last: Value = serde_json::from_str(certs.last().unwrap()).unwrap();
    let (s, body) = http_get(port, "/full-stream/example.json", "");
    assert_eq!(
        (s, serde_json::from_str::<Value>(&body).unwrap()),
        (200, last.clone())
    );
    let (s, body) = http_get(port, "/example.json/", "");
    assert_eq!(s, 200);
    assert!(serde_json::from_str::<Value>(&body).unwrap()["data"]
        .get("chain")
        .is_none());
    let (s, body) = http_get(port, "/domains-only/example.json", "");
    assert_eq!((s, body.as_str()), (200, d.last().unwrap().as_str()));
    assert_eq!(http_get(port, "/nope", "").0, 404);
    assert_eq!(
        http_get(port, "/full-stream", "").0,
        400,
        "a feed without Upgrade"
    );
    drop((lite, full, domains));
    serve.finish();
}

#[test]
fn token_by_header_or_query_else_401_and_never_logged() {
    let dir = TempDir::new("serve-token");
    let mut serve = Serve::start(&dir, &[format!("Token = {TOKEN}")], &[]);
    let port = serve.port;
    assert_eq!(status_of(&ws_connect(port, "/", None).unwrap_err()), 401);
    assert_eq!(
        status_of(&ws_connect(port, "/", Some("wrong")).unwrap_err()),
        401
    );
    assert_eq!(
        status_of(&ws_connect(port, "/?token=s3cret", None).unwrap_err()),
        401
    );
    assert_eq!(http_get(port, "/example.json", "").0, 401);
    let mut by_header = ws_connect(port, "/", Some(TOKEN)).unwrap();
    let mut by_query = ws_connect(port, &format!("/full-stream?token={TOKEN}"), None).unwrap();
    serve.wait_clients(2);
    let certs: Vec<String> = sample_certificates().into_iter().take(3).collect();
    serve.send(&certs);
    assert_eq!(read_texts(&mut by_header, 3).len(), 3);
    assert_eq!(read_texts(&mut by_query, 3).len(), 3);
    let (s, _) = http_get(
        port,
        "/example.json",
        &format!("Authorization: Bearer {TOKEN}\r\n"),
    );
    assert_eq!(s, 200);
    drop((by_header, by_query));
    let err = serve.finish();
    assert!(!err.contains(TOKEN), "token in the log: {err}");
    assert!(err.contains("401"), "{err}");
}

#[test]
fn max_clients_refuses_with_503() {
    let dir = TempDir::new("serve-max");
    let serve = Serve::start(&dir, &["MaxClients = 2".into()], &[]);
    let a = ws_connect(serve.port, "/", None).unwrap();
    let b = ws_connect(serve.port, "/domains-only", None).unwrap();
    assert_eq!(
        status_of(&ws_connect(serve.port, "/", None).unwrap_err()),
        503
    );
    drop(a);
    // A place frees once the first client is gone.
    assert!(wait_until(WAIT, || ws_connect(serve.port, "/", None).is_ok()));
    drop(b);
    let err = serve.finish();
    assert!(
        err.contains("refused=") && !err.contains("refused=0"),
        "{err}"
    );
}

#[test]
fn wss_with_a_self_signed_certificate_feeds_certstream_python() {
    let dir = TempDir::new("serve-tls");
    self_signed(&dir);
    let certs: Vec<String> = sample_certificates().into_iter().take(20).collect();
    let mut serve = Serve::start(
        &dir,
        &["TLSCert = cert.pem".into(), "TLSKey = key.pem".into()],
        &[],
    );
    assert!(
        serve.stderr().contains("wss://127.0.0.1:"),
        "{}",
        serve.stderr()
    );
    let client = python_client(
        &dir,
        &format!("wss://127.0.0.1:{}/", serve.port),
        certs.len(),
        "got.jsonl",
    );
    serve.wait_clients(1);
    serve.send(&certs);
    wait_child(client);
    let got = std::fs::read_to_string(dir.join("got.jsonl")).unwrap();
    for (g, s) in got.lines().zip(&certs) {
        check_same_certificate(
            &serde_json::from_str(g).unwrap(),
            &serde_json::from_str(s).unwrap(),
        );
    }
    assert_eq!(got.lines().count(), certs.len());
    serve.finish();
}

#[test]
fn monitor_through_serve_stores_what_monitor_replay_stores() {
    let certs = sample_certificates();
    // Reference: monitor --replay of the same lines.
    let ref_dir = TempDir::new("serve-monitor-ref");
    ref_dir.write("feed.jsonl", certs.join("\n") + "\n");
    let conf = Conf::default().write(&ref_dir);
    let out = run(
        ref_dir.path(),
        &["monitor", "-c", &conf, "--replay", "feed.jsonl"],
        None,
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let want = rows(&ref_dir.join(DB), TABLE);
    assert!(want.len() >= 4, "the sample must give rows: {}", want.len());

    let dir = TempDir::new("serve-monitor");
    let mut serve = Serve::start(&dir, &[], &[]);
    let mdir = TempDir::new("serve-monitor-client");
    let conf = Conf {
        servers: vec![format!("ws://127.0.0.1:{}/", serve.port)],
        ..Conf::default()
    }
    .write(&mdir);
    let mut monitor = Proc::monitor(&mdir, &conf);
    serve.wait_clients(1);
    serve.send(&certs);
    serve.finish();
    let got_all = wait_until(WAIT, || rows(&mdir.join(DB), TABLE).len() >= want.len());
    monitor.sigterm();
    let _ = monitor.wait_exit(WAIT);
    assert!(got_all, "{}", monitor.stderr());
    let key = |r: &Row| {
        (
            r.domain.clone(),
            r.san.clone(),
            r.issuer.clone(),
            r.fingerprint.clone(),
            r.startime.clone(),
            r.still.clone(),
        )
    };
    let got = rows(&mdir.join(DB), TABLE);
    assert_eq!(
        got.iter().map(key).collect::<Vec<_>>(),
        want.iter().map(key).collect::<Vec<_>>()
    );
}

/// The handshake of a client that then never reads a byte.
fn never_reading_client(port: u16, path: &str) -> TcpStream {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    .unwrap();
    s
}

#[test]
fn a_client_that_never_reads_loses_its_messages_not_the_others() {
    let dir = TempDir::new("serve-slow");
    let base = sample_certificates();
    // ~8 KB each, 5,000 of them at 1,000/s: far more than the slow client's queue (1,000)
    // and socket buffers hold; the fast client has a second of slack on a busy machine.
    const N: usize = 5000;
    let certs: Vec<String> = (0..N)
        .map(|i| {
            let mut v: Value = serde_json::from_str(&full_of(&base[i % base.len()], 8000)).unwrap();
            v["data"]["cert_index"] = json!(i);
            v.to_string()
        })
        .collect();
    let mut serve = Serve::start(&dir, &["ClientBuffer = 1000".into()], &["--rate", "1000"]);
    let slow = never_reading_client(serve.port, "/full-stream");
    let mut fast = ws_connect(serve.port, "/full-stream", None).unwrap();
    serve.wait_clients(2);
    let reader = std::thread::spawn(move || {
        let mut indexes = Vec::new();
        while indexes.len() < N {
            match fast.read() {
                Ok(Message::Text(t)) => indexes.push(
                    serde_json::from_str::<Value>(&t).unwrap()["data"]["cert_index"]
                        .as_u64()
                        .unwrap(),
                ),
                Ok(_) => {}
                Err(e) => return Err(format!("after {} messages: {e}", indexes.len())),
            }
        }
        Ok(indexes)
    });
    serve.send(&certs);
    let indexes = match reader.join().unwrap() {
        Ok(i) => i,
        Err(e) => panic!("fast client: {e}\n{}", serve.stderr()),
    };
    assert_eq!(
        indexes,
        (0..N as u64).collect::<Vec<u64>>(),
        "the fast client lost nothing"
    );
    let err = serve.finish();
    drop(slow);
    assert!(
        err.contains(&format!("replay ended: {N} certificates published")),
        "{err}"
    );
    assert!(err.contains("can't keep up"), "{err}");
    let skipped = err
        .lines()
        .find(|l| l.contains("stats: published="))
        .and_then(|l| l.split("skipped=").nth(1))
        .and_then(|n| n.trim().parse::<u64>().ok())
        .unwrap();
    assert!(skipped > 0, "{err}");
}

#[test]
fn hostile_requests_cost_nothing_and_serve_goes_on() {
    let dir = TempDir::new("serve-hostile");
    let mut serve = Serve::start(&dir, &[], &[]);
    let port = serve.port;
    // Huge headers: refused with 431, not buffered.
    let mut big = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let _ = write!(big, "GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(100_000));
    let mut answer = String::new();
    big.set_read_timeout(Some(WAIT)).unwrap();
    let _ = big.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    // Garbage after the upgrade: that client is dropped.
    let mut g = never_reading_client(port, "/");
    g.write_all(&[0xff; 2000]).unwrap();
    g.set_read_timeout(Some(WAIT)).unwrap();
    let mut sink = Vec::new();
    let ended = match g.read_to_end(&mut sink) {
        Ok(_) => true,
        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
    };
    assert!(ended, "a client sending garbage frames is dropped");
    // Half a request, then silence (slowloris): others are served meanwhile.
    let mut slowloris = TcpStream::connect(("127.0.0.1", port)).unwrap();
    slowloris
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let mut ok = ws_connect(port, "/", None).unwrap();
    serve.wait_clients(2);
    let certs: Vec<String> = sample_certificates().into_iter().take(3).collect();
    serve.send(&certs);
    assert_eq!(read_texts(&mut ok, 3).len(), 3);
    drop(ok);
    serve.finish();
}

#[test]
fn check_config_for_serve_shows_and_checks_the_keys() {
    let dir = TempDir::new("serve-check");
    let conf = conf_with_serve(&dir, &["MaxClients = 7".into(), format!("Token = {TOKEN}")]);
    let out = run(
        dir.path(),
        &["check-config", "-c", &conf, "--for", "serve"],
        None,
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stdout.contains("SERVE.MaxClients = 7"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("SERVE.Listen = 127.0.0.1:0"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains(TOKEN));
    let conf = conf_with_serve(
        &dir,
        &["ClientBuffer = lots".into(), "TLSCert = nowhere.pem".into()],
    );
    let out = run(
        dir.path(),
        &["check-config", "-c", &conf, "--for", "serve"],
        None,
    );
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("ClientBuffer"), "{}", out.stderr);
}

#[test]
fn server_pings_and_drops_a_client_that_never_answers() {
    let dir = TempDir::new("serve-keepalive");
    let serve = Serve::start(&dir, &["PingInterval = 0.2".into()], &[]);
    // A client that reads but answers nothing: pings arrive, then Close 1008.
    let mut mute = never_reading_client(serve.port, "/");
    mute.set_read_timeout(Some(WAIT)).unwrap();
    // A tungstenite client, reading, answers pings by itself and stays.
    let mut polite = ws_connect(serve.port, "/", None).unwrap();
    serve.wait_clients(2);
    let polite_reader = std::thread::spawn(move || {
        if let tungstenite::stream::MaybeTlsStream::Plain(s) = polite.get_ref() {
            s.set_read_timeout(Some(Duration::from_millis(100)))
                .unwrap();
        }
        let (mut pings, end) = (0, std::time::Instant::now() + Duration::from_secs(8));
        while std::time::Instant::now() < end {
            match polite.read() {
                Ok(Message::Ping(_)) => pings += 1,
                Ok(_) => {}
                Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => panic!("polite client dropped: {e}"),
            }
        }
        (polite, pings)
    });
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = mute.read(&mut buf) {
        if n == 0 {
            break;
        }
        seen.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&seen).into_owned();
    assert!(text.starts_with("HTTP/1.1 101"), "{text}");
    let frames = &seen[text.find("\r\n\r\n").unwrap() + 4..];
    assert_eq!(frames[..2], [0x89, 0x00], "a ping first");
    let close_at = frames
        .windows(2)
        .position(|w| w[0] == 0x88)
        .expect("a close frame");
    assert_eq!(frames[close_at + 2..close_at + 4], 1008u16.to_be_bytes());
    assert!(String::from_utf8_lossy(frames).contains("No ping received!"));
    assert!(serve.wait_log("nothing received"), "{}", serve.stderr());
    // Meanwhile the polite client was pinged too and is still connected.
    let (mut polite, pings) = polite_reader.join().unwrap();
    assert!(pings >= 5, "{pings} pings");
    if let tungstenite::stream::MaybeTlsStream::Plain(s) = polite.get_ref() {
        s.set_read_timeout(Some(WAIT)).unwrap();
    }
    polite.send(Message::Ping(Vec::new())).unwrap();
    let got_pong = loop {
        match polite.read().unwrap() {
            Message::Pong(_) => break true,
            Message::Ping(_) => continue,
            other => panic!("{other:?}"),
        }
    };
    assert!(got_pong);
    drop(polite);
    serve.finish();
}

/// Openssl's self-signed `cert.pem`/`key.pem` for 127.0.0.1 in `dir`.
fn self_signed(dir: &TempDir) {
    let made = Command::new("openssl")
        .current_dir(dir.path())
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "key.pem",
            "-out",
            "cert.pem",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
        ])
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
}

/// Whether the server closed `s` (EOF or reset) within `within`, while `s` trickles one
/// byte of `bytes` per second.
fn closed_while_trickling(mut s: TcpStream, bytes: &[u8], within: Duration) -> bool {
    s.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    let end = std::time::Instant::now() + within;
    let mut i = 0;
    while std::time::Instant::now() < end {
        if s.write_all(&bytes[i % bytes.len()..][..1]).is_err() {
            return true;
        }
        i += 1;
        let mut b = [0u8; 256];
        match s.read(&mut b) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => return true,
        }
    }
    false
}

#[test]
fn a_client_trickling_its_handshake_is_cut_after_ten_seconds() {
    let dir = TempDir::new("serve-trickle");
    self_signed(&dir);
    let serve = Serve::start(
        &dir,
        &["TLSCert = cert.pem".into(), "TLSKey = key.pem".into()],
        &[],
    );
    // A TLS record header announcing a 512-byte ClientHello, then its bytes one per second.
    let mut hello = vec![
        0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03,
    ];
    hello.extend(std::iter::repeat_n(0x42, 500));
    let s = TcpStream::connect(("127.0.0.1", serve.port)).unwrap();
    assert!(
        closed_while_trickling(s, &hello, Duration::from_secs(40)),
        "still open after 40 s"
    );
    // Same for a request head in the clear, one byte per second.
    let dir = TempDir::new("serve-trickle-plain");
    let serve = Serve::start(&dir, &[], &[]);
    let s = TcpStream::connect(("127.0.0.1", serve.port)).unwrap();
    let head = format!("GET / HTTP/1.1\r\nX: {}", "a".repeat(100));
    assert!(closed_while_trickling(
        s,
        head.as_bytes(),
        Duration::from_secs(40)
    ));
}

#[test]
fn a_refused_thread_refuses_the_connection_and_serve_goes_on() {
    let Some(uid) = limits::unused_uid() else {
        return limits::skipped_not_root();
    };
    let dir = TempDir::new("serve-nothread");
    conf_with_serve(&dir, &[]);
    limits::chown_tree(dir.path(), uid);
    let mut serve = Serve::start_adjusted(&dir, &[], &[], |c| limits::limit_tasks(c, uid, 64));
    // Main thread and acceptor: no room for a connection thread.
    limits::set_task_limit(serve.child.id(), uid, 2);
    let (status, _) = http_get(serve.port, "/", "");
    assert_eq!(status, 503);
    assert!(
        serve.wait_log("cannot start a thread"),
        "{}",
        serve.stderr()
    );
    limits::set_task_limit(serve.child.id(), uid, 64);
    let mut ws = ws_connect(serve.port, "/", None).unwrap();
    serve.wait_clients(1);
    let certs: Vec<String> = sample_certificates().into_iter().take(2).collect();
    serve.send(&certs);
    assert_eq!(read_texts(&mut ws, 2).len(), 2);
    drop(ws);
    serve.finish();
}

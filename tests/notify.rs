//! Notifications (issue 5), hermetic: every destination is a loopback server written here that
//! records method, path, headers and body (HTTP) or the whole session (SMTP); the well-known
//! hosts (hooks.slack.com, slack.com, discord.com, *.webhook.office.com, outlook.office.com,
//! api.telegram.org) are redirected to it with `[REPORTING] Notification_Base_URL`.
//!
//! Expected JSON bodies are produced by `python3`'s `json.dumps` (and the original's body by
//! Python's `str(dict)`), so the byte layout is Python's, not ours; without python3 those
//! comparisons fall back to comparing the parsed JSON (a note is printed). Tests that scan
//! need HTTPS sites made with the `openssl` CLI and pass with a note when it is missing.

mod common;

use certstreammonitor::alert::Alert;
use certstreammonitor::config::Config;
use certstreammonitor::notify::{BodyFormat, Message, NotifySettings, Sender};
use common::sites::{pki, Reply, Site};
use common::{fingerprint_of, iso, now, run_env, Out, TempDir, DB, TABLE};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const HOST: &str = "login-paypal.example.com";
const TITLE: &str = "[CertStreamMonitor] Alert: login-paypal.example.com";

// ---------------------------------------------------------------------------------------
// A recording HTTP(S) server

#[derive(Debug, Clone)]
struct Req {
    method: String,
    /// Path and query, as sent.
    target: String,
    /// In order, names lower-cased.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// When it was read.
    at: Instant,
}

impl Req {
    fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    fn header(&self, name: &str) -> &str {
        match self.all(name).as_slice() {
            [one] => one,
            other => panic!("header {name}: {other:?} in {:?}", self.headers),
        }
    }
    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }
}

/// (status, body, extra header lines each ending in `\r\n`).
type ReplyFn = dyn Fn(&Req, usize) -> (u16, String, String) + Send + Sync;

struct Recorder {
    port: u16,
    reqs: Arc<Mutex<Vec<Req>>>,
}

fn read_req<S: Read>(s: &mut S) -> Option<Req> {
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

fn serve<S: Read + Write>(mut s: S, reqs: &Mutex<Vec<Req>>, reply: &ReplyFn) {
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
    fn start(reply: impl Fn(&Req, usize) -> (u16, String) + Send + Sync + 'static) -> Recorder {
        Recorder::start_inner(
            None,
            Arc::new(move |q: &Req, n| {
                let (status, body) = reply(q, n);
                (status, body, String::new())
            }),
        )
    }

    /// Like `start`, with extra response header lines.
    fn start_with_headers(
        reply: impl Fn(&Req, usize) -> (u16, String, String) + Send + Sync + 'static,
    ) -> Recorder {
        Recorder::start_inner(None, Arc::new(reply))
    }

    fn start_tls(
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

    fn start_inner(tls: Option<Arc<native_tls::TlsAcceptor>>, reply: Arc<ReplyFn>) -> Recorder {
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

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn requests(&self) -> Vec<Req> {
        self.reqs.lock().unwrap().clone()
    }
}

fn ok200() -> impl Fn(&Req, usize) -> (u16, String) + Send + Sync + 'static {
    |_, _| (200, String::new())
}

// ---------------------------------------------------------------------------------------
// Python references

fn python(script: &str, input: &str) -> Option<String> {
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
fn py_dumps(v: &Value) -> Option<String> {
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
fn assert_body(req: &Req, want: &Value) {
    assert_eq!(&req.json(), want, "parsed body");
    if let Some(bytes) = py_dumps(want) {
        assert_eq!(req.text(), bytes, "byte layout");
    }
}

/// The original's notification body for an alert, computed by Python from the alert JSON:
/// `str(dict)`, `", '"` → `"\n'"`, braces removed, trailing whitespace trimmed.
fn original_body(alert: &Alert) -> String {
    let script = "import json,sys\nd = json.loads(sys.stdin.read())\nb = str(d).replace(\", '\", \"\\n'\")\nsys.stdout.write(json.dumps(''.join(c for c in b if c not in '{}').rstrip()))";
    match python(script, &alert.to_json()) {
        Some(out) => serde_json::from_str::<String>(&out).unwrap(),
        None => alert.notification_body(),
    }
}

// ---------------------------------------------------------------------------------------
// Library-level helpers

fn sample_alert() -> Alert {
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
fn settings(lines: &[(&str, String)]) -> NotifySettings {
    let mut text = String::from("[REPORTING]\nAlerts_dir = alerts\n");
    for (k, v) in lines {
        text += &format!("{k} = {v}\n");
    }
    let c = Config::parse("test.conf", &text).unwrap();
    NotifySettings::from_config(&c).unwrap_or_else(|e| panic!("{e}"))
}

/// One attempt at every destination with the sample alert; the results in order.
fn deliver_all(s: &NotifySettings, format: BodyFormat) -> Vec<Result<(), String>> {
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

fn dest_with_base(dest: String, base: &Recorder) -> NotifySettings {
    settings(&[
        ("Notification_Destination", dest),
        ("Notification_Base_URL", base.base()),
    ])
}

const PNG72: &str = "https://github.com/caronc/apprise/raw/master/apprise/assets/themes/default/apprise-info-72x72.png";
const PNG256: &str = "https://github.com/caronc/apprise/raw/master/apprise/assets/themes/default/apprise-info-256x256.png";

fn esc(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

// ---------------------------------------------------------------------------------------
// Each HTTP scheme

#[test]
fn json_request_with_headers_params_fields_and_basic_auth() {
    let r = Recorder::start(|_, _| (204, String::new()));
    let s = settings(&[(
        "Notification_Destination",
        format!("json://alice:pa:ss@127.0.0.1:{}/in//hook/?+X-Api-Key=k3y&-source=csm tool&:type=&:title=subject&:extra=1", r.port),
    )]);
    assert_eq!(deliver_all(&s, BodyFormat::Text), vec![Ok(())]);
    let reqs = r.requests();
    assert_eq!(reqs.len(), 1);
    let q = &reqs[0];
    assert_eq!(
        (q.method.as_str(), q.target.as_str()),
        ("POST", "/in/hook/?source=csm+tool")
    );
    assert_eq!(q.all("user-agent"), vec!["Apprise"]);
    assert_eq!(q.header("content-type"), "application/json");
    assert_eq!(q.header("x-api-key"), "k3y");
    assert_eq!(q.header("authorization"), "Basic YWxpY2U6cGE6c3M="); // alice:pa:ss
    let a = sample_alert();
    assert_body(
        q,
        &json!({"version": "1.0", "message": original_body(&a), "attachments": [], "subject": TITLE, "extra": "1"}),
    );

    // ?method=, jsons:// with Notification_CAFile, and the JSON format.
    let Some(pki) = pki() else { return };
    let r = Recorder::start_tls(pki.acceptor(&["localhost"]), |_, _| (200, String::new()));
    let s = settings(&[
        (
            "Notification_Destination",
            format!("jsons://localhost:{}/put?method=put", r.port),
        ),
        ("Notification_CAFile", pki.ca_pem.display().to_string()),
    ]);
    assert_eq!(deliver_all(&s, BodyFormat::Json), vec![Ok(())]);
    let q = &r.requests()[0];
    assert_eq!((q.method.as_str(), q.target.as_str()), ("PUT", "/put"));
    assert!(q.all("authorization").is_empty());
    assert_body(
        q,
        &json!({"version": "1.0", "title": TITLE, "message": a.to_json(), "attachments": [], "type": "info"}),
    );
    // Without the CA the certificate is refused, and the error carries no secret.
    let s = settings(&[(
        "Notification_Destination",
        format!("jsons://localhost:{}/SECRETPATH", r.port),
    )]);
    let e = deliver_all(&s, BodyFormat::Text).remove(0).unwrap_err();
    assert!(!e.contains("SECRETPATH"), "{e}");
    assert_eq!(
        r.requests().len(),
        1,
        "no request without a trusted certificate"
    );
}

#[test]
fn json_status_decides() {
    let r = Recorder::start(|_, n| {
        if n == 0 {
            (302, "moved".into())
        } else {
            (503, "down for maintenance".into())
        }
    });
    let s = settings(&[(
        "Notification_Destination",
        format!("json://127.0.0.1:{}/x/SECRETPATH", r.port),
    )]);
    let e = deliver_all(&s, BodyFormat::Text).remove(0).unwrap_err();
    assert!(e.starts_with("HTTP 302"), "redirects are not followed: {e}");
    let e = deliver_all(&s, BodyFormat::Text).remove(0).unwrap_err();
    assert_eq!(e, "HTTP 503: down for maintenance");
    // Nothing listening: a connection error.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let s = settings(&[(
        "Notification_Destination",
        format!("json://u:SECRETPASS@127.0.0.1:{port}/SECRETPATH"),
    )]);
    let e = deliver_all(&s, BodyFormat::Text).remove(0).unwrap_err();
    assert!(!e.contains("SECRET"), "{e}");
}

#[test]
fn slack_webhook_and_bot() {
    let r = Recorder::start(|q, _| {
        if q.target.starts_with("/services/") {
            if q.target.contains("BADC") {
                (200, "invalid_token".into())
            } else {
                (200, "ok".into())
            }
        } else if q.json()["channel"] == "#nowhere" {
            (200, r#"{"ok": false, "error": "channel_not_found"}"#.into())
        } else {
            (200, r#"{"ok": true, "channel": "C1", "ts": "1.2"}"#.into())
        }
    });
    let a = sample_alert();
    let (title, body) = (esc(TITLE), esc(&original_body(&a)));
    // `ts` is the time of sending: written as Python's repr of a float, then set aside.
    let expect = |req: &Req, username: &str, channel: Option<&str>| {
        let text = req.text();
        let at = text.find("\"ts\": ").expect("a ts") + 6;
        let ts: String = text[at..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || ".e+-".contains(*c))
            .collect();
        let secs: f64 = ts.parse().expect("ts is a number");
        assert!((secs - now() as f64).abs() < 120.0, "ts {secs}");
        if let Some(repr) = python(
            "import sys; sys.stdout.write(repr(float(sys.stdin.read())))",
            &ts,
        ) {
            assert_eq!(repr, ts, "ts as Python writes the float");
        }
        let mut want = json!({
            "username": username, "mrkdwn": true,
            "attachments": [{"title": title, "text": body, "color": "#3AA3E3", "ts": 1.5, "footer_icon": PNG72, "footer": "Apprise"}],
            "icon_url": PNG72,
        });
        if let Some(c) = channel {
            want["channel"] = json!(c);
        }
        let mut got = req.json();
        got["attachments"][0]["ts"] = json!(1.5);
        assert_eq!(got, want, "parsed body");
        if let Some(bytes) = py_dumps(&want) {
            assert_eq!(
                text,
                bytes.replace("\"ts\": 1.5", &format!("\"ts\": {ts}")),
                "byte layout"
            );
        }
    };

    // Webhook: one request per channel; `#`, `@` kept, bare names get `#`, `+id` loses the `+`.
    let s = dest_with_base(
        "slack://T1AAA/B2BBB/C3CCC/#soc/@bob/alerts/+U123?to=more".into(),
        &r,
    );
    assert_eq!(deliver_all(&s, BodyFormat::Text), vec![Ok(())]);
    let reqs = r.requests();
    assert_eq!(reqs.len(), 5);
    for (q, ch) in reqs
        .iter()
        .zip(["#soc", "@bob", "#alerts", "U123", "#more"])
    {
        assert_eq!(
            (q.method.as_str(), q.target.as_str()),
            ("POST", "/services/T1AAA/B2BBB/C3CCC")
        );
        assert_eq!(q.all("user-agent"), vec!["Apprise"]);
        assert_eq!(q.header("content-type"), "application/json; charset=utf-8");
        assert_eq!(q.header("accept"), "application/json");
        expect(q, "Apprise", Some(ch));
    }
    // Without a channel, no "channel" key; a bot name replaces "Apprise".
    let s = dest_with_base("slack://csmbot@T1AAA/B2BBB/C3CCC".into(), &r);
    assert_eq!(deliver_all(&s, BodyFormat::Text), vec![Ok(())]);
    expect(&r.requests()[5], "csmbot", None);
    // 200 with any other body than `ok` is a failure.
    let s = dest_with_base("slack://T1AAA/B2BBB/BADC".into(), &r);
    let e = deliver_all(&s, BodyFormat::Text).remove(0).unwrap_err();
    assert!(
        e.contains("not `ok`") && e.contains("invalid_token") && !e.contains("BADC"),
        "{e}"
    );

    // Bot token: chat.postMessage with Bearer; success is JSON ok=true.
    let n = r.requests().len();
    let s = dest_with_base("slack://xoxb-1234-5678-SECRETbot/#soc".into(), &r);
    assert_eq!(deliver_all(&s, BodyFormat::Text), vec![Ok(())]);
    let q = &r.requests()[n];
    assert_eq!(
        (q.method.as_str(), q.target.as_str()),
        ("POST", "/api/chat.postMessage")
    );
    assert_eq!(q.header("authorization"), "Bearer xoxb-1234-5678-SECRETbot");
    assert_eq!(q.header("content-type"), "application/json; charset=utf-8");
    expect(q, "Apprise", Some("#soc"));
    let s = dest_with_base("slack://xoxb-1234-5678-SECRETbot/#nowhere".into(), &r);
    let e = deliver_all(&s, BodyFormat::Text).remove(0).unwrap_err();
    assert_eq!(e, "Slack answered ok=false: channel_not_found");
}

#[test]
fn discord_request() {
    let r = Recorder::start(|_, _| (204, String::new()));
    let s = dest_with_base(
        "discord://csm@4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js".into(),
        &r,
    );
    assert_eq!(deliver_all(&s, BodyFormat::Text), vec![Ok(())]);
    let q = &r.requests()[0];
    assert_eq!(
        (q.method.as_str(), q.target.as_str()),
        (
            "POST",
            "/api/webhooks/4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js"
        )
    );
    assert_eq!(q.all("user-agent"), vec!["Apprise"]);
    assert_eq!(q.header("content-type"), "application/json; charset=utf-8");
    let body = original_body(&sample_alert());
    // apprise's quirk, kept: the `@squarespace` of the abuse address lands in allow_mentions.
    assert_body(
        q,
        &json!({"tts": false, "wait": true, "avatar_url": PNG256, "username": "csm", "content": format!("{TITLE}\r\n{body}"),
                "allow_mentions": {"parse": ["squarespace"], "users": [], "roles": []}}),
    );
    // 200 is success too; 400 is not.
    let r = Recorder::start(|_, n| {
        if n == 0 {
            (200, "{}".into())
        } else {
            (400, "bad".into())
        }
    });
    let s = dest_with_base("discord://1/t?avatar=no".into(), &r);
    assert_eq!(deliver_all(&s, BodyFormat::Text), vec![Ok(())]);
    assert!(r.requests()[0].json().get("avatar_url").is_none());
    assert_eq!(
        deliver_all(&s, BodyFormat::Text),
        vec![Err("HTTP 400: bad".into())]
    );
}

#[test]
fn msteams_both_forms() {
    let r = Recorder::start(ok200());
    let s = dest_with_base(
        "msteams://acme/2a6d1a0e-aa11-4bd2-9e5b-2a1b3c4d5e6f@7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e/0123456789abcdef0123456789abcdef/5c6d7e8f-1a2b-3c4d-5e6f-7a8b9c0d1e2f, \
         msteams://2a6d1a0e-aa11@7b8c9d0e-1f2a/0123456789abcdef/5c6d7e8f-1a2b"
            .into(),
        &r,
    );
    assert_eq!(s.destinations.len(), 2);
    assert_eq!(deliver_all(&s, BodyFormat::Text), vec![Ok(()), Ok(())]);
    let reqs = r.requests();
    assert_eq!(
        reqs[0].target,
        "/webhookb2/2a6d1a0e-aa11-4bd2-9e5b-2a1b3c4d5e6f@7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e/IncomingWebhook/0123456789abcdef0123456789abcdef/5c6d7e8f-1a2b-3c4d-5e6f-7a8b9c0d1e2f"
    );
    assert_eq!(
        reqs[1].target,
        "/webhook/2a6d1a0e-aa11@7b8c9d0e-1f2a/IncomingWebhook/0123456789abcdef/5c6d7e8f-1a2b"
    );
    let body = original_body(&sample_alert());
    for q in &reqs {
        assert_eq!(q.method, "POST");
        assert_eq!(q.all("user-agent"), vec!["Apprise"]);
        assert_eq!(q.header("content-type"), "application/json");
        assert_body(
            q,
            &json!({"@type": "MessageCard", "@context": "https://schema.org/extensions", "summary": "Apprise Notifications",
                    "themeColor": "#3AA3E3", "sections": [{"activityImage": PNG72, "activityTitle": TITLE, "text": body}]}),
        );
    }
}

#[test]
fn mattermost_request() {
    let r = Recorder::start(ok200());
    // Default port 8065 (also for mmosts), so the test gives its own port.
    let s = settings(&[(
        "Notification_Destination",
        format!(
            "mmost://csmbot@127.0.0.1:{}/team/sub/hk7token?channels=soc,alerts",
            r.port
        ),
    )]);
    assert_eq!(deliver_all(&s, BodyFormat::Text), vec![Ok(())]);
    let reqs = r.requests();
    assert_eq!(reqs.len(), 2);
    let body = original_body(&sample_alert());
    for (q, ch) in reqs.iter().zip(["soc", "alerts"]) {
        assert_eq!(
            (q.method.as_str(), q.target.as_str()),
            ("POST", "/team/sub/hooks/hk7token")
        );
        assert_eq!(q.header("content-type"), "application/json");
        assert_eq!(q.all("user-agent"), vec!["Apprise"]);
        assert_body(
            q,
            &json!({"text": format!("{TITLE}\r\n{body}"), "icon_url": null, "username": "csmbot", "channel": ch}),
        );
    }
    let r2 = Recorder::start(ok200());
    let s = settings(&[(
        "Notification_Destination",
        format!("mmost://127.0.0.1:{}/tok", r2.port),
    )]);
    assert_eq!(deliver_all(&s, BodyFormat::Text), vec![Ok(())]);
    assert_body(
        &r2.requests()[0],
        &json!({"text": format!("{TITLE}\r\n{body}"), "icon_url": null, "username": "Apprise"}),
    );
}

#[test]
fn telegram_request_is_html_escaped() {
    let r = Recorder::start(ok200());
    let s = dest_with_base(
        "tgram://123456789:AAbbCC_dd-SECRET/-1001234567890/@soc_channel".into(),
        &r,
    );
    assert_eq!(deliver_all(&s, BodyFormat::Text), vec![Ok(())]);
    let reqs = r.requests();
    assert_eq!(reqs.len(), 2);
    let body = original_body(&sample_alert());
    assert!(
        body.contains("<b> &"),
        "the sample needs characters to escape"
    );
    let text = format!("<b>{}</b>\r\n{}", esc(TITLE), esc(&body));
    for (q, chat) in reqs
        .iter()
        .zip([json!(-1001234567890i64), json!("@soc_channel")])
    {
        assert_eq!(
            (q.method.as_str(), q.target.as_str()),
            ("POST", "/bot123456789:AAbbCC_dd-SECRET/sendMessage")
        );
        assert_eq!(q.header("content-type"), "application/json");
        assert_eq!(q.all("user-agent"), vec!["Apprise"]);
        assert_body(
            q,
            &json!({"disable_notification": false, "disable_web_page_preview": true, "parse_mode": "HTML", "text": text, "chat_id": chat}),
        );
    }
}

// ---------------------------------------------------------------------------------------
// mailto through a loopback SMTP server

#[derive(Debug, Default, Clone)]
struct SmtpSession {
    commands: Vec<String>,
    /// Decoded AUTH credentials: PLAIN's `\0user\0pass`, or LOGIN's `user` and `pass`.
    auth: Vec<String>,
    data: String,
}

/// A plain SMTP server: EHLO offers AUTH PLAIN LOGIN; every session is recorded.
fn smtp_server() -> (u16, Arc<Mutex<Vec<SmtpSession>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let sessions = Arc::new(Mutex::new(Vec::new()));
    let s2 = sessions.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { continue };
            let sessions = s2.clone();
            std::thread::spawn(move || {
                let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
                let mut w = conn.try_clone().unwrap();
                let mut r = BufReader::new(conn);
                let mut sess = SmtpSession::default();
                let b64 = |s: &str| {
                    String::from_utf8(
                        certstreammonitor::net::base64::decode(s.trim().as_bytes()).unwrap(),
                    )
                    .unwrap()
                };
                let mut line = String::new();
                let read = |r: &mut BufReader<TcpStream>, line: &mut String| {
                    line.clear();
                    r.read_line(line).map(|n| n > 0).unwrap_or(false)
                };
                let _ = w.write_all(b"220 fake.test ESMTP\r\n");
                while read(&mut r, &mut line) {
                    let cmd = line.trim_end().to_string();
                    sess.commands.push(cmd.clone());
                    let upper = cmd.to_ascii_uppercase();
                    let answer: String = if upper.starts_with("EHLO") {
                        "250-fake.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n".into()
                    } else if upper.starts_with("AUTH PLAIN") {
                        let arg = cmd[10..].trim().to_string();
                        let token = if arg.is_empty() {
                            let _ = w.write_all(b"334 \r\n");
                            read(&mut r, &mut line);
                            line.trim().to_string()
                        } else {
                            arg
                        };
                        sess.auth.push(b64(&token));
                        "235 2.7.0 ok\r\n".into()
                    } else if upper.starts_with("AUTH LOGIN") {
                        let _ = w.write_all(b"334 VXNlcm5hbWU6\r\n");
                        read(&mut r, &mut line);
                        sess.auth.push(b64(&line));
                        let _ = w.write_all(b"334 UGFzc3dvcmQ6\r\n");
                        read(&mut r, &mut line);
                        sess.auth.push(b64(&line));
                        "235 2.7.0 ok\r\n".into()
                    } else if upper == "DATA" {
                        let _ = w.write_all(b"354 go ahead\r\n");
                        let mut data = String::new();
                        while read(&mut r, &mut line) && line != ".\r\n" {
                            data.push_str(&line);
                        }
                        sess.data = data;
                        "250 2.0.0 queued\r\n".into()
                    } else if upper == "QUIT" {
                        let _ = w.write_all(b"221 bye\r\n");
                        break;
                    } else {
                        "250 ok\r\n".into()
                    };
                    let _ = w.write_all(answer.as_bytes());
                }
                sessions.lock().unwrap().push(sess);
                let _ = w.shutdown(Shutdown::Both);
            });
        }
    });
    (port, sessions)
}

#[test]
fn mailto_sends_one_message_per_recipient_with_auth() {
    let (port, sessions) = smtp_server();
    let s = settings(&[(
        "Notification_Destination",
        format!(
            "mailto://domain.xyz:{port}?user=alice&pass=s3cret-pw&smtp=127.0.0.1&to=soc@corp.example,cert@corp.example&from=csm@domain.xyz&format=text&name=CertStreamMonitor-notification"
        ),
    )]);
    assert_eq!(deliver_all(&s, BodyFormat::Text), vec![Ok(())]);
    // The fake records a session once it has answered QUIT, after the client may be gone.
    common::wait_until(common::WAIT, || sessions.lock().unwrap().len() == 2);
    let mut got = sessions.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "{got:?}");
    got.sort_by_key(|s| s.commands.iter().find(|c| c.starts_with("RCPT")).cloned());
    let body = original_body(&sample_alert());
    for (sess, to) in got.iter().zip(["cert@corp.example", "soc@corp.example"]) {
        assert_eq!(
            sess.auth,
            vec!["\0alice\0s3cret-pw".to_string()],
            "{:?}",
            sess.commands
        );
        assert!(
            sess.commands
                .iter()
                .any(|c| c.starts_with("MAIL FROM:<csm@domain.xyz>")),
            "{:?}",
            sess.commands
        );
        assert!(
            sess.commands.contains(&format!("RCPT TO:<{to}>")),
            "{:?}",
            sess.commands
        );
        let (head, text) = sess.data.split_once("\r\n\r\n").expect("headers and body");
        let headers: Vec<&str> = head.split("\r\n").collect();
        for want in [
            "From: CertStreamMonitor-notification <csm@domain.xyz>".to_string(),
            format!("To: {to}"),
            format!("Subject: {TITLE}"),
            "X-Application: Apprise".to_string(),
            "Content-Type: text/plain; charset=\"utf-8\"".to_string(),
            "Content-Transfer-Encoding: quoted-printable".to_string(),
        ] {
            assert!(
                headers.contains(&want.as_str()),
                "{want:?} not in {headers:?}"
            );
        }
        assert_eq!(
            qp_decode(text).trim_end_matches("\r\n"),
            body.replace('\n', "\r\n")
        );
    }
    // userinfo credentials, the default recipient (the sender), AUTH LOGIN not needed.
    let (port, sessions) = smtp_server();
    let s = settings(&[(
        "Notification_Destination",
        format!("mailto://bob:hunter22@127.0.0.1:{port}?from=bob@corp.example"),
    )]);
    assert_eq!(deliver_all(&s, BodyFormat::Text), vec![Ok(())]);
    common::wait_until(common::WAIT, || sessions.lock().unwrap().len() == 1);
    let got = sessions.lock().unwrap().clone();
    assert_eq!(got[0].auth, vec!["\0bob\0hunter22".to_string()]);
    assert!(
        got[0]
            .commands
            .contains(&"RCPT TO:<bob@corp.example>".to_string()),
        "{:?}",
        got[0].commands
    );
    // mailtos insists on STARTTLS, which this server does not offer: an error without the password.
    let s = settings(&[(
        "Notification_Destination",
        format!("mailtos://bob:hunter22@127.0.0.1:{port}?from=bob@corp.example"),
    )]);
    let e = deliver_all(&s, BodyFormat::Text).remove(0).unwrap_err();
    assert!(
        e.to_ascii_uppercase().contains("STARTTLS") && !e.contains("hunter22"),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------
// mailto compared with the real apprise 1.7.1 (tests/requirements.txt, in target/test-venv)

/// One message as a server stores it: the session's commands and the DATA with the
/// dot-stuffing undone, split into unfolded headers and body.
struct Sent {
    commands: Vec<String>,
    auth: Vec<String>,
    headers: Vec<(String, String)>,
    body: String,
}

impl Sent {
    fn of(sess: &SmtpSession) -> Sent {
        let data: String = sess
            .data
            .split_inclusive("\r\n")
            .map(|l| l.strip_prefix('.').unwrap_or(l))
            .collect();
        let (head, body) = data.split_once("\r\n\r\n").expect("headers and body");
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in head.split("\r\n") {
            if line.starts_with(' ') || line.starts_with('\t') {
                headers
                    .last_mut()
                    .expect("folded first line")
                    .1
                    .push_str(line);
            } else {
                let (k, v) = line.split_once(": ").expect("header line");
                headers.push((k.to_string(), v.to_string()));
            }
        }
        Sent {
            commands: sess.commands.clone(),
            auth: sess.auth.clone(),
            headers,
            body: body.to_string(),
        }
    }
    fn header(&self, name: &str) -> &str {
        match self
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
        {
            Some((_, v)) => v,
            None => panic!("no {name} in {:?}", self.headers),
        }
    }
    fn names(&self) -> Vec<&str> {
        self.headers.iter().map(|(k, _)| k.as_str()).collect()
    }
    /// The address of `MAIL FROM` / `RCPT TO` (apprise's smtplib writes `mail FROM:<a> size=N`).
    fn envelope(&self, verb: &str) -> Vec<String> {
        self.commands
            .iter()
            .filter(|c| c.to_ascii_uppercase().starts_with(verb))
            .map(|c| c[c.find('<').unwrap() + 1..c.find('>').unwrap()].to_string())
            .collect()
    }
}

/// Undo quoted-printable (RFC 2045 §6.7).
fn qp_decode(s: &str) -> String {
    let s = s.replace("=\r\n", "");
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            out.push(
                u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap(), 16).unwrap(),
            );
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// What apprise's CLI sends for `url` (`{port}` replaced by a fresh loopback SMTP server's).
fn apprise_sends(url: &str, title: &str, body: &str) -> Sent {
    let home = TempDir::new("apprise-home");
    let (port, sessions) = smtp_server();
    let url = url.replace("{port}", &port.to_string());
    let out = common::apprise::run(home.path(), &["-vv", "-t", title, "-b", body, &url]);
    assert!(
        out.status.success(),
        "apprise {url} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    common::wait_until(common::WAIT, || sessions.lock().unwrap().len() == 1);
    let got = sessions.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "apprise sessions: {got:?}");
    Sent::of(&got[0])
}

/// What we send for the same URL, title and body (the `scan` / `notify-test` path).
fn we_send(url: &str, title: &str, body: &str) -> Sent {
    let (port, sessions) = smtp_server();
    let url = url.replace("{port}", &port.to_string());
    // configparser's interpolation: a literal % is written %%.
    let s = settings(&[("Notification_Destination", url.replace('%', "%%"))]);
    let sender = Sender::new(&s).unwrap();
    let msg = Message {
        domain: "x".into(),
        title: title.into(),
        body: body.into(),
        alert_json: String::new(),
        alert_file: String::new(),
        env: Vec::new(),
    };
    sender
        .deliver(&s.destinations[0], &msg, &mut Vec::new())
        .unwrap();
    common::wait_until(common::WAIT, || sessions.lock().unwrap().len() == 1);
    let got = sessions.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "our sessions: {got:?}");
    Sent::of(&got[0])
}

/// Everything but Message-ID and Date (the time, and apprise's `@<smtp host>` id) is the same.
fn assert_same_mail(ours: &Sent, theirs: &Sent, what: &str) {
    assert_eq!(
        ours.names(),
        theirs.names(),
        "{what}: header names and order"
    );
    for h in [
        "Content-Type",
        "MIME-Version",
        "Content-Transfer-Encoding",
        "Subject",
        "From",
        "To",
        "X-Application",
    ] {
        assert_eq!(ours.header(h), theirs.header(h), "{what}: {h}");
    }
    assert_eq!(ours.body, theirs.body, "{what}: body as sent");
    assert_eq!(
        qp_decode(&ours.body),
        qp_decode(&theirs.body),
        "{what}: decoded body"
    );
    assert_eq!(
        ours.envelope("MAIL FROM"),
        theirs.envelope("MAIL FROM"),
        "{what}"
    );
    assert_eq!(
        ours.envelope("RCPT TO"),
        theirs.envelope("RCPT TO"),
        "{what}"
    );
    assert_eq!(ours.auth, theirs.auth, "{what}: AUTH");
    for h in ["Message-ID", "Date"] {
        ours.header(h);
        theirs.header(h);
    }
}

#[test]
fn mailto_matches_apprise_1_7_1() {
    let unicode_body = format!(
        "Unicode: société générale ✓\n.leading dot\ntrailing space \na = b\n{}\nend",
        "long é line ".repeat(12)
    );
    for (query, title, body) in [
        // No name=: apprise names the sender "Apprise" (its app id).
        (
            "to=soc@x.test&format=text",
            "Plain title",
            "hello\n.dot line\nsecond",
        ),
        (
            "to=soc@x.test&format=text",
            "Alerte : société générale ✓",
            unicode_body.as_str(),
        ),
        (
            "to=soc@x.test&format=text&name=%C3%89quipe%20s%C3%A9curit%C3%A9",
            "[CertStreamMonitor] Alert: paypal-login.example",
            unicode_body.as_str(),
        ),
        // The README's example: from= and name=. (With several recipients apprise sends their
        // messages in one SMTP session, we open one session per recipient.)
        (
            "to=soc@x.test&from=csm@x.test&format=text&name=CertStreamMonitor-notification",
            "[CertStreamMonitor] Alert: paypal-login.example",
            "hostname: 'paypal-login.example'\nhttp_code: 200",
        ),
        // from= without a name: the bare address.
        ("from=csm@x.test&to=soc@x.test&format=text", "t", "b"),
        // from= that is no address: apprise takes it as the name of user@domain.
        ("from=SOC%20Bot&to=soc@x.test&format=text", "t", "b"),
    ] {
        let url = format!("mailto://alice:pw@x.test:{{port}}?smtp=127.0.0.1&{query}");
        let url = if query.starts_with("from=csm") {
            format!("mailto://x.test:{{port}}?smtp=127.0.0.1&{query}")
        } else {
            url
        };
        let theirs = apprise_sends(&url, title, body);
        let ours = we_send(&url, title, body);
        assert_same_mail(&ours, &theirs, &format!("{url} / {title:?}"));
        if !query.contains("name=") && !query.contains("from=") {
            assert_eq!(ours.header("From"), "Apprise <alice@x.test>");
        }
    }

    // apprise's default format=html sends multipart/alternative (a text part converted back
    // from the HTML and an HTML part); we always send the text alone (README: differences).
    let url = "mailto://alice:pw@x.test:{port}?smtp=127.0.0.1&to=soc@x.test";
    let theirs = apprise_sends(url, "t", "line one\nline two");
    let ours = we_send(url, "t", "line one\nline two");
    assert!(
        theirs
            .header("Content-Type")
            .starts_with("multipart/alternative;"),
        "{:?}",
        theirs.headers
    );
    assert_eq!(ours.header("Content-Type"), "text/plain; charset=\"utf-8\"");
    let text_part = theirs
        .body
        .split("Content-Transfer-Encoding: quoted-printable\r\n\r\n")
        .nth(1)
        .and_then(|p| p.split("\r\n--").next())
        .expect("apprise's text/plain part");
    assert_eq!(qp_decode(&ours.body), qp_decode(text_part) + "\r\n");
    assert_eq!(ours.header("From"), theirs.header("From"));
}

#[test]
fn notify_test_mail_matches_apprise_1_7_1() {
    // The binary itself: `notify-test` against apprise's CLI with the same title and body.
    let url = "mailto://alice:pw@x.test:{port}?smtp=127.0.0.1&to=soc@x.test&format=text";
    let theirs = apprise_sends(
        url,
        certstreammonitor::notify::TEST_TITLE,
        certstreammonitor::notify::TEST_BODY,
    );
    let dir = TempDir::new("notify-test-mail");
    let (port, sessions) = smtp_server();
    dir.write(
        "t.conf",
        format!(
            "[REPORTING]\nAlerts_dir = alerts\nNotification_Destination = {}\n",
            url.replace("{port}", &port.to_string())
        ),
    );
    let out = run_env(dir.path(), &["notify-test", "-c", "t.conf"], &[], None);
    assert_eq!(out.code, Some(0), "{out:?}");
    common::wait_until(common::WAIT, || sessions.lock().unwrap().len() == 1);
    let ours = Sent::of(&sessions.lock().unwrap()[0]);
    assert_same_mail(&ours, &theirs, "notify-test");
}

// ---------------------------------------------------------------------------------------
// The command hook

fn write_script(dir: &TempDir, name: &str, text: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.write(name, text);
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p.display().to_string()
}

const ENV_KEYS: [&str; 15] = [
    "CSM_HOSTNAME",
    "CSM_HTTP_CODE",
    "CSM_CERT_SERIAL_NUMBER",
    "CSM_WEBPAGE_TITLE",
    "CSM_IP_ADDR",
    "CSM_ASN",
    "CSM_ASN_CIDR",
    "CSM_ASN_COUNTRY_CODE",
    "CSM_ASN_DESCRIPTION",
    "CSM_ASN_ABUSE_EMAIL",
    "CSM_SAFE_BROWSING_STATUS",
    "CSM_ALERT_FILE",
    "CSM_TITLE",
    "CSM_BODY",
    "CSM_TEST",
];

/// Records every CSM_ variable (one file each; unset ones absent), its arguments and stdin.
fn recording_hook(dir: &TempDir) -> String {
    let keys = ENV_KEYS.join(" ");
    write_script(
        dir,
        "hook.sh",
        &format!(
            "#!/bin/sh\nout=\"$1\"\nmkdir -p \"$out\"\nfor v in {keys}; do\n  eval \"set_=\\${{$v+x}}\"\n  if [ -n \"$set_\" ]; then eval \"printf '%s' \\\"\\${{$v}}\\\"\" > \"$out/$v\"; fi\ndone\nprintf '%s\\n' \"$@\" > \"$out/args\"\ncat > \"$out/stdin\"\necho 'hook says hi' >&2\nexit 0\n"
        ),
    )
}

fn read_dir_files(dir: &Path) -> std::collections::BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn command_hook_failure_timeout_and_missing_program() {
    let dir = TempDir::new("notify-hook");
    let fail = write_script(
        &dir,
        "fail.sh",
        "#!/bin/sh\ncat >/dev/null\necho 'ticket system says no' >&2\nexit 3\n",
    );
    // A grandchild holding stderr open must not keep us waiting past the timeout either.
    let slow = write_script(&dir, "slow.sh", "#!/bin/sh\nsleep 30 &\nsleep 30\n");
    // Run through /bin/sh here: executing a file this process just wrote can race with the
    // forks of concurrent tests (ETXTBSY). The scan test below runs its hook directly.
    let s = settings(&[
        ("Notification_Command", format!("/bin/sh {fail} SECRETARG")),
        ("Notification_Timeout", "1".into()),
    ]);
    let e = deliver_all(&s, BodyFormat::Text).remove(0).unwrap_err();
    assert_eq!(e, "exit status 3; stderr: ticket system says no");
    let s = settings(&[
        ("Notification_Command", format!("/bin/sh {slow}")),
        ("Notification_Timeout", "0.5".into()),
    ]);
    let t = Instant::now();
    let e = deliver_all(&s, BodyFormat::Text).remove(0).unwrap_err();
    assert!(e.starts_with("killed after 0.5 s"), "{e}");
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    let s = settings(&[(
        "Notification_Command",
        dir.join("missing").display().to_string(),
    )]);
    let e = deliver_all(&s, BodyFormat::Text).remove(0).unwrap_err();
    assert!(e.starts_with("cannot run "), "{e}");
    // An argument is not shown where the command is named.
    let s = settings(&[("Notification_Command", format!("/bin/sh {fail} SECRETARG"))]);
    assert_eq!(s.destinations[0].display(), "[command] /bin/sh");
}

// ---------------------------------------------------------------------------------------
// Configuration errors

#[test]
fn bad_destinations_are_startup_errors_without_secrets() {
    let dir = TempDir::new("notify-bad");
    for (value, want) in [
        (
            "json://127.0.0.1:9/x, foo://SECRETTOKEN@host/SECRETPATH",
            "item 2 (foo://***): unsupported scheme \"foo\"",
        ),
        (
            "slack://SECRETTOKEN",
            "item 1 (slack://***): write slack://TokenA/TokenB/TokenC",
        ),
        (
            "tgram://123:SECRETTOKEN",
            "item 1 (tgram://***): no chat id",
        ),
        (
            "mailtos://bob:SECRETPASS@corp.example?mode=tls",
            "item 1 (mailtos://corp.example/***): mode= must be starttls, ssl or insecure",
        ),
        ("discord://SECRETTOKEN", "item 1 (discord://***)"),
        ("SECRETTOKEN", "item 1 (***): not a URL"),
    ] {
        let conf = format!(
            "[DATABASE]\nDBFile = {DB}\nTABLEname = {TABLE}\n[REPORTING]\nAlerts_dir = alerts\nNotification_Destination = {value}\n"
        );
        dir.write("n.conf", &conf);
        for cmd in ["notify-test", "scan"] {
            let out = run_env(dir.path(), &[cmd, "-c", "n.conf"], &[], None);
            assert_eq!(out.code, Some(2), "{cmd} {value}: {out:?}");
            assert!(
                out.stderr.contains("[REPORTING] Notification_Destination")
                    && out.stderr.contains(want),
                "{cmd} {value}: {}",
                out.stderr
            );
            assert!(
                !format!("{}{}", out.stdout, out.stderr).contains("SECRET"),
                "{cmd}: {out:?}"
            );
        }
    }
    for (key, value) in [
        ("Notification_Format", "xml"),
        ("Notification_Timeout", "0"),
        ("Notification_Retry_Delay", "-1"),
        ("Notification_Base_URL", "ftp://x"),
    ] {
        let conf = format!("[DATABASE]\nDBFile = {DB}\nTABLEname = {TABLE}\n[REPORTING]\nAlerts_dir = alerts\nNotification_Command = /bin/true\n{key} = {value}\n");
        dir.write("n.conf", &conf);
        let out = run_env(dir.path(), &["notify-test", "-c", "n.conf"], &[], None);
        assert_eq!(out.code, Some(2), "{key}: {out:?}");
        assert!(
            out.stderr.contains(&format!("[REPORTING] {key}")),
            "{key}: {}",
            out.stderr
        );
    }
    // Nothing configured: nothing to test.
    dir.write(
        "n.conf",
        "[REPORTING]\nAlerts_dir = alerts\nNotification_Destination =\n",
    );
    let out = run_env(dir.path(), &["notify-test", "-c", "n.conf"], &[], None);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("nothing to test"), "{}", out.stderr);
}

// ---------------------------------------------------------------------------------------
// notify-test

#[test]
fn notify_test_reports_each_destination() {
    let dir = TempDir::new("notify-test");
    let good = Recorder::start(ok200());
    let bad = Recorder::start(|_, _| (500, "internal trouble".into()));
    let hook = write_script(&dir, "t.sh", "#!/bin/sh\nprintf '%s|%s|%s' \"$CSM_TEST\" \"$CSM_TITLE\" \"$CSM_HOSTNAME\" > \"$1\"\ncat >> \"$1\"\n");
    let hook_out = dir.join("hook-out");
    let conf = |dest: String| {
        format!(
            "[REPORTING]\nAlerts_dir = alerts\nNotification_Destination = {dest}\nNotification_Command = /bin/sh {hook} {}\nNotification_Base_URL = {}\n",
            hook_out.display(),
            bad.base()
        )
    };
    dir.write(
        "t.conf",
        conf(format!("json://u:SECRETPASS@127.0.0.1:{}/SECRETPATH,\n    slack://TOKENAAA/TOKENBBB/TOKENCCC/#soc", good.port)),
    );
    let out = run_env(dir.path(), &["notify-test", "-c", "t.conf"], &[], None);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert_eq!(
        out.stdout,
        "[1] json://127.0.0.1/***: OK\n[2] slack://***: FAILED: HTTP 500: internal trouble\n[command] /bin/sh: OK\n",
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("1 of 3 notification destinations failed"),
        "{}",
        out.stderr
    );
    for secret in [
        "SECRETPASS",
        "SECRETPATH",
        "TOKENAAA",
        "TOKENBBB",
        "TOKENCCC",
    ] {
        assert!(
            !out.stdout.contains(secret) && !out.stderr.contains(secret),
            "{secret}: {out:?}"
        );
    }
    let q = &good.requests()[0];
    assert_eq!(q.target, "/SECRETPATH");
    let msg = q.json();
    assert_eq!(msg["title"], "[CertStreamMonitor] Test notification");
    assert!(
        msg["message"].as_str().unwrap().contains("notify-test"),
        "{msg}"
    );
    assert_eq!(bad.requests().len(), 1, "one attempt only");
    assert_eq!(
        std::fs::read_to_string(&hook_out).unwrap(),
        "1|[CertStreamMonitor] Test notification|"
    );

    // All good: exit 0.
    dir.write("t.conf", conf(format!("json://127.0.0.1:{}/ok", good.port)));
    let out = run_env(dir.path(), &["notify-test", "-c", "t.conf"], &[], None);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(
        out.stdout,
        "[1] json://127.0.0.1/***: OK\n[command] /bin/sh: OK\n"
    );
    let help = run_env(dir.path(), &["notify-test", "--help"], &[], None);
    assert_eq!(help.code, Some(0));
    assert!(
        help.stdout
            .starts_with("Usage: certstreammonitor notify-test -c FILE"),
        "{}",
        help.stdout
    );
}

// ---------------------------------------------------------------------------------------
// scan end to end: retries, the outbox, the next run

/// (Domain, Destination, Attempts, LastError, SentAt).
type OutboxRow = (String, String, i64, Option<String>, Option<String>);

struct ScanEnv {
    dir: TempDir,
    _site: Site,
    conf_head: String,
}

/// A stored host served by a loopback HTTPS site; `None` without the openssl CLI.
fn scan_env(name: &str) -> Option<ScanEnv> {
    let pki = pki()?;
    let dir = TempDir::new(name);
    let site = Site::start(pki.acceptor(&[HOST]), |_| Reply::page(200, "Log in secure"));
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let c = rusqlite::Connection::open(dir.join(DB)).unwrap();
    c.execute_batch(&common::original_ddl(TABLE)).unwrap();
    c.execute(
        "INSERT INTO CertMon (Domain, SAN, Issuer, Fingerprint, Startime, FirstSeen, StillInvestig) VALUES (?1, '', '/CN=R3', ?2, '2024-01-01T00:00:00', ?3, NULL)",
        rusqlite::params![HOST, fingerprint_of(HOST), iso(now() - 3600)],
    )
    .unwrap();
    let conf_head = format!(
        "[DATABASE]\nDBFile = {DB}\nTABLEname = {TABLE}\n[LOGGING]\nLogType = stderr\n[CONNECT]\nTimeout = 3\nWorkers = 2\nCAFile = {}\nResolve = {}\n",
        pki.ca_pem.display(),
        site.resolve(HOST)
    );
    Some(ScanEnv {
        dir,
        _site: site,
        conf_head,
    })
}

impl ScanEnv {
    fn scan(&self, reporting: &str) -> Out {
        self.dir.write(
            "scan.conf",
            format!(
                "{}[REPORTING]\nAlerts_dir = alerts\n{reporting}",
                self.conf_head
            ),
        );
        run_env(self.dir.path(), &["scan", "-c", "scan.conf"], &[], None)
    }

    /// (Domain, Destination, Attempts, LastError, SentAt) of every Notifications row.
    fn outbox(&self) -> Vec<OutboxRow> {
        let c = rusqlite::Connection::open(self.dir.join(DB)).unwrap();
        let mut st = c.prepare("SELECT Domain, Destination, Attempts, LastError, SentAt FROM Notifications ORDER BY Id").unwrap();
        st.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    }

    fn alert_file(&self) -> String {
        std::fs::read_to_string(self.dir.join(&format!("alerts/{HOST}.json"))).unwrap()
    }
}

fn assert_no_secrets(out: &Out, secrets: &[&str]) {
    for s in secrets {
        assert!(
            !out.stdout.contains(s) && !out.stderr.contains(s),
            "{s} leaked: {out:?}"
        );
    }
}

#[test]
fn scan_retries_a_destination_that_fails_twice() {
    let Some(env) = scan_env("notify-retry") else {
        return;
    };
    let flaky = Recorder::start(|_, n| {
        if n < 2 {
            (500, "try later".into())
        } else {
            (200, "{}".into())
        }
    });
    let slack = Recorder::start(|_, _| (200, "ok".into()));
    let t = Instant::now();
    let out = env.scan(&format!(
        "Notification_Destination = json://hook:SECRETPASS@127.0.0.1:{}/SECRETPATH slack://TOKENAAA/TOKENBBB/TOKENCCC/#soc\nNotification_Retry_Delay = 0.2\nNotification_Base_URL = {}\n",
        flaky.port,
        slack.base()
    ));
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(
        t.elapsed() >= Duration::from_millis(600),
        "backoff 0.2 s then 0.4 s: {:?}",
        t.elapsed()
    );
    let reqs = flaky.requests();
    assert_eq!(reqs.len(), 3, "{reqs:?}");
    let alert = env.alert_file();
    let a: Alert = certstreammonitor::notify::alert_from_json(&alert).unwrap();
    let want = json!({"version": "1.0", "title": TITLE, "message": original_body(&a), "attachments": [], "type": "info"});
    for q in &reqs {
        assert_body(q, &want);
    }
    let s = slack.requests();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].target, "/services/TOKENAAA/TOKENBBB/TOKENCCC");
    assert_eq!(s[0].json()["channel"], "#soc");
    assert!(
        out.stdout.contains("Notifications: 2 sent, 0 failed\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr
            .contains("attempt 1/3 failed: HTTP 500: try later"),
        "{}",
        out.stderr
    );
    let rows = env.outbox();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        (rows[0].0.as_str(), rows[0].1.as_str(), rows[0].2),
        (HOST, "1 json://127.0.0.1/***", 3)
    );
    assert_eq!(
        (rows[1].1.as_str(), rows[1].2, rows[1].3.as_deref()),
        ("2 slack://***", 1, None)
    );
    assert!(
        rows.iter().all(|r| r.4.is_some()),
        "every row delivered: {rows:?}"
    );
    assert_no_secrets(
        &out,
        &[
            "SECRETPASS",
            "SECRETPATH",
            "TOKENAAA",
            "TOKENBBB",
            "TOKENCCC",
        ],
    );
    // The DB never holds a URL either.
    let db = std::fs::read(env.dir.join(DB)).unwrap();
    for s in ["SECRETPASS", "TOKENBBB"] {
        assert!(
            !db.windows(s.len()).any(|w| w == s.as_bytes()),
            "{s} in the DB file"
        );
    }
}

#[test]
fn scan_waits_for_retry_after_on_429() {
    let Some(env) = scan_env("notify-retry-after") else {
        return;
    };
    // First answer: 429 asking for 2 s (much longer than the 0.1 s backoff); then 200.
    let limited = Recorder::start_with_headers(|_, n| {
        if n == 0 {
            (429, "slow down".into(), "Retry-After: 2\r\n".into())
        } else {
            (200, "{}".into(), String::new())
        }
    });
    let out = env.scan(&format!(
        "Notification_Destination = json://127.0.0.1:{}/hook\nNotification_Retry_Delay = 0.1\n",
        limited.port
    ));
    assert_eq!(out.code, Some(0), "{out:?}");
    let reqs = limited.requests();
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    let gap = reqs[1].at - reqs[0].at;
    assert!(gap >= Duration::from_millis(1900), "waited only {gap:?}");
    assert!(
        out.stderr
            .contains("attempt 1/3 failed: HTTP 429 (Retry-After 2 s): slow down"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.contains("Notifications: 1 sent, 0 failed\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn scan_keeps_undelivered_notifications_for_the_next_run() {
    let Some(env) = scan_env("notify-outbox") else {
        return;
    };
    let up = Arc::new(AtomicBool::new(false));
    let u = up.clone();
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let r = Recorder::start(move |_, _| {
        h.fetch_add(1, Ordering::SeqCst);
        if u.load(Ordering::SeqCst) {
            (200, String::new())
        } else {
            (503, "maintenance".into())
        }
    });
    let refused = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let reporting =
        format!("Notification_Destination = json://127.0.0.1:{refused}/unused, json://127.0.0.1:{}/h/SECRETPATH\nNotification_Retry_Delay = 0\n", r.port);
    // The first destination is refused (nothing listens there): both fail, both rows stay.
    let out = env.scan(&reporting);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 3);
    assert!(out.stdout.contains("Notifications: 0 sent, 2 failed (kept in table Notifications, retried by the next scan)"), "{}", out.stdout);
    let rows = env.outbox();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1].1, "2 json://127.0.0.1/***");
    assert_eq!(
        (rows[1].2, rows[1].3.as_deref(), rows[1].4.as_deref()),
        (3, Some("HTTP 503: maintenance"), None)
    );
    assert!(rows[0].4.is_none());
    assert!(
        out.stderr
            .contains("failed after 3 attempts; kept in table Notifications"),
        "{}",
        out.stderr
    );

    // Next run: the host is settled (not probed again); the outbox rows are retried at once.
    up.store(true, Ordering::SeqCst);
    let out2 = env.scan(&reporting);
    assert_eq!(out2.code, Some(0), "{out2:?}");
    assert!(
        out2.stdout.contains("Scan finished: 0 probed"),
        "{}",
        out2.stdout
    );
    assert!(
        out2.stderr
            .contains("retrying 2 notifications left undelivered by earlier runs"),
        "{}",
        out2.stderr
    );
    assert_eq!(hits.load(Ordering::SeqCst), 4);
    let reqs = r.requests();
    assert_eq!(
        reqs[3].body, reqs[0].body,
        "the same message, rebuilt from the stored alert"
    );
    let rows = env.outbox();
    assert_eq!((rows[1].2, rows[1].4.is_some()), (4, true), "{rows:?}");
    assert_eq!(
        (rows[0].2, rows[0].4.is_none()),
        (6, true),
        "the refused one stays: {rows:?}"
    );
    assert!(
        out2.stdout.contains("Notifications: 1 sent, 1 failed"),
        "{}",
        out2.stdout
    );

    // Without a destination configured the leftover is reported, not lost.
    let out3 = env.scan("Notification_Destination =\n");
    assert!(
        out3.stderr
            .contains("1 undelivered notifications in table Notifications"),
        "{}",
        out3.stderr
    );
    assert_eq!(env.outbox().len(), 2);
    for o in [&out, &out2, &out3] {
        assert_no_secrets(o, &["SECRETPATH", "unused"]);
    }
}

#[test]
fn scan_runs_the_command_hook() {
    let Some(env) = scan_env("notify-cmd") else {
        return;
    };
    let hook = recording_hook(&env.dir);
    let rec = env.dir.join("rec");
    let out = env.scan(&format!(
        "Notification_Command = {hook} {}\nNotification_Format = json\n",
        rec.display()
    ));
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(
        out.stdout.contains("Notifications: 1 sent, 0 failed"),
        "{}",
        out.stdout
    );
    let got = read_dir_files(&rec);
    let alert = env.alert_file();
    let a = certstreammonitor::notify::alert_from_json(&alert).unwrap();
    assert_eq!(got["stdin"], alert, "the alert JSON on stdin");
    assert_eq!(got["args"], format!("{}\n", rec.display()));
    assert_eq!(got["CSM_HOSTNAME"], HOST);
    assert_eq!(got["CSM_HTTP_CODE"], "200");
    assert_eq!(got["CSM_CERT_SERIAL_NUMBER"], fingerprint_of(HOST));
    assert_eq!(got["CSM_WEBPAGE_TITLE"], "Log in secure");
    assert_eq!(got["CSM_IP_ADDR"], "127.0.0.1");
    assert_eq!(got["CSM_ASN"], "");
    assert_eq!(got["CSM_SAFE_BROWSING_STATUS"], "No API key in config file");
    assert_eq!(got["CSM_ALERT_FILE"], format!("alerts/{HOST}.json"));
    assert_eq!(got["CSM_TITLE"], TITLE);
    assert_eq!(
        got["CSM_BODY"], alert,
        "Notification_Format = json: the body is the alert JSON"
    );
    assert_eq!(a.hostname, HOST);
    assert!(!got.contains_key("CSM_TEST"));
    assert_eq!(
        got.keys().filter(|k| k.starts_with("CSM_")).count(),
        14,
        "{:?}",
        got.keys()
    );
    assert!(
        out.stderr.contains("[command] ") && out.stderr.contains("stderr: hook says hi"),
        "{}",
        out.stderr
    );
    assert_eq!(env.outbox()[0].1, "command");
}

// ---------------------------------------------------------------------------------------
// Servers that echo the request: no secret reaches the console, the log or the DB

const ECHO_PASS: &str = "Pa$$w0rd/x";
/// `ECHO_PASS` percent-encoded as written in the URL, and `hookuser:Pa$$w0rd/x` in base64
/// (Python's `urllib.parse.quote(…, safe='')` and `base64.b64encode`).
const ECHO_PASS_PCT: &str = "Pa%24%24w0rd%2Fx";
const ECHO_BASIC: &str = "aG9va3VzZXI6UGEkJHcwcmQveA==";
const ECHO_TG_TOKEN: &str = "AAbbSECRETtok-9";
const ECHO_HEADER_TOKEN: &str = "HDRTOKEN4242";

/// A 500 whose body echoes the request as a debugging endpoint might: the credential headers
/// first, then the request line and the other headers, then what a careless server adds
/// (the Basic credentials decoded, and percent-encoded).
fn echo_request(q: &Req) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut creds = q.headers.clone();
    creds.sort_by_key(|(k, _)| !(k == "authorization" || k.starts_with("x-")));
    for (k, v) in &creds {
        parts.push(format!("{k}: {v}"));
    }
    parts.insert(0, format!("{} {}", q.method, q.target));
    if let Some(auth) = q.all("authorization").first() {
        if auth.contains("aG9va3VzZXI6") {
            parts.insert(0, format!("you are hookuser:{ECHO_PASS} ({ECHO_PASS_PCT})"));
        }
    }
    format!("denied\r\n{}", parts.join("\r\n"))
}

/// The value of `Notification_Destination` (`%%` is configparser's `%`).
fn echo_destinations(port: u16) -> String {
    format!(
        "json://hookuser:{}@127.0.0.1:{port}/hook, json://127.0.0.1:{port}/h2?+X-Api-Token={ECHO_HEADER_TOKEN}, tgram://123456789:{ECHO_TG_TOKEN}/-100123/",
        ECHO_PASS_PCT.replace('%', "%%")
    )
}

fn assert_no_echoed_secret(what: &str, text: &str) {
    for s in [
        ECHO_PASS,
        ECHO_PASS_PCT,
        ECHO_BASIC,
        &ECHO_BASIC[..12],
        ECHO_TG_TOKEN,
        ECHO_HEADER_TOKEN,
    ] {
        assert!(!text.contains(s), "{s} in {what}:\n{text}");
    }
}

#[test]
fn error_pages_echoing_the_request_leak_no_secret_to_notify_test() {
    let dir = TempDir::new("notify-echo");
    let echo = Recorder::start(|q, _| (500, echo_request(q)));
    dir.write(
        "t.conf",
        format!(
            "[REPORTING]\nAlerts_dir = alerts\nNotification_Destination = {}\nNotification_Base_URL = {}\n",
            echo_destinations(echo.port),
            echo.base()
        ),
    );
    let out = run_env(dir.path(), &["notify-test", "-c", "t.conf"], &[], None);
    assert_eq!(out.code, Some(1), "{out:?}");
    let reqs = echo.requests();
    assert_eq!(reqs.len(), 3, "{reqs:?}");
    assert_eq!(
        reqs[0].header("authorization"),
        format!("Basic {ECHO_BASIC}")
    );
    assert_eq!(reqs[1].header("x-api-token"), ECHO_HEADER_TOKEN);
    assert!(reqs[2].target.contains(ECHO_TG_TOKEN), "{reqs:?}");
    assert_eq!(out.stdout.lines().count(), 3, "{}", out.stdout);
    assert!(
        out.stdout
            .lines()
            .all(|l| l.contains(": FAILED: HTTP 500: denied")),
        "{}",
        out.stdout
    );
    assert_no_echoed_secret("stdout", &out.stdout);
    assert_no_echoed_secret("stderr", &out.stderr);
}

#[test]
fn error_pages_echoing_the_request_leak_no_secret_to_the_log_or_db() {
    let Some(env) = scan_env("notify-echo-scan") else {
        return;
    };
    let echo = Recorder::start(|q, _| (500, echo_request(q)));
    let out = env.scan(&format!(
        "Notification_Destination = {}\nNotification_Base_URL = {}\nNotification_Retry_Delay = 0.05\n",
        echo_destinations(echo.port),
        echo.base()
    ));
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(
        echo.requests().len(),
        9,
        "three attempts for each destination"
    );
    let rows = env.outbox();
    assert_eq!(rows.len(), 3, "{rows:?}");
    for r in &rows {
        let e =
            r.3.as_deref()
                .unwrap_or_else(|| panic!("no LastError: {rows:?}"));
        assert!(e.starts_with("HTTP 500: denied"), "{e}");
        assert_no_echoed_secret("LastError", e);
    }
    assert!(
        out.stderr.contains("attempt 3/3 failed: HTTP 500: denied"),
        "{}",
        out.stderr
    );
    assert_no_echoed_secret("stdout", &out.stdout);
    assert_no_echoed_secret("stderr", &out.stderr);
    let db = String::from_utf8_lossy(&std::fs::read(env.dir.join(DB)).unwrap()).into_owned();
    assert_no_echoed_secret("the DB file", &db);
}

// ---------------------------------------------------------------------------------------
// Under a thread limit (RLIMIT_NPROC; see `common::limits`)

/// `notify-test` runs the hook on its main thread; the hook's stdin and stderr are served by
/// two threads of ours. With room for the main thread and the hook only, the stdin thread is
/// refused: that attempt fails with a clear error and the hook is killed — no panic, no abort
/// (before, `std::thread::spawn` panicked).
#[test]
fn notify_test_reports_a_refused_pipe_thread() {
    let Some(uid) = common::limits::unused_uid() else {
        return common::limits::skipped_not_root();
    };
    let dir = TempDir::new("notify-nproc-test");
    let hook = recording_hook(&dir);
    let rec = dir.join("rec");
    dir.write(
        "t.conf",
        format!(
            "[DATABASE]\nDBFile = {DB}\nTABLEname = {TABLE}\n[REPORTING]\nAlerts_dir = alerts\nNotification_Command = {hook} {}\n",
            rec.display()
        ),
    );
    common::limits::chown_tree(dir.path(), uid);
    let mut p = common::Proc::spawn_adjusted(
        dir.path(),
        &["notify-test", "-c", "t.conf"],
        &[],
        None,
        |c| common::limits::limit_tasks(c, uid, 2),
    );
    let status = p.wait_exit(Duration::from_secs(30));
    let (stdout, stderr) = (p.stdout(), p.stderr());
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(1),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.contains(": FAILED: cannot start a thread for ") && stdout.contains("'s stdin: "),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        !rec.join("stdin").exists(),
        "the hook was killed before it read stdin"
    );
}

/// A scan whose notification lane cannot get its delivery thread ends normally and keeps the
/// notification in table Notifications; the next scan, with threads to spare, delivers it.
#[test]
fn scan_under_a_thread_limit_keeps_notifications_for_the_next_run() {
    let Some(env) = scan_env("notify-nproc-scan") else {
        return;
    };
    let Some(uid) = common::limits::unused_uid() else {
        return common::limits::skipped_not_root();
    };
    let hook = recording_hook(&env.dir);
    let rec = env.dir.join("rec");
    let reporting = format!(
        "Notification_Command = {hook} {}\nNotification_Retry_Delay = 0\n",
        rec.display()
    );
    env.dir.write(
        "scan.conf",
        format!(
            "{}[REPORTING]\nAlerts_dir = alerts\n{reporting}",
            env.conf_head
        ),
    );
    common::limits::chown_tree(env.dir.path(), uid);
    // One task: the main thread. No worker, no delivery thread.
    let mut p = common::Proc::spawn_adjusted(
        env.dir.path(),
        &["scan", "-c", "scan.conf"],
        &[],
        None,
        |c| common::limits::limit_tasks(c, uid, 1),
    );
    let status = p.wait_exit(Duration::from_secs(60));
    let (stdout, stderr) = (p.stdout(), p.stderr());
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stderr.contains("[command] ")
            && stderr.contains("cannot start a delivery thread")
            && stderr.contains("kept in table Notifications for the next scan"),
        "{stderr}"
    );
    assert!(
        stdout.contains("Notifications: 0 sent, 0 failed, 1 not finished (kept in table Notifications, retried by the next scan)"),
        "{stdout}"
    );
    assert!(env.alert_file().contains(HOST), "the alert file is written");
    let rows = env.outbox();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].1.as_str(), rows[0].4.as_deref()),
        ("command", None)
    );
    assert!(!rec.exists(), "the hook did not run");

    // Next run, no limit: delivered from the outbox.
    let out = env.scan(&reporting);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(
        out.stderr
            .contains("retrying 1 notifications left undelivered by earlier runs"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.contains("Notifications: 1 sent, 0 failed"),
        "{}",
        out.stdout
    );
    assert_eq!(
        read_dir_files(&rec)["stdin"],
        env.alert_file(),
        "the stored alert on stdin"
    );
    assert!(env.outbox()[0].4.is_some(), "SentAt set");
}

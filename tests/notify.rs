//! Notifications (issue 5), hermetic: every destination is a loopback server written here that
//! records method, path, headers and body (HTTP) or the whole session (SMTP); the well-known
//! hosts (hooks.slack.com, slack.com, discord.com, *.webhook.office.com, outlook.office.com,
//! api.telegram.org) are redirected to it with `[REPORTING] Notification_Base_URL`.
//!
//! This file covers what each destination is sent: the exact request of every apprise scheme
//! (json, slack, discord, msteams, mattermost, telegram) and the mail of `mailto://`, compared
//! with apprise 1.7.1. When and how often it is sent (the command hook, `notify-test`, the
//! scan's retries and outbox, secrets in error pages, thread limits) is in
//! `tests/notify_delivery.rs`; the recording server and alert both use in
//! `common/notify_harness.rs`.
//!
//! Expected JSON bodies are produced by `python3`'s `json.dumps` (and the original's body by
//! Python's `str(dict)`), so the byte layout is Python's, not ours; without python3 those
//! comparisons fall back to comparing the parsed JSON (a note is printed).

mod common;
#[path = "common/notify_harness.rs"]
mod notify_harness;

use certstreammonitor::notify::{BodyFormat, Message, NotifySettings, Sender};
use common::sites::pki;
use common::{now, run_env, TempDir};
use notify_harness::*;
use serde_json::json;
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

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

//! The SMTP client of the `mailto://` / `mailtos://` destinations (issue 5) against a
//! loopback SMTP server written here: plain, STARTTLS and implicit TLS (a test CA made by
//! the `openssl` CLI; TLS tests print a note and pass when it is missing), AUTH PLAIN and
//! LOGIN checked against the exact base64 credentials, recording every command and the
//! DATA payload; refusals, untrusted certificates, timeouts, oversized replies and injection.
//! The message itself (`format_message` tables) is in `tests/smtp_message.rs`; the message
//! readers both use in `common/smtp_harness.rs`. Nothing listens beyond 127.0.0.1.

#[path = "common/smtp_harness.rs"]
mod smtp_harness;

use certstreammonitor::notify::smtp::{self, Mail, SmtpSecurity, SmtpSettings};
use smtp_harness::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const USER: &str = "alerts@example.test";
const PASS: &str = "s3cr3t-P@ss w0rd";
// printf '\0alerts@example.test\0s3cr3t-P@ss w0rd' | base64, and the two halves.
const PLAIN_TOKEN: &str = "AGFsZXJ0c0BleGFtcGxlLnRlc3QAczNjcjN0LVBAc3MgdzByZA==";
const USER_B64: &str = "YWxlcnRzQGV4YW1wbGUudGVzdA==";
const PASS_B64: &str = "czNjcjN0LVBAc3MgdzByZA==";

// ---------------------------------------------------------------------------------------
// Test CA

struct Tls {
    /// Certificate for IP:127.0.0.1, signed by the test CA.
    good: Arc<native_tls::TlsAcceptor>,
    /// Certificate for DNS:other.test only, signed by the test CA.
    wrong_name: Arc<native_tls::TlsAcceptor>,
    ca: native_tls::Certificate,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl CLI");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn make_tls() -> Option<Tls> {
    if Command::new("openssl").arg("version").output().is_err() {
        return None;
    }
    let dir = std::env::temp_dir().join(format!("csm-smtp-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let mut args = vec!["req", "-x509"];
    args.extend(ec);
    args.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=SMTP Test CA",
    ]);
    openssl(&dir, &args);
    let leaf = |name: &str, san: &str| {
        let mut args = vec!["req"];
        args.extend(ec);
        let (key, csr, pem, ext) = (
            format!("{name}.key"),
            format!("{name}.csr"),
            format!("{name}.pem"),
            format!("{name}.cnf"),
        );
        args.extend(["-keyout", &key, "-out", &csr, "-subj", "/CN=smtp test"]);
        openssl(&dir, &args);
        std::fs::write(dir.join(&ext), format!("subjectAltName={san}\n")).unwrap();
        openssl(
            &dir,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                &pem,
                "-days",
                "2",
                "-extfile",
                &ext,
            ],
        );
        let id = native_tls::Identity::from_pkcs8(
            &std::fs::read(dir.join(&pem)).unwrap(),
            &std::fs::read(dir.join(&key)).unwrap(),
        )
        .unwrap();
        Arc::new(native_tls::TlsAcceptor::new(id).unwrap())
    };
    let good = leaf("good", "IP:127.0.0.1");
    let wrong_name = leaf("wrong", "DNS:other.test");
    let ca =
        native_tls::Certificate::from_pem(&std::fs::read(dir.join("ca.pem")).unwrap()).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    Some(Tls {
        good,
        wrong_name,
        ca,
    })
}

fn tls() -> Option<&'static Tls> {
    static TLS: OnceLock<Option<Tls>> = OnceLock::new();
    TLS.get_or_init(make_tls).as_ref()
}

macro_rules! need_tls {
    () => {
        match tls() {
            Some(t) => t,
            None => {
                eprintln!("note: openssl CLI not found, TLS test skipped");
                return;
            }
        }
    };
}

// ---------------------------------------------------------------------------------------
// Loopback SMTP server

enum SConn {
    Plain(TcpStream),
    Tls(Box<native_tls::TlsStream<TcpStream>>),
    Gone,
}

impl SConn {
    fn is_tls(&self) -> bool {
        matches!(self, SConn::Tls(_))
    }

    fn read_byte(&mut self) -> Option<u8> {
        let mut b = [0u8; 1];
        let n = match self {
            SConn::Plain(s) => s.read(&mut b),
            SConn::Tls(s) => s.read(&mut b),
            SConn::Gone => return None,
        };
        match n {
            Ok(1) => Some(b[0]),
            _ => None,
        }
    }

    /// A line up to CRLF (a bare LF stays in the line, so the test sees it).
    fn read_line(&mut self) -> Option<String> {
        let mut line = Vec::new();
        while !line.ends_with(b"\r\n") {
            line.push(self.read_byte()?);
            if line.len() > 1 << 20 {
                return None;
            }
        }
        line.truncate(line.len() - 2);
        Some(
            String::from_utf8(line)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        )
    }

    fn send(&mut self, s: &str) -> bool {
        let r = match self {
            SConn::Plain(c) => c.write_all(s.as_bytes()).and_then(|_| c.flush()),
            SConn::Tls(c) => c.write_all(s.as_bytes()).and_then(|_| c.flush()),
            SConn::Gone => return false,
        };
        r.is_ok()
    }

    fn drain_until_eof(&mut self) {
        while self.read_byte().is_some() {}
    }
}

#[derive(Clone, Default)]
struct Behaviour {
    implicit_tls: bool,
    advertise_starttls: bool,
    /// Mechanisms for `250-AUTH …`; when set, MAIL FROM needs a successful AUTH.
    auth: Option<&'static str>,
    reject_rcpt: Vec<&'static str>,
    /// Answer EHLO with 502 (HELO only).
    no_ehlo: bool,
    /// Accept and never say anything.
    silent: bool,
    /// Greet with an endless multi-line 220, one line every 100 ms.
    drip: bool,
    /// Never answer after the message.
    stall_after_data: bool,
    /// Send a pipelined reply right after the STARTTLS 220, in the clear.
    inject_after_starttls: bool,
    /// Answer EHLO with ~130 KB.
    huge_ehlo: bool,
    /// Greet with a 10 000-byte line.
    long_line: bool,
    /// Leave 8BITMIME (RFC 6152) out of the EHLO answer.
    no_8bitmime: bool,
}

#[derive(Debug, Default)]
struct Record {
    /// Every line received outside DATA (AUTH continuation lines included).
    commands: Vec<String>,
    /// For each EHLO: was the connection under TLS.
    ehlo_tls: Vec<bool>,
    /// `PLAIN ok`, `LOGIN bad`, ...
    auth: Vec<String>,
    /// MAIL FROM line and whether it came under TLS.
    mail_from: Vec<(String, bool)>,
    rcpt: Vec<String>,
    /// DATA payload as on the wire (dot-stuffed), without the final `.` line.
    raw_data: Vec<String>,
    /// DATA payload with the dot-stuffing undone, as a real server stores it.
    data: Vec<String>,
    quit: bool,
}

/// One-connection SMTP server on 127.0.0.1; joining the handle gives what it saw.
fn server(
    b: Behaviour,
    acceptor: Option<Arc<native_tls::TlsAcceptor>>,
) -> (u16, JoinHandle<Record>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let mut rec = Record::default();
        let Ok((tcp, _)) = listener.accept() else {
            return rec;
        };
        tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        tcp.set_write_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut conn = if b.implicit_tls {
            match acceptor.as_ref().unwrap().accept(tcp) {
                Ok(s) => SConn::Tls(Box::new(s)),
                Err(_) => return rec,
            }
        } else {
            SConn::Plain(tcp)
        };
        if b.silent {
            conn.drain_until_eof();
            return rec;
        }
        if b.drip {
            while conn.send("220-still thinking\r\n") {
                std::thread::sleep(Duration::from_millis(100));
            }
            return rec;
        }
        if b.long_line {
            conn.send(&format!("220 {}\r\n", "a".repeat(10_000)));
            conn.drain_until_eof();
            return rec;
        }
        conn.send("220-mx.test ESMTP loopback test server\r\n220 ready\r\n");
        let mut authed = false;
        while let Some(line) = conn.read_line() {
            rec.commands.push(line.clone());
            let upper = line.to_ascii_uppercase();
            let ok = if upper.starts_with("EHLO ") {
                if b.no_ehlo {
                    conn.send("502 5.5.2 EHLO not implemented\r\n")
                } else if b.huge_ehlo {
                    let mut r = String::new();
                    for i in 0..2000 {
                        r.push_str(&format!("250-X-FILLER-{i:05} {}\r\n", "z".repeat(50)));
                    }
                    r.push_str("250 end\r\n");
                    conn.send(&r)
                } else {
                    rec.ehlo_tls.push(conn.is_tls());
                    let mut r = format!("250-mx.test greets {}\r\n250-PIPELINING\r\n", &line[5..]);
                    if !b.no_8bitmime {
                        r.push_str("250-8BITMIME\r\n");
                    }
                    if b.advertise_starttls && !conn.is_tls() {
                        r.push_str("250-STARTTLS\r\n");
                    }
                    if let Some(m) = b.auth {
                        r.push_str(&format!("250-AUTH {m}\r\n"));
                    }
                    r.push_str("250 SIZE 10240000\r\n");
                    conn.send(&r)
                }
            } else if upper.starts_with("HELO ") {
                conn.send("250 mx.test\r\n")
            } else if upper == "STARTTLS" {
                if !b.advertise_starttls || conn.is_tls() {
                    conn.send("502 5.5.1 STARTTLS not available\r\n")
                } else if b.inject_after_starttls {
                    conn.send("220 2.0.0 Ready to start TLS\r\n250-injected\r\n")
                } else {
                    conn.send("220 2.0.0 Ready to start TLS\r\n");
                    let SConn::Plain(tcp) = std::mem::replace(&mut conn, SConn::Gone) else {
                        unreachable!()
                    };
                    match acceptor.as_ref().unwrap().accept(tcp) {
                        Ok(s) => conn = SConn::Tls(Box::new(s)),
                        Err(_) => return rec,
                    }
                    true
                }
            } else if upper.starts_with("AUTH ") {
                let parts: Vec<&str> = line.split(' ').collect();
                let mech = parts[1].to_ascii_uppercase();
                let (good, token) = match mech.as_str() {
                    "PLAIN" => {
                        let token = match parts.get(2) {
                            Some(t) => t.to_string(),
                            None => {
                                conn.send("334 \r\n");
                                {
                                    let l = conn.read_line().unwrap_or_default();
                                    rec.commands.push(l.clone());
                                    l
                                }
                            }
                        };
                        (token == PLAIN_TOKEN, token)
                    }
                    "LOGIN" => {
                        let user = match parts.get(2) {
                            Some(t) => t.to_string(),
                            None => {
                                conn.send("334 VXNlcm5hbWU6\r\n");
                                {
                                    let l = conn.read_line().unwrap_or_default();
                                    rec.commands.push(l.clone());
                                    l
                                }
                            }
                        };
                        conn.send("334 UGFzc3dvcmQ6\r\n");
                        let pass = {
                            let l = conn.read_line().unwrap_or_default();
                            rec.commands.push(l.clone());
                            l
                        };
                        (user == USER_B64 && pass == PASS_B64, pass)
                    }
                    _ => {
                        conn.send("504 5.5.4 Unrecognized authentication type\r\n");
                        continue;
                    }
                };
                rec.auth
                    .push(format!("{mech} {}", if good { "ok" } else { "bad" }));
                if good {
                    authed = true;
                    conn.send("235 2.7.0 Authentication successful\r\n")
                } else {
                    // A careless server echoing what it got: the client must not repeat it.
                    conn.send(&format!(
                        "535 5.7.8 Authentication credentials invalid (got {token})\r\n"
                    ))
                }
            } else if upper.starts_with("MAIL FROM:") {
                if b.auth.is_some() && !authed {
                    conn.send("530 5.7.0 Authentication required\r\n")
                } else {
                    rec.mail_from.push((line.clone(), conn.is_tls()));
                    conn.send("250 2.1.0 Ok\r\n")
                }
            } else if upper.starts_with("RCPT TO:") {
                let addr = line[8..]
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string();
                if b.reject_rcpt.contains(&addr.as_str()) {
                    conn.send(&format!(
                        "550 5.1.1 <{addr}>: Recipient address rejected: User unknown\r\n"
                    ))
                } else {
                    rec.rcpt.push(addr);
                    conn.send("250 2.1.5 Ok\r\n")
                }
            } else if upper == "DATA" {
                if rec.rcpt.is_empty() {
                    conn.send("554 5.5.1 No valid recipients\r\n")
                } else {
                    conn.send("354 End data with <CR><LF>.<CR><LF>\r\n");
                    let (mut raw, mut data) = (String::new(), String::new());
                    loop {
                        let Some(l) = conn.read_line() else {
                            return rec;
                        };
                        if l == "." {
                            break;
                        }
                        raw.push_str(&l);
                        raw.push_str("\r\n");
                        data.push_str(l.strip_prefix('.').unwrap_or(&l));
                        data.push_str("\r\n");
                    }
                    rec.raw_data.push(raw);
                    rec.data.push(data);
                    if b.stall_after_data {
                        conn.drain_until_eof();
                        return rec;
                    }
                    conn.send("250 2.0.0 Ok: queued as 4F2A1\r\n")
                }
            } else if upper == "QUIT" {
                rec.quit = true;
                conn.send("221 2.0.0 Bye\r\n");
                break;
            } else if upper == "RSET" || upper == "NOOP" {
                conn.send("250 2.0.0 Ok\r\n")
            } else {
                conn.send("500 5.5.2 Error: command not recognized\r\n")
            };
            if !ok {
                break;
            }
        }
        rec
    });
    (port, handle)
}

// ---------------------------------------------------------------------------------------
// Helpers

fn settings(port: u16, security: SmtpSecurity, roots: Option<&Tls>) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        security,
        username: None,
        password: None,
        helo_name: "client.test".into(),
        timeout: Duration::from_secs(15),
        extra_roots: roots.map(|t| vec![t.ca.clone()]).unwrap_or_default(),
    }
}

fn with_auth(mut s: SmtpSettings, pass: &str) -> SmtpSettings {
    s.username = Some(USER.into());
    s.password = Some(pass.into());
    s
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// `send` the mail and check the server got exactly `format_message` (dated during the
/// call, with the Message-ID it carries).
fn deliver_and_check(
    s: &SmtpSettings,
    b: Behaviour,
    acceptor: Option<Arc<native_tls::TlsAcceptor>>,
    m: &Mail,
) -> Record {
    let (port, handle) = server(b, acceptor);
    let s = SmtpSettings { port, ..s.clone() };
    let before = now();
    let result = smtp::send(&s, m);
    let after = now();
    let rec = handle.join().unwrap();
    result.unwrap_or_else(|e| panic!("send failed: {e}\nserver saw {rec:?}"));

    assert_eq!(rec.rcpt, m.to);
    assert_eq!(rec.raw_data.len(), 1, "{rec:?}");
    let raw = &rec.raw_data[0];
    for line in raw.split("\r\n") {
        assert!(
            !line.contains('\r') && !line.contains('\n'),
            "bare CR/LF on the wire: {line:?}"
        );
        assert!(line.len() <= 998, "line too long");
    }
    let id_line = raw
        .lines()
        .find(|l| l.starts_with("Message-ID: <"))
        .expect("Message-ID");
    let id = id_line
        .trim_start_matches("Message-ID: <")
        .trim_end_matches('>');
    assert!(id.ends_with("@certstreammonitor"), "{id}");
    let expected = (before..=after)
        .map(|t| smtp::format_message(m, t, id))
        .find(|e| e == raw)
        .unwrap_or_else(|| {
            panic!(
                "DATA differs from format_message:\n{raw}\n---\n{}",
                smtp::format_message(m, before, id)
            )
        });
    assert_eq!(
        rec.data[0],
        unstuff(&expected),
        "DATA (dot-stuffing undone) == format_message (dot-stuffing undone)"
    );
    assert!(rec.quit, "QUIT sent");
    assert_eq!(rec.commands[0], "EHLO client.test");
    rec
}

fn send_err(
    s: &SmtpSettings,
    b: Behaviour,
    acceptor: Option<Arc<native_tls::TlsAcceptor>>,
    m: &Mail,
) -> (String, Record, Duration) {
    let (port, handle) = server(b, acceptor);
    let s = SmtpSettings { port, ..s.clone() };
    let t = Instant::now();
    let result = smtp::send(&s, m);
    let took = t.elapsed();
    let rec = handle.join().unwrap();
    let e = result.expect_err("send should fail");
    assert!(e.starts_with(&format!("SMTP 127.0.0.1:{port}: ")), "{e}");
    (e, rec, took)
}

fn assert_no_secret(e: &str) {
    for secret in [
        PASS,
        PASS_B64,
        PLAIN_TOKEN,
        "wrong-Secret-9",
        "d3JvbmctU2VjcmV0LTk=",
        "AGFsZXJ0c0BleGFtcGxlLnRlc3QAd3JvbmctU2VjcmV0LTk=",
    ] {
        assert!(!e.contains(secret), "error leaks {secret:?}: {e}");
    }
}

// ---------------------------------------------------------------------------------------
// Delivery in each mode

#[test]
fn plain_delivers() {
    let rec = deliver_and_check(
        &settings(0, SmtpSecurity::Plain, None),
        Behaviour::default(),
        None,
        &mail(),
    );
    // Non-ASCII body, but the message is 7-bit (quoted-printable): no BODY=8BITMIME even
    // though the server offers it.
    assert_eq!(
        rec.mail_from,
        [("MAIL FROM:<alerts@example.test>".to_string(), false)]
    );
    assert!(rec.auth.is_empty());
    assert!(
        !rec.commands.iter().any(|c| c == "STARTTLS"),
        "Plain never upgrades"
    );
}

#[test]
fn plain_ascii_message_without_body_param() {
    let m = Mail {
        body: "ascii only\n".into(),
        from_name: None,
        to: vec!["soc@example.test".into()],
        ..mail()
    };
    let rec = deliver_and_check(
        &settings(0, SmtpSecurity::Plain, None),
        Behaviour::default(),
        None,
        &m,
    );
    assert_eq!(rec.mail_from[0].0, "MAIL FROM:<alerts@example.test>");
    assert_eq!(header(&rec.raw_data[0], "From"), "alerts@example.test");
    assert_eq!(header(&rec.raw_data[0], "To"), "soc@example.test");
}

#[test]
fn plain_falls_back_to_helo() {
    let b = Behaviour {
        no_ehlo: true,
        ..Behaviour::default()
    };
    let rec = deliver_and_check(&settings(0, SmtpSecurity::Plain, None), b, None, &mail());
    assert_eq!(rec.commands[1], "HELO client.test");
    // No 8BITMIME known after HELO: no BODY parameter.
    assert_eq!(rec.mail_from[0].0, "MAIL FROM:<alerts@example.test>");
}

#[test]
fn plain_with_auth_login() {
    // mailto://user:pass@host: apprise logs in even without TLS.
    let b = Behaviour {
        auth: Some("LOGIN"),
        ..Behaviour::default()
    };
    let rec = deliver_and_check(
        &with_auth(settings(0, SmtpSecurity::Plain, None), PASS),
        b,
        None,
        &mail(),
    );
    assert_eq!(rec.auth, ["LOGIN ok"]);
}

#[test]
fn starttls_auth_plain_delivers() {
    let tls = need_tls!();
    let b = Behaviour {
        advertise_starttls: true,
        auth: Some("PLAIN LOGIN"),
        ..Behaviour::default()
    };
    let s = with_auth(settings(0, SmtpSecurity::StartTls, Some(tls)), PASS);
    let m = Mail {
        subject: "Alerte : société générale — hameçonnage".into(),
        ..mail()
    };
    let rec = deliver_and_check(&s, b, Some(tls.good.clone()), &m);
    assert_eq!(rec.ehlo_tls, [false, true], "EHLO again after STARTTLS");
    assert_eq!(rec.auth, ["PLAIN ok"], "PLAIN preferred");
    assert_eq!(rec.commands[1], "STARTTLS");
    assert_eq!(rec.commands[3], format!("AUTH PLAIN {PLAIN_TOKEN}"));
    assert!(rec.mail_from[0].1, "MAIL FROM under TLS");
}

#[test]
fn starttls_auth_login_delivers() {
    let tls = need_tls!();
    let b = Behaviour {
        advertise_starttls: true,
        auth: Some("LOGIN"),
        ..Behaviour::default()
    };
    let s = with_auth(settings(0, SmtpSecurity::StartTls, Some(tls)), PASS);
    let rec = deliver_and_check(&s, b, Some(tls.good.clone()), &mail());
    assert_eq!(rec.auth, ["LOGIN ok"]);
    assert_eq!(rec.commands[3..6], ["AUTH LOGIN", USER_B64, PASS_B64]);
    assert!(rec.mail_from[0].1);
}

#[test]
fn implicit_tls_delivers() {
    let tls = need_tls!();
    let b = Behaviour {
        implicit_tls: true,
        auth: Some("LOGIN PLAIN"),
        ..Behaviour::default()
    };
    let s = with_auth(settings(0, SmtpSecurity::ImplicitTls, Some(tls)), PASS);
    let rec = deliver_and_check(&s, b, Some(tls.good.clone()), &mail());
    assert_eq!(rec.ehlo_tls, [true]);
    assert_eq!(rec.auth, ["PLAIN ok"]);
}

#[test]
fn seven_bit_only_without_8bitmime() {
    // A server that does not offer 8BITMIME (RFC 6152) may only get 7-bit data (RFC 5321
    // §2.4): the non-ASCII body goes quoted-printable (RFC 2045), the subject and the
    // display name RFC 2047 encoded-words, as apprise (Python's email package) sends them.
    let m = Mail {
        subject: "Alerte : société générale ✓".into(),
        from_name: Some("Équipe sécurité".into()),
        body: format!(
            "Unicode: société générale ✓\n.leading dot é\n{}\nend=1 \n",
            "long é line ".repeat(20)
        ),
        ..mail()
    };
    let b = Behaviour {
        no_8bitmime: true,
        ..Behaviour::default()
    };
    let rec = deliver_and_check(&settings(0, SmtpSecurity::Plain, None), b, None, &m);
    assert_eq!(rec.mail_from[0].0, "MAIL FROM:<alerts@example.test>");
    let raw = &rec.raw_data[0];
    assert!(raw.is_ascii(), "8-bit data sent without 8BITMIME:\n{raw}");
    assert_eq!(header(raw, "Content-Transfer-Encoding"), "quoted-printable");
    assert_eq!(header(raw, "Content-Type"), "text/plain; charset=\"utf-8\"");
    assert_eq!(decode_words(&header(raw, "Subject")), m.subject);
    let from = header(raw, "From");
    let (name, addr) = from.rsplit_once(' ').unwrap();
    assert_eq!(
        (decode_words(name).as_str(), addr),
        ("Équipe sécurité", "<alerts@example.test>")
    );
    let (_, body) = split(&rec.data[0]);
    for line in body.split_terminator("\r\n") {
        assert!(line.len() <= 76, "quoted-printable line over 76: {line:?}");
    }
    assert_eq!(
        String::from_utf8(qp_decode(body)).unwrap(),
        m.body.replace('\n', "\r\n")
    );
    // The leading dot is stuffed on the wire, after the encoding.
    assert!(raw.contains("\r\n..leading dot =C3=A9\r\n"), "{raw}");
}

// ---------------------------------------------------------------------------------------
// Failures

#[test]
fn bad_credentials_plain() {
    let b = Behaviour {
        auth: Some("PLAIN LOGIN"),
        ..Behaviour::default()
    };
    let (e, rec, _) = send_err(
        &with_auth(settings(0, SmtpSecurity::Plain, None), "wrong-Secret-9"),
        b,
        None,
        &mail(),
    );
    assert!(
        e.contains("AUTH PLAIN: server replied 535 5.7.8 Authentication credentials invalid"),
        "{e}"
    );
    assert_no_secret(&e);
    assert_eq!(rec.auth, ["PLAIN bad"]);
    assert!(rec.mail_from.is_empty() && rec.data.is_empty());
}

#[test]
fn bad_credentials_login() {
    let tls = need_tls!();
    let b = Behaviour {
        advertise_starttls: true,
        auth: Some("LOGIN"),
        ..Behaviour::default()
    };
    let s = with_auth(
        settings(0, SmtpSecurity::StartTls, Some(tls)),
        "wrong-Secret-9",
    );
    let (e, rec, _) = send_err(&s, b, Some(tls.good.clone()), &mail());
    assert!(
        e.contains("AUTH LOGIN (password): server replied 535"),
        "{e}"
    );
    assert_no_secret(&e);
    assert_eq!(rec.auth, ["LOGIN bad"]);
    assert!(rec.mail_from.is_empty());
}

#[test]
fn auth_not_advertised() {
    let (e, rec, _) = send_err(
        &with_auth(settings(0, SmtpSecurity::Plain, None), PASS),
        Behaviour::default(),
        None,
        &mail(),
    );
    assert!(
        e.contains("AUTH: a username is set but the server does not advertise AUTH"),
        "{e}"
    );
    assert!(rec.mail_from.is_empty());
}

#[test]
fn auth_without_plain_or_login() {
    let b = Behaviour {
        auth: Some("CRAM-MD5 XOAUTH2"),
        ..Behaviour::default()
    };
    let (e, rec, _) = send_err(
        &with_auth(settings(0, SmtpSecurity::Plain, None), PASS),
        b,
        None,
        &mail(),
    );
    assert!(
        e.contains("neither PLAIN nor LOGIN (AUTH CRAM-MD5 XOAUTH2)"),
        "{e}"
    );
    assert!(rec.auth.is_empty());
}

#[test]
fn starttls_required_but_not_advertised() {
    let tls = need_tls!();
    let s = with_auth(settings(0, SmtpSecurity::StartTls, Some(tls)), PASS);
    let b = Behaviour {
        auth: Some("PLAIN LOGIN"),
        ..Behaviour::default()
    };
    let (e, rec, _) = send_err(&s, b, Some(tls.good.clone()), &mail());
    assert!(e.contains("STARTTLS: required but not advertised"), "{e}");
    // Nothing sensitive went out in the clear.
    assert!(rec.auth.is_empty() && rec.mail_from.is_empty(), "{rec:?}");
    assert!(
        rec.commands
            .iter()
            .all(|c| c == "EHLO client.test" || c == "QUIT"),
        "{:?}",
        rec.commands
    );
}

#[test]
fn starttls_pipelined_injection_refused() {
    let tls = need_tls!();
    let b = Behaviour {
        advertise_starttls: true,
        inject_after_starttls: true,
        auth: Some("PLAIN"),
        ..Behaviour::default()
    };
    let s = with_auth(settings(0, SmtpSecurity::StartTls, Some(tls)), PASS);
    let (e, rec, _) = send_err(&s, b, Some(tls.good.clone()), &mail());
    assert!(
        e.contains("STARTTLS: the server sent data after its 220"),
        "{e}"
    );
    assert!(rec.auth.is_empty() && rec.mail_from.is_empty());
}

#[test]
fn untrusted_certificate_implicit() {
    let tls = need_tls!();
    let b = Behaviour {
        implicit_tls: true,
        ..Behaviour::default()
    };
    let (e, rec, _) = send_err(
        &settings(0, SmtpSecurity::ImplicitTls, None),
        b,
        Some(tls.good.clone()),
        &mail(),
    );
    assert!(e.contains("TLS: TLS handshake failed"), "{e}");
    assert!(e.contains("certificate verify failed"), "{e}");
    assert!(rec.commands.is_empty());
}

#[test]
fn untrusted_certificate_starttls() {
    let tls = need_tls!();
    let b = Behaviour {
        advertise_starttls: true,
        auth: Some("PLAIN"),
        ..Behaviour::default()
    };
    let s = with_auth(settings(0, SmtpSecurity::StartTls, None), PASS);
    let (e, rec, _) = send_err(&s, b, Some(tls.good.clone()), &mail());
    assert!(e.contains("STARTTLS: TLS handshake failed"), "{e}");
    assert!(rec.auth.is_empty() && rec.mail_from.is_empty());
}

#[test]
fn certificate_for_another_name() {
    let tls = need_tls!();
    let b = Behaviour {
        implicit_tls: true,
        ..Behaviour::default()
    };
    let (e, _, _) = send_err(
        &settings(0, SmtpSecurity::ImplicitTls, Some(tls)),
        b,
        Some(tls.wrong_name.clone()),
        &mail(),
    );
    assert!(e.contains("TLS handshake failed"), "{e}");
}

#[test]
fn silent_server_times_out() {
    let s = SmtpSettings {
        timeout: Duration::from_secs(1),
        ..settings(0, SmtpSecurity::Plain, None)
    };
    let b = Behaviour {
        silent: true,
        ..Behaviour::default()
    };
    let (e, _, took) = send_err(&s, b, None, &mail());
    assert!(e.contains("greeting: timed out"), "{e}");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(5),
        "{took:?}"
    );
}

#[test]
fn silent_tls_server_times_out() {
    // Implicit TLS towards a server that never answers the ClientHello.
    let s = SmtpSettings {
        timeout: Duration::from_secs(1),
        ..settings(0, SmtpSecurity::ImplicitTls, None)
    };
    let b = Behaviour {
        silent: true,
        ..Behaviour::default()
    };
    let (e, _, took) = send_err(&s, b, None, &mail());
    assert!(e.contains("TLS") && e.contains("timed out"), "{e}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn dripping_server_hits_the_session_deadline() {
    // Every read succeeds (a reply line each 100 ms), the reply never ends: only the total
    // deadline stops it.
    let s = SmtpSettings {
        timeout: Duration::from_secs(1),
        ..settings(0, SmtpSecurity::Plain, None)
    };
    let b = Behaviour {
        drip: true,
        ..Behaviour::default()
    };
    let (e, _, took) = send_err(&s, b, None, &mail());
    assert!(e.contains("greeting: timed out"), "{e}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn server_stalling_after_the_message_times_out() {
    let s = SmtpSettings {
        timeout: Duration::from_secs(1),
        ..settings(0, SmtpSecurity::Plain, None)
    };
    let b = Behaviour {
        stall_after_data: true,
        ..Behaviour::default()
    };
    let (e, rec, took) = send_err(&s, b, None, &mail());
    assert!(e.contains("message: timed out"), "{e}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_eq!(rec.data.len(), 1);
}

#[test]
fn rejected_recipient() {
    let m = Mail {
        to: vec!["soc@example.test".into(), "nobody@example.test".into()],
        ..mail()
    };
    let b = Behaviour {
        reject_rcpt: vec!["nobody@example.test"],
        ..Behaviour::default()
    };
    let (e, rec, _) = send_err(&settings(0, SmtpSecurity::Plain, None), b, None, &m);
    assert!(
        e.contains("RCPT TO <nobody@example.test>: server replied 550 5.1.1"),
        "{e}"
    );
    assert_eq!(rec.rcpt, ["soc@example.test"]);
    assert!(rec.data.is_empty(), "no DATA after a rejected recipient");
    assert!(!rec.commands.iter().any(|c| c == "DATA"));
}

#[test]
fn oversized_reply() {
    let b = Behaviour {
        huge_ehlo: true,
        ..Behaviour::default()
    };
    let (e, _, _) = send_err(&settings(0, SmtpSecurity::Plain, None), b, None, &mail());
    assert!(e.contains("EHLO: reply longer than 65536 bytes"), "{e}");
}

#[test]
fn overlong_reply_line() {
    let b = Behaviour {
        long_line: true,
        ..Behaviour::default()
    };
    let (e, _, _) = send_err(&settings(0, SmtpSecurity::Plain, None), b, None, &mail());
    assert!(
        e.contains("greeting: reply line longer than 4096 bytes"),
        "{e}"
    );
}

#[test]
fn connection_refused() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = smtp::send(&settings(port, SmtpSecurity::Plain, None), &mail()).unwrap_err();
    assert!(
        e.starts_with(&format!("SMTP 127.0.0.1:{port}: connect: ")),
        "{e}"
    );
}

#[test]
fn envelope_injection_rejected_before_connecting() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let s = settings(port, SmtpSecurity::Plain, None);
    for m in [
        Mail {
            from: "a@b.test>\r\nRCPT TO:<victim@x.test".into(),
            ..mail()
        },
        Mail {
            to: vec!["soc@example.test\r\nDATA".into()],
            ..mail()
        },
        Mail {
            to: vec!["soc@example.test> NOTIFY=NEVER".into()],
            ..mail()
        },
        Mail {
            to: vec![],
            ..mail()
        },
        Mail {
            from: String::new(),
            ..mail()
        },
    ] {
        let e = smtp::send(&s, &m).unwrap_err();
        assert!(!e.contains("connect"), "{e}");
    }
    let bad_helo = SmtpSettings {
        helo_name: "x\r\nMAIL FROM:<a@b>".into(),
        ..s
    };
    assert!(smtp::send(&bad_helo, &mail())
        .unwrap_err()
        .contains("invalid EHLO name"));
}

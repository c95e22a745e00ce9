//! The mail the `mailto://` / `mailtos://` destinations send (issue 5): `format_message`
//! tables (subject and display-name encoding as RFC 2047 words, header injection, dot
//! stuffing, newline normalisation, quoted-printable lines, folded recipients, Message-IDs)
//! and the headers and body compared with what Python's `email` package writes for apprise.
//! No network: the SMTP session is in `tests/smtp.rs`; the message readers both use in
//! `common/smtp_harness.rs`.

#[path = "common/smtp_harness.rs"]
mod smtp_harness;

use certstreammonitor::notify::smtp::{self, Mail};
use smtp_harness::*;
use std::io::Write;
use std::process::Command;

// ---------------------------------------------------------------------------------------
// format_message tables

const TS: i64 = 1_700_000_000; // Tue, 14 Nov 2023 22:13:20 +0000

fn simple(subject: &str, body: &str) -> Mail {
    Mail {
        from: "a@x.test".into(),
        from_name: None,
        to: vec!["b@y.test".into()],
        subject: subject.into(),
        body: body.into(),
    }
}

#[test]
fn golden_message() {
    let m = Mail {
        from: "alerts@example.test".into(),
        from_name: Some("CertStreamMonitor-notification".into()),
        to: vec!["soc@example.test".into(), "oncall@example.test".into()],
        subject: "[CertStreamMonitor] Alert: paypal-login.example".into(),
        body: "line 1\nline 2".into(),
    };
    assert_eq!(
        smtp::format_message(&m, TS, "1700000000.42.7"),
        "Content-Type: text/plain; charset=\"utf-8\"\r\n\
         MIME-Version: 1.0\r\n\
         Content-Transfer-Encoding: quoted-printable\r\n\
         Subject: [CertStreamMonitor] Alert: paypal-login.example\r\n\
         From: CertStreamMonitor-notification <alerts@example.test>\r\n\
         To: soc@example.test, oncall@example.test\r\n\
         Message-ID: <1700000000.42.7@certstreammonitor>\r\n\
         Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n\
         X-Application: Apprise\r\n\
         \r\n\
         line 1\r\n\
         line 2\r\n"
    );
}

#[test]
fn subject_encoding_table() {
    for (subject, encoded) in [
        ("plain ASCII subject", false),
        ("Alerte : société générale", true),
        ("日本語のフィッシング警告 — paypal-login.example ✓ with a long tail to force several words", true),
        ("looks like =?utf-8?B?Zm9v?= a word", true), // would be decoded by readers if left bare
        ("", false),
    ] {
        let msg = smtp::format_message(&simple(subject, "b"), TS, "id");
        let v = header(&msg, "Subject");
        if encoded {
            assert!(v.starts_with("=?utf-8?q?"), "{subject:?} → {v}");
            assert_eq!(decode_words(&v), subject);
        } else {
            assert_eq!(v.trim_end(), subject);
        }
        let (head, _) = split(&msg);
        assert!(head.is_ascii(), "headers are ASCII: {head}");
        for line in head.split("\r\n") {
            assert!(line.len() <= 78, "header line longer than 78: {line:?}");
        }
    }
}

#[test]
fn from_display_name_table() {
    for (name, from) in [
        (None, "a@x.test".to_string()),
        (Some(""), "a@x.test".to_string()),
        (
            Some("CertStreamMonitor-notification"),
            "CertStreamMonitor-notification <a@x.test>".to_string(),
        ),
        (Some("SOC, Paris"), "\"SOC, Paris\" <a@x.test>".to_string()),
        (
            Some("say \"hi\""),
            "\"say \\\"hi\\\"\" <a@x.test>".to_string(),
        ),
        (
            Some("Équipe sécurité"),
            "=?utf-8?q?=C3=89quipe_s=C3=A9curit=C3=A9?= <a@x.test>".to_string(),
        ),
    ] {
        let m = Mail {
            from_name: name.map(String::from),
            ..simple("s", "b")
        };
        assert_eq!(
            header(&smtp::format_message(&m, TS, "id"), "From"),
            from,
            "{name:?}"
        );
    }
}

#[test]
fn header_injection_table() {
    let evil = [
        (
            "subject",
            Mail {
                subject: "Alert\r\nBcc: victim@evil.test".into(),
                ..simple("", "b")
            },
        ),
        (
            "subject LF",
            Mail {
                subject: "Alert\nBcc: victim@evil.test\n\nbody".into(),
                ..simple("", "b")
            },
        ),
        (
            "subject CR",
            Mail {
                subject: "Alert\rBcc: victim@evil.test".into(),
                ..simple("", "b")
            },
        ),
        (
            "utf-8 subject",
            Mail {
                subject: "Société\r\nBcc: victim@evil.test".into(),
                ..simple("", "b")
            },
        ),
        (
            "name",
            Mail {
                from_name: Some("SOC\r\nBcc: victim@evil.test".into()),
                ..simple("s", "b")
            },
        ),
        (
            "from",
            Mail {
                from: "a@x.test\r\nBcc: victim@evil.test".into(),
                ..simple("s", "b")
            },
        ),
        (
            "to",
            Mail {
                to: vec![
                    "b@y.test\r\nBcc: victim@evil.test".into(),
                    "c@y.test\n\nbody".into(),
                ],
                ..simple("s", "b")
            },
        ),
        (
            "to brackets",
            Mail {
                to: vec!["b@y.test>, <victim@evil.test".into()],
                ..simple("s", "b")
            },
        ),
    ];
    for (what, m) in evil {
        for id in ["id", "id\r\nBcc: victim@evil.test"] {
            let msg = smtp::format_message(&m, TS, id);
            let names: Vec<String> = headers(&msg).into_iter().map(|(n, _)| n).collect();
            assert_eq!(
                names,
                [
                    "Content-Type",
                    "MIME-Version",
                    "Content-Transfer-Encoding",
                    "Subject",
                    "From",
                    "To",
                    "Message-ID",
                    "Date",
                    "X-Application"
                ],
                "{what}: {msg}"
            );
            let (_, body) = split(&msg);
            assert_eq!(body, "b\r\n", "{what}: the body is untouched");
            let to = header(&msg, "To");
            assert!(!to.contains('<') && !to.contains('>'), "{what}: {to}");
        }
    }
    // The text survives on one line.
    let msg = smtp::format_message(&simple("Alert\r\nBcc: x", "b"), TS, "id");
    assert_eq!(header(&msg, "Subject"), "Alert Bcc: x");
}

#[test]
fn dot_stuffing_table() {
    for (body, wire) in [
        (".", "..\r\n"),
        ("..", "...\r\n"),
        (".hidden\n.", "..hidden\r\n..\r\n"),
        ("a\n.\nb", "a\r\n..\r\nb\r\n"),
        ("a.\n b.", "a.\r\n b.\r\n"),
        ("x\n\n.end\n", "x\r\n\r\n..end\r\n"),
        ("\r.\r\n", "\r\n..\r\n"),
    ] {
        let msg = smtp::format_message(&simple("s", body), TS, "id");
        let (_, b) = split(&msg);
        assert_eq!(b, wire, "{body:?}");
        // A server undoing the stuffing gets the normalised text back.
        let undone: String = b
            .split_inclusive("\r\n")
            .map(|l| l.strip_prefix('.').unwrap_or(l))
            .collect();
        assert_eq!(
            undone,
            body.replace("\r\n", "\n")
                .replace('\r', "\n")
                .replace('\n', "\r\n")
                .trim_end_matches("\r\n")
                .to_string()
                + "\r\n",
            "{body:?}"
        );
    }
}

#[test]
fn newline_normalisation_table() {
    for (body, wire) in [
        ("", ""),
        ("a", "a\r\n"),
        ("a\nb", "a\r\nb\r\n"),
        ("a\rb", "a\r\nb\r\n"),
        ("a\r\nb\r\n", "a\r\nb\r\n"),
        ("a\r\r\nb", "a\r\n\r\nb\r\n"),
        ("a\n\rb", "a\r\n\r\nb\r\n"),
        ("\n\n", "\r\n\r\n"),
        (
            "tab\there ünïcode ✓\n",
            "tab\there =C3=BCn=C3=AFcode =E2=9C=93\r\n",
        ),
    ] {
        let msg = smtp::format_message(&simple("s", body), TS, "id");
        let (_, b) = split(&msg);
        assert_eq!(b, wire, "{body:?}");
        assert_eq!(
            header(&msg, "Content-Transfer-Encoding"),
            "quoted-printable"
        );
        assert!(msg.ends_with("\r\n"));
    }
}

#[test]
fn long_lines_and_nul_stay_quoted_printable() {
    for body in [
        "x".repeat(2000) + "\n.next",
        format!("json {}\n", "{\"k\":\"é\"}".repeat(200)),
        "nul\0inside".to_string(),
    ] {
        let msg = smtp::format_message(&simple("s", &body), TS, "id");
        assert_eq!(
            header(&msg, "Content-Transfer-Encoding"),
            "quoted-printable"
        );
        let (_, b) = split(&msg);
        assert!(b.is_ascii());
        for line in b.split_terminator("\r\n") {
            assert!(line.len() <= 76, "{line:?}");
        }
        let decoded = qp_decode(&unstuff(b));
        let expected = body.replace('\n', "\r\n");
        let expected = if expected.ends_with("\r\n") {
            expected
        } else {
            expected + "\r\n"
        };
        assert_eq!(String::from_utf8(decoded).unwrap(), expected);
    }
}

#[test]
fn many_recipients_fold() {
    let to: Vec<String> = (0..20)
        .map(|i| format!("analyst{i:02}@soc.example.test"))
        .collect();
    let m = Mail {
        to: to.clone(),
        ..simple("s", "b")
    };
    let msg = smtp::format_message(&m, TS, "id");
    let (head, _) = split(&msg);
    for line in head.split("\r\n") {
        assert!(line.len() <= 78, "{line:?}");
    }
    let unfolded: Vec<String> = header(&msg, "To")
        .split(',')
        .map(|s| s.trim().to_string())
        .collect();
    assert_eq!(unfolded, to);
}

#[test]
fn message_ids() {
    for (id, header_value) in [
        ("abc.1", "<abc.1@certstreammonitor>"),
        ("x@elsewhere.test", "<x@elsewhere.test>"),
        ("<a b>", "<ab@certstreammonitor>"),
        ("", "<unset@certstreammonitor>"),
    ] {
        assert_eq!(
            header(
                &smtp::format_message(&simple("s", "b"), TS, id),
                "Message-ID"
            ),
            header_value
        );
    }
}

/// The message apprise 1.7.1 builds, by Python's own `email` package (stdlib, no apprise
/// needed): `MIMEText(body, 'plain', 'utf-8')` after apprise's
/// `charset.add_charset('utf-8', QP, QP, 'utf-8')`, `Header(subject, charset)` and
/// `formataddr((name, addr), charset='utf-8')`, then `as_string()` as smtplib sends it
/// (CRLF line ends, dot-stuffed, CRLF added before the final dot when missing).
const PY_APPRISE_MESSAGE: &str = r#"
import json, re, sys
from email import charset
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr
charset.add_charset('utf-8', charset.QP, charset.QP, 'utf-8')
out = []
for subject, name, addr, body in json.load(sys.stdin):
    m = MIMEText(body, 'plain', 'utf-8')
    m['Subject'] = Header(subject, None if subject.isascii() else 'utf-8')
    m['From'] = formataddr((name or False, addr), charset='utf-8')
    wire = re.sub(r'(?:\r\n|\n|\r(?!\n))', '\r\n', m.as_string())
    wire = re.sub(r'(?m)^\.', '..', wire)
    if not wire.endswith('\r\n'):
        wire += '\r\n'
    out.append(wire)
print(json.dumps(out))
"#;

#[test]
fn body_and_headers_encoded_as_python_email_does() {
    let bodies: Vec<String> = vec![
        String::new(),
        "hello".into(),
        "line 1\nline 2\n".into(),
        ".leading\n..two\n.".into(),
        "Unicode: société générale ✓\nold mac\rline\r\nend".into(),
        "x".repeat(200),
        "é".repeat(100),
        "a = b, c=d\n==\n".into(),
        "trailing space \ntrailing tab\t\n \n\t".into(),
        "NUL\0 ESC\x1b[31m DEL\x7f FF\x0c VT\x0b".into(),
        format!("mixed {}", "é x".repeat(40)),
        // Trailing whitespace where the line is 74, 75, 76, 77 and 152 long (each branch of
        // the soft-break rules), and escapes straddling the 75th column.
        format!("{} ", "a".repeat(73)),
        format!("{} ", "a".repeat(74)),
        format!("{}\t", "a".repeat(75)),
        format!("{} ", "a".repeat(76)),
        format!("{} ", "a".repeat(151)),
        format!("{}{}", "a".repeat(71), "é".repeat(5)),
        format!("{}{}", "a".repeat(72), "é".repeat(5)),
        format!("{}{}", "a".repeat(73), "é".repeat(5)),
        format!("{}{}", "a".repeat(74), "é".repeat(5)),
        format!("{}\n.{}", "=".repeat(80), "é".repeat(30)),
    ];
    let heads: Vec<(&str, Option<&str>)> = vec![
        ("plain ASCII subject", None),
        ("Alerte : société générale ✓", Some("CertStreamMonitor-notification")),
        ("[CertStreamMonitor] Alert: xn--pypal-4ve.example", Some("Apprise")),
        ("Sujet", Some("Équipe sécurité")),
        ("Doe", Some("Doe, John")),
        ("日本語のフィッシング警告 — paypal-login.example ✓ with a long tail to force several words", Some("Équipe sécurité de la société générale, Paris ✓")),
    ];
    let mut cases = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        let (subject, name) = heads[i % heads.len()];
        cases.push((
            subject.to_string(),
            name.map(String::from),
            "a@x.test".to_string(),
            body.clone(),
        ));
    }
    let mut child = Command::new("python3")
        .args(["-c", PY_APPRISE_MESSAGE])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 (the reference for apprise's mail encoding) must be installed");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&cases).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python3: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let python: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();

    for ((subject, name, addr, body), py) in cases.iter().zip(&python) {
        let m = Mail {
            from: addr.clone(),
            from_name: name.clone(),
            to: vec!["b@y.test".into()],
            subject: subject.clone(),
            body: body.clone(),
        };
        let ours = smtp::format_message(&m, TS, "id");
        // The body, byte for byte as smtplib puts it on the wire.
        assert_eq!(split(&ours).1, split(py).1, "body {body:?}");
        for line in split(&ours).1.split_terminator("\r\n") {
            assert!(line.len() <= 77 && line.is_ascii(), "{line:?}");
        }
        for h in ["Content-Type", "MIME-Version", "Content-Transfer-Encoding"] {
            assert_eq!(header(&ours, h), header(py, h), "{h}");
        }
        // Subject and From: the same text; the same bytes unless Python's one encoded-word
        // is longer than RFC 2047's 75 characters (we fold into several words instead).
        for h in ["Subject", "From"] {
            let (o, p) = (header(&ours, h), header(py, h));
            let word_too_long = p.split(' ').any(|w| w.starts_with("=?") && w.len() > 75);
            if word_too_long {
                let decode = |v: &str, check: bool| {
                    let (words, addr) = match v.rsplit_once(" <") {
                        Some((n, a)) => (n, format!(" <{a}")),
                        None => (v, String::new()),
                    };
                    let text = if check {
                        decode_words(words)
                    } else {
                        decode_any_words(words)
                    };
                    text + &addr
                };
                assert_eq!(
                    decode(&o, true),
                    decode(&p, false),
                    "{h} of {subject:?} / {name:?}"
                );
            } else {
                assert_eq!(o, p, "{h} of {subject:?} / {name:?}");
            }
        }
    }
}

//! Helpers of the SMTP tests (`tests/smtp.rs`, `tests/smtp_message.rs`): a sample `Mail` and
//! readers of a formatted message (undo dot stuffing, decode quoted-printable, split headers
//! from body, unfold headers, decode RFC 2047 words). Included by those files as
//! `#[path = "common/smtp_harness.rs"] mod smtp_harness;` (not declared in `common/mod.rs`,
//! so other test binaries don't compile it).
#![allow(dead_code)]

use certstreammonitor::notify::smtp::Mail;

pub fn mail() -> Mail {
    Mail {
        from: "alerts@example.test".into(),
        from_name: Some("CertStreamMonitor-notification".into()),
        to: vec!["soc@example.test".into(), "oncall@example.test".into()],
        subject: "[CertStreamMonitor] Alert: paypal-login.example".into(),
        body: "Hello SOC,\n\nSuspicious host: paypal-login.example\n.\n..hidden\n.leading dot\n\
               Unicode: société générale ✓\r\nold mac line\rend"
            .into(),
    }
}

pub fn unstuff(s: &str) -> String {
    s.split_inclusive("\r\n")
        .map(|l| l.strip_prefix('.').unwrap_or(l))
        .collect()
}

/// Undo quoted-printable (RFC 2045 §6.7): soft line breaks, then `=XX`.
pub fn qp_decode(s: &str) -> Vec<u8> {
    let s = s.replace("=\r\n", "");
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).expect("=XX");
            out.push(u8::from_str_radix(hex, 16).unwrap_or_else(|_| panic!("bad escape ={hex}")));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

pub fn split(msg: &str) -> (&str, &str) {
    let i = msg.find("\r\n\r\n").expect("header/body separator");
    (&msg[..i + 2], &msg[i + 4..])
}

/// Header fields, unfolded: (name, value).
pub fn headers(msg: &str) -> Vec<(String, String)> {
    let (head, _) = split(msg);
    let mut out: Vec<(String, String)> = Vec::new();
    for line in head.strip_suffix("\r\n").unwrap().split("\r\n") {
        assert!(!line.contains('\r') && !line.contains('\n'), "{line:?}");
        if line.starts_with(' ') || line.starts_with('\t') {
            out.last_mut().expect("continuation first").1.push_str(line);
        } else {
            let (n, v) = line
                .split_once(": ")
                .unwrap_or_else(|| panic!("not a header: {line:?}"));
            out.push((n.to_string(), v.to_string()));
        }
    }
    out
}

pub fn header(msg: &str, name: &str) -> String {
    headers(msg)
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name}"))
        .1
}

/// Decode a run of RFC 2047 `=?utf-8?B?…?=` / `=?utf-8?q?…?=` words separated by folding
/// whitespace (which decoders drop between encoded-words, RFC 2047 §6.2).
pub fn decode_words(v: &str) -> String {
    for w in v.split_whitespace() {
        assert!(w.len() <= 75, "encoded word longer than 75: {w}");
    }
    decode_any_words(v)
}

/// [`decode_words`] without the length check (Python writes one word however long).
pub fn decode_any_words(v: &str) -> String {
    let mut bytes = Vec::new();
    for w in v.split_whitespace() {
        let inner = w
            .strip_prefix("=?utf-8?")
            .and_then(|w| w.strip_suffix("?="))
            .unwrap_or_else(|| panic!("not an encoded word: {w}"));
        match inner.split_at(2) {
            ("B?" | "b?", text) => {
                bytes.extend(certstreammonitor::net::base64::decode(text.as_bytes()).unwrap())
            }
            ("Q?" | "q?", text) => bytes.extend(qp_decode(&text.replace('_', " "))),
            _ => panic!("unknown encoding: {w}"),
        }
    }
    String::from_utf8(bytes).unwrap()
}

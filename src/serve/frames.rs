//! One certificate in the three encodings a certstream server sends, made once per
//! certificate and shared by every client (`Arc<Frames>`): `/full-stream` (the whole
//! `certificate_update`), `/` lite (the same without `data.chain` and
//! `data.leaf_cert.as_der`) and `/domains-only` (`{"data":[all_domains],"message_type":
//! "dns_entries"}`), shaped as certstream-server-go shapes them: full and lite end with a
//! newline (Go's `json.Encoder`), dns_entries does not (`json.Marshal`).
//!
//! Each encoding is kept as a complete, unmasked WebSocket text frame (RFC 6455 §5.2: FIN,
//! opcode 1, payload length in 7, 7+16 or 7+64 bits), so sending it to a client is one copy
//! into its socket, and the payload alone answers `<endpoint>/example.json`.

use serde_json::{json, Value};

/// Which of the three feeds a client subscribed to (its URL path).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `/`: `certificate_update` without `chain` and `leaf_cert.as_der`.
    Lite,
    /// `/full-stream`.
    Full,
    /// `/domains-only`: `dns_entries`.
    Domains,
}

impl Endpoint {
    /// The path as certstream-server-go routes it.
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Lite => "/",
            Endpoint::Full => "/full-stream",
            Endpoint::Domains => "/domains-only",
        }
    }

    /// Short name for logs and metrics (`lite`, `full`, `domains`).
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::Lite => "lite",
            Endpoint::Full => "full",
            Endpoint::Domains => "domains",
        }
    }
}

/// One WebSocket text frame: header then payload.
#[derive(Debug, Clone)]
struct Encoded {
    frame: Vec<u8>,
    header: usize,
}

impl Encoded {
    fn text(payload: &[u8]) -> Encoded {
        let mut frame = Vec::with_capacity(payload.len() + 10);
        // FIN + opcode 0x1 (text), no mask: a server never masks (RFC 6455 §5.1).
        frame.push(0x81);
        let n = payload.len();
        if n < 126 {
            frame.push(n as u8);
        } else if n <= 0xFFFF {
            frame.push(126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        } else {
            frame.push(127);
            frame.extend_from_slice(&(n as u64).to_be_bytes());
        }
        let header = frame.len();
        frame.extend_from_slice(payload);
        Encoded { frame, header }
    }
}

/// The three encodings of one certificate.
#[derive(Debug, Clone)]
pub struct Frames {
    full: Encoded,
    lite: Encoded,
    domains: Encoded,
}

impl Frames {
    /// The encodings of a full `certificate_update` message (a lite one gives identical
    /// full and lite encodings). None for anything else: another `message_type`, no `data`
    /// object, or no `data.leaf_cert` object.
    pub fn from_full(msg: &Value) -> Option<Frames> {
        if msg.get("message_type")?.as_str()? != "certificate_update" {
            return None;
        }
        let leaf = msg
            .get("data")?
            .as_object()?
            .get("leaf_cert")?
            .as_object()?;
        // Go encodes a nil slice as null; a certificate always has a (possibly empty) list.
        let domains = match leaf.get("all_domains") {
            Some(Value::Array(a)) => Value::Array(a.clone()),
            _ => Value::Array(Vec::new()),
        };
        let mut lite = msg.clone();
        if let Some(data) = lite.get_mut("data").and_then(Value::as_object_mut) {
            data.shift_remove("chain");
            if let Some(leaf) = data.get_mut("leaf_cert").and_then(Value::as_object_mut) {
                leaf.shift_remove("as_der");
            }
        }
        let line = |v: &Value| {
            let mut s = serde_json::to_vec(v).unwrap_or_default();
            s.push(b'\n');
            s
        };
        let dns = json!({"data": domains, "message_type": "dns_entries"});
        Some(Frames {
            full: Encoded::text(&line(msg)),
            lite: Encoded::text(&line(&lite)),
            domains: Encoded::text(&serde_json::to_vec(&dns).unwrap_or_default()),
        })
    }

    fn encoded(&self, e: Endpoint) -> &Encoded {
        match e {
            Endpoint::Full => &self.full,
            Endpoint::Lite => &self.lite,
            Endpoint::Domains => &self.domains,
        }
    }

    /// The complete WebSocket frame for clients of `e`.
    pub fn frame(&self, e: Endpoint) -> &[u8] {
        &self.encoded(e).frame
    }

    /// The JSON text alone (what `<endpoint>/example.json` answers).
    pub fn payload(&self, e: Endpoint) -> &[u8] {
        let enc = self.encoded(e);
        &enc.frame[enc.header..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Value {
        json!({"data": {"cert_index": 7, "cert_link": "", "chain": [{"as_der": "QUJD"}],
            "leaf_cert": {"all_domains": ["a.example", "b.example"], "as_der": "REVG",
                "fingerprint": "AA"}, "seen": 1.5,
                "source": {"name": "L", "url": "https://l"}, "update_type": "X509LogEntry"},
            "message_type": "certificate_update"})
    }

    #[test]
    fn three_shapes_as_certstream_server_go() {
        let f = Frames::from_full(&sample()).unwrap();
        let full: Value = serde_json::from_slice(f.payload(Endpoint::Full)).unwrap();
        assert_eq!(full, sample());
        assert!(f.payload(Endpoint::Full).ends_with(b"}\n"));
        let lite: Value = serde_json::from_slice(f.payload(Endpoint::Lite)).unwrap();
        assert!(lite["data"].get("chain").is_none());
        assert!(lite["data"]["leaf_cert"].get("as_der").is_none());
        assert_eq!(lite["data"]["leaf_cert"]["fingerprint"], "AA");
        assert_eq!(
            f.payload(Endpoint::Domains),
            br#"{"data":["a.example","b.example"],"message_type":"dns_entries"}"#
        );
    }

    #[test]
    fn frame_headers_follow_rfc6455_lengths() {
        for n in [0usize, 125, 126, 65535, 65536] {
            let e = Encoded::text(&vec![b'x'; n]);
            assert_eq!(e.frame[0], 0x81);
            assert_eq!(e.frame.len() - e.header, n);
            let expect = if n < 126 {
                2
            } else if n <= 65535 {
                4
            } else {
                10
            };
            assert_eq!(e.header, expect, "{n}");
        }
    }

    #[test]
    fn other_messages_are_not_certificates() {
        for v in [
            json!({"message_type": "heartbeat", "timestamp": 1.0}),
            json!({"message_type": "dns_entries", "data": ["a"]}),
            json!({"message_type": "certificate_update", "data": []}),
            json!({"message_type": "certificate_update", "data": {"leaf_cert": 3}}),
            json!([1, 2]),
        ] {
            assert!(Frames::from_full(&v).is_none(), "{v}");
        }
    }
}

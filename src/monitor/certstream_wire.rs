//! The certstream wire format: one JSON message → a [`CertificateRecord`].
//!
//! Servers differ (certstream-server-go, CaliDog's Elixir server, the retired Python one)
//! and have changed field types over the years, so every field is read leniently: a
//! field of an unexpected type becomes "unknown" instead of failing the message. Only
//! what the monitor needs is decoded; `as_der`, `chain` and `extensions` are skipped
//! without being copied, and names borrow from the frame unless they hold escapes.

use crate::certificate::CertificateRecord;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

/// One decoded message.
#[derive(Debug, PartialEq)]
pub enum CertstreamMessage<'a> {
    Certificate(CertificateRecord<'a>),
    /// `/domains-only` endpoint: names without any certificate detail.
    DnsEntries(Vec<Cow<'a, str>>),
    /// The retired Python server's keepalive.
    Heartbeat,
    /// Any other `message_type`: ignored, as certstream clients always did.
    Other(String),
}

/// Why a message was skipped.
#[derive(Debug)]
pub enum MessageError {
    Json(serde_json::Error),
    Missing(&'static str),
}

impl fmt::Display for MessageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MessageError::Json(e) => write!(f, "invalid JSON: {e}"),
            MessageError::Missing(what) => write!(f, "missing field {what}"),
        }
    }
}

impl std::error::Error for MessageError {}

/// Decode one message (a websocket text frame or a replay line).
pub fn parse_message(bytes: &[u8]) -> Result<CertstreamMessage<'_>, MessageError> {
    let env: Envelope<'_> = serde_json::from_slice(bytes).map_err(MessageError::Json)?;
    let kind = env
        .message_type
        .and_then(|t| t.0)
        .ok_or(MessageError::Missing("message_type"))?;
    match kind.as_ref() {
        "certificate_update" => {
            let leaf = match env.data {
                Some(Data::Certificate(c)) => {
                    c.leaf_cert.ok_or(MessageError::Missing("data.leaf_cert"))?
                }
                _ => return Err(MessageError::Missing("data (object)")),
            };
            Ok(CertstreamMessage::Certificate(leaf.into_record()))
        }
        "dns_entries" => match env.data {
            Some(Data::Names(names)) => Ok(CertstreamMessage::DnsEntries(names)),
            _ => Err(MessageError::Missing("data (array of names)")),
        },
        "heartbeat" => Ok(CertstreamMessage::Heartbeat),
        other => Ok(CertstreamMessage::Other(other.to_string())),
    }
}

/// Visitor methods that answer `$v` for every scalar JSON value (strings, numbers,
/// bools, null): the "unexpected type → unknown" half of lenient decoding.
macro_rules! scalars_as {
    ($v:expr) => {
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($v)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($v)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($v)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($v)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($v)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($v)
        }
    };
}

/// Visitor method that skips a JSON list and answers `$v`.
macro_rules! seq_as {
    ($v:expr) => {
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok($v)
        }
    };
}

/// Visitor method that skips a JSON object and answers `$v`.
macro_rules! map_as {
    ($v:expr) => {
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok($v)
        }
    };
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    message_type: Option<LenientStr<'a>>,
    #[serde(borrow, default)]
    data: Option<Data<'a>>,
}

/// `data` is an object for `certificate_update` and an array for `dns_entries`, and
/// Go servers send `data` before `message_type`, so the shape decides.
enum Data<'a> {
    Certificate(CertData<'a>),
    Names(Vec<Cow<'a, str>>),
    Other,
}

#[derive(Deserialize)]
struct CertData<'a> {
    #[serde(borrow, default)]
    leaf_cert: Option<LeafCert<'a>>,
}

#[derive(Deserialize)]
struct LeafCert<'a> {
    #[serde(borrow, default)]
    all_domains: Option<Names<'a>>,
    #[serde(borrow, default)]
    subject: Option<Dn<'a>>,
    #[serde(borrow, default)]
    issuer: Option<Dn<'a>>,
    #[serde(borrow, default)]
    fingerprint: Option<LenientStr<'a>>,
    #[serde(default)]
    not_before: Option<LenientTime>,
}

impl<'a> LeafCert<'a> {
    fn into_record(self) -> CertificateRecord<'a> {
        let dn = |d: Option<Dn<'a>>| {
            d.and_then(|d| d.aggregated)
                .and_then(|s| s.0)
                .unwrap_or_default()
        };
        CertificateRecord {
            all_domains: self.all_domains.map(|n| n.0).unwrap_or_default(),
            subject: dn(self.subject),
            issuer: dn(self.issuer),
            fingerprint: self.fingerprint.and_then(|s| s.0).unwrap_or_default(),
            not_before: self.not_before.and_then(|t| t.0),
            ct_source: None,
        }
    }
}

/// A subject or issuer object; anything that is not an object counts as unknown.
struct Dn<'a> {
    aggregated: Option<LenientStr<'a>>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Dn<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Dn<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a distinguished name object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut aggregated = None;
                while let Some(key) = map.next_key::<LenientStr<'a>>()? {
                    if key.0.as_deref() == Some("aggregated") {
                        aggregated = Some(map.next_value::<LenientStr<'a>>()?);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(Dn { aggregated })
            }
            seq_as!(Dn { aggregated: None });
            scalars_as!(Dn { aggregated: None });
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A string that may arrive as a string, a number, a bool or null. The flag says it
/// really was a JSON string (a list of names keeps only those).
struct LenientStr<'a>(Option<Cow<'a, str>>, bool);

impl<'de: 'a, 'a> Deserialize<'de> for LenientStr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = LenientStr<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(LenientStr(Some(Cow::Borrowed(v)), true))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(LenientStr(Some(Cow::Owned(v.to_string())), true))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(LenientStr(Some(Cow::Owned(v)), true))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(LenientStr(Some(Cow::Owned(v.to_string())), false))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(LenientStr(Some(Cow::Owned(v.to_string())), false))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(LenientStr(Some(Cow::Owned(v.to_string())), false))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(LenientStr(None, false))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(LenientStr(None, false))
            }
            seq_as!(LenientStr(None, false));
            map_as!(LenientStr(None, false));
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A list of names; elements that are not strings (null, numbers) are dropped, and a
/// non-list value counts as no names.
struct Names<'a>(Vec<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for Names<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Names<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of names")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Ok(Names(names_from_seq(seq)?))
            }
            map_as!(Names(Vec::new()));
            scalars_as!(Names(Vec::new()));
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

fn names_from_seq<'de: 'a, 'a, A: SeqAccess<'de>>(
    mut seq: A,
) -> Result<Vec<Cow<'a, str>>, A::Error> {
    let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(4).min(1024));
    while let Some(s) = seq.next_element::<LenientStr<'a>>()? {
        if let (Some(name), true) = (s.0, s.1) {
            // Servers end some strings with whitespace; a name never legitimately does.
            out.push(match name {
                Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
                Cow::Owned(o) if o.trim().len() != o.len() => Cow::Owned(o.trim().to_string()),
                owned => owned,
            });
        }
    }
    Ok(out)
}

impl<'de: 'a, 'a> Deserialize<'de> for Data<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Data<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object or a list")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                CertData::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(Data::Certificate)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Ok(Data::Names(names_from_seq(seq)?))
            }
            scalars_as!(Data::Other);
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// Earliest and latest instants Python's `datetime` can represent (years 1..=9999).
const MIN_TS: i64 = -62_135_596_800;
const MAX_TS: i64 = 253_402_300_799;

/// `not_before`: integer seconds (Go, Elixir), float seconds (Python-era), a numeric
/// string, `"no_expiration"` or null.
struct LenientTime(Option<i64>);

fn clamp_ts(t: f64) -> Option<i64> {
    (t.is_finite() && t >= MIN_TS as f64 && t <= MAX_TS as f64).then(|| t.floor() as i64)
}

impl<'de> Deserialize<'de> for LenientTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = LenientNumber::deserialize(d)?;
        Ok(LenientTime(s.0.and_then(clamp_ts)))
    }
}

struct LenientNumber(Option<f64>);

impl<'de> Deserialize<'de> for LenientNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LenientNumber;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(LenientNumber(Some(v as f64)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(LenientNumber(Some(v as f64)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(LenientNumber(Some(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(LenientNumber(v.trim().parse::<f64>().ok()))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(LenientNumber(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(LenientNumber(None))
            }
            seq_as!(LenientNumber(None));
            map_as!(LenientNumber(None));
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(json: &str) -> CertificateRecord<'_> {
        match parse_message(json.as_bytes()) {
            Ok(CertstreamMessage::Certificate(c)) => c,
            other => panic!("not a certificate: {other:?}"),
        }
    }

    #[test]
    fn lite_message() {
        let m = r#"{"data":{"cert_index":1,"cert_link":"","leaf_cert":{"all_domains":["a.com","www.a.com"],"extensions":{"x":"y"},"fingerprint":"AA:BB","not_after":2,"not_before":1520851180,"serial_number":"01","subject":{"C":null,"CN":"a.com","aggregated":"/CN=a.com"},"issuer":{"C":"US","aggregated":"/C=US/CN=R3/O=Let's Encrypt"}},"seen":1.5,"source":{"name":"x","url":"y"},"update_type":"X509LogEntry"},"message_type":"certificate_update"}"#;
        let c = cert(m);
        assert_eq!(c.all_domains, vec!["a.com", "www.a.com"]);
        assert_eq!(c.subject, "/CN=a.com");
        assert_eq!(c.issuer, "/C=US/CN=R3/O=Let's Encrypt");
        assert_eq!(c.fingerprint, "AA:BB");
        assert_eq!(c.startime(), "2018-03-12T10:39:40");
        assert!(
            matches!(c.all_domains[0], Cow::Borrowed(_)),
            "names borrow from the frame"
        );
    }

    #[test]
    fn lenient_fields() {
        let cases: &[(&str, Option<i64>)] = &[
            (r#""not_before":1509908649.0"#, Some(1509908649)),
            (r#""not_before":"1509908649""#, Some(1509908649)),
            (r#""not_before":"no_expiration""#, None),
            (r#""not_before":null"#, None),
            (r#""not_before":1e300"#, None),
            (r#""not_before":[1]"#, None),
            (r#""not_before":{"a":1}"#, None),
            (r#""x":1"#, None),
        ];
        for (field, want) in cases {
            let m = format!(
                r#"{{"message_type":"certificate_update","data":{{"leaf_cert":{{"all_domains":["a\u002ecom",null,5,"  b.com "],{field},"subject":null,"issuer":{{"aggregated":null}}}}}}}}"#
            );
            let c = cert(&m);
            assert_eq!(c.not_before, *want, "{field}");
            assert_eq!(c.all_domains, vec!["a.com", "b.com"]);
            assert_eq!(c.subject, "");
            assert_eq!(c.issuer, "");
        }
    }

    #[test]
    fn other_kinds_and_errors() {
        assert_eq!(
            parse_message(br#"{"data":["a.com","b.com"],"message_type":"dns_entries"}"#).unwrap(),
            CertstreamMessage::DnsEntries(vec!["a.com".into(), "b.com".into()])
        );
        assert_eq!(
            parse_message(br#"{"message_type":"heartbeat","timestamp":1.5}"#).unwrap(),
            CertstreamMessage::Heartbeat
        );
        assert_eq!(
            parse_message(br#"{"message_type":"stats"}"#).unwrap(),
            CertstreamMessage::Other("stats".into())
        );
        for bad in [&b"{"[..], b"", b"[]", b"null", b"{\"data\":{}}", b"{\"message_type\":\"certificate_update\"}",
            b"{\"message_type\":\"certificate_update\",\"data\":{}}", b"{\"message_type\":\"certificate_update\",\"data\":{\"leaf_cert\":{\"all_domains\":[\"\xff\"]}}}",
            b"{\"message_type\":\"dns_entries\",\"data\":{}}"] {
            assert!(parse_message(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }
}

//! A CT log entry → the certstream `certificate_update` message certstream-server-go sends
//! for it on its full stream (`/full-stream`), field by field and in its field order
//! (certstream-server-go `internal/models/certstream.go` for the shapes,
//! `internal/certificatetransparency/ct-parser.go` for the values):
//!
//! ```text
//! {"data":{"cert_index":N,"cert_link":"…","chain":[LeafCert…],"leaf_cert":LeafCert,
//!          "seen":1791095140.512,"source":{"name":…,"url":…,"timestamp":…,"type":…},
//!          "update_type":"X509LogEntry"|"PrecertLogEntry"},
//!  "message_type":"certificate_update"}
//! LeafCert = {"all_domains","as_der","extensions","fingerprint","sha1","sha256","not_after",
//!             "not_before","serial_number","signature_algorithm","subject","issuer","is_ca"}
//! ```
//!
//! The lite stream (`/`) is this without `data.chain` and `leaf_cert.as_der` ([`lite`]).
//!
//! What the monitor's rules see is the same whichever way a certificate arrives:
//! `all_domains`, `subject.aggregated`, `issuer.aggregated`, `fingerprint` and `not_before`
//! come from the same parse as [`crate::ct::entry::record_from_entry`]'s record.
//!
//! Where this differs from certstream-server-go v1.9 (each time Go drops or garbles data):
//! - an entry whose chain cannot be read is still sent, without `chain` (Go drops it);
//! - a certificate Go's strict parser refuses is still sent, lenient fields as
//!   [`crate::x509::certificate`] reads them (an unreadable time is `null`, an unreadable
//!   extension has no key);
//! - `subject`/`issuer` `ST` is stateOrProvinceName (Go fills it from streetAddress by
//!   mistake) and `CN` joins every CN with `,` (Go keeps the last), as `aggregated` does;
//! - static-ct-api precertificates carry `as_der` and the fingerprint of the
//!   precertificate the tile holds (Go v1.9 loses it and fingerprints empty input).

use crate::certificate::CtLogLabel;
use crate::ct::entry::{self, Chain, EntryError, EntryKind, LogEntry, RecordParts};
use crate::net::base64;
use crate::x509::certificate::{self as x509, DistinguishedName, ParsedCertificate};
use crate::x509::extensions::Extensions;
use crate::x509::fingerprint;
use serde_json::{Map, Value};

/// Chains longer than this are not sent (real chains have 1 to 4 certificates).
pub const MAX_CHAIN: usize = 16;

/// The full `certificate_update` message for entry `index` of `log`, `seen` (Unix seconds)
/// being when it was read. `log.url` goes into `source.url` and `cert_link` as it is: give
/// the URL without credentials ([`crate::ct::loglist::CtLog::shown_url`], as the readers do). An error only when the leaf itself cannot be read (then
/// [`crate::ct::entry::record_from_entry`] fails too).
///
/// `chain`: RFC 6962 entries carry their chain in `extra_data`; each certificate becomes a
/// chain element (the same LeafCert fields as the leaf, as Go sends them). Static-ct-api
/// tiles carry only the SHA-256 fingerprints of the chain (the certificates are in the
/// log's issuer bundles); certstream-server-go sends no `chain` for tiled logs, and
/// neither does this: `chain` is then left out, as Go leaves out an empty chain. A chain
/// that does not frame, holds a certificate that cannot be read, or is longer than
/// [`MAX_CHAIN`] is left out likewise.
pub fn certificate_update(
    entry: &LogEntry<'_>,
    log: &CtLogLabel,
    index: u64,
    seen: f64,
) -> Result<Value, EntryError> {
    let (parsed, fingerprint_of) = entry::parse_leaf(entry, true)?;
    Ok(message(entry, &parsed, fingerprint_of, log, index, seen))
}

/// The record [`crate::ct::entry::record_from_entry`] gives (with the parser's warnings
/// and lossy flag) and the [`certificate_update`] message, from one parse of the leaf.
pub(crate) fn record_and_update(
    entry: &LogEntry<'_>,
    log: &CtLogLabel,
    index: u64,
    seen: f64,
) -> Result<(RecordParts, Value), EntryError> {
    let (parsed, fingerprint_of) = entry::parse_leaf(entry, true)?;
    let msg = message(entry, &parsed, fingerprint_of, log, index, seen);
    Ok((entry::record_from_parsed(parsed, fingerprint_of), msg))
}

/// The lite form of a full message (certstream-server-go's `/` stream): `data.chain` and
/// `data.leaf_cert.as_der` removed, everything else in place.
pub fn lite(full: &Value) -> Value {
    let Some(top) = full.as_object() else {
        return full.clone();
    };
    // Copied key by key, so the chain (most of a full message) is never cloned.
    let data = |d: &Map<String, Value>| -> Value {
        let kept = d.iter().filter(|(k, _)| k.as_str() != "chain");
        Value::Object(
            kept.map(|(k, v)| match v.as_object() {
                Some(leaf) if k == "leaf_cert" => (k.clone(), without(leaf, "as_der")),
                _ => (k.clone(), v.clone()),
            })
            .collect(),
        )
    };
    let out = top.iter().map(|(k, v)| match v.as_object() {
        Some(d) if k == "data" => (k.clone(), data(d)),
        _ => (k.clone(), v.clone()),
    });
    Value::Object(out.collect())
}

/// `m` without the key `key`.
fn without(m: &Map<String, Value>, key: &str) -> Value {
    let kept = m.iter().filter(|(k, _)| k.as_str() != key);
    Value::Object(kept.map(|(k, v)| (k.clone(), v.clone())).collect())
}

/// The `dns_entries` message of a full or lite message (certstream-server-go's
/// `/domains-only` stream): `{"data":[…all_domains…],"message_type":"dns_entries"}`.
pub fn dns_entries(message: &Value) -> Value {
    let domains = message
        .pointer("/data/leaf_cert/all_domains")
        .cloned()
        .filter(Value::is_array)
        .unwrap_or_else(|| Value::Array(Vec::new()));
    let mut m = Map::new();
    m.insert("data".into(), domains);
    m.insert("message_type".into(), "dns_entries".into());
    Value::Object(m)
}

fn message(
    entry: &LogEntry<'_>,
    parsed: &ParsedCertificate,
    fingerprint_of: &[u8],
    log: &CtLogLabel,
    index: u64,
    seen: f64,
) -> Value {
    let precert = entry.kind == EntryKind::Precert;
    // What certstream sends as as_der is what it fingerprints: the certificate, or the
    // precertificate. Without the precertificate (unreadable extra_data) the fingerprint
    // is the TBS's, which is no certificate: as_der is left out then.
    let as_der = match entry.kind {
        EntryKind::X509 => Some(entry.cert),
        EntryKind::Precert => entry.precertificate,
    };
    let leaf = leaf_cert(parsed, fingerprint_of, as_der, precert);
    let tiled = matches!(entry.chain, Chain::Fingerprints(_));
    let url = source_url(&log.url);

    let mut data = Map::new();
    data.insert("cert_index".into(), index.into());
    let link = if tiled {
        String::new()
    } else {
        format!("{url}/ct/v1/get-entries?start={index}&end={index}")
    };
    data.insert("cert_link".into(), link.into());
    let chain = chain(entry);
    if !chain.is_empty() {
        data.insert("chain".into(), Value::Array(chain));
    }
    data.insert("leaf_cert".into(), leaf);
    data.insert("seen".into(), seconds(seen));
    let mut source = Map::new();
    source.insert("name".into(), log.description.clone().into());
    source.insert("url".into(), url.into());
    source.insert(
        "timestamp".into(),
        seconds(entry.timestamp_ms as f64 / 1000.0),
    );
    source.insert(
        "type".into(),
        if tiled { "tiled" } else { "rfc6962" }.into(),
    );
    data.insert("source".into(), Value::Object(source));
    let update_type = if precert {
        "PrecertLogEntry"
    } else {
        "X509LogEntry"
    };
    data.insert("update_type".into(), update_type.into());

    let mut m = Map::new();
    m.insert("data".into(), Value::Object(data));
    m.insert("message_type".into(), "certificate_update".into());
    Value::Object(m)
}

/// certstream-server-go's `source.url`: the log URL with `https://` added when it has no
/// scheme and the trailing `/` removed.
fn source_url(url: &str) -> String {
    let u = url.trim_end_matches('/');
    if u.starts_with("https://") || u.starts_with("http://") {
        u.to_string()
    } else {
        format!("https://{u}")
    }
}

/// Unix seconds with millisecond precision, as Go computes `seen` (`UnixMilli()/1000`).
fn seconds(s: f64) -> Value {
    let ms = if s.is_finite() {
        (s * 1000.0).round() / 1000.0
    } else {
        0.0
    };
    serde_json::Number::from_f64(ms).map_or(Value::Null, Value::Number)
}

/// The chain elements of an RFC 6962 entry (see [`certificate_update`]); empty when there
/// are none to send.
fn chain(entry: &LogEntry<'_>) -> Vec<Value> {
    let Some(certs) = entry.chain.certificates() else {
        return Vec::new();
    };
    if certs.len() > MAX_CHAIN {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(certs.len());
    for der in certs {
        match x509::parse_certificate_with_extensions(der) {
            Ok(p) => out.push(leaf_cert(&p, der, Some(der), false)),
            Err(_) => return Vec::new(),
        }
    }
    out
}

/// certstream-server-go's LeafCert. `hashed`: the DER of `fingerprint`/`sha1`/`sha256`;
/// `as_der`: the DER sent (left out when `None`); `precert`: `ctlPoisonByte` forced (Go
/// sets it on every precert entry, whose TBS has no poison extension).
fn leaf_cert(p: &ParsedCertificate, hashed: &[u8], as_der: Option<&[u8]>, precert: bool) -> Value {
    let mut m = Map::new();
    let domains = p.all_domains.iter().map(|d| Value::from(d.as_str()));
    m.insert("all_domains".into(), Value::Array(domains.collect()));
    if let Some(der) = as_der {
        m.insert("as_der".into(), base64::encode(der).into());
    }
    let ext = p.extensions.clone().unwrap_or_default();
    m.insert("extensions".into(), extensions(&ext, precert));
    let sha1 = fingerprint::colon_hex(&fingerprint::sha1(hashed));
    m.insert("fingerprint".into(), sha1.clone().into());
    m.insert("sha1".into(), sha1.into());
    let sha256 = fingerprint::colon_hex(&openssl::sha::sha256(hashed));
    m.insert("sha256".into(), sha256.into());
    m.insert("not_after".into(), p.not_after.into());
    m.insert("not_before".into(), p.not_before.into());
    m.insert("serial_number".into(), p.serial_number.clone().into());
    m.insert("signature_algorithm".into(), p.signature_algorithm.into());
    m.insert("subject".into(), subject(&p.subject));
    m.insert("issuer".into(), subject(&p.issuer));
    m.insert("is_ca".into(), p.is_ca.into());
    Value::Object(m)
}

/// certstream-server-go's Subject: `C, CN, L, O, OU, ST, aggregated, email_address`; an
/// absent attribute is `null` (`CN` is `""` then, as in Go); several values joined with
/// `,`; `email_address` is always `null` (Go never fills it).
fn subject(dn: &DistinguishedName) -> Value {
    let joined = |v: &[String]| {
        if v.is_empty() {
            Value::Null
        } else {
            v.join(",").into()
        }
    };
    let mut m = Map::new();
    m.insert("C".into(), joined(&dn.c));
    m.insert("CN".into(), dn.cn.join(",").into());
    m.insert("L".into(), joined(&dn.l));
    m.insert("O".into(), joined(&dn.o));
    m.insert("OU".into(), joined(&dn.ou));
    m.insert("ST".into(), joined(&dn.st));
    m.insert("aggregated".into(), dn.aggregated().into());
    m.insert("email_address".into(), Value::Null);
    Value::Object(m)
}

/// The extensions object, keys in certstream-server-go's order, present only when set.
fn extensions(e: &Extensions, precert: bool) -> Value {
    let mut m = Map::new();
    let fields = [
        ("authorityInfoAccess", &e.authority_info_access),
        ("authorityKeyIdentifier", &e.authority_key_identifier),
        ("basicConstraints", &e.basic_constraints),
        ("certificatePolicies", &e.certificate_policies),
        ("keyUsage", &e.key_usage),
        ("subjectAltName", &e.subject_alt_name),
        ("subjectKeyIdentifier", &e.subject_key_identifier),
    ];
    for (key, value) in fields {
        if let Some(v) = value {
            m.insert(key.into(), v.clone().into());
        }
    }
    if e.ctl_poison_byte || precert {
        m.insert("ctlPoisonByte".into(), true.into());
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_urls_as_go_normalises_them() {
        assert_eq!(
            source_url("https://ct.googleapis.com/logs/us1/argon2027h1/"),
            "https://ct.googleapis.com/logs/us1/argon2027h1"
        );
        assert_eq!(source_url("ct.example/log//"), "https://ct.example/log");
        assert_eq!(
            source_url("http://127.0.0.1:9/log/"),
            "http://127.0.0.1:9/log"
        );
    }

    #[test]
    fn seen_has_millisecond_precision() {
        assert_eq!(seconds(1791095140.5123456), Value::from(1791095140.512));
        assert_eq!(seconds(f64::NAN), Value::from(0.0));
    }
}

//! The certstream messages `serve` sends (`src/ct/certstream_message.rs`,
//! `src/x509/extensions.rs`): a CT log entry → certstream-server-go's `certificate_update`,
//! field by field and in its field order; the same names, issuer, subject, fingerprint and
//! notBefore as the monitor's record of the entry; real certificates made by the `openssl`
//! CLI cross-checked with `openssl x509 -text`; hostile chains; and the CT readers
//! producing the messages for both protocols against the loopback fake logs.

mod common;

use certstreammonitor::certificate::CtLogLabel;
use certstreammonitor::ct::certstream_message::{certificate_update, dns_entries, lite};
use certstreammonitor::ct::entry::{parse_rfc6962, parse_tile, record_from_entry, LogEntry};
use certstreammonitor::ct::loglist::{CtLog, LogKind, LogState};
use certstreammonitor::ct::reader::{CtBatch, CtLogCursor, LogStats, ReaderSettings, StartAt};
use common::ctlog::{self, Entry, FakeLog};
use common::der::*;
use serde_json::{json, Value};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

const NB: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
const TS_MS: u64 = 1_790_000_000_000; // common::ctlog entries' timestamp

fn label() -> CtLogLabel {
    CtLogLabel {
        description: "Example 'Argon2027h1'".into(),
        url: "https://ct.example.com/logs/argon2027h1/".into(),
    }
}

fn sha256_colon(der: &[u8]) -> String {
    ctlog::colon_hex(&openssl::sha::sha256(der))
}

/// An LE-like leaf with every extension certstream-server-go renders (and two it does not:
/// extendedKeyUsage, the SCT list).
fn full_leaf() -> CertBuilder {
    let aia = sequence(&[
        sequence(&[
            oid("1.3.6.1.5.5.7.48.1"),
            implicit(6, b"http://r11.o.lencr.org"),
        ]),
        sequence(&[
            oid("1.3.6.1.5.5.7.48.2"),
            implicit(6, b"http://r11.i.lencr.org/"),
        ]),
    ]);
    let mut b = CertBuilder::le_like("shop.example-store.fr", &[]);
    b.signature_algorithm = sequence(&[oid("1.2.840.10045.4.3.3")]);
    b.validity(NB, NB + 90 * 86_400 - 1)
        .extension(OID_KEY_USAGE, true, &tlv(BIT_STRING, &[0x07, 0x80]))
        .extension(
            OID_EXT_KEY_USAGE,
            false,
            &sequence(&[oid("1.3.6.1.5.5.7.3.1")]),
        )
        .extension("2.5.29.14", false, &octet_string(&[0x3B, 0x9E, 0x41, 0x0D]))
        .extension(
            "2.5.29.35",
            false,
            &sequence(&[implicit(0, &[0x8F, 0x0C, 0x85])]),
        )
        .extension("1.3.6.1.5.5.7.1.1", false, &aia)
        .extension(
            "2.5.29.32",
            false,
            &sequence(&[
                sequence(&[oid("2.23.140.1.2.1")]),
                sequence(&[
                    oid("1.3.6.1.4.1.44947.1.1.1"),
                    sequence(&[sequence(&[
                        oid("1.3.6.1.5.5.7.2.1"),
                        ia5_string("http://cps.example"),
                    ])]),
                ]),
            ]),
        )
        .san(&[
            GeneralName::dns("shop.example-store.fr"),
            GeneralName::ipv4([192, 0, 2, 1]),
            GeneralName::Email("ops@example-store.fr".into()),
            GeneralName::Uri("https://x.example/".into()),
            GeneralName::dns("WWW.shop.example-store.fr"),
        ])
        .extension(
            OID_CT_SCT_LIST,
            false,
            &octet_string(&[0x04, 0x02, 0x00, 0x00]),
        )
}

// ---------------------------------------------------------------------------------------
// Field by field

#[test]
fn x509_entry_message_field_by_field_in_go_order() {
    let b = full_leaf();
    let der = b.certificate();
    let issuer = ctlog::issuer_der();
    let e = Entry::x509(&b);
    let (leaf_input, extra) = (e.leaf_input(), e.extra_data());
    let entry = parse_rfc6962(&leaf_input, &extra).unwrap();
    let m = certificate_update(&entry, &label(), 384_071_894, 1_791_095_140.512_345).unwrap();
    let fp = ctlog::fingerprint(&der);
    let issuer_fp = ctlog::fingerprint(issuer);
    let want = json!({"data":{
        "cert_index":384071894u64,
        "cert_link":"https://ct.example.com/logs/argon2027h1/ct/v1/get-entries?start=384071894&end=384071894",
        "chain":[{
            "all_domains":["issuer-paypal-login.example"],
            "as_der":base64(issuer),
            "extensions":{"basicConstraints":"CA:TRUE","subjectAltName":"DNS:issuer-paypal-login.example"},
            "fingerprint":issuer_fp,"sha1":issuer_fp,"sha256":sha256_colon(issuer),
            "not_after":NB + 90 * 86_400 - 1,"not_before":NB,
            "serial_number":"00912B084ACF0C18".trim_start_matches("00"),
            "signature_algorithm":"ecdsa, sha256",
            "subject":{"C":"US","CN":"R3","L":null,"O":"Let's Encrypt","OU":null,"ST":null,
                       "aggregated":"/C=US/CN=R3/O=Let's Encrypt","email_address":null},
            "issuer":{"C":"US","CN":"ISRG Root X1","L":null,"O":"Internet Security Research Group","OU":null,"ST":null,
                      "aggregated":"/C=US/CN=ISRG Root X1/O=Internet Security Research Group","email_address":null},
            "is_ca":true}],
        "leaf_cert":{
            "all_domains":["shop.example-store.fr","www.shop.example-store.fr"],
            "as_der":base64(&der),
            "extensions":{
                "authorityInfoAccess":"URI:http://r11.i.lencr.org/, URI:http://r11.o.lencr.org",
                "authorityKeyIdentifier":"keyid:8f:0c:85",
                "basicConstraints":"CA:FALSE",
                "certificatePolicies":"Policy: 2.23.140.1.2.1\nPolicy: 1.3.6.1.4.1.44947.1.1.1\n",
                "keyUsage":"Digital Signature",
                "subjectAltName":"DNS:shop.example-store.fr, DNS:WWW.shop.example-store.fr, email:ops@example-store.fr, IP Address:192.0.2.1",
                "subjectKeyIdentifier":"keyid:3b:9e:41:0d"},
            "fingerprint":fp,"sha1":fp,"sha256":sha256_colon(&der),
            "not_after":NB + 90 * 86_400 - 1,"not_before":NB,
            "serial_number":"05A3C1E77B20F1D86A4C0E93B5D2F6A81C3E",
            "signature_algorithm":"ecdsa, sha384",
            "subject":{"C":null,"CN":"shop.example-store.fr","L":null,"O":null,"OU":null,"ST":null,
                       "aggregated":"/CN=shop.example-store.fr","email_address":null},
            "issuer":{"C":"US","CN":"R11","L":null,"O":"Let's Encrypt","OU":null,"ST":null,
                      "aggregated":"/C=US/CN=R11/O=Let's Encrypt","email_address":null},
            "is_ca":false},
        "seen":1791095140.512,
        "source":{"name":"Example 'Argon2027h1'","url":"https://ct.example.com/logs/argon2027h1",
                  "timestamp":1790000000.0,"type":"rfc6962"},
        "update_type":"X509LogEntry"},
      "message_type":"certificate_update"});
    // Serialized, so the key order (certstream-server-go's) is compared too.
    assert_eq!(
        serde_json::to_string_pretty(&m).unwrap(),
        serde_json::to_string_pretty(&want).unwrap()
    );
    assert_eq!(
        m.pointer("/data/chain/0/serial_number").unwrap(),
        "912B084ACF0C18"
    );
    // Lite and domains-only forms.
    let l = lite(&m);
    assert!(l.pointer("/data/chain").is_none());
    assert!(l.pointer("/data/leaf_cert/as_der").is_none());
    assert_eq!(
        l.pointer("/data/leaf_cert/fingerprint").unwrap(),
        &json!(fp)
    );
    assert_eq!(
        serde_json::to_string(&dns_entries(&m)).unwrap(),
        r#"{"data":["shop.example-store.fr","www.shop.example-store.fr"],"message_type":"dns_entries"}"#
    );
}

#[test]
fn precert_entry_message_from_the_tbs_with_the_precertificate_fingerprint() {
    let b = CertBuilder::le_like(
        "secure-login.example",
        &["secure-login.example", "cdn.example"],
    );
    let e = Entry::precert(&b);
    let (leaf_input, extra) = (e.leaf_input(), e.extra_data());
    let entry = parse_rfc6962(&leaf_input, &extra).unwrap();
    let m = certificate_update(&entry, &label(), 7, 1.0).unwrap();
    let pre = b.precertificate();
    let leaf = &m["data"]["leaf_cert"];
    assert_eq!(m["data"]["update_type"], "PrecertLogEntry");
    assert_eq!(leaf["as_der"], json!(base64(&pre)));
    assert_eq!(leaf["fingerprint"], json!(ctlog::fingerprint(&pre)));
    assert_eq!(leaf["sha256"], json!(sha256_colon(&pre)));
    assert_eq!(leaf["extensions"]["ctlPoisonByte"], json!(true));
    assert_eq!(
        leaf["all_domains"],
        json!(["secure-login.example", "cdn.example"])
    );
    assert_eq!(m["data"]["chain"][0]["subject"]["CN"], "R3");
    // An x509 entry has no ctlPoisonByte key at all (Go: omitempty).
    let e = Entry::x509(&b);
    let (li, ex) = (e.leaf_input(), e.extra_data());
    let m = certificate_update(&parse_rfc6962(&li, &ex).unwrap(), &label(), 7, 1.0).unwrap();
    assert!(m["data"]["leaf_cert"]["extensions"]
        .get("ctlPoisonByte")
        .is_none());
}

/// The keys certstream-python, phishing_catcher and the Python CertStreamMonitor read,
/// typed as they read them, and the same values as the monitor's own record of the entry.
#[test]
fn messages_carry_what_clients_read_and_equal_the_monitor_record() {
    let odd = CertBuilder::new()
        .issuer_rdn(vec![Attr::text(OID_C, "FR"), Attr::text(OID_O, "Org")])
        .issuer_attr(Attr::text(OID_OU, "Unit"))
        .issuer_attr(Attr::text(OID_CN, "Some CA"))
        .subject_attr(Attr::text(OID_ST, "Ile-de-France"))
        .subject_attr(Attr::text(OID_CN, "Login.Example.ORG"))
        .subject_attr(Attr::text(OID_CN, "second cn"))
        .dns_names(&["b.example.org", "https://c.example.org/x"]);
    let cases: Vec<(&str, Vec<u8>, Vec<u8>, bool)> = {
        let mut v = Vec::new();
        for (name, e) in [
            ("x509", Entry::x509(&full_leaf())),
            ("precert", Entry::precert(&full_leaf())),
            ("odd names", Entry::x509(&odd)),
            ("odd precert", Entry::precert(&odd)),
        ] {
            v.push((name, e.leaf_input(), e.extra_data(), false));
            v.push((name, e.tile_leaf(3), Vec::new(), true));
        }
        v
    };
    for (name, leaf, extra, tiled) in &cases {
        let entry: LogEntry<'_> = if *tiled {
            let (mut l, problem) = parse_tile(leaf);
            assert!(problem.is_none(), "{name}");
            l.remove(0)
        } else {
            parse_rfc6962(leaf, extra).unwrap()
        };
        let m = certificate_update(&entry, &label(), 3, 1_791_095_140.5).unwrap();
        let (record, _, _) = record_from_entry(&entry).unwrap();
        let ctx = format!("{name} tiled={tiled}: {m}");
        assert_eq!(m["message_type"], "certificate_update", "{ctx}");
        let d = &m["data"];
        let leaf = &d["leaf_cert"];
        let domains: Vec<&str> = leaf["all_domains"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let want: Vec<&str> = record.all_domains.iter().map(|d| d.as_ref()).collect();
        assert_eq!(domains, want, "{ctx}");
        assert_eq!(
            leaf["subject"]["aggregated"],
            json!(record.subject),
            "{ctx}"
        );
        assert_eq!(leaf["issuer"]["aggregated"], json!(record.issuer), "{ctx}");
        assert_eq!(leaf["fingerprint"], json!(record.fingerprint), "{ctx}");
        assert_eq!(leaf["sha1"], json!(record.fingerprint), "{ctx}");
        assert_eq!(leaf["not_before"], json!(record.not_before), "{ctx}");
        assert!(leaf["not_before"].is_i64(), "{ctx}");
        assert!(leaf["not_after"].is_i64(), "{ctx}");
        assert!(leaf["serial_number"].is_string(), "{ctx}");
        assert!(leaf["is_ca"].is_boolean(), "{ctx}");
        assert!(leaf["extensions"].is_object(), "{ctx}");
        assert_eq!(leaf["sha256"].as_str().unwrap().len(), 95, "{ctx}");
        assert!(d["seen"].is_f64(), "{ctx}");
        assert_eq!(d["cert_index"], 3, "{ctx}");
        assert!(d["source"]["url"].is_string() && d["source"]["name"].is_string());
        let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
        let link = d["cert_link"].as_str().unwrap();
        if *tiled {
            // static-ct-api: no per-entry link, no chain (the tile has only fingerprints).
            assert_eq!(link, "", "{ctx}");
            assert_eq!(d["source"]["type"], "tiled");
            assert_eq!(
                keys,
                [
                    "cert_index",
                    "cert_link",
                    "leaf_cert",
                    "seen",
                    "source",
                    "update_type"
                ]
            );
        } else {
            assert!(link.ends_with("/ct/v1/get-entries?start=3&end=3"), "{ctx}");
            assert_eq!(d["source"]["type"], "rfc6962");
            assert_eq!(
                keys,
                [
                    "cert_index",
                    "cert_link",
                    "chain",
                    "leaf_cert",
                    "seen",
                    "source",
                    "update_type"
                ]
            );
        }
        let want_type = if name.contains("precert") {
            "PrecertLogEntry"
        } else {
            "X509LogEntry"
        };
        assert_eq!(d["update_type"], want_type, "{ctx}");
        let leaf_keys: Vec<&str> = leaf
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            leaf_keys,
            [
                "all_domains",
                "as_der",
                "extensions",
                "fingerprint",
                "sha1",
                "sha256",
                "not_after",
                "not_before",
                "serial_number",
                "signature_algorithm",
                "subject",
                "issuer",
                "is_ca"
            ],
            "{ctx}"
        );
        for who in ["subject", "issuer"] {
            let k: Vec<&str> = leaf[who]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(
                k,
                [
                    "C",
                    "CN",
                    "L",
                    "O",
                    "OU",
                    "ST",
                    "aggregated",
                    "email_address"
                ],
                "{ctx}"
            );
        }
    }
    // The odd names: CNs joined like `aggregated` joins them, ST is the state.
    let e = Entry::x509(&odd);
    let (l, x) = (e.leaf_input(), e.extra_data());
    let m = certificate_update(&parse_rfc6962(&l, &x).unwrap(), &label(), 0, 0.0).unwrap();
    let s = &m["data"]["leaf_cert"]["subject"];
    assert_eq!(s["CN"], "Login.Example.ORG,second cn");
    assert_eq!(s["ST"], "Ile-de-France");
    assert_eq!(
        m["data"]["leaf_cert"]["issuer"]["aggregated"],
        "/C=FR/CN=Some CA/O=Org/OU=Unit"
    );
    assert_eq!(m["data"]["leaf_cert"]["issuer"]["OU"], "Unit");
}

/// A chain that cannot be read, or a precertificate missing from extra_data: the entry
/// still gives its message (no chain; no as_der when the precertificate is missing), with
/// the fingerprint the monitor's record has.
#[test]
fn unreadable_chains_still_give_messages() {
    let b = CertBuilder::le_like("kept.example", &["kept.example"]);
    let x = Entry::x509(&b);
    let p = Entry::precert(&b);
    let tbs = b.tbs();
    let cases: Vec<(&str, Vec<u8>, Vec<u8>, bool)> = vec![
        (
            "x509, garbage extra_data",
            x.leaf_input(),
            b"garbage".to_vec(),
            true,
        ),
        (
            "x509, chain of a non-certificate",
            x.leaf_input(),
            extra_data_x509(&[&[0x02, 0x01, 0x00]]),
            true,
        ),
        (
            "x509, 17 chain certificates",
            x.leaf_input(),
            extra_data_x509(&[ctlog::issuer_der(); 17]),
            true,
        ),
        (
            "x509, empty chain",
            x.leaf_input(),
            extra_data_x509(&[]),
            true,
        ),
        ("precert, no extra_data", p.leaf_input(), Vec::new(), false),
    ];
    for (name, leaf, extra, has_der) in cases {
        let entry = parse_rfc6962(&leaf, &extra).unwrap();
        let m =
            certificate_update(&entry, &label(), 1, 1.0).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (record, _, _) = record_from_entry(&entry).unwrap();
        assert!(m["data"].get("chain").is_none(), "{name}: {m}");
        let leaf_cert = &m["data"]["leaf_cert"];
        assert_eq!(
            leaf_cert["fingerprint"],
            json!(record.fingerprint),
            "{name}"
        );
        assert_eq!(leaf_cert.get("as_der").is_some(), has_der, "{name}");
        assert_eq!(leaf_cert["all_domains"], json!(["kept.example"]), "{name}");
    }
    // Without the precertificate, the fingerprint is the TBS's (as the record's).
    let leaf = p.leaf_input();
    let entry = parse_rfc6962(&leaf, &[]).unwrap();
    let m = certificate_update(&entry, &label(), 1, 1.0).unwrap();
    assert_eq!(
        m["data"]["leaf_cert"]["fingerprint"],
        json!(ctlog::fingerprint(&tbs))
    );
    // A leaf that is no certificate at all is an error, as for the record.
    let junk = Entry::x509_der(vec![0x02, 0x01, 0x05]);
    let (l, x) = (junk.leaf_input(), junk.extra_data());
    let entry = parse_rfc6962(&l, &x).unwrap();
    assert!(certificate_update(&entry, &label(), 1, 1.0).is_err());
    assert!(record_from_entry(&entry).is_err());
}

/// Odd extensions lose their field, never the certificate.
#[test]
fn odd_extensions_lose_their_field_not_the_certificate() {
    let b = CertBuilder::le_like("odd.example", &["odd.example"])
        .extension(OID_KEY_USAGE, true, &tlv(BIT_STRING, &[]))
        .extension("2.5.29.14", false, &integer(5))
        .extension("2.5.29.35", false, &octet_string(&[1]))
        .extension("2.5.29.32", false, &sequence(&[integer(1)]))
        .extension(
            "1.3.6.1.5.5.7.1.1",
            false,
            &sequence(&[sequence(&[integer(1)])]),
        )
        .extension(OID_CT_POISON, true, &null());
    let e = Entry::x509(&b);
    let (l, x) = (e.leaf_input(), e.extra_data());
    let m = certificate_update(&parse_rfc6962(&l, &x).unwrap(), &label(), 1, 1.0).unwrap();
    let ext = &m["data"]["leaf_cert"]["extensions"];
    assert_eq!(
        ext,
        &json!({"basicConstraints":"CA:FALSE","subjectAltName":"DNS:odd.example","ctlPoisonByte":true})
    );
    assert_eq!(
        m["data"]["leaf_cert"]["all_domains"],
        json!(["odd.example"])
    );
    // Unreadable validity: null times (the record has no notBefore either).
    let b = CertBuilder::le_like("t.example", &["t.example"])
        .validity_raw(tlv(UTC_TIME, b"2613010000Z"), tlv(UTC_TIME, b"junk"));
    let e = Entry::x509(&b);
    let (l, x) = (e.leaf_input(), e.extra_data());
    let m = certificate_update(&parse_rfc6962(&l, &x).unwrap(), &label(), 1, 1.0).unwrap();
    assert_eq!(m["data"]["leaf_cert"]["not_before"], Value::Null);
    assert_eq!(m["data"]["leaf_cert"]["not_after"], Value::Null);
}

/// A real certificate: the one in certstream-python's README example message
/// (`tests/data/ct_real/README.md`), whose CaliDog-format values are converted here to
/// certstream-server-go's formats.
#[test]
fn real_lets_encrypt_certificate_as_in_the_certstream_python_readme() {
    let der = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/ct_real/certstream_python_readme_app.theaffairsite.com.der"
    ))
    .unwrap();
    let e = Entry::x509_der(der.clone());
    let (l, x) = (e.leaf_input(), e.extra_data());
    let m = certificate_update(&parse_rfc6962(&l, &x).unwrap(), &label(), 27_910_635, 1.0).unwrap();
    let leaf = &m["data"]["leaf_cert"];
    let want_ext = json!({
        "authorityInfoAccess":"URI:http://cert.int-x3.letsencrypt.org/, URI:http://ocsp.int-x3.letsencrypt.org",
        "authorityKeyIdentifier":"keyid:a8:4a:6a:63:04:7d:dd:ba:e6:d1:39:b7:a6:45:65:ef:f3:a8:ec:a1",
        "basicConstraints":"CA:FALSE",
        "certificatePolicies":"Policy: 2.23.140.1.2.1\nPolicy: 1.3.6.1.4.1.44947.1.1.1\n",
        "keyUsage":"Digital Signature, Key Encipherment",
        "subjectAltName":"DNS:app.theaffairsite.com",
        "subjectKeyIdentifier":"keyid:01:be:17:27:b8:d8:26:ef:e1:5c:7a:f6:14:a7:ea:b5:d0:d8:b5:9b"});
    assert_eq!(
        serde_json::to_string(&leaf["extensions"]).unwrap(),
        serde_json::to_string(&want_ext).unwrap()
    );
    assert_eq!(
        leaf["fingerprint"],
        "95:CA:86:6B:B4:98:59:D2:EC:C7:CA:E8:42:70:80:0B:18:03:C7:75"
    );
    assert_eq!(leaf["not_before"], 1_509_908_649);
    assert_eq!(leaf["not_after"], 1_517_684_649);
    // CaliDog: "33980d1bef9b6a76cfc708e3139f55f33c5"; Go: upper case, even length.
    assert_eq!(
        leaf["serial_number"],
        "033980D1BEF9B6A76CFC708E3139F55F33C5"
    );
    assert_eq!(leaf["signature_algorithm"], "sha256, rsa");
    assert_eq!(leaf["all_domains"], json!(["app.theaffairsite.com"]));
    assert_eq!(leaf["subject"]["aggregated"], "/CN=app.theaffairsite.com");
    assert_eq!(
        leaf["issuer"]["aggregated"],
        "/C=US/CN=Let's Encrypt Authority X3/O=Let's Encrypt"
    );
    assert_eq!(leaf["is_ca"], false);
    assert_eq!(leaf["as_der"], json!(base64(&der)));
}

// ---------------------------------------------------------------------------------------
// Real certificates made by the openssl CLI

fn openssl(args: &[&str], dir: &std::path::Path) -> String {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The line after the one containing `header` in `openssl x509 -text`, trimmed.
fn text_value(text: &str, header: &str) -> Option<String> {
    let mut lines = text.lines();
    lines.find(|l| l.contains(header))?;
    lines.next().map(|l| l.trim().to_string())
}

/// `Nov 26 07:00:00 2026 GMT` → Unix seconds.
fn openssl_date(s: &str) -> i64 {
    let p: Vec<&str> = s.split_whitespace().collect();
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mon = months.iter().position(|m| *m == p[0]).unwrap() as i64 + 1;
    let day: i64 = p[1].parse().unwrap();
    let hms: Vec<i64> = p[2].split(':').map(|x| x.parse().unwrap()).collect();
    let year: i64 = p[3].parse().unwrap();
    let y = if mon <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if mon > 2 { mon - 3 } else { mon + 9 }) + 2) / 5 + day - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    days * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2]
}

#[test]
fn openssl_made_certificates_agree_with_openssl_text() {
    if Command::new("openssl").arg("version").output().is_err() {
        println!("NOTE: openssl CLI not found; skipped");
        return;
    }
    let dir = common::TempDir::new("certstream-openssl");
    std::fs::write(
        dir.join("c.cnf"),
        "[req]\ndistinguished_name=dn\nx509_extensions=ext\nprompt=no\n\
         [dn]\nC=FR\nST=Ile-de-France\nO=Test Org\nOU=Sec\nCN=Leaf.Example.org\n\
         [ext]\nbasicConstraints=critical,CA:FALSE\n\
         keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment,keyAgreement\n\
         extendedKeyUsage=serverAuth,clientAuth\nsubjectKeyIdentifier=hash\n\
         authorityKeyIdentifier=keyid:always\n\
         authorityInfoAccess=OCSP;URI:http://ocsp.example.org,caIssuers;URI:http://ca.example.org/ca.der\n\
         certificatePolicies=2.23.140.1.2.1,1.3.6.1.4.1.44947.1.1.1\n\
         subjectAltName=DNS:leaf.example.org,IP:192.0.2.7,email:ops@example.org,DNS:www.example.org\n\
         [ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n\
         subjectKeyIdentifier=hash\n",
    )
    .unwrap();
    // (key options, digest options, extensions section, Go's algorithm name)
    let kinds: &[(&[&str], &[&str], &str, &str)] = &[
        (
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
            &["-sha384"],
            "ext",
            "ecdsa, sha384",
        ),
        (
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
            &["-sha256"],
            "ca",
            "ecdsa, sha256",
        ),
        (&["-newkey", "rsa:2048"], &["-sha256"], "ext", "sha256, rsa"),
        (&["-newkey", "rsa:2048"], &["-sha512"], "ca", "sha512, rsa"),
        (
            &["-newkey", "rsa:2048"],
            &["-sha384", "-sigopt", "rsa_padding_mode:pss"],
            "ext",
            "sha384, rsa-pss",
        ),
        (&["-newkey", "ed25519"], &[], "ext", "ed25519"),
    ];
    for (i, (key, digest, section, algorithm)) in kinds.iter().enumerate() {
        let (pem, der_name) = (format!("c{i}.pem"), format!("c{i}.der"));
        let mut args = vec!["req", "-x509", "-config", "c.cnf", "-extensions", section];
        args.extend_from_slice(key);
        args.extend_from_slice(digest);
        args.extend(["-nodes", "-days", "30", "-keyout", "k.pem", "-out", &pem]);
        openssl(&args, dir.path());
        openssl(
            &["x509", "-in", &pem, "-outform", "DER", "-out", &der_name],
            dir.path(),
        );
        let der = std::fs::read(dir.join(&der_name)).unwrap();
        let text = openssl(&["x509", "-in", &pem, "-noout", "-text"], dir.path());
        let e = Entry::x509_der(der.clone());
        let (l, x) = (e.leaf_input(), e.extra_data());
        let m = certificate_update(&parse_rfc6962(&l, &x).unwrap(), &label(), 1, 1.0).unwrap();
        let leaf = &m["data"]["leaf_cert"];
        let ext = &leaf["extensions"];
        let ctx = format!("{algorithm} [{section}]: {leaf}\n{text}");
        assert_eq!(leaf["signature_algorithm"], *algorithm, "{ctx}");
        let serial_line = openssl(&["x509", "-in", &pem, "-noout", "-serial"], dir.path());
        let mut serial = serial_line.trim().trim_start_matches("serial=").to_string();
        if serial.len() % 2 == 1 {
            serial.insert(0, '0');
        }
        assert_eq!(leaf["serial_number"], json!(serial), "{ctx}");
        let nb = text_value(&text, "Validity").unwrap();
        let nb = nb.trim_start_matches("Not Before:").trim();
        assert_eq!(leaf["not_before"], json!(openssl_date(nb)), "{ctx}");
        let na = text.lines().find(|l| l.contains("Not After :")).unwrap();
        let na = na.split_once("Not After :").unwrap().1.trim();
        assert_eq!(leaf["not_after"], json!(openssl_date(na)), "{ctx}");
        assert_eq!(leaf["sha256"], json!(sha256_colon(&der)), "{ctx}");
        // Key identifiers: openssl prints upper-case hex, certstream-server-go "keyid:" + lower.
        let ski = text_value(&text, "Subject Key Identifier").unwrap();
        assert_eq!(
            ext["subjectKeyIdentifier"],
            json!(format!("keyid:{}", ski.to_lowercase())),
            "{ctx}"
        );
        let ku = text_value(&text, "X509v3 Key Usage").unwrap();
        let go_ku = ku
            .replace("Non Repudiation", "Content Commitment")
            .replace("Certificate Sign", "Certificate Signing")
            .replace("CRL Sign", "CRL Signing");
        assert_eq!(ext["keyUsage"], json!(go_ku), "{ctx}");
        assert!(ext.get("extendedKeyUsage").is_none(), "{ctx}");
        if *section == "ca" {
            assert_eq!(ext["basicConstraints"], "CA:TRUE", "{ctx}");
            assert_eq!(leaf["is_ca"], true);
            // A CA's CN is not one of its domains.
            assert_eq!(leaf["all_domains"], json!([]), "{ctx}");
            assert!(ext.get("subjectAltName").is_none(), "{ctx}");
            continue;
        }
        assert_eq!(ext["basicConstraints"], "CA:FALSE", "{ctx}");
        let aki = text_value(&text, "Authority Key Identifier").unwrap();
        let aki = aki.trim_start_matches("keyid:").to_lowercase();
        assert_eq!(
            ext["authorityKeyIdentifier"],
            json!(format!("keyid:{aki}")),
            "{ctx}"
        );
        assert_eq!(aki, ski.to_lowercase(), "self-signed");
        assert_eq!(
            ext["authorityInfoAccess"],
            "URI:http://ca.example.org/ca.der, URI:http://ocsp.example.org",
            "{ctx}"
        );
        let policies: String = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("Policy: "))
            .map(|p| format!("Policy: {p}\n"))
            .collect();
        assert_eq!(ext["certificatePolicies"], json!(policies), "{ctx}");
        // openssl: certificate order; Go: DNS names, then emails, then IPs.
        let san = text_value(&text, "Subject Alternative Name").unwrap();
        assert_eq!(
            san,
            "DNS:leaf.example.org, IP Address:192.0.2.7, email:ops@example.org, DNS:www.example.org"
        );
        assert_eq!(
            ext["subjectAltName"],
            "DNS:leaf.example.org, DNS:www.example.org, email:ops@example.org, IP Address:192.0.2.7",
            "{ctx}"
        );
        assert_eq!(
            leaf["all_domains"],
            json!(["leaf.example.org", "www.example.org"]),
            "{ctx}"
        );
        assert_eq!(
            leaf["subject"]["aggregated"],
            "/C=FR/CN=Leaf.Example.org/O=Test Org/OU=Sec/ST=Ile-de-France"
        );
    }
}

// ---------------------------------------------------------------------------------------
// The readers produce the messages

fn ct_log(fake: &FakeLog, kind: LogKind) -> CtLog {
    CtLog {
        operator: "Test".into(),
        description: "Fake log".into(),
        log_id: format!("adhoc:{}", fake.url()),
        kind,
        url: fake.url(),
        submission_url: None,
        state: LogState::Usable,
        final_tree_size: None,
        temporal_interval: None,
        key: None,
    }
}

/// Read the whole log from entry 0 with `messages` on or off; the batches, in order.
fn read_all(fake: &FakeLog, kind: LogKind, messages: bool, size: u64) -> Vec<CtBatch> {
    let settings = ReaderSettings {
        start_at: StartAt::Beginning,
        poll_interval: Duration::from_millis(50),
        batch_size: Some(3),
        certstream_messages: messages,
        backoff_min: Duration::from_millis(10),
        backoff_max: Duration::from_millis(100),
        ..ReaderSettings::default()
    };
    let log = Arc::new(ct_log(fake, kind));
    let (tx, rx) = std::sync::mpsc::sync_channel(16);
    std::thread::spawn(move || {
        let mut cursor = CtLogCursor::new(log, None, None, settings, Arc::new(LogStats::default()));
        // Ends when the receiver is gone (the next hand-over fails).
        cursor.run(&tx);
    });
    let mut out = Vec::new();
    while out.last().is_none_or(|b: &CtBatch| b.next < size) {
        out.push(rx.recv_timeout(common::WAIT).expect("a batch within WAIT"));
    }
    out
}

#[test]
fn readers_produce_messages_for_both_protocols_only_when_asked() {
    let mut entries = Vec::new();
    for i in 0..7 {
        let b = CertBuilder::le_like(&format!("h{i}.example"), &[&format!("h{i}.example")]);
        entries.push(if i % 2 == 0 {
            Entry::x509(&b)
        } else {
            Entry::precert(&b)
        });
    }
    // Entry 4 cannot be read at all: no record, no message.
    entries[4] = Entry::x509_der(vec![0x02, 0x01, 0x05]);
    for (kind, fake) in [
        (LogKind::Rfc6962, FakeLog::rfc6962(entries.clone())),
        (LogKind::Tiled, FakeLog::tiled(entries.clone())),
    ] {
        let batches = read_all(&fake, kind, true, 7);
        let mut indexes = Vec::new();
        for b in &batches {
            assert_eq!(b.messages.len(), b.records.len(), "{kind:?}");
            for (m, r) in b.messages.iter().zip(&b.records) {
                let index = m["data"]["cert_index"].as_u64().unwrap();
                assert!((b.start..b.next).contains(&index), "{kind:?}");
                assert_eq!(r.ct_source.as_ref().unwrap().index, index);
                let leaf = &m["data"]["leaf_cert"];
                assert_eq!(leaf["fingerprint"], json!(r.fingerprint), "{kind:?}");
                assert_eq!(
                    leaf["fingerprint"],
                    json!(entries[index as usize].fingerprint())
                );
                assert_eq!(leaf["all_domains"], json!([format!("h{index}.example")]));
                assert_eq!(m["data"]["source"]["name"], "Fake log");
                assert_eq!(
                    m["data"]["source"]["url"],
                    json!(fake.url().trim_end_matches('/'))
                );
                assert_eq!(
                    m["data"]["source"]["type"],
                    if kind == LogKind::Tiled {
                        "tiled"
                    } else {
                        "rfc6962"
                    }
                );
                assert_eq!(
                    m["data"]["source"]["timestamp"],
                    json!(TS_MS as f64 / 1000.0)
                );
                indexes.push(index);
            }
        }
        assert_eq!(indexes, [0, 1, 2, 3, 5, 6], "{kind:?}: in index order");
        // Off (the default): no message is made.
        let batches = read_all(&fake, kind, false, 7);
        assert_eq!(batches.iter().map(|b| b.records.len()).sum::<usize>(), 6);
        assert!(batches.iter().all(|b| b.messages.is_empty()), "{kind:?}");
    }
}

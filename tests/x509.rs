//! The lenient X.509 reader (`src/x509/certificate.rs`, `src/x509/der.rs`, `src/x509/fingerprint.rs`) on certificates
//! built at test time by `common::der`: table tests of the certstream fields, hostile
//! encodings (every truncation, bad lengths, indefinite and 5-byte lengths, byte flips),
//! a bounded run of the mutation fuzzer (`fuzz/fuzz_x509.rs`), a comparison with the
//! `openssl` CLI, and length checks of the CT framings the writer produces.
// fuzz_x509.rs brings its own copy of common/der.rs (it is also a bench target of its own).
#![allow(clippy::duplicate_mod)]

mod common;

#[path = "../fuzz/fuzz_x509.rs"]
mod fuzz_x509;

use certstreammonitor::x509::certificate::{
    parse_certificate, parse_tbs, DistinguishedName, ParsedCertificate,
};
use certstreammonitor::x509::der;
use certstreammonitor::x509::fingerprint::{colon_hex, sha1};
use common::der::*;
use std::time::Instant;

const NB: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

fn names(p: &ParsedCertificate) -> Vec<&str> {
    p.all_domains.iter().map(String::as_str).collect()
}

fn cert(b: &CertBuilder) -> ParsedCertificate {
    parse_certificate(&b.certificate()).expect("certificate parses")
}

// ---------------------------------------------------------------------------------------
// Table tests

#[test]
fn normal_le_like_certificate() {
    let b = CertBuilder::le_like("example.com", &["example.com", "www.example.com"])
        .validity(NB, NB + 90 * 86_400);
    let p = cert(&b);
    assert_eq!(names(&p), ["example.com", "www.example.com"]);
    assert_eq!(p.subject.cn, ["example.com"]);
    assert_eq!(p.subject.aggregated(), "/CN=example.com");
    assert_eq!(p.issuer.aggregated(), "/C=US/CN=R11/O=Let's Encrypt");
    assert_eq!(p.serial_number, "05A3C1E77B20F1D86A4C0E93B5D2F6A81C3E");
    assert_eq!(p.not_before, Some(NB));
    assert_eq!(p.not_after, Some(NB + 90 * 86_400));
    assert!(!p.is_ca);
    assert!(!p.lossy);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    // The TBS alone gives the same fields.
    assert_eq!(parse_tbs(&b.tbs()).unwrap(), p);
}

#[test]
fn precert_tbs_and_precertificate() {
    let b = CertBuilder::le_like("shop.example", &["shop.example", "www.shop.example"]);
    let tbs = parse_tbs(&b.tbs()).unwrap();
    assert_eq!(names(&tbs), ["shop.example", "www.shop.example"]);
    // The precertificate (poison added) parses to the same fields.
    let pre = parse_certificate(&b.precertificate()).unwrap();
    assert_eq!(pre, tbs);
    // A TBS is not a certificate and a certificate is not a TBS.
    assert!(parse_certificate(&b.tbs()).is_err());
    assert!(parse_tbs(&b.certificate()).is_err());
}

#[test]
fn no_cn() {
    let b = CertBuilder::new()
        .issuer_le("E8")
        .subject_attr(Attr::text(OID_O, "Org"))
        .dns_names(&["a.example", "b.example"]);
    let p = cert(&b);
    assert_eq!(names(&p), ["a.example", "b.example"]);
    assert!(p.subject.cn.is_empty());
    assert_eq!(p.subject.aggregated(), "/CN=/O=Org");
    // Empty subject (30 00).
    let p = cert(&CertBuilder::new().dns_names(&["x.example"]));
    assert_eq!(p.subject, DistinguishedName::default());
    assert_eq!(p.subject.aggregated(), "/CN=");
}

#[test]
fn cn_only() {
    let p = cert(&CertBuilder::new().subject_cn("only-cn.example"));
    assert_eq!(names(&p), ["only-cn.example"]);
    // Go appends a CN even when it is not a hostname.
    let p = cert(&CertBuilder::new().subject_cn("My Server"));
    assert_eq!(names(&p), ["my server"]);
    assert_eq!(p.subject.cn, ["My Server"], "DN values are not cleaned up");
}

#[test]
fn cn_duplicate_of_san() {
    let b = CertBuilder::new()
        .subject_cn("WWW.Example.com")
        .dns_names(&["example.com", "www.example.com"]);
    assert_eq!(names(&cert(&b)), ["example.com", "www.example.com"]);
    let b = CertBuilder::new()
        .subject_cn("other.example")
        .dns_names(&["example.com"]);
    assert_eq!(
        names(&cert(&b)),
        ["example.com", "other.example"],
        "CN comes after the SAN names"
    );
}

#[test]
fn ca_certificate_cn_not_appended() {
    let p = cert(
        &CertBuilder::new()
            .issuer_le("ISRG Root X1")
            .subject_cn("R11")
            .basic_constraints(true),
    );
    assert!(p.is_ca);
    assert!(p.all_domains.is_empty());
    assert_eq!(p.subject.cn, ["R11"]);
    // SAN names of a CA still count.
    let p = cert(
        &CertBuilder::new()
            .subject_cn("ca.example")
            .basic_constraints(true)
            .dns_names(&["san.example"]),
    );
    assert_eq!(names(&p), ["san.example"]);
    // cA FALSE, or no basicConstraints: not a CA.
    for b in [
        CertBuilder::new()
            .subject_cn("leaf.example")
            .basic_constraints(false),
        CertBuilder::new().subject_cn("leaf.example"),
    ] {
        let p = cert(&b);
        assert!(!p.is_ca);
        assert_eq!(names(&p), ["leaf.example"]);
    }
    // Contradictory basicConstraints: read as CA, with a warning.
    let p = cert(
        &CertBuilder::new()
            .subject_cn("x.example")
            .basic_constraints(false)
            .basic_constraints(true),
    );
    assert!(p.is_ca);
    assert!(
        p.warnings.iter().any(|w| w.contains("contradictory")),
        "{:?}",
        p.warnings
    );
}

#[test]
fn multi_valued_rdn() {
    let b = CertBuilder::new()
        .subject_rdn(vec![
            Attr::text(OID_O, "Org"),
            Attr::text(OID_CN, "hidden.example"),
            Attr::text(OID_CN, "second.example"),
        ])
        .subject_attr(Attr::text(OID_C, "FR"))
        .subject_attr(Attr::text(OID_OU, "A"))
        .subject_attr(Attr::text(OID_OU, "B"));
    let p = cert(&b);
    assert_eq!(p.subject.cn, ["hidden.example", "second.example"]);
    assert_eq!(names(&p), ["hidden.example", "second.example"]);
    assert_eq!(
        p.subject.aggregated(),
        "/C=FR/CN=hidden.example,second.example/O=Org/OU=A,B"
    );
}

#[test]
fn dn_string_types() {
    let b = CertBuilder::new()
        .issuer_attr(Attr::new(OID_CN, bmp_string("Ünïcode CA 😀")))
        .issuer_attr(Attr::new(OID_O, utf8_string("Société Générale")))
        .issuer_attr(Attr::new(OID_L, teletex_string(b"K\xF6ln")))
        .issuer_attr(Attr::new(OID_ST, printable_string("Bavaria")))
        .issuer_attr(Attr::new(OID_OU, universal_string("Ünit")))
        .issuer_attr(Attr::new(OID_C, ia5_string("DE")))
        .issuer_attr(Attr::new(OID_EMAIL, ia5_string("ca@example.de")))
        .issuer_attr(Attr::new(OID_STREET, utf8_string("Street 1")))
        .subject_attr(Attr::new(
            OID_CN,
            string(VISIBLE_STRING, b"visible.example"),
        ));
    let p = cert(&b);
    assert_eq!(p.issuer.cn, ["Ünïcode CA 😀"]);
    assert_eq!(p.issuer.o, ["Société Générale"]);
    assert_eq!(p.issuer.l, ["Köln"]);
    assert_eq!(
        p.issuer.st,
        ["Bavaria"],
        "ST is stateOrProvinceName, not streetAddress"
    );
    assert_eq!(p.issuer.ou, ["Ünit"]);
    assert_eq!(p.issuer.c, ["DE"]);
    assert_eq!(p.issuer.email, ["ca@example.de"]);
    assert_eq!(
        p.issuer.aggregated(),
        "/C=DE/CN=Ünïcode CA 😀/L=Köln/O=Société Générale/OU=Ünit/ST=Bavaria"
    );
    assert_eq!(names(&p), ["visible.example"]);
    assert!(!p.lossy);
}

#[test]
fn dn_invalid_encodings_are_lossy_and_kept() {
    let b = CertBuilder::new()
        .subject_attr(Attr::new(OID_CN, string(UTF8_STRING, b"bad\xFF.example")))
        .subject_attr(Attr::new(OID_O, string(BMP_STRING, &[0x00, 0x41, 0xDC])));
    let p = cert(&b);
    assert!(p.lossy);
    assert_eq!(p.subject.cn, ["bad\u{FFFD}.example"]);
    assert_eq!(p.subject.o, ["A\u{FFFD}"]);
    assert_eq!(names(&p), ["bad\u{FFFD}.example"]);
    // A value that is not a string at all: RFC 4514 hex, with a warning, not lossy.
    let p = cert(&CertBuilder::new().subject_attr(Attr::new(OID_O, integer(258))));
    assert_eq!(p.subject.o, ["#02020102"]);
    assert!(!p.lossy);
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
}

#[test]
fn non_utf8_dns_name_is_lossy() {
    let b = CertBuilder::new()
        .san(&[
            GeneralName::Dns(b"caf\xE9.example".to_vec()),
            GeneralName::dns("ok.example"),
        ])
        .subject_cn("ok.example");
    let p = cert(&b);
    assert!(p.lossy);
    assert_eq!(names(&p), ["caf\u{FFFD}.example", "ok.example"]);
    // Valid UTF-8 (not IA5, but seen) is kept exactly, not lossy.
    let p = cert(&CertBuilder::new().san(&[GeneralName::dns("bücher.example")]));
    assert!(!p.lossy);
    assert_eq!(names(&p), ["bücher.example"]);
}

#[test]
fn ip_only_sans_give_no_names() {
    let b = CertBuilder::new().san(&[
        GeneralName::ipv4([192, 0, 2, 1]),
        GeneralName::Ip(vec![
            0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        ]),
    ]);
    let p = cert(&b);
    assert!(p.all_domains.is_empty());
    assert!(p.warnings.is_empty());
    // Other GeneralName kinds are skipped too.
    let b = CertBuilder::new().san(&[
        GeneralName::Email("a@b.example".into()),
        GeneralName::Uri("https://u.example/".into()),
    ]);
    assert!(cert(&b).all_domains.is_empty());
}

#[test]
fn several_san_extensions() {
    let b = CertBuilder::new()
        .subject_cn("cn.example")
        .dns_names(&["a.example", "b.example"])
        .basic_constraints(false)
        .dns_names(&["c.example", "a.example"])
        .san(&[
            GeneralName::ipv4([10, 0, 0, 1]),
            GeneralName::dns("d.example"),
        ]);
    assert_eq!(
        names(&cert(&b)),
        [
            "a.example",
            "b.example",
            "c.example",
            "d.example",
            "cn.example"
        ]
    );
}

#[test]
fn ten_thousand_sans() {
    let list: Vec<String> = (0..10_000)
        .map(|i| format!("host-{i}.big.example"))
        .collect();
    let refs: Vec<&str> = list.iter().map(String::as_str).collect();
    let b = CertBuilder::new()
        .subject_cn("host-5.big.example")
        .dns_names(&refs)
        .dns_names(&refs[..100]);
    let der = b.certificate();
    assert!(der.len() > 200_000);
    let t = Instant::now();
    let p = parse_certificate(&der).unwrap();
    let took = t.elapsed();
    assert_eq!(p.all_domains, list);
    // Generous bound even for a debug build; quadratic dedup would take seconds.
    assert!(took.as_millis() < 2_000, "10 000 SANs took {took:?}");
    println!("10 000 SANs parsed in {took:?} (debug build)");
}

#[test]
fn times() {
    // GeneralizedTime from 2050 on.
    let p = cert(&CertBuilder::new().validity(NB, 2_524_608_000 + 86_400));
    assert_eq!((p.not_before, p.not_after), (Some(NB), Some(2_524_694_400)));
    let p = cert(&CertBuilder::new().validity_raw(
        tlv(GENERALIZED_TIME, b"20260101000000Z"),
        tlv(GENERALIZED_TIME, b"99991231235959Z"),
    ));
    assert_eq!(
        (p.not_before, p.not_after),
        (Some(NB), Some(253_402_300_799))
    );
    // UTCTime without seconds, with an offset, without Z.
    let p = cert(&CertBuilder::new().validity_raw(
        tlv(UTC_TIME, b"2601010000Z"),
        tlv(UTC_TIME, b"2601010100+0100"),
    ));
    assert_eq!((p.not_before, p.not_after), (Some(NB), Some(NB)));
    let p = cert(&CertBuilder::new().validity_raw(
        tlv(UTC_TIME, b"260101000000"),
        tlv(GENERALIZED_TIME, b"20260101000000.123Z"),
    ));
    assert_eq!((p.not_before, p.not_after), (Some(NB), Some(NB)));
    // Garbage times: None with warnings, the rest still parsed.
    let p = cert(
        &CertBuilder::new()
            .subject_cn("t.example")
            .validity_raw(tlv(UTC_TIME, b"26130100000Z"), integer(5)),
    );
    assert_eq!((p.not_before, p.not_after), (None, None));
    assert_eq!(names(&p), ["t.example"]);
    assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
    // An empty validity SEQUENCE.
    let mut b = CertBuilder::new().subject_cn("t.example");
    b.not_before.clear();
    b.not_after.clear();
    let p = cert(&b);
    assert_eq!((p.not_before, p.not_after), (None, None));
}

#[test]
fn serials() {
    let serial = |content: &[u8]| cert(&CertBuilder::new().serial(content)).serial_number;
    assert_eq!(serial(&[0x00, 0x8F, 0x3A]), "8F3A");
    assert_eq!(serial(&[0x03, 0x39, 0x80, 0xD1]), "033980D1");
    assert_eq!(
        serial(&[0x00, 0x00, 0x05]),
        "05",
        "non-minimal leading zeros stripped"
    );
    assert_eq!(serial(&[0x00]), "00");
    assert_eq!(serial(&[]), "00");
    // Negative serials (invalid, seen in the wild): the two's-complement bytes as they are.
    assert_eq!(serial(&[0xFF, 0x7F]), "FF7F");
    assert_eq!(serial(&[0x80]), "80");
    assert_eq!(serial(&[0x1A; 20]), "1A".repeat(20));
    assert_eq!(
        serial(&[0x1A; 40]),
        "1A".repeat(40),
        "over-long serials are read, not rejected"
    );
}

#[test]
fn aggregated_format() {
    let dn = |c: &[&str], cn: &[&str], o: &[&str]| DistinguishedName {
        c: c.iter().map(|s| s.to_string()).collect(),
        cn: cn.iter().map(|s| s.to_string()).collect(),
        o: o.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    assert_eq!(
        dn(&["US"], &["R11"], &["Let's Encrypt"]).aggregated(),
        "/C=US/CN=R11/O=Let's Encrypt"
    );
    assert_eq!(dn(&["US"], &[], &["Org"]).aggregated(), "/C=US/CN=/O=Org");
    assert_eq!(dn(&[], &[], &[]).aggregated(), "/CN=");
    assert_eq!(
        dn(&["US", "CA"], &["a", "b"], &[]).aggregated(),
        "/C=US,CA/CN=a,b"
    );
    // From a certificate: attribute order in the DN does not matter.
    let b = CertBuilder::new()
        .issuer_attr(Attr::text(OID_ST, "Texas"))
        .issuer_attr(Attr::text(OID_O, "Org"))
        .issuer_attr(Attr::text(OID_L, "Houston"))
        .issuer_attr(Attr::text(OID_C, "US"))
        .issuer_attr(Attr::text(OID_OU, "IT"));
    assert_eq!(
        cert(&b).issuer.aggregated(),
        "/C=US/CN=/L=Houston/O=Org/OU=IT/ST=Texas"
    );
}

#[test]
fn name_cleanup() {
    let b = CertBuilder::new()
        .subject_cn(" Login.Bank.Example. ")
        .dns_names(&[
            "WWW.Example.COM.",
            "https://Pay.Example/login",
            "evil.example\0.bank.example",
            "*.Wild.Example",
            "  ",
            ".",
        ]);
    assert_eq!(
        names(&cert(&b)),
        [
            "www.example.com",
            "pay.example/login",
            "pay.example",
            "evil.example\0.bank.example",
            "evil.example",
            "*.wild.example",
            "login.bank.example"
        ]
    );
}

#[test]
fn version_1_and_unique_ids() {
    let p = cert(&CertBuilder::new().version(None).subject_cn("v1.example"));
    assert_eq!(names(&p), ["v1.example"]);
    let mut b = CertBuilder::new()
        .subject_cn("uid.example")
        .dns_names(&["uid.example", "x.example"]);
    // issuerUniqueID [1] and subjectUniqueID [2] sit between the SPKI and the extensions.
    b.spki.extend(implicit(1, &[0x00, 0xAB]));
    b.spki.extend(implicit(2, &[0x00, 0xCD]));
    let p = cert(&b);
    assert_eq!(names(&p), ["uid.example", "x.example"]);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

// ---------------------------------------------------------------------------------------
// Broken extensions and fields: skipped with a warning, the rest kept

#[test]
fn broken_extensions_are_skipped() {
    let b = CertBuilder::new()
        .subject_cn("cn.example")
        .dns_names(&["before.example"])
        .extension_raw(sequence(&[integer(1)])) // no OID
        .extension_raw(sequence(&[oid(OID_SAN), integer(1)])) // value not an OCTET STRING
        .extension_raw(sequence(&[
            oid(OID_SAN),
            tlv(BOOLEAN, &[]),
            octet_string(&[]),
        ])) // junk
        .extension_raw(sequence(&[oid(OID_SAN), octet_string(&[0x31, 0x00])])) // not a SEQUENCE
        .extension_raw(sequence(&[
            oid(OID_SAN),
            octet_string(&[0x30, 0x08, 0x82, 0x03, b'a', b'.', b'b', 0x82, 0x09, b'x']),
        ])) // truncated
        .extension_raw(sequence(&[
            oid(OID_BASIC_CONSTRAINTS),
            octet_string(&[0x30, 0x03, 0x01, 0x05, 0xFF]),
        ])) // bad BOOLEAN
        .extension_raw(printable_string("not an extension"))
        .dns_names(&["after.example"]);
    let p = cert(&b);
    assert_eq!(
        names(&p),
        ["before.example", "a.b", "after.example", "cn.example"]
    );
    assert!(!p.is_ca);
    assert!(
        p.warnings.iter().any(|w| w == "SAN extension truncated"),
        "{:?}",
        p.warnings
    );
    assert_eq!(p.warnings.len(), 7, "{:?}", p.warnings);
}

#[test]
fn san_trailing_zero_tolerated() {
    let mut value = sequence(&[implicit(2, b"z.example")]);
    value.push(0);
    let p = cert(&CertBuilder::new().extension(OID_SAN, false, &value));
    assert_eq!(names(&p), ["z.example"]);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    value.push(0);
    let p = cert(&CertBuilder::new().extension(OID_SAN, false, &value));
    assert_eq!(names(&p), ["z.example"]);
    assert_eq!(p.warnings.len(), 1);
}

#[test]
fn trailing_data_and_odd_fields_warn() {
    let mut der = CertBuilder::new().subject_cn("t.example").certificate();
    der.extend([0, 0, 0]);
    let p = parse_certificate(&der).unwrap();
    assert_eq!(names(&p), ["t.example"]);
    assert_eq!(p.warnings.len(), 1);
    let mut b = CertBuilder::new().subject_cn("t.example");
    b.tbs_trailer = printable_string("junk");
    let p = cert(&b);
    assert_eq!(names(&p), ["t.example"]);
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
}

#[test]
fn hostile_warnings_are_capped() {
    let mut b = CertBuilder::new().subject_cn("w.example");
    for _ in 0..1000 {
        b = b.extension_raw(sequence(&[integer(1)]));
    }
    let p = cert(&b);
    assert_eq!(names(&p), ["w.example"]);
    assert_eq!(
        p.warnings.len(),
        certstreammonitor::x509::certificate::MAX_WARNINGS + 1
    );
    assert!(p.warnings.last().unwrap().contains("more warnings"));
}

#[test]
fn structural_errors_before_subject() {
    let v3 = || explicit(0, &integer(2));
    let alg = || sequence(&[oid(OID_ECDSA_SHA256)]);
    let validity = || sequence(&[utc_time(NB), utc_time(NB + 1)]);
    let subject = || name(&[vec![Attr::text(OID_CN, "s.example")]]);
    let cases: Vec<(&str, Vec<Vec<u8>>)> = vec![
        (
            "serialNumber",
            vec![v3(), alg(), alg(), name(&[]), validity(), subject()],
        ),
        (
            "signature algorithm",
            vec![
                v3(),
                integer(1),
                integer(1),
                name(&[]),
                validity(),
                subject(),
            ],
        ),
        (
            "issuer",
            vec![v3(), integer(1), alg(), set(&[]), validity(), subject()],
        ),
        (
            "validity",
            vec![v3(), integer(1), alg(), name(&[]), utc_time(NB), subject()],
        ),
        (
            "subject",
            vec![v3(), integer(1), alg(), name(&[]), validity()],
        ),
        (
            "subject",
            vec![
                v3(),
                integer(1),
                alg(),
                name(&[]),
                validity(),
                printable_string("s.example"),
            ],
        ),
        ("version", vec![vec![0xA0, 0x05, 0x02, 0x01, 0x02]]),
    ];
    for (what, parts) in cases {
        let e = parse_tbs(&sequence(&parts)).unwrap_err();
        assert!(e.message.starts_with(what), "{what}: {e}");
    }
    // The control: the same fields in order parse.
    let p = parse_tbs(&sequence(&[
        v3(),
        integer(1),
        alg(),
        name(&[]),
        validity(),
        subject(),
    ]))
    .unwrap();
    assert_eq!(names(&p), ["s.example"]);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    // Not a SEQUENCE at all.
    let e = parse_tbs(&set(&[integer(1)])).unwrap_err();
    assert!(e.to_string().contains("not a SEQUENCE"), "{e}");
    let e = parse_certificate(&sequence(&[set(&[])])).unwrap_err();
    assert!(e.to_string().contains("not a SEQUENCE"), "{e}");
}

// ---------------------------------------------------------------------------------------
// Hostile inputs: nothing may panic

fn hostile_seeds() -> Vec<(String, Vec<u8>)> {
    let le = CertBuilder::le_like(
        "example.com",
        &["example.com", "www.example.com", "mail.example.com"],
    );
    let odd = CertBuilder::new()
        .serial(&[0x00, 0x80])
        .subject_rdn(vec![
            Attr::new(OID_CN, bmp_string("bmp.example")),
            Attr::new(OID_O, teletex_string(b"\xE9")),
        ])
        .validity(NB, 2_600_000_000)
        .san(&[
            GeneralName::Dns(b"x\xFF.example".to_vec()),
            GeneralName::ipv4([1, 2, 3, 4]),
        ])
        .basic_constraints(true);
    vec![
        ("le certificate".into(), le.certificate()),
        ("le tbs".into(), le.tbs()),
        ("precertificate".into(), le.precertificate()),
        ("odd certificate".into(), odd.certificate()),
    ]
}

#[test]
fn hostile_every_truncation_prefix() {
    for (what, der) in hostile_seeds() {
        let full = parse_certificate(&der)
            .or_else(|_| parse_tbs(&der))
            .unwrap();
        let mut ok = 0;
        for cut in 0..der.len() {
            let prefix = &der[..cut];
            let c = parse_certificate(prefix);
            let t = parse_tbs(prefix);
            for p in [c, t].into_iter().flatten() {
                ok += 1;
                // A cut certificate never invents names: it yields a subset of the full ones
                // (minus a CN that comes before the SANs would be cut).
                for n in &p.all_domains {
                    assert!(
                        full.all_domains.contains(n)
                            || full.subject.cn.iter().any(|c| c.eq_ignore_ascii_case(n)),
                        "{what} cut at {cut}: {n}"
                    );
                }
                if cut < der.len() {
                    assert!(
                        !p.warnings.is_empty(),
                        "{what} cut at {cut}: truncation not reported"
                    );
                }
            }
        }
        assert!(ok > 0, "{what}: some prefixes past the subject parse");
    }
}

#[test]
fn hostile_truncated_san_keeps_earlier_names() {
    let b = CertBuilder::le_like("example.com", &["a.example", "b.example", "c.example"]);
    let der = b.certificate();
    // Cut just after "b.example" (inside the SAN, before c.example).
    let pos = der.windows(9).position(|w| w == b"b.example").unwrap() + 9;
    let p = parse_certificate(&der[..pos]).unwrap();
    assert_eq!(names(&p), ["a.example", "b.example", "example.com"]);
    assert!(
        p.warnings.iter().any(|w| w == "SAN extension truncated"),
        "{:?}",
        p.warnings
    );
}

/// Every TLV header offset of `der` (recursing into DER-holding OCTET/BIT STRINGs).
fn headers(der: &[u8]) -> Vec<usize> {
    fuzz_x509::header_offsets(der)
}

type Edit = Box<dyn Fn(&mut Vec<u8>)>;

#[test]
fn hostile_length_edits() {
    let mut runs = 0;
    for (what, der) in hostile_seeds() {
        let hs = headers(&der);
        assert!(hs.len() > 30, "{what}: {} headers", hs.len());
        for &h in &hs {
            let l = h + 1;
            let edits: Vec<Edit> = vec![
                Box::new(move |d| d[l] = d[l].wrapping_add(1)),
                Box::new(move |d| d[l] = d[l].wrapping_sub(1)),
                Box::new(move |d| d[l] = d[l].wrapping_add(0x40)),
                Box::new(move |d| d[l] = 0x80), // indefinite
                Box::new(move |d| d.splice(l..l + 1, [0x80]).for_each(drop)), // same, via splice
                Box::new(move |d| d.splice(l..l, [0x85, 0, 0, 0, 0]).for_each(drop)), // 5-byte length
                Box::new(move |d| {
                    d.splice(l..l + 1, [0x84, 0xFF, 0xFF, 0xFF, 0xFF])
                        .for_each(drop)
                }),
                Box::new(move |d| d.splice(l..l + 1, [0x83, 0x00, 0x00]).for_each(drop)), // cut length octets
                Box::new(move |d| d[h] |= 0x1F), // multi-byte tag
                Box::new(move |d| {
                    let n = (d[l] & 0x7F) as usize;
                    if d[l] & 0x80 != 0 && n > 0 {
                        d[l + n] = d[l + n].wrapping_add(1);
                    }
                }),
                Box::new(move |d| {
                    let n = (d[l] & 0x7F) as usize;
                    if d[l] & 0x80 != 0 && n > 0 {
                        d[l + n] = d[l + n].wrapping_sub(1);
                    }
                }),
            ];
            for edit in &edits {
                let mut d = der.clone();
                edit(&mut d);
                fuzz_x509::check(&d);
                runs += 1;
            }
        }
    }
    println!("{runs} length edits");
}

#[test]
fn hostile_byte_flips_and_all_values() {
    let mut rng = fuzz_x509::Rng::new(42);
    let mut runs = 0;
    for (_, der) in hostile_seeds() {
        // Every byte position set to a handful of values.
        for i in 0..der.len() {
            for v in [0x00, 0x80, 0xFF, der[i] ^ 0x01, der[i] ^ 0x20] {
                let mut d = der.clone();
                d[i] = v;
                fuzz_x509::check(&d);
                runs += 1;
            }
        }
        // Random multi-byte flips.
        for _ in 0..2_000 {
            let mut d = der.clone();
            for _ in 0..1 + rng.below(8) {
                let i = rng.below(d.len());
                d[i] ^= 1 << rng.below(8);
            }
            fuzz_x509::check(&d);
            runs += 1;
        }
    }
    println!("{runs} byte edits");
}

#[test]
fn hostile_junk_and_nesting() {
    // Deep nesting, huge declared lengths, empty and tiny inputs.
    let mut deep = vec![0x05, 0x00];
    for _ in 0..10_000 {
        deep = tlv(SEQUENCE, &deep);
    }
    fuzz_x509::check(&deep);
    for junk in [
        &[][..],
        &[0x30],
        &[0x30, 0x80],
        &[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF],
        &[0x30, 0x85, 1, 0, 0, 0, 0],
        &[0xFF; 64],
        &[0x00; 64],
    ] {
        fuzz_x509::check(junk);
        assert!(parse_certificate(junk).is_err());
        assert!(parse_tbs(junk).is_err());
    }
}

#[test]
fn fuzz_bounded() {
    let iterations = std::env::var("FUZZ_X509_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let s = fuzz_x509::run(iterations, 7);
    assert_eq!(s.executions, iterations);
    assert!(
        s.certificates_ok > 0 && s.tbs_ok > 0,
        "mutants still parse sometimes: {s:?}"
    );
    println!(
        "fuzz_bounded: {} executions in {:?}, certificates ok {}, tbs ok {}, slowest {:?}",
        s.executions, s.elapsed, s.certificates_ok, s.tbs_ok, s.slowest
    );
}

// ---------------------------------------------------------------------------------------
// SHA-1 fingerprints and the openssl CLI

#[test]
fn fingerprint_format() {
    let der = CertBuilder::le_like("fp.example", &["fp.example"]).certificate();
    let fp = colon_hex(&sha1(&der));
    assert_eq!(fp.len(), 59);
    assert!(fp
        .chars()
        .all(|c| c == ':' || c.is_ascii_digit() || ('A'..='F').contains(&c)));
}

#[test]
fn openssl_cli_agrees() {
    use std::process::Command;
    if Command::new("openssl")
        .arg("version")
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true)
    {
        println!("NOTE: openssl CLI not found; openssl_cli_agrees skipped");
        return;
    }
    let dir = common::TempDir::new("x509-openssl");
    let key = dir.path().join("key.pem");
    let pem = dir.path().join("cert.pem");
    let der_path = dir.path().join("cert.der");
    let out = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30"])
        .args(["-subj", "/C=FR/ST=Ile-de-France/L=Paris/O=Assurance Test/OU=Sec/CN=Main.Example.org"])
        .args(["-addext", "subjectAltName=DNS:main.example.org,DNS:www.example.org,IP:192.0.2.7,DNS:*.api.example.org"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&pem)
        .output()
        .expect("run openssl req");
    assert!(
        out.status.success(),
        "openssl req: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new("openssl")
        .args(["x509", "-outform", "DER", "-in"])
        .arg(&pem)
        .arg("-out")
        .arg(&der_path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let der = std::fs::read(&der_path).unwrap();
    let info = Command::new("openssl")
        .args([
            "x509",
            "-noout",
            "-serial",
            "-fingerprint",
            "-sha1",
            "-startdate",
            "-enddate",
            "-in",
        ])
        .arg(&pem)
        .output()
        .unwrap();
    assert!(info.status.success());
    let info = String::from_utf8(info.stdout).unwrap();
    let field = |key: &str| {
        let key = key.to_ascii_lowercase();
        let line = info
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with(&key))
            .unwrap_or_else(|| panic!("no {key} in {info}"));
        line[key.len()..].trim().to_string()
    };
    let p = parse_certificate(&der).unwrap();
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    assert_eq!(
        names(&p),
        ["main.example.org", "www.example.org", "*.api.example.org"]
    );
    assert_eq!(p.subject.cn, ["Main.Example.org"]);
    assert_eq!(
        p.subject.aggregated(),
        "/C=FR/CN=Main.Example.org/L=Paris/O=Assurance Test/OU=Sec/ST=Ile-de-France"
    );
    assert_eq!(p.issuer, p.subject, "self-signed");
    // openssl prints the serial as uppercase hex of the positive value, Go-style padded.
    let mut serial = field("serial=");
    if serial.len() % 2 == 1 {
        serial.insert(0, '0');
    }
    assert_eq!(p.serial_number, serial);
    assert_eq!(colon_hex(&sha1(&der)), field("SHA1 Fingerprint="));
    // notBefore=Nov 26 07:00:00 2026 GMT
    assert_eq!(p.not_before, Some(openssl_date(&field("notBefore="))));
    assert_eq!(p.not_after, Some(openssl_date(&field("notAfter="))));
    assert_eq!(p.not_after.unwrap() - p.not_before.unwrap(), 30 * 86_400);
    // And parse_tbs on the TBS element gives the same.
    let mut rest = &der[..];
    let outer = der::read_tlv(&mut rest).unwrap();
    let tbs = outer.children().next().unwrap().unwrap();
    assert_eq!(parse_tbs(tbs.raw).unwrap(), p);
}

/// `Nov 26 07:00:00 2026 GMT` (also `Nov  6 …`) → Unix seconds.
fn openssl_date(s: &str) -> i64 {
    let parts: Vec<&str> = s.split_whitespace().collect();
    assert_eq!(parts.len(), 5, "{s}");
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mon = months.iter().position(|m| *m == parts[0]).unwrap() as i64 + 1;
    let day: i64 = parts[1].parse().unwrap();
    let hms: Vec<i64> = parts[2].split(':').map(|x| x.parse().unwrap()).collect();
    let year: i64 = parts[3].parse().unwrap();
    // Days from civil (H. Hinnant), independent of the parser's copy.
    let y = if mon <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if mon > 2 { mon - 3 } else { mon + 9 }) + 2) / 5 + day - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let t = days * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2];
    assert_eq!(
        civil(t),
        (
            year,
            mon as u32,
            day as u32,
            hms[0] as u32,
            hms[1] as u32,
            hms[2] as u32
        )
    );
    t
}

// ---------------------------------------------------------------------------------------
// The writer itself (the CT-log tests build on it)

#[test]
fn writer_lengths_and_primitives() {
    assert_eq!(encode_len(0), [0x00]);
    assert_eq!(encode_len(127), [0x7F]);
    assert_eq!(encode_len(128), [0x81, 0x80]);
    assert_eq!(encode_len(255), [0x81, 0xFF]);
    assert_eq!(encode_len(256), [0x82, 0x01, 0x00]);
    assert_eq!(encode_len(70_000), [0x83, 0x01, 0x11, 0x70]);
    assert_eq!(oid(OID_CN), [0x06, 0x03, 0x55, 0x04, 0x03]);
    assert_eq!(
        oid_content(OID_EMAIL),
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01]
    );
    assert_eq!(
        oid_content(OID_CT_POISON),
        [0x2B, 0x06, 0x01, 0x04, 0x01, 0xD6, 0x79, 0x02, 0x04, 0x03]
    );
    assert_eq!(integer(0), [0x02, 0x01, 0x00]);
    assert_eq!(integer(127), [0x02, 0x01, 0x7F]);
    assert_eq!(integer(128), [0x02, 0x02, 0x00, 0x80]);
    assert_eq!(integer(-1), [0x02, 0x01, 0xFF]);
    assert_eq!(integer(-129), [0x02, 0x02, 0xFF, 0x7F]);
    assert_eq!(utc_time(1_509_908_649), tlv(UTC_TIME, b"171105190409Z"));
    assert_eq!(
        generalized_time(2_524_608_000),
        tlv(GENERALIZED_TIME, b"20500101000000Z")
    );
    assert_eq!(time(2_524_608_000)[0], GENERALIZED_TIME);
    assert_eq!(time(2_524_607_999)[0], UTC_TIME);
    assert_eq!(bmp_string("Aé"), [0x1E, 0x04, 0x00, 0x41, 0x00, 0xE9]);
    assert_eq!(
        poison_extension(),
        [
            0x30, 0x13, 0x06, 0x0A, 0x2B, 0x06, 0x01, 0x04, 0x01, 0xD6, 0x79, 0x02, 0x04, 0x03,
            0x01, 0x01, 0xFF, 0x04, 0x02, 0x05, 0x00
        ]
    );
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    // Every element the builder makes reads back as one whole DER element.
    let b = CertBuilder::le_like("w.example", &["w.example"]);
    for der in [b.certificate(), b.tbs(), b.precertificate()] {
        let mut rest = &der[..];
        let t = der::read_tlv(&mut rest).unwrap();
        assert!(rest.is_empty());
        assert_eq!(t.tag, SEQUENCE);
    }
    assert_eq!(
        b.precertificate().len(),
        b.certificate().len() + poison_extension().len()
    );
}

#[test]
fn writer_ct_framings() {
    let b = CertBuilder::le_like("ct.example", &["ct.example"]);
    let cert = b.certificate();
    let tbs = b.tbs();
    let pre = b.precertificate();
    let issuer = CertBuilder::new()
        .subject_cn("R11")
        .basic_constraints(true)
        .certificate();
    let root = CertBuilder::new()
        .subject_cn("Root")
        .basic_constraints(true)
        .certificate();
    let ts: u64 = 1_790_000_000_123;
    let ikh = [0x11u8; 32];

    // RFC 6962 MerkleTreeLeaf, x509: 2 + 8 + 2 + 3 + L + 2.
    let leaf = merkle_tree_leaf_x509(ts, &cert);
    assert_eq!(leaf.len(), 17 + cert.len());
    assert_eq!(&leaf[..2], [0, 0]);
    assert_eq!(&leaf[2..10], ts.to_be_bytes());
    assert_eq!(&leaf[10..12], [0, 0]);
    assert_eq!(
        u32::from_be_bytes([0, leaf[12], leaf[13], leaf[14]]) as usize,
        cert.len()
    );
    assert_eq!(&leaf[15..15 + cert.len()], &cert[..]);
    assert_eq!(&leaf[15 + cert.len()..], [0, 0]);

    // Precert: 2 + 8 + 2 + 32 + 3 + L + 2.
    let leaf = merkle_tree_leaf_precert(ts, &ikh, &tbs);
    assert_eq!(leaf.len(), 49 + tbs.len());
    assert_eq!(&leaf[10..12], [0, 1]);
    assert_eq!(&leaf[12..44], ikh);
    assert_eq!(
        u32::from_be_bytes([0, leaf[44], leaf[45], leaf[46]]) as usize,
        tbs.len()
    );
    assert_eq!(&leaf[47..47 + tbs.len()], &tbs[..]);
    assert_eq!(
        parse_tbs(&leaf[47..47 + tbs.len()]).unwrap(),
        parse_certificate(&cert).unwrap()
    );

    // extra_data.
    let extra = extra_data_x509(&[&issuer, &root]);
    assert_eq!(extra.len(), 3 + 3 + issuer.len() + 3 + root.len());
    assert_eq!(
        u32::from_be_bytes([0, extra[0], extra[1], extra[2]]) as usize,
        extra.len() - 3
    );
    assert_eq!(extra_data_x509(&[]), [0, 0, 0]);
    let extra = extra_data_precert(&pre, &[&issuer]);
    assert_eq!(extra.len(), 3 + pre.len() + 3 + 3 + issuer.len());
    assert_eq!(&extra[3..3 + pre.len()], &pre[..]);

    // static-ct-api TileLeaf.
    let fps = [[0xAAu8; 32], [0xBB; 32]];
    assert_eq!(
        leaf_index_extensions(0x01_0203_0405),
        [0x00, 0x08, 0x00, 0x00, 0x05, 0x01, 0x02, 0x03, 0x04, 0x05]
    );
    let tl = tile_leaf_x509(ts, &cert, Some(7), &fps);
    assert_eq!(tl.len(), 8 + 2 + 3 + cert.len() + 10 + 2 + 64);
    assert_eq!(&tl[8..10], [0, 0]);
    assert_eq!(
        &tl[13 + cert.len()..23 + cert.len()],
        [0, 8, 0, 0, 5, 0, 0, 0, 0, 7]
    );
    assert_eq!(&tl[23 + cert.len()..25 + cert.len()], [0, 64]);
    let tl = tile_leaf_precert(ts, &ikh, &tbs, Some(256), &pre, &fps[..1]);
    assert_eq!(
        tl.len(),
        8 + 2 + 32 + 3 + tbs.len() + 10 + 3 + pre.len() + 2 + 32
    );
    assert_eq!(&tl[8..10], [0, 1]);
    let tl_no_index = tile_leaf_x509(ts, &cert, None, &[]);
    assert_eq!(tl_no_index.len(), 8 + 2 + 3 + cert.len() + 2 + 2);
    // The MerkleTreeLeaf of a tile leaf is 00 00 ‖ its TimestampedEntry prefix.
    let te = timestamped_entry_x509(ts, &cert, &leaf_index_extensions(7));
    let tl = tile_leaf_x509(ts, &cert, Some(7), &fps);
    assert_eq!(&tl[..te.len()], &te[..]);
    assert_eq!(merkle_tree_leaf_of(&te).len(), te.len() + 2);
    // RFC 6962 leaf_input = 00 00 ‖ TimestampedEntry with empty extensions.
    assert_eq!(
        merkle_tree_leaf_of(&timestamped_entry_x509(ts, &cert, &empty_extensions())),
        merkle_tree_leaf_x509(ts, &cert)
    );
}

//! Enrichment (`scan`): Cymru whois parsing, RDAP abuse contact, Safe Browsing request, the
//! per-IP cache, reserved addresses. Every server here is a fake started by the test on
//! 127.0.0.1:0; no traffic leaves the loopback interface (the addresses looked up, such as
//! 198.49.23.145, only appear inside queries sent to the fakes).

mod common;

use certstreammonitor::scan::enrich::{
    abuse_email_from_rdap, is_reserved, parse_cymru, AsnInfo, EnrichSettings, Enricher,
};
use common::closed_port;
use common::sites::{
    FakeHttp, FakeWhois, HttpReply, HttpRequest, Socks4Proxy, Socks5Proxy, TunnelProxy,
};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SQUARESPACE_WHOIS: &str = "53831   | 198.49.23.145    | 198.49.23.0/24      | US | arin     | 2012-05-16 | SQUARESPACE, US\n";
const WHOIS_HEADER: &str =
    "AS      | IP               | BGP Prefix          | CC | Registry | Allocated  | AS Name\n";

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn squarespace() -> AsnInfo {
    AsnInfo {
        asn: "53831".into(),
        asn_cidr: "198.49.23.0/24".into(),
        asn_country_code: "US".into(),
        asn_description: "SQUARESPACE, US".into(),
        asn_registry: "arin".into(),
        asn_abuse_email: "abuse-network@squarespace.com".into(),
    }
}

fn without_email(mut a: AsnInfo) -> AsnInfo {
    a.asn_abuse_email.clear();
    a
}

/// An ARIN-style RDAP answer (RFC 9083), the abuse entity nested in the registrant.
fn arin_sample() -> Value {
    serde_json::from_str(
        r#"{
  "rdapConformance": ["nro_rdap_profile_0", "rdap_level_0", "cidr0", "arin_originas0"],
  "objectClassName": "ip network",
  "handle": "NET-198-49-23-0-1", "startAddress": "198.49.23.0", "endAddress": "198.49.23.255",
  "ipVersion": "v4", "name": "SQUARESPACE-NET", "type": "DIRECT ALLOCATION",
  "parentHandle": "NET-198-0-0-0-0", "status": ["active"], "port43": "whois.arin.net",
  "cidr0_cidrs": [{"v4prefix": "198.49.23.0", "length": 24}],
  "events": [{"eventAction": "registration", "eventDate": "2012-05-16T10:47:01-04:00"}],
  "entities": [{
    "objectClassName": "entity", "handle": "SQUAR-4", "roles": ["registrant"],
    "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Squarespace, Inc."],
      ["adr", {"label": "225 Varick Street\n12th Floor\nNew York\nNY\n10014\nUnited States"}, "text",
       ["", "", "", "", "", "", ""]], ["kind", {}, "text", "org"]]],
    "entities": [
      {"objectClassName": "entity", "handle": "ABUSE5108-ARIN", "roles": ["abuse"],
       "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Abuse"],
         ["kind", {}, "text", "group"], ["email", {}, "text", "abuse-network@squarespace.com"],
         ["tel", {"type": ["work", "voice"]}, "uri", "tel:+1-646-580-3456"]]]},
      {"objectClassName": "entity", "handle": "NOC3369-ARIN", "roles": ["technical", "noc"],
       "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Network Operations"],
         ["kind", {}, "text", "group"], ["email", {}, "text", "noc@squarespace.com"]]]}
    ]
  }]
}"#,
    )
    .unwrap()
}

fn vcard_email(mail: &str) -> Value {
    json!([
        "vcard",
        [
            ["version", {}, "text", "4.0"],
            ["fn", {}, "text", "X"],
            ["email", {}, "text", mail]
        ]
    ])
}

// ---------------------------------------------------------------------------------------------
// Fake RDAP / Safe Browsing answers (the servers are in tests/common/sites.rs)

fn reply(status: u16, body: impl Into<Vec<u8>>) -> HttpReply {
    HttpReply {
        status,
        headers: vec![("Content-Type".into(), "application/rdap+json".into())],
        body: body.into(),
    }
}

fn reply_json(v: &Value) -> HttpReply {
    reply(200, serde_json::to_vec(v).unwrap())
}

/// The RDAP base URL of a fake.
fn rdap_base(rdap: &FakeHttp) -> String {
    rdap.url("/rdap/")
}

fn settings(whois: &str, rdap: Option<String>) -> EnrichSettings {
    EnrichSettings {
        whois_server: whois.to_string(),
        rdap_server: rdap,
        safe_browsing_key: None,
        safe_browsing_endpoint: "https://safebrowsing.googleapis.com/v4/threatMatches:find".into(),
        allow_reserved: false,
        timeout: Duration::from_secs(3),
        proxy: None,
        whois_via_proxy: false,
    }
}

// ---------------------------------------------------------------------------------------------
// Pure functions

#[test]
fn reserved_addresses_table() {
    let cases: &[(&str, bool)] = &[
        ("0.0.0.0", true),
        ("0.1.2.3", true),
        ("10.0.0.1", true),
        ("10.255.255.255", true),
        ("100.64.0.1", true),
        ("100.127.255.254", true),
        ("100.63.255.255", false),
        ("100.128.0.0", false),
        ("127.0.0.1", true),
        ("127.255.0.9", true),
        ("169.254.1.1", true),
        ("172.16.0.1", true),
        ("172.31.255.255", true),
        ("172.15.255.255", false),
        ("172.32.0.0", false),
        ("192.0.0.8", true),
        ("192.0.1.1", false),
        ("192.0.2.1", true),
        ("192.88.99.1", true),
        ("192.168.1.1", true),
        ("198.18.0.1", true),
        ("198.19.255.255", true),
        ("198.20.0.0", false),
        ("198.51.100.7", true),
        ("198.97.38.1", true),
        ("203.0.113.5", true),
        ("224.0.0.1", true),
        ("239.255.255.250", true),
        ("240.0.0.1", true),
        ("255.255.255.255", true),
        ("8.8.8.8", false),
        ("198.49.23.145", false),
        ("1.1.1.1", false),
        ("223.255.255.255", false),
        // IPv6
        ("::", true),
        ("::1", true),
        ("::ffff:127.0.0.1", true),
        ("::ffff:10.1.2.3", true),
        ("::ffff:8.8.8.8", false),
        ("64:ff9b::808:808", false),
        ("64:ff9b::a00:1", true),
        ("64:ff9b:1::1", true),
        ("100::1", true),
        ("fc00::1", true),
        ("fd12:3456::1", true),
        ("fe80::1", true),
        ("fec0::1", true),
        ("ff02::1", true),
        ("2001:db8::1", true),
        ("2001::1", true),
        ("2001:2::1", true),
        ("3fff::1", true),
        ("4000::1", true),
        ("2606:4700:4700::1111", false),
        ("2a00:1450:4007:80f::200e", false),
        ("2001:4860:4860::8888", false),
        ("2002:c000:204::1", false),
    ];
    assert!(cases.len() >= 30);
    for (addr, want) in cases {
        assert_eq!(is_reserved(ip(addr)), *want, "{addr}");
    }
}

#[test]
fn parse_cymru_table() {
    let ok = without_email(squarespace());
    // (answer, expected)
    let good: &[(&str, AsnInfo)] = &[
        (SQUARESPACE_WHOIS, ok.clone()),
        ("53831|198.49.23.145|198.49.23.0/24|US|arin|2012-05-16|SQUARESPACE, US", ok.clone()),
        (&format!("{WHOIS_HEADER}{SQUARESPACE_WHOIS}"), ok.clone()),
        (&format!("Bulk mode; whois.cymru.com [2026-01-01 00:00:00 +0000]\r\n{}\r\n\r\n", SQUARESPACE_WHOIS.trim()), ok.clone()),
        (
            "53831 | 198.49.23.145 | 198.49.23.0/24 | us | ARIN | 2012-05-16 | SQUARESPACE, US\n",
            ok.clone(),
        ),
        (
            "13335   | 2606:4700:4700::1111 | 2606:4700:4700::/48 | US | arin | 2011-11-01 | CLOUDFLARENET, US",
            AsnInfo {
                asn: "13335".into(),
                asn_cidr: "2606:4700:4700::/48".into(),
                asn_country_code: "US".into(),
                asn_description: "CLOUDFLARENET, US".into(),
                asn_registry: "arin".into(),
                asn_abuse_email: String::new(),
            },
        ),
        (
            "3215 | 2.2.2.2 | 2.2.0.0/16 | FR | ripencc | 2010-07-12 | FRANCE-TELECOM Orange | FR\n",
            AsnInfo {
                asn: "3215".into(),
                asn_cidr: "2.2.0.0/16".into(),
                asn_country_code: "FR".into(),
                asn_description: "FRANCE-TELECOM Orange | FR".into(),
                asn_registry: "ripencc".into(),
                asn_abuse_email: String::new(),
            },
        ),
        (
            "37963 | 47.88.1.1 | 47.88.0.0/18 | CN | apnic | 2016-01-21 | CNNIC-ALIBABA-CN-NET-AP Hangzhou Alibaba, CN",
            AsnInfo {
                asn: "37963".into(),
                asn_cidr: "47.88.0.0/18".into(),
                asn_country_code: "CN".into(),
                asn_description: "CNNIC-ALIBABA-CN-NET-AP Hangzhou Alibaba, CN".into(),
                asn_registry: "apnic".into(),
                asn_abuse_email: String::new(),
            },
        ),
    ];
    for (answer, want) in good {
        assert_eq!(parse_cymru(answer).as_ref(), Ok(want), "{answer:?}");
    }
    // Registries lacnic and afrinic are accepted.
    for reg in ["lacnic", "afrinic"] {
        let a = parse_cymru(&format!(
            "1 | 1.2.3.4 | 1.2.3.0/24 | BR | {reg} | 2000-01-01 | X"
        ))
        .unwrap();
        assert_eq!(a.asn_registry, reg);
    }
    let bad = [
        "",
        "\r\n\r\n",
        "Error: no ASN or IP match on line 1.\n",
        "garbage garbage garbage",
        "53831 | 198.49.23.145 | 198.49.23.0/24 | US | arin",
        WHOIS_HEADER,
        "NA      | 192.0.2.1        | NA                  |    | other    |            | NA\n",
        "53831 | 198.49.23.145 | 198.49.23.0/24 | US | ripe | 2012-05-16 | SQUARESPACE, US",
        " | 198.49.23.145 | 198.49.23.0/24 | US | arin | 2012-05-16 | X",
    ];
    for answer in bad {
        assert!(
            parse_cymru(answer).is_err(),
            "{answer:?} → {:?}",
            parse_cymru(answer)
        );
    }
}

#[test]
fn abuse_email_table() {
    let abuse = |extra: Value| {
        let mut e = json!({"objectClassName": "entity", "handle": "AB-1", "roles": ["abuse"], "vcardArray": vcard_email("abuse@a.example")});
        for (k, v) in extra.as_object().unwrap() {
            e[k] = v.clone();
        }
        e
    };
    let cases: Vec<(&str, Value, Option<&str>)> = vec![
        (
            "ARIN sample, nested",
            arin_sample(),
            Some("abuse-network@squarespace.com"),
        ),
        (
            "root abuse",
            json!({"entities": [abuse(json!({}))]}),
            Some("abuse@a.example"),
        ),
        ("no entities", json!({"handle": "NET-1"}), None),
        ("entities not a list", json!({"entities": {"a": 1}}), None),
        ("not an object", json!([1, 2]), None),
        ("null", Value::Null, None),
        (
            "no abuse role",
            json!({"entities": [abuse(json!({"roles": ["technical"]}))]}),
            None,
        ),
        (
            "roles null first, then abuse",
            json!({"entities": [abuse(json!({"roles": null})), abuse(json!({"vcardArray": vcard_email("second@a.example")}))]}),
            Some("second@a.example"),
        ),
        (
            "roles missing, then abuse",
            json!({"entities": [{"handle": "X", "vcardArray": vcard_email("x@a.example")}, abuse(json!({}))]}),
            Some("abuse@a.example"),
        ),
        (
            "roles a string",
            json!({"entities": [abuse(json!({"roles": "abuse"}))]}),
            Some("abuse@a.example"),
        ),
        (
            "roles with odd items",
            json!({"entities": [abuse(json!({"roles": [null, 3, "Abuse"]}))]}),
            Some("abuse@a.example"),
        ),
        (
            "vcardArray missing",
            json!({"entities": [{"handle": "AB-1", "roles": ["abuse"]}]}),
            None,
        ),
        (
            "vcardArray a string",
            json!({"entities": [abuse(json!({"vcardArray": "vcard"}))]}),
            None,
        ),
        (
            "vcardArray without properties",
            json!({"entities": [abuse(json!({"vcardArray": ["vcard"]}))]}),
            None,
        ),
        (
            "properties not arrays",
            json!({"entities": [abuse(json!({"vcardArray": ["vcard", ["email", 1, {}]]}))]}),
            None,
        ),
        (
            "short property",
            json!({"entities": [abuse(json!({"vcardArray": ["vcard", [["email", {}, "text"]]]}))]}),
            None,
        ),
        (
            "email value not a string",
            json!({"entities": [abuse(json!({"vcardArray": ["vcard", [["email", {}, "text", ["x@y"]]]]}))]}),
            None,
        ),
        (
            "blank email then real",
            json!({"entities": [abuse(json!({"vcardArray": ["vcard", [["email", {}, "text", "  "], ["email", {}, "text", "b@a.example"]]]}))]}),
            Some("b@a.example"),
        ),
        (
            "email trimmed",
            json!({"entities": [abuse(json!({"vcardArray": vcard_email("  \tpad@a.example \n")}))]}),
            Some("pad@a.example"),
        ),
        (
            "abuse without email, then abuse with",
            json!({"entities": [abuse(json!({"vcardArray": ["vcard", [["fn", {}, "text", "No mail"]]]})), abuse(json!({"vcardArray": vcard_email("later@a.example")}))]}),
            Some("later@a.example"),
        ),
        (
            "abuse two levels deep",
            json!({"entities": [{"handle": "R", "roles": ["registrant"], "entities": [{"handle": "T", "roles": ["technical"], "entities": [abuse(json!({"vcardArray": vcard_email("deep@a.example")}))]}]}]}),
            Some("deep@a.example"),
        ),
        (
            "root entities before nested ones",
            json!({"entities": [
                {"handle": "R", "roles": ["registrant"], "entities": [abuse(json!({"vcardArray": vcard_email("nested@a.example")}))]},
                abuse(json!({"vcardArray": vcard_email("root@a.example")}))
            ]}),
            Some("root@a.example"),
        ),
        (
            "non-object entities skipped",
            json!({"entities": [1, "x", null, abuse(json!({}))]}),
            Some("abuse@a.example"),
        ),
    ];
    for (name, j, want) in cases {
        assert_eq!(abuse_email_from_rdap(&j).as_deref(), want, "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// Whois + RDAP through the Enricher

fn rdap_ok(v: Value) -> FakeHttp {
    FakeHttp::scripted(move |_, _| reply_json(&v))
}

fn assert_rdap_request(r: &HttpRequest, path: &str) {
    assert_eq!(r.method, "GET");
    assert_eq!(r.target, path);
    assert_eq!(r.header("accept"), Some("application/rdap+json"));
}

#[test]
fn whois_then_rdap_arin_sample() {
    let whois = FakeWhois::answering(SQUARESPACE_WHOIS);
    let rdap = rdap_ok(arin_sample());
    let e = Enricher::new(settings(&whois.server(), Some(rdap_base(&rdap))));
    assert_eq!(e.asn_info(ip("198.49.23.145")), squarespace());
    assert_eq!(
        whois.queries(),
        vec![" -r -a -c -p -f 198.49.23.145\r\n".to_string()]
    );
    let reqs = rdap.requests();
    assert_eq!(
        reqs.len(),
        1,
        "nested entities with inline vCards need no entity fetch"
    );
    assert_rdap_request(&reqs[0], "/rdap/ip/198.49.23.145");
}

#[test]
fn whois_answer_with_header_line() {
    let whois = FakeWhois::answering(format!("{WHOIS_HEADER}{SQUARESPACE_WHOIS}"));
    let rdap = rdap_ok(arin_sample());
    let e = Enricher::new(settings(&whois.server(), Some(rdap_base(&rdap))));
    assert_eq!(e.asn_info(ip("198.49.23.145")), squarespace());
}

#[test]
fn rdap_base_without_trailing_slash() {
    let whois = FakeWhois::answering(SQUARESPACE_WHOIS);
    let rdap = rdap_ok(arin_sample());
    let base = rdap_base(&rdap).trim_end_matches('/').to_string();
    let e = Enricher::new(settings(&whois.server(), Some(base)));
    assert_eq!(e.asn_info(ip("198.49.23.145")), squarespace());
    assert_eq!(rdap.requests()[0].target, "/rdap/ip/198.49.23.145");
}

#[test]
fn ipv6_lookup() {
    let whois = FakeWhois::answering(
        "13335   | 2606:4700:4700::1111 | 2606:4700:4700::/48 | US | arin | 2011-11-01 | CLOUDFLARENET, US\n",
    );
    let rdap = rdap_ok(
        json!({"entities": [{"handle": "ABUSE2916-ARIN", "roles": ["abuse"], "vcardArray": vcard_email("abuse@cloudflare.com")}]}),
    );
    let e = Enricher::new(settings(&whois.server(), Some(rdap_base(&rdap))));
    let info = e.asn_info(ip("2606:4700:4700::1111"));
    assert_eq!(
        (
            info.asn.as_str(),
            info.asn_cidr.as_str(),
            info.asn_abuse_email.as_str()
        ),
        ("13335", "2606:4700:4700::/48", "abuse@cloudflare.com")
    );
    assert_eq!(
        whois.queries(),
        vec![" -r -a -c -p -f 2606:4700:4700::1111\r\n".to_string()]
    );
    assert_rdap_request(&rdap.requests()[0], "/rdap/ip/2606:4700:4700::1111");
}

#[test]
fn mapped_ipv6_is_looked_up_as_ipv4() {
    let whois = FakeWhois::answering(SQUARESPACE_WHOIS);
    let rdap = rdap_ok(arin_sample());
    let e = Enricher::new(settings(&whois.server(), Some(rdap_base(&rdap))));
    assert_eq!(e.asn_info(ip("::ffff:198.49.23.145")), squarespace());
    assert_eq!(e.asn_info(ip("198.49.23.145")), squarespace());
    assert_eq!(
        whois.queries(),
        vec![" -r -a -c -p -f 198.49.23.145\r\n".to_string()],
        "one lookup, shared with the plain IPv4 form"
    );
    assert_eq!(rdap.requests().len(), 1);
}

#[test]
fn loopback_lookup_with_allow_reserved() {
    let whois = FakeWhois::answering(
        "64512 | 127.0.0.9 | 127.0.0.0/8 | ZZ | ripencc | 1981-09-01 | TEST-AS, ZZ\n",
    );
    let rdap = rdap_ok(
        json!({"entities": [{"handle": "T", "roles": ["abuse"], "vcardArray": vcard_email("abuse@loopback.test")}]}),
    );
    let mut s = settings(&whois.server(), Some(rdap_base(&rdap)));
    s.allow_reserved = true;
    let info = Enricher::new(s).asn_info(ip("127.0.0.9"));
    assert_eq!(info.asn, "64512");
    assert_eq!(info.asn_country_code, "ZZ");
    assert_eq!(info.asn_registry, "ripencc");
    assert_eq!(info.asn_abuse_email, "abuse@loopback.test");
    assert_eq!(
        whois.queries(),
        vec![" -r -a -c -p -f 127.0.0.9\r\n".to_string()]
    );
}

#[test]
fn reserved_addresses_cause_no_traffic() {
    let whois = FakeWhois::answering(SQUARESPACE_WHOIS);
    let rdap = rdap_ok(arin_sample());
    let e = Enricher::new(settings(&whois.server(), Some(rdap_base(&rdap))));
    for a in [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.1",
        "100.64.1.1",
        "::1",
        "fe80::1",
        "::ffff:192.168.0.1",
        "2001:db8::5",
    ] {
        assert_eq!(e.asn_info(ip(a)), AsnInfo::default(), "{a}");
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(whois.connections(), 0);
    assert!(rdap.requests().is_empty());
}

#[test]
fn whois_garbage_leaves_asn_empty_but_rdap_server_still_gives_email() {
    let whois = FakeWhois::answering("Error: no ASN or IP match on line 1.\n");
    let rdap = rdap_ok(arin_sample());
    let e = Enricher::new(settings(&whois.server(), Some(rdap_base(&rdap))));
    let info = e.asn_info(ip("198.49.23.145"));
    assert_eq!(
        info,
        AsnInfo {
            asn_abuse_email: "abuse-network@squarespace.com".into(),
            ..AsnInfo::default()
        }
    );
}

#[test]
fn unknown_registry_without_rdap_server_is_empty_and_sends_no_rdap() {
    // No RDAPServer and no registry: there is no RDAP base to ask (and nothing leaves loopback).
    let whois = FakeWhois::answering("NA | 198.49.23.145 | NA | | other | | NA\n");
    let e = Enricher::new(settings(&whois.server(), None));
    assert_eq!(e.asn_info(ip("198.49.23.145")), AsnInfo::default());
    assert_eq!(whois.queries().len(), 1);
}

#[test]
fn silent_whois_times_out() {
    let whois = FakeWhois::silent();
    let rdap = rdap_ok(arin_sample());
    let mut s = settings(&whois.server(), None);
    s.timeout = Duration::from_millis(400);
    let e = Enricher::new(s);
    let t = Instant::now();
    assert_eq!(e.asn_info(ip("198.49.23.145")), AsnInfo::default());
    let took = t.elapsed();
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert_eq!(whois.queries().len(), 1, "a timeout is not retried");
    assert!(rdap.requests().is_empty());
}

#[test]
fn whois_retried_once_after_a_dropped_connection() {
    // Closes without answering on the first connection, answers on the next ones.
    let whois = FakeWhois::scripted(|_, n| (n > 0).then(|| SQUARESPACE_WHOIS.to_string()));
    let rdap = rdap_ok(arin_sample());
    let e = Enricher::new(settings(&whois.server(), Some(rdap_base(&rdap))));
    assert_eq!(e.asn_info(ip("198.49.23.145")), squarespace());
    assert_eq!(whois.queries().len(), 2);
}

#[test]
fn whois_refused_gives_empty_fields_quickly() {
    let port = closed_port();
    let e = Enricher::new(settings(&format!("127.0.0.1:{port}"), None));
    let t = Instant::now();
    assert_eq!(e.asn_info(ip("198.49.23.145")), AsnInfo::default());
    assert!(t.elapsed() < Duration::from_secs(3));
}

#[test]
fn rdap_abuse_entity_without_vcard_is_fetched() {
    let whois = FakeWhois::answering(SQUARESPACE_WHOIS);
    let rdap = FakeHttp::scripted(|req, _| {
        if req.path() == "/rdap/ip/198.49.23.145" {
            reply_json(&json!({"handle": "NET-1", "entities": [
                {"handle": "SQUAR-4", "roles": ["registrant"], "vcardArray": vcard_email("owner@squarespace.com"),
                 "entities": [{"objectClassName": "entity", "handle": "ABUSE 5108/ARIN", "roles": ["abuse"]}]}
            ]}))
        } else if req.path() == "/rdap/entity/ABUSE%205108%2FARIN" {
            reply_json(
                &json!({"objectClassName": "entity", "handle": "ABUSE 5108/ARIN", "vcardArray": vcard_email("abuse-network@squarespace.com")}),
            )
        } else {
            reply(404, "{}")
        }
    });
    let e = Enricher::new(settings(&whois.server(), Some(rdap_base(&rdap))));
    assert_eq!(e.asn_info(ip("198.49.23.145")), squarespace());
    let reqs = rdap.requests();
    assert_eq!(reqs.len(), 2);
    assert_rdap_request(&reqs[0], "/rdap/ip/198.49.23.145");
    assert_rdap_request(&reqs[1], "/rdap/entity/ABUSE%205108%2FARIN");
}

#[test]
fn rdap_entity_fetches_are_bounded() {
    let whois = FakeWhois::answering(SQUARESPACE_WHOIS);
    let entities: Vec<Value> = (0..20)
        .map(|i| json!({"handle": format!("AB-{i}"), "roles": ["abuse"]}))
        .collect();
    let rdap = FakeHttp::scripted(move |req, _| {
        if req.path().starts_with("/rdap/ip/") {
            reply_json(&json!({"entities": entities}))
        } else {
            reply(404, "{}")
        }
    });
    let e = Enricher::new(settings(&whois.server(), Some(rdap_base(&rdap))));
    assert_eq!(
        e.asn_info(ip("198.49.23.145")),
        without_email(squarespace())
    );
    assert_eq!(rdap.requests().len(), 1 + 5);
}

#[test]
fn rdap_without_abuse_entity_keeps_asn_fields() {
    let whois = FakeWhois::answering(SQUARESPACE_WHOIS);
    let mut j = arin_sample();
    j["entities"][0]["entities"][0]["roles"] = json!(["administrative"]);
    let rdap = rdap_ok(j);
    let e = Enricher::new(settings(&whois.server(), Some(rdap_base(&rdap))));
    assert_eq!(
        e.asn_info(ip("198.49.23.145")),
        without_email(squarespace())
    );
    assert_eq!(rdap.requests().len(), 1);
}

#[test]
fn rdap_roles_null_does_not_stop_the_search() {
    let whois = FakeWhois::answering(SQUARESPACE_WHOIS);
    let mut j = arin_sample();
    j["entities"][0]["roles"] = Value::Null;
    let rdap = rdap_ok(j);
    let e = Enricher::new(settings(&whois.server(), Some(rdap_base(&rdap))));
    assert_eq!(e.asn_info(ip("198.49.23.145")), squarespace());
}

#[test]
fn rdap_failures_keep_asn_fields() {
    let answers: Vec<(&str, HttpReply)> = vec![
        ("malformed JSON", reply(200, "{\"entities\": [")),
        ("HTML", reply(200, "<html>busy</html>")),
        (
            "404",
            reply(404, "{\"errorCode\": 404, \"title\": \"Not Found\"}"),
        ),
        ("500", reply(500, "")),
        ("JSON array", reply(200, "[]")),
    ];
    for (name, answer) in answers {
        let whois = FakeWhois::answering(SQUARESPACE_WHOIS);
        let rdap = FakeHttp::scripted(move |_, _| answer.clone());
        let e = Enricher::new(settings(&whois.server(), Some(rdap_base(&rdap))));
        assert_eq!(
            e.asn_info(ip("198.49.23.145")),
            without_email(squarespace()),
            "{name}"
        );
        assert_eq!(rdap.requests().len(), 1, "{name}");
    }
}

#[test]
fn rdap_unreachable_keeps_asn_fields() {
    let whois = FakeWhois::answering(SQUARESPACE_WHOIS);
    let e = Enricher::new(settings(
        &whois.server(),
        Some(format!("http://127.0.0.1:{}/", closed_port())),
    ));
    assert_eq!(
        e.asn_info(ip("198.49.23.145")),
        without_email(squarespace())
    );
}

#[test]
fn rdap_429_is_retried_once_after_retry_after() {
    let whois = FakeWhois::answering(SQUARESPACE_WHOIS);
    let rdap = FakeHttp::scripted(|_, i| {
        if i == 0 {
            let mut r = reply(429, "{\"title\": \"Rate Limit Notice\"}");
            r.headers.push(("Retry-After".into(), "1".into()));
            r
        } else {
            reply_json(&arin_sample())
        }
    });
    let e = Enricher::new(settings(&whois.server(), Some(rdap_base(&rdap))));
    let t = Instant::now();
    assert_eq!(e.asn_info(ip("198.49.23.145")), squarespace());
    assert!(
        t.elapsed() >= Duration::from_millis(900),
        "waited {:?}",
        t.elapsed()
    );
    let reqs = rdap.requests();
    assert_eq!(reqs.len(), 2);
    assert_rdap_request(&reqs[1], "/rdap/ip/198.49.23.145");
}

#[test]
fn rdap_429_twice_gives_up_without_long_sleeps() {
    let whois = FakeWhois::answering(SQUARESPACE_WHOIS);
    let rdap = FakeHttp::scripted(|_, _| {
        let mut r = reply(429, "{}");
        r.headers.push(("Retry-After".into(), "0".into()));
        r
    });
    let e = Enricher::new(settings(&whois.server(), Some(rdap_base(&rdap))));
    let t = Instant::now();
    assert_eq!(
        e.asn_info(ip("198.49.23.145")),
        without_email(squarespace())
    );
    assert!(t.elapsed() < Duration::from_secs(3));
    assert_eq!(rdap.requests().len(), 2);
}

#[test]
fn rdap_redirect_is_followed_with_accept_header() {
    let whois = FakeWhois::answering(SQUARESPACE_WHOIS);
    let rdap = FakeHttp::scripted(|req, _| {
        if req.path().starts_with("/rdap/") {
            let mut r = reply(301, "");
            r.headers
                .push(("Location".into(), req.path().replace("/rdap/", "/ripe/")));
            r
        } else {
            reply_json(&arin_sample())
        }
    });
    let e = Enricher::new(settings(&whois.server(), Some(rdap_base(&rdap))));
    assert_eq!(e.asn_info(ip("198.49.23.145")), squarespace());
    let reqs = rdap.requests();
    assert_eq!(reqs.len(), 2);
    assert_rdap_request(&reqs[1], "/ripe/ip/198.49.23.145");
}

#[test]
fn one_lookup_per_ip_across_threads() {
    let whois = FakeWhois::answering(SQUARESPACE_WHOIS);
    // A slow RDAP answer makes the other threads arrive while the first lookup is running.
    let rdap = FakeHttp::scripted(|_, _| {
        std::thread::sleep(Duration::from_millis(300));
        reply_json(&arin_sample())
    });
    let e = Arc::new(Enricher::new(settings(
        &whois.server(),
        Some(rdap_base(&rdap)),
    )));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let e = e.clone();
            std::thread::spawn(move || {
                (
                    e.asn_info(ip("198.49.23.145")),
                    e.asn_info(ip("198.49.23.145")),
                )
            })
        })
        .collect();
    for t in threads {
        let (a, b) = t.join().unwrap();
        assert_eq!(a, squarespace());
        assert_eq!(b, squarespace());
    }
    assert_eq!(whois.queries().len(), 1);
    assert_eq!(rdap.requests().len(), 1);
    // Another address is another lookup; failures are cached too.
    e.asn_info(ip("198.49.23.146"));
    assert_eq!(whois.queries().len(), 2);
    let garbage = FakeWhois::answering("Error: no ASN or IP match on line 1.\n");
    let failing = Enricher::new(settings(&garbage.server(), None));
    assert_eq!(failing.asn_info(ip("1.1.1.1")), AsnInfo::default());
    assert_eq!(failing.asn_info(ip("1.1.1.1")), AsnInfo::default());
    assert_eq!(garbage.queries().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Safe Browsing

/// `json.dumps(...)` of the original's request for "login-paypal.example.com" (Python 3.11).
const SB_BODY_ASCII: &str = r#"{"client": {"clientId": "Python SafeBrowsing Client", "clientVersion": "0.0.1"}, "threatInfo": {"threatTypes": ["THREAT_TYPE_UNSPECIFIED", "MALWARE", "SOCIAL_ENGINEERING", "UNWANTED_SOFTWARE", "POTENTIALLY_HARMFUL_APPLICATION"], "platformTypes": ["ANY_PLATFORM"], "threatEntryTypes": ["URL"], "threatEntries": [{"url": "login-paypal.example.com"}]}}"#;
/// The same for "p\u{430}ypal.example.com" (Cyrillic a): `ensure_ascii` escapes it.
const SB_BODY_CYRILLIC: &str = r#"{"client": {"clientId": "Python SafeBrowsing Client", "clientVersion": "0.0.1"}, "threatInfo": {"threatTypes": ["THREAT_TYPE_UNSPECIFIED", "MALWARE", "SOCIAL_ENGINEERING", "UNWANTED_SOFTWARE", "POTENTIALLY_HARMFUL_APPLICATION"], "platformTypes": ["ANY_PLATFORM"], "threatEntryTypes": ["URL"], "threatEntries": [{"url": "p\u0430ypal.example.com"}]}}"#;
/// The same for "a\"b\\\\c\u{e9}\u{1F600}\u{1}\u{7f}".
const SB_BODY_ODD: &str = r#"{"client": {"clientId": "Python SafeBrowsing Client", "clientVersion": "0.0.1"}, "threatInfo": {"threatTypes": ["THREAT_TYPE_UNSPECIFIED", "MALWARE", "SOCIAL_ENGINEERING", "UNWANTED_SOFTWARE", "POTENTIALLY_HARMFUL_APPLICATION"], "platformTypes": ["ANY_PLATFORM"], "threatEntryTypes": ["URL"], "threatEntries": [{"url": "a\"b\\\\c\u00e9\ud83d\ude00\u0001\u007f"}]}}"#;

const SB_MATCH: &str = r#"{"matches": [{"threatType": "SOCIAL_ENGINEERING", "platformType": "ANY_PLATFORM", "threat": {"url": "login-paypal.example.com"}, "cacheDuration": "300s", "threatEntryType": "URL"}]}"#;
const SB_ERROR: &str = r#"{"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT", "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com"}]}}"#;

/// Our compact re-serialisation of one of the answers above (no ", " or ": " inside their values).
fn compact(s: &str) -> String {
    s.replace(", ", ",").replace(": ", ":")
}

fn sb_enricher(server: &FakeHttp, key: Option<&str>) -> Enricher {
    let mut s = settings("127.0.0.1:9", None);
    s.safe_browsing_key = key.map(str::to_string);
    s.safe_browsing_endpoint = format!("http://{}/v4/threatMatches:find", server.addr);
    Enricher::new(s)
}

fn assert_sb_request(r: &HttpRequest, body: &str) {
    assert_eq!(r.method, "POST");
    assert_eq!(r.path(), "/v4/threatMatches:find");
    assert_eq!(r.query(), Some("key=AIzaTEST-key_123"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(String::from_utf8_lossy(&r.body), body);
}

#[test]
fn safe_browsing_without_key() {
    let server = FakeHttp::scripted(|_, _| reply(200, "{}"));
    assert_eq!(
        sb_enricher(&server, None).safe_browsing("x.example.com"),
        json!("No API key in config file")
    );
    assert_eq!(
        sb_enricher(&server, Some("")).safe_browsing("x.example.com"),
        json!("No API key in config file")
    );
    assert!(server.requests().is_empty());
}

#[test]
fn safe_browsing_exact_request_and_answers() {
    let server = FakeHttp::scripted(|req, _| {
        let body = String::from_utf8_lossy(&req.body).into_owned();
        if body.contains("login-paypal") {
            reply(200, SB_MATCH)
        } else {
            reply(200, "{}\n")
        }
    });
    let e = sb_enricher(&server, Some("AIzaTEST-key_123"));
    let hit = e.safe_browsing("login-paypal.example.com");
    assert_eq!(
        serde_json::to_string(&hit).unwrap(),
        compact(SB_MATCH),
        "key order kept"
    );
    assert_eq!(e.safe_browsing("p\u{430}ypal.example.com"), json!({}));
    assert_eq!(
        e.safe_browsing("a\"b\\\\c\u{e9}\u{1F600}\u{1}\u{7f}"),
        json!({})
    );
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    assert_sb_request(&reqs[0], SB_BODY_ASCII);
    assert_sb_request(&reqs[1], SB_BODY_CYRILLIC);
    assert_sb_request(&reqs[2], SB_BODY_ODD);
}

#[test]
fn safe_browsing_error_object_is_kept() {
    let server = FakeHttp::scripted(|_, _| reply(400, SB_ERROR));
    let v =
        sb_enricher(&server, Some("AIzaTEST-key_123")).safe_browsing("login-paypal.example.com");
    assert_eq!(serde_json::to_string(&v).unwrap(), compact(SB_ERROR));
    assert_sb_request(&server.requests()[0], SB_BODY_ASCII);
}

#[test]
fn safe_browsing_non_json_and_network_errors_are_strings() {
    let server = FakeHttp::scripted(|_, _| reply(502, "<html>Bad Gateway</html>"));
    let v =
        sb_enricher(&server, Some("AIzaTEST-key_123")).safe_browsing("login-paypal.example.com");
    let s = v.as_str().expect("a string");
    assert!(s.starts_with("error: "), "{s}");
    assert!(s.contains("502"), "{s}");
    assert!(!s.contains("AIzaTEST"), "the key must not leak: {s}");

    let mut st = settings("127.0.0.1:9", None);
    st.safe_browsing_key = Some("AIzaTEST-key_123".into());
    st.safe_browsing_endpoint = format!("http://127.0.0.1:{}/v4/threatMatches:find", closed_port());
    let v = Enricher::new(st).safe_browsing("login-paypal.example.com");
    let s = v.as_str().expect("a string");
    assert!(s.starts_with("error: "), "{s}");
    assert!(!s.contains("AIzaTEST"), "the key must not leak: {s}");
}

#[test]
fn safe_browsing_endpoint_with_query() {
    let server = FakeHttp::scripted(|_, _| reply(200, "{}"));
    let mut s = settings("127.0.0.1:9", None);
    s.safe_browsing_key = Some("K".into());
    s.safe_browsing_endpoint = format!("http://{}/v4/threatMatches:find?alt=json", server.addr);
    assert_eq!(Enricher::new(s).safe_browsing("x.example.com"), json!({}));
    assert_eq!(server.requests()[0].query(), Some("alt=json&key=K"));
}

// ---------------------------------------------------------------------------------------------
// Proxies

#[test]
fn rdap_and_safe_browsing_go_through_the_proxy() {
    for kind in ["http", "socks5", "socks5h"] {
        // Loopback proxies (tests/common/sites.rs) recording the targets they tunnelled to;
        // no name table: every URL here carries 127.0.0.1.
        let (proxy, seen): (String, Box<dyn Fn() -> Vec<String>>) = if kind == "http" {
            let p = TunnelProxy::start(HashMap::new());
            (p.url(), Box::new(move || p.targets()))
        } else {
            let p = Socks5Proxy::start(HashMap::new());
            (p.url(kind), Box::new(move || p.targets()))
        };
        let whois = FakeWhois::answering(SQUARESPACE_WHOIS);
        let rdap = rdap_ok(arin_sample());
        let sb = FakeHttp::scripted(|_, _| reply(200, SB_MATCH));
        let mut s = settings(&whois.server(), Some(rdap_base(&rdap)));
        s.proxy = Some(proxy);
        s.safe_browsing_key = Some("AIzaTEST-key_123".into());
        s.safe_browsing_endpoint = format!("http://{}/v4/threatMatches:find", sb.addr);
        let e = Enricher::new(s);
        assert_eq!(e.asn_info(ip("198.49.23.145")), squarespace(), "{kind}");
        assert_eq!(
            serde_json::to_string(&e.safe_browsing("login-paypal.example.com")).unwrap(),
            compact(SB_MATCH),
            "{kind}"
        );
        assert_sb_request(&sb.requests()[0], SB_BODY_ASCII);
        let seen = seen();
        assert_eq!(
            seen,
            vec![rdap.addr.to_string(), sb.addr.to_string()],
            "{kind}"
        );
        // The whois conversation (TCP 43) goes direct.
        assert_eq!(whois.queries().len(), 1);
    }
}

#[test]
fn whois_goes_through_the_proxy_when_asked() {
    for kind in ["http", "socks5", "socks5h", "socks4"] {
        let whois = FakeWhois::answering(SQUARESPACE_WHOIS);
        let rdap = rdap_ok(arin_sample());
        // socks5h: the whois server is named, and only the proxy knows the name.
        let mut routes = HashMap::new();
        routes.insert("whois.proxy.test".to_string(), whois.addr);
        let (proxy, seen): (String, Box<dyn Fn() -> Vec<String>>) = match kind {
            "http" => {
                let p = TunnelProxy::start(HashMap::new());
                (p.url(), Box::new(move || p.targets()))
            }
            "socks4" => {
                let p = Socks4Proxy::start();
                (p.url(), Box::new(move || p.targets()))
            }
            _ => {
                let p = Socks5Proxy::start(routes);
                (p.url(kind), Box::new(move || p.targets()))
            }
        };
        let server = if kind == "socks5h" {
            format!("whois.proxy.test:{}", whois.addr.port())
        } else {
            whois.server()
        };
        let mut s = settings(&server, Some(rdap_base(&rdap)));
        s.proxy = Some(proxy);
        s.whois_via_proxy = true;
        let e = Enricher::new(s);
        assert_eq!(e.asn_info(ip("198.49.23.145")), squarespace(), "{kind}");
        assert_eq!(whois.queries().len(), 1, "{kind}");
        let seen = seen();
        let want_whois = match kind {
            "socks5h" => server.clone(),
            "socks4" => format!("{} user \"soc\"", whois.addr),
            _ => whois.addr.to_string(),
        };
        assert_eq!(seen.first(), Some(&want_whois), "{kind}: {seen:?}");
    }
}

#[test]
fn whois_through_an_unusable_proxy_fails_and_never_goes_direct() {
    for proxy in [
        "https://127.0.0.1:1".to_string(),
        "socks5h://127.0.0.1:1".to_string(), // nothing listens there
        TunnelProxy::start(HashMap::new()).url(), // answers 502 for an unknown name
    ] {
        let whois = FakeWhois::answering(SQUARESPACE_WHOIS);
        // Through the CONNECT proxy, a name it cannot route; else the real address.
        let server = if proxy.starts_with("http://") {
            format!("whois.unknown.test:{}", whois.addr.port())
        } else {
            whois.server()
        };
        let mut s = settings(&server, None);
        s.proxy = Some(proxy.clone());
        s.whois_via_proxy = true;
        let e = Enricher::new(s);
        assert_eq!(
            e.asn_info(ip("198.49.23.145")),
            AsnInfo::default(),
            "{proxy}"
        );
        assert_eq!(whois.connections(), 0, "{proxy}: went direct");
    }
}

#[test]
fn unusable_proxy_fails_rdap_and_safe_browsing_only() {
    let whois = FakeWhois::answering(SQUARESPACE_WHOIS);
    let rdap = rdap_ok(arin_sample());
    let mut s = settings(&whois.server(), Some(rdap_base(&rdap)));
    s.proxy = Some("gopher://user:secret@127.0.0.1:1".into());
    s.safe_browsing_key = Some("AIzaTEST-key_123".into());
    let e = Enricher::new(s);
    assert_eq!(
        e.asn_info(ip("198.49.23.145")),
        without_email(squarespace())
    );
    let v = e.safe_browsing("x.example.com");
    let msg = v.as_str().unwrap();
    assert!(
        msg.starts_with("error: ") && !msg.contains("secret"),
        "{msg}"
    );
    assert!(rdap.requests().is_empty());
}

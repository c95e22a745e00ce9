//! `certstreammonitor scan` end to end, what goes beyond the probed site: enrichment from
//! loopback whois / RDAP / Safe Browsing fakes (`[ENRICH] AllowReserved = yes` lifts the
//! reserved-address rule where a test checks enrichment), the user agents (`UAfile`,
//! `http_UA`), and HTTP CONNECT, SOCKS5 and SOCKS5h proxies carrying the probe and the
//! enrichment. Helpers in `common/scan_harness.rs`; the probe itself in `tests/scan.rs`.
//!
//! Nothing leaves 127.0.0.0/8: every name a scan could look up has a `[CONNECT] Resolve`
//! entry (also the names it must refuse to probe), and the proxies only tunnel to loopback.
//! Child processes run 12 hours away from UTC (`scan_harness::tz`), so a date taken from the
//! wrong clock shows.

mod common;
#[path = "common/scan_harness.rs"]
mod scan_harness;

use common::sites::*;
use common::{fingerprint_of, TempDir};
use scan_harness::*;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::net::{Ipv4Addr, SocketAddr};

// ---------------------------------------------------------------------------------------
// 5. Enrichment with fake whois / RDAP / Safe Browsing

const SB_KEY: &str = "AIzaTEST-key_123";

/// The original's Safe Browsing request body for `host`, byte for byte.
fn sb_body(host: &str) -> String {
    format!(
        r#"{{"client": {{"clientId": "Python SafeBrowsing Client", "clientVersion": "0.0.1"}}, "threatInfo": {{"threatTypes": ["THREAT_TYPE_UNSPECIFIED", "MALWARE", "SOCIAL_ENGINEERING", "UNWANTED_SOFTWARE", "POTENTIALLY_HARMFUL_APPLICATION"], "platformTypes": ["ANY_PLATFORM"], "threatEntryTypes": ["URL"], "threatEntries": [{{"url": "{host}"}}]}}}}"#
    )
}

fn abuse_entity(mail: &str) -> Value {
    serde_json::json!({"objectClassName": "entity", "handle": "ABUSE-1", "roles": ["abuse"],
        "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Abuse"], ["email", {}, "text", mail]]]})
}

#[test]
fn enrichment_whois_rdap_and_safe_browsing_from_fakes() {
    let Some(pki) = pki() else { return skip_note() };
    let dir = TempDir::new("scan-enrich");
    let ip = |n: u8| Ipv4Addr::new(127, 0, 0, n);
    let page = |t: &str| Reply::page(200, t);
    // a1 and a2 share 127.0.0.1 (one lookup for both); m, n, w have addresses of their own.
    let s1 = site(
        pki,
        vec![
            ("a1.scan.test", page("A one")),
            ("a2.scan.test", page("A two")),
        ],
        &[],
    );
    let s2 = Site::start_on(ip(2), pki.acceptor(&["m.scan.test"]), move |_| {
        Reply::page(200, "M")
    });
    let s3 = Site::start_on(ip(3), pki.acceptor(&["n.scan.test"]), move |_| {
        Reply::page(200, "N")
    });
    let s4 = Site::start_on(ip(4), pki.acceptor(&["w.scan.test"]), move |_| {
        Reply::page(200, "W")
    });
    let whois = FakeWhois::start(|q| {
        let ans = if q.ends_with(" 127.0.0.1\r\n") {
            "64500   | 127.0.0.1        | 127.0.0.0/8         | zz | arin     | 2001-01-01 | TEST-AS Caf\u{e9}, ZZ\n"
        } else if q.ends_with(" 127.0.0.2\r\n") {
            "64501 | 127.0.0.2 | 127.0.0.2/32 | FR | ripencc | 2002-02-02 | AS-TWO, FR\n"
        } else if q.ends_with(" 127.0.0.3\r\n") {
            "64502 | 127.0.0.3 | 127.0.0.3/32 | DE | RIPENCC | 2003-03-03 | AS-THREE, DE\n"
        } else {
            "Error: no ASN for you\n"
        };
        ans.to_string()
    });
    let rdap = FakeHttp::start(|req| {
        let body = match req.path() {
            "/rdap/ip/127.0.0.1" => serde_json::json!({"objectClassName": "ip network", "handle": "NET-1",
                "entities": [{"objectClassName": "entity", "handle": "REG-1", "roles": ["registrant"],
                              "vcardArray": ["vcard", [["fn", {}, "text", "Registrant"], ["email", {}, "text", "owner@one.test"]]],
                              "entities": [abuse_entity(" abuse@one.test ")]}]})
            .to_string(),
            "/rdap/ip/127.0.0.2" => r#"{"objectClassName": "ip network", "entities": ["#.to_string(),
            "/rdap/ip/127.0.0.3" => serde_json::json!({"objectClassName": "ip network", "entities": [
                {"handle": "T-1", "roles": ["technical"], "vcardArray": ["vcard", [["email", {}, "text", "tech@three.test"]]]}]})
            .to_string(),
            "/rdap/ip/127.0.0.4" => serde_json::json!({"objectClassName": "ip network", "entities": [abuse_entity("abuse@four.test")]}).to_string(),
            _ => return (404, "application/rdap+json".into(), b"{}".to_vec()),
        };
        (200, "application/rdap+json".into(), body.into_bytes())
    });
    // A match for a1 (keys deliberately not sorted; nested objects, an empty list, a float,
    // true, null), `{}` for the others.
    const SB_MATCH: &str = r#"{"matches": [{"threatType": "SOCIAL_ENGINEERING", "platformType": "ANY_PLATFORM", "threat": {"url": "a1.scan.test"}, "cacheDuration": "300s", "threatEntryType": "URL"}], "zeta": [], "alpha": 1.5, "flag": true, "none": null}"#;
    let sb = FakeHttp::start(|req| {
        let body = if String::from_utf8_lossy(&req.body).contains("\"a1.scan.test\"") {
            SB_MATCH
        } else {
            "{}\n"
        };
        (
            200,
            "application/json; charset=UTF-8".into(),
            body.as_bytes().to_vec(),
        )
    });
    let resolve = vec![
        s1.resolve("a1.scan.test"),
        s1.resolve("a2.scan.test"),
        s2.resolve("m.scan.test"),
        s3.resolve("n.scan.test"),
        s4.resolve("w.scan.test"),
    ];
    let hosts = [
        "a1.scan.test",
        "a2.scan.test",
        "m.scan.test",
        "n.scan.test",
        "w.scan.test",
    ];
    seed(&dir, &hosts.iter().map(|h| fresh(h)).collect::<Vec<_>>());
    base_conf(pki, &resolve)
        .set("ENRICH", "WhoisServer", whois.server())
        .set("ENRICH", "RDAPServer", rdap.url("/rdap"))
        .set("ENRICH", "AllowReserved", "yes")
        .set("SAFEBROWSING", "Safe_Browsing_API_Key", SB_KEY)
        .set("SAFEBROWSING", "Endpoint", sb.url("/v4/threatMatches:find"))
        .write(&dir);
    let run = scan(&dir, &[]);
    run.ok();

    let fp = fingerprint_of("a1.scan.test");
    let expected = format!(
        r#"{{
    "hostname": "a1.scan.test",
    "http_code": 200,
    "cert_serial_number": "{fp}",
    "webpage_title": "A one",
    "ip_addr": "127.0.0.1",
    "asn": "64500",
    "asn_cidr": "127.0.0.0/8",
    "asn_country_code": "ZZ",
    "asn_description": "TEST-AS Caf\u00e9, ZZ",
    "asn_abuse_email": "abuse@one.test",
    "safe_browsing_status": {{
        "matches": [
            {{
                "threatType": "SOCIAL_ENGINEERING",
                "platformType": "ANY_PLATFORM",
                "threat": {{
                    "url": "a1.scan.test"
                }},
                "cacheDuration": "300s",
                "threatEntryType": "URL"
            }}
        ],
        "zeta": [],
        "alpha": 1.5,
        "flag": true,
        "none": null
    }}
}}"#
    );
    let rel = alert_files(&dir)
        .into_iter()
        .find(|f| f.ends_with("/a1.scan.test.json"))
        .expect("a1 alert");
    assert_same_file(&dir, &dir.join(&rel), &expected);
    let repr = format!(
        "{{'hostname': 'a1.scan.test', 'http_code': 200, 'cert_serial_number': '{fp}', 'webpage_title': 'A one', 'ip_addr': '127.0.0.1', 'asn': '64500', 'asn_cidr': '127.0.0.0/8', 'asn_country_code': 'ZZ', 'asn_description': 'TEST-AS Caf\u{e9}, ZZ', 'asn_abuse_email': 'abuse@one.test', 'safe_browsing_status': {{'matches': [{{'threatType': 'SOCIAL_ENGINEERING', 'platformType': 'ANY_PLATFORM', 'threat': {{'url': 'a1.scan.test'}}, 'cacheDuration': '300s', 'threatEntryType': 'URL'}}], 'zeta': [], 'alpha': 1.5, 'flag': True, 'none': None}}}}"
    );
    let creating = format!("Creating {rel} : {repr}");
    assert!(
        plain(&run.out.stdout).lines().any(|l| l == creating),
        "no line\n{creating}\nin\n{}",
        plain(&run.out.stdout)
    );

    let fields = |h: &str| -> [String; 6] {
        let a = alert_of(&dir, h).unwrap();
        [
            "ip_addr",
            "asn",
            "asn_cidr",
            "asn_country_code",
            "asn_description",
            "asn_abuse_email",
        ]
        .map(|k| a[k].as_str().unwrap().to_string())
    };
    let f = |v: [&str; 6]| v.map(str::to_string);
    assert_eq!(
        fields("a2.scan.test"),
        f([
            "127.0.0.1",
            "64500",
            "127.0.0.0/8",
            "ZZ",
            "TEST-AS Caf\u{e9}, ZZ",
            "abuse@one.test"
        ])
    );
    // RDAP answer not JSON: the e-mail stays empty, whois fields kept.
    assert_eq!(
        fields("m.scan.test"),
        f(["127.0.0.2", "64501", "127.0.0.2/32", "FR", "AS-TWO, FR", ""])
    );
    // No abuse entity: the e-mail stays empty (the technical contact is not taken).
    assert_eq!(
        fields("n.scan.test"),
        f([
            "127.0.0.3",
            "64502",
            "127.0.0.3/32",
            "DE",
            "AS-THREE, DE",
            ""
        ])
    );
    // Whois nonsense: ASN fields empty, RDAP (configured server) still gives the e-mail.
    assert_eq!(
        fields("w.scan.test"),
        f(["127.0.0.4", "", "", "", "", "abuse@four.test"])
    );
    for h in ["a2.scan.test", "m.scan.test", "n.scan.test", "w.scan.test"] {
        assert_eq!(
            alert_of(&dir, h).unwrap()["safe_browsing_status"],
            serde_json::json!({}),
            "{h}"
        );
        run.assert_marked_during(still_of(&dir, h).as_deref(), h);
    }

    // One whois and one RDAP query per address, in the Cymru form.
    let mut q = whois.queries();
    q.sort();
    assert_eq!(
        q,
        (1..=4)
            .map(|n| format!(" -r -a -c -p -f 127.0.0.{n}\r\n"))
            .collect::<Vec<_>>()
    );
    let mut paths: Vec<String> = rdap
        .requests()
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        (1..=4)
            .map(|n| format!("/rdap/ip/127.0.0.{n}"))
            .collect::<Vec<_>>()
    );
    for r in rdap.requests() {
        assert_eq!(r.method, "GET");
        assert!(
            r.header("accept")
                .unwrap_or("")
                .contains("application/rdap+json"),
            "{:?}",
            r.headers
        );
    }
    // One Safe Browsing lookup per host, the original's request.
    let reqs = sb.requests();
    assert_eq!(reqs.len(), hosts.len());
    let mut bodies: Vec<String> = reqs
        .iter()
        .map(|r| String::from_utf8(r.body.clone()).unwrap())
        .collect();
    bodies.sort();
    let mut want: Vec<String> = hosts.iter().map(|h| sb_body(h)).collect();
    want.sort();
    assert_eq!(bodies, want);
    for r in &reqs {
        assert_eq!(
            (r.method.as_str(), r.path(), r.query()),
            (
                "POST",
                "/v4/threatMatches:find",
                Some(&*format!("key={SB_KEY}"))
            )
        );
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
    assert!(
        !run.out.stdout.contains(SB_KEY) && !run.out.stderr.contains(SB_KEY),
        "the API key leaked to the console"
    );
    assert_eq!(run.summary(), [5, 5, 0, 0, 0]);
}

// ---------------------------------------------------------------------------------------
// 6. User-Agent

fn ua_run(
    tag: &str,
    ua_file: Option<(&str, Option<&str>)>,
    hosts: usize,
) -> (ScanRun, Vec<Vec<String>>) {
    let pki = pki().unwrap();
    let dir = TempDir::new(tag);
    let names: Vec<String> = (0..hosts).map(|i| format!("ua{i}.scan.test")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let s = site(
        pki,
        refs.iter().map(|h| (*h, Reply::page(200, "UA"))).collect(),
        &[],
    );
    seed(&dir, &refs.iter().map(|h| fresh(h)).collect::<Vec<_>>());
    let mut conf = base_conf(pki, &resolve_all(&s, &refs)).set("CONNECT", "Workers", "12");
    if let Some((file, content)) = ua_file {
        conf = conf.set("CONNECT", "UAfile", file);
        if let Some(c) = content {
            dir.write(file, c);
        }
    }
    conf.write(&dir);
    let run = scan(&dir, &[]);
    run.ok();
    assert_eq!(run.summary()[1], hosts as u64, "{}", run.out.stdout);
    (run, s.requests().iter().map(|r| r.user_agents()).collect())
}

#[test]
fn user_agents_from_uafile_trimmed_or_http_ua_with_one_warning() {
    if pki().is_none() {
        return skip_note();
    }
    // Lines trimmed, blank lines dropped; one pick per request.
    let (run, uas) = ua_run(
        "scan-ua",
        Some((
            "ua.txt",
            Some("  UA-one/1.0  \n\n\tUA-two/2.0 (X11; Linux)\t\r\n   \n"),
        )),
        24,
    );
    let allowed = ["UA-one/1.0", "UA-two/2.0 (X11; Linux)"];
    assert_eq!(uas.len(), 24);
    let mut seen = BTreeSet::new();
    for u in &uas {
        assert_eq!(u.len(), 1, "one User-Agent header per request: {u:?}");
        assert!(allowed.contains(&u[0].as_str()), "{:?}", u[0]);
        seen.insert(u[0].clone());
    }
    // 24 picks among 2 by 12 differently seeded workers: both show up.
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(!run.out.stderr.contains("UAfile"), "{}", run.out.stderr);

    // Missing or empty file: http_UA for every request, one warning for the run.
    for (tag, content) in [
        ("scan-ua-missing", None),
        ("scan-ua-empty", Some(" \n\n\t\n")),
    ] {
        let (run, uas) = ua_run(tag, Some(("ua-list.txt", content)), 6);
        assert_eq!(uas.len(), 6);
        for u in &uas {
            assert_eq!(u, &vec![UA.to_string()], "{tag}");
        }
        let warnings: Vec<&str> = run
            .out
            .stderr
            .lines()
            .filter(|l| l.contains("ua-list.txt"))
            .collect();
        assert_eq!(warnings.len(), 1, "{tag}: {}", run.out.stderr);
        assert!(
            warnings[0].contains("WARNING") && warnings[0].contains("http_UA"),
            "{tag}: {}",
            warnings[0]
        );
    }
}

// ---------------------------------------------------------------------------------------
// 7. Proxies

fn proxy_case(tag: &str, proxy: &str, host: &str, resolve: &[String]) -> (TempDir, ScanRun) {
    let pki = pki().unwrap();
    let dir = TempDir::new(tag);
    seed(&dir, &[fresh(host)]);
    base_conf(pki, resolve)
        .set("CONNECT", "Proxy", proxy)
        .write(&dir);
    let run = scan(&dir, &[]);
    run.ok();
    (dir, run)
}

#[test]
fn http_connect_proxy_carries_the_probe_rdap_and_safe_browsing() {
    let Some(pki) = pki() else { return skip_note() };
    let host = "px.scan.test";
    let s = site(pki, vec![(host, Reply::page(200, "Proxied"))], &[]);
    let whois = FakeWhois::start(|_| {
        "64500 | 127.0.0.1 | 127.0.0.0/8 | ZZ | arin | 2001-01-01 | TEST-AS, ZZ\n".to_string()
    });
    let rdap = FakeHttp::start(|_| {
        (
            200,
            "application/rdap+json".into(),
            serde_json::json!({"entities": [abuse_entity("abuse@px.test")]})
                .to_string()
                .into_bytes(),
        )
    });
    let sb = FakeHttp::start(|_| (200, "application/json".into(), b"{}".to_vec()));
    // The proxy resolves names itself (its own table): that is what a CONNECT proxy does.
    let proxy = TunnelProxy::start(HashMap::from([(
        host.to_string(),
        SocketAddr::from(([127, 0, 0, 1], s.port)),
    )]));
    let dir = TempDir::new("scan-proxy-http");
    seed(&dir, &[fresh(host)]);
    base_conf(pki, &[s.resolve(host)])
        .set("CONNECT", "Proxy", proxy.url())
        .set("ENRICH", "WhoisServer", whois.server())
        .set("ENRICH", "RDAPServer", rdap.url("/rdap/"))
        .set("ENRICH", "AllowReserved", "yes")
        .set("SAFEBROWSING", "Safe_Browsing_API_Key", SB_KEY)
        .set("SAFEBROWSING", "Endpoint", sb.url("/v4/threatMatches:find"))
        .write(&dir);
    let run = scan(&dir, &[]);
    run.ok();
    run.assert_has("SUCCESS", &format!("HTTP 200 - {host}"));
    // The tunnel to the site is asked for by name and the URL's port: under an HTTP proxy,
    // [CONNECT] Resolve does not redirect the target (the proxy resolves it); it still gives
    // ip_addr.
    let targets: BTreeSet<String> = proxy.targets().into_iter().collect();
    let want: BTreeSet<String> = [
        format!("{host}:443"),
        rdap.addr.to_string(),
        sb.addr.to_string(),
    ]
    .into_iter()
    .collect();
    assert_eq!(targets, want);
    assert_eq!(s.requests_for(host).len(), 1);
    let a = alert_of(&dir, host).unwrap();
    assert_eq!(a["webpage_title"], "Proxied");
    assert_eq!(a["ip_addr"], "127.0.0.1");
    assert_eq!(a["asn_abuse_email"], "abuse@px.test");
    assert_eq!(a["safe_browsing_status"], serde_json::json!({}));
    // Whois (TCP 43) goes direct, as in the original.
    assert_eq!(whois.queries().len(), 1);
    run.assert_marked_during(still_of(&dir, host).as_deref(), host);
}

#[test]
fn socks5_and_socks5h_proxies_and_a_dead_proxy() {
    let Some(pki) = pki() else { return skip_note() };
    let host = "sx.scan.test";
    let s = site(pki, vec![(host, Reply::page(200, "Socks"))], &[]);
    let routes = HashMap::from([(host.to_string(), SocketAddr::from(([127, 0, 0, 1], s.port)))]);

    // socks5h: the name goes to the proxy, which resolves it.
    let p = Socks5Proxy::start(routes.clone());
    let (dir, run) = proxy_case("scan-socks5h", &p.url("socks5h"), host, &[s.resolve(host)]);
    run.assert_has("SUCCESS", &format!("HTTP 200 - {host}"));
    assert_eq!(
        p.targets(),
        vec![format!("{host}:443")],
        "socks5h must pass the host name"
    );
    assert_eq!(alert_of(&dir, host).unwrap()["webpage_title"], "Socks");
    run.assert_marked_during(still_of(&dir, host).as_deref(), host);

    // socks5: resolved locally, so [CONNECT] Resolve applies and the proxy sees its address.
    let p = Socks5Proxy::start(routes.clone());
    let (dir, run) = proxy_case("scan-socks5", &p.url("socks5"), host, &[s.resolve(host)]);
    run.assert_has("SUCCESS", &format!("HTTP 200 - {host}"));
    assert_eq!(p.targets(), vec![format!("127.0.0.1:{}", s.port)]);
    run.assert_marked_during(still_of(&dir, host).as_deref(), host);

    // Nothing listens at the proxy: a connection error, not marked.
    let dead = format!(
        "http://{}",
        refused("x")
            .rsplit_once(":127.0.0.1:")
            .map(|(_, p)| format!("127.0.0.1:{p}"))
            .unwrap()
    );
    let before = s.requests().len();
    let (dir, run) = proxy_case("scan-proxy-dead", &dead, host, &[s.resolve(host)]);
    run.assert_has("ERROR", &format!("  https://{host} - Connection error"));
    assert_eq!(still_of(&dir, host), None);
    assert!(alert_files(&dir).is_empty());
    assert_eq!(s.requests().len(), before, "went around the dead proxy");
}

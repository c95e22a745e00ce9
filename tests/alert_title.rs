//! Alert files, Python reprs, alert paths and page titles, against values produced by the real
//! Python (tools/gen_alert_title.py writes the GENERATED block below; rerun it after changing
//! its tables: `python3 tools/gen_alert_title.py`).

use certstreammonitor::alert::Alert;
use certstreammonitor::clock::CivilTime;
use certstreammonitor::pycompat::python_literal::py_isprintable;
use certstreammonitor::scan::alert::{alert_path, alerts_dir, unsafe_name_reason, write_atomic};
use certstreammonitor::scan::title::{decode, page_title};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

fn alert_from(strs: &[&str; 9], http_code: u16, sbs_json: &str) -> Alert {
    Alert {
        hostname: strs[0].to_string(),
        http_code,
        cert_serial_number: strs[1].to_string(),
        webpage_title: strs[2].to_string(),
        ip_addr: strs[3].to_string(),
        asn: strs[4].to_string(),
        asn_cidr: strs[5].to_string(),
        asn_country_code: strs[6].to_string(),
        asn_description: strs[7].to_string(),
        asn_abuse_email: strs[8].to_string(),
        safe_browsing_status: serde_json::from_str(sbs_json).expect("sbs json"),
    }
}

fn default_alert(title: &str) -> Alert {
    alert_from(
        &[
            "login-paypal.example.com",
            "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B",
            title,
            "198.49.23.145",
            "53831",
            "198.49.23.0/24",
            "US",
            "SQUARESPACE, US",
            "abuse-network@squarespace.com",
        ],
        200,
        "\"No API key in config file\"",
    )
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "csm-alert-title-{}-{}-{}",
            tag,
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Every file under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, d: &Path, out: &mut Vec<String>) {
        for e in fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

// ---------------------------------------------------------------------------------------------
// Alert renderings

#[test]
fn to_json_matches_python_json_dump() {
    for (name, strs, code, sbs, json, _, _) in ALERTS {
        let a = alert_from(strs, *code, sbs);
        assert_eq!(a.to_json(), *json, "case {name}");
        // And it is valid JSON that reads back to the same alert.
        let v: Value = serde_json::from_str(&a.to_json()).unwrap();
        assert_eq!(
            v["safe_browsing_status"], a.safe_browsing_status,
            "case {name}"
        );
        assert_eq!(
            v["webpage_title"],
            Value::String(a.webpage_title.clone()),
            "case {name}"
        );
    }
}

#[test]
fn to_python_repr_matches_python_str() {
    for (name, strs, code, sbs, _, repr, _) in ALERTS {
        assert_eq!(
            alert_from(strs, *code, sbs).to_python_repr(),
            *repr,
            "case {name}"
        );
    }
    for (title, repr) in REPR_TITLES {
        assert_eq!(
            default_alert(title).to_python_repr(),
            *repr,
            "title {title:?}"
        );
    }
}

#[test]
fn notification_body_matches_python() {
    for (name, strs, code, sbs, _, _, body) in ALERTS {
        assert_eq!(
            alert_from(strs, *code, sbs).notification_body(),
            *body,
            "case {name}"
        );
    }
}

#[test]
fn fields_in_order_with_json_for_non_strings() {
    let (_, strs, code, sbs, _, _, _) = ALERTS.iter().find(|c| c.0 == "sbs_matches").unwrap();
    let a = alert_from(strs, *code, sbs);
    let f = a.fields();
    let keys: Vec<&str> = f.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        keys,
        [
            "hostname",
            "http_code",
            "cert_serial_number",
            "webpage_title",
            "ip_addr",
            "asn",
            "asn_cidr",
            "asn_country_code",
            "asn_description",
            "asn_abuse_email",
            "safe_browsing_status"
        ]
    );
    assert_eq!(f[0].1, "login-paypal.example.com");
    assert_eq!(f[1].1, "200");
    assert_eq!(f[3].1, "Log in");
    assert!(
        f[10]
            .1
            .starts_with("{\"matches\":[{\"threatType\":\"SOCIAL_ENGINEERING\""),
        "{}",
        f[10].1
    );
    assert_eq!(
        serde_json::from_str::<Value>(&f[10].1).unwrap(),
        a.safe_browsing_status
    );
    // A string status is given verbatim, not quoted.
    assert_eq!(
        default_alert("x").fields()[10].1,
        "No API key in config file"
    );
}

// ---------------------------------------------------------------------------------------------
// Alert paths

#[test]
fn alerts_dir_placeholders_like_generate_alert_dir() {
    for (tpl, (year, month, day, hour, minute, second), want) in ALERTS_DIR {
        let now = CivilTime {
            year: *year,
            month: *month,
            day: *day,
            hour: *hour,
            minute: *minute,
            second: *second,
        };
        assert_eq!(alerts_dir(tpl, now), *want, "template {tpl:?} at {now:?}");
    }
}

#[test]
fn alert_path_flat_and_fqdn_tree() {
    let dir = Path::new("./alerts/2024/05/01");
    assert_eq!(
        alert_path(dir, "www.login-paypal.com", false).unwrap(),
        PathBuf::from("./alerts/2024/05/01/www.login-paypal.com.json")
    );
    assert_eq!(
        alert_path(dir, "www.login-paypal.com", true).unwrap(),
        PathBuf::from("./alerts/2024/05/01/com/login-paypal/www/www.login-paypal.com.json")
    );
    // The original concatenated with "/": a trailing slash is kept (same path, same console line).
    assert_eq!(
        alert_path(Path::new("./alerts/"), "a.example", false)
            .unwrap()
            .to_str()
            .unwrap(),
        "./alerts//a.example.json"
    );
    // Single label, wildcard, leading '-', IDN, non-ASCII: all legal file names.
    assert_eq!(
        alert_path(dir, "localhost", true).unwrap(),
        dir.join("localhost/localhost.json")
    );
    assert_eq!(
        alert_path(dir, "*.example.com", true).unwrap(),
        dir.join("com/example/*/*.example.com.json")
    );
    assert_eq!(
        alert_path(dir, "-x.example", false).unwrap(),
        dir.join("-x.example.json")
    );
    assert_eq!(
        alert_path(dir, "xn--pypal-4ve.com", false).unwrap(),
        dir.join("xn--pypal-4ve.com.json")
    );
    assert_eq!(
        alert_path(dir, "café.example", true).unwrap(),
        dir.join("example/café/café.example.json")
    );
    assert_eq!(
        alert_path(dir, "a_b c.example", false).unwrap(),
        dir.join("a_b c.example.json")
    );
}

#[test]
fn unsafe_names_are_refused_with_a_reason() {
    let long_label = "a".repeat(64);
    let name_254 = format!(
        "{}.{}.{}.{}",
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(62)
    );
    let name_251 = format!(
        "{}.{}.{}.{}",
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(59)
    );
    let cases: &[(&str, &str)] = &[
        ("", "empty"),
        ("../x", "'/'"),
        ("a/b", "'/'"),
        ("/etc/passwd", "'/'"),
        ("a\\b", "'\\'"),
        ("a\0b", "NUL"),
        ("a\nb.example", "control character ('\\n')"),
        ("a\u{1b}[31m.example", "control character ('\\x1b')"),
        ("a\u{85}b", "control character ('\\x85')"),
        ("a\u{7f}b", "control character ('\\x7f')"),
        ("..", "empty label"),
        (".", "empty label"),
        ("x..y", "empty label"),
        (".hidden.example", "empty label"),
        ("example.com.", "empty label"),
        (&long_label, "label of 64 bytes"),
        (&name_254, "254 bytes long (over 253)"),
        (&name_251, "255-byte file name limit"),
    ];
    let dir = Path::new("alerts");
    for (name, reason_part) in cases {
        let reason = unsafe_name_reason(name).unwrap_or_else(|| panic!("{name:?} accepted"));
        assert!(reason.contains(reason_part), "{name:?}: {reason}");
        for fqdn in [false, true] {
            assert_eq!(alert_path(dir, name, fqdn), Err(reason.clone()), "{name:?}");
        }
    }
    let name_250 = format!(
        "{}.{}.{}.{}",
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(58)
    );
    assert_eq!(name_250.len(), 250);
    for ok in [
        "a.example",
        "*.example.com",
        "-lead.example",
        "a-.b",
        "xn--80ak6aa92e.com",
        "ÉTÉ.fr",
        &name_250,
    ] {
        assert_eq!(unsafe_name_reason(ok), None, "{ok:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// write_atomic

#[test]
fn write_atomic_creates_parents_writes_exactly_and_leaves_no_temp_files() {
    let tmp = TempDir::new("write");
    let a = default_alert("Caf\u{e9} \u{1F600}");
    let path = alert_path(&tmp.0.join("2024/05/01"), "www.login-paypal.com", true).unwrap();
    write_atomic(&path, a.to_json().as_bytes()).unwrap();
    assert_eq!(fs::read(&path).unwrap(), a.to_json().as_bytes());
    assert_eq!(
        tree(&tmp.0),
        ["2024/05/01/com/login-paypal/www/www.login-paypal.com.json"]
    );

    // Overwrite with shorter contents: truncated, not merged.
    write_atomic(&path, b"{}").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"{}");
    // Empty contents.
    write_atomic(&path, b"").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"");
    assert_eq!(tree(&tmp.0).len(), 1);

    // A file name at the 255-byte limit still works (the temp name is short).
    let name_250 = format!(
        "{}.{}.{}.{}",
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(58)
    );
    let long = alert_path(&tmp.0, &name_250, false).unwrap();
    write_atomic(&long, b"x").unwrap();
    assert_eq!(fs::read(&long).unwrap(), b"x");
    assert_eq!(tree(&tmp.0).len(), 2);
}

#[test]
fn write_atomic_error_leaves_nothing_behind() {
    let tmp = TempDir::new("err");
    // The target is an existing directory: the rename fails, the temp file is removed.
    fs::create_dir_all(tmp.0.join("d.json/inner")).unwrap();
    assert!(write_atomic(&tmp.0.join("d.json"), b"data").is_err());
    assert_eq!(tree(&tmp.0), Vec::<String>::new());
    // A parent that is a file.
    fs::write(tmp.0.join("file"), b"f").unwrap();
    assert!(write_atomic(&tmp.0.join("file/x.json"), b"data").is_err());
    assert_eq!(tree(&tmp.0), ["file"]);
}

#[test]
fn write_atomic_concurrent_writers_never_show_half_a_file() {
    let tmp = TempDir::new("race");
    let path = tmp.0.join("alerts/host.example.json");
    let big_a = vec![b'a'; 256 * 1024];
    let big_b = vec![b'b'; 256 * 1024];
    write_atomic(&path, &big_a).unwrap();
    std::thread::scope(|s| {
        for t in 0..8 {
            let (path, data) = (&path, if t % 2 == 0 { &big_a } else { &big_b });
            s.spawn(move || {
                for _ in 0..20 {
                    write_atomic(path, data).unwrap();
                }
            });
        }
        s.spawn(|| {
            for _ in 0..200 {
                let got = fs::read(&path).unwrap();
                assert!(
                    got == big_a || got == big_b,
                    "torn read of {} bytes",
                    got.len()
                );
            }
        });
    });
    assert_eq!(tree(&tmp.0), ["alerts/host.example.json"]);
}

// ---------------------------------------------------------------------------------------------
// Titles

#[test]
fn page_title_table() {
    for (name, body, ct, want) in TITLES {
        assert_eq!(page_title(body, *ct), *want, "case {name}");
    }
}

#[test]
fn page_title_one_megabyte_page() {
    let mut body =
        b"<!doctype html><html><head><title>Sign in \xe2\x80\x93 Bank</title></head><body>"
            .to_vec();
    while body.len() < 1024 * 1024 {
        body.extend_from_slice(b"<div class=\"row\"><p>lorem ipsum dolor sit amet</p>\n</div>\n");
    }
    let t = std::time::Instant::now();
    assert_eq!(
        page_title(&body, Some("text/html")),
        "Sign in \u{2013} Bank"
    );
    // Title at the end of a 1 MB page, and none at all: still found / "" (and not slow).
    body.extend_from_slice(b"<svg><title>end</title></svg>");
    assert_eq!(page_title(&body[40..], None), "end");
    assert_eq!(page_title(&body[60..body.len() - 30], None), "");
    assert!(t.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn decode_every_byte_like_python() {
    for (label, want) in DECODE_ALL_BYTES {
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(&all, Some(label)), *want, "{label}");
    }
    for (bytes, want) in INVALID_UTF8 {
        assert_eq!(decode(bytes, Some("utf-8")), *want, "{bytes:x?}");
        assert_eq!(decode(bytes, None), *want, "{bytes:x?}");
    }
}

#[test]
fn decode_labels() {
    let e = b"\xe9";
    for l in ["utf-8", "UTF8", "utf_8"] {
        assert_eq!(decode("é".as_bytes(), Some(l)), "é", "{l}");
    }
    for l in [
        "iso-8859-1",
        "ISO_8859-1",
        "latin-1",
        "Latin1",
        "l1",
        "us-ascii",
        "ASCII",
    ] {
        assert_eq!(decode(e, Some(l)), "é", "{l}");
    }
    for l in ["windows-1252", "CP1252"] {
        assert_eq!(decode(b"\x80", Some(l)), "€", "{l}");
    }
    assert_eq!(decode(b"\xa4", Some("ISO-8859-15")), "€");
    // Unknown or absent charset: UTF-8 with replacement characters.
    assert_eq!(decode(e, Some("koi8-r")), "\u{FFFD}");
    assert_eq!(decode(e, None), "\u{FFFD}");
}

#[test]
fn printable_table_is_pythons() {
    let (mut n, mut sum, mut sq) = (0u64, 0u64, 0u64);
    for c in 0..0x110000u32 {
        if !py_isprintable(c) {
            n += 1;
            sum += c as u64;
            sq = sq.wrapping_add((c as u64) * (c as u64));
        }
    }
    assert_eq!((n, sum, sq), NON_PRINTABLE_DIGEST);
}

// BEGIN GENERATED
// Generated by tools/gen_alert_title.py with Python 3.11.7; do not edit by hand.

/// (name, alert fields, safe_browsing_status as JSON, json.dump, str(d), notification body)
type AlertCase = (
    &'static str,
    [&'static str; 9],
    u16,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);
const ALERTS: &[AlertCase] = &[
    (
        "ascii",
        ["login-paypal.example.com", "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B", "Log in", "198.49.23.145", "53831", "198.49.23.0/24", "US", "SQUARESPACE, US", "abuse-network@squarespace.com"],
        200,
        "\"No API key in config file\"",
        "{\u{a}    \"hostname\": \"login-paypal.example.com\",\u{a}    \"http_code\": 200,\u{a}    \"cert_serial_number\": \"2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B\",\u{a}    \"webpage_title\": \"Log in\",\u{a}    \"ip_addr\": \"198.49.23.145\",\u{a}    \"asn\": \"53831\",\u{a}    \"asn_cidr\": \"198.49.23.0/24\",\u{a}    \"asn_country_code\": \"US\",\u{a}    \"asn_description\": \"SQUARESPACE, US\",\u{a}    \"asn_abuse_email\": \"abuse-network@squarespace.com\",\u{a}    \"safe_browsing_status\": \"No API key in config file\"\u{a}}",
        "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'Log in', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}",
        "'hostname': 'login-paypal.example.com'\u{a}'http_code': 200\u{a}'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B'\u{a}'webpage_title': 'Log in'\u{a}'ip_addr': '198.49.23.145'\u{a}'asn': '53831'\u{a}'asn_cidr': '198.49.23.0/24'\u{a}'asn_country_code': 'US'\u{a}'asn_description': 'SQUARESPACE, US'\u{a}'asn_abuse_email': 'abuse-network@squarespace.com'\u{a}'safe_browsing_status': 'No API key in config file'",
    ),
    (
        "latin1_e_acute",
        ["login-paypal.example.com", "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B", "Caf\u{e9} login", "198.49.23.145", "53831", "198.49.23.0/24", "US", "SQUARESPACE, US", "abuse-network@squarespace.com"],
        200,
        "\"No API key in config file\"",
        "{\u{a}    \"hostname\": \"login-paypal.example.com\",\u{a}    \"http_code\": 200,\u{a}    \"cert_serial_number\": \"2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B\",\u{a}    \"webpage_title\": \"Caf\\u00e9 login\",\u{a}    \"ip_addr\": \"198.49.23.145\",\u{a}    \"asn\": \"53831\",\u{a}    \"asn_cidr\": \"198.49.23.0/24\",\u{a}    \"asn_country_code\": \"US\",\u{a}    \"asn_description\": \"SQUARESPACE, US\",\u{a}    \"asn_abuse_email\": \"abuse-network@squarespace.com\",\u{a}    \"safe_browsing_status\": \"No API key in config file\"\u{a}}",
        "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'Caf\u{e9} login', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}",
        "'hostname': 'login-paypal.example.com'\u{a}'http_code': 200\u{a}'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B'\u{a}'webpage_title': 'Caf\u{e9} login'\u{a}'ip_addr': '198.49.23.145'\u{a}'asn': '53831'\u{a}'asn_cidr': '198.49.23.0/24'\u{a}'asn_country_code': 'US'\u{a}'asn_description': 'SQUARESPACE, US'\u{a}'asn_abuse_email': 'abuse-network@squarespace.com'\u{a}'safe_browsing_status': 'No API key in config file'",
    ),
    (
        "cjk",
        ["login-paypal.example.com", "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B", "\u{30ed}\u{30b0}\u{30a4}\u{30f3} - \u{652f}\u{4ed8}\u{5b9d}", "198.49.23.145", "53831", "198.49.23.0/24", "US", "SQUARESPACE, US", "abuse-network@squarespace.com"],
        200,
        "\"No API key in config file\"",
        "{\u{a}    \"hostname\": \"login-paypal.example.com\",\u{a}    \"http_code\": 200,\u{a}    \"cert_serial_number\": \"2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B\",\u{a}    \"webpage_title\": \"\\u30ed\\u30b0\\u30a4\\u30f3 - \\u652f\\u4ed8\\u5b9d\",\u{a}    \"ip_addr\": \"198.49.23.145\",\u{a}    \"asn\": \"53831\",\u{a}    \"asn_cidr\": \"198.49.23.0/24\",\u{a}    \"asn_country_code\": \"US\",\u{a}    \"asn_description\": \"SQUARESPACE, US\",\u{a}    \"asn_abuse_email\": \"abuse-network@squarespace.com\",\u{a}    \"safe_browsing_status\": \"No API key in config file\"\u{a}}",
        "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': '\u{30ed}\u{30b0}\u{30a4}\u{30f3} - \u{652f}\u{4ed8}\u{5b9d}', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}",
        "'hostname': 'login-paypal.example.com'\u{a}'http_code': 200\u{a}'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B'\u{a}'webpage_title': '\u{30ed}\u{30b0}\u{30a4}\u{30f3} - \u{652f}\u{4ed8}\u{5b9d}'\u{a}'ip_addr': '198.49.23.145'\u{a}'asn': '53831'\u{a}'asn_cidr': '198.49.23.0/24'\u{a}'asn_country_code': 'US'\u{a}'asn_description': 'SQUARESPACE, US'\u{a}'asn_abuse_email': 'abuse-network@squarespace.com'\u{a}'safe_browsing_status': 'No API key in config file'",
    ),
    (
        "emoji_astral",
        ["login-paypal.example.com", "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B", "Caf\u{e9} \u{1f600} win", "198.49.23.145", "53831", "198.49.23.0/24", "US", "SQUARESPACE, US", "abuse-network@squarespace.com"],
        200,
        "\"No API key in config file\"",
        "{\u{a}    \"hostname\": \"login-paypal.example.com\",\u{a}    \"http_code\": 200,\u{a}    \"cert_serial_number\": \"2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B\",\u{a}    \"webpage_title\": \"Caf\\u00e9 \\ud83d\\ude00 win\",\u{a}    \"ip_addr\": \"198.49.23.145\",\u{a}    \"asn\": \"53831\",\u{a}    \"asn_cidr\": \"198.49.23.0/24\",\u{a}    \"asn_country_code\": \"US\",\u{a}    \"asn_description\": \"SQUARESPACE, US\",\u{a}    \"asn_abuse_email\": \"abuse-network@squarespace.com\",\u{a}    \"safe_browsing_status\": \"No API key in config file\"\u{a}}",
        "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'Caf\u{e9} \u{1f600} win', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}",
        "'hostname': 'login-paypal.example.com'\u{a}'http_code': 200\u{a}'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B'\u{a}'webpage_title': 'Caf\u{e9} \u{1f600} win'\u{a}'ip_addr': '198.49.23.145'\u{a}'asn': '53831'\u{a}'asn_cidr': '198.49.23.0/24'\u{a}'asn_country_code': 'US'\u{a}'asn_description': 'SQUARESPACE, US'\u{a}'asn_abuse_email': 'abuse-network@squarespace.com'\u{a}'safe_browsing_status': 'No API key in config file'",
    ),
    (
        "control_chars",
        ["login-paypal.example.com", "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B", "a\u{0}b\u{1}c\u{1f}d\u{7f}e\u{80}f\u{9f} g\u{9}Tab\u{a}NL\u{d}CR\u{8}BS\u{c}FF", "198.49.23.145", "53831", "198.49.23.0/24", "US", "SQUARESPACE, US", "abuse-network@squarespace.com"],
        200,
        "\"No API key in config file\"",
        "{\u{a}    \"hostname\": \"login-paypal.example.com\",\u{a}    \"http_code\": 200,\u{a}    \"cert_serial_number\": \"2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B\",\u{a}    \"webpage_title\": \"a\\u0000b\\u0001c\\u001fd\\u007fe\\u0080f\\u009f g\\tTab\\nNL\\rCR\\bBS\\fFF\",\u{a}    \"ip_addr\": \"198.49.23.145\",\u{a}    \"asn\": \"53831\",\u{a}    \"asn_cidr\": \"198.49.23.0/24\",\u{a}    \"asn_country_code\": \"US\",\u{a}    \"asn_description\": \"SQUARESPACE, US\",\u{a}    \"asn_abuse_email\": \"abuse-network@squarespace.com\",\u{a}    \"safe_browsing_status\": \"No API key in config file\"\u{a}}",
        "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'a\\x00b\\x01c\\x1fd\\x7fe\\x80f\\x9f g\\tTab\\nNL\\rCR\\x08BS\\x0cFF', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}",
        "'hostname': 'login-paypal.example.com'\u{a}'http_code': 200\u{a}'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B'\u{a}'webpage_title': 'a\\x00b\\x01c\\x1fd\\x7fe\\x80f\\x9f g\\tTab\\nNL\\rCR\\x08BS\\x0cFF'\u{a}'ip_addr': '198.49.23.145'\u{a}'asn': '53831'\u{a}'asn_cidr': '198.49.23.0/24'\u{a}'asn_country_code': 'US'\u{a}'asn_description': 'SQUARESPACE, US'\u{a}'asn_abuse_email': 'abuse-network@squarespace.com'\u{a}'safe_browsing_status': 'No API key in config file'",
    ),
    (
        "quotes_backslashes",
        ["login-paypal.example.com", "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B", "it's \"quoted\" \\ back/slash", "198.49.23.145", "53831", "198.49.23.0/24", "US", "SQUARESPACE, US", "abuse-network@squarespace.com"],
        200,
        "\"No API key in config file\"",
        "{\u{a}    \"hostname\": \"login-paypal.example.com\",\u{a}    \"http_code\": 200,\u{a}    \"cert_serial_number\": \"2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B\",\u{a}    \"webpage_title\": \"it's \\\"quoted\\\" \\\\ back/slash\",\u{a}    \"ip_addr\": \"198.49.23.145\",\u{a}    \"asn\": \"53831\",\u{a}    \"asn_cidr\": \"198.49.23.0/24\",\u{a}    \"asn_country_code\": \"US\",\u{a}    \"asn_description\": \"SQUARESPACE, US\",\u{a}    \"asn_abuse_email\": \"abuse-network@squarespace.com\",\u{a}    \"safe_browsing_status\": \"No API key in config file\"\u{a}}",
        "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'it\\'s \"quoted\" \\\\ back/slash', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}",
        "'hostname': 'login-paypal.example.com'\u{a}'http_code': 200\u{a}'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B'\u{a}'webpage_title': 'it\\'s \"quoted\" \\\\ back/slash'\u{a}'ip_addr': '198.49.23.145'\u{a}'asn': '53831'\u{a}'asn_cidr': '198.49.23.0/24'\u{a}'asn_country_code': 'US'\u{a}'asn_description': 'SQUARESPACE, US'\u{a}'asn_abuse_email': 'abuse-network@squarespace.com'\u{a}'safe_browsing_status': 'No API key in config file'",
    ),
    (
        "single_quote_only",
        ["login-paypal.example.com", "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B", "it's", "198.49.23.145", "53831", "198.49.23.0/24", "US", "SQUARESPACE, US", "abuse-network@squarespace.com"],
        200,
        "\"No API key in config file\"",
        "{\u{a}    \"hostname\": \"login-paypal.example.com\",\u{a}    \"http_code\": 200,\u{a}    \"cert_serial_number\": \"2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B\",\u{a}    \"webpage_title\": \"it's\",\u{a}    \"ip_addr\": \"198.49.23.145\",\u{a}    \"asn\": \"53831\",\u{a}    \"asn_cidr\": \"198.49.23.0/24\",\u{a}    \"asn_country_code\": \"US\",\u{a}    \"asn_description\": \"SQUARESPACE, US\",\u{a}    \"asn_abuse_email\": \"abuse-network@squarespace.com\",\u{a}    \"safe_browsing_status\": \"No API key in config file\"\u{a}}",
        "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': \"it's\", 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}",
        "'hostname': 'login-paypal.example.com'\u{a}'http_code': 200\u{a}'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B'\u{a}'webpage_title': \"it's\"\u{a}'ip_addr': '198.49.23.145'\u{a}'asn': '53831'\u{a}'asn_cidr': '198.49.23.0/24'\u{a}'asn_country_code': 'US'\u{a}'asn_description': 'SQUARESPACE, US'\u{a}'asn_abuse_email': 'abuse-network@squarespace.com'\u{a}'safe_browsing_status': 'No API key in config file'",
    ),
    (
        "double_quote_only",
        ["login-paypal.example.com", "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B", "say \"hi\"", "198.49.23.145", "53831", "198.49.23.0/24", "US", "SQUARESPACE, US", "abuse-network@squarespace.com"],
        200,
        "\"No API key in config file\"",
        "{\u{a}    \"hostname\": \"login-paypal.example.com\",\u{a}    \"http_code\": 200,\u{a}    \"cert_serial_number\": \"2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B\",\u{a}    \"webpage_title\": \"say \\\"hi\\\"\",\u{a}    \"ip_addr\": \"198.49.23.145\",\u{a}    \"asn\": \"53831\",\u{a}    \"asn_cidr\": \"198.49.23.0/24\",\u{a}    \"asn_country_code\": \"US\",\u{a}    \"asn_description\": \"SQUARESPACE, US\",\u{a}    \"asn_abuse_email\": \"abuse-network@squarespace.com\",\u{a}    \"safe_browsing_status\": \"No API key in config file\"\u{a}}",
        "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'say \"hi\"', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}",
        "'hostname': 'login-paypal.example.com'\u{a}'http_code': 200\u{a}'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B'\u{a}'webpage_title': 'say \"hi\"'\u{a}'ip_addr': '198.49.23.145'\u{a}'asn': '53831'\u{a}'asn_cidr': '198.49.23.0/24'\u{a}'asn_country_code': 'US'\u{a}'asn_description': 'SQUARESPACE, US'\u{a}'asn_abuse_email': 'abuse-network@squarespace.com'\u{a}'safe_browsing_status': 'No API key in config file'",
    ),
    (
        "both_quotes",
        ["login-paypal.example.com", "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B", "it's \"x\"", "198.49.23.145", "53831", "198.49.23.0/24", "US", "SQUARESPACE, US", "abuse-network@squarespace.com"],
        200,
        "\"No API key in config file\"",
        "{\u{a}    \"hostname\": \"login-paypal.example.com\",\u{a}    \"http_code\": 200,\u{a}    \"cert_serial_number\": \"2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B\",\u{a}    \"webpage_title\": \"it's \\\"x\\\"\",\u{a}    \"ip_addr\": \"198.49.23.145\",\u{a}    \"asn\": \"53831\",\u{a}    \"asn_cidr\": \"198.49.23.0/24\",\u{a}    \"asn_country_code\": \"US\",\u{a}    \"asn_description\": \"SQUARESPACE, US\",\u{a}    \"asn_abuse_email\": \"abuse-network@squarespace.com\",\u{a}    \"safe_browsing_status\": \"No API key in config file\"\u{a}}",
        "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'it\\'s \"x\"', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}",
        "'hostname': 'login-paypal.example.com'\u{a}'http_code': 200\u{a}'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B'\u{a}'webpage_title': 'it\\'s \"x\"'\u{a}'ip_addr': '198.49.23.145'\u{a}'asn': '53831'\u{a}'asn_cidr': '198.49.23.0/24'\u{a}'asn_country_code': 'US'\u{a}'asn_description': 'SQUARESPACE, US'\u{a}'asn_abuse_email': 'abuse-network@squarespace.com'\u{a}'safe_browsing_status': 'No API key in config file'",
    ),
    (
        "nbsp_zwsp",
        ["login-paypal.example.com", "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B", "a\u{a0}b\u{200b}c\u{2028}d\u{3000}e\u{feff}", "198.49.23.145", "53831", "198.49.23.0/24", "US", "SQUARESPACE, US", "abuse-network@squarespace.com"],
        200,
        "\"No API key in config file\"",
        "{\u{a}    \"hostname\": \"login-paypal.example.com\",\u{a}    \"http_code\": 200,\u{a}    \"cert_serial_number\": \"2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B\",\u{a}    \"webpage_title\": \"a\\u00a0b\\u200bc\\u2028d\\u3000e\\ufeff\",\u{a}    \"ip_addr\": \"198.49.23.145\",\u{a}    \"asn\": \"53831\",\u{a}    \"asn_cidr\": \"198.49.23.0/24\",\u{a}    \"asn_country_code\": \"US\",\u{a}    \"asn_description\": \"SQUARESPACE, US\",\u{a}    \"asn_abuse_email\": \"abuse-network@squarespace.com\",\u{a}    \"safe_browsing_status\": \"No API key in config file\"\u{a}}",
        "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'a\\xa0b\\u200bc\\u2028d\\u3000e\\ufeff', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}",
        "'hostname': 'login-paypal.example.com'\u{a}'http_code': 200\u{a}'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B'\u{a}'webpage_title': 'a\\xa0b\\u200bc\\u2028d\\u3000e\\ufeff'\u{a}'ip_addr': '198.49.23.145'\u{a}'asn': '53831'\u{a}'asn_cidr': '198.49.23.0/24'\u{a}'asn_country_code': 'US'\u{a}'asn_description': 'SQUARESPACE, US'\u{a}'asn_abuse_email': 'abuse-network@squarespace.com'\u{a}'safe_browsing_status': 'No API key in config file'",
    ),
    (
        "private_use_unassigned",
        ["login-paypal.example.com", "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B", "\u{e000}\u{f0000}\u{1faf9}\u{378}", "198.49.23.145", "53831", "198.49.23.0/24", "US", "SQUARESPACE, US", "abuse-network@squarespace.com"],
        200,
        "\"No API key in config file\"",
        "{\u{a}    \"hostname\": \"login-paypal.example.com\",\u{a}    \"http_code\": 200,\u{a}    \"cert_serial_number\": \"2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B\",\u{a}    \"webpage_title\": \"\\ue000\\udb80\\udc00\\ud83e\\udef9\\u0378\",\u{a}    \"ip_addr\": \"198.49.23.145\",\u{a}    \"asn\": \"53831\",\u{a}    \"asn_cidr\": \"198.49.23.0/24\",\u{a}    \"asn_country_code\": \"US\",\u{a}    \"asn_description\": \"SQUARESPACE, US\",\u{a}    \"asn_abuse_email\": \"abuse-network@squarespace.com\",\u{a}    \"safe_browsing_status\": \"No API key in config file\"\u{a}}",
        "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': '\\ue000\\U000f0000\\U0001faf9\\u0378', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}",
        "'hostname': 'login-paypal.example.com'\u{a}'http_code': 200\u{a}'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B'\u{a}'webpage_title': '\\ue000\\U000f0000\\U0001faf9\\u0378'\u{a}'ip_addr': '198.49.23.145'\u{a}'asn': '53831'\u{a}'asn_cidr': '198.49.23.0/24'\u{a}'asn_country_code': 'US'\u{a}'asn_description': 'SQUARESPACE, US'\u{a}'asn_abuse_email': 'abuse-network@squarespace.com'\u{a}'safe_browsing_status': 'No API key in config file'",
    ),
    (
        "repr_specials",
        ["login-paypal.example.com", "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B", "\u{b}\u{1b}\u{85}\u{ad}\u{ff}\u{100}\u{10ffff}", "198.49.23.145", "53831", "198.49.23.0/24", "US", "SQUARESPACE, US", "abuse-network@squarespace.com"],
        200,
        "\"No API key in config file\"",
        "{\u{a}    \"hostname\": \"login-paypal.example.com\",\u{a}    \"http_code\": 200,\u{a}    \"cert_serial_number\": \"2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B\",\u{a}    \"webpage_title\": \"\\u000b\\u001b\\u0085\\u00ad\\u00ff\\u0100\\udbff\\udfff\",\u{a}    \"ip_addr\": \"198.49.23.145\",\u{a}    \"asn\": \"53831\",\u{a}    \"asn_cidr\": \"198.49.23.0/24\",\u{a}    \"asn_country_code\": \"US\",\u{a}    \"asn_description\": \"SQUARESPACE, US\",\u{a}    \"asn_abuse_email\": \"abuse-network@squarespace.com\",\u{a}    \"safe_browsing_status\": \"No API key in config file\"\u{a}}",
        "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': '\\x0b\\x1b\\x85\\xad\u{ff}\u{100}\\U0010ffff', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}",
        "'hostname': 'login-paypal.example.com'\u{a}'http_code': 200\u{a}'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B'\u{a}'webpage_title': '\\x0b\\x1b\\x85\\xad\u{ff}\u{100}\\U0010ffff'\u{a}'ip_addr': '198.49.23.145'\u{a}'asn': '53831'\u{a}'asn_cidr': '198.49.23.0/24'\u{a}'asn_country_code': 'US'\u{a}'asn_description': 'SQUARESPACE, US'\u{a}'asn_abuse_email': 'abuse-network@squarespace.com'\u{a}'safe_browsing_status': 'No API key in config file'",
    ),
    (
        "braces_and_comma_quote",
        ["www.a-b.example", "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B", "{x}, 'y', z", "198.49.23.145", "53831", "198.49.23.0/24", "US", "SQUARESPACE, US", "abuse-network@squarespace.com"],
        200,
        "\"No API key in config file\"",
        "{\u{a}    \"hostname\": \"www.a-b.example\",\u{a}    \"http_code\": 200,\u{a}    \"cert_serial_number\": \"2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B\",\u{a}    \"webpage_title\": \"{x}, 'y', z\",\u{a}    \"ip_addr\": \"198.49.23.145\",\u{a}    \"asn\": \"53831\",\u{a}    \"asn_cidr\": \"198.49.23.0/24\",\u{a}    \"asn_country_code\": \"US\",\u{a}    \"asn_description\": \"SQUARESPACE, US\",\u{a}    \"asn_abuse_email\": \"abuse-network@squarespace.com\",\u{a}    \"safe_browsing_status\": \"No API key in config file\"\u{a}}",
        "{'hostname': 'www.a-b.example', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': \"{x}, 'y', z\", 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}",
        "'hostname': 'www.a-b.example'\u{a}'http_code': 200\u{a}'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B'\u{a}'webpage_title': \"x\u{a}'y', z\"\u{a}'ip_addr': '198.49.23.145'\u{a}'asn': '53831'\u{a}'asn_cidr': '198.49.23.0/24'\u{a}'asn_country_code': 'US'\u{a}'asn_description': 'SQUARESPACE, US'\u{a}'asn_abuse_email': 'abuse-network@squarespace.com'\u{a}'safe_browsing_status': 'No API key in config file'",
    ),
    (
        "empty_fields",
        ["login-paypal.example.com", "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B", "", "", "", "", "", "", ""],
        200,
        "\"No API key in config file\"",
        "{\u{a}    \"hostname\": \"login-paypal.example.com\",\u{a}    \"http_code\": 200,\u{a}    \"cert_serial_number\": \"2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B\",\u{a}    \"webpage_title\": \"\",\u{a}    \"ip_addr\": \"\",\u{a}    \"asn\": \"\",\u{a}    \"asn_cidr\": \"\",\u{a}    \"asn_country_code\": \"\",\u{a}    \"asn_description\": \"\",\u{a}    \"asn_abuse_email\": \"\",\u{a}    \"safe_browsing_status\": \"No API key in config file\"\u{a}}",
        "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': '', 'ip_addr': '', 'asn': '', 'asn_cidr': '', 'asn_country_code': '', 'asn_description': '', 'asn_abuse_email': '', 'safe_browsing_status': 'No API key in config file'}",
        "'hostname': 'login-paypal.example.com'\u{a}'http_code': 200\u{a}'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B'\u{a}'webpage_title': ''\u{a}'ip_addr': ''\u{a}'asn': ''\u{a}'asn_cidr': ''\u{a}'asn_country_code': ''\u{a}'asn_description': ''\u{a}'asn_abuse_email': ''\u{a}'safe_browsing_status': 'No API key in config file'",
    ),
    (
        "sbs_empty_object",
        ["login-paypal.example.com", "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B", "Log in", "198.49.23.145", "53831", "198.49.23.0/24", "US", "SQUARESPACE, US", "abuse-network@squarespace.com"],
        200,
        "{}",
        "{\u{a}    \"hostname\": \"login-paypal.example.com\",\u{a}    \"http_code\": 200,\u{a}    \"cert_serial_number\": \"2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B\",\u{a}    \"webpage_title\": \"Log in\",\u{a}    \"ip_addr\": \"198.49.23.145\",\u{a}    \"asn\": \"53831\",\u{a}    \"asn_cidr\": \"198.49.23.0/24\",\u{a}    \"asn_country_code\": \"US\",\u{a}    \"asn_description\": \"SQUARESPACE, US\",\u{a}    \"asn_abuse_email\": \"abuse-network@squarespace.com\",\u{a}    \"safe_browsing_status\": {}\u{a}}",
        "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'Log in', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': {}}",
        "'hostname': 'login-paypal.example.com'\u{a}'http_code': 200\u{a}'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B'\u{a}'webpage_title': 'Log in'\u{a}'ip_addr': '198.49.23.145'\u{a}'asn': '53831'\u{a}'asn_cidr': '198.49.23.0/24'\u{a}'asn_country_code': 'US'\u{a}'asn_description': 'SQUARESPACE, US'\u{a}'asn_abuse_email': 'abuse-network@squarespace.com'\u{a}'safe_browsing_status':",
    ),
    (
        "sbs_matches",
        ["login-paypal.example.com", "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B", "Log in", "198.49.23.145", "53831", "198.49.23.0/24", "US", "SQUARESPACE, US", "abuse-network@squarespace.com"],
        200,
        "{\"matches\": [{\"threatType\": \"SOCIAL_ENGINEERING\", \"platformType\": \"ANY_PLATFORM\", \"threat\": {\"url\": \"https://login-paypal.example.com\"}, \"cacheDuration\": \"300s\", \"threatEntryType\": \"URL\", \"threatEntryMetadata\": {\"entries\": []}}, {\"threatType\": \"MALWARE\", \"platformType\": \"WINDOWS\", \"threat\": {\"url\": \"http://x/{a}, 'b'\"}}]}",
        "{\u{a}    \"hostname\": \"login-paypal.example.com\",\u{a}    \"http_code\": 200,\u{a}    \"cert_serial_number\": \"2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B\",\u{a}    \"webpage_title\": \"Log in\",\u{a}    \"ip_addr\": \"198.49.23.145\",\u{a}    \"asn\": \"53831\",\u{a}    \"asn_cidr\": \"198.49.23.0/24\",\u{a}    \"asn_country_code\": \"US\",\u{a}    \"asn_description\": \"SQUARESPACE, US\",\u{a}    \"asn_abuse_email\": \"abuse-network@squarespace.com\",\u{a}    \"safe_browsing_status\": {\u{a}        \"matches\": [\u{a}            {\u{a}                \"threatType\": \"SOCIAL_ENGINEERING\",\u{a}                \"platformType\": \"ANY_PLATFORM\",\u{a}                \"threat\": {\u{a}                    \"url\": \"https://login-paypal.example.com\"\u{a}                },\u{a}                \"cacheDuration\": \"300s\",\u{a}                \"threatEntryType\": \"URL\",\u{a}                \"threatEntryMetadata\": {\u{a}                    \"entries\": []\u{a}                }\u{a}            },\u{a}            {\u{a}                \"threatType\": \"MALWARE\",\u{a}                \"platformType\": \"WINDOWS\",\u{a}                \"threat\": {\u{a}                    \"url\": \"http://x/{a}, 'b'\"\u{a}                }\u{a}            }\u{a}        ]\u{a}    }\u{a}}",
        "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'Log in', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': {'matches': [{'threatType': 'SOCIAL_ENGINEERING', 'platformType': 'ANY_PLATFORM', 'threat': {'url': 'https://login-paypal.example.com'}, 'cacheDuration': '300s', 'threatEntryType': 'URL', 'threatEntryMetadata': {'entries': []}}, {'threatType': 'MALWARE', 'platformType': 'WINDOWS', 'threat': {'url': \"http://x/{a}, 'b'\"}}]}}",
        "'hostname': 'login-paypal.example.com'\u{a}'http_code': 200\u{a}'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B'\u{a}'webpage_title': 'Log in'\u{a}'ip_addr': '198.49.23.145'\u{a}'asn': '53831'\u{a}'asn_cidr': '198.49.23.0/24'\u{a}'asn_country_code': 'US'\u{a}'asn_description': 'SQUARESPACE, US'\u{a}'asn_abuse_email': 'abuse-network@squarespace.com'\u{a}'safe_browsing_status': 'matches': ['threatType': 'SOCIAL_ENGINEERING'\u{a}'platformType': 'ANY_PLATFORM'\u{a}'threat': 'url': 'https://login-paypal.example.com'\u{a}'cacheDuration': '300s'\u{a}'threatEntryType': 'URL'\u{a}'threatEntryMetadata': 'entries': [], 'threatType': 'MALWARE'\u{a}'platformType': 'WINDOWS'\u{a}'threat': 'url': \"http://x/a\u{a}'b'\"]",
    ),
    (
        "sbs_error_string",
        ["login-paypal.example.com", "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B", "Log in", "198.49.23.145", "53831", "198.49.23.0/24", "US", "SQUARESPACE, US", "abuse-network@squarespace.com"],
        200,
        "\"Safe Browsing error: HTTP 400 \\u00ab bad \\u00bb\"",
        "{\u{a}    \"hostname\": \"login-paypal.example.com\",\u{a}    \"http_code\": 200,\u{a}    \"cert_serial_number\": \"2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B\",\u{a}    \"webpage_title\": \"Log in\",\u{a}    \"ip_addr\": \"198.49.23.145\",\u{a}    \"asn\": \"53831\",\u{a}    \"asn_cidr\": \"198.49.23.0/24\",\u{a}    \"asn_country_code\": \"US\",\u{a}    \"asn_description\": \"SQUARESPACE, US\",\u{a}    \"asn_abuse_email\": \"abuse-network@squarespace.com\",\u{a}    \"safe_browsing_status\": \"Safe Browsing error: HTTP 400 \\u00ab bad \\u00bb\"\u{a}}",
        "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'Log in', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'Safe Browsing error: HTTP 400 \u{ab} bad \u{bb}'}",
        "'hostname': 'login-paypal.example.com'\u{a}'http_code': 200\u{a}'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B'\u{a}'webpage_title': 'Log in'\u{a}'ip_addr': '198.49.23.145'\u{a}'asn': '53831'\u{a}'asn_cidr': '198.49.23.0/24'\u{a}'asn_country_code': 'US'\u{a}'asn_description': 'SQUARESPACE, US'\u{a}'asn_abuse_email': 'abuse-network@squarespace.com'\u{a}'safe_browsing_status': 'Safe Browsing error: HTTP 400 \u{ab} bad \u{bb}'",
    ),
    (
        "sbs_scalars",
        ["login-paypal.example.com", "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B", "Log in", "198.49.23.145", "53831", "198.49.23.0/24", "US", "SQUARESPACE, US", "abuse-network@squarespace.com"],
        200,
        "{\"n\": null, \"t\": true, \"f\": false, \"i\": 42, \"neg\": -7, \"big\": 18446744073709551615, \"fl\": 1.5, \"one\": 1.0, \"tiny\": 1e-05, \"huge\": 1e+16, \"arr\": [[], {}, [1, [2, {\"k\": \"v\\u00e9\"}]]], \"k\\u00e9y'\": \"v\"}",
        "{\u{a}    \"hostname\": \"login-paypal.example.com\",\u{a}    \"http_code\": 200,\u{a}    \"cert_serial_number\": \"2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B\",\u{a}    \"webpage_title\": \"Log in\",\u{a}    \"ip_addr\": \"198.49.23.145\",\u{a}    \"asn\": \"53831\",\u{a}    \"asn_cidr\": \"198.49.23.0/24\",\u{a}    \"asn_country_code\": \"US\",\u{a}    \"asn_description\": \"SQUARESPACE, US\",\u{a}    \"asn_abuse_email\": \"abuse-network@squarespace.com\",\u{a}    \"safe_browsing_status\": {\u{a}        \"n\": null,\u{a}        \"t\": true,\u{a}        \"f\": false,\u{a}        \"i\": 42,\u{a}        \"neg\": -7,\u{a}        \"big\": 18446744073709551615,\u{a}        \"fl\": 1.5,\u{a}        \"one\": 1.0,\u{a}        \"tiny\": 1e-05,\u{a}        \"huge\": 1e+16,\u{a}        \"arr\": [\u{a}            [],\u{a}            {},\u{a}            [\u{a}                1,\u{a}                [\u{a}                    2,\u{a}                    {\u{a}                        \"k\": \"v\\u00e9\"\u{a}                    }\u{a}                ]\u{a}            ]\u{a}        ],\u{a}        \"k\\u00e9y'\": \"v\"\u{a}    }\u{a}}",
        "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'Log in', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': {'n': None, 't': True, 'f': False, 'i': 42, 'neg': -7, 'big': 18446744073709551615, 'fl': 1.5, 'one': 1.0, 'tiny': 1e-05, 'huge': 1e+16, 'arr': [[], {}, [1, [2, {'k': 'v\u{e9}'}]]], \"k\u{e9}y'\": 'v'}}",
        "'hostname': 'login-paypal.example.com'\u{a}'http_code': 200\u{a}'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B'\u{a}'webpage_title': 'Log in'\u{a}'ip_addr': '198.49.23.145'\u{a}'asn': '53831'\u{a}'asn_cidr': '198.49.23.0/24'\u{a}'asn_country_code': 'US'\u{a}'asn_description': 'SQUARESPACE, US'\u{a}'asn_abuse_email': 'abuse-network@squarespace.com'\u{a}'safe_browsing_status': 'n': None\u{a}'t': True\u{a}'f': False\u{a}'i': 42\u{a}'neg': -7\u{a}'big': 18446744073709551615\u{a}'fl': 1.5\u{a}'one': 1.0\u{a}'tiny': 1e-05\u{a}'huge': 1e+16\u{a}'arr': [[], , [1, [2, 'k': 'v\u{e9}']]], \"k\u{e9}y'\": 'v'",
    ),
    (
        "http_503_other_host",
        ["xn--pypal-4ve.com", "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B", "Service Unavailable", "198.49.23.145", "53831", "198.49.23.0/24", "US", "SQUARESPACE, US", "abuse-network@squarespace.com"],
        503,
        "\"No API key in config file\"",
        "{\u{a}    \"hostname\": \"xn--pypal-4ve.com\",\u{a}    \"http_code\": 503,\u{a}    \"cert_serial_number\": \"2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B\",\u{a}    \"webpage_title\": \"Service Unavailable\",\u{a}    \"ip_addr\": \"198.49.23.145\",\u{a}    \"asn\": \"53831\",\u{a}    \"asn_cidr\": \"198.49.23.0/24\",\u{a}    \"asn_country_code\": \"US\",\u{a}    \"asn_description\": \"SQUARESPACE, US\",\u{a}    \"asn_abuse_email\": \"abuse-network@squarespace.com\",\u{a}    \"safe_browsing_status\": \"No API key in config file\"\u{a}}",
        "{'hostname': 'xn--pypal-4ve.com', 'http_code': 503, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'Service Unavailable', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}",
        "'hostname': 'xn--pypal-4ve.com'\u{a}'http_code': 503\u{a}'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B'\u{a}'webpage_title': 'Service Unavailable'\u{a}'ip_addr': '198.49.23.145'\u{a}'asn': '53831'\u{a}'asn_cidr': '198.49.23.0/24'\u{a}'asn_country_code': 'US'\u{a}'asn_description': 'SQUARESPACE, US'\u{a}'asn_abuse_email': 'abuse-network@squarespace.com'\u{a}'safe_browsing_status': 'No API key in config file'",
    ),
];

/// (webpage_title, str(alert) with that title and the defaults of alert())
const REPR_TITLES: &[(&str, &str)] = &[
    ("it's", "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': \"it's\", 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}"),
    ("say \"hi\"", "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'say \"hi\"', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}"),
    ("it's \"both\"", "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'it\\'s \"both\"', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}"),
    ("line\u{a}break", "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'line\\nbreak', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}"),
    ("tab\u{9}here", "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'tab\\there', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}"),
    ("del\u{7f}", "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'del\\x7f', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}"),
    ("nb\u{a0}sp", "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'nb\\xa0sp', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}"),
    ("zw\u{200b}sp", "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'zw\\u200bsp', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}"),
    ("Caf\u{e9} \u{1f600}", "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'Caf\u{e9} \u{1f600}', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}"),
    ("back\\slash", "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'back\\\\slash', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}"),
    ("cr\u{d}lf\u{a}", "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': 'cr\\rlf\\n', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}"),
    ("\u{e0001} tag", "{'hostname': 'login-paypal.example.com', 'http_code': 200, 'cert_serial_number': '2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B', 'webpage_title': '\\U000e0001 tag', 'ip_addr': '198.49.23.145', 'asn': '53831', 'asn_cidr': '198.49.23.0/24', 'asn_country_code': 'US', 'asn_description': 'SQUARESPACE, US', 'asn_abuse_email': 'abuse-network@squarespace.com', 'safe_browsing_status': 'No API key in config file'}"),
];

/// (template, (Y, m, d, H, M, S), generate_alert_dir result)
type DirCase = (&'static str, (i64, u32, u32, u32, u32, u32), &'static str);
const ALERTS_DIR: &[DirCase] = &[
    (
        "./alerts/%Y/%m/%d",
        (2024, 5, 1, 7, 3, 9),
        "./alerts/2024/05/01",
    ),
    (
        "./alerts/%Y/%m/%d",
        (1999, 12, 31, 23, 59, 59),
        "./alerts/1999/12/31",
    ),
    (
        "./alerts/%Y/%m/%d",
        (2026, 1, 2, 0, 0, 0),
        "./alerts/2026/01/02",
    ),
    (
        "./alerts/%Y%m%d-%H%M",
        (2024, 5, 1, 7, 3, 9),
        "./alerts/20240501-0703",
    ),
    (
        "./alerts/%Y%m%d-%H%M",
        (1999, 12, 31, 23, 59, 59),
        "./alerts/19991231-2359",
    ),
    (
        "./alerts/%Y%m%d-%H%M",
        (2026, 1, 2, 0, 0, 0),
        "./alerts/20260102-0000",
    ),
    (
        "/var/alerts/%H:%M/%x/%S/%y/%p",
        (2024, 5, 1, 7, 3, 9),
        "/var/alerts/07:03/%x/%S/%y/%p",
    ),
    (
        "/var/alerts/%H:%M/%x/%S/%y/%p",
        (1999, 12, 31, 23, 59, 59),
        "/var/alerts/23:59/%x/%S/%y/%p",
    ),
    (
        "/var/alerts/%H:%M/%x/%S/%y/%p",
        (2026, 1, 2, 0, 0, 0),
        "/var/alerts/00:00/%x/%S/%y/%p",
    ),
    ("./alerts/%%Y", (2024, 5, 1, 7, 3, 9), "./alerts/%2024"),
    ("./alerts/%%Y", (1999, 12, 31, 23, 59, 59), "./alerts/%1999"),
    ("./alerts/%%Y", (2026, 1, 2, 0, 0, 0), "./alerts/%2026"),
    ("no placeholders", (2024, 5, 1, 7, 3, 9), "no placeholders"),
    (
        "no placeholders",
        (1999, 12, 31, 23, 59, 59),
        "no placeholders",
    ),
    ("no placeholders", (2026, 1, 2, 0, 0, 0), "no placeholders"),
    ("%Y%Y-%m%m", (2024, 5, 1, 7, 3, 9), "20242024-0505"),
    ("%Y%Y-%m%m", (1999, 12, 31, 23, 59, 59), "19991999-1212"),
    ("%Y%Y-%m%m", (2026, 1, 2, 0, 0, 0), "20262026-0101"),
];

/// (name, body, Content-Type, expected title)
const TITLES: &[(&str, &[u8], Option<&str>, &str)] = &[
    ("utf8_header", b"<html><title>Caf\xc3\xa9 \xe2\x80\x93 Login \xf0\x9f\x94\x92</title>", Some("text/html; charset=utf-8"), "Caf\u{e9} \u{2013} Login \u{1f512}"),
    ("latin1_header", b"<title>Caf\xe9 cr\xe8me</title>", Some("text/html; charset=ISO-8859-1"), "Caf\u{e9} cr\u{e8}me"),
    ("latin1_header_quoted", b"<title>Caf\xe9</title>", Some("text/html;charset=\"latin1\""), "Caf\u{e9}"),
    ("latin1_meta_http_equiv", b"<html><head><meta http-equiv=\x22Content-Type\x22 content=\x22text/html; charset=iso-8859-1\x22><title>Se connecter \xe0 votre espace</title>", Some("text/html"), "Se connecter \u{e0} votre espace"),
    ("latin1_meta_charset", b"<meta charset='latin1'><title>\xc9t\xe9</title>", None, "\u{c9}t\u{e9}"),
    ("cp1252_smart_quotes", b"<meta charset=windows-1252><title>\x93Bank\x94 \x96 it\x92s \x80 5 \x81</title>", Some("text/html"), "\u{201c}Bank\u{201d} \u{2013} it\u{2019}s \u{20ac} 5 \u{fffd}"),
    ("latin9_euro", b"<title>Prix \xa4 \xbd</title>", Some("text/html; charset=ISO-8859-15"), "Prix \u{20ac} \u{153}"),
    ("header_beats_meta", b"<meta charset=latin1><title>\xc3\x89t\xc3\xa9</title>", Some("text/html; charset=UTF-8"), "\u{c9}t\u{e9}"),
    ("unknown_header_charset_falls_to_meta", b"<meta charset=latin1><title>\xe9</title>", Some("text/html; charset=x-bogus"), "\u{e9}"),
    ("no_charset_utf8", b"<title>\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 \xc3\xa9</title>", Some("text/html"), "\u{41f}\u{440}\u{438}\u{432}\u{435}\u{442} \u{e9}"),
    ("no_content_type_utf8", b"<title>Caf\xc3\xa9</title>", None, "Caf\u{e9}"),
    ("no_charset_invalid_utf8", b"<title>a\xe9b\xc3(c\xf0\x9f\x98d\xed\xa0\x80e\xff</title>", Some("text/html"), "a\u{fffd}b\u{fffd}(c\u{fffd}d\u{fffd}\u{fffd}\u{fffd}e\u{fffd}"),
    ("utf8_bom", b"\xef\xbb\xbf<title>\xc3\xa9</title>", Some("text/html; charset=iso-8859-1"), "\u{e9}"),
    ("split_over_lines_skipped", b"<title>Log\x0ain</title><p>x</p>", Some("text/html"), ""),
    ("split_then_svg_title", b"<head><title>\x0a  Real title\x0a</title></head><body><svg><title>icon-search</title></svg>", Some("text/html"), "icon-search"),
    ("lang_attr_never_matches", b"<title lang=\x22en\x22>Hello</title>", Some("text/html"), ""),
    ("lang_attr_then_plain", b"<title lang=\x22en\x22>Hello</title><svg><title>Close</title></svg>", Some("text/html"), "Close"),
    ("missing_title", b"<html><head></head><body>no title</body></html>", Some("text/html"), ""),
    ("empty_body", b"", None, ""),
    ("uppercase_tags", b"<HTML><TITLE>Upper Case</TITLE>", Some("text/html"), "Upper Case"),
    ("mixed_case_tags", b"<Title>Mixed</tItLe>", Some("text/html"), "Mixed"),
    ("dotless_i_tag", b"<t\xc4\xb1tle>Dotless</T\xc4\xb0TLE>", Some("text/html"), "Dotless"),
    ("whitespace_kept", b"<title>  \x09 Spaced  out \x0d </title>", Some("text/html"), "  \u{9} Spaced  out \u{d} "),
    ("entities_not_decoded", b"<title>A &amp; B &#233;</title>", Some("text/html"), "A &amp; B &#233;"),
    ("first_of_two", b"<title>One</title><title>Two</title>", Some("text/html"), "One"),
    ("lazy_match", b"<title></title><title>Second</title>", Some("text/html"), ""),
    ("unclosed_then_closed", b"<title>a<title>b</title>", Some("text/html"), "a<title>b"),
    ("cr_inside_kept", b"<title>a\x0db</title>", Some("text/html"), "a\u{d}b"),
    ("nested_tags_kept", b"<title><b>bold</b></title>", Some("text/html"), "<b>bold</b>"),
];

/// (charset label, bytes 0..=255 decoded by Python with errors='replace')
const DECODE_ALL_BYTES: &[(&str, &str)] = &[
    ("ISO-8859-1", "\u{0}\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{e}\u{f}\u{10}\u{11}\u{12}\u{13}\u{14}\u{15}\u{16}\u{17}\u{18}\u{19}\u{1a}\u{1b}\u{1c}\u{1d}\u{1e}\u{1f} !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u{7f}\u{80}\u{81}\u{82}\u{83}\u{84}\u{85}\u{86}\u{87}\u{88}\u{89}\u{8a}\u{8b}\u{8c}\u{8d}\u{8e}\u{8f}\u{90}\u{91}\u{92}\u{93}\u{94}\u{95}\u{96}\u{97}\u{98}\u{99}\u{9a}\u{9b}\u{9c}\u{9d}\u{9e}\u{9f}\u{a0}\u{a1}\u{a2}\u{a3}\u{a4}\u{a5}\u{a6}\u{a7}\u{a8}\u{a9}\u{aa}\u{ab}\u{ac}\u{ad}\u{ae}\u{af}\u{b0}\u{b1}\u{b2}\u{b3}\u{b4}\u{b5}\u{b6}\u{b7}\u{b8}\u{b9}\u{ba}\u{bb}\u{bc}\u{bd}\u{be}\u{bf}\u{c0}\u{c1}\u{c2}\u{c3}\u{c4}\u{c5}\u{c6}\u{c7}\u{c8}\u{c9}\u{ca}\u{cb}\u{cc}\u{cd}\u{ce}\u{cf}\u{d0}\u{d1}\u{d2}\u{d3}\u{d4}\u{d5}\u{d6}\u{d7}\u{d8}\u{d9}\u{da}\u{db}\u{dc}\u{dd}\u{de}\u{df}\u{e0}\u{e1}\u{e2}\u{e3}\u{e4}\u{e5}\u{e6}\u{e7}\u{e8}\u{e9}\u{ea}\u{eb}\u{ec}\u{ed}\u{ee}\u{ef}\u{f0}\u{f1}\u{f2}\u{f3}\u{f4}\u{f5}\u{f6}\u{f7}\u{f8}\u{f9}\u{fa}\u{fb}\u{fc}\u{fd}\u{fe}\u{ff}"),
    ("windows-1252", "\u{0}\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{e}\u{f}\u{10}\u{11}\u{12}\u{13}\u{14}\u{15}\u{16}\u{17}\u{18}\u{19}\u{1a}\u{1b}\u{1c}\u{1d}\u{1e}\u{1f} !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u{7f}\u{20ac}\u{fffd}\u{201a}\u{192}\u{201e}\u{2026}\u{2020}\u{2021}\u{2c6}\u{2030}\u{160}\u{2039}\u{152}\u{fffd}\u{17d}\u{fffd}\u{fffd}\u{2018}\u{2019}\u{201c}\u{201d}\u{2022}\u{2013}\u{2014}\u{2dc}\u{2122}\u{161}\u{203a}\u{153}\u{fffd}\u{17e}\u{178}\u{a0}\u{a1}\u{a2}\u{a3}\u{a4}\u{a5}\u{a6}\u{a7}\u{a8}\u{a9}\u{aa}\u{ab}\u{ac}\u{ad}\u{ae}\u{af}\u{b0}\u{b1}\u{b2}\u{b3}\u{b4}\u{b5}\u{b6}\u{b7}\u{b8}\u{b9}\u{ba}\u{bb}\u{bc}\u{bd}\u{be}\u{bf}\u{c0}\u{c1}\u{c2}\u{c3}\u{c4}\u{c5}\u{c6}\u{c7}\u{c8}\u{c9}\u{ca}\u{cb}\u{cc}\u{cd}\u{ce}\u{cf}\u{d0}\u{d1}\u{d2}\u{d3}\u{d4}\u{d5}\u{d6}\u{d7}\u{d8}\u{d9}\u{da}\u{db}\u{dc}\u{dd}\u{de}\u{df}\u{e0}\u{e1}\u{e2}\u{e3}\u{e4}\u{e5}\u{e6}\u{e7}\u{e8}\u{e9}\u{ea}\u{eb}\u{ec}\u{ed}\u{ee}\u{ef}\u{f0}\u{f1}\u{f2}\u{f3}\u{f4}\u{f5}\u{f6}\u{f7}\u{f8}\u{f9}\u{fa}\u{fb}\u{fc}\u{fd}\u{fe}\u{ff}"),
    ("iso-8859-15", "\u{0}\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{e}\u{f}\u{10}\u{11}\u{12}\u{13}\u{14}\u{15}\u{16}\u{17}\u{18}\u{19}\u{1a}\u{1b}\u{1c}\u{1d}\u{1e}\u{1f} !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u{7f}\u{80}\u{81}\u{82}\u{83}\u{84}\u{85}\u{86}\u{87}\u{88}\u{89}\u{8a}\u{8b}\u{8c}\u{8d}\u{8e}\u{8f}\u{90}\u{91}\u{92}\u{93}\u{94}\u{95}\u{96}\u{97}\u{98}\u{99}\u{9a}\u{9b}\u{9c}\u{9d}\u{9e}\u{9f}\u{a0}\u{a1}\u{a2}\u{a3}\u{20ac}\u{a5}\u{160}\u{a7}\u{161}\u{a9}\u{aa}\u{ab}\u{ac}\u{ad}\u{ae}\u{af}\u{b0}\u{b1}\u{b2}\u{b3}\u{17d}\u{b5}\u{b6}\u{b7}\u{17e}\u{b9}\u{ba}\u{bb}\u{152}\u{153}\u{178}\u{bf}\u{c0}\u{c1}\u{c2}\u{c3}\u{c4}\u{c5}\u{c6}\u{c7}\u{c8}\u{c9}\u{ca}\u{cb}\u{cc}\u{cd}\u{ce}\u{cf}\u{d0}\u{d1}\u{d2}\u{d3}\u{d4}\u{d5}\u{d6}\u{d7}\u{d8}\u{d9}\u{da}\u{db}\u{dc}\u{dd}\u{de}\u{df}\u{e0}\u{e1}\u{e2}\u{e3}\u{e4}\u{e5}\u{e6}\u{e7}\u{e8}\u{e9}\u{ea}\u{eb}\u{ec}\u{ed}\u{ee}\u{ef}\u{f0}\u{f1}\u{f2}\u{f3}\u{f4}\u{f5}\u{f6}\u{f7}\u{f8}\u{f9}\u{fa}\u{fb}\u{fc}\u{fd}\u{fe}\u{ff}"),
    ("utf-8", "\u{0}\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{e}\u{f}\u{10}\u{11}\u{12}\u{13}\u{14}\u{15}\u{16}\u{17}\u{18}\u{19}\u{1a}\u{1b}\u{1c}\u{1d}\u{1e}\u{1f} !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u{7f}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}"),
];

/// Invalid UTF-8 (bytes, Python's decode('utf-8', 'replace'))
const INVALID_UTF8: &[(&[u8], &str)] = &[
    (b"\xc3", "\u{fffd}"),
    (b"\xc3(", "\u{fffd}("),
    (b"\xe2\x82", "\u{fffd}"),
    (b"\xe2\x82(", "\u{fffd}("),
    (b"\xf0\x9f\x98", "\u{fffd}"),
    (b"\xed\xa0\x80", "\u{fffd}\u{fffd}\u{fffd}"),
    (b"\xc0\xaf", "\u{fffd}\u{fffd}"),
    (b"\xf4\x90\x80\x80", "\u{fffd}\u{fffd}\u{fffd}\u{fffd}"),
    (
        b"\xf8\x88\x80\x80\x80",
        "\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}",
    ),
    (b"\x80\xbf", "\u{fffd}\u{fffd}"),
    (b"a\xffb", "a\u{fffd}b"),
    (b"\xef\xbf\xbe", "\u{fffe}"),
];

/// Python's str.isprintable() over all code points: (count of non-printable, sum, sum of squares mod 2^64)
const NON_PRINTABLE_DIGEST: (u64, u64, u64) = (969596, 605754534032, 458670539471034402);
// END GENERATED

//! The CT log list: the embedded snapshot, followable(), select(), parse errors, load()
//! and `loglist --update` (update_file) against a loopback HTTP server.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::thread;

use certstreammonitor::clock::days_from_civil;
use certstreammonitor::ct::loglist::{self, CtLog, LogKind, LogList, LogState, EMBEDDED};

fn at(y: i64, m: u32, d: u32) -> i64 {
    days_from_civil(y, m, d) * 86_400
}

/// 2026-11-26T00:00:00Z, the fixed "now" of these tests.
fn now() -> i64 {
    at(2026, 11, 26)
}

fn descriptions(logs: &[CtLog]) -> Vec<&str> {
    logs.iter().map(|l| l.description.as_str()).collect()
}

#[test]
fn embedded_list_parses_and_is_consistent() {
    let list = LogList::embedded();
    assert_eq!(list, LogList::parse(EMBEDDED).unwrap());
    // Chrome's list v86.4 with keys (README "CT log list").
    assert_eq!(list.version, "86.4");
    assert_eq!(list.timestamp, "2026-06-23T13:36:44Z");
    assert_eq!(
        list.timestamp_unix,
        Some(at(2026, 6, 23) + 13 * 3600 + 36 * 60 + 44)
    );

    let mut by: BTreeMap<String, usize> = BTreeMap::new();
    for l in &list.logs {
        *by.entry(format!("kind {}", l.kind.as_str())).or_default() += 1;
        *by.entry(format!("state {}", l.state.as_str())).or_default() += 1;
        *by.entry(format!("{} / {}", l.kind.as_str(), l.state.as_str()))
            .or_default() += 1;
    }
    let followable = list.followable(now());
    println!(
        "embedded log list {} ({}): {} logs",
        list.version,
        list.timestamp,
        list.logs.len()
    );
    for (k, n) in &by {
        println!("  {k}: {n}");
    }
    println!("  followable on 2026-11-26: {}", followable.len());

    assert_eq!(list.logs.len(), 62);
    assert_eq!(by["kind rfc6962"], 35);
    assert_eq!(by["kind tiled"], 27);
    assert_eq!(by["state usable"], 48);
    assert_eq!(by["state qualified"], 6);
    assert_eq!(by["state retired"], 4);
    assert_eq!(by["state readonly"], 4);
    assert!(list.warnings.is_empty(), "{:?}", list.warnings);

    let mut ids = std::collections::HashSet::new();
    for l in &list.logs {
        assert!(
            ids.insert(l.log_id.clone()),
            "duplicate log_id {}",
            l.log_id
        );
        assert_eq!(l.log_id.len(), 44, "{}: base64 of 32 bytes", l.log_id);
        assert!(
            l.url.starts_with("https://") && l.url.ends_with('/'),
            "{}",
            l.url
        );
        assert!(!l.operator.is_empty() && !l.description.is_empty());
        assert!(
            l.temporal_interval.is_some_and(|(s, e)| s < e),
            "{}",
            l.description
        );
        match l.kind {
            LogKind::Tiled => assert!(
                l.submission_url
                    .as_deref()
                    .is_some_and(|s| s.ends_with('/')),
                "{}",
                l.description
            ),
            LogKind::Rfc6962 => assert_eq!(l.submission_url, None),
        }
        assert_eq!(
            l.final_tree_size.is_some(),
            l.state == LogState::Readonly,
            "{}",
            l.description
        );
        // Every log of this list carries its key (RFC 6962 §3.2: log_id = SHA-256(key)).
        assert!(l.key.is_some(), "{}: key", l.description);
    }

    let sabre = list
        .logs
        .iter()
        .find(|l| l.description == "Sectigo 'Sabre2026h2'")
        .unwrap();
    assert_eq!(
        (sabre.state, sabre.final_tree_size),
        (LogState::Readonly, Some(68_732_791))
    );
    let tuscolo = list
        .logs
        .iter()
        .find(|l| l.description == "Geomys 'Tuscolo2026h2'")
        .unwrap();
    assert_eq!(tuscolo.kind, LogKind::Tiled);
    assert_eq!(tuscolo.url, "https://tuscolo2026h2.skylight.geomys.org/");
    assert_eq!(
        tuscolo.submission_url.as_deref(),
        Some("https://tuscolo2026h2.sunlight.geomys.org/")
    );
    assert_eq!(tuscolo.operator, "Geomys");
    assert_eq!(
        tuscolo.temporal_interval,
        Some((at(2026, 7, 1), at(2027, 1, 1)))
    );
}

#[test]
fn followable_on_the_embedded_list() {
    let list = LogList::embedded();
    let f = list.followable(now());
    // Every usable, qualified and readonly log; no shard of the list has ended by then.
    assert_eq!(f.len(), 45);
    assert!(f.iter().all(|l| matches!(
        l.state,
        LogState::Usable | LogState::Qualified | LogState::Readonly
    )));
    let d = descriptions(&f);
    assert!(!d.contains(&"Let's Encrypt 'Oak2026h2'"), "retired");
    assert!(
        !d.iter().any(|d| d.starts_with("Bogus")),
        "retired placeholders"
    );
    assert!(d.contains(&"Sectigo 'Sabre2026h2'"), "readonly kept");
    assert!(
        d.contains(&"Google 'ParcelYard2026h2' log"),
        "qualified kept"
    );
    assert!(d.contains(&"Cloudflare 'Nimbus2027'"), "future shard kept");
    assert!(
        d.contains(&"Let's Encrypt 'Willow2026h2'"),
        "ends 2026-12-16, still current"
    );

    // Early January 2027: the shards that ended on 2027-01-01 are more than a day old.
    let jan = list.followable(at(2027, 1, 3));
    let d = descriptions(&jan);
    assert!(!d.contains(&"Google 'Argon2026h2' log"));
    assert!(!d.contains(&"Geomys 'Tuscolo2026h2'"));
    assert!(!d.contains(&"Let's Encrypt 'Willow2026h2'"));
    assert!(d.contains(&"Google 'Argon2027h1'"));
    assert!(d.contains(&"TrustAsia 'log2026a'"), "ends 2027-01-08");
    // …but on 2027-01-01 itself (less than a day after the end) they are still read.
    assert!(
        descriptions(&list.followable(at(2027, 1, 1) + 3600)).contains(&"Google 'Argon2026h2' log")
    );
}

fn synthetic() -> LogList {
    let json = br#"{
      "version": "1.2", "log_list_timestamp": "2026-11-20T12:00:00Z",
      "some_future_field": {"x": [1, 2]},
      "operators": [{
        "name": "Op", "email": ["a@b"], "unknown": true,
        "logs": [
          {"description": "pending", "log_id": "p", "url": "https://p/", "state": {"pending": {"timestamp": "2026-01-01T00:00:00Z"}}},
          {"description": "qualified", "log_id": "q", "url": "https://q/", "state": {"qualified": {"timestamp": "2026-01-01T00:00:00Z"}}},
          {"description": "usable", "log_id": "u", "url": "https://u/", "mmd": 86400, "key": "AAAA", "state": {"usable": {"timestamp": "2026-01-01T00:00:00Z"}}},
          {"description": "readonly", "log_id": "ro", "url": "https://ro/", "state": {"readonly": {"timestamp": "2026-01-01T00:00:00Z", "final_tree_head": {"sha256_root_hash": "x", "tree_size": 7}}}},
          {"description": "retired", "log_id": "rt", "url": "https://rt/", "state": {"retired": {"timestamp": "2026-01-01T00:00:00Z"}}},
          {"description": "rejected", "log_id": "rj", "url": "https://rj/", "state": {"rejected": {"timestamp": "2026-01-01T00:00:00Z"}}},
          {"description": "nostate", "log_id": "ns", "url": "https://ns/"},
          {"description": "ended long ago", "log_id": "old", "url": "https://old/", "state": {"usable": {}},
           "temporal_interval": {"start_inclusive": "2026-01-01T00:00:00Z", "end_exclusive": "2026-11-24T23:59:59Z"}},
          {"description": "ended exactly a day ago", "log_id": "day", "url": "https://day/", "state": {"usable": {}},
           "temporal_interval": {"start_inclusive": "2026-01-01T00:00:00Z", "end_exclusive": "2026-11-25T00:00:00Z"}},
          {"description": "future", "log_id": "fut", "url": "https://fut/", "state": {"usable": {}},
           "temporal_interval": {"start_inclusive": "2028-01-01T00:00:00Z", "end_exclusive": "2028-07-01T00:00:00+00:00"}}
        ],
        "tiled_logs": [
          {"description": "tiled", "log_id": "t", "submission_url": "https://sub.t/", "monitoring_url": "https://mon.t", "mmd": 60,
           "state": {"usable": {}}, "log_type": "prod"}
        ]
      }]
    }"#;
    LogList::parse(json).unwrap()
}

#[test]
fn followable_states_and_shards() {
    let list = synthetic();
    assert_eq!(list.logs.len(), 11);
    let nostate = list.logs.iter().find(|l| l.log_id == "ns").unwrap();
    assert_eq!(nostate.state, LogState::Unknown);
    let f = list.followable(now());
    assert_eq!(
        descriptions(&f),
        [
            "qualified",
            "usable",
            "readonly",
            "ended exactly a day ago",
            "future",
            "tiled"
        ]
    );
    let tiled = f.last().unwrap();
    assert_eq!(tiled.url, "https://mon.t/", "trailing slash added");
    assert_eq!(tiled.submission_url.as_deref(), Some("https://sub.t/"));
    assert_eq!(f[2].final_tree_size, Some(7));
}

#[test]
fn select_all_urls_descriptions_and_adhoc() {
    let list = LogList::embedded();
    let n = now();
    assert_eq!(list.select("all", n).unwrap(), list.followable(n));
    assert_eq!(list.select("  ALL ", n).unwrap(), list.followable(n));

    let argon = "Google 'Argon2026h2' log";
    for spec in [
        "https://ct.googleapis.com/logs/us1/argon2026h2/",
        "https://ct.googleapis.com/logs/us1/argon2026h2",
        "http://ct.googleapis.com/logs/us1/argon2026h2/",
        "HTTP://CT.GoogleAPIs.com/logs/us1/argon2026h2",
        "Google 'Argon2026h2' log",
        "google 'argon2026h2' LOG",
        "Google 'Argon2026h2'",
        "  Google 'Argon2026h2' log  ",
    ] {
        let got = list
            .select(spec, n)
            .unwrap_or_else(|e| panic!("{spec}: {e}"));
        assert_eq!(descriptions(&got), [argon], "{spec}");
        assert_eq!(
            got[0].log_id,
            "1219ENGn9XfCx+lf1wC/+YLJM1pl4dCzAXMXwMjFaXc="
        );
    }

    // A tiled log by monitoring URL, by submission URL, with or without `tiled:`.
    for spec in [
        "https://mon.sycamore.ct.letsencrypt.org/2027h1/",
        "https://mon.sycamore.ct.letsencrypt.org/2027h1",
        "https://log.sycamore.ct.letsencrypt.org/2027h1/",
        "tiled:https://mon.sycamore.ct.letsencrypt.org/2027h1/",
        "Let's Encrypt 'Sycamore2027h1'",
    ] {
        let got = list.select(spec, n).unwrap();
        assert_eq!(got.len(), 1, "{spec}");
        assert_eq!(got[0].description, "Let's Encrypt 'Sycamore2027h1'");
        assert_eq!(got[0].kind, LogKind::Tiled);
        assert_eq!(
            got[0].url,
            "https://mon.sycamore.ct.letsencrypt.org/2027h1/"
        );
    }

    // Ad-hoc RFC 6962 log.
    let got = list.select("http://127.0.0.1:1234/", n).unwrap();
    assert_eq!(
        got,
        [CtLog {
            operator: "ad-hoc".into(),
            description: "http://127.0.0.1:1234/".into(),
            log_id: "adhoc:127.0.0.1:1234".into(),
            kind: LogKind::Rfc6962,
            url: "http://127.0.0.1:1234/".into(),
            submission_url: None,
            state: LogState::Usable,
            final_tree_size: None,
            temporal_interval: None,
            key: None,
        }]
    );
    assert_eq!(
        list.select("http://127.0.0.1:1234", n).unwrap(),
        got,
        "slash added, same id"
    );

    // Ad-hoc tiled log.
    let got = list.select("tiled:http://127.0.0.1:1234/x/", n).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].kind, LogKind::Tiled);
    assert_eq!(got[0].url, "http://127.0.0.1:1234/x/");
    assert_eq!(got[0].log_id, "adhoc:127.0.0.1:1234/x");
    assert_eq!(got[0].state, LogState::Usable);
    assert_eq!(got[0].operator, "ad-hoc");

    // Comma lists keep their order and drop duplicates.
    let got = list
        .select("Google 'Argon2026h2' log, https://ct.cloudflare.com/logs/nimbus2026/ ,tiled:http://127.0.0.1:1234/x,Cloudflare 'Nimbus2026',", n)
        .unwrap();
    assert_eq!(
        descriptions(&got),
        [argon, "Cloudflare 'Nimbus2026'", "http://127.0.0.1:1234/x/"]
    );

    // Without a comma, a value made only of URLs splits on whitespace.
    let got = list
        .select(
            "https://ct.cloudflare.com/logs/nimbus2026/  tiled:http://127.0.0.1:9/",
            n,
        )
        .unwrap();
    assert_eq!(
        descriptions(&got),
        ["Cloudflare 'Nimbus2026'", "http://127.0.0.1:9/"]
    );
    assert_eq!(got[1].kind, LogKind::Tiled);

    // `all` plus an extra log.
    let got = list.select("all, http://127.0.0.1:1234/", n).unwrap();
    assert_eq!(got.len(), list.followable(n).len() + 1);
    assert_eq!(got.last().unwrap().log_id, "adhoc:127.0.0.1:1234");

    // A log named explicitly is selected whatever its state.
    let got = list
        .select("https://oak.ct.letsencrypt.org/2026h2/", n)
        .unwrap();
    assert_eq!(got[0].state, LogState::Retired);
}

#[test]
fn select_errors() {
    let list = LogList::embedded();
    let n = now();
    let e = list
        .select("Google 'Nonexistent2026h2' log", n)
        .unwrap_err();
    assert!(
        e.contains("`Google 'Nonexistent2026h2' log`") && e.contains("matches no log"),
        "{e}"
    );
    let e = list
        .select("https://ct.cloudflare.com/logs/nimbus2026/, Nimbus", n)
        .unwrap_err();
    assert!(e.contains("`Nimbus`"), "{e}");
    let e = list
        .select("ct.googleapis.com/logs/us1/argon2026h2/", n)
        .unwrap_err();
    assert!(
        e.contains("http:// or https://"),
        "a URL without scheme is not taken as ad-hoc: {e}"
    );
    assert!(list.select("", n).unwrap_err().contains("empty"));
    assert!(list
        .select("  ,  ", n)
        .unwrap_err()
        .contains("names no log"));
    let e = list
        .select("tiled:Google 'Argon2026h2' log", n)
        .unwrap_err();
    assert!(e.contains("tiled:"), "{e}");
    let e = list.select("ftp://127.0.0.1/", n).unwrap_err();
    assert!(e.contains("ftp://127.0.0.1/"), "{e}");
}

#[test]
fn parse_errors_say_what_is_wrong() {
    let cases: &[(&[u8], &str)] = &[
        (b"", "not valid JSON"),
        (b"<html>Not Found</html>", "not valid JSON"),
        (b"{\"operators\": [", "not valid JSON"),
        (b"[]", "not a JSON object"),
        (b"{}", "no \"operators\""),
        (b"{\"version\": \"1\"}", "no \"operators\""),
        (b"{\"operators\": {}}", "\"operators\" is not an array"),
        (b"{\"operators\": [1]}", "operators[0] is not an object"),
        (b"{\"operators\": [{\"name\": \"X\", \"logs\": {}}]}", "operators[0] (X): \"logs\" is not an array"),
        (b"{\"operators\": [{\"name\": \"X\", \"logs\": [{\"url\": \"https://a/\"}]}]}", "operators[0] (X) logs[0]: missing \"log_id\""),
        (b"{\"operators\": [{\"name\": \"X\", \"logs\": [{\"log_id\": \"id1\"}]}]}", "operators[0] (X) logs[0] (log_id id1): missing \"url\""),
        (b"{\"operators\": [{\"name\": \"X\", \"logs\": [{\"log_id\": \"id1\", \"url\": 5}]}]}", "\"url\" is not a string"),
        (
            b"{\"operators\": [{\"name\": \"Y\", \"tiled_logs\": [{\"log_id\": \"id2\", \"url\": \"https://a/\"}]}]}",
            "operators[0] (Y) tiled_logs[0] (log_id id2): missing \"monitoring_url\"",
        ),
        (
            b"{\"operators\": [{\"name\": \"X\", \"logs\": [{\"log_id\": \"i\", \"url\": \"https://a/\", \"temporal_interval\": {\"start_inclusive\": \"2026-01-01\", \"end_exclusive\": \"2027-01-01T00:00:00Z\"}}]}]}",
            "temporal_interval.start_inclusive `2026-01-01` is not an RFC 3339 time",
        ),
        (
            b"{\"operators\": [{\"name\": \"X\", \"logs\": [{\"log_id\": \"i\", \"url\": \"https://a/\", \"temporal_interval\": {\"start_inclusive\": \"2026-01-01T00:00:00Z\"}}]}]}",
            "temporal_interval has no \"end_exclusive\"",
        ),
        (
            b"{\"operators\": [{\"name\": \"X\", \"logs\": [{\"log_id\": \"i\", \"url\": \"https://a/\", \"state\": {\"readonly\": {\"final_tree_head\": {\"tree_size\": -1}}}}]}]}",
            "tree_size `-1` is not a size",
        ),
        (b"{\"log_list_timestamp\": \"yesterday\", \"operators\": []}", "\"log_list_timestamp\" `yesterday` is not an RFC 3339 time"),
    ];
    for (json, want) in cases {
        let e = LogList::parse(json).unwrap_err();
        assert!(
            e.contains(want),
            "{:?}: got `{e}`, want `{want}`",
            String::from_utf8_lossy(json)
        );
    }
    // Lenient: no keys, numeric version, no name, empty arrays.
    let l =
        LogList::parse(b"{\"version\": 3, \"operators\": [{\"logs\": [], \"tiled_logs\": []}]}")
            .unwrap();
    assert_eq!(
        (l.version.as_str(), l.logs.len(), l.timestamp_unix),
        ("3", 0, None)
    );
}

#[test]
fn age_days_and_staleness() {
    let list = LogList::embedded();
    let age = list.age_days(now()).unwrap();
    // 2026-06-23T13:36:44Z → 2026-11-26T00:00:00Z
    let listed = at(2026, 6, 23) + 13 * 3600 + 36 * 60 + 44;
    let want = (now() - listed) as f64 / 86_400.0;
    assert!(
        (age - want).abs() < 1e-9 && (155.4..155.5).contains(&age),
        "{age}"
    );
    assert!(list.is_stale(now()));
    assert!(!list.is_stale(at(2026, 7, 1)));
    assert!(!list.is_stale(at(2026, 9, 1)), "69.4 days after 2026-06-23");
    assert!(list.is_stale(at(2026, 9, 2)), "70.4 days after 2026-06-23");
    assert_eq!(list.age_days(listed), Some(0.0));
    assert!(list.age_days(at(2026, 6, 22)).unwrap() < 0.0);
    let undated = LogList::parse(b"{\"operators\": []}").unwrap();
    assert_eq!(undated.age_days(now()), None);
    assert!(undated.is_stale(now()));
}

// ---- loopback HTTP ----------------------------------------------------------------------

/// Serves exactly one GET with `status` and `body`; returns the URL and the request head.
fn serve_once(status: &'static str, body: Vec<u8>) -> (String, thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/ct/log_list/v3/log_list.json",
        listener.local_addr().unwrap()
    );
    let handle = thread::spawn(move || {
        let (mut sock, _) = listener.accept().unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = sock.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        let resp = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        sock.write_all(resp.as_bytes()).unwrap();
        sock.write_all(&body).unwrap();
        sock.flush().unwrap();
        String::from_utf8_lossy(&head).into_owned()
    });
    (url, handle)
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "certstreammonitor-loglist-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn update_file_replaces_the_file_atomically() {
    let dir = temp_dir("update");
    let path = dir.join("log_list.json");
    std::fs::write(&path, b"previous contents").unwrap();
    // A reader holding the old file keeps reading the old contents: the new file is
    // renamed over it, never written in place.
    let mut reader = std::fs::File::open(&path).unwrap();
    #[cfg(unix)]
    let old_inode = std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&path).unwrap());

    let (url, server) = serve_once("200 OK", EMBEDDED.to_vec());
    let summary = loglist::update_file(&path, &url).unwrap();
    let mut old = String::new();
    reader.read_to_string(&mut old).unwrap();
    assert_eq!(old, "previous contents");
    #[cfg(unix)]
    assert_ne!(
        std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&path).unwrap()),
        old_inode
    );
    let request = server.join().unwrap();
    assert!(
        request.starts_with("GET /ct/log_list/v3/log_list.json HTTP/1.1\r\n"),
        "{request}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), EMBEDDED);
    assert_eq!(
        entries(&dir),
        ["log_list.json"],
        "no temporary file left behind"
    );
    assert!(!summary.contains('\n'));
    for part in [
        "86.4",
        "2026-06-23T13:36:44Z",
        "62 logs",
        "35 RFC 6962",
        "27 tiled",
        "62 with a key",
    ] {
        assert!(summary.contains(part), "{summary}");
    }
    println!("{summary}");

    // And into a directory where the file does not exist yet.
    let fresh = temp_dir("update-fresh");
    let path = fresh.join("list.json");
    let (url, server) = serve_once("200 OK", EMBEDDED.to_vec());
    loglist::update_file(&path, &url).unwrap();
    server.join().unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), EMBEDDED);
    assert_eq!(entries(&fresh), ["list.json"]);
    assert_eq!(
        loglist::load(path.to_str().unwrap()).unwrap(),
        LogList::embedded()
    );

    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&fresh);
}

/// A fetched list whose key does not hash to its log_id is still written (the other logs
/// are fine), and the summary says which key is ignored.
#[test]
fn update_file_names_an_ignored_key() {
    let dir = temp_dir("update-badkey");
    let path = dir.join("log_list.json");
    let list = LogList::embedded();
    let (a, b) = (&list.logs[0], &list.logs[1]);
    let text = std::str::from_utf8(EMBEDDED).unwrap();
    let key_of = |id: &str| {
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        v["operators"][0]["logs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["log_id"] == id)
            .unwrap()["key"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // Log 0 gets log 1's key.
    let swapped = text.replacen(&key_of(&a.log_id), &key_of(&b.log_id), 1);
    let (url, server) = serve_once("200 OK", swapped.clone().into_bytes());
    let summary = loglist::update_file(&path, &url).unwrap();
    server.join().unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), swapped);
    assert!(summary.contains("61 with a key"), "{summary}");
    assert!(
        summary.contains("1 key ignored") && summary.contains(&a.log_id),
        "{summary}"
    );
    let reloaded = loglist::load(path.to_str().unwrap()).unwrap();
    assert_eq!(reloaded.logs[0].key, None);
    assert_eq!(reloaded.logs[1].key, b.key);
    assert_eq!(reloaded.warnings.len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn update_file_keeps_the_old_file_on_a_bad_answer() {
    let dir = temp_dir("update-bad");
    let path = dir.join("log_list.json");
    std::fs::write(&path, b"previous contents").unwrap();
    let cases: Vec<(&'static str, Vec<u8>, &str)> = vec![
        (
            "200 OK",
            b"<html>captive portal</html>".to_vec(),
            "not valid JSON",
        ),
        (
            "200 OK",
            EMBEDDED[..EMBEDDED.len() / 2].to_vec(),
            "not valid JSON",
        ),
        (
            "200 OK",
            b"{\"version\": \"1\"}".to_vec(),
            "no \"operators\"",
        ),
        (
            "200 OK",
            b"{\"version\": \"1\", \"operators\": []}".to_vec(),
            "names no logs",
        ),
        ("404 Not Found", EMBEDDED.to_vec(), "HTTP 404"),
        ("503 Service Unavailable", b"busy".to_vec(), "HTTP 503"),
    ];
    for (status, body, want) in cases {
        let (url, server) = serve_once(status, body);
        let e = loglist::update_file(&path, &url).unwrap_err();
        server.join().unwrap();
        assert!(e.contains(want), "{status}: {e}");
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"previous contents",
            "{status} {want}"
        );
        assert_eq!(entries(&dir), ["log_list.json"]);
    }
    // Nothing listening.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e =
        loglist::update_file(&path, &format!("http://127.0.0.1:{port}/log_list.json")).unwrap_err();
    assert!(e.contains(&format!("127.0.0.1:{port}")), "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), b"previous contents");
    // A directory that does not exist: an error, not a panic.
    let (url, server) = serve_once("200 OK", EMBEDDED.to_vec());
    let missing = dir.join("no/such/dir/log_list.json");
    let e = loglist::update_file(&missing, &url).unwrap_err();
    server.join().unwrap();
    assert!(e.contains("no/such/dir"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn load_sources() {
    assert_eq!(loglist::load("embedded").unwrap(), LogList::embedded());
    assert_eq!(loglist::load(" Embedded ").unwrap(), LogList::embedded());

    let (url, server) = serve_once("200 OK", EMBEDDED.to_vec());
    assert_eq!(loglist::load(&url).unwrap(), LogList::embedded());
    server.join().unwrap();

    let (url, server) = serve_once("200 OK", b"nope".to_vec());
    let e = loglist::load(&url).unwrap_err();
    server.join().unwrap();
    assert!(e.contains(&url) && e.contains("not valid JSON"), "{e}");

    let e = loglist::load("/nonexistent/log_list.json").unwrap_err();
    assert!(e.starts_with("/nonexistent/log_list.json: "), "{e}");

    let dir = temp_dir("load");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, b"{\"operators\": 3}").unwrap();
    let e = loglist::load(bad.to_str().unwrap()).unwrap_err();
    assert!(e.contains("bad.json") && e.contains("not an array"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);

    assert_eq!(
        loglist::CHROME_V3_URL,
        "https://www.gstatic.com/ct/log_list/v3/log_list.json"
    );
}

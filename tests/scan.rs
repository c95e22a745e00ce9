//! `certstreammonitor scan` end to end, hermetic: stored hosts point at loopback HTTPS sites
//! through `[CONNECT] Resolve`, the sites present certificates of a test CA made with the
//! `openssl` CLI and trusted through `[CONNECT] CAFile`. This file covers what one probe makes
//! of a host: the selection of hosts, alert files, console lines and marks, `--fqdn-dirs`,
//! titles and charsets, the kinds of "down", TLS trust, config and client-setup errors and
//! hostile host names. Enrichment, user agents and proxies are in `tests/scan_network.rs`;
//! the worker pool, signals, thread limits and a concurrent monitor in `tests/scan_workers.rs`;
//! the helpers all three share in `common/scan_harness.rs`.
//!
//! Nothing leaves 127.0.0.0/8: every name a scan could look up has a `[CONNECT] Resolve`
//! entry (also the names it must refuse to probe), and the proxies only tunnel to loopback.
//! Child processes run 12 hours away from UTC (`scan_harness::tz`), so a date taken from the
//! wrong clock shows.

mod common;
#[path = "common/scan_harness.rs"]
mod scan_harness;

use common::sites::*;
use common::{fingerprint_of, iso, now, TempDir, DB, TABLE};
use scan_harness::*;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

// ---------------------------------------------------------------------------------------
// 1. Selection

#[test]
fn selection_expiry_wildcards_bad_firstseen_and_unsafe_names() {
    let Some(pki) = pki() else { return skip_note() };
    let dir = TempDir::new("scan-select");
    let now = now();
    let probed = [
        "null.scan.test",
        "empty.scan.test",
        "edge-young.scan.test",
        "future.scan.test",
        "null-fp.scan.test",
    ];
    let never = [
        "badfs.scan.test",
        "nullfs.scan.test",
        "done.scan.test",
        "stopped.scan.test",
        "old.scan.test",
        "edge-old.scan.test",
        "*.wild.scan.test",
        "a/b.scan.test",
        "dots..scan.test",
    ];
    let s = site(
        pki,
        probed
            .iter()
            .map(|h| (*h, Reply::page(200, &format!("Title of {h}"))))
            .collect(),
        &[],
    );
    let mut names: Vec<&str> = probed.to_vec();
    names.extend_from_slice(&never);
    let at = |d: i64| Some(iso(now + d));
    let rows_in = vec![
        // unparsable FirstSeen first: the run must go on past them
        Seed {
            first_seen: Some("yesterday".into()),
            ..fresh("badfs.scan.test")
        },
        Seed {
            first_seen: None,
            ..fresh("nullfs.scan.test")
        },
        fresh("null.scan.test"),
        Seed {
            still: Some(String::new()),
            ..fresh("empty.scan.test")
        },
        Seed {
            still: Some("2024-01-01T00:00:00".into()),
            ..fresh("done.scan.test")
        },
        Seed {
            still: Some("Stop checking on 2020-01-01".into()),
            ..fresh("stopped.scan.test")
        },
        Seed {
            first_seen: at(-200 * DAY),
            ..fresh("old.scan.test")
        },
        // (now - FirstSeen).days floors: 180 days and 2 minutes is 180 → expired; 179 days and
        // 23 hours is 179 → probed
        Seed {
            first_seen: at(-180 * DAY - 120),
            ..fresh("edge-old.scan.test")
        },
        Seed {
            first_seen: at(-180 * DAY + 3600),
            ..fresh("edge-young.scan.test")
        },
        // a FirstSeen in the future (clock skew) is young
        Seed {
            first_seen: at(2 * DAY),
            ..fresh("future.scan.test")
        },
        fresh("*.wild.scan.test"),
        fresh("a/b.scan.test"),
        fresh("dots..scan.test"),
        Seed {
            fp: None,
            ..fresh("null-fp.scan.test")
        },
    ];
    seed(&dir, &rows_in);
    base_conf(pki, &resolve_all(&s, &names)).write(&dir);
    let run = scan(&dir, &[]);
    run.ok();

    let lines = run.console();
    assert_eq!(
        lines[0],
        (
            String::new(),
            "Test all domains in DB for Internet Presence:".to_string()
        )
    );
    assert_eq!(lines[1], (String::new(), "*".repeat(45)));
    // Exactly the probed hosts reached the site, once each; nothing else even connected.
    let got: BTreeSet<String> = s.requests().iter().map(|r| r.host.clone()).collect();
    assert_eq!(
        got,
        probed
            .iter()
            .map(|h| h.to_string())
            .collect::<BTreeSet<_>>()
    );
    assert_eq!(s.requests().len(), probed.len(), "{:?}", s.requests());
    assert_eq!(s.connections(), probed.len());

    for h in probed {
        run.assert_has("SUCCESS", &format!("HTTP 200 - {h}"));
        run.assert_marked_during(still_of(&dir, h).as_deref(), h);
        let a = alert_of(&dir, h)
            .unwrap_or_else(|| panic!("no alert for {h}: {:?}", alert_files(&dir)));
        assert_eq!(a["webpage_title"], format!("Title of {h}"));
    }
    // A NULL Fingerprint is matched (UPDATE … Fingerprint IS ?) and gives an empty serial.
    assert_eq!(
        alert_of(&dir, "null-fp.scan.test").unwrap()["cert_serial_number"],
        ""
    );
    assert_eq!(
        alert_of(&dir, "null.scan.test").unwrap()["cert_serial_number"],
        fingerprint_of("null.scan.test")
    );

    // Expired: marked with the UTC date, announced, not probed.
    for h in ["old.scan.test", "edge-old.scan.test"] {
        let still = still_of(&dir, h).unwrap_or_default();
        assert!(
            run.utc_dates()
                .iter()
                .any(|d| still == format!("Stop checking on {d}")),
            "{h}: {still:?}, UTC dates {:?}",
            run.utc_dates()
        );
        run.assert_has(
            "WARNING",
            &format!("  {h} - end of monitoring reached (180 days)"),
        );
    }
    run.assert_has(
        "WARNING",
        "wildcard certificate: no request for *.wild.scan.test",
    );
    for (h, label) in [
        ("badfs.scan.test", "ERROR"),
        ("nullfs.scan.test", "ERROR"),
        ("a/b.scan.test", "ERROR"),
        ("dots..scan.test", "ERROR"),
    ] {
        assert!(
            lines
                .iter()
                .any(|(l, m)| l == label && m.starts_with(&format!("{h}: "))),
            "no {label} line for {h}:\n{}",
            plain(&run.out.stdout)
        );
    }
    assert!(
        lines
            .iter()
            .any(|(_, m)| m.starts_with("badfs.scan.test: ") && m.contains("yesterday")),
        "{}",
        plain(&run.out.stdout)
    );
    assert!(lines.iter().any(|(_, m)| m.starts_with("a/b.scan.test: ")
        && m.contains("not probed")
        && m.contains('/')));
    // Untouched rows.
    for (h, want) in [
        ("badfs.scan.test", None),
        ("nullfs.scan.test", None),
        ("*.wild.scan.test", None),
        ("a/b.scan.test", None),
        ("dots..scan.test", None),
        ("done.scan.test", Some("2024-01-01T00:00:00")),
        ("stopped.scan.test", Some("Stop checking on 2020-01-01")),
    ] {
        assert_eq!(still_of(&dir, h).as_deref(), want, "{h}");
    }
    assert_eq!(
        alert_files(&dir).len(),
        probed.len(),
        "{:?}",
        alert_files(&dir)
    );
    assert_eq!(run.summary(), [5, 5, 0, 2, 5]);

    // A second run probes nothing: the skipped rows are reported again, nothing reaches the site.
    let again = scan(&dir, &[]);
    again.ok();
    assert_eq!(again.summary(), [0, 0, 0, 0, 5]);
    assert_eq!(s.connections(), probed.len());
}

// ---------------------------------------------------------------------------------------
// 2. The alert of an up host

const FP: &str = "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B";

#[test]
fn up_host_alert_file_console_line_and_mark() {
    let Some(pki) = pki() else { return skip_note() };
    let dir = TempDir::new("scan-up");
    let host = "login-paypal.scan.test";
    // é (Latin-1 range), a quote, an en dash, ✓, an astral emoji, a backslash, a slash, a tab.
    let title = "Caf\u{e9} \"login\" \u{2013} secure \u{2713} \u{1F600} \\ back/slash\t";
    let s = site(pki, vec![(host, Reply::page(200, title))], &[]);
    seed(
        &dir,
        &[Seed {
            fp: Some(FP.into()),
            ..fresh(host)
        }],
    );
    base_conf(pki, &[s.resolve(host)])
        .set("REPORTING", "Notification_Destination", "")
        .write(&dir);
    let run = scan(&dir, &[]);
    run.ok();

    let expected = format!(
        r#"{{
    "hostname": "{host}",
    "http_code": 200,
    "cert_serial_number": "{FP}",
    "webpage_title": "Caf\u00e9 \"login\" \u2013 secure \u2713 \ud83d\ude00 \\ back/slash\t",
    "ip_addr": "127.0.0.1",
    "asn": "",
    "asn_cidr": "",
    "asn_country_code": "",
    "asn_description": "",
    "asn_abuse_email": "",
    "safe_browsing_status": "No API key in config file"
}}"#
    );
    let files = alert_files(&dir);
    assert_eq!(files.len(), 1, "{files:?}");
    let rel = &files[0];
    assert!(
        run.local_dirs()
            .iter()
            .any(|d| *rel == format!("{d}/{host}.json")),
        "alert at {rel}, expected under {:?} (local time UTC+14)",
        run.local_dirs()
    );
    assert_same_file(&dir, &dir.join(rel), &expected);

    run.assert_has("SUCCESS", &format!("HTTP 200 - {host}"));
    let repr = format!(
        "{{'hostname': '{host}', 'http_code': 200, 'cert_serial_number': '{FP}', 'webpage_title': 'Caf\u{e9} \"login\" \u{2013} secure \u{2713} \u{1F600} \\\\ back/slash\\t', 'ip_addr': '127.0.0.1', 'asn': '', 'asn_cidr': '', 'asn_country_code': '', 'asn_description': '', 'asn_abuse_email': '', 'safe_browsing_status': 'No API key in config file'}}"
    );
    let creating = format!("Creating {rel} : {repr}");
    assert!(
        console(&run.out.stdout)
            .iter()
            .any(|(l, m)| l.is_empty() && *m == creating),
        "no line\n{creating}\nin\n{}",
        plain(&run.out.stdout)
    );
    run.assert_marked_during(still_of(&dir, host).as_deref(), host);
    assert_eq!(run.summary(), [1, 1, 0, 0, 0]);
    // The request: GET / for the host, one User-Agent.
    let reqs = s.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        (
            reqs[0].method.as_str(),
            reqs[0].path.as_str(),
            reqs[0].host.as_str()
        ),
        ("GET", "/", host)
    );
    assert_eq!(reqs[0].user_agents(), vec![UA.to_string()]);
    // An empty Notification_Destination means no notifier: nothing said about it.
    assert!(
        !run.out.stderr.contains("Notification_Destination"),
        "{}",
        run.out.stderr
    );
}

#[test]
fn fqdn_dirs_tree_with_short_and_long_flag() {
    let Some(pki) = pki() else { return skip_note() };
    for flag in ["-f", "--fqdn-dirs"] {
        let dir = TempDir::new("scan-fqdn");
        let host = "www.login-paypal.scan.test";
        let s = site(pki, vec![(host, Reply::page(200, "Tree"))], &[]);
        seed(
            &dir,
            &[Seed {
                fp: Some(FP.into()),
                ..fresh(host)
            }],
        );
        base_conf(pki, &[s.resolve(host)]).write(&dir);
        let run = scan(&dir, &[flag]);
        run.ok();
        let files = alert_files(&dir);
        assert_eq!(files.len(), 1, "{flag}: {files:?}");
        let want: Vec<String> = run
            .local_dirs()
            .iter()
            .map(|d| format!("{d}/test/scan/login-paypal/www/{host}.json"))
            .collect();
        assert!(
            want.contains(&files[0]),
            "{flag}: {} not in {want:?}",
            files[0]
        );
        assert!(
            plain(&run.out.stdout)
                .lines()
                .any(|l| l.starts_with(&format!("Creating {} : {{'hostname': '{host}'", files[0]))),
            "{}",
            run.out.stdout
        );
        let a = alert_of(&dir, host).unwrap();
        assert_eq!(
            (a["webpage_title"].as_str(), a["http_code"].as_u64()),
            (Some("Tree"), Some(200))
        );
        run.assert_marked_during(still_of(&dir, host).as_deref(), host);
    }
}

#[test]
fn unwritable_alerts_dir_leaves_the_host_unmarked() {
    let Some(pki) = pki() else { return skip_note() };
    let dir = TempDir::new("scan-unwritable");
    let host = "up.scan.test";
    let s = site(pki, vec![(host, Reply::page(200, "Up"))], &[]);
    seed(&dir, &[fresh(host)]);
    dir.write("blocker", "a file where a directory should be");
    base_conf(pki, &[s.resolve(host)])
        .set("REPORTING", "Alerts_dir", "blocker/%%Y")
        .write(&dir);
    let run = scan(&dir, &[]);
    run.ok();
    assert_eq!(s.requests().len(), 1);
    assert_eq!(
        still_of(&dir, host),
        None,
        "marked although its alert could not be written"
    );
    assert!(
        console(&run.out.stdout)
            .iter()
            .any(|(l, m)| l == "ERROR" && m.starts_with(&format!("{host}: cannot write "))),
        "{}",
        plain(&run.out.stdout)
    );
}

// ---------------------------------------------------------------------------------------
// 3. Titles and what counts as up

#[test]
fn titles_charsets_big_and_slow_pages_redirects_and_5xx() {
    let Some(pki) = pki() else { return skip_note() };
    let dir = TempDir::new("scan-titles");
    let html = |ct: Option<&str>, body: &[u8]| Reply::html(200, ct, body.to_vec());
    let big_early = {
        let mut b = b"<html><head><title>Big page</title></head><body>".to_vec();
        b.resize(1_000_000, b'x');
        b
    };
    let big_late = {
        let mut b = b"<html><body>".to_vec();
        b.resize((1 << 20) + 1000, b'x');
        b.extend_from_slice(b"<title>Too far</title></body></html>");
        b
    };
    let drip_prefix = b"<html><head><title>Drip page</title></head><body>".to_vec();
    let pages: Vec<(&str, Reply, Option<&str>)> = vec![
        ("utf8.scan.test", html(Some("text/html; charset=utf-8"), "<title>Caf\u{e9} \u{2713}</title>".as_bytes()), Some("Caf\u{e9} \u{2713}")),
        ("latin1-header.scan.test", html(Some("text/html; charset=ISO-8859-1"), b"<title>Caf\xe9 cr\xe8me</title>"), Some("Caf\u{e9} cr\u{e8}me")),
        ("latin1-meta.scan.test", html(Some("text/html"), b"<html><head><meta charset=\"iso-8859-1\"><title>Caf\xe9</title>"), Some("Caf\u{e9}")),
        (
            "cp1252-equiv.scan.test",
            html(None, b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"><title>Prix 5\x80</title>"),
            Some("Prix 5\u{20ac}"),
        ),
        // no charset anywhere: UTF-8 (the original guessed Latin-1 and made mojibake)
        ("utf8-nocharset.scan.test", html(Some("text/html"), "<title>Caf\u{e9}</title>".as_bytes()), Some("Caf\u{e9}")),
        ("no-content-type.scan.test", html(None, "<title>Caf\u{e9}</title>".as_bytes()), Some("Caf\u{e9}")),
        ("bad-utf8.scan.test", html(Some("text/html"), b"<title>Caf\xe9</title>"), Some("Caf\u{fffd}")),
        // the original's regex: no DOTALL, so a split title is passed over for a later one
        ("split.scan.test", html(Some("text/html"), b"<title>Split\nover lines</title><svg><title>Icon</title></svg>"), Some("Icon")),
        ("split-only.scan.test", html(Some("text/html"), b"<title>Split\nover lines</title>"), Some("")),
        ("upper.scan.test", html(Some("text/html"), b"<TITLE>Upper &amp; raw </TITLE>"), Some("Upper &amp; raw ")),
        ("attr.scan.test", html(Some("text/html"), b"<title lang=\"en\">Attr</title>"), Some("")),
        ("no-title.scan.test", html(Some("text/html"), b"<html><body>nothing</body></html>"), Some("")),
        ("big.scan.test", html(Some("text/html"), &big_early), Some("Big page")),
        // only the first MiB is read
        ("big-late.scan.test", html(Some("text/html"), &big_late), Some("")),
        // headers and the title at once, then a byte every 200 ms: up, with the title that arrived
        (
            "drip.scan.test",
            Reply::Drip { status: 200, headers: vec![("Content-Type".into(), "text/html".into())], prefix: drip_prefix, drip: vec![b'x'; 100], every: Duration::from_millis(200) },
            Some("Drip page"),
        ),
        // the whole body a byte every 200 ms: the status arrived, so up; no complete title
        (
            "drip-all.scan.test",
            Reply::Drip {
                status: 200,
                headers: vec![("Content-Type".into(), "text/html".into())],
                prefix: Vec::new(),
                drip: b"<html><head><title>Never complete</title></head></html>".to_vec(),
                every: Duration::from_millis(200),
            },
            Some(""),
        ),
        ("unavailable.scan.test", Reply::html(503, Some("text/html"), "<title>Maintenance</title>"), Some("Maintenance")),
        ("r1.scan.test", Reply::redirect(302, "https://r2.scan.test/next"), Some("Final page")),
        ("r2.scan.test", Reply::redirect(301, "https://r3.scan.test/final"), None),
        ("r3.scan.test", Reply::html(404, Some("text/html; charset=utf-8"), "<title>Final page</title>"), None),
        ("loop1.scan.test", Reply::redirect(302, "https://loop2.scan.test/"), None),
        ("loop2.scan.test", Reply::redirect(302, "https://loop1.scan.test/"), None),
    ];
    let want: BTreeMap<String, String> = pages
        .iter()
        .filter_map(|(h, _, t)| Some((h.to_string(), (*t)?.to_string())))
        .collect();
    let names: Vec<&str> = pages.iter().map(|(h, _, _)| *h).collect();
    let s = site(
        pki,
        pages.iter().map(|(h, r, _)| (*h, r.clone())).collect(),
        &[],
    );
    let mut seeds: Vec<Seed> = want.keys().map(|h| fresh(h)).collect();
    seeds.push(fresh("loop1.scan.test"));
    seed(&dir, &seeds);
    base_conf(pki, &resolve_all(&s, &names))
        .set("CONNECT", "Workers", "32")
        .write(&dir);
    let run = scan(&dir, &[]);
    run.ok();
    assert!(run.secs < 10.0, "took {:.1} s", run.secs);

    for (h, title) in &want {
        let a =
            alert_of(&dir, h).unwrap_or_else(|| panic!("{h} not up:\n{}", plain(&run.out.stdout)));
        assert_eq!(a["webpage_title"].as_str(), Some(title.as_str()), "{h}");
        run.assert_marked_during(still_of(&dir, h).as_deref(), h);
    }
    let code = |h: &str| alert_of(&dir, h).unwrap()["http_code"].as_u64().unwrap();
    assert_eq!(code("unavailable.scan.test"), 503);
    run.assert_has("SUCCESS", "HTTP 503 - unavailable.scan.test");
    // The redirect chain: final status and title, recorded under the stored name.
    assert_eq!(code("r1.scan.test"), 404);
    assert_eq!(
        alert_of(&dir, "r1.scan.test").unwrap()["hostname"],
        "r1.scan.test"
    );
    let chain: Vec<(String, String)> = s
        .requests()
        .iter()
        .filter(|r| r.host.starts_with('r'))
        .map(|r| (r.host.clone(), r.path.clone()))
        .collect();
    assert_eq!(
        chain,
        vec![
            ("r1.scan.test".into(), "/".into()),
            ("r2.scan.test".into(), "/next".into()),
            ("r3.scan.test".into(), "/final".into())
        ]
    );
    for r in s.requests() {
        assert_eq!(
            r.user_agents(),
            vec![UA.to_string()],
            "{} {}",
            r.host,
            r.path
        );
    }
    // A redirect loop is an error of the third kind; not marked.
    assert!(
        console(&run.out.stdout)
            .iter()
            .any(|(l, m)| l == "ERROR" && m.starts_with("  https://loop1.scan.test Error: ")),
        "{}",
        plain(&run.out.stdout)
    );
    assert_eq!(still_of(&dir, "loop1.scan.test"), None);
    assert!(alert_of(&dir, "loop1.scan.test").is_none());
    // Escapes in the file: Latin-1 decoded, then \u-escaped.
    let f = alert_files(&dir)
        .into_iter()
        .find(|f| f.ends_with("/latin1-header.scan.test.json"))
        .unwrap();
    assert!(std::fs::read_to_string(dir.join(&f))
        .unwrap()
        .contains(r#""webpage_title": "Caf\u00e9 cr\u00e8me","#));
    assert_eq!(
        run.summary(),
        [want.len() as u64 + 1, want.len() as u64, 1, 0, 0]
    );
}

// ---------------------------------------------------------------------------------------
// 4. Down hosts

#[test]
fn down_kinds_refused_silent_tls_and_none_is_marked() {
    let Some(pki) = pki() else { return skip_note() };
    let dir = TempDir::new("scan-down");
    let ok = site(pki, vec![("ok.scan.test", Reply::page(200, "OK"))], &[]);
    let wrong = Site::start(pki.acceptor(&["other.scan.test"]), |_| {
        Reply::page(200, "wrong")
    });
    let tls_then_close = Site::start(pki.acceptor(&["closes.scan.test"]), |_| Reply::Close);
    let silent = RawServer::silent();
    let plain_http = RawServer::plain_http();
    let resolve = vec![
        ok.resolve("ok.scan.test"),
        refused("refused.scan.test"),
        silent.resolve("silent.scan.test"),
        wrong.resolve("wrongname.scan.test"),
        plain_http.resolve("plain.scan.test"),
        tls_then_close.resolve("closes.scan.test"),
    ];
    let down = [
        "refused.scan.test",
        "silent.scan.test",
        "wrongname.scan.test",
        "plain.scan.test",
        "closes.scan.test",
    ];
    let mut seeds = vec![fresh("ok.scan.test")];
    seeds.extend(down.iter().map(|h| fresh(h)));
    seed(&dir, &seeds);
    base_conf(pki, &resolve)
        .set("CONNECT", "Timeout", "1")
        .write(&dir);
    let run = scan(&dir, &[]);
    run.ok();
    let lines = console(&run.out.stdout);
    let err_line = |h: &str| {
        lines
            .iter()
            .find(|(l, m)| l == "ERROR" && m.starts_with(&format!("  https://{h}")))
            .map(|(_, m)| m.clone())
    };
    assert_eq!(
        err_line("refused.scan.test").as_deref(),
        Some("  https://refused.scan.test - Connection error")
    );
    assert_eq!(
        err_line("wrongname.scan.test").as_deref(),
        Some("  https://wrongname.scan.test - SSL error")
    );
    assert_eq!(
        err_line("plain.scan.test").as_deref(),
        Some("  https://plain.scan.test - SSL error")
    );
    // A port that accepts and never answers: an error line once the timeout is over.
    let silent_line = err_line("silent.scan.test")
        .unwrap_or_else(|| panic!("no error line for silent:\n{}", plain(&run.out.stdout)));
    assert!(
        silent_line == "  https://silent.scan.test - Connection error"
            || silent_line.starts_with("  https://silent.scan.test Error: "),
        "{silent_line}"
    );
    assert!(
        run.secs >= 0.9,
        "the silent host was given up after {:.1} s, before the 1 s timeout",
        run.secs
    );
    assert_eq!(silent.connections(), 1);
    // TLS accepted, then the server hangs up without an answer (requests: ConnectionError).
    let closes = err_line("closes.scan.test")
        .unwrap_or_else(|| panic!("no error line for closes:\n{}", plain(&run.out.stdout)));
    assert!(
        closes == "  https://closes.scan.test - Connection error"
            || closes.starts_with("  https://closes.scan.test Error: "),
        "{closes}"
    );
    for h in down {
        assert_eq!(still_of(&dir, h), None, "{h} marked");
        assert!(alert_of(&dir, h).is_none(), "{h} has an alert");
        assert!(
            !lines.iter().any(|(l, m)| l == "SUCCESS" && m.ends_with(h)),
            "{h}"
        );
    }
    assert_eq!(alert_files(&dir).len(), 1, "{:?}", alert_files(&dir));
    run.assert_marked_during(still_of(&dir, "ok.scan.test").as_deref(), "ok");
    assert_eq!(run.summary(), [6, 1, 5, 0, 0]);
    assert!(run.secs < 6.0, "took {:.1} s with a 1 s timeout", run.secs);
}

/// A server that completes the TLS handshake and hangs up without an answer: requests raises
/// `ConnectionError` (urllib3 `ProtocolError('Connection aborted.', RemoteDisconnected(...))`),
/// so the original printed `Connection error`; any I/O failure before a status line is a
/// connection error too.
#[test]
fn tls_then_hangup_is_a_connection_error_like_the_original() {
    let Some(pki) = pki() else { return skip_note() };
    let dir = TempDir::new("scan-hangup");
    let host = "closes.scan.test";
    let s = Site::start(pki.acceptor(&[host]), |_| Reply::Close);
    seed(&dir, &[fresh(host)]);
    base_conf(pki, &[s.resolve(host)]).write(&dir);
    let run = scan(&dir, &[]);
    run.ok();
    assert_eq!(s.requests().len(), 1);
    run.assert_has("ERROR", &format!("  https://{host} - Connection error"));
    assert_eq!(still_of(&dir, host), None);
}

#[test]
fn untrusted_ca_is_an_ssl_error_without_cafile_and_trusted_with_ssl_cert_file() {
    let Some(pki) = pki() else { return skip_note() };
    let host = "untrusted.scan.test";
    let s = site(pki, vec![(host, Reply::page(200, "Private CA"))], &[]);
    // Without CAFile: the system roots do not know the test CA.
    let dir = TempDir::new("scan-untrusted");
    seed(&dir, &[fresh(host)]);
    base_conf(pki, &[s.resolve(host)])
        .without("CONNECT", "CAFile")
        .write(&dir);
    let run = scan(&dir, &[]);
    run.ok();
    run.assert_has("ERROR", &format!("  https://{host} - SSL error"));
    assert_eq!(still_of(&dir, host), None);
    assert!(alert_files(&dir).is_empty());
    assert_eq!(run.summary(), [1, 0, 1, 0, 0]);
    assert!(
        s.requests().is_empty(),
        "a request went over an unverified connection"
    );

    // SSL_CERT_FILE adds trust as OpenSSL tools do.
    let dir = TempDir::new("scan-ssl-cert-file");
    seed(&dir, &[fresh(host)]);
    base_conf(pki, &[s.resolve(host)])
        .without("CONNECT", "CAFile")
        .write(&dir);
    let ca = pki.ca_pem.display().to_string();
    let run = scan_env(&dir, &[], &[("SSL_CERT_FILE", &ca)]);
    run.ok();
    run.assert_has("SUCCESS", &format!("HTTP 200 - {host}"));
    assert_eq!(alert_of(&dir, host).unwrap()["webpage_title"], "Private CA");
}

// ---------------------------------------------------------------------------------------
// 10. Config errors

#[test]
fn config_errors_name_file_line_and_key() {
    let Some(pki) = pki() else { return skip_note() };
    let cases: &[(&str, &str, &str)] = &[
        ("CONNECT", "Timeout", "soon"),
        ("CONNECT", "Timeout", "0"),
        ("CONNECT", "Timeout", "-1"),
        ("CONNECT", "Workers", "0"),
        ("CONNECT", "Workers", "many"),
        ("CONNECT", "Resolve", "nonsense"),
        (
            "CONNECT",
            "Resolve",
            "ok.scan.test:127.0.0.1, bad.scan.test:999.1.1.1",
        ),
        ("CONNECT", "Proxy", "ftp://x"),
        ("REPORTING", "Alert_Monitor_timelapse", "x"),
        ("ENRICH", "AllowReserved", "maybe"),
        ("ENRICH", "WhoisViaProxy", "maybe"),
        ("ENRICH", "WhoisViaProxy", "yes"), // without [CONNECT] Proxy
    ];
    let mut failures = Vec::new();
    for (section, key, value) in cases {
        if let Some(f) = config_error_case(pki, section, key, value) {
            failures.push(f);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // A missing Alerts_dir names the key.
    let dir = TempDir::new("scan-conf-err");
    base_conf(pki, &[])
        .without("REPORTING", "Alerts_dir")
        .write(&dir);
    let run = scan(&dir, &[]);
    assert_eq!(run.out.code, Some(2));
    assert!(
        run.out.stderr.contains("[REPORTING] Alerts_dir"),
        "{}",
        run.out.stderr
    );
}

/// Exit 2, one line on stderr naming the file, the line and `[SECTION] Key`, nothing created.
/// `None` when all that holds, else what went wrong.
fn config_error_case(pki: &Pki, section: &str, key: &str, value: &str) -> Option<String> {
    let dir = TempDir::new("scan-conf-err");
    dir.write("not-a-cert.txt", "hello\n");
    let text = base_conf(pki, &["ok.scan.test:127.0.0.1".to_string()])
        .set(section, key, value)
        .write(&dir);
    let line = common::line_of(&text, &format!("{key} ="));
    let run = scan(&dir, &[]);
    let err = run.out.stderr.trim_end();
    if run.out.code != Some(2) {
        return Some(format!(
            "{key} = {value}: exit {:?}, stderr {err:?}",
            run.out.code
        ));
    }
    if err.lines().count() != 1 {
        return Some(format!("{key} = {value}: not one line: {err:?}"));
    }
    for needle in [
        CONF.to_string(),
        format!("line {line}"),
        format!("[{section}] {key}:"),
    ] {
        if !err.contains(&needle) {
            return Some(format!("{key} = {value}: {needle:?} not in {err:?}"));
        }
    }
    if dir.join(DB).exists() || dir.join("alerts").exists() {
        return Some(format!("{key} = {value}: DB or alerts created"));
    }
    None
}

/// Mistakes found when the HTTP client is set up are config errors like the others: exit 2
/// naming file, line and the real key — a missing CAFile, a CAFile without any certificate
/// (it would silently add no trust) and a Proxy URL with a known scheme but no host.
#[test]
fn client_setup_errors_name_file_line_and_key() {
    let Some(pki) = pki() else { return skip_note() };
    let cases = [
        ("CAFile", "missing-ca.pem"),
        ("CAFile", "not-a-cert.txt"),
        ("Proxy", "http://"),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(k, v)| config_error_case(pki, "CONNECT", k, v))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Host names come from certificates via the DB: a stored name holding ANSI escapes or a
/// newline must not reach the terminal raw nor forge a console line, on any of the lines that
/// name a host without probing it (bad FirstSeen, end of monitoring, wildcard, unusable as a
/// file name). They are shown escaped (`\x1b`, `\x0a`), as `monitor` shows them.
#[test]
fn hostile_host_names_are_escaped_on_the_console() {
    let dir = TempDir::new("scan-hostile-names");
    let now = now();
    let evil =
        |tag: &str| format!("{tag}\x1b[2J\x1b]0;pwn\x07\nFORGED - SUCCESS - {tag}.scan.test");
    let rows_in = vec![
        Seed {
            first_seen: Some("yesterday".into()),
            ..fresh(&evil("badfs"))
        },
        Seed {
            first_seen: Some(iso(now - 200 * DAY)),
            ..fresh(&evil("old"))
        },
        fresh(&format!("*.{}", evil("wild"))),
        fresh(&evil("unsafe")),
    ];
    seed(&dir, &rows_in);
    Ini(Vec::new())
        .set("DATABASE", "DBFile", DB)
        .set("DATABASE", "TABLEname", TABLE)
        .set("LOGGING", "LogType", "stderr")
        .set("LOGGING", "LogLevel", "DEBUG")
        .set("REPORTING", "Alerts_dir", "alerts")
        .set("REPORTING", "Alert_Monitor_timelapse", "180")
        .set("CONNECT", "Timeout", "2")
        .write(&dir);
    let run = scan(&dir, &[]);
    run.ok();
    assert_eq!(run.summary(), [0, 0, 0, 1, 3]);
    // The console's own colour codes are the only escapes on stdout.
    let own = regex::Regex::new("\x1b\\[(0|3[1-59])m").unwrap();
    let stdout = own.replace_all(&run.out.stdout, "").into_owned();
    for (what, text) in [("stdout", &stdout), ("stderr", &run.out.stderr)] {
        assert!(
            !text.contains('\x1b') && !text.contains('\x07'),
            "raw control characters on {what}:\n{text:?}"
        );
        assert!(
            !text.lines().any(|l| l.starts_with("FORGED")),
            "a host name forged a line on {what}:\n{text}"
        );
    }
    for tag in ["badfs", "old", "wild", "unsafe"] {
        let shown = format!("{tag}\\x1b[2J\\x1b]0;pwn\\x07\\x0aFORGED - SUCCESS - {tag}.scan.test");
        assert!(
            stdout.contains(&shown),
            "{tag}: the name is shown escaped ({shown:?}):\n{stdout}"
        );
    }
}

//! `certstreammonitor scan` end to end, hermetic: stored hosts point at loopback HTTPS sites
//! through `[CONNECT] Resolve`, the sites present certificates of a test CA made with the
//! `openssl` CLI and trusted through `[CONNECT] CAFile`, and whois / RDAP / Safe Browsing are
//! loopback fakes (`[ENRICH] AllowReserved = yes` lifts the reserved-address rule where a test
//! checks enrichment). Nothing leaves 127.0.0.0/8: every name a scan could look up has a
//! Resolve entry (also the names it must refuse to probe), and the proxies only tunnel to
//! loopback.
//!
//! Child processes run 12 hours away from UTC (see `tz`), so a date taken from the wrong clock
//! shows.

mod common;

use common::sites::*;
use common::{
    find, fingerprint_of, iso, now, parse_iso, rows, run_env, Cert, Out, Proc, TempDir, DB, TABLE,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::time::{Duration, Instant};

/// The child's time zone (POSIX `TZ`) and its offset from UTC in seconds: UTC-12 before noon
/// UTC, UTC+12 after, so the local date always differs from the UTC date and a date taken
/// from the wrong clock (local for StillInvestig and "Stop checking on", UTC for Alerts_dir)
/// fails the tests.
fn tz() -> (&'static str, i64) {
    static TZ: std::sync::OnceLock<(&'static str, i64)> = std::sync::OnceLock::new();
    *TZ.get_or_init(|| {
        if now().rem_euclid(DAY) < 12 * 3600 {
            ("CSM+12", -12 * 3600)
        } else {
            ("CSM-12", 12 * 3600)
        }
    })
}

const UA: &str = "certstreammonitor-test/1.0 (http_UA)";
const CONF: &str = "scan.conf";
const DAY: i64 = 86_400;

// ---------------------------------------------------------------------------------------
// Config

/// An INI file as ordered sections of ordered `key = value` lines.
#[derive(Clone, Debug)]
struct Ini(Vec<(String, Vec<(String, String)>)>);

impl Ini {
    fn set(mut self, section: &str, key: &str, value: impl Into<String>) -> Ini {
        let value = value.into();
        let idx = match self.0.iter().position(|(s, _)| s == section) {
            Some(i) => i,
            None => {
                self.0.push((section.to_string(), Vec::new()));
                self.0.len() - 1
            }
        };
        let keys = &mut self.0[idx].1;
        match keys.iter_mut().find(|(k, _)| k == key) {
            Some(kv) => kv.1 = value,
            None => keys.push((key.to_string(), value)),
        }
        self
    }

    fn without(mut self, section: &str, key: &str) -> Ini {
        for (s, keys) in &mut self.0 {
            if s == section {
                keys.retain(|(k, _)| k != key);
            }
        }
        self
    }

    fn render(&self) -> String {
        let mut out = String::new();
        for (s, keys) in &self.0 {
            out += &format!("[{s}]\n");
            for (k, v) in keys {
                out += &format!("{k} = {v}\n");
            }
            out.push('\n');
        }
        out
    }

    fn write(&self, dir: &TempDir) -> String {
        dir.write(CONF, self.render());
        self.render()
    }
}

/// What every scan test starts from: the DB in `data/`, alerts under
/// `alerts/%Y/%m/%d` (after `%%` interpolation), the test CA trusted, a 2 s timeout.
fn base_conf(pki: &Pki, resolve: &[String]) -> Ini {
    Ini(Vec::new())
        .set("DATABASE", "DBFile", DB)
        .set("DATABASE", "TABLEname", TABLE)
        .set("LOGGING", "LogType", "stderr")
        .set("LOGGING", "LogLevel", "INFO")
        .set("REPORTING", "Alerts_dir", "alerts/%%Y/%%m/%%d")
        .set("REPORTING", "Alert_Monitor_timelapse", "180")
        .set("CONNECT", "http_UA", UA)
        .set("CONNECT", "Timeout", "2")
        .set("CONNECT", "Workers", "8")
        .set("CONNECT", "CAFile", pki.ca_pem.display().to_string())
        .set("CONNECT", "Resolve", resolve.join(", "))
}

// ---------------------------------------------------------------------------------------
// DB

struct Seed {
    domain: String,
    fp: Option<String>,
    first_seen: Option<String>,
    still: Option<String>,
}

/// A host first seen an hour ago, not yet investigated.
fn fresh(domain: &str) -> Seed {
    Seed {
        domain: domain.into(),
        fp: Some(fingerprint_of(domain)),
        first_seen: Some(iso(now() - 3600)),
        still: None,
    }
}

fn seed(dir: &TempDir, rows: &[Seed]) {
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let c = rusqlite::Connection::open(dir.join(DB)).unwrap();
    c.execute_batch(&common::original_ddl(TABLE)).unwrap();
    for r in rows {
        c.execute(
            "INSERT INTO CertMon (Domain, SAN, Issuer, Fingerprint, Startime, FirstSeen, StillInvestig) VALUES (?1, '', '/C=US/CN=R3/O=Let''s Encrypt', ?2, '2024-01-01T00:00:00', ?3, ?4)",
            rusqlite::params![r.domain, r.fp, r.first_seen, r.still],
        )
        .unwrap();
    }
}

fn still_of(dir: &TempDir, domain: &str) -> Option<String> {
    find(&rows(&dir.join(DB), TABLE), domain).still.clone()
}

// ---------------------------------------------------------------------------------------
// Running scan

struct ScanRun {
    out: Out,
    t0: i64,
    t1: i64,
    secs: f64,
}

fn scan_env(dir: &TempDir, args: &[&str], env: &[(&str, &str)]) -> ScanRun {
    let mut full = vec!["scan", "-c", CONF];
    full.extend_from_slice(args);
    let mut envs = vec![("TZ", tz().0)];
    envs.extend_from_slice(env);
    let (t0, start) = (now(), Instant::now());
    let out = run_env(dir.path(), &full, &envs, None);
    let run = ScanRun {
        out,
        t0,
        t1: now(),
        secs: start.elapsed().as_secs_f64(),
    };
    // SCAN_TEST_SHOW=1 cargo test --test scan -- --nocapture: every run's output.
    if std::env::var_os("SCAN_TEST_SHOW").is_some() {
        eprintln!(
            "=== scan {args:?} in {} ({:.1} s, exit {:?})\n{}--- stderr ---\n{}",
            dir.path().display(),
            run.secs,
            run.out.code,
            plain(&run.out.stdout),
            run.out.stderr
        );
    }
    run
}

fn scan(dir: &TempDir, args: &[&str]) -> ScanRun {
    scan_env(dir, args, &[])
}

fn spawn_scan(dir: &TempDir) -> Proc {
    Proc::spawn(dir.path(), &["scan", "-c", CONF], &[("TZ", tz().0)], None)
}

impl ScanRun {
    fn ok(&self) -> &Self {
        assert_eq!(
            self.out.code,
            Some(0),
            "scan failed\nstdout:\n{}\nstderr:\n{}",
            self.out.stdout,
            self.out.stderr
        );
        self
    }
    fn console(&self) -> Vec<(String, String)> {
        console(&self.out.stdout)
    }
    fn has(&self, label: &str, msg: &str) -> bool {
        self.console().iter().any(|(l, m)| l == label && m == msg)
    }
    fn assert_has(&self, label: &str, msg: &str) {
        assert!(
            self.has(label, msg),
            "no {label} line {msg:?} in stdout:\n{}",
            plain(&self.out.stdout)
        );
    }
    /// `Alerts_dir` as the run must have expanded it (local date, see [`tz`]), for either end of
    /// the run (a run may straddle midnight).
    fn local_dirs(&self) -> Vec<String> {
        let mut v: Vec<String> = [self.t0, self.t1]
            .iter()
            .map(|t| format!("alerts/{}", iso(t + tz().1)[..10].replace('-', "/")))
            .collect();
        v.dedup();
        v
    }
    fn utc_dates(&self) -> Vec<String> {
        let mut v: Vec<String> = [self.t0, self.t1]
            .iter()
            .map(|t| iso(*t)[..10].to_string())
            .collect();
        v.dedup();
        v
    }
    /// Whether `still` is UTC ISO seconds taken during the run.
    fn assert_marked_during(&self, still: Option<&str>, what: &str) {
        let s = still.unwrap_or_else(|| panic!("{what}: StillInvestig is NULL"));
        let t = parse_iso(s)
            .unwrap_or_else(|| panic!("{what}: StillInvestig {s:?} is not YYYY-MM-DDTHH:MM:SS"));
        assert!(
            self.t0 <= t && t <= self.t1,
            "{what}: StillInvestig {s} is not UTC now ({} .. {})",
            iso(self.t0),
            iso(self.t1)
        );
    }
    /// The `Scan finished: …` numbers.
    fn summary(&self) -> [u64; 5] {
        let line = plain(&self.out.stdout)
            .lines()
            .rev()
            .find(|l| l.starts_with("Scan finished: "))
            .map(str::to_string);
        let line =
            line.unwrap_or_else(|| panic!("no summary line in stdout:\n{}", self.out.stdout));
        let re = regex::Regex::new(r"^Scan finished: (\d+) probed, (\d+) up, (\d+) down, (\d+) expired, (\d+) skipped in \d+\.\d s$").unwrap();
        let c = re
            .captures(&line)
            .unwrap_or_else(|| panic!("summary line {line:?}"));
        [1, 2, 3, 4, 5].map(|i| c[i].parse().unwrap())
    }
}

/// Stdout without colour codes.
fn plain(s: &str) -> String {
    regex::Regex::new("\x1b\\[[0-9;]*m")
        .unwrap()
        .replace_all(s, "")
        .into_owned()
}

/// `(label, message)` per stdout line: `HH:MM:SS - LABEL - message` lines of the original's
/// console (colour codes removed); other lines as `("", line)`.
fn console(stdout: &str) -> Vec<(String, String)> {
    let re = regex::Regex::new(r"^\d{2}:\d{2}:\d{2} - ([A-Z]+) - (.*)$").unwrap();
    plain(stdout)
        .lines()
        .map(|l| match re.captures(l) {
            Some(c) => (c[1].to_string(), c[2].to_string()),
            None => (String::new(), l.to_string()),
        })
        .collect()
}

/// Every file under `dir/alerts`, relative to `dir`, sorted.
fn alert_files(dir: &TempDir) -> Vec<String> {
    fn walk(base: &Path, d: &Path, out: &mut Vec<String>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir.path(), &dir.join("alerts"), &mut out);
    out.sort();
    out
}

/// The alert file of `host` (flat layout), parsed.
fn alert_of(dir: &TempDir, host: &str) -> Option<Value> {
    let name = format!("/{host}.json");
    let f = alert_files(dir).into_iter().find(|f| f.ends_with(&name))?;
    Some(serde_json::from_slice(&std::fs::read(dir.join(&f)).unwrap()).unwrap())
}

/// Compare the file at `actual` with `expected`, written beside it as `expected/<name>` so
/// that a failing test leaves both for inspection.
fn assert_same_file(dir: &TempDir, actual: &Path, expected: &str) {
    let exp_path = dir.join("expected").join(actual.file_name().unwrap());
    std::fs::create_dir_all(exp_path.parent().unwrap()).unwrap();
    std::fs::write(&exp_path, expected).unwrap();
    let got = std::fs::read(actual).unwrap_or_else(|e| panic!("{}: {e}", actual.display()));
    let want = std::fs::read(&exp_path).unwrap();
    assert!(
        got == want,
        "{} differs from {}:\n--- got ---\n{}\n--- want ---\n{}",
        actual.display(),
        exp_path.display(),
        String::from_utf8_lossy(&got),
        expected
    );
}

// ---------------------------------------------------------------------------------------
// Sites

/// One HTTPS site on 127.0.0.1 serving `pages` by Host (a default page for other hosts),
/// with a certificate for every name in `pages` plus `extra_names`.
fn site(pki: &Pki, pages: Vec<(&str, Reply)>, extra_names: &[&str]) -> Site {
    let mut names: Vec<&str> = pages.iter().map(|(h, _)| *h).collect();
    names.extend_from_slice(extra_names);
    let map: HashMap<String, Reply> = pages.into_iter().map(|(h, r)| (h.to_string(), r)).collect();
    Site::start(pki.acceptor(&names), move |req| {
        map.get(&req.host)
            .cloned()
            .unwrap_or_else(|| Reply::page(200, &format!("default {}", req.host)))
    })
}

fn resolve_all(site: &Site, names: &[&str]) -> Vec<String> {
    names.iter().map(|n| site.resolve(n)).collect()
}

fn skip_note() {
    eprintln!("skipped: needs the openssl CLI");
}

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

// ---------------------------------------------------------------------------------------
// 8. Concurrency

#[test]
fn forty_silent_hosts_take_a_couple_of_timeouts_not_forty() {
    let Some(pki) = pki() else { return skip_note() };
    let dir = TempDir::new("scan-pool");
    let silent = RawServer::silent();
    let names: Vec<String> = (0..40).map(|i| format!("silent{i}.scan.test")).collect();
    seed(&dir, &names.iter().map(|h| fresh(h)).collect::<Vec<_>>());
    base_conf(
        pki,
        &names.iter().map(|n| silent.resolve(n)).collect::<Vec<_>>(),
    )
    .set("CONNECT", "Workers", "20")
    .set("CONNECT", "Timeout", "1")
    .write(&dir);
    let started = Instant::now();
    let mut p = spawn_scan(&dir);
    // The pool is bounded: sample the thread count while it runs.
    let mut peak_threads = 0;
    while p.running() && started.elapsed() < Duration::from_secs(20) {
        let threads = std::fs::read_to_string(format!("/proc/{}/status", p.pid()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("Threads:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<usize>().ok())
            })
            .unwrap_or(0);
        peak_threads = peak_threads.max(threads);
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = p
        .wait_exit(Duration::from_secs(20))
        .expect("scan of 40 silent hosts did not finish within 20 s");
    let secs = started.elapsed().as_secs_f64();
    let run = ScanRun {
        out: Out {
            code: status.code(),
            stdout: p.stdout(),
            stderr: p.stderr(),
        },
        t0: 0,
        t1: 0,
        secs,
    };
    run.ok();
    eprintln!("40 silent hosts, 20 workers, 1 s timeout: {secs:.1} s, peak {peak_threads} threads");
    assert!(secs < 20.0, "took {secs:.1} s");
    assert!(
        peak_threads <= 20 + 4,
        "{peak_threads} threads for 20 workers"
    );
    assert_eq!(run.summary(), [40, 0, 40, 0, 0]);
    assert_eq!(silent.connections(), 40);
    let errors = console(&run.out.stdout)
        .iter()
        .filter(|(l, m)| l == "ERROR" && m.starts_with("  https://silent"))
        .count();
    assert_eq!(errors, 40);
    assert!(rows(&dir.join(DB), TABLE).iter().all(|r| r.still.is_none()));
}

/// The smallest pool that is a pool: two workers. (Their seeds must not overflow in a debug
/// build.)
#[test]
fn two_workers_start() {
    let Some(pki) = pki() else { return skip_note() };
    let dir = TempDir::new("scan-two");
    seed(&dir, &[fresh("r1.scan.test"), fresh("r2.scan.test")]);
    base_conf(pki, &[refused("r1.scan.test"), refused("r2.scan.test")])
        .set("CONNECT", "Workers", "2")
        .write(&dir);
    let run = scan(&dir, &[]);
    run.ok();
    assert_eq!(run.summary(), [2, 0, 2, 0, 0]);
}

#[test]
fn monitor_replays_into_the_same_db_while_a_scan_runs() {
    let Some(pki) = pki() else { return skip_note() };
    let dir = TempDir::new("scan-shared-db");
    let silent = RawServer::silent();
    let ups: Vec<String> = (0..20).map(|i| format!("up{i}.scan.test")).collect();
    let slow: Vec<String> = (0..20).map(|i| format!("slow{i}.scan.test")).collect();
    let s = Site::start(
        pki.acceptor(&ups.iter().map(String::as_str).collect::<Vec<_>>()),
        |r| Reply::page(200, &r.host).delayed(Duration::from_millis(150)),
    );
    // Replay feeds: 3 × 150 certificates with two matching names each.
    let feeds: Vec<Vec<String>> = (0..3)
        .map(|k| {
            (0..150)
                .map(|i| format!("paypal-login-{k}-{i}.replay.test"))
                .collect()
        })
        .collect();
    let replay_names: Vec<String> = feeds
        .iter()
        .flatten()
        .flat_map(|n| [n.clone(), format!("www.{n}")])
        .collect();
    for (k, names) in feeds.iter().enumerate() {
        let text: String = names
            .iter()
            .map(|n| Cert::new(&[n, &format!("www.{n}")]).lite() + "\n")
            .collect();
        dir.write(&format!("feed{k}.jsonl"), text);
    }
    let mut seeds = Vec::new();
    for (u, w) in ups.iter().zip(&slow) {
        seeds.push(fresh(u));
        seeds.push(fresh(w));
    }
    seed(&dir, &seeds);
    // Every replayed name resolves to a refused port: should a scan ever pick them up, it
    // stays on loopback.
    let dead = refused("x");
    let dead_port = dead.rsplit(':').next().unwrap();
    let mut resolve: Vec<String> = ups.iter().map(|n| s.resolve(n)).collect();
    resolve.extend(slow.iter().map(|n| silent.resolve(n)));
    resolve.extend(
        replay_names
            .iter()
            .map(|n| format!("{n}:127.0.0.1:{dead_port}")),
    );
    base_conf(pki, &resolve)
        .set("CONNECT", "Workers", "4")
        .set("CONNECT", "Timeout", "1")
        .set("SEARCH", "SearchKeywords", "paypal|login|secure")
        .set("SEARCH", "DetectionThreshold", "2")
        .set("SERVER", "ACTServer", "ws://127.0.0.1:9/")
        .write(&dir);
    let t0 = now();
    let mut scan = spawn_scan(&dir);
    // Start writing once the scan has selected its rows and recorded a first host.
    assert!(
        common::wait_until(Duration::from_secs(10), || scan
            .stdout()
            .contains("Creating ")),
        "scan never recorded a host:\n{}",
        scan.stdout()
    );
    let mut overlapped = 0;
    for k in 0..3 {
        let out = common::run(
            dir.path(),
            &["monitor", "-c", CONF, "--replay", &format!("feed{k}.jsonl")],
            None,
        );
        assert_eq!(out.code, Some(0), "replay {k}: {}", out.stderr);
        assert!(
            !out.stderr.to_lowercase().contains("locked"),
            "replay {k}: {}",
            out.stderr
        );
        if scan.running() {
            overlapped += 1;
        }
    }
    let status = scan
        .wait_exit(Duration::from_secs(20))
        .expect("scan did not finish");
    let t1 = now();
    assert_eq!(status.code(), Some(0), "{}", scan.stderr());
    assert!(
        overlapped >= 1,
        "no replay finished while the scan was running"
    );
    assert!(
        !scan.stderr().to_lowercase().contains("locked")
            && !scan.stdout().to_lowercase().contains("locked"),
        "{}",
        scan.stderr()
    );
    let all = rows(&dir.join(DB), TABLE);
    let stored: BTreeSet<&str> = all.iter().map(|r| r.domain.as_str()).collect();
    for n in &replay_names {
        assert!(stored.contains(n.as_str()), "{n} missing");
    }
    assert_eq!(all.len(), 40 + replay_names.len());
    for u in &ups {
        let still = find(&all, u)
            .still
            .clone()
            .unwrap_or_else(|| panic!("{u} not marked"));
        let t = parse_iso(&still).unwrap();
        assert!(t0 <= t && t <= t1, "{u}: {still}");
        assert!(alert_of(&dir, u).is_some(), "{u}");
    }
    for w in slow.iter().chain(&replay_names) {
        assert_eq!(find(&all, w).still, None, "{w}");
    }
    assert!(common::integrity_ok(&dir.join(DB)));
    eprintln!("replays overlapping the scan: {overlapped}/3");
}

// ---------------------------------------------------------------------------------------
// 9. Interrupts

#[test]
fn sigterm_and_sigint_stop_the_scan_leaving_marks_and_alerts_consistent() {
    let Some(pki) = pki() else { return skip_note() };
    let summary_re = regex::Regex::new(r"^Scan finished: (\d+) probed, (\d+) up, ").unwrap();
    for sig in ["TERM", "INT"] {
        let dir = TempDir::new("scan-interrupt");
        let silent = RawServer::silent();
        let ups: Vec<String> = (0..20).map(|i| format!("u{i}.scan.test")).collect();
        let slow: Vec<String> = (0..20).map(|i| format!("s{i}.scan.test")).collect();
        // Up hosts answer after 800 ms, so some are in flight when the signal comes.
        let s = Site::start(
            pki.acceptor(&ups.iter().map(String::as_str).collect::<Vec<_>>()),
            |r| Reply::page(200, &r.host).delayed(Duration::from_millis(800)),
        );
        let mut seeds = Vec::new();
        for (u, w) in ups.iter().zip(&slow) {
            seeds.push(fresh(u));
            seeds.push(fresh(w));
        }
        seed(&dir, &seeds);
        let mut resolve: Vec<String> = ups.iter().map(|n| s.resolve(n)).collect();
        resolve.extend(slow.iter().map(|n| silent.resolve(n)));
        let timeout = 3.0;
        base_conf(pki, &resolve)
            .set("CONNECT", "Workers", "6")
            .set("CONNECT", "Timeout", "3")
            .write(&dir);
        let mut p = spawn_scan(&dir);
        assert!(
            common::wait_until(Duration::from_secs(10), || p.stdout().contains("Creating ")),
            "{sig}: no host recorded:\n{}",
            p.stdout()
        );
        std::thread::sleep(Duration::from_millis(300));
        let sent = Instant::now();
        p.signal(sig);
        let status = p
            .wait_exit(Duration::from_secs(15))
            .unwrap_or_else(|| panic!("{sig}: still running 15 s after the signal"));
        let took = sent.elapsed().as_secs_f64();
        assert_eq!(status.code(), Some(0), "{sig}: {}", p.stderr());
        assert!(
            took < timeout + 3.0,
            "{sig}: exit {took:.1} s after the signal (timeout {timeout} s)"
        );
        let out = plain(&p.stdout());
        assert!(
            out.contains("Interrupt received, stopping ..."),
            "{sig}: {out}"
        );
        let summary = out
            .lines()
            .rev()
            .find(|l| l.starts_with("Scan finished: "))
            .unwrap_or_else(|| panic!("{sig}: no summary: {out}"))
            .to_string();
        let all = rows(&dir.join(DB), TABLE);
        let mut marked = 0;
        for r in &all {
            let has_alert = alert_of(&dir, &r.domain).is_some();
            assert_eq!(
                r.still.is_some(),
                has_alert,
                "{sig}: {} marked={:?} alert={has_alert}",
                r.domain,
                r.still
            );
            marked += r.still.is_some() as usize;
        }
        assert!(
            marked >= 1 && marked < ups.len(),
            "{sig}: {marked} marked; {summary}"
        );
        for w in &slow {
            assert_eq!(find(&all, w).still, None);
        }
        // Every recorded host is in the summary, and not everything was probed.
        let c = summary_re.captures(&summary).unwrap();
        let (probed, up): (usize, usize) = (c[1].parse().unwrap(), c[2].parse().unwrap());
        assert_eq!(up, marked, "{sig}: {summary}");
        assert!(probed < 40, "{sig}: {summary}");
        assert!(
            !alert_files(&dir).iter().any(|f| f.ends_with(".tmp")),
            "{sig}: temp files left: {:?}",
            alert_files(&dir)
        );
        eprintln!("{sig}: exit {took:.1} s after the signal; {summary}");
    }
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

/// Under a thread limit (RLIMIT_NPROC) the scan probes with the workers it could start, or
/// on its main thread when it could start none: every host is probed and marked, the exit
/// is 0, and the smaller pool is a warning. The child runs as a uid of its own (see
/// `common::limits`) allowed 1 task (main only) then 3 (main + 2 of the 8 workers). Before
/// this test, the refused thread ended the scan (or `std::thread::spawn` panicked).
#[test]
fn thread_limit_shrinks_the_pool_and_loses_no_host() {
    let Some(pki) = pki() else { return skip_note() };
    let Some(uid) = common::limits::unused_uid() else {
        return common::limits::skipped_not_root();
    };
    for (limit, workers) in [(1u64, 0usize), (3, 2)] {
        let dir = TempDir::new("scan-nproc");
        // Even hosts are up (one loopback site), odd ones refuse connections.
        let hosts: Vec<String> = (0..12)
            .map(|i| format!("n{i}-{limit}.nproc.scan.test"))
            .collect();
        let up: Vec<&str> = hosts.iter().step_by(2).map(String::as_str).collect();
        let ok = site(
            pki,
            up.iter().map(|h| (*h, Reply::page(200, "OK"))).collect(),
            &[],
        );
        seed(&dir, &hosts.iter().map(|h| fresh(h)).collect::<Vec<_>>());
        let resolve: Vec<String> = hosts
            .iter()
            .enumerate()
            .map(|(i, h)| {
                if i % 2 == 0 {
                    ok.resolve(h)
                } else {
                    refused(h)
                }
            })
            .collect();
        base_conf(pki, &resolve).write(&dir);
        common::limits::chown_tree(dir.path(), uid);
        let t0 = now();
        let mut p = Proc::spawn_adjusted(
            dir.path(),
            &["scan", "-c", CONF],
            &[("TZ", tz().0)],
            None,
            |c| common::limits::limit_tasks(c, uid, limit),
        );
        let status = p.wait_exit(Duration::from_secs(60));
        let run = ScanRun {
            out: Out {
                code: status.and_then(|s| s.code()),
                stdout: p.stdout(),
                stderr: p.stderr(),
            },
            t0,
            t1: now(),
            secs: 0.0,
        };
        run.ok();
        assert_eq!(run.summary(), [12, 6, 6, 0, 0], "limit {limit}");
        for (i, h) in hosts.iter().enumerate() {
            if i % 2 == 0 {
                run.assert_marked_during(still_of(&dir, h).as_deref(), h);
                assert!(alert_of(&dir, h).is_some(), "alert file of {h}");
            } else {
                run.assert_has("ERROR", &format!("  https://{h} - Connection error"));
            }
        }
        assert!(
            run.out
                .stderr
                .contains(&format!("): {workers} of 8 workers")),
            "limit {limit}:\n{}",
            run.out.stderr
        );
    }
}

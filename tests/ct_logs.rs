//! Direct Certificate Transparency mode (`ACTServer = ct://`, `[CTLOGS]`), end to end:
//! the real binary against loopback RFC 6962 and static-ct-api logs (`common::ctlog`)
//! serving certificates built at test time (`common::der`), with injected faults.
//!
//! Every log is configured ad hoc by URL and `LogList` is a file, so nothing here ever
//! leaves 127.0.0.1.

mod common;

use common::ctlog::*;
use common::der::*;
use common::limits;
use common::*;
use rusqlite::Connection;
use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const NB: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
const DAY: i64 = 86_400;

// ---------------------------------------------------------------------------------------
// Config

/// A v3 log list with no logs, dated now (so it is neither stale nor fetched).
fn empty_log_list() -> String {
    format!(
        r#"{{"version":"1","log_list_timestamp":"{}Z","operators":[]}}"#,
        iso(now())
    )
}

/// `[CTLOGS]` settings beyond `LogList` (always a file) and `PollInterval` (0.2).
#[derive(Default, Clone)]
struct Ct {
    start_at: Option<&'static str>,
    batch_size: Option<&'static str>,
}

fn ct_conf_text(dir: &TempDir, logs: &[String], ct: &Ct) -> String {
    let conf = Conf {
        servers: vec!["ct://".into()],
        ..Conf::default()
    };
    let list = dir.write("loglist.json", empty_log_list());
    let mut text = conf.render();
    text += &format!(
        "\n[CTLOGS]\nLogList = {}\nLogs = {}\nPollInterval = 0.2\n",
        list.display(),
        logs.join(", ")
    );
    if let Some(s) = ct.start_at {
        text += &format!("StartAt = {s}\n");
    }
    if let Some(b) = ct.batch_size {
        text += &format!("BatchSize = {b}\n");
    }
    text
}

/// Write `test.conf` following `logs`; returns its name (relative to `dir`).
fn write_conf(dir: &TempDir, logs: &[&FakeLog], ct: &Ct) -> String {
    let items: Vec<String> = logs.iter().map(|l| l.logs_item()).collect();
    dir.write("test.conf", ct_conf_text(dir, &items, ct));
    "test.conf".into()
}

fn beginning() -> Ct {
    Ct {
        start_at: Some("beginning"),
        ..Ct::default()
    }
}

fn db_of(dir: &TempDir) -> PathBuf {
    dir.join(DB)
}

// ---------------------------------------------------------------------------------------
// Certificates and what the monitor must make of them

/// The rules of `Conf::default()`: two of paypal/login/secure, not ending in paypal.com.
fn matches(host: &str) -> bool {
    let score = ["paypal", "login", "secure"]
        .iter()
        .filter(|k| host.contains(*k))
        .count();
    score >= 2 && !host.ends_with("paypal.com")
}

/// A leaf issued by C=US, O=Let's Encrypt, CN=R3, valid from `nb` for 90 days.
fn leaf(cn: Option<&str>, sans: &[&str], nb: i64) -> CertBuilder {
    let mut b = CertBuilder::new()
        .serial(&[0x03, 0x5A, 0x1F, 0x77, 0x20, 0xC4, 0x9E, 0x01, 0x42])
        .issuer_le("R3")
        .validity(nb, nb + 90 * DAY);
    if let Some(cn) = cn {
        b = b.subject_cn(cn);
    }
    b.basic_constraints(false).dns_names(sans)
}

/// One log entry and the certstream view of it.
#[derive(Clone, Debug)]
struct Tc {
    entry: Entry,
    /// all_domains in certstream order: SAN dNSNames, then the CN if not among them.
    names: Vec<String>,
    subject: String,
    issuer: String,
    nb: i64,
}

/// One row (and stdout line) the monitor must produce.
#[derive(Clone, Debug, PartialEq)]
struct Want {
    domain: String,
    san: String,
    issuer: String,
    fingerprint: String,
    startime: String,
}

impl Tc {
    fn new(entry: Entry, cn: Option<&str>, sans: &[&str], issuer: &str, nb: i64) -> Tc {
        let mut names: Vec<String> = Vec::new();
        for n in sans.iter().copied().chain(cn) {
            if !names.iter().any(|x| x == n) {
                names.push(n.to_string());
            }
        }
        Tc {
            entry,
            names,
            subject: format!("/CN={}", cn.unwrap_or("")),
            issuer: issuer.into(),
            nb,
        }
    }

    fn x509(cn: &str, sans: &[&str], nb: i64) -> Tc {
        Tc::new(
            Entry::x509(&leaf(Some(cn), sans, nb)),
            Some(cn),
            sans,
            LE_ISSUER,
            nb,
        )
    }

    fn precert(cn: &str, sans: &[&str], nb: i64) -> Tc {
        Tc::new(
            Entry::precert(&leaf(Some(cn), sans, nb)),
            Some(cn),
            sans,
            LE_ISSUER,
            nb,
        )
    }

    fn fingerprint(&self) -> String {
        self.entry.fingerprint()
    }

    fn wants(&self) -> Vec<Want> {
        self.names
            .iter()
            .filter(|h| matches(h))
            .map(|h| Want {
                domain: h.clone(),
                san: self
                    .names
                    .iter()
                    .filter(|n| *n != h)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
                issuer: self.issuer.clone(),
                fingerprint: self.fingerprint(),
                startime: iso(self.nb),
            })
            .collect()
    }

    /// The same certificate as a certstream message would describe it.
    fn cert(&self) -> Cert {
        let mut c = Cert::new(&self.names.iter().map(String::as_str).collect::<Vec<_>>());
        c.subject = self.subject.clone();
        c.issuer = self.issuer.clone();
        c.fingerprint = self.fingerprint();
        c.not_before = serde_json::json!(self.nb);
        c
    }
}

/// Rows for a sequence of entries read in order; a host already stored is not stored again.
fn wants_of(tcs: &[Tc]) -> Vec<Want> {
    let mut seen = BTreeSet::new();
    tcs.iter()
        .flat_map(Tc::wants)
        .filter(|w| seen.insert(w.domain.clone()))
        .collect()
}

fn entries_of(tcs: &[Tc]) -> Vec<Entry> {
    tcs.iter().map(|t| t.entry.clone()).collect()
}

fn assert_rows(rows: &[Row], want: &[Want], t0: i64, t1: i64) {
    let got: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.domain.clone(),
                r.san.clone(),
                r.issuer.clone(),
                r.fingerprint.clone(),
                r.startime.clone(),
                r.still.clone(),
            )
        })
        .collect();
    let exp: Vec<_> = want
        .iter()
        .map(|w| {
            (
                w.domain.clone(),
                Some(w.san.clone()),
                Some(w.issuer.clone()),
                Some(w.fingerprint.clone()),
                Some(w.startime.clone()),
                None,
            )
        })
        .collect();
    assert_eq!(got, exp, "DB rows");
    for r in rows {
        let fs = r
            .first_seen
            .as_deref()
            .and_then(parse_iso)
            .unwrap_or_else(|| panic!("FirstSeen of {}: {:?}", r.domain, r.first_seen));
        assert!(
            fs >= t0 - 1 && fs <= t1 + 1,
            "FirstSeen {:?} of {} outside the run [{}, {}]",
            r.first_seen,
            r.domain,
            iso(t0),
            iso(t1)
        );
    }
}

fn bodies(stdout: &str) -> Vec<String> {
    stdout.lines().map(|l| split_match_line(l).1).collect()
}

fn assert_stdout(stdout: &str, want: &[Want]) {
    let exp: Vec<String> = want
        .iter()
        .map(|w| match_body(&w.domain, &w.san, &w.issuer, &w.fingerprint, &w.startime))
        .collect();
    assert_eq!(bodies(stdout), exp, "stdout lines");
}

/// Host of a stdout line.
fn host_of(line: &str) -> String {
    split_match_line(line)
        .1
        .split(" (SAN: ")
        .next()
        .unwrap()
        .to_string()
}

// ---------------------------------------------------------------------------------------
// CTLogState

#[derive(Debug, Clone, PartialEq)]
struct CtRow {
    log_id: String,
    url: Option<String>,
    next: i64,
    tree_size: Option<i64>,
    updated_at: Option<String>,
}

fn ct_rows(db: &Path) -> Vec<CtRow> {
    let Some(c) = open_rw(db) else {
        return Vec::new();
    };
    let Ok(mut st) = c.prepare(
        "SELECT LogID, URL, NextIndex, TreeSize, UpdatedAt FROM CTLogState ORDER BY LogID",
    ) else {
        return Vec::new();
    };
    let rows = st
        .query_map([], |r| {
            Ok(CtRow {
                log_id: r.get(0)?,
                url: r.get(1)?,
                next: r.get(2)?,
                tree_size: r.get(3)?,
                updated_at: r.get(4)?,
            })
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

fn ct_row(db: &Path, log: &FakeLog) -> Option<CtRow> {
    ct_rows(db).into_iter().find(|r| r.log_id == log.log_id())
}

fn next_index(db: &Path, log: &FakeLog) -> Option<i64> {
    ct_row(db, log).map(|r| r.next)
}

/// Wait until the log's NextIndex is `want`; panics with the monitor's stderr otherwise.
fn wait_next(p: &Proc, db: &Path, log: &FakeLog, want: u64) {
    let ok = wait_until(WAIT, || next_index(db, log) == Some(want as i64));
    assert!(
        ok,
        "NextIndex of {} is {:?}, expected {want}; stderr:\n{}",
        log.url(),
        next_index(db, log),
        p.stderr()
    );
}

fn wait_rows(p: &Proc, db: &Path, n: usize) -> Vec<Row> {
    let mut last = Vec::new();
    let ok = wait_until(WAIT, || {
        last = rows(db, TABLE);
        last.len() >= n
    });
    assert!(
        ok,
        "expected {n} rows, have {:?}; stderr:\n{}",
        last.iter().map(|r| &r.domain).collect::<Vec<_>>(),
        p.stderr()
    );
    last
}

/// SIGTERM and a clean exit, returning the stderr.
fn stop_ok(p: &mut Proc) -> String {
    let st = p.stop();
    assert_eq!(st.code(), Some(0), "stderr:\n{}", p.stderr());
    p.stderr()
}

// ---------------------------------------------------------------------------------------
// 0. The fake logs' own helpers

#[test]
fn fake_log_helpers_self_check() {
    assert_eq!(
        colon_hex(&sha1(b"abc")),
        "A9:99:3E:36:47:06:81:6A:BA:3E:25:71:78:50:C2:6C:9C:D0:D8:9D"
    );
    assert_eq!(
        colon_hex(&sha1(&[b'a'; 1000])),
        colon_hex(&sha1(&vec![b'a'; 1000]))
    );
    assert_eq!(
        colon_hex(&sha1(b"")),
        "DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09"
    );
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(gzip(b"").len(), 10 + 5 + 8);
    for (n, p) in [
        (0, "000"),
        (5, "005"),
        (1000, "x001/000"),
        (1_234_067, "x001/x234/067"),
        (3_554_687, "x003/x554/687"),
    ] {
        assert_eq!(tile_index_path(n), p);
        assert_eq!(parse_data_tile(&format!("tile/data/{p}")), Some((n, None)));
    }
    assert_eq!(data_tile_path(7, 13), "tile/data/007.p/13");
    assert_eq!(parse_data_tile("tile/data/007.p/13"), Some((7, Some(13))));
    for bad in [
        "tile/data/7",
        "tile/data/x000/007",
        "tile/data/007.p/0",
        "tile/data/007.p/256",
        "tile/data/007.p/013",
        "tile/data/001/000",
    ] {
        assert_eq!(parse_data_tile(bad), None, "{bad}");
    }
    // The fake log answers as the spec says.
    let log = FakeLog::rfc6962(vec![
        Entry::x509(&leaf(
            Some("a.example"),
            &["a.example"],
            NB
        ));
        5
    ]);
    log.state().cap = 2;
    let agent = ureq::Agent::new_with_defaults();
    let body = agent
        .get(format!("{}ct/v1/get-sth", log.url()))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["tree_size"], 5);
    let body = agent
        .get(format!("{}ct/v1/get-entries?start=1&end=4", log.url()))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["entries"].as_array().unwrap().len(), 2, "capped at 2");
    let tiled = FakeLog::tiled(vec![
        Entry::x509(&leaf(
            Some("a.example"),
            &["a.example"],
            NB
        ));
        3
    ]);
    let tile = agent
        .get(format!("{}tile/data/000.p/3", tiled.url()))
        .call()
        .unwrap()
        .body_mut()
        .read_to_vec()
        .unwrap(); // ureq decodes gzip
    let leaves: Vec<u8> = (0..3)
        .flat_map(|i| tiled.state().entries[i].tile_leaf(i as u64))
        .collect();
    assert_eq!(tile, leaves);
    // On the wire: Content-Encoding: gzip and a gzip member.
    let mut s = std::net::TcpStream::connect(("127.0.0.1", tiled.port)).unwrap();
    s.write_all(b"GET /log/tile/data/000.p/3 HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let at = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..at]).to_string();
    assert!(
        head.starts_with("HTTP/1.1 200 ") && head.lines().any(|l| l == "Content-Encoding: gzip"),
        "{head}"
    );
    assert_eq!(raw[at + 4..], gzip(&leaves)[..]);
    assert_eq!(raw[at + 4..at + 6], [0x1F, 0x8B]);
    assert_eq!(tiled.hits("tile/data/000.p/3"), 2);
    assert_eq!(tiled.tile_requests().len(), 2);
    // Full tile absent, partial wider than the log: 404.
    let st = agent
        .get(format!("{}tile/data/000", tiled.url()))
        .config()
        .http_status_as_error(false)
        .build()
        .call()
        .unwrap()
        .status();
    assert_eq!(st.as_u16(), 404);
}

// ---------------------------------------------------------------------------------------
// 1. RFC 6962 log: rows, stdout, position

/// Matching and non-matching certificates and precertificates.
fn mixed_certs() -> Vec<Tc> {
    let other_issuer = "/C=FR/CN=Some CA/O=Org/OU=Unit";
    let other = leaf(None, &[], 0)
        .validity(NB + 3 * DAY, NB + 93 * DAY)
        .subject_cn("paypal-secure-d.example")
        .dns_names(&["paypal-secure-d.example", "api.paypal-secure-d.example"]);
    let mut other = other;
    other.issuer = vec![
        vec![Attr::text(OID_C, "FR")],
        vec![Attr::text(OID_O, "Org")],
        vec![Attr::text(OID_OU, "Unit")],
        vec![Attr::text(OID_CN, "Some CA")],
    ];
    let final_and_pre = leaf(
        Some("paypal-login-e.example"),
        &["paypal-login-e.example"],
        NB + 4 * DAY,
    );
    vec![
        Tc::x509(
            "paypal-login-a.example",
            &["paypal-login-a.example", "www.paypal-login-a.example"],
            NB,
        ),
        Tc::x509("shop.example", &["shop.example", "www.shop.example"], NB),
        Tc::precert(
            "secure-login-b.example",
            &["secure-login-b.example", "cdn-b.example"],
            NB + DAY,
        ),
        Tc::precert("blog.example", &["blog.example"], NB),
        // Blacklisted (paypal\.com$) and below the threshold: nothing stored.
        Tc::x509(
            "secure-login.paypal.com",
            &["secure-login.paypal.com", "paypal-x.example"],
            NB,
        ),
        // The CN is not among the SANs: it comes last in all_domains.
        Tc::x509("login-secure-c.example", &["other-c.example"], NB + 2 * DAY),
        Tc::new(
            Entry::precert(&other),
            Some("paypal-secure-d.example"),
            &["paypal-secure-d.example", "api.paypal-secure-d.example"],
            other_issuer,
            NB + 3 * DAY,
        ),
        // A precertificate, then its final certificate: stored once, with the precert's fingerprint.
        Tc::new(
            Entry::precert(&final_and_pre),
            Some("paypal-login-e.example"),
            &["paypal-login-e.example"],
            LE_ISSUER,
            NB + 4 * DAY,
        ),
        Tc::new(
            Entry::x509(&final_and_pre),
            Some("paypal-login-e.example"),
            &["paypal-login-e.example"],
            LE_ISSUER,
            NB + 4 * DAY,
        ),
    ]
}

#[test]
fn rfc6962_log_gives_exact_rows_stdout_and_position() {
    let dir = TempDir::new("ct-rfc");
    let tcs = mixed_certs();
    let log = FakeLog::rfc6962(entries_of(&tcs));
    let want = wants_of(&tcs);
    // Independent spot checks of the expectations themselves.
    assert_eq!(
        want.iter().map(|w| w.domain.as_str()).collect::<Vec<_>>(),
        [
            "paypal-login-a.example",
            "www.paypal-login-a.example",
            "secure-login-b.example",
            "login-secure-c.example",
            "paypal-secure-d.example",
            "api.paypal-secure-d.example",
            "paypal-login-e.example"
        ]
    );
    assert_eq!(want[3].san, "other-c.example");
    assert_eq!(want[4].issuer, "/C=FR/CN=Some CA/O=Org/OU=Unit");
    assert_eq!(want[0].startime, "2026-01-01T00:00:00");
    assert_ne!(tcs[7].fingerprint(), tcs[8].fingerprint());
    assert_eq!(
        want[6].fingerprint,
        tcs[7].fingerprint(),
        "the precertificate's fingerprint"
    );

    log.state().escape_slashes = true; // `\/` in the base64 strings: still valid JSON
    let cfg = write_conf(&dir, &[&log], &beginning());
    let t0 = now();
    let mut p = Proc::monitor(&dir, &cfg);
    let n = tcs.len() as u64;
    wait_next(&p, &db_of(&dir), &log, n);
    let t1 = now();
    let stderr = stop_ok(&mut p);

    assert_rows(&rows(&db_of(&dir), TABLE), &want, t0, t1);
    assert_stdout(&p.stdout(), &want);
    let st = ct_rows(&db_of(&dir));
    assert_eq!(st.len(), 1, "{st:?}");
    assert_eq!(st[0].log_id, log.log_id());
    assert_eq!(st[0].url.as_deref(), Some(log.url().as_str()));
    assert_eq!((st[0].next, st[0].tree_size), (n as i64, Some(n as i64)));
    let updated = st[0]
        .updated_at
        .as_deref()
        .and_then(parse_iso)
        .expect("UpdatedAt is an ISO time");
    assert!(updated >= t0 - 1 && updated <= now() + 1);
    assert!(
        stderr.contains(&format!("first run, starting at entry 0 of {n}")),
        "{stderr}"
    );
    assert_eq!(
        counter(&stderr, "stored"),
        Some(want.len() as u64),
        "{stderr}"
    );
    assert_eq!(
        counter(&stderr, "already_known"),
        Some(1),
        "the final certificate after its precertificate: {stderr}"
    );
    assert_eq!(counter(&stderr, "certificates"), Some(n), "{stderr}");
    // Only the two RFC 6962 endpoints were used, with inclusive ranges inside the tree.
    for r in log.requests() {
        assert!(
            r.path == "ct/v1/get-sth" || parse_get_entries(&r.path).is_some(),
            "{r:?}"
        );
        assert_eq!(r.status, 200, "{r:?}");
    }
    for (s, e) in log.entry_requests() {
        assert!(
            s <= e && e < n,
            "get-entries {s}..{e} outside the tree of {n}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// 2. Tiled log

/// Entry `i` of a generated log: every 7th matches (unique name), x509 and precert alternating.
fn generated(tag: &str, i: u64) -> Tc {
    let nb = NB + (i as i64 % 50) * 3600;
    let (cn, other) = if i % 7 == 3 {
        (
            format!("paypal-login-{tag}{i}.example"),
            format!("static-{tag}{i}.example"),
        )
    } else {
        (
            format!("plain-{tag}{i}.example"),
            format!("www.plain-{tag}{i}.example"),
        )
    };
    if i.is_multiple_of(2) {
        Tc::x509(&cn, &[&cn, &other], nb)
    } else {
        Tc::precert(&cn, &[&cn, &other], nb)
    }
}

fn generate(tag: &str, range: std::ops::Range<u64>) -> Vec<Tc> {
    range.map(|i| generated(tag, i)).collect()
}

#[test]
fn tiled_log_partial_tiles_growth_and_deleted_partial() {
    let dir = TempDir::new("ct-tiled");
    let all = generate("t", 0..600);
    let log = FakeLog::tiled(entries_of(&all[..100]));
    let db = db_of(&dir);
    let cfg = write_conf(&dir, &[&log], &beginning());
    let t0 = now();
    let mut p = Proc::monitor(&dir, &cfg);

    // Phase 1: one partial tile of 100.
    wait_next(&p, &db, &log, 100);
    let cp = log.hits("checkpoint");
    assert!(
        wait_until(WAIT, || log.hits("checkpoint") >= cp + 5),
        "still polling the checkpoint"
    );
    assert_eq!(
        log.hits("tile/data/000.p/100"),
        1,
        "the same partial tile is not fetched again while the size does not change"
    );
    assert_rows(&rows(&db, TABLE), &wants_of(&all[..100]), t0, now());

    // Phase 2: the tile fills and a second one starts.
    log.extend(entries_of(&all[100..300]));
    wait_next(&p, &db, &log, 300);

    // Phase 3: tiles exist up to 600 but the checkpoint says 400, and partial tiles are
    // deleted once full: tile 1's `.p/144` is gone, the full tile is used instead.
    {
        let mut st = log.state();
        st.entries.extend(entries_of(&all[300..600]));
        st.published = Some(400);
        st.delete_partials = true;
    }
    wait_next(&p, &db, &log, 400);

    // Phase 4: the checkpoint catches up.
    log.state().published = None;
    wait_next(&p, &db, &log, 600);
    let t1 = now();
    let stderr = stop_ok(&mut p);

    let want = wants_of(&all);
    assert_rows(&rows(&db, TABLE), &want, t0, t1);
    assert_stdout(&p.stdout(), &want);
    assert_eq!(
        counter(&stderr, "already_known"),
        Some(0),
        "no entry processed twice: {stderr}"
    );
    assert_eq!(counter(&stderr, "certificates"), Some(600), "{stderr}");
    let tiles: Vec<(String, u16)> = log
        .tile_requests()
        .into_iter()
        .map(|r| (r.path, r.status))
        .collect();
    let expect: Vec<(String, u16)> = [
        ("tile/data/000.p/100", 200),
        ("tile/data/000", 200),
        ("tile/data/001.p/44", 200),
        ("tile/data/001.p/144", 404),
        ("tile/data/001", 200),
        ("tile/data/001", 200),
        ("tile/data/002.p/88", 200),
    ]
    .iter()
    .map(|(p, s)| (p.to_string(), *s))
    .collect();
    assert_eq!(tiles, expect, "tile requests");
    let st = ct_row(&db, &log).unwrap();
    assert_eq!(
        (st.next, st.tree_size, st.url.as_deref()),
        (600, Some(600), Some(log.url().as_str()))
    );
}

/// A saved position deep into a log: the reader resumes there, and tile paths for large
/// tile numbers use the `x001/x234/067` encoding.
#[test]
fn saved_positions_far_into_logs_and_large_tile_numbers() {
    let dir = TempDir::new("ct-far");
    let tile: u64 = 1_234_067;
    let base = tile * 256;
    let tcs = generate("far", 0..266);
    let tiled = FakeLog::tiled(entries_of(&tcs));
    tiled.state().offset = base;
    let rfc = FakeLog::rfc6962(entries_of(&generate("farr", 0..30)));
    let rfc_base: u64 = 987_654_321;
    rfc.state().offset = rfc_base;
    // Positions saved by an earlier run.
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let c = Connection::open(db_of(&dir)).unwrap();
    c.execute_batch("CREATE TABLE CTLogState (LogID TEXT PRIMARY KEY, URL TEXT, NextIndex INTEGER NOT NULL, TreeSize INTEGER, UpdatedAt TEXT)").unwrap();
    c.execute(
        "INSERT INTO CTLogState VALUES (?1, ?2, ?3, ?3, '2026-01-01T00:00:00')",
        rusqlite::params![tiled.log_id(), tiled.url(), (base + 250) as i64],
    )
    .unwrap();
    c.execute(
        "INSERT INTO CTLogState VALUES (?1, ?2, ?3, ?3, '2026-01-01T00:00:00')",
        rusqlite::params![rfc.log_id(), rfc.url(), (rfc_base + 10) as i64],
    )
    .unwrap();
    drop(c);
    // StartAt = end would skip everything on a first run: the saved positions win.
    let cfg = write_conf(
        &dir,
        &[&tiled, &rfc],
        &Ct {
            start_at: Some("end"),
            ..Ct::default()
        },
    );
    let t0 = now();
    let mut p = Proc::monitor(&dir, &cfg);
    wait_next(&p, &db_of(&dir), &tiled, base + 266);
    wait_next(&p, &db_of(&dir), &rfc, rfc_base + 30);
    let t1 = now();
    stop_ok(&mut p);

    let tiles: Vec<(String, u16)> = tiled
        .tile_requests()
        .into_iter()
        .map(|r| (r.path, r.status))
        .collect();
    assert_eq!(
        tiles,
        vec![
            ("tile/data/x001/x234/067".to_string(), 200),
            ("tile/data/x001/x234/068.p/10".to_string(), 200)
        ]
    );
    let first = rfc.entry_requests()[0];
    assert_eq!(
        first.0,
        rfc_base + 10,
        "get-entries starts at the saved position"
    );
    let mut want = wants_of(&tcs[250..]);
    let rfc_tcs = generate("farr", 0..30);
    want.extend(wants_of(&rfc_tcs[10..]));
    let mut got = rows(&db_of(&dir), TABLE);
    got.sort_by(|a, b| a.domain.cmp(&b.domain));
    want.sort_by(|a, b| a.domain.cmp(&b.domain));
    assert_rows(&got, &want, t0, t1);
    assert!(!p.stderr().contains("first run"), "{}", p.stderr());
}

/// `LogList = FILE` with `Logs = all`: usable, readonly and tiled logs of the list are
/// followed under their list log_id; retired logs and expired shards are never contacted.
#[test]
fn log_list_file_selects_followable_logs() {
    let dir = TempDir::new("ct-list");
    let usable_tcs = generate("lu", 0..12);
    let usable = FakeLog::rfc6962(entries_of(&usable_tcs));
    let retired = FakeLog::rfc6962(entries_of(&generate("lr", 0..12)));
    let expired = FakeLog::rfc6962(entries_of(&generate("lx", 0..12)));
    let readonly_tcs = generate("lo", 0..6);
    let readonly = FakeLog::rfc6962(entries_of(&readonly_tcs));
    let tiled_tcs = generate("lt", 0..20);
    let tiled = FakeLog::tiled(entries_of(&tiled_tcs));
    let ts = format!("{}Z", iso(now() - 3600));
    let list = serde_json::json!({
        "version": "99.1",
        "log_list_timestamp": format!("{}Z", iso(now())),
        "operators": [{
            "name": "Loopback Op",
            "email": ["ct@example.invalid"],
            "logs": [
                {"description": "Loopback Usable", "log_id": "dXNhYmxlLWxvZw==", "key": "AAAA", "url": usable.url(), "mmd": 86400,
                 "state": {"usable": {"timestamp": ts}},
                 "temporal_interval": {"start_inclusive": "2026-01-01T00:00:00Z", "end_exclusive": "2099-01-01T00:00:00Z"}},
                {"description": "Loopback Retired", "log_id": "cmV0aXJlZC1sb2c=", "key": "AAAA", "url": retired.url(), "mmd": 86400,
                 "state": {"retired": {"timestamp": ts}}},
                {"description": "Loopback Expired Shard", "log_id": "ZXhwaXJlZC1sb2c=", "key": "AAAA", "url": expired.url(), "mmd": 86400,
                 "state": {"usable": {"timestamp": ts}},
                 "temporal_interval": {"start_inclusive": "2020-01-01T00:00:00Z", "end_exclusive": "2021-01-01T00:00:00Z"}},
                {"description": "Loopback Readonly", "log_id": "cmVhZG9ubHktbG9n", "key": "AAAA", "url": readonly.url(), "mmd": 86400,
                 "state": {"readonly": {"timestamp": ts, "final_tree_head": {"sha256_root_hash": "AAAA", "tree_size": 6}}}}
            ],
            "tiled_logs": [
                {"description": "Loopback Tiled", "log_id": "dGlsZWQtbG9n", "key": "AAAA", "submission_url": "http://127.0.0.1:9/submit/",
                 "monitoring_url": tiled.url().trim_end_matches('/'), "mmd": 60, "state": {"qualified": {"timestamp": ts}}}
            ]
        }]
    });
    let list_path = dir.write("list.json", list.to_string());
    let conf = Conf {
        servers: vec!["ct://".into()],
        ..Conf::default()
    };
    let text = format!(
        "{}\n[CTLOGS]\nLogList = {}\nLogs = all\nStartAt = beginning\nPollInterval = 0.2\n",
        conf.render(),
        list_path.display()
    );
    dir.write("test.conf", text);
    let db = db_of(&dir);
    let id = |log_id: &str| -> Option<i64> {
        ct_rows(&db)
            .into_iter()
            .find(|r| r.log_id == log_id)
            .map(|r| r.next)
    };
    let t0 = now();
    let mut p = Proc::monitor(&dir, "test.conf");
    let ok = wait_until(WAIT, || {
        id("dXNhYmxlLWxvZw==") == Some(12)
            && id("cmVhZG9ubHktbG9n") == Some(6)
            && id("dGlsZWQtbG9n") == Some(20)
    });
    assert!(ok, "{:?}\n{}", ct_rows(&db), p.stderr());
    assert!(
        p.wait_stderr(
            "Loopback Readonly: read-only log read to its final size 6",
            WAIT
        ),
        "{}",
        p.stderr()
    );
    // A readonly log is done: it is not polled any more, even if it grew.
    readonly.extend(entries_of(&generate("lo", 6..8)));
    let polls = readonly.requests().len();
    let cp = usable.hits("ct/v1/get-sth");
    assert!(wait_until(WAIT, || usable.hits("ct/v1/get-sth") >= cp + 4));
    let t1 = now();
    let stderr = stop_ok(&mut p);
    assert_eq!(
        readonly.requests().len(),
        polls,
        "readonly log polled after its final size"
    );
    assert!(
        retired.requests().is_empty(),
        "retired log contacted: {:?}",
        retired.requests()
    );
    assert!(
        expired.requests().is_empty(),
        "expired shard contacted: {:?}",
        expired.requests()
    );
    let st = ct_rows(&db);
    let urls: Vec<(String, Option<String>)> = st
        .iter()
        .map(|r| (r.log_id.clone(), r.url.clone()))
        .collect();
    assert_eq!(
        urls,
        vec![
            ("cmVhZG9ubHktbG9n".to_string(), Some(readonly.url())),
            ("dGlsZWQtbG9n".to_string(), Some(tiled.url())),
            ("dXNhYmxlLWxvZw==".to_string(), Some(usable.url())),
        ]
    );
    let mut want = wants_of(&usable_tcs);
    want.extend(wants_of(&readonly_tcs));
    want.extend(wants_of(&tiled_tcs));
    let mut got = rows(&db, TABLE);
    got.sort_by(|a, b| a.domain.cmp(&b.domain));
    want.sort_by(|a, b| a.domain.cmp(&b.domain));
    assert_rows(&got, &want, t0, t1);
    assert!(stderr.contains("following Loopback Tiled"), "{stderr}");
    assert!(
        !stderr.contains("days old"),
        "a fresh list is not stale: {stderr}"
    );
}

// ---------------------------------------------------------------------------------------
// 3. Same certificates, same rows and lines, whichever source delivered them

#[test]
fn ct_log_and_certstream_give_identical_rows_and_lines() {
    let mut tcs = mixed_certs();
    tcs.extend(generate("eq", 0..40));
    let want = wants_of(&tcs);

    // (a) a loopback RFC 6962 log
    let dir_ct = TempDir::new("ct-eq-log");
    let log = FakeLog::rfc6962(entries_of(&tcs));
    let cfg = write_conf(&dir_ct, &[&log], &beginning());
    let mut p = Proc::monitor(&dir_ct, &cfg);
    wait_next(&p, &db_of(&dir_ct), &log, tcs.len() as u64);
    stop_ok(&mut p);
    let ct_rows_ = rows(&db_of(&dir_ct), TABLE);
    let ct_out = p.stdout();

    // (b) certstream lite messages built from the same fields, replayed
    let msgs: String = tcs.iter().map(|t| t.cert().lite() + "\n").collect();
    let dir_rp = TempDir::new("ct-eq-replay");
    dir_rp.write("feed.jsonl", &msgs);
    let cfg = Conf::default().write(&dir_rp);
    let out = run(
        dir_rp.path(),
        &["monitor", "-c", &cfg, "--replay", "feed.jsonl"],
        None,
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let rp_rows = rows(&dir_rp.join(DB), TABLE);

    // (c) the same messages from a loopback certstream server
    let dir_ws = TempDir::new("ct-eq-ws");
    let server = serve_once(tcs.iter().map(|t| t.cert().lite()).collect());
    let cfg = Conf {
        servers: vec![server.url()],
        ..Conf::default()
    }
    .write(&dir_ws);
    let mut ws = Proc::monitor(&dir_ws, &cfg);
    let ws_rows_ = wait_rows(&ws, &dir_ws.join(DB), want.len());
    assert_eq!(ws.stop().code(), Some(0));

    let strip = |rs: &[Row]| -> Vec<Row> {
        rs.iter()
            .map(|r| Row {
                first_seen: None,
                ..r.clone()
            })
            .collect()
    };
    assert_eq!(strip(&ct_rows_), strip(&rp_rows), "CT log vs replay");
    assert_eq!(
        strip(&ct_rows_),
        strip(&ws_rows_),
        "CT log vs certstream server"
    );
    assert_eq!(
        bodies(&ct_out),
        bodies(&out.stdout),
        "stdout: CT log vs replay"
    );
    assert_eq!(
        bodies(&ct_out),
        bodies(&ws.stdout()),
        "stdout: CT log vs certstream server"
    );
    assert_stdout(&ct_out, &want);
    assert_eq!(ct_rows_.len(), want.len());
}

// ---------------------------------------------------------------------------------------
// 4. StartAt = end, restarts

#[test]
fn start_at_end_then_restart_continues_from_saved_position() {
    let dir = TempDir::new("ct-end");
    let all = generate("end", 0..60);
    let log = FakeLog::rfc6962(entries_of(&all[..20]));
    let db = db_of(&dir);
    let cfg = write_conf(
        &dir,
        &[&log],
        &Ct {
            start_at: Some("end"),
            batch_size: Some("4"),
        },
    );
    let t0 = now();
    let mut p = Proc::monitor(&dir, &cfg);
    // The first run records the end as its starting point before reading anything.
    wait_next(&p, &db, &log, 20);
    assert!(
        p.wait_stderr("first run, starting at entry 20 of 20", WAIT),
        "{}",
        p.stderr()
    );
    log.extend(entries_of(&all[20..40]));
    wait_next(&p, &db, &log, 40);
    let stderr = stop_ok(&mut p);
    assert_rows(&rows(&db, TABLE), &wants_of(&all[20..40]), t0, now());
    assert_stdout(&p.stdout(), &wants_of(&all[20..40]));
    assert_eq!(counter(&stderr, "certificates"), Some(20), "{stderr}");

    // Appended while the monitor is down: read by the next run.
    log.extend(entries_of(&all[40..60]));
    let mut p2 = Proc::monitor(&dir, &cfg);
    wait_next(&p2, &db, &log, 60);
    let stderr2 = stop_ok(&mut p2);
    assert!(stderr2.contains("from entry 40"), "{stderr2}");
    assert!(!stderr2.contains("first run"), "{stderr2}");
    assert_rows(&rows(&db, TABLE), &wants_of(&all[20..60]), t0, now());
    assert_stdout(&p2.stdout(), &wants_of(&all[40..60]));
    assert_eq!(counter(&stderr2, "already_known"), Some(0), "{stderr2}");
    // Nothing before the first run's end was ever requested; BatchSize = 4 is honoured.
    for (s, e) in log.entry_requests() {
        assert!(s >= 20, "entry {s} predates the first run");
        assert!(
            e - s < 4,
            "get-entries {s}..{e} asks for more than BatchSize"
        );
    }
    assert_eq!(ct_row(&db, &log).unwrap().tree_size, Some(60));
}

// ---------------------------------------------------------------------------------------
// 5. Faults

#[test]
fn faults_429_500_short_slow_truncated_lose_nothing_and_are_logged() {
    let dir = TempDir::new("ct-faults");
    let rfc_tcs = generate("f", 0..30);
    let rfc = FakeLog::rfc6962(entries_of(&rfc_tcs));
    {
        let mut st = rfc.state();
        st.cap = 3;
        st.delay = Duration::from_millis(20);
        st.faults = vec![
            Fault::ServerError,      // get-sth
            Fault::ServerError,      // get-sth again (backoff grows)
            Fault::Pass,             // get-sth
            Fault::Pass,             // get-entries: 3 of 256 (short answer)
            Fault::TooMany(Some(1)), // Retry-After: 1
            Fault::Pass,
            Fault::Truncated, // half a JSON body
            Fault::Pass,
            Fault::TooMany(None), // no Retry-After: own backoff
            Fault::Pass,
            Fault::Slow(Duration::from_millis(400)),
            Fault::Garbage,
            Fault::Pass,
            Fault::Reset,
        ]
        .into();
    }
    let tiled_tcs = generate("ft", 0..40);
    let tiled = FakeLog::tiled(entries_of(&tiled_tcs));
    tiled.state().faults = vec![
        Fault::TooMany(Some(1)), // checkpoint
        Fault::Pass,             // checkpoint
        Fault::Truncated,        // tile: half a gzip stream
        Fault::ServerError,      // tile again
        Fault::Pass,             // tile
        Fault::Reset,            // checkpoint: connection closed, no answer
        Fault::Garbage,          // checkpoint: an HTML page
    ]
    .into();
    let db = db_of(&dir);
    let cfg = write_conf(&dir, &[&rfc, &tiled], &beginning());
    let t0 = now();
    let mut p = Proc::monitor(&dir, &cfg);
    wait_next(&p, &db, &rfc, 30);
    wait_next(&p, &db, &tiled, 40);
    assert!(
        wait_until(WAIT, || rfc.state().faults.is_empty()
            && tiled.state().faults.is_empty()),
        "every fault was served"
    );
    // Growth after the faults is still followed.
    let more = generate("f", 30..36);
    rfc.extend(entries_of(&more));
    wait_next(&p, &db, &rfc, 36);
    let t1 = now();
    let stderr = stop_ok(&mut p);

    let mut want = wants_of(&rfc_tcs);
    want.extend(wants_of(&tiled_tcs));
    want.extend(wants_of(&more));
    let mut got = rows(&db, TABLE);
    got.sort_by(|a, b| a.domain.cmp(&b.domain));
    want.sort_by(|a, b| a.domain.cmp(&b.domain));
    assert_rows(&got, &want, t0, t1);
    let lines = p.stdout_lines();
    let mut hosts: Vec<String> = lines.iter().map(|l| host_of(l)).collect();
    hosts.sort();
    assert_eq!(
        hosts,
        want.iter().map(|w| w.domain.clone()).collect::<Vec<_>>(),
        "each match printed exactly once"
    );
    assert_eq!(
        counter(&stderr, "already_known"),
        Some(0),
        "no entry processed twice: {stderr}"
    );
    for needle in [
        "get-sth: HTTP 500",
        "rate limited; retrying in 1.0 s",
        "get-entries: invalid response",
        "data tile: HTTP 500",
        "gzip",
        "checkpoint: checkpoint size line",
    ] {
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with("[ERROR:ct]") && l.contains(needle)),
            "no error line with {needle:?}:\n{stderr}"
        );
    }
    // Short answers: after the first capped answer every request asks for the cap (3)
    // rounded up to a power of two (4) at most.
    let reqs = rfc.entry_requests();
    assert_eq!(
        reqs[0],
        (0, 29),
        "first request asks for the whole (small) tree"
    );
    assert!(reqs[1..].iter().all(|(s, e)| e - s < 4), "{reqs:?}");
    assert!(!stderr.contains("MALFORMED"), "{stderr}");
}

/// Trillian (`align_getentries`, on by default) and CTile cut every answer at a multiple
/// of their batch size. Starting from an unaligned position, the first answers are short
/// only because of the alignment: the batch must not shrink to them for good.
#[test]
fn aligned_short_answers_do_not_shrink_the_batch_for_good() {
    let dir = TempDir::new("ct-align");
    let all = generate("al", 0..325);
    let log = FakeLog::rfc6962(entries_of(&all[..5]));
    {
        let mut st = log.state();
        st.cap = 32;
        st.align = Some(32);
    }
    let db = db_of(&dir);
    let cfg = write_conf(
        &dir,
        &[&log],
        &Ct {
            start_at: Some("end"),
            ..Ct::default()
        },
    );
    let t0 = now();
    let mut p = Proc::monitor(&dir, &cfg);
    wait_next(&p, &db, &log, 5);
    log.extend(entries_of(&all[5..]));
    wait_next(&p, &db, &log, 325);
    let t1 = now();
    stop_ok(&mut p);
    assert_rows(&rows(&db, TABLE), &wants_of(&all[5..]), t0, t1);
    // 5..=31, then ten aligned blocks of 32 (the last one 320..=324): 11 requests are
    // enough; a reader stuck at 5 entries per request needs about 60.
    let reqs = log.entry_requests();
    assert!(
        reqs.len() <= 16,
        "{} get-entries requests for 320 entries: {reqs:?}",
        reqs.len()
    );
}

#[test]
fn garbled_entries_are_reported_and_skipped() {
    let dir = TempDir::new("ct-garbled");
    let mut rfc_tcs = generate("g", 0..12);
    rfc_tcs[4] = Tc::x509(
        "paypal-login-garbled4.example",
        &["paypal-login-garbled4.example"],
        NB,
    );
    rfc_tcs[4].entry = rfc_tcs[4].entry.clone().garbled();
    let rfc = FakeLog::rfc6962(entries_of(&rfc_tcs));
    // Tiled: a garbled leaf makes the rest of its tile unreadable; the next tile is read.
    let mut tiled_tcs = generate("gt", 0..300);
    tiled_tcs[200].entry = tiled_tcs[200].entry.clone().garbled();
    let tiled = FakeLog::tiled(entries_of(&tiled_tcs));
    let db = db_of(&dir);
    let cfg = write_conf(&dir, &[&rfc, &tiled], &beginning());
    let t0 = now();
    let mut p = Proc::monitor(&dir, &cfg);
    wait_next(&p, &db, &rfc, 12);
    wait_next(&p, &db, &tiled, 300);
    let t1 = now();
    let stderr = stop_ok(&mut p);

    let mut rfc_good = rfc_tcs.clone();
    rfc_good.remove(4);
    let mut want = wants_of(&rfc_good);
    want.extend(wants_of(&tiled_tcs[256..]));
    let got: Vec<Row> = rows(&db, TABLE)
        .into_iter()
        .filter(|r| !r.domain.contains("-gt") || want.iter().any(|w| w.domain == r.domain))
        .collect();
    let mut got_sorted = got.clone();
    got_sorted.sort_by(|a, b| a.domain.cmp(&b.domain));
    want.sort_by(|a, b| a.domain.cmp(&b.domain));
    assert_rows(&got_sorted, &want, t0, t1);
    let malformed: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("[ERROR:ct]") && l.contains("MALFORMED"))
        .collect();
    assert!(
        malformed
            .iter()
            .any(|l| l.contains(&rfc.url()) && l.contains("4..5")),
        "RFC 6962 entry 4 reported:\n{stderr}"
    );
    assert!(
        malformed
            .iter()
            .any(|l| l.contains(&tiled.url()) && l.contains("..256")),
        "tile 0 reported:\n{stderr}"
    );
    assert!(
        !rows(&db, TABLE)
            .iter()
            .any(|r| r.domain.contains("garbled")),
        "the garbled entry gives nothing"
    );
    // The garbled entry was retried a bounded number of times, then never again.
    let at4 = rfc.entry_requests().iter().filter(|(s, _)| *s == 4).count();
    assert!((2..=4).contains(&at4), "entry 4 requested {at4} times");
}

#[test]
fn shrinking_log_is_reported_not_read_backwards_and_others_keep_going() {
    let dir = TempDir::new("ct-shrink");
    let a_tcs = generate("sa", 0..14);
    let shrinking = FakeLog::rfc6962(entries_of(&a_tcs[..10]));
    let b_tcs = generate("sb", 0..30);
    let healthy = FakeLog::rfc6962(entries_of(&b_tcs[..10]));
    let dead = FakeLog::rfc6962(Vec::new());
    dead.state().always_500 = true;
    let slow = FakeLog::tiled(entries_of(&generate("ss", 0..5)));
    slow.state().delay = Duration::from_secs(3);
    let db = db_of(&dir);
    let cfg = write_conf(&dir, &[&shrinking, &dead, &slow, &healthy], &beginning());
    let t0 = now();
    let mut p = Proc::monitor(&dir, &cfg);
    wait_next(&p, &db, &shrinking, 10);
    wait_next(&p, &db, &healthy, 10);

    shrinking.state().published = Some(4);
    let seen = shrinking.requests().len();
    assert!(p.wait_stderr("LOG SHRANK", WAIT), "{}", p.stderr());
    // Meanwhile the healthy log is followed.
    healthy.extend(entries_of(&b_tcs[10..20]));
    wait_next(&p, &db, &healthy, 20);
    let during: Vec<Request> = shrinking.requests()[seen..].to_vec();
    assert!(
        during.iter().all(|r| r.path == "ct/v1/get-sth"),
        "nothing read from a shrunken log: {during:?}"
    );
    assert_eq!(
        next_index(&db, &shrinking),
        Some(10),
        "position not moved backwards"
    );

    // It grows past our position again: reading resumes where it was.
    {
        let mut st = shrinking.state();
        st.published = None;
        st.entries.extend(entries_of(&a_tcs[10..14]));
    }
    healthy.extend(entries_of(&b_tcs[20..30]));
    wait_next(&p, &db, &shrinking, 14);
    wait_next(&p, &db, &healthy, 30);
    let t1 = now();
    let stderr = stop_ok(&mut p);

    assert!(
        shrinking
            .entry_requests()
            .iter()
            .filter(|(s, _)| *s < 10)
            .all(|(s, _)| *s == 0),
        "{:?}",
        shrinking.entry_requests()
    );
    let shrank: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("[ERROR:ct]") && l.contains("LOG SHRANK"))
        .collect();
    assert!(
        !shrank.is_empty()
            && shrank.iter().all(|l| l.starts_with("[ERROR:ct]")
                && l.contains(&shrinking.url())
                && l.contains("tree size 4")),
        "{shrank:?}"
    );
    assert!(
        stderr.lines().any(|l| l.starts_with("[ERROR:ct]")
            && l.contains(&dead.url())
            && l.contains("HTTP 500")),
        "{stderr}"
    );
    let mut want = wants_of(&a_tcs);
    want.extend(wants_of(&b_tcs));
    let mut got: Vec<Row> = rows(&db, TABLE)
        .into_iter()
        .filter(|r| !r.domain.contains("-ss"))
        .collect();
    got.sort_by(|a, b| a.domain.cmp(&b.domain));
    want.sort_by(|a, b| a.domain.cmp(&b.domain));
    assert_rows(&got, &want, t0, t1);
    assert_eq!(
        next_index(&db, &dead),
        None,
        "a log that never answered has no position"
    );
}

// ---------------------------------------------------------------------------------------
// 6. kill -9 at random moments: every match exactly once

/// xorshift64*, seeded from the clock (printed, so a failure can be replayed with CT_KILL_SEED).
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::env::var("CT_KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        eprintln!("kill -9 test seed: CT_KILL_SEED={seed}");
        Rng(seed)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

#[test]
fn kill_9_at_random_moments_stores_every_match_exactly_once() {
    let dir = TempDir::new("ct-kill");
    const N: u64 = 3000;
    let name = |i: u64| format!("paypal-login-k{i:04}.example");
    let entries: Vec<Entry> = (0..N)
        .map(|i| {
            let host = if i % 10 == 3 {
                name(i)
            } else {
                format!("k{i:04}.example")
            };
            let b = leaf(Some(&host), &[&host, &format!("www-{i}.example")], NB);
            if i % 3 == 0 {
                Entry::precert(&b)
            } else {
                Entry::x509(&b)
            }
        })
        .collect();
    let matching: Vec<(u64, String)> = (0..N)
        .filter(|i| i % 10 == 3)
        .map(|i| (i, name(i)))
        .collect();
    let log = FakeLog::rfc6962(entries);
    {
        let mut st = log.state();
        st.cap = 16;
        st.delay = Duration::from_millis(8);
    }
    let db = db_of(&dir);
    let cfg = write_conf(&dir, &[&log], &beginning());
    let mut rng = Rng::new();
    let mut printed: Vec<String> = Vec::new();
    let mut kills = 0;
    let mut last_next = 0i64;
    for round in 0..4 {
        let mut p = Proc::monitor(&dir, &cfg);
        if round > 0 {
            assert!(
                p.wait_stderr(&format!("from entry {last_next}"), WAIT),
                "resumes at {last_next}:\n{}",
                p.stderr()
            );
        }
        let target = last_next as u64 + 150 + rng.below(450);
        let ok = wait_until(WAIT, || {
            next_index(&db, &log).is_some_and(|n| n as u64 >= target)
        });
        assert!(
            ok,
            "round {round}: never reached {target}; stderr:\n{}",
            p.stderr()
        );
        std::thread::sleep(Duration::from_millis(rng.below(40)));
        p.signal("KILL");
        let st = p.wait_exit(WAIT).expect("killed");
        assert_eq!(st.code(), None, "killed by a signal");
        kills += 1;
        printed.extend(
            p.stdout_lines()
                .iter()
                .filter(|l| l.ends_with(')'))
                .map(|l| host_of(l)),
        );
        // Rows and position moved together: exactly the matches before NextIndex are stored.
        let next = next_index(&db, &log).unwrap();
        assert!(
            next < N as i64,
            "round {round}: the kill came too late to be mid-way ({next})"
        );
        assert!(next >= last_next, "position never moves back");
        let want: BTreeSet<String> = matching
            .iter()
            .filter(|(i, _)| (*i as i64) < next)
            .map(|(_, n)| n.clone())
            .collect();
        let got: BTreeSet<String> = domains(&db, TABLE).into_iter().collect();
        assert_eq!(got, want, "round {round}: rows vs NextIndex {next}");
        assert!(integrity_ok(&db));
        last_next = next;
    }
    // Last run to the end.
    let mut p = Proc::monitor(&dir, &cfg);
    wait_next(&p, &db, &log, N);
    let stderr = stop_ok(&mut p);
    printed.extend(p.stdout_lines().iter().map(|l| host_of(l)));
    assert_eq!(
        counter(&stderr, "already_known"),
        Some(0),
        "nothing committed was read again: {stderr}"
    );
    let got = domains(&db, TABLE);
    let want: Vec<String> = matching.iter().map(|(_, n)| n.clone()).collect();
    let mut sorted = got.clone();
    sorted.sort();
    assert_eq!(sorted, want, "every match stored, nothing else");
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for h in &printed {
        *counts.entry(h.as_str()).or_default() += 1;
    }
    assert!(
        counts.values().all(|&c| c == 1),
        "a match printed twice across restarts"
    );
    let st = ct_row(&db, &log).unwrap();
    assert_eq!((st.next, st.tree_size), (N as i64, Some(N as i64)));
    assert!(kills >= 3);
}

// ---------------------------------------------------------------------------------------
// 7. Hostile certificates

#[test]
fn hostile_certificates_do_not_stop_the_monitor() {
    let dir = TempDir::new("ct-hostile");
    let mut tcs: Vec<Tc> = Vec::new();
    let mut expect_malformed = Vec::new();
    tcs.push(Tc::x509(
        "paypal-login-h1.example",
        &["paypal-login-h1.example"],
        NB,
    ));
    // Truncated DER: cut inside the TBS header.
    let cut = leaf(
        Some("paypal-login-cut.example"),
        &["paypal-login-cut.example"],
        NB,
    )
    .certificate();
    expect_malformed.push(tcs.len());
    tcs.push(Tc::new(
        Entry::x509_der(cut[..40].to_vec()),
        None,
        &[],
        "",
        NB,
    ));
    // Truncated near the end (inside the signature): lenient or refused, never fatal.
    let late = leaf(Some("late-cut.example"), &["late-cut.example"], NB).certificate();
    tcs.push(Tc::new(
        Entry::x509_der(late[..late.len() - 20].to_vec()),
        None,
        &[],
        "",
        NB,
    ));
    // Wrong lengths: the outer SEQUENCE claims 2 GB; a TBS claiming less than it holds.
    let mut huge = vec![0x30, 0x84, 0x7F, 0xFF, 0xFF, 0xFF];
    // (The reader is lenient after the subject: this one may be read or refused; its name
    // does not match, so either way it gives no row.)
    huge.extend_from_slice(
        &leaf(Some("len-wrong.example"), &["len-wrong.example"], NB).certificate()[4..],
    );
    tcs.push(Tc::new(Entry::x509_der(huge), None, &[], "", NB));
    let mut short_tbs = leaf(
        Some("paypal-login-short.example"),
        &["paypal-login-short.example"],
        NB,
    )
    .tbs();
    short_tbs[1] = 0x05; // TBS long form length replaced by a tiny short-form length
    expect_malformed.push(tcs.len());
    tcs.push(Tc::new(
        Entry {
            timestamp_ms: 1,
            kind: EntryKind::Precert {
                tbs: short_tbs,
                precertificate: vec![0x30, 0x00],
            },
            garbled: false,
        },
        None,
        &[],
        "",
        NB,
    ));
    // 10 000 SANs, one of them matching.
    let many: Vec<String> = (0..9_999)
        .map(|i| format!("h{i}.many.example"))
        .chain(["paypal-login-many.example".to_string()])
        .collect();
    let many_refs: Vec<&str> = many.iter().map(String::as_str).collect();
    tcs.push(Tc::x509("h0.many.example", &many_refs, NB));
    // Names that are not UTF-8: kept lossily.
    let lossy_san =
        leaf(None, &[], NB).san(&[GeneralName::Dns(b"paypal-login-\xff\xfe.example".to_vec())]);
    let lossy_san_idx = tcs.len();
    tcs.push(Tc::new(
        Entry::x509(&lossy_san),
        None,
        &["paypal-login-\u{FFFD}\u{FFFD}.example"],
        LE_ISSUER,
        NB,
    ));
    let lossy_cn = leaf(None, &[], NB).subject_attr(Attr::new(
        OID_CN,
        string(UTF8_STRING, b"secure-login-\xc3.example"),
    ));
    let lossy_cn_idx = tcs.len();
    tcs.push(Tc::new(
        Entry::precert(&lossy_cn),
        Some("secure-login-\u{FFFD}.example"),
        &[],
        LE_ISSUER,
        NB,
    ));
    // IP-only SANs, no CN: no names at all.
    let ip_only = leaf(None, &[], NB)
        .subject_attr(Attr::text(OID_O, "Org"))
        .san(&[
            GeneralName::ipv4([10, 0, 0, 1]),
            GeneralName::Ip(vec![
                0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
            ]),
        ]);
    tcs.push(Tc::new(Entry::x509(&ip_only), None, &[], LE_ISSUER, NB));
    // No CN, a matching SAN.
    let no_cn =
        leaf(None, &["paypal-secure-nocn.example"], NB).subject_attr(Attr::text(OID_O, "Org"));
    tcs.push(Tc::new(
        Entry::x509(&no_cn),
        None,
        &["paypal-secure-nocn.example"],
        LE_ISSUER,
        NB,
    ));
    tcs.push(Tc::precert(
        "paypal-login-h2.example",
        &["paypal-login-h2.example"],
        NB,
    ));

    let log = FakeLog::rfc6962(entries_of(&tcs));
    let db = db_of(&dir);
    let cfg = write_conf(&dir, &[&log], &beginning());
    let t0 = now();
    let mut p = Proc::monitor(&dir, &cfg);
    wait_next(&p, &db, &log, tcs.len() as u64);
    let t1 = now();
    assert!(p.running());
    let stderr = stop_ok(&mut p);

    let hostile: Vec<usize> = [1usize, 2, 3, 4].to_vec();
    let good: Vec<Tc> = tcs
        .iter()
        .enumerate()
        .filter(|(i, _)| !hostile.contains(i))
        .map(|(_, t)| t.clone())
        .collect();
    let want = wants_of(&good);
    assert_eq!(
        want.iter().map(|w| w.domain.as_str()).collect::<Vec<_>>(),
        [
            "paypal-login-h1.example",
            "paypal-login-many.example",
            "paypal-login-\u{FFFD}\u{FFFD}.example",
            "secure-login-\u{FFFD}.example",
            "paypal-secure-nocn.example",
            "paypal-login-h2.example"
        ]
    );
    let got: Vec<Row> = rows(&db, TABLE);
    assert_rows(&got, &want, t0, t1);
    assert_eq!(
        got[1].san.as_deref().map(|s| s.split(", ").count()),
        Some(9_999)
    );
    assert_stdout(&p.stdout(), &want);
    for i in expect_malformed {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains("MALFORMED") && l.contains(&format!("index {i}"))),
            "entry {i} reported as malformed:\n{stderr}"
        );
    }
    for i in [lossy_san_idx, lossy_cn_idx] {
        assert!(
            stderr.lines().any(|l| l.starts_with("[WARNING:ct]")
                && l.contains(&format!("entry {i}:"))
                && l.contains("not valid UTF-8")),
            "entry {i} flagged as lossy:\n{stderr}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// 8. Config errors

#[test]
fn config_errors_name_the_key() {
    let dir = TempDir::new("ct-conf");
    let log_list = dir.write("loglist.json", empty_log_list());
    let url = "http://127.0.0.1:9/log/".to_string();
    let base = |extra: &str, logs: &str| -> String {
        let conf = Conf {
            servers: vec!["ct://".into()],
            ..Conf::default()
        };
        format!(
            "{}\n[CTLOGS]\nLogList = {}\nLogs = {logs}\nPollInterval = 0.2\n{extra}",
            conf.render(),
            log_list.display()
        )
    };
    let mixed = Conf {
        servers: vec!["ct://".into(), "ws://x/".into()],
        ..Conf::default()
    }
    .render();
    let cases: Vec<(&str, String, &str)> = vec![
        ("mixed ACTServer", mixed, "[SERVER] ACTServer"),
        (
            "StartAt",
            base("StartAt = middle\n", &url),
            "[CTLOGS] StartAt",
        ),
        (
            "BatchSize",
            base("BatchSize = 0\n", &url),
            "[CTLOGS] BatchSize",
        ),
        (
            "PollInterval",
            base("", &url).replace("PollInterval = 0.2", "PollInterval = 0"),
            "[CTLOGS] PollInterval",
        ),
        ("Logs", base("", "Nonexistent Log Name"), "[CTLOGS] Logs"),
    ];
    for (what, text, key) in cases {
        dir.write("bad.conf", &text);
        let out = run(dir.path(), &["monitor", "-c", "bad.conf"], None);
        assert_eq!(out.code, Some(2), "{what}: {}", out.stderr);
        assert!(
            out.stderr.contains(key),
            "{what}: error should name {key}: {}",
            out.stderr
        );
        assert!(out.stderr.contains("bad.conf"), "{what}: {}", out.stderr);
        assert!(
            !dir.join(DB).exists() || what == "Logs",
            "{what}: config checked before the DB is created"
        );
    }
    let out = run(dir.path(), &["monitor", "-c", "bad.conf"], None);
    assert!(
        out.stderr.contains("Nonexistent Log Name"),
        "{}",
        out.stderr
    );

    // A log list file that does not exist.
    let text = base("", &url).replace(
        &format!("LogList = {}", log_list.display()),
        "LogList = /nonexistent/loglist.json",
    );
    dir.write("bad.conf", &text);
    let out = run(dir.path(), &["monitor", "-c", "bad.conf"], None);
    assert!(matches!(out.code, Some(c) if c != 0), "{out:?}");
    assert!(
        out.stderr.contains("/nonexistent/loglist.json"),
        "{}",
        out.stderr
    );
}

/// The error about a missing LogList file should point at LogList, not at Logs.
#[test]
fn missing_log_list_error_names_log_list() {
    let dir = TempDir::new("ct-conf-list");
    let conf = Conf {
        servers: vec!["ct://".into()],
        ..Conf::default()
    };
    let text = format!(
        "{}\n[CTLOGS]\nLogList = /nonexistent/loglist.json\nLogs = http://127.0.0.1:9/log/\n",
        conf.render()
    );
    dir.write("bad.conf", &text);
    let out = run(dir.path(), &["monitor", "-c", "bad.conf"], None);
    assert!(matches!(out.code, Some(c) if c != 0), "{out:?}");
    assert!(
        out.stderr.contains("LogList"),
        "the message should name the LogList key: {}",
        out.stderr
    );
}

// ---------------------------------------------------------------------------------------
// 9. --stats

#[test]
fn stats_line_per_log_on_stderr() {
    let dir = TempDir::new("ct-stats");
    let log = FakeLog::rfc6962(entries_of(&generate("st", 0..10)));
    log.state().faults = vec![Fault::ServerError].into();
    let db = db_of(&dir);
    let cfg = write_conf(&dir, &[&log], &beginning());
    let started = Instant::now();
    let mut p = Proc::spawn(dir.path(), &["monitor", "-c", &cfg, "--stats"], &[], None);
    wait_next(&p, &db, &log, 10);
    // Printed every 10 s.
    let want = format!("{}: position 10, tree size 10, backlog 0, ", log.url());
    let ok = wait_until(Duration::from_secs(14), || {
        p.stderr().lines().any(|l| l.starts_with(&want))
    });
    assert!(
        ok,
        "no stats line after {:?}:\n{}",
        started.elapsed(),
        p.stderr()
    );
    let stderr = stop_ok(&mut p);
    let line = stderr.lines().find(|l| l.starts_with(&want)).unwrap();
    assert!(line.contains(" entries/s, 1 errors, 0 malformed"), "{line}");
    assert!(line.contains("HTTP 500"), "last error shown: {line}");
}

/// A log URL with `user:password@` in `[CTLOGS] Logs`: the log is followed, and neither the
/// password nor its encodings reach the log file, the console or the DB (`CTLogState` keys
/// the log by its URL without the credentials), also on the error lines that name the log.
#[test]
fn credentials_in_a_log_url_stay_out_of_the_log_file_and_the_db() {
    const PASS: &str = "ctPASS!word";
    const PASS_PCT: &str = "ctPASS%21word";
    // base64 of `ctuser:ctPASS!word` (Python's base64.b64encode).
    const BASIC: &str = "Y3R1c2VyOmN0UEFTUyF3b3Jk";
    let dir = TempDir::new("ct-creds");
    let tcs = generate("cred", 0..5);
    let log = FakeLog::rfc6962(entries_of(&tcs));
    log.state().faults = vec![Fault::ServerError, Fault::Reset, Fault::Pass].into();
    let with_creds = log.url().replace(
        "http://",
        &format!("http://ctuser:{}@", PASS_PCT.replace('%', "%%")),
    );
    let text = ct_conf_text(&dir, &[with_creds], &beginning()).replace(
        "LogType = stderr\n",
        "LogType = file\nLogFile = logs/ct.log\n",
    );
    dir.write("test.conf", text);
    let db = db_of(&dir);
    let mut p = Proc::monitor(&dir, "test.conf");
    wait_next(&p, &db, &log, 5);
    stop_ok(&mut p);
    let file = std::fs::read_to_string(dir.join("logs/ct.log")).unwrap();
    assert!(file.contains("get-sth: HTTP 500"), "{file}");
    assert!(
        file.contains("127.0.0.1"),
        "the log is still named:\n{file}"
    );
    let st = ct_rows(&db);
    assert_eq!(
        st.len(),
        1,
        "{:?}",
        st.iter().map(|r| &r.log_id).collect::<Vec<_>>()
    );
    assert_eq!(st[0].log_id, log.log_id());
    let db_bytes = String::from_utf8_lossy(&std::fs::read(&db).unwrap()).into_owned();
    for (what, text) in [
        ("log file", &file),
        ("stderr", &p.stderr()),
        ("stdout", &p.stdout()),
        ("DB", &db_bytes),
    ] {
        for s in [PASS, PASS_PCT, BASIC] {
            assert!(!text.contains(s), "{s:?} in the {what}:\n{text}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// 8. Hostile logs: impossible tree sizes, unreadable chains, thread limits

/// A get-sth / checkpoint size of 2^63 or more cannot be a position (SQLite integers are
/// signed 64-bit): the log is reported as misbehaving, nothing is read or stored from it,
/// and the saved position survives it and a restart.
#[test]
fn tree_size_beyond_i64_is_rejected_and_the_position_kept() {
    let dir = TempDir::new("ct-huge-size");
    let rfc_tcs = generate("hz", 0..30);
    let tiled_tcs = generate("hzt", 0..30);
    let rfc = FakeLog::rfc6962(entries_of(&rfc_tcs[..10]));
    let tiled = FakeLog::tiled(entries_of(&tiled_tcs[..10]));
    for log in [&rfc, &tiled] {
        log.state().published = Some(1 << 63);
    }
    let db = db_of(&dir);
    let cfg = write_conf(
        &dir,
        &[&rfc, &tiled],
        &Ct {
            start_at: Some("end"),
            batch_size: None,
        },
    );
    let mut p = Proc::monitor(&dir, &cfg);
    // First run against an impossible size: reported, no position stored.
    for log in [&rfc, &tiled] {
        let url = log.url();
        let ok = wait_until(WAIT, || {
            p.stderr().lines().any(|l| {
                l.starts_with("[ERROR:ct]")
                    && l.contains(&url)
                    && l.contains("MISBEHAVING LOG")
                    && l.contains("9223372036854775808")
            })
        });
        assert!(ok, "{url} reported as misbehaving:\n{}", p.stderr());
    }
    for log in [&rfc, &tiled] {
        assert_eq!(
            ct_row(&db, log),
            None,
            "no position from an impossible size"
        );
    }
    // The logs come back to sane sizes: the first run starts at their end.
    for log in [&rfc, &tiled] {
        log.state().published = None;
    }
    wait_next(&p, &db, &rfc, 10);
    wait_next(&p, &db, &tiled, 10);
    rfc.extend(entries_of(&rfc_tcs[10..20]));
    tiled.extend(entries_of(&tiled_tcs[10..20]));
    wait_next(&p, &db, &rfc, 20);
    wait_next(&p, &db, &tiled, 20);
    // Again impossible (the largest u64 too): the saved position stays, nothing is read.
    rfc.state().published = Some(u64::MAX);
    tiled.state().published = Some((1 << 63) + 5);
    let (rfc_seen, tiled_seen) = (rfc.requests().len(), tiled.requests().len());
    assert!(
        wait_until(WAIT, || p.stderr().matches("MISBEHAVING LOG").count() >= 4),
        "{}",
        p.stderr()
    );
    assert!(
        p.stderr().contains("18446744073709551615"),
        "{}",
        p.stderr()
    );
    let stderr = stop_ok(&mut p);
    assert!(
        rfc.requests()[rfc_seen..]
            .iter()
            .all(|r| r.path == "ct/v1/get-sth"),
        "nothing read past an impossible size: {:?}",
        &rfc.requests()[rfc_seen..]
    );
    assert!(
        tiled.requests()[tiled_seen..]
            .iter()
            .all(|r| r.path == "checkpoint"),
        "{:?}",
        &tiled.requests()[tiled_seen..]
    );
    for log in [&rfc, &tiled] {
        let row = ct_row(&db, log).unwrap();
        assert_eq!((row.next, row.tree_size), (20, Some(20)), "{stderr}");
    }
    // A restart resumes from the saved positions once the sizes are sane again.
    for log in [&rfc, &tiled] {
        log.state().published = None;
    }
    rfc.extend(entries_of(&rfc_tcs[20..30]));
    tiled.extend(entries_of(&tiled_tcs[20..30]));
    let mut p2 = Proc::monitor(&dir, &cfg);
    wait_next(&p2, &db, &rfc, 30);
    wait_next(&p2, &db, &tiled, 30);
    stop_ok(&mut p2);
    for (s, _) in rfc.entry_requests() {
        assert!(s >= 10, "entry {s} read again: {:?}", rfc.entry_requests());
    }
    for r in tiled.tile_requests() {
        assert!(
            r.path.starts_with("tile/data/000"),
            "only tile 0 exists: {r:?}"
        );
    }
    let mut want = wants_of(&rfc_tcs[10..30]);
    want.extend(wants_of(&tiled_tcs[10..30]));
    let mut got: Vec<String> = rows(&db, TABLE).into_iter().map(|r| r.domain).collect();
    let mut want: Vec<String> = want.into_iter().map(|w| w.domain).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

/// Names come from the leaf (the certificate, or the precert's TBS in the leaf_input); the
/// chain in `extra_data` only serves the fingerprint of a precert. An entry whose leaf is
/// readable but whose chain is garbage is kept, with a counted "bad chain" warning.
#[test]
fn readable_leaf_with_garbage_chain_is_kept_and_the_chain_reported() {
    let dir = TempDir::new("ct-bad-chain");
    let ts = 1_790_000_000_000u64;
    let garbage = b"\xde\xad\xbe\xef not a chain at all \x00\x01".to_vec();
    let mut tcs = generate("bc", 0..3);
    // 3: x509 leaf, extra_data garbage.
    let x = leaf(
        Some("paypal-login-badchain-x509.example"),
        &["paypal-login-badchain-x509.example"],
        NB,
    );
    let x_der = x.certificate();
    // 4: precert TBS in the leaf, extra_data garbage: no precertificate to fingerprint, so
    // the fingerprint is the TBS's.
    let pa = leaf(
        Some("paypal-login-badchain-pre.example"),
        &["paypal-login-badchain-pre.example"],
        NB,
    );
    // 5: precert whose pre_certificate is there but whose chain is cut short.
    let pb = leaf(
        Some("secure-login-badchain-pre2.example"),
        &["secure-login-badchain-pre2.example"],
        NB,
    );
    let mut pb_extra = extra_data_precert(&pb.precertificate(), &[issuer_der()]);
    pb_extra.truncate(pb_extra.len() - 7);
    let raw = |leaf_input: Vec<u8>, extra_data: Vec<u8>| Entry {
        timestamp_ms: ts,
        kind: EntryKind::Raw {
            leaf_input,
            extra_data,
            tile_leaf: Vec::new(),
        },
        garbled: false,
    };
    let specials = [
        (
            raw(merkle_tree_leaf_x509(ts, &x_der), garbage.clone()),
            "paypal-login-badchain-x509.example",
            fingerprint(&x_der),
        ),
        (
            raw(
                merkle_tree_leaf_precert(ts, &ISSUER_KEY_HASH, &pa.tbs()),
                garbage.clone(),
            ),
            "paypal-login-badchain-pre.example",
            fingerprint(&pa.tbs()),
        ),
        (
            raw(
                merkle_tree_leaf_precert(ts, &ISSUER_KEY_HASH, &pb.tbs()),
                pb_extra,
            ),
            "secure-login-badchain-pre2.example",
            fingerprint(&pb.precertificate()),
        ),
    ];
    let mut entries = entries_of(&tcs);
    entries.extend(specials.iter().map(|s| s.0.clone()));
    let tail = generate("bc", 6..10);
    entries.extend(entries_of(&tail));
    tcs.extend(tail);
    let rfc = FakeLog::rfc6962(entries);

    // Tiled: an x509 TileLeaf whose fingerprint chain is 5 bytes (not a multiple of 32).
    let t = leaf(
        Some("paypal-login-badchain-tile.example"),
        &["paypal-login-badchain-tile.example"],
        NB,
    );
    let t_der = t.certificate();
    let mut tile_leaf = tile_leaf_x509(ts, &t_der, Some(2), &[]);
    tile_leaf.truncate(tile_leaf.len() - 2);
    tile_leaf.extend([0, 5, 1, 2, 3, 4, 5]);
    let tiled_tcs = generate("bct", 0..6);
    let mut tiled_entries = entries_of(&tiled_tcs[..2]);
    tiled_entries.push(Entry {
        timestamp_ms: ts,
        kind: EntryKind::Raw {
            leaf_input: Vec::new(),
            extra_data: Vec::new(),
            tile_leaf,
        },
        garbled: false,
    });
    tiled_entries.extend(entries_of(&tiled_tcs[3..]));
    let tiled = FakeLog::tiled(tiled_entries);

    let db = db_of(&dir);
    let cfg = write_conf(&dir, &[&rfc, &tiled], &beginning());
    let mut p = Proc::monitor(&dir, &cfg);
    wait_next(&p, &db, &rfc, 10);
    wait_next(&p, &db, &tiled, 6);
    let stderr = stop_ok(&mut p);

    let got = rows(&db, TABLE);
    for (_, host, fp) in &specials {
        let r = got
            .iter()
            .find(|r| r.domain == *host)
            .unwrap_or_else(|| panic!("{host} stored despite its chain:\n{stderr}"));
        assert_eq!(r.fingerprint.as_deref(), Some(fp.as_str()), "{host}");
        assert_eq!(r.issuer.as_deref(), Some(LE_ISSUER), "{host}");
    }
    let r = find(&got, "paypal-login-badchain-tile.example");
    assert_eq!(r.fingerprint, Some(fingerprint(&t_der)));
    for w in wants_of(&tcs).iter().chain(&wants_of(&tiled_tcs[..2])) {
        assert!(
            got.iter().any(|r| r.domain == w.domain),
            "{} stored",
            w.domain
        );
    }
    assert!(!stderr.contains("MALFORMED"), "{stderr}");
    for (log, index) in [(&rfc, 3), (&rfc, 4), (&rfc, 5), (&tiled, 2)] {
        assert!(
            stderr.lines().any(|l| l.starts_with("[WARNING:ct]")
                && l.contains(&log.url())
                && l.contains(&format!("entry {index}: BAD CHAIN"))),
            "bad chain of entry {index} reported:\n{stderr}"
        );
    }
    let final_of = |log: &FakeLog| {
        stderr
            .lines()
            .find(|l| l.contains(&format!("final: {}:", log.url())))
            .unwrap_or_else(|| panic!("final stats line:\n{stderr}"))
            .to_string()
    };
    assert!(
        final_of(&rfc).contains("0 malformed, 3 bad chains"),
        "{}",
        final_of(&rfc)
    );
    assert!(
        final_of(&tiled).contains("0 malformed, 1 bad chains"),
        "{}",
        final_of(&tiled)
    );
}

/// Under a thread limit (RLIMIT_NPROC) the monitor neither dies nor loses a log: a reader
/// the system refuses a thread to is reported and started once a thread is available, and
/// reading a log at 127.0.0.1 needs no thread per request (no name lookup for an IP literal).
///
/// The child runs as a uid of its own (see `common::limits`), so the limit counts exactly
/// its threads: first 3 (main + 2 readers; the third reader and the list refresher are
/// refused), then 5 (main + 3 readers + refresher: not one thread to spare while 3 logs are
/// read 4 entries per request). On the code before this test, the refused reader ended the
/// monitor, and every request spawned a lookup thread with `std::thread::spawn`, which
/// panics when refused.
#[test]
fn thread_limit_delays_a_reader_and_requests_need_no_thread() {
    let Some(uid) = limits::unused_uid() else {
        return limits::skipped_not_root();
    };
    let dir = TempDir::new("ct-nproc");
    let tcs: Vec<Vec<Tc>> = (0..3)
        .map(|k| generate(&format!("np{k}x"), 0..60))
        .collect();
    let logs: Vec<FakeLog> = tcs
        .iter()
        .map(|t| FakeLog::rfc6962(entries_of(&t[..40])))
        .collect();
    let db = db_of(&dir);
    let cfg = write_conf(
        &dir,
        &logs.iter().collect::<Vec<_>>(),
        &Ct {
            start_at: Some("beginning"),
            batch_size: Some("4"),
        },
    );
    limits::chown_tree(dir.path(), uid);
    let mut p = Proc::spawn_adjusted(dir.path(), &["monitor", "-c", &cfg], &[], None, |c| {
        limits::limit_tasks(c, uid, 3)
    });
    let read = |n: i64| {
        logs.iter()
            .filter(|l| next_index(&db, l) == Some(n))
            .count()
    };
    assert!(
        wait_until(WAIT, || read(40) == 2),
        "two logs read under the limit:\n{}",
        p.stderr()
    );
    assert!(
        p.wait_stderr("cannot start a thread for the reader of", WAIT),
        "{}",
        p.stderr()
    );
    assert!(p.running(), "alive under the limit:\n{}", p.stderr());
    assert_eq!(read(40), 2, "the third log waits:\n{}", p.stderr());
    assert!(
        logs.iter().any(|l| next_index(&db, l).is_none()),
        "the waiting log has no position yet"
    );

    // Room for the waiting reader and the list refresher, and not one thread more.
    limits::set_task_limit(p.pid(), uid, 5);
    for l in &logs {
        wait_next(&p, &db, l, 40);
    }
    assert_eq!(limits::threads_of(p.pid()), 5, "main, 3 readers, refresher");
    for (l, t) in logs.iter().zip(&tcs) {
        l.extend(entries_of(&t[40..]));
    }
    for l in &logs {
        wait_next(&p, &db, l, 60);
    }
    let stderr = stop_ok(&mut p);
    assert!(!stderr.contains("look up"), "no lookup at all:\n{stderr}");
    let mut want: Vec<String> = tcs
        .iter()
        .flat_map(|t| wants_of(t))
        .map(|w| w.domain)
        .collect();
    let mut got: Vec<String> = rows(&db, TABLE).into_iter().map(|r| r.domain).collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    for l in &logs {
        assert!(
            l.requests().iter().all(|r| r.status == 200),
            "{:?}",
            l.requests()
        );
    }
}

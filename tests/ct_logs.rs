//! Direct Certificate Transparency mode (`ACTServer = ct://`, `[CTLOGS]`), end to end:
//! the real binary against loopback RFC 6962 and static-ct-api logs (`common::ctlog`)
//! serving certificates built at test time (`common::der`). This file covers what a
//! well-behaved log gives: exact rows and stdout lines for both protocols, saved positions
//! (start at the end, restart, far into a log, large tile numbers), the log list, parity
//! with certstream, exactly-once storage under `kill -9`, the stats line and config errors.
//! Faults, limits and misbehaving logs are in `tests/ct_faults.rs`; the helpers both share
//! (config, certificates and the rows they must give, DB readers) in `common/ct_harness.rs`.
//!
//! Every log is configured ad hoc by URL and `LogList` is a file, so nothing here ever
//! leaves 127.0.0.1.

mod common;
#[path = "common/ct_harness.rs"]
mod ct_harness;

use common::ctlog::*;
use common::der::*;
use common::*;
use ct_harness::*;
use rusqlite::Connection;
use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

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

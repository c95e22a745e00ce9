//! Direct Certificate Transparency mode against faulty and misbehaving loopback logs
//! (`common::ctlog`): injected 429/500/short/slow/truncated answers, short batches, garbled
//! entries and chains, a shrinking log, a tree size beyond i64, hostile certificates,
//! credentials in a log URL, and the `[LIMITS]` thread limit. Well-behaved logs (positions,
//! exactly-once, protocols) are in `tests/ct_logs.rs`; shared helpers in
//! `common/ct_harness.rs`.
//!
//! Every log is configured ad hoc by URL and `LogList` is a file, so nothing here ever
//! leaves 127.0.0.1.

mod common;
#[path = "common/ct_harness.rs"]
mod ct_harness;

use common::ctlog::*;
use common::der::*;
use common::limits;
use common::*;
use ct_harness::*;
use std::time::Duration;

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
/// its threads: first 4 (main + the stall-alarm watch + 2 readers; the third reader and the
/// list refresher are refused), then 6 (main + watch + 3 readers + refresher: not one
/// thread to spare while 3 logs are read 4 entries per request). On the code before this test, the refused reader ended the
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
        limits::limit_tasks(c, uid, 4)
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
    limits::set_task_limit(p.pid(), uid, 6);
    for l in &logs {
        wait_next(&p, &db, l, 40);
    }
    assert_eq!(
        limits::threads_of(p.pid()),
        6,
        "main, health watch, 3 readers, refresher"
    );
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

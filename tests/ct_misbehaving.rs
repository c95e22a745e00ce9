//! Direct CT mode with verified tree heads (RFC 6962 §3.5 signed tree heads, C2SP
//! static-ct-api checkpoints): loopback logs listed in a log list *with their keys*
//! (`common::ctlog::log_list_json`), that sign correctly, sign badly, or serve an entry
//! that does not hash to the root they signed. The monitor commits only positions whose
//! entries hash to a signed root, saves the Merkle frontier with them, reports a log that
//! lies as `LOG MISBEHAVING` with the evidence, and reads again from the last verified
//! position once the log behaves.
//!
//! Ad-hoc logs without keys (the other CT tests) are read unverified, as before.

mod common;
#[path = "common/ct_harness.rs"]
mod ct_harness;

use common::ctlog::*;
use common::*;
use ct_harness::*;
use std::path::Path;

/// A config following every log of a list that names `logs` with their keys.
fn conf_with_list(dir: &TempDir, logs: &[&FakeLog], start_at: &str) -> String {
    let list = dir.write("keyed-list.json", log_list_json(logs));
    let conf = Conf {
        servers: vec!["ct://".into()],
        ..Conf::default()
    };
    let text = format!(
        "{}\n[CTLOGS]\nLogList = {}\nLogs = all\nPollInterval = 0.2\nStartAt = {start_at}\n",
        conf.render(),
        list.display()
    );
    dir.write("verified.conf", text);
    "verified.conf".into()
}

/// `(NextIndex, Frontier is a BLOB)` of a listed log.
fn state(db: &Path, log: &FakeLog) -> Option<(i64, bool)> {
    let c = open_rw(db)?;
    c.query_row(
        "SELECT NextIndex, typeof(Frontier) = 'blob' FROM CTLogState WHERE LogID = ?1",
        [log.list_log_id()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .ok()
}

fn wait_pos(p: &Proc, db: &Path, log: &FakeLog, want: i64) {
    assert!(
        wait_until(WAIT, || state(db, log).map(|s| s.0) == Some(want)),
        "NextIndex of {} is {:?}, expected {want}; stderr:\n{}",
        log.url(),
        state(db, log),
        p.stderr()
    );
}

fn domains_sorted(db: &Path) -> Vec<String> {
    let mut d = domains(db, TABLE);
    d.sort();
    d
}

fn want_domains(tcs: &[Tc]) -> Vec<String> {
    let mut d: Vec<String> = wants_of(tcs).into_iter().map(|w| w.domain).collect();
    d.sort();
    d
}

fn kinds() -> [LogType; 2] {
    [LogType::Rfc6962, LogType::Tiled]
}

/// Logs that sign correctly: every match stored exactly once, positions saved with their
/// frontier, and a restart resumes from the saved frontier (nothing rebuilt).
#[test]
fn verified_logs_store_every_match_once_and_resume_from_the_saved_frontier() {
    for kind in kinds() {
        let dir = TempDir::new("ct-verified");
        let tcs = generate(&format!("ok{kind:?}x").to_lowercase(), 0..70);
        let log = FakeLog::start(kind, entries_of(&tcs[..40]));
        let db = db_of(&dir);
        let cfg = conf_with_list(&dir, &[&log], "beginning");
        let mut p = Proc::spawn(dir.path(), &["monitor", "-c", &cfg], &[], None);
        wait_pos(&p, &db, &log, 40);
        assert_eq!(state(&db, &log), Some((40, true)), "frontier saved");
        log.extend(entries_of(&tcs[40..60]));
        wait_pos(&p, &db, &log, 60);
        let first = stop_ok(&mut p);
        for bad in ["NOT VERIFIED", "MISBEHAVING", "not verified"] {
            assert!(!first.contains(bad), "{kind:?}: {bad}:\n{first}");
        }
        assert_eq!(domains_sorted(&db), want_domains(&tcs[..60]), "{kind:?}");

        log.extend(entries_of(&tcs[60..]));
        let mut p = Proc::spawn(dir.path(), &["monitor", "-c", &cfg], &[], None);
        wait_pos(&p, &db, &log, 70);
        let second = stop_ok(&mut p);
        assert!(!second.contains("rebuilt from the log"), "{second}");
        assert!(!second.contains("MISBEHAVING"), "{second}");
        assert_eq!(domains_sorted(&db), want_domains(&tcs), "{kind:?}");
        let lines = bodies(&(p.stdout()));
        assert_eq!(lines.len(), want_domains(&tcs[60..]).len(), "{kind:?}");
    }
}

/// A tree head whose signature does not verify is not believed: the position stays where
/// it was, the error says why, and reading goes on once the log signs correctly again.
#[test]
fn a_bad_signature_keeps_the_position_until_the_log_signs_again() {
    for kind in kinds() {
        let dir = TempDir::new("ct-badsig");
        let tcs = generate(&format!("sig{kind:?}x").to_lowercase(), 0..60);
        let log = FakeLog::start(kind, entries_of(&tcs[..40]));
        let db = db_of(&dir);
        let cfg = conf_with_list(&dir, &[&log], "beginning");
        let mut p = Proc::spawn(dir.path(), &["monitor", "-c", &cfg], &[], None);
        wait_pos(&p, &db, &log, 40);
        log.state().bad_signature = true;
        log.extend(entries_of(&tcs[40..]));
        assert!(
            wait_until(WAIT, || p.stderr().matches("not verified").count() >= 2),
            "{kind:?}:\n{}",
            p.stderr()
        );
        assert!(
            p.stderr()
                .lines()
                .any(|l| l.starts_with("[ERROR:ct]") && l.contains("LOG MISBEHAVING")),
            "{}",
            p.stderr()
        );
        assert_eq!(state(&db, &log).map(|s| s.0), Some(40), "{kind:?}");
        assert_eq!(domains_sorted(&db), want_domains(&tcs[..40]), "{kind:?}");
        log.state().bad_signature = false;
        wait_pos(&p, &db, &log, 60);
        stop_ok(&mut p);
        assert_eq!(domains_sorted(&db), want_domains(&tcs), "{kind:?}");
    }
}

/// A log serving one changed entry (the signed root is over the original): reported with
/// the signed head and the root the served entries give, nothing past the last verified
/// position committed (not the matches of the untouched entries either), and everything
/// stored exactly once when the log serves the true entries again.
#[test]
fn a_changed_entry_is_reported_and_nothing_past_the_verified_position_is_committed() {
    for kind in kinds() {
        let dir = TempDir::new("ct-tamper");
        let tcs = generate(&format!("tam{kind:?}x").to_lowercase(), 0..60);
        let log = FakeLog::start(kind, entries_of(&tcs[..40]));
        let db = db_of(&dir);
        let cfg = conf_with_list(&dir, &[&log], "beginning");
        let mut p = Proc::spawn(dir.path(), &["monitor", "-c", &cfg], &[], None);
        wait_pos(&p, &db, &log, 40);
        log.state().tamper = Some(45);
        log.extend(entries_of(&tcs[40..]));
        assert!(
            wait_until(WAIT, || p.stderr().matches("LOG MISBEHAVING").count() >= 2),
            "{kind:?}:\n{}",
            p.stderr()
        );
        let stderr = p.stderr();
        let report = stderr
            .lines()
            .find(|l| l.contains("LOG MISBEHAVING"))
            .unwrap();
        assert!(report.starts_with("[ERROR:ct]"), "{report}");
        assert!(report.contains("tree_size 60"), "{report}");
        assert!(report.contains("entries 40..60"), "{report}");
        assert!(
            report.contains("nothing past entry 40 is committed"),
            "{report}"
        );
        assert_eq!(state(&db, &log).map(|s| s.0), Some(40), "{kind:?}");
        assert_eq!(domains_sorted(&db), want_domains(&tcs[..40]), "{kind:?}");
        log.state().tamper = None;
        wait_pos(&p, &db, &log, 60);
        stop_ok(&mut p);
        assert_eq!(domains_sorted(&db), want_domains(&tcs), "{kind:?}");
        let lines = bodies(&p.stdout());
        assert_eq!(
            lines.len(),
            want_domains(&tcs).len(),
            "each match printed once"
        );
    }
}

/// Starting at the end of a log (or resuming a position saved without a frontier), the
/// frontier is rebuilt from the log — an audit path and a consistency proof for RFC 6962,
/// hash tiles for static-ct-api — and the entries read after it verify.
#[test]
fn the_frontier_is_rebuilt_from_the_log_when_none_is_saved() {
    for kind in kinds() {
        let dir = TempDir::new("ct-rebuild");
        let tcs = generate(&format!("reb{kind:?}x").to_lowercase(), 0..700);
        let log = FakeLog::start(kind, entries_of(&tcs[..600]));
        let db = db_of(&dir);
        let cfg = conf_with_list(&dir, &[&log], "end");
        let mut p = Proc::spawn(dir.path(), &["monitor", "-c", &cfg], &[], None);
        wait_pos(&p, &db, &log, 600);
        log.extend(entries_of(&tcs[600..650]));
        wait_pos(&p, &db, &log, 650);
        let stderr = stop_ok(&mut p);
        assert!(stderr.contains("rebuilt from the log"), "{stderr}");
        assert!(!stderr.contains("MISBEHAVING"), "{stderr}");
        assert_eq!(
            domains_sorted(&db),
            want_domains(&tcs[600..650]),
            "{kind:?}"
        );

        // A position without a frontier (an older version wrote it), below the log's size.
        open_rw(&db)
            .unwrap()
            .execute_batch("UPDATE CTLogState SET Frontier = NULL")
            .unwrap();
        log.extend(entries_of(&tcs[650..]));
        let mut p = Proc::spawn(dir.path(), &["monitor", "-c", &cfg], &[], None);
        wait_pos(&p, &db, &log, 700);
        let stderr = stop_ok(&mut p);
        assert!(stderr.contains("rebuilt from the log"), "{stderr}");
        assert!(!stderr.contains("MISBEHAVING"), "{stderr}");
        assert_eq!(domains_sorted(&db), want_domains(&tcs[600..]), "{kind:?}");
        if kind == LogType::Rfc6962 {
            assert!(log.requests().iter().any(|r| r
                .path
                .starts_with("ct/v1/get-sth-consistency?first=650&second=700")));
        } else {
            assert!(log.requests().iter().any(|r| r.path.starts_with("tile/0/")));
        }
    }
}

/// A long catch-up is verified and committed in steps: every 4,096 entries the monitor
/// proves its position against the signed head — with a consistency proof (RFC 6962) or
/// with the hash tiles of the rest of the tree (static-ct-api) — and commits there,
/// instead of holding every match until the signed size.
#[test]
fn a_long_catch_up_is_verified_and_committed_in_steps() {
    for kind in kinds() {
        let dir = TempDir::new("ct-steps");
        let n = 20_000u64;
        let tcs = generate(&format!("steps{kind:?}").to_lowercase(), 0..n);
        let log = FakeLog::start(kind, entries_of(&tcs));
        let db = db_of(&dir);
        let cfg = conf_with_list(&dir, &[&log], "beginning");
        let mut p = Proc::spawn(dir.path(), &["monitor", "-c", &cfg], &[], None);
        wait_pos(&p, &db, &log, n as i64);
        let stderr = stop_ok(&mut p);
        assert!(!stderr.contains("MISBEHAVING"), "{stderr}");
        let requests: Vec<String> = log.requests().into_iter().map(|r| r.path).collect();
        if kind == LogType::Rfc6962 {
            let steps: Vec<u64> = requests
                .iter()
                .filter_map(|p| {
                    p.strip_prefix("ct/v1/get-sth-consistency?first=")?
                        .strip_suffix(&format!("&second={n}"))?
                        .parse()
                        .ok()
                })
                .collect();
            assert!(
                steps.iter().filter(|&&m| (4_096..n).contains(&m)).count() >= 3,
                "no intermediate verification: {steps:?}"
            );
        } else {
            assert!(
                requests
                    .iter()
                    .any(|p| p.starts_with("tile/") && !p.starts_with("tile/data/")),
                "no hash tile asked: {requests:?}"
            );
        }
        assert_eq!(domains_sorted(&db), want_domains(&tcs), "{kind:?}");
    }
}

/// kill -9 at random moments while verified logs grow: after every kill, the rows are
/// exactly the matches of the entries below the saved position (a verified size, saved
/// with its frontier), and across all runs no match is printed twice.
#[test]
fn kill_9_while_verified_logs_grow_stores_every_match_once() {
    for kind in kinds() {
        let dir = TempDir::new("ct-kill-verified");
        let total = 2_000u64;
        let tcs = generate(&format!("kv{kind:?}x").to_lowercase(), 0..total);
        let log = FakeLog::start(kind, entries_of(&tcs[..200]));
        log.state().delay = std::time::Duration::from_millis(5);
        let db = db_of(&dir);
        let cfg = conf_with_list(&dir, &[&log], "beginning");
        let mut printed: Vec<String> = Vec::new();
        let mut size = 200u64;
        let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ kind as u64;
        let mut rnd = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for round in 0..4 {
            let mut p = Proc::spawn(dir.path(), &["monitor", "-c", &cfg], &[], None);
            for _ in 0..3 {
                let grow = (100 + rnd(200)).min(total - size);
                log.extend(entries_of(&tcs[size as usize..(size + grow) as usize]));
                size += grow;
                std::thread::sleep(std::time::Duration::from_millis(50 + rnd(250)));
            }
            p.signal("KILL");
            p.wait_exit(WAIT).expect("killed");
            printed.extend(
                p.stdout_lines()
                    .iter()
                    .filter(|l| l.ends_with(')'))
                    .map(|l| host_of(l)),
            );
            if let Some((next, frontier)) = state(&db, &log) {
                assert!(
                    frontier,
                    "{kind:?} round {round}: position saved without frontier"
                );
                assert_eq!(
                    domains_sorted(&db),
                    want_domains(&tcs[..next as usize]),
                    "{kind:?} round {round}: rows vs NextIndex {next}"
                );
            }
            assert!(integrity_ok(&db));
        }
        log.extend(entries_of(&tcs[size as usize..]));
        let mut p = Proc::spawn(dir.path(), &["monitor", "-c", &cfg], &[], None);
        assert!(p.wait_stderr("following", WAIT), "{}", p.stderr());
        wait_pos(&p, &db, &log, total as i64);
        let stderr = stop_ok(&mut p);
        assert!(!stderr.contains("MISBEHAVING"), "{stderr}");
        printed.extend(
            p.stdout_lines()
                .iter()
                .filter(|l| l.ends_with(')'))
                .map(|l| host_of(l)),
        );
        // A kill -9 between a commit and its stdout lines can cost those lines (the rows are
        // in the DB); a line is never printed twice, nor for a host that is not a match.
        printed.sort();
        let before = printed.len();
        printed.dedup();
        assert_eq!(printed.len(), before, "{kind:?}: a match printed twice");
        let want = want_domains(&tcs);
        assert!(printed.iter().all(|h| want.contains(h)), "{kind:?}");
        assert_eq!(domains_sorted(&db), want_domains(&tcs), "{kind:?}");
    }
}

/// A misbehaving log is also reported to the notification destinations (here the command
/// hook), with the evidence, at most once an hour per log however often it is seen.
#[test]
fn a_misbehaving_log_is_notified_once_with_the_evidence() {
    let dir = TempDir::new("ct-alarm");
    let tcs = generate("alarm", 0..60);
    let log = FakeLog::rfc6962(entries_of(&tcs[..40]));
    let db = db_of(&dir);
    let cfg = conf_with_list(&dir, &[&log], "beginning");
    let hook = dir.write(
        "hook.sh",
        "#!/bin/sh\nprintf '%s\\n%s\\n%s\\n%s\\n--\\n' \"$CSM_EVENT\" \"$CSM_LOG_URL\" \"$CSM_TITLE\" \"$CSM_EVIDENCE\" >> \"$1\"\n",
    );
    let out = dir.join("hook.out");
    let mut text = std::fs::read_to_string(dir.join(&cfg)).unwrap();
    text += &format!(
        "[REPORTING]\nNotification_Command = /bin/sh {} {}\n",
        hook.display(),
        out.display()
    );
    dir.write(&cfg, text);
    let mut p = Proc::spawn(dir.path(), &["monitor", "-c", &cfg], &[], None);
    wait_pos(&p, &db, &log, 40);
    log.state().tamper = Some(50);
    log.extend(entries_of(&tcs[40..]));
    assert!(
        wait_until(WAIT, || p.stderr().matches("LOG MISBEHAVING").count() >= 3
            && std::fs::read_to_string(&out).is_ok_and(|s| s.contains("--"))),
        "{}",
        p.stderr()
    );
    // Another report or two would be due by now without the hourly limit.
    assert!(wait_until(WAIT, || p
        .stderr()
        .matches("LOG MISBEHAVING: signed")
        .count()
        >= 4));
    stop_ok(&mut p);
    let got = std::fs::read_to_string(&out).unwrap();
    assert_eq!(got.matches("--\n").count(), 1, "{got}");
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(lines[0], "log_misbehaving");
    assert_eq!(lines[1], log.url());
    assert!(
        lines[2].starts_with("[CertStreamMonitor] LOG MISBEHAVING: Fake log"),
        "{got}"
    );
    assert!(
        lines[3].contains("tree_size 60") && lines[3].contains("entries 40..60"),
        "{got}"
    );
}

//! SIGHUP live reload of `[SEARCH]` and `[LOOKALIKE]` in `monitor`, against a loopback
//! certstream server and a loopback CT log: the rules are swapped between messages, nothing
//! is lost, the connection and the CT readers are not restarted, a broken file keeps the
//! old rules and the log names the key, other sections changed are only warned about.

mod common;
#[path = "common/ct_harness.rs"]
mod ct_harness;

use common::ctlog::FakeLog;
use common::*;
use ct_harness::*;
use std::collections::{BTreeSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tungstenite::Message;

const OLD_SEARCH: &str = "paypal|login|secure";
const NEW_SEARCH: &str = "netflix|login|secure";
/// Matched by both rule sets: the end marker of a stream.
const END: &str = "zz-login-secure.example.org";

/// Message `i`: one name only the old rules store, one only the new rules store
/// (threshold 2 in both).
fn pair(i: usize) -> (String, String) {
    (
        format!("n{i}-paypal-login.example.com"),
        format!("n{i}-netflix-login.example.net"),
    )
}

fn pair_message(i: usize) -> String {
    let (a, b) = pair(i);
    Cert::new(&[&a, &b]).lite()
}

fn reload_count(stderr: &str) -> usize {
    stderr.matches("reloaded [SEARCH]/[LOOKALIKE] from").count()
}

/// SIGHUP, then wait for the `n`th "reloaded" line or the `n`th refused reload.
fn sighup_and_wait(p: &Proc, needle: &str, n: usize) {
    p.signal("HUP");
    let ok = wait_until(WAIT, || p.stderr().matches(needle).count() >= n);
    assert!(
        ok,
        "no {n}th {needle:?} after SIGHUP; stderr:\n{}",
        p.stderr()
    );
}

#[test]
fn sighup_swaps_rules_mid_stream_without_losing_a_message_or_reconnecting() {
    let dir = TempDir::new("reload-stream");
    let go = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicUsize::new(0));
    let server = {
        let (go, sent) = (go.clone(), sent.clone());
        // One message every 2 ms until the test has seen the reload, then 100 more and
        // the end marker: the SIGHUP always lands while messages are flowing.
        WsServer::start(move |i, ws, ctl| {
            if i == 0 {
                let mut after = 0;
                let mut n = 0;
                while !ctl.stopped() && n < 20_000 && after < 100 {
                    if ws.send(Message::text(pair_message(n))).is_err() {
                        return;
                    }
                    n += 1;
                    sent.store(n, Ordering::SeqCst);
                    if go.load(Ordering::SeqCst) {
                        after += 1;
                    }
                    std::thread::sleep(Duration::from_millis(2));
                }
                let _ = ws.send(Message::text(Cert::new(&[END]).lite()));
            }
            hold(ws, ctl);
        })
    };
    let mut conf = Conf {
        servers: vec![server.url()],
        search: OLD_SEARCH.into(),
        ..Conf::default()
    };
    let cfg = conf.write(&dir);
    let db = dir.join(DB);
    let mut p = Proc::monitor(&dir, &cfg);
    let ok = wait_until(WAIT, || domains(&db, TABLE).len() >= 50);
    assert!(ok, "no rows before the reload; stderr:\n{}", p.stderr());

    conf.search = NEW_SEARCH.into();
    conf.write(&dir);
    sighup_and_wait(&p, "reloaded [SEARCH]/[LOOKALIKE] from", 1);
    go.store(true, Ordering::SeqCst);
    wait_for_domains(&db, TABLE, &[END]);
    assert!(p.running(), "monitor exited; stderr:\n{}", p.stderr());
    let status = p.stop();
    let stderr = p.stderr();
    assert_eq!(status.code(), Some(0), "stderr:\n{stderr}");

    let n = sent.load(Ordering::SeqCst);
    let got: BTreeSet<String> = domains(&db, TABLE).into_iter().collect();
    assert_eq!(
        got.len(),
        n + 1,
        "one row per message plus the end marker, none lost"
    );
    assert!(got.contains(END));
    // Each message was judged by exactly one rule set, and the switch happened once.
    let mut switched_at = None;
    for i in 0..n {
        let (old, new) = pair(i);
        match (got.contains(&old), got.contains(&new)) {
            (true, false) => assert!(
                switched_at.is_none(),
                "message {i} judged by the old rules after message {switched_at:?} by the new"
            ),
            (false, true) => {
                switched_at.get_or_insert(i);
            }
            other => panic!("message {i}: rows (old, new) = {other:?}"),
        }
    }
    let k = switched_at.expect("messages after the reload judged by the new rules");
    assert!(
        k >= 50,
        "the first 50 rows were stored before the SIGHUP, switch at {k}"
    );
    assert!(
        n - k >= 100,
        "100 messages were sent after the reload was logged"
    );
    assert_eq!(p.stdout_lines().len(), n + 1, "one stdout line per row");
    assert_eq!(server.accepts(), 1, "the connection was never re-opened");
    assert!(
        stderr.contains(
            "reloaded [SEARCH]/[LOOKALIKE] from test.conf: SearchKeywords added 'netflix', removed 'paypal'"
        ),
        "{stderr}"
    );
    assert_eq!(reload_count(&stderr), 1, "{stderr}");
}

/// A certstream server sending what the test pushes, on its first connection.
fn push_server() -> (WsServer, Arc<Mutex<VecDeque<String>>>) {
    let queue = Arc::new(Mutex::new(VecDeque::<String>::new()));
    let q = queue.clone();
    let server = WsServer::start(move |i, ws, ctl| {
        while !ctl.stopped() {
            let next = if i == 0 {
                q.lock().unwrap().pop_front()
            } else {
                None
            };
            match next {
                Some(m) => {
                    if ws.send(Message::text(m)).is_err() {
                        return;
                    }
                }
                None => match ws.read() {
                    Ok(Message::Close(_)) => return,
                    Ok(_) => {}
                    Err(e) if timed_out(&e) => {}
                    Err(_) => return,
                },
            }
        }
    });
    (server, queue)
}

#[test]
fn broken_config_on_sighup_keeps_the_old_rules_and_names_the_key() {
    let dir = TempDir::new("reload-broken");
    let (server, queue) = push_server();
    let conf = Conf {
        servers: vec![server.url()],
        ..Conf::default()
    };
    let cfg = conf.write(&dir);
    let db = dir.join(DB);
    let mut p = Proc::monitor(&dir, &cfg);
    assert!(
        p.wait_stderr("Connection established", WAIT),
        "{}",
        p.stderr()
    );
    let secret = "Zq9reloadSecret";
    // Every broken file also lowers the threshold to 1: were any of it applied,
    // k-login.example.com (score 1) would be stored below.
    let lowered = Conf {
        threshold: Some("1".into()),
        ..conf.clone()
    };
    let cases: Vec<(&str, String, String)> = vec![
        (
            "bad pattern",
            Conf {
                search: "paypal(|login".into(),
                ..lowered.clone()
            }
            .render(),
            "[SEARCH] SearchKeywords".into(),
        ),
        (
            "bad threshold",
            Conf {
                threshold: Some("two".into()),
                ..lowered.clone()
            }
            .render(),
            "[SEARCH] DetectionThreshold".into(),
        ),
        (
            "bad lookalike brand",
            lowered.render() + "\n[LOOKALIKE]\nEnabled = yes\nBrands = paypal.com\n",
            "[LOOKALIKE] Brands".into(),
        ),
        (
            "not INI",
            lowered
                .render()
                .replace("[DATABASE]", "this is no key\n[DATABASE]"),
            "test.conf, line".into(),
        ),
        (
            // The new file's secret (a proxy password, inherited from DEFAULT) is
            // registered before the error quoting it is logged.
            "secret in the faulty value",
            format!("[DEFAULT]\nproxy_password = {secret}\n\n")
                + &Conf {
                    threshold: Some("%(proxy_password)s".into()),
                    ..conf.clone()
                }
                .render(),
            "[SEARCH] DetectionThreshold".into(),
        ),
    ];
    for (n, (label, text, key)) in cases.iter().enumerate() {
        dir.write("test.conf", text);
        sighup_and_wait(&p, "keeping the previous rules", n + 1);
        let stderr = p.stderr();
        let line = stderr
            .lines()
            .filter(|l| l.contains("keeping the previous rules"))
            .nth(n)
            .unwrap();
        assert!(line.starts_with("[ERROR:root]"), "{label}: {line}");
        assert!(line.contains("test.conf"), "{label}: {line}");
        assert!(line.contains(key.as_str()), "{label}: {line}");
        if key.starts_with('[') {
            let k = key.split("] ").nth(1).unwrap();
            assert!(
                line.contains(&format!("line {}", line_of(text, k))),
                "{label}: {line}"
            );
        }
        assert!(p.running(), "{label}: monitor exited:\n{stderr}");
    }
    // Nothing of the broken files applied: the old rules judge what comes next.
    queue.lock().unwrap().extend([
        Cert::new(&["k-paypal-login.example.com"]).lite(),
        Cert::new(&["k-login.example.com"]).lite(),
        Cert::new(&[END]).lite(),
    ]);
    wait_for_domains(&db, TABLE, &[END]);

    // A valid file changing only sections a reload does not apply: a warning naming them.
    let moved = Conf {
        db: "data/other.sqlite".into(),
        log_level: "DEBUG".into(),
        ..conf.clone()
    };
    moved.write(&dir);
    sighup_and_wait(&p, "restart to apply", 1);
    let end2 = "zz2-login-secure.example.org";
    queue.lock().unwrap().extend([
        Cert::new(&["m-paypal-login.example.com"]).lite(),
        Cert::new(&[end2]).lite(),
    ]);
    wait_for_domains(&db, TABLE, &[end2]);
    let status = p.stop();
    let stderr = p.stderr();
    assert_eq!(status.code(), Some(0), "stderr:\n{stderr}");
    let got: BTreeSet<String> = domains(&db, TABLE).into_iter().collect();
    let want: BTreeSet<String> = [
        "k-paypal-login.example.com",
        END,
        "m-paypal-login.example.com",
        end2,
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(got, want, "old rules throughout, in the original database");
    assert!(!dir.join("data/other.sqlite").exists());
    let warning = stderr
        .lines()
        .find(|l| l.contains("restart to apply"))
        .unwrap();
    assert!(warning.starts_with("[WARNING:root]"), "{warning}");
    assert!(warning.contains("[DATABASE] dbfile"), "{warning}");
    assert!(warning.contains("[LOGGING] loglevel"), "{warning}");
    assert!(
        !warning.contains("other.sqlite"),
        "values are not shown: {warning}"
    );
    assert!(
        stderr.contains("reloaded [SEARCH]/[LOOKALIKE] from test.conf: no change"),
        "{stderr}"
    );
    assert!(!stderr.contains(secret), "secret leaked:\n{stderr}");
    assert_eq!(server.accepts(), 1, "the connection was never re-opened");
}

#[test]
fn sighup_in_direct_ct_mode_swaps_rules_without_restarting_readers() {
    let dir = TempDir::new("reload-ct");
    let tc = |i: usize| {
        let (a, b) = pair(i);
        Tc::x509(&a, &[&a, &b], NB)
    };
    let first: Vec<Tc> = (0..10).map(tc).collect();
    let second: Vec<Tc> = (10..20).map(tc).collect();
    let log = FakeLog::rfc6962(entries_of(&first));
    let cfg = write_conf(&dir, &[&log], &beginning());
    let db = db_of(&dir);
    let mut p = Proc::monitor(&dir, &cfg);
    wait_next(&p, &db, &log, 10);

    let text = std::fs::read_to_string(dir.join(&cfg)).unwrap();
    let new_text = text.replace(
        &format!("SearchKeywords = {OLD_SEARCH}"),
        &format!("SearchKeywords = {NEW_SEARCH}"),
    );
    assert_ne!(text, new_text);
    dir.write(&cfg, new_text);
    sighup_and_wait(&p, "reloaded [SEARCH]/[LOOKALIKE] from", 1);
    log.extend(entries_of(&second));
    wait_next(&p, &db, &log, 20);
    let stderr = stop_ok(&mut p);

    let got: BTreeSet<String> = domains(&db, TABLE).into_iter().collect();
    let want: BTreeSet<String> = (0..20)
        .map(|i| if i < 10 { pair(i).0 } else { pair(i).1 })
        .collect();
    assert_eq!(
        got, want,
        "entries before the SIGHUP by the old rules, after by the new"
    );
    assert_eq!(
        stderr.matches("following ").count(),
        1,
        "the reader was not restarted:\n{stderr}"
    );
    assert!(
        stderr.contains("SearchKeywords added 'netflix', removed 'paypal'"),
        "{stderr}"
    );
}

#[test]
fn unchanged_systemd_credential_on_sighup_says_to_restart() {
    let dir = TempDir::new("reload-credential");
    let server = serve_once(Vec::new());
    let creds = dir.join("credentials");
    std::fs::create_dir_all(&creds).unwrap();
    let conf = creds.join("certstreammonitor.conf");
    let text = Conf {
        servers: vec![server.url()],
        ..Conf::default()
    }
    .render();
    std::fs::write(&conf, &text).unwrap();
    let creds_env = creds.display().to_string();
    let mut p = Proc::spawn(
        dir.path(),
        &["monitor", "-c", &conf.display().to_string()],
        &[("CREDENTIALS_DIRECTORY", &creds_env)],
        None,
    );
    assert!(
        p.wait_stderr("Connection established", WAIT),
        "{}",
        p.stderr()
    );
    sighup_and_wait(&p, "systemctl restart", 1);
    // A real change is applied and not met with the hint.
    std::fs::write(&conf, text.replace(OLD_SEARCH, NEW_SEARCH)).unwrap();
    sighup_and_wait(&p, "reloaded [SEARCH]/[LOOKALIKE] from", 2);
    let stderr = stop_ok(&mut p);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("systemctl restart"))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with("[WARNING:root]"), "{}", lines[0]);
    assert!(
        lines[0].contains("certstreammonitor.conf is a systemd credential"),
        "{}",
        lines[0]
    );
    assert!(
        stderr.contains("certstreammonitor.conf: no change"),
        "{stderr}"
    );
    assert!(
        stderr.contains("SearchKeywords added 'netflix', removed 'paypal'"),
        "{stderr}"
    );
}

#[test]
fn sighup_turns_lookalike_detection_on_and_off() {
    let dir = TempDir::new("reload-lookalike");
    let (server, queue) = push_server();
    let conf = Conf {
        servers: vec![server.url()],
        ..Conf::default()
    };
    let plain = conf.render();
    let with_engine = plain.clone() + "\n[LOOKALIKE]\nEnabled = yes\nBrands = paypal\n";
    dir.write("test.conf", &plain);
    let db = dir.join(DB);
    let mut p = Proc::monitor(&dir, "test.conf");
    // Rules alone: pyapal.example scores 0, paypal-refund.example 1 (threshold 2).
    let push = |names: &[&str], end: &str| {
        let mut q = queue.lock().unwrap();
        for n in names {
            q.push_back(Cert::new(&[n]).lite());
        }
        q.push_back(Cert::new(&[end]).lite());
    };
    push(&["pyapal.example"], "zz1-login-secure.example.org");
    wait_for_domains(&db, TABLE, &["zz1-login-secure.example.org"]);

    dir.write("test.conf", &with_engine);
    sighup_and_wait(&p, "reloaded [SEARCH]/[LOOKALIKE] from", 1);
    push(&["pyapal.example"], "zz2-login-secure.example.org");
    wait_for_domains(&db, TABLE, &["zz2-login-secure.example.org"]);

    dir.write("test.conf", &plain);
    sighup_and_wait(&p, "reloaded [SEARCH]/[LOOKALIKE] from", 2);
    push(&["paypal-refund.example"], "zz3-login-secure.example.org");
    wait_for_domains(&db, TABLE, &["zz3-login-secure.example.org"]);
    let stderr = stop_ok(&mut p);

    assert_eq!(
        domains(&db, TABLE),
        [
            "zz1-login-secure.example.org",
            "pyapal.example",
            "zz2-login-secure.example.org",
            "zz3-login-secure.example.org",
        ],
        "{stderr}"
    );
    let lines = p.stdout_lines();
    assert!(
        lines[1].ends_with(" (Lookalike: paypal, typo, distance 1, confidence medium)"),
        "{}",
        lines[1]
    );
    assert!(
        stderr.contains("from test.conf: lookalike detection on (brands paypal)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Lookalike detection on: paypal (max distance 1)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("from test.conf: lookalike detection off"),
        "{stderr}"
    );
    assert_eq!(server.accepts(), 1);
}

//! `serve` fed by the CT logs themselves (`[CTLOGS]`, loopback fake logs of both
//! protocols), and `monitor` with a `[SERVE]` section: certstream-python receives every
//! entry; a restart serves what came in while serve was down; our own monitor reading our
//! serve stores exactly the rows monitor stores reading the logs itself.

mod common;
#[path = "common/ct_harness.rs"]
mod ct_harness;
#[path = "common/serve_harness.rs"]
mod serve_harness;

use common::ctlog::*;
use common::*;
use ct_harness::*;
use serde_json::Value;
use serve_harness::{python_client, wait_child};
use std::collections::BTreeSet;

const SERVE: &str = "\n[SERVE]\nListen = 127.0.0.1:0\n";

/// The port serve logged (`serving ws://127.0.0.1:PORT/ …`).
fn served_port(p: &Proc) -> u16 {
    p.logged_port("serving ws://127.0.0.1:")
}

/// `[CTLOGS]` from the beginning of `logs`, plus `[SERVE]`; returns the file name.
fn serve_conf(dir: &TempDir, logs: &[&FakeLog]) -> String {
    let items: Vec<String> = logs.iter().map(|l| l.logs_item()).collect();
    dir.write("test.conf", ct_conf_text(dir, &items, &beginning()) + SERVE);
    "test.conf".into()
}

fn received(dir: &TempDir, file: &str) -> Vec<Value> {
    std::fs::read_to_string(dir.join(file))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Every certificate of `tcs` (from `log`, indexes from `first`) is in `got` once, with
/// the fields certstream clients and CertStreamMonitor read.
fn assert_served(got: &[Value], log: &FakeLog, tcs: &[Tc], first: u64) {
    let mine: Vec<&Value> = got
        .iter()
        .filter(|m| {
            m["data"]["source"]["url"]
                .as_str()
                .map(|u| u.trim_end_matches('/'))
                == Some(log.url().trim_end_matches('/'))
        })
        .collect();
    assert_eq!(mine.len(), tcs.len(), "{:#?}", mine);
    let mut seen = BTreeSet::new();
    for m in mine {
        assert_eq!(m["message_type"], "certificate_update");
        let index = m["data"]["cert_index"].as_u64().expect("cert_index");
        assert!(seen.insert(index), "index {index} twice");
        let tc = &tcs[(index - first) as usize];
        let leaf = &m["data"]["leaf_cert"];
        assert_eq!(leaf["fingerprint"], tc.fingerprint().as_str());
        let want = tc.wants();
        let domains: Vec<&str> = leaf["all_domains"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_str().unwrap())
            .collect();
        for w in &want {
            assert!(domains.contains(&w.domain.as_str()), "{domains:?}");
        }
        assert!(leaf["subject"]["aggregated"].is_string());
        assert!(leaf["issuer"]["aggregated"].is_string());
        assert!(leaf["not_before"].is_number());
        assert!(m["data"]["seen"].is_number());
        // The lite feed: no DER, no chain.
        assert!(leaf.get("as_der").is_none() && m["data"].get("chain").is_none());
    }
    let want: BTreeSet<u64> = (first..first + tcs.len() as u64).collect();
    assert_eq!(seen, want);
}

#[test]
fn serve_feeds_certstream_python_from_both_log_kinds_and_resumes_after_a_restart() {
    let dir = TempDir::new("serve-ct");
    let a = FakeLog::rfc6962(Vec::new());
    let b = FakeLog::tiled(Vec::new());
    let conf = serve_conf(&dir, &[&a, &b]);
    let mut p = Proc::spawn(dir.path(), &["serve", "-c", &conf], &[], None);
    let port = served_port(&p);
    let (ta, tb) = (generate("a", 0..30), generate("b", 0..20));
    let client = python_client(&dir, &format!("ws://127.0.0.1:{port}/"), 50, "got1.jsonl");
    assert!(
        p.wait_stderr(" connected to ", WAIT),
        "no client: {}",
        p.stderr()
    );
    a.extend(entries_of(&ta));
    b.extend(entries_of(&tb));
    wait_child(client);
    let got = received(&dir, "got1.jsonl");
    assert_served(&got, &a, &ta, 0);
    assert_served(&got, &b, &tb, 0);
    wait_next(&p, &db_of(&dir), &a, 30);
    wait_next(&p, &db_of(&dir), &b, 20);
    let err = stop_ok(&mut p);
    assert!(err.contains("published=50"), "{err}");

    // While serve is down, both logs grow; the restart serves exactly the new entries.
    let (ta2, tb2) = (generate("c", 30..37), generate("d", 20..25));
    a.extend(entries_of(&ta2));
    b.extend(entries_of(&tb2));
    let mut p = Proc::spawn(
        dir.path(),
        &["serve", "-c", &conf, "--wait-clients", "1"],
        &[],
        None,
    );
    let port = served_port(&p);
    let client = python_client(&dir, &format!("ws://127.0.0.1:{port}/"), 12, "got2.jsonl");
    wait_child(client);
    let got = received(&dir, "got2.jsonl");
    assert_served(&got, &a, &ta2, 30);
    assert_served(&got, &b, &tb2, 20);
    wait_next(&p, &db_of(&dir), &a, 37);
    let err = stop_ok(&mut p);
    assert!(err.contains("published=12"), "{err}");
    // serve stores no rows, only positions.
    assert!(rows(&db_of(&dir), TABLE).is_empty());
}

/// Our monitor reading our serve (`ACTServer = ws://…/`) stores exactly the rows our
/// monitor reading the same logs itself (`ct://`) stores: what the rules must make of them.
#[test]
fn monitor_through_serve_stores_what_monitor_stores_from_the_logs() {
    let a = FakeLog::rfc6962(entries_of(&generate("m", 0..60)));
    let b = FakeLog::tiled(entries_of(&generate("n", 0..40)));
    let want: Vec<Want> = wants_of(&generate("m", 0..60))
        .into_iter()
        .chain(wants_of(&generate("n", 0..40)))
        .collect();

    let sdir = TempDir::new("serve-ct-server");
    let conf = serve_conf(&sdir, &[&a, &b]);
    let mut serve = Proc::spawn(
        sdir.path(),
        &["serve", "-c", &conf, "--wait-clients", "1"],
        &[],
        None,
    );
    let port = served_port(&serve);

    let mdir = TempDir::new("serve-ct-monitor");
    let mconf = Conf {
        servers: vec![format!("ws://127.0.0.1:{port}/")],
        ..Conf::default()
    }
    .write(&mdir);
    let t0 = now();
    let mut via_serve = Proc::monitor(&mdir, &mconf);
    wait_next(&serve, &db_of(&sdir), &a, 60);
    wait_next(&serve, &db_of(&sdir), &b, 40);
    let stored = |dir: &TempDir| rows(&db_of(dir), TABLE).len();
    assert!(
        wait_until(WAIT, || stored(&mdir) == want.len()),
        "{} rows of {}: {}",
        stored(&mdir),
        want.len(),
        via_serve.stderr()
    );
    let t1 = now();
    stop_ok(&mut via_serve);
    stop_ok(&mut serve);

    let ddir = TempDir::new("serve-ct-direct");
    let cfg = write_conf(&ddir, &[&a, &b], &beginning());
    let mut direct = Proc::monitor(&ddir, &cfg);
    wait_next(&direct, &db_of(&ddir), &a, 60);
    wait_next(&direct, &db_of(&ddir), &b, 40);
    let t2 = now();
    stop_ok(&mut direct);

    let mut direct_rows = rows(&db_of(&ddir), TABLE);
    let mut served_rows = rows(&db_of(&mdir), TABLE);
    let mut want = want;
    want.sort_by(|x, y| x.domain.cmp(&y.domain));
    direct_rows.sort_by(|x, y| x.domain.cmp(&y.domain));
    served_rows.sort_by(|x, y| x.domain.cmp(&y.domain));
    assert_rows(&direct_rows, &want, t0, t2);
    assert_rows(&served_rows, &want, t0, t1);
}

/// `monitor` in direct CT mode with a `[SERVE]` section reads the logs once for both: the
/// rows of the rules, and every entry to a certstream client.
#[test]
fn monitor_with_a_serve_section_stores_rows_and_feeds_clients() {
    let dir = TempDir::new("monitor-serves");
    let a = FakeLog::rfc6962(Vec::new());
    let conf = serve_conf(&dir, &[&a]);
    let t0 = now();
    let mut p = Proc::monitor(&dir, &conf);
    let port = served_port(&p);
    let tcs = generate("s", 0..35);
    let client = python_client(&dir, &format!("ws://127.0.0.1:{port}/"), 35, "got.jsonl");
    assert!(
        p.wait_stderr(" connected to ", WAIT),
        "no client: {}",
        p.stderr()
    );
    a.extend(entries_of(&tcs));
    wait_child(client);
    assert_served(&received(&dir, "got.jsonl"), &a, &tcs, 0);
    wait_next(&p, &db_of(&dir), &a, 35);
    let t1 = now();
    let err = stop_ok(&mut p);
    assert!(err.contains("published=35"), "{err}");
    assert_rows(&rows(&db_of(&dir), TABLE), &wants_of(&tcs), t0, t1);
}

/// `check-config --for serve` checks what `serve` reads besides `[SERVE]`: the CT logs,
/// the database of their positions; `--for monitor` checks a `[SERVE]` section when the
/// monitor has one.
#[test]
fn check_config_for_serve_checks_the_logs_and_monitor_checks_serve() {
    let dir = TempDir::new("serve-ct-check");
    let a = FakeLog::rfc6962(Vec::new());
    let conf = serve_conf(&dir, &[&a]);
    let out = run(
        dir.path(),
        &["check-config", "-c", &conf, "--for", "serve"],
        None,
    );
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    for key in [
        "SERVE.Listen = ",
        "CTLOGS.LogList = ",
        "CTLOGS.PollInterval = ",
        "DATABASE.DBFile = ",
        "SERVER.ACTServer = (not read by serve",
    ] {
        assert!(out.stdout.contains(key), "{key} in:\n{}", out.stdout);
    }
    let text = std::fs::read_to_string(dir.join(&conf)).unwrap();
    dir.write(
        &conf,
        text.replace("PollInterval = 0.2", "PollInterval = often"),
    );
    let out = run(
        dir.path(),
        &["check-config", "-c", &conf, "--for", "serve"],
        None,
    );
    assert_eq!(out.code, Some(2), "{}", out.stdout);
    assert!(
        out.stderr.contains("[CTLOGS] PollInterval"),
        "{}",
        out.stderr
    );

    dir.write(&conf, text + "ClientBuffer = lots\n");
    let out = run(
        dir.path(),
        &["check-config", "-c", &conf, "--for", "monitor"],
        None,
    );
    assert_eq!(out.code, Some(2), "{}", out.stdout);
    assert!(
        out.stderr.contains("[SERVE] ClientBuffer"),
        "{}",
        out.stderr
    );
}

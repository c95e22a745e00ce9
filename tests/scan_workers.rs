//! `certstreammonitor scan` end to end, the run as a whole: the worker pool (silent hosts
//! time out in parallel, two workers start), a monitor replaying into the same DB while a
//! scan runs, SIGTERM/SIGINT leaving marks and alert files consistent, and the `[LIMITS]`
//! thread limit shrinking the pool without losing a host. Helpers in
//! `common/scan_harness.rs`; the probe itself in `tests/scan.rs`.
//!
//! Nothing leaves 127.0.0.0/8: every name a scan could look up has a `[CONNECT] Resolve`
//! entry (also the names it must refuse to probe), and the proxies only tunnel to loopback.
//! Child processes run 12 hours away from UTC (`scan_harness::tz`), so a date taken from the
//! wrong clock shows.

mod common;
#[path = "common/scan_harness.rs"]
mod scan_harness;

use common::sites::*;
use common::{find, now, parse_iso, rows, Cert, Out, Proc, TempDir, DB, TABLE};
use scan_harness::*;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

fn spawn_scan(dir: &TempDir) -> Proc {
    Proc::spawn(dir.path(), &["scan", "-c", CONF], &[("TZ", tz().0)], None)
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

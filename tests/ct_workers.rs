//! Direct CT mode with several requests in flight per log (`[CTLOGS] Workers`), a request
//! rate limit (`MaxQPS`) and per-log `[CTLOG <url or description>]` sections: the real
//! binary against loopback logs (`common::ctlog`). Nothing here leaves 127.0.0.1.

mod common;

use common::ctlog::*;
use common::der::*;
use common::*;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const NB: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
const DAY: i64 = 86_400;

/// A v3 log list with no logs, dated now (so it is neither stale nor fetched).
fn empty_log_list() -> String {
    format!(
        r#"{{"version":"1","log_list_timestamp":"{}Z","operators":[]}}"#,
        iso(now())
    )
}

/// Write `test.conf` following `logs` from their beginning, `[CTLOGS]` extended by
/// `ctlogs` and followed by `extra` (per-log sections); returns its name.
fn write_conf(dir: &TempDir, logs: &[&FakeLog], ctlogs: &str, extra: &str) -> String {
    let conf = Conf {
        servers: vec!["ct://".into()],
        ..Conf::default()
    };
    let list = dir.write("loglist.json", empty_log_list());
    let items: Vec<String> = logs.iter().map(|l| l.logs_item()).collect();
    let text = format!(
        "{}\n[CTLOGS]\nLogList = {}\nLogs = {}\nPollInterval = 0.2\nStartAt = beginning\n{ctlogs}\n{extra}",
        conf.render(),
        list.display(),
        items.join(", ")
    );
    dir.write("test.conf", text);
    "test.conf".into()
}

fn db_of(dir: &TempDir) -> PathBuf {
    dir.join(DB)
}

/// The host of entry `i` of a log tagged `tag`; every 10th matches the default rules.
fn host(tag: &str, i: u64) -> String {
    if i % 10 == 3 {
        format!("paypal-login-{tag}{i:05}.example")
    } else {
        format!("{tag}{i:05}.example")
    }
}

fn entry(tag: &str, i: u64) -> Entry {
    let h = host(tag, i);
    let b = CertBuilder::new()
        .serial(&[0x03, 0x5A, 0x1F, 0x77, 0x20, 0xC4, 0x9E, 0x01, 0x42])
        .issuer_le("R3")
        .validity(NB, NB + 90 * DAY)
        .subject_cn(&h)
        .basic_constraints(false)
        .dns_names(&[&h, &format!("www-{tag}{i}.example")]);
    if i.is_multiple_of(3) {
        Entry::precert(&b)
    } else {
        Entry::x509(&b)
    }
}

fn entries(tag: &str, range: std::ops::Range<u64>) -> Vec<Entry> {
    range.map(|i| entry(tag, i)).collect()
}

/// The matching hosts of entries `range`, sorted.
fn matching(tag: &str, range: std::ops::Range<u64>) -> Vec<String> {
    let mut v: Vec<String> = range
        .filter(|i| i % 10 == 3)
        .map(|i| host(tag, i))
        .collect();
    v.sort();
    v
}

fn next_index(db: &Path, log: &FakeLog) -> Option<i64> {
    let c = open_rw(db)?;
    c.query_row(
        "SELECT NextIndex FROM CTLogState WHERE LogID = ?1",
        [log.log_id()],
        |r| r.get(0),
    )
    .ok()
}

fn wait_next(p: &Proc, db: &Path, log: &FakeLog, want: u64) {
    let ok = wait_until(WAIT * 2, || next_index(db, log) == Some(want as i64));
    assert!(
        ok,
        "NextIndex of {} is {:?}, expected {want}; stderr:\n{}",
        log.url(),
        next_index(db, log),
        p.stderr()
    );
}

fn sorted_domains(db: &Path) -> Vec<String> {
    let mut d = domains(db, TABLE);
    d.sort();
    d
}

/// Host of a stdout match line.
fn host_of(line: &str) -> String {
    split_match_line(line)
        .1
        .split(" (SAN: ")
        .next()
        .unwrap()
        .to_string()
}

/// Arrival times of the get-entries requests, in order.
fn entry_times(log: &FakeLog) -> Vec<Instant> {
    log.requests()
        .iter()
        .filter(|r| parse_get_entries(&r.path).is_some())
        .map(|r| r.at)
        .collect()
}

/// The most requests (of `times`, in order) that arrived within any window of `window`.
fn most_in_window(times: &[Instant], window: Duration) -> usize {
    let mut best = 0;
    let mut lo = 0;
    for hi in 0..times.len() {
        while times[hi].duration_since(times[lo]) >= window {
            lo += 1;
        }
        best = best.max(hi - lo + 1);
    }
    best
}

/// Whether two get-entries requests were in flight at once: a reader with one request in
/// flight sends the next only after the answer, which the log delays by `delay`.
fn overlapped(log: &FakeLog, delay: Duration) -> bool {
    entry_times(log)
        .windows(2)
        .any(|w| w[1].duration_since(w[0]) < delay / 2)
}

// ---------------------------------------------------------------------------------------
// 1. Keeping up with a slow, growing log

/// A log answering every request after 1 s and growing 200 entries/s. One request at a
/// time with a batch of 64 reads at most 64 entries/s and falls further behind every
/// second; 8 workers keep the backlog (log size minus `CTLogState.NextIndex`) bounded,
/// and every match is stored once.
#[test]
fn slow_log_growing_200_per_s_backlog_stays_bounded_with_workers() {
    let dir = TempDir::new("ctw-slow");
    const START: u64 = 1000;
    let log = FakeLog::rfc6962(entries("s", 0..START));
    log.state().delay = Duration::from_secs(1);
    let db = db_of(&dir);
    let cfg = write_conf(&dir, &[&log], "Workers = 8\nBatchSize = 64\n", "");
    // All the entries the log will ever have, built before the clock starts.
    const GROWTH_S: u64 = 16;
    let total = START + 200 * GROWTH_S;
    let later = entries("s", START..total);
    let mut p = Proc::monitor(&dir, &cfg);
    let mut backlogs = Vec::new();
    let t0 = Instant::now();
    let mut added = 0usize;
    // 20 entries every 100 ms; sample the backlog every 100 ms once the first 1000 are read.
    for chunk in later.chunks(20) {
        log.extend(chunk.iter().cloned());
        added += chunk.len();
        std::thread::sleep(Duration::from_millis(100));
        if t0.elapsed() >= Duration::from_secs(8) {
            let size = START + added as u64;
            let next = next_index(&db, &log).unwrap_or(0) as u64;
            backlogs.push(size.saturating_sub(next));
        }
    }
    let worst = backlogs.iter().copied().max().unwrap_or(u64::MAX);
    eprintln!(
        "backlog samples over the last {} s: worst {worst}, last {:?}",
        GROWTH_S - 8,
        backlogs.last()
    );
    // One batch of 64 per ~1 s would be thousands behind by now; 8 workers stay within a
    // few seconds of growth (generous: 1,200 entries = 6 s).
    assert!(
        worst <= 1200,
        "backlog grew to {worst} (samples {backlogs:?}); stderr:\n{}",
        p.stderr()
    );
    wait_next(&p, &db, &log, total);
    let st = p.stop();
    assert_eq!(st.code(), Some(0), "stderr:\n{}", p.stderr());
    assert_eq!(sorted_domains(&db), matching("s", 0..total));
    let mut printed: Vec<String> = p.stdout_lines().iter().map(|l| host_of(l)).collect();
    printed.sort();
    assert_eq!(printed, matching("s", 0..total), "stdout: each match once");
    assert!(overlapped(&log, Duration::from_secs(1)));
}

// ---------------------------------------------------------------------------------------
// 2. kill -9 with requests in flight

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

/// Four workers whose answers come back out of order (random extra delays); the monitor is
/// killed with SIGKILL at random moments and restarted: the rows always match the saved
/// position exactly, and across all runs every match is stored and printed exactly once.
#[test]
fn kill_9_with_workers_in_flight_stores_every_match_exactly_once() {
    let dir = TempDir::new("ctw-kill");
    const N: u64 = 3000;
    let log = FakeLog::rfc6962(entries("k", 0..N));
    let delay = Duration::from_millis(20);
    let mut rng = Rng::new();
    {
        let mut st = log.state();
        st.cap = 16;
        st.delay = delay;
        st.faults_only_for = Some("get-entries".into());
        st.faults = (0..4000)
            .map(|_| Fault::Slow(Duration::from_millis(rng.below(40))))
            .collect();
    }
    let db = db_of(&dir);
    let cfg = write_conf(&dir, &[&log], "Workers = 4\n", "");
    let mut printed: Vec<String> = Vec::new();
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
        assert!(ok, "round {round}: never reached {target}:\n{}", p.stderr());
        std::thread::sleep(Duration::from_millis(rng.below(40)));
        p.signal("KILL");
        let st = p.wait_exit(WAIT).expect("killed");
        assert_eq!(st.code(), None, "killed by a signal");
        printed.extend(
            p.stdout_lines()
                .iter()
                .filter(|l| l.ends_with(')'))
                .map(|l| host_of(l)),
        );
        let next = next_index(&db, &log).unwrap();
        assert!(next < N as i64, "round {round}: killed too late ({next})");
        assert!(next >= last_next, "position never moves back");
        let want = matching("k", 0..next as u64);
        assert_eq!(
            sorted_domains(&db),
            want,
            "round {round}: rows vs NextIndex {next}"
        );
        assert!(integrity_ok(&db));
        last_next = next;
    }
    let mut p = Proc::monitor(&dir, &cfg);
    wait_next(&p, &db, &log, N);
    let st = p.stop();
    assert_eq!(st.code(), Some(0), "stderr:\n{}", p.stderr());
    let stderr = p.stderr();
    assert_eq!(
        counter(&stderr, "already_known"),
        Some(0),
        "nothing committed was read again: {stderr}"
    );
    printed.extend(p.stdout_lines().iter().map(|l| host_of(l)));
    assert_eq!(sorted_domains(&db), matching("k", 0..N));
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for h in &printed {
        *counts.entry(h.as_str()).or_default() += 1;
    }
    assert!(
        counts.values().all(|&c| c == 1),
        "a match printed twice across restarts"
    );
    // Every printed host is a match; a kill -9 between a commit and its stdout lines can
    // cost those lines (the rows are in the DB, checked above), never print one twice.
    let all: BTreeSet<&str> = counts.keys().copied().collect();
    let want = matching("k", 0..N);
    assert!(
        all.iter().all(|h| want.iter().any(|w| w == h)),
        "printed a host that is not a match"
    );
    assert!(overlapped(&log, delay), "requests were in flight together");
}

// ---------------------------------------------------------------------------------------
// 3. Politeness: MaxQPS and the per-log section

/// `[CTLOG <url of A>] MaxQPS = 5`: log A never sees more than 10 requests in 2 s (plus
/// three for the edges of the window and a loaded machine), log B (same `[CTLOGS] Workers = 4`, no section) is
/// read as fast as it answers.
#[test]
fn max_qps_in_a_per_log_section_limits_that_log_only() {
    let dir = TempDir::new("ctw-qps");
    const N: u64 = 2000;
    let a = FakeLog::rfc6962(entries("a", 0..N));
    let b = FakeLog::rfc6962(entries("b", 0..N));
    for log in [&a, &b] {
        let mut st = log.state();
        st.cap = 8;
        st.delay = Duration::from_millis(20);
    }
    let db = db_of(&dir);
    let section = format!("[CTLOG {}]\nMaxQPS = 5\n", a.url());
    let cfg = write_conf(&dir, &[&a, &b], "Workers = 4\n", &section);
    let mut p = Proc::monitor(&dir, &cfg);
    wait_next(&p, &db, &b, N);
    let ok = wait_until(WAIT, || a.requests().len() >= 25);
    assert!(ok, "log A is read at all:\n{}", p.stderr());
    let st = p.stop();
    assert_eq!(st.code(), Some(0), "stderr:\n{}", p.stderr());
    let times = |log: &FakeLog| -> Vec<Instant> { log.requests().iter().map(|r| r.at).collect() };
    let (ta, tb) = (times(&a), times(&b));
    // Over 2 s, 5 requests/s is 10 (11 slots fit in a 2 s window); 2 more for a loaded machine.
    let most_a = most_in_window(&ta, Duration::from_secs(2));
    let most_b = most_in_window(&tb, Duration::from_secs(2));
    eprintln!(
        "most requests in 2 s: A {most_a} (of {}), B {most_b} (of {})",
        ta.len(),
        tb.len()
    );
    assert!(most_a <= 13, "log A: {most_a} requests within 2 s");
    assert!(most_b > 12, "log B is not limited: {most_b}");
    assert!(
        next_index(&db, &a).unwrap() < N as i64,
        "A is read at its pace"
    );
}

/// A per-log section naming no followed log is a warning naming the section; the logs it
/// does not name keep `[CTLOGS]`'s settings.
#[test]
fn ctlog_section_naming_no_log_is_warned_about() {
    let dir = TempDir::new("ctw-unmatched");
    let log = FakeLog::rfc6962(entries("u", 0..40));
    let db = db_of(&dir);
    let extra = "[CTLOG http://127.0.0.1:9/nolog/]\nWorkers = 2\n";
    let cfg = write_conf(&dir, &[&log], "", extra);
    let mut p = Proc::monitor(&dir, &cfg);
    wait_next(&p, &db, &log, 40);
    assert!(
        p.wait_stderr(
            "[CTLOG http://127.0.0.1:9/nolog/] names no followed log",
            WAIT
        ),
        "{}",
        p.stderr()
    );
    let st = p.stop();
    assert_eq!(st.code(), Some(0), "stderr:\n{}", p.stderr());
}

/// Bad values of the new keys, in `[CTLOGS]` and in a per-log section, stop the monitor at
/// startup with the file, section and key named.
#[test]
fn bad_workers_maxqps_and_section_values_name_the_key() {
    let dir = TempDir::new("ctw-conf");
    let log = FakeLog::rfc6962(Vec::new());
    let url = log.url();
    let cases: Vec<(String, String, String)> = vec![
        (
            "Workers = 0\n".into(),
            String::new(),
            "[CTLOGS] Workers".into(),
        ),
        (
            "Workers = 65\n".into(),
            String::new(),
            "[CTLOGS] Workers".into(),
        ),
        (
            "Workers = many\n".into(),
            String::new(),
            "[CTLOGS] Workers".into(),
        ),
        (
            "MaxQPS = -1\n".into(),
            String::new(),
            "[CTLOGS] MaxQPS".into(),
        ),
        (
            "MaxQPS = fast\n".into(),
            String::new(),
            "[CTLOGS] MaxQPS".into(),
        ),
        (
            "MaxQPS = inf\n".into(),
            String::new(),
            "[CTLOGS] MaxQPS".into(),
        ),
        (
            String::new(),
            format!("[CTLOG {url}]\nWorkers = 0\n"),
            format!("[CTLOG {url}] Workers"),
        ),
        (
            String::new(),
            format!("[CTLOG {url}]\nMaxQPS = NaN\n"),
            format!("[CTLOG {url}] MaxQPS"),
        ),
        (
            String::new(),
            format!("[CTLOG {url}]\nBatchSize = 0\n"),
            format!("[CTLOG {url}] BatchSize"),
        ),
        (
            String::new(),
            format!("[CTLOG {url}]\nWorker = 2\n"),
            format!("[CTLOG {url}] worker"),
        ),
        (
            String::new(),
            "[CTLOG ]\nWorkers = 2\n".into(),
            "[CTLOG ]".into(),
        ),
    ];
    for (ctlogs, extra, key) in &cases {
        let cfg = write_conf(&dir, &[&log], ctlogs, extra);
        let out = run(dir.path(), &["monitor", "-c", &cfg], None);
        assert_eq!(out.code, Some(2), "{ctlogs}{extra}: {}", out.stderr);
        assert!(
            out.stderr.contains(key.as_str()),
            "{ctlogs}{extra}: the error should name {key}: {}",
            out.stderr
        );
        let whole_section = extra.starts_with("[CTLOG ]");
        assert!(
            out.stderr.contains("test.conf, line ") || whole_section,
            "{}",
            out.stderr
        );
        assert!(
            !dir.join(DB).exists(),
            "config checked before the DB is created"
        );
    }
}

/// A tiled log (even with `Workers = 4`) asks for a partial tile once per checkpoint size:
/// polls that find the same checkpoint ask for no tile, growth asks for the wider one once.
/// (Guards what main already did; the workers must not change it.)
#[test]
fn partial_tile_is_asked_for_once_per_checkpoint_size() {
    let dir = TempDir::new("ctw-partial");
    let log = FakeLog::tiled(entries("p", 0..300));
    let db = db_of(&dir);
    let cfg = write_conf(&dir, &[&log], "Workers = 4\n", "");
    let mut p = Proc::monitor(&dir, &cfg);
    wait_next(&p, &db, &log, 300);
    // Several polls (PollInterval = 0.2) of an unchanged checkpoint.
    let polls = log.hits("checkpoint");
    assert!(wait_until(WAIT, || log.hits("checkpoint") >= polls + 5));
    log.extend(entries("p", 300..310));
    wait_next(&p, &db, &log, 310);
    let polls = log.hits("checkpoint");
    assert!(wait_until(WAIT, || log.hits("checkpoint") >= polls + 5));
    let st = p.stop();
    assert_eq!(st.code(), Some(0), "stderr:\n{}", p.stderr());
    assert_eq!(sorted_domains(&db), matching("p", 0..310));
    // Workers ask for tiles 0 and 1 at once: their order is not fixed.
    let mut tiles: Vec<String> = log.tile_requests().into_iter().map(|r| r.path).collect();
    tiles.sort();
    assert_eq!(
        tiles,
        vec![
            data_tile_path(0, 256),
            data_tile_path(1, 44),
            data_tile_path(1, 54)
        ],
        "each tile once"
    );
}

/// A 429 with `Retry-After: 2` to one worker pauses every worker of that log: no request
/// reaches the log for the next 2 s (checked well inside: 0.5 s to 1.5 s after it).
#[test]
fn retry_after_pauses_every_worker_of_the_log() {
    let dir = TempDir::new("ctw-429");
    const N: u64 = 600;
    let log = FakeLog::rfc6962(entries("r", 0..N));
    let delay = Duration::from_millis(50);
    {
        let mut st = log.state();
        st.cap = 8;
        st.delay = delay;
        st.faults_only_for = Some("get-entries".into());
        let mut faults = vec![Fault::Slow(Duration::ZERO); 12];
        faults.push(Fault::TooMany(Some(2)));
        st.faults = faults.into();
    }
    let db = db_of(&dir);
    let cfg = write_conf(&dir, &[&log], "Workers = 4\n", "");
    let mut p = Proc::monitor(&dir, &cfg);
    wait_next(&p, &db, &log, N);
    let st = p.stop();
    assert_eq!(st.code(), Some(0), "stderr:\n{}", p.stderr());
    assert_eq!(sorted_domains(&db), matching("r", 0..N));
    let reqs = log.requests();
    let limited = reqs
        .iter()
        .find(|r| r.status == 429)
        .expect("the 429 was served")
        .at;
    let paused: Vec<&str> = reqs
        .iter()
        .filter(|r| {
            r.at > limited + Duration::from_millis(500)
                && r.at < limited + Duration::from_millis(1500)
        })
        .map(|r| r.path.as_str())
        .collect();
    assert!(paused.is_empty(), "requests during Retry-After: {paused:?}");
    assert!(p.stderr().contains("rate limited; retrying in 2.0 s"));
    assert!(overlapped(&log, delay), "requests were in flight together");
}

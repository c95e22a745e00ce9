//! Stall alarms (`[HEALTH] StallAfter`, `[HEALTH] Command`) against loopback sources that
//! stall: a CT log that grows while its get-entries keeps failing ("behind"), a log that
//! answers only 500 ("errors"), a certstream server that connects and then sends nothing
//! but heartbeats ("silent"). Each stall gives one WARNING and one hook run, its recovery
//! one INFO and one more hook run; a long stall is not warned about again.
//!
//! Every server listens on 127.0.0.1 and is started here.

mod common;
#[path = "common/ct_harness.rs"]
mod ct_harness;

use common::ctlog::*;
use common::*;
use ct_harness::*;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The hook: a shell script (run as `/bin/sh hook.sh`, no shell in between on our side)
/// appending its `CSM_*` environment to `hook.out`, one block per run.
fn hook_section(dir: &TempDir) -> String {
    let out = dir.join("hook.out");
    let script = dir.write(
        "hook.sh",
        format!(
            "{{ env | grep '^CSM_' | sort; echo ---; }} >> '{}'\n",
            out.display()
        ),
    );
    format!(
        "\n[HEALTH]\nStallAfter = 1\nCommand = /bin/sh {}\n",
        script.display()
    )
}

/// The hook runs so far, each its `CSM_*` variables.
fn hook_runs(dir: &TempDir) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(dir.join("hook.out")).unwrap_or_default();
    text.split("---\n")
        .filter(|b| !b.trim().is_empty())
        .map(|b| {
            b.lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn count(stderr: &str, level: &str, needle: &str) -> usize {
    stderr
        .lines()
        .filter(|l| l.contains(level) && l.contains(needle))
        .count()
}

#[test]
fn ct_log_behind_then_healed_warns_once_and_runs_the_hook_twice() {
    let dir = TempDir::new("health-behind");
    let tcs = generate("hb", 0..20);
    let log = FakeLog::rfc6962(entries_of(&tcs));
    {
        let mut st = log.state();
        st.faults_only_for = Some("get-entries".into());
        st.faults = std::iter::repeat_n(Fault::ServerError, 100_000).collect();
    }
    let cfg = write_conf(&dir, &[&log], &beginning());
    let mut text = std::fs::read_to_string(dir.join(&cfg)).unwrap();
    text += &hook_section(&dir);
    dir.write(&cfg, text);
    let mut p = Proc::monitor(&dir, &cfg);
    assert!(
        p.wait_stderr("stalled: behind", WAIT),
        "no stall warning; stderr:\n{}",
        p.stderr()
    );
    // The tree keeps growing while reading fails: still one warning, one hook run.
    log.extend(entries_of(&generate("hb", 20..25)));
    std::thread::sleep(Duration::from_secs(2));
    assert!(wait_until(WAIT, || hook_runs(&dir).len() == 1));
    let stderr = p.stderr();
    assert_eq!(
        count(&stderr, "WARNING", "stalled:"),
        1,
        "one warning for a long stall:\n{stderr}"
    );
    let runs = hook_runs(&dir);
    let run = &runs[0];
    assert_eq!(run.get("CSM_EVENT").map(String::as_str), Some("stalled"));
    assert_eq!(
        run.get("CSM_HEALTH_SUBJECT").map(String::as_str),
        Some("ctlog")
    );
    assert_eq!(
        run.get("CSM_HEALTH_REASON").map(String::as_str),
        Some("behind")
    );
    assert_eq!(run.get("CSM_HEALTH_URL"), Some(&log.url()));
    assert!(!run["CSM_HEALTH_DESCRIPTION"].is_empty(), "{run:?}");
    let since = &run["CSM_HEALTH_SINCE"];
    assert!(
        since.ends_with('Z') && parse_iso(since.trim_end_matches('Z')).is_some(),
        "{run:?}"
    );
    assert!(run["CSM_BODY"].contains("tree size"), "{run:?}");

    // Healed: the entries are read, the stall ends.
    log.state().faults.clear();
    wait_next(&p, &db_of(&dir), &log, 25);
    assert!(
        p.wait_stderr("recovered", WAIT),
        "no recovery; stderr:\n{}",
        p.stderr()
    );
    assert!(wait_until(WAIT, || hook_runs(&dir).len() == 2));
    let runs = hook_runs(&dir);
    assert_eq!(
        runs[1].get("CSM_EVENT").map(String::as_str),
        Some("recovered")
    );
    assert_eq!(runs[1].get("CSM_HEALTH_SINCE"), run.get("CSM_HEALTH_SINCE"));
    stop_ok(&mut p);
    let stderr = p.stderr();
    assert_eq!(count(&stderr, "WARNING", "stalled:"), 1, "{stderr}");
    assert_eq!(count(&stderr, "INFO", "recovered"), 1, "{stderr}");
    assert_eq!(hook_runs(&dir).len(), 2);
}

/// A dead log (every answer 500), its URL with credentials: "errors", named without them
/// in the warning and in the hook's environment.
#[test]
fn ct_log_answering_only_errors_is_a_stall() {
    const PASS: &str = "hPASS!word";
    const PASS_PCT: &str = "hPASS%21word";
    let dir = TempDir::new("health-errors");
    let log = FakeLog::rfc6962(entries_of(&generate("he", 0..3)));
    log.state().always_500 = true;
    let with_creds = log.url().replace(
        "http://",
        &format!("http://ctuser:{}@", PASS_PCT.replace('%', "%%")),
    );
    let mut text = ct_conf_text(&dir, &[with_creds], &beginning());
    text += &hook_section(&dir).replace("hook.sh\n", "hook.sh --token=HOOKTOKEN8642\n");
    dir.write("test.conf", text);
    let mut p = Proc::monitor(&dir, "test.conf");
    assert!(
        p.wait_stderr("stalled: errors", WAIT),
        "no stall warning; stderr:\n{}",
        p.stderr()
    );
    std::thread::sleep(Duration::from_secs(3));
    log.state().always_500 = false;
    wait_next(&p, &db_of(&dir), &log, 3);
    assert!(p.wait_stderr("recovered", WAIT), "{}", p.stderr());
    assert!(wait_until(WAIT, || hook_runs(&dir).len() == 2));
    stop_ok(&mut p);
    let stderr = p.stderr();
    assert_eq!(count(&stderr, "WARNING", "stalled:"), 1, "{stderr}");
    let warning = stderr.lines().find(|l| l.contains("stalled:")).unwrap();
    assert!(warning.contains("127.0.0.1"), "{warning}");
    assert!(warning.contains("HTTP 500"), "{warning}");
    let runs = hook_runs(&dir);
    assert_eq!(
        runs[0].get("CSM_HEALTH_REASON").map(String::as_str),
        Some("errors")
    );
    assert!(runs[0]["CSM_HEALTH_URL"].contains("127.0.0.1"), "{runs:?}");
    let hook_env = format!("{runs:?}");
    for s in [PASS, PASS_PCT, "HOOKTOKEN8642"] {
        assert!(!stderr.contains(s), "{s:?} in stderr:\n{stderr}");
        assert!(
            !hook_env.contains(s),
            "{s:?} in the hook's environment: {hook_env}"
        );
    }
}

#[test]
fn certstream_connected_but_silent_then_flowing() {
    let dir = TempDir::new("health-silent");
    let flowing = Arc::new(AtomicBool::new(false));
    let server = silent_then_flowing_feed(flowing.clone());
    let conf = Conf {
        servers: vec![server.url()],
        ..Conf::default()
    };
    let cfg = conf.write(&dir);
    let mut text = std::fs::read_to_string(dir.join(&cfg)).unwrap();
    text += &hook_section(&dir);
    dir.write(&cfg, text);
    let mut p = Proc::monitor(&dir, &cfg);
    assert!(
        p.wait_stderr("stalled: silent", WAIT),
        "no stall warning; stderr:\n{}",
        p.stderr()
    );
    std::thread::sleep(Duration::from_secs(3));
    let stderr = p.stderr();
    assert_eq!(count(&stderr, "WARNING", "stalled:"), 1, "{stderr}");
    let warning = stderr.lines().find(|l| l.contains("stalled:")).unwrap();
    assert!(warning.contains("connected, nothing flowing"), "{warning}");
    assert!(wait_until(WAIT, || hook_runs(&dir).len() == 1));
    let run = &hook_runs(&dir)[0];
    assert_eq!(
        run.get("CSM_HEALTH_SUBJECT").map(String::as_str),
        Some("certstream")
    );
    assert_eq!(
        run.get("CSM_HEALTH_REASON").map(String::as_str),
        Some("silent")
    );
    assert_eq!(run.get("CSM_HEALTH_URL"), Some(&server.url()));

    flowing.store(true, Ordering::SeqCst);
    assert!(p.wait_stderr("recovered", WAIT), "{}", p.stderr());
    assert!(wait_until(WAIT, || hook_runs(&dir).len() == 2));
    assert_eq!(
        hook_runs(&dir)[1].get("CSM_EVENT").map(String::as_str),
        Some("recovered")
    );
    p.stop();
    let stderr = p.stderr();
    assert_eq!(count(&stderr, "WARNING", "stalled:"), 1, "{stderr}");
    assert_eq!(count(&stderr, "INFO", "recovered"), 1, "{stderr}");
}

/// `--replay` from a pipe that stays open and silent: a file does not stall, no alarm.
#[test]
fn replay_has_no_stall_alarm() {
    let dir = TempDir::new("health-replay");
    let cfg = Conf::default().write(&dir);
    let mut text = std::fs::read_to_string(dir.join(&cfg)).unwrap();
    text += &hook_section(&dir);
    dir.write(&cfg, text);
    let fifo = dir.join("feed.fifo");
    let st = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(st.success());
    let mut p = Proc::spawn(
        dir.path(),
        &["monitor", "-c", &cfg, "--replay", "feed.fifo"],
        &[],
        None,
    );
    // The writer end, held open with nothing written for 3 StallAfter.
    let writer = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    std::thread::sleep(Duration::from_secs(3));
    assert!(p.running(), "{}", p.stderr());
    drop(writer);
    assert_eq!(
        p.wait_exit(WAIT).and_then(|s| s.code()),
        Some(0),
        "{}",
        p.stderr()
    );
    let stderr = p.stderr();
    assert!(!stderr.contains("stalled"), "{stderr}");
    assert!(hook_runs(&dir).is_empty());
}

//! `[METRICS]`: `monitor`'s `/metrics` (replay, a loopback certstream feed that drops its
//! connection, loopback CT logs, one of them named by a hostile log list and one with
//! credentials in its URL) and `scan`'s `[METRICS] TextFile`, read with the real
//! exposition-format parser of `prometheus_client` (PyPI, pinned in tests/requirements.txt,
//! in the venv of `common/apprise.rs`); `check-config` showing and checking the keys.
//! Every server is on 127.0.0.1; the listener is bound to 127.0.0.1 port 0 and its port
//! read from the monitor's log line.

mod common;
#[path = "common/ct_harness.rs"]
mod ct_harness;
#[path = "common/scan_harness.rs"]
mod scan_harness;

use common::certstream_feed::MessageGenerator;
use common::ctlog::*;
use common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

// ---------------------------------------------------------------------------------------
// Reading /metrics

#[derive(Debug, Clone)]
struct Sample {
    kind: String,
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// `text` through `prometheus_client.parser.text_string_to_metric_families`; panics with
/// the parser's error when it refuses the text.
fn parse(text: &str) -> Vec<Sample> {
    const SCRIPT: &str = r#"
import sys, json
from prometheus_client.parser import text_string_to_metric_families
out = []
for fam in text_string_to_metric_families(sys.stdin.read()):
    for s in fam.samples:
        out.append({"type": fam.type, "name": s.name,
                    "labels": s.labels, "value": s.value})
print(json.dumps(out))
"#;
    let mut child = Command::new(common::apprise::venv().join("bin/python"))
        .args(["-c", SCRIPT])
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the venv's python");
    let mut stdin = child.stdin.take().unwrap();
    let input = text.to_string();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(
        out.status.success(),
        "prometheus_client refused the exposition:\n{}\n--- text ---\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    v.into_iter()
        .map(|s| Sample {
            kind: s["type"].as_str().unwrap().into(),
            name: s["name"].as_str().unwrap().into(),
            labels: s["labels"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                .collect(),
            value: s["value"].as_f64().unwrap(),
        })
        .collect()
}

/// One HTTP/1.1 request to 127.0.0.1:`port`; the status line, headers and body.
fn http(port: u16, request: &str) -> (String, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8(raw).expect("UTF-8 answer");
    let (head, body) = raw.split_once("\r\n\r\n").expect("a head");
    let (status, headers) = head.split_once("\r\n").unwrap_or((head, ""));
    (status.into(), headers.into(), body.into())
}

/// GET /metrics: the raw text (checked to be a 200 of the text format 0.0.4) and its samples.
fn scrape(port: u16) -> (String, Vec<Sample>) {
    // The venv first: made on first use (a minute of pip when tests/requirements.txt
    // changed), it must not age the answer a waiting test is judging.
    common::apprise::venv();
    let (status, headers, body) = http(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(
        headers
            .lines()
            .any(|l| l == "Content-Type: text/plain; version=0.0.4; charset=utf-8"),
        "{headers}"
    );
    let samples = parse(&body);
    (body, samples)
}

/// The value of the sample `name` with exactly `labels`.
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let want: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    samples
        .iter()
        .find(|s| s.name == name && s.labels == want)
        .map(|s| s.value)
}

fn must(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    value(samples, name, labels).unwrap_or_else(|| panic!("no {name} {labels:?} in {samples:#?}"))
}

/// The port of `[METRICS] Listen = 127.0.0.1:0`, from the monitor's log line.
fn metrics_port(p: &Proc) -> u16 {
    p.logged_port("serving Prometheus metrics on http://127.0.0.1:")
}

const LISTEN: &str = "\n[METRICS]\nListen = 127.0.0.1:0\n";

/// The totals the monitor logs in its `stopped:` line and the families showing them.
const TOTALS: &[(&str, &str)] = &[
    ("messages", "certstreammonitor_messages_total"),
    ("certificates", "certstreammonitor_certificates_total"),
    ("names", "certstreammonitor_names_total"),
    ("matches", "certstreammonitor_matches_total"),
    ("stored", "certstreammonitor_stored_total"),
    ("already_known", "certstreammonitor_already_known_total"),
    ("below_threshold", "certstreammonitor_below_threshold_total"),
    ("blacklisted", "certstreammonitor_blacklisted_total"),
    ("malformed", "certstreammonitor_malformed_total"),
    ("rejected", "certstreammonitor_rejected_total"),
    ("stalls", "certstreammonitor_matcher_stalls_total"),
    ("db_errors", "certstreammonitor_db_errors_total"),
];

fn assert_totals_match_stop_line(samples: &[Sample], stderr: &str) {
    for (key, family) in TOTALS {
        let logged = counter(stderr, key).unwrap_or_else(|| panic!("{key} in\n{stderr}"));
        assert_eq!(must(samples, family, &[]), logged as f64, "{family}");
        let s = samples.iter().find(|s| s.name == *family).unwrap();
        assert_eq!(s.kind, "counter", "{family}");
    }
}

// ---------------------------------------------------------------------------------------
// monitor, certstream

#[test]
fn certstream_totals_lookalikes_and_reconnects() {
    let dir = TempDir::new("metrics-certstream");
    // The generated feed (about 1 % of it matches), hand-made lookalikes of paypal, a
    // blacklisted name, a heartbeat and a malformed message.
    let mut feed = MessageGenerator::new(false);
    let mut first: Vec<String> = (0..150).map(|_| feed.next_message()).collect();
    first.push(Cert::new(&["paypa1-account.example", "xn--pypal-4ve.example"]).lite());
    first.push(Cert::new(&["paypl.example", "mypaypalhelp.example"]).lite());
    first.push(Cert::new(&["secure-login.example.net", "www.paypal.com"]).lite());
    first.push(heartbeat());
    first.push("{not json".into());
    let second: Vec<String> = (0..50)
        .map(|_| feed.next_message())
        .chain([Cert::new(&["pay-pal.example", "paypal-login.example.org"]).lite()])
        .collect();
    let sent = (first.len() + second.len()) as f64;
    let server = WsServer::start(move |i, ws, ctl| {
        if i == 0 {
            // Sent, then the connection is dropped: the client must reconnect.
            send_all(ws, &first);
            std::thread::sleep(Duration::from_millis(300));
            return;
        }
        if i == 1 {
            send_all(ws, &second);
        }
        hold(ws, ctl);
    });
    let mut conf = Conf {
        servers: vec![server.url()],
        ..Conf::default()
    }
    .render();
    conf += "\n[LOOKALIKE]\nEnabled = yes\nBrands = paypal\n";
    conf += LISTEN;
    dir.write("test.conf", conf);
    let t0 = now();
    let mut p = Proc::spawn(
        dir.path(),
        &["monitor", "-c", "test.conf", "--json"],
        &[],
        None,
    );
    let port = metrics_port(&p);
    let mut samples = Vec::new();
    let done = wait_until(WAIT, || {
        samples = scrape(port).1;
        value(&samples, "certstreammonitor_messages_total", &[]) == Some(sent)
            && value(&samples, "certstreammonitor_certstream_up", &[]) == Some(1.0)
    });
    assert!(done, "{samples:#?}\nstderr:\n{}", p.stderr());
    let (text, samples) = scrape(port);
    let t1 = now();

    // Connection figures: two connections, one lost, up now, a recent last message.
    assert_eq!(
        must(
            &samples,
            "certstreammonitor_certstream_connections_total",
            &[]
        ),
        2.0
    );
    assert_eq!(
        must(
            &samples,
            "certstreammonitor_certstream_disconnects_total",
            &[]
        ),
        1.0
    );
    assert!(server.accepts() == 2);
    for name in [
        "certstreammonitor_certstream_last_message_timestamp_seconds",
        "certstreammonitor_last_certificate_timestamp_seconds",
    ] {
        let t = must(&samples, name, &[]);
        assert!(t >= t0 as f64 && t <= t1 as f64 + 1.0, "{name} = {t}");
    }
    // Rows stored, and lookalikes by technique as the stdout JSON lines name them.
    let rows = rows(&dir.join(DB), TABLE);
    assert_eq!(
        must(&samples, "certstreammonitor_stored_total", &[]),
        rows.len() as f64
    );
    let mut techniques: BTreeMap<String, f64> = BTreeMap::new();
    for line in p.stdout_lines() {
        let v: Value = serde_json::from_str(&line).unwrap();
        if let Some(t) = v["Lookalike"]["Technique"].as_str() {
            *techniques.entry(t.into()).or_default() += 1.0;
        }
    }
    assert!(techniques.len() >= 3, "{techniques:?}");
    for t in [
        "idn-homoglyph",
        "ascii-homoglyph",
        "typo",
        "split",
        "contains",
    ] {
        assert_eq!(
            must(
                &samples,
                "certstreammonitor_lookalike_hits_total",
                &[("technique", t)]
            ),
            techniques.get(t).copied().unwrap_or(0.0),
            "{t}: stdout says {techniques:?}"
        );
    }
    assert!(must(&samples, "certstreammonitor_malformed_total", &[]) >= 1.0);
    assert!(must(&samples, "certstreammonitor_blacklisted_total", &[]) >= 1.0);
    let info = samples
        .iter()
        .find(|s| s.name == "certstreammonitor_build_info")
        .unwrap();
    assert_eq!(info.value, 1.0);
    assert_eq!(info.labels["version"], env!("CARGO_PKG_VERSION"));
    // HELP and TYPE once per family.
    for s in &samples {
        let help = format!("# HELP {} ", s.name);
        let family_lines = text.lines().filter(|l| l.starts_with(&help)).count();
        if s.kind == "counter" {
            assert_eq!(family_lines, 1, "{}", s.name);
        }
    }
    assert!(!text.contains("certstreammonitor_ctlog_"), "{text}");

    // Other paths and methods.
    assert_eq!(
        http(port, "GET / HTTP/1.1\r\n\r\n").0,
        "HTTP/1.1 404 Not Found"
    );
    assert_eq!(
        http(port, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n").0,
        "HTTP/1.1 405 Method Not Allowed"
    );
    let stderr = stop_and_stderr(&mut p);
    assert_totals_match_stop_line(&samples, &stderr);
}

fn stop_and_stderr(p: &mut Proc) -> String {
    let st = p.stop();
    assert_eq!(st.code(), Some(0), "stderr:\n{}", p.stderr());
    p.stderr()
}

// ---------------------------------------------------------------------------------------
// monitor, replay

#[test]
fn replay_from_a_pipe_is_counted_while_it_runs() {
    let dir = TempDir::new("metrics-replay");
    let fifo = dir.join("feed.fifo");
    let st = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(st.success());
    let mut conf = Conf::default().render();
    conf += LISTEN;
    dir.write("test.conf", conf);
    let mut p = Proc::spawn(
        dir.path(),
        &["monitor", "-c", "test.conf", "--replay", "feed.fifo"],
        &[],
        None,
    );
    let port = metrics_port(&p);
    // The monitor waits for a writer; the listener already answers.
    assert_eq!(
        must(&scrape(port).1, "certstreammonitor_certificates_total", &[]),
        0.0
    );
    let mut w = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    let mut feed = MessageGenerator::new(true);
    let mut lines = String::new();
    for _ in 0..120 {
        lines += &feed.next_message();
        lines.push('\n');
    }
    lines += &Cert::new(&["paypal-login.replay.example"]).lite();
    lines.push('\n');
    w.write_all(lines.as_bytes()).unwrap();
    w.flush().unwrap();
    let mut samples = Vec::new();
    let done = wait_until(WAIT, || {
        samples = scrape(port).1;
        value(&samples, "certstreammonitor_certificates_total", &[]) == Some(121.0)
    });
    assert!(done, "{samples:#?}\nstderr:\n{}", p.stderr());
    let stored = rows(&dir.join(DB), TABLE).len();
    assert!(stored >= 1);
    assert_eq!(
        must(&samples, "certstreammonitor_stored_total", &[]),
        stored as f64
    );
    assert_eq!(
        must(&samples, "certstreammonitor_messages_total", &[]),
        121.0
    );
    assert!(
        value(&samples, "certstreammonitor_certstream_up", &[]).is_none(),
        "no certstream figures in replay mode"
    );
    drop(w);
    let st = p.wait_exit(WAIT).expect("the replay ends with its input");
    assert_eq!(st.code(), Some(0), "{}", p.stderr());
    assert_totals_match_stop_line(&samples, &p.stderr());
}

// ---------------------------------------------------------------------------------------
// monitor, direct CT

/// Kept by hostile log lists: quotes, a backslash and a line feed in a description.
const HOSTILE: &str = "Evil \"log\" \\ with\nsecond line";

#[test]
fn ct_log_figures_hostile_descriptions_and_no_credentials() {
    let dir = TempDir::new("metrics-ct");
    let listed = FakeLog::rfc6962(ct_harness::entries_of(&ct_harness::generate("m", 0..20)));
    let adhoc = FakeLog::rfc6962(ct_harness::entries_of(&ct_harness::generate("n", 0..5)));
    let mut list: Value = serde_json::from_str(&log_list_json(&[&listed])).unwrap();
    list["operators"][0]["logs"][0]["description"] = HOSTILE.into();
    let list_path = dir.write("list.json", list.to_string());
    let secret_url = format!("http://metricsuser:S3cretPw9@127.0.0.1:{}/log/", adhoc.port);
    let masked_url = format!("http://***@127.0.0.1:{}/log/", adhoc.port);
    let mut conf = Conf {
        servers: vec!["ct://".into()],
        ..Conf::default()
    }
    .render();
    conf += &format!(
        "\n[CTLOGS]\nLogList = {}\nLogs = {}, {secret_url}\nPollInterval = 0.2\nStartAt = beginning\n",
        list_path.display(),
        listed.url()
    );
    conf += LISTEN;
    dir.write("test.conf", conf);
    let t0 = now();
    let mut p = Proc::monitor(&dir, "test.conf");
    let port = metrics_port(&p);
    let listed_labels = [("url", listed.url()), ("description", HOSTILE.to_string())];
    let adhoc_labels = [
        ("url", masked_url.clone()),
        ("description", masked_url.clone()),
    ];
    let labels = |l: &[(&'static str, String); 2]| -> Vec<(&'static str, String)> { l.to_vec() };
    let get = |samples: &[Sample], name: &str, l: &[(&'static str, String)]| {
        let l: Vec<(&str, &str)> = l.iter().map(|(k, v)| (*k, v.as_str())).collect();
        value(samples, name, &l)
    };
    let mut samples = Vec::new();
    let mut text = String::new();
    let caught_up = |want_listed: f64, samples: &mut Vec<Sample>, text: &mut String| {
        wait_until(WAIT, || {
            (*text, *samples) = scrape(port);
            get(
                samples,
                "certstreammonitor_ctlog_next_index",
                &labels(&listed_labels),
            ) == Some(want_listed)
                && get(
                    samples,
                    "certstreammonitor_ctlog_next_index",
                    &labels(&adhoc_labels),
                ) == Some(5.0)
        })
    };
    assert!(
        caught_up(20.0, &mut samples, &mut text),
        "{text}\nstderr:\n{}",
        p.stderr()
    );
    // The log grows: the figures follow.
    listed.extend(ct_harness::entries_of(&ct_harness::generate("m", 20..30)));
    assert!(
        caught_up(30.0, &mut samples, &mut text),
        "{text}\nstderr:\n{}",
        p.stderr()
    );
    let t1 = now();
    for (l, size) in [(&listed_labels, 30.0), (&adhoc_labels, 5.0)] {
        let l = labels(l);
        let g =
            |name: &str| get(&samples, name, &l).unwrap_or_else(|| panic!("{name} {l:?}\n{text}"));
        assert_eq!(g("certstreammonitor_ctlog_tree_size"), size);
        assert_eq!(g("certstreammonitor_ctlog_backlog"), 0.0);
        assert_eq!(g("certstreammonitor_ctlog_entries_total"), size);
        assert!(g("certstreammonitor_ctlog_entries_per_second") >= 0.0);
        let t = g("certstreammonitor_ctlog_last_success_timestamp_seconds");
        assert!(t >= t0 as f64 && t <= t1 as f64 + 1.0, "last success {t}");
        for kind in ["fetch", "malformed", "misbehaving", "bad_chain"] {
            let mut with_kind = l.clone();
            with_kind.push(("kind", kind.to_string()));
            assert_eq!(
                get(&samples, "certstreammonitor_ctlog_errors_total", &with_kind),
                Some(0.0),
                "{kind}\n{text}"
            );
        }
    }
    // The DB agrees with the figures.
    let positions: Vec<(Option<String>, i64)> = ct_harness::ct_rows(&dir.join(DB))
        .into_iter()
        .map(|r| (r.url, r.next))
        .collect();
    assert!(
        positions.contains(&(Some(listed.url()), 30)),
        "{positions:?}"
    );
    assert!(
        positions.contains(&(Some(masked_url.clone()), 5)),
        "{positions:?}"
    );
    assert_eq!(
        must(&samples, "certstreammonitor_messages_total", &[]),
        35.0
    );
    assert_eq!(
        must(&samples, "certstreammonitor_stored_total", &[]),
        rows(&dir.join(DB), TABLE).len() as f64
    );
    // Credentials never shown; the raw text escapes what the parser read back.
    for secret in ["S3cretPw9", "metricsuser"] {
        assert!(!text.contains(secret), "{secret} in\n{text}");
    }
    assert!(
        text.contains(r#"description="Evil \"log\" \\ with\nsecond line""#),
        "{text}"
    );
    assert!(!text.contains("certstreammonitor_certstream_"), "{text}");
    let stderr = stop_and_stderr(&mut p);
    assert_totals_match_stop_line(&samples, &stderr);
}

// ---------------------------------------------------------------------------------------
// Startup errors and check-config

#[test]
fn listen_errors_name_the_key_and_address() {
    let dir = TempDir::new("metrics-errors");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    for (value, needle) in [
        (addr.to_string(), format!("cannot listen on {addr}")),
        (
            "localhost:9464".to_string(),
            "\"localhost:9464\"".to_string(),
        ),
    ] {
        let mut conf = Conf::default().render();
        conf += &format!("\n[METRICS]\nListen = {value}\n");
        dir.write("test.conf", &conf);
        let line = line_of(&conf, "Listen");
        let out = run_within(
            dir.path(),
            &["monitor", "-c", "test.conf", "--replay", "/dev/null"],
            &[],
            None,
            WAIT,
        );
        assert_eq!(out.code, Some(2), "{value}: {}", out.stderr);
        for part in [
            format!("test.conf, line {line}:"),
            "[METRICS]".to_string(),
            "Listen".to_string(),
            needle,
        ] {
            assert!(out.stderr.contains(&part), "{part} not in {}", out.stderr);
        }
    }
    drop(taken);
}

#[test]
fn check_config_shows_and_checks_metrics_keys() {
    let dir = TempDir::new("metrics-check-config");
    std::fs::create_dir_all(dir.join("prom")).unwrap();
    std::fs::create_dir_all(dir.join("alerts")).unwrap();
    let mut conf = Conf::default().render();
    conf += "\n[REPORTING]\nAlerts_dir = alerts\n";
    conf += "\n[METRICS]\nListen = 127.0.0.1:9464\nTextFile = prom/scan.prom\n";
    dir.write("test.conf", &conf);
    let out = run(
        dir.path(),
        &["check-config", "-c", "test.conf", "--for", "monitor"],
        None,
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stdout
            .lines()
            .any(|l| l == "METRICS.Listen = 127.0.0.1:9464 (GET /metrics)"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("METRICS.TextFile"), "{}", out.stdout);
    let out = run(
        dir.path(),
        &["check-config", "-c", "test.conf", "--for", "scan"],
        None,
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stdout
            .lines()
            .any(|l| l == "METRICS.TextFile = prom/scan.prom (directory writable)"),
        "{}",
        out.stdout
    );
    // Each mistake names the key.
    for (key, value, needle) in [
        ("Listen", "9464", "\"9464\""),
        ("TextFile", "prom", "is a directory"),
    ] {
        let mut bad = Conf::default().render();
        bad += "\n[REPORTING]\nAlerts_dir = alerts\n";
        bad += &format!("\n[METRICS]\n{key} = {value}\n");
        dir.write("bad.conf", &bad);
        let line = line_of(&bad, key);
        let out = run(dir.path(), &["check-config", "-c", "bad.conf"], None);
        assert_eq!(out.code, Some(2), "{key} = {value}: {}", out.stdout);
        let err = out.stderr;
        for part in [
            format!("bad.conf, line {line}:"),
            "[METRICS]".into(),
            key.to_string(),
            needle.to_string(),
        ] {
            assert!(err.contains(&part), "{part} not in {err}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// scan, [METRICS] TextFile

#[test]
fn scan_writes_its_summary_for_the_textfile_collector() {
    use common::sites::*;
    use scan_harness::*;
    let Some(pki) = pki() else { return skip_note() };
    let dir = TempDir::new("metrics-scan");
    let up = "login-paypal.metrics.test";
    let down = "paypal-secure.metrics.test";
    let s = site(pki, vec![(up, Reply::page(200, "Login"))], &[]);
    seed(&dir, &[fresh(up), fresh(down)]);
    std::fs::create_dir_all(dir.join("prom")).unwrap();
    let closed = closed_port();
    let conf = base_conf(pki, &[s.resolve(up), format!("{down}:127.0.0.1:{closed}")])
        .set("REPORTING", "Notification_Destination", "")
        .set("REPORTING", "Notification_Command", "false")
        .set("REPORTING", "Notification_Retry_Delay", "0.05")
        .set("METRICS", "TextFile", "prom/scan.prom");
    conf.write(&dir);
    let prom = dir.join("prom/scan.prom");
    let run1 = scan(&dir, &[]);
    run1.ok();
    let read = || {
        let text = std::fs::read_to_string(&prom).unwrap();
        let samples = parse(&text);
        for s in &samples {
            assert_eq!(s.kind, "gauge", "{}", s.name);
        }
        samples
    };
    let g = |samples: &[Sample], name: &str| {
        must(samples, &format!("certstreammonitor_scan_{name}"), &[])
    };
    let first = read();
    assert_eq!(g(&first, "hosts_checked"), 2.0);
    assert_eq!(g(&first, "hosts_up"), 1.0);
    assert_eq!(g(&first, "alerts_written"), 1.0);
    assert_eq!(g(&first, "notifications_failed"), 1.0);
    assert_eq!(g(&first, "success"), 1.0);
    let started = g(&first, "last_run_timestamp_seconds");
    assert!(
        started >= run1.t0 as f64 && started <= run1.t1 as f64 + 1.0,
        "{started}"
    );
    assert_eq!(g(&first, "last_success_timestamp_seconds"), started);
    let d = g(&first, "duration_seconds");
    assert!(d > 0.0 && d <= run1.secs + 1.0, "{d}");
    // No temp file left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.join("prom"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");

    // A failed run (its DB is a directory): success 0, the previous success kept.
    std::thread::sleep(Duration::from_millis(1100));
    std::fs::create_dir_all(dir.join("notadb")).unwrap();
    base_conf(pki, &[])
        .set("DATABASE", "DBFile", "notadb")
        .set("METRICS", "TextFile", "prom/scan.prom")
        .write(&dir);
    let run2 = scan(&dir, &[]);
    assert_ne!(run2.out.code, Some(0), "{}", run2.out.stderr);
    let second = read();
    assert_eq!(g(&second, "success"), 0.0);
    assert_eq!(g(&second, "last_success_timestamp_seconds"), started);
    assert!(g(&second, "last_run_timestamp_seconds") > started);
    assert_eq!(g(&second, "hosts_checked"), 0.0);
}

// ---------------------------------------------------------------------------------------
// stall alarms

/// `[HEALTH]` with `[METRICS]`: a certstream feed that sends only heartbeats is stalled
/// (`certstreammonitor_stalled{subject="certstream"}` 1, one alarm), and no longer once
/// certificates flow (0, still one alarm).
#[test]
fn stall_gauge_follows_a_silent_certstream_feed() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let dir = TempDir::new("metrics-stall");
    let flowing = Arc::new(AtomicBool::new(false));
    let server = silent_then_flowing_feed(flowing.clone());
    let conf = Conf {
        servers: vec![server.url()],
        ..Conf::default()
    };
    let cfg = conf.write(&dir);
    let mut text = std::fs::read_to_string(dir.join(&cfg)).unwrap();
    text += LISTEN;
    text += "\n[HEALTH]\nStallAfter = 1\n";
    dir.write(&cfg, text);
    let mut p = Proc::monitor(&dir, &cfg);
    let port = metrics_port(&p);
    let url = server.url();
    let labels = [
        ("subject", "certstream"),
        ("url", url.as_str()),
        ("description", "certstream"),
    ];
    let stalled = |want: f64| {
        wait_until(WAIT, || {
            value(&scrape(port).1, "certstreammonitor_stalled", &labels) == Some(want)
        })
    };
    assert!(stalled(1.0), "not stalled: {}", scrape(port).0);
    let samples = scrape(port).1;
    assert_eq!(
        must(&samples, "certstreammonitor_stall_alarms_total", &labels),
        1.0
    );
    flowing.store(true, Ordering::SeqCst);
    assert!(stalled(0.0), "still stalled: {}", scrape(port).0);
    let samples = scrape(port).1;
    assert_eq!(
        must(&samples, "certstreammonitor_stall_alarms_total", &labels),
        1.0
    );
    p.stop();
}

// ---------------------------------------------------------------------------------------
// serve

/// `serve` with `[METRICS] Listen`: totals, and per client what it was sent, skipped and
/// has queued — for a client reading everything, all of it sent; for every client, sent +
/// skipped + queued = published.
#[test]
fn serve_clients_sent_and_skipped() {
    let dir = TempDir::new("metrics-serve");
    let fifo = dir.join("feed.fifo");
    let st = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(st.success());
    let mut conf = Conf::default().render();
    conf += LISTEN;
    conf += "\n[SERVE]\nListen = 127.0.0.1:0\nClientBuffer = 100\n";
    dir.write("test.conf", conf);
    let mut p = Proc::spawn(
        dir.path(),
        &[
            "serve",
            "-c",
            "test.conf",
            "--replay",
            "feed.fifo",
            "--wait-clients",
            "2",
            // Paced so the reading client keeps up on a loaded machine.
            "--rate",
            "2000",
        ],
        &[],
        None,
    );
    // Opening the FIFO waits for serve to open it for reading.
    let mut w = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    let port = metrics_port(&p);
    let ws_port = p.logged_port("serving ws://127.0.0.1:");
    let (mut reader, _) = tungstenite::connect(format!("ws://127.0.0.1:{ws_port}/")).unwrap();
    if let tungstenite::stream::MaybeTlsStream::Plain(s) = reader.get_ref() {
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    }
    // A client that upgrades and then never reads.
    let (_idle, _) = tungstenite::connect(format!("ws://127.0.0.1:{ws_port}/full-stream")).unwrap();
    let mut feed = MessageGenerator::new(false);
    let n = 3000;
    let mut lines = String::new();
    let mut certs = 0;
    while certs < n {
        let m = feed.next_message();
        if m.contains("certificate_update") {
            certs += 1;
            lines += &m;
            lines.push('\n');
        }
    }
    w.write_all(lines.as_bytes()).unwrap();
    w.flush().unwrap();
    // Everything the reader is sent, until the feed is over and nothing came for 2 s.
    let mut got = 0u64;
    let mut samples = Vec::new();
    let done = wait_until(WAIT, || {
        while let Ok(m) = reader.read() {
            if let tungstenite::Message::Text(_) = m {
                got += 1;
            }
        }
        samples = scrape(port).1;
        value(&samples, "certstreammonitor_serve_published_total", &[]) == Some(n as f64)
    });
    assert!(done, "{samples:#?}\nstderr:\n{}", p.stderr());
    let lite = |name: &str| -> f64 {
        samples
            .iter()
            .find(|s| s.name == name && s.labels["feed"] == "lite")
            .unwrap_or_else(|| panic!("no {name} for the lite client: {samples:#?}"))
            .value
    };
    assert_eq!(lite("certstreammonitor_serve_client_queued"), 0.0);
    assert_eq!(
        lite("certstreammonitor_serve_client_sent_total"),
        got as f64
    );
    assert_eq!(must(&samples, "certstreammonitor_serve_clients", &[]), 2.0);
    let per_client = |name: &str| -> BTreeMap<String, f64> {
        samples
            .iter()
            .filter(|s| s.name == name)
            .map(|s| (s.labels["client"].clone(), s.value))
            .collect()
    };
    let (sent, skipped, queued) = (
        per_client("certstreammonitor_serve_client_sent_total"),
        per_client("certstreammonitor_serve_client_skipped_total"),
        per_client("certstreammonitor_serve_client_queued"),
    );
    assert_eq!(sent.len(), 2, "{samples:#?}");
    for (client, s) in &sent {
        assert_eq!(
            s + skipped[client] + queued[client],
            n as f64,
            "client {client}"
        );
    }
    let feeds: BTreeSet<&str> = samples
        .iter()
        .filter(|s| s.name == "certstreammonitor_serve_client_sent_total")
        .map(|s| s.labels["feed"].as_str())
        .collect();
    assert_eq!(feeds, BTreeSet::from(["full", "lite"]));
    drop(w);
    p.stop();
}

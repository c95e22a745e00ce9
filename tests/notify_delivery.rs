//! Notifications (issue 5), hermetic, when and how they are delivered: the command hook
//! (failure, timeout, missing program), destinations refused at startup without leaking
//! secrets, `notify-test`'s report per destination, the scan's retries, `Retry-After`, the
//! `Notifications` outbox kept for the next run, error pages echoing the request (no secret
//! reaches the console, log or DB) and the `[LIMITS]` thread limit. Every destination is a
//! loopback recording server (`common/notify_harness.rs`) reached through
//! `[REPORTING] Notification_Base_URL`; what each destination is sent is in `tests/notify.rs`.
//!
//! Tests that scan need HTTPS sites made with the `openssl` CLI and pass with a note when it
//! is missing.

mod common;
#[path = "common/notify_harness.rs"]
mod notify_harness;

use certstreammonitor::alert::Alert;
use certstreammonitor::notify::BodyFormat;
use common::sites::{pki, Reply, Site};
use common::{fingerprint_of, iso, now, run_env, Out, TempDir, DB, TABLE};
use notify_harness::*;
use serde_json::json;
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------
// The command hook

fn write_script(dir: &TempDir, name: &str, text: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.write(name, text);
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p.display().to_string()
}

const ENV_KEYS: [&str; 15] = [
    "CSM_HOSTNAME",
    "CSM_HTTP_CODE",
    "CSM_CERT_SERIAL_NUMBER",
    "CSM_WEBPAGE_TITLE",
    "CSM_IP_ADDR",
    "CSM_ASN",
    "CSM_ASN_CIDR",
    "CSM_ASN_COUNTRY_CODE",
    "CSM_ASN_DESCRIPTION",
    "CSM_ASN_ABUSE_EMAIL",
    "CSM_SAFE_BROWSING_STATUS",
    "CSM_ALERT_FILE",
    "CSM_TITLE",
    "CSM_BODY",
    "CSM_TEST",
];

/// Records every CSM_ variable (one file each; unset ones absent), its arguments and stdin.
fn recording_hook(dir: &TempDir) -> String {
    let keys = ENV_KEYS.join(" ");
    write_script(
        dir,
        "hook.sh",
        &format!(
            "#!/bin/sh\nout=\"$1\"\nmkdir -p \"$out\"\nfor v in {keys}; do\n  eval \"set_=\\${{$v+x}}\"\n  if [ -n \"$set_\" ]; then eval \"printf '%s' \\\"\\${{$v}}\\\"\" > \"$out/$v\"; fi\ndone\nprintf '%s\\n' \"$@\" > \"$out/args\"\ncat > \"$out/stdin\"\necho 'hook says hi' >&2\nexit 0\n"
        ),
    )
}

fn read_dir_files(dir: &Path) -> std::collections::BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn command_hook_failure_timeout_and_missing_program() {
    let dir = TempDir::new("notify-hook");
    let fail = write_script(
        &dir,
        "fail.sh",
        "#!/bin/sh\ncat >/dev/null\necho 'ticket system says no' >&2\nexit 3\n",
    );
    // A grandchild holding stderr open must not keep us waiting past the timeout either.
    let slow = write_script(&dir, "slow.sh", "#!/bin/sh\nsleep 30 &\nsleep 30\n");
    // Run through /bin/sh here: executing a file this process just wrote can race with the
    // forks of concurrent tests (ETXTBSY). The scan test below runs its hook directly.
    let s = settings(&[
        ("Notification_Command", format!("/bin/sh {fail} SECRETARG")),
        ("Notification_Timeout", "1".into()),
    ]);
    let e = deliver_all(&s, BodyFormat::Text).remove(0).unwrap_err();
    assert_eq!(e, "exit status 3; stderr: ticket system says no");
    let s = settings(&[
        ("Notification_Command", format!("/bin/sh {slow}")),
        ("Notification_Timeout", "0.5".into()),
    ]);
    let t = Instant::now();
    let e = deliver_all(&s, BodyFormat::Text).remove(0).unwrap_err();
    assert!(e.starts_with("killed after 0.5 s"), "{e}");
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    let s = settings(&[(
        "Notification_Command",
        dir.join("missing").display().to_string(),
    )]);
    let e = deliver_all(&s, BodyFormat::Text).remove(0).unwrap_err();
    assert!(e.starts_with("cannot run "), "{e}");
    // An argument is not shown where the command is named.
    let s = settings(&[("Notification_Command", format!("/bin/sh {fail} SECRETARG"))]);
    assert_eq!(s.destinations[0].display(), "[command] /bin/sh");
}

// ---------------------------------------------------------------------------------------
// Configuration errors

#[test]
fn bad_destinations_are_startup_errors_without_secrets() {
    let dir = TempDir::new("notify-bad");
    for (value, want) in [
        (
            "json://127.0.0.1:9/x, foo://SECRETTOKEN@host/SECRETPATH",
            "item 2 (foo://***): unsupported scheme \"foo\"",
        ),
        (
            "slack://SECRETTOKEN",
            "item 1 (slack://***): write slack://TokenA/TokenB/TokenC",
        ),
        (
            "tgram://123:SECRETTOKEN",
            "item 1 (tgram://***): no chat id",
        ),
        (
            "mailtos://bob:SECRETPASS@corp.example?mode=tls",
            "item 1 (mailtos://corp.example/***): mode= must be starttls, ssl or insecure",
        ),
        ("discord://SECRETTOKEN", "item 1 (discord://***)"),
        ("SECRETTOKEN", "item 1 (***): not a URL"),
    ] {
        let conf = format!(
            "[DATABASE]\nDBFile = {DB}\nTABLEname = {TABLE}\n[REPORTING]\nAlerts_dir = alerts\nNotification_Destination = {value}\n"
        );
        dir.write("n.conf", &conf);
        for cmd in ["notify-test", "scan"] {
            let out = run_env(dir.path(), &[cmd, "-c", "n.conf"], &[], None);
            assert_eq!(out.code, Some(2), "{cmd} {value}: {out:?}");
            assert!(
                out.stderr.contains("[REPORTING] Notification_Destination")
                    && out.stderr.contains(want),
                "{cmd} {value}: {}",
                out.stderr
            );
            assert!(
                !format!("{}{}", out.stdout, out.stderr).contains("SECRET"),
                "{cmd}: {out:?}"
            );
        }
    }
    for (key, value) in [
        ("Notification_Format", "xml"),
        ("Notification_Timeout", "0"),
        ("Notification_Retry_Delay", "-1"),
        ("Notification_Base_URL", "ftp://x"),
    ] {
        let conf = format!("[DATABASE]\nDBFile = {DB}\nTABLEname = {TABLE}\n[REPORTING]\nAlerts_dir = alerts\nNotification_Command = /bin/true\n{key} = {value}\n");
        dir.write("n.conf", &conf);
        let out = run_env(dir.path(), &["notify-test", "-c", "n.conf"], &[], None);
        assert_eq!(out.code, Some(2), "{key}: {out:?}");
        assert!(
            out.stderr.contains(&format!("[REPORTING] {key}")),
            "{key}: {}",
            out.stderr
        );
    }
    // Nothing configured: nothing to test.
    dir.write(
        "n.conf",
        "[REPORTING]\nAlerts_dir = alerts\nNotification_Destination =\n",
    );
    let out = run_env(dir.path(), &["notify-test", "-c", "n.conf"], &[], None);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("nothing to test"), "{}", out.stderr);
}

// ---------------------------------------------------------------------------------------
// notify-test

#[test]
fn notify_test_reports_each_destination() {
    let dir = TempDir::new("notify-test");
    let good = Recorder::start(ok200());
    let bad = Recorder::start(|_, _| (500, "internal trouble".into()));
    let hook = write_script(&dir, "t.sh", "#!/bin/sh\nprintf '%s|%s|%s' \"$CSM_TEST\" \"$CSM_TITLE\" \"$CSM_HOSTNAME\" > \"$1\"\ncat >> \"$1\"\n");
    let hook_out = dir.join("hook-out");
    let conf = |dest: String| {
        format!(
            "[REPORTING]\nAlerts_dir = alerts\nNotification_Destination = {dest}\nNotification_Command = /bin/sh {hook} {}\nNotification_Base_URL = {}\n",
            hook_out.display(),
            bad.base()
        )
    };
    dir.write(
        "t.conf",
        conf(format!("json://u:SECRETPASS@127.0.0.1:{}/SECRETPATH,\n    slack://TOKENAAA/TOKENBBB/TOKENCCC/#soc", good.port)),
    );
    let out = run_env(dir.path(), &["notify-test", "-c", "t.conf"], &[], None);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert_eq!(
        out.stdout,
        "[1] json://127.0.0.1/***: OK\n[2] slack://***: FAILED: HTTP 500: internal trouble\n[command] /bin/sh: OK\n",
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("1 of 3 notification destinations failed"),
        "{}",
        out.stderr
    );
    for secret in [
        "SECRETPASS",
        "SECRETPATH",
        "TOKENAAA",
        "TOKENBBB",
        "TOKENCCC",
    ] {
        assert!(
            !out.stdout.contains(secret) && !out.stderr.contains(secret),
            "{secret}: {out:?}"
        );
    }
    let q = &good.requests()[0];
    assert_eq!(q.target, "/SECRETPATH");
    let msg = q.json();
    assert_eq!(msg["title"], "[CertStreamMonitor] Test notification");
    assert!(
        msg["message"].as_str().unwrap().contains("notify-test"),
        "{msg}"
    );
    assert_eq!(bad.requests().len(), 1, "one attempt only");
    assert_eq!(
        std::fs::read_to_string(&hook_out).unwrap(),
        "1|[CertStreamMonitor] Test notification|"
    );

    // All good: exit 0.
    dir.write("t.conf", conf(format!("json://127.0.0.1:{}/ok", good.port)));
    let out = run_env(dir.path(), &["notify-test", "-c", "t.conf"], &[], None);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(
        out.stdout,
        "[1] json://127.0.0.1/***: OK\n[command] /bin/sh: OK\n"
    );
    let help = run_env(dir.path(), &["notify-test", "--help"], &[], None);
    assert_eq!(help.code, Some(0));
    assert!(
        help.stdout
            .starts_with("Usage: certstreammonitor notify-test -c FILE"),
        "{}",
        help.stdout
    );
}

// ---------------------------------------------------------------------------------------
// scan end to end: retries, the outbox, the next run

/// (Domain, Destination, Attempts, LastError, SentAt).
type OutboxRow = (String, String, i64, Option<String>, Option<String>);

struct ScanEnv {
    dir: TempDir,
    _site: Site,
    conf_head: String,
}

/// A stored host served by a loopback HTTPS site; `None` without the openssl CLI.
fn scan_env(name: &str) -> Option<ScanEnv> {
    let pki = pki()?;
    let dir = TempDir::new(name);
    let site = Site::start(pki.acceptor(&[HOST]), |_| Reply::page(200, "Log in secure"));
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let c = rusqlite::Connection::open(dir.join(DB)).unwrap();
    c.execute_batch(&common::original_ddl(TABLE)).unwrap();
    c.execute(
        "INSERT INTO CertMon (Domain, SAN, Issuer, Fingerprint, Startime, FirstSeen, StillInvestig) VALUES (?1, '', '/CN=R3', ?2, '2024-01-01T00:00:00', ?3, NULL)",
        rusqlite::params![HOST, fingerprint_of(HOST), iso(now() - 3600)],
    )
    .unwrap();
    let conf_head = format!(
        "[DATABASE]\nDBFile = {DB}\nTABLEname = {TABLE}\n[LOGGING]\nLogType = stderr\n[CONNECT]\nTimeout = 3\nWorkers = 2\nCAFile = {}\nResolve = {}\n",
        pki.ca_pem.display(),
        site.resolve(HOST)
    );
    Some(ScanEnv {
        dir,
        _site: site,
        conf_head,
    })
}

impl ScanEnv {
    fn scan(&self, reporting: &str) -> Out {
        self.dir.write(
            "scan.conf",
            format!(
                "{}[REPORTING]\nAlerts_dir = alerts\n{reporting}",
                self.conf_head
            ),
        );
        run_env(self.dir.path(), &["scan", "-c", "scan.conf"], &[], None)
    }

    /// (Domain, Destination, Attempts, LastError, SentAt) of every Notifications row.
    fn outbox(&self) -> Vec<OutboxRow> {
        let c = rusqlite::Connection::open(self.dir.join(DB)).unwrap();
        let mut st = c.prepare("SELECT Domain, Destination, Attempts, LastError, SentAt FROM Notifications ORDER BY Id").unwrap();
        st.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    }

    fn alert_file(&self) -> String {
        std::fs::read_to_string(self.dir.join(&format!("alerts/{HOST}.json"))).unwrap()
    }
}

fn assert_no_secrets(out: &Out, secrets: &[&str]) {
    for s in secrets {
        assert!(
            !out.stdout.contains(s) && !out.stderr.contains(s),
            "{s} leaked: {out:?}"
        );
    }
}

#[test]
fn scan_retries_a_destination_that_fails_twice() {
    let Some(env) = scan_env("notify-retry") else {
        return;
    };
    let flaky = Recorder::start(|_, n| {
        if n < 2 {
            (500, "try later".into())
        } else {
            (200, "{}".into())
        }
    });
    let slack = Recorder::start(|_, _| (200, "ok".into()));
    let t = Instant::now();
    let out = env.scan(&format!(
        "Notification_Destination = json://hook:SECRETPASS@127.0.0.1:{}/SECRETPATH slack://TOKENAAA/TOKENBBB/TOKENCCC/#soc\nNotification_Retry_Delay = 0.2\nNotification_Base_URL = {}\n",
        flaky.port,
        slack.base()
    ));
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(
        t.elapsed() >= Duration::from_millis(600),
        "backoff 0.2 s then 0.4 s: {:?}",
        t.elapsed()
    );
    let reqs = flaky.requests();
    assert_eq!(reqs.len(), 3, "{reqs:?}");
    let alert = env.alert_file();
    let a: Alert = certstreammonitor::notify::alert_from_json(&alert).unwrap();
    let want = json!({"version": "1.0", "title": TITLE, "message": original_body(&a), "attachments": [], "type": "info"});
    for q in &reqs {
        assert_body(q, &want);
    }
    let s = slack.requests();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].target, "/services/TOKENAAA/TOKENBBB/TOKENCCC");
    assert_eq!(s[0].json()["channel"], "#soc");
    assert!(
        out.stdout.contains("Notifications: 2 sent, 0 failed\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr
            .contains("attempt 1/3 failed: HTTP 500: try later"),
        "{}",
        out.stderr
    );
    let rows = env.outbox();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        (rows[0].0.as_str(), rows[0].1.as_str(), rows[0].2),
        (HOST, "1 json://127.0.0.1/***", 3)
    );
    assert_eq!(
        (rows[1].1.as_str(), rows[1].2, rows[1].3.as_deref()),
        ("2 slack://***", 1, None)
    );
    assert!(
        rows.iter().all(|r| r.4.is_some()),
        "every row delivered: {rows:?}"
    );
    assert_no_secrets(
        &out,
        &[
            "SECRETPASS",
            "SECRETPATH",
            "TOKENAAA",
            "TOKENBBB",
            "TOKENCCC",
        ],
    );
    // The DB never holds a URL either.
    let db = std::fs::read(env.dir.join(DB)).unwrap();
    for s in ["SECRETPASS", "TOKENBBB"] {
        assert!(
            !db.windows(s.len()).any(|w| w == s.as_bytes()),
            "{s} in the DB file"
        );
    }
}

#[test]
fn scan_waits_for_retry_after_on_429() {
    let Some(env) = scan_env("notify-retry-after") else {
        return;
    };
    // First answer: 429 asking for 2 s (much longer than the 0.1 s backoff); then 200.
    let limited = Recorder::start_with_headers(|_, n| {
        if n == 0 {
            (429, "slow down".into(), "Retry-After: 2\r\n".into())
        } else {
            (200, "{}".into(), String::new())
        }
    });
    let out = env.scan(&format!(
        "Notification_Destination = json://127.0.0.1:{}/hook\nNotification_Retry_Delay = 0.1\n",
        limited.port
    ));
    assert_eq!(out.code, Some(0), "{out:?}");
    let reqs = limited.requests();
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    let gap = reqs[1].at - reqs[0].at;
    assert!(gap >= Duration::from_millis(1900), "waited only {gap:?}");
    assert!(
        out.stderr
            .contains("attempt 1/3 failed: HTTP 429 (Retry-After 2 s): slow down"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.contains("Notifications: 1 sent, 0 failed\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn scan_keeps_undelivered_notifications_for_the_next_run() {
    let Some(env) = scan_env("notify-outbox") else {
        return;
    };
    let up = Arc::new(AtomicBool::new(false));
    let u = up.clone();
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let r = Recorder::start(move |_, _| {
        h.fetch_add(1, Ordering::SeqCst);
        if u.load(Ordering::SeqCst) {
            (200, String::new())
        } else {
            (503, "maintenance".into())
        }
    });
    let refused = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let reporting =
        format!("Notification_Destination = json://127.0.0.1:{refused}/unused, json://127.0.0.1:{}/h/SECRETPATH\nNotification_Retry_Delay = 0\n", r.port);
    // The first destination is refused (nothing listens there): both fail, both rows stay.
    let out = env.scan(&reporting);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 3);
    assert!(out.stdout.contains("Notifications: 0 sent, 2 failed (kept in table Notifications, retried by the next scan)"), "{}", out.stdout);
    let rows = env.outbox();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1].1, "2 json://127.0.0.1/***");
    assert_eq!(
        (rows[1].2, rows[1].3.as_deref(), rows[1].4.as_deref()),
        (3, Some("HTTP 503: maintenance"), None)
    );
    assert!(rows[0].4.is_none());
    assert!(
        out.stderr
            .contains("failed after 3 attempts; kept in table Notifications"),
        "{}",
        out.stderr
    );

    // Next run: the host is settled (not probed again); the outbox rows are retried at once.
    up.store(true, Ordering::SeqCst);
    let out2 = env.scan(&reporting);
    assert_eq!(out2.code, Some(0), "{out2:?}");
    assert!(
        out2.stdout.contains("Scan finished: 0 probed"),
        "{}",
        out2.stdout
    );
    assert!(
        out2.stderr
            .contains("retrying 2 notifications left undelivered by earlier runs"),
        "{}",
        out2.stderr
    );
    assert_eq!(hits.load(Ordering::SeqCst), 4);
    let reqs = r.requests();
    assert_eq!(
        reqs[3].body, reqs[0].body,
        "the same message, rebuilt from the stored alert"
    );
    let rows = env.outbox();
    assert_eq!((rows[1].2, rows[1].4.is_some()), (4, true), "{rows:?}");
    assert_eq!(
        (rows[0].2, rows[0].4.is_none()),
        (6, true),
        "the refused one stays: {rows:?}"
    );
    assert!(
        out2.stdout.contains("Notifications: 1 sent, 1 failed"),
        "{}",
        out2.stdout
    );

    // Without a destination configured the leftover is reported, not lost.
    let out3 = env.scan("Notification_Destination =\n");
    assert!(
        out3.stderr
            .contains("1 undelivered notifications in table Notifications"),
        "{}",
        out3.stderr
    );
    assert_eq!(env.outbox().len(), 2);
    for o in [&out, &out2, &out3] {
        assert_no_secrets(o, &["SECRETPATH", "unused"]);
    }
}

#[test]
fn scan_runs_the_command_hook() {
    let Some(env) = scan_env("notify-cmd") else {
        return;
    };
    let hook = recording_hook(&env.dir);
    let rec = env.dir.join("rec");
    let out = env.scan(&format!(
        "Notification_Command = {hook} {}\nNotification_Format = json\n",
        rec.display()
    ));
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(
        out.stdout.contains("Notifications: 1 sent, 0 failed"),
        "{}",
        out.stdout
    );
    let got = read_dir_files(&rec);
    let alert = env.alert_file();
    let a = certstreammonitor::notify::alert_from_json(&alert).unwrap();
    assert_eq!(got["stdin"], alert, "the alert JSON on stdin");
    assert_eq!(got["args"], format!("{}\n", rec.display()));
    assert_eq!(got["CSM_HOSTNAME"], HOST);
    assert_eq!(got["CSM_HTTP_CODE"], "200");
    assert_eq!(got["CSM_CERT_SERIAL_NUMBER"], fingerprint_of(HOST));
    assert_eq!(got["CSM_WEBPAGE_TITLE"], "Log in secure");
    assert_eq!(got["CSM_IP_ADDR"], "127.0.0.1");
    assert_eq!(got["CSM_ASN"], "");
    assert_eq!(got["CSM_SAFE_BROWSING_STATUS"], "No API key in config file");
    assert_eq!(got["CSM_ALERT_FILE"], format!("alerts/{HOST}.json"));
    assert_eq!(got["CSM_TITLE"], TITLE);
    assert_eq!(
        got["CSM_BODY"], alert,
        "Notification_Format = json: the body is the alert JSON"
    );
    assert_eq!(a.hostname, HOST);
    assert!(!got.contains_key("CSM_TEST"));
    assert_eq!(
        got.keys().filter(|k| k.starts_with("CSM_")).count(),
        14,
        "{:?}",
        got.keys()
    );
    assert!(
        out.stderr.contains("[command] ") && out.stderr.contains("stderr: hook says hi"),
        "{}",
        out.stderr
    );
    assert_eq!(env.outbox()[0].1, "command");
}

// ---------------------------------------------------------------------------------------
// Servers that echo the request: no secret reaches the console, the log or the DB

const ECHO_PASS: &str = "Pa$$w0rd/x";
/// `ECHO_PASS` percent-encoded as written in the URL, and `hookuser:Pa$$w0rd/x` in base64
/// (Python's `urllib.parse.quote(…, safe='')` and `base64.b64encode`).
const ECHO_PASS_PCT: &str = "Pa%24%24w0rd%2Fx";
const ECHO_BASIC: &str = "aG9va3VzZXI6UGEkJHcwcmQveA==";
const ECHO_TG_TOKEN: &str = "AAbbSECRETtok-9";
const ECHO_HEADER_TOKEN: &str = "HDRTOKEN4242";

/// A 500 whose body echoes the request as a debugging endpoint might: the credential headers
/// first, then the request line and the other headers, then what a careless server adds
/// (the Basic credentials decoded, and percent-encoded).
fn echo_request(q: &Req) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut creds = q.headers.clone();
    creds.sort_by_key(|(k, _)| !(k == "authorization" || k.starts_with("x-")));
    for (k, v) in &creds {
        parts.push(format!("{k}: {v}"));
    }
    parts.insert(0, format!("{} {}", q.method, q.target));
    if let Some(auth) = q.all("authorization").first() {
        if auth.contains("aG9va3VzZXI6") {
            parts.insert(0, format!("you are hookuser:{ECHO_PASS} ({ECHO_PASS_PCT})"));
        }
    }
    format!("denied\r\n{}", parts.join("\r\n"))
}

/// The value of `Notification_Destination` (`%%` is configparser's `%`).
fn echo_destinations(port: u16) -> String {
    format!(
        "json://hookuser:{}@127.0.0.1:{port}/hook, json://127.0.0.1:{port}/h2?+X-Api-Token={ECHO_HEADER_TOKEN}, tgram://123456789:{ECHO_TG_TOKEN}/-100123/",
        ECHO_PASS_PCT.replace('%', "%%")
    )
}

fn assert_no_echoed_secret(what: &str, text: &str) {
    for s in [
        ECHO_PASS,
        ECHO_PASS_PCT,
        ECHO_BASIC,
        &ECHO_BASIC[..12],
        ECHO_TG_TOKEN,
        ECHO_HEADER_TOKEN,
    ] {
        assert!(!text.contains(s), "{s} in {what}:\n{text}");
    }
}

#[test]
fn error_pages_echoing_the_request_leak_no_secret_to_notify_test() {
    let dir = TempDir::new("notify-echo");
    let echo = Recorder::start(|q, _| (500, echo_request(q)));
    dir.write(
        "t.conf",
        format!(
            "[REPORTING]\nAlerts_dir = alerts\nNotification_Destination = {}\nNotification_Base_URL = {}\n",
            echo_destinations(echo.port),
            echo.base()
        ),
    );
    let out = run_env(dir.path(), &["notify-test", "-c", "t.conf"], &[], None);
    assert_eq!(out.code, Some(1), "{out:?}");
    let reqs = echo.requests();
    assert_eq!(reqs.len(), 3, "{reqs:?}");
    assert_eq!(
        reqs[0].header("authorization"),
        format!("Basic {ECHO_BASIC}")
    );
    assert_eq!(reqs[1].header("x-api-token"), ECHO_HEADER_TOKEN);
    assert!(reqs[2].target.contains(ECHO_TG_TOKEN), "{reqs:?}");
    assert_eq!(out.stdout.lines().count(), 3, "{}", out.stdout);
    assert!(
        out.stdout
            .lines()
            .all(|l| l.contains(": FAILED: HTTP 500: denied")),
        "{}",
        out.stdout
    );
    assert_no_echoed_secret("stdout", &out.stdout);
    assert_no_echoed_secret("stderr", &out.stderr);
}

#[test]
fn error_pages_echoing_the_request_leak_no_secret_to_the_log_or_db() {
    let Some(env) = scan_env("notify-echo-scan") else {
        return;
    };
    let echo = Recorder::start(|q, _| (500, echo_request(q)));
    let out = env.scan(&format!(
        "Notification_Destination = {}\nNotification_Base_URL = {}\nNotification_Retry_Delay = 0.05\n",
        echo_destinations(echo.port),
        echo.base()
    ));
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(
        echo.requests().len(),
        9,
        "three attempts for each destination"
    );
    let rows = env.outbox();
    assert_eq!(rows.len(), 3, "{rows:?}");
    for r in &rows {
        let e =
            r.3.as_deref()
                .unwrap_or_else(|| panic!("no LastError: {rows:?}"));
        assert!(e.starts_with("HTTP 500: denied"), "{e}");
        assert_no_echoed_secret("LastError", e);
    }
    assert!(
        out.stderr.contains("attempt 3/3 failed: HTTP 500: denied"),
        "{}",
        out.stderr
    );
    assert_no_echoed_secret("stdout", &out.stdout);
    assert_no_echoed_secret("stderr", &out.stderr);
    let db = String::from_utf8_lossy(&std::fs::read(env.dir.join(DB)).unwrap()).into_owned();
    assert_no_echoed_secret("the DB file", &db);
}

// ---------------------------------------------------------------------------------------
// Under a thread limit (RLIMIT_NPROC; see `common::limits`)

/// `notify-test` runs the hook on its main thread; the hook's stdin and stderr are served by
/// two threads of ours. With room for the main thread and the hook only, the stdin thread is
/// refused: that attempt fails with a clear error and the hook is killed — no panic, no abort
/// (before, `std::thread::spawn` panicked).
#[test]
fn notify_test_reports_a_refused_pipe_thread() {
    let Some(uid) = common::limits::unused_uid() else {
        return common::limits::skipped_not_root();
    };
    let dir = TempDir::new("notify-nproc-test");
    let hook = recording_hook(&dir);
    let rec = dir.join("rec");
    dir.write(
        "t.conf",
        format!(
            "[DATABASE]\nDBFile = {DB}\nTABLEname = {TABLE}\n[REPORTING]\nAlerts_dir = alerts\nNotification_Command = {hook} {}\n",
            rec.display()
        ),
    );
    common::limits::chown_tree(dir.path(), uid);
    let mut p = common::Proc::spawn_adjusted(
        dir.path(),
        &["notify-test", "-c", "t.conf"],
        &[],
        None,
        |c| common::limits::limit_tasks(c, uid, 2),
    );
    let status = p.wait_exit(Duration::from_secs(30));
    let (stdout, stderr) = (p.stdout(), p.stderr());
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(1),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.contains(": FAILED: cannot start a thread for ") && stdout.contains("'s stdin: "),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        !rec.join("stdin").exists(),
        "the hook was killed before it read stdin"
    );
}

/// A scan whose notification lane cannot get its delivery thread ends normally and keeps the
/// notification in table Notifications; the next scan, with threads to spare, delivers it.
#[test]
fn scan_under_a_thread_limit_keeps_notifications_for_the_next_run() {
    let Some(env) = scan_env("notify-nproc-scan") else {
        return;
    };
    let Some(uid) = common::limits::unused_uid() else {
        return common::limits::skipped_not_root();
    };
    let hook = recording_hook(&env.dir);
    let rec = env.dir.join("rec");
    let reporting = format!(
        "Notification_Command = {hook} {}\nNotification_Retry_Delay = 0\n",
        rec.display()
    );
    env.dir.write(
        "scan.conf",
        format!(
            "{}[REPORTING]\nAlerts_dir = alerts\n{reporting}",
            env.conf_head
        ),
    );
    common::limits::chown_tree(env.dir.path(), uid);
    // One task: the main thread. No worker, no delivery thread.
    let mut p = common::Proc::spawn_adjusted(
        env.dir.path(),
        &["scan", "-c", "scan.conf"],
        &[],
        None,
        |c| common::limits::limit_tasks(c, uid, 1),
    );
    let status = p.wait_exit(Duration::from_secs(60));
    let (stdout, stderr) = (p.stdout(), p.stderr());
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stderr.contains("[command] ")
            && stderr.contains("cannot start a delivery thread")
            && stderr.contains("kept in table Notifications for the next scan"),
        "{stderr}"
    );
    assert!(
        stdout.contains("Notifications: 0 sent, 0 failed, 1 not finished (kept in table Notifications, retried by the next scan)"),
        "{stdout}"
    );
    assert!(env.alert_file().contains(HOST), "the alert file is written");
    let rows = env.outbox();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].1.as_str(), rows[0].4.as_deref()),
        ("command", None)
    );
    assert!(!rec.exists(), "the hook did not run");

    // Next run, no limit: delivered from the outbox.
    let out = env.scan(&reporting);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(
        out.stderr
            .contains("retrying 1 notifications left undelivered by earlier runs"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.contains("Notifications: 1 sent, 0 failed"),
        "{}",
        out.stdout
    );
    assert_eq!(
        read_dir_files(&rec)["stdin"],
        env.alert_file(),
        "the stored alert on stdin"
    );
    assert!(env.outbox()[0].4.is_some(), "SentAt set");
}

//! `certstreammonitor monitor --replay FILE|-`: captured certstream feeds read offline.

mod common;

use common::*;
use std::path::{Path, PathBuf};

fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// One line per message, `\n`-terminated.
fn jsonl(msgs: &[String]) -> String {
    msgs.iter().map(|m| format!("{m}\n")).collect()
}

/// A small feed exercising the rules: (message, hosts it must store in order).
fn rules_feed() -> (Vec<String>, Vec<&'static str>) {
    let msgs = vec![
        Cert::new(&[
            "paypal-login.replay.example",
            "www.paypal-login.replay.example",
        ])
        .lite(),
        heartbeat(),
        // score 3, but blacklisted (paypal\.com$): not stored
        Cert::new(&["secure-login.paypal.com"]).lite(),
        // score 1: below the threshold of 2
        Cert::new(&["www.paypal.com", "paypal-paypal.example"]).full(),
        // the blacklist is anchored: this one is stored
        Cert::new(&["paypal.com.secure-login.example"]).lite(),
        dns_entries(&["login-login-secure.example", "login-login.example"]),
        unknown_type(),
    ];
    let stored = vec![
        "paypal-login.replay.example",
        "www.paypal-login.replay.example",
        "paypal.com.secure-login.example",
        "login-login-secure.example",
    ];
    (msgs, stored)
}

fn stored_hosts_from_stdout(out: &str) -> Vec<String> {
    out.lines()
        .map(|l| split_match_line(l).1.split(' ').next().unwrap().to_string())
        .collect()
}

#[test]
fn replay_file_applies_the_rules_and_exits_zero_at_eof() {
    let dir = TempDir::new("replay-file");
    let (msgs, want) = rules_feed();
    let mut text = jsonl(&msgs);
    text.insert_str(0, "\n   \n"); // blank lines are not messages
    dir.write("feed.jsonl", text);
    let cfg = Conf::default().write(&dir);
    let out = run(
        dir.path(),
        &["monitor", "-c", &cfg, "--replay", "feed.jsonl"],
        None,
    );
    assert_eq!(out.code, Some(0), "stderr:\n{}", out.stderr);
    assert_eq!(domains(&dir.join(DB), TABLE), want);
    assert_eq!(stored_hosts_from_stdout(&out.stdout), want);
    assert_eq!(counter(&out.stderr, "malformed"), Some(0), "{}", out.stderr);
    let first = Cert::new(&[
        "paypal-login.replay.example",
        "www.paypal-login.replay.example",
    ]);
    let (_, body) = split_match_line(out.stdout.lines().next().unwrap());
    assert_eq!(
        body,
        match_body(
            "paypal-login.replay.example",
            "www.paypal-login.replay.example",
            LE_ISSUER,
            &first.fingerprint,
            NOT_BEFORE_ISO
        )
    );
}

#[test]
fn replay_from_stdin() {
    let dir = TempDir::new("replay-stdin");
    let (msgs, want) = rules_feed();
    let cfg = Conf::default().write(&dir);
    let out = run(
        dir.path(),
        &["monitor", "-c", &cfg, "--replay", "-"],
        Some(jsonl(&msgs).as_bytes()),
    );
    assert_eq!(out.code, Some(0), "stderr:\n{}", out.stderr);
    assert_eq!(domains(&dir.join(DB), TABLE), want);
    assert_eq!(stored_hosts_from_stdout(&out.stdout), want);
}

/// What the shipped sample feed gives with example.conf's rules (computed with the Python
/// original's matching code: `len(set(re.findall(...)))`, threshold 2, its blacklist).
const SAMPLE_MATCHES: &[&str] = &[
    "login-microsoftonline-secure.xyz",
    "www.login-microsoftonline-secure.xyz",
    "*.verif-ameli-secure.org",
    "verif-ameli-secure.org",
    "www.verif-ameli-secure.org",
    "impots-verif-secure.net",
    "www.impots-verif-secure.net",
    "ameli-remboursement-secure.info",
    "www.ameli-remboursement-secure.info",
    "apple-icloud-login-secure.info",
    "www.apple-icloud-login-secure.info",
    "ameli-compte-verif.fr",
    "www.ameli-compte-verif.fr",
    "appleid-verif-account.com",
    "www.appleid-verif-account.com",
    "paypal-secure-login.com",
    "www.paypal-secure-login.com",
    "secure-paypal-account-verif.net",
    "www.secure-paypal-account-verif.net",
    "signin-amazon-account.click",
    "www.signin-amazon-account.click",
    "impots-gouv-verif-remboursement.com",
    "www.impots-gouv-verif-remboursement.com",
    "impots-secure-login.info",
    "www.impots-secure-login.info",
    "netflix-login-billing-verif.com",
    "www.netflix-login-billing-verif.com",
    "account-paypal-secure-verif.online",
    "www.account-paypal-secure-verif.online",
    "apple-support-login-verif.site",
    "www.apple-support-login-verif.site",
];

/// The README's main job: example.conf as shipped, the shipped sample, run twice.
#[test]
fn shipped_sample_with_example_conf_twice() {
    let dir = TempDir::new("sample");
    let conf = repo_file("example.conf");
    let sample = repo_file("samples/certstream-sample.jsonl");
    let args = [
        "monitor",
        "-c",
        conf.to_str().unwrap(),
        "--replay",
        sample.to_str().unwrap(),
    ];
    let db = dir.join("data/certstreammonitor.sqlite");

    let first = run(dir.path(), &args, None);
    assert_eq!(first.code, Some(0), "stderr:\n{}", first.stderr);
    let rows1 = rows(&db, TABLE);
    let got: Vec<&str> = rows1.iter().map(|r| r.domain.as_str()).collect();
    assert_eq!(got, SAMPLE_MATCHES);
    assert_eq!(stored_hosts_from_stdout(&first.stdout), SAMPLE_MATCHES);
    for not_stored in [
        "www.paypal.com",
        "apple.com",
        "www.apple.com",
        "www.ameli.fr",
        "paypal-fan-club.org",
        "login.acme-corp.com",
    ] {
        assert!(!got.contains(&not_stored), "{not_stored} stored");
    }
    let log =
        std::fs::read_to_string(dir.join("data/certstreammonitor.log")).expect("LogFile written");
    assert!(log.contains(
        "Looking for these strings: paypal|apple|amazon|microsoft|netflix|ameli|impots|login|secure|account|verif, detection threshold: 2"
    ));
    assert_eq!(
        counter(&log, "malformed"),
        Some(1),
        "the sample has one broken line:\n{log}"
    );

    let second = run(dir.path(), &args, None);
    assert_eq!(second.code, Some(0), "stderr:\n{}", second.stderr);
    assert_eq!(second.stdout, "", "nothing new the second time");
    assert_eq!(rows(&db, TABLE), rows1, "no duplicate, no changed row");
}

#[test]
fn malformed_lines_are_counted_and_skipped() {
    let dir = TempDir::new("malformed");
    let mut feed: Vec<u8> = Vec::new();
    feed.extend(format!("{}\n", Cert::new(&["paypal-login.first.example"]).lite()).bytes());
    feed.extend(b"hello, not json\n");
    let t = Cert::new(&["paypal-login.truncated.example"]).lite();
    feed.extend(format!("{}\n", &t[..t.len() / 2]).bytes());
    feed.extend(b"{\"message_type\":\"certificate_update\",\"data\":{\"leaf_cert\":{\"all_domains\":[\"paypal-login-\xff.example\"]}}}\n");
    feed.extend(b"[]\n");
    feed.extend(b"{\"message_type\":\"certificate_update\"}\n");
    // CRLF line endings (a capture made on Windows) are fine.
    feed.extend(format!("{}\r\n", Cert::new(&["paypal-login.crlf.example"]).lite()).bytes());
    // The last line has no newline.
    feed.extend(Cert::new(&["paypal-login.last.example"]).lite().bytes());
    dir.write("feed.jsonl", &feed);
    let cfg = Conf::default().write(&dir);
    let out = run(
        dir.path(),
        &["monitor", "-c", &cfg, "--replay", "feed.jsonl"],
        None,
    );
    assert_eq!(out.code, Some(0), "stderr:\n{}", out.stderr);
    assert_eq!(
        domains(&dir.join(DB), TABLE),
        [
            "paypal-login.first.example",
            "paypal-login.crlf.example",
            "paypal-login.last.example"
        ]
    );
    assert_eq!(counter(&out.stderr, "malformed"), Some(5), "{}", out.stderr);
    assert!(
        out.stderr.contains("[WARNING:root]"),
        "skips are logged:\n{}",
        out.stderr
    );
}

#[test]
fn oversize_line_is_skipped() {
    let dir = TempDir::new("oversize");
    let big = Cert::new(&["paypal-login.oversize.example", &"x".repeat(17 << 20)]).lite();
    assert!(big.len() > 16 << 20);
    let feed = jsonl(&[
        Cert::new(&["paypal-login.before.example"]).lite(),
        big,
        Cert::new(&["paypal-login.after.example"]).lite(),
    ]);
    dir.write("feed.jsonl", feed);
    let cfg = Conf::default().write(&dir);
    let out = run(
        dir.path(),
        &["monitor", "-c", &cfg, "--replay", "feed.jsonl"],
        None,
    );
    assert_eq!(out.code, Some(0), "stderr:\n{}", out.stderr);
    assert_eq!(
        domains(&dir.join(DB), TABLE),
        ["paypal-login.before.example", "paypal-login.after.example"]
    );
    assert_eq!(counter(&out.stderr, "rejected"), Some(1), "{}", out.stderr);
}

#[test]
fn missing_replay_file_is_an_error_naming_it() {
    let dir = TempDir::new("replay-missing");
    let cfg = Conf::default().write(&dir);
    let out = run(
        dir.path(),
        &["monitor", "-c", &cfg, "--replay", "no-such-feed.jsonl"],
        None,
    );
    assert_ne!(out.code, Some(0));
    assert!(out.stderr.contains("no-such-feed.jsonl"), "{}", out.stderr);
}

/// Nobody reads stdout any more (the reading end of the pipe is closed): the rows still go
/// to the DB and the run still ends normally.
#[test]
fn closed_stdout_does_not_stop_storing() {
    let dir = TempDir::new("epipe");
    let hosts: Vec<String> = (0..50)
        .map(|i| format!("paypal-login-{i:02}.epipe.example"))
        .collect();
    let feed: Vec<String> = hosts.iter().map(|h| Cert::new(&[h]).lite()).collect();
    dir.write("feed.jsonl", jsonl(&feed));
    let cfg = Conf::default().write(&dir);
    let mut child = std::process::Command::new(bin())
        .args(["monitor", "-c", &cfg, "--replay", "feed.jsonl"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut status = None;
    wait_until(WAIT, || {
        status = child.try_wait().unwrap();
        status.is_some()
    });
    let status = status.unwrap_or_else(|| {
        let _ = child.kill();
        panic!("monitor did not finish with a closed stdout")
    });
    assert_eq!(status.code(), Some(0));
    assert_eq!(domains(&dir.join(DB), TABLE), hosts);
}

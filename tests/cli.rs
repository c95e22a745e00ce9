//! Command line: check-rules and gethost output byte for byte, help/version, usage errors,
//! config errors (one line naming file, line and key; exit code 2).

mod common;

use common::*;
use rusqlite::{params, Connection};

const MATCH: &str = "This is a match, detection threashold reached.";
const BLACKLISTED: &str = "No match - Blacklisted keywords.";
const NOT_REACHED: &str = "No match - Detection threashold not reached.";
const NOT_FOUND: &str = "No match - Keywords not found.";

/// check-rules needs only [SEARCH].
const RULES_CONF: &str = "[SEARCH]\nSearchKeywords = paypal|login|secure\nBlacklistKeywords = paypal\\.com$\nDetectionThreshold = 2\n";
const HEADER: &str = "Looking for these strings: paypal|login|secure, detection threshold: 2\n";

/// (name, verdict) with the rules of RULES_CONF.
const VERDICTS: &[(&str, &str)] = &[
    ("login-paypal.example", MATCH),
    ("secure-login.paypal.com.evil.example", MATCH), // the blacklist is anchored at the end
    ("login.paypal.com", BLACKLISTED),               // score 2 and blacklisted
    ("www.paypal.com", NOT_REACHED),                 // blacklisted, but below the threshold
    ("paypal-paypal.example", NOT_REACHED),          // two matches, one distinct value
    ("PayPal-Login.example", NOT_FOUND),             // case-sensitive
    ("example.org", NOT_FOUND),
];

fn check_rules_dir() -> TempDir {
    let dir = TempDir::new("check-rules");
    dir.write("test.conf", RULES_CONF);
    dir
}

#[test]
fn check_rules_single_name_prints_header_and_sentence() {
    let dir = check_rules_dir();
    for (name, verdict) in VERDICTS {
        let out = run(
            dir.path(),
            &["check-rules", "-c", "test.conf", "-d", name],
            None,
        );
        assert_eq!(out.code, Some(0), "{name}: {}", out.stderr);
        assert_eq!(out.stdout, format!("{HEADER}{verdict}\n"), "{name}");
        assert_eq!(out.stderr, "", "{name}");
    }
}

#[test]
fn check_rules_several_names_print_name_tab_sentence_in_order() {
    let dir = check_rules_dir();
    let mut args = vec!["check-rules", "--config", "test.conf"];
    for (name, _) in VERDICTS {
        args.extend(["--domain", name]);
    }
    let out = run(dir.path(), &args, None);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let body: String = VERDICTS
        .iter()
        .map(|(n, v)| format!("{n}\t{v}\n"))
        .collect();
    assert_eq!(out.stdout, format!("{HEADER}{body}"));
}

#[test]
fn check_rules_reads_names_from_stdin() {
    let dir = check_rules_dir();
    let input = "  login-paypal.example  \n\nwww.paypal.com\r\nexample.org";
    let out = run(
        dir.path(),
        &["check-rules", "-c", "test.conf", "-d", "-"],
        Some(input.as_bytes()),
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!("{HEADER}login-paypal.example\t{MATCH}\nwww.paypal.com\t{NOT_REACHED}\nexample.org\t{NOT_FOUND}\n")
    );
}

/// check-rules with a broken [SEARCH]: (what, SEARCH section, key the error must name, has a line).
const BAD_RULES: &[(&str, &str, &str, bool)] = &[
    (
        "unbalanced group",
        "SearchKeywords = (paypal|login\n",
        "SearchKeywords",
        true,
    ),
    (
        "look-ahead (Python only)",
        "SearchKeywords = paypal(?=-login)\n",
        "SearchKeywords",
        true,
    ),
    (
        "back-reference (Python only)",
        "SearchKeywords = (pay)\\1\n",
        "SearchKeywords",
        true,
    ),
    (
        "bad blacklist",
        "SearchKeywords = paypal\nBlacklistKeywords = paypal\\.com(\n",
        "BlacklistKeywords",
        true,
    ),
    (
        "missing SearchKeywords",
        "DetectionThreshold = 2\n",
        "SearchKeywords",
        false,
    ),
    (
        "threshold not a number",
        "SearchKeywords = paypal\nDetectionThreshold = two\n",
        "DetectionThreshold",
        true,
    ),
];

#[test]
fn check_rules_config_errors_are_one_line_naming_file_line_and_key() {
    for (what, body, key, has_line) in BAD_RULES {
        let dir = TempDir::new("bad-rules");
        let text = format!("[SEARCH]\n{body}");
        dir.write("test.conf", &text);
        let out = run(
            dir.path(),
            &[
                "check-rules",
                "-c",
                "test.conf",
                "-d",
                "login-paypal.example",
            ],
            None,
        );
        assert!(
            matches!(out.code, Some(c) if c != 0),
            "{what}: exit {:?}",
            out.code
        );
        assert_eq!(out.stdout, "", "{what}");
        assert_eq!(
            out.stderr.trim_end().lines().count(),
            1,
            "{what}: one line:\n{}",
            out.stderr
        );
        assert!(out.stderr.contains("test.conf"), "{what}: {}", out.stderr);
        assert!(
            out.stderr.to_lowercase().contains(&key.to_lowercase()),
            "{what}: {key} not named: {}",
            out.stderr
        );
        if *has_line {
            let line = format!("line {}", line_of(&text, key));
            assert!(
                out.stderr.contains(&line),
                "{what}: {line} not named: {}",
                out.stderr
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// gethost

const DB_CONF: &str = "[DATABASE]\nDBFile = ./data/hosts.sqlite\nTABLEname = CertMon\n";
const GETHOST_HEADER: &str = "Display all domains in DB for Internet Presence:\n************************************************\n";

struct HostFixture {
    domain: &'static str,
    issuer: Option<&'static str>,
    fp: Option<&'static str>,
    first_seen: Option<String>,
    still: Option<&'static str>,
}

fn gethost_dir() -> (TempDir, Vec<HostFixture>) {
    let dir = TempDir::new("gethost");
    dir.write("test.conf", DB_CONF);
    let t = now();
    let h = |domain, issuer, fp, first_seen: Option<String>, still| HostFixture {
        domain,
        issuer,
        fp,
        first_seen,
        still,
    };
    let hosts = vec![
        h(
            "recent-paypal-login.example.com",
            Some(LE_ISSUER),
            Some("AA:BB"),
            Some(iso(t - 10)),
            None,
        ),
        h(
            "old-secure-login.example.net",
            Some("/CN=R11"),
            Some("CC:DD"),
            Some(iso(t - 7200)),
            Some("Stop checking on 2024-11-01"),
        ),
        h(
            "bad-firstseen.example",
            Some("/CN=R11"),
            Some("EE:FF"),
            Some("2024-05-01 12:00:00".into()),
            None,
        ),
        h(
            "null-issuer-login.example",
            None,
            None,
            Some(iso(t - 60)),
            Some("2024-05-01T12:34:56"),
        ),
        h(
            "quote\"back\\slash.example",
            Some("/O=\"Q\""),
            Some("11:22"),
            Some(iso(t - 5)),
            None,
        ),
    ];
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let c = Connection::open(dir.join("data/hosts.sqlite")).unwrap();
    c.execute_batch(&original_ddl("CertMon")).unwrap();
    for x in &hosts {
        c.execute(
            "INSERT INTO CertMon (Domain, SAN, Issuer, Fingerprint, Startime, FirstSeen, StillInvestig) VALUES (?1, '', ?2, ?3, '2024-01-01T00:00:00', ?4, ?5)",
            params![x.domain, x.issuer, x.fp, x.first_seen, x.still],
        )
        .unwrap();
    }
    (dir, hosts)
}

fn text_row(x: &HostFixture) -> String {
    let o = |v: Option<&str>| v.unwrap_or("None").to_string();
    format!(
        "{}  {}  {}  {}\n",
        x.domain,
        o(x.issuer),
        o(x.fp),
        o(x.still)
    )
}

#[test]
fn gethost_lists_recent_hosts_like_the_original() {
    let (dir, hosts) = gethost_dir();
    // (arguments, indexes of the hosts listed)
    let cases: &[(&[&str], &[usize])] = &[
        (&[], &[0, 3, 4]),
        (&["--since", "10800"], &[0, 1, 3, 4]),
        (&["--since", "30"], &[0, 4]),
        (&["--since", "0"], &[]),
    ];
    for (extra, listed) in cases {
        let mut args = vec!["gethost", "-c", "test.conf"];
        args.extend_from_slice(extra);
        let out = run(dir.path(), &args, None);
        assert_eq!(out.code, Some(0), "{args:?}: {}", out.stderr);
        let body: String = listed.iter().map(|&i| text_row(&hosts[i])).collect();
        assert_eq!(out.stdout, format!("{GETHOST_HEADER}{body}"), "{args:?}");
        assert_eq!(
            out.stderr.lines().count(),
            1,
            "{args:?}: one note for the bad row:\n{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("bad-firstseen.example"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn gethost_json_lines() {
    let (dir, hosts) = gethost_dir();
    let out = run(dir.path(), &["gethost", "-c", "test.conf", "--json"], None);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "no header, one object per recent host:\n{}",
        out.stdout
    );
    for (line, &i) in lines.iter().zip(&[0usize, 3, 4]) {
        let x = &hosts[i];
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        let want = serde_json::json!({
            "Domain": x.domain, "Issuer": x.issuer, "Fingerprint": x.fp,
            "FirstSeen": x.first_seen, "StillInvestig": x.still,
        });
        assert_eq!(v, want);
        let pos: Vec<usize> = [
            "\"Domain\"",
            "\"Issuer\"",
            "\"Fingerprint\"",
            "\"FirstSeen\"",
            "\"StillInvestig\"",
        ]
        .iter()
        .map(|k| line.find(k).unwrap())
        .collect();
        assert!(
            pos.windows(2).all(|w| w[0] < w[1]),
            "keys in column order: {line}"
        );
    }
}

#[test]
fn gethost_bad_since_is_a_usage_error() {
    let (dir, _) = gethost_dir();
    let out = run(
        dir.path(),
        &["gethost", "-c", "test.conf", "--since", "an hour"],
        None,
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert_eq!(out.stdout, "");
}

// ---------------------------------------------------------------------------------------
// help, version, usage errors

#[test]
fn help_and_version_everywhere() {
    let dir = TempDir::new("help");
    let version = format!("certstreammonitor {}\n", env!("CARGO_PKG_VERSION"));
    for sub in [None, Some("monitor"), Some("check-rules"), Some("gethost")] {
        for flag in ["--help", "-h", "--version", "-V"] {
            let args: Vec<&str> = sub.into_iter().chain([flag]).collect();
            let out = run(dir.path(), &args, None);
            assert_eq!(out.code, Some(0), "{args:?}: {}", out.stderr);
            assert_eq!(out.stderr, "", "{args:?}");
            if flag.contains('V') || flag == "--version" {
                assert_eq!(out.stdout, version, "{args:?}");
            } else {
                assert!(out.stdout.contains("Usage"), "{args:?}: {}", out.stdout);
                if let Some(s) = sub {
                    assert!(
                        out.stdout.contains(s),
                        "{args:?}: help names the subcommand"
                    );
                }
            }
        }
    }
}

#[test]
fn usage_errors_exit_2() {
    let dir = TempDir::new("usage");
    dir.write("test.conf", RULES_CONF);
    let cases: &[&[&str]] = &[
        &[],
        &["frobnicate"],
        &["monitor"],
        &["monitor", "--bogus", "-c", "test.conf"],
        &["check-rules", "-d", "x.example"],
        &["check-rules", "-c", "test.conf"],
        &["gethost"],
        &["gethost", "-c"],
    ];
    for args in cases {
        let out = run(dir.path(), args, None);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(!out.stderr.is_empty(), "{args:?}");
        assert_eq!(out.stdout, "", "{args:?}");
    }
    let out = run(dir.path(), &["frobnicate"], None);
    assert!(out.stderr.contains("frobnicate"), "{}", out.stderr);
}

#[test]
fn missing_config_file_is_named() {
    let dir = TempDir::new("noconf");
    for sub in ["monitor", "gethost"] {
        let out = run(dir.path(), &[sub, "-c", "nowhere.conf"], None);
        assert!(matches!(out.code, Some(c) if c != 0), "{sub}");
        assert!(out.stderr.contains("nowhere.conf"), "{sub}: {}", out.stderr);
    }
}

#[test]
fn dash_c_without_subcommand_runs_the_monitor() {
    let dir = TempDir::new("no-subcommand");
    dir.write(
        "feed.jsonl",
        Cert::new(&["paypal-login.bare.example", "cdn.example"]).lite(),
    );
    let cfg = Conf::default().write(&dir);
    let out = run(dir.path(), &["-c", &cfg, "--replay", "feed.jsonl"], None);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(domains(&dir.join(DB), TABLE), ["paypal-login.bare.example"]);
    let (_, body) = split_match_line(out.stdout.trim_end());
    assert!(
        body.starts_with("paypal-login.bare.example (SAN: cdn.example) (Issuer: "),
        "{body}"
    );
}

// ---------------------------------------------------------------------------------------
// config errors of the monitor

#[test]
fn config_errors_name_file_line_and_key_and_exit_2() {
    let base = Conf::default();
    let with = |f: &dyn Fn(&mut Conf)| {
        let mut c = base.clone();
        f(&mut c);
        c
    };
    // (what, config, key named, needs the [SERVER] section, i.e. no --replay)
    let cases: Vec<(&str, Conf, &str, bool)> = vec![
        (
            "lone %",
            with(&|c| c.search = "100%paypal".into()),
            "SearchKeywords",
            false,
        ),
        (
            "threshold words",
            with(&|c| c.threshold = Some("two".into())),
            "DetectionThreshold",
            false,
        ),
        (
            "threshold float",
            with(&|c| c.threshold = Some("2.5".into())),
            "DetectionThreshold",
            false,
        ),
        (
            "log level",
            with(&|c| c.log_level = "loud".into()),
            "LogLevel",
            false,
        ),
        (
            "log type",
            with(&|c| c.log_type = "carrier-pigeon".into()),
            "LogType",
            false,
        ),
        (
            "bad regex",
            with(&|c| c.search = "paypal|(login".into()),
            "SearchKeywords",
            false,
        ),
        (
            "not ws://",
            with(&|c| c.servers = vec!["http://127.0.0.1:9/".into()]),
            "ACTServer",
            true,
        ),
        (
            "ping interval",
            with(&|c| c.server_extra = vec!["PingInterval = -1".into()]),
            "PingInterval",
            true,
        ),
        (
            "idle timeout",
            with(&|c| c.server_extra = vec!["IdleTimeout = soon".into()]),
            "IdleTimeout",
            true,
        ),
        (
            "proxy port",
            with(&|c| {
                c.server_extra = vec!["Proxy_Host = 127.0.0.1".into(), "Proxy_Port = 99999".into()]
            }),
            "Proxy_Port",
            true,
        ),
    ];
    for (what, conf, key, server) in cases {
        let dir = TempDir::new("conf-err");
        let cfg = conf.write(&dir);
        dir.write("empty.jsonl", "");
        let mut args = vec!["monitor", "-c", cfg.as_str()];
        if !server {
            args.extend(["--replay", "empty.jsonl"]);
        }
        let out = run(dir.path(), &args, None);
        assert_eq!(out.code, Some(2), "{what}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{what}");
        assert_eq!(
            out.stderr.trim_end().lines().count(),
            1,
            "{what}: one line:\n{}",
            out.stderr
        );
        let line = format!("test.conf, line {}", line_of(&conf.render(), key));
        assert!(
            out.stderr.contains(&line),
            "{what}: {line:?} not in {}",
            out.stderr
        );
        assert!(
            out.stderr.to_lowercase().contains(&key.to_lowercase()),
            "{what}: {key} not in {}",
            out.stderr
        );
        assert!(
            !dir.join(DB).exists(),
            "{what}: DB created despite a bad config"
        );
    }
}

#[test]
fn log_type_file_needs_log_file() {
    let dir = TempDir::new("logfile");
    let cfg = Conf {
        log_type: "file".into(),
        ..Conf::default()
    }
    .write(&dir);
    dir.write("empty.jsonl", "");
    let out = run(
        dir.path(),
        &["monitor", "-c", &cfg, "--replay", "empty.jsonl"],
        None,
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("LogFile"), "{}", out.stderr);
}

/// gethost prints stored names, issuers and marks: a row holding ANSI escapes or a newline
/// (names and issuers come from certificates) is shown escaped (`\x1b`, `\x0a`), never raw,
/// on stdout and on the stderr note about a bad FirstSeen.
#[test]
fn gethost_escapes_control_characters() {
    let dir = TempDir::new("gethost-hostile");
    dir.write("test.conf", DB_CONF);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let c = Connection::open(dir.join("data/hosts.sqlite")).unwrap();
    c.execute_batch(&original_ddl("CertMon")).unwrap();
    for (domain, issuer, first_seen) in [
        (
            "a\x1b[2J\nFORGED.example",
            "/CN=R3\x1b]0;t\x07",
            iso(now() - 5),
        ),
        ("b\x1b[2J\nFORGED.example", "/CN=R3", "never".to_string()),
    ] {
        c.execute(
            "INSERT INTO CertMon (Domain, SAN, Issuer, Fingerprint, Startime, FirstSeen, StillInvestig) VALUES (?1, '', ?2, 'AA', '2024-01-01T00:00:00', ?3, NULL)",
            params![domain, issuer, first_seen],
        )
        .unwrap();
    }
    let out = run(dir.path(), &["gethost", "-c", "test.conf"], None);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!("{GETHOST_HEADER}a\\x1b[2J\\x0aFORGED.example  /CN=R3\\x1b]0;t\\x07  AA  None\n")
    );
    assert!(
        out.stderr.contains("b\\x1b[2J\\x0aFORGED.example")
            && !out.stderr.contains('\x1b')
            && out.stderr.lines().count() == 1,
        "{:?}",
        out.stderr
    );
}

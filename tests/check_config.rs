//! `check-config`: a good configuration prints its effective settings and OK (exit 0); each
//! kind of mistake exits 2 naming file, line, section and key; secrets never appear;
//! nothing is created on disk; `--for monitor` and `--for scan` check only what that
//! subcommand reads. No test makes a network request (a URL log list is not fetched).

mod common;

use common::*;

/// Everything `monitor` and `scan` read, with secrets in every place that can hold one.
/// Paths are relative to the temp dir (the child's cwd) and do not exist yet.
const GOOD: &str = "\
[SEARCH]
SearchKeywords = paypal|login|secure
BlacklistKeywords = paypal\\.com$
DetectionThreshold = 2

[LOOKALIKE]
Enabled = yes
Brands = paypal
OwnedDomains = paypal.com

[DATABASE]
DBFile = data/certs.sqlite
TABLEname = CertMon

[LOGGING]
LogType = file
LogFile = logs/csm.log
LogLevel = INFO

[SERVER]
ACTServer = wss://wsuser:WSPASS1x@certstream.example/, ws://127.0.0.1:9/
Proxy_Host = proxy.example
Proxy_Port = 3128
Proxy_Username = \"puser\"
Proxy_Password = \"PPASS22x\"

[CONNECT]
Timeout = 7
Workers = 8
Proxy = socks5h://su:SOCKSPW3x@127.0.0.1:9050

[ENRICH]
RDAPServer = https://ru:RDAPPW4x@rdap.example/
WhoisViaProxy = yes

[SAFEBROWSING]
Safe_Browsing_API_Key = AIzaKEY555x

[REPORTING]
Alerts_dir = alerts/%%Y-%%m-%%d
Alert_Monitor_timelapse = 30
Notification_Destination = tgram://123456:AAbbTGTOK66x/5/, mailtos://mu:MAILPW7x@smtp.example.com/?to=soc@example.com
Notification_Command = /bin/hook --token HOOK8888x
";

/// Secrets of GOOD and the encoded forms they take on the wire.
fn secrets() -> Vec<String> {
    let b64 = |s: &str| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(s)
    };
    vec![
        "WSPASS1x".into(),
        "PPASS22x".into(),
        b64("puser:PPASS22x"),
        "SOCKSPW3x".into(),
        "RDAPPW4x".into(),
        b64("ru:RDAPPW4x"),
        "AIzaKEY555x".into(),
        "AAbbTGTOK66x".into(),
        "MAILPW7x".into(),
        b64("\0mu\0MAILPW7x"),
        "HOOK8888x".into(),
    ]
}

fn check(dir: &TempDir, extra: &[&str]) -> Out {
    let mut args = vec!["check-config", "-c", "test.conf"];
    args.extend_from_slice(extra);
    run(dir.path(), &args, None)
}

/// Every entry of the temp dir, recursively (to prove nothing was created).
fn tree(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(dir).unwrap().display().to_string());
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

fn assert_no_secret(out: &Out) {
    for s in secrets() {
        assert!(
            !out.stdout.contains(&s) && !out.stderr.contains(&s),
            "secret {s:?} shown:\n{}\n{}",
            out.stdout,
            out.stderr
        );
    }
}

#[test]
fn good_config_prints_effective_settings_masks_secrets_creates_nothing() {
    let dir = TempDir::new("check-config-good");
    dir.write("test.conf", GOOD);
    let before = tree(dir.path());
    let out = check(&dir, &[]);
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.ends_with("\nOK\n"), "{}", out.stdout);
    for line in [
        "SEARCH.SearchKeywords = paypal|login|secure",
        "SEARCH.DetectionThreshold = 2",
        "DATABASE.DBFile = data/certs.sqlite (will be created)",
        "DATABASE.TABLEname = CertMon",
        "LOGGING.LogType = file",
        "LOGGING.LogLevel = INFO",
        "SERVER.Proxy_Port = 3128",
        "SERVER.PingInterval = 20",
        "CONNECT.Timeout = 7",
        "CONNECT.Workers = 8",
        "ENRICH.WhoisServer = whois.cymru.com:43",
        "ENRICH.WhoisViaProxy = yes",
        "REPORTING.Alert_Monitor_timelapse = 30",
        "REPORTING.Notification_Format = text",
        "SAFEBROWSING.Safe_Browsing_API_Key = ***",
    ] {
        assert!(
            out.stdout.lines().any(|l| l == line),
            "no line {line:?} in:\n{}",
            out.stdout
        );
    }
    // Effective values also say what will happen to the paths.
    assert!(
        out.stdout
            .contains("LOGGING.LogFile = logs/csm.log (will be created)"),
        "{}",
        out.stdout
    );
    // Public parts of URLs stay readable.
    assert!(out.stdout.contains("certstream.example"), "{}", out.stdout);
    assert!(out.stdout.contains("rdap.example"), "{}", out.stdout);
    assert_no_secret(&out);
    assert_eq!(tree(dir.path()), before, "check-config created files");
}

#[test]
fn existing_db_must_be_sqlite_and_is_not_modified() {
    let dir = TempDir::new("check-config-db");
    dir.write("test.conf", GOOD);
    std::fs::create_dir(dir.join("data")).unwrap();
    // A real DB made by monitor's own schema.
    {
        let c = rusqlite::Connection::open(dir.join(DB)).unwrap();
        c.execute_batch("CREATE TABLE CertMon (Domain TEXT NOT NULL PRIMARY KEY, SAN TEXT, Issuer TEXT, Fingerprint TEXT, Startime TEXT, FirstSeen TEXT, StillInvestig TEXT)").unwrap();
    }
    let before = tree(dir.path());
    let bytes = std::fs::read(dir.join(DB)).unwrap();
    let out = check(&dir, &[]);
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("DATABASE.DBFile = data/certs.sqlite (SQLite database, writable)"),
        "{}",
        out.stdout
    );
    assert_eq!(tree(dir.path()), before);
    assert_eq!(std::fs::read(dir.join(DB)).unwrap(), bytes);

    // Not a SQLite file: exit 2 naming the key.
    dir.write(DB, "this is not a database, just text\n");
    let out = check(&dir, &[]);
    assert_eq!(out.code, Some(2), "{}\n{}", out.stdout, out.stderr);
    let line = line_of(GOOD, "DBFile");
    assert!(
        out.stderr.contains(&format!(
            "test.conf, line {line}: [DATABASE] DBFile: data/certs.sqlite is not a SQLite database"
        )),
        "{}",
        out.stderr
    );
    assert!(!out.stdout.contains("\nOK\n"), "{}", out.stdout);
}

/// One mistake at a time; each is reported with file, line, section and key, exit 2.
#[test]
fn each_kind_of_error_names_its_key() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // (key line to replace, replacement, expected "[SECTION] key", message part)
        (
            "SearchKeywords",
            "SearchKeywords = paypal(",
            "[SEARCH] SearchKeywords",
            "",
        ),
        (
            "Brands",
            "Brands = paypal.com",
            "[LOOKALIKE] Brands",
            "one label",
        ),
        (
            "TABLEname",
            "TABLEname = Cert-Mon",
            "[DATABASE] TABLEname",
            "plain identifier",
        ),
        (
            "DBFile",
            "DBFile = afile/certs.sqlite",
            "[DATABASE] DBFile",
            "afile is not a directory",
        ),
        (
            "LogFile",
            "LogFile = afile/csm.log",
            "[LOGGING] LogFile",
            "afile is not a directory",
        ),
        (
            "LogLevel",
            "LogLevel = LOUD",
            "[LOGGING] LogLevel",
            "unknown level",
        ),
        (
            "ACTServer",
            "ACTServer = http://certstream.example/",
            "[SERVER] ACTServer",
            "not a ws://",
        ),
        (
            "Proxy_Port",
            "Proxy_Port = 99999",
            "[SERVER] Proxy_Port",
            "not a TCP port",
        ),
        (
            "Proxy =",
            "Proxy = ftp://su:SOCKSPW3x@127.0.0.1:21",
            "[CONNECT] Proxy",
            "use http://",
        ),
        ("Workers", "Workers = 0", "[CONNECT] Workers", "1 to 1024"),
        (
            "Alerts_dir",
            "Alerts_dir = afile/%%Y",
            "[REPORTING] Alerts_dir",
            "afile is not a directory",
        ),
        (
            "Notification_Destination",
            "Notification_Destination = nosuchscheme://tok:MAILPW7x@x.example/",
            "[REPORTING] Notification_Destination",
            "",
        ),
    ];
    for (key, replacement, named, message) in cases {
        let dir = TempDir::new("check-config-errors");
        dir.write("afile", "a regular file where a directory should be\n");
        let text: String = GOOD
            .lines()
            .map(|l| {
                if l.starts_with(key) {
                    replacement.to_string()
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n";
        dir.write("test.conf", &text);
        let before = tree(dir.path());
        let out = check(&dir, &[]);
        assert_eq!(
            out.code,
            Some(2),
            "{replacement}: {}\n{}",
            out.stdout,
            out.stderr
        );
        let line = line_of(&text, key);
        let want = format!("test.conf, line {line}: {named}: ");
        let hit = out.stderr.lines().find(|l| l.contains(&want));
        let hit = hit.unwrap_or_else(|| panic!("{replacement}: no {want:?} in:\n{}", out.stderr));
        assert!(hit.contains(message), "{replacement}: {hit}");
        assert!(
            !out.stdout.contains("OK\n"),
            "{replacement}: {}",
            out.stdout
        );
        assert_no_secret(&out);
        assert_eq!(tree(dir.path()), before, "{replacement}: files created");
    }
}

/// Several mistakes: every one is reported, not only the first.
#[test]
fn every_error_is_reported() {
    let dir = TempDir::new("check-config-every");
    let text = GOOD
        .replace("LogLevel = INFO", "LogLevel = LOUD")
        .replace("Workers = 8", "Workers = many");
    dir.write("test.conf", &text);
    let out = check(&dir, &[]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("[LOGGING] LogLevel"), "{}", out.stderr);
    assert!(out.stderr.contains("[CONNECT] Workers"), "{}", out.stderr);
}

/// monitor and scan read different keys: `--for monitor` accepts a broken [CONNECT] and a
/// missing Alerts_dir; `--for scan` accepts a broken [SEARCH], [LOGGING] and [SERVER].
/// [DATABASE] is read by both.
#[test]
fn for_checks_only_what_that_subcommand_reads() {
    let dir = TempDir::new("check-config-for");
    let scan_broken = GOOD
        .replace("Workers = 8", "Workers = many")
        .replace("Alerts_dir = alerts/%%Y-%%m-%%d\n", "");
    dir.write("test.conf", &scan_broken);
    let out = check(&dir, &["--for", "monitor"]);
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(!out.stdout.contains("CONNECT."), "{}", out.stdout);
    let out = check(&dir, &["--for", "scan"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    // One error per section reader (each stops at its first): Alerts_dir comes first.
    assert!(
        out.stderr.contains("[REPORTING] Alerts_dir"),
        "{}",
        out.stderr
    );

    let monitor_broken = GOOD
        .replace("SearchKeywords = paypal|login|secure", "SearchKeywords = (")
        .replace("LogLevel = INFO", "LogLevel = LOUD")
        .replace("ACTServer = wss://", "ACTServer = http://");
    dir.write("test.conf", &monitor_broken);
    let out = check(&dir, &["--for", "scan"]);
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(!out.stdout.contains("SEARCH."), "{}", out.stdout);
    let out = check(&dir, &["--for", "monitor"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    for key in [
        "[SEARCH] SearchKeywords",
        "[LOGGING] LogLevel",
        "[SERVER] ACTServer",
    ] {
        assert!(out.stderr.contains(key), "{key}: {}", out.stderr);
    }

    // Both read [DATABASE].
    dir.write(
        "test.conf",
        GOOD.replace("TABLEname = CertMon", "TABLEname = 1x"),
    );
    for what in ["monitor", "scan"] {
        let out = check(&dir, &["--for", what]);
        assert_eq!(out.code, Some(2), "{what}: {}", out.stderr);
        assert!(
            out.stderr.contains("[DATABASE] TABLEname"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn bad_flags_are_usage_errors_and_for_serve_checks_serve() {
    let dir = TempDir::new("check-config-usage");
    dir.write("test.conf", GOOD);
    // `serve` exists now: its defaults are shown (no [SERVE] section needed).
    let out = check(&dir, &["--for", "serve"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stdout.contains("SERVE.Listen = 127.0.0.1:4000"),
        "{}",
        out.stdout
    );
    let out = check(&dir, &["--for", "everything"]);
    assert_eq!(out.code, Some(2));
    let out = run(dir.path(), &["check-config"], None);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("-c/--config"), "{}", out.stderr);
    let out = run(dir.path(), &["check-config", "--help"], None);
    assert_eq!(out.code, Some(0));
    assert!(
        out.stdout.contains("--for monitor|scan|serve"),
        "{}",
        out.stdout
    );
    let out = run(dir.path(), &["--help"], None);
    assert!(out.stdout.contains("check-config"), "{}", out.stdout);
}

/// Direct CT mode: the log list is loaded (embedded, or a file) and `Logs` checked against
/// it without any network request; a URL list is only checked for its syntax.
#[test]
fn direct_ct_log_list_is_checked_offline() {
    let dir = TempDir::new("check-config-ct");
    let ct = |extra: &str| {
        GOOD.replace(
            "ACTServer = wss://wsuser:WSPASS1x@certstream.example/, ws://127.0.0.1:9/",
            "ACTServer = ct://",
        ) + "\n[CTLOGS]\n"
            + extra
    };
    dir.write("test.conf", ct("LogList = embedded\nLogs = all\n"));
    let out = check(&dir, &["--for", "monitor"]);
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("CTLOGS.LogList = embedded"),
        "{}",
        out.stdout
    );
    // CT mode sends LOG MISBEHAVING reports: monitor reads the destinations then.
    assert!(
        out.stdout.contains("REPORTING.Notification_Destination"),
        "{}",
        out.stdout
    );
    assert_no_secret(&out);

    dir.write("list.json", "{ not json");
    dir.write("test.conf", ct("LogList = list.json\n"));
    let out = check(&dir, &["--for", "monitor"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("[CTLOGS] LogList: list.json"),
        "{}",
        out.stderr
    );

    dir.write("test.conf", ct("Logs = No Such Log 2099\n"));
    let out = check(&dir, &["--for", "monitor"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("[CTLOGS] Logs"), "{}", out.stderr);

    // A URL list is not fetched (it names a closed loopback port: nothing is sent anyway).
    dir.write(
        "test.conf",
        ct("LogList = https://lu:LISTPW9x@127.0.0.1:9/log_list.json\n"),
    );
    let out = check(&dir, &["--for", "monitor"]);
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("not fetched"), "{}", out.stdout);
    assert!(!out.stdout.contains("LISTPW9x"), "{}", out.stdout);
    dir.write("test.conf", ct("LogList = https:///log_list.json\n"));
    let out = check(&dir, &["--for", "monitor"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("[CTLOGS] LogList"), "{}", out.stderr);
}

/// The configurations users copy pass: README's example.conf and every examples/*.conf
/// (all relative paths, created under the child's cwd by monitor and scan; not by this).
#[test]
fn shipped_example_configs_pass() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("example.conf")];
    for e in std::fs::read_dir(root.join("examples")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "conf") {
            files.push(p);
        }
    }
    for f in files {
        let dir = TempDir::new("check-config-examples");
        let out = run(
            dir.path(),
            &["check-config", "-c", f.to_str().unwrap()],
            None,
        );
        assert_eq!(out.code, Some(0), "{f:?}: {}\n{}", out.stdout, out.stderr);
        assert!(out.stdout.ends_with("\nOK\n"), "{f:?}: {}", out.stdout);
        assert!(tree(dir.path()).is_empty(), "{f:?}: files created");
    }
}

/// `[HEALTH]` (stall alarms, read by monitor): the default and a set StallAfter, the hook
/// shown by its program only (its arguments may hold a token), a bad StallAfter named.
#[test]
fn health_keys_are_shown_and_checked() {
    let dir = TempDir::new("check-config-health");
    for (section, code, want) in [
        ("", 0, vec!["HEALTH.StallAfter = 900", "HEALTH.Command = (none)"]),
        (
            "\n[HEALTH]\nStallAfter = 1.5\nCommand = /usr/local/bin/stallhook --key=STALLTOK99x\n",
            0,
            vec![
                "HEALTH.StallAfter = 1.5",
                "HEALTH.Command = [command] /usr/local/bin/stallhook (no shell; timeout 30 s: Notification_Timeout)",
            ],
        ),
        (
            "\n[HEALTH]\nStallAfter = soon\n",
            2,
            vec!["test.conf, line LINE: [HEALTH] StallAfter: \"soon\" is not a number of seconds"],
        ),
    ] {
        let text = format!("{GOOD}{section}");
        dir.write("test.conf", &text);
        let out = check(&dir, &["--for", "monitor"]);
        assert_eq!(out.code, Some(code), "{}\n{}", out.stdout, out.stderr);
        for w in want {
            let w = if w.contains("LINE") {
                w.replace("LINE", &line_of(&text, "StallAfter").to_string())
            } else {
                w.to_string()
            };
            assert!(
                out.stdout.lines().any(|l| l == w) || (code != 0 && out.stderr.contains(&w)),
                "{w:?} in:\n{}\n{}",
                out.stdout,
                out.stderr
            );
        }
        assert!(!out.stdout.contains("STALLTOK99x"), "{}", out.stdout);
        assert_no_secret(&out);
    }
}

/// `[LOOKALIKE] MinConfidence` and `AllowFile` are shown; a bad AllowFile line is an error
/// naming the file and the line.
#[test]
fn lookalike_min_confidence_and_allow_file_are_shown_and_checked() {
    let dir = TempDir::new("check-config-allow");
    dir.write(
        "allow.txt",
        "# checked\nshop.example\npaypal-fans.example\n",
    );
    let conf = GOOD.replace(
        "OwnedDomains = paypal.com\n",
        "OwnedDomains = paypal.com\nMinConfidence = high\nAllowFile = allow.txt\n",
    );
    dir.write("test.conf", &conf);
    let out = check(&dir, &[]);
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    for line in [
        "LOOKALIKE.MinConfidence = high",
        "LOOKALIKE.AllowFile = allow.txt (2 entries)",
    ] {
        assert!(
            out.stdout.lines().any(|l| l == line),
            "no line {line:?} in:\n{}",
            out.stdout
        );
    }
    dir.write("allow.txt", "shop.example\nnot/a domain\n");
    let out = check(&dir, &[]);
    assert_eq!(out.code, Some(2), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("allow.txt, line 2: [LOOKALIKE] AllowFile: \"not/a domain\""),
        "{}",
        out.stderr
    );
}

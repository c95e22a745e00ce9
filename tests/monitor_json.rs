//! `monitor --json` and `[LOGGING] StdoutFormat = json`: one JSON object per stored host on
//! stdout, with exactly the values of the stored row, the keyword rules' score and
//! threshold, the lookalike hit, and in direct CT mode the log and the entry index.

mod common;
#[path = "common/ct_harness.rs"]
mod ct_harness;

use common::ctlog::*;
use common::*;
use ct_harness::*;
use serde_json::Value;

fn feed() -> String {
    [
        // score 2 (paypal, login) on both names
        Cert::new(&["paypal-login.json.example", "www.paypal-login.json.example"])
            .with_issuer("/C=US/CN=R3/O=Let's Encrypt")
            .lite(),
        heartbeat(),
        // blacklisted: not stored
        Cert::new(&["secure-login.paypal.com"]).lite(),
        // score 3, hostile characters in the issuer
        Cert::new(&["paypal-login-secure.example"])
            .with_issuer("/CN=Evil \"CA\"\n\u{1b}[31m\\")
            .full(),
        dns_entries(&["login-login-secure.example"]),
    ]
    .iter()
    .map(|m| format!("{m}\n"))
    .collect()
}

fn parse_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect()
}

/// Every JSON object carries exactly its row's values.
fn assert_objects_match_rows(objs: &[Value], rows: &[Row]) {
    assert_eq!(objs.len(), rows.len(), "{objs:?}");
    for (o, r) in objs.iter().zip(rows) {
        assert_eq!(o["Domain"], r.domain.as_str(), "{o}");
        let san: Vec<&str> = o["SAN"]
            .as_array()
            .unwrap_or_else(|| panic!("SAN is a list: {o}"))
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(Some(san.join(", ")), r.san, "{o}");
        assert_eq!(o["Issuer"].as_str(), r.issuer.as_deref(), "{o}");
        assert_eq!(o["Fingerprint"].as_str(), r.fingerprint.as_deref(), "{o}");
        assert_eq!(o["Startime"].as_str(), r.startime.as_deref(), "{o}");
        assert_eq!(o["FirstSeen"].as_str(), r.first_seen.as_deref(), "{o}");
    }
}

#[test]
fn json_flag_prints_the_stored_rows_with_score_and_threshold() {
    let dir = TempDir::new("json-replay");
    dir.write("feed.jsonl", feed());
    let cfg = Conf::default().write(&dir);
    let out = run(
        dir.path(),
        &["monitor", "-c", &cfg, "--replay", "feed.jsonl", "--json"],
        None,
    );
    assert_eq!(out.code, Some(0), "stderr:\n{}", out.stderr);
    let objs = parse_lines(&out.stdout);
    let rows = rows(&dir.join(DB), TABLE);
    assert_eq!(
        rows.iter().map(|r| r.domain.as_str()).collect::<Vec<_>>(),
        [
            "paypal-login.json.example",
            "www.paypal-login.json.example",
            "paypal-login-secure.example",
            "login-login-secure.example",
        ]
    );
    assert_objects_match_rows(&objs, &rows);
    assert_eq!(
        objs[0]["SAN"],
        serde_json::json!(["www.paypal-login.json.example"])
    );
    assert_eq!(objs[3]["SAN"], serde_json::json!([]));
    assert_eq!(objs[2]["Issuer"], "/CN=Evil \"CA\"\n\u{1b}[31m\\");
    // Distinct keyword matches (Python's FindNb) and the threshold.
    let scores: Vec<u64> = objs
        .iter()
        .map(|o| o["Matches"].as_u64().unwrap())
        .collect();
    assert_eq!(scores, [2, 2, 3, 2]);
    for o in &objs {
        assert_eq!(o["Threshold"], 2, "{o}");
        for absent in ["Lookalike", "CTLog", "Index"] {
            assert!(o.get(absent).is_none(), "{o}");
        }
    }
}

#[test]
fn text_is_still_the_default_and_stdout_format_json_equals_the_flag() {
    // Text: the contract line, as before.
    let dir = TempDir::new("json-text");
    dir.write("feed.jsonl", feed());
    let cfg = Conf::default().write(&dir);
    let out = run(
        dir.path(),
        &["monitor", "-c", &cfg, "--replay", "feed.jsonl"],
        None,
    );
    assert_eq!(out.code, Some(0), "stderr:\n{}", out.stderr);
    let text_rows = rows(&dir.join(DB), TABLE);
    assert_eq!(out.stdout.lines().count(), 4, "{}", out.stdout);
    for (line, r) in out.stdout.lines().zip(&text_rows) {
        assert!(!line.starts_with('{'), "{line}");
        let body = split_match_line(line).1;
        assert!(body.starts_with(&format!("{} (SAN: ", r.domain)), "{body}");
    }
    // `StdoutFormat = text` explicitly: the same.
    let dir = TempDir::new("json-text2");
    dir.write("feed.jsonl", feed());
    let text = Conf::default()
        .render()
        .replace("[LOGGING]\n", "[LOGGING]\nStdoutFormat = Text\n");
    dir.write("test.conf", text);
    let out2 = run(
        dir.path(),
        &["monitor", "-c", "test.conf", "--replay", "feed.jsonl"],
        None,
    );
    assert_eq!(out2.code, Some(0), "stderr:\n{}", out2.stderr);
    assert_eq!(out2.stdout.lines().count(), 4);
    assert!(
        out2.stdout.lines().all(|l| l.starts_with('[')),
        "{}",
        out2.stdout
    );

    // `StdoutFormat = json` in the config: JSON like --json.
    let dir = TempDir::new("json-conf");
    dir.write("feed.jsonl", feed());
    let text = Conf::default()
        .render()
        .replace("[LOGGING]\n", "[LOGGING]\nStdoutFormat = json\n");
    dir.write("test.conf", text);
    let out = run(
        dir.path(),
        &["monitor", "-c", "test.conf", "--replay", "feed.jsonl"],
        None,
    );
    assert_eq!(out.code, Some(0), "stderr:\n{}", out.stderr);
    let objs = parse_lines(&out.stdout);
    assert_objects_match_rows(&objs, &rows(&dir.join(DB), TABLE));
    assert_eq!(objs.len(), 4);
}

#[test]
fn bad_stdout_format_is_a_config_error_naming_the_key() {
    let dir = TempDir::new("json-bad");
    dir.write("feed.jsonl", feed());
    let text = Conf::default()
        .render()
        .replace("[LOGGING]\n", "[LOGGING]\nStdoutFormat = xml\n");
    dir.write("test.conf", text);
    let out = run(
        dir.path(),
        &["monitor", "-c", "test.conf", "--replay", "feed.jsonl"],
        None,
    );
    assert_eq!(out.code, Some(2), "stderr:\n{}", out.stderr);
    assert!(out.stderr.contains("StdoutFormat"), "{}", out.stderr);
    assert!(out.stderr.contains("LOGGING"), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[test]
fn lookalike_hits_carry_brand_technique_and_distance() {
    let dir = TempDir::new("json-lookalike");
    dir.write(
        "feed.jsonl",
        [
            Cert::new(&["paypal-login.example"]).lite(),
            Cert::new(&["xn--pple-43d.com"]).lite(),
            Cert::new(&["pyapal.example"]).lite(),
        ]
        .iter()
        .map(|m| format!("{m}\n"))
        .collect::<String>(),
    );
    let mut conf = Conf::default().render();
    conf += "\n[LOOKALIKE]\nEnabled = yes\nBrands = paypal, apple\nOwnedDomains = paypal.com, apple.com\n";
    dir.write("test.conf", conf);
    let out = run(
        dir.path(),
        &[
            "monitor",
            "-c",
            "test.conf",
            "--replay",
            "feed.jsonl",
            "--json",
        ],
        None,
    );
    assert_eq!(out.code, Some(0), "stderr:\n{}", out.stderr);
    let objs = parse_lines(&out.stdout);
    assert_objects_match_rows(&objs, &rows(&dir.join(DB), TABLE));
    assert!(
        objs[0].get("Lookalike").is_none(),
        "a rules match: {}",
        objs[0]
    );
    assert_eq!(objs[0]["Matches"], 2);
    assert_eq!(
        objs[1]["Lookalike"],
        serde_json::json!({"Brand": "apple", "Technique": "idn-homoglyph", "Distance": 0, "Confidence": "high"})
    );
    assert_eq!(objs[1]["Matches"], 0);
    assert_eq!(
        objs[2]["Lookalike"],
        serde_json::json!({"Brand": "paypal", "Technique": "typo", "Distance": 1, "Confidence": "medium"})
    );
}

#[test]
fn direct_ct_mode_names_the_log_and_the_entry_index() {
    let dir = TempDir::new("json-ct");
    let tcs = vec![
        Tc::x509("nothing-here.example", &[], NB),
        Tc::x509(
            "paypal-login-a.example",
            &["www.paypal-login-a.example"],
            NB,
        ),
        Tc::x509("plain.example", &[], NB),
        Tc::x509("secure-login-b.example", &[], NB + DAY),
    ];
    let log = FakeLog::rfc6962(entries_of(&tcs));
    // Credentials in the configured URL must not reach stdout.
    let url = log.url().replace("http://", "http://ctuser:s3cretPW@");
    dir.write("test.conf", ct_conf_text(&dir, &[url], &beginning()));
    let mut p = Proc::spawn(
        dir.path(),
        &["monitor", "-c", "test.conf", "--json"],
        &[],
        None,
    );
    wait_next(&p, &db_of(&dir), &log, tcs.len() as u64);
    stop_ok(&mut p);
    let stdout = p.stdout();
    assert!(!stdout.contains("s3cretPW"), "{stdout}");
    let objs = parse_lines(&stdout);
    let rows = rows(&db_of(&dir), TABLE);
    assert_objects_match_rows(&objs, &rows);
    let got: Vec<(&str, u64)> = objs
        .iter()
        .map(|o| (o["Domain"].as_str().unwrap(), o["Index"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            // certstream's all_domains order: SAN dNSNames, then the CN
            ("www.paypal-login-a.example", 1),
            ("paypal-login-a.example", 1),
            ("secure-login-b.example", 3)
        ]
    );
    let shown = log.url().replace("http://", "http://***@");
    for o in &objs {
        assert_eq!(o["CTLog"]["URL"], shown.as_str(), "{o}");
        assert!(o["CTLog"]["Description"].is_string(), "{o}");
    }
}

#[test]
fn check_config_shows_and_checks_stdout_format() {
    let dir = TempDir::new("json-check");
    for (value, code, want) in [
        (None, 0, "LOGGING.StdoutFormat = text"),
        (Some("JSON"), 0, "LOGGING.StdoutFormat = json"),
        (Some("xml"), 2, "[LOGGING] StdoutFormat"),
    ] {
        let mut text = Conf::default().render();
        if let Some(v) = value {
            text = text.replace("[LOGGING]\n", &format!("[LOGGING]\nStdoutFormat = {v}\n"));
        }
        dir.write("test.conf", text);
        let out = run(
            dir.path(),
            &["check-config", "-c", "test.conf", "--for", "monitor"],
            None,
        );
        assert_eq!(out.code, Some(code), "{}\n{}", out.stdout, out.stderr);
        assert!(
            out.stdout.lines().any(|l| l == want) || (code != 0 && out.stderr.contains(want)),
            "{want:?} in:\n{}\n{}",
            out.stdout,
            out.stderr
        );
    }
}

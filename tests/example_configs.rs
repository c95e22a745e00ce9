//! The configs under `examples/` (what a user copies) stay valid: every key they set is a
//! key `example.conf` documents in the same section (unknown keys are otherwise silently
//! ignored), and the binary accepts each whole file in every subcommand that can run
//! without leaving the machine: `check-rules` ([SEARCH], [LOOKALIKE]), `monitor --replay`
//! of the shipped sample ([DATABASE], [LOGGING]) and `scan` on an empty DB ([CONNECT],
//! [ENRICH], [REPORTING] with its notification destinations checked at start,
//! [SAFEBROWSING]; no host stored, so nothing is probed and nothing is sent).

mod common;

use common::{run, TempDir};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Every `examples/*.conf`, sorted.
fn example_configs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo_file("examples"))
        .expect("examples/")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .collect();
    v.sort();
    v
}

/// (section, lower-case key) of every `key = value` / `key: value` line; with
/// `commented`, also of `#key = value` lines (example.conf documents optional keys so).
fn keys(text: &str, commented: bool) -> BTreeSet<(String, String)> {
    let mut section = String::new();
    let mut out = BTreeSet::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_string();
            continue;
        }
        if line.starts_with([' ', '\t']) {
            continue; // continuation of a value
        }
        let line = match line.strip_prefix('#') {
            Some(rest) if commented => rest,
            Some(_) => continue,
            None if line.starts_with(';') => continue,
            None => line,
        };
        let Some(end) = line.find(['=', ':']) else {
            continue;
        };
        let key = line[..end].trim();
        if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.insert((section.clone(), key.to_ascii_lowercase()));
        }
    }
    out
}

#[test]
fn the_user_examples_exist() {
    let names: Vec<String> = example_configs()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for want in ["notifications.conf", "tor-scan.conf"] {
        assert!(
            names.iter().any(|n| n == want),
            "examples/{want} missing: {names:?}"
        );
    }
}

#[test]
fn example_configs_only_use_documented_keys() {
    let documented = keys(
        &std::fs::read_to_string(repo_file("example.conf")).unwrap(),
        true,
    );
    for path in example_configs() {
        let used = keys(&std::fs::read_to_string(&path).unwrap(), false);
        assert!(!used.is_empty(), "{}: no keys read", path.display());
        let unknown: Vec<_> = used.difference(&documented).collect();
        assert!(
            unknown.is_empty(),
            "{}: keys example.conf does not document (typo, or wrong section): {unknown:?}",
            path.display()
        );
    }
}

/// A scratch directory holding a copy of `conf` (its relative ./data/ paths land there).
fn scratch(conf: &Path) -> (TempDir, String) {
    let name = conf.file_name().unwrap().to_string_lossy().into_owned();
    let dir = TempDir::new(&format!("example-{}", name.trim_end_matches(".conf")));
    std::fs::copy(conf, dir.join(&name)).unwrap();
    (dir, name)
}

#[test]
fn example_configs_pass_check_rules() {
    for path in example_configs() {
        let (dir, conf) = scratch(&path);
        let out = run(
            dir.path(),
            &["check-rules", "-c", &conf, "-d", "paypal-login-secure.com"],
            None,
        );
        assert_eq!(out.code, Some(0), "{conf}: {out:?}");
        assert!(
            out.stdout.contains("Looking for these strings"),
            "{conf}: {out:?}"
        );
    }
}

#[test]
fn example_configs_replay_the_sample() {
    let sample = repo_file("samples/certstream-sample.jsonl");
    for path in example_configs() {
        let (dir, conf) = scratch(&path);
        let out = run(
            dir.path(),
            &["-c", &conf, "--replay", sample.to_str().unwrap()],
            None,
        );
        assert_eq!(out.code, Some(0), "{conf}: {out:?}");
        assert!(
            out.stdout.lines().any(|l| l.starts_with('[')),
            "{conf}: its rules matched nothing of the sample: {out:?}"
        );
    }
}

#[test]
fn example_configs_pass_scan_on_an_empty_db() {
    for path in example_configs() {
        let (dir, conf) = scratch(&path);
        let out = run(dir.path(), &["scan", "-c", &conf], None);
        assert_eq!(out.code, Some(0), "{conf}: {out:?}");
        assert!(
            out.stdout.contains("Scan finished: 0 probed"),
            "{conf}: {out:?}"
        );
    }
}

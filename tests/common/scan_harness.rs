//! Helpers of the `scan` integration tests (`tests/scan.rs`, `tests/scan_network.rs`,
//! `tests/scan_workers.rs`): the child's time zone, the config they write (`Ini`), seeding the
//! DB, running `scan` and reading its console, alert files and marks, and the loopback sites.
//! Included by those files as `#[path = "common/scan_harness.rs"] mod scan_harness;` next to
//! `mod common;` (not declared in `common/mod.rs`, so other test binaries don't compile it).
#![allow(dead_code)]

use crate::common::sites::*;
use crate::common::{
    find, fingerprint_of, iso, now, parse_iso, rows, run_env, Out, TempDir, DB, TABLE,
};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

/// The child's time zone (POSIX `TZ`) and its offset from UTC in seconds: UTC-12 before noon
/// UTC, UTC+12 after, so the local date always differs from the UTC date and a date taken
/// from the wrong clock (local for StillInvestig and "Stop checking on", UTC for Alerts_dir)
/// fails the tests.
pub fn tz() -> (&'static str, i64) {
    static TZ: std::sync::OnceLock<(&'static str, i64)> = std::sync::OnceLock::new();
    *TZ.get_or_init(|| {
        if now().rem_euclid(DAY) < 12 * 3600 {
            ("CSM+12", -12 * 3600)
        } else {
            ("CSM-12", 12 * 3600)
        }
    })
}

pub const UA: &str = "certstreammonitor-test/1.0 (http_UA)";
pub const CONF: &str = "scan.conf";
pub const DAY: i64 = 86_400;

// ---------------------------------------------------------------------------------------
// Config

/// An INI file as ordered sections of ordered `key = value` lines.
#[derive(Clone, Debug)]
pub struct Ini(pub Vec<(String, Vec<(String, String)>)>);

impl Ini {
    pub fn set(mut self, section: &str, key: &str, value: impl Into<String>) -> Ini {
        let value = value.into();
        let idx = match self.0.iter().position(|(s, _)| s == section) {
            Some(i) => i,
            None => {
                self.0.push((section.to_string(), Vec::new()));
                self.0.len() - 1
            }
        };
        let keys = &mut self.0[idx].1;
        match keys.iter_mut().find(|(k, _)| k == key) {
            Some(kv) => kv.1 = value,
            None => keys.push((key.to_string(), value)),
        }
        self
    }

    pub fn without(mut self, section: &str, key: &str) -> Ini {
        for (s, keys) in &mut self.0 {
            if s == section {
                keys.retain(|(k, _)| k != key);
            }
        }
        self
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for (s, keys) in &self.0 {
            out += &format!("[{s}]\n");
            for (k, v) in keys {
                out += &format!("{k} = {v}\n");
            }
            out.push('\n');
        }
        out
    }

    pub fn write(&self, dir: &TempDir) -> String {
        dir.write(CONF, self.render());
        self.render()
    }
}

/// What every scan test starts from: the DB in `data/`, alerts under
/// `alerts/%Y/%m/%d` (after `%%` interpolation), the test CA trusted, a 2 s timeout.
pub fn base_conf(pki: &Pki, resolve: &[String]) -> Ini {
    Ini(Vec::new())
        .set("DATABASE", "DBFile", DB)
        .set("DATABASE", "TABLEname", TABLE)
        .set("LOGGING", "LogType", "stderr")
        .set("LOGGING", "LogLevel", "INFO")
        .set("REPORTING", "Alerts_dir", "alerts/%%Y/%%m/%%d")
        .set("REPORTING", "Alert_Monitor_timelapse", "180")
        .set("CONNECT", "http_UA", UA)
        .set("CONNECT", "Timeout", "2")
        .set("CONNECT", "Workers", "8")
        .set("CONNECT", "CAFile", pki.ca_pem.display().to_string())
        .set("CONNECT", "Resolve", resolve.join(", "))
}

// ---------------------------------------------------------------------------------------
// DB

pub struct Seed {
    pub domain: String,
    pub fp: Option<String>,
    pub first_seen: Option<String>,
    pub still: Option<String>,
}

/// A host first seen an hour ago, not yet investigated.
pub fn fresh(domain: &str) -> Seed {
    Seed {
        domain: domain.into(),
        fp: Some(fingerprint_of(domain)),
        first_seen: Some(iso(now() - 3600)),
        still: None,
    }
}

pub fn seed(dir: &TempDir, rows: &[Seed]) {
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let c = rusqlite::Connection::open(dir.join(DB)).unwrap();
    c.execute_batch(&crate::common::original_ddl(TABLE))
        .unwrap();
    for r in rows {
        c.execute(
            "INSERT INTO CertMon (Domain, SAN, Issuer, Fingerprint, Startime, FirstSeen, StillInvestig) VALUES (?1, '', '/C=US/CN=R3/O=Let''s Encrypt', ?2, '2024-01-01T00:00:00', ?3, ?4)",
            rusqlite::params![r.domain, r.fp, r.first_seen, r.still],
        )
        .unwrap();
    }
}

pub fn still_of(dir: &TempDir, domain: &str) -> Option<String> {
    find(&rows(&dir.join(DB), TABLE), domain).still.clone()
}

// ---------------------------------------------------------------------------------------
// Running scan

pub struct ScanRun {
    pub out: Out,
    pub t0: i64,
    pub t1: i64,
    pub secs: f64,
}

pub fn scan_env(dir: &TempDir, args: &[&str], env: &[(&str, &str)]) -> ScanRun {
    let mut full = vec!["scan", "-c", CONF];
    full.extend_from_slice(args);
    let mut envs = vec![("TZ", tz().0)];
    envs.extend_from_slice(env);
    let (t0, start) = (now(), Instant::now());
    let out = run_env(dir.path(), &full, &envs, None);
    let run = ScanRun {
        out,
        t0,
        t1: now(),
        secs: start.elapsed().as_secs_f64(),
    };
    // SCAN_TEST_SHOW=1 cargo test --test scan -- --nocapture: every run's output.
    if std::env::var_os("SCAN_TEST_SHOW").is_some() {
        eprintln!(
            "=== scan {args:?} in {} ({:.1} s, exit {:?})\n{}--- stderr ---\n{}",
            dir.path().display(),
            run.secs,
            run.out.code,
            plain(&run.out.stdout),
            run.out.stderr
        );
    }
    run
}

pub fn scan(dir: &TempDir, args: &[&str]) -> ScanRun {
    scan_env(dir, args, &[])
}

impl ScanRun {
    pub fn ok(&self) -> &Self {
        assert_eq!(
            self.out.code,
            Some(0),
            "scan failed\nstdout:\n{}\nstderr:\n{}",
            self.out.stdout,
            self.out.stderr
        );
        self
    }
    pub fn console(&self) -> Vec<(String, String)> {
        console(&self.out.stdout)
    }
    pub fn has(&self, label: &str, msg: &str) -> bool {
        self.console().iter().any(|(l, m)| l == label && m == msg)
    }
    pub fn assert_has(&self, label: &str, msg: &str) {
        assert!(
            self.has(label, msg),
            "no {label} line {msg:?} in stdout:\n{}",
            plain(&self.out.stdout)
        );
    }
    /// `Alerts_dir` as the run must have expanded it (local date, see [`tz`]), for either end of
    /// the run (a run may straddle midnight).
    pub fn local_dirs(&self) -> Vec<String> {
        let mut v: Vec<String> = [self.t0, self.t1]
            .iter()
            .map(|t| format!("alerts/{}", iso(t + tz().1)[..10].replace('-', "/")))
            .collect();
        v.dedup();
        v
    }
    pub fn utc_dates(&self) -> Vec<String> {
        let mut v: Vec<String> = [self.t0, self.t1]
            .iter()
            .map(|t| iso(*t)[..10].to_string())
            .collect();
        v.dedup();
        v
    }
    /// Whether `still` is UTC ISO seconds taken during the run.
    pub fn assert_marked_during(&self, still: Option<&str>, what: &str) {
        let s = still.unwrap_or_else(|| panic!("{what}: StillInvestig is NULL"));
        let t = parse_iso(s)
            .unwrap_or_else(|| panic!("{what}: StillInvestig {s:?} is not YYYY-MM-DDTHH:MM:SS"));
        assert!(
            self.t0 <= t && t <= self.t1,
            "{what}: StillInvestig {s} is not UTC now ({} .. {})",
            iso(self.t0),
            iso(self.t1)
        );
    }
    /// The `Scan finished: …` numbers.
    pub fn summary(&self) -> [u64; 5] {
        let line = plain(&self.out.stdout)
            .lines()
            .rev()
            .find(|l| l.starts_with("Scan finished: "))
            .map(str::to_string);
        let line =
            line.unwrap_or_else(|| panic!("no summary line in stdout:\n{}", self.out.stdout));
        let re = regex::Regex::new(r"^Scan finished: (\d+) probed, (\d+) up, (\d+) down, (\d+) expired, (\d+) skipped in \d+\.\d s$").unwrap();
        let c = re
            .captures(&line)
            .unwrap_or_else(|| panic!("summary line {line:?}"));
        [1, 2, 3, 4, 5].map(|i| c[i].parse().unwrap())
    }
}

/// Stdout without colour codes.
pub fn plain(s: &str) -> String {
    regex::Regex::new("\x1b\\[[0-9;]*m")
        .unwrap()
        .replace_all(s, "")
        .into_owned()
}

/// `(label, message)` per stdout line: `HH:MM:SS - LABEL - message` lines of the original's
/// console (colour codes removed); other lines as `("", line)`.
pub fn console(stdout: &str) -> Vec<(String, String)> {
    let re = regex::Regex::new(r"^\d{2}:\d{2}:\d{2} - ([A-Z]+) - (.*)$").unwrap();
    plain(stdout)
        .lines()
        .map(|l| match re.captures(l) {
            Some(c) => (c[1].to_string(), c[2].to_string()),
            None => (String::new(), l.to_string()),
        })
        .collect()
}

/// Every file under `dir/alerts`, relative to `dir`, sorted.
pub fn alert_files(dir: &TempDir) -> Vec<String> {
    fn walk(base: &Path, d: &Path, out: &mut Vec<String>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir.path(), &dir.join("alerts"), &mut out);
    out.sort();
    out
}

/// The alert file of `host` (flat layout), parsed.
pub fn alert_of(dir: &TempDir, host: &str) -> Option<Value> {
    let name = format!("/{host}.json");
    let f = alert_files(dir).into_iter().find(|f| f.ends_with(&name))?;
    Some(serde_json::from_slice(&std::fs::read(dir.join(&f)).unwrap()).unwrap())
}

/// Compare the file at `actual` with `expected`, written beside it as `expected/<name>` so
/// that a failing test leaves both for inspection.
pub fn assert_same_file(dir: &TempDir, actual: &Path, expected: &str) {
    let exp_path = dir.join("expected").join(actual.file_name().unwrap());
    std::fs::create_dir_all(exp_path.parent().unwrap()).unwrap();
    std::fs::write(&exp_path, expected).unwrap();
    let got = std::fs::read(actual).unwrap_or_else(|e| panic!("{}: {e}", actual.display()));
    let want = std::fs::read(&exp_path).unwrap();
    assert!(
        got == want,
        "{} differs from {}:\n--- got ---\n{}\n--- want ---\n{}",
        actual.display(),
        exp_path.display(),
        String::from_utf8_lossy(&got),
        expected
    );
}

// ---------------------------------------------------------------------------------------
// Sites

/// One HTTPS site on 127.0.0.1 serving `pages` by Host (a default page for other hosts),
/// with a certificate for every name in `pages` plus `extra_names`.
pub fn site(pki: &Pki, pages: Vec<(&str, Reply)>, extra_names: &[&str]) -> Site {
    let mut names: Vec<&str> = pages.iter().map(|(h, _)| *h).collect();
    names.extend_from_slice(extra_names);
    let map: HashMap<String, Reply> = pages.into_iter().map(|(h, r)| (h.to_string(), r)).collect();
    Site::start(pki.acceptor(&names), move |req| {
        map.get(&req.host)
            .cloned()
            .unwrap_or_else(|| Reply::page(200, &format!("default {}", req.host)))
    })
}

pub fn resolve_all(site: &Site, names: &[&str]) -> Vec<String> {
    names.iter().map(|n| site.resolve(n)).collect()
}

pub fn skip_note() {
    eprintln!("skipped: needs the openssl CLI");
}

//! Helpers of the direct-CT integration tests (`tests/ct_logs.rs`, `tests/ct_faults.rs`):
//! the `[CTLOGS]` config they write, the certificates they log and the rows, stdout lines
//! and positions the monitor must make of them, and readers of the `CTLogs` table.
//! Included by those files as `#[path = "common/ct_harness.rs"] mod ct_harness;` next to
//! `mod common;` (not declared in `common/mod.rs`, so other test binaries don't compile it).
#![allow(dead_code)]

use crate::common::ctlog::*;
use crate::common::der::*;
use crate::common::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub const NB: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
pub const DAY: i64 = 86_400;

// ---------------------------------------------------------------------------------------
// Config

/// A v3 log list with no logs, dated now (so it is neither stale nor fetched).
pub fn empty_log_list() -> String {
    format!(
        r#"{{"version":"1","log_list_timestamp":"{}Z","operators":[]}}"#,
        iso(now())
    )
}

/// `[CTLOGS]` settings beyond `LogList` (always a file) and `PollInterval` (0.2).
#[derive(Default, Clone)]
pub struct Ct {
    pub start_at: Option<&'static str>,
    pub batch_size: Option<&'static str>,
}

pub fn ct_conf_text(dir: &TempDir, logs: &[String], ct: &Ct) -> String {
    let conf = Conf {
        servers: vec!["ct://".into()],
        ..Conf::default()
    };
    let list = dir.write("loglist.json", empty_log_list());
    let mut text = conf.render();
    text += &format!(
        "\n[CTLOGS]\nLogList = {}\nLogs = {}\nPollInterval = 0.2\n",
        list.display(),
        logs.join(", ")
    );
    if let Some(s) = ct.start_at {
        text += &format!("StartAt = {s}\n");
    }
    if let Some(b) = ct.batch_size {
        text += &format!("BatchSize = {b}\n");
    }
    text
}

/// Write `test.conf` following `logs`; returns its name (relative to `dir`).
pub fn write_conf(dir: &TempDir, logs: &[&FakeLog], ct: &Ct) -> String {
    let items: Vec<String> = logs.iter().map(|l| l.logs_item()).collect();
    dir.write("test.conf", ct_conf_text(dir, &items, ct));
    "test.conf".into()
}

pub fn beginning() -> Ct {
    Ct {
        start_at: Some("beginning"),
        ..Ct::default()
    }
}

pub fn db_of(dir: &TempDir) -> PathBuf {
    dir.join(DB)
}

// ---------------------------------------------------------------------------------------
// Certificates and what the monitor must make of them

/// The rules of `Conf::default()`: two of paypal/login/secure, not ending in paypal.com.
pub fn matches(host: &str) -> bool {
    let score = ["paypal", "login", "secure"]
        .iter()
        .filter(|k| host.contains(*k))
        .count();
    score >= 2 && !host.ends_with("paypal.com")
}

/// A leaf issued by C=US, O=Let's Encrypt, CN=R3, valid from `nb` for 90 days.
pub fn leaf(cn: Option<&str>, sans: &[&str], nb: i64) -> CertBuilder {
    let mut b = CertBuilder::new()
        .serial(&[0x03, 0x5A, 0x1F, 0x77, 0x20, 0xC4, 0x9E, 0x01, 0x42])
        .issuer_le("R3")
        .validity(nb, nb + 90 * DAY);
    if let Some(cn) = cn {
        b = b.subject_cn(cn);
    }
    b.basic_constraints(false).dns_names(sans)
}

/// One log entry and the certstream view of it.
#[derive(Clone, Debug)]
pub struct Tc {
    pub entry: Entry,
    /// all_domains in certstream order: SAN dNSNames, then the CN if not among them.
    pub names: Vec<String>,
    pub subject: String,
    pub issuer: String,
    pub nb: i64,
}

/// One row (and stdout line) the monitor must produce.
#[derive(Clone, Debug, PartialEq)]
pub struct Want {
    pub domain: String,
    pub san: String,
    pub issuer: String,
    pub fingerprint: String,
    pub startime: String,
}

impl Tc {
    pub fn new(entry: Entry, cn: Option<&str>, sans: &[&str], issuer: &str, nb: i64) -> Tc {
        let mut names: Vec<String> = Vec::new();
        for n in sans.iter().copied().chain(cn) {
            if !names.iter().any(|x| x == n) {
                names.push(n.to_string());
            }
        }
        Tc {
            entry,
            names,
            subject: format!("/CN={}", cn.unwrap_or("")),
            issuer: issuer.into(),
            nb,
        }
    }

    pub fn x509(cn: &str, sans: &[&str], nb: i64) -> Tc {
        Tc::new(
            Entry::x509(&leaf(Some(cn), sans, nb)),
            Some(cn),
            sans,
            LE_ISSUER,
            nb,
        )
    }

    pub fn precert(cn: &str, sans: &[&str], nb: i64) -> Tc {
        Tc::new(
            Entry::precert(&leaf(Some(cn), sans, nb)),
            Some(cn),
            sans,
            LE_ISSUER,
            nb,
        )
    }

    pub fn fingerprint(&self) -> String {
        self.entry.fingerprint()
    }

    pub fn wants(&self) -> Vec<Want> {
        self.names
            .iter()
            .filter(|h| matches(h))
            .map(|h| Want {
                domain: h.clone(),
                san: self
                    .names
                    .iter()
                    .filter(|n| *n != h)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
                issuer: self.issuer.clone(),
                fingerprint: self.fingerprint(),
                startime: iso(self.nb),
            })
            .collect()
    }

    /// The same certificate as a certstream message would describe it.
    pub fn cert(&self) -> Cert {
        let mut c = Cert::new(&self.names.iter().map(String::as_str).collect::<Vec<_>>());
        c.subject = self.subject.clone();
        c.issuer = self.issuer.clone();
        c.fingerprint = self.fingerprint();
        c.not_before = serde_json::json!(self.nb);
        c
    }
}

/// Rows for a sequence of entries read in order; a host already stored is not stored again.
pub fn wants_of(tcs: &[Tc]) -> Vec<Want> {
    let mut seen = BTreeSet::new();
    tcs.iter()
        .flat_map(Tc::wants)
        .filter(|w| seen.insert(w.domain.clone()))
        .collect()
}

pub fn entries_of(tcs: &[Tc]) -> Vec<Entry> {
    tcs.iter().map(|t| t.entry.clone()).collect()
}

pub fn assert_rows(rows: &[Row], want: &[Want], t0: i64, t1: i64) {
    let got: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.domain.clone(),
                r.san.clone(),
                r.issuer.clone(),
                r.fingerprint.clone(),
                r.startime.clone(),
                r.still.clone(),
            )
        })
        .collect();
    let exp: Vec<_> = want
        .iter()
        .map(|w| {
            (
                w.domain.clone(),
                Some(w.san.clone()),
                Some(w.issuer.clone()),
                Some(w.fingerprint.clone()),
                Some(w.startime.clone()),
                None,
            )
        })
        .collect();
    assert_eq!(got, exp, "DB rows");
    for r in rows {
        let fs = r
            .first_seen
            .as_deref()
            .and_then(parse_iso)
            .unwrap_or_else(|| panic!("FirstSeen of {}: {:?}", r.domain, r.first_seen));
        assert!(
            fs >= t0 - 1 && fs <= t1 + 1,
            "FirstSeen {:?} of {} outside the run [{}, {}]",
            r.first_seen,
            r.domain,
            iso(t0),
            iso(t1)
        );
    }
}

pub fn bodies(stdout: &str) -> Vec<String> {
    stdout.lines().map(|l| split_match_line(l).1).collect()
}

pub fn assert_stdout(stdout: &str, want: &[Want]) {
    let exp: Vec<String> = want
        .iter()
        .map(|w| match_body(&w.domain, &w.san, &w.issuer, &w.fingerprint, &w.startime))
        .collect();
    assert_eq!(bodies(stdout), exp, "stdout lines");
}

/// Host of a stdout line.
pub fn host_of(line: &str) -> String {
    split_match_line(line)
        .1
        .split(" (SAN: ")
        .next()
        .unwrap()
        .to_string()
}

// ---------------------------------------------------------------------------------------
// CTLogState

#[derive(Debug, Clone, PartialEq)]
pub struct CtRow {
    pub log_id: String,
    pub url: Option<String>,
    pub next: i64,
    pub tree_size: Option<i64>,
    pub updated_at: Option<String>,
}

pub fn ct_rows(db: &Path) -> Vec<CtRow> {
    let Some(c) = open_rw(db) else {
        return Vec::new();
    };
    let Ok(mut st) = c.prepare(
        "SELECT LogID, URL, NextIndex, TreeSize, UpdatedAt FROM CTLogState ORDER BY LogID",
    ) else {
        return Vec::new();
    };
    let rows = st
        .query_map([], |r| {
            Ok(CtRow {
                log_id: r.get(0)?,
                url: r.get(1)?,
                next: r.get(2)?,
                tree_size: r.get(3)?,
                updated_at: r.get(4)?,
            })
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

pub fn ct_row(db: &Path, log: &FakeLog) -> Option<CtRow> {
    ct_rows(db).into_iter().find(|r| r.log_id == log.log_id())
}

pub fn next_index(db: &Path, log: &FakeLog) -> Option<i64> {
    ct_row(db, log).map(|r| r.next)
}

/// Wait until the log's NextIndex is `want`; panics with the monitor's stderr otherwise.
pub fn wait_next(p: &Proc, db: &Path, log: &FakeLog, want: u64) {
    let ok = wait_until(WAIT, || next_index(db, log) == Some(want as i64));
    assert!(
        ok,
        "NextIndex of {} is {:?}, expected {want}; stderr:\n{}",
        log.url(),
        next_index(db, log),
        p.stderr()
    );
}

/// SIGTERM and a clean exit, returning the stderr.
pub fn stop_ok(p: &mut Proc) -> String {
    let st = p.stop();
    assert_eq!(st.code(), Some(0), "stderr:\n{}", p.stderr());
    p.stderr()
}

// ---------------------------------------------------------------------------------------
// 2. Tiled log

/// Entry `i` of a generated log: every 7th matches (unique name), x509 and precert alternating.
pub fn generated(tag: &str, i: u64) -> Tc {
    let nb = NB + (i as i64 % 50) * 3600;
    let (cn, other) = if i % 7 == 3 {
        (
            format!("paypal-login-{tag}{i}.example"),
            format!("static-{tag}{i}.example"),
        )
    } else {
        (
            format!("plain-{tag}{i}.example"),
            format!("www.plain-{tag}{i}.example"),
        )
    };
    if i.is_multiple_of(2) {
        Tc::x509(&cn, &[&cn, &other], nb)
    } else {
        Tc::precert(&cn, &[&cn, &other], nb)
    }
}

pub fn generate(tag: &str, range: std::ops::Range<u64>) -> Vec<Tc> {
    range.map(|i| generated(tag, i)).collect()
}

//! The matcher: decodes each message into certificate records, runs the rules (and the
//! lookalike engine) on every name, stores a match and prints its stdout line; plus the
//! counters both monitor modes report.

use crate::certificate::{display_safe, CertificateRecord};
use crate::clock;
use crate::db::{Database, DbError, NewHost};
use crate::detect::lookalike::{Lookalike, LookalikeHit, Technique};
use crate::detect::rules::{Rules, Verdict};
use crate::logging;
use crate::monitor::certstream_wire::{parse_message, CertstreamMessage};
use crate::monitor::reload::Reloaded;
use crate::shutdown;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What happened, for the periodic stats line and the benchmark.
#[derive(Debug, Default)]
pub struct Counters {
    pub messages: AtomicU64,
    pub certificates: AtomicU64,
    pub names: AtomicU64,
    pub matches: AtomicU64,
    pub stored: AtomicU64,
    pub known: AtomicU64,
    pub below_threshold: AtomicU64,
    pub blacklisted: AtomicU64,
    pub malformed: AtomicU64,
    /// Oversize or non-UTF-8 messages refused by the source.
    pub rejected: AtomicU64,
    /// Times the matcher made no progress for [`STALL_AFTER`](crate::monitor::STALL_AFTER) (the source waited meanwhile).
    pub stalls: AtomicU64,
    pub db_errors: AtomicU64,
    /// Names stored because the lookalike engine flagged them (the rules did not).
    pub lookalikes: AtomicU64,
    /// [`Self::lookalikes`] by technique, in the order of [`Technique::ALL`].
    pub lookalike_techniques: [AtomicU64; Technique::ALL.len()],
    /// Unix milliseconds of the last certificate handled (any source); 0 = none yet.
    pub last_certificate_ms: AtomicU64,
    /// The certstream connection, when that is the source.
    pub certstream: CertstreamStatus,
}

/// The certstream connection as metrics and stall alarms see it.
#[derive(Debug, Default)]
pub struct CertstreamStatus {
    /// Connected and upgraded to a server now.
    pub up: AtomicBool,
    /// Connections made (the first one included).
    pub connections: AtomicU64,
    /// Connections lost or refused (each one is followed by a retry).
    pub disconnects: AtomicU64,
    /// Unix milliseconds of the last data message received; 0 = none yet.
    pub last_message_ms: AtomicU64,
}

impl CertstreamStatus {
    pub(crate) fn connected(&self) {
        self.up.store(true, Ordering::Relaxed);
        self.connections.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn disconnected(&self) {
        self.up.store(false, Ordering::Relaxed);
        self.disconnects.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn message(&self) {
        self.last_message_ms
            .store(clock::now_unix_ms(), Ordering::Relaxed);
    }
}

impl Counters {
    pub fn get(c: &AtomicU64) -> u64 {
        c.load(Ordering::Relaxed)
    }

    pub(crate) fn bump(c: &AtomicU64) -> u64 {
        c.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Count a stored lookalike under its technique.
    pub(crate) fn lookalike_stored(&self, t: Technique) {
        if let Some(i) = Technique::ALL.iter().position(|&x| x == t) {
            Self::bump(&self.lookalike_techniques[i]);
        }
    }

    pub fn summary(&self) -> String {
        let g = Self::get;
        format!(
            "messages={} certificates={} names={} matches={} stored={} already_known={} below_threshold={} blacklisted={} malformed={} rejected={} stalls={} db_errors={}",
            g(&self.messages), g(&self.certificates), g(&self.names), g(&self.matches), g(&self.stored), g(&self.known),
            g(&self.below_threshold), g(&self.blacklisted), g(&self.malformed), g(&self.rejected), g(&self.stalls), g(&self.db_errors)
        ) + &match g(&self.lookalikes) {
            0 => String::new(),
            n => format!(" lookalikes={n}"),
        }
    }
}

/// Log the first few occurrences of a recurring problem, then one in a thousand.
pub(crate) fn worth_logging(n: u64) -> bool {
    n <= 20 || n.is_multiple_of(1000)
}

/// Decodes messages and applies the rules; owns the DB writes and the stdout lines.
pub struct Matcher<'a, W: Write> {
    rules: &'a Rules,
    db: &'a Database,
    out: W,
    counters: Arc<Counters>,
    stdout_broken: bool,
    /// Inside a batch transaction, stdout lines wait here until the commit.
    deferred: Option<Vec<String>>,
    /// `[LOOKALIKE]` engine, when enabled.
    lookalike: Option<&'a Lookalike>,
    /// The DB was still locked by another process when a stop was requested: the
    /// messages left are not made to wait a busy timeout each (their matches are logged).
    lock_abandoned: bool,
    /// `monitor --json` / `[LOGGING] StdoutFormat = json`: one JSON object per stored host.
    json: bool,
    /// Rules swapped in by a reload (SIGHUP), used instead of `rules` and `lookalike`.
    reloaded: Option<Reloaded>,
}

impl<'a, W: Write> Matcher<'a, W> {
    pub fn new(rules: &'a Rules, db: &'a Database, out: W, counters: Arc<Counters>) -> Self {
        Matcher {
            rules,
            db,
            out,
            counters,
            stdout_broken: false,
            deferred: None,
            lookalike: None,
            lock_abandoned: false,
            json: false,
            reloaded: None,
        }
    }

    /// Judge the names of the next messages with `new` (see [`crate::monitor::reload`]).
    pub fn replace_rules(&mut self, new: Reloaded) {
        self.reloaded = Some(new);
    }

    fn rules(&self) -> &Rules {
        self.reloaded.as_ref().map_or(self.rules, |r| &r.rules)
    }

    fn lookalike(&self) -> Option<&Lookalike> {
        match &self.reloaded {
            Some(r) => r.lookalike.as_ref(),
            None => self.lookalike,
        }
    }

    /// Print one JSON object per stored host instead of the original text line.
    pub fn with_json(mut self, json: bool) -> Self {
        self.json = json;
        self
    }

    /// Also store the names the lookalike engine flags (see [`crate::detect::lookalike`]).
    pub fn with_lookalike(mut self, engine: Option<&'a Lookalike>) -> Self {
        self.lookalike = engine;
        self
    }

    /// The engine's verdict on a name the rules did not store; the blacklist still vetoes.
    fn lookalike_hit(&self, host: &str) -> Option<LookalikeHit> {
        let hit = self.lookalike()?.check(host)?;
        if self.rules().blacklisted(host) {
            Counters::bump(&self.counters.blacklisted);
            return None;
        }
        Some(hit)
    }

    /// One raw certstream message.
    pub fn handle_message(&mut self, bytes: &[u8]) {
        Counters::bump(&self.counters.messages);
        match parse_message(bytes) {
            Ok(CertstreamMessage::Certificate(record)) => self.handle_record_autocommit(&record),
            Ok(CertstreamMessage::DnsEntries(names)) => {
                let record = CertificateRecord {
                    all_domains: names,
                    ..Default::default()
                };
                self.handle_record_autocommit(&record)
            }
            Ok(CertstreamMessage::Heartbeat) | Ok(CertstreamMessage::Other(_)) => {}
            Err(e) => {
                let n = Counters::bump(&self.counters.malformed);
                if worth_logging(n) {
                    logging::warning(
                        "root",
                        &format!(
                            "skipped malformed message #{n} ({} bytes): {e}",
                            bytes.len()
                        ),
                    );
                }
            }
        }
    }

    /// A certificate outside any transaction: each stored row is its own commit. A DB
    /// locked by another process is waited for (see `insert`); a failing one is retried
    /// (inserts are idempotent), then the loss is logged in full.
    pub fn handle_record_autocommit(&mut self, record: &CertificateRecord<'_>) {
        for attempt in 1..=4u64 {
            match self.handle_record(record) {
                Ok(()) => return,
                // A lock still held at a stop request is not waited for again.
                Err(e) if attempt < 4 && !(is_busy(&e) && shutdown::requested()) => {
                    logging::warning("root", &format!("DB write failed (attempt {attempt}): {e}"));
                    std::thread::sleep(Duration::from_millis(200 * attempt));
                }
                Err(e) => {
                    Counters::bump(&self.counters.db_errors);
                    for host in &record.all_domains {
                        let lookalike = || {
                            self.lookalike().is_some_and(|l| {
                                l.check(host).is_some() && !self.rules().blacklisted(host)
                            })
                        };
                        if matches!(self.rules().evaluate(host), Verdict::Match { .. })
                            || lookalike()
                        {
                            logging::error(
                                "root",
                                &format!(
                                    "LOST MATCH, could not store it: {e} - {}",
                                    describe(record, host)
                                ),
                            );
                        }
                    }
                    return;
                }
            }
        }
    }

    /// One certificate, from any source: rules on every name, matches stored.
    pub fn handle_record(&mut self, record: &CertificateRecord<'_>) -> Result<(), DbError> {
        for (host, hit) in self.select(record) {
            self.store(record, &host, hit.as_ref())?;
        }
        Ok(())
    }

    /// The names of `record` that the rules or the lookalike engine would store, each with
    /// its lookalike hit, counted as [`Self::handle_record`] counts them; nothing is stored.
    /// Direct CT mode with verification keeps only these for the entries it has read but
    /// not yet verified against a signed tree head.
    pub fn select(
        &mut self,
        record: &CertificateRecord<'_>,
    ) -> Vec<(String, Option<LookalikeHit>)> {
        Counters::bump(&self.counters.certificates);
        self.counters
            .last_certificate_ms
            .store(clock::now_unix_ms(), Ordering::Relaxed);
        let mut selected = Vec::new();
        for host in &record.all_domains {
            Counters::bump(&self.counters.names);
            match self.rules().evaluate(host) {
                Verdict::Match { .. } => selected.push((host.to_string(), None)),
                Verdict::BelowThreshold { .. } => {
                    Counters::bump(&self.counters.below_threshold);
                    if logging::enabled(logging::DEBUG) {
                        logging::debug(
                            "root",
                            &format!(
                                "DETECTION THRESHOLD VALUE NOT REACHED - {}",
                                describe(record, host)
                            ),
                        );
                    }
                    if let Some(hit) = self.lookalike_hit(host) {
                        selected.push((host.to_string(), Some(hit)));
                    }
                }
                Verdict::Blacklisted { .. } => {
                    Counters::bump(&self.counters.blacklisted);
                }
                Verdict::NoMatch => {
                    if let Some(hit) = self.lookalike_hit(host) {
                        selected.push((host.to_string(), Some(hit)));
                    }
                }
            }
        }
        selected
    }

    /// Store names chosen earlier by [`Self::select`], in one transaction with `progress`,
    /// then print their stdout lines (as [`Self::handle_batch`] does for whole records).
    pub fn store_selected(
        &mut self,
        selected: &[SelectedRecord],
        what: &str,
        progress: impl Fn(&Database) -> Result<(), DbError>,
    ) -> Result<(), DbError> {
        self.in_transaction(what, progress, |m| {
            for (record, hosts) in selected {
                for (host, hit) in hosts {
                    m.store(record, host, hit.as_ref())?;
                }
            }
            Ok(())
        })
    }

    fn store(
        &mut self,
        record: &CertificateRecord<'_>,
        host: &str,
        hit: Option<&LookalikeHit>,
    ) -> Result<(), DbError> {
        Counters::bump(&self.counters.matches);
        let san = record.san_for(host);
        let startime = record.startime();
        let first_seen = clock::utc_now_iso();
        let row = NewHost {
            domain: host,
            san: &san,
            issuer: &record.issuer,
            fingerprint: &record.fingerprint,
            startime: &startime,
            first_seen: &first_seen,
        };
        if !self.insert(&row)? {
            Counters::bump(&self.counters.known);
            return Ok(());
        }
        Counters::bump(&self.counters.stored);
        if let Some(h) = hit {
            Counters::bump(&self.counters.lookalikes);
            self.counters.lookalike_stored(h.technique);
        }
        let line = if self.json {
            self.json_line(record, &row, hit)
        } else {
            format!(
                "[{}] {}{}\n",
                clock::local_now_iso(),
                describe_with(record, host, &san, &startime),
                hit.map(LookalikeHit::suffix).unwrap_or_default()
            )
        };
        match self.deferred.as_mut() {
            Some(lines) => lines.push(line),
            None => self.print(&line),
        }
        Ok(())
    }

    /// The `--json` line: the stored row's values, the keyword rules' score (distinct
    /// matches) and threshold, the lookalike hit, and in direct CT mode the log and index.
    /// serde_json escapes every hostile character (RFC 8259 §7), so one object is one line.
    fn json_line(
        &self,
        record: &CertificateRecord<'_>,
        row: &NewHost<'_>,
        hit: Option<&LookalikeHit>,
    ) -> String {
        use serde_json::{json, Value};
        let san: Vec<&str> = record
            .all_domains
            .iter()
            .map(|n| n.as_ref())
            .filter(|n| *n != row.domain)
            .collect();
        let mut obj = json!({
            "Domain": row.domain,
            "SAN": san,
            "Issuer": row.issuer,
            "Fingerprint": row.fingerprint,
            "Startime": row.startime,
            "FirstSeen": row.first_seen,
            "Matches": self.rules().evaluate(row.domain).score(),
            "Threshold": self.rules().threshold(),
        });
        if let Value::Object(map) = &mut obj {
            if let Some(h) = hit {
                map.insert(
                    "Lookalike".into(),
                    json!({
                        "Brand": h.brand,
                        "Technique": h.technique.to_string(),
                        "Distance": h.distance,
                        "Confidence": h.confidence.to_string(),
                    }),
                );
            }
            if let Some(src) = &record.ct_source {
                map.insert(
                    "CTLog".into(),
                    json!({ "Description": src.log.description, "URL": src.log.url }),
                );
                map.insert("Index".into(), json!(src.index));
            }
        }
        let mut line = obj.to_string();
        line.push('\n');
        line
    }

    /// Insert a row. Outside a transaction, a DB write-locked by another process (scan,
    /// the Python scripts, an sqlite3 shell) is waited for as long as it takes, so the
    /// match is not lost: each try already waits SQLite's busy timeout, and the stall
    /// watch reports the wait. Only a stop request ends the wait (the caller then logs
    /// the match in full). Inside a CT batch the lock is taken by `BEGIN IMMEDIATE`.
    fn insert(&mut self, row: &NewHost<'_>) -> Result<bool, DbError> {
        if self.lock_abandoned {
            return Err(DbError {
                path: self.db.path().to_path_buf(),
                message: "database is locked (stopping: not waited for)".into(),
            });
        }
        loop {
            match self.db.insert_if_absent(row) {
                Err(e) if self.deferred.is_none() && is_busy(&e) => {
                    if shutdown::requested() {
                        self.lock_abandoned = true;
                        return Err(e);
                    }
                    logging::debug("root", &format!("waiting for the DB write lock: {e}"));
                    shutdown::sleep(Duration::from_millis(50));
                }
                other => return other,
            }
        }
    }

    /// The stdout line, after the row is committed. The log gets it too.
    fn print(&mut self, line: &str) {
        logging::info("root", &format!("New match stored: {}", line.trim_end()));
        if !self.stdout_broken {
            if let Err(e) = self
                .out
                .write_all(line.as_bytes())
                .and_then(|_| self.out.flush())
            {
                // The DB has the row; keep monitoring even if nobody reads stdout.
                self.stdout_broken = true;
                logging::error(
                    "root",
                    &format!("stdout is not writable ({e}); matches are still stored in the DB"),
                );
            }
        }
    }

    /// A batch of records and what the source writes with them (a CT log's new position,
    /// `progress`) in one transaction, then the stdout lines. Retried whole on failure
    /// (nothing of a failed attempt remains); `what` names the batch in the warnings.
    pub fn handle_batch(
        &mut self,
        records: &[CertificateRecord<'_>],
        what: &str,
        progress: impl Fn(&Database) -> Result<(), DbError>,
    ) -> Result<(), DbError> {
        self.in_transaction(what, progress, |m| {
            for record in records {
                m.handle_record(record)?;
            }
            Ok(())
        })
    }

    /// `writes` and `progress` in one write transaction, then the stdout lines of the rows
    /// it added; retried whole (up to 4 attempts) when the transaction fails.
    fn in_transaction(
        &mut self,
        what: &str,
        progress: impl Fn(&Database) -> Result<(), DbError>,
        mut writes: impl FnMut(&mut Self) -> Result<(), DbError>,
    ) -> Result<(), DbError> {
        let mut attempt = 0u64;
        loop {
            attempt += 1;
            self.deferred = Some(Vec::new());
            let db = self.db;
            let result = db.write_transaction(|| {
                writes(self)?;
                progress(db)
            });
            let lines = self.deferred.take().unwrap_or_default();
            match result {
                Ok(()) => {
                    for line in lines {
                        self.print(&line);
                    }
                    return Ok(());
                }
                Err(e) => {
                    if attempt >= 4 {
                        return Err(e);
                    }
                    logging::warning(
                        "root",
                        &format!("committing {what} failed (attempt {attempt}): {e}"),
                    );
                    std::thread::sleep(Duration::from_millis(250 * attempt));
                }
            }
        }
    }
}

/// A name [`Matcher::select`] chose, with its lookalike hit (`None`: the keyword rules).
pub type SelectedName = (String, Option<LookalikeHit>);

/// A certificate kept for later storing, with the names chosen from it.
pub type SelectedRecord = (CertificateRecord<'static>, Vec<SelectedName>);

/// SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock (SQLite's result-code
/// texts, "database is locked" and "database table is locked").
fn is_busy(e: &DbError) -> bool {
    e.message.contains("database is locked") || e.message.contains("database table is locked")
}

/// `<host> (SAN: …) (Issuer: …) (Fingerprint: …) (StartTime: …)`, the contract's line body.
pub fn describe(record: &CertificateRecord<'_>, host: &str) -> String {
    describe_with(record, host, &record.san_for(host), &record.startime())
}

/// [`describe`] with the SAN and StartTime texts already made (`store` has them for the row).
fn describe_with(record: &CertificateRecord<'_>, host: &str, san: &str, startime: &str) -> String {
    format!(
        "{} (SAN: {}) (Issuer: {}) (Fingerprint: {}) (StartTime: {})",
        display_safe(host),
        display_safe(san),
        display_safe(&record.issuer),
        display_safe(&record.fingerprint),
        startime
    )
}

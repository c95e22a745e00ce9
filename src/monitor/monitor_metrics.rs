//! What `monitor` shows at `/metrics` ([`crate::metrics`]): the matcher's [`Counters`]
//! (both modes), the certstream connection (certstream mode) and one set of figures per CT
//! log (direct mode, labelled by the log's URL without credentials and its description).

use crate::ct::loglist::CtLog;
use crate::ct::reader::LogStats;
use crate::detect::lookalike::Technique;
use crate::metrics::{url_label, Exposition, Kind, MetricsSource, Value};
use crate::monitor::health::{Health, StallState};
use crate::monitor::matcher::Counters;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The matcher's totals, and the certstream connection when that is the source.
pub struct MonitorMetrics {
    pub counters: Arc<Counters>,
    /// Certstream mode: the `certstreammonitor_certstream_*` families are written.
    pub certstream: bool,
}

/// Family name, help, and the counter it shows.
type CounterRow = (&'static str, &'static str, fn(&Counters) -> u64);

const TOTALS: &[CounterRow] = &[
    (
        "certstreammonitor_messages_total",
        "Messages handled (certstream messages, or CT log entries in direct mode).",
        |c| Counters::get(&c.messages),
    ),
    (
        "certstreammonitor_certificates_total",
        "Certificates decoded.",
        |c| Counters::get(&c.certificates),
    ),
    ("certstreammonitor_names_total", "Host names judged.", |c| {
        Counters::get(&c.names)
    }),
    (
        "certstreammonitor_matches_total",
        "Names the rules or the lookalike engine selected.",
        |c| Counters::get(&c.matches),
    ),
    (
        "certstreammonitor_stored_total",
        "Matches stored as new rows.",
        |c| Counters::get(&c.stored),
    ),
    (
        "certstreammonitor_already_known_total",
        "Matches whose host was already in the database.",
        |c| Counters::get(&c.known),
    ),
    (
        "certstreammonitor_blacklisted_total",
        "Names refused by BlacklistKeywords.",
        |c| Counters::get(&c.blacklisted),
    ),
    (
        "certstreammonitor_below_threshold_total",
        "Names that matched keywords below DetectionThreshold.",
        |c| Counters::get(&c.below_threshold),
    ),
    (
        "certstreammonitor_malformed_total",
        "Messages that could not be decoded.",
        |c| Counters::get(&c.malformed),
    ),
    (
        "certstreammonitor_rejected_total",
        "Oversize or non-UTF-8 messages refused by the source.",
        |c| Counters::get(&c.rejected),
    ),
    (
        "certstreammonitor_matcher_stalls_total",
        "Times the matcher made no progress for 5 s (database locked, slow disk, stdout not read).",
        |c| Counters::get(&c.stalls),
    ),
    (
        "certstreammonitor_db_errors_total",
        "Database writes that failed.",
        |c| Counters::get(&c.db_errors),
    ),
];

impl MetricsSource for MonitorMetrics {
    fn write(&self, out: &mut Exposition) {
        let c = &*self.counters;
        for (name, help, get) in TOTALS {
            out.single(name, Kind::Counter, help, Value::Int(get(c)));
        }
        let name = "certstreammonitor_lookalike_hits_total";
        out.family(
            name,
            Kind::Counter,
            "Lookalike hosts stored (the keyword rules did not match them), by technique.",
        );
        for (i, t) in Technique::ALL.iter().enumerate() {
            let n = Counters::get(&c.lookalike_techniques[i]);
            out.sample(name, &[("technique", t.name())], Value::Int(n));
        }
        out.single(
            "certstreammonitor_last_certificate_timestamp_seconds",
            Kind::Gauge,
            "Unix time of the last certificate handled; 0 before the first.",
            Value::seconds_from_ms(c.last_certificate_ms.load(Ordering::Relaxed)),
        );
        if self.certstream {
            let s = &c.certstream;
            out.single(
                "certstreammonitor_certstream_up",
                Kind::Gauge,
                "1 while connected to a certstream server.",
                Value::flag(s.up.load(Ordering::Relaxed)),
            );
            out.single(
                "certstreammonitor_certstream_connections_total",
                Kind::Counter,
                "Connections made to certstream servers, the first one included.",
                Value::Int(s.connections.load(Ordering::Relaxed)),
            );
            out.single(
                "certstreammonitor_certstream_disconnects_total",
                Kind::Counter,
                "Connections lost or refused (each is followed by a reconnection).",
                Value::Int(s.disconnects.load(Ordering::Relaxed)),
            );
            out.single(
                "certstreammonitor_certstream_last_message_timestamp_seconds",
                Kind::Gauge,
                "Unix time of the last data message received; 0 before the first.",
                Value::seconds_from_ms(s.last_message_ms.load(Ordering::Relaxed)),
            );
        }
    }
}

/// The entries/s gauge is the rate since the previous scrape, over at least this long
/// (a scrape sooner than that shows the previous rate again).
pub const RATE_WINDOW_MIN: Duration = Duration::from_secs(5);

struct FollowedLog {
    log: Arc<CtLog>,
    stats: Arc<LogStats>,
    /// (when, entries) at the start of the current rate window, and the last rate.
    rate: Mutex<(Instant, u64, f64)>,
}

/// The CT logs followed in direct mode; the driver adds each log when its reader starts.
#[derive(Default)]
pub struct CtLogsMetrics {
    logs: Mutex<Vec<FollowedLog>>,
}

impl CtLogsMetrics {
    pub fn add(&self, log: Arc<CtLog>, stats: Arc<LogStats>) {
        let entries = stats.entries.load(Ordering::Relaxed);
        self.logs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(FollowedLog {
                log,
                stats,
                rate: Mutex::new((Instant::now(), entries, 0.0)),
            });
    }
}

/// One per-log family: name, type, help, and the value of a log.
type LogRow = (&'static str, Kind, &'static str, fn(&FollowedLog) -> Value);

fn load(a: &std::sync::atomic::AtomicU64) -> u64 {
    a.load(Ordering::Relaxed)
}

const PER_LOG: &[LogRow] = &[
    (
        "certstreammonitor_ctlog_next_index",
        Kind::Gauge,
        "The next entry to read: entries before it are committed.",
        |f| Value::Int(load(&f.stats.next)),
    ),
    (
        "certstreammonitor_ctlog_tree_size",
        Kind::Gauge,
        "The log's tree size as last read (get-sth or checkpoint).",
        |f| Value::Int(load(&f.stats.tree_size)),
    ),
    (
        "certstreammonitor_ctlog_backlog",
        Kind::Gauge,
        "Entries logged but not read yet: tree size minus next index, at least 0.",
        |f| Value::Int(load(&f.stats.tree_size).saturating_sub(load(&f.stats.next))),
    ),
    (
        "certstreammonitor_ctlog_entries_total",
        Kind::Counter,
        "Entries read from the log in this run.",
        |f| Value::Int(load(&f.stats.entries)),
    ),
    (
        "certstreammonitor_ctlog_entries_per_second",
        Kind::Gauge,
        "Entries read per second since the previous scrape (a window of at least 5 s).",
        |f| Value::Float(f.rate()),
    ),
    (
        "certstreammonitor_ctlog_last_success_timestamp_seconds",
        Kind::Gauge,
        "Unix time of the log's last answer that was not an error; 0 before the first.",
        |f| Value::seconds_from_ms(load(&f.stats.last_success_ms)),
    ),
];

impl FollowedLog {
    fn rate(&self) -> f64 {
        let now = Instant::now();
        let entries = load(&self.stats.entries);
        let mut r = self.rate.lock().unwrap_or_else(|p| p.into_inner());
        let elapsed = now.duration_since(r.0);
        if elapsed >= RATE_WINDOW_MIN {
            r.2 = entries.saturating_sub(r.1) as f64 / elapsed.as_secs_f64();
            (r.0, r.1) = (now, entries);
        }
        r.2
    }

    fn errors(&self) -> [(&'static str, u64); 4] {
        let s = &self.stats;
        let misbehaving = load(&s.misbehaving);
        [
            // `errors` counts every error, misbehaviour included.
            ("fetch", load(&s.errors).saturating_sub(misbehaving)),
            ("malformed", load(&s.malformed)),
            ("misbehaving", misbehaving),
            ("bad_chain", load(&s.bad_chains)),
        ]
    }
}

/// Family name, kind, help, and the value of one subject's [`StallState`].
type StallRow = (&'static str, Kind, &'static str, fn(&StallState) -> Value);

/// The stall alarms ([`Health`]): per watched subject (a CT log, the certstream
/// connection), whether it is stalled now and how many stalls it has had.
pub struct HealthMetrics(pub Arc<Health>);

impl MetricsSource for HealthMetrics {
    fn write(&self, out: &mut Exposition) {
        let states = self.0.snapshot();
        let labelled: Vec<(&'static str, String, String, &StallState)> = states
            .iter()
            .map(|s| {
                (
                    s.kind.as_str(),
                    url_label(&s.url),
                    crate::redact::scrub(&s.description),
                    s,
                )
            })
            .collect();
        let rows: [StallRow; 2] = [
            (
                "certstreammonitor_stalled",
                Kind::Gauge,
                "1 while the subject is stalled ([HEALTH] StallAfter): a CT log behind or answering only errors, a certstream feed without certificates.",
                |s| Value::flag(s.stalled),
            ),
            (
                "certstreammonitor_stall_alarms_total",
                Kind::Counter,
                "Stalls entered (each one warned once, and the [HEALTH] Command hook run).",
                |s| Value::Int(s.alarms_total),
            ),
        ];
        for (name, kind, help, value) in rows {
            out.family(name, kind, help);
            for (subject, url, description, s) in &labelled {
                out.sample(
                    name,
                    &[
                        ("subject", subject),
                        ("url", url),
                        ("description", description),
                    ],
                    value(s),
                );
            }
        }
    }
}

impl MetricsSource for CtLogsMetrics {
    fn write(&self, out: &mut Exposition) {
        let logs = self.logs.lock().unwrap_or_else(|p| p.into_inner());
        let labels: Vec<(String, String)> = logs
            .iter()
            .map(|f| {
                (
                    url_label(&f.log.url),
                    crate::redact::scrub(&f.log.description),
                )
            })
            .collect();
        for (name, kind, help, value) in PER_LOG {
            out.family(name, *kind, help);
            for (f, (url, description)) in logs.iter().zip(&labels) {
                out.sample(
                    name,
                    &[("url", url), ("description", description)],
                    value(f),
                );
            }
        }
        let name = "certstreammonitor_ctlog_errors_total";
        out.family(
            name,
            Kind::Counter,
            "Errors by kind: fetch (network, HTTP, garbled answers), malformed entries skipped, misbehaving (tree heads or entries that did not verify), bad_chain (entries whose chain could not be read).",
        );
        for (f, (url, description)) in logs.iter().zip(&labels) {
            for (kind, n) in f.errors() {
                out.sample(
                    name,
                    &[("url", url), ("description", description), ("kind", kind)],
                    Value::Int(n),
                );
            }
        }
    }
}

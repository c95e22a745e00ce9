//! `gethost`: list the hosts first seen recently, as gethost.py did, or as JSON lines.

use crate::clock;
use crate::config::Config;
use crate::db::{Database, DatabaseSettings, HostRow};
use crate::Failure;
use std::io::{self, Write};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct GethostArgs {
    pub config: PathBuf,
    /// Rows whose FirstSeen is less than this many seconds ago.
    pub since: i64,
    pub json: bool,
}

/// The value, or `None` as Python printed it; control characters shown as `\xNN`
/// ([`crate::certificate::display_safe`]): names and issuers come from certificates.
fn or_none(v: &Option<String>) -> std::borrow::Cow<'_, str> {
    crate::certificate::display_safe(v.as_deref().unwrap_or("None"))
}

fn json_field(v: &Option<String>) -> String {
    match v {
        Some(s) => serde_json::Value::String(s.clone()).to_string(),
        None => "null".into(),
    }
}

/// The JSON line for one row; keys in column order.
pub fn json_line(row: &HostRow) -> String {
    format!(
        "{{\"Domain\":{},\"Issuer\":{},\"Fingerprint\":{},\"FirstSeen\":{},\"StillInvestig\":{}}}",
        json_field(&row.domain),
        json_field(&row.issuer),
        json_field(&row.fingerprint),
        json_field(&row.first_seen),
        json_field(&row.still_investig)
    )
}

/// Python's `(utcnow() - FirstSeen).total_seconds() < SINCE`, with now in fractional seconds.
pub fn is_recent(first_seen: i64, now: f64, since: i64) -> bool {
    now - (first_seen as f64) < since as f64
}

pub fn command(args: &GethostArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let config = Config::load(&args.config)?;
    let settings = DatabaseSettings::from_config(&config)?;
    let db = Database::open_existing(&settings.path, &settings.table)?;
    let rows = db.host_rows()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    let result = (|| -> io::Result<()> {
        if !args.json {
            writeln!(out, "Display all domains in DB for Internet Presence:")?;
            writeln!(out, "{}", "*".repeat(48))?;
        }
        for row in &rows {
            let first_seen = match row.first_seen.as_deref().and_then(clock::parse_iso_utc) {
                Some(t) => t,
                None => {
                    // gethost.py stopped the listing here; one odd row should not hide the rest.
                    eprintln!(
                        "certstreammonitor: gethost: skipped {}: FirstSeen {:?} is not YYYY-MM-DDTHH:MM:SS",
                        or_none(&row.domain),
                        row.first_seen
                    );
                    continue;
                }
            };
            if !is_recent(first_seen, now, args.since) {
                continue;
            }
            if args.json {
                writeln!(out, "{}", json_line(row))?;
            } else {
                writeln!(
                    out,
                    "{}  {}  {}  {}",
                    or_none(&row.domain),
                    or_none(&row.issuer),
                    or_none(&row.fingerprint),
                    or_none(&row.still_investig)
                )?;
            }
        }
        out.flush()
    })();
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

//! The SQLite store, schema-compatible with the Python original.
//!
//! The main table keeps the original's name (`TABLEname`) and columns so that a DB
//! written by either implementation works with the other. Unlike the original, every
//! value goes through bound parameters (certificate names are attacker-controlled), the
//! table name is validated once, and the DB runs in WAL mode with a busy timeout so that
//! `monitor` and `scan` can share it.

use crate::config::{Config, ConfigError};
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OpenFlags, Transaction, TransactionBehavior};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a writer waits for another process's lock (Python's sqlite3 default is 5 s).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub struct DbError {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "database {}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for DbError {}

impl DbError {
    /// SQLite's error, and for "attempt to write a readonly database" the file behind it:
    /// most often a -wal or -shm file another user (root running a tool) created, which
    /// SQLite's own message does not name.
    fn sqlite(path: &Path, e: rusqlite::Error) -> DbError {
        let mut message = e.to_string();
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly) {
            let blocked = not_writable(path);
            if !blocked.is_empty() {
                message.push_str(&format!(
                    " ({} not writable by this process, uid {})",
                    blocked.join(", "),
                    // SAFETY: geteuid has no preconditions.
                    unsafe { libc::geteuid() }
                ));
            }
        }
        DbError {
            path: path.to_path_buf(),
            message,
        }
    }
}

/// Of the DB, its -wal and -shm files and its directory, those that exist and that this
/// process may not write, each with its owner: `data/certs.sqlite-shm (owner uid 0)`.
fn not_writable(db: &Path) -> Vec<String> {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::MetadataExt;
    let dir = match db.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let side = |suffix: &str| {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        PathBuf::from(p)
    };
    [db.to_path_buf(), side("-wal"), side("-shm"), dir]
        .into_iter()
        .filter_map(|p| {
            let meta = std::fs::metadata(&p).ok()?;
            let c = std::ffi::CString::new(p.as_os_str().as_bytes()).ok()?;
            // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
            let writable = unsafe { libc::access(c.as_ptr(), libc::W_OK) } == 0;
            (!writable).then(|| format!("{} (owner uid {})", p.display(), meta.uid()))
        })
        .collect()
}

/// `TABLEname` is spliced into SQL (identifiers cannot be bound), so it must be a plain identifier.
pub fn valid_table_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Where the store is: `[DATABASE]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseSettings {
    pub path: PathBuf,
    pub table: String,
}

impl DatabaseSettings {
    /// `[DATABASE]`: `DBFile`, `TABLEname`.
    pub fn from_config(c: &Config) -> Result<DatabaseSettings, ConfigError> {
        let path = c.require("DATABASE", "DBFile")?;
        let table = c.require("DATABASE", "TABLEname")?;
        if path.trim().is_empty() {
            return Err(c.key_error("DATABASE", "DBFile", "empty path"));
        }
        if !valid_table_name(&table) {
            return Err(c.key_error(
                "DATABASE",
                "TABLEname",
                format!("{table:?} is not a plain identifier (letters, digits, _; not starting with a digit)"),
            ));
        }
        Ok(DatabaseSettings {
            path: PathBuf::from(path),
            table,
        })
    }
}

/// A host the monitor decided to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHost<'a> {
    pub domain: &'a str,
    pub san: &'a str,
    pub issuer: &'a str,
    pub fingerprint: &'a str,
    pub startime: &'a str,
    pub first_seen: &'a str,
}

/// A row as `gethost` reads it; NULLs stay `None` (printed as `None`, like Python).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostRow {
    pub domain: Option<String>,
    pub issuer: Option<String>,
    pub fingerprint: Option<String>,
    pub first_seen: Option<String>,
    pub still_investig: Option<String>,
}

pub struct Database {
    conn: Connection,
    path: PathBuf,
    table: String,
    insert_sql: String,
}

impl Database {
    /// Open (creating the file, its directory and the table if needed), as the monitor does.
    pub fn open(path: &Path, table: &str) -> Result<Database, DbError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| DbError {
                path: path.to_path_buf(),
                message: format!("cannot create directory {}: {e}", dir.display()),
            })?;
        }
        let db = Self::connect(path, table, OpenFlags::default())?;
        db.create_table()?;
        db.check_writable()?;
        Ok(db)
    }

    /// Open an existing DB without creating anything (gethost only reads).
    pub fn open_existing(path: &Path, table: &str) -> Result<Database, DbError> {
        if !path.exists() {
            return Err(DbError {
                path: path.to_path_buf(),
                message: "no such file".into(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        Self::connect(path, table, flags)
    }

    fn connect(path: &Path, table: &str, flags: OpenFlags) -> Result<Database, DbError> {
        let err = |e: rusqlite::Error| DbError::sqlite(path, e);
        if !valid_table_name(table) {
            return Err(DbError {
                path: path.to_path_buf(),
                message: format!(
                    "TABLEname {table:?} is not a plain identifier ([A-Za-z_][A-Za-z0-9_]*)"
                ),
            });
        }
        let conn = Connection::open_with_flags(path, flags).map_err(err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
        // WAL lets a reader (scan, gethost, the Python scripts) work while the monitor writes.
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(err)?;
        if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
            return Err(DbError {
                path: path.to_path_buf(),
                message: format!("cannot switch to WAL mode (got {mode})"),
            });
        }
        // NORMAL is durable across process crashes in WAL mode; only power loss can drop the last commits.
        conn.execute_batch("PRAGMA synchronous=NORMAL")
            .map_err(err)?;
        let insert_sql = format!(
            "INSERT OR IGNORE INTO {table} (Domain, SAN, Issuer, Fingerprint, Startime, FirstSeen) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
        );
        Ok(Database {
            conn,
            path: path.to_path_buf(),
            table: table.to_string(),
            insert_sql,
        })
    }

    fn err(&self, e: rusqlite::Error) -> DbError {
        DbError::sqlite(&self.path, e)
    }

    /// Fail now, not at the first match, when this process cannot write the DB (a -wal or
    /// -shm file of another user, a read-only mount): a monitor that runs but cannot store
    /// would lose every match. Taking the write lock proves it; another process holding
    /// that lock (busy) proves the file itself is fine, so that is not an error.
    fn check_writable(&self) -> Result<(), DbError> {
        // No waiting for that other writer: startup must not take a busy timeout longer.
        self.conn
            .busy_timeout(Duration::ZERO)
            .map_err(|e| self.err(e))?;
        let tried = self.conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK");
        self.conn
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| self.err(e))?;
        match tried {
            Ok(()) => Ok(()),
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => Ok(()),
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(self.err(e))
            }
        }
    }

    /// The original's exact DDL, so a fresh DB is indistinguishable from one it made.
    fn create_table(&self) -> Result<(), DbError> {
        let sql = format!(
            "CREATE TABLE IF NOT EXISTS {} (Domain TEXT NOT NULL PRIMARY KEY, SAN TEXT, Issuer TEXT, Fingerprint TEXT, Startime TEXT, FirstSeen TEXT, StillInvestig TEXT)",
            self.table
        );
        self.conn.execute_batch(&sql).map_err(|e| self.err(e))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// Insert unless the Domain is already known; committed when this returns.
    /// Returns whether a row was added (a renewed certificate for a known host is not).
    pub fn insert_if_absent(&self, host: &NewHost<'_>) -> Result<bool, DbError> {
        let mut stmt = self
            .conn
            .prepare_cached(&self.insert_sql)
            .map_err(|e| self.err(e))?;
        let n = stmt
            .execute(params![
                host.domain,
                host.san,
                host.issuer,
                host.fingerprint,
                host.startime,
                host.first_seen
            ])
            .map_err(|e| self.err(e))?;
        Ok(n == 1)
    }

    /// Whether a Domain is stored.
    pub fn contains(&self, domain: &str) -> Result<bool, DbError> {
        let sql = format!(
            "SELECT EXISTS (SELECT 1 FROM {} WHERE Domain = ?1 LIMIT 1)",
            self.table
        );
        self.conn
            .query_row(&sql, [domain], |r| r.get::<_, i64>(0))
            .map(|n| n != 0)
            .map_err(|e| self.err(e))
    }

    /// Every row, in rowid order, with the columns gethost prints.
    pub fn host_rows(&self) -> Result<Vec<HostRow>, DbError> {
        let sql = format!(
            "SELECT Domain, Issuer, Fingerprint, FirstSeen, StillInvestig FROM {}",
            self.table
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(HostRow {
                    domain: text_of(r.get_ref(0)?),
                    issuer: text_of(r.get_ref(1)?),
                    fingerprint: text_of(r.get_ref(2)?),
                    first_seen: text_of(r.get_ref(3)?),
                    still_investig: text_of(r.get_ref(4)?),
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }
}

/// A stored host `scan` has not settled yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanCandidate {
    pub domain: String,
    pub fingerprint: Option<String>,
    pub first_seen: Option<String>,
}

/// What `scan` reads and writes.
impl Database {
    /// Rows whose `StillInvestig` is NULL or empty, in rowid order (the original's query).
    pub fn scan_candidates(&self) -> Result<Vec<ScanCandidate>, DbError> {
        let sql = format!(
            "SELECT Domain, Fingerprint, FirstSeen FROM {} WHERE StillInvestig IS NULL OR StillInvestig = ''",
            self.table
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(ScanCandidate {
                    domain: text_of(r.get_ref(0)?).unwrap_or_default(),
                    fingerprint: text_of(r.get_ref(1)?),
                    first_seen: text_of(r.get_ref(2)?),
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Set `StillInvestig` of the row (Domain, Fingerprint); `IS` so a NULL fingerprint matches too.
    pub fn set_still_investig(
        &self,
        domain: &str,
        fingerprint: Option<&str>,
        value: &str,
    ) -> Result<(), DbError> {
        let sql = format!(
            "UPDATE {} SET StillInvestig = ?1 WHERE Domain = ?2 AND Fingerprint IS ?3",
            self.table
        );
        self.conn
            .execute(&sql, params![value, domain, fingerprint])
            .map(|_| ())
            .map_err(|e| self.err(e))
    }
}

/// Where a CT log's reading stands (a `CTLogState` row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedPosition {
    /// The first entry not yet processed.
    pub next: u64,
    /// The compact Merkle frontier of the first `next` entries (see `ct::merkle`), saved
    /// when the log's signed tree heads are verified; `None` when they are not (no key in
    /// the log list) or for rows written before verification existed.
    pub frontier: Option<Vec<u8>>,
}

/// Per-log reading positions for direct CT mode, beside the original's table.
impl Database {
    pub fn ensure_ct_state(&self) -> Result<(), DbError> {
        self.conn
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS CTLogState (LogID TEXT PRIMARY KEY, URL TEXT, NextIndex INTEGER NOT NULL, TreeSize INTEGER, UpdatedAt TEXT, Frontier BLOB)",
            )
            .map_err(|e| self.err(e))?;
        // A table made by an older version lacks the Frontier column: add it, keep the rows.
        let has_frontier = self
            .conn
            .prepare("SELECT 1 FROM pragma_table_info('CTLogState') WHERE name = 'Frontier'")
            .and_then(|mut st| st.exists([]))
            .map_err(|e| self.err(e))?;
        if !has_frontier {
            self.conn
                .execute_batch("ALTER TABLE CTLogState ADD COLUMN Frontier BLOB")
                .map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    /// `LogID` → where that log's reading stands.
    pub fn ct_positions(
        &self,
    ) -> Result<std::collections::HashMap<String, SavedPosition>, DbError> {
        let mut stmt = self
            .conn
            .prepare("SELECT LogID, NextIndex, Frontier FROM CTLogState")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                // Anything but a BLOB (a hand-edited row) is no frontier: it is rebuilt.
                let frontier = match r.get_ref(2)? {
                    ValueRef::Blob(b) => Some(b.to_vec()),
                    _ => None,
                };
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, frontier))
            })
            .map_err(|e| self.err(e))?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            let (id, next, frontier) = row.map_err(|e| self.err(e))?;
            // A negative position (written by an older version that took a log's impossible
            // tree size of 2^63 or more) is no position: reading that log from entry 0 would
            // be a backfill nobody asked for. The log starts as on a first run (`StartAt`).
            match u64::try_from(next) {
                Ok(n) => {
                    out.insert(id, SavedPosition { next: n, frontier });
                }
                Err(_) => crate::logging::warning(
                    "ct",
                    &format!("CTLogState: {id} has the impossible position {next}; ignored, the log starts as on a first run"),
                ),
            }
        }
        Ok(out)
    }

    /// Record that entries before `next` are processed, with the Merkle frontier of those
    /// entries when verification is on. Positions never move backwards.
    pub fn save_ct_position(
        &self,
        log_id: &str,
        url: &str,
        next: u64,
        tree_size: u64,
        updated_at: &str,
        frontier: Option<&[u8]>,
    ) -> Result<(), DbError> {
        // Stored as SQLite INTEGERs (signed 64-bit): a larger value would come back negative.
        let (Ok(next), Ok(tree_size)) = (i64::try_from(next), i64::try_from(tree_size)) else {
            return Err(DbError {
                path: self.path.clone(),
                message: format!(
                    "CTLogState: position {next} / tree size {tree_size} of {log_id} out of range"
                ),
            });
        };
        let mut stmt = self
            .conn
            .prepare_cached(
                "INSERT INTO CTLogState (LogID, URL, NextIndex, TreeSize, UpdatedAt, Frontier) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                 ON CONFLICT(LogID) DO UPDATE SET URL = excluded.URL, NextIndex = excluded.NextIndex, \
                 TreeSize = excluded.TreeSize, UpdatedAt = excluded.UpdatedAt, Frontier = excluded.Frontier \
                 WHERE excluded.NextIndex >= CTLogState.NextIndex",
            )
            .map_err(|e| self.err(e))?;
        stmt.execute(params![log_id, url, next, tree_size, updated_at, frontier])
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Run `writes` in one write transaction and commit it: all of it is stored or none.
    /// The transaction starts now (`BEGIN IMMEDIATE`, not at the first write), so the lock
    /// wait happens here; an error from `writes` or from the `COMMIT` rolls it back (rusqlite's
    /// `Transaction` does so when dropped uncommitted).
    pub fn write_transaction<T>(
        &self,
        writes: impl FnOnce() -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        let value = writes()?;
        tx.commit().map_err(|e| self.err(e))?;
        Ok(value)
    }
}

/// A notification not yet delivered (table `Notifications`, the `scan` notifier's outbox).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingNotification {
    pub id: i64,
    pub domain: String,
    /// Which destination: `<n> <masked URL>` (n = position in `Notification_Destination`) or
    /// `command`; never the URL itself (it holds tokens and passwords).
    pub destination: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub alert_file: Option<String>,
    /// The alert as written to its file, so a retry does not depend on the file still existing.
    pub alert: Option<String>,
}

/// The notification outbox (issue 5), beside the original's table. A row is written before
/// the first delivery attempt and marked `SentAt` once delivered; rows whose `SentAt` is NULL
/// are retried by the next `scan`.
impl Database {
    pub fn ensure_notifications(&self) -> Result<(), DbError> {
        self.conn
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS Notifications (Id INTEGER PRIMARY KEY, Domain TEXT NOT NULL, \
                 Destination TEXT NOT NULL, Attempts INTEGER NOT NULL DEFAULT 0, LastError TEXT, SentAt TEXT, \
                 CreatedAt TEXT, AlertFile TEXT, Alert TEXT); \
                 CREATE INDEX IF NOT EXISTS NotificationsPending ON Notifications (SentAt)",
            )
            .map_err(|e| self.err(e))
    }

    /// Whether the table exists (a DB never used with notifications has none).
    pub fn has_notifications_table(&self) -> Result<bool, DbError> {
        self.conn
            .query_row("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'Notifications')", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n != 0)
            .map_err(|e| self.err(e))
    }

    /// Queue one delivery; returns its row id.
    pub fn add_notification(
        &self,
        domain: &str,
        destination: &str,
        alert_file: &str,
        alert: &str,
        created_at: &str,
    ) -> Result<i64, DbError> {
        let mut stmt = self
            .conn
            .prepare_cached("INSERT INTO Notifications (Domain, Destination, Attempts, CreatedAt, AlertFile, Alert) VALUES (?1, ?2, 0, ?3, ?4, ?5)")
            .map_err(|e| self.err(e))?;
        stmt.execute(params![domain, destination, created_at, alert_file, alert])
            .map_err(|e| self.err(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Rows not delivered yet, oldest first.
    pub fn pending_notifications(&self) -> Result<Vec<PendingNotification>, DbError> {
        let mut stmt = self
            .conn
            .prepare("SELECT Id, Domain, Destination, Attempts, LastError, AlertFile, Alert FROM Notifications WHERE SentAt IS NULL ORDER BY Id")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(PendingNotification {
                    id: r.get(0)?,
                    domain: text_of(r.get_ref(1)?).unwrap_or_default(),
                    destination: text_of(r.get_ref(2)?).unwrap_or_default(),
                    attempts: r.get::<_, Option<i64>>(3)?.unwrap_or(0),
                    last_error: text_of(r.get_ref(4)?),
                    alert_file: text_of(r.get_ref(5)?),
                    alert: text_of(r.get_ref(6)?),
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// After a round of attempts: add `attempts`, set `LastError` (kept when `None`), and
    /// `SentAt` when delivered.
    pub fn record_notification(
        &self,
        id: i64,
        attempts: u32,
        last_error: Option<&str>,
        sent_at: Option<&str>,
    ) -> Result<(), DbError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "UPDATE Notifications SET Attempts = Attempts + ?2, LastError = COALESCE(?3, LastError), SentAt = ?4 WHERE Id = ?1",
            )
            .map_err(|e| self.err(e))?;
        stmt.execute(params![id, attempts as i64, last_error, sent_at])
            .map(|_| ())
            .map_err(|e| self.err(e))
    }
}

/// SQLite is dynamically typed; a DB edited by hand may hold numbers or blobs in TEXT columns.
fn text_of(v: ValueRef<'_>) -> Option<String> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names() {
        for ok in ["CertMon", "_x", "a1", "A_B_9"] {
            assert!(valid_table_name(ok), "{ok}");
        }
        for bad in ["", "1a", "a-b", "a b", "a;DROP", "\"x\"", "é", "a.b"] {
            assert!(!valid_table_name(bad), "{bad}");
        }
    }

    /// Positions are SQLite INTEGERs: 2^63 or more is refused, never stored negative, and a
    /// negative one left by an older version is no position (not "read from entry 0").
    #[test]
    fn ct_positions_stay_in_range() {
        let dir = std::env::temp_dir().join(format!("csm-db-ct-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = Database::open(&dir.join("t.sqlite3"), "CertMon").unwrap();
        db.ensure_ct_state().unwrap();
        db.save_ct_position("a", "u", 5, 7, "t", None).unwrap();
        assert!(db
            .save_ct_position("a", "u", 1 << 63, 1 << 63, "t", None)
            .is_err());
        assert!(db
            .save_ct_position("a", "u", 6, u64::MAX, "t", None)
            .is_err());
        db.conn
            .execute_batch("INSERT INTO CTLogState (LogID, URL, NextIndex) VALUES ('b', 'u', -9223372036854775808)")
            .unwrap();
        let got = db.ct_positions().unwrap();
        assert_eq!(got.get("a").map(|p| p.next), Some(5));
        assert_eq!(got.get("b"), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A CTLogState made before the Frontier column gets it, rows kept; a frontier is
    /// stored with its position and read back; a non-BLOB value reads as no frontier.
    #[test]
    fn ct_state_gains_the_frontier_column() {
        let dir = std::env::temp_dir().join(format!("csm-db-ctf-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = Database::open(&dir.join("t.sqlite3"), "CertMon").unwrap();
        db.conn
            .execute_batch(
                "CREATE TABLE CTLogState (LogID TEXT PRIMARY KEY, URL TEXT, NextIndex INTEGER NOT NULL, TreeSize INTEGER, UpdatedAt TEXT);\
                 INSERT INTO CTLogState VALUES ('old', 'u', 42, 50, 't');",
            )
            .unwrap();
        db.ensure_ct_state().unwrap();
        db.ensure_ct_state().unwrap();
        let got = db.ct_positions().unwrap();
        assert_eq!(
            got.get("old"),
            Some(&SavedPosition {
                next: 42,
                frontier: None
            })
        );
        db.save_ct_position("old", "u", 43, 50, "t", Some(&[7u8; 64]))
            .unwrap();
        assert_eq!(
            db.ct_positions().unwrap()["old"].frontier.as_deref(),
            Some(&[7u8; 64][..])
        );
        db.conn
            .execute_batch("UPDATE CTLogState SET Frontier = 'not a blob'")
            .unwrap();
        assert_eq!(db.ct_positions().unwrap()["old"].frontier, None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

//! The SQLite file stays interchangeable with the Python original: a DB it wrote is used as is,
//! and the original's scripts (Python's sqlite3) can read and update what we write.

mod common;

use common::*;
use rusqlite::{params, Connection};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Rows exactly as CertStreamMonitor.py wrote them: SAN empty, Issuer holding the subject,
/// a fractional Startime (Python's isoformat of a float timestamp), one host already scanned.
fn original_rows() -> Vec<Row> {
    let r = |d: &str, issuer: &str, fp: &str, start: &str, seen: &str, still: Option<&str>| Row {
        domain: d.into(),
        san: Some(String::new()),
        issuer: Some(issuer.into()),
        fingerprint: Some(fp.into()),
        startime: Some(start.into()),
        first_seen: Some(seen.into()),
        still: still.map(str::to_string),
    };
    vec![
        r(
            "login-paypal.example.com",
            "/CN=login-paypal.example.com",
            "2D:90:F9:F7:83:F6:48:26:EF:C9:72:50:4B:06:FA:36:53:94:3C:8B",
            "2018-03-12T10:39:40",
            "2024-05-01T12:00:00",
            None,
        ),
        r(
            "secure-apple-login.example.net",
            "/CN=secure-apple-login.example.net",
            "11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44",
            "2019-01-01T00:00:00.250000",
            "2024-05-02T08:30:00",
            Some("Stop checking on 2024-11-01"),
        ),
        r(
            "paypal-verif-login.example.org",
            "/CN=paypal-verif-login.example.org",
            "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01",
            "2024-05-03T09:00:00",
            "2024-05-03T09:05:00",
            Some("2024-06-01T10:00:00"),
        ),
    ]
}

/// Create the DB with the original's exact SQL, in rollback-journal mode, through rusqlite.
fn create_original_db(path: &Path, table: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let c = Connection::open(path).unwrap();
    let mode: String = c
        .query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
    c.execute_batch(&original_ddl(table)).unwrap();
    for row in original_rows() {
        c.execute(
            &format!("INSERT OR IGNORE INTO {table} (Domain, SAN, Issuer, Fingerprint, Startime, FirstSeen) VALUES (?,?,?,?,?,?)"),
            params![row.domain, row.san, row.issuer, row.fingerprint, row.startime, row.first_seen],
        )
        .unwrap();
        if let Some(s) = &row.still {
            c.execute(
                &format!(
                    "UPDATE {table} SET StillInvestig= ? WHERE Domain = ? AND Fingerprint = ? ;"
                ),
                params![s, row.domain, row.fingerprint],
            )
            .unwrap();
        }
    }
}

struct Replayed {
    _dir: TempDir,
    db: PathBuf,
    new_cert: Cert,
    stdout: String,
}

/// An original DB, then one replay against it: one known host (new fingerprint), two new ones.
fn replay_against_original_db(name: &str) -> Replayed {
    let dir = TempDir::new(name);
    let db = dir.join(DB);
    create_original_db(&db, TABLE);
    let new_cert = Cert::new(&["apple-login-secure.example.com", "paypal-secure.example.io"]);
    let feed = [
        Cert::new(&["login-paypal.example.com"])
            .with_fingerprint("FF:FF:FF")
            .lite(),
        new_cert.lite(),
    ];
    dir.write("feed.jsonl", feed.join("\n"));
    let cfg = Conf::default().write(&dir);
    let out = run(
        dir.path(),
        &["monitor", "-c", &cfg, "--replay", "feed.jsonl"],
        None,
    );
    assert_eq!(out.code, Some(0), "stderr:\n{}", out.stderr);
    Replayed {
        _dir: dir,
        db,
        new_cert,
        stdout: out.stdout,
    }
}

#[test]
fn db_written_by_the_original_keeps_its_rows_and_schema() {
    let scratch = TempDir::new("ddl-ref");
    create_original_db(&scratch.join("ref.sqlite"), TABLE);
    let original_sql = table_sql(&scratch.join("ref.sqlite"), TABLE).unwrap();

    let r = replay_against_original_db("compat");
    let got = rows(&r.db, TABLE);
    assert_eq!(got.len(), 5, "{got:#?}");
    assert_eq!(
        got[..3],
        original_rows()[..],
        "old rows untouched (a known Domain is not rewritten)"
    );
    assert_eq!(got[3].domain, "apple-login-secure.example.com");
    assert_eq!(got[4].domain, "paypal-secure.example.io");
    assert_eq!(got[3].san.as_deref(), Some("paypal-secure.example.io"));
    assert_eq!(
        got[3].fingerprint.as_deref(),
        Some(r.new_cert.fingerprint.as_str())
    );
    assert_eq!(got[4].still, None);
    assert_eq!(
        r.stdout.lines().count(),
        2,
        "only the new hosts are reported:\n{}",
        r.stdout
    );
    assert_eq!(
        table_sql(&r.db, TABLE).as_deref(),
        Some(original_sql.as_str()),
        "schema unchanged"
    );
    let c = Connection::open(&r.db).unwrap();
    let cols: Vec<String> = c
        .prepare(&format!("PRAGMA table_info({TABLE})"))
        .unwrap()
        .query_map([], |row| row.get::<_, String>(1))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        cols,
        [
            "Domain",
            "SAN",
            "Issuer",
            "Fingerprint",
            "Startime",
            "FirstSeen",
            "StillInvestig"
        ]
    );
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(
        mode, "wal",
        "the monitor switches the file to WAL so readers and writers can share it"
    );
    assert!(integrity_ok(&r.db));
}

/// gethost.py's loop and scanhost.py's UPDATE, run by Python's own sqlite3 on our file.
const PY_SCRIPT: &str = r#"
import sqlite3, sys, datetime
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
cur = conn.cursor()
cur.execute("SELECT Domain,Issuer,Fingerprint,FirstSeen,StillInvestig FROM CertMon")
for domain, issuer, fingerprint, first_seen, still_investing in cur.fetchall():
    datetime.datetime.strptime(first_seen, '%Y-%m-%dT%H:%M:%S')
    print(f"{domain}  {issuer}  {fingerprint}  {still_investing}")
cur.execute("UPDATE CertMon SET StillInvestig= ? WHERE Domain = ? AND Fingerprint = ? ;", ("2024-05-01T12:34:56", sys.argv[2], sys.argv[3]))
conn.close()
"#;

#[test]
fn python_sqlite3_reads_and_updates_our_db() {
    if Command::new("python3")
        .arg("-c")
        .arg("import sqlite3")
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true)
    {
        println!(
            "note: python3 with sqlite3 is not available; skipping the Python compatibility check"
        );
        return;
    }
    let r = replay_against_original_db("python");
    let before = rows(&r.db, TABLE);
    let out = Command::new("python3")
        .arg("-c")
        .arg(PY_SCRIPT)
        .arg(&r.db)
        .arg("apple-login-secure.example.com")
        .arg(&r.new_cert.fingerprint)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "python3 failed:\n{stderr}");
    let expected: String = before
        .iter()
        .map(|row| {
            let o = |v: &Option<String>| v.clone().unwrap_or_else(|| "None".into());
            format!(
                "{}  {}  {}  {}\n",
                row.domain,
                o(&row.issuer),
                o(&row.fingerprint),
                o(&row.still)
            )
        })
        .collect();
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
    let after = rows(&r.db, TABLE);
    assert_eq!(
        find(&after, "apple-login-secure.example.com")
            .still
            .as_deref(),
        Some("2024-05-01T12:34:56")
    );
}

#[test]
fn fresh_db_gets_the_original_schema_under_the_configured_name() {
    let scratch = TempDir::new("ddl-ref2");
    create_original_db(&scratch.join("ref.sqlite"), "PhishHosts");
    let reference = table_sql(&scratch.join("ref.sqlite"), "PhishHosts").unwrap();

    let dir = TempDir::new("fresh-table");
    dir.write(
        "feed.jsonl",
        Cert::new(&["paypal-login.fresh.example"]).lite(),
    );
    let cfg = Conf {
        table: "PhishHosts".into(),
        db: "deep/er/dir/fresh.sqlite".into(),
        ..Conf::default()
    }
    .write(&dir);
    let out = run(
        dir.path(),
        &["monitor", "-c", &cfg, "--replay", "feed.jsonl"],
        None,
    );
    assert_eq!(out.code, Some(0), "stderr:\n{}", out.stderr);
    let db = dir.join("deep/er/dir/fresh.sqlite");
    assert_eq!(
        table_sql(&db, "PhishHosts").as_deref(),
        Some(reference.as_str())
    );
    assert_eq!(table_sql(&db, "CertMon"), None);
    assert_eq!(domains(&db, "PhishHosts"), ["paypal-login.fresh.example"]);
}

#[test]
fn table_name_that_is_not_an_identifier_is_a_config_error() {
    let dir = TempDir::new("badtable");
    let conf = Conf {
        table: "CertMon; DROP".into(),
        ..Conf::default()
    };
    let cfg = conf.write(&dir);
    let line = line_of(&conf.render(), "TABLEname");
    dir.write("feed.jsonl", Cert::new(&["paypal-login.x.example"]).lite());
    for args in [
        vec!["monitor", "-c", &cfg, "--replay", "feed.jsonl"],
        vec!["gethost", "-c", &cfg],
    ] {
        let out = run(dir.path(), &args, None);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert_eq!(
            out.stderr.trim_end().lines().count(),
            1,
            "one line:\n{}",
            out.stderr
        );
        for needle in ["test.conf", &format!("line {line}"), "TABLEname"] {
            assert!(
                out.stderr.contains(needle),
                "{args:?}: {needle:?} not in {}",
                out.stderr
            );
        }
        assert_eq!(out.stdout, "");
    }
    assert!(
        !dir.join(DB).exists(),
        "nothing is created before the config is known to be good"
    );
}

/// scanhost.py (or any other writer) holding the write lock for a while must not cost a
/// match: the monitor waits (busy timeout) instead of failing the insert.
#[test]
fn a_writer_holding_the_lock_briefly_does_not_lose_matches() {
    let dir = TempDir::new("locked");
    let db = dir.join(DB);
    create_original_db(&db, TABLE);
    let holder = Connection::open(&db).unwrap();
    let _: String = holder
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    holder
        .execute(&format!("UPDATE {TABLE} SET StillInvestig = 'held' WHERE Domain = 'login-paypal.example.com'"), [])
        .unwrap();

    let hosts: Vec<String> = (0..5)
        .map(|i| format!("paypal-login-{i}.locked.example"))
        .collect();
    let feed: Vec<String> = hosts.iter().map(|h| Cert::new(&[h]).lite()).collect();
    dir.write("feed.jsonl", feed.join("\n"));
    let cfg = Conf::default().write(&dir);
    let mut p = Proc::spawn(
        dir.path(),
        &["monitor", "-c", &cfg, "--replay", "feed.jsonl"],
        &[],
        None,
    );
    assert!(
        p.wait_stderr("Looking for these strings", WAIT),
        "{}",
        p.stderr()
    );
    // The scenario, not an assertion: keep the lock longer than the monitor's own retries last.
    std::thread::sleep(std::time::Duration::from_secs(2));
    holder.execute_batch("COMMIT").unwrap();

    let status = p.wait_exit(WAIT).expect("replay ends");
    assert_eq!(status.code(), Some(0), "{}", p.stderr());
    assert!(!p.stderr().contains("LOST MATCH"), "{}", p.stderr());
    let got = domains(&db, TABLE);
    for h in &hosts {
        assert!(got.contains(h), "{h} lost; stderr:\n{}", p.stderr());
    }
    assert_eq!(
        find(&rows(&db, TABLE), "login-paypal.example.com")
            .still
            .as_deref(),
        Some("held")
    );
}

/// Run as root (an operator's `gethost`, `scan` or second monitor) on a DB that belongs to
/// the monitor's user, we must not leave root-owned -wal/-shm files behind: the monitor
/// running as that user could then no longer write ("attempt to write a readonly
/// database"). SQLite gives those files the database's owner when it runs as root (the
/// bundled build has HAVE_FCHOWN); this keeps that true, with a second writer as the user.
#[test]
fn run_as_root_the_wal_files_keep_the_database_owner() {
    let Some(uid) = limits::unused_uid() else {
        return limits::skipped_not_root();
    };
    let dir = TempDir::new("wal-owner");
    let db = dir.join(DB);
    create_original_db(&db, TABLE);
    let c = Connection::open(&db).unwrap();
    let _: String = c
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .unwrap();
    drop(c);
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    let shm = PathBuf::from(format!("{}-shm", db.display()));
    assert!(!wal.exists() && !shm.exists(), "a clean close removes them");
    let feed = [Cert::new(&["paypal-login.owner.example"]).lite()];
    dir.write("feed.jsonl", feed.join("\n"));
    let server = serve_once(Vec::new());
    let cfg = Conf {
        servers: vec![server.url()],
        ..Conf::default()
    }
    .write(&dir);
    limits::chown_tree(dir.path(), uid);

    // Root's monitor opens the DB first, so it creates the -wal and -shm files.
    let mut root = Proc::spawn(dir.path(), &["monitor", "-c", &cfg], &[], None);
    assert!(
        wait_until(WAIT, || wal.exists() && shm.exists()),
        "{}",
        root.stderr()
    );
    // SQLite creates each file, then hands it to the DB's owner: wait out that moment.
    use std::os::unix::fs::MetadataExt;
    let owner = |f: &PathBuf| std::fs::metadata(f).map(|m| m.uid()).ok();
    for f in [&wal, &shm] {
        assert!(
            wait_until(WAIT, || owner(f) == Some(uid)),
            "{} belongs to uid {:?}",
            f.display(),
            owner(f)
        );
    }
    // The monitor's user writes while root's process keeps those files open.
    let mut user = Proc::spawn_adjusted(
        dir.path(),
        &["monitor", "-c", &cfg, "--replay", "feed.jsonl"],
        &[],
        None,
        |c| {
            use std::os::unix::process::CommandExt;
            c.uid(uid).gid(uid);
        },
    );
    let status = user.wait_exit(WAIT).expect("replay ends");
    assert_eq!(status.code(), Some(0), "{}", user.stderr());
    assert!(domains(&db, TABLE).contains(&"paypal-login.owner.example".to_string()));
    assert_eq!(root.stop().code(), Some(0), "{}", root.stderr());
}

/// When root left -wal/-shm files the monitor's user cannot write (a tool run as root with
/// an SQLite that does not hand them over), SQLite only says "attempt to write a readonly
/// database"; the error names the files and their owner, so the operator knows what to fix.
#[test]
fn readonly_database_error_names_the_file_and_its_owner() {
    let Some(uid) = limits::unused_uid() else {
        return limits::skipped_not_root();
    };
    let dir = TempDir::new("wal-root");
    let db = dir.join(DB);
    create_original_db(&db, TABLE);
    // Root keeps the DB open in WAL mode: its -wal and -shm stay root's, 0644.
    let holder = Connection::open(&db).unwrap();
    let _: String = holder
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .unwrap();
    let _: i64 = holder
        .query_row(&format!("SELECT count(*) FROM {TABLE}"), [], |r| r.get(0))
        .unwrap();
    dir.write("feed.jsonl", Cert::new(&["paypal-login.ro.example"]).lite());
    let cfg = Conf::default().write(&dir);
    for p in [dir.path(), &dir.join("data"), &db] {
        std::os::unix::fs::chown(p, Some(uid), Some(uid)).unwrap();
    }
    let mut user = Proc::spawn_adjusted(
        dir.path(),
        &["monitor", "-c", &cfg, "--replay", "feed.jsonl"],
        &[],
        None,
        |c| {
            use std::os::unix::process::CommandExt;
            c.uid(uid).gid(uid);
        },
    );
    let status = user.wait_exit(WAIT).expect("monitor ends");
    let stderr = user.stderr();
    assert_ne!(status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("attempt to write a readonly database")
            && stderr.contains("data/certs.sqlite-shm (owner uid 0)")
            && stderr.contains(&format!("not writable by this process, uid {uid})")),
        "{stderr}"
    );
    drop(holder);
}

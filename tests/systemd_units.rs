//! The systemd units of `deploy/systemd/`: `systemd-analyze verify` accepts them, `systemd-analyze
//! security --offline=true` rates every service at most 1.5 ("OK"), and their restrictions
//! still let the binary work. systemd cannot start units here, so the last part runs the
//! README's main job (`monitor --replay`) and a `scan` of a loopback HTTPS site (with a
//! `Notification_Command` hook) under `tools/unit_sandbox.py`, which applies the unit's own
//! file-system view (bubblewrap), unprivileged user and seccomp filters (the syscall
//! allow-list derived from `systemd-analyze syscall-filter`, address families, W^X memory,
//! namespaces, realtime). Settings the harness cannot apply are only checked offline; it
//! prints which.
//!
//! Tests skip with a note when `systemd-analyze`, `bwrap` or the libseccomp Python binding
//! (Debian: systemd, bubblewrap, python3-seccomp) are missing or the tests do not run as
//! root (the harness switches to an unprivileged uid itself); `.ci/run` installs them.

mod common;

use common::sites::*;
use common::{bin, fingerprint_of, iso, now, original_ddl, rows, TempDir, TABLE};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const UNITS: [&str; 4] = [
    "certstreammonitor.service",
    "certstreammonitor-serve.service",
    "certstreammonitor-scan.service",
    "certstreammonitor-scan.timer",
];
const SERVICES: [&str; 3] = [
    "certstreammonitor.service",
    "certstreammonitor-serve.service",
    "certstreammonitor-scan.service",
];
/// Where the units expect the binary.
const EXEC_PATH: &str = "/usr/local/bin/certstreammonitor";

/// The binary the units run in these tests: `CSM_UNIT_BIN` (`.ci/run` sets it to the static
/// musl binary, the one operators install) or the test build.
fn unit_bin() -> String {
    match std::env::var("CSM_UNIT_BIN") {
        Ok(p) if !p.is_empty() => {
            let p = std::fs::canonicalize(&p).unwrap_or_else(|e| panic!("CSM_UNIT_BIN={p}: {e}"));
            p.display().to_string()
        }
        _ => bin().to_string(),
    }
}

fn unit_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/systemd")
}

fn read_unit(name: &str) -> String {
    std::fs::read_to_string(unit_dir().join(name))
        .unwrap_or_else(|e| panic!("deploy/systemd/{name}: {e}"))
}

fn systemd_analyze() -> bool {
    let ok = Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        eprintln!("skipped: needs systemd-analyze (Debian: systemd)");
    }
    ok
}

/// `key=value` of a unit's `[Service]` section, in order.
fn service_settings(text: &str) -> Vec<(String, String)> {
    let mut section = "";
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.starts_with('[') {
            section = line;
        } else if section == "[Service]" {
            if let Some((k, v)) = line.split_once('=') {
                out.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
    }
    out
}

#[test]
fn units_pass_systemd_analyze_verify() {
    if !systemd_analyze() {
        return;
    }
    // `verify` checks that ExecStart= is executable: a copy of the units with the built
    // binary in its place (the timer's Unit= is resolved in the same directory).
    let dir = TempDir::new("units-verify");
    let mut paths = Vec::new();
    for name in UNITS {
        let text = read_unit(name).replace(EXEC_PATH, bin());
        if name.ends_with(".service") {
            assert!(
                text.contains(bin()),
                "{name}: ExecStart= is not {EXEC_PATH}"
            );
        }
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        paths.push(p);
    }
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .args(&paths)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "systemd-analyze verify: {:?}\n{stderr}",
        out.status
    );
}

#[test]
fn services_are_rated_ok_by_systemd_analyze_security() {
    if !systemd_analyze() {
        return;
    }
    let re = regex::Regex::new(r"Overall exposure level for (\S+): (\d+\.\d+) (\S+)").unwrap();
    for name in SERVICES {
        let out = Command::new("systemd-analyze")
            .args(["security", "--offline=true", "--no-pager"])
            .arg(unit_dir().join(name))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let c = re
            .captures(&stdout)
            .unwrap_or_else(|| panic!("{name}: no rating in\n{stdout}\n{:?}", out.stderr));
        let level: f64 = c[2].parse().unwrap();
        println!("{name}: exposure {level} {}", &c[3]);
        assert_eq!(&c[1], name);
        assert!(level <= 1.5, "{name}: exposure {level} > 1.5\n{stdout}");
        assert_eq!(&c[3], "OK", "{stdout}");
    }
}

#[test]
fn monitor_and_scan_share_user_directories_and_hardening() {
    let monitor = service_settings(&read_unit("certstreammonitor.service"));
    let scan = service_settings(&read_unit("certstreammonitor-scan.service"));
    // Everything but how and when the binary runs is the same: one user and the same
    // directories (they share the DB), the same restrictions.
    let own = [
        "Type",
        "ExecStart",
        "ExecReload",
        "Restart",
        "RestartSec",
        "RestartPreventExitStatus",
        "TimeoutStartSec",
    ];
    let common = |s: &[(String, String)]| -> Vec<(String, String)> {
        s.iter()
            .filter(|(k, _)| !own.contains(&k.as_str()))
            .cloned()
            .collect()
    };
    assert_eq!(common(&monitor), common(&scan));
    let get = |s: &[(String, String)], k: &str| {
        s.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone())
    };
    assert_eq!(get(&scan, "Type").as_deref(), Some("oneshot"));
    assert_eq!(get(&monitor, "Restart").as_deref(), Some("on-failure"));
    assert_eq!(get(&scan, "Restart"), None);
    // `systemctl reload` sends SIGHUP to the monitor (live rule reload); scan has none.
    assert_eq!(
        get(&monitor, "ExecReload").as_deref(),
        Some("/bin/kill -HUP $MAINPID")
    );
    assert_eq!(get(&scan, "ExecReload"), None);
    assert!(get(&monitor, "ExecStart").unwrap().contains(" monitor -c "));
    assert!(get(&scan, "ExecStart").unwrap().contains(" scan -c "));
    let timer = read_unit("certstreammonitor-scan.timer");
    assert!(timer.contains("\nUnit=certstreammonitor-scan.service\n"));
    assert!(timer.contains("\nOnCalendar=*:0/10\n"));
}

// ---------------------------------------------------------------------------------------
// Under the units' restrictions (tools/unit_sandbox.py)

/// The Python with the libseccomp binding, when bwrap is there too and we are root.
fn sandbox_python() -> Option<&'static str> {
    let bwrap = Command::new("bwrap")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let python = ["/usr/bin/python3", "python3"].into_iter().find(|p| {
        Command::new(p)
            .args(["-c", "import seccomp"])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    });
    match (bwrap, root, python) {
        (true, true, Some(p)) => Some(p),
        _ => {
            eprintln!(
                "skipped: the unit sandbox needs bwrap (Debian: bubblewrap) {bwrap}, the libseccomp \
                 Python binding (python3-seccomp) {}, and root (it drops to a dynamic-user-like \
                 uid itself) {root}",
                python.is_some()
            );
            None
        }
    }
}

struct Sandboxed {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Run `program args` under `unit`'s restrictions, its directories under `dirs`
/// (`state/`, `logs/`, `config/`), with a generous limit against hangs.
/// The binary's jobs run with `--kill-on-refused`: a syscall the unit's filter refuses
/// kills them, so passing shows the binary makes none (under the unit it would get EPERM).
fn sandboxed(python: &str, unit: &str, dirs: &Path, program: &[&str]) -> Sandboxed {
    sandboxed_with(python, unit, dirs, &["--kill-on-refused"], program, None)
}

/// The processes under `root` (itself included) running `exe`.
fn descendants_running(root: u32, exe: &str) -> Vec<i32> {
    let mut parent = std::collections::HashMap::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r.to_string()) else {
            continue;
        };
        if let Some(ppid) = rest
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse::<u32>().ok())
        {
            parent.insert(pid, ppid);
        }
    }
    let under = |mut p: u32| loop {
        if p == root {
            return true;
        }
        match parent.get(&p) {
            Some(&pp) if pp != 0 && pp != p => p = pp,
            _ => return false,
        }
    };
    parent
        .keys()
        .filter(|&&p| under(p))
        .filter(|p| {
            std::fs::read_link(format!("/proc/{p}/exe"))
                .map(|x| x == Path::new(exe))
                .unwrap_or(false)
        })
        .map(|&p| p as i32)
        .collect()
}

/// [`sandboxed`] with more options of the harness (`--resolv-conf FILE`).
fn sandboxed_with(
    python: &str,
    unit: &str,
    dirs: &Path,
    options: &[&str],
    program: &[&str],
    stop_when: Option<&dyn Fn() -> bool>,
) -> Sandboxed {
    let out_path = dirs.join("sandbox.stdout");
    let err_path = dirs.join("sandbox.stderr");
    let harness = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/unit_sandbox.py");
    let mut child = Command::new(python)
        .arg(harness)
        .arg("--unit")
        .arg(unit_dir().join(unit))
        .arg("--dirs")
        .arg(dirs)
        .arg("--print-plan")
        .args(options)
        .arg("--")
        .args(program)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("start tools/unit_sandbox.py");
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut stopped = false;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        // What `systemctl stop` does: SIGTERM to the service's main process.
        if !stopped && stop_when.is_some_and(|f| f()) {
            for pid in descendants_running(child.id(), program[0]) {
                // SAFETY: kill(2) with a pid read from /proc; no memory involved.
                unsafe { libc::kill(pid, libc::SIGTERM) };
                stopped = true;
            }
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{program:?} under {unit} did not finish in 120 s; stderr:\n{}",
                std::fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let s = Sandboxed {
        code: status.code(),
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
    };
    println!("{program:?} under {unit}: {:?}\n{}", s.code, s.stderr);
    s
}

/// The config as the units see it: everything in the unit's directories.
fn unit_conf(extra: &str) -> String {
    format!(
        "[SEARCH]\nSearchKeywords = paypal|apple|amazon|microsoft|netflix|ameli|impots|login|secure|account|verif\n\
         DetectionThreshold = 2\n\
         [DATABASE]\nDBFile = /var/lib/certstreammonitor/certstreammonitor.sqlite\nTABLEname = {TABLE}\n\
         [LOGGING]\nLogType = file\nLogFile = /var/log/certstreammonitor/certstreammonitor.log\nLogLevel = INFO\n\
         [SERVER]\nACTServer = ct://\n\
         {extra}"
    )
}

#[test]
fn the_sandbox_really_applies_the_unit_restrictions() {
    let Some(python) = sandbox_python() else {
        return;
    };
    let dir = TempDir::new("unit-sandbox-controls");
    // Each probe is refused under the unit and allowed outside it (it runs unrestricted
    // first to show that): setpriority() of the removed @resources group, a netlink socket
    // (RestrictAddressFamilies), a writable and executable mapping (MemoryDenyWriteExecute),
    // a write outside the writable directories (ProtectSystem=strict); then a write to the
    // state directory, allowed, and the uid.
    let probe = r#"
import mmap, os, socket, sys
def t(name, f):
    try:
        f(); print(name, "allowed")
    except OSError as e:
        print(name, e.errno)
t("setpriority", lambda: os.setpriority(os.PRIO_PROCESS, 0, 5))
t("netlink", lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW).close())
t("mmap-wx", lambda: mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC))
t("write-usr", lambda: open(sys.argv[2], "w").close())
t("write-state", lambda: open(sys.argv[1] + "/probe", "w").close())
print(os.getuid())
"#;
    std::fs::write(dir.path().join("probe.py"), probe).unwrap();
    std::fs::create_dir_all(dir.path().join("free")).unwrap();
    let free = Command::new(python)
        .arg(dir.path().join("probe.py"))
        .arg(dir.path().join("free"))
        .arg(dir.path().join("free/usr-probe"))
        .output()
        .unwrap();
    let free = String::from_utf8_lossy(&free.stdout).to_string();
    assert!(
        free.starts_with(
            "setpriority allowed\nnetlink allowed\nmmap-wx allowed\nwrite-usr allowed\n"
        ),
        "unrestricted:\n{free}"
    );
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    std::fs::copy(
        dir.path().join("probe.py"),
        dir.path().join("config/probe.py"),
    )
    .unwrap();
    // The unit's LoadCredential= needs its source.
    std::fs::write(
        dir.path().join("config/certstreammonitor.conf"),
        "[SEARCH]\n",
    )
    .unwrap();
    // With the unit's own SystemCallErrorNumber=EPERM: the probe reports the refusals.
    let run = sandboxed_with(
        python,
        "certstreammonitor.service",
        dir.path(),
        &[],
        &[
            python,
            "/etc/certstreammonitor/probe.py",
            "/var/lib/certstreammonitor",
            "/usr/csm-unit-probe",
        ],
        None,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "setpriority 1",
            "netlink 97",
            "mmap-wx 1",
            "write-usr 30",
            "write-state allowed",
            "61934"
        ],
        "stderr:\n{}",
        run.stderr
    );
    assert!(dir.path().join("state/probe").exists());
    assert!(!Path::new("/usr/csm-unit-probe").exists());
    assert!(run.stderr.contains("applied: "), "{}", run.stderr);
}

#[test]
fn replay_main_job_under_the_monitor_unit() {
    let Some(python) = sandbox_python() else {
        return;
    };
    let dir = TempDir::new("unit-sandbox-replay");
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    std::fs::write(
        dir.path().join("config/certstreammonitor.conf"),
        unit_conf(""),
    )
    .unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/certstream-sample.jsonl");
    let exec = read_unit("certstreammonitor.service");
    let exec = service_settings(&exec)
        .into_iter()
        .find(|(k, _)| k == "ExecStart")
        .unwrap()
        .1;
    let mut argv: Vec<String> = exec.split_whitespace().map(String::from).collect();
    argv[0] = unit_bin();
    argv.push("--replay".into());
    argv.push(sample.display().to_string());
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let run = sandboxed(python, "certstreammonitor.service", dir.path(), &argv);
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let printed = run.stdout.lines().filter(|l| l.starts_with('[')).count();
    let stored = rows(&dir.path().join("state/certstreammonitor.sqlite"), TABLE);
    assert!(printed > 0, "no match printed:\n{}", run.stdout);
    assert_eq!(stored.len(), printed, "{}", run.stdout);
    let log = std::fs::read_to_string(dir.path().join("logs/certstreammonitor.log")).unwrap();
    assert!(log.contains("stopped: "), "{log}");
    assert!(!log.contains("ERROR"), "{log}");
}

/// `monitor` following a loopback certstream server (the sample feed, live) under the
/// monitor unit until a SIGTERM, as `systemctl stop` sends: the same hosts as the replay are
/// stored, and it exits 0.
#[test]
fn certstream_monitor_under_the_monitor_unit_until_sigterm() {
    let Some(python) = sandbox_python() else {
        return;
    };
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/certstream-sample.jsonl");
    let exec = service_settings(&read_unit("certstreammonitor.service"))
        .into_iter()
        .find(|(k, _)| k == "ExecStart")
        .unwrap()
        .1;
    let mut argv: Vec<String> = exec.split_whitespace().map(String::from).collect();
    argv[0] = unit_bin();
    // The replay first, for the hosts to expect.
    let replay = TempDir::new("unit-sandbox-live-replay");
    std::fs::create_dir_all(replay.path().join("config")).unwrap();
    std::fs::write(
        replay.path().join("config/certstreammonitor.conf"),
        unit_conf(""),
    )
    .unwrap();
    let mut replay_argv = argv.clone();
    replay_argv.extend(["--replay".to_string(), sample.display().to_string()]);
    let replay_argv: Vec<&str> = replay_argv.iter().map(String::as_str).collect();
    let r = sandboxed(
        python,
        "certstreammonitor.service",
        replay.path(),
        &replay_argv,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let domains = |db: &Path| -> std::collections::BTreeSet<String> {
        rows(db, TABLE).into_iter().map(|r| r.domain).collect()
    };
    let want = domains(&replay.path().join("state/certstreammonitor.sqlite"));
    assert!(!want.is_empty());

    let lines: Vec<String> = std::fs::read_to_string(&sample)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let server = common::serve_once(lines);
    let dir = TempDir::new("unit-sandbox-live");
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    let conf = unit_conf("").replace(
        "ACTServer = ct://",
        &format!("ACTServer = {}", server.url()),
    );
    std::fs::write(dir.path().join("config/certstreammonitor.conf"), conf).unwrap();
    let db = dir.path().join("state/certstreammonitor.sqlite");
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let stored_all = || domains(&db) == want;
    let run = sandboxed_with(
        python,
        "certstreammonitor.service",
        dir.path(),
        &["--kill-on-refused"],
        &argv,
        Some(&stored_all),
    );
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    assert_eq!(domains(&db), want);
    assert_eq!(server.accepts(), 1);
    let log = std::fs::read_to_string(dir.path().join("logs/certstreammonitor.log")).unwrap();
    assert!(log.contains("stopped: "), "{log}");
}

#[test]
fn scan_with_hook_under_the_scan_unit() {
    scan_case(false);
}

/// The same scan without `[CONNECT] Resolve`: the host name is resolved by the binary's own
/// `getaddrinfo` through a loopback DNS server named by the sandbox's `/etc/resolv.conf`
/// (UDP to port 53, so root only, as the whole sandbox is), and the site is reached on
/// port 443 of the address it answers. Proves the address families and the syscall filter
/// let name resolution work (musl's or glibc's, whichever binary runs).
#[test]
fn scan_resolving_through_dns_under_the_scan_unit() {
    scan_case(true);
}

fn scan_case(dns: bool) {
    let Some(python) = sandbox_python() else {
        return;
    };
    let Some(pki) = pki() else {
        eprintln!("skipped: needs the openssl CLI");
        return;
    };
    let dir = TempDir::new(if dns {
        "unit-sandbox-dns"
    } else {
        "unit-sandbox-scan"
    });
    let d = dir.path();
    let host = "login-paypal.unit.test";
    let site = Site::start(pki.acceptor(&[host]), |_| Reply::page(200, "Sandboxed"));
    let mut options = vec!["--kill-on-refused".to_string()];
    let mut resolve = format!("Resolve = {}\n", site.resolve(host));
    let mut fake_dns = None;
    if dns {
        let Some(server) = FakeDns::start(DNS_IP, SITE_IP) else {
            return;
        };
        // The forwarder lives as long as the test binary (its thread keeps the listener).
        if forward((SITE_IP, 443), site.resolve(host)).is_none() {
            return;
        }
        fake_dns = Some(server);
        std::fs::write(
            d.join("resolv.conf"),
            format!("nameserver {DNS_IP}\noptions timeout:2 attempts:3\n"),
        )
        .unwrap();
        options.push("--resolv-conf".to_string());
        options.push(d.join("resolv.conf").display().to_string());
        resolve = String::new();
    }
    std::fs::create_dir_all(d.join("config")).unwrap();
    std::fs::create_dir_all(d.join("state")).unwrap();
    // PrivateTmp hides the test's /tmp: the CA and the hook go to the config directory.
    std::fs::copy(&pki.ca_pem, d.join("config/ca.pem")).unwrap();
    std::fs::write(
        d.join("config/hook.sh"),
        "cat > \"$STATE_DIRECTORY/hook.json\"\nprintf '%s\\n' \"$CSM_HOSTNAME\" > \"$STATE_DIRECTORY/hook.host\"\n",
    )
    .unwrap();
    let extra = format!(
        "[REPORTING]\nAlerts_dir = /var/lib/certstreammonitor/alerts\n\
         Notification_Command = /bin/sh /etc/certstreammonitor/hook.sh\n\
         [CONNECT]\nCAFile = /etc/certstreammonitor/ca.pem\nTimeout = 10\nWorkers = 4\n{resolve}",
    );
    std::fs::write(d.join("config/certstreammonitor.conf"), unit_conf(&extra)).unwrap();
    let db = d.join("state/certstreammonitor.sqlite");
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute_batch(&original_ddl(TABLE)).unwrap();
    c.execute(
        "INSERT INTO CertMon (Domain, SAN, Issuer, Fingerprint, Startime, FirstSeen) VALUES (?1, '', 'x', ?2, '2024-01-01T00:00:00', ?3)",
        rusqlite::params![host, fingerprint_of(host), iso(now() - 3600)],
    )
    .unwrap();
    drop(c);
    // The harness chowns state/ to the sandbox user, as systemd does; the DB made here too.
    let exec = service_settings(&read_unit("certstreammonitor-scan.service"))
        .into_iter()
        .find(|(k, _)| k == "ExecStart")
        .unwrap()
        .1;
    let mut argv: Vec<String> = exec.split_whitespace().map(String::from).collect();
    argv[0] = unit_bin();
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let chown = Command::new("chown")
        .args(["-R", "61934:61934"])
        .arg(d.join("state"))
        .status()
        .unwrap();
    assert!(chown.success());
    let options: Vec<&str> = options.iter().map(String::as_str).collect();
    let run = sandboxed_with(
        python,
        "certstreammonitor-scan.service",
        d,
        &options,
        &argv,
        None,
    );
    assert_eq!(
        run.code,
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stdout.contains("Scan finished: 1 probed, 1 up"),
        "{}",
        run.stdout
    );
    let alert = std::fs::read_to_string(d.join(format!("state/alerts/{host}.json")))
        .unwrap_or_else(|e| panic!("alert: {e}\n{}", run.stdout));
    assert!(
        alert.contains("\"webpage_title\": \"Sandboxed\""),
        "{alert}"
    );
    let row = rows(&db, TABLE);
    assert!(row[0].still.is_some(), "host not marked");
    assert_eq!(site.requests().len(), 1);
    if let Some(server) = fake_dns {
        let asked = server.questions();
        assert!(asked.iter().any(|q| q == host), "DNS questions: {asked:?}");
        assert!(
            alert.contains(&format!("\"ip_addr\": \"{SITE_IP}\"")),
            "{alert}"
        );
    }
    // The hook ran as a child under the same filters and wrote to the state directory.
    let hook_host = std::fs::read_to_string(d.join("state/hook.host"))
        .unwrap_or_else(|e| panic!("hook did not run: {e}\n{}", run.stderr));
    assert_eq!(hook_host.trim(), host);
    assert_eq!(
        std::fs::read_to_string(d.join("state/hook.json")).unwrap(),
        alert
    );
}

// ---------------------------------------------------------------------------------------
// Loopback DNS (RFC 1035) and a TCP forwarder, for the DNS case

const DNS_IP: std::net::Ipv4Addr = std::net::Ipv4Addr::new(127, 83, 0, 1);
const SITE_IP: std::net::Ipv4Addr = std::net::Ipv4Addr::new(127, 83, 0, 2);

/// Answers every A question with one address, every other question with no record
/// (NOERROR), and remembers the names asked.
struct FakeDns {
    questions: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl FakeDns {
    fn start(ip: std::net::Ipv4Addr, answer: std::net::Ipv4Addr) -> Option<FakeDns> {
        let sock = match std::net::UdpSocket::bind((ip, 53)) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("skipped: cannot listen on {ip}:53 for the fake DNS server: {e}");
                return None;
            }
        };
        let questions = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let q = questions.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 512];
            while let Ok((n, from)) = sock.recv_from(&mut buf) {
                if let Some((name, reply)) = dns_reply(&buf[..n], answer) {
                    q.lock().unwrap().push(name);
                    let _ = sock.send_to(&reply, from);
                }
            }
        });
        Some(FakeDns { questions })
    }

    fn questions(&self) -> Vec<String> {
        self.questions.lock().unwrap().clone()
    }
}

/// The reply to a one-question query: header (RFC 1035 4.1.1), the question echoed, and for
/// type A one answer pointing at the question's name (compression pointer 0xC00C).
fn dns_reply(q: &[u8], answer: std::net::Ipv4Addr) -> Option<(String, Vec<u8>)> {
    if q.len() < 12 || u16::from_be_bytes([q[4], q[5]]) != 1 {
        return None;
    }
    let mut i = 12;
    let mut labels = Vec::new();
    loop {
        let len = *q.get(i)? as usize;
        i += 1;
        if len == 0 {
            break;
        }
        labels.push(String::from_utf8_lossy(q.get(i..i + len)?).to_string());
        i += len;
    }
    let qtype = u16::from_be_bytes([*q.get(i)?, *q.get(i + 1)?]);
    let question_end = i + 4;
    let question = q.get(12..question_end)?;
    let is_a = qtype == 1;
    let mut r = Vec::new();
    r.extend_from_slice(&q[0..2]); // ID
    r.extend_from_slice(&[0x81 | (q[2] & 0x01), 0x80]); // QR, RD copied, RA, NOERROR
    r.extend_from_slice(&[0, 1, 0, is_a as u8, 0, 0, 0, 0]);
    r.extend_from_slice(question);
    if is_a {
        r.extend_from_slice(&[0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]);
        r.extend_from_slice(&answer.octets());
    }
    Some((labels.join("."), r))
}

/// Accepts on `from` and pipes each connection to `to` (`name:ip:port`).
fn forward(from: (std::net::Ipv4Addr, u16), to: String) -> Option<std::net::SocketAddr> {
    let listener = match std::net::TcpListener::bind(from) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("skipped: cannot listen on {from:?}: {e}");
            return None;
        }
    };
    let target: std::net::SocketAddr = to.split_once(':').unwrap().1.parse().unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(a) = conn else { continue };
            let Ok(b) = std::net::TcpStream::connect(target) else {
                continue;
            };
            let (mut a2, mut b2) = (a.try_clone().unwrap(), b.try_clone().unwrap());
            let (mut a, mut b) = (a, b);
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut a2, &mut b2);
                let _ = b2.shutdown(std::net::Shutdown::Write);
            });
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut b, &mut a);
                let _ = a.shutdown(std::net::Shutdown::Write);
            });
        }
    });
    Some(addr)
}

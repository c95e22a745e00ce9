//! The Python references of tests/requirements.txt (the real apprise 1.7.1, and
//! prometheus_client's exposition-format parser for `tests/metrics.rs`, certstream-python and
//! websocket-client for `tests/serve.rs`) in a Python venv at `target/test-venv`,
//! made on first use (`python3 -m venv`, `pip install -r tests/requirements.txt`; `.ci/run`
//! makes it up front) and reused while its copy of the requirements matches. Concurrent test
//! processes take `target/test-venv.lock` (created exclusively, holding the maker's pid; a lock
//! whose process is gone is taken over). A failed install fails the test with pip's output:
//! the comparison is never skipped.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const REQUIREMENTS: &str = include_str!("../requirements.txt");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The venv's directory; panics with a clear message when it cannot be made.
pub fn venv() -> &'static Path {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    VENV.get_or_init(make_venv)
}

fn ready(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("requirements.txt"))
        .ok()
        .as_deref()
        == Some(REQUIREMENTS)
        && dir.join("bin/python").exists()
}

fn make_venv() -> PathBuf {
    let dir = root().join("target/test-venv");
    let lock = root().join("target/test-venv.lock");
    let start = Instant::now();
    loop {
        if ready(&dir) {
            return dir;
        }
        match OpenOptions::new().write(true).create_new(true).open(&lock) {
            Ok(mut f) => {
                let _ = write!(f, "{}", std::process::id());
                let result = install(&dir);
                let _ = std::fs::remove_file(&lock);
                match result {
                    Ok(()) => return dir,
                    Err(e) => panic!(
                        "cannot install tests/requirements.txt (apprise, prometheus_client, certstream) into {} \
                         (needs python3 with venv and pip, and PyPI): {e}",
                        dir.display()
                    ),
                }
            }
            Err(_) => {
                // Someone else is making it; take the lock over if that process is gone.
                let holder = std::fs::read_to_string(&lock).unwrap_or_default();
                let alive = holder
                    .trim()
                    .parse::<u32>()
                    .map(|pid| Path::new(&format!("/proc/{pid}")).exists())
                    .unwrap_or(true);
                if !alive {
                    let _ = std::fs::remove_file(&lock);
                    continue;
                }
                assert!(
                    start.elapsed() < Duration::from_secs(900),
                    "waited 15 min for {} (held by pid {holder})",
                    lock.display()
                );
                std::thread::sleep(Duration::from_millis(300));
            }
        }
    }
}

fn install(dir: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir);
    let run = |cmd: &mut Command| -> Result<(), String> {
        let out = cmd
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("{cmd:?}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{cmd:?} failed ({}):\n{}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    run(Command::new("python3").arg("-m").arg("venv").arg(dir))?;
    run(Command::new(dir.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-q",
            "-r",
        ])
        .arg(root().join("tests/requirements.txt")))?;
    // Written last: the venv counts as made only once everything is installed.
    std::fs::write(dir.join("requirements.txt"), REQUIREMENTS).map_err(|e| e.to_string())
}

/// Run apprise's CLI (`python -c 'from apprise.cli import main; main()' ARGS`) with HOME in
/// `home` (so no user configuration is read); killed after 120 s.
pub fn run(home: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(venv().join("bin/python"))
        .args([
            "-c",
            "import sys; from apprise.cli import main; sys.exit(main())",
        ])
        .args(args)
        .env("HOME", home)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the venv's python");
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().expect("wait for apprise").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("apprise output")
}

//! The command hook (`Notification_Command`): a program run once per alert, without a shell,
//! with the alert in its environment and on its stdin. It runs in its own process group
//! under `Notification_Timeout`, so a hook that hangs (or leaves children behind) is killed
//! whole and the attempt fails like any other, to be retried.

use crate::logging;
use crate::notify::destination::{Destination, Kind};
use crate::notify::message::Message;
use std::io::{self, Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Stderr kept from the command hook, and how much of it reaches a log line.
const STDERR_CAP: usize = 64 * 1024;
const STDERR_LOG_CHARS: usize = 1000;

/// Run the hook: no shell, `CSM_*` variables added to the environment, the alert JSON on
/// stdin, stdout discarded, stderr kept (capped); killed (with its process group) after
/// the timeout. Success is exit status 0; stderr is logged either way.
pub(crate) fn run(dest: &Destination, msg: &Message, timeout: Duration) -> Result<(), String> {
    use std::os::unix::process::CommandExt;
    let Kind::Command { program, args } = &dest.kind else {
        return Err("not a command".into());
    };
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0);
    for (k, v) in &msg.env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    // The pipes are served by two short-lived threads. When one cannot be started (a
    // task limit reached), the child is killed and this attempt fails: the notification
    // is retried like any other failure and stays in the outbox until it is delivered.
    let refused = |child: &mut std::process::Child, pipe: &str, e: io::Error| {
        kill_group(child);
        format!("cannot start a thread for {program}'s {pipe}: {e}")
    };
    if let Some(mut stdin) = child.stdin.take() {
        let data = msg.alert_json.clone().into_bytes();
        // Not joined: a child that never reads its stdin must not block us.
        if let Err(e) = std::thread::Builder::new()
            .name("notify-stdin".into())
            .spawn(move || {
                let _ = stdin.write_all(&data);
            })
        {
            return Err(refused(&mut child, "stdin", e));
        }
    }
    let (tx, rx) = mpsc::channel();
    if let Some(mut err) = child.stderr.take() {
        let reader = std::thread::Builder::new().name("notify-stderr".into());
        let started = reader.spawn(move || {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            loop {
                match err.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let room = STDERR_CAP.saturating_sub(buf.len());
                        buf.extend_from_slice(&chunk[..n.min(room)]);
                    }
                }
            }
            let _ = tx.send(buf);
        });
        if let Err(e) = started {
            return Err(refused(&mut child, "stderr", e));
        }
    }
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break Some(st),
            Ok(None) => {}
            Err(e) => return Err(format!("waiting for {program}: {e}")),
        }
        if Instant::now() >= deadline {
            kill_group(&mut child);
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    // A grandchild may keep stderr open: wait only a moment for it.
    let stderr = rx
        .recv_timeout(Duration::from_millis(500))
        .unwrap_or_default();
    let stderr: String = String::from_utf8_lossy(&stderr)
        .chars()
        .take(STDERR_LOG_CHARS)
        .collect();
    let stderr = stderr.trim().replace('\n', " | ").replace('\r', "");
    let with_stderr = |head: String| {
        if stderr.is_empty() {
            head
        } else {
            format!("{head}; stderr: {stderr}")
        }
    };
    match status {
        None => Err(with_stderr(format!(
            "killed after {:.1} s (Notification_Timeout)",
            timeout.as_secs_f64()
        ))),
        Some(st) if st.success() => {
            if !stderr.is_empty() {
                logging::info(
                    "notify",
                    &dest.scrub(&format!(
                        "{} for {}: exit status 0; stderr: {stderr}",
                        dest.display(),
                        msg.log_name()
                    )),
                );
            }
            Ok(())
        }
        Some(st) => Err(with_stderr(match st.code() {
            Some(c) => format!("exit status {c}"),
            None => format!("ended by {st}"),
        })),
    }
}

/// Kill a hook and the process group it leads (it was started with `process_group(0)`), and
/// reap it.
fn kill_group(child: &mut std::process::Child) {
    // SAFETY: kill(2) with a negative pid signals that process group; no memory is touched.
    unsafe {
        libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

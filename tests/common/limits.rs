//! Running the binary under a thread limit (RLIMIT_NPROC, which counts every task — thread
//! or process — of a user).
//!
//! The kernel does not apply RLIMIT_NPROC to root (nor to CAP_SYS_RESOURCE / CAP_SYS_ADMIN),
//! and the tests run as root in CI, so the child switches to a uid no process uses: its task
//! count is then the child's own threads, main thread included, and the limit is exact.
//! When the tests do not run as root, [`unused_uid`] gives `None` and the test says it was
//! skipped (a non-root user's count includes all its other processes: no exact limit).
#![allow(dead_code)]

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

#[repr(C)]
struct RLimit {
    cur: u64,
    max: u64,
}

extern "C" {
    fn geteuid() -> u32;
    fn setrlimit(resource: i32, rlim: *const RLimit) -> i32;
    fn prlimit(pid: i32, resource: i32, new: *const RLimit, old: *mut RLimit) -> i32;
}

/// Linux's RLIMIT_NPROC.
const RLIMIT_NPROC: i32 = 6;

/// A uid that no running process has, when we are root; `None` otherwise.
pub fn unused_uid() -> Option<u32> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { geteuid() } != 0 {
        return None;
    }
    let mut used: HashSet<u32> = HashSet::new();
    for e in std::fs::read_dir("/proc").ok()?.flatten() {
        let status = std::fs::read_to_string(e.path().join("status")).unwrap_or_default();
        if let Some(line) = status.lines().find(|l| l.starts_with("Uid:")) {
            used.extend(
                line.split_whitespace()
                    .skip(1)
                    .filter_map(|u| u.parse::<u32>().ok()),
            );
        }
    }
    // Distinct per test (and per test process) so parallel tests never share a count.
    static NEXT: AtomicU32 = AtomicU32::new(0);
    loop {
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        if n > 5000 {
            return None;
        }
        let uid = 40_000 + (std::process::id() * 37 + n * 101) % 20_000;
        if !used.contains(&uid) {
            return Some(uid);
        }
    }
}

/// The hard limit: [`set_task_limit`] moves the soft limit below it without privileges.
const HARD: u64 = 4096;

/// Run `cmd` as `uid` (gid alike, no supplementary groups) with at most `max_tasks` tasks.
pub fn limit_tasks(cmd: &mut Command, uid: u32, max_tasks: u64) {
    use std::os::unix::process::CommandExt;
    cmd.uid(uid).gid(uid);
    // SAFETY: setrlimit is async-signal-safe; nothing else runs in the hook.
    unsafe {
        cmd.pre_exec(move || {
            let r = RLimit {
                cur: max_tasks,
                max: HARD,
            };
            if setrlimit(RLIMIT_NPROC, &r) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Change the limit of a running child that [`limit_tasks`] started as `uid`. Done from a
/// short-lived process of that uid (changing another user's limits takes CAP_SYS_RESOURCE,
/// which a container's root may lack): `prlimit(2)` in its `pre_exec` hook, then `true`.
pub fn set_task_limit(pid: u32, uid: u32, max_tasks: u64) {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new("true");
    cmd.uid(uid).gid(uid);
    // SAFETY: prlimit is a plain system call; nothing else runs in the hook.
    unsafe {
        cmd.pre_exec(move || {
            let r = RLimit {
                cur: max_tasks,
                max: HARD,
            };
            if prlimit(pid as i32, RLIMIT_NPROC, &r, std::ptr::null_mut()) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let st = cmd.status().expect("prlimit from the child's uid");
    assert!(st.success(), "{st:?}");
}

/// Threads of a running process (`/proc/PID/task`).
pub fn threads_of(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .map(|d| d.count())
        .unwrap_or(0)
}

/// Hand `path` and everything under it to `uid`, so the child can write there.
pub fn chown_tree(path: &Path, uid: u32) {
    std::os::unix::fs::chown(path, Some(uid), Some(uid)).expect("chown");
    if path.is_dir() {
        for e in std::fs::read_dir(path).expect("read_dir").flatten() {
            chown_tree(&e.path(), uid);
        }
    }
}

/// While alive, this thread reads and creates files as another user (Linux's file-system
/// uid and gid, which belong to one thread: the test's other threads stay root). Files it
/// creates are that user's from the start, with no window in which they are root's.
pub struct AsOwner {
    // Thread-bound: the ids were changed for the creating thread only.
    _not_send: std::marker::PhantomData<*const ()>,
}

impl AsOwner {
    /// Act as `uid`/`gid` when we are root and they are someone else's; `None` otherwise.
    pub fn of(uid: u32, gid: u32) -> Option<AsOwner> {
        // SAFETY: geteuid has no preconditions; setfsgid/setfsuid change this thread only.
        unsafe {
            if libc::geteuid() != 0 || uid == 0 {
                return None;
            }
            libc::setfsgid(gid);
            libc::setfsuid(uid);
        }
        Some(AsOwner {
            _not_send: std::marker::PhantomData,
        })
    }
}

impl Drop for AsOwner {
    fn drop(&mut self) {
        // SAFETY: as above; root again (its capabilities come back with file-system uid 0).
        unsafe {
            libc::setfsuid(0);
            libc::setfsgid(0);
        }
    }
}

pub fn skipped_not_root() {
    eprintln!("skipped: RLIMIT_NPROC is only exact for a uid of its own, which needs root");
}

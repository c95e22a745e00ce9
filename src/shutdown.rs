//! SIGINT/SIGTERM → a flag every loop polls; SIGHUP (`monitor` only) → a reload flag.
//!
//! Loops that block (socket reads, channel receives) do so with short timeouts, so a
//! flag is all the signal handler has to set: nothing async-signal-unsafe runs in it.

use std::sync::atomic::{AtomicBool, Ordering};

static STOP: AtomicBool = AtomicBool::new(false);
static RELOAD: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_sig: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// Route SIGINT and SIGTERM to the stop flag.
pub fn install_handlers() {
    let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, handler);
        libc::signal(libc::SIGTERM, handler);
    }
}

extern "C" fn on_hangup(_sig: libc::c_int) {
    RELOAD.store(true, Ordering::SeqCst);
}

/// Route SIGHUP to the reload flag (instead of its default action, ending the process).
/// Only `monitor` re-reads its configuration; the other subcommands keep the default.
pub fn install_reload_handler() {
    let handler = on_hangup as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGHUP, handler);
    }
}

/// Whether a SIGHUP arrived since the last call (the flag is cleared: one reload per
/// call, however many signals came meanwhile).
pub fn take_reload_request() -> bool {
    RELOAD.swap(false, Ordering::SeqCst)
}

pub fn requested() -> bool {
    STOP.load(Ordering::Relaxed)
}

/// Sleep up to `d`, waking early when a stop is requested. Returns whether to go on.
pub fn sleep(d: std::time::Duration) -> bool {
    let until = std::time::Instant::now() + d;
    while !requested() {
        let now = std::time::Instant::now();
        if now >= until {
            return true;
        }
        std::thread::sleep((until - now).min(std::time::Duration::from_millis(100)));
    }
    false
}

//! The source side of `monitor`: the thread that reads a certstream feed or a replay
//! file and hands raw messages to the matcher through a bounded queue.

use crate::logging;
use crate::monitor::certstream_client::{self, ClientEvent, MAX_MESSAGE};
use crate::monitor::matcher::{worth_logging, Counters};
use crate::monitor::Source;
use crate::shutdown;
use std::io::BufRead;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::Duration;

/// How much may wait between the socket reader and the matcher before messages are
/// dropped (and counted): a stall of ~10 s at today's CT rate, a small RSS either way.
const QUEUE_MESSAGES: usize = 4096;
const QUEUE_BYTES: usize = 8 << 20;

/// The bounded hand-off between the source thread and the matcher.
struct Queue {
    tx: SyncSender<Vec<u8>>,
    bytes: Arc<AtomicUsize>,
}

impl Queue {
    /// Live sources must never block: when the matcher is behind, drop and count.
    fn offer(&self, msg: Vec<u8>, counters: &Counters) {
        let len = msg.len();
        if self.bytes.load(Ordering::Relaxed) + len > QUEUE_BYTES {
            self.dropped(counters);
            return;
        }
        self.bytes.fetch_add(len, Ordering::Relaxed);
        match self.tx.try_send(msg) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                self.bytes.fetch_sub(len, Ordering::Relaxed);
                self.dropped(counters);
            }
        }
    }

    fn dropped(&self, counters: &Counters) {
        let n = Counters::bump(&counters.dropped);
        if worth_logging(n) {
            logging::warning(
                "root",
                &format!("matcher is behind: dropped message #{n} (queue full)"),
            );
        }
    }

    /// Replays (and benchmarks) wait instead: a file does not drop data when read
    /// slowly. The byte budget still holds, so memory stays bounded.
    fn push(&self, msg: Vec<u8>) -> bool {
        while self.bytes.load(Ordering::Relaxed) != 0
            && self.bytes.load(Ordering::Relaxed) + msg.len() > QUEUE_BYTES
        {
            if shutdown::requested() {
                return false;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        self.bytes.fetch_add(msg.len(), Ordering::Relaxed);
        self.tx.send(msg).is_ok()
    }
}

/// Start a thread named `name` running `body`. While the system refuses a thread
/// (RLIMIT_NPROC, a pids cgroup) the refusal is logged as an error and retried with
/// backoff: never fatal. `false` when a stop was requested first.
fn spawn_retrying<F: FnOnce() + Send + 'static>(name: &str, body: F) -> bool {
    // A refused spawn drops its closure; the body waits here to be handed to the next try.
    let slot = Arc::new(std::sync::Mutex::new(Some(body)));
    let mut backoff = crate::backoff::Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
    loop {
        let mine = slot.clone();
        let started = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                let body = mine.lock().unwrap_or_else(|p| p.into_inner()).take();
                if let Some(body) = body {
                    body();
                }
            });
        match started {
            Ok(_) => return true,
            Err(e) => {
                let d = backoff.next_delay();
                logging::error(
                    "root",
                    &format!(
                        "cannot start the {name} thread: {e}; retrying in {:.1} s",
                        d.as_secs_f64()
                    ),
                );
                if !shutdown::sleep(d) {
                    return false;
                }
            }
        }
    }
}

pub(crate) fn spawn_source(
    source: Source,
    counters: Arc<Counters>,
    block_when_full: bool,
) -> std::io::Result<(Receiver<Vec<u8>>, Arc<AtomicUsize>)> {
    let (tx, rx) = mpsc::sync_channel(QUEUE_MESSAGES);
    let bytes = Arc::new(AtomicUsize::new(0));
    let queue = Queue {
        tx,
        bytes: bytes.clone(),
    };
    match source {
        Source::Certstream(settings) => {
            spawn_retrying("certstream", move || {
                certstream_client::run(&settings, |event| match event {
                    ClientEvent::Message(m) if block_when_full => {
                        queue.push(m);
                    }
                    ClientEvent::Message(m) => queue.offer(m, &counters),
                    ClientEvent::Rejected(why) => {
                        let n = Counters::bump(&counters.rejected);
                        if worth_logging(n) {
                            logging::warning("certstream", &format!("skipped message #{n}: {why}"));
                        }
                    }
                })
            });
        }
        Source::Replay(path) => {
            let reader: Box<dyn BufRead + Send> = if path == "-" {
                Box::new(std::io::BufReader::with_capacity(1 << 16, std::io::stdin()))
            } else {
                let f = std::fs::File::open(&path).map_err(|e| {
                    std::io::Error::new(e.kind(), format!("replay file {path}: {e}"))
                })?;
                Box::new(std::io::BufReader::with_capacity(1 << 16, f))
            };
            spawn_retrying("replay", move || replay(reader, &path, &queue, &counters));
        }
    }
    Ok((rx, bytes))
}

fn replay(mut reader: Box<dyn BufRead + Send>, path: &str, queue: &Queue, counters: &Counters) {
    let mut line_no = 0u64;
    loop {
        if shutdown::requested() {
            return;
        }
        line_no += 1;
        match read_line_bounded(&mut reader, MAX_MESSAGE) {
            Ok(Line::Eof) => return,
            Ok(Line::Data(buf)) => {
                if buf.iter().all(|b| b.is_ascii_whitespace()) {
                    continue;
                }
                if !queue.push(buf) {
                    return;
                }
            }
            Ok(Line::TooLong(n)) => {
                let k = Counters::bump(&counters.rejected);
                logging::warning(
                    "root",
                    &format!("{path}, line {line_no}: skipped message #{k}: longer than {n} bytes"),
                );
            }
            Err(e) => {
                logging::error("root", &format!("{path}, line {line_no}: read error: {e}"));
                return;
            }
        }
    }
}

pub enum Line {
    Data(Vec<u8>),
    /// The line exceeded the limit and was skipped up to its end.
    TooLong(usize),
    Eof,
}

/// Read one `\n`-terminated line of at most `limit` bytes without ever holding more.
pub fn read_line_bounded(r: &mut impl BufRead, limit: usize) -> std::io::Result<Line> {
    let mut buf = Vec::new();
    let mut too_long = false;
    let mut any = false;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if buf.len() + take > limit {
                too_long = true;
                buf = Vec::new();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        r.consume(if done { take + 1 } else { take });
        if done {
            break;
        }
    }
    Ok(match (any, too_long) {
        (false, _) => Line::Eof,
        (true, true) => Line::TooLong(limit),
        (true, false) => Line::Data(buf),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_lines() {
        let data = b"short\nthis one is far too long\n\nlast-no-newline";
        let mut r = std::io::BufReader::with_capacity(4, &data[..]);
        let mut got = Vec::new();
        loop {
            match read_line_bounded(&mut r, 16).unwrap() {
                Line::Eof => break,
                Line::Data(d) => got.push(String::from_utf8(d).unwrap()),
                Line::TooLong(_) => got.push("<long>".into()),
            }
        }
        assert_eq!(got, vec!["short", "<long>", "", "last-no-newline"]);
    }
}

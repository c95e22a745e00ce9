//! The source side of `monitor`: the thread that reads a certstream feed or a replay
//! file and hands raw messages to the matcher through a bounded queue.

use crate::logging;
use crate::monitor::certstream_client::{self, ClientEvent, MAX_MESSAGE};
use crate::monitor::matcher::{worth_logging, Counters};
use crate::monitor::Source;
use crate::shutdown;
use std::collections::VecDeque;
use std::io::BufRead;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// How much may wait between the socket reader and the matcher before the reader waits
/// (and stops reading the socket): ~10 s of today's CT rate, a small RSS either way. A
/// single message larger than the byte budget (up to [`MAX_MESSAGE`]) is let in alone.
const QUEUE_MESSAGES: usize = 4096;
const QUEUE_BYTES: usize = 8 << 20;

/// The bounded hand-off between the source thread and the matcher: at most
/// [`QUEUE_MESSAGES`] messages and [`QUEUE_BYTES`] bytes (or one larger message alone).
/// When it is full the source waits; nothing offered to it is ever discarded.
pub(crate) struct Queue {
    state: Mutex<QueueState>,
    /// A message arrived or the source ended (the matcher waits on this).
    filled: Condvar,
    /// Room was made or the matcher stopped (the source waits on this).
    drained: Condvar,
}

#[derive(Default)]
struct QueueState {
    messages: VecDeque<Vec<u8>>,
    bytes: usize,
    source_done: bool,
    matcher_done: bool,
    /// Who is asleep, so that a push or pop only wakes the other side when it waits.
    matcher_waiting: bool,
    /// The source holds a message and waits for room (until it has queued it).
    source_waiting: bool,
    /// A wake-up is on its way to the waiting source: one is enough.
    source_woken: bool,
}

pub(crate) enum Pop {
    Message(Vec<u8>),
    Timeout,
    /// The source ended and everything it queued was taken.
    Ended,
}

impl Queue {
    fn new() -> Queue {
        Queue {
            state: Mutex::new(QueueState::default()),
            filled: Condvar::new(),
            drained: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queue a message, waiting for room as long as needed (this is the backpressure: a
    /// socket reader blocked here reads nothing more). False once the matcher has stopped.
    fn push(&self, msg: Vec<u8>) -> bool {
        let mut s = self.lock();
        loop {
            if s.matcher_done {
                return false;
            }
            let fits = s.messages.len() < QUEUE_MESSAGES && s.bytes + msg.len() <= QUEUE_BYTES;
            if fits || s.messages.is_empty() {
                break;
            }
            s.source_waiting = true;
            s = self.drained.wait(s).unwrap_or_else(PoisonError::into_inner);
            s.source_woken = false;
        }
        s.source_waiting = false;
        s.bytes += msg.len();
        s.messages.push_back(msg);
        if s.matcher_waiting {
            // Cleared here so that one wake-up is sent, not one per message until it runs.
            s.matcher_waiting = false;
            self.filled.notify_one();
        }
        true
    }

    /// The next message, waiting up to `timeout` for one. `draining` (after a stop
    /// request): only wait for a source that already holds a message and waits for room.
    pub(crate) fn pop(&self, timeout: Duration, draining: bool) -> Pop {
        let mut s = self.lock();
        let mut waited = false;
        loop {
            if let Some(msg) = s.messages.pop_front() {
                s.bytes -= msg.len();
                // Wake a waiting source only once half the room is back (or all of it, for
                // a message above half the budget), not for every message taken.
                let roomy = s.messages.len() <= QUEUE_MESSAGES / 2 && s.bytes <= QUEUE_BYTES / 2;
                if s.source_waiting && !s.source_woken && (roomy || s.messages.is_empty()) {
                    s.source_woken = true;
                    self.drained.notify_one();
                }
                return Pop::Message(msg);
            }
            if s.source_done {
                return Pop::Ended;
            }
            if if draining { !s.source_waiting } else { waited } {
                return Pop::Timeout;
            }
            s.matcher_waiting = true;
            s = self
                .filled
                .wait_timeout(s, timeout)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
            s.matcher_waiting = false;
            waited = true;
        }
    }

    /// The matcher is leaving: a waiting source gives up instead of waiting forever.
    pub(crate) fn close(&self) {
        self.lock().matcher_done = true;
        self.drained.notify_all();
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

/// The source thread's end of the queue; dropping it (the thread ended) tells the matcher.
struct QueueSender(Arc<Queue>);

impl QueueSender {
    fn push(&self, msg: Vec<u8>) -> bool {
        self.0.push(msg)
    }
}

impl Drop for QueueSender {
    fn drop(&mut self) {
        self.0.lock().source_done = true;
        self.0.filled.notify_all();
    }
}

pub(crate) fn spawn_source(source: Source, counters: Arc<Counters>) -> std::io::Result<Arc<Queue>> {
    let queue = Arc::new(Queue::new());
    let sender = QueueSender(queue.clone());
    match source {
        Source::Certstream(settings) => {
            spawn_retrying("certstream", move || {
                certstream_client::run(&settings, |event| match event {
                    ClientEvent::Message(m) => {
                        counters.certstream.message();
                        sender.push(m);
                    }
                    ClientEvent::Connected(_) => counters.certstream.connected(),
                    ClientEvent::Disconnected(_) => counters.certstream.disconnected(),
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
            spawn_retrying("replay", move || replay(reader, &path, &sender, &counters));
        }
    }
    Ok(queue)
}

fn replay(
    mut reader: Box<dyn BufRead + Send>,
    path: &str,
    queue: &QueueSender,
    counters: &Counters,
) {
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
    fn queue_waits_for_room_and_lets_a_big_message_in_alone() {
        let queue = Arc::new(Queue::new());
        let sender = QueueSender(queue.clone());
        let count = QUEUE_MESSAGES * 3;
        let producer = std::thread::spawn(move || {
            for i in 0..count {
                assert!(sender.push(i.to_le_bytes().to_vec()));
            }
            // Above the byte budget, below the message limit: queued once the queue is empty.
            assert!(sender.push(vec![b'x'; QUEUE_BYTES + 1]));
        });
        let mut n = 0;
        loop {
            match queue.pop(Duration::from_secs(10), false) {
                Pop::Message(m) if n < count => assert_eq!(m, n.to_le_bytes()),
                Pop::Message(m) => assert_eq!(m.len(), QUEUE_BYTES + 1),
                Pop::Ended => break,
                Pop::Timeout => panic!("producer stuck after {n} messages"),
            }
            n += 1;
            if n == 1 {
                std::thread::sleep(Duration::from_millis(200));
                let s = queue.lock();
                assert!(s.source_waiting, "the producer waits instead of dropping");
                // Full, minus at most the one just taken (room is handed back by halves).
                assert!(
                    s.messages.len() >= QUEUE_MESSAGES - 1,
                    "{}",
                    s.messages.len()
                );
            }
        }
        producer.join().unwrap();
        assert_eq!(n, count + 1, "nothing dropped");
    }

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

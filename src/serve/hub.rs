//! The hub between the certificate source and the clients: [`Hub::publish`] hands one
//! certificate's [`Frames`] to every connected client without ever waiting on one. Each
//! client has a bounded queue (`[SERVE] ClientBuffer` messages); when it is full, that
//! client's copy is skipped and counted, as certstream-server-go does, so a slow client
//! costs nobody else anything. Counters per client and in total are read with
//! [`Hub::clients`] and [`Hub::totals`].

use crate::logging;
use crate::serve::frames::{Endpoint, Frames};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// One connected client's counters, as [`Hub::clients`] reports them.
#[derive(Debug, Clone)]
pub struct ClientStats {
    /// Unique per connection for the life of the process.
    pub id: u64,
    pub peer: SocketAddr,
    pub endpoint: Endpoint,
    /// Messages written to its socket.
    pub sent: u64,
    /// Messages skipped because its queue was full.
    pub skipped: u64,
    /// Messages waiting in its queue or being written now (so sent + skipped + queued
    /// is every message published since it joined).
    pub queued: usize,
    pub connected_for: Duration,
}

/// Totals since the hub was made, departed clients included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HubTotals {
    /// Certificates published.
    pub published: u64,
    /// Clients connected now.
    pub clients: usize,
    /// Connections accepted as websocket clients.
    pub connections: u64,
    /// Connections refused because `MaxClients` were connected.
    pub refused: u64,
    pub sent: u64,
    pub skipped: u64,
}

/// Messages a woken client waits for before writing, and for how long at most.
const GATHER: usize = 64;
const GATHER_WAIT: Duration = Duration::from_millis(10);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[derive(Default)]
struct Queue {
    items: VecDeque<Arc<Frames>>,
    /// The client thread sleeps on `ready` until the queue holds `wake_at` messages (so
    /// publish only signals when needed).
    waiting: bool,
    wake_at: usize,
    /// The hub asked the client to finish (drain what is queued, then close).
    finishing: bool,
}

/// A connected client's slot in the hub; its thread takes batches with [`Slot::take`].
pub struct Slot {
    id: u64,
    peer: SocketAddr,
    endpoint: Endpoint,
    since: Instant,
    capacity: usize,
    queue: Mutex<Queue>,
    ready: Condvar,
    sent: AtomicU64,
    skipped: AtomicU64,
    /// Taken by the client's thread and not yet written (a socket that does not drain).
    writing: AtomicU64,
}

/// What a client thread gets from [`Slot::take`].
pub enum Batch {
    /// Messages to write (possibly none: the wait timed out).
    Messages(Vec<Arc<Frames>>),
    /// The hub is finishing and this client's queue is empty: close the connection.
    Finished,
}

impl Slot {
    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    pub fn endpoint(&self) -> Endpoint {
        self.endpoint
    }

    /// Everything queued, waiting up to `timeout` for something when the queue is empty.
    /// A few messages wait up to [`GATHER_WAIT`] for [`GATHER`] (or half the queue): one
    /// wake-up and one write per batch rather than per message, which is what keeps 100
    /// clients cheap. Certificates are minutes old; a few milliseconds change nothing.
    pub fn take(&self, timeout: Duration) -> Batch {
        let mut q = lock(&self.queue);
        if q.items.is_empty() {
            if q.finishing {
                return Batch::Finished;
            }
            q = self.wait(q, 1, timeout);
        }
        let gather = GATHER.min(self.capacity / 2).max(1);
        if !q.items.is_empty() && q.items.len() < gather && !q.finishing {
            let deadline = Instant::now() + GATHER_WAIT;
            while q.items.len() < gather && !q.finishing {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                q = self.wait(q, gather, left);
            }
        }
        let batch: Vec<Arc<Frames>> = q.items.drain(..).collect();
        // Under the queue's lock, so a snapshot never sees a message in neither place.
        self.writing.store(batch.len() as u64, Ordering::Relaxed);
        Batch::Messages(batch)
    }

    /// Sleep until the queue holds `wake_at` messages, the hub finishes, or `timeout`.
    fn wait<'a>(
        &self,
        mut q: MutexGuard<'a, Queue>,
        wake_at: usize,
        timeout: Duration,
    ) -> MutexGuard<'a, Queue> {
        q.waiting = true;
        q.wake_at = wake_at;
        let mut q = self
            .ready
            .wait_timeout(q, timeout)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
        q.waiting = false;
        q
    }

    /// `n` messages reached the socket.
    pub fn count_sent(&self, n: usize) {
        let _ = self
            .writing
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |w| {
                Some(w.saturating_sub(n as u64))
            });
        self.sent.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// Offer one message; false (and counted) when the queue is full.
    fn offer(&self, frames: &Arc<Frames>) -> bool {
        let mut q = lock(&self.queue);
        if q.items.len() >= self.capacity {
            drop(q);
            self.skipped.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        q.items.push_back(frames.clone());
        if q.waiting && q.items.len() >= q.wake_at {
            q.waiting = false;
            self.ready.notify_one();
        }
        true
    }

    fn finish(&self) {
        lock(&self.queue).finishing = true;
        self.ready.notify_all();
    }

    fn stats(&self) -> ClientStats {
        ClientStats {
            id: self.id,
            peer: self.peer,
            endpoint: self.endpoint,
            sent: self.sent.load(Ordering::Relaxed),
            skipped: self.skipped.load(Ordering::Relaxed),
            queued: {
                let q = lock(&self.queue);
                q.items.len() + self.writing.load(Ordering::Relaxed) as usize
            },
            connected_for: self.since.elapsed(),
        }
    }
}

/// The certificate hub; share it as `Arc<Hub>`.
pub struct Hub {
    max_clients: usize,
    capacity: usize,
    clients: Mutex<Vec<Arc<Slot>>>,
    /// [`Hub::finish`] was called: clients joining late finish at once.
    finishing: std::sync::atomic::AtomicBool,
    latest: Mutex<Option<Arc<Frames>>>,
    next_id: AtomicU64,
    published: AtomicU64,
    connections: AtomicU64,
    refused: AtomicU64,
    /// Counters of clients that left.
    gone_sent: AtomicU64,
    gone_skipped: AtomicU64,
}

/// A client's registration; dropping it removes the client from the hub.
pub struct Registration {
    hub: Arc<Hub>,
    slot: Arc<Slot>,
}

impl Registration {
    pub fn slot(&self) -> &Arc<Slot> {
        &self.slot
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.leave(&self.slot);
    }
}

impl Hub {
    /// At most `max_clients` clients, each with a queue of `client_buffer` messages (≥ 1).
    pub fn new(max_clients: usize, client_buffer: usize) -> Hub {
        Hub {
            max_clients,
            capacity: client_buffer.max(1),
            clients: Mutex::new(Vec::new()),
            finishing: std::sync::atomic::AtomicBool::new(false),
            latest: Mutex::new(None),
            next_id: AtomicU64::new(1),
            published: AtomicU64::new(0),
            connections: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            gone_sent: AtomicU64::new(0),
            gone_skipped: AtomicU64::new(0),
        }
    }

    /// Give one certificate to every client. Never waits for a client: a full queue means
    /// that client skips this message (counted; logged at the 1st, 1001st, … skip).
    pub fn publish(&self, frames: Arc<Frames>) {
        self.published.fetch_add(1, Ordering::Relaxed);
        *lock(&self.latest) = Some(frames.clone());
        // Warnings are logged after the list is released: a slow log never delays a join.
        let mut lagging = Vec::new();
        for c in lock(&self.clients).iter() {
            if !c.offer(&frames) {
                let n = c.skipped.load(Ordering::Relaxed);
                if n % 1000 == 1 {
                    lagging.push((c.peer, c.id, c.endpoint, n));
                }
            }
        }
        for (peer, id, endpoint, n) in lagging {
            logging::warning(
                "serve",
                &format!(
                    "client {peer} #{id} ({}) can't keep up: {n} message(s) skipped so far",
                    endpoint.path()
                ),
            );
        }
    }

    /// The latest certificate published (for `example.json`).
    pub fn latest(&self) -> Option<Arc<Frames>> {
        lock(&self.latest).clone()
    }

    /// Add a client; None (counted as refused) when `MaxClients` are connected.
    pub fn join(self: &Arc<Hub>, peer: SocketAddr, endpoint: Endpoint) -> Option<Registration> {
        let mut clients = lock(&self.clients);
        if clients.len() >= self.max_clients {
            self.refused.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        let slot = Arc::new(Slot {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            peer,
            endpoint,
            since: Instant::now(),
            capacity: self.capacity,
            queue: Mutex::new(Queue {
                finishing: self.finishing.load(Ordering::SeqCst),
                ..Queue::default()
            }),
            ready: Condvar::new(),
            sent: AtomicU64::new(0),
            skipped: AtomicU64::new(0),
            writing: AtomicU64::new(0),
        });
        clients.push(slot.clone());
        self.connections.fetch_add(1, Ordering::Relaxed);
        Some(Registration {
            hub: self.clone(),
            slot,
        })
    }

    fn leave(&self, slot: &Arc<Slot>) {
        let mut clients = lock(&self.clients);
        if let Some(i) = clients.iter().position(|c| Arc::ptr_eq(c, slot)) {
            clients.swap_remove(i);
            self.gone_sent
                .fetch_add(slot.sent.load(Ordering::Relaxed), Ordering::Relaxed);
            self.gone_skipped
                .fetch_add(slot.skipped.load(Ordering::Relaxed), Ordering::Relaxed);
        }
    }

    /// Ask every client to send what it has queued, then close.
    pub fn finish(&self) {
        let clients = lock(&self.clients);
        self.finishing.store(true, Ordering::SeqCst);
        for c in clients.iter() {
            c.finish();
        }
    }

    /// Every connected client's counters, oldest connection first.
    pub fn clients(&self) -> Vec<ClientStats> {
        let slots: Vec<Arc<Slot>> = lock(&self.clients).clone();
        let mut out: Vec<ClientStats> = slots.iter().map(|s| s.stats()).collect();
        out.sort_by_key(|c| c.id);
        out
    }

    /// Counters since start, departed clients included.
    pub fn totals(&self) -> HubTotals {
        let clients = self.clients();
        HubTotals {
            published: self.published.load(Ordering::Relaxed),
            clients: clients.len(),
            connections: self.connections.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
            sent: self.gone_sent.load(Ordering::Relaxed)
                + clients.iter().map(|c| c.sent).sum::<u64>(),
            skipped: self.gone_skipped.load(Ordering::Relaxed)
                + clients.iter().map(|c| c.skipped).sum::<u64>(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn frames(i: u64) -> Arc<Frames> {
        let m = json!({"message_type": "certificate_update",
            "data": {"cert_index": i, "leaf_cert": {"all_domains": ["a.example"]}}});
        Arc::new(Frames::from_full(&m).unwrap())
    }

    #[test]
    fn full_queue_skips_and_counts_for_that_client_only() {
        let hub = Arc::new(Hub::new(10, 3));
        let peer: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let slow = hub.join(peer, Endpoint::Lite).unwrap();
        let fast = hub.join(peer, Endpoint::Full).unwrap();
        for i in 0..10 {
            hub.publish(frames(i));
            if let Batch::Messages(b) = fast.slot().take(Duration::ZERO) {
                fast.slot().count_sent(b.len());
            }
        }
        let stats = hub.clients();
        assert_eq!((stats[0].skipped, stats[0].queued), (7, 3));
        assert_eq!((stats[1].skipped, stats[1].sent), (0, 10));
        drop(slow);
        let t = hub.totals();
        assert_eq!((t.published, t.clients, t.sent, t.skipped), (10, 1, 10, 7));
    }

    #[test]
    fn max_clients_refuses_and_leaving_frees_a_place() {
        let hub = Arc::new(Hub::new(1, 3));
        let peer: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let a = hub.join(peer, Endpoint::Lite).unwrap();
        assert!(hub.join(peer, Endpoint::Lite).is_none());
        drop(a);
        let b = hub.join(peer, Endpoint::Lite).unwrap();
        assert_eq!(hub.totals().refused, 1);
        // Finishing: queued messages first, then the end; a late joiner ends at once.
        hub.publish(frames(1));
        hub.finish();
        assert!(matches!(b.slot().take(Duration::ZERO), Batch::Messages(m) if m.len() == 1));
        assert!(matches!(b.slot().take(Duration::ZERO), Batch::Finished));
        drop(b);
        let late = hub.join(peer, Endpoint::Lite).unwrap();
        assert!(matches!(
            late.slot().take(Duration::from_secs(5)),
            Batch::Finished
        ));
    }
}

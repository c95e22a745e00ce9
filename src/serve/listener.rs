//! The listening socket and one blocking thread per connection. A connection reads its
//! request head (bounded: [`request`]), is routed (feeds, `example.json`, 404), checked
//! (token → 401, `MaxClients` → 503), upgraded (RFC 6455 §4.2.2, with TLS first when
//! configured) and then fed from its [`Hub`] queue.
//!
//! Keepalive as certstream-server-go: a WebSocket Ping every `PingInterval` (30 s); a
//! client from which nothing arrived (a pong, its own ping, anything) for twice that plus
//! 5 s (65 s) gets Close 1008 "No ping received!" and is dropped. Client data frames are
//! read and ignored, at most 512 bytes each (Go's read limit). Every write has a 60 s
//! timeout (Go's write deadline): a client that stops reading blocks only its own thread
//! while its queue fills and its messages are skipped.
//!
//! Data frames are written pre-encoded ([`Frames::frame`]) straight to the socket between
//! tungstenite's own writes (pongs, pings, close), which are flushed first, so frames never
//! interleave. tungstenite reads the client's frames (masked, RFC 6455 §5.3).

use crate::logging;
use crate::serve::frames::{Endpoint, Frames};
use crate::serve::hub::{Batch, Hub, Registration};
use crate::serve::request::{self, HeadError, Request, Route};
use crate::shutdown;
use native_tls::{TlsAcceptor, TlsStream};
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tungstenite::{Message, WebSocket};

/// Write deadline of every socket write (certstream-server-go's `writeWait`).
const WRITE_TIMEOUT: Duration = Duration::from_secs(60);
/// Largest frame a client may send (certstream-server-go's read limit).
const CLIENT_FRAME_LIMIT: usize = 512;
/// Connections still in TLS or HTTP handshake at once, beyond the clients: more are
/// answered 503 at once, so a flood of idle sockets cannot take a thread each.
const MAX_HANDSHAKES: usize = 64;
/// Data frames gathered per socket write.
const WRITE_CHUNK: usize = 64 * 1024;

/// What the listener needs besides the hub.
#[derive(Clone)]
pub struct ListenerOptions {
    pub listen: SocketAddr,
    pub token: Option<String>,
    pub tls: Option<Arc<TlsAcceptor>>,
    /// Server ping period; clients silent for twice that + 5 s are dropped.
    pub ping_interval: Duration,
}

struct Shared {
    hub: Arc<Hub>,
    opts: ListenerOptions,
    stop: AtomicBool,
    /// Connection threads alive (handshaking or serving).
    threads: AtomicUsize,
    max_clients: usize,
    /// A handle on every client socket, to cut blocked writes at the end.
    sockets: Mutex<Vec<(u64, TcpStream)>>,
}

/// A running listener; [`Server::stop`] ends it.
pub struct Server {
    local: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    /// Bind `opts.listen` and start accepting. Errors name the address.
    pub fn start(hub: Arc<Hub>, opts: ListenerOptions, max_clients: usize) -> io::Result<Server> {
        let listener = TcpListener::bind(opts.listen).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("[SERVE] Listen = {}: cannot listen: {e}", opts.listen),
            )
        })?;
        listener.set_nonblocking(true)?;
        let local = listener.local_addr()?;
        let shared = Arc::new(Shared {
            hub,
            opts,
            stop: AtomicBool::new(false),
            threads: AtomicUsize::new(0),
            max_clients,
            sockets: Mutex::new(Vec::new()),
        });
        let s = shared.clone();
        let accept = std::thread::Builder::new()
            .name("serve-accept".into())
            .spawn(move || accept_loop(listener, s))?;
        Ok(Server {
            local,
            shared,
            accept: Some(accept),
        })
    }

    /// The address actually bound (the port when `Listen` asked for 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Stop accepting; every client sends what is queued for it and is closed (1000). After
    /// `grace`, sockets still busy (a client not reading) are shut down.
    pub fn stop(mut self, grace: Duration) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
        self.shared.hub.finish();
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline && self.shared.threads.load(Ordering::SeqCst) > 0 {
            std::thread::sleep(Duration::from_millis(20));
        }
        for (_, s) in self
            .shared
            .sockets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            let _ = s.shutdown(Shutdown::Both);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && self.shared.threads.load(Ordering::SeqCst) > 0 {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Wait up to `timeout` for `fd` to become readable (or closed).
fn readable(fd: RawFd, timeout: Duration) -> bool {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = timeout.as_millis().min(i32::MAX as u128) as libc::c_int;
    // SAFETY: one valid pollfd for the duration of the call.
    let n = unsafe { libc::poll(&mut p, 1, ms) };
    n > 0 && p.revents != 0
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    while !shared.stop.load(Ordering::SeqCst) && !shutdown::requested() {
        if !readable(listener.as_raw_fd(), Duration::from_millis(200)) {
            continue;
        }
        let (tcp, peer) = match listener.accept() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => {
                // EMFILE and friends: say so, breathe, go on.
                logging::error("serve", &format!("accept failed: {e}"));
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        let _ = tcp.set_nonblocking(false);
        let live = shared.threads.load(Ordering::SeqCst);
        if live >= shared.max_clients + MAX_HANDSHAKES {
            refuse_now(tcp, "too many connections");
            continue;
        }
        shared.threads.fetch_add(1, Ordering::SeqCst);
        let s = shared.clone();
        // The stream is handed over through a slot so that a refused spawn gives it back.
        let slot = Arc::new(Mutex::new(Some(tcp)));
        let mine = slot.clone();
        let started = std::thread::Builder::new()
            .name("serve-client".into())
            .spawn(move || {
                let tcp = mine.lock().unwrap_or_else(PoisonError::into_inner).take();
                if let Some(tcp) = tcp {
                    connection(tcp, peer, &s);
                }
                s.threads.fetch_sub(1, Ordering::SeqCst);
            });
        if let Err(e) = started {
            shared.threads.fetch_sub(1, Ordering::SeqCst);
            logging::error(
                "serve",
                &format!("cannot start a thread for {peer}: {e}; connection refused"),
            );
            if let Some(tcp) = slot.lock().unwrap_or_else(PoisonError::into_inner).take() {
                refuse_now(tcp, "cannot start a thread");
            }
        }
    }
}

/// Answer 503 without waiting (the socket buffer takes it or it is lost) and close.
///
/// Whatever of the request has already arrived is read first (never waited for): closing
/// a socket with unread input sends a reset instead of the answer. The write side is then
/// shut down so the answer is followed by a FIN.
fn refuse_now(tcp: TcpStream, why: &str) {
    let _ = tcp.set_nonblocking(true);
    let mut sink = [0u8; 4096];
    for _ in 0..16 {
        match (&tcp).read(&mut sink) {
            Ok(n) if n > 0 => continue,
            _ => break,
        }
    }
    let body = format!("{why}\n");
    let _ = (&tcp).write_all(
        format!(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
    let _ = tcp.shutdown(Shutdown::Write);
}

/// A TCP stream whose reads and writes fail once `deadline` has passed, each waiting at
/// most what is left: the TLS handshake and the request head together get
/// [`request::HEAD_TIMEOUT`], however slowly a client trickles its bytes. No deadline once
/// the connection is a websocket (the socket's own timeouts apply).
#[derive(Debug)]
struct Timed {
    tcp: TcpStream,
    deadline: Option<Instant>,
}

impl Timed {
    fn arm(&mut self, read: bool) -> io::Result<()> {
        let Some(d) = self.deadline else {
            return Ok(());
        };
        let left = d.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "handshake deadline passed",
            ));
        }
        if read {
            self.tcp.set_read_timeout(Some(left))
        } else {
            self.tcp.set_write_timeout(Some(left))
        }
    }
}

impl Read for Timed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.arm(true)?;
        self.tcp.read(buf)
    }
}

impl Write for Timed {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.arm(false)?;
        self.tcp.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}

/// A client connection, in the clear or in TLS.
enum Conn {
    Plain(Timed),
    Tls(Box<TlsStream<Timed>>),
}

impl Conn {
    /// The handshake is over: no deadline from now on.
    fn clear_deadline(&mut self) {
        match self {
            Conn::Plain(t) => t.deadline = None,
            Conn::Tls(s) => s.get_mut().deadline = None,
        }
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            Conn::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            Conn::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            Conn::Tls(s) => s.flush(),
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        426 => "Upgrade Required",
        431 => "Request Header Fields Too Large",
        _ => "Service Unavailable",
    }
}

fn respond(conn: &mut Conn, status: u16, extra: &str, content_type: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n",
        reason(status),
        body.len()
    );
    let _ = conn.write_all(head.as_bytes());
    let _ = conn.write_all(body);
    let _ = conn.flush();
}

fn text(conn: &mut Conn, status: u16, extra: &str, msg: &str) {
    respond(
        conn,
        status,
        extra,
        "text/plain; charset=utf-8",
        format!("{msg}\n").as_bytes(),
    );
}

fn connection(tcp: TcpStream, peer: SocketAddr, shared: &Shared) {
    let _ = tcp.set_nodelay(true);
    let _ = tcp.set_write_timeout(Some(request::HEAD_TIMEOUT));
    let _ = tcp.set_read_timeout(Some(request::HEAD_TIMEOUT));
    let Ok(ctl) = tcp.try_clone() else {
        return;
    };
    let timed = Timed {
        tcp,
        deadline: Some(Instant::now() + request::HEAD_TIMEOUT),
    };
    let mut conn = match &shared.opts.tls {
        None => Conn::Plain(timed),
        Some(acceptor) => match acceptor.accept(timed) {
            Ok(s) => Conn::Tls(Box::new(s)),
            Err(e) => {
                logging::debug("serve", &format!("TLS handshake with {peer} failed: {e}"));
                return;
            }
        },
    };
    // The Timed stream bounds each read by what is left of the deadline.
    let (req, rest) = match request::read_head(&mut conn) {
        Ok(r) => r,
        Err(HeadError::Gone) => return,
        Err(HeadError::Bad(status, msg)) => return text(&mut conn, status, "", msg),
    };
    let route = request::route(&req.path);
    if route == Route::NotFound {
        return text(
            &mut conn,
            404,
            "",
            "not found: the feeds are /, /full-stream and /domains-only",
        );
    }
    if req.method != "GET" {
        return text(&mut conn, 405, "Allow: GET\r\n", "only GET is served");
    }
    if let Some(token) = &shared.opts.token {
        let given = req.query_token();
        let ok = [given.as_deref(), req.bearer_token()]
            .into_iter()
            .flatten()
            .any(|g| request::same_secret(g, token));
        if !ok {
            logging::info(
                "serve",
                &format!("{peer} {}: 401, no valid token", req.path),
            );
            return text(
                &mut conn,
                401,
                "WWW-Authenticate: Bearer\r\n",
                "a token is required: Authorization: Bearer TOKEN, or ?token=TOKEN",
            );
        }
    }
    let endpoint = match route {
        Route::Example(e) => {
            return match shared.hub.latest() {
                Some(f) => respond(&mut conn, 200, "", "application/json", f.payload(e)),
                None => text(
                    &mut conn,
                    503,
                    "Retry-After: 5\r\n",
                    "no certificate served yet",
                ),
            };
        }
        Route::Feed(e) => e,
        Route::NotFound => return,
    };
    let Some(key) = req
        .header("Sec-WebSocket-Key")
        .filter(|_| req.wants_websocket())
    else {
        return text(
            &mut conn,
            400,
            "",
            "this is a websocket endpoint (Upgrade: websocket expected)",
        );
    };
    if req.header("Sec-WebSocket-Version").map(str::trim) != Some("13") {
        return text(
            &mut conn,
            426,
            "Sec-WebSocket-Version: 13\r\n",
            "websocket version 13 expected",
        );
    }
    let accept = tungstenite::handshake::derive_accept_key(key.trim().as_bytes());
    let Some(reg) = shared.hub.join(peer, endpoint) else {
        logging::warning(
            "serve",
            &format!(
                "{peer}: refused, MaxClients ({}) connected",
                shared.max_clients
            ),
        );
        return text(&mut conn, 503, "Retry-After: 10\r\n", "too many clients");
    };
    let head = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
    );
    if conn
        .write_all(head.as_bytes())
        .and_then(|_| conn.flush())
        .is_err()
    {
        return;
    }
    conn.clear_deadline();
    let id = reg.slot().id();
    if let Ok(c) = ctl.try_clone() {
        shared
            .sockets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((id, c));
    }
    log_request(&req, peer, endpoint, id);
    let why = feed(conn, &ctl, rest, &reg, shared);
    logging::info(
        "serve",
        &format!("client {peer} #{id} ({}) left: {why}", endpoint.path()),
    );
    shared
        .sockets
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .retain(|(i, _)| *i != id);
}

fn log_request(req: &Request, peer: SocketAddr, e: Endpoint, id: u64) {
    // The path only: the query may hold the token.
    let agent = req.header("User-Agent").unwrap_or("-");
    logging::info(
        "serve",
        &format!(
            "client {peer} #{id} connected to {} ({}), {agent:?}",
            req.path,
            e.name()
        ),
    );
}

/// Feed one upgraded client until it leaves, fails, or the hub finishes. Returns why it ended.
fn feed(conn: Conn, ctl: &TcpStream, rest: Vec<u8>, reg: &Registration, shared: &Shared) -> String {
    let slot = reg.slot();
    let endpoint = slot.endpoint();
    let config = WebSocketConfig {
        max_message_size: Some(CLIENT_FRAME_LIMIT),
        max_frame_size: Some(CLIENT_FRAME_LIMIT),
        ..WebSocketConfig::default()
    };
    let _ = ctl.set_write_timeout(Some(WRITE_TIMEOUT));
    let _ = ctl.set_read_timeout(Some(WRITE_TIMEOUT));
    let mut ws = WebSocket::from_partially_read(conn, rest, Role::Server, Some(config));
    let fd = ctl.as_raw_fd();
    let ping = shared.opts.ping_interval;
    let dead_after = ping * 2 + Duration::from_secs(5);
    let mut next_ping = Instant::now() + ping;
    let mut heard = Instant::now();
    let mut buf: Vec<u8> = Vec::with_capacity(WRITE_CHUNK);
    let mut pending_input = true;
    loop {
        let now = Instant::now();
        let wait = next_ping
            .saturating_duration_since(now)
            .min(Duration::from_secs(1));
        match slot.take(wait) {
            Batch::Finished => {
                close(&mut ws, ctl, CloseCode::Normal, "");
                return "server finished".into();
            }
            Batch::Messages(batch) if !batch.is_empty() => {
                if let Err(e) = write_batch(&mut ws, &batch, endpoint, &mut buf) {
                    return format!("write failed: {e}");
                }
                slot.count_sent(batch.len());
            }
            Batch::Messages(_) => {}
        }
        if pending_input || readable(fd, Duration::ZERO) {
            pending_input = false;
            match read_available(&mut ws, ctl) {
                Ok(true) => heard = Instant::now(),
                Ok(false) => {}
                Err(why) => return why,
            }
        }
        let now = Instant::now();
        if now.duration_since(heard) > dead_after {
            close(&mut ws, ctl, CloseCode::Policy, "No ping received!");
            return format!("nothing received for {} s", dead_after.as_secs());
        }
        if now >= next_ping {
            next_ping = now + ping;
            if let Err(e) = ws.send(Message::Ping(Vec::new())) {
                return format!("ping failed: {e}");
            }
        }
    }
}

fn write_batch(
    ws: &mut WebSocket<Conn>,
    batch: &[Arc<Frames>],
    e: Endpoint,
    buf: &mut Vec<u8>,
) -> io::Result<()> {
    // Pending control frames (a pong) go out whole before any data frame.
    ws.flush().map_err(io::Error::other)?;
    let s = ws.get_mut();
    buf.clear();
    for f in batch {
        let frame = f.frame(e);
        if !buf.is_empty() && buf.len() + frame.len() > WRITE_CHUNK {
            s.write_all(buf)?;
            buf.clear();
        }
        if frame.len() >= WRITE_CHUNK {
            s.write_all(frame)?;
        } else {
            buf.extend_from_slice(frame);
        }
    }
    if !buf.is_empty() {
        s.write_all(buf)?;
    }
    s.flush()
}

/// Read every frame the client sent so far, without waiting. Ok(true) when something
/// arrived; Err(why) when the client closed or broke the protocol.
fn read_available(ws: &mut WebSocket<Conn>, ctl: &TcpStream) -> Result<bool, String> {
    if ctl.set_nonblocking(true).is_err() {
        return Err("socket error".into());
    }
    let mut heard = false;
    let out = loop {
        match ws.read() {
            Ok(Message::Close(_)) => break Err("closed by the client".to_string()),
            // Pings are answered by tungstenite (on the next flush); data is ignored.
            Ok(_) => heard = true,
            Err(tungstenite::Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {
                break Ok(heard)
            }
            Err(tungstenite::Error::ConnectionClosed) | Err(tungstenite::Error::AlreadyClosed) => {
                break Err("closed by the client".to_string())
            }
            Err(e) => break Err(format!("read failed: {e}")),
        }
    };
    let _ = ctl.set_nonblocking(false);
    out
}

/// Send a Close frame, then wait briefly for the client's (so that nothing queued is lost to
/// a reset).
fn close(ws: &mut WebSocket<Conn>, ctl: &TcpStream, code: CloseCode, why: &'static str) {
    let _ = ctl.set_write_timeout(Some(Duration::from_secs(5)));
    let _ = ws.close(Some(CloseFrame {
        code,
        reason: why.into(),
    }));
    let _ = ws.flush();
    let _ = ctl.set_read_timeout(Some(Duration::from_secs(2)));
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        match ws.read() {
            Ok(_) => {}
            Err(_) => break,
        }
    }
}

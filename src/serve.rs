//! `serve`: a certstream-compatible websocket server (certstream-server-go's endpoints,
//! message shapes and keepalive), so certstream clients — the original CertStreamMonitor,
//! certstream-python, phishing_catcher — can be fed by this process.
//!
//! A source (today `--replay FILE|-`: certstream JSON lines) turns each certificate into
//! [`Frames`] once and publishes them to the [`Hub`], which never waits for a client; the
//! [`listener`] runs a blocking thread per client that writes its queue to its socket.
//! Settings come from `[SERVE]` ([`ServeSettings`]).

pub mod frames;
pub mod hub;
pub mod listener;
pub mod request;

pub use frames::{Endpoint, Frames};
pub use hub::{ClientStats, Hub, HubTotals};
pub use listener::{ListenerOptions, Server};

use crate::config::{Config, ConfigError};
use crate::logging;
use crate::shutdown;
use crate::Failure;
use native_tls::{Identity, TlsAcceptor};
use std::io::{BufRead, Read};
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const DEFAULT_LISTEN: &str = "127.0.0.1:4000";
pub const DEFAULT_MAX_CLIENTS: usize = 100;
/// certstream-server-go's default per-client queue (`buffer_sizes.websocket`).
pub const DEFAULT_CLIENT_BUFFER: usize = 300;
/// certstream-server-go's ping period.
pub const DEFAULT_PING_INTERVAL: Duration = Duration::from_secs(30);
/// Longest replay line accepted (a certificate with thousands of names fits).
const MAX_LINE: usize = 4 << 20;
/// How long the end of a replay waits for clients to be sent what is queued for them.
const DRAIN: Duration = Duration::from_secs(10);
/// How often the stats line is logged.
const STATS_EVERY: Duration = Duration::from_secs(60);

/// The `[SERVE]` section.
#[derive(Clone)]
pub struct ServeSettings {
    /// `Listen` as written, and resolved.
    pub listen_text: String,
    pub listen: SocketAddr,
    pub max_clients: usize,
    pub client_buffer: usize,
    pub ping_interval: Duration,
    pub token: Option<String>,
    /// `TLSCert` and `TLSKey` (PEM), with the acceptor made from them.
    pub tls: Option<(PathBuf, PathBuf, Arc<TlsAcceptor>)>,
}

impl std::fmt::Debug for ServeSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeSettings")
            .field("listen", &self.listen)
            .field("max_clients", &self.max_clients)
            .field("client_buffer", &self.client_buffer)
            .field("token", &self.token.as_ref().map(|_| crate::redact::MASK))
            .field("tls", &self.tls.as_ref().map(|t| (&t.0, &t.1)))
            .finish()
    }
}

fn count(c: &Config, key: &str, default: usize, max: usize) -> Result<usize, ConfigError> {
    match c.get("SERVE", key)?.filter(|v| !v.trim().is_empty()) {
        None => Ok(default),
        Some(v) => match v.trim().parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(c.key_error(
                "SERVE",
                key,
                format!("{v:?} is not a whole number from 1 to {max}"),
            )),
        },
    }
}

impl ServeSettings {
    /// Read `[SERVE]` (every key optional; no section means the defaults). The TLS files are
    /// read and parsed here, so a bad certificate or key is a configuration error.
    pub fn from_config(c: &Config) -> Result<ServeSettings, ConfigError> {
        let listen_text = c
            .get("SERVE", "Listen")?
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| DEFAULT_LISTEN.to_string());
        let listen = listen_text
            .to_socket_addrs()
            .ok()
            .and_then(|mut a| a.next())
            .ok_or_else(|| {
                c.key_error(
                    "SERVE",
                    "Listen",
                    format!("{listen_text:?} is not HOST:PORT (e.g. 127.0.0.1:4000, [::1]:4000)"),
                )
            })?;
        let max_clients = count(c, "MaxClients", DEFAULT_MAX_CLIENTS, 100_000)?;
        let client_buffer = count(c, "ClientBuffer", DEFAULT_CLIENT_BUFFER, 1_000_000)?;
        let ping_interval = c
            .seconds_in(
                "SERVE",
                "PingInterval",
                0.05..=3600.0,
                "number of seconds from 0.05 to 3600",
            )?
            .unwrap_or(DEFAULT_PING_INTERVAL);
        let token = c
            .get("SERVE", "Token")?
            .map(|t| crate::config::strip_quotes(t.trim()).to_string())
            .filter(|t| !t.is_empty());
        let path = |k: &str| -> Result<Option<PathBuf>, ConfigError> {
            Ok(c.get("SERVE", k)?
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .map(PathBuf::from))
        };
        let tls = match (path("TLSCert")?, path("TLSKey")?) {
            (None, None) => None,
            (Some(_), None) => {
                return Err(c.key_error(
                    "SERVE",
                    "TLSKey",
                    "TLSCert is set: TLSKey (PEM private key) is needed too",
                ))
            }
            (None, Some(_)) => {
                return Err(c.key_error(
                    "SERVE",
                    "TLSCert",
                    "TLSKey is set: TLSCert (PEM certificate chain) is needed too",
                ))
            }
            (Some(cert), Some(key)) => {
                let read = |k: &str, p: &PathBuf| {
                    std::fs::read(p)
                        .map_err(|e| c.key_error("SERVE", k, format!("{}: {e}", p.display())))
                };
                let (cert_pem, key_pem) = (read("TLSCert", &cert)?, read("TLSKey", &key)?);
                let identity = Identity::from_pkcs8(&cert_pem, &key_pem).map_err(|e| {
                    c.key_error(
                        "SERVE",
                        "TLSKey",
                        format!(
                            "{} / {}: not a PEM certificate and PKCS#8 private key pair: {e}",
                            cert.display(),
                            key.display()
                        ),
                    )
                })?;
                let acceptor = TlsAcceptor::new(identity).map_err(|e| {
                    c.key_error("SERVE", "TLSCert", format!("{}: {e}", cert.display()))
                })?;
                Some((cert, key, Arc::new(acceptor)))
            }
        };
        Ok(ServeSettings {
            listen_text,
            listen,
            max_clients,
            client_buffer,
            ping_interval,
            token,
            tls,
        })
    }

    pub fn listener_options(&self) -> ListenerOptions {
        ListenerOptions {
            listen: self.listen,
            token: self.token.clone(),
            tls: self.tls.as_ref().map(|t| t.2.clone()),
            ping_interval: self.ping_interval,
        }
    }

    /// `ws://` or `wss://` and the address, for the startup line.
    pub fn url(&self, local: SocketAddr) -> String {
        let scheme = if self.tls.is_some() { "wss" } else { "ws" };
        format!("{scheme}://{local}/")
    }
}

/// `serve`'s command line.
#[derive(Debug, Clone, Default)]
pub struct ServeArgs {
    pub config: PathBuf,
    /// `--replay FILE|-`: certstream JSON lines instead of the CT logs.
    pub replay: Option<String>,
    /// `--wait-clients N`: start the replay once N clients are connected.
    pub wait_clients: usize,
    /// `--rate N`: at most N messages per second from the replay (0: unpaced).
    pub rate: u32,
}

/// `certstreammonitor serve --replay FILE|-`: certstream JSON lines to the clients.
/// (Without `--replay`, `serve` reads the CT logs: [`crate::monitor::serve_command`].)
pub fn replay_command(args: &ServeArgs, replay: &str) -> Result<(), Failure> {
    let config = Config::load(&args.config)?;
    crate::redact::register(&crate::secrets::in_config(&config));
    let settings = ServeSettings::from_config(&config)?;
    let log_settings = logging::LoggingSettings::from_config(&config)?;
    let metrics = crate::metrics::MetricsSettings::from_config(&config)?;
    let replay = replay.to_string();
    let input: Box<dyn Read + Send> = if replay == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            std::fs::File::open(&replay)
                .map_err(|e| Failure::new(1, format!("--replay {replay}: {e}")))?,
        )
    };
    logging::init_long_running(&log_settings)?;
    shutdown::install_handlers();
    let (hub, server) = start(&settings)?;
    let registry = Arc::new(crate::metrics::Registry::new());
    registry.add(hub.clone());
    metrics.start_listener(&config, &registry)?;
    while hub.totals().clients < args.wait_clients {
        if !shutdown::sleep(Duration::from_millis(20)) {
            break;
        }
    }
    let result = replay_into(input, &hub, args.rate);
    match &result {
        Ok(n) => logging::info(
            "serve",
            &format!("replay ended: {n} certificates published"),
        ),
        Err(e) => logging::error("serve", &format!("replay stopped: {e}")),
    }
    let deadline = Instant::now() + DRAIN;
    while Instant::now() < deadline
        && hub.clients().iter().any(|c| c.queued > 0)
        && !shutdown::requested()
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    server.stop(Duration::from_secs(2));
    log_stats(&hub);
    result
        .map(|_| ())
        .map_err(|e| Failure::new(1, format!("--replay {replay}: {e}")))
}

/// The hub and its listener for `[SERVE]`, logged as started (with a warning when the
/// address is not a loopback one). Used by `serve` and by `monitor` with a `[SERVE]` section.
pub fn start(settings: &ServeSettings) -> Result<(Arc<Hub>, Server), Failure> {
    let hub = Arc::new(Hub::new(settings.max_clients, settings.client_buffer));
    let server = Server::start(
        hub.clone(),
        settings.listener_options(),
        settings.max_clients,
    )
    .map_err(|e| Failure::new(1, e.to_string()))?;
    logging::info(
        "serve",
        &format!(
            "serving {} (lite /, /full-stream, /domains-only, <feed>/example.json); MaxClients {}, ClientBuffer {}{}",
            settings.url(server.local_addr()),
            settings.max_clients,
            settings.client_buffer,
            if settings.token.is_some() { ", token required" } else { "" }
        ),
    );
    if !server.local_addr().ip().is_loopback() {
        logging::warning(
            "serve",
            &format!(
                "[SERVE] Listen = {}: not a loopback address, the feed is open to the network{}",
                settings.listen_text,
                if settings.token.is_some() {
                    ""
                } else {
                    " without a Token"
                }
            ),
        );
    }
    Ok((hub, server))
}

/// `serve`'s figures at `/metrics` (`[METRICS] Listen`): totals, and per connected
/// client (labelled by its connection number, address and feed) what it was sent, what
/// was skipped because its queue was full, and what waits in its queue.
impl crate::metrics::MetricsSource for Hub {
    fn write(&self, out: &mut crate::metrics::Exposition) {
        use crate::metrics::{Kind, Value};
        let t = self.totals();
        let totals: [(&'static str, Kind, &str, u64); 6] = [
            ("certstreammonitor_serve_clients", Kind::Gauge, "Certstream clients connected now.", t.clients as u64),
            ("certstreammonitor_serve_published_total", Kind::Counter, "Certificates published to the clients.", t.published),
            ("certstreammonitor_serve_connections_total", Kind::Counter, "Websocket clients accepted.", t.connections),
            ("certstreammonitor_serve_refused_total", Kind::Counter, "Connections refused because MaxClients were connected (HTTP 503).", t.refused),
            ("certstreammonitor_serve_sent_total", Kind::Counter, "Messages written to clients, departed ones included.", t.sent),
            ("certstreammonitor_serve_skipped_total", Kind::Counter, "Messages skipped because a client's queue (ClientBuffer) was full, departed clients included.", t.skipped),
        ];
        for (name, kind, help, v) in totals {
            out.single(name, kind, help, Value::Int(v));
        }
        let clients = self.clients();
        let labels: Vec<[String; 3]> = clients
            .iter()
            .map(|c| {
                [
                    c.id.to_string(),
                    c.peer.to_string(),
                    c.endpoint.name().to_string(),
                ]
            })
            .collect();
        type Row = (&'static str, Kind, &'static str, fn(&ClientStats) -> u64);
        let rows: [Row; 3] = [
            (
                "certstreammonitor_serve_client_sent_total",
                Kind::Counter,
                "Messages written to this client.",
                |c| c.sent,
            ),
            (
                "certstreammonitor_serve_client_skipped_total",
                Kind::Counter,
                "Messages this client missed because its queue was full.",
                |c| c.skipped,
            ),
            (
                "certstreammonitor_serve_client_queued",
                Kind::Gauge,
                "Messages waiting in this client's queue.",
                |c| c.queued as u64,
            ),
        ];
        for (name, kind, help, value) in rows {
            out.family(name, kind, help);
            for (c, [id, peer, feed]) in clients.iter().zip(&labels) {
                out.sample(
                    name,
                    &[("client", id), ("peer", peer), ("feed", feed)],
                    Value::Int(value(c)),
                );
            }
        }
    }
}

/// The stats line (totals) and one line per connected client.
pub fn log_stats(hub: &Hub) {
    let t = hub.totals();
    logging::info(
        "serve",
        &format!(
            "stats: published={} clients={} connections={} refused={} sent={} skipped={}",
            t.published, t.clients, t.connections, t.refused, t.sent, t.skipped
        ),
    );
    for c in hub.clients() {
        logging::info(
            "serve",
            &format!(
                "stats: client #{} {} {} sent={} skipped={} queued={}",
                c.id,
                c.peer,
                c.endpoint.name(),
                c.sent,
                c.skipped,
                c.queued
            ),
        );
    }
}

/// Publish every certificate of a certstream JSON-lines input; other lines (heartbeats,
/// dns_entries, garbage, lines over 4 MiB) are counted and skipped. Returns the number
/// published. Stops early on SIGINT/SIGTERM.
fn replay_into(input: Box<dyn Read + Send>, hub: &Hub, rate: u32) -> std::io::Result<u64> {
    let mut r = std::io::BufReader::with_capacity(1 << 16, input);
    let (mut published, mut skipped) = (0u64, 0u64);
    let start = Instant::now();
    let mut last_stats = Instant::now();
    let mut line = Vec::new();
    loop {
        if shutdown::requested() {
            break;
        }
        line.clear();
        let n = (&mut r)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        if line.len() > MAX_LINE {
            // Too long: skip to the end of this line.
            skipped += 1;
            let mut sink = Vec::new();
            loop {
                sink.clear();
                let m = (&mut r).take(1 << 16).read_until(b'\n', &mut sink)?;
                if m == 0 || sink.ends_with(b"\n") {
                    break;
                }
            }
            continue;
        }
        let text = line.trim_ascii();
        if text.is_empty() {
            continue;
        }
        match serde_json::from_slice::<serde_json::Value>(text)
            .ok()
            .as_ref()
            .and_then(Frames::from_full)
        {
            Some(f) => {
                hub.publish(Arc::new(f));
                published += 1;
            }
            None => skipped += 1,
        }
        if rate > 0 {
            let due = start + Duration::from_secs_f64(published as f64 / rate as f64);
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
        }
        if last_stats.elapsed() >= STATS_EVERY {
            last_stats = Instant::now();
            log_stats(hub);
        }
    }
    if skipped > 0 {
        logging::info(
            "serve",
            &format!(
                "replay: {skipped} line(s) were not certificate_update messages and were skipped"
            ),
        );
    }
    Ok(published)
}

//! The certstream websocket client: connect (directly or through an HTTP CONNECT
//! proxy), keep the connection alive, notice when it dies, reconnect with backoff.
//!
//! It does nothing with the messages but hand each one to a callback. The callback may
//! block while the matcher is behind (backpressure): the loop then reads nothing, TCP
//! flow control slows the server down, and the time spent in the callback is not counted
//! as silence from the server.
//!
//! Keepalive: only application data, or the pong answering one of *our* pings, proves
//! the server alive. Its own pings do not (RFC 6455 §5.5.2 lets an endpoint ping at
//! will; a ping says nothing about whether it reads what we send), and a write that
//! cannot finish within the write timeout (a pong, our ping) ends the connection.

use crate::backoff::Backoff;
use crate::config::{split_list, strip_quotes, Config, ConfigError};
use crate::logging;
use crate::net::proxy::{self, ProxySettings};
use crate::shutdown;
use std::io;
use std::net::TcpStream;
use std::time::{Duration, Instant};
use tungstenite::protocol::WebSocketConfig;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// Messages larger than this are refused (certstream's biggest are ~150 KB).
pub const MAX_MESSAGE: usize = 16 << 20;

#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// Tried in turn (`ACTServer` may list several).
    pub urls: Vec<String>,
    /// `[SERVER] Proxy_*`; when `None`, `https_proxy`/`http_proxy` from the environment.
    pub proxy: Option<ProxySettings>,
    pub ping_interval: Duration,
    /// No data and no pong to our pings for this long means the connection is dead.
    pub dead_after: Duration,
    /// Also the limit for any write once connected (a pong, our ping): a server that takes
    /// no data for this long is dropped.
    pub connect_timeout: Duration,
    pub backoff_min: Duration,
    pub backoff_max: Duration,
}

impl ClientSettings {
    pub fn new(urls: Vec<String>, proxy: Option<ProxySettings>) -> ClientSettings {
        ClientSettings {
            urls,
            proxy,
            ping_interval: Duration::from_secs(20),
            dead_after: Duration::from_secs(90),
            connect_timeout: Duration::from_secs(10),
            backoff_min: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
        }
    }

    /// `[SERVER]`: `ACTServer` (one or more ws:// / wss:// URLs) and the optional proxy.
    pub fn from_config(c: &Config) -> Result<ClientSettings, ConfigError> {
        let raw = c.require("SERVER", "ACTServer")?;
        let urls = split_list(&raw);
        if urls.is_empty() {
            return Err(c.key_error("SERVER", "ACTServer", "no server URL given"));
        }
        for u in &urls {
            parse_ws_url(u).map_err(|m| c.key_error("SERVER", "ACTServer", m))?;
        }
        let mut settings = ClientSettings::new(urls, proxy_from_config(c)?);
        if let Some(secs) = c.seconds("SERVER", "PingInterval")? {
            settings.ping_interval = secs;
        }
        if let Some(secs) = c.seconds("SERVER", "IdleTimeout")? {
            settings.dead_after = secs;
        }
        Ok(settings)
    }
}

/// `[SERVER] Proxy_Host`, `Proxy_Port` (80), `Proxy_Username`, `Proxy_Password`.
fn proxy_from_config(c: &Config) -> Result<Option<ProxySettings>, ConfigError> {
    let host = match c
        .get("SERVER", "Proxy_Host")?
        .filter(|h| !h.trim().is_empty())
    {
        Some(h) => h.trim().to_string(),
        None => return Ok(None),
    };
    let port = match c
        .get("SERVER", "Proxy_Port")?
        .filter(|p| !p.trim().is_empty())
    {
        None => 80,
        Some(p) => p
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| {
                c.key_error("SERVER", "Proxy_Port", format!("{p:?} is not a TCP port"))
            })?,
    };
    let username = c
        .get("SERVER", "Proxy_Username")?
        .map(|u| strip_quotes(&u).to_string());
    let password = c
        .get("SERVER", "Proxy_Password")?
        .map(|p| strip_quotes(&p).to_string());
    Ok(Some(ProxySettings {
        host,
        port,
        username,
        password,
    }))
}

/// What the caller learns about the stream besides the messages.
pub enum ClientEvent {
    Message(Vec<u8>),
    /// A message above [`MAX_MESSAGE`] or a text frame that was not UTF-8.
    Rejected(String),
    /// Connected (and upgraded) to this server, shown without credentials.
    Connected(String),
    /// The connection ended (or could not be made), with the reason; a retry follows.
    Disconnected(String),
}

/// The parts of a `ws://`/`wss://` URL the connection needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WsUrl {
    pub tls: bool,
    pub host: String,
    pub port: u16,
}

pub fn parse_ws_url(url: &str) -> Result<WsUrl, String> {
    let (tls, rest) = if let Some(r) = url.strip_prefix("wss://") {
        (true, r)
    } else if let Some(r) = url.strip_prefix("ws://") {
        (false, r)
    } else {
        return Err(format!("{url}: not a ws:// or wss:// URL"));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = proxy::split_host_port(authority, if tls { 443 } else { 80 })
        .ok_or_else(|| format!("{url}: bad host or port"))?;
    if host.is_empty() {
        return Err(format!("{url}: no host"));
    }
    Ok(WsUrl { tls, host, port })
}

/// websocket-client never proxies these, whatever the environment says.
fn is_local(host: &str) -> bool {
    host == "localhost" || host == "::1" || host.starts_with("127.")
}

fn env_proxy(url: &WsUrl) -> Option<ProxySettings> {
    if is_local(&url.host) {
        return None;
    }
    let names: &[&str] = if url.tls {
        &["https_proxy", "HTTPS_PROXY"]
    } else {
        &["http_proxy", "HTTP_PROXY"]
    };
    let value = names
        .iter()
        .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))?;
    let no_proxy = std::env::var("no_proxy")
        .or_else(|_| std::env::var("NO_PROXY"))
        .unwrap_or_default();
    for entry in no_proxy.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let entry = entry.trim_start_matches('.');
        if entry == "*" || url.host == entry || url.host.ends_with(&format!(".{entry}")) {
            return None;
        }
    }
    ProxySettings::from_url(&value)
}

type Socket = WebSocket<MaybeTlsStream<TcpStream>>;

fn connect(settings: &ClientSettings, url: &str) -> Result<Socket, String> {
    let target = parse_ws_url(url)?;
    let proxy = settings.proxy.clone().or_else(|| env_proxy(&target));
    let tcp = match &proxy {
        Some(p) => proxy::connect_via(p, &target.host, target.port, settings.connect_timeout),
        None => proxy::connect_tcp(&target.host, target.port, settings.connect_timeout),
    }
    .map_err(|e| e.to_string())?;
    let _ = tcp.set_nodelay(true);
    tcp.set_read_timeout(Some(settings.connect_timeout))
        .map_err(|e| e.to_string())?;
    tcp.set_write_timeout(Some(settings.connect_timeout))
        .map_err(|e| e.to_string())?;
    let config = WebSocketConfig {
        max_message_size: Some(MAX_MESSAGE),
        max_frame_size: Some(MAX_MESSAGE),
        ..WebSocketConfig::default()
    };
    // Loading the system CA store costs a few MB of RSS: only do it for wss://.
    let connector = if target.tls {
        tungstenite::Connector::NativeTls(
            native_tls::TlsConnector::new().map_err(|e| format!("TLS setup: {e}"))?,
        )
    } else {
        tungstenite::Connector::Plain
    };
    let (ws, _response) =
        tungstenite::client_tls_with_config(url, tcp, Some(config), Some(connector)).map_err(
            |e| match e {
                tungstenite::HandshakeError::Failure(e) => e.to_string(),
                tungstenite::HandshakeError::Interrupted(_) => "handshake timed out".to_string(),
            },
        )?;
    // Short reads let the loop send pings, notice silence and see the stop flag; short
    // writes come back as WouldBlock and are retried up to a deadline (`flush_within`).
    let tick = Some(Duration::from_millis(250));
    let sock = match ws.get_ref() {
        MaybeTlsStream::Plain(s) => s,
        MaybeTlsStream::NativeTls(s) => s.get_ref(),
        _ => return Err("unexpected stream type".into()),
    };
    sock.set_read_timeout(tick).map_err(|e| e.to_string())?;
    sock.set_write_timeout(tick).map_err(|e| e.to_string())?;
    Ok(ws)
}

/// Why a connection ended.
enum End {
    Stopped,
    Lost(String),
}

/// Payload of our `n`th ping on a connection (RFC 6455 §5.5.3: the pong echoes it).
fn ping_payload(n: u64) -> Vec<u8> {
    n.to_be_bytes().to_vec()
}

/// Whether a pong answers one of the `sent` pings of this connection (unsolicited pongs,
/// which RFC 6455 §5.5.3 allows as a one-way heartbeat, prove nothing).
fn answers_our_ping(payload: &[u8], sent: u64) -> bool {
    <[u8; 8]>::try_from(payload).is_ok_and(|b| (1..=sent).contains(&u64::from_be_bytes(b)))
}

fn is_timeout(e: &tungstenite::Error) -> bool {
    matches!(e, tungstenite::Error::Io(e)
        if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut))
}

/// Write out everything tungstenite holds (a pong, our ping, a close) within `limit`,
/// however the socket trickles, and before `idle_deadline` (a connection that is dead
/// for the idle timer is not kept alive by a blocked write). Each blocked write comes
/// back after the socket's short write timeout and is retried (tungstenite keeps the
/// unwritten bytes).
fn flush_within(ws: &mut Socket, limit: Duration, idle_deadline: Instant) -> Result<(), String> {
    let start = Instant::now();
    loop {
        match ws.flush() {
            Ok(()) => return Ok(()),
            Err(e) if is_timeout(&e) => {
                if start.elapsed() >= limit
                    || Instant::now() >= idle_deadline
                    || shutdown::requested()
                {
                    return Err(format!(
                        "the server took no data for {:.1} s",
                        start.elapsed().as_secs_f64()
                    ));
                }
            }
            Err(e) => return Err(e.to_string()),
        }
    }
}

fn pump(
    ws: &mut Socket,
    settings: &ClientSettings,
    on_event: &mut dyn FnMut(ClientEvent),
    got_data: &mut bool,
) -> End {
    // Last proof of life: application data, or the pong to one of our pings.
    let mut alive = Instant::now();
    let mut last_ping = Instant::now();
    let mut pings_sent = 0u64;
    let write_limit = settings.connect_timeout;
    loop {
        if shutdown::requested() {
            let _ = ws.close(None);
            let _ = ws.flush();
            return End::Stopped;
        }
        // Checked on every turn, not only when a read times out: a server can keep the
        // socket busy with frames that are not proof of life.
        if alive.elapsed() >= settings.dead_after {
            return End::Lost(format!(
                "no data and no pong for {:.1} s",
                settings.dead_after.as_secs_f64()
            ));
        }
        if last_ping.elapsed() >= settings.ping_interval {
            last_ping = Instant::now();
            pings_sent += 1;
            // A write that times out keeps the frame buffered: flush_within finishes it.
            let sent = match ws.write(Message::Ping(ping_payload(pings_sent))) {
                Err(e) if !is_timeout(&e) => Err(e.to_string()),
                _ => flush_within(ws, write_limit, alive + settings.dead_after),
            };
            if let Err(e) = sent {
                return End::Lost(format!("sending ping: {e}"));
            }
        }
        match ws.read() {
            Ok(msg) => match msg {
                Message::Text(s) => {
                    *got_data = true;
                    on_event(ClientEvent::Message(s.into_bytes()));
                    // After the hand-over: time spent waiting for the matcher is not silence.
                    alive = Instant::now();
                }
                Message::Binary(b) => {
                    *got_data = true;
                    on_event(ClientEvent::Message(b));
                    alive = Instant::now();
                }
                Message::Pong(p) => {
                    if answers_our_ping(&p, pings_sent) {
                        alive = Instant::now();
                    }
                }
                Message::Ping(_) => {
                    // tungstenite queued the pong; write it now. Its own attempt, at the
                    // next read, would treat a blocked write as "try later" forever.
                    if let Err(e) = flush_within(ws, write_limit, alive + settings.dead_after) {
                        return End::Lost(format!("answering a ping: {e}"));
                    }
                }
                Message::Close(frame) => {
                    return End::Lost(match frame {
                        Some(f) => {
                            format!("server closed the connection ({} {})", f.code, f.reason)
                        }
                        None => "server closed the connection".into(),
                    })
                }
                Message::Frame(_) => {}
            },
            Err(e) if is_timeout(&e) => {}
            Err(tungstenite::Error::Utf8) => {
                // The frame is consumed; the stream itself is still in sync.
                on_event(ClientEvent::Rejected(
                    "text frame is not valid UTF-8".into(),
                ));
                alive = Instant::now();
            }
            Err(tungstenite::Error::Capacity(e)) => {
                on_event(ClientEvent::Rejected(format!("message too large: {e}")));
                // The rest of the frame is still on the wire: only a new connection resyncs.
                return End::Lost(format!("message too large: {e}"));
            }
            Err(e) => return End::Lost(e.to_string()),
        }
    }
}

/// Follow the stream until a stop is requested, reconnecting forever.
pub fn run(settings: &ClientSettings, mut on_event: impl FnMut(ClientEvent)) {
    let mut backoff = Backoff::new(settings.backoff_min, settings.backoff_max);
    let mut turn = 0usize;
    while !shutdown::requested() && !settings.urls.is_empty() {
        let url = &settings.urls[turn % settings.urls.len()];
        // As logged: without user info or query values (a token there is a credential).
        let shown = crate::redact::without_credentials(url);
        let reason = match connect(settings, url) {
            Ok(mut ws) => {
                logging::info(
                    "certstream",
                    &format!(
                        "Connection established to CertStream! Listening for events... ({shown})"
                    ),
                );
                on_event(ClientEvent::Connected(shown.to_string()));
                let mut got_data = false;
                let end = pump(&mut ws, settings, &mut on_event, &mut got_data);
                if got_data {
                    backoff.reset();
                }
                match end {
                    End::Stopped => {
                        on_event(ClientEvent::Disconnected("stopping".into()));
                        break;
                    }
                    End::Lost(r) => r,
                }
            }
            Err(e) => e,
        };
        if shutdown::requested() {
            break;
        }
        on_event(ClientEvent::Disconnected(reason.clone()));
        let delay = backoff.next_delay();
        logging::error(
            "certstream",
            &format!(
                "Error connecting to CertStream - {shown}: {reason} - Sleeping for a few seconds and trying again... (retry in {:.1} s)",
                delay.as_secs_f64()
            ),
        );
        turn += 1;
        shutdown::sleep(delay);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pongs_to_our_pings_count() {
        assert!(answers_our_ping(&ping_payload(1), 1));
        assert!(
            answers_our_ping(&ping_payload(2), 3),
            "a late pong still answers"
        );
        assert!(!answers_our_ping(&ping_payload(4), 3), "never sent");
        assert!(!answers_our_ping(&ping_payload(1), 0));
        assert!(!answers_our_ping(b"", 5), "unsolicited heartbeat pong");
        assert!(!answers_our_ping(b"csm-probe", 5));
    }

    #[test]
    fn urls() {
        type Want = Result<(bool, &'static str, u16), ()>;
        let cases: &[(&str, Want)] = &[
            ("ws://127.0.0.1:8080/", Ok((false, "127.0.0.1", 8080))),
            (
                "wss://certstream.calidog.io/",
                Ok((true, "certstream.calidog.io", 443)),
            ),
            ("ws://host/full-stream?x=1", Ok((false, "host", 80))),
            ("wss://[::1]:4000/", Ok((true, "::1", 4000))),
            ("http://x/", Err(())),
            ("ws://", Err(())),
            ("ws://h:99999/", Err(())),
        ];
        for (u, want) in cases {
            let got = parse_ws_url(u)
                .map(|w| (w.tls, w.host, w.port))
                .map_err(|_| ());
            assert_eq!(got, want.map(|(t, h, p)| (t, h.to_string(), p)), "{u}");
        }
    }
}

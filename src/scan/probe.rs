//! Is a host online? `GET https://<host>/` with a total deadline, redirects followed, the
//! body read up to a cap, every HTTP status counting as "up". Errors are sorted into the
//! original's three console kinds (TLS, connection, other).

use std::collections::HashMap;
use std::io::Read;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use ureq::tls::RootCerts;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::DefaultConnector;

/// The title only needs the head of a page; phishing kits sometimes serve huge pages.
pub const BODY_LIMIT: u64 = 1 << 20;

#[derive(Debug, Clone)]
pub struct ProbeSettings {
    /// Total deadline per host: connect, TLS, headers and body (`[CONNECT] Timeout`).
    pub timeout: Duration,
    /// `[CONNECT] Proxy`: http://, https://, socks4://, socks5://, socks5h://.
    pub proxy: Option<String>,
    /// `[CONNECT] CAFile`: extra trusted roots (PEM), on top of the system's.
    pub ca_file: Option<PathBuf>,
    /// `[CONNECT] Resolve`: name → address (and optionally port) overrides, a debugging
    /// aid that also lets tests point names at loopback servers.
    pub resolve: HashMap<String, (IpAddr, Option<u16>)>,
}

/// What a probe found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeOutcome {
    Up {
        status: u16,
        body: Vec<u8>,
        content_type: Option<String>,
        ip: Option<IpAddr>,
    },
    /// TLS handshake or certificate failure (`SSL error`).
    TlsError(String),
    /// DNS failure, refused, unreachable, connect timeout, proxy failure (`Connection error`).
    ConnectionError(String),
    /// Anything else: read timeout, too many redirects, protocol error (`Error: <text>`).
    OtherError(String),
}

/// Resolves names as the system does, except for configured overrides, putting IPv4
/// first, and remembers the first address of each name: that is where the probe connects.
#[derive(Debug, Default)]
struct RecordingResolver {
    overrides: HashMap<String, (IpAddr, Option<u16>)>,
    seen: Mutex<HashMap<String, IpAddr>>,
    /// Never a thread per lookup that could panic at a thread limit (see `http::Lookup`).
    inner: crate::net::http::Lookup,
}

impl Resolver for RecordingResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri
            .host()
            .unwrap_or("")
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        let port = uri
            .port_u16()
            .unwrap_or(if uri.scheme_str() == Some("http") {
                80
            } else {
                443
            });
        let mut out = self.inner.empty();
        if let Some((ip, forced_port)) = self.overrides.get(&host) {
            out.push(SocketAddr::new(*ip, forced_port.unwrap_or(port)));
        } else {
            let found = self.inner.resolve(uri, config, timeout)?;
            let mut addrs: Vec<SocketAddr> = found.iter().copied().collect();
            addrs.sort_by_key(|a| !a.is_ipv4());
            for a in addrs {
                out.push(a);
            }
        }
        if let Some(first) = out.iter().next() {
            self.seen
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(host, first.ip());
        }
        Ok(out)
    }
}

#[derive(Debug, Clone)]
pub struct Prober {
    agent: ureq::Agent,
    resolver: Arc<RecordingResolver>,
    socks_remote_dns: bool,
}

impl Prober {
    /// Errors name the `[CONNECT]` key at fault.
    pub fn new(settings: &ProbeSettings) -> Result<Prober, (&'static str, String)> {
        let roots = match &settings.ca_file {
            Some(path) => crate::net::http::roots_with_extra(path).map_err(|e| ("CAFile", e))?,
            None => RootCerts::PlatformVerifier,
        };
        let proxy = match settings.proxy.as_deref().filter(|p| !p.trim().is_empty()) {
            // The error text may quote the URL; keep credentials out of it.
            Some(p) => Some(ureq::Proxy::new(p.trim()).map_err(|e| {
                (
                    "Proxy",
                    format!("{}: {e}", crate::redact::without_credentials(p)),
                )
            })?),
            None => None,
        };
        let socks_remote_dns = settings.proxy.as_deref().is_some_and(|p| {
            p.trim().starts_with("socks5h://") || p.trim().starts_with("socks4a://")
        });
        // Each probe sends its own User-Agent header, which replaces the client's default.
        let config =
            crate::net::http::config(settings.timeout, crate::net::http::native_tls(roots), 10)
                // Two 128 KiB buffers per connection are more than a probe needs (measured: no
                // visible RSS change; the pool's RSS came from the TLS connector, see warm_up).
                .input_buffer_size(16 * 1024)
                .output_buffer_size(16 * 1024)
                .proxy(proxy)
                .build();
        let resolver = Arc::new(RecordingResolver {
            overrides: settings.resolve.clone(),
            ..Default::default()
        });
        let agent = ureq::Agent::with_parts(
            config,
            DefaultConnector::default(),
            crate::net::http::SharedResolver(resolver.clone()),
        );
        Ok(Prober {
            agent,
            resolver,
            socks_remote_dns,
        })
    }

    /// ureq builds its TLS connector (and loads the CA store into it) lazily at the first
    /// handshake, without a lock: 32 workers starting together would each build one,
    /// ~2 MB apiece. One throwaway handshake against a local socket that hangs up builds
    /// it once, before the pool starts.
    pub fn warm_up(&self) {
        let Ok(listener) = std::net::TcpListener::bind("127.0.0.1:0") else {
            return;
        };
        let Ok(addr) = listener.local_addr() else {
            return;
        };
        // No thread to spare (a thread limit): skip the warm-up, it only saves memory.
        let Ok(closer) = std::thread::Builder::new()
            .name("warm-up".into())
            .spawn(move || {
                if let Ok((s, _)) = listener.accept() {
                    drop(s);
                }
            })
        else {
            return;
        };
        let _ = self.agent.get(&format!("https://{addr}/")).call();
        let _ = closer.join();
    }

    /// Probe one host with the given User-Agent.
    pub fn probe(&self, host: &str, user_agent: &str) -> ProbeOutcome {
        let url = format!("https://{host}/");
        let result = self.agent.get(&url).header("User-Agent", user_agent).call();
        let mut resp = match result {
            Ok(r) => r,
            Err(e) => return classify(e),
        };
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut body = Vec::new();
        // The status line arrived: the host is up, even if the body then stalls or breaks.
        let _ = resp
            .body_mut()
            .as_reader()
            .take(BODY_LIMIT)
            .read_to_end(&mut body);
        ProbeOutcome::Up {
            status,
            body,
            content_type,
            ip: self.address_of(host),
        }
    }

    /// Where `host` resolved during the probe, else a fresh lookup (IPv4 first). With a
    /// `socks5h://` proxy names are resolved by the proxy only, so this stays empty.
    pub fn address_of(&self, host: &str) -> Option<IpAddr> {
        let key = host.to_ascii_lowercase();
        if let Some((ip, _)) = self.resolver.overrides.get(&key) {
            return Some(*ip);
        }
        if self.socks_remote_dns {
            return None;
        }
        if let Some(ip) = self
            .resolver
            .seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
        {
            return Some(*ip);
        }
        let mut addrs: Vec<SocketAddr> = (host, 443).to_socket_addrs().ok()?.collect();
        addrs.sort_by_key(|a| !a.is_ipv4());
        addrs.first().map(|a| a.ip())
    }
}

fn classify(e: ureq::Error) -> ProbeOutcome {
    use ureq::Error as E;
    let text = e.to_string();
    match &e {
        E::Tls(_) => ProbeOutcome::TlsError(text),
        E::Io(io)
            if io.kind() == std::io::ErrorKind::InvalidData
                && text.to_ascii_lowercase().contains("certificate") =>
        {
            ProbeOutcome::TlsError(text)
        }
        E::HostNotFound | E::ConnectionFailed | E::ConnectProxyFailed(_) => {
            ProbeOutcome::ConnectionError(text)
        }
        E::Timeout(ureq::Timeout::Resolve | ureq::Timeout::Connect) => {
            ProbeOutcome::ConnectionError(text)
        }
        E::Io(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionRefused
                    | std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::NotConnected
                    | std::io::ErrorKind::AddrNotAvailable
                    | std::io::ErrorKind::HostUnreachable
                    | std::io::ErrorKind::NetworkUnreachable
                    | std::io::ErrorKind::UnexpectedEof
                    | std::io::ErrorKind::BrokenPipe
            ) =>
        {
            ProbeOutcome::ConnectionError(text)
        }
        // requests reported a server hanging up as a ConnectionError too.
        _ if text.contains("Peer disconnected") => ProbeOutcome::ConnectionError(text),
        _ if is_tls_text(&text) => ProbeOutcome::TlsError(text),
        _ => ProbeOutcome::OtherError(text),
    }
}

/// native-tls reports handshake failures as I/O errors with OpenSSL's text.
fn is_tls_text(t: &str) -> bool {
    let t = t.to_ascii_lowercase();
    ["ssl", "tls", "certificate", "handshake"]
        .iter()
        .any(|k| t.contains(k))
}

//! Blocking HTTP GETs for the CT log readers and the log list: one agent, a total
//! timeout on every request, a cap on every body, gzip decoded transparently (tiled
//! logs send gzip whether asked or not), TLS through native-tls and the system roots.

use std::fmt;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use ureq::tls::{RootCerts, TlsConfig, TlsProvider};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

pub struct HttpClient {
    agent: ureq::Agent,
    lookup: Arc<Lookup>,
}

/// Name resolution for every client of the program, without a thread per request.
///
/// ureq's own resolver looks every host up on a new thread so that its timeout holds, even
/// an IP literal, and starts that thread with `std::thread::spawn`, which panics when the
/// system refuses a thread (RLIMIT_NPROC, a pids cgroup): with `panic = "abort"` that ends
/// the process. Here an IP literal needs no lookup at all; a name's addresses are reused
/// for [`LOOKUP_TTL`] (a CT reader asks the same host many times a second) and forgotten
/// after a failed request; a lookup runs on a thread started with `Builder::spawn`, and
/// when no thread can be started, on the caller's thread (bounded then by the system
/// resolver's own timeouts instead of ours).
#[derive(Debug, Default)]
pub struct Lookup {
    last: Mutex<Option<(String, Instant, Vec<SocketAddr>)>>,
}

/// How long a looked-up name's addresses are reused.
pub const LOOKUP_TTL: Duration = Duration::from_secs(60);

/// Lookups done on the caller's thread because none could be started (for the warning).
static INLINE_LOOKUPS: AtomicU64 = AtomicU64::new(0);

impl Lookup {
    /// Drop the remembered addresses (the next request looks the name up again).
    pub fn forget(&self) {
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// `host:port` → addresses: an IP literal as it is, a name from the cache or looked up.
    fn addresses(
        &self,
        host_port: &str,
        timeout: NextTimeout,
    ) -> Result<Vec<SocketAddr>, ureq::Error> {
        if let Ok(addr) = host_port.parse::<SocketAddr>() {
            return Ok(vec![addr]);
        }
        {
            let last = self.last.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((key, at, addrs)) = last.as_ref() {
                if key == host_port && at.elapsed() < LOOKUP_TTL {
                    return Ok(addrs.clone());
                }
            }
        }
        let addrs = lookup(host_port, timeout)?;
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((host_port.to_string(), Instant::now(), addrs.clone()));
        Ok(addrs)
    }
}

/// The system resolver on a thread of its own (so `timeout` holds), or on this thread when
/// the system refuses a new one.
fn lookup(host_port: &str, timeout: NextTimeout) -> Result<Vec<SocketAddr>, ureq::Error> {
    let on_this_thread =
        |hp: &str| -> Result<Vec<SocketAddr>, ureq::Error> { Ok(hp.to_socket_addrs()?.collect()) };
    if timeout.after.is_not_happening() {
        return on_this_thread(host_port);
    }
    let (tx, rx) = mpsc::sync_channel(1);
    let hp = host_port.to_string();
    let started = std::thread::Builder::new()
        .name("lookup".into())
        .spawn(move || {
            let _ = tx.send(hp.to_socket_addrs().map(|i| i.collect::<Vec<_>>()));
        });
    match started {
        Ok(_) => match rx.recv_timeout(*timeout.after) {
            Ok(found) => Ok(found?),
            Err(RecvTimeoutError::Timeout) => Err(ureq::Error::Timeout(timeout.reason)),
            Err(RecvTimeoutError::Disconnected) => Err(ureq::Error::HostNotFound),
        },
        Err(e) => {
            let n = INLINE_LOOKUPS.fetch_add(1, Ordering::Relaxed) + 1;
            if n == 1 || n.is_multiple_of(1000) {
                crate::logging::warning(
                    "http",
                    &format!("cannot start a thread to look up {host_port} ({e}); looked up on the calling thread instead (lookup #{n} so)"),
                );
            }
            on_this_thread(host_port)
        }
    }
}

impl Resolver for Lookup {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let (Some(scheme), Some(authority)) = (uri.scheme(), uri.authority()) else {
            return Err(ureq::Error::BadUri(format!("{uri}: not a full URL")));
        };
        let Some(host_port) = DefaultResolver::host_and_port(scheme, authority) else {
            return Err(ureq::Error::BadUri(format!("{uri}: no port")));
        };
        let found = self.addresses(&host_port, timeout)?;
        let mut out = self.empty();
        for a in config.ip_family().keep_wanted(found.into_iter()) {
            // Full (16 addresses): the rest are not needed.
            if out.try_push(a).is_err() {
                break;
            }
        }
        if out.is_empty() {
            return Err(ureq::Error::HostNotFound);
        }
        Ok(out)
    }
}

/// A resolver the agent owns while its creator keeps a handle on it (the client, to make the
/// lookup cache forget; the prober, to read which address each host got).
#[derive(Debug)]
pub(crate) struct SharedResolver<R>(pub(crate) Arc<R>);

impl<R: Resolver> Resolver for SharedResolver<R> {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        self.0.resolve(uri, config, timeout)
    }
}

impl HttpClient {
    fn with_config(config: ureq::config::Config) -> HttpClient {
        let lookup = Arc::new(Lookup::default());
        let agent = ureq::Agent::with_parts(
            config,
            DefaultConnector::default(),
            SharedResolver(lookup.clone()),
        );
        HttpClient { agent, lookup }
    }
}

#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub body: Vec<u8>,
    /// `Retry-After`, as seconds or an HTTP date, when the server sent one.
    pub retry_after: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpError {
    pub url: String,
    pub message: String,
}

/// The URL without its user name, password and query values (they may be credentials).
impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            crate::redact::without_credentials(&self.url),
            self.message
        )
    }
}

impl std::error::Error for HttpError {}

const USER_AGENT: &str = concat!(
    "certstreammonitor/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/AssuranceMaladieSec/CertStreamMonitor)"
);

/// What every client shares: native-tls with `roots`, one total timeout per request,
/// HTTP errors returned as responses, our User-Agent. Callers add the proxy choice.
pub(crate) fn config(
    timeout: Duration,
    tls: TlsConfig,
    max_redirects: u32,
) -> ureq::config::ConfigBuilder<ureq::typestate::AgentScope> {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(max_redirects)
        .user_agent(USER_AGENT)
        .tls_config(tls)
}

pub(crate) fn native_tls(roots: RootCerts) -> TlsConfig {
    TlsConfig::builder()
        .provider(TlsProvider::NativeTls)
        .root_certs(roots)
        .build()
}

/// The system's CA bundle (`SSL_CERT_FILE`, else the usual locations) plus the PEM
/// certificates of `extra`, for private CAs. native-tls cannot add roots on top of its
/// built-in ones, so the system bundle is loaded here too. `extra` must hold at least one
/// certificate: a file without any would silently add no trust.
pub fn roots_with_extra(extra: &std::path::Path) -> Result<RootCerts, String> {
    let pem_certs = |bytes: &[u8]| -> Vec<ureq::tls::Certificate<'static>> {
        ureq::tls::parse_pem(bytes)
            .filter_map(|item| match item {
                Ok(ureq::tls::PemItem::Certificate(c)) => Some(c.to_owned()),
                _ => None,
            })
            .collect()
    };
    let extra_bytes = std::fs::read(extra).map_err(|e| format!("{}: {e}", extra.display()))?;
    let mut certs = pem_certs(&extra_bytes);
    if certs.is_empty() {
        return Err(format!("{}: no PEM certificate in it", extra.display()));
    }
    let system = std::env::var_os("SSL_CERT_FILE")
        .map(std::path::PathBuf::from)
        .into_iter()
        .chain(
            [
                "/etc/ssl/certs/ca-certificates.crt",
                "/etc/pki/tls/certs/ca-bundle.crt",
                "/etc/ssl/cert.pem",
                "/etc/ssl/ca-bundle.pem",
            ]
            .iter()
            .map(std::path::PathBuf::from),
        );
    if let Some(bundle) = system.into_iter().find(|p| p.is_file()) {
        let bytes = std::fs::read(&bundle).map_err(|e| format!("{}: {e}", bundle.display()))?;
        certs.extend(pem_certs(&bytes));
    }
    Ok(RootCerts::new_with_certs(&certs))
}

impl HttpClient {
    /// System roots, up to 5 redirects, proxies from the environment (ureq's default).
    pub fn new(timeout: Duration) -> HttpClient {
        HttpClient::with_config(config(timeout, native_tls(RootCerts::PlatformVerifier), 5).build())
    }

    /// GET with a body limit; any HTTP status is `Ok` (callers decide what a 404 means).
    pub fn get(&self, url: &str, limit: u64) -> Result<HttpResponse, HttpError> {
        self.get_with_headers(url, &[("Accept-Encoding", "gzip, identity")], limit)
    }

    /// Like [`HttpClient::new`], through `proxy` (`http://`, `https://`, `socks4://`, `socks4a://`,
    /// `socks5://`, `socks5h://`, optional `user:pass@`); `None` connects directly, ignoring the
    /// `*_proxy` environment variables. The error never echoes the URL (it may hold a password).
    pub fn with_proxy(timeout: Duration, proxy: Option<&str>) -> Result<HttpClient, HttpError> {
        let proxy = match proxy {
            Some(p) => Some(ureq::Proxy::new(p).map_err(|e| HttpError {
                url: "proxy".into(),
                message: format!("unusable proxy: {e}"),
            })?),
            None => None,
        };
        Ok(HttpClient::with_config(
            config(timeout, native_tls(RootCerts::PlatformVerifier), 5)
                .proxy(proxy)
                .build(),
        ))
    }

    /// GET with extra request headers (e.g. `Accept`); otherwise as [`HttpClient::get`].
    pub fn get_with_headers(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        limit: u64,
    ) -> Result<HttpResponse, HttpError> {
        let mut req = self.agent.get(url);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.call().map_err(|e| {
            self.lookup.forget();
            HttpError {
                url: url.to_string(),
                message: e.to_string(),
            }
        })?;
        read_response(url, resp, limit)
    }

    /// POST `body` with the given headers (e.g. `Content-Type`); any HTTP status is `Ok`.
    pub fn post(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        limit: u64,
    ) -> Result<HttpResponse, HttpError> {
        self.request("POST", url, headers, body, limit)
    }
}

/// For notification webhooks (`src/notify.rs`).
impl HttpClient {
    /// One total `timeout` per request; redirects are *not* followed (a webhook that moved is
    /// an error worth reporting, and a message must not be re-sent to wherever a redirect
    /// points); proxies from the environment (`https_proxy`, `no_proxy`, …) as Python's
    /// `requests` uses them; `extra_roots` (PEM file) trusted on top of the system's.
    /// The error never holds a URL.
    pub fn for_webhooks(
        timeout: Duration,
        extra_roots: Option<&std::path::Path>,
    ) -> Result<HttpClient, String> {
        let roots = match extra_roots {
            None => RootCerts::PlatformVerifier,
            Some(path) => roots_with_extra(path)?,
        };
        Ok(HttpClient::with_config(
            config(timeout, native_tls(roots), 0).build(),
        ))
    }

    /// Like [`HttpClient::for_webhooks`] without any certificate check, for destinations the
    /// operator marked `?verify=no` (apprise's option, for internal endpoints).
    pub fn for_webhooks_unverified(timeout: Duration) -> Result<HttpClient, String> {
        let tls = TlsConfig::builder()
            .provider(TlsProvider::NativeTls)
            .disable_verification(true)
            .build();
        Ok(HttpClient::with_config(config(timeout, tls, 0).build()))
    }

    /// `method` (GET, POST, PUT, PATCH, DELETE, HEAD) with headers and a body (sent with every
    /// method, as `requests` does); any HTTP status is `Ok`.
    pub fn request(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        limit: u64,
    ) -> Result<HttpResponse, HttpError> {
        let err = |m: String| HttpError {
            url: url.to_string(),
            message: m,
        };
        let mut req = match method {
            "POST" => self.agent.post(url),
            "PUT" => self.agent.put(url),
            "PATCH" => self.agent.patch(url),
            "GET" => self.agent.get(url).force_send_body(),
            "DELETE" => self.agent.delete(url).force_send_body(),
            "HEAD" => self.agent.head(url).force_send_body(),
            other => return Err(err(format!("unsupported method {other}"))),
        };
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.send(body).map_err(|e| {
            self.lookup.forget();
            err(e.to_string())
        })?;
        read_response(url, resp, limit)
    }
}

fn read_response(
    url: &str,
    mut resp: ureq::http::Response<ureq::Body>,
    limit: u64,
) -> Result<HttpResponse, HttpError> {
    let status = resp.status().as_u16();
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, crate::clock::now_unix()));
    let body = resp
        .body_mut()
        .with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(|e| HttpError {
            url: url.to_string(),
            message: format!("reading body: {e}"),
        })?;
    Ok(HttpResponse {
        status,
        body,
        retry_after,
    })
}

/// `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`.
pub fn parse_retry_after(value: &str, now: i64) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs.min(24 * 3600)));
    }
    let when = parse_http_date(v)?;
    Some(Duration::from_secs((when - now).clamp(0, 24 * 3600) as u64))
}

/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the only form servers still send.
fn parse_http_date(v: &str) -> Option<i64> {
    let parts: Vec<&str> = v.split_whitespace().collect();
    if parts.len() != 6 || parts[5] != "GMT" {
        return None;
    }
    let day: u32 = parts[1].parse().ok()?;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == parts[2])? as u32 + 1;
    let year: i64 = parts[3].parse().ok()?;
    let hms: Vec<u32> = parts[4]
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<Vec<u32>>>()?;
    if hms.len() != 3 || hms[0] > 23 || hms[1] > 59 || hms[2] > 60 || !(1..=31).contains(&day) {
        return None;
    }
    Some(
        crate::clock::days_from_civil(year, month, day) * 86_400
            + (hms[0] * 3600 + hms[1] * 60 + hms[2]) as i64,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// IP literals are used as they are: no lookup, no thread, nothing remembered.
    #[test]
    fn ip_literals_need_no_lookup() {
        let lookup = Lookup::default();
        let config = ureq::Agent::config_builder().build();
        for (url, want) in [
            ("http://127.0.0.1:8080/log/", "127.0.0.1:8080"),
            ("https://127.0.0.2/", "127.0.0.2:443"),
            ("https://[::1]/ct/v1/get-sth", "[::1]:443"),
            ("http://[::1]:81/", "[::1]:81"),
        ] {
            let uri: ureq::http::Uri = url.parse().unwrap();
            let got = lookup
                .resolve(&uri, &config, NextTimeout::default())
                .unwrap();
            let want: SocketAddr = want.parse().unwrap();
            assert_eq!(got.iter().copied().collect::<Vec<_>>(), vec![want], "{url}");
        }
        assert!(lookup.last.lock().unwrap().is_none());
        let uri: ureq::http::Uri = "/relative".parse().unwrap();
        assert!(lookup
            .resolve(&uri, &config, NextTimeout::default())
            .is_err());
    }

    #[test]
    fn retry_after_forms() {
        let now = 784_111_777; // Sun, 06 Nov 1994 08:49:37 GMT
        let cases: &[(&str, Option<u64>)] = &[
            ("120", Some(120)),
            (" 5 ", Some(5)),
            ("Sun, 06 Nov 1994 08:49:47 GMT", Some(10)),
            ("Sun, 06 Nov 1994 08:49:27 GMT", Some(0)),
            ("soon", None),
            ("-1", None),
            ("Sun, 06 Nov 1994 08:49:47 PST", None),
            ("99999999999", Some(86_400)),
        ];
        for (v, want) in cases {
            assert_eq!(parse_retry_after(v, now).map(|d| d.as_secs()), *want, "{v}");
        }
    }
}

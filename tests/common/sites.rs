//! Loopback fixtures for the `scan` tests: a test CA and per-host certificates made with the
//! `openssl` CLI, HTTPS sites (native-tls) whose every answer is scripted and whose every
//! request is recorded, raw TCP servers (silent, plain-HTTP-on-the-TLS-port), HTTP CONNECT and
//! SOCKS5 proxies that record where they tunnelled, and fake whois / HTTP (RDAP, Safe
//! Browsing) servers. Everything listens on 127.0.0.0/8; a proxy only ever tunnels to loopback.
#![allow(dead_code)]

use native_tls::{Identity, TlsAcceptor};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

// ---------------------------------------------------------------------------------------
// Test PKI

/// A test CA (`ca.pem`) and leaf certificates signed by it, generated once per test binary.
pub struct Pki {
    pub dir: PathBuf,
    /// The CA certificate (PEM), for `[CONNECT] CAFile` or `SSL_CERT_FILE`.
    pub ca_pem: PathBuf,
    cache: Mutex<HashMap<Vec<String>, Arc<TlsAcceptor>>>,
    counter: AtomicUsize,
}

fn openssl(dir: &Path, args: &[&str]) -> Result<(), String> {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("openssl: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "openssl {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The shared PKI, or `None` (with a note on stderr) when the `openssl` CLI is missing: the
/// caller then skips its test.
pub fn pki() -> Option<&'static Pki> {
    static PKI: OnceLock<Option<Pki>> = OnceLock::new();
    PKI.get_or_init(|| {
        if Command::new("openssl")
            .arg("version")
            .output()
            .map(|o| !o.status.success())
            .unwrap_or(true)
        {
            eprintln!(
                "NOTE: the openssl CLI is not available; skipping the tests that need HTTPS sites"
            );
            return None;
        }
        // Directories of earlier test binaries that are gone (statics are never dropped).
        if let Ok(rd) = std::fs::read_dir(std::env::temp_dir()) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if let Some(pid) = name
                    .strip_prefix("csm-it-pki-")
                    .and_then(|p| p.parse::<u32>().ok())
                {
                    if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
                        let _ = std::fs::remove_dir_all(e.path());
                    }
                }
            }
        }
        let dir = std::env::temp_dir().join(format!("csm-it-pki-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create PKI dir");
        openssl(
            &dir,
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "3",
                "-subj",
                "/CN=certstreammonitor scan test CA",
            ],
        )
        .expect("make the test CA");
        Some(Pki {
            ca_pem: dir.join("ca.pem"),
            dir,
            cache: Mutex::new(HashMap::new()),
            counter: AtomicUsize::new(0),
        })
    })
    .as_ref()
}

impl Pki {
    /// PEM certificate and PKCS#8 key for a leaf with `names` as DNS SANs (CN = first name),
    /// signed by the test CA.
    pub fn leaf(&self, names: &[&str]) -> (Vec<u8>, Vec<u8>) {
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        let stem = format!("leaf{n}");
        let san: Vec<String> = names.iter().map(|h| format!("DNS:{h}")).collect();
        std::fs::write(
            self.dir.join(format!("{stem}.ext")),
            format!(
                "subjectAltName={}\nbasicConstraints=CA:FALSE\n",
                san.join(",")
            ),
        )
        .unwrap();
        let (key, csr, crt, ext) = (
            format!("{stem}.key"),
            format!("{stem}.csr"),
            format!("{stem}.pem"),
            format!("{stem}.ext"),
        );
        let subj = format!("/CN={}", names.first().copied().unwrap_or("leaf"));
        openssl(
            &self.dir,
            &[
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &key,
                "-out",
                &csr,
                "-subj",
                &subj,
            ],
        )
        .expect("leaf key");
        // -set_serial instead of -CAcreateserial: tests make leaves concurrently.
        let serial = format!("{}", 1000 + n as u64 * 7919 + std::process::id() as u64);
        openssl(
            &self.dir,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-set_serial",
                &serial,
                "-out",
                &crt,
                "-days",
                "2",
                "-extfile",
                &ext,
            ],
        )
        .expect("sign leaf");
        (
            std::fs::read(self.dir.join(&crt)).unwrap(),
            std::fs::read(self.dir.join(&key)).unwrap(),
        )
    }

    /// A TLS acceptor presenting a leaf for `names` (made once per distinct list).
    pub fn acceptor(&self, names: &[&str]) -> Arc<TlsAcceptor> {
        let key: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        if let Some(a) = self.cache.lock().unwrap().get(&key) {
            return a.clone();
        }
        let (cert, pkey) = self.leaf(names);
        let id = Identity::from_pkcs8(&cert, &pkey).expect("identity");
        let acc = Arc::new(TlsAcceptor::new(id).expect("TLS acceptor"));
        self.cache.lock().unwrap().insert(key, acc.clone());
        acc
    }
}

// ---------------------------------------------------------------------------------------
// HTTPS sites

/// One request a site received.
#[derive(Debug, Clone)]
pub struct SiteRequest {
    pub method: String,
    pub path: String,
    /// The Host header without its port, lower-cased.
    pub host: String,
    /// Every header, names lower-cased, in order.
    pub headers: Vec<(String, String)>,
}

impl SiteRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    /// Every value of `User-Agent` (to see it is sent exactly once).
    pub fn user_agents(&self) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k == "user-agent")
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// A scripted answer.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Status line, headers (Content-Length and `Connection: close` are added), body, after
    /// waiting `delay`.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        delay: Duration,
    },
    /// Headers (with a Content-Length for the whole body) and `prefix` at once, then `drip`
    /// one byte every `every`.
    Drip {
        status: u16,
        headers: Vec<(String, String)>,
        prefix: Vec<u8>,
        drip: Vec<u8>,
        every: Duration,
    },
    /// Close the connection without answering.
    Close,
}

impl Reply {
    /// An HTML page; `content_type` None sends no Content-Type header at all.
    pub fn html(status: u16, content_type: Option<&str>, body: impl Into<Vec<u8>>) -> Reply {
        let headers = content_type
            .map(|c| vec![("Content-Type".to_string(), c.to_string())])
            .unwrap_or_default();
        Reply::Full {
            status,
            headers,
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    /// A UTF-8 page (`text/html; charset=utf-8`) titled `title`.
    pub fn page(status: u16, title: &str) -> Reply {
        Reply::html(status, Some("text/html; charset=utf-8"), format!("<!DOCTYPE html>\n<html><head><title>{title}</title></head><body>hello</body></html>\n"))
    }

    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::Full {
            status,
            headers: vec![
                ("Location".into(), location.into()),
                ("Content-Type".into(), "text/html".into()),
            ],
            body: b"<title>moved</title>".to_vec(),
            delay: Duration::ZERO,
        }
    }

    pub fn delayed(self, d: Duration) -> Reply {
        match self {
            Reply::Full {
                status,
                headers,
                body,
                ..
            } => Reply::Full {
                status,
                headers,
                body,
                delay: d,
            },
            other => other,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

type SiteHandler = dyn Fn(&SiteRequest) -> Reply + Send + Sync;

/// An HTTPS server on a loopback address; every connection gets one request and one answer.
pub struct Site {
    pub ip: Ipv4Addr,
    pub port: u16,
    accepts: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<SiteRequest>>>,
    stop: Arc<AtomicBool>,
}

fn read_head<R: Read>(s: &mut R) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 64 * 1024 {
            return None;
        }
        match s.read(&mut b) {
            Ok(1) => head.push(b[0]),
            _ => return None,
        }
    }
    Some(head)
}

fn parse_request(head: &[u8]) -> Option<SiteRequest> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split_whitespace();
    let (method, path) = (first.next()?.to_string(), first.next()?.to_string());
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let host = headers
        .iter()
        .find(|(k, _)| k == "host")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let host = host
        .rsplit_once(':')
        .filter(|(_, p)| p.bytes().all(|b| b.is_ascii_digit()))
        .map_or(host, |(h, _)| h)
        .to_ascii_lowercase();
    Some(SiteRequest {
        method,
        path,
        host,
        headers,
    })
}

fn write_reply<W: Write>(w: &mut W, reply: &Reply, stop: &AtomicBool) {
    let head = |status: u16, headers: &[(String, String)], len: usize| {
        let mut h = format!("HTTP/1.1 {status} {}\r\n", reason(status));
        for (k, v) in headers {
            h.push_str(&format!("{k}: {v}\r\n"));
        }
        h.push_str(&format!(
            "Content-Length: {len}\r\nConnection: close\r\n\r\n"
        ));
        h
    };
    match reply {
        Reply::Full {
            status,
            headers,
            body,
            delay,
        } => {
            sleep_unless(stop, *delay);
            let _ = w.write_all(head(*status, headers, body.len()).as_bytes());
            let _ = w.write_all(body);
            let _ = w.flush();
        }
        Reply::Drip {
            status,
            headers,
            prefix,
            drip,
            every,
        } => {
            if w.write_all(head(*status, headers, prefix.len() + drip.len()).as_bytes())
                .is_err()
            {
                return;
            }
            if !prefix.is_empty() && w.write_all(prefix).is_err() {
                return;
            }
            let _ = w.flush();
            for b in drip {
                if !sleep_unless(stop, *every) || w.write_all(&[*b]).is_err() || w.flush().is_err()
                {
                    return;
                }
            }
        }
        Reply::Close => {}
    }
}

/// Sleep `d` in small steps; false if `stop` was raised meanwhile.
fn sleep_unless(stop: &AtomicBool, d: Duration) -> bool {
    let until = std::time::Instant::now() + d;
    while std::time::Instant::now() < until {
        if stop.load(Ordering::SeqCst) {
            return false;
        }
        std::thread::sleep((until - std::time::Instant::now()).min(Duration::from_millis(20)));
    }
    true
}

impl Site {
    /// A site on 127.0.0.1 presenting `acceptor`'s certificate.
    pub fn start(
        acceptor: Arc<TlsAcceptor>,
        handler: impl Fn(&SiteRequest) -> Reply + Send + Sync + 'static,
    ) -> Site {
        Site::start_on(Ipv4Addr::LOCALHOST, acceptor, handler)
    }

    /// A site on another loopback address (127.0.0.x), for per-IP enrichment.
    pub fn start_on(
        ip: Ipv4Addr,
        acceptor: Arc<TlsAcceptor>,
        handler: impl Fn(&SiteRequest) -> Reply + Send + Sync + 'static,
    ) -> Site {
        assert!(ip.is_loopback());
        let listener = TcpListener::bind((ip, 0)).expect("bind site");
        let port = listener.local_addr().unwrap().port();
        let accepts = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<SiteHandler> = Arc::new(handler);
        let (acc, reqs, st) = (accepts.clone(), requests.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                acc.fetch_add(1, Ordering::SeqCst);
                let (acceptor, handler, reqs, st) =
                    (acceptor.clone(), handler.clone(), reqs.clone(), st.clone());
                std::thread::spawn(move || {
                    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
                    let _ = conn.set_write_timeout(Some(Duration::from_secs(10)));
                    let Ok(mut tls) = acceptor.accept(conn) else {
                        return;
                    };
                    let Some(head) = read_head(&mut tls) else {
                        return;
                    };
                    let Some(req) = parse_request(&head) else {
                        return;
                    };
                    reqs.lock().unwrap().push(req.clone());
                    let reply = handler(&req);
                    write_reply(&mut tls, &reply, &st);
                    let _ = tls.shutdown();
                });
            }
        });
        Site {
            ip,
            port,
            accepts,
            requests,
            stop,
        }
    }

    /// `name:ip:port`, an item of `[CONNECT] Resolve`.
    pub fn resolve(&self, name: &str) -> String {
        format!("{name}:{}:{}", self.ip, self.port)
    }

    pub fn requests(&self) -> Vec<SiteRequest> {
        self.requests.lock().unwrap().clone()
    }

    pub fn requests_for(&self, host: &str) -> Vec<SiteRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.host == host)
            .collect()
    }

    /// TCP connections accepted (also those whose TLS handshake failed).
    pub fn connections(&self) -> usize {
        self.accepts.load(Ordering::SeqCst)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect((self.ip, self.port));
    }
}

// ---------------------------------------------------------------------------------------
// Raw TCP servers

/// A TCP server on 127.0.0.1 running `handler(stream, stop)` per connection.
pub struct RawServer {
    pub port: u16,
    accepts: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl RawServer {
    pub fn start(handler: impl Fn(TcpStream, &AtomicBool) + Send + Sync + 'static) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepts = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let handler = Arc::new(handler);
        let (acc, st) = (accepts.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                acc.fetch_add(1, Ordering::SeqCst);
                let (h, st) = (handler.clone(), st.clone());
                std::thread::spawn(move || h(conn, &st));
            }
        });
        RawServer {
            port,
            accepts,
            stop,
        }
    }

    /// Accepts and never says a word; connections are held until the server is dropped.
    pub fn silent() -> RawServer {
        RawServer::start(|conn, stop| {
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(50));
            }
            drop(conn);
        })
    }

    /// Speaks plain HTTP on what the client believes is a TLS port.
    pub fn plain_http() -> RawServer {
        RawServer::start(|mut conn, _| {
            let _ = conn.set_read_timeout(Some(Duration::from_millis(500)));
            let mut buf = [0u8; 1024];
            let _ = conn.read(&mut buf);
            let _ = conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 20\r\nConnection: close\r\n\r\n<title>plain</title>");
            let _ = conn.shutdown(Shutdown::Both);
        })
    }

    pub fn resolve(&self, name: &str) -> String {
        format!("{name}:127.0.0.1:{}", self.port)
    }

    pub fn connections(&self) -> usize {
        self.accepts.load(Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// `name:127.0.0.1:port` for a port nothing listens on.
pub fn refused(name: &str) -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("{name}:127.0.0.1:{port}")
}

// ---------------------------------------------------------------------------------------
// Proxies

fn pipe_both(a: TcpStream, b: TcpStream) {
    let (mut a2, mut b2) = (a.try_clone().unwrap(), b.try_clone().unwrap());
    let t = std::thread::spawn(move || {
        let _ = std::io::copy(&mut a2, &mut b2);
        let _ = b2.shutdown(Shutdown::Write);
    });
    let (mut a, mut b) = (a, b);
    let _ = std::io::copy(&mut b, &mut a);
    let _ = a.shutdown(Shutdown::Write);
    let _ = t.join();
}

/// Where a proxy sends a tunnel: a loopback IP as is; a name through the proxy's own table
/// (`name` → `ip:port` on loopback). Anything else is refused: no traffic leaves loopback.
fn tunnel_target(
    routes: &HashMap<String, SocketAddr>,
    host: &str,
    port: u16,
) -> Option<SocketAddr> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<IpAddr>() {
        Ok(ip) if ip.is_loopback() => Some(SocketAddr::new(ip, port)),
        Ok(_) => None,
        Err(_) => routes.get(&host.to_ascii_lowercase()).copied(),
    }
}

/// The shell of the recording proxies: a loopback listener on a fresh port, each
/// connection served on its own thread with the shared list of targets.
fn recording_listener(
    serve: impl Fn(TcpStream, &Mutex<Vec<String>>) + Send + Sync + 'static,
) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let targets = Arc::new(Mutex::new(Vec::new()));
    let (t, serve) = (targets.clone(), Arc::new(serve));
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(c) = conn else { continue };
            let (t, serve) = (t.clone(), serve.clone());
            std::thread::spawn(move || serve(c, &t));
        }
    });
    (port, targets)
}

/// A loopback HTTP CONNECT proxy (no auth) recording each CONNECT target as sent
/// (`host:port`).
pub struct TunnelProxy {
    pub port: u16,
    targets: Arc<Mutex<Vec<String>>>,
}

impl TunnelProxy {
    pub fn start(routes: HashMap<String, SocketAddr>) -> TunnelProxy {
        let (port, targets) = recording_listener(move |mut conn, t| {
            let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
            let Some(head) = read_head(&mut conn) else {
                return;
            };
            let text = String::from_utf8_lossy(&head).into_owned();
            let mut first = text.split("\r\n").next().unwrap_or("").split_whitespace();
            let (method, target) = (
                first.next().unwrap_or("").to_string(),
                first.next().unwrap_or("").to_string(),
            );
            t.lock().unwrap().push(if method == "CONNECT" {
                target.clone()
            } else {
                format!("{method} {target}")
            });
            let dest = target
                .rsplit_once(':')
                .and_then(|(h, p)| Some((h.to_string(), p.parse::<u16>().ok()?)))
                .and_then(|(h, p)| tunnel_target(&routes, &h, p));
            let upstream = match (method.as_str(), dest) {
                ("CONNECT", Some(d)) => TcpStream::connect_timeout(&d, Duration::from_secs(5)).ok(),
                _ => None,
            };
            let Some(upstream) = upstream else {
                let _ = conn.write_all(
                    b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
                return;
            };
            if conn
                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .is_err()
            {
                return;
            }
            let _ = conn.set_read_timeout(None);
            pipe_both(conn, upstream);
        });
        TunnelProxy { port, targets }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn targets(&self) -> Vec<String> {
        self.targets.lock().unwrap().clone()
    }
}

/// A loopback SOCKS5 proxy (no authentication, CONNECT only) recording each target as
/// `host:port` — a name when the client sent a name (ATYP 3), else the address.
pub struct Socks5Proxy {
    pub port: u16,
    targets: Arc<Mutex<Vec<String>>>,
}

impl Socks5Proxy {
    pub fn start(routes: HashMap<String, SocketAddr>) -> Socks5Proxy {
        let (port, targets) = recording_listener(move |c, t| {
            let _ = Socks5Proxy::serve(c, t, &routes);
        });
        Socks5Proxy { port, targets }
    }

    fn serve(
        mut c: TcpStream,
        t: &Mutex<Vec<String>>,
        routes: &HashMap<String, SocketAddr>,
    ) -> std::io::Result<()> {
        c.set_read_timeout(Some(Duration::from_secs(10)))?;
        let mut hello = [0u8; 2];
        c.read_exact(&mut hello)?;
        let mut methods = vec![0u8; hello[1] as usize];
        c.read_exact(&mut methods)?;
        if hello[0] != 5 || !methods.contains(&0) {
            c.write_all(&[5, 0xff])?;
            return Ok(());
        }
        c.write_all(&[5, 0])?;
        let mut head = [0u8; 4];
        c.read_exact(&mut head)?;
        let host = match head[3] {
            1 => {
                let mut a = [0u8; 4];
                c.read_exact(&mut a)?;
                Ipv4Addr::from(a).to_string()
            }
            3 => {
                let mut n = [0u8; 1];
                c.read_exact(&mut n)?;
                let mut name = vec![0u8; n[0] as usize];
                c.read_exact(&mut name)?;
                String::from_utf8_lossy(&name).into_owned()
            }
            4 => {
                let mut a = [0u8; 16];
                c.read_exact(&mut a)?;
                format!("[{}]", std::net::Ipv6Addr::from(a))
            }
            _ => return Ok(()),
        };
        let mut port = [0u8; 2];
        c.read_exact(&mut port)?;
        let port = u16::from_be_bytes(port);
        t.lock().unwrap().push(format!("{host}:{port}"));
        let up = if head[1] == 1 {
            tunnel_target(routes, &host, port)
                .and_then(|d| TcpStream::connect_timeout(&d, Duration::from_secs(5)).ok())
        } else {
            None
        };
        let Some(up) = up else {
            c.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0])?;
            return Ok(());
        };
        c.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0])?;
        c.set_read_timeout(None)?;
        pipe_both(c, up);
        Ok(())
    }

    pub fn url(&self, scheme: &str) -> String {
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    pub fn targets(&self) -> Vec<String> {
        self.targets.lock().unwrap().clone()
    }
}

/// A loopback SOCKS4 proxy (CONNECT only) recording each target as `address:port` and the
/// user id sent.
pub struct Socks4Proxy {
    pub port: u16,
    targets: Arc<Mutex<Vec<String>>>,
}

impl Socks4Proxy {
    pub fn start() -> Socks4Proxy {
        let (port, targets) = recording_listener(|c, t| {
            let _ = Socks4Proxy::serve(c, t);
        });
        Socks4Proxy { port, targets }
    }

    fn serve(mut c: TcpStream, t: &Mutex<Vec<String>>) -> std::io::Result<()> {
        c.set_read_timeout(Some(Duration::from_secs(10)))?;
        let mut head = [0u8; 8];
        c.read_exact(&mut head)?;
        let mut user = Vec::new();
        let mut b = [0u8; 1];
        loop {
            c.read_exact(&mut b)?;
            if b[0] == 0 {
                break;
            }
            user.push(b[0]);
        }
        let port = u16::from_be_bytes([head[2], head[3]]);
        let ip = Ipv4Addr::new(head[4], head[5], head[6], head[7]);
        t.lock().unwrap().push(format!(
            "{ip}:{port} user {:?}",
            String::from_utf8_lossy(&user)
        ));
        let up = (head[0] == 4 && head[1] == 1 && ip.is_loopback())
            .then(|| {
                TcpStream::connect_timeout(&SocketAddr::from((ip, port)), Duration::from_secs(5))
                    .ok()
            })
            .flatten();
        let Some(up) = up else {
            c.write_all(&[0, 91, 0, 0, 0, 0, 0, 0])?;
            return Ok(());
        };
        c.write_all(&[0, 90, 0, 0, 0, 0, 0, 0])?;
        c.set_read_timeout(None)?;
        pipe_both(c, up);
        Ok(())
    }

    pub fn url(&self) -> String {
        format!("socks4://soc@127.0.0.1:{}", self.port)
    }

    pub fn targets(&self) -> Vec<String> {
        self.targets.lock().unwrap().clone()
    }
}

// ---------------------------------------------------------------------------------------
// Enrichment fakes

/// A fake Team Cymru whois server: reads the query line, answers, closes.
pub struct FakeWhois {
    pub addr: SocketAddr,
    queries: Arc<Mutex<Vec<String>>>,
    connections: Arc<AtomicUsize>,
}

impl FakeWhois {
    /// Answers `answer(query)` on every connection.
    pub fn start(answer: impl Fn(&str) -> String + Send + Sync + 'static) -> FakeWhois {
        FakeWhois::scripted(move |q, _| Some(answer(q)))
    }

    /// Answers `text` on every connection.
    pub fn answering(text: impl Into<String>) -> FakeWhois {
        let text = text.into();
        FakeWhois::start(move |_| text.clone())
    }

    /// Reads the query and never answers (the connection is held for 30 s).
    pub fn silent() -> FakeWhois {
        FakeWhois::scripted(|_, _| {
            std::thread::sleep(Duration::from_secs(30));
            None
        })
    }

    /// `answer(query, index of the connection)`; `None` closes without answering.
    pub fn scripted(
        answer: impl Fn(&str, usize) -> Option<String> + Send + Sync + 'static,
    ) -> FakeWhois {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let queries = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let (q, c, answer) = (queries.clone(), connections.clone(), Arc::new(answer));
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let n = c.fetch_add(1, Ordering::SeqCst);
                let (q, answer) = (q.clone(), answer.clone());
                std::thread::spawn(move || {
                    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
                    let mut line = Vec::new();
                    let mut b = [0u8; 1];
                    while !line.ends_with(b"\n") && line.len() < 4096 {
                        match conn.read(&mut b) {
                            Ok(1) => line.push(b[0]),
                            _ => break,
                        }
                    }
                    let line = String::from_utf8_lossy(&line).into_owned();
                    q.lock().unwrap().push(line.clone());
                    if let Some(a) = answer(&line, n) {
                        let _ = conn.write_all(a.as_bytes());
                    }
                    let _ = conn.shutdown(Shutdown::Both);
                });
            }
        });
        FakeWhois {
            addr,
            queries,
            connections,
        }
    }

    pub fn server(&self) -> String {
        self.addr.to_string()
    }

    pub fn queries(&self) -> Vec<String> {
        self.queries.lock().unwrap().clone()
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// One plain-HTTP request a fake received.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    pub method: String,
    /// Path and query as sent.
    pub target: String,
    /// Names lower-cased.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap()
    }
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// A scripted plain-HTTP answer: status, headers (Content-Length and `Connection: close` are
/// added), body.
#[derive(Debug, Clone)]
pub struct HttpReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A plain-HTTP fake (RDAP, Safe Browsing), one request per connection.
pub struct FakeHttp {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<HttpRequest>>>,
}

type HttpHandler = dyn Fn(&HttpRequest, usize) -> HttpReply + Send + Sync;

fn read_http_request(conn: &TcpStream) -> Option<HttpRequest> {
    conn.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let mut reader = BufReader::new(conn);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body).ok()?;
    Some(HttpRequest {
        method,
        target,
        headers,
        body,
    })
}

impl FakeHttp {
    /// `handler(request)` → (status, content type, body).
    pub fn start(
        handler: impl Fn(&HttpRequest) -> (u16, String, Vec<u8>) + Send + Sync + 'static,
    ) -> FakeHttp {
        FakeHttp::scripted(move |req, _| {
            let (status, ctype, body) = handler(req);
            HttpReply {
                status,
                headers: vec![("Content-Type".into(), ctype)],
                body,
            }
        })
    }

    /// `handler(request, index of the request)` builds each answer.
    pub fn scripted(
        handler: impl Fn(&HttpRequest, usize) -> HttpReply + Send + Sync + 'static,
    ) -> FakeHttp {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<HttpHandler> = Arc::new(handler);
        let reqs = requests.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let (reqs, handler) = (reqs.clone(), handler.clone());
                std::thread::spawn(move || {
                    let Some(req) = read_http_request(&conn) else {
                        return;
                    };
                    let index = {
                        let mut r = reqs.lock().unwrap();
                        r.push(req.clone());
                        r.len() - 1
                    };
                    let rep = handler(&req, index);
                    let mut head = format!("HTTP/1.1 {} {}\r\n", rep.status, reason(rep.status));
                    for (k, v) in &rep.headers {
                        head.push_str(&format!("{k}: {v}\r\n"));
                    }
                    head.push_str(&format!(
                        "Content-Length: {}\r\nConnection: close\r\n\r\n",
                        rep.body.len()
                    ));
                    let _ = conn.write_all(head.as_bytes());
                    let _ = conn.write_all(&rep.body);
                    let _ = conn.flush();
                    let _ = conn.shutdown(Shutdown::Write);
                });
            }
        });
        FakeHttp { addr, requests }
    }

    /// `http://127.0.0.1:P<path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn requests(&self) -> Vec<HttpRequest> {
        self.requests.lock().unwrap().clone()
    }
}

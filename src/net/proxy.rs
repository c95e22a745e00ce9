//! Hand-written because ureq's proxy support carries only ureq's own requests; the websocket and the whois query need a raw TCP stream through HTTP CONNECT or SOCKS5 (RFC 1928).
//!
//! TCP tunnels through proxies: HTTP CONNECT for the certstream websocket (`[SERVER]
//! Proxy_*` or the `https_proxy` environment variable, as websocket-client did for the
//! original), and CONNECT or SOCKS for the whois query of `scan` when `[ENRICH]
//! WhoisViaProxy` asks for it ([`connect_through`]). HTTP requests go through ureq's own
//! proxy support instead.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Where and how to tunnel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxySettings {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
}

impl ProxySettings {
    /// The `Proxy-Authorization` header value, when a user name is set.
    pub fn authorization(&self) -> Option<String> {
        let user = self.username.as_deref().filter(|u| !u.is_empty())?;
        let creds = match self.password.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => format!("{user}:{p}"),
            None => user.to_string(),
        };
        Some(format!(
            "Basic {}",
            crate::net::base64::encode(creds.as_bytes())
        ))
    }

    /// The password and its encodings, to scrub out of what the proxy answers.
    pub fn secrets(&self) -> crate::redact::Secrets {
        let mut s = crate::redact::Secrets::new();
        if let Some(p) = self.password.as_deref().filter(|p| !p.is_empty()) {
            s.add_login(self.username.as_deref().unwrap_or(""), p);
        }
        s
    }

    /// From a proxy URL such as `http://user:pass@proxy:3128` (environment variables).
    pub fn from_url(url: &str) -> Option<ProxySettings> {
        ProxySettings::from_url_with_port(url, 80)
    }

    /// [`ProxySettings::from_url`] with another port when the URL has none.
    pub fn from_url_with_port(url: &str, default_port: u16) -> Option<ProxySettings> {
        let rest = url.trim();
        let rest = rest
            .strip_prefix("http://")
            .or_else(|| rest.strip_prefix("https://"))
            .unwrap_or(rest);
        let rest = rest.split('/').next()?;
        let (userinfo, hostport) = match rest.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, rest),
        };
        let (host, port) = split_host_port(hostport, default_port)?;
        let (username, password) = match userinfo {
            Some(u) => match u.split_once(':') {
                Some((a, b)) => (Some(percent_decode(a)), Some(percent_decode(b))),
                None => (Some(percent_decode(u)), None),
            },
            None => (None, None),
        };
        Some(ProxySettings {
            host,
            port,
            username,
            password,
        })
    }
}

/// Open a TCP connection to `target_host:target_port` through the proxy URL `[CONNECT]
/// Proxy` takes: `http://` (CONNECT), `socks5h://` (the proxy resolves the name),
/// `socks5://` and `socks4://` (resolved here, as curl does; SOCKS4 is IPv4 only).
/// `https://` proxies (TLS to the proxy itself) are not supported for raw TCP.
pub fn connect_through(
    proxy_url: &str,
    target_host: &str,
    target_port: u16,
    timeout: Duration,
) -> io::Result<TcpStream> {
    let unsupported = |why: &str| io::Error::new(io::ErrorKind::Unsupported, why.to_string());
    let (scheme, rest) = proxy_url
        .trim()
        .split_once("://")
        .ok_or_else(|| unsupported("proxy URL without a scheme"))?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = if scheme.starts_with("socks") {
        1080
    } else {
        80
    };
    let proxy = ProxySettings::from_url_with_port(rest, default_port)
        .ok_or_else(|| unsupported("proxy URL without a host"))?;
    match scheme.as_str() {
        "http" => connect_via(&proxy, target_host, target_port, timeout),
        "socks5h" => socks5(&proxy, Target::Name(target_host), target_port, timeout),
        "socks5" => {
            let ip = resolve(target_host, target_port, false)?;
            socks5(&proxy, Target::Ip(ip), target_port, timeout)
        }
        "socks4" => {
            let ip = resolve(target_host, target_port, true)?;
            socks4(&proxy, ip, target_port, timeout)
        }
        "https" => Err(unsupported(
            "an https:// proxy cannot carry a plain TCP connection here; use http:// or socks5h://",
        )),
        other => Err(unsupported(&format!("unknown proxy scheme {other}://"))),
    }
}

enum Target<'a> {
    Name(&'a str),
    Ip(std::net::IpAddr),
}

fn resolve(host: &str, port: u16, v4_only: bool) -> io::Result<std::net::IpAddr> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    (host, port)
        .to_socket_addrs()?
        .map(|a| a.ip())
        .find(|ip| !v4_only || ip.is_ipv4())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("{host}: no {}address", if v4_only { "IPv4 " } else { "" }),
            )
        })
}

/// A connection to the proxy itself, with read/write timeouts set.
fn proxy_stream(proxy: &ProxySettings, timeout: Duration) -> io::Result<TcpStream> {
    let s = connect_tcp(&proxy.host, proxy.port, timeout).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("proxy {}:{}: {e}", proxy.host, proxy.port),
        )
    })?;
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
    Ok(s)
}

/// SOCKS5 CONNECT (RFC 1928), with user name/password (RFC 1929) when the URL has them.
fn socks5(
    proxy: &ProxySettings,
    target: Target<'_>,
    port: u16,
    timeout: Duration,
) -> io::Result<TcpStream> {
    let refused = |why: String| io::Error::new(io::ErrorKind::ConnectionRefused, why);
    let mut s = proxy_stream(proxy, timeout)?;
    let user = proxy.username.as_deref().filter(|u| !u.is_empty());
    s.write_all(if user.is_some() {
        &[5, 2, 0, 2]
    } else {
        &[5, 1, 0]
    })?;
    let mut choice = [0u8; 2];
    s.read_exact(&mut choice)?;
    match (choice, user) {
        ([5, 0], _) => {}
        ([5, 2], Some(u)) => {
            let p = proxy.password.as_deref().unwrap_or("");
            if u.len() > 255 || p.len() > 255 {
                return Err(refused(
                    "SOCKS5 user name or password over 255 bytes".into(),
                ));
            }
            let mut auth = vec![1, u.len() as u8];
            auth.extend_from_slice(u.as_bytes());
            auth.push(p.len() as u8);
            auth.extend_from_slice(p.as_bytes());
            s.write_all(&auth)?;
            let mut ok = [0u8; 2];
            s.read_exact(&mut ok)?;
            if ok[1] != 0 {
                return Err(refused(
                    "SOCKS5 proxy refused the user name/password".into(),
                ));
            }
        }
        _ => return Err(refused("SOCKS5 proxy accepts none of our methods".into())),
    }
    let mut req = vec![5, 1, 0];
    match target {
        Target::Name(n) => {
            let n = n.trim_start_matches('[').trim_end_matches(']');
            if n.len() > 255 {
                return Err(refused("host name over 255 bytes".into()));
            }
            req.push(3);
            req.push(n.len() as u8);
            req.extend_from_slice(n.as_bytes());
        }
        Target::Ip(std::net::IpAddr::V4(a)) => {
            req.push(1);
            req.extend_from_slice(&a.octets());
        }
        Target::Ip(std::net::IpAddr::V6(a)) => {
            req.push(4);
            req.extend_from_slice(&a.octets());
        }
    }
    req.extend_from_slice(&port.to_be_bytes());
    s.write_all(&req)?;
    let mut head = [0u8; 4];
    s.read_exact(&mut head)?;
    if head[0] != 5 || head[1] != 0 {
        return Err(refused(format!(
            "SOCKS5 proxy {}:{} refused the connection (reply {})",
            proxy.host, proxy.port, head[1]
        )));
    }
    // The bound address: skip it.
    let skip = match head[3] {
        1 => 4,
        4 => 16,
        3 => {
            let mut n = [0u8; 1];
            s.read_exact(&mut n)?;
            n[0] as usize
        }
        _ => return Err(refused("SOCKS5 reply with an unknown address type".into())),
    };
    let mut rest = vec![0u8; skip + 2];
    s.read_exact(&mut rest)?;
    Ok(s)
}

/// SOCKS4 CONNECT (IPv4 only; the URL's user name is the user id).
fn socks4(
    proxy: &ProxySettings,
    ip: std::net::IpAddr,
    port: u16,
    timeout: Duration,
) -> io::Result<TcpStream> {
    let std::net::IpAddr::V4(a) = ip else {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "SOCKS4 cannot reach an IPv6 address",
        ));
    };
    let mut s = proxy_stream(proxy, timeout)?;
    let mut req = vec![4, 1];
    req.extend_from_slice(&port.to_be_bytes());
    req.extend_from_slice(&a.octets());
    req.extend_from_slice(proxy.username.as_deref().unwrap_or("").as_bytes());
    req.push(0);
    s.write_all(&req)?;
    let mut reply = [0u8; 8];
    s.read_exact(&mut reply)?;
    if reply[1] != 90 {
        return Err(io::Error::new(
            io::ErrorKind::ConnectionRefused,
            format!(
                "SOCKS4 proxy {}:{} refused the connection (reply {})",
                proxy.host, proxy.port, reply[1]
            ),
        ));
    }
    Ok(s)
}

/// `host:port`, `[v6]:port` or a bare host.
pub fn split_host_port(s: &str, default_port: u16) -> Option<(String, u16)> {
    if s.is_empty() {
        return None;
    }
    if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if after.is_empty() => default_port,
            None => return None,
        };
        return Some((h.to_string(), port));
    }
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => Some((h.to_string(), p.parse().ok()?)),
        Some(_) => Some((s.to_string(), default_port)),
        None => Some((s.to_string(), default_port)),
    }
}

/// `%XX` decoded (invalid escapes kept), as UTF-8 (lossy): URL userinfo and parameters.
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Connect to the first address of `host:port` that answers within `timeout`.
pub fn connect_tcp(host: &str, port: u16, timeout: Duration) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, format!("{host}: no address"));
    for addr in (host, port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(s) => return Ok(s),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Open a tunnel to `target_host:target_port` through the proxy.
pub fn connect_via(
    proxy: &ProxySettings,
    target_host: &str,
    target_port: u16,
    timeout: Duration,
) -> io::Result<TcpStream> {
    let mut s = proxy_stream(proxy, timeout)?;
    let authority = if target_host.contains(':') {
        format!("[{target_host}]:{target_port}")
    } else {
        format!("{target_host}:{target_port}")
    };
    let mut req = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
    if let Some(auth) = proxy.authorization() {
        req.push_str(&format!("Proxy-Authorization: {auth}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())?;
    // Read the response head byte by byte: anything after it belongs to the tunnel.
    let mut head = Vec::with_capacity(256);
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 16 * 1024 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "proxy response header too long",
            ));
        }
        match s.read(&mut byte)? {
            0 => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "proxy closed the connection during CONNECT",
                ))
            }
            _ => head.push(byte[0]),
        }
    }
    // The reason phrase is the proxy's to choose: some echo the request, credentials
    // included. Scrubbed, escaped and cut before it goes into an error text.
    let status_line =
        String::from_utf8_lossy(head.split(|&b| b == b'\n').next().unwrap_or_default())
            .trim()
            .to_string();
    let status_line: String =
        crate::certificate::display_safe(&proxy.secrets().scrub(&status_line))
            .chars()
            .take(200)
            .collect();
    let code = status_line.split_whitespace().nth(1).unwrap_or("");
    if code != "200" {
        return Err(io::Error::new(
            io::ErrorKind::ConnectionRefused,
            format!(
                "proxy {}:{} refused CONNECT {authority}: {status_line}",
                proxy.host, proxy.port
            ),
        ));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_urls() {
        let p = ProxySettings::from_url("http://u%40x:p%3Ass@proxy.local:3128/").unwrap();
        assert_eq!((p.host.as_str(), p.port), ("proxy.local", 3128));
        assert_eq!(p.username.as_deref(), Some("u@x"));
        assert_eq!(p.password.as_deref(), Some("p:ss"));
        let p = ProxySettings::from_url("proxy.local").unwrap();
        assert_eq!(
            (p.host.as_str(), p.port, p.authorization()),
            ("proxy.local", 80, None)
        );
        assert_eq!(split_host_port("[::1]:8080", 1), Some(("::1".into(), 8080)));
        assert_eq!(split_host_port("h:x", 1), None);
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("a%4"), "a%4");
    }

    #[test]
    fn authorization_rules() {
        let mut p = ProxySettings {
            host: "h".into(),
            port: 1,
            username: Some("user".into()),
            password: Some("pass".into()),
        };
        assert_eq!(p.authorization().unwrap(), "Basic dXNlcjpwYXNz");
        p.password = Some(String::new());
        assert_eq!(
            p.authorization().unwrap(),
            format!("Basic {}", crate::net::base64::encode(b"user"))
        );
        p.username = Some(String::new());
        assert_eq!(p.authorization(), None);
    }
}

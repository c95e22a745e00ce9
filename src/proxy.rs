//! HTTP CONNECT tunnels for the certstream websocket (`[SERVER] Proxy_*` or the
//! `https_proxy` environment variable, as websocket-client did for the original).

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
        Some(format!("Basic {}", crate::base64::encode(creds.as_bytes())))
    }

    /// From a proxy URL such as `http://user:pass@proxy:3128` (environment variables).
    pub fn from_url(url: &str) -> Option<ProxySettings> {
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
        let (host, port) = split_host_port(hostport, 80)?;
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
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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
    let mut s = connect_tcp(&proxy.host, proxy.port, timeout).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("proxy {}:{}: {e}", proxy.host, proxy.port),
        )
    })?;
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
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
    let status_line =
        String::from_utf8_lossy(head.split(|&b| b == b'\n').next().unwrap_or_default())
            .trim()
            .to_string();
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
            format!("Basic {}", crate::base64::encode(b"user"))
        );
        p.username = Some(String::new());
        assert_eq!(p.authorization(), None);
    }
}

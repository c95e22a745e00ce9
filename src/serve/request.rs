//! The HTTP/1.1 request head a client opens with (RFC 9112 §2–3), read with bounds: at most
//! [`MAX_HEAD`] bytes and [`HEAD_TIMEOUT`] in all, so a client sending huge headers or one
//! byte at a time (slowloris) costs a bounded buffer for a bounded time. Then the route:
//! which feed or `example.json`, and whether the token matches.

use crate::serve::frames::Endpoint;
use std::io::Read;
use std::time::{Duration, Instant};

/// Largest request head accepted (request line and headers).
pub const MAX_HEAD: usize = 8 * 1024;
/// Time a client has to send its whole request head.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// A parsed request head.
#[derive(Debug, Default)]
pub struct Request {
    pub method: String,
    /// The path without the query.
    pub path: String,
    pub query: String,
    headers: Vec<(String, String)>,
}

/// Why no request could be read: the answer to send (if any) before closing.
#[derive(Debug)]
pub enum HeadError {
    /// Closed, timed out or unreadable: just close.
    Gone,
    /// 400 or 431 with this text.
    Bad(u16, &'static str),
}

impl Request {
    /// The value of a header (case-insensitive name); the first one when repeated.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `Connection: Upgrade` + `Upgrade: websocket` (RFC 6455 §4.2.1).
    pub fn wants_websocket(&self) -> bool {
        let has = |h: &str, word: &str| {
            self.header(h)
                .is_some_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(word)))
        };
        has("Connection", "upgrade") && has("Upgrade", "websocket")
    }

    /// The `token` query parameter, percent-decoded.
    pub fn query_token(&self) -> Option<String> {
        self.query.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (k == "token").then(|| {
                percent_encoding::percent_decode_str(&v.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            })
        })
    }

    /// `Authorization: Bearer TOKEN` (RFC 6750 §2.1).
    pub fn bearer_token(&self) -> Option<&str> {
        let v = self.header("Authorization")?.trim();
        let (scheme, rest) = v.split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
    }
}

/// Read the request head from `r`, giving up after [`HEAD_TIMEOUT`] (the caller's stream
/// bounds each read by what is left of it). Returns the request and any bytes read after
/// the head (a client may send its first frames right away).
pub fn read_head(r: &mut impl Read) -> Result<(Request, Vec<u8>), HeadError> {
    let deadline = Instant::now() + HEAD_TIMEOUT;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        if let Some(end) = find_end(&buf) {
            let rest = buf.split_off(end);
            return parse(&buf).map(|r| (r, rest));
        }
        if buf.len() > MAX_HEAD {
            return Err(HeadError::Bad(431, "request header fields too large"));
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(HeadError::Gone);
        }
        match r.read(&mut chunk) {
            Ok(0) => return Err(HeadError::Gone),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return Err(HeadError::Gone),
        }
    }
}

/// End of the head: after the first blank line (CRLF CRLF, or LF LF from sloppy clients).
fn find_end(buf: &[u8]) -> Option<usize> {
    let crlf = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4);
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|i| i + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn parse(head: &[u8]) -> Result<Request, HeadError> {
    let bad = HeadError::Bad(400, "malformed request");
    let text =
        std::str::from_utf8(head).map_err(|_| HeadError::Bad(400, "request head is not UTF-8"))?;
    let mut lines = text.split('\n').map(|l| l.trim_end_matches('\r'));
    let first = lines.next().ok_or(HeadError::Bad(400, "empty request"))?;
    let mut parts = first.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad);
    };
    if !version.starts_with("HTTP/1.") {
        return Err(HeadError::Bad(400, "only HTTP/1.x is served"));
    }
    // Origin form (`/path?query`); an absolute form keeps its path.
    let target = match target.find("://") {
        Some(i) => {
            let after = &target[i + 3..];
            after.find('/').map_or("/", |j| &after[j..])
        }
        None => target,
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers = Vec::new();
    for line in lines {
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or(HeadError::Bad(400, "malformed header line"))?;
        if headers.len() >= 100 {
            return Err(HeadError::Bad(431, "too many header fields"));
        }
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    Ok(Request {
        method: method.to_string(),
        path: path.to_string(),
        query: query.to_string(),
        headers,
    })
}

/// Where a request path leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// A websocket feed.
    Feed(Endpoint),
    /// `<endpoint>/example.json`: the latest message of that feed, plain HTTP.
    Example(Endpoint),
    NotFound,
}

/// certstream-server-go's routes, with or without a trailing slash.
pub fn route(path: &str) -> Route {
    let p = path.trim_end_matches('/');
    match p {
        "" => Route::Feed(Endpoint::Lite),
        "/full-stream" => Route::Feed(Endpoint::Full),
        "/domains-only" => Route::Feed(Endpoint::Domains),
        "/example.json" => Route::Example(Endpoint::Lite),
        "/full-stream/example.json" => Route::Example(Endpoint::Full),
        "/domains-only/example.json" => Route::Example(Endpoint::Domains),
        _ => Route::NotFound,
    }
}

/// Compare two secrets in time that depends on their lengths only, not on where they differ.
pub fn same_secret(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    let mut diff = (a.len() != b.len()) as u8;
    for (i, &y) in b.iter().enumerate() {
        diff |= a.get(i).copied().unwrap_or(!y) ^ y;
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(s: &str) -> Result<(Request, Vec<u8>), HeadError> {
        read_head(&mut s.as_bytes())
    }

    #[test]
    fn routes_of_certstream_server_go() {
        assert_eq!(route("/"), Route::Feed(Endpoint::Lite));
        assert_eq!(route("/full-stream/"), Route::Feed(Endpoint::Full));
        assert_eq!(route("/domains-only"), Route::Feed(Endpoint::Domains));
        assert_eq!(
            route("/full-stream/example.json"),
            Route::Example(Endpoint::Full)
        );
        assert_eq!(route("/example.json/"), Route::Example(Endpoint::Lite));
        assert_eq!(route("/metrics"), Route::NotFound);
        assert_eq!(route("/full-streamx"), Route::NotFound);
    }

    #[test]
    fn head_parses_and_keeps_what_follows() {
        let (r, rest) = head("GET /full-stream?token=a%20b&x=1 HTTP/1.1\r\nHost: h\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\nAuthorization: Bearer  s3cr\r\n\r\nXY").unwrap();
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("GET", "/full-stream")
        );
        assert_eq!(r.query_token().as_deref(), Some("a b"));
        assert_eq!(r.bearer_token(), Some("s3cr"));
        assert!(r.wants_websocket());
        assert_eq!(rest, b"XY");
    }

    #[test]
    fn hostile_heads_are_refused() {
        let big = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD * 2));
        assert!(matches!(head(&big), Err(HeadError::Bad(431, _))));
        assert!(matches!(head("GET /\r\n\r\n"), Err(HeadError::Bad(400, _))));
        assert!(matches!(
            head("GET / HTTP/1.1\r\nHost"),
            Err(HeadError::Gone)
        ));
        assert!(matches!(
            head("\u{0}\u{1}\r\n\r\n"),
            Err(HeadError::Bad(400, _))
        ));
    }

    #[test]
    fn secrets_compare_by_value() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abd", "abc"));
        assert!(!same_secret("ab", "abc"));
        assert!(!same_secret("abcd", "abc"));
        assert!(!same_secret("", "abc"));
    }
}

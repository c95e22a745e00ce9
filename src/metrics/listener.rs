//! `[METRICS] Listen`: a blocking HTTP/1.1 server (RFC 9112) on one thread, one request per
//! connection. `GET /metrics` (or `HEAD`) answers 200 with the registry's exposition; any
//! other path 404, any other method 405, a request that is not HTTP 400. The request head
//! is read up to [`MAX_REQUEST`] bytes within [`IO_TIMEOUT`] (431 when longer); the
//! answer is written within [`IO_TIMEOUT`] too, then the connection is closed. A client
//! that does not read or write therefore holds the thread for at most twice that; the
//! scraper's next try is served after it.

use super::{Registry, CONTENT_TYPE};
use crate::logging;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The longest request head read (request line and headers).
pub const MAX_REQUEST: usize = 8192;

/// Reading the request and writing the answer each get this long.
pub const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// A bound listening socket and its serving thread.
pub struct MetricsListener {
    addr: SocketAddr,
}

impl MetricsListener {
    /// Bind `addr` (an error here is the caller's startup error) and serve `registry` on a
    /// thread of its own. A thread the system refuses is logged: the program goes on
    /// without metrics rather than not at all.
    pub fn start(addr: SocketAddr, registry: Arc<Registry>) -> std::io::Result<MetricsListener> {
        let listener = TcpListener::bind(addr)?;
        let bound = listener.local_addr()?;
        let spawned = std::thread::Builder::new()
            .name("metrics".into())
            .spawn(move || serve(&listener, &registry));
        match spawned {
            Ok(_) => logging::info(
                "metrics",
                &format!("serving Prometheus metrics on http://{bound}/metrics"),
            ),
            Err(e) => logging::error(
                "metrics",
                &format!("cannot start the metrics thread ({e}): /metrics on {bound} is not served in this run"),
            ),
        }
        Ok(MetricsListener { addr: bound })
    }

    /// The address actually bound (port 0 in the config picks a free one).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }
}

fn serve(listener: &TcpListener, registry: &Registry) {
    for stream in listener.incoming() {
        match stream {
            Ok(s) => {
                if let Err(e) = answer(s, registry) {
                    logging::debug("metrics", &format!("metrics request: {e}"));
                }
            }
            Err(e) => {
                // EMFILE and friends: wait a little instead of spinning.
                logging::warning("metrics", &format!("accepting a metrics connection: {e}"));
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    }
}

/// What the request head asks for.
#[derive(Debug, PartialEq, Eq)]
enum Request {
    Metrics { head_only: bool },
    NotFound,
    BadMethod,
    Bad,
    TooLong,
}

/// The request line of `head` (RFC 9112 §3: `method SP request-target SP HTTP-version`).
fn classify(head: &[u8]) -> Request {
    let line_end = head
        .windows(2)
        .position(|w| w == b"\r\n")
        .or_else(|| head.iter().position(|&b| b == b'\n'))
        .unwrap_or(head.len());
    let Ok(line) = std::str::from_utf8(&head[..line_end]) else {
        return Request::Bad;
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Request::Bad;
    };
    if !version.starts_with("HTTP/1.") {
        return Request::Bad;
    }
    let path = target.split(['?', '#']).next().unwrap_or("");
    let head_only = match method {
        "GET" => false,
        "HEAD" => true,
        _ => return Request::BadMethod,
    };
    if path == "/metrics" {
        Request::Metrics { head_only }
    } else {
        Request::NotFound
    }
}

/// Read the head (up to the blank line, [`MAX_REQUEST`] bytes, [`IO_TIMEOUT`] in all).
fn read_head(stream: &mut TcpStream) -> std::io::Result<Result<Vec<u8>, Request>> {
    let deadline = Instant::now() + IO_TIMEOUT;
    let mut head = Vec::with_capacity(512);
    let mut buf = [0u8; 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "request not complete in time",
            ));
        }
        stream.set_read_timeout(Some(left))?;
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(Err(Request::Bad));
        }
        head.extend_from_slice(&buf[..n]);
        if head.windows(4).any(|w| w == b"\r\n\r\n") || head.windows(2).any(|w| w == b"\n\n") {
            return Ok(Ok(head));
        }
        if head.len() > MAX_REQUEST {
            return Ok(Err(Request::TooLong));
        }
    }
}

fn answer(mut stream: TcpStream, registry: &Registry) -> std::io::Result<()> {
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let request = match read_head(&mut stream)? {
        Ok(head) => classify(&head),
        Err(r) => r,
    };
    let (status, body, head_only) = match request {
        Request::Metrics { head_only } => ("200 OK", registry.render(), head_only),
        Request::NotFound => ("404 Not Found", "not found: try /metrics\n".into(), false),
        Request::BadMethod => ("405 Method Not Allowed", "use GET /metrics\n".into(), false),
        Request::Bad => ("400 Bad Request", "bad request\n".into(), false),
        Request::TooLong => (
            "431 Request Header Fields Too Large",
            "request too long\n".into(),
            false,
        ),
    };
    let content_type = if status.starts_with("200") {
        CONTENT_TYPE
    } else {
        "text/plain; charset=utf-8"
    };
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if status.starts_with("405") {
        out.push_str("Allow: GET, HEAD\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if !head_only {
        bytes.extend_from_slice(body.as_bytes());
    }
    stream.write_all(&bytes)?;
    stream.flush()?;
    // Lingering close: closing with unread request bytes would make the kernel send a
    // reset, which can destroy the answer before the client reads it. Drain a little.
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut drained = 0usize;
    let mut buf = [0u8; 4096];
    while drained < 16 * MAX_REQUEST {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_lines() {
        let cases: &[(&[u8], Request)] = &[
            (
                b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
                Request::Metrics { head_only: false },
            ),
            (
                b"GET /metrics?name[]=x HTTP/1.0\r\n\r\n",
                Request::Metrics { head_only: false },
            ),
            (
                b"HEAD /metrics HTTP/1.1\r\n\r\n",
                Request::Metrics { head_only: true },
            ),
            (b"GET / HTTP/1.1\r\n\r\n", Request::NotFound),
            (b"GET /metrics/x HTTP/1.1\r\n\r\n", Request::NotFound),
            (b"POST /metrics HTTP/1.1\r\n\r\n", Request::BadMethod),
            (b"GET /metrics\r\n\r\n", Request::Bad),
            (b"GET /metrics HTTP/2\r\n\r\n", Request::Bad),
            (b"GET  /metrics HTTP/1.1\r\n\r\n", Request::Bad),
            (b"\xff\xfe /metrics HTTP/1.1\r\n\r\n", Request::Bad),
            (b"", Request::Bad),
        ];
        for (head, want) in cases {
            assert_eq!(classify(head), *want, "{:?}", String::from_utf8_lossy(head));
        }
    }

    fn exchange(addr: SocketAddr, request: &[u8]) -> String {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s.write_all(request).unwrap();
        let mut got = String::new();
        let _ = s.read_to_string(&mut got);
        got
    }

    #[test]
    fn serves_metrics_and_refuses_the_rest() {
        let registry = Arc::new(Registry::new());
        let l = MetricsListener::start("127.0.0.1:0".parse().unwrap(), registry).unwrap();
        let addr = l.local_addr();
        let ok = exchange(addr, b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n"), "{ok}");
        assert!(
            ok.contains(&format!("\r\nContent-Type: {CONTENT_TYPE}\r\n")),
            "{ok}"
        );
        assert!(
            ok.contains("\r\n\r\n# HELP certstreammonitor_build_info "),
            "{ok}"
        );
        let body = ok.split_once("\r\n\r\n").unwrap().1;
        assert!(ok.contains(&format!("Content-Length: {}\r\n", body.len())));
        let head = exchange(addr, b"HEAD /metrics HTTP/1.1\r\n\r\n");
        assert!(
            head.starts_with("HTTP/1.1 200 OK\r\n") && head.ends_with("\r\n\r\n"),
            "{head}"
        );
        let nf = exchange(addr, b"GET /other HTTP/1.1\r\n\r\n");
        assert!(nf.starts_with("HTTP/1.1 404 "), "{nf}");
        let bm = exchange(addr, b"DELETE /metrics HTTP/1.1\r\n\r\n");
        assert!(
            bm.starts_with("HTTP/1.1 405 ") && bm.contains("Allow: GET, HEAD"),
            "{bm}"
        );
        let long = format!(
            "GET /metrics HTTP/1.1\r\nX: {}\r\n\r\n",
            "a".repeat(3 * MAX_REQUEST)
        );
        let tl = exchange(addr, long.as_bytes());
        assert!(tl.starts_with("HTTP/1.1 431 "), "{tl}");
        // Still serving after all that.
        assert!(exchange(addr, b"GET /metrics HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 200 OK"));
    }

    #[test]
    fn binding_a_taken_port_is_an_error() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = taken.local_addr().unwrap();
        assert!(MetricsListener::start(addr, Arc::new(Registry::new())).is_err());
    }
}

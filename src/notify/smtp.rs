//! Hand-written because the message must be the one apprise's `mailto://` sends (its headers, encodings and AUTH choice), which an SMTP crate would shape its own way.
//!
//! A small blocking SMTP client for the `mailto://` / `mailtos://` notification
//! destinations (issue 5): plain, STARTTLS or implicit TLS,
//! AUTH PLAIN / LOGIN, one text/plain message shaped like the one apprise sends: 7-bit only
//! (quoted-printable body, RFC 2047 headers), so any server takes it as is.
//!
//! Hand-written rather than taken from a mail crate: the message must be laid out as
//! apprise 1.7.1's `mailto` lays it out (its headers, RFC 2047 words, quoted-printable body),
//! which a general-purpose crate would not reproduce, and a few hundred lines over std and
//! native-tls do it without a new dependency.
//!
//! One session per [`send`]: connect (implicit TLS wraps at once), 220 greeting, EHLO (HELO
//! if EHLO is refused), STARTTLS + EHLO again, AUTH, MAIL FROM, RCPT TO for every
//! recipient, DATA, the message, QUIT. Every reply is read and checked; an error names the
//! server, the step and the server's reply, never the password.
//!
//! Limits: the whole session shares one deadline ([`SmtpSettings::timeout`]); each read and
//! write re-arms the socket timeouts with what is left of it, so neither a silent server nor
//! one that drips bytes can hold a worker longer. Name resolution (`getaddrinfo`) is the only
//! step std cannot bound. Replies are capped at [`MAX_REPLY`] bytes and [`MAX_LINE`] per line.
//!
//! After STARTTLS the client refuses any byte the server sent after its 220 in the clear
//! (the "STARTTLS command injection" class of bugs), and discards the pre-TLS EHLO answer.

use crate::net::base64;
use std::fmt;
use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Largest reply (all lines of a multi-line reply together) the client accepts.
pub const MAX_REPLY: usize = 64 * 1024;
/// Longest reply line (without CRLF). RFC 5321 says 512; real servers write longer texts.
pub const MAX_LINE: usize = 4096;
/// Longest quoted-printable line, soft break `=` included (RFC 2045 §6.7 rule 5).
const QP_LINE: usize = 76;
/// Encoded text per RFC 2047 encoded-word: `=?utf-8?q?` + 57 + `?=` is 69 characters, so
/// `Subject: ` and one word fit in 78 (RFC 5322 §2.1.1), well under RFC 2047's 75 per word.
const WORD_TEXT: usize = 57;
/// How long QUIT may take once the message has been accepted.
const QUIT_GRACE: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// No TLS at all (`mailto://`). AUTH is still sent if a username is set.
    Plain,
    /// Plain connect, then STARTTLS, which the server must advertise (`mailtos://`, 587).
    StartTls,
    /// TLS from the first byte (`mailtos://…?mode=ssl`, 465).
    ImplicitTls,
}

impl SmtpSecurity {
    /// The port apprise uses for this mode: 25, 587, 465.
    pub fn default_port(self) -> u16 {
        match self {
            SmtpSecurity::Plain => 25,
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::ImplicitTls => 465,
        }
    }
}

#[derive(Clone)]
pub struct SmtpSettings {
    /// Host name or IP address (an IPv6 address may be given with or without brackets).
    /// TLS checks the server certificate against it.
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// AUTH is attempted only when this is set and not empty.
    pub username: Option<String>,
    /// `None` authenticates with an empty password.
    pub password: Option<String>,
    /// Name sent in EHLO (default: "localhost" or the machine's hostname, see
    /// [`default_helo_name`]; an empty string means "localhost").
    pub helo_name: String,
    /// Total deadline for the whole session.
    pub timeout: Duration,
    /// Extra trusted root certificates (DER or PEM), for private relays and tests.
    pub extra_roots: Vec<native_tls::Certificate>,
}

impl SmtpSettings {
    /// Settings with the mode's default port, no credentials, the machine's hostname for
    /// EHLO, a 30 s deadline and the system trust store only.
    pub fn new(host: &str, security: SmtpSecurity) -> SmtpSettings {
        SmtpSettings {
            host: host.to_string(),
            port: security.default_port(),
            security,
            username: None,
            password: None,
            helo_name: default_helo_name(),
            timeout: Duration::from_secs(30),
            extra_roots: Vec::new(),
        }
    }
}

/// Debug without the password (settings end up in log lines).
impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("helo_name", &self.helo_name)
            .field("timeout", &self.timeout)
            .field("extra_roots", &self.extra_roots.len())
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct Mail {
    /// Envelope sender and `From:` address.
    pub from: String,
    /// Display name of `From:` (apprise's `name=`).
    pub from_name: Option<String>,
    /// Envelope recipients, all listed in `To:`. (Apprise sends one message per `to`
    /// address; call [`send`] once per address to do the same.)
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
}

/// The machine's hostname for EHLO (`/proc/sys/kernel/hostname`, then `/etc/hostname`),
/// or "localhost" when neither holds a plausible host name.
pub fn default_helo_name() -> String {
    for path in ["/proc/sys/kernel/hostname", "/etc/hostname"] {
        if let Ok(s) = std::fs::read_to_string(path) {
            let name = s.trim();
            if !name.is_empty()
                && name.len() <= 253
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            {
                return name.to_string();
            }
        }
    }
    "localhost".to_string()
}

// ---------------------------------------------------------------------------------------
// Message

/// The RFC 5322 message apprise 1.7.1 sends, ready to go after DATA (the closing `.` line is
/// not included), in apprise's header order:
///
/// `Content-Type: text/plain; charset="utf-8"`, `MIME-Version: 1.0`,
/// `Content-Transfer-Encoding: quoted-printable`, `Subject:` (RFC 2047 `=?utf-8?q?…?=`
/// encoded-words when non-ASCII, when it contains `=?` or is very long), `From: Name <addr>`
/// (or just `addr`; a name with specials is quoted, a non-ASCII one encoded-words), `To: a, b`
/// (folded when long), `Message-ID: <message_id@certstreammonitor>` (`message_id` is used
/// whole when it already contains `@`), `Date:` (RFC 5322, UTC `+0000`),
/// `X-Application: Apprise`.
///
/// The whole message is 7-bit ASCII (unless an address is not ASCII, which needs SMTPUTF8):
/// apprise, through Python's `email` package with its `add_charset('utf-8', QP, QP)`, sends
/// every body quoted-printable (RFC 2045 §6.7) and every non-ASCII header as Q encoded-words
/// (RFC 2047 §4.2), and the encodings here are the same, byte for byte for the body (see
/// `quoted_printable`). Where Python writes one encoded-word however long, this splits the
/// text into words of at most `WORD_TEXT` encoded characters on character boundaries
/// (RFC 2047 §2 and §5), folded; readers join them back (§6.2).
///
/// CRLF line endings everywhere: a bare LF or CR in the body becomes CRLF, and the body
/// always ends with CRLF. Body lines starting with `.` are dot-stuffed after the encoding
/// (SMTP transparency, RFC 5321 §4.5.2), so the result is the exact DATA payload; a receiving
/// server that undoes the stuffing gets the message. CR, LF and other control characters in
/// the subject, the name, the addresses and the id are replaced (text) or removed
/// (addresses, id): no header can be injected.
pub fn format_message(mail: &Mail, date_unix: i64, message_id: &str) -> String {
    let body = quoted_printable(&normalize_newlines(&mail.body));
    let mut out = String::with_capacity(512 + body.len());

    out.push_str("Content-Type: text/plain; charset=\"utf-8\"\r\n");
    out.push_str("MIME-Version: 1.0\r\n");
    out.push_str("Content-Transfer-Encoding: quoted-printable\r\n");

    let subject = clean_text(&mail.subject);
    out.push_str("Subject: ");
    if !subject.is_ascii() || subject.contains("=?") || subject.len() > 900 {
        out.push_str(&encoded_words(&subject).join("\r\n "));
    } else {
        out.push_str(&subject);
    }
    out.push_str("\r\n");

    let from_addr = clean_addr(&mail.from);
    let from = match mail
        .from_name
        .as_deref()
        .map(clean_text)
        .filter(|n| !n.is_empty())
    {
        Some(name) => format!("{} <{from_addr}>", display_name(&name)),
        None => from_addr,
    };
    out.push_str("From: ");
    out.push_str(&from);
    out.push_str("\r\n");

    out.push_str("To: ");
    let mut col = 4;
    for (i, addr) in mail.to.iter().map(|a| clean_addr(a)).enumerate() {
        if i > 0 {
            if col + 2 + addr.len() > 78 {
                out.push_str(",\r\n ");
                col = 1;
            } else {
                out.push_str(", ");
                col += 2;
            }
        }
        col += addr.len();
        out.push_str(&addr);
    }
    out.push_str("\r\n");

    let id: String = message_id
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace() && !"<>".contains(*c))
        .collect();
    let id = if id.is_empty() {
        "unset".to_string()
    } else {
        id
    };
    if id.contains('@') {
        out.push_str(&format!("Message-ID: <{id}>\r\n"));
    } else {
        out.push_str(&format!("Message-ID: <{id}@certstreammonitor>\r\n"));
    }

    out.push_str("Date: ");
    out.push_str(&rfc5322_date(date_unix));
    out.push_str("\r\n");
    out.push_str("X-Application: Apprise\r\n");
    out.push_str("\r\n");

    for line in body.split_inclusive("\r\n") {
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
    }
    out
}

/// Quoted-printable (RFC 2045 §6.7) of a body whose line ends are all CRLF, exactly as
/// Python's `email.quoprimime.body_encode` writes it and smtplib sends it (what apprise sends),
/// ending with CRLF unless empty: every octet but
/// printable ASCII other than `=`, space and tab becomes `=XX`; lines longer than 76 are cut
/// with soft breaks (`=` at the end) after 75 characters, never inside an `=XX`; a space or
/// tab ending a line is encoded (rule 3), as `=20`/`=09` when it fits, else after a soft break.
fn quoted_printable(body: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(body.len() + body.len() / 8);
    let mut line = String::new();
    let ends_with_newline = body.ends_with("\r\n");
    for raw in body.split_terminator("\r\n") {
        line.clear();
        for &b in raw.as_bytes() {
            if (b' '..=b'~').contains(&b) && b != b'=' || b == b'\t' {
                line.push(b as char);
            } else {
                line.push('=');
                line.push(HEX[(b >> 4) as usize] as char);
                line.push(HEX[(b & 15) as usize] as char);
            }
        }
        // Python's loop, on an ASCII string: `start` moves through the line in pieces of at
        // most QP_LINE - 1 characters while more than QP_LINE + 1 are left.
        let b = line.as_bytes();
        let n = b.len();
        let mut start = 0;
        while start + QP_LINE < n {
            let stop = start + QP_LINE - 1;
            if b[stop - 2] == b'=' {
                // "…=XX" would be cut after "=": end the piece with that "=" as the soft
                // break and start the next one with the whole escape.
                out.push_str(&line[start..stop - 1]);
                start = stop - 2;
            } else if b[stop - 1] == b'=' {
                out.push_str(&line[start..stop]);
                start = stop - 1;
            } else {
                out.push_str(&line[start..stop]);
                out.push('=');
                start = stop;
            }
            out.push_str("\r\n");
        }
        match b.last() {
            Some(&ws) if ws == b' ' || ws == b'\t' => {
                let quoted = if ws == b' ' { "=20" } else { "=09" };
                // Room left on this line, as Python counts it: start - (n - 1 - QP_LINE).
                let room = start + QP_LINE + 1 - n;
                out.push_str(&line[start..n - 1]);
                if room >= 3 {
                    out.push_str(quoted);
                } else if room == 2 {
                    out.push(ws as char);
                    out.push_str("=\r\n");
                } else {
                    out.push_str("=\r\n");
                    out.push_str(quoted);
                }
            }
            _ => out.push_str(&line[start..]),
        }
        out.push_str("\r\n");
    }
    // Python ends the text with a line break only when the body did; smtplib then adds CRLF
    // when the text does not end with one (a soft break does), so "x =" + soft break ends it.
    if !ends_with_newline && out.ends_with("\r\n") {
        out.truncate(out.len() - 2);
    }
    if !out.is_empty() && !out.ends_with("\r\n") {
        out.push_str("\r\n");
    }
    out
}

/// Every line ending (CRLF, bare LF, bare CR) as CRLF.
fn normalize_newlines(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16 + 2);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\r\n");
            }
            '\n' => out.push_str("\r\n"),
            c => out.push(c),
        }
    }
    out
}

/// Header text (subject, display name) on one line: CRLF / CR / LF / TAB become one space,
/// other control characters go; surrounding whitespace is trimmed.
fn clean_text(s: &str) -> String {
    let s = s.replace("\r\n", " ");
    s.chars()
        .filter_map(|c| match c {
            '\r' | '\n' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// An address for a header: controls, whitespace, angle brackets and list separators
/// removed ([`send`] refuses such addresses outright).
fn clean_addr(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() && !c.is_whitespace() && !"<>,;".contains(*c))
        .collect()
}

/// A display name as Python's `email.utils.formataddr` writes it: bare when plain ASCII
/// without specials, quoted (with `\` escapes) when it has specials, RFC 2047 when not ASCII.
fn display_name(name: &str) -> String {
    if !name.is_ascii() || name.contains("=?") {
        return encoded_words(name).join("\r\n ");
    }
    if name.chars().any(|c| "()<>[]:;@\\,.\"".contains(c)) {
        let mut q = String::with_capacity(name.len() + 2);
        q.push('"');
        for c in name.chars() {
            if c == '"' || c == '\\' {
                q.push('\\');
            }
            q.push(c);
        }
        q.push('"');
        return q;
    }
    name.to_string()
}

/// RFC 2047 `=?utf-8?q?…?=` words as Python's `email` package writes them (Q encoding,
/// §4.2: letters, digits and `-!*+/` as is, space as `_`, every other octet `=XX`), each with
/// at most [`WORD_TEXT`] encoded characters and whole characters only (§5); joined with
/// folding whitespace, which decoders drop between encoded-words (§6.2).
fn encoded_words(s: &str) -> Vec<String> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut words = Vec::new();
    let mut text = String::new();
    let mut buf = [0u8; 4];
    for c in s.chars() {
        let mut enc = String::with_capacity(12);
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            match b {
                b' ' => enc.push('_'),
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'!' | b'*' | b'+' | b'/' => {
                    enc.push(b as char)
                }
                _ => {
                    enc.push('=');
                    enc.push(HEX[(b >> 4) as usize] as char);
                    enc.push(HEX[(b & 15) as usize] as char);
                }
            }
        }
        if !text.is_empty() && text.len() + enc.len() > WORD_TEXT {
            words.push(format!("=?utf-8?q?{text}?="));
            text.clear();
        }
        text.push_str(&enc);
    }
    if !text.is_empty() || words.is_empty() {
        words.push(format!("=?utf-8?q?{text}?="));
    }
    words
}

/// `Thu, 01 Jan 1970 00:00:00 +0000`.
pub fn rfc5322_date(ts: i64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let t = crate::clock::utc(ts);
    let weekday = DAYS[(ts.div_euclid(86_400) + 4).rem_euclid(7) as usize];
    format!(
        "{weekday}, {:02} {} {:04} {:02}:{:02}:{:02} +0000",
        t.day,
        MONTHS[(t.month - 1) as usize],
        t.year,
        t.hour,
        t.minute,
        t.second
    )
}

/// A fresh Message-ID left part: time, process and a counter.
fn new_message_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{nanos}.{}.{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

// ---------------------------------------------------------------------------------------
// Replies

/// One SMTP reply: its code and the text of each line (after `NNN-` / `NNN `).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reply {
    code: u16,
    lines: Vec<String>,
}

impl Reply {
    /// `250 first line / 250 second line`, control characters replaced, at most 400 chars.
    fn summary(&self) -> String {
        let mut s = self
            .lines
            .iter()
            .map(|l| format!("{} {l}", self.code))
            .collect::<Vec<_>>()
            .join(" / ");
        if s.chars().count() > 400 {
            s = s.chars().take(400).collect::<String>() + "…";
        }
        s.trim_end().to_string()
    }
}

/// Split one reply line (without CRLF) into (code, is_last, text).
fn parse_reply_line(line: &str) -> Result<(u16, bool, &str), String> {
    let b = line.as_bytes();
    if b.len() < 3 || !b[..3].iter().all(u8::is_ascii_digit) || !(b'2'..=b'5').contains(&b[0]) {
        return Err(format!("malformed reply line {:?}", printable(line, 80)));
    }
    let code = line[..3].parse::<u16>().unwrap_or(0);
    match b.get(3) {
        None => Ok((code, true, "")),
        Some(b' ') => Ok((code, true, &line[4..])),
        Some(b'-') => Ok((code, false, &line[4..])),
        Some(_) => Err(format!("malformed reply line {:?}", printable(line, 80))),
    }
}

/// Control characters replaced by `?`, cut to `max` characters.
fn printable(s: &str, max: usize) -> String {
    s.chars()
        .take(max)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// The EHLO keywords (upper case) with their parameters (upper case). `AUTH=PLAIN LOGIN`
/// (pre-standard form) counts as `AUTH PLAIN LOGIN`.
fn parse_extensions(reply: &Reply) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in reply.lines.iter().skip(1) {
        let mut words = line.split_whitespace().map(|w| w.to_ascii_uppercase());
        let Some(first) = words.next() else { continue };
        let (keyword, mut params) = match first.split_once('=') {
            Some((k, p)) => (k.to_string(), vec![p.to_string()]),
            None => (first, Vec::new()),
        };
        params.extend(words);
        match out.iter_mut().find(|(k, _)| *k == keyword) {
            Some((_, p)) => p.extend(params),
            None => out.push((keyword, params)),
        }
    }
    out
}

fn has_ext(ext: &[(String, Vec<String>)], keyword: &str) -> bool {
    ext.iter().any(|(k, _)| k == keyword)
}

fn auth_mechanisms(ext: &[(String, Vec<String>)]) -> Vec<String> {
    ext.iter()
        .filter(|(k, _)| k == "AUTH")
        .flat_map(|(_, p)| p.iter().cloned())
        .collect()
}

/// An address usable in MAIL FROM / RCPT TO: not empty, no whitespace, controls, angle
/// brackets or commas (quoted local parts are not supported).
fn check_address(what: &str, addr: &str) -> Result<(), String> {
    if addr.is_empty() {
        return Err(format!("{what} address is empty"));
    }
    if addr.len() > 320
        || addr
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || "<>,".contains(c))
    {
        return Err(format!("invalid {what} address {:?}", printable(addr, 80)));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Session

enum Conn {
    Plain(TcpStream),
    Tls(Box<native_tls::TlsStream<TcpStream>>),
    Closed,
}

struct Session {
    conn: Conn,
    /// Bytes read but not yet consumed.
    buf: Vec<u8>,
    deadline: Instant,
    timeout: Duration,
    /// `SMTP host:port`, the prefix of every error.
    label: String,
    /// Strings never to appear in an error (password and its encodings).
    secrets: Vec<String>,
    /// An I/O error or timeout happened: no polite QUIT.
    broken: bool,
}

/// A failure inside the session, before the step and label are attached.
enum Fault {
    /// The server answered something unexpected.
    Reply(Reply),
    /// I/O, timeout, protocol violation.
    Other(String),
}

impl Session {
    fn tcp(&self) -> Option<&TcpStream> {
        match &self.conn {
            Conn::Plain(s) => Some(s),
            Conn::Tls(s) => Some(s.get_ref()),
            Conn::Closed => None,
        }
    }

    fn remaining(&self) -> Result<Duration, String> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left < Duration::from_millis(1) {
            return Err(format!("timed out (session deadline {:?})", self.timeout));
        }
        Ok(left)
    }

    /// Re-arm both socket timeouts with what is left of the deadline.
    fn arm(&self) -> Result<(), String> {
        let left = self.remaining()?;
        let tcp = self.tcp().ok_or("connection closed")?;
        tcp.set_read_timeout(Some(left))
            .map_err(|e| e.to_string())?;
        tcp.set_write_timeout(Some(left))
            .map_err(|e| e.to_string())?;
        Ok(())
    }

    fn io_error(&mut self, what: &str, e: io::Error) -> String {
        self.broken = true;
        match e.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
                format!("timed out (session deadline {:?})", self.timeout)
            }
            _ => format!("{what} failed: {e}"),
        }
    }

    fn err(&self, step: &str, fault: Fault) -> String {
        let detail = match fault {
            Fault::Reply(r) => format!("server replied {}", r.summary()),
            Fault::Other(s) => s,
        };
        let mut msg = format!("{}: {step}: {detail}", self.label);
        for secret in &self.secrets {
            if !secret.is_empty() {
                msg = msg.replace(secret.as_str(), "***");
            }
        }
        msg
    }

    fn read_more(&mut self) -> Result<(), String> {
        if let Err(e) = self.arm() {
            self.broken = true;
            return Err(e);
        }
        let mut chunk = [0u8; 4096];
        let n = match &mut self.conn {
            Conn::Plain(s) => s.read(&mut chunk),
            Conn::Tls(s) => s.read(&mut chunk),
            Conn::Closed => Ok(0),
        };
        match n {
            Ok(0) => {
                self.broken = true;
                Err("connection closed by the server".to_string())
            }
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(()),
            Err(e) => Err(self.io_error("read", e)),
        }
    }

    /// One line without its line ending (CRLF, or a bare LF from sloppy servers).
    fn read_line(&mut self) -> Result<String, String> {
        let mut scanned = 0;
        loop {
            if let Some(pos) = self.buf[scanned..]
                .iter()
                .position(|&b| b == b'\n')
                .map(|p| p + scanned)
            {
                let mut end = pos;
                if end > 0 && self.buf[end - 1] == b'\r' {
                    end -= 1;
                }
                if end > MAX_LINE {
                    self.broken = true;
                    return Err(format!("reply line longer than {MAX_LINE} bytes"));
                }
                let line = String::from_utf8_lossy(&self.buf[..end]).into_owned();
                self.buf.drain(..=pos);
                return Ok(line);
            }
            scanned = self.buf.len();
            if self.buf.len() > MAX_LINE + 1 {
                self.broken = true;
                return Err(format!("reply line longer than {MAX_LINE} bytes"));
            }
            self.read_more()?;
        }
    }

    fn read_reply(&mut self) -> Result<Reply, String> {
        let mut total = 0usize;
        let mut reply = Reply {
            code: 0,
            lines: Vec::new(),
        };
        loop {
            let line = self.read_line()?;
            total += line.len() + 2;
            if total > MAX_REPLY {
                self.broken = true;
                return Err(format!("reply longer than {MAX_REPLY} bytes"));
            }
            let (code, last, text) = parse_reply_line(&line).inspect_err(|_| self.broken = true)?;
            if reply.lines.is_empty() {
                reply.code = code;
            } else if code != reply.code {
                self.broken = true;
                return Err(format!(
                    "inconsistent multi-line reply ({} then {code})",
                    reply.code
                ));
            }
            reply.lines.push(printable(text, MAX_LINE));
            if last {
                return Ok(reply);
            }
        }
    }

    fn write_all(&mut self, data: &[u8]) -> Result<(), String> {
        for chunk in data.chunks(16 * 1024) {
            if let Err(e) = self.arm() {
                self.broken = true;
                return Err(e);
            }
            let r = match &mut self.conn {
                Conn::Plain(s) => s.write_all(chunk).and_then(|_| s.flush()),
                Conn::Tls(s) => s.write_all(chunk).and_then(|_| s.flush()),
                Conn::Closed => Err(io::Error::new(
                    io::ErrorKind::NotConnected,
                    "connection closed",
                )),
            };
            if let Err(e) = r {
                return Err(self.io_error("write", e));
            }
        }
        Ok(())
    }

    /// Read a reply and check its code.
    fn expect(&mut self, step: &str, ok: &[u16]) -> Result<Reply, String> {
        let reply = self
            .read_reply()
            .map_err(|e| self.err(step, Fault::Other(e)))?;
        if ok.contains(&reply.code) {
            Ok(reply)
        } else {
            Err(self.err(step, Fault::Reply(reply)))
        }
    }

    /// Send one command line (CRLF added) and check the reply's code.
    fn command(&mut self, step: &str, line: &str, ok: &[u16]) -> Result<Reply, String> {
        self.write_all(format!("{line}\r\n").as_bytes())
            .map_err(|e| self.err(step, Fault::Other(e)))?;
        self.expect(step, ok)
    }

    /// EHLO, or HELO when the server refuses EHLO; the extensions it advertises.
    fn hello(&mut self, helo: &str) -> Result<Vec<(String, Vec<String>)>, String> {
        self.write_all(format!("EHLO {helo}\r\n").as_bytes())
            .map_err(|e| self.err("EHLO", Fault::Other(e)))?;
        let reply = self
            .read_reply()
            .map_err(|e| self.err("EHLO", Fault::Other(e)))?;
        if reply.code == 250 {
            return Ok(parse_extensions(&reply));
        }
        if reply.code >= 500 {
            self.command("HELO", &format!("HELO {helo}"), &[250])?;
            return Ok(Vec::new());
        }
        Err(self.err("EHLO", Fault::Reply(reply)))
    }

    /// Wrap the connection in TLS (implicit TLS, or after the STARTTLS 220).
    fn start_tls(
        &mut self,
        connector: &native_tls::TlsConnector,
        domain: &str,
        step: &str,
    ) -> Result<(), String> {
        let Conn::Plain(tcp) = std::mem::replace(&mut self.conn, Conn::Closed) else {
            return Err(self.err(step, Fault::Other("connection is not plain TCP".into())));
        };
        if let Err(e) = self.arm_stream(&tcp) {
            self.broken = true;
            return Err(self.err(step, Fault::Other(e)));
        }
        let mut attempt = connector.connect(domain, tcp);
        loop {
            match attempt {
                Ok(tls) => {
                    self.conn = Conn::Tls(Box::new(tls));
                    return Ok(());
                }
                Err(native_tls::HandshakeError::Failure(e)) => {
                    self.broken = true;
                    return Err(self.err(step, Fault::Other(format!("TLS handshake failed: {e}"))));
                }
                // A blocking socket only "would block" when its timeout expired: re-arm
                // with what is left, or give up at the deadline.
                Err(native_tls::HandshakeError::WouldBlock(mid)) => {
                    if let Err(e) = self.arm_stream(mid.get_ref()) {
                        self.broken = true;
                        return Err(self.err(step, Fault::Other(format!("TLS handshake {e}"))));
                    }
                    attempt = mid.handshake();
                }
            }
        }
    }

    fn arm_stream(&self, tcp: &TcpStream) -> Result<(), String> {
        let left = self.remaining()?;
        tcp.set_read_timeout(Some(left))
            .map_err(|e| e.to_string())?;
        tcp.set_write_timeout(Some(left)).map_err(|e| e.to_string())
    }

    fn authenticate(
        &mut self,
        ext: &[(String, Vec<String>)],
        user: &str,
        pass: &str,
    ) -> Result<(), String> {
        let mechs = auth_mechanisms(ext);
        if mechs.iter().any(|m| m == "PLAIN") {
            let token = base64::encode(format!("\0{user}\0{pass}").as_bytes());
            self.command("AUTH PLAIN", &format!("AUTH PLAIN {token}"), &[235])?;
        } else if mechs.iter().any(|m| m == "LOGIN") {
            self.command("AUTH LOGIN", "AUTH LOGIN", &[334])?;
            self.command(
                "AUTH LOGIN (username)",
                &base64::encode(user.as_bytes()),
                &[334],
            )?;
            self.command(
                "AUTH LOGIN (password)",
                &base64::encode(pass.as_bytes()),
                &[235],
            )?;
        } else if mechs.is_empty() {
            return Err(self.err(
                "AUTH",
                Fault::Other("a username is set but the server does not advertise AUTH".into()),
            ));
        } else {
            return Err(self.err(
                "AUTH",
                Fault::Other(format!(
                    "the server offers neither PLAIN nor LOGIN (AUTH {})",
                    printable(&mechs.join(" "), 200)
                )),
            ));
        }
        Ok(())
    }

    /// After a failure: QUIT without waiting for the answer, unless the link is broken.
    fn quit_quietly(&mut self) {
        if !self.broken && !matches!(self.conn, Conn::Closed) {
            self.deadline = self
                .deadline
                .min(Instant::now() + Duration::from_millis(500));
            let _ = self.write_all(b"QUIT\r\n");
        }
    }
}

/// Resolve and connect within the deadline, trying each address in turn.
fn connect(
    host: &str,
    port: u16,
    deadline: Instant,
    timeout: Duration,
) -> Result<TcpStream, String> {
    let addrs: Vec<_> = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .collect();
    let mut last = format!("no address for {host}");
    for addr in addrs {
        let left = deadline.saturating_duration_since(Instant::now());
        if left < Duration::from_millis(1) {
            return Err(format!("timed out (session deadline {timeout:?})"));
        }
        match TcpStream::connect_timeout(&addr, left) {
            Ok(s) => return Ok(s),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                last = format!("{addr}: timed out (session deadline {timeout:?})")
            }
            Err(e) => last = format!("{addr}: {e}"),
        }
    }
    Err(last)
}

/// Send one message: connect (implicit TLS: wrap at once), read 220, EHLO (HELO if EHLO is
/// refused), STARTTLS (when [`SmtpSecurity::StartTls`]: must be advertised, else error;
/// EHLO again after), AUTH (PLAIN if advertised else LOGIN; only when a username is set;
/// error if neither is advertised), MAIL FROM, RCPT TO for each recipient (all must be
/// accepted, 250/251), DATA, the [`format_message`] message dated now, QUIT.
///
/// Every reply is checked; errors read `SMTP host:port: STEP: detail`, the detail being the
/// server's reply (`server replied 535 5.7.8 …`) or what went wrong locally; the password
/// never appears. Once the server has accepted the message, QUIT is sent and its answer
/// awaited briefly but not judged: the mail is delivered, so a retry would duplicate it.
/// The message is 7-bit ASCII ([`format_message`]), so it needs no `BODY=8BITMIME`; only a
/// non-ASCII address makes it 8-bit: `SMTPUTF8` is then required (an error if the server does
/// not offer it) and `BODY=8BITMIME` added when offered (RFC 6531 §3.4).
pub fn send(settings: &SmtpSettings, mail: &Mail) -> Result<(), String> {
    let deadline = Instant::now() + settings.timeout;
    let host = settings.host.trim_start_matches('[').trim_end_matches(']');
    let label = if host.contains(':') {
        format!("SMTP [{host}]:{}", settings.port)
    } else {
        format!("SMTP {host}:{}", settings.port)
    };

    check_address("sender", &mail.from).map_err(|e| format!("{label}: {e}"))?;
    if mail.to.is_empty() {
        return Err(format!("{label}: no recipient"));
    }
    for to in &mail.to {
        check_address("recipient", to).map_err(|e| format!("{label}: {e}"))?;
    }
    let helo = match settings.helo_name.trim() {
        "" => "localhost",
        h if h.chars().any(|c| c.is_control() || c.is_whitespace()) => {
            return Err(format!("{label}: invalid EHLO name {:?}", printable(h, 80)))
        }
        h => h,
    };
    let message = format_message(mail, crate::clock::now_unix(), &new_message_id());

    let connector = if settings.security == SmtpSecurity::Plain {
        None
    } else {
        let mut builder = native_tls::TlsConnector::builder();
        builder.min_protocol_version(Some(native_tls::Protocol::Tlsv12));
        for root in &settings.extra_roots {
            builder.add_root_certificate(root.clone());
        }
        Some(
            builder
                .build()
                .map_err(|e| format!("{label}: TLS setup: {e}"))?,
        )
    };

    let tcp = connect(host, settings.port, deadline, settings.timeout)
        .map_err(|e| format!("{label}: connect: {e}"))?;
    let _ = tcp.set_nodelay(true);

    let user = settings.username.as_deref().filter(|u| !u.is_empty());
    let pass = settings.password.as_deref().unwrap_or("");
    let mut secrets = Vec::new();
    if !pass.is_empty() {
        secrets.push(base64::encode(
            format!("\0{}\0{pass}", user.unwrap_or("")).as_bytes(),
        ));
        secrets.push(base64::encode(pass.as_bytes()));
        secrets.push(pass.to_string());
    }
    let mut s = Session {
        conn: Conn::Plain(tcp),
        buf: Vec::new(),
        deadline,
        timeout: settings.timeout,
        label,
        secrets,
        broken: false,
    };
    let result = run(
        &mut s,
        settings,
        connector.as_ref(),
        host,
        helo,
        user,
        pass,
        mail,
        &message,
    );
    if result.is_err() {
        s.quit_quietly();
    }
    result
}

#[allow(clippy::too_many_arguments)]
fn run(
    s: &mut Session,
    settings: &SmtpSettings,
    connector: Option<&native_tls::TlsConnector>,
    host: &str,
    helo: &str,
    user: Option<&str>,
    pass: &str,
    mail: &Mail,
    message: &str,
) -> Result<(), String> {
    if settings.security == SmtpSecurity::ImplicitTls {
        s.start_tls(connector.expect("TLS connector"), host, "TLS")?;
    }
    s.expect("greeting", &[220])?;
    let mut ext = s.hello(helo)?;

    if settings.security == SmtpSecurity::StartTls {
        if !has_ext(&ext, "STARTTLS") {
            return Err(s.err(
                "STARTTLS",
                Fault::Other("required but not advertised by the server".into()),
            ));
        }
        s.command("STARTTLS", "STARTTLS", &[220])?;
        if !s.buf.is_empty() {
            s.broken = true;
            return Err(s.err(
                "STARTTLS",
                Fault::Other("the server sent data after its 220 before TLS; refusing".into()),
            ));
        }
        s.start_tls(connector.expect("TLS connector"), host, "STARTTLS")?;
        ext = s.hello(helo)?;
    }

    if let Some(user) = user {
        s.authenticate(&ext, user, pass)?;
    }

    let mut params = String::new();
    if !message.is_ascii() && has_ext(&ext, "8BITMIME") {
        params.push_str(" BODY=8BITMIME");
    }
    if !mail.from.is_ascii() || mail.to.iter().any(|t| !t.is_ascii()) {
        if !has_ext(&ext, "SMTPUTF8") {
            return Err(s.err(
                "MAIL FROM",
                Fault::Other(
                    "a non-ASCII address needs SMTPUTF8, which the server does not offer".into(),
                ),
            ));
        }
        params.push_str(" SMTPUTF8");
    }
    s.command(
        "MAIL FROM",
        &format!("MAIL FROM:<{}>{params}", mail.from),
        &[250],
    )?;
    for to in &mail.to {
        s.command(
            &format!("RCPT TO <{to}>"),
            &format!("RCPT TO:<{to}>"),
            &[250, 251],
        )?;
    }
    s.command("DATA", "DATA", &[354])?;
    let mut payload = String::with_capacity(message.len() + 3);
    payload.push_str(message);
    if !payload.is_empty() && !payload.ends_with("\r\n") {
        payload.push_str("\r\n");
    }
    payload.push_str(".\r\n");
    s.write_all(payload.as_bytes())
        .map_err(|e| s.err("message", Fault::Other(e)))?;
    s.expect("message", &[250])?;

    // Delivered. QUIT politely; its outcome cannot undo the delivery.
    s.deadline = s.deadline.min(Instant::now() + QUIT_GRACE);
    if s.write_all(b"QUIT\r\n").is_ok() {
        let _ = s.read_reply();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(code: u16, lines: &[&str]) -> Reply {
        Reply {
            code,
            lines: lines.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn reply_lines() {
        assert_eq!(
            parse_reply_line("250-PIPELINING").unwrap(),
            (250, false, "PIPELINING")
        );
        assert_eq!(parse_reply_line("250 OK").unwrap(), (250, true, "OK"));
        assert_eq!(parse_reply_line("354").unwrap(), (354, true, ""));
        assert_eq!(
            parse_reply_line("535 5.7.8 bad").unwrap(),
            (535, true, "5.7.8 bad")
        );
        for bad in ["", "25", "ab0 x", "250x", "650 x", "150 x", "2500 x"] {
            assert!(parse_reply_line(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn extensions() {
        let r = reply(
            250,
            &[
                "mx.test greets you",
                "PIPELINING",
                "auth login plain",
                "AUTH=CRAM-MD5",
                "8BITMIME",
                "STARTTLS",
                "SIZE 1000",
            ],
        );
        let ext = parse_extensions(&r);
        assert!(has_ext(&ext, "STARTTLS"));
        assert!(has_ext(&ext, "8BITMIME"));
        assert!(!has_ext(&ext, "SMTPUTF8"));
        assert_eq!(auth_mechanisms(&ext), ["LOGIN", "PLAIN", "CRAM-MD5"]);
        // The greeting line is not an extension.
        assert!(!has_ext(
            &parse_extensions(&reply(250, &["STARTTLS"])),
            "STARTTLS"
        ));
    }

    #[test]
    fn dates() {
        assert_eq!(rfc5322_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
        assert_eq!(rfc5322_date(951_782_400), "Tue, 29 Feb 2000 00:00:00 +0000");
        assert_eq!(
            rfc5322_date(1_700_000_000),
            "Tue, 14 Nov 2023 22:13:20 +0000"
        );
        assert_eq!(rfc5322_date(-1), "Wed, 31 Dec 1969 23:59:59 +0000");
    }

    #[test]
    fn words_split_on_char_boundaries() {
        let s = "é".repeat(50); // 100 octets, 300 encoded characters
        let words = encoded_words(&s);
        assert_eq!(words.len(), 6);
        let mut decoded = Vec::new();
        for w in &words {
            assert!(w.len() <= 75, "{w}");
            let inner = w
                .strip_prefix("=?utf-8?q?")
                .unwrap()
                .strip_suffix("?=")
                .unwrap();
            let bytes: Vec<u8> = inner
                .split('=')
                .skip(1)
                .map(|h| u8::from_str_radix(h, 16).unwrap())
                .collect();
            assert!(std::str::from_utf8(&bytes).is_ok(), "{w}");
            decoded.extend(bytes);
        }
        assert_eq!(String::from_utf8(decoded).unwrap(), s);
        assert_eq!(encoded_words("a b_c=?"), ["=?utf-8?q?a_b=5Fc=3D=3F?="]);
        assert_eq!(encoded_words(""), ["=?utf-8?q??="]);
    }

    #[test]
    fn quoted_printable_lines() {
        assert_eq!(quoted_printable(""), "");
        assert_eq!(quoted_printable("a=b é\r\n"), "a=3Db =C3=A9\r\n");
        assert_eq!(quoted_printable("end \r\n\t\r\n"), "end=20\r\n=09\r\n");
        let long = format!("{}\r\n", "x".repeat(80));
        assert_eq!(
            quoted_printable(&long),
            format!("{}=\r\n{}\r\n", "x".repeat(75), "x".repeat(5))
        );
        // Exactly 76 characters fit on one line.
        let line = format!("{}\r\n", "y".repeat(76));
        assert_eq!(quoted_printable(&line), line);
    }

    #[test]
    fn addresses() {
        assert!(check_address("recipient", "a@b.test").is_ok());
        assert!(check_address("recipient", "root").is_ok());
        for bad in [
            "",
            "a@b.test>\r\nDATA",
            "a b@c",
            "<a@b>",
            "a@b,c@d",
            "a@b\0",
        ] {
            assert!(check_address("recipient", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn debug_hides_password() {
        let mut s = SmtpSettings::new("mx.test", SmtpSecurity::StartTls);
        s.password = Some("hunter2-secret".into());
        let d = format!("{s:?}");
        assert!(!d.contains("hunter2"), "{d}");
        assert!(d.contains("587"));
    }

    #[test]
    fn display_names() {
        assert_eq!(
            display_name("CertStreamMonitor-notification"),
            "CertStreamMonitor-notification"
        );
        assert_eq!(display_name("Sec Team"), "Sec Team");
        assert_eq!(display_name("Doe, John"), "\"Doe, John\"");
        assert_eq!(display_name("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(display_name("Équipe"), "=?utf-8?q?=C3=89quipe?=");
    }
}

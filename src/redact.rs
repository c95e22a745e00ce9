//! What may be shown: secrets out of every log line, console line, DB row and error text,
//! hostile bytes off the terminal.
//!
//! * [`mask_url`]: a notification URL as logs and `notify-test` name it (scheme and dotted
//!   host only: apprise URLs put tokens in the host, the path and the query).
//! * [`without_credentials`]: a URL whose host and path are public (CT logs, certstream
//!   servers, proxies) with its user name, password and query values replaced by `***`.
//! * [`Secrets`]: the secret values of the configuration and every form they take on the wire
//!   (percent-encoded, percent-decoded, HTTP Basic base64, SMTP AUTH PLAIN base64);
//!   [`Secrets::scrub`] replaces them, and credentials recognisable by their shape
//!   (`Authorization:` values, `Basic`/`Bearer` tokens, URL user info, Telegram bot tokens,
//!   Slack and Discord webhook paths, `key=`/`token=` query values), with `***`. A server that
//!   echoes our request in its error page or status line cannot put them in our logs.
//! * [`register`] / [`scrub`] / [`clean`]: the process-wide set every command fills from its
//!   configuration at startup (`secrets::in_config`); [`crate::logging`] passes every line
//!   through [`clean`], and so do the console and the DB writes of network error texts.
//!
//! Control characters are shown as `\xNN` by [`crate::certificate::display_safe`], the one
//! escaping function of the program (`monitor`'s stdout uses it too).

use crate::certificate::display_safe;
use regex::Regex;
use std::borrow::Cow;
use std::sync::{OnceLock, RwLock};

/// `%XX` escapes decoded, invalid UTF-8 replaced (the forms a secret takes in a URL).
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Padded standard base64 (HTTP Basic, SMTP AUTH PLAIN).
fn base64_encode(input: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(input)
}

/// What a secret becomes.
pub const MASK: &str = "***";

/// Shorter values are not scrubbed: replacing every `ab` in a log would garble it while
/// hiding next to nothing.
const MIN_LEN: usize = 3;

/// A URL as it may be shown: the scheme, and the host when it is a host name with a dot
/// (`mailtos://smtp.example.com/***`); everything else, including ports, user names,
/// passwords, paths (webhook tokens) and queries, becomes `***`. Hosts without a dot are
/// masked too: several schemes put a token there (`slack://TokenA/…`, `tgram://123:abc/…`).
pub fn mask_url(url: &str) -> String {
    let Some((scheme, rest)) = url.trim().split_once("://") else {
        return MASK.into();
    };
    let scheme_ok = !scheme.is_empty()
        && scheme.len() <= 16
        && scheme
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'.' || b == b'-');
    if !scheme_ok {
        return MASK.into();
    }
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = hostport.split(':').next().unwrap_or("");
    let hostname_like = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    if hostname_like && host.contains('.') && !host.starts_with('.') {
        format!("{scheme}://{host}/{MASK}")
    } else {
        format!("{scheme}://{MASK}")
    }
}

/// `https://user:pass@ct.example.com/log/?key=x` → `https://***@ct.example.com/log/?key=***`:
/// user info and query values masked, scheme, host, port and path kept (they name the log or
/// server). Text that is not a URL comes back unchanged.
pub fn without_credentials(url: &str) -> Cow<'_, str> {
    let Some(i) = url.find("://") else {
        return Cow::Borrowed(url);
    };
    let (head, rest) = url.split_at(i + 3);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let at = authority.rfind('@');
    let (tail_path, query) = match tail.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (tail, None),
    };
    if at.is_none() && query.is_none() {
        return Cow::Borrowed(url);
    }
    let mut out = String::with_capacity(url.len());
    out.push_str(head);
    match at {
        Some(a) => {
            out.push_str(MASK);
            out.push_str(&authority[a..]);
        }
        None => out.push_str(authority),
    }
    out.push_str(tail_path);
    if let Some(q) = query {
        let (q, fragment) = match q.split_once('#') {
            Some((q, f)) => (q, Some(f)),
            None => (q, None),
        };
        out.push('?');
        let pairs: Vec<String> = q
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) => format!("{k}={MASK}"),
                None => kv.to_string(),
            })
            .collect();
        out.push_str(&pairs.join("&"));
        if let Some(f) = fragment {
            out.push('#');
            out.push_str(f);
        }
    }
    Cow::Owned(out)
}

/// Percent-encoding (RFC 3986 §2.1): every byte but the unreserved ones and those of `safe`.
/// Hand-written because the lower-case hex form is wanted too, which `percent_encoding` never writes.
fn percent_encode(s: &str, safe: &[u8], lower: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || safe.contains(&b) {
            out.push(b as char);
        } else if lower {
            out.push_str(&format!("%{b:02x}"));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A set of secret strings in every form they are sent in, longest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Secrets {
    forms: Vec<String>,
}

impl Secrets {
    pub const fn new() -> Secrets {
        Secrets { forms: Vec::new() }
    }

    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }

    fn push(&mut self, form: String) {
        if form.chars().count() >= MIN_LEN && !self.forms.contains(&form) {
            let at = self
                .forms
                .iter()
                .position(|f| f.len() < form.len())
                .unwrap_or(self.forms.len());
            self.forms.insert(at, form);
        }
    }

    /// A secret value (a password, a token, an API key), as written in the config: also its
    /// percent-decoded form (what a URL's `%40` stands for) and its percent-encoded forms
    /// (RFC 3986, upper- and lower-case hex, `/` and `:` kept or not; `+` for spaces as in
    /// HTML forms), since a server may echo either.
    pub fn add(&mut self, secret: &str) {
        let secret = secret.trim();
        if secret.chars().count() < MIN_LEN {
            return;
        }
        let decoded = percent_decode(secret);
        for s in [secret.to_string(), decoded] {
            for safe in [&b""[..], b"/", b":", b"/:"] {
                for lower in [false, true] {
                    self.push(percent_encode(&s, safe, lower));
                }
            }
            self.push(percent_encode(&s, b" ", false).replace(' ', "+"));
            self.push(s);
        }
    }

    /// Credentials sent as HTTP Basic (RFC 7617: base64 of `user:password`), SOCKS5 user name
    /// and password (RFC 1929) or SMTP AUTH PLAIN (RFC 4616: base64 of `\0user\0password`)
    /// and AUTH LOGIN (the password alone in base64). The user name alone is not a secret
    /// (it is often an e-mail address shown elsewhere), the password and the encodings are.
    pub fn add_login(&mut self, user: &str, password: &str) {
        let (user, password) = (percent_decode(user), percent_decode(password));
        if !password.is_empty() {
            self.add(&password);
        }
        let mut blobs = vec![format!("{user}:{password}")];
        if !password.is_empty() {
            blobs.push(format!("\0{user}\0{password}"));
            blobs.push(password.clone());
        }
        for blob in blobs {
            if blob.len() < MIN_LEN {
                continue;
            }
            let std = base64_encode(blob.as_bytes());
            let url_safe = std.replace('+', "-").replace('/', "_");
            self.push(std.trim_end_matches('=').to_string());
            self.push(url_safe.trim_end_matches('=').to_string());
            self.push(url_safe);
            self.push(std);
        }
    }

    /// The credentials of a URL whose host and path are public (CT log, certstream server,
    /// proxy, RDAP server): its user info ([`Secrets::add_login`]) and those query values that
    /// are named like credentials (`key`, `token`, `auth`, `pass`, `secret`, `sig`, `session`)
    /// or shaped like tokens ([`token_like`]).
    pub fn add_url_credentials(&mut self, url: &str) {
        let url = url.trim();
        let Some((_, rest)) = url.split_once("://") else {
            return;
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if let Some((userinfo, _)) = authority.rsplit_once('@') {
            match userinfo.split_once(':') {
                Some((u, p)) => self.add_login(u, p),
                None => self.add_login(userinfo, ""),
            }
            self.add(userinfo);
        }
        if let Some((_, q)) = rest.split_once('?') {
            let q = q.split('#').next().unwrap_or("");
            for kv in q.split('&') {
                // `?format=full` is not a secret, and scrubbing `full` everywhere would garble
                // the log: values named like credentials, or shaped like tokens.
                if let Some((k, v)) = kv.split_once('=') {
                    let k = k.to_ascii_lowercase();
                    let named = ["key", "token", "auth", "pass", "secret", "sig", "session"]
                        .iter()
                        .any(|n| k.contains(n));
                    if named || token_like(v) {
                        self.add(v);
                    }
                }
            }
        }
    }

    /// Every value of `other` too.
    pub fn extend(&mut self, other: &Secrets) {
        for f in &other.forms {
            self.push(f.clone());
        }
    }

    /// `text` with every known secret form, and every credential recognisable by its shape,
    /// replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        let mut t = Cow::Borrowed(text);
        for f in &self.forms {
            if t.contains(f.as_str()) {
                t = Cow::Owned(t.replace(f.as_str(), MASK));
            }
        }
        scrub_shapes(&t)
    }
}

/// Credentials recognisable by their shape, whoever's they are.
fn scrub_shapes(text: &str) -> String {
    struct Shapes {
        header: Regex,
        scheme: Regex,
        userinfo: Regex,
        query: Regex,
        telegram: Regex,
        webhook: Regex,
    }
    static SHAPES: OnceLock<Shapes> = OnceLock::new();
    let s = SHAPES.get_or_init(|| Shapes {
        // A header (or an echo of one: `"authorization": "…"`) whose value is a credential.
        header: Regex::new(r#"(?i)\b((?:proxy-)?authorization|x-api-key|api-key|x-auth-token|private-token|cookie)(["']?\s*[:=]\s*["']?)(?:(basic|bearer|digest|token|negotiate|ntlm|aws4-hmac-sha256)\s+)?([^\s"',;&<>]+)"#).unwrap(),
        // An authentication scheme and its credentials (RFC 9110 §11.4, token68).
        scheme: Regex::new(r"(?i)\b(basic|bearer)\s+([A-Za-z0-9._~+/-]{3,}=*)").unwrap(),
        // URL user info (RFC 3986 §3.2.1).
        userinfo: Regex::new(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s/?#@\x22'<>]+@").unwrap(),
        // Query parameters that carry credentials.
        query: Regex::new(r"(?i)([?&;](?:key|api_?key|access_token|token|auth|password|passwd|pass|secret|sig|signature|client_secret)=)[^&\s\x22'<>#]+").unwrap(),
        // Telegram's bot API path: /bot<id>:<token>/…
        telegram: Regex::new(r"(?i)\bbot\d+(?::|%3a)[A-Za-z0-9_-]+").unwrap(),
        // Slack (`/services/T…/B…/…`) and Discord (`/api/webhooks/<id>/<token>`) webhook
        // paths: every segment after the prefix is a token.
        webhook: Regex::new(
            r"(/services)/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+|(/api/webhooks)/\d+/[A-Za-z0-9_-]+",
        )
        .unwrap(),
    });
    let t = s
        .header
        .replace_all(text, |c: &regex::Captures<'_>| match c.get(3) {
            Some(scheme) => format!("{}{}{} {MASK}", &c[1], &c[2], scheme.as_str()),
            // `authorization: failed` is prose, not a credential.
            None if looks_like_word(&c[4]) => c[0].to_string(),
            None => format!("{}{}{MASK}", &c[1], &c[2]),
        });
    let t = s.scheme.replace_all(&t, |c: &regex::Captures<'_>| {
        // Auth parameters (`Basic realm="x"`) and prose (`Basic Banking`) are not credentials.
        const PARAMS: &[&str] = &[
            "realm",
            "charset",
            "scope",
            "error",
            "error_description",
            "error_uri",
        ];
        let token = c[2].trim_end_matches('=');
        if (c[2].ends_with('=') && PARAMS.iter().any(|p| token.eq_ignore_ascii_case(p)))
            || (!c[2].ends_with('=') && looks_like_word(token))
        {
            c[0].to_string()
        } else {
            format!("{} {MASK}", &c[1])
        }
    });
    let t = s
        .userinfo
        .replace_all(&t, format!("${{1}}{MASK}@").as_str());
    let t = s.query.replace_all(&t, format!("${{1}}{MASK}").as_str());
    let t = s.telegram.replace_all(&t, format!("bot{MASK}").as_str());
    let t = s.webhook.replace_all(&t, |c: &regex::Captures<'_>| {
        let prefix = c.get(1).or_else(|| c.get(2)).map_or("", |m| m.as_str());
        format!("{prefix}/{MASK}")
    });
    t.into_owned()
}

/// Whether a URL path or host part, or a command argument, is worth scrubbing from every log
/// line of the process: 8 characters or more, not an ordinary word, not a file path or an
/// option (`k8sHook01`, `T024BE7LD`, `123:AAbb-cc` are; `hooks`, `services`, `/tmp/out`,
/// `--verbose` are not).
pub fn token_like(s: &str) -> bool {
    s.chars().count() >= 8 && !looks_like_word(s) && !s.contains('/') && !s.starts_with('-')
}

/// An ordinary word (`failed`, `Banking`, `AUTH`), not a token: credentials mix cases,
/// digits or punctuation.
fn looks_like_word(t: &str) -> bool {
    let mut chars = t.chars();
    let Some(first) = chars.next() else {
        return true;
    };
    let rest = chars.as_str();
    t.chars().all(|c| c.is_ascii_alphabetic())
        && (rest.chars().all(|c| c.is_ascii_lowercase())
            || (first.is_ascii_uppercase() && rest.chars().all(|c| c.is_ascii_uppercase())))
}

static GLOBAL: RwLock<Secrets> = RwLock::new(Secrets::new());

/// Add `secrets` to the process-wide set that [`scrub`] and [`clean`] (and so every log line)
/// remove.
pub fn register(secrets: &Secrets) {
    GLOBAL
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .extend(secrets);
}

/// `text` without the registered secrets nor anything shaped like a credential.
pub fn scrub(text: &str) -> String {
    GLOBAL.read().unwrap_or_else(|p| p.into_inner()).scrub(text)
}

/// [`scrub`], then control characters escaped ([`display_safe`]): what a log line, a console
/// line or a stored error text may hold of a string that came from the network, a
/// certificate or the DB.
pub fn clean(text: &str) -> String {
    display_safe(&scrub(text)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        let cases: &[(&str, &str)] = &[
            (
                "mailtos://user:pass@example.com/?to=x",
                "mailtos://example.com/***",
            ),
            ("slack://TokenA/TokenB/TokenC", "slack://***"),
            ("json://127.0.0.1:8080/x", "json://127.0.0.1/***"),
            ("nonsense", "***"),
        ];
        for (url, want) in cases {
            assert_eq!(mask_url(url), *want, "{url}");
        }
    }

    #[test]
    fn credentials_out_of_public_urls() {
        let cases: &[(&str, &str)] = &[
            ("https://u:p@ct.example/log/", "https://***@ct.example/log/"),
            ("http://127.0.0.1:9/log/", "http://127.0.0.1:9/log/"),
            ("https://h/x?key=abc&v=1#f", "https://h/x?key=***&v=***#f"),
            ("wss://a@b:1/", "wss://***@b:1/"),
            ("ct.example/log", "ct.example/log"),
        ];
        for (url, want) in cases {
            assert_eq!(without_credentials(url), *want, "{url}");
        }
    }

    #[test]
    fn every_form_of_a_password_is_scrubbed() {
        let mut s = Secrets::new();
        s.add_url_credentials("http://user:p%40ss%2Fw0rd@proxy.example:3128/");
        let pass = "p@ss/w0rd";
        let b64 = base64_encode(format!("user:{pass}").as_bytes());
        let plain = base64_encode(format!("\0user\0{pass}").as_bytes());
        for text in [
            pass.to_string(),
            "p%40ss%2Fw0rd".into(),
            "p%40ss/w0rd".into(),
            "p%40ss%2fw0rd".into(),
            b64.clone(),
            b64.trim_end_matches('=').to_string(),
            plain,
            base64_encode(pass.as_bytes()),
        ] {
            let got = s.scrub(&format!("echo: [{text}] end"));
            assert_eq!(got, "echo: [***] end", "{text}");
        }
        // The user name alone stays readable.
        assert_eq!(s.scrub("user"), "user");
    }

    #[test]
    fn shapes_of_credentials_are_scrubbed() {
        let s = Secrets::new();
        let cases: &[(&str, &str)] = &[
            (
                "Authorization: Basic dXNlcjpwYXNz\r\nHost: x",
                "Authorization: Basic ***\r\nHost: x",
            ),
            (
                "proxy-authorization: Bearer abc.def-ghi",
                "proxy-authorization: Bearer ***",
            ),
            (
                r#"{"authorization": "xoxb-123-456"}"#,
                r#"{"authorization": "***"}"#,
            ),
            ("got Basic dXNlcjp3cm9uZw== here", "got Basic *** here"),
            (
                "Proxy-Authenticate: Basic realm=\"test\"",
                "Proxy-Authenticate: Basic realm=\"test\"",
            ),
            (
                "see https://bob:hunter2@h.example/x",
                "see https://***@h.example/x",
            ),
            (
                "GET /v4/find?key=AIzaSECRET&x=1",
                "GET /v4/find?key=***&x=1",
            ),
            (
                "POST /bot123456:AAE-xyz_9/sendMessage",
                "POST /bot***/sendMessage",
            ),
            (
                "POST /services/T1/B2/XXXX HTTP/1.1",
                "POST /services/*** HTTP/1.1",
            ),
            (
                "Creating /srv/services/alerts/x.json",
                "Creating /srv/services/alerts/x.json",
            ),
            (
                "Basic Banking Login | basic information | BASIC AUTH",
                "Basic Banking Login | basic information | BASIC AUTH",
            ),
            ("proxy authorization: failed", "proxy authorization: failed"),
            ("Authorization: sk_live_51Hx", "Authorization: ***"),
            (
                "POST /api/webhooks/123/tok-EN HTTP/1.1",
                "POST /api/webhooks/*** HTTP/1.1",
            ),
            (
                "nothing secret here: HTTP 500",
                "nothing secret here: HTTP 500",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(s.scrub(text), *want, "{text}");
        }
    }

    #[test]
    fn short_values_are_left_alone() {
        let mut s = Secrets::new();
        s.add("ab");
        s.add_login("u", "");
        assert!(s.is_empty(), "{s:?}");
        assert_eq!(s.scrub("ab u"), "ab u");
    }

    #[test]
    fn clean_escapes_after_scrubbing() {
        assert_eq!(clean("a\x1b[2J\nb"), "a\\x1b[2J\\x0ab");
    }
}

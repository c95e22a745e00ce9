//! apprise's URL grammar, where it matters for what is sent: how `Notification_Destination`
//! is split into URLs, how one URL is cut into parts (`parse_url`), its query read
//! (`parse_qsd`, with the `+header` / `-param` / `:field` prefixes), and Python's `quote`.
//! Pure functions: every service file builds on them, and apprise's quirks (a comma inside
//! `?to=` is not a separator, keys are case-folded, values stripped) live here once.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Split `Notification_Destination` as apprise does: at commas and/or whitespace that are
/// followed by `scheme://` (1 to 12 letters or digits), so commas inside a URL's query stay.
pub fn split_urls(s: &str) -> Vec<String> {
    fn is_sep(b: u8) -> bool {
        b == b',' || b.is_ascii_whitespace()
    }
    fn starts_with_scheme(t: &str) -> bool {
        let n = t.bytes().take_while(|b| b.is_ascii_alphanumeric()).count();
        (1..=12).contains(&n) && t[n..].starts_with("://")
    }
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if is_sep(bytes[i]) {
            let run = i;
            while i < bytes.len() && is_sep(bytes[i]) {
                i += 1;
            }
            if i == bytes.len() || starts_with_scheme(&s[i..]) {
                out.push(s[start..run].to_string());
                start = i;
            }
        } else {
            i += 1;
        }
    }
    out.push(s[start..].to_string());
    out.into_iter()
        .map(|u| {
            u.trim_matches(|c: char| c == ',' || c.is_whitespace())
                .to_string()
        })
        .filter(|u| !u.is_empty())
        .collect()
}

/// What Python's `urllib.parse.quote` encodes with `safe=''`: all but `A-Z a-z 0-9 _ . - ~`.
pub(crate) const QUOTE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'~');
/// `quote(s, safe='/')`, Python's default.
pub(crate) const QUOTE_PATH: &AsciiSet = &QUOTE.remove(b'/');
/// `quote(s, safe=' ')`, the first step of `quote_plus`.
const QUOTE_PLUS: &AsciiSet = &QUOTE.remove(b' ');

/// Python's `urllib.parse.quote(s, safe)`, `safe` being one of the sets above.
pub(crate) fn quote(s: &str, safe: &'static AsciiSet) -> String {
    utf8_percent_encode(s, safe).to_string()
}

/// Python's `urllib.parse.quote_plus(s)`.
pub(crate) fn quote_plus(s: &str) -> String {
    quote(s, QUOTE_PLUS).replace(' ', "+")
}

/// An insertion-ordered dict with Python's assignment semantics (a new key goes last, an
/// existing key keeps its place).
fn dict_set(v: &mut Vec<(String, String)>, k: &str, val: &str) {
    match v.iter_mut().find(|(key, _)| key == k) {
        Some(e) => e.1 = val.to_string(),
        None => v.push((k.to_string(), val.to_string())),
    }
}

/// apprise's `parse_qsd`: pairs split on `&` and `;`, keys and values unquoted and stripped,
/// `qsd` keyed in lower case; `+key` (or ` key`) → headers, `-key` → query parameters,
/// `:key` → payload fields, keys kept as written.
#[derive(Debug, Default, Clone)]
pub(crate) struct Query {
    pub(crate) qsd: Vec<(String, String)>,
    pub(crate) add: Vec<(String, String)>,
    pub(crate) del: Vec<(String, String)>,
    pub(crate) colon: Vec<(String, String)>,
}

impl Query {
    pub(crate) fn parse(qs: &str) -> Query {
        let mut q = Query::default();
        for pair in qs.split(['&', ';']) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let key = crate::net::proxy::percent_decode(k).trim().to_string();
            if key.is_empty() {
                continue;
            }
            let val = crate::net::proxy::percent_decode(v).trim().to_string();
            dict_set(&mut q.qsd, &key.to_lowercase(), &val);
            if let Some(rest) = key.strip_prefix('+').or_else(|| key.strip_prefix(' ')) {
                dict_set(&mut q.add, rest, &val);
            }
            if let Some(rest) = key.strip_prefix('-') {
                dict_set(&mut q.del, rest, &val);
            }
            if let Some(rest) = key.strip_prefix(':') {
                dict_set(&mut q.colon, rest, &val);
            }
        }
        q
    }

    pub(crate) fn get(&self, k: &str) -> Option<&str> {
        self.qsd
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }

    /// A non-empty value.
    pub(crate) fn value(&self, k: &str) -> Option<&str> {
        self.get(k).filter(|v| !v.is_empty())
    }

    pub(crate) fn flag(&self, k: &str, default: bool) -> bool {
        match self.get(k).map(|v| v.to_ascii_lowercase()) {
            Some(v)
                if [
                    "yes", "y", "true", "t", "1", "on", "enable", "enabled", "always", "allow", "+",
                ]
                .contains(&v.as_str()) =>
            {
                true
            }
            Some(v)
                if [
                    "no", "n", "false", "f", "0", "off", "disable", "disabled", "never", "deny",
                    "-",
                ]
                .contains(&v.as_str()) =>
            {
                false
            }
            _ => default,
        }
    }
}

/// apprise's `parse_list`: items separated by whitespace, commas, slashes or backslashes.
pub(crate) fn parse_list(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || c == ',' || c == '/' || c == '\\')
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// One URL cut the way apprise's `parse_url` cuts it: `scheme://[user[:password]@]host[:port][/path][?query]`,
/// user, password and host percent-decoded.
#[derive(Debug, Clone)]
pub(crate) struct UrlParts {
    pub(crate) scheme: String,
    pub(crate) user: Option<String>,
    pub(crate) password: Option<String>,
    /// Decoded; an IPv6 address without brackets.
    pub(crate) host: String,
    pub(crate) port: Option<u16>,
    /// As written (leading `/` included), before the query.
    pub(crate) path: String,
    /// Decoded non-empty path components.
    pub(crate) segments: Vec<String>,
    pub(crate) query: Query,
}

impl UrlParts {
    pub(crate) fn parse(url: &str) -> Result<UrlParts, String> {
        let (scheme, rest) = url.split_once("://").ok_or("not a URL (scheme://…)")?;
        let scheme = scheme.to_ascii_lowercase();
        let (before_q, qs) = rest.split_once('?').unwrap_or((rest, ""));
        let (authority, path) = match before_q.find('/') {
            Some(i) => (&before_q[..i], &before_q[i..]),
            None => (before_q, ""),
        };
        let (userinfo, hostport) = match authority.rfind('@') {
            Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
            None => (None, authority),
        };
        let (user, password) = match userinfo {
            None => (None, None),
            Some(ui) => {
                let (u, p) = match ui.split_once(':') {
                    Some((u, p)) => (u, Some(crate::net::proxy::percent_decode(p))),
                    None => (ui, None),
                };
                (
                    Some(crate::net::proxy::percent_decode(u)).filter(|u| !u.is_empty()),
                    p,
                )
            }
        };
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (h, after) = v6.split_once(']').ok_or("unclosed [ in the host")?;
            let port = match after {
                "" => None,
                p => Some(
                    p.strip_prefix(':')
                        .ok_or("garbage after the IPv6 address")?,
                ),
            };
            (h.to_string(), port)
        } else {
            match hostport.split_once(':') {
                Some((h, p)) => (crate::net::proxy::percent_decode(h), Some(p)),
                None => (crate::net::proxy::percent_decode(hostport), None),
            }
        };
        let port = match port {
            None | Some("") => None,
            Some(p) => Some(
                p.parse::<u16>()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or("the port is not a number from 1 to 65535")?,
            ),
        };
        let segments = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(crate::net::proxy::percent_decode)
            .collect();
        Ok(UrlParts {
            scheme,
            user,
            password,
            host,
            port,
            path: path.to_string(),
            segments,
            query: Query::parse(qs),
        })
    }

    /// The host for a URL: IPv6 in brackets.
    pub(crate) fn url_host(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        }
    }
}

/// `s` is not empty and holds only ASCII letters, digits and the bytes of `extra`: the shape of
/// the tokens services put in their URLs.
pub(crate) fn token_ok(s: &str, extra: &[u8]) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || extra.contains(&b))
}

/// The channels of a chat URL: the path items given, then the comma- or space-separated
/// values of the query keys; one `None` (the webhook's default channel) when there are none.
pub(crate) fn channels_of(
    u: &UrlParts,
    path_items: &[String],
    keys: &[&str],
) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = path_items.iter().map(|c| Some(c.clone())).collect();
    for k in keys {
        if let Some(v) = u.query.value(k) {
            out.extend(
                v.split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|x| !x.is_empty())
                    .map(|x| Some(x.to_string())),
            );
        }
    }
    if out.is_empty() {
        out.push(None);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("json://a.example", &["json://a.example"]),
            (
                "json://a.example, slack://A/B/C",
                &["json://a.example", "slack://A/B/C"],
            ),
            (
                "json://a.example slack://A/B/C\n tgram://1:a/2,",
                &["json://a.example", "slack://A/B/C", "tgram://1:a/2"],
            ),
            (
                "mailtos://u:p@x.example?to=a@x.example,b@x.example",
                &["mailtos://u:p@x.example?to=a@x.example,b@x.example"],
            ),
            (
                "mailto://x.example?to=a@x.example, b@x.example,json://h",
                &["mailto://x.example?to=a@x.example, b@x.example", "json://h"],
            ),
            (" , json://h ,, ", &["json://h"]),
            ("junk json://h", &["junk", "json://h"]),
        ];
        for (input, want) in cases {
            assert_eq!(
                split_urls(input),
                want.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                "{input:?}"
            );
        }
    }
}

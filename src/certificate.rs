//! The certificate record: what the rest of the program needs to know about one
//! certificate, whichever source (certstream server, replay file, CT log) delivered it.
//!
//! Fields borrow from the source's buffer where they can (`Cow`), so the certstream hot
//! path does not copy names that will not match anything.

use std::borrow::Cow;
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CertificateRecord<'a> {
    /// Names to check, in certstream's `all_domains` order (SAN dNSNames, then CN).
    pub all_domains: Vec<Cow<'a, str>>,
    /// Subject DN in certstream's `aggregated` form (`/C=US/CN=…/O=…`).
    pub subject: Cow<'a, str>,
    /// Issuer DN in the same form.
    pub issuer: Cow<'a, str>,
    /// SHA-1 of the certificate (the precertificate for precert entries), `AA:BB:…` upper-case.
    pub fingerprint: Cow<'a, str>,
    /// `notBefore`, Unix seconds; `None` when the source did not say or said nonsense.
    pub not_before: Option<i64>,
    /// Direct CT mode: the log and the entry index this record was read from (`None` for
    /// certstream). The log part is shared by all the entries of a downloaded range.
    pub ct_source: Option<CtSource>,
}

/// Where a direct-CT record came from (for `monitor --json`).
#[derive(Debug, Clone, PartialEq)]
pub struct CtSource {
    pub log: Arc<CtLogLabel>,
    /// The entry's index in the log (RFC 6962 §4.6 `get-entries` numbering).
    pub index: u64,
}

/// A CT log as shown to the operator: its description and its URL without credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CtLogLabel {
    pub description: String,
    pub url: String,
}

impl CertificateRecord<'_> {
    /// `Startime` column: UTC ISO seconds of `notBefore`, or empty when unknown.
    pub fn startime(&self) -> String {
        self.not_before
            .map(|t| crate::clock::utc(t).iso())
            .unwrap_or_default()
    }

    /// The other names of the certificate (all but `host`), comma-joined: the `SAN` column.
    pub fn san_for(&self, host: &str) -> String {
        let mut out = String::new();
        for name in self.all_domains.iter().filter(|n| n.as_ref() != host) {
            if !out.is_empty() {
                out.push_str(", ");
            }
            out.push_str(name);
        }
        out
    }
}

/// Text safe to put on one line of stdout or a log: control characters (a certificate
/// name may hold `\n` or ANSI escapes) are shown as `\xNN` instead of being emitted.
pub fn display_safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c.is_control()) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            let n = c as u32;
            if n <= 0xff {
                out.push_str(&format!("\\x{n:02x}"));
            } else {
                out.push_str(&format!("\\u{n:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn san_excludes_host() {
        let r = CertificateRecord {
            all_domains: vec!["a.com".into(), "www.a.com".into(), "b.com".into()],
            ..Default::default()
        };
        assert_eq!(r.san_for("www.a.com"), "a.com, b.com");
        assert_eq!(r.san_for("zzz"), "a.com, www.a.com, b.com");
    }

    #[test]
    fn display_safe_escapes_controls() {
        assert_eq!(display_safe("a.com"), "a.com");
        assert_eq!(display_safe("a\nb\x1b[31m"), "a\\x0ab\\x1b[31m");
        assert_eq!(display_safe("é\u{85}"), "é\\x85");
    }
}

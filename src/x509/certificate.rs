//! A lenient X.509 reader: what a certstream `leaf_cert` holds, from a certificate or a
//! bare TBSCertificate (precert entries), for the CT-log source.
//!
//! Leniency (as certspotter's monitor): only a TBSCertificate that cannot be read up to
//! and including its subject is an error. Anything after that degrades instead: a broken
//! or truncated extension is skipped with a warning (the names read before the break are
//! kept), a time that does not parse is `None`, a DN value of a non-string type is shown
//! as `#` + hex of its DER (RFC 4514 style), names that are not valid UTF-8 are decoded
//! lossily and flagged. Nothing here can panic, whatever the input: every read goes
//! through [`crate::x509::der`], which bounds-checks every length.
//!
//! Names (`all_domains`) get a modest clean-up, applied alike to SAN dNSNames and subject
//! CNs: surrounding whitespace trimmed, an `http://`/`https://` prefix stripped, trailing
//! dots stripped, ASCII lower-cased; wildcards are kept. A name containing NUL or `/` is
//! kept whole *and* its part before the NUL / `/` is added too (the part a browser or a
//! careless parser would see; certspotter's `identifiers.go` does the same). Names that clean up to nothing are
//! dropped; iPAddress SANs never give names.

use crate::clock;
use crate::x509::der::{self, read_tlv, read_tlv_truncated, Children, Tlv};
use crate::x509::extensions::{ExtensionCollector, Extensions};
use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

/// What the rest of the program needs from a certificate (certstream `leaf_cert` fields).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedCertificate {
    /// certstream-server-go order: SAN dNSNames in certificate order (all SAN extensions),
    /// then each subject CN appended if non-empty, not already present, and the cert is not
    /// a CA. Deduplicated, order kept.
    pub all_domains: Vec<String>,
    pub subject: DistinguishedName,
    pub issuer: DistinguishedName,
    /// Upper-case hex of the serial's content bytes with leading 00 stripped, left-padded
    /// to even length (Go format; a zero serial is `00`). A negative serial (invalid, but
    /// seen) is its two's-complement bytes as they are (`02 01 FF` → `FF`), where Go would
    /// print a minus sign.
    pub serial_number: String,
    /// notBefore, Unix seconds; `None` if it does not parse.
    pub not_before: Option<i64>,
    /// notAfter, Unix seconds; `None` if it does not parse.
    pub not_after: Option<i64>,
    /// BasicConstraints cA (true if any BasicConstraints extension says so).
    pub is_ca: bool,
    /// certstream-server-go's name of the TBS `signature` algorithm (`"sha256, rsa"`,
    /// `"ecdsa, sha384"`, `"ed25519"`, … `"unknown"`), see [`signature_algorithm_name`].
    pub signature_algorithm: &'static str,
    /// The extensions as certstream shows them; only from
    /// [`parse_certificate_with_extensions`] / [`parse_tbs_with_extensions`] (`None` from
    /// the plain parsers, which the monitor uses and which need not render them).
    pub extensions: Option<Extensions>,
    /// Names or DN values that were not valid in their declared encoding and were decoded
    /// lossily (the caller logs this). They are never dropped.
    pub lossy: bool,
    /// Non-fatal oddities met while parsing (e.g. "SAN extension truncated"), for logging.
    /// At most [`MAX_WARNINGS`] entries.
    pub warnings: Vec<String>,
}

/// Cap on [`ParsedCertificate::warnings`], so a hostile certificate cannot flood the log.
pub const MAX_WARNINGS: usize = 16;

/// Subject or issuer name, by attribute, values in certificate order (every RDN, and every
/// attribute of a multi-valued RDN).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DistinguishedName {
    /// countryName 2.5.4.6
    pub c: Vec<String>,
    /// commonName 2.5.4.3
    pub cn: Vec<String>,
    /// localityName 2.5.4.7
    pub l: Vec<String>,
    /// organizationName 2.5.4.10
    pub o: Vec<String>,
    /// organizationalUnitName 2.5.4.11
    pub ou: Vec<String>,
    /// stateOrProvinceName 2.5.4.8
    pub st: Vec<String>,
    /// emailAddress 1.2.840.113549.1.9.1
    pub email: Vec<String>,
}

impl DistinguishedName {
    /// certstream-server-go's `aggregated`: `/C=…/CN=…/L=…/O=…/OU=…/ST=…` for the
    /// attributes present, in that fixed key order, several values of one attribute joined
    /// with `,`; `/CN=` is always there, even when the name has no CN (Go does that).
    /// emailAddress is not part of it (nor of Go's).
    ///
    /// `ST` here is stateOrProvinceName (2.5.4.8). certstream-server-go fills `ST` from
    /// streetAddress (2.5.4.9) by mistake; we do not copy that bug, so for a certificate
    /// with a state (and no street) our `/ST=…` is there where Go's is missing, and a
    /// street address never shows up as `ST`.
    pub fn aggregated(&self) -> String {
        let mut s = String::new();
        let mut part = |key: &str, values: &[String], always: bool| {
            if values.is_empty() && !always {
                return;
            }
            s.push('/');
            s.push_str(key);
            s.push('=');
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                s.push_str(v);
            }
        };
        part("C", &self.c, false);
        part("CN", &self.cn, true);
        part("L", &self.l, false);
        part("O", &self.o, false);
        part("OU", &self.ou, false);
        part("ST", &self.st, false);
        s
    }
}

/// A certificate whose TBSCertificate cannot be read up to its subject.
#[derive(Debug, Clone, PartialEq)]
pub struct X509Error {
    pub message: String,
}

impl fmt::Display for X509Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for X509Error {}

fn fail(what: &str, e: der::DerError) -> X509Error {
    X509Error {
        message: format!("{what}: {e}"),
    }
}

/// Parse a full Certificate (x509 entries). The signature is neither read nor checked.
pub fn parse_certificate(der: &[u8]) -> Result<ParsedCertificate, X509Error> {
    certificate(der, Parser::default())
}

/// [`parse_certificate`], with [`ParsedCertificate::extensions`] filled.
pub fn parse_certificate_with_extensions(der: &[u8]) -> Result<ParsedCertificate, X509Error> {
    certificate(der, Parser::with_extensions())
}

/// [`parse_tbs`], with [`ParsedCertificate::extensions`] filled.
pub fn parse_tbs_with_extensions(tbs: &[u8]) -> Result<ParsedCertificate, X509Error> {
    tbs_certificate(tbs, Parser::with_extensions())
}

fn certificate(der: &[u8], mut out: Parser) -> Result<ParsedCertificate, X509Error> {
    let mut input = der;
    let (cert, truncated) = read_tlv_truncated(&mut input).map_err(|e| fail("certificate", e))?;
    if cert.tag != der::SEQUENCE {
        return Err(X509Error {
            message: format!("certificate is not a SEQUENCE (tag 0x{:02X})", cert.tag),
        });
    }
    if truncated {
        out.warn(format_args!("certificate truncated ({} bytes)", der.len()));
    }
    if !input.is_empty() {
        out.warn(format_args!(
            "{} bytes of trailing data after the certificate",
            input.len()
        ));
    }
    let mut body = cert.content;
    let (tbs, tbs_truncated) =
        read_tlv_truncated(&mut body).map_err(|e| fail("tbsCertificate", e))?;
    out.parse_tbs(tbs, tbs_truncated && !truncated)
}

/// Parse a bare TBSCertificate (precert entries: the `tbs_certificate` of leaf_input).
pub fn parse_tbs(tbs: &[u8]) -> Result<ParsedCertificate, X509Error> {
    tbs_certificate(tbs, Parser::default())
}

fn tbs_certificate(tbs: &[u8], mut out: Parser) -> Result<ParsedCertificate, X509Error> {
    let mut input = tbs;
    let (t, truncated) = read_tlv_truncated(&mut input).map_err(|e| fail("tbsCertificate", e))?;
    if !input.is_empty() {
        out.warn(format_args!(
            "{} bytes of trailing data after the tbsCertificate",
            input.len()
        ));
    }
    out.parse_tbs(t, truncated)
}

// OIDs (content bytes).
const OID_CN: &[u8] = &[0x55, 0x04, 0x03];
const OID_C: &[u8] = &[0x55, 0x04, 0x06];
const OID_L: &[u8] = &[0x55, 0x04, 0x07];
const OID_ST: &[u8] = &[0x55, 0x04, 0x08];
const OID_O: &[u8] = &[0x55, 0x04, 0x0A];
const OID_OU: &[u8] = &[0x55, 0x04, 0x0B];
const OID_EMAIL: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01];
const OID_SAN: &[u8] = &[0x55, 0x1D, 0x11];
const OID_BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1D, 0x13];

/// GeneralName tags (IMPLICIT, context-specific primitive).
const GN_DNS_NAME: u8 = der::context_primitive(2);
const GN_IP_ADDRESS: u8 = der::context_primitive(7);

/// Below this many names, duplicates are found by a linear scan (no hashing, no copies);
/// from it on, by a hash set.
const LINEAR_DEDUP: usize = 16;

#[derive(Default)]
struct Parser {
    cert: ParsedCertificate,
    seen: Option<HashSet<String>>,
    /// BasicConstraints cA values met (false, true), to report contradictions.
    ca_seen: [bool; 2],
    /// Number of warnings dropped past MAX_WARNINGS.
    dropped_warnings: usize,
    /// Renders the extensions when asked for ([`ParsedCertificate::extensions`]).
    extensions: Option<ExtensionCollector>,
}

impl Parser {
    fn with_extensions() -> Parser {
        Parser {
            extensions: Some(ExtensionCollector::default()),
            ..Parser::default()
        }
    }

    fn warn(&mut self, msg: fmt::Arguments<'_>) {
        if self.cert.warnings.len() < MAX_WARNINGS {
            self.cert.warnings.push(msg.to_string());
        } else {
            self.dropped_warnings += 1;
        }
    }

    fn parse_tbs(mut self, tbs: Tlv<'_>, truncated: bool) -> Result<ParsedCertificate, X509Error> {
        if tbs.tag != der::SEQUENCE {
            return Err(X509Error {
                message: format!("tbsCertificate is not a SEQUENCE (tag 0x{:02X})", tbs.tag),
            });
        }
        if truncated {
            self.warn(format_args!("tbsCertificate truncated"));
        }
        let mut rest = tbs.content;
        if der::peek_tag(rest) == Some(der::context_constructed(0)) {
            read_tlv(&mut rest).map_err(|e| fail("version", e))?;
        }
        let serial =
            der::expect_tlv(&mut rest, der::INTEGER).map_err(|e| fail("serialNumber", e))?;
        self.cert.serial_number = serial_hex(serial.content);
        let algorithm = der::expect_tlv(&mut rest, der::SEQUENCE)
            .map_err(|e| fail("signature algorithm", e))?;
        self.cert.signature_algorithm = signature_algorithm_name(algorithm.content);
        let issuer = der::expect_tlv(&mut rest, der::SEQUENCE).map_err(|e| fail("issuer", e))?;
        let validity =
            der::expect_tlv(&mut rest, der::SEQUENCE).map_err(|e| fail("validity", e))?;
        let subject = der::expect_tlv(&mut rest, der::SEQUENCE).map_err(|e| fail("subject", e))?;

        let mut issuer_dn = DistinguishedName::default();
        self.parse_name(issuer.content, &mut issuer_dn, "issuer");
        self.cert.issuer = issuer_dn;
        let mut subject_dn = DistinguishedName::default();
        self.parse_name(subject.content, &mut subject_dn, "subject");
        self.cert.subject = subject_dn;
        self.parse_validity(validity.content);

        // subjectPublicKeyInfo, optional unique IDs, [3] extensions: all optional here.
        while !rest.is_empty() {
            let (t, cut) = match read_tlv_truncated(&mut rest) {
                Ok(x) => x,
                Err(e) => {
                    self.warn(format_args!("tbsCertificate after subject: {e}"));
                    break;
                }
            };
            match t.tag {
                0xA3 => {
                    if cut {
                        self.warn(format_args!("extensions truncated"));
                    }
                    self.parse_extensions(t.content);
                }
                _ if cut => self.warn(format_args!(
                    "tbsCertificate field 0x{:02X} truncated",
                    t.tag
                )),
                der::SEQUENCE | 0x81 | 0x82 | 0xA1 | 0xA2 => {}
                other => self.warn(format_args!(
                    "unexpected field 0x{other:02X} in tbsCertificate"
                )),
            }
        }

        // Subject CNs after the SAN names, unless the certificate is a CA (certstream-server-go).
        if !self.cert.is_ca {
            let cns = std::mem::take(&mut self.cert.subject.cn);
            for cn in &cns {
                self.add_name(cn);
            }
            self.cert.subject.cn = cns;
        }
        if let Some(c) = self.extensions.take() {
            self.cert.extensions = Some(c.finish(self.cert.is_ca));
        }
        if self.dropped_warnings > 0 {
            let n = self.dropped_warnings;
            self.cert.warnings.push(format!("… and {n} more warnings"));
        }
        Ok(self.cert)
    }

    fn parse_validity(&mut self, content: &[u8]) {
        let mut times = Children::new(content);
        for (slot, what) in [(0, "notBefore"), (1, "notAfter")] {
            let value = match times.next() {
                Some(Ok(t)) => parse_time(t.tag, t.content),
                Some(Err(e)) => {
                    self.warn(format_args!("validity: {e}"));
                    None
                }
                None => None,
            };
            if value.is_none() {
                self.warn(format_args!("{what} missing or not a valid time"));
            }
            if slot == 0 {
                self.cert.not_before = value;
            } else {
                self.cert.not_after = value;
            }
        }
    }

    /// Name ::= SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue).
    fn parse_name(&mut self, content: &[u8], dn: &mut DistinguishedName, what: &str) {
        for rdn in Children::new(content) {
            let rdn = match rdn {
                Ok(r) if r.tag == der::SET => r,
                Ok(r) => {
                    self.warn(format_args!(
                        "{what}: RDN is not a SET (tag 0x{:02X}), skipped",
                        r.tag
                    ));
                    continue;
                }
                Err(e) => {
                    self.warn(format_args!("{what}: {e}"));
                    break;
                }
            };
            for atv in rdn.children() {
                let atv = match atv {
                    Ok(a) if a.tag == der::SEQUENCE => a,
                    Ok(a) => {
                        self.warn(format_args!(
                            "{what}: attribute is not a SEQUENCE (tag 0x{:02X})",
                            a.tag
                        ));
                        continue;
                    }
                    Err(e) => {
                        self.warn(format_args!("{what}: {e}"));
                        break;
                    }
                };
                let mut parts = atv.content;
                let oid = match der::expect_tlv(&mut parts, der::OID) {
                    Ok(o) => o,
                    Err(e) => {
                        self.warn(format_args!("{what}: attribute type: {e}"));
                        continue;
                    }
                };
                let list = match oid.content {
                    OID_CN => &mut dn.cn,
                    OID_C => &mut dn.c,
                    OID_L => &mut dn.l,
                    OID_ST => &mut dn.st,
                    OID_O => &mut dn.o,
                    OID_OU => &mut dn.ou,
                    OID_EMAIL => &mut dn.email,
                    _ => continue,
                };
                let value = match read_tlv(&mut parts) {
                    Ok(v) => v,
                    Err(e) => {
                        self.warn(format_args!(
                            "{what}: attribute {} value: {e}",
                            der::oid_to_string(oid.content)
                        ));
                        continue;
                    }
                };
                let (text, lossy) = decode_string(value);
                if lossy {
                    self.cert.lossy = true;
                }
                if text.starts_with('#') && !is_string_tag(value.tag) {
                    self.warn(format_args!(
                        "{what}: attribute {} has non-string type 0x{:02X}, kept as hex",
                        der::oid_to_string(oid.content),
                        value.tag
                    ));
                }
                list.push(text);
            }
        }
    }

    /// [3] EXPLICIT Extensions ::= SEQUENCE OF Extension.
    fn parse_extensions(&mut self, content: &[u8]) {
        let mut input = content;
        let (seq, _) = match read_tlv_truncated(&mut input) {
            Ok(x) => x,
            Err(e) => {
                self.warn(format_args!("extensions: {e}"));
                return;
            }
        };
        if seq.tag != der::SEQUENCE {
            self.warn(format_args!(
                "extensions are not a SEQUENCE (tag 0x{:02X})",
                seq.tag
            ));
            return;
        }
        let mut rest = seq.content;
        while !rest.is_empty() {
            let (ext, cut) = match read_tlv_truncated(&mut rest) {
                Ok(x) => x,
                Err(e) => {
                    self.warn(format_args!("extensions: {e}"));
                    break;
                }
            };
            if ext.tag != der::SEQUENCE {
                self.warn(format_args!(
                    "extension is not a SEQUENCE (tag 0x{:02X}), skipped",
                    ext.tag
                ));
                continue;
            }
            self.parse_extension(ext.content, cut);
        }
    }

    /// Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
    fn parse_extension(&mut self, content: &[u8], cut: bool) {
        let mut parts = content;
        let oid = match der::expect_tlv(&mut parts, der::OID) {
            Ok(o) => o,
            Err(e) => {
                self.warn(format_args!(
                    "extension without a readable OID ({e}), skipped"
                ));
                return;
            }
        };
        let name = || match oid.content {
            OID_SAN => "SAN".to_string(),
            OID_BASIC_CONSTRAINTS => "basicConstraints".to_string(),
            other => der::oid_to_string(other),
        };
        if let Err(e) = der::read_optional(&mut parts, der::BOOLEAN) {
            self.warn(format_args!(
                "{} extension: critical flag: {e}, skipped",
                name()
            ));
            return;
        }
        let (value, value_cut) = match read_tlv_truncated(&mut parts) {
            Ok((v, c)) if v.tag == der::OCTET_STRING => (v, c),
            Ok((v, _)) => {
                self.warn(format_args!(
                    "{} extension: value is not an OCTET STRING (tag 0x{:02X}), skipped",
                    name(),
                    v.tag
                ));
                return;
            }
            Err(e) => {
                self.warn(format_args!("{} extension: value: {e}, skipped", name()));
                return;
            }
        };
        let cut = cut || value_cut;
        if let (Some(c), false) = (self.extensions.as_mut(), cut) {
            c.add(oid.content, value.content);
        }
        match oid.content {
            OID_SAN => self.parse_san(value.content, cut),
            OID_BASIC_CONSTRAINTS => self.parse_basic_constraints(value.content, cut),
            _ => {
                if cut {
                    self.warn(format_args!("{} extension truncated", name()));
                }
            }
        }
    }

    /// SubjectAltName ::= SEQUENCE OF GeneralName. dNSNames become names; iPAddress and the
    /// other kinds are skipped.
    fn parse_san(&mut self, value: &[u8], cut: bool) {
        let mut input = value;
        let (seq, seq_cut) = match read_tlv_truncated(&mut input) {
            Ok(x) => x,
            Err(e) => {
                self.warn(format_args!("SAN extension: {e}, skipped"));
                return;
            }
        };
        if seq.tag != der::SEQUENCE {
            self.warn(format_args!(
                "SAN extension is not a SEQUENCE (tag 0x{:02X}), skipped",
                seq.tag
            ));
            return;
        }
        // A single trailing 00 after the SEQUENCE is a known encoder bug; tolerate it quietly.
        if !input.is_empty() && input != [0] {
            self.warn(format_args!(
                "SAN extension: {} bytes of trailing data",
                input.len()
            ));
        }
        let mut broken = false;
        for gn in seq.children() {
            match gn {
                Ok(gn) if gn.tag == GN_DNS_NAME => self.add_dns_name(gn.content),
                Ok(gn) if gn.tag == GN_IP_ADDRESS => {}
                Ok(_) => {}
                Err(_) => broken = true,
            }
        }
        if broken || cut || seq_cut {
            self.warn(format_args!("SAN extension truncated"));
        }
    }

    /// BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLen INTEGER OPTIONAL }
    fn parse_basic_constraints(&mut self, value: &[u8], cut: bool) {
        let mut input = value;
        let seq = match der::expect_tlv(&mut input, der::SEQUENCE) {
            Ok(s) => s,
            Err(e) => {
                self.warn(format_args!("basicConstraints extension: {e}, skipped"));
                return;
            }
        };
        if cut {
            self.warn(format_args!("basicConstraints extension truncated"));
        }
        let mut parts = seq.content;
        let ca = match der::read_optional(&mut parts, der::BOOLEAN) {
            // DER says FF for TRUE; BER-style non-zero values are read as true.
            Ok(Some(b)) => b.content.iter().any(|&x| x != 0),
            Ok(None) => false,
            Err(e) => {
                self.warn(format_args!("basicConstraints extension: cA: {e}, skipped"));
                return;
            }
        };
        self.ca_seen[ca as usize] = true;
        if self.ca_seen[0] && self.ca_seen[1] {
            self.warn(format_args!(
                "contradictory basicConstraints extensions (read as CA)"
            ));
        }
        self.cert.is_ca |= ca;
    }

    fn add_dns_name(&mut self, bytes: &[u8]) {
        match std::str::from_utf8(bytes) {
            Ok(s) => self.add_name(s),
            Err(_) => {
                self.cert.lossy = true;
                let s = String::from_utf8_lossy(bytes);
                self.add_name(&s);
            }
        }
    }

    /// Add a name (after clean-up) and, if it holds a NUL or a `/`, the part before it.
    fn add_name(&mut self, raw: &str) {
        let s = strip_scheme(raw.trim());
        self.add_clean(s);
        if let Some(i) = s.find('\0') {
            self.add_clean(&s[..i]);
        }
        if let Some(i) = s.find('/') {
            self.add_clean(&s[..i]);
        }
    }

    fn add_clean(&mut self, s: &str) {
        let s = s.trim().trim_end_matches('.');
        if s.is_empty() {
            return;
        }
        let name: Cow<'_, str> = if s.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(s.to_ascii_lowercase())
        } else {
            Cow::Borrowed(s)
        };
        let names = &mut self.cert.all_domains;
        match &mut self.seen {
            None => {
                if names.iter().any(|n| *n == name) {
                    return;
                }
                names.push(name.into_owned());
                if names.len() >= LINEAR_DEDUP {
                    self.seen = Some(names.iter().cloned().collect());
                }
            }
            Some(seen) => {
                if seen.contains(name.as_ref()) {
                    return;
                }
                let name = name.into_owned();
                seen.insert(name.clone());
                names.push(name);
            }
        }
    }
}

/// `http://` / `https://` prefix (any case) removed.
fn strip_scheme(s: &str) -> &str {
    for prefix in ["http://", "https://"] {
        if s.len() >= prefix.len()
            && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
        {
            return &s[prefix.len()..];
        }
    }
    s
}

fn is_string_tag(tag: u8) -> bool {
    matches!(
        tag,
        der::UTF8_STRING
            | der::PRINTABLE_STRING
            | der::TELETEX_STRING
            | der::IA5_STRING
            | der::VISIBLE_STRING
            | der::BMP_STRING
            | der::UNIVERSAL_STRING
    )
}

/// A DN value as text (the string types of RFC 5280 §4.1.2.4 / X.520) and whether it was decoded lossily.
/// UTF8String: UTF-8; PrintableString, IA5String, TeletexString, VisibleString: each byte
/// is the code point of the same value (Latin-1, charset not enforced); BMPString: UTF-16BE;
/// UniversalString: UTF-32BE. Any other type: `#` + lower-case hex of the whole element.
fn decode_string(v: Tlv<'_>) -> (String, bool) {
    let c = v.content;
    match v.tag {
        der::UTF8_STRING => match std::str::from_utf8(c) {
            Ok(s) => (s.to_owned(), false),
            Err(_) => (String::from_utf8_lossy(c).into_owned(), true),
        },
        der::PRINTABLE_STRING | der::IA5_STRING | der::TELETEX_STRING | der::VISIBLE_STRING => {
            if c.is_ascii() {
                // ASCII is UTF-8: no per-byte work.
                (String::from_utf8_lossy(c).into_owned(), false)
            } else {
                (c.iter().map(|&b| b as char).collect(), false)
            }
        }
        der::BMP_STRING => {
            let lossy_len = !c.len().is_multiple_of(2);
            let units = c.chunks_exact(2).map(|p| u16::from_be_bytes([p[0], p[1]]));
            let mut lossy = lossy_len;
            let mut s: String = char::decode_utf16(units)
                .map(|r| {
                    r.unwrap_or_else(|_| {
                        lossy = true;
                        char::REPLACEMENT_CHARACTER
                    })
                })
                .collect();
            if lossy_len {
                s.push(char::REPLACEMENT_CHARACTER);
            }
            (s, lossy)
        }
        der::UNIVERSAL_STRING => {
            let mut lossy = !c.len().is_multiple_of(4);
            let mut s: String = c
                .chunks_exact(4)
                .map(|q| {
                    char::from_u32(u32::from_be_bytes([q[0], q[1], q[2], q[3]])).unwrap_or_else(
                        || {
                            lossy = true;
                            char::REPLACEMENT_CHARACTER
                        },
                    )
                })
                .collect();
            if !c.len().is_multiple_of(4) {
                s.push(char::REPLACEMENT_CHARACTER);
            }
            (s, lossy)
        }
        _ => (format!("#{}", der::hex_lower(v.raw)), false),
    }
}

/// certstream-server-go's name (`parseSignatureAlgorithm`) of the algorithm in an
/// AlgorithmIdentifier's content (`OID [params]`), as Go's x509 maps the OIDs (RFC 3279,
/// RFC 4055, RFC 5758, RFC 8410): RSA `"<hash>, rsa"`, RSASSA-PSS `"<hash>, rsa-pss"` (the
/// hash from its parameters: SHA-256/384/512, anything else `"unknown"`), DSA and ECDSA
/// `"<algorithm>, <hash>"`, `"ed25519"`; any other OID is `"unknown"`.
pub fn signature_algorithm_name(algorithm_identifier: &[u8]) -> &'static str {
    const PKCS1: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01];
    const ECDSA_SHA1: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x01];
    const ECDSA_SHA2: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03];
    const DSA_SHA1: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x03];
    const DSA_SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x02];
    const ED25519: &[u8] = &[0x2B, 0x65, 0x70];
    const SHA1_RSA_OIW: &[u8] = &[0x2B, 0x0E, 0x03, 0x02, 0x1D];
    let mut input = algorithm_identifier;
    let Ok(oid) = der::expect_tlv(&mut input, der::OID) else {
        return "unknown";
    };
    let o = oid.content;
    match o {
        SHA1_RSA_OIW => return "sha1, rsa",
        ECDSA_SHA1 => return "ecdsa, sha1",
        DSA_SHA1 => return "dsa, sha1",
        DSA_SHA256 => return "dsa, sha256",
        ED25519 => return "ed25519",
        _ => {}
    }
    if let Some(&[n]) = o.strip_prefix(PKCS1) {
        return match n {
            2 => "md2, rsa",
            4 => "md5, rsa",
            5 => "sha1, rsa",
            11 => "sha256, rsa",
            12 => "sha384, rsa",
            13 => "sha512, rsa",
            10 => pss_name(input),
            _ => "unknown",
        };
    }
    if let Some(&[n]) = o.strip_prefix(ECDSA_SHA2) {
        return match n {
            2 => "ecdsa, sha256",
            3 => "ecdsa, sha384",
            4 => "ecdsa, sha512",
            _ => "unknown",
        };
    }
    "unknown"
}

/// RSASSA-PSS-params (RFC 4055 §3.1) `hashAlgorithm [0]`: SHA-256/384/512 named, the
/// default SHA-1 and anything else `"unknown"` (Go's x509 has no SHA-1 PSS either).
fn pss_name(params: &[u8]) -> &'static str {
    const SHA2: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02];
    let hash = (|| {
        let seq = der::expect_tlv(&mut &params[..], der::SEQUENCE).ok()?;
        let mut parts = seq.content;
        let h = der::expect_tlv(&mut parts, der::context_constructed(0)).ok()?;
        let alg = der::expect_tlv(&mut &h.content[..], der::SEQUENCE).ok()?;
        let oid = der::expect_tlv(&mut &alg.content[..], der::OID).ok()?;
        oid.content.strip_prefix(SHA2).map(<[u8]>::to_vec)
    })();
    match hash.as_deref() {
        Some([1]) => "sha256, rsa-pss",
        Some([2]) => "sha384, rsa-pss",
        Some([3]) => "sha512, rsa-pss",
        _ => "unknown",
    }
}

/// Serial INTEGER content → Go's `%X` of the positive value, even length (see the field doc).
fn serial_hex(content: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let start = content
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(content.len());
    let bytes = &content[start..];
    if bytes.is_empty() {
        return "00".to_string();
    }
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

/// UTCTime (`YYMMDDhhmm[ss]` then `Z`, `±hhmm` or nothing; YY ≥ 50 is 19YY) or
/// GeneralizedTime (`YYYYMMDDhh[mm[ss[.f…]]]` then `Z`, `±hhmm` or nothing) as Unix seconds.
/// `None` for anything else, including impossible dates. A zone-less time is read as UTC.
pub fn parse_time(tag: u8, s: &[u8]) -> Option<i64> {
    let mut p = Digits { s, i: 0 };
    let year = match tag {
        der::UTC_TIME => {
            let yy = p.two()? as i64;
            if yy >= 50 {
                1900 + yy
            } else {
                2000 + yy
            }
        }
        der::GENERALIZED_TIME => p.two()? as i64 * 100 + p.two()? as i64,
        _ => return None,
    };
    let month = p.two()?;
    let day = p.two()?;
    let hour = p.two()?;
    let (mut minute, mut second) = (0, 0);
    let minute_required = tag == der::UTC_TIME;
    if minute_required || p.next_is_digit() {
        minute = p.two()?;
        if p.next_is_digit() {
            second = p.two()?;
            if tag == der::GENERALIZED_TIME && matches!(p.peek(), Some(b'.') | Some(b',')) {
                p.i += 1;
                if !p.next_is_digit() {
                    return None;
                }
                while p.next_is_digit() {
                    p.i += 1;
                }
            }
        }
    }
    let offset = match p.peek() {
        None => 0,
        Some(b'Z') if p.i + 1 == s.len() => 0,
        Some(sign @ (b'+' | b'-')) => {
            p.i += 1;
            let (h, m) = (p.two()?, p.two()?);
            if p.i != s.len() || h > 23 || m > 59 {
                return None;
            }
            let o = (h * 3600 + m * 60) as i64;
            if sign == b'+' {
                o
            } else {
                -o
            }
        }
        _ => return None,
    };
    if !(1..=12).contains(&month)
        || day == 0
        || day > clock::days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = clock::days_from_civil(year, month, day);
    Some(days * 86_400 + (hour * 3600 + minute * 60 + second) as i64 - offset)
}

struct Digits<'a> {
    s: &'a [u8],
    i: usize,
}

impl Digits<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn next_is_digit(&self) -> bool {
        self.peek().is_some_and(|b| b.is_ascii_digit())
    }
    fn two(&mut self) -> Option<u32> {
        let a = *self.s.get(self.i)?;
        let b = *self.s.get(self.i + 1)?;
        if !a.is_ascii_digit() || !b.is_ascii_digit() {
            return None;
        }
        self.i += 2;
        Some((a - b'0') as u32 * 10 + (b - b'0') as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x509_times() {
        let u = |s: &str| parse_time(der::UTC_TIME, s.as_bytes());
        let g = |s: &str| parse_time(der::GENERALIZED_TIME, s.as_bytes());
        assert_eq!(u("700101000000Z"), Some(0));
        assert_eq!(u("171105190409Z"), Some(1_509_908_649));
        assert_eq!(u("1711051904Z"), Some(1_509_908_640));
        assert_eq!(u("171105190409"), Some(1_509_908_649));
        assert_eq!(u("171105190409+0100"), Some(1_509_908_649 - 3600));
        assert_eq!(u("1711051904-0130"), Some(1_509_908_640 + 5400));
        assert_eq!(u("491231235959Z"), Some(2_524_607_999));
        assert_eq!(u("500101000000Z"), Some(-631_152_000));
        assert_eq!(g("20500101000000Z"), Some(2_524_608_000));
        assert_eq!(g("99991231235959Z"), Some(253_402_300_799));
        assert_eq!(g("2017110519Z"), Some(1_509_908_400));
        assert_eq!(g("201711051904Z"), Some(1_509_908_640));
        assert_eq!(g("20171105190409.123Z"), Some(1_509_908_649));
        assert_eq!(g("20240229120000Z"), Some(1_709_208_000));
        for bad in [
            "",
            "17",
            "1711051904X",
            "171105190409Zjunk",
            "171305190409Z",
            "170230000000Z",
            "17110524000Z",
            "1711051904+01",
            "17110519046Z",
        ] {
            assert_eq!(u(bad), None, "{bad}");
        }
        for bad in [
            "20230229000000Z",
            "2017110519.5Z",
            "20171105190409.Z",
            "201711051",
            "2017110519+2400",
        ] {
            assert_eq!(g(bad), None, "{bad}");
        }
        assert_eq!(parse_time(der::INTEGER, b"171105190409Z"), None);
    }

    #[test]
    fn x509_serials() {
        assert_eq!(serial_hex(&[0x00, 0x8F, 0x01]), "8F01");
        assert_eq!(serial_hex(&[0x03, 0x39]), "0339");
        assert_eq!(serial_hex(&[0x00]), "00");
        assert_eq!(serial_hex(&[]), "00");
        assert_eq!(serial_hex(&[0xFF]), "FF");
        assert_eq!(serial_hex(&[0x00, 0x00, 0x01]), "01");
    }

    #[test]
    fn x509_signature_algorithm_names_as_go() {
        let hex = |s: &str| -> Vec<u8> {
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                .collect()
        };
        // AlgorithmIdentifier content: OID [params].
        for (content, want) in [
            ("06092a864886f70d01010b0500", "sha256, rsa"),
            ("06092a864886f70d01010c0500", "sha384, rsa"),
            ("06092a864886f70d01010d", "sha512, rsa"),
            ("06092a864886f70d0101050500", "sha1, rsa"),
            ("06092a864886f70d0101040500", "md5, rsa"),
            ("06092a864886f70d0101020500", "md2, rsa"),
            ("06052b0e03021d", "sha1, rsa"),
            ("06082a8648ce3d040302", "ecdsa, sha256"),
            ("06082a8648ce3d040303", "ecdsa, sha384"),
            ("06082a8648ce3d040304", "ecdsa, sha512"),
            ("06072a8648ce3d0401", "ecdsa, sha1"),
            ("06072a8648ce380403", "dsa, sha1"),
            ("0609608648016503040302", "dsa, sha256"),
            ("06032b6570", "ed25519"),
            // RSASSA-PSS with hashAlgorithm [0] sha384, sha256, sha512; none (SHA-1 default).
            (
                "06092a864886f70d01010a3011a00f300d06096086480165030402020500",
                "sha384, rsa-pss",
            ),
            (
                "06092a864886f70d01010a300fa00d300b0609608648016503040201",
                "sha256, rsa-pss",
            ),
            (
                "06092a864886f70d01010a300fa00d300b0609608648016503040203",
                "sha512, rsa-pss",
            ),
            ("06092a864886f70d01010a3000", "unknown"),
            ("06092a864886f70d01010a", "unknown"),
            ("06092a864886f70d010101", "unknown"),
            ("06032b6571", "unknown"),
            ("0500", "unknown"),
            ("", "unknown"),
            ("06", "unknown"),
        ] {
            assert_eq!(signature_algorithm_name(&hex(content)), want, "{content}");
        }
    }

    #[test]
    fn x509_aggregated() {
        let dn = DistinguishedName {
            c: vec!["US".into()],
            o: vec!["Let's Encrypt".into()],
            cn: vec!["R11".into()],
            ..Default::default()
        };
        assert_eq!(dn.aggregated(), "/C=US/CN=R11/O=Let's Encrypt");
        assert_eq!(DistinguishedName::default().aggregated(), "/CN=");
        let dn = DistinguishedName {
            ou: vec!["a".into(), "b".into()],
            st: vec!["CA".into()],
            l: vec!["SF".into()],
            email: vec!["x@y".into()],
            ..Default::default()
        };
        assert_eq!(dn.aggregated(), "/CN=/L=SF/OU=a,b/ST=CA");
    }

    #[test]
    fn x509_string_decoding() {
        let t = |tag: u8, content: &'static [u8]| {
            decode_string(Tlv {
                tag,
                content,
                raw: content,
            })
        };
        assert_eq!(
            t(der::UTF8_STRING, "é.com".as_bytes()),
            ("é.com".into(), false)
        );
        assert_eq!(t(der::UTF8_STRING, b"a\xFFb"), ("a\u{FFFD}b".into(), true));
        assert_eq!(t(der::TELETEX_STRING, b"caf\xE9"), ("café".into(), false));
        assert_eq!(t(der::PRINTABLE_STRING, b"US"), ("US".into(), false));
        assert_eq!(
            t(der::BMP_STRING, &[0x00, 0x41, 0x00, 0xE9]),
            ("Aé".into(), false)
        );
        assert_eq!(
            t(der::BMP_STRING, &[0xD8, 0x3D, 0xDE, 0x00]),
            ("😀".into(), false)
        );
        assert_eq!(
            t(der::BMP_STRING, &[0xD8, 0x3D, 0x00]),
            ("\u{FFFD}\u{FFFD}".into(), true)
        );
        assert_eq!(
            t(der::UNIVERSAL_STRING, &[0, 0, 0, 0x41, 0, 0x11, 0, 0]),
            ("A\u{FFFD}".into(), true)
        );
        assert_eq!(
            t(der::INTEGER, &[0x02, 0x01, 0x05]),
            ("#020105".into(), false)
        );
    }

    #[test]
    fn x509_name_cleanup() {
        let mut p = Parser::default();
        for n in [
            " WWW.Example.COM. ",
            "www.example.com",
            "https://Login.example.com/path",
            "evil.com\0.bank.com",
            "*.a.com",
            ".",
            "  ",
            "HTTP://x.org",
        ] {
            p.add_name(n);
        }
        assert_eq!(
            p.cert.all_domains,
            vec![
                "www.example.com",
                "login.example.com/path",
                "login.example.com",
                "evil.com\0.bank.com",
                "evil.com",
                "*.a.com",
                "x.org"
            ]
        );
    }

    #[test]
    fn x509_dedup_switches_to_hash_set() {
        let mut p = Parser::default();
        for round in 0..2 {
            for i in 0..100 {
                p.add_name(&format!("n{i}.example"));
            }
            assert_eq!(p.cert.all_domains.len(), 100, "round {round}");
        }
        assert!(p.seen.is_some());
        p.add_name("N5.example.");
        assert_eq!(p.cert.all_domains.len(), 100);
    }

    #[test]
    fn x509_rejects_non_certificates() {
        assert!(parse_certificate(&[]).is_err());
        assert!(parse_certificate(&[0x02, 0x01, 0x00]).is_err());
        assert!(parse_certificate(&[0x30, 0x00]).is_err());
        assert!(parse_certificate(&[0x30, 0x02, 0x30, 0x00]).is_err());
        assert!(parse_tbs(&[0x30, 0x03, 0x02, 0x01, 0x01]).is_err());
        assert!(parse_tbs(&[0x31, 0x00]).is_err());
    }
}

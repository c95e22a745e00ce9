//! X.509 v3 extensions (RFC 5280 §4.2) rendered the way certstream-server-go shows them in
//! a certstream `leaf_cert.extensions` object (its `internal/certificatetransparency/ct-parser.go`,
//! `leafCertFromX509cert`), for the certstream messages `serve` sends.
//!
//! Only the extensions certstream-server-go renders get a field, in its format:
//!
//! | key | extension | format |
//! |---|---|---|
//! | `authorityInfoAccess` | 1.3.6.1.5.5.7.1.1 | `URI:<caIssuers>, …, URI:<OCSP>, …` (URI locations only) |
//! | `authorityKeyIdentifier` | 2.5.29.35 | `keyid:` + lower-case hex bytes joined by `:` |
//! | `basicConstraints` | 2.5.29.19 | `CA:TRUE` / `CA:FALSE` (the certificate's cA) |
//! | `certificatePolicies` | 2.5.29.32 | `Policy: <OID>\n` per policy |
//! | `keyUsage` | 2.5.29.15 | `Digital Signature, Key Encipherment, …` |
//! | `subjectAltName` | 2.5.29.17 | `DNS:a, DNS:b, email:x, IP Address:1.2.3.4` (all DNS, then emails, then IPs; URIs dropped) |
//! | `subjectKeyIdentifier` | 2.5.29.14 | `keyid:` + lower-case hex bytes joined by `:` |
//! | `ctlPoisonByte` | 1.3.6.1.4.1.11129.2.4.3 (RFC 6962 §3.1) | `true` (only when present) |
//!
//! certstream-server-go declares `extendedKeyUsage` and `ctlSignedCertificateTimestamp` but
//! never fills them; they are not sent here either.
//!
//! Leniency: Go's parser rejects a certificate with a malformed extension (and the Go
//! server drops the entry). Here such an extension only loses its field; the certificate
//! and every other field stay. DNS names and emails are shown as written in the
//! certificate (decoded lossily if not UTF-8), not cleaned up like `all_domains`.

use crate::x509::der::{self, read_tlv, Children, Tlv};
use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

/// certstream `leaf_cert.extensions`: each field `Some` when the certificate has the
/// extension and it could be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extensions {
    pub authority_info_access: Option<String>,
    pub authority_key_identifier: Option<String>,
    pub basic_constraints: Option<String>,
    pub certificate_policies: Option<String>,
    pub key_usage: Option<String>,
    pub subject_alt_name: Option<String>,
    pub subject_key_identifier: Option<String>,
    /// The CT precertificate poison extension is present (RFC 6962 §3.1).
    pub ctl_poison_byte: bool,
}

// Extension OIDs (content bytes).
pub(crate) const OID_SAN: &[u8] = &[0x55, 0x1D, 0x11];
pub(crate) const OID_BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1D, 0x13];
const OID_KEY_USAGE: &[u8] = &[0x55, 0x1D, 0x0F];
const OID_SUBJECT_KEY_ID: &[u8] = &[0x55, 0x1D, 0x0E];
const OID_AUTHORITY_KEY_ID: &[u8] = &[0x55, 0x1D, 0x23];
const OID_CERTIFICATE_POLICIES: &[u8] = &[0x55, 0x1D, 0x20];
const OID_AUTHORITY_INFO_ACCESS: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01];
const OID_CT_POISON: &[u8] = &[0x2B, 0x06, 0x01, 0x04, 0x01, 0xD6, 0x79, 0x02, 0x04, 0x03];
const OID_AD_OCSP: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01];
const OID_AD_CA_ISSUERS: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];

/// GeneralName tags (RFC 5280 §4.2.1.6, IMPLICIT context-specific primitive).
const GN_RFC822_NAME: u8 = der::context_primitive(1);
const GN_DNS_NAME: u8 = der::context_primitive(2);
const GN_URI: u8 = der::context_primitive(6);
const GN_IP_ADDRESS: u8 = der::context_primitive(7);

/// Go's names of the KeyUsage bits 0 to 8, in its order.
const KEY_USAGE_NAMES: [&str; 9] = [
    "Digital Signature",
    "Content Commitment",
    "Key Encipherment",
    "Data Encipherment",
    "Key Agreement",
    "Certificate Signing",
    "CRL Signing",
    "Encipher Only",
    "Decipher Only",
];

/// Most SAN entries / policies / access descriptions rendered per extension, so a hostile
/// certificate cannot make a message much bigger than itself times a small factor.
const MAX_ITEMS: usize = 10_000;

/// Collects the extensions of one certificate while the parser walks them.
#[derive(Debug, Default)]
pub(crate) struct ExtensionCollector {
    ext: Extensions,
    basic_constraints: bool,
    dns: Vec<String>,
    emails: Vec<String>,
    ips: Vec<String>,
    san: bool,
}

impl ExtensionCollector {
    /// One extension's `extnValue` content (the DER inside the OCTET STRING).
    pub(crate) fn add(&mut self, oid: &[u8], value: &[u8]) {
        match oid {
            OID_SAN => self.san |= self.san_names(value).is_some(),
            OID_BASIC_CONSTRAINTS => self.basic_constraints = true,
            OID_KEY_USAGE => {
                if let Some(s) = key_usage(value) {
                    self.ext.key_usage = Some(s);
                }
            }
            OID_SUBJECT_KEY_ID => {
                if let Ok(t) = read_tlv(&mut &value[..]) {
                    if t.tag == der::OCTET_STRING {
                        self.ext.subject_key_identifier = Some(key_id(t.content));
                    }
                }
            }
            OID_AUTHORITY_KEY_ID => {
                if let Some(s) = authority_key_id(value) {
                    self.ext.authority_key_identifier = Some(s);
                }
            }
            OID_CERTIFICATE_POLICIES => {
                if let Some(s) = certificate_policies(value) {
                    self.ext.certificate_policies = Some(s);
                }
            }
            OID_AUTHORITY_INFO_ACCESS => {
                if let Some(s) = authority_info_access(value) {
                    self.ext.authority_info_access = Some(s);
                }
            }
            OID_CT_POISON => self.ext.ctl_poison_byte = true,
            _ => {}
        }
    }

    /// The extensions object; `is_ca` is the certificate's cA (all its BasicConstraints).
    pub(crate) fn finish(mut self, is_ca: bool) -> Extensions {
        if self.basic_constraints {
            self.ext.basic_constraints = Some(if is_ca { "CA:TRUE" } else { "CA:FALSE" }.into());
        }
        if self.san {
            let mut s = String::new();
            let parts = self
                .dns
                .iter()
                .map(|n| ("DNS:", n))
                .chain(self.emails.iter().map(|e| ("email:", e)))
                .chain(self.ips.iter().map(|i| ("IP Address:", i)));
            for (prefix, v) in parts {
                if !s.is_empty() {
                    s.push_str(", ");
                }
                s.push_str(prefix);
                s.push_str(v);
            }
            self.ext.subject_alt_name = Some(s);
        }
        self.ext
    }

    /// SubjectAltName ::= SEQUENCE OF GeneralName; `None` when it is not a SEQUENCE or a
    /// name cannot be framed (the field is then left out).
    fn san_names(&mut self, value: &[u8]) -> Option<()> {
        let seq = sequence(value)?;
        let (mut dns, mut emails, mut ips) = (Vec::new(), Vec::new(), Vec::new());
        for gn in Children::new(seq.content).take(MAX_ITEMS) {
            let gn = gn.ok()?;
            match gn.tag {
                GN_DNS_NAME => dns.push(String::from_utf8_lossy(gn.content).into_owned()),
                GN_RFC822_NAME => emails.push(String::from_utf8_lossy(gn.content).into_owned()),
                GN_IP_ADDRESS => ips.push(ip_string(gn.content)),
                _ => {}
            }
        }
        self.dns.extend(dns);
        self.emails.extend(emails);
        self.ips.extend(ips);
        Some(())
    }
}

/// The single SEQUENCE an extension value holds.
fn sequence(value: &[u8]) -> Option<Tlv<'_>> {
    let mut input = value;
    let t = read_tlv(&mut input).ok()?;
    (t.tag == der::SEQUENCE).then_some(t)
}

/// Go's `net.IP.String()`: dotted IPv4 (also for an IPv4-mapped IPv6 address), RFC 5952
/// IPv6, `?` + hex for any other length.
fn ip_string(b: &[u8]) -> String {
    if let Ok(v4) = <[u8; 4]>::try_from(b) {
        return Ipv4Addr::from(v4).to_string();
    }
    if let Ok(v6) = <[u8; 16]>::try_from(b) {
        let a = Ipv6Addr::from(v6);
        return match a.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => a.to_string(),
        };
    }
    format!("?{}", der::hex_lower(b))
}

/// `keyid:` + lower-case hex bytes joined by `:` (Go's `formatKeyID`; empty: `keyid:`).
fn key_id(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(6 + bytes.len() * 3);
    s.push_str("keyid:");
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// KeyUsage ::= BIT STRING (bit 0 digitalSignature … bit 8 decipherOnly), Go's names in
/// bit order joined by `, `.
fn key_usage(value: &[u8]) -> Option<String> {
    let t = read_tlv(&mut &value[..]).ok()?;
    if t.tag != der::BIT_STRING || t.content.is_empty() {
        return None;
    }
    let bits = &t.content[1..];
    let set = |i: usize| bits.get(i / 8).is_some_and(|b| b & (0x80 >> (i % 8)) != 0);
    let names: Vec<&str> = (0..KEY_USAGE_NAMES.len())
        .filter(|&i| set(i))
        .map(|i| KEY_USAGE_NAMES[i])
        .collect();
    Some(names.join(", "))
}

/// AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL, … }.
fn authority_key_id(value: &[u8]) -> Option<String> {
    let seq = sequence(value)?;
    for part in Children::new(seq.content) {
        let part = part.ok()?;
        if part.tag == der::context_primitive(0) {
            return Some(key_id(part.content));
        }
    }
    Some(key_id(&[]))
}

/// certificatePolicies ::= SEQUENCE OF PolicyInformation { policyIdentifier OID, … }:
/// `Policy: <dotted OID>\n` for each.
fn certificate_policies(value: &[u8]) -> Option<String> {
    let seq = sequence(value)?;
    let mut s = String::new();
    for info in Children::new(seq.content).take(MAX_ITEMS) {
        let info = info.ok()?;
        if info.tag != der::SEQUENCE {
            return None;
        }
        let oid = der::expect_tlv(&mut &info.content[..], der::OID).ok()?;
        s.push_str("Policy: ");
        s.push_str(&der::oid_to_string(oid.content));
        s.push('\n');
    }
    Some(s)
}

/// AuthorityInfoAccessSyntax ::= SEQUENCE OF AccessDescription { accessMethod OID,
/// accessLocation GeneralName }: the caIssuers URIs, then the OCSP URIs, each `URI:…`,
/// joined by `, ` (other methods and non-URI locations are left out, as Go does).
fn authority_info_access(value: &[u8]) -> Option<String> {
    let seq = sequence(value)?;
    let (mut issuers, mut ocsp) = (Vec::new(), Vec::new());
    for ad in Children::new(seq.content).take(MAX_ITEMS) {
        let ad = ad.ok()?;
        if ad.tag != der::SEQUENCE {
            return None;
        }
        let mut parts = ad.content;
        let method = der::expect_tlv(&mut parts, der::OID).ok()?;
        let location = read_tlv(&mut parts).ok()?;
        if location.tag != GN_URI {
            continue;
        }
        let uri = String::from_utf8_lossy(location.content).into_owned();
        match method.content {
            OID_AD_CA_ISSUERS => issuers.push(uri),
            OID_AD_OCSP => ocsp.push(uri),
            _ => {}
        }
    }
    let all: Vec<String> = issuers
        .into_iter()
        .chain(ocsp)
        .map(|u| format!("URI:{u}"))
        .collect();
    Some(all.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_strings_as_go_prints_them() {
        assert_eq!(ip_string(&[192, 0, 2, 1]), "192.0.2.1");
        let mut mapped = [0u8; 16];
        mapped[10] = 0xFF;
        mapped[11] = 0xFF;
        mapped[12..].copy_from_slice(&[10, 0, 0, 1]);
        assert_eq!(ip_string(&mapped), "10.0.0.1");
        let mut v6 = [0u8; 16];
        v6[0] = 0x20;
        v6[1] = 0x01;
        v6[2] = 0x0d;
        v6[3] = 0xb8;
        v6[15] = 1;
        assert_eq!(ip_string(&v6), "2001:db8::1");
        assert_eq!(ip_string(&[1, 2, 3]), "?010203");
    }

    #[test]
    fn key_usage_bits_in_go_order() {
        // 03 02 05 A0: digitalSignature, keyEncipherment.
        assert_eq!(
            key_usage(&[0x03, 0x02, 0x05, 0xA0]).unwrap(),
            "Digital Signature, Key Encipherment"
        );
        // keyCertSign + cRLSign (bits 5, 6), decipherOnly (bit 8, second byte).
        assert_eq!(
            key_usage(&[0x03, 0x03, 0x07, 0x06, 0x80]).unwrap(),
            "Certificate Signing, CRL Signing, Decipher Only"
        );
        assert_eq!(key_usage(&[0x03, 0x01, 0x00]).unwrap(), "");
        assert_eq!(key_usage(&[0x03, 0x00]), None);
        assert_eq!(key_usage(&[0x04, 0x01, 0x00]), None);
    }

    #[test]
    fn key_identifiers() {
        assert_eq!(key_id(&[0x14, 0x2E, 0xB3]), "keyid:14:2e:b3");
        assert_eq!(key_id(&[]), "keyid:");
        // AKI with keyIdentifier [0], and with only an issuer/serial.
        assert_eq!(
            authority_key_id(&[0x30, 0x04, 0x80, 0x02, 0xAB, 0x01]).unwrap(),
            "keyid:ab:01"
        );
        assert_eq!(
            authority_key_id(&[0x30, 0x03, 0x82, 0x01, 0x05]).unwrap(),
            "keyid:"
        );
        assert_eq!(authority_key_id(&[0x31, 0x00]), None);
    }
}

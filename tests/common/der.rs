//! A small DER writer and certificate builder for tests, plus the CT framings that wrap
//! certificates (RFC 6962 §3.4 MerkleTreeLeaf, §4.6 extra_data; C2SP static-ct-api
//! TileLeaf).
//!
//! Self-contained (std only) so examples and fuzz targets can include it with
//! `#[path = "../tests/common/der.rs"] mod der_writer;`.
//!
//! ```ignore
//! let b = CertBuilder::new()
//!     .serial(&[0x03, 0x39, 0x80])
//!     .issuer_le("R11")
//!     .subject_cn("example.com")
//!     .validity(1_790_000_000, 1_797_776_000)
//!     .dns_names(&["example.com", "www.example.com"]);
//! let cert = b.certificate();            // x509_entry leaf
//! let tbs = b.tbs();                     // precert_entry leaf_input TBS (no poison)
//! let pre = b.precertificate();          // extra_data pre_certificate (with poison)
//! let leaf_input = merkle_tree_leaf_precert(1_790_000_000_000, &[7; 32], &tbs);
//! let extra = extra_data_precert(&pre, &[&issuer_der]);
//! ```
//!
//! Nothing here checks its input much: tests build hostile encodings on purpose.
#![allow(dead_code)]

// ---------------------------------------------------------------------------------------
// Tags

pub const BOOLEAN: u8 = 0x01;
pub const INTEGER: u8 = 0x02;
pub const BIT_STRING: u8 = 0x03;
pub const OCTET_STRING: u8 = 0x04;
pub const NULL: u8 = 0x05;
pub const OID: u8 = 0x06;
pub const UTF8_STRING: u8 = 0x0C;
pub const PRINTABLE_STRING: u8 = 0x13;
pub const TELETEX_STRING: u8 = 0x14;
pub const IA5_STRING: u8 = 0x16;
pub const UTC_TIME: u8 = 0x17;
pub const GENERALIZED_TIME: u8 = 0x18;
pub const VISIBLE_STRING: u8 = 0x1A;
pub const UNIVERSAL_STRING: u8 = 0x1C;
pub const BMP_STRING: u8 = 0x1E;
pub const SEQUENCE: u8 = 0x30;
pub const SET: u8 = 0x31;

// OIDs (dotted)
pub const OID_CN: &str = "2.5.4.3";
pub const OID_SERIAL_NUMBER: &str = "2.5.4.5";
pub const OID_C: &str = "2.5.4.6";
pub const OID_L: &str = "2.5.4.7";
pub const OID_ST: &str = "2.5.4.8";
pub const OID_STREET: &str = "2.5.4.9";
pub const OID_O: &str = "2.5.4.10";
pub const OID_OU: &str = "2.5.4.11";
pub const OID_EMAIL: &str = "1.2.840.113549.1.9.1";
pub const OID_SAN: &str = "2.5.29.17";
pub const OID_BASIC_CONSTRAINTS: &str = "2.5.29.19";
pub const OID_KEY_USAGE: &str = "2.5.29.15";
pub const OID_EXT_KEY_USAGE: &str = "2.5.29.37";
pub const OID_CT_POISON: &str = "1.3.6.1.4.1.11129.2.4.3";
pub const OID_CT_SCT_LIST: &str = "1.3.6.1.4.1.11129.2.4.2";
pub const OID_ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
pub const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
pub const OID_P256: &str = "1.2.840.10045.3.1.7";

// ---------------------------------------------------------------------------------------
// Primitive encoders

/// DER length octets: short form below 128, else `0x80 | n` and n big-endian octets.
pub fn encode_len(len: usize) -> Vec<u8> {
    if len < 0x80 {
        return vec![len as u8];
    }
    let bytes = (len as u64).to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count();
    let mut out = vec![0x80 | (8 - skip) as u8];
    out.extend_from_slice(&bytes[skip..]);
    out
}

/// One element: tag, length, content.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    out.extend(encode_len(content.len()));
    out.extend_from_slice(content);
    out
}

/// A constructed element whose content is the concatenation of `children`.
pub fn constructed(tag: u8, children: &[Vec<u8>]) -> Vec<u8> {
    tlv(tag, &children.concat())
}

pub fn sequence(children: &[Vec<u8>]) -> Vec<u8> {
    constructed(SEQUENCE, children)
}

pub fn set(children: &[Vec<u8>]) -> Vec<u8> {
    constructed(SET, children)
}

/// `[n] EXPLICIT` (context-specific, constructed) around one inner element.
pub fn explicit(n: u8, inner: &[u8]) -> Vec<u8> {
    tlv(0xA0 | n, inner)
}

/// `[n] IMPLICIT` on a primitive type (context-specific, primitive): tag `0x80 | n`.
pub fn implicit(n: u8, content: &[u8]) -> Vec<u8> {
    tlv(0x80 | n, content)
}

/// OID content octets from dotted form (`"2.5.4.3"` → `55 04 03`).
pub fn oid_content(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted
        .split('.')
        .map(|a| a.parse().expect("numeric OID arc"))
        .collect();
    assert!(arcs.len() >= 2, "OID needs two arcs");
    let mut out = Vec::new();
    let mut push = |mut v: u64| {
        let mut tmp = vec![(v & 0x7F) as u8];
        v >>= 7;
        while v > 0 {
            tmp.push(0x80 | (v & 0x7F) as u8);
            v >>= 7;
        }
        tmp.reverse();
        out.extend(tmp);
    };
    push(arcs[0] * 40 + arcs[1]);
    for &a in &arcs[2..] {
        push(a);
    }
    out
}

pub fn oid(dotted: &str) -> Vec<u8> {
    tlv(OID, &oid_content(dotted))
}

/// INTEGER of `v`, minimal two's complement.
pub fn integer(v: i64) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let mut start = 0;
    while start < 7 {
        let (b, next) = (bytes[start], bytes[start + 1]);
        if (b == 0x00 && next & 0x80 == 0) || (b == 0xFF && next & 0x80 != 0) {
            start += 1;
        } else {
            break;
        }
    }
    tlv(INTEGER, &bytes[start..])
}

/// INTEGER with exactly these content octets (serials, non-minimal or negative encodings).
pub fn integer_bytes(content: &[u8]) -> Vec<u8> {
    tlv(INTEGER, content)
}

pub fn boolean(v: bool) -> Vec<u8> {
    tlv(BOOLEAN, &[if v { 0xFF } else { 0x00 }])
}

pub fn null() -> Vec<u8> {
    vec![NULL, 0x00]
}

pub fn octet_string(content: &[u8]) -> Vec<u8> {
    tlv(OCTET_STRING, content)
}

/// BIT STRING with no unused bits.
pub fn bit_string(bits: &[u8]) -> Vec<u8> {
    let mut c = vec![0u8];
    c.extend_from_slice(bits);
    tlv(BIT_STRING, &c)
}

/// A string element of any type with these exact content octets.
pub fn string(tag: u8, bytes: &[u8]) -> Vec<u8> {
    tlv(tag, bytes)
}

pub fn utf8_string(s: &str) -> Vec<u8> {
    tlv(UTF8_STRING, s.as_bytes())
}

pub fn printable_string(s: &str) -> Vec<u8> {
    tlv(PRINTABLE_STRING, s.as_bytes())
}

pub fn ia5_string(s: &str) -> Vec<u8> {
    tlv(IA5_STRING, s.as_bytes())
}

/// TeletexString with raw bytes (commonly Latin-1 in practice).
pub fn teletex_string(bytes: &[u8]) -> Vec<u8> {
    tlv(TELETEX_STRING, bytes)
}

/// BMPString: UTF-16BE.
pub fn bmp_string(s: &str) -> Vec<u8> {
    let c: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
    tlv(BMP_STRING, &c)
}

/// UniversalString: UTF-32BE.
pub fn universal_string(s: &str) -> Vec<u8> {
    let c: Vec<u8> = s.chars().flat_map(|ch| (ch as u32).to_be_bytes()).collect();
    tlv(UNIVERSAL_STRING, &c)
}

/// (year, month, day, hour, minute, second) of a Unix time, UTC.
pub fn civil(t: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // H. Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (
        y,
        m,
        d,
        (secs / 3600) as u32,
        (secs / 60 % 60) as u32,
        (secs % 60) as u32,
    )
}

/// UTCTime `YYMMDDhhmmssZ` (years 1950–2049).
pub fn utc_time(t: i64) -> Vec<u8> {
    let (y, mo, d, h, mi, s) = civil(t);
    assert!((1950..2050).contains(&y), "UTCTime covers 1950-2049");
    tlv(
        UTC_TIME,
        format!("{:02}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z", y % 100).as_bytes(),
    )
}

/// GeneralizedTime `YYYYMMDDhhmmssZ`.
pub fn generalized_time(t: i64) -> Vec<u8> {
    let (y, mo, d, h, mi, s) = civil(t);
    tlv(
        GENERALIZED_TIME,
        format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z").as_bytes(),
    )
}

/// The RFC 5280 choice: UTCTime through 2049, GeneralizedTime from 2050.
pub fn time(t: i64) -> Vec<u8> {
    if civil(t).0 < 2050 && civil(t).0 >= 1950 {
        utc_time(t)
    } else {
        generalized_time(t)
    }
}

// ---------------------------------------------------------------------------------------
// Names and general names

/// One AttributeTypeAndValue: OID and an already-encoded value (any string type, or junk).
#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    pub oid: String,
    pub value: Vec<u8>,
}

impl Attr {
    /// Attribute with an encoded value element (e.g. `bmp_string("…")`).
    pub fn new(oid: &str, value: Vec<u8>) -> Attr {
        Attr {
            oid: oid.to_string(),
            value,
        }
    }
    /// The usual types: PrintableString for C, UTF8String otherwise.
    pub fn text(oid: &str, s: &str) -> Attr {
        let value = if oid == OID_C {
            printable_string(s)
        } else {
            utf8_string(s)
        };
        Attr::new(oid, value)
    }
    pub fn encode(&self) -> Vec<u8> {
        sequence(&[oid(&self.oid), self.value.clone()])
    }
}

/// Name ::= SEQUENCE OF SET OF AttributeTypeAndValue; each inner Vec is one RDN.
pub fn name(rdns: &[Vec<Attr>]) -> Vec<u8> {
    let sets: Vec<Vec<u8>> = rdns
        .iter()
        .map(|rdn| set(&rdn.iter().map(Attr::encode).collect::<Vec<_>>()))
        .collect();
    sequence(&sets)
}

/// A GeneralName of a SubjectAltName.
#[derive(Debug, Clone, PartialEq)]
pub enum GeneralName {
    /// `[2]` dNSName, raw bytes (may be non-ASCII / non-UTF-8 on purpose).
    Dns(Vec<u8>),
    /// `[7]` iPAddress, 4 or 16 bytes (any length on purpose).
    Ip(Vec<u8>),
    /// `[1]` rfc822Name.
    Email(String),
    /// `[6]` URI.
    Uri(String),
    /// Any pre-encoded element.
    Raw(Vec<u8>),
}

impl GeneralName {
    pub fn dns(s: &str) -> GeneralName {
        GeneralName::Dns(s.as_bytes().to_vec())
    }
    pub fn ipv4(a: [u8; 4]) -> GeneralName {
        GeneralName::Ip(a.to_vec())
    }
    pub fn encode(&self) -> Vec<u8> {
        match self {
            GeneralName::Dns(b) => implicit(2, b),
            GeneralName::Ip(b) => implicit(7, b),
            GeneralName::Email(s) => implicit(1, s.as_bytes()),
            GeneralName::Uri(s) => implicit(6, s.as_bytes()),
            GeneralName::Raw(b) => b.clone(),
        }
    }
}

/// Extension ::= SEQUENCE { extnID, critical BOOLEAN (only written when true), extnValue OCTET STRING }
pub fn extension(oid_dotted: &str, critical: bool, value: &[u8]) -> Vec<u8> {
    let mut parts = vec![oid(oid_dotted)];
    if critical {
        parts.push(boolean(true));
    }
    parts.push(octet_string(value));
    sequence(&parts)
}

/// A SubjectAltName extension (not critical).
pub fn san_extension(names: &[GeneralName]) -> Vec<u8> {
    let gns: Vec<Vec<u8>> = names.iter().map(GeneralName::encode).collect();
    extension(OID_SAN, false, &sequence(&gns))
}

/// A critical basicConstraints extension; `ca == false` encodes the empty SEQUENCE.
pub fn basic_constraints_extension(ca: bool) -> Vec<u8> {
    let value = if ca {
        sequence(&[boolean(true)])
    } else {
        sequence(&[])
    };
    extension(OID_BASIC_CONSTRAINTS, true, &value)
}

/// The critical CT precertificate poison extension (value NULL).
pub fn poison_extension() -> Vec<u8> {
    extension(OID_CT_POISON, true, &null())
}

// ---------------------------------------------------------------------------------------
// Certificate builder

/// Builds TBSCertificates and Certificates. Every field is public so a test can change
/// anything; the methods are shortcuts. Signatures are junk (nobody verifies them here).
#[derive(Debug, Clone, PartialEq)]
pub struct CertBuilder {
    /// `Some(v)` writes `[0] EXPLICIT INTEGER v` (2 = v3); `None` omits it (v1).
    pub version: Option<i64>,
    /// Serial content octets, written as they are.
    pub serial: Vec<u8>,
    /// signature AlgorithmIdentifier (inside the TBS and after it).
    pub signature_algorithm: Vec<u8>,
    pub issuer: Vec<Vec<Attr>>,
    /// Encoded notBefore / notAfter elements.
    pub not_before: Vec<u8>,
    pub not_after: Vec<u8>,
    pub subject: Vec<Vec<Attr>>,
    /// subjectPublicKeyInfo element.
    pub spki: Vec<u8>,
    /// Encoded Extension elements, in order. Empty: the `[3]` field is omitted.
    pub extensions: Vec<Vec<u8>>,
    /// Bytes appended inside the TBS after the extensions (hostile cases).
    pub tbs_trailer: Vec<u8>,
    /// The signature BIT STRING content.
    pub signature: Vec<u8>,
}

impl Default for CertBuilder {
    fn default() -> Self {
        CertBuilder::new()
    }
}

impl CertBuilder {
    /// v3, serial 01, ecdsa-with-SHA256, empty issuer and subject, valid 2026-01-01 for
    /// 90 days, a P-256 SPKI (fixed junk point), no extensions.
    pub fn new() -> CertBuilder {
        let mut point = vec![0x04];
        point.extend((0..64u8).map(|i| i.wrapping_mul(37).wrapping_add(11)));
        let spki = sequence(&[
            sequence(&[oid(OID_EC_PUBLIC_KEY), oid(OID_P256)]),
            bit_string(&point[..]),
        ]);
        let nb = 1_767_225_600; // 2026-01-01T00:00:00Z
        CertBuilder {
            version: Some(2),
            serial: vec![0x01],
            signature_algorithm: sequence(&[oid(OID_ECDSA_SHA256)]),
            issuer: Vec::new(),
            not_before: time(nb),
            not_after: time(nb + 90 * 86_400 - 1),
            subject: Vec::new(),
            spki,
            extensions: Vec::new(),
            tbs_trailer: Vec::new(),
            signature: {
                let mut sig = vec![0x30, 0x44, 0x02, 0x20];
                sig.extend([0x5A; 32]);
                sig.extend([0x02, 0x20]);
                sig.extend([0x3C; 32]);
                sig
            },
        }
    }

    /// A typical Let's Encrypt-like leaf: issuer C=US/O=Let's Encrypt/CN=R11, subject
    /// CN=`cn`, SAN dNSNames `names`, 18-byte serial, basicConstraints CA:FALSE.
    pub fn le_like(cn: &str, names: &[&str]) -> CertBuilder {
        CertBuilder::new()
            .serial(&[
                0x05, 0xA3, 0xC1, 0xE7, 0x7B, 0x20, 0xF1, 0xD8, 0x6A, 0x4C, 0x0E, 0x93, 0xB5, 0xD2,
                0xF6, 0xA8, 0x1C, 0x3E,
            ])
            .issuer_le("R11")
            .subject_cn(cn)
            .basic_constraints(false)
            .dns_names(names)
    }

    pub fn version(mut self, v: Option<i64>) -> Self {
        self.version = v;
        self
    }

    /// Serial content octets exactly as given (include a leading 00 for a high bit).
    pub fn serial(mut self, content: &[u8]) -> Self {
        self.serial = content.to_vec();
        self
    }

    /// Issuer C=US, O=Let's Encrypt, CN=`cn` (one attribute per RDN).
    pub fn issuer_le(self, cn: &str) -> Self {
        self.issuer_attr(Attr::text(OID_C, "US"))
            .issuer_attr(Attr::text(OID_O, "Let's Encrypt"))
            .issuer_attr(Attr::text(OID_CN, cn))
    }

    /// Append a single-attribute RDN to the issuer.
    pub fn issuer_attr(mut self, a: Attr) -> Self {
        self.issuer.push(vec![a]);
        self
    }

    /// Append a (possibly multi-valued) RDN to the issuer.
    pub fn issuer_rdn(mut self, rdn: Vec<Attr>) -> Self {
        self.issuer.push(rdn);
        self
    }

    /// Append RDN CN=`cn` (UTF8String) to the subject.
    pub fn subject_cn(self, cn: &str) -> Self {
        self.subject_attr(Attr::text(OID_CN, cn))
    }

    /// Append a single-attribute RDN to the subject.
    pub fn subject_attr(mut self, a: Attr) -> Self {
        self.subject.push(vec![a]);
        self
    }

    /// Append a (possibly multi-valued) RDN to the subject.
    pub fn subject_rdn(mut self, rdn: Vec<Attr>) -> Self {
        self.subject.push(rdn);
        self
    }

    /// Validity from Unix times (UTCTime through 2049, GeneralizedTime after).
    pub fn validity(mut self, not_before: i64, not_after: i64) -> Self {
        self.not_before = time(not_before);
        self.not_after = time(not_after);
        self
    }

    /// Validity from already-encoded time elements (odd formats, junk).
    pub fn validity_raw(mut self, not_before: Vec<u8>, not_after: Vec<u8>) -> Self {
        self.not_before = not_before;
        self.not_after = not_after;
        self
    }

    /// Add one SAN extension with these dNSNames.
    pub fn dns_names(self, names: &[&str]) -> Self {
        if names.is_empty() {
            return self;
        }
        let gns: Vec<GeneralName> = names.iter().map(|n| GeneralName::dns(n)).collect();
        self.san(&gns)
    }

    /// Add one SAN extension with these general names (call again for another extension).
    pub fn san(self, names: &[GeneralName]) -> Self {
        self.extension_raw(san_extension(names))
    }

    /// Add a basicConstraints extension.
    pub fn basic_constraints(self, ca: bool) -> Self {
        self.extension_raw(basic_constraints_extension(ca))
    }

    /// Add the CT poison extension (what makes a precertificate).
    pub fn poison(self) -> Self {
        self.extension_raw(poison_extension())
    }

    /// Add an extension from its parts.
    pub fn extension(self, oid_dotted: &str, critical: bool, value: &[u8]) -> Self {
        self.extension_raw(extension(oid_dotted, critical, value))
    }

    /// Add an already-encoded element to the extensions SEQUENCE (may be junk).
    pub fn extension_raw(mut self, ext: Vec<u8>) -> Self {
        self.extensions.push(ext);
        self
    }

    /// The TBSCertificate DER.
    pub fn tbs(&self) -> Vec<u8> {
        let mut parts = Vec::new();
        if let Some(v) = self.version {
            parts.push(explicit(0, &integer(v)));
        }
        parts.push(integer_bytes(&self.serial));
        parts.push(self.signature_algorithm.clone());
        parts.push(name(&self.issuer));
        parts.push(sequence(&[self.not_before.clone(), self.not_after.clone()]));
        parts.push(name(&self.subject));
        parts.push(self.spki.clone());
        if !self.extensions.is_empty() {
            parts.push(explicit(3, &sequence(&self.extensions)));
        }
        parts.push(self.tbs_trailer.clone());
        sequence(&parts)
    }

    /// The Certificate DER: TBS, signatureAlgorithm, junk signature.
    pub fn certificate(&self) -> Vec<u8> {
        sequence(&[
            self.tbs(),
            self.signature_algorithm.clone(),
            bit_string(&self.signature),
        ])
    }

    /// The precertificate as submitted to a log: this certificate plus the poison extension
    /// (appended last). Use with [`CertBuilder::tbs`] of the same builder (no poison) for
    /// the `leaf_input` of a precert entry.
    pub fn precertificate(&self) -> Vec<u8> {
        self.clone().poison().certificate()
    }
}

// ---------------------------------------------------------------------------------------
// CT framing (RFC 6962 §3.4, static-ct-api)

/// Big-endian 24-bit length prefix + bytes.
pub fn u24_prefixed(bytes: &[u8]) -> Vec<u8> {
    assert!(bytes.len() < 1 << 24, "too long for a u24 length");
    let n = bytes.len() as u32;
    let mut out = vec![(n >> 16) as u8, (n >> 8) as u8, n as u8];
    out.extend_from_slice(bytes);
    out
}

/// Big-endian 16-bit length prefix + bytes.
pub fn u16_prefixed(bytes: &[u8]) -> Vec<u8> {
    assert!(bytes.len() < 1 << 16, "too long for a u16 length");
    let mut out = (bytes.len() as u16).to_be_bytes().to_vec();
    out.extend_from_slice(bytes);
    out
}

/// The CtExtensions of a static-ct-api entry: one `leaf_index` extension (type 0, 5-byte
/// big-endian index), itself u16-prefixed: `00 08 00 00 05 xx xx xx xx xx`.
pub fn leaf_index_extensions(index: u64) -> Vec<u8> {
    assert!(index < 1 << 40, "leaf_index is 40 bits");
    let mut ext = vec![0x00];
    ext.extend(u16_prefixed(&index.to_be_bytes()[3..]));
    u16_prefixed(&ext)
}

/// Empty CtExtensions, as RFC 6962 logs write them: `00 00`.
pub fn empty_extensions() -> Vec<u8> {
    vec![0, 0]
}

/// RFC 6962 TimestampedEntry for an x509_entry; `extensions` is the u16-prefixed block
/// ([`empty_extensions`] or [`leaf_index_extensions`]).
pub fn timestamped_entry_x509(timestamp_ms: u64, cert: &[u8], extensions: &[u8]) -> Vec<u8> {
    let mut out = timestamp_ms.to_be_bytes().to_vec();
    out.extend([0x00, 0x00]);
    out.extend(u24_prefixed(cert));
    out.extend_from_slice(extensions);
    out
}

/// RFC 6962 TimestampedEntry for a precert_entry (issuer_key_hash ‖ TBS).
pub fn timestamped_entry_precert(
    timestamp_ms: u64,
    issuer_key_hash: &[u8; 32],
    tbs: &[u8],
    extensions: &[u8],
) -> Vec<u8> {
    let mut out = timestamp_ms.to_be_bytes().to_vec();
    out.extend([0x00, 0x01]);
    out.extend_from_slice(issuer_key_hash);
    out.extend(u24_prefixed(tbs));
    out.extend_from_slice(extensions);
    out
}

/// `leaf_input` of an RFC 6962 x509 entry: MerkleTreeLeaf v1, timestamped_entry, empty extensions.
pub fn merkle_tree_leaf_x509(timestamp_ms: u64, cert: &[u8]) -> Vec<u8> {
    let mut out = vec![0x00, 0x00];
    out.extend(timestamped_entry_x509(
        timestamp_ms,
        cert,
        &empty_extensions(),
    ));
    out
}

/// `leaf_input` of an RFC 6962 precert entry (`tbs` without the poison extension).
pub fn merkle_tree_leaf_precert(
    timestamp_ms: u64,
    issuer_key_hash: &[u8; 32],
    tbs: &[u8],
) -> Vec<u8> {
    let mut out = vec![0x00, 0x00];
    out.extend(timestamped_entry_precert(
        timestamp_ms,
        issuer_key_hash,
        tbs,
        &empty_extensions(),
    ));
    out
}

/// ASN.1Cert chain: u24 total ‖ repeated (u24 len ‖ DER).
pub fn certificate_chain(chain: &[&[u8]]) -> Vec<u8> {
    let body: Vec<u8> = chain.iter().flat_map(|c| u24_prefixed(c)).collect();
    u24_prefixed(&body)
}

/// `extra_data` of an x509 entry: the issuer chain (leaf not included).
pub fn extra_data_x509(chain: &[&[u8]]) -> Vec<u8> {
    certificate_chain(chain)
}

/// `extra_data` of a precert entry: PrecertChainEntry = u24 pre_certificate ‖ chain.
pub fn extra_data_precert(pre_certificate: &[u8], chain: &[&[u8]]) -> Vec<u8> {
    let mut out = u24_prefixed(pre_certificate);
    out.extend(certificate_chain(chain));
    out
}

/// Fingerprint list of a TileLeaf: u16 total ‖ N × 32 bytes.
fn fingerprint_chain(chain: &[[u8; 32]]) -> Vec<u8> {
    u16_prefixed(&chain.concat())
}

/// One static-ct-api TileLeaf for an x509 entry. `leaf_index` `Some(i)` writes the
/// leaf_index extension, `None` empty extensions (archival logs).
pub fn tile_leaf_x509(
    timestamp_ms: u64,
    cert: &[u8],
    leaf_index: Option<u64>,
    chain: &[[u8; 32]],
) -> Vec<u8> {
    let ext = leaf_index
        .map(leaf_index_extensions)
        .unwrap_or_else(empty_extensions);
    let mut out = timestamped_entry_x509(timestamp_ms, cert, &ext);
    out.extend(fingerprint_chain(chain));
    out
}

/// One static-ct-api TileLeaf for a precert entry.
pub fn tile_leaf_precert(
    timestamp_ms: u64,
    issuer_key_hash: &[u8; 32],
    tbs: &[u8],
    leaf_index: Option<u64>,
    pre_certificate: &[u8],
    chain: &[[u8; 32]],
) -> Vec<u8> {
    let ext = leaf_index
        .map(leaf_index_extensions)
        .unwrap_or_else(empty_extensions);
    let mut out = timestamped_entry_precert(timestamp_ms, issuer_key_hash, tbs, &ext);
    out.extend(u24_prefixed(pre_certificate));
    out.extend(fingerprint_chain(chain));
    out
}

/// The MerkleTreeLeaf (leaf hash input minus the 0x00 prefix) of a TileLeaf: `00 00` ‖
/// its TimestampedEntry prefix. `timestamped_entry` is what `timestamped_entry_*` returned.
pub fn merkle_tree_leaf_of(timestamped_entry: &[u8]) -> Vec<u8> {
    let mut out = vec![0x00, 0x00];
    out.extend_from_slice(timestamped_entry);
    out
}

/// Standard padded base64 (for get-entries JSON bodies).
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        s.push(A[(n >> 18) as usize & 63] as char);
        s.push(A[(n >> 12) as usize & 63] as char);
        s.push(if chunk.len() > 1 {
            A[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        s.push(if chunk.len() > 2 {
            A[n as usize & 63] as char
        } else {
            '='
        });
    }
    s
}

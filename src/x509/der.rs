//! Hand-written because DER crates are strict: they refuse the malformed encodings CT logs do hold (non-minimal lengths and the like), which a monitor must still read.
//!
//! A minimal DER (TLV) reader for certificates: no allocation, no panics on any input.
//!
//! Only what X.509 needs: single-byte tags (multi-byte tags, `0x1F` in the low bits, never
//! appear in certificates and are rejected), definite lengths in short form or long form
//! with 1 to 4 length octets. The BER indefinite length (`0x80`) is rejected. Every length
//! is checked against the bytes that remain, so a reader can never index out of bounds.
//! Non-minimal length encodings (`81 05`) are accepted: real certificates have them and a
//! monitor should not drop a certificate for it.
//!
//! ```
//! use certstreammonitor::x509::der::{read_tlv, SEQUENCE};
//! let mut input: &[u8] = &[0x30, 0x03, 0x02, 0x01, 0x07, 0xAA];
//! let seq = read_tlv(&mut input).unwrap();
//! assert_eq!(seq.tag, SEQUENCE);
//! assert_eq!(seq.content, &[0x02, 0x01, 0x07]);
//! assert_eq!(input, &[0xAA]); // the reader moved past the element
//! ```

use std::fmt;

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

/// Tag of a context-specific constructed element `[n]` (`A0 | n`), as EXPLICIT tags use.
pub const fn context_constructed(n: u8) -> u8 {
    0xA0 | (n & 0x1F)
}

/// Tag of a context-specific primitive element `[n]` (`80 | n`), as IMPLICIT tags on
/// primitive types use (dNSName is `[2]` = `0x82`).
pub const fn context_primitive(n: u8) -> u8 {
    0x80 | (n & 0x1F)
}

/// One DER element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The identifier octet (class, constructed bit and tag number).
    pub tag: u8,
    /// The content octets (after the length).
    pub content: &'a [u8],
    /// The whole element: tag, length and content (what a fingerprint hashes).
    pub raw: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// Whether the constructed bit (0x20) is set.
    pub fn is_constructed(&self) -> bool {
        self.tag & 0x20 != 0
    }

    /// The elements inside this one, in order (for SEQUENCE, SET and EXPLICIT tags).
    pub fn children(&self) -> Children<'a> {
        Children { rest: self.content }
    }

    /// `Err(UnexpectedTag)` unless this element has tag `tag`.
    pub fn expect(self, tag: u8) -> Result<Tlv<'a>, DerError> {
        if self.tag == tag {
            Ok(self)
        } else {
            Err(DerError::UnexpectedTag {
                expected: tag,
                found: self.tag,
            })
        }
    }
}

/// What was wrong with the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DerError {
    /// No bytes left where an element was expected.
    Empty,
    /// The tag or length octets, or the content, run past the end of the input.
    Truncated,
    /// Length octet `0x80` (BER indefinite length): not DER.
    IndefiniteLength,
    /// More than 4 length octets (a length of 4 GiB or more): never a certificate.
    LengthTooLong,
    /// Tag number 31 (multi-byte tag): never used in certificates.
    MultiByteTag,
    /// The element is not of the expected type.
    UnexpectedTag { expected: u8, found: u8 },
}

impl fmt::Display for DerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DerError::Empty => f.write_str("no more DER data"),
            DerError::Truncated => f.write_str("DER element truncated"),
            DerError::IndefiniteLength => f.write_str("indefinite length (BER) not allowed"),
            DerError::LengthTooLong => f.write_str("DER length has more than 4 octets"),
            DerError::MultiByteTag => f.write_str("multi-byte DER tag not supported"),
            DerError::UnexpectedTag { expected, found } => {
                write!(f, "expected DER tag 0x{expected:02X}, found 0x{found:02X}")
            }
        }
    }
}

impl std::error::Error for DerError {}

/// The header of the element at the start of `input`: (tag, header length, content length).
/// The content length is *not* checked against `input` here.
pub fn read_header(input: &[u8]) -> Result<(u8, usize, usize), DerError> {
    let (&tag, rest) = input.split_first().ok_or(DerError::Empty)?;
    if tag & 0x1F == 0x1F {
        return Err(DerError::MultiByteTag);
    }
    let (&first, rest) = rest.split_first().ok_or(DerError::Truncated)?;
    if first < 0x80 {
        return Ok((tag, 2, first as usize));
    }
    let n = (first & 0x7F) as usize;
    if n == 0 {
        return Err(DerError::IndefiniteLength);
    }
    if n > 4 {
        return Err(DerError::LengthTooLong);
    }
    let octets = rest.get(..n).ok_or(DerError::Truncated)?;
    let len = octets.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64);
    let len = usize::try_from(len).map_err(|_| DerError::LengthTooLong)?;
    Ok((tag, 2 + n, len))
}

/// Read one element from the front of `input` and advance `input` past it. On error
/// `input` is left unchanged.
pub fn read_tlv<'a>(input: &mut &'a [u8]) -> Result<Tlv<'a>, DerError> {
    let data: &'a [u8] = input;
    let (tag, header, len) = read_header(data)?;
    let end = header.checked_add(len).ok_or(DerError::Truncated)?;
    if end > data.len() {
        return Err(DerError::Truncated);
    }
    let raw = &data[..end];
    *input = &data[end..];
    Ok(Tlv {
        tag,
        content: &raw[header..],
        raw,
    })
}

/// Like [`read_tlv`] but an element whose content runs past the end of `input` is
/// returned with the content that is there (and `true`), instead of an error. For the
/// outermost containers of a certificate, so a certificate cut short after its subject
/// still yields its names. `input` is then left empty.
pub fn read_tlv_truncated<'a>(input: &mut &'a [u8]) -> Result<(Tlv<'a>, bool), DerError> {
    let data: &'a [u8] = input;
    let (tag, header, len) = read_header(data)?;
    match header.checked_add(len) {
        Some(end) if end <= data.len() => {
            let raw = &data[..end];
            *input = &data[end..];
            Ok((
                Tlv {
                    tag,
                    content: &raw[header..],
                    raw,
                },
                false,
            ))
        }
        _ => {
            *input = &data[data.len()..];
            Ok((
                Tlv {
                    tag,
                    content: &data[header..],
                    raw: data,
                },
                true,
            ))
        }
    }
}

/// Read one element that must have tag `tag`. On error `input` is left unchanged.
pub fn expect_tlv<'a>(input: &mut &'a [u8], tag: u8) -> Result<Tlv<'a>, DerError> {
    let mut probe: &'a [u8] = input;
    let tlv = read_tlv(&mut probe)?.expect(tag)?;
    *input = probe;
    Ok(tlv)
}

/// Read the next element if it has tag `tag`; `Ok(None)` (input unchanged) if the next
/// element has another tag or there is none. For OPTIONAL and DEFAULT fields.
pub fn read_optional<'a>(input: &mut &'a [u8], tag: u8) -> Result<Option<Tlv<'a>>, DerError> {
    if peek_tag(input) == Some(tag) {
        read_tlv(input).map(Some)
    } else {
        Ok(None)
    }
}

/// The tag of the next element, without reading it.
pub fn peek_tag(input: &[u8]) -> Option<u8> {
    input.first().copied()
}

/// Iterator over the elements of a constructed element's content. Yields `Err` once (then
/// stops) if the content does not split into whole elements.
#[derive(Debug, Clone)]
pub struct Children<'a> {
    rest: &'a [u8],
}

impl<'a> Children<'a> {
    /// Iterate over the elements of `content`.
    pub fn new(content: &'a [u8]) -> Children<'a> {
        Children { rest: content }
    }

    /// The bytes not read yet.
    pub fn rest(&self) -> &'a [u8] {
        self.rest
    }
}

impl<'a> Iterator for Children<'a> {
    type Item = Result<Tlv<'a>, DerError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        match read_tlv(&mut self.rest) {
            Ok(t) => Some(Ok(t)),
            Err(e) => {
                self.rest = &[];
                Some(Err(e))
            }
        }
    }
}

/// An OID's content bytes in dotted form (`2.5.4.3`), for messages. Malformed encodings
/// are rendered as hex.
pub fn oid_to_string(content: &[u8]) -> String {
    let mut out = String::new();
    let mut value: u64 = 0;
    let mut first = true;
    for (i, &b) in content.iter().enumerate() {
        if value > (u64::MAX >> 7) {
            return hex_lower(content);
        }
        value = (value << 7) | (b & 0x7F) as u64;
        if b & 0x80 != 0 {
            if i + 1 == content.len() {
                return hex_lower(content);
            }
            continue;
        }
        if first {
            let (a, b) = if value < 40 {
                (0, value)
            } else if value < 80 {
                (1, value - 40)
            } else {
                (2, value - 80)
            };
            out.push_str(&format!("{a}.{b}"));
            first = false;
        } else {
            out.push_str(&format!(".{value}"));
        }
        value = 0;
    }
    if first {
        return hex_lower(content);
    }
    out
}

/// Lower-case hex, no separators.
pub fn hex_lower(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(bytes: &[u8]) -> Result<Tlv<'_>, DerError> {
        let mut input = bytes;
        read_tlv(&mut input)
    }

    #[test]
    fn der_short_and_long_lengths() {
        let t = one(&[0x04, 0x02, 0xAA, 0xBB]).unwrap();
        assert_eq!(
            (t.tag, t.content, t.raw.len()),
            (0x04, &[0xAA, 0xBB][..], 4)
        );
        let mut long = vec![0x04, 0x81, 0x80];
        long.extend(std::iter::repeat_n(7, 0x80));
        assert_eq!(one(&long).unwrap().content.len(), 0x80);
        let mut long2 = vec![0x04, 0x82, 0x01, 0x00];
        long2.extend(std::iter::repeat_n(7, 256));
        assert_eq!(one(&long2).unwrap().content.len(), 256);
        // Non-minimal long form is accepted.
        assert_eq!(one(&[0x04, 0x81, 0x01, 0x55]).unwrap().content, &[0x55]);
        assert_eq!(
            one(&[0x04, 0x84, 0, 0, 0, 1, 0x55]).unwrap().content,
            &[0x55]
        );
        assert_eq!(one(&[0x05, 0x00]).unwrap().content, &[] as &[u8]);
    }

    #[test]
    fn der_rejects_without_panic() {
        assert_eq!(one(&[]), Err(DerError::Empty));
        assert_eq!(one(&[0x30]), Err(DerError::Truncated));
        assert_eq!(
            one(&[0x30, 0x80, 0x00, 0x00]),
            Err(DerError::IndefiniteLength)
        );
        assert_eq!(
            one(&[0x30, 0x85, 0, 0, 0, 0, 1, 0]),
            Err(DerError::LengthTooLong)
        );
        assert_eq!(one(&[0x30, 0xFF]), Err(DerError::LengthTooLong));
        assert_eq!(one(&[0x1F, 0x01, 0x00]), Err(DerError::MultiByteTag));
        assert_eq!(one(&[0x30, 0x03, 0x01]), Err(DerError::Truncated));
        assert_eq!(one(&[0x30, 0x82, 0x01]), Err(DerError::Truncated));
        assert_eq!(
            one(&[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0]),
            Err(DerError::Truncated)
        );
        // Every 1-, 2- and 3-byte input: no panic, and progress or an error.
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                let _ = one(&[a, b]);
                let _ = one(&[a, b, a]);
                let _ = one(&[a]);
            }
        }
    }

    #[test]
    fn der_error_leaves_input_unchanged() {
        let bytes = [0x30, 0x05, 0x01];
        let mut input: &[u8] = &bytes;
        assert!(read_tlv(&mut input).is_err());
        assert_eq!(input.len(), 3);
        assert!(expect_tlv(&mut &bytes[..], 0x02).is_err());
        let ok = [0x02, 0x01, 0x05];
        let mut input: &[u8] = &ok;
        assert_eq!(
            expect_tlv(&mut input, SEQUENCE),
            Err(DerError::UnexpectedTag {
                expected: 0x30,
                found: 0x02
            })
        );
        assert_eq!(input.len(), 3);
        assert_eq!(read_optional(&mut input, 0xA0), Ok(None));
        assert_eq!(
            read_optional(&mut input, INTEGER).unwrap().unwrap().content,
            &[5]
        );
        assert!(input.is_empty());
    }

    #[test]
    fn der_children_and_truncated() {
        let seq = [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02];
        let t = one(&seq).unwrap();
        assert!(t.is_constructed());
        let kids: Vec<_> = t.children().map(|c| c.unwrap().content[0]).collect();
        assert_eq!(kids, vec![1, 2]);
        let bad = [0x30, 0x04, 0x02, 0x01, 0x01, 0x02];
        let t = one(&bad).unwrap();
        let kids: Vec<_> = t.children().collect();
        assert_eq!(kids.len(), 2);
        assert!(kids[1].is_err());
        let mut cut: &[u8] = &seq[..5];
        let (t, truncated) = read_tlv_truncated(&mut cut).unwrap();
        assert!(truncated);
        assert_eq!(t.content, &[0x02, 0x01, 0x01]);
        assert!(cut.is_empty());
    }

    #[test]
    fn der_oid_strings() {
        assert_eq!(oid_to_string(&[0x55, 0x04, 0x03]), "2.5.4.3");
        assert_eq!(
            oid_to_string(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01]),
            "1.2.840.113549.1.9.1"
        );
        assert_eq!(
            oid_to_string(&[0x2B, 0x06, 0x01, 0x04, 0x01, 0xD6, 0x79, 0x02, 0x04, 0x03]),
            "1.3.6.1.4.1.11129.2.4.3"
        );
        assert_eq!(oid_to_string(&[0x55, 0x84]), "5584");
        assert_eq!(oid_to_string(&[]), "");
        assert_eq!(oid_to_string(&[0xFF; 20]), "ff".repeat(20));
    }
}

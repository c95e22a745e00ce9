//! Standard base64 (RFC 4648 §4): proxy and SMTP credentials out, CT log entries in.
//!
//! The codec is the `base64` crate's (already compiled in through ureq). This wrapper only
//! keeps the leniency the decoders have always had: padding is optional (up to two `=`),
//! and unused bits of the last character are ignored; whitespace and any other character
//! are errors.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;

/// The standard alphabet, decoding input whose `=` padding has been stripped.
const UNPADDED: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

/// Encode with padding.
pub fn encode(input: &[u8]) -> String {
    STANDARD.encode(input)
}

/// Decode into `out` (cleared first), so a reader can reuse one buffer for every entry.
/// Padding is optional; whitespace and any other character are errors.
pub fn decode_into(input: &[u8], out: &mut Vec<u8>) -> Result<(), &'static str> {
    out.clear();
    let trimmed = match input.iter().rposition(|&c| c != b'=') {
        Some(i) => &input[..=i],
        None => &input[..0],
    };
    if input.len() - trimmed.len() > 2 {
        return Err("too much padding");
    }
    UNPADDED.decode_vec(trimmed, out).map_err(|e| match e {
        base64::DecodeError::InvalidLength(_) => "truncated base64",
        _ => "invalid base64 character",
    })
}

pub fn decode(input: &[u8]) -> Result<Vec<u8>, &'static str> {
    let mut out = Vec::new();
    decode_into(input, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors() {
        for (plain, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(plain.as_bytes()), enc);
            assert_eq!(decode(enc.as_bytes()).unwrap(), plain.as_bytes());
            assert_eq!(
                decode(enc.trim_end_matches('=').as_bytes()).unwrap(),
                plain.as_bytes()
            );
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(encode(&all).as_bytes()).unwrap(), all);
    }

    #[test]
    fn rejects() {
        for bad in ["Zg===", "Z", "Zm9v!", "Zm 9v", "===="] {
            assert!(decode(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}

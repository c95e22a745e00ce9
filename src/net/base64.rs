//! Standard base64 (RFC 4648, with padding): proxy credentials out, CT log entries in.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn encode(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn value(c: u8) -> Option<u32> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    } as u32)
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
    out.reserve(trimmed.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for &c in trimmed {
        acc = (acc << 6) | value(c).ok_or("invalid base64 character")?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    if bits >= 6 {
        return Err("truncated base64");
    }
    Ok(())
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

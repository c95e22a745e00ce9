//! Certificate fingerprints the way certstream names certificates: SHA-1 (FIPS 180-4) of
//! the DER, as colon-separated upper-case hex.
//!
//! SHA-1 is broken for collision resistance; here it only names certificates the way
//! certstream does (`fingerprint`/`sha1`), it protects nothing. The digest is the `sha1`
//! crate's (already compiled in through tungstenite's handshake; it uses the CPU's SHA
//! instructions where there are some).

use sha1::Digest;

/// SHA-1 digest of `data`.
pub fn sha1(data: &[u8]) -> [u8; 20] {
    sha1::Sha1::digest(data).into()
}

/// Upper-case hex bytes joined by `:` (`95:CA:86:…`), certstream's fingerprint format.
/// Empty input gives an empty string.
pub fn colon_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, &b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(d: [u8; 20]) -> String {
        colon_hex(&d).replace(':', "").to_lowercase()
    }

    #[test]
    fn sha1_fips_vectors() {
        assert_eq!(hex(sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            hex(sha1(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex(sha1(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
        assert_eq!(
            hex(sha1(b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")),
            "a49b2446a02c645bf419f995b67091253a04a259"
        );
        assert_eq!(
            hex(sha1(&vec![b'a'; 1_000_000])),
            "34aa973cd4c4daa4f61eeb2bdbad27316534016f"
        );
    }

    #[test]
    fn sha1_padding_boundaries() {
        // Lengths around the 55/56/64-byte padding edges, against values computed with
        // `printf 'a%.0s' $(seq N) | sha1sum`.
        let cases: &[(usize, &str)] = &[
            (55, "c1c8bbdc22796e28c0e15163d20899b65621d65a"),
            (56, "c2db330f6083854c99d4b5bfb6e8f29f201be699"),
            (63, "03f09f5b158a7a8cdad920bddc29b81c18a551f5"),
            (64, "0098ba824b5c16427bd7a1122a5a442a25ec644d"),
            (65, "11655326c708d70319be2610e8a57d9a5b959d3b"),
        ];
        for &(n, want) in cases {
            assert_eq!(hex(sha1(&vec![b'a'; n])), want, "length {n}");
        }
    }

    #[test]
    fn sha1_colon_hex_format() {
        assert_eq!(colon_hex(&[0x95, 0xCA, 0x06]), "95:CA:06");
        assert_eq!(colon_hex(&[]), "");
        let fp = colon_hex(&sha1(b"abc"));
        assert_eq!(fp.len(), 59);
        assert_eq!(
            fp,
            "A9:99:3E:36:47:06:81:6A:BA:3E:25:71:78:50:C2:6C:9C:D0:D8:9D"
        );
    }
}

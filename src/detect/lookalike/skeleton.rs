//! Hand-written punycode: no dependency decodes RFC 3492, and the RFC's algorithm is 60 lines.
//!
//! From a host name to its confusable *skeleton*: `*.`, blanks and the trailing dot dropped,
//! lower-cased ([`clean`]); each `xn--` label decoded (RFC 3492, [`punycode_decode`]) and
//! NFKC-normalised; non-ASCII characters mapped through Unicode TR39 (`unicode-security`),
//! accents dropped; then the ASCII tricks `0→o 1→l 3→e 5→s` (digit runs that read as
//! numbers left alone) and, when asked, `rn→m`, `vv→w`.

/// Lower-cased, without `*.`, surrounding blanks and the trailing dot. Borrows when it can.
pub(super) fn clean(host: &str) -> std::borrow::Cow<'_, str> {
    let h = host.trim().trim_end_matches('.');
    let h = h.strip_prefix("*.").unwrap_or(h);
    if h.bytes().any(|c| c.is_ascii_uppercase()) || !h.is_ascii() {
        std::borrow::Cow::Owned(h.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(h)
    }
}

/// Append the skeleton of one (lower-case) label of a host to `out`; returns whether it
/// held non-ASCII characters (an `xn--` label that decoded, or raw Unicode).
pub(super) fn push_label_skeleton(label: &str, out: &mut Vec<u8>, collapse: bool) -> bool {
    if let Some(puny) = label.strip_prefix("xn--") {
        if let Some(decoded) = punycode_decode(puny) {
            use unicode_normalization::UnicodeNormalization;
            let text: String = decoded.nfkc().collect::<String>().to_lowercase();
            let idn = !text.is_ascii();
            skeleton_label(&text, out, collapse);
            return idn;
        }
    }
    skeleton_label(label, out, collapse);
    !label.is_ascii()
}

/// The confusable skeleton of one label (see the module doc), appended to `out`.
pub(super) fn skeleton_label(label: &str, out: &mut Vec<u8>, collapse: bool) {
    let start = out.len();
    let mut skip = 0;
    for (i, c) in label.char_indices() {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        if c.is_ascii_digit() {
            // `paypa1`, `g00gle`: digits standing in for letters. But a run of three or more
            // digits, or of two ending a token (`app13`, `web01`), is a number.
            let run = label[i..].bytes().take_while(u8::is_ascii_digit).count();
            let end = label.as_bytes().get(i + run).is_none_or(|&c| c == b'-');
            let number = run >= 3 || (run == 2 && end);
            for &d in &label.as_bytes()[i..i + run] {
                out.push(if number { d } else { ascii_trick(d) });
            }
            skip = run - 1;
            continue;
        }
        if c.is_ascii() {
            out.push(ascii_trick(c.to_ascii_lowercase() as u8));
            continue;
        }
        let mut buf = [0u8; 4];
        for m in unicode_security::confusable_detection::skeleton(c.encode_utf8(&mut buf)) {
            if unicode_normalization::char::is_combining_mark(m) {
                continue;
            }
            let m = match m {
                'I' => 'l',
                // Prototypes TR39 leaves outside ASCII although they read as Latin letters.
                'ĸ' => 'k',
                'ᴛ' => 't',
                'χ' => 'x',
                'ƅ' => 'b',
                _ => m,
            };
            for m in m.to_lowercase() {
                if m.is_ascii() {
                    out.push(ascii_trick(m as u8));
                } else {
                    let mut b = [0u8; 4];
                    out.extend_from_slice(m.encode_utf8(&mut b).as_bytes());
                }
            }
        }
    }
    if !collapse {
        return;
    }
    // rn → m, vv → w, in place.
    let mut w = start;
    let mut r = start;
    while r < out.len() {
        let c = out[r];
        let next = out.get(r + 1).copied();
        if (c == b'r' && next == Some(b'n')) || (c == b'v' && next == Some(b'v')) {
            out[w] = if c == b'r' { b'm' } else { b'w' };
            r += 2;
        } else {
            out[w] = c;
            r += 1;
        }
        w += 1;
    }
    out.truncate(w);
}

/// The skeleton of a whole host name (for tests and check-rules).
pub fn skeleton(host: &str) -> String {
    let h = clean(host);
    let mut out = Vec::new();
    for (i, label) in h.split('.').enumerate() {
        if i > 0 {
            out.push(b'.');
        }
        push_label_skeleton(label, &mut out, true);
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn ascii_trick(c: u8) -> u8 {
    match c {
        b'0' => b'o',
        b'1' => b'l',
        b'3' => b'e',
        b'5' => b's',
        _ => c,
    }
}

/// Whether the skeleton has a pair `rn`/`vv` that collapsing would change.
pub(super) fn has_pairs(s: &[u8]) -> bool {
    s.windows(2).any(|w| w == b"rn" || w == b"vv")
}

/// RFC 3492 punycode decoding of one label (without `xn--`); `None` when malformed.
pub(super) fn punycode_decode(input: &str) -> Option<String> {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    const SKEW: u32 = 38;
    const DAMP: u32 = 700;
    fn adapt(mut delta: u32, numpoints: u32, first: bool) -> u32 {
        delta = if first { delta / DAMP } else { delta / 2 };
        delta += delta / numpoints;
        let mut k = 0;
        while delta > ((BASE - TMIN) * TMAX) / 2 {
            delta /= BASE - TMIN;
            k += BASE;
        }
        k + (BASE - TMIN + 1) * delta / (delta + SKEW)
    }
    if !input.is_ascii() {
        return None;
    }
    let (basic, ext) = match input.rfind('-') {
        Some(i) => (&input[..i], &input[i + 1..]),
        None => ("", input),
    };
    let mut output: Vec<char> = basic.chars().collect();
    let (mut n, mut i, mut bias) = (128u32, 0u32, 72u32);
    let mut it = ext.bytes().peekable();
    while it.peek().is_some() {
        let oldi = i;
        let mut w = 1u32;
        let mut k = BASE;
        loop {
            let c = it.next()?;
            let digit = match c {
                b'a'..=b'z' => c - b'a',
                b'A'..=b'Z' => c - b'A',
                b'0'..=b'9' => c - b'0' + 26,
                _ => return None,
            } as u32;
            i = i.checked_add(digit.checked_mul(w)?)?;
            let t = if k <= bias {
                TMIN
            } else if k >= bias + TMAX {
                TMAX
            } else {
                k - bias
            };
            if digit < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            k += BASE;
        }
        let len = output.len() as u32 + 1;
        bias = adapt(i - oldi, len, oldi == 0);
        n = n.checked_add(i / len)?;
        i %= len;
        output.insert(i as usize, char::from_u32(n)?);
        i += 1;
        if output.len() > 63 {
            return None;
        }
    }
    Some(output.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punycode_rfc_vectors() {
        assert_eq!(punycode_decode("pple-43d").as_deref(), Some("\u{430}pple"));
        assert_eq!(punycode_decode("mnchen-3ya").as_deref(), Some("münchen"));
        assert_eq!(
            punycode_decode("ihqwcrb4cv8a8dqg056pqjye").as_deref(),
            Some("他们为什么不说中文")
        );
        assert_eq!(punycode_decode("!!"), None);
    }

    #[test]
    fn skeletons() {
        assert_eq!(skeleton("xn--pple-43d.com"), "apple.com");
        assert_eq!(skeleton("PAYPA1-L0GIN.com"), "paypal-login.com");
        assert_eq!(skeleton("rnicrosoft.vvin"), "microsoft.win");
        // Digit runs: single digits and inner pairs are letters in disguise; a run of three,
        // or of two ending a token, is a number.
        let cases = [
            ("g00gle", "google"),
            ("app1e", "apple"),
            ("app13", "app13"),
            ("app13-x", "app13-x"),
            ("web01", "web01"),
            ("a13b", "aleb"),
            ("host135a", "host135a"),
            ("5ecure", "secure"),
        ];
        for (label, want) in cases {
            assert_eq!(skeleton(label), want, "{label}");
        }
    }
}

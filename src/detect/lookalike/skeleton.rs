//! Hand-written punycode: no dependency decodes RFC 3492, and the RFC's algorithm is 60 lines.
//!
//! From a host name to its confusable *skeleton*: `*.`, blanks and the trailing dot dropped,
//! lower-cased ([`clean`]); each `xn--` label decoded (RFC 3492, [`punycode_decode`]) and
//! NFKC-normalised; non-ASCII characters mapped through the Cyrillic and Greek letters
//! attackers' tools use (dnstwist's table, [`attacker_glyph`]), else Unicode TR39
//! (`unicode-security`), accents dropped; then the ASCII tricks `0→o 1→l 3→e 4→a 5→s 6→b
//! 7→t 8→b 9→g` (digit runs that read as numbers left alone) and, when asked, `rn→m`,
//! `vv→w`, `cl→d`, `lc→k`.

/// Lower-cased, without `*.`, surrounding blanks and the trailing dot. Borrows when it can.
pub(super) fn clean(host: &str) -> std::borrow::Cow<'_, str> {
    let h = host.trim().trim_end_matches('.');
    let h = h.strip_prefix("*.").unwrap_or(h);
    // A fold without early exit: the compiler vectorises it, and nearly every name is
    // lower-case ASCII already.
    let lower_ascii = h
        .bytes()
        .fold(true, |ok, c| ok & !c.is_ascii_uppercase() & c.is_ascii());
    if !lower_ascii {
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
    skeleton_label_pairs(label, out, collapse, true)
}

/// A brand's skeleton: `rn→m`, `vv→w` collapsed but not `cl`, `lc` (`barclays` stays
/// itself; a name's `cl` read as `d` is matched against brands with a `d`).
pub(super) fn skeleton_brand(label: &str, out: &mut Vec<u8>) {
    skeleton_label_pairs(label, out, true, false)
}

fn skeleton_label_pairs(label: &str, out: &mut Vec<u8>, collapse: bool, all_pairs: bool) {
    let start = out.len();
    let bytes = label.as_bytes();
    if label.is_ascii() {
        // Nearly every CT name: bytes, no character decoding.
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_digit() {
                i += push_digit_run(bytes, i, out);
            } else {
                out.push(bytes[i].to_ascii_lowercase());
                i += 1;
            }
        }
        if collapse {
            collapse_pairs(out, start, all_pairs);
        }
        return;
    }
    let mut skip = 0;
    for (i, c) in label.char_indices() {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        if c.is_ascii_digit() {
            skip = push_digit_run(bytes, i, out) - 1;
            continue;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase() as u8);
            continue;
        }
        if let Some(m) = attacker_glyph(c) {
            out.push(m);
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
    if collapse {
        collapse_pairs(out, start, all_pairs);
    }
}

/// The digit run starting at `i`, appended to `out`; returns its length.
///
/// `paypa1`, `g00gle`: digits standing in for letters. But a run of three or more digits,
/// or of two ending a token (`app13`, `web01`), is a number.
fn push_digit_run(label: &[u8], i: usize, out: &mut Vec<u8>) -> usize {
    let run = label[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    let end = label.get(i + run).is_none_or(|&c| c == b'-');
    let number = run >= 3 || (run == 2 && end);
    for &d in &label[i..i + run] {
        // 4 6 7 8 9 read as letters only inside a word: `node4`, `web7` are numbers.
        let inner = !end || matches!(d, b'0' | b'1' | b'3' | b'5');
        out.push(if number || !inner { d } else { ascii_trick(d) });
    }
    run
}

/// `rn → m`, `vv → w` (and, with `all_pairs`, `cl → d`, `lc → k`) in `out[start..]`, in place.
fn collapse_pairs(out: &mut Vec<u8>, start: usize, all_pairs: bool) {
    let mut w = start;
    let mut r = start;
    while r < out.len() {
        let c = out[r];
        let next = out.get(r + 1).copied();
        if let Some(m) = next
            .and_then(|n| pair_glyph(c, n))
            .filter(|&m| all_pairs || m == b'm' || m == b'w')
        {
            out[w] = m;
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

/// Digits standing in for letters (leetspeak, and the digit glyphs of dnstwist's ASCII
/// homoglyph table): `0→o 1→l 3→e 4→a 5→s 6→b 7→t 8→b 9→g`.
fn ascii_trick(c: u8) -> u8 {
    match c {
        b'0' => b'o',
        b'1' => b'l',
        b'3' => b'e',
        b'4' => b'a',
        b'5' => b's',
        b'6' => b'b',
        b'7' => b't',
        b'8' => b'b',
        b'9' => b'g',
        _ => c,
    }
}

/// Two letters read as one (dnstwist's ASCII homoglyph table): `rn→m vv→w cl→d lc→k`.
fn pair_glyph(a: u8, b: u8) -> Option<u8> {
    match (a, b) {
        (b'r', b'n') => Some(b'm'),
        (b'v', b'v') => Some(b'w'),
        (b'c', b'l') => Some(b'd'),
        (b'l', b'c') => Some(b'k'),
        _ => None,
    }
}

/// Whether the skeleton has a pair (`rn`, `vv`, `cl`, `lc`) that collapsing would change.
pub(super) fn has_pairs(s: &[u8]) -> bool {
    // A plain loop: on every label of every name, `windows(2)` cost several times more.
    let mut prev = 0u8;
    for &c in s {
        if matches!(
            (prev, c),
            (b'r', b'n') | (b'v', b'v') | (b'c', b'l') | (b'l', b'c')
        ) {
            return true;
        }
        prev = c;
    }
    false
}

/// Cyrillic and Greek letters that phishing tools substitute for Latin ones although
/// Unicode TR39 confusables does not map them to that Latin letter (or to any ASCII
/// letter): the latin_to_cyrillic table of dnstwist (м→m, т→t, к→k, ь→b, ԁ→d, һ→h, ԛ→q,
/// ѵ→v, ԝ→w, ӏ→l, ԍ→g, …) with its common alternates (в→b, і→i, н→h), and the Greek
/// lower-case letters read as Latin ones (η→n, ν→v, υ→u, ρ→p, τ→t, κ→k, γ→y, ε→e, ι→i,
/// α→a, ο→o, β→b, ω→w, χ→x). Checked before TR39, for whole-script and mixed-script
/// labels alike.
fn attacker_glyph(c: char) -> Option<u8> {
    Some(match c {
        // Cyrillic
        'а' => b'a',
        'ь' | 'в' | 'б' => b'b',
        'с' => b'c',
        'ԁ' => b'd',
        'е' | 'ё' | 'є' => b'e',
        'ԍ' => b'g',
        'һ' | 'н' => b'h',
        'і' | 'ї' => b'i',
        'ј' => b'j',
        'к' | 'ҝ' | 'қ' => b'k',
        'ӏ' => b'l',
        'м' => b'm',
        'п' => b'n',
        'о' => b'o',
        'р' => b'p',
        'ԛ' => b'q',
        'г' => b'r',
        'ѕ' => b's',
        'т' => b't',
        'ц' | 'џ' => b'u',
        'ѵ' => b'v',
        'ԝ' | 'ш' => b'w',
        'х' => b'x',
        'у' => b'y',
        // Greek
        'α' | 'ά' => b'a',
        'β' => b'b',
        'ε' | 'έ' => b'e',
        'η' | 'ή' => b'n',
        'ι' | 'ί' | 'ϊ' => b'i',
        'κ' => b'k',
        'ν' => b'v',
        'ο' | 'ό' => b'o',
        'ρ' => b'p',
        'τ' => b't',
        'υ' | 'ύ' | 'μ' => b'u',
        'ω' | 'ώ' => b'w',
        'χ' => b'x',
        'γ' => b'y',
        _ => return None,
    })
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
    fn has_pairs_table() {
        for (s, want) in [
            ("", false),
            ("r", false),
            ("rn", true),
            ("modern", true),
            ("vvorld", true),
            ("cloud", true),
            ("talc", true),
            ("paypal", false),
            ("nr", false),
            ("r-n", false),
            ("lv", false),
        ] {
            assert_eq!(has_pairs(s.as_bytes()), want, "{s}");
        }
    }

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

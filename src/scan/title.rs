//! The `webpage_title` of an alert: the original's regex on a body decoded better than the
//! original decoded it.
//!
//! The original took `re.search('<title>(.*?)</title>', r.text.strip(), re.IGNORECASE)`, where
//! `requests` decoded `r.text` with the Content-Type charset, or ISO-8859-1 for any `text/*`
//! without one — so UTF-8 pages without a header charset got mojibake titles. Here the charset
//! comes, in order, from a byte-order mark, the Content-Type header, a `<meta charset>` /
//! `<meta http-equiv="Content-Type" content="…; charset=…">` in the first 2048 bytes (as browsers
//! do), else UTF-8 with replacement characters. The regex semantics are kept exactly: first
//! match, case-insensitive (with Python's Unicode case rules for the letters of `title`: `İ` and
//! `ı` match `i`), `.` not matching `\n` (a title split over lines is skipped and a later
//! one-line `<title>`, e.g. in an inline SVG, may be taken), `<title lang=…>` never matches, no
//! entity decoding, no trimming of the captured text.

use regex::bytes::Regex as BytesRegex;
use regex::Regex;
use std::sync::OnceLock;

/// How far into the body a `<meta>` charset declaration is looked for (the HTML prescan limit
/// is 1024; 2048 is more forgiving of long heads).
const META_SCAN: usize = 2048;

/// The page title the original would show, done better (see the module documentation).
/// `content_type` is the Content-Type header value. No match → `""`.
pub fn page_title(body: &[u8], content_type: Option<&str>) -> String {
    let text = decode_page(body, content_type);
    title_of(&text)
}

/// The original's regex on decoded text: the first `<title>(.*?)</title>`, case-insensitive,
/// without DOTALL; the captured text as is. No match → `""`.
pub fn title_of(text: &str) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    // Python's re.IGNORECASE on str matches exactly these characters for the letters of
    // "title" (checked over all code points with Python 3.11): t T, i I İ ı, l L, e E. Rust's
    // (?i) would miss İ and ı, so the classes are spelled out instead.
    let re = RE.get_or_init(|| {
        let t = "[tT][iIİı][tT][lL][eE]";
        Regex::new(&format!("<{t}>(.*?)</{t}>")).expect("title regex")
    });
    // Python applied the regex to `text.strip()`; stripping cannot change what a pattern that
    // starts and ends with a tag captures, so it is not done here.
    re.captures(text)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
        .unwrap_or_default()
}

/// The body as text, with the charset chosen as [`page_title`] documents.
pub fn decode_page(body: &[u8], content_type: Option<&str>) -> String {
    if let Some((enc, bom_len)) = bom(body) {
        return enc.decode(&body[bom_len..]);
    }
    if let Some(enc) = content_type
        .and_then(header_charset)
        .and_then(|c| Encoding::from_label(&c))
    {
        return enc.decode(body);
    }
    if let Some(enc) =
        meta_charset(&body[..body.len().min(META_SCAN)]).and_then(|c| Encoding::from_label(&c))
    {
        // A meta declaration readable as ASCII means the page is not UTF-16 (HTML rule).
        let enc = match enc {
            Encoding::Utf16 | Encoding::Utf16Le | Encoding::Utf16Be => Encoding::Utf8,
            e => e,
        };
        return enc.decode(body);
    }
    Encoding::Utf8.decode(body)
}

/// Decode with a named charset: utf-8/utf8; iso-8859-1/latin-1/latin1/l1 as Latin-1 (bytes →
/// the same code points, as Python does); us-ascii/ascii also as Latin-1 (Python's ascii codec
/// would turn bytes ≥ 0x80 into U+FFFD; a page declaring ASCII but holding such bytes is almost
/// always Latin-1 or windows-1252, so the letters are kept); windows-1252/cp1252 (Python's table:
/// the five undefined bytes 0x81 0x8D 0x8F 0x90 0x9D become U+FFFD as with `errors='replace'`);
/// iso-8859-15; utf-16/utf-16le/utf-16be. Names are matched as Python's codec lookup does
/// (case-insensitive, `_`, `-` and spaces alike). Anything else, or `None` → UTF-8 with
/// replacement characters (the same replacements as Python's `errors='replace'`).
pub fn decode(body: &[u8], charset: Option<&str>) -> String {
    charset
        .and_then(Encoding::from_label)
        .unwrap_or(Encoding::Utf8)
        .decode(body)
}

/// The `charset` parameter of a Content-Type header value (`text/html; charset="utf-8"`).
pub fn header_charset(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        (!value.is_empty()).then(|| value.to_string())
    })
}

/// The charset named by the first `<meta … charset=…>` in `head` (`<meta charset="x">` and
/// `<meta http-equiv="Content-Type" content="text/html; charset=x">` alike).
pub fn meta_charset(head: &[u8]) -> Option<String> {
    static RE: OnceLock<BytesRegex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        BytesRegex::new(r#"(?i-u)<meta\s[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:\-]+)"#)
            .expect("meta regex")
    });
    let caps = re.captures(head)?;
    Some(String::from_utf8_lossy(&caps[1]).into_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Latin1,
    Cp1252,
    Latin9,
    Utf16Le,
    Utf16Be,
    /// `utf-16` without a byte-order mark: Python assumes little-endian.
    Utf16,
}

impl Encoding {
    fn from_label(label: &str) -> Option<Encoding> {
        let norm: String = label
            .trim()
            .trim_matches(|c| c == '"' || c == '\'')
            .chars()
            .map(|c| {
                if c == '_' || c == ' ' {
                    '-'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        Some(match norm.as_str() {
            "utf-8" | "utf8" | "u8" | "utf" | "unicode-1-1-utf-8" | "x-unicode20utf8" => {
                Encoding::Utf8
            }
            "iso-8859-1" | "iso8859-1" | "iso-8859-1:1987" | "iso-ir-100" | "8859" | "latin-1"
            | "latin1" | "latin" | "l1" | "cp819" | "ibm819" | "csisolatin1" | "us-ascii"
            | "ascii" | "us" | "646" | "iso646-us" | "ansi-x3.4-1968" | "ansi-x3.4-1986"
            | "cp367" | "ibm367" | "csascii" => Encoding::Latin1,
            "windows-1252" | "cp1252" | "x-cp1252" | "1252" => Encoding::Cp1252,
            "iso-8859-15" | "iso8859-15" | "latin-9" | "latin9" | "l9" | "csisolatin9" => {
                Encoding::Latin9
            }
            "utf-16le" | "utf-16-le" | "utf16le" => Encoding::Utf16Le,
            "utf-16be" | "utf-16-be" | "utf16be" => Encoding::Utf16Be,
            "utf-16" | "utf16" | "u16" => Encoding::Utf16,
            _ => return None,
        })
    }

    fn decode(self, body: &[u8]) -> String {
        match self {
            Encoding::Utf8 => String::from_utf8_lossy(body).into_owned(),
            Encoding::Latin1 => body.iter().map(|&b| b as char).collect(),
            Encoding::Cp1252 => body.iter().map(|&b| cp1252(b)).collect(),
            Encoding::Latin9 => body.iter().map(|&b| latin9(b)).collect(),
            Encoding::Utf16Le => utf16(body, u16::from_le_bytes),
            Encoding::Utf16Be => utf16(body, u16::from_be_bytes),
            Encoding::Utf16 => match bom(body) {
                Some((Encoding::Utf16Be, n)) => utf16(&body[n..], u16::from_be_bytes),
                Some((Encoding::Utf16Le, n)) => utf16(&body[n..], u16::from_le_bytes),
                _ => utf16(body, u16::from_le_bytes),
            },
        }
    }
}

/// A byte-order mark: the encoding and the mark's length.
fn bom(body: &[u8]) -> Option<(Encoding, usize)> {
    if body.starts_with(b"\xEF\xBB\xBF") {
        Some((Encoding::Utf8, 3))
    } else if body.starts_with(b"\xFF\xFE") {
        Some((Encoding::Utf16Le, 2))
    } else if body.starts_with(b"\xFE\xFF") {
        Some((Encoding::Utf16Be, 2))
    } else {
        None
    }
}

fn utf16(body: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let chunks = body.chunks_exact(2);
    let odd = !chunks.remainder().is_empty();
    let mut s: String = char::decode_utf16(chunks.map(|c| unit([c[0], c[1]])))
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if odd {
        s.push(char::REPLACEMENT_CHARACTER);
    }
    s
}

/// Python's cp1252 codec with `errors='replace'`.
fn cp1252(b: u8) -> char {
    const HIGH: [u16; 32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    ];
    match b {
        0x80..=0x9F => {
            char::from_u32(HIGH[(b - 0x80) as usize] as u32).unwrap_or(char::REPLACEMENT_CHARACTER)
        }
        _ => b as char,
    }
}

/// ISO-8859-15: Latin-1 with eight code points replaced (€ Š š Ž ž Œ œ Ÿ).
fn latin9(b: u8) -> char {
    match b {
        0xA4 => '\u{20AC}',
        0xA6 => '\u{0160}',
        0xA8 => '\u{0161}',
        0xB4 => '\u{017D}',
        0xB8 => '\u{017E}',
        0xBC => '\u{0152}',
        0xBD => '\u{0153}',
        0xBE => '\u{0178}',
        _ => b as char,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_charset_forms() {
        assert_eq!(
            header_charset("text/html; charset=UTF-8").as_deref(),
            Some("UTF-8")
        );
        assert_eq!(
            header_charset("text/html;charset=\"iso-8859-1\"").as_deref(),
            Some("iso-8859-1")
        );
        assert_eq!(
            header_charset("text/html; Charset = latin1 ; q=1").as_deref(),
            Some("latin1")
        );
        assert_eq!(header_charset("text/html"), None);
        assert_eq!(header_charset("charset=utf-8"), None);
        assert_eq!(header_charset("text/html; charset="), None);
    }

    #[test]
    fn meta_charset_forms() {
        assert_eq!(
            meta_charset(b"<head><meta charset=\"windows-1252\">").as_deref(),
            Some("windows-1252")
        );
        assert_eq!(
            meta_charset(b"<META CHARSET=latin1>").as_deref(),
            Some("latin1")
        );
        assert_eq!(
            meta_charset(
                b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\">"
            )
            .as_deref(),
            Some("ISO-8859-1")
        );
        assert_eq!(meta_charset(b"<meta name=\"x\"> charset=latin1"), None);
        assert_eq!(meta_charset(b"<metadata charset=latin1>"), None);
    }

    #[test]
    fn labels() {
        assert_eq!(Encoding::from_label("ISO_8859-1"), Some(Encoding::Latin1));
        assert_eq!(Encoding::from_label(" \"UTF8\" "), Some(Encoding::Utf8));
        assert_eq!(Encoding::from_label("Windows-1252"), Some(Encoding::Cp1252));
        assert_eq!(Encoding::from_label("koi8-r"), None);
    }

    #[test]
    fn utf16_bom_and_odd_length() {
        let mut b = vec![0xFF, 0xFE];
        for u in "<title>Ü</title>".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(page_title(&b, Some("text/html; charset=iso-8859-1")), "Ü");
        assert_eq!(decode(b"A\x00B", Some("utf-16le")), "A\u{FFFD}");
        // A meta declaration of UTF-16 is read as UTF-8 (the page was readable as ASCII).
        assert_eq!(
            page_title(b"<meta charset=utf-16><title>\xc3\xa9</title>", None),
            "\u{e9}"
        );
    }
}

//! The common-word list the lookalike engine consults before it flags a name: a label that is
//! a real word (`impot`, `papal`, `range`, `pineapple`) is far more likely an ordinary site
//! than a typosquat, and a brand glued to real words (`orangetheory`, `bluechase`) is a
//! company name, not phishing, unless one of those words is bait (`paypalsecure`).
//!
//! The list is `assets/common_words.fc`, compiled in, from wordfreq 3.1.1 (data CC BY-SA
//! 4.0): every word seen at least about once per ten million words (Zipf ≥ 2.0) in English,
//! French, Spanish, German, Italian, Portuguese or Dutch, and at least once per million
//! (Zipf ≥ 3.0) in the 20 other Latin-script languages wordfreq covers (Catalan, Czech,
//! Danish, Finnish, Filipino, Hungarian, Indonesian, Icelandic, Latvian, Lithuanian, Malay,
//! Norwegian, Polish, Romanian, Serbo-Croatian, Slovak, Slovenian, Swedish, Turkish,
//! Vietnamese) — certificates name sites of every country, and a word list of seven
//! languages called `telekomunikacja` a compound of `telekom`. Accents folded, 3–24 ASCII
//! letters: about 1.07 million words, each with its Zipf frequency (log10 of occurrences
//! per billion words: `the` 7.7, `theory` 4.9, `impost` 2.1). `tools/gen_common_words.py`
//! rebuilds it. It is front-coded (each entry: one byte of prefix shared with the previous
//! word, the rest, the Zipf value × 10 as one byte, `\n`; every 32nd entry shares
//! nothing), so it costs 5.7 MB of the binary's read-only data, mapped from the file as
//! lookups touch it, and no heap beyond a block index of ~34 000 offsets built at start.

use std::sync::OnceLock;

static DATA: &[u8] = include_bytes!("../../../assets/common_words.fc");
const BLOCK: usize = 32;

/// Words are at most this long; longer input is never a word.
pub const MAX_WORD: usize = 24;

/// Byte offset of each block's first entry.
fn blocks() -> &'static [u32] {
    static INDEX: OnceLock<Vec<u32>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = Vec::with_capacity(DATA.len() / (BLOCK * 4) + 1);
        let mut pos = 0;
        let mut n = 0;
        while pos < DATA.len() {
            if n % BLOCK == 0 {
                index.push(pos as u32);
            }
            match DATA[pos + 1..].iter().position(|&c| c == b'\n') {
                Some(end) => pos += 1 + end + 1,
                None => break,
            }
            n += 1;
        }
        index
    })
}

/// The block's first word (stored whole).
fn head(offset: u32) -> &'static [u8] {
    let start = offset as usize + 1;
    let end = DATA[start..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(DATA.len(), |e| start + e);
    &DATA[start..end.saturating_sub(1).max(start)]
}

/// Builds the block index now rather than on the first lookup (start-up, not hot path).
pub fn load() {
    blocks();
}

/// Is `word` (lower-case ASCII letters) in the list?
pub fn contains(word: &[u8]) -> bool {
    zipf(word).is_some()
}

/// The word's Zipf frequency (2.0 ..= 8.0; the highest over the languages), if it
/// is in the list.
pub fn zipf(word: &[u8]) -> Option<f32> {
    if word.len() < 3 || word.len() > MAX_WORD {
        return None;
    }
    let index = blocks();
    // Last block whose head is <= word.
    let b = index.partition_point(|&off| head(off) <= word);
    if b == 0 {
        return None;
    }
    let mut pos = index[b - 1] as usize;
    let stop = index.get(b).map_or(DATA.len(), |&o| o as usize);
    let mut cur = [0u8; MAX_WORD];
    let mut len = 0;
    while pos < stop {
        let shared = (DATA[pos] as usize).min(len);
        let rest_start = pos + 1;
        let rest_end = match DATA[rest_start..].iter().position(|&c| c == b'\n') {
            Some(e) => rest_start + e,
            None => DATA.len(),
        };
        let (rest, z) = match DATA[rest_start..rest_end].split_last() {
            Some((&z, rest)) => (rest, z),
            None => (&[][..], 0),
        };
        len = (shared + rest.len()).min(MAX_WORD);
        cur[shared..len].copy_from_slice(&rest[..len - shared]);
        match cur[..len].cmp(word) {
            std::cmp::Ordering::Equal => return Some(f32::from(z) / 10.0),
            std::cmp::Ordering::Greater => return None,
            std::cmp::Ordering::Less => {}
        }
        pos = rest_end + 1;
    }
    None
}

/// Articles, prepositions, possessives and conjunctions of two to four letters in the
/// seven core languages: hostnames glue them to words (`lesjardins`, `aufildesjardins`,
/// `thebestshop`), so they count as words in compounds whatever their length. Single
/// letters (`a`, `y`, `e`) do not: they would make any string one letter longer a phrase.
#[rustfmt::skip]
pub const FUNCTION_WORDS: &[&str] = &[
    // English
    "the", "an", "of", "to", "in", "on", "at", "by", "for", "and", "my", "our", "your",
    "his", "her", "its",
    // French
    "le", "la", "les", "un", "une", "des", "du", "de", "au", "aux", "et", "en", "mon", "ma",
    "mes", "ton", "ta", "tes", "son", "sa", "ses", "nos", "vos", "leur", "chez", "sur",
    "par", "pour",
    // Spanish, Portuguese
    "el", "los", "las", "una", "del", "al", "mi", "mis", "tu", "tus", "su", "sus", "con",
    "por", "para", "os", "as", "um", "uma", "do", "da", "dos", "das", "no", "na", "nas",
    "em", "meu", "seu",
    // Italian
    "il", "lo", "gli", "uno", "di", "dei", "per", "mio", "mia", "tuo", "suo",
    // German, Dutch
    "der", "die", "das", "den", "dem", "ein", "eine", "von", "vom", "zum", "zur", "und",
    "mit", "im", "am", "zu", "bei", "mein", "dein", "sein", "het", "een", "van", "op",
    "met", "voor", "mijn", "ons",
];

/// How common a word must be to count as a piece of a compound: short strings are words
/// in some language far too often (45 % of random three-letter strings are in the list),
/// so three letters need Zipf ≥ 4.0 (`the`, `man`, `pie`), four need 3.0 (`farm`,
/// `bees`), longer ones just being in the list. Random strings then segment ~6 % of the
/// time at three letters and under 2 % from four on.
pub fn common_enough(word: &[u8]) -> bool {
    if FUNCTION_WORDS.iter().any(|f| f.as_bytes() == word) {
        return true;
    }
    let need = match word.len() {
        0..=2 => return false,
        3 => 4.0,
        4 => 3.0,
        _ => 2.0,
    };
    zipf(word).is_some_and(|z| z >= need)
}

/// Can `s` be cut into common words (`theoryfitness` → theory + fitness; see
/// `common_enough` for how common)? Empty input counts as segmentable. Inputs longer than 64
/// bytes or with anything but ASCII letters are not.
pub fn segments(s: &[u8]) -> bool {
    if s.is_empty() {
        return true;
    }
    if s.len() > 64 || !s.iter().all(|c| c.is_ascii_lowercase()) {
        return false;
    }
    // ok[i]: s[..i] can be segmented.
    let mut ok = [false; 65];
    ok[0] = true;
    for end in 1..=s.len() {
        let lo = end.saturating_sub(MAX_WORD);
        for start in lo..=end.saturating_sub(2) {
            if ok[start] && common_enough(&s[start..end]) {
                ok[end] = true;
                break;
            }
        }
    }
    ok[s.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_several_languages() {
        for w in [
            "range",
            "papal",
            "finance",
            "impot",
            "amazone",
            "oranje",
            "theory",
            "pineapple",
            "purchase",
            "abbey",
            "zebra",
            "zucchini",
            "strasse",
        ] {
            assert!(contains(w.as_bytes()), "{w} should be a word");
        }
    }

    #[test]
    fn non_words() {
        for w in [
            "",
            "ab",
            "pyapal",
            "amazn",
            "paypalsecure",
            "xqzvw",
            "microsft",
            "paypa1",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "Range",
            "zzzzzzzzzz",
        ] {
            assert!(!contains(w.as_bytes()), "{w} should not be a word");
        }
    }

    #[test]
    fn first_and_last_entries_are_found() {
        let index = blocks();
        let first = head(index[0]).to_vec();
        assert!(contains(&first));
        // The last word: decode the last block to its end.
        let mut last = Vec::new();
        let mut pos = *index.last().unwrap() as usize;
        while pos < DATA.len() {
            let shared = DATA[pos] as usize;
            let end = pos + 1 + DATA[pos + 1..].iter().position(|&c| c == b'\n').unwrap();
            last.truncate(shared);
            last.extend_from_slice(&DATA[pos + 1..end - 1]); // without the Zipf byte
            pos = end + 1;
        }
        assert!(contains(&last), "{}", String::from_utf8_lossy(&last));
        let words = DATA.iter().filter(|&&c| c == b'\n').count();
        assert!(words > 400_000, "{words}");
        assert_eq!(zipf(b"the").map(|z| z >= 7.0), Some(true));
        assert_eq!(zipf(b"theory").map(|z| (4.0..6.0).contains(&z)), Some(true));
        assert!(zipf(b"orangey").is_some_and(|z| z < 3.0));
    }

    #[test]
    fn segmentation() {
        let cases: &[(&str, bool)] = &[
            ("", true),
            ("theory", true),
            ("theoryfitness", true),
            ("bluewood", true),
            ("xkq", false),
            ("theoryxkq", false),
            ("theman", true),
            ("xyz", false), // in the list, but rare for three letters
            ("paypalqz", false),
            ("aufil", true), // au + fil: two-letter function words count
            ("lejournal", true),
            ("qz", false),
            ("2024", false),
            ("theory-fitness", false),
        ];
        for &(s, want) in cases {
            assert_eq!(segments(s.as_bytes()), want, "{s}");
        }
    }
}

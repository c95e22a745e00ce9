//! Lookalike detection (`[LOOKALIKE]`): catches the phishing names that keyword regexes
//! miss — IDN homoglyphs (`xn--pple-43d.com`), ASCII tricks (`paypa1-login.com`), typos
//! (`pyapal.com`), names split by a dot or hyphen (`pa.ypal.com`, `pay-pal.com`) and the
//! brand embedded in a longer label — while never flagging the brands' own domains.
//!
//! Per host: `*.` and a trailing dot are dropped, the name is lower-cased, the public
//! suffix (embedded PSL, `psl` crate) is cut off, each `xn--` label is decoded (RFC 3492)
//! and NFKC-normalised, and every label is mapped to its confusable *skeleton*: non-ASCII
//! characters through Unicode TR39 (`unicode-security`), accents dropped, then the ASCII
//! tricks `0→o 1→l 3→e 5→s`, `rn→m`, `vv→w`. Each brand's skeleton is then compared with
//! every label, hyphen token, and pair of adjacent labels or tokens joined, by
//! Damerau–Levenshtein distance (optimal string alignment); failing that, by containment.
//!
//! What keeps the false positives down is the common-word list (`common_words`):
//! a unit one or two edits from a brand that is itself a real word in one of 27
//! languages (`impot`, `papal`, `range`, `amazone`) is not a typo; a brand inside a real
//! word (`pineapple`, `purchase`) is not contained; and a brand glued or hyphenated to
//! ordinary words only (`orangetheory`, `orange-county`) is a company name — unless a
//! piece around it is bait (`words::BAIT_WORDS`: `paypalsecure`, `moncompte-ameli`) or not made
//! of words at all (`paypal24`). The brand alone as a label (`paypal.co`) always counts.
//! Digits read as letters only when they could be letters: a run of three, or of two
//! ending a token (`app13`, `web01`), is a number, and a number is never half of a split.
//!
//! Which technique is reported (see [`Technique`]): whole-unit matches beat containment;
//! among them the smallest distance wins, ties going idn-homoglyph, ascii-homoglyph,
//! contains (the brand verbatim as a whole label or token), split, typo.
//!
//! This file is the engine (which units are compared with which brand, and which match
//! wins); `skeleton` turns names into skeletons, `distance` measures them, `words` holds
//! the word checks and bait tables, `common_words` the compiled-in word list.

mod common_words;
mod distance;
mod skeleton;
mod words;

pub use skeleton::skeleton;

use crate::config::{parse_python_int, split_list, Config, ConfigError};
use distance::{mask, more_bits_than, osa_within};
use skeleton::{clean, has_pairs, push_label_skeleton, skeleton_brand};
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use words::{admin_piece, bait_around, ordinary_compound, plausible, tld_word_around};

/// `[LOOKALIKE]` settings, read and validated by [`LookalikeSettings::from_config`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookalikeSettings {
    /// Brand labels, lower-case (`paypal`, `apple`).
    pub brands: Vec<String>,
    /// Registered domains never flagged, nor their subdomains (lower-case, ASCII/xn--).
    pub owned_domains: Vec<String>,
    /// `None` = auto (see [`auto_max_distance`]).
    pub max_distance: Option<usize>,
    /// Brands shorter than this are only matched at distance 0 (homoglyphs, exact token).
    pub min_brand_length: usize,
    /// Hits below this confidence are not reported (`MinConfidence`, default medium).
    pub min_confidence: Confidence,
    /// `AllowFile`: the file and its entries (registered domains or suffixes, lower-case),
    /// never flagged, nor names under them. Read by [`LookalikeSettings::from_config`], so
    /// a reload (SIGHUP) reads the file again.
    pub allow: Option<(String, Vec<String>)>,
}

pub const DEFAULT_MIN_BRAND_LENGTH: usize = 5;

impl LookalikeSettings {
    pub fn new(brands: &[&str], owned: &[&str]) -> LookalikeSettings {
        LookalikeSettings {
            brands: brands.iter().map(|b| b.to_ascii_lowercase()).collect(),
            owned_domains: owned.iter().map(|d| d.to_ascii_lowercase()).collect(),
            max_distance: None,
            min_brand_length: DEFAULT_MIN_BRAND_LENGTH,
            min_confidence: Confidence::Medium,
            allow: None,
        }
    }

    /// `[LOOKALIKE]`: `None` unless the section exists and `Enabled` is true. Then
    /// `Brands` is required; `OwnedDomains`, `MaxDistance` (`auto`), `MinBrandLength` (5),
    /// `MinConfidence` (medium) and `AllowFile` (none; read here) are optional.
    pub fn from_config(config: &Config) -> Result<Option<LookalikeSettings>, ConfigError> {
        const S: &str = "LOOKALIKE";
        if !config.yes_no(S, "Enabled")? {
            return Ok(None);
        }
        let raw = config.require(S, "Brands")?;
        let mut brands = Vec::new();
        for b in split_list(&raw) {
            let b = b.to_lowercase();
            if b.contains('.') || b.starts_with("xn--") || b.chars().any(|c| c.is_control()) {
                return Err(config.key_error(
                    S,
                    "Brands",
                    format!(
                        "{b:?}: a brand is one label as people read it (paypal, not paypal.com)"
                    ),
                ));
            }
            brands.push(b);
        }
        if brands.is_empty() {
            return Err(config.key_error(S, "Brands", "no brand given"));
        }
        let mut owned = Vec::new();
        for d in split_list(&config.get(S, "OwnedDomains")?.unwrap_or_default()) {
            let d = d
                .trim_start_matches("*.")
                .trim_end_matches('.')
                .to_ascii_lowercase();
            if !d.is_ascii() || !d.contains('.') || d.starts_with('.') || d.contains("..") {
                return Err(config.key_error(
                    S,
                    "OwnedDomains",
                    format!("{d:?}: use registered domains in ASCII (xn-- form), e.g. paypal.com"),
                ));
            }
            owned.push(d);
        }
        let max_distance = match config
            .get(S, "MaxDistance")?
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
        {
            None => None,
            Some(v) if v.eq_ignore_ascii_case("auto") => None,
            Some(v) => Some(
                parse_python_int(&v)
                    .filter(|n| (0..=3).contains(n))
                    .ok_or_else(|| {
                        config.key_error(
                            S,
                            "MaxDistance",
                            format!("{v:?}: use auto or a whole number from 0 to 3"),
                        )
                    })? as usize,
            ),
        };
        let min_brand_length = match config
            .get(S, "MinBrandLength")?
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
        {
            None => DEFAULT_MIN_BRAND_LENGTH,
            Some(v) => parse_python_int(&v)
                .filter(|n| (1..=63).contains(n))
                .ok_or_else(|| {
                    config.key_error(
                        S,
                        "MinBrandLength",
                        format!("{v:?}: use a whole number from 1 to 63"),
                    )
                })? as usize,
        };
        let min_confidence = match config
            .get(S, "MinConfidence")?
            .map(|v| v.trim().to_ascii_lowercase())
            .filter(|v| !v.is_empty())
        {
            None => Confidence::Medium,
            Some(v) => Confidence::parse(&v).ok_or_else(|| {
                config.key_error(
                    S,
                    "MinConfidence",
                    format!("{v:?}: use low, medium or high"),
                )
            })?,
        };
        let allow = match config
            .get(S, "AllowFile")?
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
        {
            None => None,
            Some(path) => Some((path.clone(), read_allow_file(config, &path)?)),
        };
        Ok(Some(LookalikeSettings {
            brands,
            owned_domains: owned,
            max_distance,
            min_brand_length,
            min_confidence,
            allow,
        }))
    }
}

/// Largest `AllowFile` read (bytes): an allow-list is a few thousand lines at most.
const MAX_ALLOW_FILE: u64 = 16 << 20;

/// `AllowFile`: one registered domain or suffix per line (`example.com`, `co.example`,
/// `*.example.com` and a trailing dot accepted), blank lines and `#` comments (whole line
/// or after the entry) skipped. An unreadable file names the key; a bad line names the
/// file and its line.
fn read_allow_file(config: &Config, path: &str) -> Result<Vec<String>, ConfigError> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| {
        config.key_error("LOOKALIKE", "AllowFile", format!("cannot read {path}: {e}"))
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(unreadable)?
        .take(MAX_ALLOW_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_ALLOW_FILE {
        return Err(config.key_error(
            "LOOKALIKE",
            "AllowFile",
            format!("{path}: larger than {MAX_ALLOW_FILE} bytes"),
        ));
    }
    let mut out = Vec::new();
    for (i, line) in bytes.split(|&c| c == b'\n').enumerate() {
        let bad = |message: String| ConfigError {
            file: path.to_string(),
            line: Some(i + 1),
            section: Some("LOOKALIKE".into()),
            key: Some("AllowFile".into()),
            message,
        };
        let Ok(line) = std::str::from_utf8(line) else {
            return Err(bad("not UTF-8 text".into()));
        };
        let entry = line.split('#').next().unwrap_or("").trim();
        if entry.is_empty() {
            continue;
        }
        let d = entry
            .trim_start_matches("*.")
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        };
        if d.len() > 253 || !d.split('.').all(label_ok) {
            return Err(bad(format!(
                "{entry:?}: one registered domain or suffix per line, in ASCII (xn-- form), e.g. example.com"
            )));
        }
        out.push(d);
    }
    Ok(out)
}

/// `MaxDistance = auto`: 0 for brands of up to 4 characters, 1 for 5 to 8, 2 from 9 on.
pub fn auto_max_distance(brand_len: usize) -> usize {
    match brand_len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// How sure the engine is that a hit is a lookalike (`[LOOKALIKE] MinConfidence`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// A typo that makes a plausible word or name (in the word list, or cut into words:
    /// `netfix` = net + fix).
    Low,
    /// Any other typo (distance ≥ 1 without homoglyphs), and a split with a typo in it.
    Medium,
    /// An IDN or ASCII homoglyph, the brand verbatim (with bait, alone as a label, among
    /// non-words), the brand with a TLD or administration word, an exact split.
    High,
}

impl Confidence {
    pub fn name(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    /// `low`, `medium`, `high` (lower-case).
    pub fn parse(s: &str) -> Option<Confidence> {
        match s {
            "low" => Some(Confidence::Low),
            "medium" => Some(Confidence::Medium),
            "high" => Some(Confidence::High),
            _ => None,
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a name imitates a brand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Technique {
    /// An `xn--` label whose decoded characters look like the brand (Cyrillic а, Greek ο, ṗ…).
    IdnHomoglyph,
    /// ASCII look-alikes (`0→o 1→l 3→e 5→s rn→m vv→w`) brought the label closer to the brand.
    AsciiHomoglyph,
    /// The brand verbatim: a whole label or hyphen token (`paypal.co`, `paypal-login.com`),
    /// or, when no whole unit matches, inside a longer label (`mypaypalaccount.com`).
    Contains,
    /// The brand glued or hyphenated to a TLD, registry or administration word
    /// (`paypalcom.com`, `paypal-gouv.online`, `particulier-paypal.co`, `paypal.gov-portal.com`).
    TldWord,
    /// Two adjacent labels or hyphen tokens joined match (`pa.ypal.com`, `pay-pal.com`).
    Split,
    /// Edit distance 1.. (omission, insertion, substitution, transposition).
    Typo,
}

impl Technique {
    pub fn name(self) -> &'static str {
        match self {
            Technique::IdnHomoglyph => "idn-homoglyph",
            Technique::AsciiHomoglyph => "ascii-homoglyph",
            Technique::Contains => "contains",
            Technique::TldWord => "tld-word",
            Technique::Split => "split",
            Technique::Typo => "typo",
        }
    }

    pub const ALL: [Technique; 6] = [
        Technique::IdnHomoglyph,
        Technique::AsciiHomoglyph,
        Technique::Typo,
        Technique::Split,
        Technique::Contains,
        Technique::TldWord,
    ];
}

impl fmt::Display for Technique {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a host was flagged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookalikeHit {
    pub brand: String,
    pub technique: Technique,
    pub distance: usize,
    /// Skeleton of the whole host (labels left of the public suffix, then the suffix).
    pub skeleton: String,
    /// Skeleton of the label, token or joined pair that matched.
    pub matched: String,
    pub confidence: Confidence,
}

impl LookalikeHit {
    /// The monitor's stdout suffix: ` (Lookalike: paypal, typo, distance 1, confidence medium)`.
    pub fn suffix(&self) -> String {
        format!(
            " (Lookalike: {}, {}, distance {}, confidence {})",
            self.brand, self.technique, self.distance, self.confidence
        )
    }
}

/// What [`Lookalike::explain`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Explanation {
    Owned(String),
    /// Under an entry of `AllowFile` (the entry, the file).
    Allowed(String, String),
    NoHit,
    Hit(LookalikeHit),
    /// It would match, but the word list calls it an ordinary name: a real word near the
    /// brand (`papal`), or the brand among ordinary words (`orangetheory`), or the hit is
    /// below `MinConfidence`. The string says which.
    Ordinary(LookalikeHit, String),
}

#[derive(Debug, Clone)]
struct Brand {
    name: String,
    skel: Vec<u8>,
    max_d: usize,
    /// Containment is only tried for brands at least `MinBrandLength` long.
    fuzzy: bool,
    mask: u64,
}

/// The compiled engine: build once, then [`Lookalike::check`] per host.
#[derive(Debug, Clone)]
pub struct Lookalike {
    brands: Vec<Brand>,
    owned: HashSet<String>,
    /// `AllowFile` entries, and the file's name.
    allowed: HashSet<String>,
    allow_file: String,
    min_len: usize,
    min_confidence: Confidence,
    /// Shortest token a fuzzy brand can be contained in (`usize::MAX` if none).
    min_contained: usize,
    /// For each unit length up to the longest brand plus its distance, the brands (in
    /// configured order) whose length is within their max distance of it.
    by_len: Vec<Vec<usize>>,
    /// The common-word checks (off only to explain what they vetoed).
    word_filter: bool,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

#[derive(Default)]
struct Scratch {
    /// Skeleton of the body (labels left of the suffix), labels separated by `.`.
    skel: Vec<u8>,
    /// (start, end, idn) per label in `skel`.
    labels: Vec<(usize, usize, bool)>,
    /// (start, end) of each label in the lower-cased body, for its digits.
    raw: Vec<(usize, usize)>,
    join: Vec<u8>,
    /// (label, token, start, end in the label) of the tokens long enough to contain a
    /// brand, met by the unit walk and searched for containment after it.
    long_tokens: Vec<(usize, usize, usize, usize)>,
    /// Per label: whether collapsing pairs (`rn`, `cl`, …) changes its skeleton.
    changed: Vec<bool>,
    /// The collapsed pass: search only units touching a changed label (the others give
    /// exactly what the first pass found).
    only_changed: bool,
}

/// One candidate unit of a host, in the order the search meets them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Unit {
    Label(usize),
    /// Hyphen token `t` of label `l`.
    Token(usize, usize),
    /// Tokens `t` and `t+1` of label `l` joined.
    TokenPair(usize, usize),
    /// The last hyphen token of label `l` and the first of label `l+1` joined (for labels
    /// without hyphens, the two labels).
    LabelPair(usize),
}

#[derive(Clone, Copy, Debug)]
struct Candidate {
    brand: usize,
    unit: Unit,
    distance: usize,
    technique: Technique,
    /// Found by containment rather than as a whole unit.
    contained: bool,
}

impl Candidate {
    /// Whole-unit matches beat containment; then distance; then technique.
    fn rank(&self) -> (bool, usize, Technique) {
        (self.contained, self.distance, self.technique)
    }
}

impl Lookalike {
    pub fn new(settings: &LookalikeSettings) -> Lookalike {
        let mut brands = Vec::new();
        for b in &settings.brands {
            let lower = b.to_lowercase();
            let mut skel = Vec::new();
            skeleton_brand(&lower, &mut skel);
            if skel.is_empty() || brands.iter().any(|x: &Brand| x.skel == skel) {
                continue;
            }
            let n = skel.len();
            let fuzzy = lower.chars().count() >= settings.min_brand_length;
            let max_d = if !fuzzy {
                0
            } else {
                settings
                    .max_distance
                    .unwrap_or_else(|| auto_max_distance(n))
            };
            brands.push(Brand {
                name: lower,
                mask: mask(&skel),
                skel,
                max_d,
                fuzzy,
            });
        }
        let owned = settings
            .owned_domains
            .iter()
            .map(|d| {
                d.trim()
                    .trim_start_matches("*.")
                    .trim_end_matches('.')
                    .to_ascii_lowercase()
            })
            .filter(|d| !d.is_empty())
            .collect();
        if !brands.is_empty() {
            common_words::load();
        }
        let max_brand = brands
            .iter()
            .map(|b| b.skel.len() + b.max_d)
            .max()
            .unwrap_or(0);
        let by_len = (0..=max_brand)
            .map(|n| {
                (0..brands.len())
                    .filter(|&bi| {
                        let b: &Brand = &brands[bi];
                        n + b.max_d >= b.skel.len() && n <= b.skel.len() + b.max_d
                    })
                    .collect()
            })
            .collect();
        let min_contained = brands
            .iter()
            .filter(|b| b.fuzzy)
            .map(|b| b.skel.len() + MIN_EXTRA)
            .min()
            .unwrap_or(usize::MAX);
        let (allow_file, allowed) = match &settings.allow {
            Some((file, entries)) => (file.clone(), entries.iter().cloned().collect()),
            None => (String::new(), HashSet::new()),
        };
        Lookalike {
            brands,
            owned,
            allowed,
            allow_file,
            min_len: settings.min_brand_length,
            min_confidence: settings.min_confidence,
            min_contained,
            by_len,
            word_filter: true,
        }
    }

    pub fn min_brand_length(&self) -> usize {
        self.min_len
    }

    /// `name (max distance n)` per brand, for the start-up log line.
    pub fn describe(&self) -> String {
        let b: Vec<String> = self
            .brands
            .iter()
            .map(|b| format!("{} (max distance {})", b.name, b.max_d))
            .collect();
        let mut out = format!("{}; {} owned domain(s)", b.join(", "), self.owned.len());
        if !self.allow_file.is_empty() {
            out += &format!(
                "; {} allowed name(s) from {}",
                self.allowed.len(),
                self.allow_file
            );
        }
        out + &format!("; min confidence {}", self.min_confidence)
    }

    /// `MinConfidence`.
    pub fn min_confidence(&self) -> Confidence {
        self.min_confidence
    }

    /// Whether `host` is one of the OwnedDomains or a subdomain of one.
    pub fn is_owned(&self, host: &str) -> Option<&str> {
        under(&self.owned, &clean(host))
    }

    /// Whether `host` is an `AllowFile` entry or under one.
    pub fn is_allowed(&self, host: &str) -> Option<&str> {
        if self.allowed.is_empty() {
            return None;
        }
        under(&self.allowed, &clean(host))
    }

    /// The verdict with the reason when not flagged (for check-rules).
    pub fn explain(&self, host: &str) -> Explanation {
        if let Some(d) = self.is_owned(host) {
            return Explanation::Owned(d.to_string());
        }
        if let Some(d) = self.is_allowed(host) {
            return Explanation::Allowed(d.to_string(), self.allow_file.clone());
        }
        if let Some(h) = self.check(host) {
            return Explanation::Hit(h);
        }
        let unfiltered = Lookalike {
            min_confidence: Confidence::Low,
            ..self.clone()
        };
        if let Some(h) = unfiltered.check(host) {
            let why = format!(
                "confidence {} is below MinConfidence {}",
                h.confidence, self.min_confidence
            );
            return Explanation::Ordinary(h, why);
        }
        let loose = Lookalike {
            word_filter: false,
            min_confidence: Confidence::Low,
            ..self.clone()
        };
        match loose.check(host) {
            Some(h) => {
                let why = if h.matched != h.brand && common_words::contains(h.matched.as_bytes()) {
                    format!("{} is a common word", h.matched)
                } else {
                    format!("only ordinary words, no bait, around {}", h.brand)
                };
                Explanation::Ordinary(h, why)
            }
            None => Explanation::NoHit,
        }
    }

    /// Is `host` a lookalike of one of the brands? Does not allocate when it is not
    /// (ASCII names; `xn--` labels are decoded into a fresh string).
    ///
    /// Owned and allowed names are looked up only for a hit: the verdict is the same, and
    /// the few hash lookups per suffix would cost more than the search itself on the
    /// ordinary names that make up nearly all of a CT feed.
    pub fn check(&self, host: &str) -> Option<LookalikeHit> {
        if self.brands.is_empty() {
            return None;
        }
        let h = clean(host);
        let hit = self.search_host(&h)?;
        if under(&self.owned, &h).is_some()
            || (!self.allowed.is_empty() && under(&self.allowed, &h).is_some())
        {
            return None;
        }
        Some(hit)
    }

    /// [`Lookalike::check`] of a cleaned name, owned and allowed names not excluded.
    fn search_host(&self, h: &str) -> Option<LookalikeHit> {
        let suffix_len = match psl::suffix(h.as_bytes()) {
            Some(s) => s.as_bytes().len(),
            None => 0,
        };
        if suffix_len + 1 >= h.len() {
            return None;
        }
        let body = &h[..h.len() - suffix_len - 1];
        SCRATCH
            .with(|s| {
                let mut s = s.borrow_mut();
                let s = &mut *s;
                s.skel.clear();
                s.labels.clear();
                s.raw.clear();
                // First without `rn→m`/`vv→w` (so `ornage` stays a typo of `orange`), then,
                // if the name has such pairs, with them; the closer match wins.
                let mut best: Option<Candidate> = None;
                let mut collapsed = false;
                s.changed.clear();
                for collapse in [false, true] {
                    s.skel.clear();
                    s.labels.clear();
                    s.only_changed = collapse;
                    let mut pairs = false;
                    let mut at = 0;
                    for label in body.split('.') {
                        let start = s.skel.len();
                        let idn = push_label_skeleton(label, &mut s.skel, collapse);
                        if !collapse {
                            s.raw.push((at, at + label.len()));
                            at += label.len() + 1;
                            let p = has_pairs(&s.skel[start..]);
                            s.changed.push(p);
                            pairs |= p;
                        }
                        s.labels.push((start, s.skel.len(), idn));
                        s.skel.push(b'.');
                    }
                    s.skel.pop();
                    // A unit that reads as an ordinary word before collapsing is not a
                    // disguise (`barclay` is not `barday` ≈ barclays).
                    let literal_word = |c: &Candidate| {
                        let raw: Vec<&str> = body.split('.').collect();
                        self.word_filter
                            && common_words::common_enough(unit_text_raw(&raw, c.unit).as_bytes())
                    };
                    if let Some(c) = self
                        .search(s, body)
                        .filter(|c| !collapse || c.distance == 0 || !literal_word(c))
                    {
                        if best.is_none_or(|b| c.rank() < b.rank()) {
                            best = Some(c);
                            collapsed = collapse;
                        }
                    }
                    if !collapse && !pairs {
                        break;
                    }
                }
                let best = best?;
                if !collapsed {
                    // Rebuild the skeleton the winner was found in.
                    s.skel.clear();
                    s.labels.clear();
                    for label in body.split('.') {
                        let start = s.skel.len();
                        let idn = push_label_skeleton(label, &mut s.skel, false);
                        s.labels.push((start, s.skel.len(), idn));
                        s.skel.push(b'.');
                    }
                    s.skel.pop();
                }
                Some(self.hit(best, s, body, &h[h.len() - suffix_len..]))
            })
            .filter(|hit| hit.confidence >= self.min_confidence)
    }

    fn search(&self, s: &mut Scratch, body: &str) -> Option<Candidate> {
        let mut best: Option<Candidate> = None;
        let skel = &s.skel;
        let labels = &s.labels;
        // Raw text only matters for ASCII labels, whose tokens line up with the skeleton's.
        let raw = |li: usize, idn: bool| -> &str {
            match s.raw.get(li) {
                Some(&(a, b)) if !idn => &body[a..b],
                _ => "",
            }
        };
        let mut consider = |c: Candidate, best: &mut Option<Candidate>| {
            if best.is_none_or(|b| (c.distance, c.technique) < (b.distance, b.technique)) {
                *best = Some(c);
            }
        };
        let (changed, only_changed) = (&s.changed, s.only_changed);
        let unchanged = |li: usize| only_changed && !changed.get(li).copied().unwrap_or(true);
        s.long_tokens.clear();
        for (li, &(ls, le, idn)) in labels.iter().enumerate() {
            let label = &skel[ls..le];
            if label.is_empty() || (unchanged(li) && (li == 0 || unchanged(li - 1))) {
                continue;
            }
            let raw_label = raw(li, idn);
            self.compare(
                label,
                Unit::Label(li),
                idn,
                Some((label, 0, raw_label)),
                &mut best,
                &mut consider,
            );
            let long = label.len() >= self.min_contained && !unchanged(li);
            if label.contains(&b'-') {
                let mut prev: Option<(&[u8], &str)> = None;
                let mut start = 0;
                let mut raw_toks = raw_label.split('-');
                for (ti, tok) in label.split(|&c| c == b'-').enumerate() {
                    let raw_tok = raw_toks.next().unwrap_or("");
                    if !tok.is_empty() {
                        self.compare(
                            tok,
                            Unit::Token(li, ti),
                            idn,
                            Some((label, start, raw_tok)),
                            &mut best,
                            &mut consider,
                        );
                    }
                    if long && tok.len() >= self.min_contained {
                        s.long_tokens.push((li, ti, start, start + tok.len()));
                    }
                    start += tok.len() + 1;
                    // A number is not half of a split brand (`app-14` is not `app14` ≈ apple).
                    if let Some((p, raw_p)) = prev {
                        if !p.is_empty()
                            && !tok.is_empty()
                            && self.reachable(p.len() + tok.len())
                            && !all_digits(raw_p.as_bytes())
                            && !all_digits(raw_tok.as_bytes())
                        {
                            s.join.clear();
                            s.join.extend_from_slice(p);
                            s.join.extend_from_slice(tok);
                            let j = std::mem::take(&mut s.join);
                            self.compare(
                                &j,
                                Unit::TokenPair(li, ti - 1),
                                idn,
                                None,
                                &mut best,
                                &mut consider,
                            );
                            s.join = j;
                        }
                    }
                    prev = Some((tok, raw_tok));
                }
            } else if long {
                s.long_tokens.push((li, 0, 0, label.len()));
            }
            // Across a dot: the previous label's last hyphen token and this label's first
            // (`pa.ypal`, and `fed.ex-security`, `verify-spo.tify`).
            if li > 0 {
                let (ps, pe, pidn) = labels[li - 1];
                let prev = last_token(&skel[ps..pe]);
                let first = first_token(label);
                if !prev.is_empty()
                    && !first.is_empty()
                    && self.reachable(prev.len() + first.len())
                    && !all_digits(last_token(raw(li - 1, pidn).as_bytes()))
                    && !all_digits(first_token(raw_label.as_bytes()))
                {
                    s.join.clear();
                    s.join.extend_from_slice(prev);
                    s.join.extend_from_slice(first);
                    let j = std::mem::take(&mut s.join);
                    self.compare(
                        &j,
                        Unit::LabelPair(li - 1),
                        idn || pidn,
                        None,
                        &mut best,
                        &mut consider,
                    );
                    s.join = j;
                }
            }
        }
        if best.is_some() {
            return best;
        }
        // Containment: the brand inside a longer hyphen token (`mypaypalaccount`), unless
        // the token is a real word (`pineapple`) or the brand is glued to ordinary words
        // only (`orangetheory`); see `ordinary_compound`. The first brand (in configured
        // order) found in any token wins, at its first token. Tokens are walked once, each
        // brand tried only where the token has all its letters (`mask`).
        let mut found: Option<Candidate> = None;
        for &(li, ti, at, end) in &s.long_tokens {
            let (ls, le, idn) = labels[li];
            let label = &skel[ls..le];
            let tok = &label[at..end];
            let tok_mask = mask(tok);
            for (bi, b) in self.brands.iter().enumerate() {
                if found.is_some_and(|f| f.brand <= bi) {
                    break;
                }
                if !b.fuzzy || tok.len() < b.skel.len() + MIN_EXTRA || b.mask & !tok_mask != 0 {
                    continue;
                }
                let Some(p) = find(tok, &b.skel) else {
                    continue;
                };
                let disguised = has_digit(raw(li, idn).split('-').nth(ti).unwrap_or(""));
                let (from, to) = (at + p, at + p + b.skel.len());
                // A short brand inside an unknown longer token is mostly coincidence
                // (`viberti`, `icicibaby`): only bait beside it makes it a lookalike.
                if !idn
                    && !disguised
                    && self.word_filter
                    && (ordinary_compound(label, from, to)
                        || (b.skel.len() < SHORT_BRAND && !bait_around(label, from, to)))
                {
                    continue;
                }
                let technique = if idn {
                    Technique::IdnHomoglyph
                } else {
                    Technique::Contains
                };
                found = Some(Candidate {
                    brand: bi,
                    unit: Unit::Token(li, ti),
                    distance: 0,
                    technique,
                    contained: true,
                });
                break;
            }
        }
        found
    }

    /// Whether some brand is within its distance of a unit of `len` bytes.
    fn reachable(&self, len: usize) -> bool {
        self.by_len.get(len).is_some_and(|b| !b.is_empty())
    }

    fn compare(
        &self,
        unit: &[u8],
        which: Unit,
        idn: bool,
        // The label, where `unit` starts in it, and the unit's raw text (looked at for
        // digits only when a brand is near), for whole labels and hyphen tokens; `None`
        // for joined pairs.
        within: Option<(&[u8], usize, &str)>,
        best: &mut Option<Candidate>,
        consider: &mut impl FnMut(Candidate, &mut Option<Candidate>),
    ) {
        let within_reach = match self.by_len.get(unit.len()) {
            Some(b) if !b.is_empty() => b,
            _ => return,
        };
        let m = mask(unit);
        for &bi in within_reach {
            let b = &self.brands[bi];
            if more_bits_than(b.mask & !m, b.max_d) {
                continue;
            }
            let bound = match best {
                Some(c) => b.max_d.min(c.distance),
                None => b.max_d,
            };
            if let Some(d) = osa_within(unit, &b.skel, bound) {
                let within_digits = within.map(|(l, at, raw)| (l, at, has_digit(raw)));
                if !idn && self.word_filter && !plausible(unit, &b.skel, d, within_digits) {
                    continue;
                }
                let joined = within.is_none();
                // The technique is settled later (it needs the raw text); rank by a
                // provisional one so that ties prefer homoglyphs and verbatim tokens.
                let technique = if idn {
                    Technique::IdnHomoglyph
                } else if joined {
                    Technique::Split
                } else if d > 0 {
                    Technique::Typo
                } else {
                    Technique::Contains
                };
                consider(
                    Candidate {
                        brand: bi,
                        unit: which,
                        distance: d,
                        technique,
                        contained: false,
                    },
                    best,
                );
            }
        }
    }

    /// Turn the winning candidate into a hit; decides ascii-homoglyph by comparing the
    /// raw (trick-free) text of the same unit with the brand.
    fn hit(&self, c: Candidate, s: &Scratch, body: &str, suffix: &str) -> LookalikeHit {
        let b = &self.brands[c.brand];
        let matched = unit_text(&s.skel, &s.labels, c.unit);
        let mut technique = c.technique;
        let mut disguised = false;
        if technique != Technique::IdnHomoglyph {
            let raw: Vec<&str> = body.split('.').collect();
            let plain = unit_text_raw(&raw, c.unit);
            disguised = has_digit(&plain);
            let plain_d =
                osa_within(plain.as_bytes(), &b.skel, usize::MAX >> 1).unwrap_or(usize::MAX);
            let tricked = if c.contained {
                find(plain.as_bytes(), &b.skel).is_none()
            } else {
                plain_d > c.distance
            };
            if tricked {
                technique = Technique::AsciiHomoglyph;
            } else if c.distance == 0
                && technique == Technique::Contains
                && self.tld_word_beside(s, c.unit, &b.skel)
            {
                technique = Technique::TldWord;
            }
        }
        let confidence = match technique {
            Technique::IdnHomoglyph
            | Technique::AsciiHomoglyph
            | Technique::Contains
            | Technique::TldWord => Confidence::High,
            Technique::Split if c.distance == 0 => Confidence::High,
            // A typo (or a split with one) that reads as a word or a name: `netfix` = net +
            // fix, `mercadolibros` = mercado + libros, a rare word of the list.
            // A digit in it is a disguise, not a word (`amel1`).
            _ if !disguised && word_like(&matched, &b.skel, c.distance) => Confidence::Low,
            _ => Confidence::Medium,
        };
        let mut skeleton = String::from_utf8_lossy(&s.skel).into_owned();
        skeleton.push('.');
        skeleton.push_str(suffix);
        LookalikeHit {
            brand: b.name.clone(),
            technique,
            distance: c.distance,
            skeleton,
            matched: String::from_utf8_lossy(&matched).into_owned(),
            confidence,
        }
    }

    /// Is a TLD or administration word beside the brand found verbatim as `unit`: in its
    /// label (`paypalcom`, `paypal-gouv`, `particulier-paypal`), or, for a whole label, as
    /// the first hyphen token of the next label (`paypal.gouv-portal.com`)?
    fn tld_word_beside(&self, s: &Scratch, unit: Unit, brand: &[u8]) -> bool {
        let (l, tok) = match unit {
            Unit::Label(l) => (l, None),
            Unit::Token(l, t) => (l, Some(t)),
            _ => return false,
        };
        let Some(&(ls, le, _)) = s.labels.get(l) else {
            return false;
        };
        let label = &s.skel[ls..le];
        let tok_at: usize = match tok {
            Some(t) => label
                .split(|&c| c == b'-')
                .take(t)
                .map(|p| p.len() + 1)
                .sum(),
            None => 0,
        };
        let rest = label.get(tok_at..).unwrap_or_default();
        let token = rest.split(|&c| c == b'-').next().unwrap_or_default();
        if let Some(p) = find(token, brand) {
            let start = tok_at + p;
            if tld_word_around(label, start, start + brand.len()) {
                return true;
            }
        }
        // The brand as a whole label, the administration word in the next one.
        label == brand
            && s.labels
                .get(l + 1)
                .is_some_and(|&(ns, ne, _)| admin_piece(first_token(&s.skel[ns..ne])))
    }
}

/// A typo unit that reads as a word or a name: in the word list at any frequency (rare
/// words: common ones are vetoed before), or one word of a two-word brand swapped for
/// another word of five letters or more, two edits away, the other word (five or more) kept
/// (`mercadolibros` = mercado + libros, for mercadolibre): a shop or a name, not a slip
/// of the finger.
fn word_like(unit: &[u8], brand: &[u8], distance: usize) -> bool {
    if common_words::contains(unit) {
        return true;
    }
    // One edit is a slip (`sparrkasse`, `aliespress`), whatever words it makes.
    if distance < 2 {
        return false;
    }
    let n = unit.len().min(brand.len());
    let p = unit
        .iter()
        .zip(brand)
        .take_while(|(a, b)| a == b)
        .count()
        .min(n);
    let q = unit
        .iter()
        .rev()
        .zip(brand.iter().rev())
        .take_while(|(a, b)| a == b)
        .count()
        .min(n - p);
    // The edit is in unit[p..unit.len() - q].
    (3..unit.len().saturating_sub(2)).any(|cut| {
        let (left, right) = unit.split_at(cut);
        let word = |w: &[u8]| common_words::common_enough(w);
        if !word(left) || !word(right) {
            return false;
        }
        if cut <= p {
            // Edit in the right part, the left one shared with the brand.
            right.len() >= 5 && left.len() >= 5 && brand.starts_with(left)
        } else if cut >= unit.len() - q {
            left.len() >= 5 && right.len() >= 5 && brand.ends_with(right)
        } else {
            false
        }
    })
}

/// The entry of `set` that `host` equals or is under (`a.b.example.com` → `example.com`).
fn under<'a>(set: &'a HashSet<String>, host: &str) -> Option<&'a str> {
    let mut rest = host;
    loop {
        if let Some(d) = set.get(rest) {
            return Some(d.as_str());
        }
        match rest.find('.') {
            Some(i) => rest = &rest[i + 1..],
            None => return None,
        }
    }
}

fn has_digit(s: &str) -> bool {
    s.bytes().any(|c| c.is_ascii_digit())
}

fn all_digits(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(u8::is_ascii_digit)
}

fn first_token(label: &[u8]) -> &[u8] {
    label.split(|&c| c == b'-').next().unwrap_or_default()
}

fn last_token(label: &[u8]) -> &[u8] {
    label.rsplit(|&c| c == b'-').next().unwrap_or_default()
}

/// Brands shorter than this are found inside a longer token only next to bait.
const SHORT_BRAND: usize = 6;

/// The brand must be at least this many characters shorter than a token it is found in
/// (one extra character is a typo, found by distance instead).
const MIN_EXTRA: usize = 2;

fn unit_text(skel: &[u8], labels: &[(usize, usize, bool)], unit: Unit) -> Vec<u8> {
    let label = |i: usize| &skel[labels[i].0..labels[i].1];
    match unit {
        Unit::Label(l) => label(l).to_vec(),
        Unit::Token(l, t) => label(l)
            .split(|&c| c == b'-')
            .nth(t)
            .unwrap_or_default()
            .to_vec(),
        Unit::TokenPair(l, t) => {
            let mut it = label(l).split(|&c| c == b'-').skip(t);
            let mut v = it.next().unwrap_or_default().to_vec();
            v.extend_from_slice(it.next().unwrap_or_default());
            v
        }
        Unit::LabelPair(l) => [last_token(label(l)), first_token(label(l + 1))].concat(),
    }
}

fn unit_text_raw(labels: &[&str], unit: Unit) -> String {
    let label = |i: usize| labels.get(i).copied().unwrap_or("");
    match unit {
        Unit::Label(l) => label(l).to_string(),
        Unit::Token(l, t) => label(l).split('-').nth(t).unwrap_or("").to_string(),
        Unit::TokenPair(l, t) => label(l).split('-').skip(t).take(2).collect(),
        Unit::LabelPair(l) => {
            let last = label(l).rsplit('-').next().unwrap_or("");
            let first = label(l + 1).split('-').next().unwrap_or("");
            format!("{last}{first}")
        }
    }
}

/// Where `needle` first occurs in `hay` (never for an empty needle).
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

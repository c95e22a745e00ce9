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
//! What keeps the false positives down is the common-word list ([`crate::detect::common_words`]):
//! a unit one or two edits from a brand that is itself a real word in one of 27
//! languages (`impot`, `papal`, `range`, `amazone`) is not a typo; a brand inside a real
//! word (`pineapple`, `purchase`) is not contained; and a brand glued or hyphenated to
//! ordinary words only (`orangetheory`, `orange-county`) is a company name — unless a
//! piece around it is bait (`BAIT_WORDS`: `paypalsecure`, `moncompte-ameli`) or not made
//! of words at all (`paypal24`). The brand alone as a label (`paypal.co`) always counts.
//! Digits read as letters only when they could be letters: a run of three, or of two
//! ending a token (`app13`, `web01`), is a number, and a number is never half of a split.
//!
//! Which technique is reported (see [`Technique`]): whole-unit matches beat containment;
//! among them the smallest distance wins, ties going idn-homoglyph, ascii-homoglyph,
//! contains (the brand verbatim as a whole label or token), split, typo.

use crate::detect::common_words;
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

/// `[LOOKALIKE]` settings, validated by [`crate::config::Config::lookalike`].
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
}

pub const DEFAULT_MIN_BRAND_LENGTH: usize = 5;

impl LookalikeSettings {
    pub fn new(brands: &[&str], owned: &[&str]) -> LookalikeSettings {
        LookalikeSettings {
            brands: brands.iter().map(|b| b.to_ascii_lowercase()).collect(),
            owned_domains: owned.iter().map(|d| d.to_ascii_lowercase()).collect(),
            max_distance: None,
            min_brand_length: DEFAULT_MIN_BRAND_LENGTH,
        }
    }
}

/// `MaxDistance = auto`: 0 for brands of up to 4 characters, 1 for 5 to 8, 2 from 9 on.
pub fn auto_max_distance(brand_len: usize) -> usize {
    match brand_len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
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
            Technique::Split => "split",
            Technique::Typo => "typo",
        }
    }

    pub const ALL: [Technique; 5] = [
        Technique::IdnHomoglyph,
        Technique::AsciiHomoglyph,
        Technique::Typo,
        Technique::Split,
        Technique::Contains,
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
}

impl LookalikeHit {
    /// The monitor's stdout suffix: ` (Lookalike: paypal, typo, distance 1)`.
    pub fn suffix(&self) -> String {
        format!(
            " (Lookalike: {}, {}, distance {})",
            self.brand, self.technique, self.distance
        )
    }
}

/// What [`Lookalike::explain`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Explanation {
    Owned(String),
    NoHit,
    Hit(LookalikeHit),
    /// It would match, but the word list calls it an ordinary name: a real word near the
    /// brand (`papal`), or the brand among ordinary words (`orangetheory`). The string
    /// says which.
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
    min_len: usize,
    max_brand: usize,
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

fn has_pairs(s: &[u8]) -> bool {
    s.windows(2).any(|w| w == b"rn" || w == b"vv")
}

impl Lookalike {
    pub fn new(settings: &LookalikeSettings) -> Lookalike {
        let mut brands = Vec::new();
        for b in &settings.brands {
            let lower = b.to_lowercase();
            let mut skel = Vec::new();
            skeleton_label(&lower, &mut skel, true);
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
        Lookalike {
            brands,
            owned,
            min_len: settings.min_brand_length,
            max_brand,
            word_filter: true,
        }
    }

    pub fn brand_count(&self) -> usize {
        self.brands.len()
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
        format!("{}; {} owned domain(s)", b.join(", "), self.owned.len())
    }

    /// Whether `host` is one of the OwnedDomains or a subdomain of one.
    pub fn is_owned(&self, host: &str) -> Option<&str> {
        let h = clean(host);
        let mut rest: &str = &h;
        loop {
            if let Some(d) = self.owned.get(rest) {
                return Some(d.as_str());
            }
            match rest.find('.') {
                Some(i) => rest = &rest[i + 1..],
                None => return None,
            }
        }
    }

    /// The verdict with the reason when not flagged (for check-rules).
    pub fn explain(&self, host: &str) -> Explanation {
        if let Some(d) = self.is_owned(host) {
            return Explanation::Owned(d.to_string());
        }
        if let Some(h) = self.check(host) {
            return Explanation::Hit(h);
        }
        let loose = Lookalike {
            word_filter: false,
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
    pub fn check(&self, host: &str) -> Option<LookalikeHit> {
        if self.brands.is_empty() || self.is_owned(host).is_some() {
            return None;
        }
        let h = clean(host);
        let suffix_len = match psl::suffix(h.as_bytes()) {
            Some(s) => s.as_bytes().len(),
            None => 0,
        };
        if suffix_len + 1 >= h.len() {
            return None;
        }
        let body = &h[..h.len() - suffix_len - 1];
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            let s = &mut *s;
            s.skel.clear();
            s.labels.clear();
            s.raw.clear();
            let mut at = 0;
            for label in body.split('.') {
                s.raw.push((at, at + label.len()));
                at += label.len() + 1;
            }
            // First without `rn→m`/`vv→w` (so `ornage` stays a typo of `orange`), then,
            // if the name has such pairs, with them; the closer match wins.
            let mut best: Option<(Candidate, bool)> = None;
            let mut collapsed = false;
            for collapse in [false, true] {
                s.skel.clear();
                s.labels.clear();
                let mut pairs = false;
                for label in body.split('.') {
                    let start = s.skel.len();
                    let idn = push_label_skeleton(label, &mut s.skel, collapse);
                    pairs |= has_pairs(&s.skel[start..]);
                    s.labels.push((start, s.skel.len(), idn));
                    s.skel.push(b'.');
                }
                s.skel.pop();
                if let Some(c) = self.search(s, body) {
                    if best.is_none_or(|(b, _)| c.rank() < b.rank()) {
                        best = Some((c, pairs));
                        collapsed = collapse;
                    }
                }
                if !collapse && !pairs {
                    break;
                }
            }
            let (best, _) = best?;
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
        for (li, &(ls, le, idn)) in labels.iter().enumerate() {
            let label = &skel[ls..le];
            if label.is_empty() {
                continue;
            }
            let raw_label = raw(li, idn);
            self.compare(
                label,
                Unit::Label(li),
                idn,
                Some((label, 0, has_digit(raw_label))),
                &mut best,
                &mut consider,
            );
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
                            Some((label, start, has_digit(raw_tok))),
                            &mut best,
                            &mut consider,
                        );
                    }
                    start += tok.len() + 1;
                    // A number is not half of a split brand (`app-14` is not `app14` ≈ apple).
                    if let Some((p, raw_p)) = prev {
                        if !p.is_empty()
                            && !tok.is_empty()
                            && p.len() + tok.len() <= self.max_brand
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
            }
            // Across a dot: the previous label's last hyphen token and this label's first
            // (`pa.ypal`, and `fed.ex-security`, `verify-spo.tify`).
            if li > 0 {
                let (ps, pe, pidn) = labels[li - 1];
                let prev = last_token(&skel[ps..pe]);
                let first = first_token(label);
                if !prev.is_empty()
                    && !first.is_empty()
                    && prev.len() + first.len() <= self.max_brand
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
        // only (`orangetheory`); see `ordinary_compound`.
        for (bi, b) in self.brands.iter().enumerate() {
            if !b.fuzzy {
                continue;
            }
            for (li, &(ls, le, idn)) in labels.iter().enumerate() {
                let label = &skel[ls..le];
                if label.len() < b.skel.len() + MIN_EXTRA {
                    continue;
                }
                let mut tok_start = 0;
                for (ti, tok) in label.split(|&c| c == b'-').enumerate() {
                    let at = tok_start;
                    tok_start += tok.len() + 1;
                    if tok.len() < b.skel.len() + MIN_EXTRA {
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
                    return Some(Candidate {
                        brand: bi,
                        unit: Unit::Token(li, ti),
                        distance: 0,
                        technique,
                        contained: true,
                    });
                }
            }
        }
        None
    }

    fn compare(
        &self,
        unit: &[u8],
        which: Unit,
        idn: bool,
        // The label, where `unit` starts in it, and whether the unit's raw text has digits,
        // for whole labels and hyphen tokens; `None` for joined pairs.
        within: Option<(&[u8], usize, bool)>,
        best: &mut Option<Candidate>,
        consider: &mut impl FnMut(Candidate, &mut Option<Candidate>),
    ) {
        if unit.len() > self.max_brand {
            return;
        }
        let m = mask(unit);
        for (bi, b) in self.brands.iter().enumerate() {
            if unit.len() + b.max_d < b.skel.len() || unit.len() > b.skel.len() + b.max_d {
                continue;
            }
            if (b.mask & !m).count_ones() as usize > b.max_d {
                continue;
            }
            let bound = match best {
                Some(c) => b.max_d.min(c.distance),
                None => b.max_d,
            };
            if let Some(d) = osa_within(unit, &b.skel, bound) {
                if !idn && self.word_filter && !plausible(unit, &b.skel, d, within) {
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
        if technique != Technique::IdnHomoglyph {
            let raw: Vec<&str> = body.split('.').collect();
            let plain = unit_text_raw(&raw, c.unit);
            let plain_d =
                osa_within(plain.as_bytes(), &b.skel, usize::MAX >> 1).unwrap_or(usize::MAX);
            let tricked = if c.contained {
                find(plain.as_bytes(), &b.skel).is_none()
            } else {
                plain_d > c.distance
            };
            if tricked {
                technique = Technique::AsciiHomoglyph;
            }
        }
        let mut skeleton = String::from_utf8_lossy(&s.skel).into_owned();
        skeleton.push('.');
        skeleton.push_str(suffix);
        LookalikeHit {
            brand: b.name.clone(),
            technique,
            distance: c.distance,
            skeleton,
            matched: String::from_utf8_lossy(&matched).into_owned(),
        }
    }
}

/// Would a SOC want this match? A unit at distance ≥ 1 that is itself a common word
/// (`impot` for `impots`, `range` for `orange`; three- and four-letter units must be
/// frequent words, see `common_words::common_enough`) is an ordinary name, not a typo. The
/// brand verbatim as a hyphen token counts unless the rest of the label is ordinary
/// words (`orange-county`, see [`ordinary_compound`]); as a whole label it always does.
/// A brand that is itself a phrase (`desjardins` = des + jardins) has neighbours that are
/// other phrases (`lesjardins`, `nosjardins`): the same word after another function word
/// is not a typo either.
fn plausible(
    unit: &[u8],
    brand: &[u8],
    distance: usize,
    within: Option<(&[u8], usize, bool)>,
) -> bool {
    if distance > 0 {
        let digits = within.is_some_and(|w| w.2);
        return digits
            || !(common_words::common_enough(unit) || same_phrase_other_article(unit, brand));
    }
    // A brand spelt with digits (`r3vo1ut`) is disguised on purpose, whatever surrounds it.
    match within {
        Some((label, start, false)) if unit.len() < label.len() => {
            !ordinary_compound(label, start, start + unit.len())
        }
        _ => true,
    }
}

/// `unit` and `brand` are a function word followed by the same common word, the function
/// words differing (`lesjardins` / `desjardins`).
fn same_phrase_other_article(unit: &[u8], brand: &[u8]) -> bool {
    // What follows each function word a string starts with.
    fn rests(w: &[u8]) -> impl Iterator<Item = &[u8]> {
        common_words::FUNCTION_WORDS
            .iter()
            .filter_map(move |f| w.strip_prefix(f.as_bytes()))
            .filter(|r| !r.is_empty())
    }
    rests(unit).any(|r| r.len() >= 5 && rests(brand).any(|b| b == r) && common_words::contains(r))
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

/// The non-empty hyphen pieces of `label` around the brand at `label[start..end]`, each
/// with whether it stands before the brand.
fn pieces_around(label: &[u8], start: usize, end: usize) -> impl Iterator<Item = (&[u8], bool)> {
    let before = label[..start].split(|&c| c == b'-').map(|p| (p, true));
    let after = label[end..].split(|&c| c == b'-').map(|p| (p, false));
    before.chain(after).filter(|(p, _)| !p.is_empty())
}

/// Is a piece of `label` around the brand at `label[start..end]` bait?
fn bait_around(label: &[u8], start: usize, end: usize) -> bool {
    pieces_around(label, start, end).any(|(piece, before_brand)| is_bait(piece, before_brand))
}

/// The brand must be at least this many characters shorter than a token it is found in
/// (one extra character is a typo, found by distance instead).
const MIN_EXTRA: usize = 2;

/// Derivational and inflectional endings (English, Romance languages, German, Dutch) that
/// turn a brand-like stem into another word: plurals, agent nouns, demonyms, minerals,
/// drinks, places.
#[rustfmt::skip]
const ENDINGS: &[&str] = &[
    "s", "es", "er", "ers", "ed", "ing", "ings", "ade", "ades", "ery", "eries", "erie",
    "eria", "ite", "ites", "ian", "ians", "ean", "eans", "ism", "ist", "ists", "ette",
    "ettes", "ine", "ines", "ina", "ino", "inos", "ero", "eros", "era", "eras", "ier",
    "iers", "iere", "ish", "ic", "ics", "y", "ie", "ies", "ia", "ias", "as", "os", "is",
    "us", "um", "en", "ern", "ano", "ana", "anos", "anas", "eano", "eana", "eanos", "eanas",
    "ense", "ese", "ois", "oise", "ais", "aise", "ien", "ienne", "ness", "ment", "ful",
    "less", "able", "ible", "ize", "ise", "ity", "ory", "ories", "ology",
];

/// Words phishing names put next to a brand (`paypal-secure`, `appleidverify`,
/// `moncompte-ameli`): a concept × language table in English, French, Spanish, German,
/// Italian, Portuguese and Dutch, after x0rz's phishing_catcher keyword list and what CERT
/// teams publish, and its core concepts in ten more languages. Words of five
/// letters or more count anywhere around the brand; shorter ones (`my`, `id`, `app`) only
/// as a whole piece or right against the brand, since they hide inside ordinary words
/// (`happy`, `taxi`).
#[rustfmt::skip]
const BAIT_WORDS: &[&str] = &[
    // Concepts × languages (en, fr, es, de, it, pt, nl); accents folded as in skeletons.
    // account, sign-in, identity
    "account", "compte", "comptes", "cuenta", "cuentas", "konto", "conto", "conta", "rekening",
    "login", "logon", "signin", "signon", "signup", "connexion", "iniciar", "sesion", "session",
    "ingreso", "ingresar", "anmelden", "anmeldung", "accedi", "accesso", "acesso", "acceso",
    "acces", "access", "entrar", "inloggen", "auth", "authenticate", "authentication",
    "authentification", "authorize", "identifiant", "identity", "credential", "id", "sso",
    "mfa", "otp", "user", "member", "membership", "my", "mon", "mes", "mi", "mein", "mio",
    "meu", "minha", "mijn", "espace", "portal", "online", "web", "webmail", "mail", "app",
    "apps", "mobile", "home",
    // verify, confirm, secure, unlock, password
    "verify", "verification", "verifier", "verificar", "verificacion", "verificacao",
    "verifizieren", "verifica", "verifieren", "verificatie", "validate", "validation",
    "confirm", "confirmation", "confirmer", "confirmar", "bestaetigen", "bestatigen",
    "conferma", "bevestigen", "secure", "security", "securite", "seguridad", "seguranca",
    "sicherheit", "sicurezza", "beveiliging", "safe", "safety", "protect", "protection",
    "fraud", "unlock", "locked", "suspend", "suspended", "unusual", "debloquer", "bloque",
    "desbloquear", "bloqueado", "entsperren", "gesperrt", "sblocca", "bloccato",
    "ontgrendelen", "password", "passwd", "motdepasse", "contrasena", "passwort", "kennwort",
    "senha", "wachtwoord", "reset", "recover", "recovery", "restore", "activate",
    "activation", "activity",
    // update, alert, notice
    "update", "upgrade", "miseajour", "majour", "actualizar", "actualizacion",
    "aktualisieren", "aggiorna", "aggiornamento", "atualizar", "atualizacao", "bijwerken",
    "alert", "alerte", "alerta", "warnung", "avviso", "aviso", "waarschuwing", "notice",
    "avis", "notification", "review", "official",
    // payment, refund, invoice, money
    "pay", "payment", "paiement", "pago", "pagos", "zahlung", "pagamento", "betaling",
    "refund", "remboursement", "reembolso", "erstattung", "rueckerstattung", "rimborso",
    "terugbetaling", "invoice", "billing", "facture", "factura", "rechnung", "fattura",
    "fatura", "factuur", "bank", "banking", "banca", "card", "carte", "credit", "debit",
    "cash", "money", "transfer", "wallet", "portefeuille", "billetera", "carteira",
    "portafoglio", "crypto", "exchange", "token", "tax", "amende", "multa", "bussgeld",
    "declaration", "vitale", "claim", "dispute", "resolution", "renew", "renewal",
    "subscription", "cancel", "premium", "bonus", "gift", "promo", "prize", "reward",
    "winner", "giveaway", "free",
    // delivery, parcel, tracking, order
    "delivery", "parcel", "tracking", "shipping", "shipment", "order", "livraison", "colis",
    "suivi", "envio", "paquete", "seguimiento", "entrega", "paket", "sendung", "lieferung",
    "zustellung", "pacco", "spedizione", "consegna", "encomenda", "rastreio", "pakket",
    "bezorging", "zending", "shop", "store", "checkout",
    // support, help, customer service
    "support", "help", "helpdesk", "service", "customer", "client", "cliente", "clientes",
    "kunde", "kunden", "klant", "assistance", "aide", "soporte", "ayuda", "hilfe",
    "kundendienst", "assistenza", "aiuto", "suporte", "ajuda", "hulp", "klantenservice",
    "desk", "ticket", "center", "centre", "team", "careteam", "info", "check",
    // documents, cloud
    "document", "docs", "esign", "drive", "cloud", "kyc", "vip", "limited",
    "atendimento", "atencion",
    // The same concepts (account, sign-in, verify, confirm, security, payment, refund,
    // invoice, parcel, delivery, tracking, customer, help, password, update, unlock) in
    // more of the word list's languages. Short words that begin many ordinary words
    // (Romanian `cont`, Finnish `tili`) are left out.
    // Polish
    "logowanie", "zaloguj", "weryfikacja", "potwierdz", "bezpieczenstwo", "platnosc",
    "doplata", "zwrot", "faktura", "przesylka", "paczka", "dostawa", "sledzenie", "obsluga",
    "pomoc", "haslo", "aktualizacja", "odblokuj", "klient",
    // Czech, Slovak
    "ucet", "prihlaseni", "overeni", "potvrzeni", "bezpecnost", "platba", "doplatek",
    "vraceni", "zasilka", "balik", "doruceni", "sledovani", "zakaznik", "podpora", "heslo",
    "aktualizace", "odblokovat",
    // Turkish
    "hesap", "giris", "dogrulama", "onayla", "guvenlik", "odeme", "iade", "kargo",
    "teslimat", "takip", "musteri", "destek", "sifre", "guncelle",
    // Romanian
    "autentificare", "verificare", "confirmare", "securitate", "rambursare", "colet",
    "livrare", "asistenta", "parola", "actualizare", "deblocare",
    // Hungarian
    "fiok", "bejelentkezes", "ellenorzes", "megerosites", "biztonsag", "fizetes",
    "visszaterites", "szamla", "csomag", "szallitas", "ugyfel", "jelszo", "frissites",
    // Swedish, Danish, Norwegian
    "inloggning", "verifiera", "bekrafta", "bekreft", "sakerhet", "sikkerhet", "sikkerhed",
    "betalning", "aterbetalning", "refusjon", "leverans", "levering", "sparning", "sporing",
    "kundtjanst", "kundeservice", "losenord", "passord", "adgangskode", "uppdatera",
    "oppdater", "logind", "innlogging",
    // Finnish
    "kirjaudu", "kirjautuminen", "vahvista", "tunnistautuminen", "maksu", "palautus",
    "lasku", "paketti", "toimitus", "seuranta", "asiakas", "salasana", "paivitys",
    // Indonesian, Malay
    "akun", "masuk", "verifikasi", "konfirmasi", "keamanan", "pembayaran", "bayar",
    "pengembalian", "tagihan", "pengiriman", "lacak", "pelanggan", "bantuan", "sandi",
    "perbarui",
];

/// Bait words that only make sense before the brand (`mipaypal`, `mon-ameli`): after it
/// they are just the start of another word (`allegromicro`, `orangemonkey`).
const POSSESSIVES: &[&str] = &["my", "mi", "mon", "mes", "mein", "mio", "meu", "mijn"];

fn is_bait(piece: &[u8], before_brand: bool) -> bool {
    BAIT_WORDS.iter().any(|b| {
        if !before_brand && POSSESSIVES.contains(b) {
            return false;
        }
        let b = b.as_bytes();
        if b.len() >= 5 {
            find(piece, b).is_some()
        } else if before_brand {
            piece.ends_with(b)
        } else {
            piece.starts_with(b)
        }
    })
}

/// Is the brand at `label[start..end]` (a skeleton) just part of an ordinary name: inside
/// a real word (`pineapple`, `purchase`), glued or hyphenated to ordinary words only
/// (`orangetheory`, `bluechase`, `orange-county`), or inside a token made of ordinary
/// words that cut through it (`santaisabel` for `antai`)? Not when a piece around it is bait
/// (`paypalsecure`, `my-paypal`), is not made of common words (`paypal24`, `paypalxq`),
/// or when nothing surrounds it.
fn ordinary_compound(label: &[u8], start: usize, end: usize) -> bool {
    let tok_start = label[..start]
        .iter()
        .rposition(|&c| c == b'-')
        .map_or(0, |i| i + 1);
    let tok_end = label[end..]
        .iter()
        .position(|&c| c == b'-')
        .map_or(label.len(), |i| end + i);
    if (tok_start, tok_end) != (start, end) && common_words::contains(&label[tok_start..tok_end]) {
        return true;
    }
    let after = &label[end..];
    if start == 0 && after.is_empty() {
        return false;
    }
    let last = label[end - 1];
    let mut words_around = true;
    for (piece, before_brand) in pieces_around(label, start, end) {
        if is_bait(piece, before_brand) {
            return false;
        }
        // Right after the brand, in its token, an ending makes a derived word
        // (`orangeade`, `amazonite`, `dropboxes`; a final e is shared: `orange|ry`; a
        // final consonant may double: `instagram|ming`), possibly followed by more words.
        let derived = !before_brand && piece.as_ptr() == after.as_ptr() && end < tok_end && {
            let doubled = !b"aeiouy".contains(&last) && piece.first() == Some(&last);
            let piece = if doubled { &piece[1..] } else { piece };
            ENDINGS.iter().any(|e| {
                let e = e.as_bytes();
                let e = match e.strip_prefix(b"e") {
                    Some(rest) if last == b'e' && !piece.starts_with(e) => rest,
                    _ => e,
                };
                piece.starts_with(e) && common_words::segments(&piece[e.len()..])
            })
        };
        words_around &= derived || common_words::segments(piece);
    }
    // Words around the brand (`orange|theory`), or words across it: the brand straddles
    // word boundaries (`s|antai|sabel` is santa + isabel).
    words_around
        || ((tok_start, tok_end) != (start, end)
            && common_words::segments(&label[tok_start..tok_end]))
}

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

/// Lower-cased, without `*.`, surrounding blanks and the trailing dot. Borrows when it can.
fn clean(host: &str) -> std::borrow::Cow<'_, str> {
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
fn push_label_skeleton(label: &str, out: &mut Vec<u8>, collapse: bool) -> bool {
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
pub fn skeleton_label(label: &str, out: &mut Vec<u8>, collapse: bool) {
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

fn mask(s: &[u8]) -> u64 {
    s.iter().fold(0u64, |m, &c| {
        m | match c {
            b'a'..=b'z' => 1 << (c - b'a'),
            b'0'..=b'9' => 1 << (26 + c - b'0'),
            _ => 1 << 63,
        }
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Optimal-string-alignment (restricted Damerau–Levenshtein) distance if it is at most
/// `max`; stops as soon as a whole row exceeds `max`.
pub fn osa_within(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > max {
        return None;
    }
    if a == b {
        return Some(0);
    }
    if n == 0 || m == 0 {
        return Some(n.max(m)).filter(|&d| d <= max);
    }
    const CAP: usize = 128;
    if m + 1 > CAP {
        return osa_vec(a, b).filter(|&d| d <= max);
    }
    let mut prev2 = [0usize; CAP];
    let mut prev = [0usize; CAP];
    let mut cur = [0usize; CAP];
    for (j, p) in prev.iter_mut().enumerate().take(m + 1) {
        *p = j;
    }
    for i in 1..=n {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        prev2[..=m].copy_from_slice(&prev[..=m]);
        prev[..=m].copy_from_slice(&cur[..=m]);
    }
    Some(prev[m]).filter(|&d| d <= max)
}

fn osa_vec(a: &[u8], b: &[u8]) -> Option<usize> {
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    Some(d[n][m])
}

/// RFC 3492 punycode decoding of one label (without `xn--`); `None` when malformed.
pub fn punycode_decode(input: &str) -> Option<String> {
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
    fn osa() {
        assert_eq!(osa_within(b"pyapal", b"paypal", 2), Some(1));
        assert_eq!(osa_within(b"paypl", b"paypal", 2), Some(1));
        assert_eq!(osa_within(b"shop", b"paypal", 2), None);
        assert_eq!(osa_within(b"microsfot", b"microsoft", 2), Some(1));
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

    #[test]
    fn phrases_with_another_article() {
        let cases: &[(&str, &str, bool)] = &[
            ("lesjardins", "desjardins", true),
            ("nosjardins", "desjardins", true),
            ("desjardin", "desjardins", false), // a typo, not another article
            ("maazon", "amazon", false),        // "am"+"azon": the rest is too short
            ("leposte", "laposte", true),
            ("lapost", "laposte", false),
        ];
        for &(unit, brand, want) in cases {
            assert_eq!(
                same_phrase_other_article(unit.as_bytes(), brand.as_bytes()),
                want,
                "{unit}"
            );
        }
    }

    #[test]
    fn ordinary_compounds() {
        // (label, brand) → is the brand just part of an ordinary name?
        let cases: &[(&str, &str, bool)] = &[
            ("pineapple", "apple", true),
            ("orangetheory", "orange", true),
            ("theorangewoodfarm", "orange", true),
            ("orange-county", "orange", true),
            ("bluechase", "chase", true),
            ("orange", "orange", false),
            ("orangesecure", "orange", false),
            ("secure-orange", "orange", false),
            ("myorange", "orange", false),
            ("orange-id", "orange", false),
            ("orangeapp", "orange", false),
            ("happyorange", "orange", true), // "py" is not bait at a distance
            ("orange24", "orange", false),
            ("orangexq", "orange", false),
            ("orange-county-login", "orange", false),
            ("moncompte-orange", "orange", false),
            ("orangeade", "orange", true),
            ("orangery", "orange", true),
            ("dropboxes", "dropbox", true),
            ("amazonite", "amazon", true),
            ("amazonitesecure", "amazon", false),
            ("orangexyz", "orange", false), // "xyz" is in the list, but rare for 3 letters
            ("instagramming", "instagram", true),
            ("orangemonkey", "orange", true), // possessives count before the brand only
            ("monorange", "orange", false),
            ("aufildesjardins", "desjardins", true), // au + fil: function words count
            ("lejournaldesjardins", "desjardins", true),
        ];
        for &(label, brand, want) in cases {
            let at = find(label.as_bytes(), brand.as_bytes()).unwrap();
            assert_eq!(
                ordinary_compound(label.as_bytes(), at, at + brand.len()),
                want,
                "{label}"
            );
        }
    }
}

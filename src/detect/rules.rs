//! Keyword matching: `SearchKeywords`, `BlacklistKeywords` and `DetectionThreshold`.
//!
//! The Python monitor (and `check_rules.py`) decides per host:
//!
//! ```python
//! is_blacklisted = BlacklistKeywords != '' and re.findall(BlacklistKeywords, host)
//! FindNb = len(set(re.findall(SearchKeywords, host)))
//! ```
//!
//! then *blacklisted and FindNb >= threshold* → skipped, *FindNb >= threshold* → a match,
//! *0 < FindNb < threshold* → "threshold not reached", else "keywords not found".
//! [`Rules`] reproduces that with Rust's `regex` crate, which is a different engine with a
//! different syntax. Two things make that safe:
//!
//! 1. **The pattern is translated, never passed through.** `detect::pyregex` reads it with
//!    Python 3.11 `re` syntax rules and writes an equivalent Rust pattern, or refuses it
//!    (a [`RuleError`] naming the configuration key); its module doc lists what is
//!    re-spelled, what is refused, and the differences no pattern analysis can detect.
//! 2. **`findall` is emulated, not approximated.** Python scans with "an empty match right
//!    after an empty match must not be empty" (it *backtracks* into a non-empty alternative
//!    at the same position), while Rust's iterator skips empty matches adjacent to the
//!    previous match. The scoring loop here re-implements Python's scan with
//!    `captures_read_at`, and the translator proves (see `pyregex::Shape`) that Rust's
//!    leftmost-first answer is the one Python's backtracking would give; patterns for which
//!    that cannot be shown (e.g. `a*?`, `(?:|x)`, `x?|y`) are rejected instead of being
//!    scored differently. Likewise a capture group inside a repetition whose body can match
//!    empty (`(a*)*`), where the two engines record different group values, and a greedy
//!    repetition whose body can match empty before trying a non-empty alternative
//!    (`(?:x?|y)+`), where Python stops repeating at once and Rust does not.
//!
//! [`Rules::from_config`] reads the `[SEARCH]` section.

use std::fmt;

use regex::{CaptureLocations, Regex, RegexBuilder};

use super::pyregex::{translate, Subject, Translated, MAX_GROUP_NESTING};
use crate::config::{parse_python_int, Config, ConfigError};

const SEARCH_KEY: &str = "SearchKeywords";
const BLACKLIST_KEY: &str = "BlacklistKeywords";

/// The Rust engine's own nesting limit (its default is 250), raised so that every pattern
/// within [`MAX_GROUP_NESTING`] compiles: the engine counts groups, alternations,
/// concatenations, repetitions and classes, and the translation adds levels (the `x{0}`
/// wrapper, a case-insensitive class), about 4 per Python group at worst (97 groups of the
/// worst shape in `deep_nesting_is_refused_with_the_key` need more than 250, less than 400).
const RUST_NEST_LIMIT: u32 = 8 * MAX_GROUP_NESTING as u32 + 50;

/// Compiled keyword rules; build once with [`Rules::new`], then [`Rules::evaluate`] per host.
#[derive(Debug, Clone)]
pub struct Rules {
    matcher: Matcher,
    /// The verdict for the empty host, computed at construction: Python's `\B` never
    /// matches in an empty string while Rust's does (see `Subject`).
    empty_host: Verdict,
    threshold: i64,
    search_keywords: String,
}

/// The compiled regexes for one [`Subject`].
#[derive(Debug, Clone)]
struct Matcher {
    search: Regex,
    /// Only for patterns like `paypal||apple` or `|paypal` (see `Mode`): the search pattern
    /// with its empty-only top-level alternatives disabled, used to find the non-empty match
    /// Python's backtracking picks right after an empty match.
    search_nonempty: Option<Regex>,
    blacklist: Option<Regex>,
}

/// The outcome for one host, in `check_rules.py` terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Score 0 and the threshold is at least 1.
    NoMatch,
    /// `0 < score < threshold` (whether blacklisted or not: the blacklist only vetoes matches).
    BelowThreshold { score: usize },
    /// `score >= threshold` but the blacklist matched: the host is skipped.
    Blacklisted { score: usize },
    /// `score >= threshold` (with a threshold <= 0 even a score of 0 is a match).
    Match { score: usize },
}

impl Verdict {
    /// The original check_rules.py sentence for this verdict (its "threashold" typo included).
    pub fn sentence(&self) -> &'static str {
        match self {
            Verdict::Blacklisted { .. } => "No match - Blacklisted keywords.",
            Verdict::Match { .. } => "This is a match, detection threashold reached.",
            Verdict::BelowThreshold { .. } => "No match - Detection threashold not reached.",
            Verdict::NoMatch => "No match - Keywords not found.",
        }
    }

    /// The number of distinct keyword matches (Python's `FindNb`); 0 for [`Verdict::NoMatch`].
    pub fn score(&self) -> usize {
        match *self {
            Verdict::NoMatch => 0,
            Verdict::BelowThreshold { score }
            | Verdict::Blacklisted { score }
            | Verdict::Match { score } => score,
        }
    }
}

/// A keyword pattern that cannot be used, with the configuration key it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleError {
    pub key: &'static str,
    pub pattern: String,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (pattern: {})",
            self.key, self.message, self.pattern
        )
    }
}

impl std::error::Error for RuleError {}

impl Rules {
    /// Validates and compiles both patterns. An empty `blacklist_keywords` disables the
    /// blacklist (as in Python); an empty `search_keywords` matches every host (score 1).
    pub fn new(
        search_keywords: &str,
        blacklist_keywords: &str,
        threshold: i64,
    ) -> Result<Rules, RuleError> {
        let (matcher, needs_empty_variant) =
            Matcher::new(search_keywords, blacklist_keywords, Subject::NonEmpty)?;
        let empty_host = if needs_empty_variant {
            Matcher::new(search_keywords, blacklist_keywords, Subject::Empty)?
                .0
                .verdict("", threshold)
        } else {
            matcher.verdict("", threshold)
        };
        Ok(Rules {
            matcher,
            empty_host,
            threshold,
            search_keywords: search_keywords.to_string(),
        })
    }

    /// `[SEARCH]`: `SearchKeywords` (required), `BlacklistKeywords`, `DetectionThreshold`
    /// (default 1); a pattern error points at the key it came from.
    pub fn from_config(config: &Config) -> Result<Rules, ConfigError> {
        let search = config.require("SEARCH", SEARCH_KEY)?;
        let blacklist = config.get("SEARCH", BLACKLIST_KEY)?.unwrap_or_default();
        let threshold = match config.get("SEARCH", "DetectionThreshold")? {
            None => 1,
            Some(v) => parse_python_int(&v).ok_or_else(|| {
                config.key_error(
                    "SEARCH",
                    "DetectionThreshold",
                    format!("{v:?} is not a whole number"),
                )
            })?,
        };
        Rules::new(&search, &blacklist, threshold)
            .map_err(|e| config.key_error("SEARCH", e.key, e.message.clone()))
    }

    /// Scores `host` and applies the blacklist and threshold. Does not allocate unless the
    /// search pattern matches somewhere in `host`.
    pub fn evaluate(&self, host: &str) -> Verdict {
        if host.is_empty() {
            return self.empty_host;
        }
        self.matcher.verdict(host, self.threshold)
    }

    /// The `SearchKeywords` text as configured (for the "Looking for these strings" line).
    pub fn search_keywords(&self) -> &str {
        &self.search_keywords
    }

    pub fn threshold(&self) -> i64 {
        self.threshold
    }

    /// Whether `BlacklistKeywords` matches `host` (the lookalike engine's hits obey the
    /// blacklist too, whatever the keyword score).
    pub fn blacklisted(&self, host: &str) -> bool {
        self.matcher.is_blacklisted(host)
    }
}

impl Matcher {
    /// Translates and compiles both patterns for `subject`; also reports whether the
    /// translation depends on the subject (i.e. whether the empty host needs its own).
    fn new(search: &str, blacklist: &str, subject: Subject) -> Result<(Matcher, bool), RuleError> {
        let search_t = translate(search, subject).map_err(error(SEARCH_KEY, search))?;
        let (search_re, search_nonempty) =
            compile_search(&search_t).map_err(error(SEARCH_KEY, search))?;
        let mut subject_dependent = search_t.subject_dependent;
        let blacklist = if blacklist.is_empty() {
            None
        } else {
            // Only "is there any match" matters for the blacklist, so the findall analysis
            // (empty-match order, captures in loops) does not apply to it.
            let t = translate(blacklist, subject).map_err(error(BLACKLIST_KEY, blacklist))?;
            subject_dependent |= t.subject_dependent;
            Some(compile(&t.pattern()).map_err(error(BLACKLIST_KEY, blacklist))?)
        };
        Ok((
            Matcher {
                search: search_re,
                search_nonempty,
                blacklist,
            },
            subject_dependent,
        ))
    }

    fn verdict(&self, host: &str, threshold: i64) -> Verdict {
        let score = if self.search.is_match(host) {
            self.score(host)
        } else {
            0
        };
        // `score` is bounded by the host length, so it always fits in an i64.
        if score as i64 >= threshold {
            if self.is_blacklisted(host) {
                Verdict::Blacklisted { score }
            } else {
                Verdict::Match { score }
            }
        } else if score > 0 {
            Verdict::BelowThreshold { score }
        } else {
            Verdict::NoMatch
        }
    }

    /// `len(re.findall(BlacklistKeywords, host)) > 0`: findall is non-empty exactly when
    /// there is a first match, which Rust finds identically.
    fn is_blacklisted(&self, host: &str) -> bool {
        self.blacklist.as_ref().is_some_and(|re| re.is_match(host))
    }

    /// `len(set(re.findall(SearchKeywords, host)))`, scanning the way CPython's `findall`
    /// does: after a match ending at `e` the next search starts at `e`; if that match was
    /// empty, a match at `e` must be non-empty (Python backtracks into a lower-priority
    /// alternative), otherwise the search resumes one character further.
    fn score(&self, host: &str) -> usize {
        let groups = self.search.captures_len() - 1;
        let mut locs = self.search.capture_locations();
        let mut retry_locs = self.search_nonempty.as_ref().map(Regex::capture_locations);
        let mut values: Vec<&str> = Vec::new();
        let mut pos = 0;
        let mut must_advance = false;
        while pos <= host.len() {
            let Some(m) = self.search.captures_read_at(&mut locs, host, pos) else {
                break;
            };
            let mut found = (m.start(), m.end(), &locs);
            if must_advance && m.start() == pos && m.end() == pos {
                // Rust's preferred match here is empty again. The translator guaranteed that
                // either no non-empty match starts here (Mode::Direct) or that the
                // alternatives-without-empty regex finds the one Python would pick.
                let retry = match (&self.search_nonempty, retry_locs.as_mut()) {
                    (Some(re), Some(rl)) => re
                        .captures_read_at(rl, host, pos)
                        .filter(|m| m.start() == pos)
                        .map(|m| (m.start(), m.end(), &*rl)),
                    _ => None,
                };
                match retry {
                    Some(r) => found = r,
                    None => {
                        pos = next_char_boundary(host, pos);
                        must_advance = false;
                        continue;
                    }
                }
            }
            let (start, end, locs) = found;
            push_findall_value(&mut values, host, locs, groups, start, end);
            must_advance = start == end;
            pos = end;
        }
        count_distinct(&values, groups.max(1))
    }
}

/// Appends what Python's `findall` returns for one match: the whole match without groups,
/// group 1 with one group, the tuple of all groups otherwise; a group that did not
/// participate is `''`.
fn push_findall_value<'h>(
    values: &mut Vec<&'h str>,
    host: &'h str,
    locs: &CaptureLocations,
    groups: usize,
    start: usize,
    end: usize,
) {
    if groups == 0 {
        values.push(&host[start..end]);
    } else {
        for i in 1..=groups {
            values.push(locs.get(i).map_or("", |(s, e)| &host[s..e]));
        }
    }
}

/// Number of distinct `width`-sized tuples in `values` (Python's `len(set(...))`).
fn count_distinct(values: &[&str], width: usize) -> usize {
    let mut tuples: Vec<&[&str]> = values.chunks(width).collect();
    tuples.sort_unstable();
    tuples.dedup();
    tuples.len()
}

/// The byte offset of the next character; one past the end when already at the end.
fn next_char_boundary(host: &str, pos: usize) -> usize {
    host[pos..]
        .chars()
        .next()
        .map_or(host.len() + 1, |c| pos + c.len_utf8())
}

/// Builds the `map_err` adapter that attaches the key and pattern to a message.
fn error<'p>(key: &'static str, pattern: &'p str) -> impl Fn(String) -> RuleError + 'p {
    move |message| RuleError {
        key,
        pattern: pattern.to_string(),
        message,
    }
}

/// Translates and compiles `SearchKeywords`, choosing how empty matches are handled.
fn compile_search(t: &Translated) -> Result<(Regex, Option<Regex>), String> {
    if let Some(at) = t.loop_empty_first_at {
        return Err(format!(
            "the repetition at position {at} repeats something that can match the empty \
             string before trying a non-empty alternative (e.g. `(?:x?|y)+`): Python then \
             stops repeating at once, Rust does not, so matches would differ. Put the \
             alternative that can be empty last (`(?:y|x?)+`)"
        ));
    }
    if let Some(at) = t.loop_capture_at {
        return Err(format!(
            "repetition at position {at} contains a capture group and its body can match \
             the empty string (e.g. `(a*)*`, `(a|)+`): Python and Rust report different group \
             values there"
        ));
    }
    let search = compile_with_groups(&t.pattern(), t.groups)?;
    match mode(t) {
        Some(Mode::Direct) => Ok((search, None)),
        Some(Mode::RetryNonEmpty) => Ok((
            search,
            Some(compile_with_groups(&t.nonempty_pattern(), t.groups)?),
        )),
        None => Err(EMPTY_FIRST.to_string()),
    }
}

const EMPTY_FIRST: &str = "the pattern can prefer an empty match where a non-empty one \
    starts at the same position (a lazy `*?`/`??`, or an alternative that can match empty \
    placed before another one, e.g. `(?:|x)` or `x?|y`); Python's findall then backtracks \
    into the non-empty match, which Rust's regex cannot reproduce. Put empty alternatives \
    last and use greedy quantifiers";

/// How the findall emulation treats "an empty match right after an empty match".
enum Mode {
    /// Wherever Rust's preferred match is empty, no non-empty match starts at that position.
    Direct,
    /// Top-level alternatives are each either never empty or always empty (`a||b`, `|a`):
    /// the non-empty retry is "the first never-empty alternative matching here".
    RetryNonEmpty,
}

fn mode(t: &Translated) -> Option<Mode> {
    if t.shape.empty_last {
        Some(Mode::Direct)
    } else if t
        .alternatives
        .iter()
        .all(|a| !a.shape.nullable || a.shape.empty_only)
    {
        Some(Mode::RetryNonEmpty)
    } else {
        None
    }
}

/// Compiles and checks that Rust kept every capture group: findall's values depend on the
/// group count, and Rust optimises some groups away (e.g. inside `x{0}`).
fn compile_with_groups(pattern: &str, groups: usize) -> Result<Regex, String> {
    let re = compile(pattern)?;
    if re.captures_len() != groups + 1 {
        return Err(format!(
            "internal error: the translated pattern `{pattern}` has {} capture groups instead of {groups}",
            re.captures_len() - 1
        ));
    }
    Ok(re)
}

fn compile(pattern: &str) -> Result<Regex, String> {
    let mut builder = RegexBuilder::new(pattern);
    builder.nest_limit(RUST_NEST_LIMIT);
    builder.build().map_err(|e| match e {
        regex::Error::CompiledTooBig(limit) => format!(
            "the pattern is too large for the Rust regex engine (compiled size exceeds {limit} \
             bytes; large counted repetitions like `{{1000}}` are the usual cause)"
        ),
        other => format!(
            "the Rust regex engine rejected the translated pattern `{pattern}`: {}",
            other.to_string().replace('\n', " ")
        ),
    })
}

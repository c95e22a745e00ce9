//! Hand-written: Python's `re` syntax and `findall` semantics differ from the `regex` crate's.
//!
//! Translation of a Python 3.11 `re` pattern (`SearchKeywords`, `BlacklistKeywords`) into
//! an equivalent pattern for Rust's `regex` crate, plus the analysis [`super::rules`] needs
//! to emulate `findall` (see [`Shape`]).
//!
//! A small parser reads the pattern with Python 3.11 `re` syntax rules and writes an
//! equivalent Rust pattern. Constructs that are spelled differently are re-spelled exactly
//! (`\Z` → `\z`, a literal `{` → `\{`, `{,n}` → `{0,n}`, `[` inside a class → an escaped
//! `[`, `\<` → `<`, octal escapes → `\x{..}`, `(?#…)` → nothing, Python's `\w`/`\s` sets →
//! explicit Rust sets, `(?P<n>` → plain group). Python's verbose flag `(?x)` is applied while
//! parsing (whitespace and `#` comments dropped where Python drops them) and its ASCII flag
//! `(?a)` is spelled out (ASCII `\w \d \s` sets, `(?-u:\b)`, `[kK]` for ASCII-only
//! case-insensitivity); both also as scoped groups `(?x:…)`, `(?a:…)`, `(?u:…)`, with Python
//! 3.11's rule that global flags come first. Every literal is written escaped, so Rust-only
//! syntax (`[[:alpha:]]`, `&&`/`--`/`~~` set operations, `\b{start}`, `\<`, `\p{..}`) can
//! never be smuggled in: in Python those are literals or errors and the translation keeps
//! them so. Constructs Rust cannot express (look-around, backreferences, conditionals,
//! atomic groups, possessive quantifiers, `(?L)`, `\N{…}`) are rejected with a message the
//! caller attaches to the configuration key; so is everything Python itself rejects, groups
//! nested deeper than [`MAX_GROUP_NESTING`], and the few patterns CPython itself matches
//! inconsistently (see `first_char_quirk`).
//!
//! Unicode details are matched too: Python's `\w` (`isalnum()`) and `\s` (`isspace()`)
//! sets, its `(?i)` equivalence of `I`/`i`/`İ`/`ı`, categories not being case-folded, and
//! `\B` never matching in an empty string. A case-insensitive class with characters beyond
//! U+FFFF is rejected (CPython itself matches those inconsistently).
//!
//! Differences that cannot be detected from the pattern alone (documented, not rejected):
//! `\b`/`\B` next to a non-ASCII character whose "word" status differs between Python
//! (`str.isalnum()`) and Rust's Unicode `\w` (combining marks such as U+0301, `No`
//! numbers such as `²`, connector punctuation such as `‿`, circled letters, ZWJ/ZWNJ);
//! Python's non-multiline `$` also matching before a final `\n` of the host; characters
//! assigned after Unicode 14.0 (Python 3.11's tables) in `\w`, `\d` and `(?i)`.
//! Certificate host names are ASCII (IDNs are punycode), where none of these arise.

use std::fmt::Write as _;

/// Python's `\w` for `str` patterns is `ch.isalnum() or ch == '_'`, i.e. letters (`L*`),
/// numbers (`N*`: `²`, `½` included) and `_`. Rust's `\w` differs (it adds combining marks
/// and connector punctuation, and drops `No`), so the Python set is spelled out. Verified
/// against every code point: identical except for characters assigned after Unicode 14.0.
const WORD_SET: &str = r"\p{L}\p{N}_";
/// Python's `\s` (`str.isspace()`): Rust's `\s` lacks U+001C..U+001F.
const SPACE_SET: &str =
    r"\t-\r\x1C-\x20\x85\xA0\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}";
/// Python's `\d`, `\w` and `\s` under the `ASCII` flag (`(?a)`); `\s` is `[ \t\n\r\f\v]`.
const ASCII_DIGIT_SET: &str = r"0-9";
const ASCII_WORD_SET: &str = r"0-9A-Z_a-z";
const ASCII_SPACE_SET: &str = r"\t-\r\x20";
/// A class that matches nothing; used to disable an alternative while keeping its groups.
const NEVER: &str = r"[^\x00-\x{10FFFF}]";
/// Under `(?i)` Python treats `I`, `i`, `İ` (U+0130) and `ı` (U+0131) as one case class;
/// Unicode simple case folding (Rust) only pairs `I`/`i`. These are the only differences
/// between the two case-insensitive matchers (verified over all cased code points).
const DOTTED_I: [char; 4] = ['I', 'i', '\u{130}', '\u{131}'];
const DOTTED_I_SET: &str = r"Ii\x{130}\x{131}";
/// U+0345 (combining ypogegrammeni) is case-equivalent to `ι`/`Ι`/U+1FBE in both engines,
/// but it is not a word character: Rust's folded `\w` contains it, Python's does not.
const IOTA: [char; 4] = ['\u{345}', '\u{399}', '\u{3B9}', '\u{1FBE}'];
/// Python's `sre_constants.MAXREPEAT`: counts at or above it are a Python error.
const MAX_REPEAT: u64 = 4_294_967_295;
/// Deepest group nesting accepted (ours). The translator recurses once per level, so an
/// unbounded depth (30 000 `(`) would overflow the stack; CPython 3.11 itself fails with a
/// RecursionError near 500 levels, and real keyword lists nest a handful.
pub(super) const MAX_GROUP_NESTING: usize = 100;

/// Which hosts a translation is valid for. Python's `\B` never matches when the whole
/// string is empty; everywhere else it agrees with Rust's, so only the empty host needs
/// a variant in which `\B` matches nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Subject {
    NonEmpty,
    Empty,
}

/// Properties of a sub-pattern that decide whether Rust's leftmost-first match can stand in
/// for Python's backtracking retry after an empty match.
#[derive(Debug, Clone, Copy)]
pub(super) struct Shape {
    /// Can match the empty string (assertions count as empty).
    pub(super) nullable: bool,
    /// Can only match the empty string.
    pub(super) empty_only: bool,
    /// "Empty last": at any position and for any continuation, every end position a
    /// non-empty path can reach is reached by some path ranked before the first empty path.
    /// Then "Rust's preferred match is empty" implies "no non-empty match starts here".
    pub(super) empty_last: bool,
    /// Contains a capturing group.
    has_group: bool,
}

impl Shape {
    const CHAR: Shape = Shape {
        nullable: false,
        empty_only: false,
        empty_last: true,
        has_group: false,
    };
    const EMPTY: Shape = Shape {
        nullable: true,
        empty_only: true,
        empty_last: true,
        has_group: false,
    };

    /// `AB`: the empty path of `AB` pairs the first empty paths of both, and a non-empty path
    /// through an empty `A` is ranked before it exactly when `B` is empty-last.
    fn concat(items: &[Shape]) -> Shape {
        let nullable = items.iter().all(|s| s.nullable);
        Shape {
            nullable,
            empty_only: items.iter().all(|s| s.empty_only),
            empty_last: !nullable || items.iter().all(|s| s.empty_last),
            has_group: items.iter().any(|s| s.has_group),
        }
    }

    /// `A|B|…`: once an alternative can match empty, every later one must be empty-only.
    fn alternation(alts: &[Shape]) -> Shape {
        let first_nullable = alts.iter().position(|s| s.nullable).unwrap_or(alts.len());
        Shape {
            nullable: first_nullable < alts.len(),
            empty_only: alts.iter().all(|s| s.empty_only),
            empty_last: alts.iter().all(|s| s.empty_last)
                && alts[first_nullable..].iter().skip(1).all(|s| s.empty_only),
            has_group: alts.iter().any(|s| s.has_group),
        }
    }

    /// `B{min,max}` (greedy prefers more iterations, so skipping comes last; lazy prefers
    /// fewer, so skipping comes first and only an empty-only body keeps the order).
    fn repeat(body: Shape, min: u64, max: Option<u64>, lazy: bool) -> Shape {
        let nullable = body.nullable || min == 0;
        let empty_only = body.empty_only || max == Some(0);
        let empty_last = !nullable
            || empty_only
            || if lazy && max != Some(min) {
                body.empty_only
            } else {
                body.empty_last
            };
        Shape {
            nullable,
            empty_only,
            empty_last,
            has_group: body.has_group,
        }
    }
}

/// A translated pattern: Rust syntax, hoisted global flags, and the analysis results.
pub(super) struct Translated {
    /// Python's global flags (`(?i)` etc. at the start), already in Rust spelling.
    flags: String,
    /// The translated pattern without the global flags.
    body: String,
    pub(super) shape: Shape,
    /// Top-level alternatives as byte ranges of `body`.
    pub(super) alternatives: Vec<Alternative>,
    /// Position of a capture group inside a repetition with a nullable body.
    pub(super) loop_capture_at: Option<usize>,
    /// Position of a greedy repetition whose body can prefer an empty path (see `quantify`).
    pub(super) loop_empty_first_at: Option<usize>,
    /// Number of capture groups (Python's `groups`).
    pub(super) groups: usize,
    /// The translation would differ for the other [`Subject`] (the pattern uses `\B`).
    pub(super) subject_dependent: bool,
}

pub(super) struct Alternative {
    start: usize,
    end: usize,
    pub(super) shape: Shape,
}

impl Translated {
    pub(super) fn pattern(&self) -> String {
        format!("{}{}", self.flags, self.body)
    }

    /// The pattern with empty-only top-level alternatives disabled (their groups kept so
    /// group numbers do not move).
    pub(super) fn nonempty_pattern(&self) -> String {
        let alternatives: Vec<String> = self
            .alternatives
            .iter()
            .map(|a| {
                let text = &self.body[a.start..a.end];
                if a.shape.empty_only {
                    format!("{NEVER}{text}")
                } else {
                    text.to_string()
                }
            })
            .collect();
        format!("{}{}", self.flags, alternatives.join("|"))
    }
}

/// Parses `pattern` with Python 3.11 `re` rules and writes the Rust equivalent.
pub(super) fn translate(pattern: &str, subject: Subject) -> Result<Translated, String> {
    let mut p = Translator {
        chars: pattern.chars().collect(),
        pos: 0,
        out: String::new(),
        case_insensitive: false,
        ascii: false,
        verbose: false,
        flags: Vec::new(),
        names: Vec::new(),
        loop_capture_at: None,
        loop_empty_first_at: None,
        groups: 0,
        subject,
        subject_dependent: false,
    };
    let (shape, alternatives, quirk) = p.alternation(0)?;
    if let Some(at) = quirk {
        return Err(format!(
            "the pattern starts with a character class using `\\w`, `\\d` or `\\s` at position \
             {at} inside a scoped `(?a:…)` or `(?u:…)` group: Python 3.11 then checks the first \
             character with the pattern's global flags and matches inconsistently. Quantify it, \
             put something before it, or make the flag global (`(?a)` at the start)"
        ));
    }
    if p.flags.contains(&'a') && p.flags.contains(&'u') {
        // Python's `fix_flags`, after parsing: `(?a)(?u)` are two global groups.
        return Err("ASCII and UNICODE flags are incompatible (Python rejects it)".to_string());
    }
    // Global flags are all at the start, so the state they set is the whole pattern's.
    // `x` and `a` are done by the translation itself; Rust's `i` only without `a`.
    let mut rust_flags: String = p.flags.iter().filter(|c| "ms".contains(**c)).collect();
    if p.rust_case_insensitive() {
        rust_flags.insert(0, 'i');
    }
    let flags = if rust_flags.is_empty() {
        String::new()
    } else {
        format!("(?{rust_flags})")
    };
    Ok(Translated {
        flags,
        body: p.out,
        shape,
        alternatives,
        loop_capture_at: p.loop_capture_at,
        loop_empty_first_at: p.loop_empty_first_at,
        groups: p.groups,
        subject_dependent: p.subject_dependent,
    })
}

/// One element of a sequence, for the "nothing to repeat" / "multiple repeat" rules.
struct Item {
    shape: Shape,
    /// Python refuses to repeat assertions (`^*`, `\b+`).
    repeatable: bool,
    /// Already carries a quantifier (`a**` is an error in Python).
    repeated: bool,
    /// Where the item's Rust text starts in the output.
    start: usize,
    /// Set when this item, unquantified at the start of the pattern, would meet CPython's
    /// first-character quirk (see `Translator::first_char_quirk`): the position to report.
    quirk: Option<usize>,
}

impl Item {
    fn new(shape: Shape, repeatable: bool) -> Item {
        Item {
            shape,
            repeatable,
            repeated: false,
            start: 0,
            quirk: None,
        }
    }
}

/// Outcome of a backslash escape outside a class.
enum Escape {
    Char(char),
    /// `d`, `D`, `w`, `W`, `s` or `S`.
    Category(char),
    Assertion(&'static str),
}

/// Outcome of a backslash escape inside a class.
#[derive(Clone, Copy)]
enum ClassAtom {
    Char(char),
    /// `d`, `D`, `w`, `W`, `s` or `S`.
    Category(char),
}

/// A class's items in Rust spelling, plus what the case-insensitive fix-ups need.
#[derive(Default)]
struct ClassBody {
    text: String,
    ranges: Vec<(char, char)>,
    categories: Vec<char>,
    /// Python's `ASCII` flag: categories are the ASCII sets.
    ascii: bool,
}

impl ClassBody {
    fn push(&mut self, atom: ClassAtom) {
        match atom {
            ClassAtom::Char(c) => self.push_range(c, c),
            ClassAtom::Category(k) => {
                self.categories.push(k);
                self.text.push_str(&category(k, true, self.ascii));
            }
        }
    }

    fn push_range(&mut self, lo: char, hi: char) {
        push_escaped(&mut self.text, lo);
        if hi != lo {
            self.text.push('-');
            push_escaped(&mut self.text, hi);
        }
        self.ranges.push((lo, hi));
    }

    /// Adds the other-case ASCII letter of every ASCII letter in the ranges.
    fn add_ascii_case_partners(&mut self) {
        let mut partners = Vec::new();
        for &(lo, hi) in &self.ranges {
            for (a, z, shift) in [('a', 'z', -32i32), ('A', 'Z', 32)] {
                let (from, to) = (lo.max(a), hi.min(z));
                if from <= to {
                    let moved = |c: char| char::from_u32((c as i32 + shift) as u32).expect("ASCII");
                    partners.push((moved(from), moved(to)));
                }
            }
        }
        for (lo, hi) in partners {
            self.push_range(lo, hi);
        }
    }

    fn touches(&self, chars: &[char]) -> bool {
        self.ranges
            .iter()
            .any(|(lo, hi)| chars.iter().any(|c| (lo..=hi).contains(&c)))
    }

    fn has(&self, category: char) -> bool {
        self.categories.contains(&category)
    }

    /// The Rust class. Under `(?i)` two differences are patched: Python's `I`/`i`/`İ`/`ı`
    /// case class (see [`DOTTED_I`]), and U+0345, which Rust's case folding of `\w` pulls in
    /// (it folds to `ι`) while Python tests categories without folding (see [`IOTA`]).
    fn to_rust(&self, negate: bool, case_insensitive: bool) -> String {
        let mut class = format!("[{}{}", if negate { "^" } else { "" }, self.text);
        if case_insensitive && self.touches(&DOTTED_I) {
            class.push_str(DOTTED_I_SET);
        }
        class.push(']');
        if !case_insensitive || !(self.has('w') || self.has('W')) {
            return class;
        }
        // Python: U+0345 and the letters of its case class are members according to
        // their own category, or through the literal items.
        let literal = self.touches(&IOTA);
        let other = self.has('D') || self.has('S');
        let ypogegrammeni = negate ^ (literal || other || self.has('W'));
        let iota = negate ^ (literal || other || self.has('w'));
        let mut exact = String::new();
        if ypogegrammeni {
            exact.push_str(r"\x{345}");
        }
        if iota {
            exact.push_str(r"\x{399}\x{3B9}\x{1FBE}");
        }
        // Under (?i) `[^\x{345}]` excludes the whole case class; add back what Python has.
        let mut out = format!("(?:[{class}&&[^\\x{{345}}]]");
        if !exact.is_empty() {
            write!(out, "|(?-i:[{exact}])").unwrap();
        }
        out.push(')');
        out
    }
}

struct Translator {
    chars: Vec<char>,
    pos: usize,
    out: String,
    /// Python's `IGNORECASE` in the current scope.
    case_insensitive: bool,
    /// Python's `ASCII` in the current scope: `\w \d \s \b` and case-insensitivity are
    /// ASCII-only. Translated here (explicit ASCII sets, `(?-u:\b)`, `[kK]`), with Rust's
    /// `i` flag off in such a scope.
    ascii: bool,
    /// Python's `VERBOSE` in the current scope: handled while parsing (see `skip_verbose`).
    verbose: bool,
    /// Python's global flags (`(?aimsux)` at the start), sorted.
    flags: Vec<char>,
    names: Vec<String>,
    loop_capture_at: Option<usize>,
    loop_empty_first_at: Option<usize>,
    groups: usize,
    subject: Subject,
    subject_dependent: bool,
}

type Parsed<T> = Result<T, String>;

impl Translator {
    /// Whether Rust's `i` flag is on in the current scope: Python's `IGNORECASE` with Unicode
    /// matching. With `ASCII` the translation spells case-insensitivity out instead.
    fn rust_case_insensitive(&self) -> bool {
        self.case_insensitive && !self.ascii
    }

    /// Python's verbose mode, applied where `sre_parse._parse` applies it (before each item
    /// or quantifier, never inside a class, an escape, `{m,n}` or a group opener): skips
    /// ASCII whitespace (`" \t\n\r\v\f"` only) and `#` comments up to a `\n`. In a comment
    /// a backslash still takes the next character with it (Python reads tokens), so
    /// `#\` + newline does not end the comment.
    fn skip_verbose(&mut self) -> Parsed<()> {
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | '\n' | '\r' | '\x0B' | '\x0C' => self.pos += 1,
                '#' => loop {
                    match self.next() {
                        None | Some('\n') => break,
                        Some('\\') => {
                            if self.next().is_none() {
                                return Err("the pattern ends with a lone `\\`".to_string());
                            }
                        }
                        Some(_) => {}
                    }
                },
                _ => break,
            }
        }
        Ok(())
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.pos += 1;
        }
        found
    }

    /// `alt ('|' alt)*` up to a `)` or the end.
    /// Also returns the first-character quirk of a leading item of any alternative.
    fn alternation(&mut self, depth: usize) -> Parsed<(Shape, Vec<Alternative>, Option<usize>)> {
        let mut alternatives = Vec::new();
        let mut quirk = None;
        loop {
            let start = self.out.len();
            let (shape, q) = self.sequence(depth, depth == 0 && alternatives.is_empty())?;
            quirk = quirk.or(q);
            alternatives.push(Alternative {
                start,
                end: self.out.len(),
                shape,
            });
            if !self.eat('|') {
                break;
            }
            self.out.push('|');
        }
        let shapes: Vec<Shape> = alternatives.iter().map(|a| a.shape).collect();
        if depth == 0 && alternatives.len() > 1 {
            // CPython's set prefix of a top-level branch only collects plain literals.
            quirk = None;
        }
        Ok((Shape::alternation(&shapes), alternatives, quirk))
    }

    /// Items and their quantifiers up to `|`, `)` or the end. `first` is Python's "global
    /// flags are still allowed here" (first top-level alternative). Also returns the
    /// first-character quirk of the first item.
    fn sequence(&mut self, depth: usize, first: bool) -> Parsed<(Shape, Option<usize>)> {
        let mut items: Vec<Item> = Vec::new();
        loop {
            if self.verbose {
                self.skip_verbose()?;
            }
            let Some(c) = self.peek() else { break };
            let at = self.pos;
            match c {
                '|' => break,
                ')' if depth > 0 => break,
                ')' => return Err(format!("unbalanced parenthesis `)` at position {at}")),
                '*' | '+' | '?' => {
                    self.pos += 1;
                    let (min, max) = match c {
                        '*' => (0, None),
                        '+' => (1, None),
                        _ => (0, Some(1)),
                    };
                    self.quantify(&mut items, min, max, at)?;
                }
                '{' => match self.counted_repeat()? {
                    Some((min, max)) => self.quantify(&mut items, min, max, at)?,
                    None => {
                        // Python: a `{` that does not start `{m}`, `{m,}`, `{,n}`, `{m,n}` is
                        // a literal; Rust would reject it.
                        let start = self.out.len();
                        self.pos += 1;
                        self.literal('{');
                        items.push(Item {
                            start,
                            ..Item::new(Shape::CHAR, true)
                        });
                    }
                },
                _ => {
                    let start = self.out.len();
                    if let Some(item) = self.atom(depth, first && items.is_empty())? {
                        items.push(Item { start, ..item });
                    }
                }
            }
        }
        let shapes: Vec<Shape> = items.iter().map(|i| i.shape).collect();
        let quirk = items.first().and_then(|i| i.quirk);
        Ok((Shape::concat(&shapes), quirk))
    }

    /// Applies a quantifier that has just been read to the last item.
    fn quantify(
        &mut self,
        items: &mut [Item],
        min: u64,
        max: Option<u64>,
        at: usize,
    ) -> Parsed<()> {
        let lazy = self.eat('?');
        if !lazy && self.peek() == Some('+') {
            return Err(format!(
                "possessive quantifier at position {at} is not supported by the Rust regex engine"
            ));
        }
        let Some(last) = items.last_mut().filter(|i| i.repeatable) else {
            return Err(format!(
                "nothing to repeat at position {at} (Python rejects it)"
            ));
        };
        if last.repeated {
            return Err(format!(
                "multiple repeat at position {at} (Python rejects it)"
            ));
        }
        if last.shape.has_group && last.shape.nullable && max.is_none_or(|m| m > 1) {
            self.loop_capture_at.get_or_insert(at);
        }
        // CPython ends a greedy repetition as soon as one pass matched empty and tries the
        // rest of the pattern right there, before the pass's lower-ranked alternatives;
        // Rust drops the empty pass and tries the rest only after all of them. The orders
        // agree when the body's empty path is its last choice (`empty_last`), for lazy
        // repetitions (both try the rest first), and without optional passes beyond one.
        let optional_passes = max.is_none_or(|m| m > 1 && m > min);
        if !lazy && optional_passes && last.shape.nullable && !last.shape.empty_last {
            self.loop_empty_first_at.get_or_insert(at);
        }
        match (min, max) {
            (_, Some(0)) => {
                // Rust drops capture groups inside `x{0}` (Python keeps them, unset), which
                // would change findall's values; an alternative that never matches keeps them.
                let text = self.out.split_off(last.start);
                write!(self.out, "(?:{NEVER}{text})?").unwrap();
            }
            (0, None) => self.out.push('*'),
            (1, None) => self.out.push('+'),
            (0, Some(1)) => self.out.push('?'),
            (m, None) => write!(self.out, "{{{m},}}").unwrap(),
            (m, Some(n)) if m == n => write!(self.out, "{{{m}}}").unwrap(),
            (m, Some(n)) => write!(self.out, "{{{m},{n}}}").unwrap(),
        }
        if lazy && max != Some(0) {
            self.out.push('?');
        }
        last.shape = Shape::repeat(last.shape, min, max, lazy);
        last.repeated = true;
        // A quantified item is a repeat node for CPython, not a character set: no quirk.
        last.quirk = None;
        Ok(())
    }

    /// At a `{`: `Some((min, max))` for a valid Python repeat (consumed), `None` when the
    /// brace is a literal (nothing consumed).
    fn counted_repeat(&mut self) -> Parsed<Option<(u64, Option<u64>)>> {
        let at = self.pos;
        let mut i = at + 1;
        let digits = |i: &mut usize| {
            let start = *i;
            while self.chars.get(*i).is_some_and(char::is_ascii_digit) {
                *i += 1;
            }
            self.chars[start..*i].iter().collect::<String>()
        };
        if self.chars.get(i) == Some(&'}') {
            return Ok(None);
        }
        let lo = digits(&mut i);
        let hi = if self.chars.get(i) == Some(&',') {
            i += 1;
            digits(&mut i)
        } else {
            lo.clone()
        };
        if self.chars.get(i) != Some(&'}') {
            return Ok(None);
        }
        self.pos = i + 1;
        let number = |s: &str| -> Parsed<u64> {
            match s.parse::<u64>() {
                Ok(n) if n < MAX_REPEAT => Ok(n),
                _ => Err(format!(
                    "the repetition number at position {at} is too large"
                )),
            }
        };
        let min = if lo.is_empty() { 0 } else { number(&lo)? };
        let max = if hi.is_empty() {
            None
        } else {
            Some(number(&hi)?)
        };
        if max.is_some_and(|m| m < min) {
            return Err(format!(
                "min repeat greater than max repeat at position {at}"
            ));
        }
        Ok(Some((min, max)))
    }

    /// One atom; `None` for constructs that produce nothing (comments, global flags).
    fn atom(&mut self, depth: usize, global_flags_ok: bool) -> Parsed<Option<Item>> {
        let at = self.pos;
        let c = self.next().expect("atom() is called before the end");
        let shape = match c {
            '(' => return self.group(depth, global_flags_ok, at),
            '[' => {
                let quirk = self.class(at)?;
                return Ok(Some(Item {
                    quirk,
                    ..Item::new(Shape::CHAR, true)
                }));
            }
            '.' => {
                self.out.push('.');
                Shape::CHAR
            }
            '^' | '$' => {
                // Python's `$` also matches before a final "\n"; see the module docs.
                self.out.push(c);
                return Ok(Some(Item::new(Shape::EMPTY, false)));
            }
            '\\' => match self.escape(at)? {
                Escape::Char(ch) => {
                    self.literal(ch);
                    Shape::CHAR
                }
                Escape::Category(k) => {
                    let set = category(k, false, self.ascii);
                    if self.rust_case_insensitive() && (k == 'w' || k == 'W') {
                        // Python does not case-fold categories; Rust's folded `\w` would
                        // gain U+0345 (see `IOTA`).
                        write!(self.out, "(?-i:{set})").unwrap();
                    } else {
                        self.out.push_str(&set);
                    }
                    return Ok(Some(Item {
                        quirk: self.first_char_quirk(false, &[k], at),
                        ..Item::new(Shape::CHAR, true)
                    }));
                }
                Escape::Assertion(text) => {
                    self.out.push_str(text);
                    return Ok(Some(Item::new(Shape::EMPTY, false)));
                }
            },
            _ => {
                self.literal(c);
                Shape::CHAR
            }
        };
        Ok(Some(Item::new(shape, true)))
    }

    /// After `(`.
    fn group(&mut self, depth: usize, global_flags_ok: bool, at: usize) -> Parsed<Option<Item>> {
        let unsupported = |what: &str| {
            Err(format!(
                "{what} at position {at} is not supported by the Rust regex engine"
            ))
        };
        if !self.eat('?') {
            return self.group_body(depth, at, "(", true).map(Some);
        }
        match self.next() {
            None => Err(format!(
                "unexpected end of pattern after `(?` at position {at}"
            )),
            Some(':') => self.group_body(depth, at, "(?:", false).map(Some),
            Some('P') => match self.next() {
                Some('<') => {
                    self.group_name(at)?;
                    // Names do not affect findall; Rust's name rules differ, so drop them.
                    self.group_body(depth, at, "(", true).map(Some)
                }
                Some('=') => unsupported("backreference `(?P=name)`"),
                _ => Err(format!(
                    "unknown extension `(?P` at position {at} (Python rejects it)"
                )),
            },
            Some('=') => unsupported("look-ahead `(?=`"),
            Some('!') => unsupported("negative look-ahead `(?!`"),
            Some('<') => match self.peek() {
                Some('=') => unsupported("look-behind `(?<=`"),
                Some('!') => unsupported("negative look-behind `(?<!`"),
                _ => Err(format!(
                    "`(?<name>` at position {at}: Python 3.11 only accepts `(?P<name>…)`"
                )),
            },
            Some('#') => {
                // Comment: Python skips to the next unescaped `)`.
                loop {
                    match self.next() {
                        None => return Err(format!("unterminated comment at position {at}")),
                        Some('\\') => {
                            self.next();
                        }
                        Some(')') => return Ok(None),
                        Some(_) => {}
                    }
                }
            }
            Some('(') => unsupported("conditional group `(?(…)`"),
            Some('>') => unsupported("atomic group `(?>`"),
            Some(c) if c == '-' || "aiLmsux".contains(c) => {
                self.pos -= 1;
                self.inline_flags(depth, global_flags_ok, at)
            }
            Some(c) => Err(format!(
                "unknown extension `(?{c}` at position {at} (Python rejects it)"
            )),
        }
    }

    /// Parses a group's alternation up to its `)`; `open` is the Rust opening text.
    fn group_body(&mut self, depth: usize, at: usize, open: &str, capture: bool) -> Parsed<Item> {
        if depth >= MAX_GROUP_NESTING {
            return Err(format!(
                "groups nested more than {MAX_GROUP_NESTING} levels deep at position {at} \
                 (a limit of this program)"
            ));
        }
        self.out.push_str(open);
        if capture {
            self.groups += 1;
        }
        let (shape, _, quirk) = self.alternation(depth + 1)?;
        if !self.eat(')') {
            return Err(format!(
                "missing `)`, unterminated subpattern at position {at}"
            ));
        }
        self.out.push(')');
        let shape = Shape {
            has_group: shape.has_group || capture,
            ..shape
        };
        Ok(Item {
            quirk,
            ..Item::new(shape, true)
        })
    }

    /// After `(?P<`: reads and checks the name (Python: an identifier, not yet used).
    fn group_name(&mut self, at: usize) -> Parsed<()> {
        let mut name = String::new();
        loop {
            match self.next() {
                None => {
                    return Err(format!(
                        "missing `>`, unterminated group name at position {at}"
                    ));
                }
                Some('>') => break,
                Some(c) => name.push(c),
            }
        }
        let mut chars = name.chars();
        let identifier = chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
            && chars.all(|c| c == '_' || c.is_alphanumeric());
        if !identifier {
            return Err(format!(
                "bad character in group name `{name}` at position {at} (Python rejects it)"
            ));
        }
        if self.names.contains(&name) {
            return Err(format!(
                "redefinition of group name `{name}` at position {at} (Python rejects it)"
            ));
        }
        self.names.push(name);
        Ok(())
    }

    /// `(?flags)` (global, only at the very start in Python 3.11) or `(?on-off:…)`, with
    /// Python 3.11's rules (`sre_parse._parse_flags`): `a`, `u` (and `L`) are exclusive and
    /// cannot be turned off; a scoped `a` or `u` replaces the other (`(?a:(?u:\w))` is
    /// Unicode again); `x` may be scoped.
    fn inline_flags(
        &mut self,
        depth: usize,
        global_flags_ok: bool,
        at: usize,
    ) -> Parsed<Option<Item>> {
        let mut on = Vec::new();
        let mut off = Vec::new();
        while let Some(c) = self.peek().filter(|c| "aiLmsux".contains(*c)) {
            on.push(c);
            self.pos += 1;
        }
        if self.eat('-') {
            while let Some(c) = self.peek().filter(|c| "aiLmsux".contains(*c)) {
                off.push(c);
                self.pos += 1;
            }
            if off.is_empty() {
                return Err(format!(
                    "missing flag after `-` at position {at} (Python rejects it)"
                ));
            }
        }
        if on.contains(&'L') || off.contains(&'L') {
            return Err(format!(
                "locale flag `(?L)` at position {at} is invalid for text patterns (Python rejects it)"
            ));
        }
        if on.contains(&'a') && on.contains(&'u') {
            return Err(format!(
                "flags `a` and `u` at position {at} are incompatible (Python rejects it)"
            ));
        }
        if off.contains(&'a') || off.contains(&'u') {
            return Err(format!(
                "flags `a` and `u` cannot be turned off (at position {at}; Python rejects it)"
            ));
        }
        if on.iter().any(|c| off.contains(c)) {
            return Err(format!(
                "flag turned on and off at position {at} (Python rejects it)"
            ));
        }
        match self.next() {
            Some(')') if off.is_empty() => {
                if !global_flags_ok {
                    return Err(format!(
                        "global flags not at the start of the expression at position {at} \
                         (Python 3.11 rejects it; use a scoped group like `(?i:…)`)"
                    ));
                }
                self.set_flags(&on, &off);
                self.flags.extend(on);
                self.flags.sort_unstable();
                self.flags.dedup();
                Ok(None)
            }
            Some(':') => {
                let saved = (self.case_insensitive, self.ascii, self.verbose);
                let rust_i = self.rust_case_insensitive();
                self.set_flags(&on, &off);
                // Rust gets `m` and `s` as written, and `i` when its own case-insensitivity
                // changes (it is off wherever Python's is ASCII-only).
                let mut rust_on: String = on.iter().filter(|c| "ms".contains(**c)).collect();
                let mut rust_off: String = off.iter().filter(|c| "ms".contains(**c)).collect();
                match (rust_i, self.rust_case_insensitive()) {
                    (false, true) => rust_on.insert(0, 'i'),
                    (true, false) => rust_off.insert(0, 'i'),
                    _ => {}
                }
                let mut open = format!("(?{rust_on}");
                if !rust_off.is_empty() {
                    open = format!("{open}-{rust_off}");
                }
                open.push(':');
                let item = self.group_body(depth, at, &open, false);
                (self.case_insensitive, self.ascii, self.verbose) = saved;
                item.map(Some)
            }
            _ => Err(format!(
                "malformed inline flags at position {at} (Python rejects it)"
            )),
        }
    }

    /// CPython 3.11 quirk (`sre_compile._get_charset_prefix`): when the pattern starts with
    /// a character set, possibly inside leading groups, CPython first tests each start
    /// position's character against that set compiled with the pattern's *global* flags,
    /// but matches it with the flags of its own scope. Where a scoped `(?a:…)`/`(?u:…)`
    /// changes what `\w \d \s` mean, the effective set is the intersection of both readings
    /// (`(?a:\W)` matches nothing in "é"). That is harmless when the scoped reading is a
    /// subset of the global one (positive categories in an ASCII scope, `(?a:\w)`), so only
    /// the other cases are flagged. Leading-ness is decided by the callers: the quirk of the
    /// first item of each alternative travels up until the top level or a quantifier.
    fn first_char_quirk(&self, negate: bool, categories: &[char], at: usize) -> Option<usize> {
        let global_ascii = self.flags.contains(&'a');
        if categories.is_empty() || self.ascii == global_ascii {
            return None;
        }
        let positive = categories.iter().any(|c| c.is_ascii_lowercase());
        let negative = categories.iter().any(|c| c.is_ascii_uppercase());
        // ASCII `\w \d \s` are subsets of the Unicode ones; `\W \D \S` supersets.
        let subset = if self.ascii {
            if negate {
                !positive
            } else {
                !negative
            }
        } else if negate {
            !negative
        } else {
            !positive
        };
        (!subset).then_some(at)
    }

    /// Applies inline flags to the current scope's `i`, `a` and `x` state.
    fn set_flags(&mut self, on: &[char], off: &[char]) {
        for &c in on {
            match c {
                'i' => self.case_insensitive = true,
                'a' => self.ascii = true,
                'u' => self.ascii = false,
                'x' => self.verbose = true,
                _ => {}
            }
        }
        for &c in off {
            match c {
                'i' => self.case_insensitive = false,
                'x' => self.verbose = false,
                _ => {}
            }
        }
    }

    /// After `[`: Python's class rules (a leading `]` is literal, `[`, `&&`, `--`, `~~`
    /// and `[:…:]` are plain characters), written out fully escaped for Rust.
    fn class(&mut self, at: usize) -> Parsed<Option<usize>> {
        let negate = self.eat('^');
        let start = self.pos;
        let mut body = ClassBody {
            ascii: self.ascii,
            ..ClassBody::default()
        };
        let unterminated = || format!("unterminated character set at position {at}");
        loop {
            let item_at = self.pos;
            let this = self.next().ok_or_else(unterminated)?;
            if this == ']' && item_at != start {
                break;
            }
            let first = if this == '\\' {
                self.class_escape(item_at)?
            } else {
                ClassAtom::Char(this)
            };
            if self.eat('-') {
                let that_at = self.pos;
                let that = self.next().ok_or_else(unterminated)?;
                if that == ']' {
                    // `[a-]`: the dash is literal and the class ends.
                    body.push(first);
                    body.push(ClassAtom::Char('-'));
                    break;
                }
                let second = if that == '\\' {
                    self.class_escape(that_at)?
                } else {
                    ClassAtom::Char(that)
                };
                match (first, second) {
                    (ClassAtom::Char(lo), ClassAtom::Char(hi)) if lo <= hi => {
                        body.push_range(lo, hi)
                    }
                    _ => {
                        return Err(format!(
                            "bad character range at position {item_at} (Python rejects it)"
                        ));
                    }
                }
            } else {
                body.push(first);
            }
        }
        if self.case_insensitive && body.ranges.iter().any(|&(_, hi)| hi > '\u{FFFF}') {
            // CPython moves such items out of its BMP bitmap into code paths that compare
            // the wrong case (`(?i)[\U00010400.]` does not match U+10400) or use the first
            // letter of a full uppercase mapping (`ŉ` "matches" `[\u02bc-\U00010000]`).
            return Err(format!(
                "case-insensitive character class at position {at} with characters beyond \
                 U+FFFF: Python 3.11 matches these inconsistently"
            ));
        }
        if self.case_insensitive && self.ascii {
            // Python (ASCII-only IGNORECASE) lower-cases the class's items with
            // `ascii_tolower` and tests the lower-cased character: a character matches when
            // it or its ASCII case partner is listed. Categories are unaffected.
            body.add_ascii_case_partners();
        }
        let text = body.to_rust(negate, self.rust_case_insensitive());
        self.out.push_str(&text);
        Ok(self.first_char_quirk(negate, &body.categories, at))
    }

    /// Writes a literal character (widened to Python's dotted/dotless-i class under `(?i)`).
    fn literal(&mut self, c: char) {
        if self.case_insensitive && self.ascii && c.is_ascii_alphabetic() {
            // Python's ASCII case-insensitivity: only A-Z/a-z pair up (`k` is not `\u{212A}`).
            let (lower, upper) = (c.to_ascii_lowercase(), c.to_ascii_uppercase());
            write!(self.out, "[{lower}{upper}]").unwrap();
        } else if self.rust_case_insensitive() && DOTTED_I.contains(&c) {
            write!(self.out, "[{DOTTED_I_SET}]").unwrap();
        } else {
            push_escaped(&mut self.out, c);
        }
    }

    /// After a `\` outside a class.
    fn escape(&mut self, at: usize) -> Parsed<Escape> {
        let c = self
            .next()
            .ok_or_else(|| "the pattern ends with a lone `\\`".to_string())?;
        Ok(match c {
            'A' => Escape::Assertion(r"\A"),
            'Z' => Escape::Assertion(r"\z"),
            // Under Python's ASCII flag only [0-9A-Za-z_] are word characters: Rust's ASCII
            // word boundary, `(?-u:\b)`, is exactly that.
            'b' if self.ascii => Escape::Assertion(r"(?-u:\b)"),
            'b' => Escape::Assertion(r"\b"),
            'B' => {
                self.subject_dependent = true;
                match (self.subject, self.ascii) {
                    (Subject::NonEmpty, false) => Escape::Assertion(r"\B"),
                    (Subject::NonEmpty, true) => Escape::Assertion(r"(?-u:\B)"),
                    (Subject::Empty, _) => Escape::Assertion(NEVER),
                }
            }
            'd' | 'D' | 'w' | 'W' | 's' | 'S' => Escape::Category(c),
            '0' => Escape::Char(octal_char(self.octal_digits(2), at)?),
            '1'..='9' => {
                // Python: three octal digits are an octal escape, anything else a group
                // reference.
                let d2 = self.peek().filter(char::is_ascii_digit);
                if let Some(d2) = d2 {
                    let d3 = self
                        .chars
                        .get(self.pos + 1)
                        .copied()
                        .filter(|d| is_octal(*d));
                    if let (true, true, Some(_)) = (is_octal(c), is_octal(d2), d3) {
                        let value = octal_value(&self.chars[self.pos - 1..self.pos + 2]);
                        self.pos += 2;
                        return octal_char(value, at).map(Escape::Char);
                    }
                    self.pos += 1;
                    return Err(format!(
                        "backreference `\\{c}{d2}` at position {at} is not supported by the Rust regex engine"
                    ));
                }
                return Err(format!(
                    "backreference `\\{c}` at position {at} is not supported by the Rust regex engine"
                ));
            }
            _ => Escape::Char(self.char_escape(c, at)?),
        })
    }

    /// After a `\` inside a class.
    fn class_escape(&mut self, at: usize) -> Parsed<ClassAtom> {
        let c = self
            .next()
            .ok_or_else(|| format!("unterminated character set at position {at}"))?;
        Ok(match c {
            'b' => ClassAtom::Char('\u{8}'),
            'd' | 'D' | 'w' | 'W' | 's' | 'S' => ClassAtom::Category(c),
            '0'..='7' => {
                self.pos -= 1;
                let value = self.octal_digits(3);
                ClassAtom::Char(octal_char(value, at)?)
            }
            '8' | '9' => {
                return Err(format!(
                    "bad escape `\\{c}` at position {at} (Python rejects it)"
                ));
            }
            _ => ClassAtom::Char(self.char_escape(c, at)?),
        })
    }

    /// Escapes shared by both contexts: control characters, `\x`/`\u`/`\U`, literals.
    fn char_escape(&mut self, c: char, at: usize) -> Parsed<char> {
        let hex = |p: &mut Self, n: usize| -> Parsed<u32> {
            let digits: String = p.chars[p.pos..]
                .iter()
                .take(n)
                .take_while(|d| d.is_ascii_hexdigit())
                .collect();
            if digits.len() != n {
                return Err(format!(
                    "incomplete escape `\\{c}{digits}` at position {at} (Python rejects it)"
                ));
            }
            p.pos += n;
            Ok(u32::from_str_radix(&digits, 16).expect("hex digits"))
        };
        let code = match c {
            'a' => 0x07,
            'f' => 0x0C,
            'n' => 0x0A,
            'r' => 0x0D,
            't' => 0x09,
            'v' => 0x0B,
            'x' => hex(self, 2)?,
            'u' => hex(self, 4)?,
            'U' => hex(self, 8)?,
            'N' => {
                return Err(format!(
                    "named character escape `\\N{{…}}` at position {at} is not supported; write `\\uXXXX`"
                ));
            }
            c if c.is_ascii_alphabetic() => {
                return Err(format!(
                    "bad escape `\\{c}` at position {at} (not a Python `re` escape; Python rejects it)"
                ));
            }
            c => return Ok(c),
        };
        match char::from_u32(code) {
            Some(ch) => Ok(ch),
            None if code <= 0x10FFFF => Err(format!(
                "escape for the surrogate code point U+{code:04X} at position {at} is not supported"
            )),
            None => Err(format!(
                "bad escape at position {at}: U+{code:X} is out of range (Python rejects it)"
            )),
        }
    }

    /// Reads up to `max` octal digits.
    fn octal_digits(&mut self, max: usize) -> u32 {
        let start = self.pos;
        while self.pos - start < max && self.peek().is_some_and(is_octal) {
            self.pos += 1;
        }
        octal_value(&self.chars[start..self.pos])
    }
}

fn is_octal(c: char) -> bool {
    ('0'..='7').contains(&c)
}

fn octal_value(digits: &[char]) -> u32 {
    digits
        .iter()
        .fold(0, |v, d| v * 8 + d.to_digit(8).expect("octal digit"))
}

fn octal_char(value: u32, at: usize) -> Parsed<char> {
    if value > 0o377 {
        return Err(format!(
            "octal escape at position {at} is outside of range 0-0o377 (Python rejects it)"
        ));
    }
    Ok(char::from_u32(value).expect("below 0o400"))
}

/// Python's `\d \D \w \W \s \S`, as a complete Rust atom or as text inside `[...]`;
/// with `ascii` (Python's `ASCII` flag) the ASCII-only sets.
fn category(c: char, in_class: bool, ascii: bool) -> String {
    let (set, negated) = match (c, ascii) {
        ('d', false) => return r"\d".to_string(),
        ('D', false) => return r"\D".to_string(),
        ('d', true) => (ASCII_DIGIT_SET, false),
        ('D', true) => (ASCII_DIGIT_SET, true),
        ('w', false) => (WORD_SET, false),
        ('W', false) => (WORD_SET, true),
        ('w', true) => (ASCII_WORD_SET, false),
        ('W', true) => (ASCII_WORD_SET, true),
        ('s', false) => (SPACE_SET, false),
        ('s', true) => (ASCII_SPACE_SET, false),
        (_, false) => (SPACE_SET, true),
        (_, true) => (ASCII_SPACE_SET, true),
    };
    match (negated, in_class) {
        (false, true) => set.to_string(),
        (false, false) => format!("[{set}]"),
        (true, _) => format!("[^{set}]"),
    }
}

/// Writes `c` so Rust reads it as that literal character in or out of a class: ASCII
/// letters and digits as is, everything else as `\x{…}` (so no Rust syntax can leak in).
fn push_escaped(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() {
        out.push(c);
    } else {
        write!(out, "\\x{{{:X}}}", c as u32).unwrap();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rust(pattern: &str) -> String {
        translate(pattern, Subject::NonEmpty)
            .map(|t| t.pattern())
            .unwrap_or_else(|e| format!("ERR {e}"))
    }

    #[test]
    fn flag_spelling() {
        assert_eq!(rust("(?x) a b # c\n | d"), "ab|d");
        assert_eq!(rust(r"(?a)\w\b"), r"[0-9A-Z_a-z](?-u:\b)");
        assert_eq!(rust(r"(?ai)k[a-c]"), r"[kK][a-cA-C]");
        assert_eq!(rust(r"(?i)(?a:k)i"), r"(?i)(?-i:[kK])[Ii\x{130}\x{131}]");
        assert_eq!(rust(r"(?a)(?i:k)(?u:\d)"), r"(?:[kK])(?:\d)");
        assert_eq!(rust(r"(?ms)(?-s:.)"), r"(?ms)(?-s:.)");
    }

    #[test]
    fn translation_spelling() {
        assert_eq!(rust("a.b"), r"a.b");
        assert_eq!(rust(r"a\.b"), r"a\x{2E}b");
        assert_eq!(rust(r"x{,2}"), r"x{0,2}");
        assert_eq!(rust(r"x{}"), r"x\x{7B}\x{7D}");
        assert_eq!(rust(r"\Z"), r"\z");
        assert_eq!(rust(r"[[]"), r"[\x{5B}]");
        assert_eq!(rust(r"(?i)li"), r"(?i)l[Ii\x{130}\x{131}]");
        assert_eq!(rust(r"(?P<n>a)(?#c)"), r"(a)");
        assert_eq!(rust(r"\101\0"), r"A\x{0}");
    }

    #[test]
    fn shapes() {
        let el = |p: &str| translate(p, Subject::NonEmpty).unwrap().shape.empty_last;
        assert!(el("a|"));
        assert!(el("a*"));
        assert!(el("(a?)(b?)"));
        assert!(!el("a*?"));
        assert!(!el("|a"));
        assert!(!el("(?:a?|b)"));
        assert!(el("x(?:|a)"));
    }
}

//! INI reader with the exact semantics of Python 3.11 `configparser.ConfigParser()` (all
//! defaults, `BasicInterpolation`), because existing CertStreamMonitor config files must keep
//! meaning exactly what they meant to the Python original. Off-the-shelf crates differ on
//! quotes, escapes, continuation lines, key case, `[DEFAULT]` and `%%` (rust-ini, for one), so
//! this follows CPython's `RawConfigParser._read` and `BasicInterpolation` line by line (Python's
//! `configparser` documentation, "Supported INI File Structure" and "Interpolation of values").

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

const DEFAULT: &str = "DEFAULT";
/// CPython's `configparser.MAX_INTERPOLATION_DEPTH`.
const MAX_INTERPOLATION_DEPTH: usize = 10;
/// Our cap on `%(name)s` expansion (Python has none): the referenced values read while
/// expanding one value, counted each time they are read, may total at most 4 MiB. Depth 10
/// alone still allows exponential growth (ten keys each referencing the previous one 40
/// times expand to 40^9 copies), so without this a config file could exhaust memory, or
/// time when the values are empty. The expanded value is at most its own raw text plus
/// this much; a value without references is never limited.
pub const MAX_INTERPOLATED_BYTES: usize = 4 << 20;

/// A parsed INI file with Python configparser semantics.
#[derive(Debug, Clone)]
pub struct IniFile {
    file: String,
    /// `sections[0]` is always DEFAULT (readable even when absent, like Python's `_defaults`);
    /// the others follow in file order.
    sections: Vec<(String, Options)>,
    /// Index into `sections` of every section written in the file, DEFAULT included.
    index: HashMap<String, usize>,
}

/// Options of one section: raw values keyed by lower-cased name, plus file order.
#[derive(Debug, Clone, Default)]
struct Options {
    order: Vec<String>,
    map: HashMap<String, Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    raw: String,
    line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IniError {
    pub file: String,
    pub line: Option<usize>,
    pub section: Option<String>,
    pub key: Option<String>,
    pub kind: IniErrorKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IniErrorKind {
    Io,
    Utf8,
    MissingSectionHeader,
    Parsing,
    DuplicateSection,
    DuplicateOption,
    InterpolationSyntax,
    InterpolationMissingOption,
    InterpolationDepth,
    /// Expanding `%(name)s` references read more than [`MAX_INTERPOLATED_BYTES`] (ours).
    InterpolationTooLarge,
}

impl IniError {
    fn new(file: &str, kind: IniErrorKind, message: String) -> Self {
        let (file, line, section, key) = (file.to_string(), None, None, None);
        IniError {
            file,
            line,
            section,
            key,
            kind,
            message,
        }
    }
    fn at(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }
    fn in_section(mut self, section: &str) -> Self {
        self.section = Some(section.to_string());
        self
    }
    fn with_key(mut self, key: &str) -> Self {
        self.key = Some(key.to_string());
        self
    }
}

impl fmt::Display for IniError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        f.write_str(": ")?;
        if let Some(section) = &self.section {
            write!(f, "[{section}] ")?;
        }
        if let Some(key) = self.key.as_deref().filter(|k| !k.is_empty()) {
            write!(f, "{key}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for IniError {}

impl IniFile {
    /// Parse text; `file` is used only in error messages.
    pub fn parse(file: &str, text: &str) -> Result<IniFile, IniError> {
        use IniErrorKind::*;
        let sections = vec![(DEFAULT.to_string(), Options::default())];
        let (file, index) = (file.to_string(), HashMap::new());
        let mut ini = IniFile {
            file,
            sections,
            index,
        };
        let file = ini.file.clone();
        // Python reads the file with universal newlines: "\r\n" and a lone "\r" both end a line.
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let mut cur: Option<usize> = None; // CPython's `cursect`, as an index into `sections`
        let mut optname: Option<String> = None;
        let mut indent_level = 0;
        // ParsingErrors are collected and raised after the whole file; others raise at once.
        let mut deferred: Option<IniError> = None;
        for (idx, line) in text.split_terminator('\n').enumerate() {
            let lineno = idx + 1;
            let value = py_strip(line);
            if value.starts_with(['#', ';']) {
                continue; // comments neither add an empty line to a value nor change indent_level
            }
            // `optname` is falsy in Python when it is '' (after an `= v` line).
            let open = cur.zip(optname.as_deref().filter(|o| !o.is_empty()));
            if value.is_empty() {
                if let Some((c, o)) = open {
                    ini.append(c, o, "");
                }
                continue;
            }
            let cur_indent = line.chars().position(|c| !is_py_space(c)).unwrap_or(0);
            if let Some((c, o)) = open.filter(|_| cur_indent > indent_level) {
                ini.append(c, o, value);
                continue;
            }
            indent_level = cur_indent;
            if let Some(name) = section_header(value) {
                if name == DEFAULT {
                    ini.index.insert(name.to_string(), 0); // repeating [DEFAULT] is allowed
                } else if ini.index.contains_key(name) {
                    let msg = format!("section {} already exists", py_repr(name));
                    let e = IniError::new(&file, DuplicateSection, msg).at(lineno);
                    return Err(e.in_section(name));
                } else {
                    ini.index.insert(name.to_string(), ini.sections.len());
                    ini.sections.push((name.to_string(), Options::default()));
                }
                cur = ini.index.get(name).copied();
                optname = None;
                continue;
            }
            let Some(c) = cur else {
                let mut msg = "File contains no section headers.".to_string();
                if line.starts_with('\u{feff}') {
                    msg += " (file starts with a UTF-8 byte-order mark; save it without the BOM)";
                }
                return Err(IniError::new(&file, MissingSectionHeader, msg).at(lineno));
            };
            let (sect, opts) = &mut ini.sections[c];
            let parse_err = || {
                let msg = format!("Source contains parsing errors: {}", py_repr(line));
                IniError::new(&file, Parsing, msg)
                    .at(lineno)
                    .in_section(sect)
            };
            // OPTCRE `(.*?)\s*([=:])\s*(.*)$`: the first '=' or ':' splits key from value.
            let Some(p) = value.find(['=', ':']) else {
                deferred.get_or_insert_with(parse_err);
                continue;
            };
            let key = py_rstrip(&value[..p]).to_lowercase();
            if key.is_empty() {
                deferred.get_or_insert_with(parse_err); // ...but Python still stores the '' key
            }
            if opts.map.contains_key(&key) {
                let (k, s) = (py_repr(&key), py_repr(sect));
                let msg = format!("option {k} in section {s} already exists");
                let e = IniError::new(&file, DuplicateOption, msg).at(lineno);
                return Err(e.in_section(sect).with_key(&key));
            }
            let raw = py_strip(&value[p + 1..]).to_string();
            opts.order.push(key.clone());
            opts.map.insert(key.clone(), Entry { raw, line: lineno });
            optname = Some(key);
        }
        // `'\n'.join(lines).rstrip()`: trailing blank continuation lines are dropped.
        for entry in ini
            .sections
            .iter_mut()
            .flat_map(|(_, o)| o.map.values_mut())
        {
            entry.raw.truncate(py_rstrip(&entry.raw).len());
        }
        deferred.map_or(Ok(ini), Err)
    }

    /// Read the file as strict UTF-8 (invalid UTF-8 -> Utf8 error naming the file and the line
    /// of the first bad byte), then parse. A missing/unreadable file -> Io error with the OS text.
    pub fn load(path: &Path) -> Result<IniFile, IniError> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| IniError::new(&file, IniErrorKind::Io, e.to_string()))?;
        let e = match std::str::from_utf8(&bytes) {
            Ok(text) => return IniFile::parse(&file, text),
            Err(e) => e,
        };
        let at = e.valid_up_to();
        let good = String::from_utf8_lossy(&bytes[..at]).replace("\r\n", "\n");
        let byte = bytes.get(at).copied().unwrap_or(0);
        // Python's UnicodeDecodeError wording (our position counts from the start of the file).
        let reason = match (e.error_len(), byte) {
            (None, _) => "unexpected end of data",
            (_, 0xc2..=0xf4) => "invalid continuation byte",
            _ => "invalid start byte",
        };
        let msg =
            format!("'utf-8' codec can't decode byte 0x{byte:02x} in position {at}: {reason}");
        let line = good.matches(['\n', '\r']).count() + 1;
        Err(IniError::new(&file, IniErrorKind::Utf8, msg).at(line))
    }

    /// `config[section][key]` with BasicInterpolation applied at read time. Section name exact
    /// (case-sensitive), key case-insensitive; falls back to DEFAULT. Ok(None) when the section
    /// (other than DEFAULT) or the key is absent. Interpolation errors name the key's line.
    pub fn get(&self, section: &str, key: &str) -> Result<Option<String>, IniError> {
        let key = key.to_lowercase();
        let Some(entry) = self.entry(section, &key) else {
            return Ok(None);
        };
        let ctx = Ctx {
            ini: self,
            section,
            key: &key,
            entry,
            read: Cell::new(0),
        };
        let mut out = String::new();
        ctx.interpolate(&entry.raw, 1, &mut out)?;
        Ok(Some(out))
    }

    /// Raw (uninterpolated) value, same lookup rules as `get`.
    pub fn get_raw(&self, section: &str, key: &str) -> Option<&str> {
        Some(&self.entry(section, &key.to_lowercase())?.raw)
    }

    /// DEFAULT counts as present only if it appeared in the file.
    pub fn has_section(&self, section: &str) -> bool {
        self.index.contains_key(section)
    }

    /// 1-based line where the key's value starts; looks in section then DEFAULT.
    pub fn line_of(&self, section: &str, key: &str) -> Option<usize> {
        Some(self.entry(section, &key.to_lowercase())?.line)
    }

    /// Section names in file order (excluding DEFAULT).
    pub fn sections(&self) -> Vec<&str> {
        self.sections[1..]
            .iter()
            .map(|(name, _)| name.as_str())
            .collect()
    }

    /// Lower-cased keys of a section in file order (excluding DEFAULT's), for "unknown key" warnings.
    pub fn keys(&self, section: &str) -> Vec<&str> {
        let order = self
            .own(section)
            .map(|o| o.order.as_slice())
            .unwrap_or_default();
        order.iter().map(String::as_str).collect()
    }

    /// The section's own options (DEFAULT's for "DEFAULT", even if absent); None if it is absent.
    fn own(&self, section: &str) -> Option<&Options> {
        let i = if section == DEFAULT {
            0
        } else {
            *self.index.get(section)?
        };
        Some(&self.sections[i].1)
    }

    /// Python's `ChainMap(section, defaults)` lookup of an already lower-cased key.
    fn entry(&self, section: &str, key: &str) -> Option<&Entry> {
        let own = self.own(section)?.map.get(key);
        own.or_else(|| self.sections[0].1.map.get(key))
    }

    /// Add a continuation line (Python keeps a list of lines and joins them with '\n' at the end).
    fn append(&mut self, section: usize, key: &str, line: &str) {
        if let Some(entry) = self.sections[section].1.map.get_mut(key) {
            entry.raw.push('\n');
            entry.raw.push_str(line);
        }
    }
}

/// State of one `get`: errors always name the key that was asked for (not the referenced one),
/// with its raw value and line, exactly as CPython's `_interpolate_some` does.
struct Ctx<'a> {
    ini: &'a IniFile,
    section: &'a str,
    key: &'a str,
    entry: &'a Entry,
    /// Bytes of referenced values read so far (see [`MAX_INTERPOLATED_BYTES`]).
    read: Cell<usize>,
}

impl Ctx<'_> {
    fn err(&self, kind: IniErrorKind, message: String) -> IniError {
        let e = IniError::new(&self.ini.file, kind, message).at(self.entry.line);
        e.in_section(self.section).with_key(self.key)
    }

    /// Python's InterpolationDepthError / InterpolationMissingOptionError text.
    fn bad_substitution(&self, kind: IniErrorKind, head: &str, what: &str) -> IniError {
        let (k, s, raw) = (
            py_repr(self.key),
            py_repr(self.section),
            py_repr(&self.entry.raw),
        );
        let tail = format!("contains an interpolation key {what}. Raw value: {raw}");
        self.err(kind, format!("{head}: option {k} in section {s} {tail}"))
    }

    /// CPython `BasicInterpolation._interpolate_some`.
    fn interpolate(&self, mut rest: &str, depth: usize, out: &mut String) -> Result<(), IniError> {
        use IniErrorKind::*;
        if depth > MAX_INTERPOLATION_DEPTH {
            let head = "Recursion limit exceeded in value substitution";
            let what = format!("which cannot be substituted in {MAX_INTERPOLATION_DEPTH} steps");
            return Err(self.bad_substitution(InterpolationDepth, head, &what));
        }
        while let Some(p) = rest.find('%') {
            out.push_str(&rest[..p]);
            rest = &rest[p..];
            if let Some(tail) = rest.strip_prefix("%%") {
                out.push('%');
                rest = tail;
            } else if rest.starts_with("%(") {
                // `%\(([^)]+)\)s`: a non-empty name up to the first ')', then 's'.
                let close = rest
                    .find(')')
                    .filter(|&e| e > 2 && rest[e + 1..].starts_with('s'));
                let Some(e) = close else {
                    let msg = format!("bad interpolation variable reference {}", py_repr(rest));
                    return Err(self.err(InterpolationSyntax, msg));
                };
                let var = rest[2..e].to_lowercase();
                rest = &rest[e + 2..];
                let Some(v) = self.ini.entry(self.section, &var) else {
                    let what = format!("{} which is not a valid option name", py_repr(&var));
                    let kind = InterpolationMissingOption;
                    return Err(self.bad_substitution(kind, "Bad value substitution", &what));
                };
                let read = self.read.get() + v.raw.len();
                if read > MAX_INTERPOLATED_BYTES {
                    let head = "Value substitution too large";
                    let what = format!(
                        "whose expansion reads more than {} MiB of referenced values (a limit \
                         of this program)",
                        MAX_INTERPOLATED_BYTES >> 20
                    );
                    return Err(self.bad_substitution(InterpolationTooLarge, head, &what));
                }
                self.read.set(read);
                if v.raw.contains('%') {
                    self.interpolate(&v.raw, depth + 1, out)?;
                } else {
                    out.push_str(&v.raw);
                }
            } else {
                let found = py_repr(rest);
                let msg = format!("'%' must be followed by '%' or '(', found: {found}");
                return Err(self.err(InterpolationSyntax, msg));
            }
        }
        out.push_str(rest);
        Ok(())
    }
}

/// Python's `str.isspace()` (also `\s` in `re`): Rust's `char::is_whitespace` plus the
/// ASCII separators U+001C..U+001F.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

fn py_rstrip(s: &str) -> &str {
    s.trim_end_matches(is_py_space)
}

/// `SECTCRE` = `\[(.+)\]` matched at the start: the *last* ']' closes; text after it is ignored.
fn section_header(value: &str) -> Option<&str> {
    let end = value.rfind(']')?;
    (value.starts_with('[') && end >= 2).then(|| &value[1..end])
}

/// Python's `repr(str)`, so messages read like the original's. Non-printable detection only
/// approximates `str.isprintable()` (controls, non-space whitespace, BOM).
fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() || (c.is_whitespace() && c != ' ') || c == '\u{feff}' => {
                out += &match c as u32 {
                    n @ 0..=0xff => format!("\\x{n:02x}"),
                    n @ 0x100..=0xffff => format!("\\u{n:04x}"),
                    n => format!("\\U{n:08x}"),
                };
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

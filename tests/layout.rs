//! The layout rules of issue #11, checked on every `cargo test`:
//!
//! * the top-level modules of `src/` depend on each other without a cycle
//!   (`docs/architecture.md`, "Dependencies between modules"). A file belongs to the module
//!   it sits in (`src/x.rs` and everything under `src/x/` is module `x`); a dependency is a
//!   `crate::x` path (also `crate::{x, y::z}` and `$crate::x`) in code, not in a comment, a
//!   string literal or a `#[cfg(test)] mod … { … }` block. `src/lib.rs` (the root, which
//!   declares every module) and `src/main.rs` (another crate) are not modules.
//! * no Rust file under `src/`, `tests/` or `benches/` is longer than 1,500 lines (data files
//!   such as `benches/data/*.tsv` are not code and are not counted).
//!
//! Standard library only: a small lexer blanks comments and literals, then the paths are read
//! from the tokens that remain. A failure prints the cycle with the files (and lines) that
//! make each of its edges, or the files over the limit.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 1_500;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// `src` with comments and the contents of string and character literals replaced by spaces
/// (newlines kept, so line numbers stay right). Lifetimes (`'a`) are left alone.
fn blank_comments_and_literals(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < c.len() {
        let at = |k: usize| c.get(k).copied().unwrap_or('\0');
        // A line comment (also `///` and `//!` doc comments).
        if c[i] == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                out.push(' ');
                i += 1;
            }
            continue;
        }
        // A block comment; they nest in Rust.
        if c[i] == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
            continue;
        }
        let ident_before = i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_');
        // Raw strings: r"…", r#"…"#, br#"…"# (the prefix is not part of an identifier).
        let raw_start = if c[i] == 'r' && !ident_before {
            Some(i + 1)
        } else if c[i] == 'b' && at(i + 1) == 'r' && !ident_before {
            Some(i + 2)
        } else {
            None
        };
        if let Some(mut k) = raw_start {
            let mut hashes = 0;
            while at(k) == '#' {
                hashes += 1;
                k += 1;
            }
            if at(k) == '"' {
                out.extend(std::iter::repeat_n(' ', k + 1 - i));
                i = k + 1;
                while i < c.len() {
                    if c[i] == '"' && (1..=hashes).all(|h| at(i + h) == '#') {
                        out.extend(std::iter::repeat_n(' ', hashes + 1));
                        i += hashes + 1;
                        break;
                    }
                    blank(&mut out, c[i]);
                    i += 1;
                }
                continue;
            }
        }
        // Strings (and byte strings: the `b` prefix is copied as it is).
        if c[i] == '"' {
            out.push(' ');
            i += 1;
            while i < c.len() {
                if c[i] == '\\' {
                    blank(&mut out, c[i]);
                    i += 1;
                    if i < c.len() {
                        blank(&mut out, c[i]);
                        i += 1;
                    }
                    continue;
                }
                if c[i] == '"' {
                    out.push(' ');
                    i += 1;
                    break;
                }
                blank(&mut out, c[i]);
                i += 1;
            }
            continue;
        }
        // Character literals; a quote not closed one or an escape later is a lifetime.
        if c[i] == '\'' {
            let end = if at(i + 1) == '\\' {
                (i + 3..c.len().min(i + 14)).find(|&k| c[k] == '\'')
            } else if at(i + 2) == '\'' && at(i + 1) != '\n' {
                Some(i + 2)
            } else {
                None
            };
            if let Some(end) = end {
                for &ch in &c[i..=end] {
                    blank(&mut out, ch);
                }
                i = end + 1;
                continue;
            }
        }
        out.push(c[i]);
        i += 1;
    }
    out
}

/// Blank every `#[cfg(test)] mod name { … }` block of already blanked code (unit tests may
/// reach anywhere in the crate; they are not part of the layering).
fn blank_test_modules(code: &str) -> String {
    let mut c: Vec<char> = code.chars().collect();
    let skip_ws = |c: &[char], mut k: usize| {
        while k < c.len() && c[k].is_whitespace() {
            k += 1;
        }
        k
    };
    // Matches `pieces` in order from `k`, whitespace allowed between them; the end offset.
    let seq = |c: &[char], mut k: usize, pieces: &[&str]| {
        for p in pieces {
            k = skip_ws(c, k);
            let n = p.chars().count();
            if k + n > c.len() || !c[k..k + n].iter().copied().eq(p.chars()) {
                return None;
            }
            k += n;
        }
        Some(k)
    };
    let word = |c: &[char], k: usize| {
        let s = skip_ws(c, k);
        let mut e = s;
        while e < c.len() && (c[e].is_alphanumeric() || c[e] == '_') {
            e += 1;
        }
        (c[s..e].iter().collect::<String>(), e)
    };
    let mut i = 0;
    while i < c.len() {
        let Some(mut k) = seq(&c, i, &["#", "[", "cfg", "(", "test", ")", "]"]) else {
            i += 1;
            continue;
        };
        // Further attributes, then `[pub[(…)]] mod NAME {`.
        while let Some(a) = seq(&c, k, &["#", "["]) {
            k = (a..c.len())
                .find(|&j| c[j] == ']')
                .map_or(c.len(), |j| j + 1);
        }
        let (mut w, mut e) = word(&c, k);
        if w == "pub" {
            k = skip_ws(&c, e);
            if c.get(k) == Some(&'(') {
                k = (k..c.len())
                    .find(|&j| c[j] == ')')
                    .map_or(c.len(), |j| j + 1);
            }
            (w, e) = word(&c, k);
        }
        let (name, e) = word(&c, e);
        let open = skip_ws(&c, e);
        if w != "mod" || name.is_empty() || c.get(open) != Some(&'{') {
            i += 1;
            continue;
        }
        let mut depth = 0usize;
        let mut end = c.len();
        for (j, &ch) in c.iter().enumerate().skip(open) {
            if ch == '{' {
                depth += 1;
            } else if ch == '}' {
                depth -= 1;
                if depth == 0 {
                    end = j + 1;
                    break;
                }
            }
        }
        for ch in &mut c[i..end] {
            if *ch != '\n' {
                *ch = ' ';
            }
        }
        i = end;
    }
    c.into_iter().collect()
}

#[derive(Debug, PartialEq)]
enum Tok {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Other,
}

/// Tokens of blanked code with their 1-based line numbers.
fn tokens(code: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch.is_alphabetic() || ch == '_' {
            let s = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push((Tok::Ident(c[s..i].iter().collect()), line));
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            out.push((Tok::PathSep, line));
            i += 2;
        } else {
            out.push((
                match ch {
                    '{' => Tok::Open,
                    '}' => Tok::Close,
                    ',' => Tok::Comma,
                    _ => Tok::Other,
                },
                line,
            ));
            i += 1;
        }
    }
    out
}

/// The first segments of every `crate::…` path in `src` (a file's text), with their lines:
/// `crate::a::b` gives `a`, `crate::{a, b::c, self}` gives `a` and `b`.
fn crate_refs(src: &str) -> Vec<(String, usize)> {
    let toks = tokens(&blank_test_modules(&blank_comments_and_literals(src)));
    let mut out = Vec::new();
    for (i, (t, line)) in toks.iter().enumerate() {
        if *t != Tok::Ident("crate".into()) || toks.get(i + 1).map(|t| &t.0) != Some(&Tok::PathSep)
        {
            continue;
        }
        match toks.get(i + 2) {
            Some((Tok::Ident(name), _)) => out.push((name.clone(), *line)),
            Some((Tok::Open, _)) => {
                // Top-level items of the group: an identifier right after `{` or `,`.
                let mut depth = 0;
                let mut expect = true;
                for (t, l) in &toks[i + 2..] {
                    match t {
                        Tok::Open => {
                            depth += 1;
                            expect = depth == 1;
                        }
                        Tok::Close => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        Tok::Comma if depth == 1 => expect = true,
                        Tok::Ident(name) if expect && depth == 1 => {
                            if name != "self" {
                                out.push((name.clone(), *l));
                            }
                            expect = false;
                        }
                        _ => expect = false,
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The top-level module a file under `src/` belongs to (`None` for the crate roots).
fn module_of(rel: &Path) -> Option<String> {
    let mut parts = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let first = parts.next()?;
    if parts.next().is_some() {
        return Some(first);
    }
    let stem = first.strip_suffix(".rs")?;
    (stem != "lib" && stem != "main").then(|| stem.to_string())
}

/// Edges `from -> to` of the module graph, each with the places (`file:line`) that make it.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

fn module_graph(src_dir: &Path) -> Graph {
    let files = rust_files(src_dir);
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|f| module_of(f.strip_prefix(src_dir).ok()?))
        .collect();
    let mut g = Graph::new();
    for f in &files {
        let rel = f.strip_prefix(src_dir).unwrap();
        let Some(from) = module_of(rel) else {
            continue;
        };
        let text = std::fs::read_to_string(f).unwrap();
        g.entry(from.clone()).or_default();
        for (to, line) in crate_refs(&text) {
            if to != from && modules.contains(&to) {
                g.entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_default()
                    .insert(format!("src/{}:{line}", rel.display()));
            }
        }
    }
    g
}

/// Every cycle closed by a back edge of a depth-first walk (none: the graph is acyclic).
fn cycles(g: &Graph) -> Vec<Vec<String>> {
    fn walk(
        g: &Graph,
        n: &str,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
        found: &mut Vec<Vec<String>>,
    ) {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for to in g.get(n).into_iter().flat_map(|e| e.keys()) {
            match state.get(to.as_str()).copied().unwrap_or(0) {
                0 => walk(g, to, state, stack, found),
                1 => {
                    let at = stack.iter().position(|s| s == to).unwrap();
                    let mut cyc = stack[at..].to_vec();
                    cyc.push(to.clone());
                    found.push(cyc);
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
    }
    let mut state = BTreeMap::new();
    let mut found = Vec::new();
    for n in g.keys() {
        if !state.contains_key(n) {
            walk(g, n, &mut state, &mut Vec::new(), &mut found);
        }
    }
    found
}

fn describe(g: &Graph, cyc: &[String]) -> String {
    let mut s = format!("cycle: {}\n", cyc.join(" -> "));
    for w in cyc.windows(2) {
        let places: Vec<&str> = g[&w[0]][&w[1]].iter().map(String::as_str).collect();
        s += &format!("  {} -> {}: {}\n", w[0], w[1], places.join(", "));
    }
    s
}

#[test]
fn module_graph_has_no_cycle() {
    let g = module_graph(&root().join("src"));
    assert!(
        g.len() > 10,
        "found too few modules under src/: {:?}",
        g.keys()
    );
    let found = cycles(&g);
    let report: String = found.iter().map(|c| describe(&g, c)).collect();
    assert!(
        found.is_empty(),
        "the modules of src/ depend on each other in a cycle (docs/architecture.md, \
         \"Dependencies between modules\"):\n{report}"
    );
}

#[test]
fn no_rust_file_over_1500_lines() {
    let mut offenders = Vec::new();
    let mut seen = 0;
    for dir in ["src", "tests", "benches"] {
        for f in rust_files(&root().join(dir)) {
            seen += 1;
            let n = std::fs::read_to_string(&f).unwrap().lines().count();
            if n > MAX_LINES {
                let rel = f.strip_prefix(root()).unwrap().display().to_string();
                offenders.push(format!("{rel}: {n} lines"));
            }
        }
    }
    assert!(seen > 20, "found only {seen} Rust files");
    assert!(
        offenders.is_empty(),
        "files over {MAX_LINES} lines (split them by theme):\n  {}",
        offenders.join("\n  ")
    );
}

/// The scanner itself: paths in code count, the same text in comments, strings, character
/// literals and `#[cfg(test)] mod` blocks does not, and a cycle is reported with its places.
#[test]
fn scanner_reads_code_paths_only_and_reports_cycles() {
    let src = r####"
//! Module docs naming crate::doc_a.
use crate::db::Row; // crate::comment_b
use crate::{alert::Alert, net::{http, proxy}, self};
/* block crate::block_c /* nested crate::nested_d */ crate::still_e */
const S: &str = "crate::string_f \" crate::escaped_g";
const R: &str = r#"crate::raw_h "# ;
const C: char = '"'; fn f<'a>(x: &'a str) -> &'a str { crate::clock::now(); x }
#[cfg(test)]
mod tests {
    use crate::scan::Anything;
    fn g() { let _ = '{'; }
}
fn after() { $crate::logging::x!(); }
"####;
    let refs: Vec<(String, usize)> = crate_refs(src);
    let names: Vec<&str> = refs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["db", "alert", "net", "clock", "logging"],
        "{refs:?}"
    );
    assert_eq!(refs[0].1, 3);
    assert_eq!(refs[3].1, 8);
    assert_eq!(refs[4].1, 14);

    assert_eq!(
        module_of(Path::new("scan/probe.rs")).as_deref(),
        Some("scan")
    );
    assert_eq!(module_of(Path::new("redact.rs")).as_deref(), Some("redact"));
    assert_eq!(module_of(Path::new("lib.rs")), None);

    let mut g = Graph::new();
    let mut edge = |a: &str, b: &str, at: &str| {
        g.entry(a.into())
            .or_default()
            .entry(b.into())
            .or_default()
            .insert(at.into());
    };
    edge("redact", "scan", "src/redact.rs:7");
    edge("scan", "net", "src/scan/probe.rs:3");
    edge("net", "redact", "src/net/http.rs:9");
    edge("logging", "redact", "src/logging.rs:2");
    let found = cycles(&g);
    assert_eq!(found.len(), 1, "{found:?}");
    let text = describe(&g, &found[0]);
    assert!(
        text.contains("cycle: redact -> scan -> net -> redact\n"),
        "{text}"
    );
    assert!(
        text.contains("  redact -> scan: src/redact.rs:7\n"),
        "{text}"
    );
    assert!(
        text.contains("  net -> redact: src/net/http.rs:9\n"),
        "{text}"
    );
    g.get_mut("redact").unwrap().clear();
    assert!(cycles(&g).is_empty());
}

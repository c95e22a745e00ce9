//! The man pages under `docs/man/` (issue #13, point 6), checked on every `cargo test`:
//!
//! * both pages pass `mandoc -T lint` and `groff -ww -z -man` without a single message (each
//!   tool that is installed is run; with neither, the lint says so and is skipped);
//! * every flag that the binary's `--help`, and each subcommand's `--help`, lists appears in
//!   `certstreammonitor.1`, and so does every subcommand. A subcommand the man page documents
//!   but this binary does not know (one written on another branch) is tolerated;
//! * every (section, key) that the configuration code reads appears in that section of
//!   `certstreammonitor.conf.5`. The pairs are read from `src/**/*.rs` with a regex over the
//!   accessor calls of `src/config.rs` (`get`, `require`, `yes_no`, `seconds`, `seconds_in`,
//!   `key_error`); a section or key named by a `const NAME: &str = "…"` of the same file is
//!   resolved, and a call whose section is a parameter of a helper (`fn workers_key(config,
//!   section)`) takes the sections of that helper's calls with a literal. A section known only
//!   at run time (`[CTLOG <name>]`) must be documented as a section with a placeholder
//!   (`.SS "[CTLOG \fIname\fP]"`).
//!
//! Standard library and the `regex` crate only. A failure lists everything missing.

use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn page(name: &str) -> String {
    let p = root().join("docs/man").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Roff source → the words a reader sees: `\-` is `-`, font changes and other escapes that
/// print nothing are dropped, `\(aq` is `'`.
fn plain(roff: &str) -> String {
    let fonts = Regex::new(r"\\f(\[[A-Za-z]*\]|\([A-Za-z]{2}|[A-Za-z0-9])").unwrap();
    let s = fonts.replace_all(roff, "");
    s.replace("\\-", "-")
        .replace("\\(aq", "'")
        .replace("\\&", "")
        .replace("\\%", "")
        .replace("\\c", "")
        .replace("\\e", "\\")
}

/// Whether `word` occurs in `text` not as part of a longer name or flag.
fn has_word(text: &str, word: &str) -> bool {
    let re = Regex::new(&format!(
        r"(^|[^A-Za-z0-9_-]){}($|[^A-Za-z0-9_-])",
        regex::escape(word)
    ))
    .unwrap();
    re.is_match(text)
}

// ---------------------------------------------------------------------------------------
// Lint

/// Runs `cmd`; `None` when the program is not installed, else its exit status and every
/// message it printed.
fn run_tool(cmd: &str, args: &[&str], file: &Path) -> Option<(bool, String)> {
    let out = Command::new(cmd).args(args).arg(file).output();
    match out {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!("{cmd}: {e}"),
        Ok(o) => Some((
            o.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
        )),
    }
}

#[test]
fn man_pages_lint_clean() {
    let mut ran = Vec::new();
    let mut failures = Vec::new();
    for name in ["certstreammonitor.1", "certstreammonitor.conf.5"] {
        let file = root().join("docs/man").join(name);
        assert!(file.is_file(), "{} is missing", file.display());
        // mandoc's lint reports at level style and above by default: any line fails.
        for (tool, args) in [
            ("mandoc", &["-T", "lint"][..]),
            ("groff", &["-ww", "-z", "-man"][..]),
        ] {
            let Some((ok, messages)) = run_tool(tool, args, &file) else {
                continue;
            };
            ran.push(tool);
            if !ok || !messages.trim().is_empty() {
                failures.push(format!("{tool} {} {name}:\n{messages}", args.join(" ")));
            }
        }
    }
    if ran.is_empty() {
        eprintln!(
            "SKIPPED man_pages_lint_clean: neither mandoc nor groff is installed \
             (apt-get install mandoc, or groff)"
        );
        return;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------
// Flags

fn help(args: &[&str]) -> Option<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_certstreammonitor"))
        .args(args)
        .output()
        .expect("run certstreammonitor");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The subcommands the top-level `--help` lists under "Subcommands:".
fn subcommands(top_help: &str) -> Vec<String> {
    let name = Regex::new(r"^  ([a-z][a-z-]+)\s{2,}\S").unwrap();
    top_help
        .lines()
        .skip_while(|l| !l.starts_with("Subcommands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| name.captures(l).map(|c| c[1].to_string()))
        .collect()
}

/// Every flag a usage text names: long ones anywhere, short ones where an option is listed
/// (`  -c, --config FILE`) or in a usage line (`[-f|--fqdn-dirs]`).
fn flags(usage: &str) -> BTreeSet<String> {
    let long = Regex::new(r"--[a-z][a-z0-9-]*").unwrap();
    let short = Regex::new(r"(?:^|[\s\[|])(-[A-Za-z])(?:[\s,|\]]|$)").unwrap();
    let mut out: BTreeSet<String> = long
        .find_iter(usage)
        .map(|m| m.as_str().to_string())
        .collect();
    out.extend(short.captures_iter(usage).map(|c| c[1].to_string()));
    out
}

#[test]
fn man_page_lists_every_flag_and_subcommand() {
    let man = plain(&page("certstreammonitor.1"));
    let top = help(&["--help"]).expect("certstreammonitor --help fails");
    let subs = subcommands(&top);
    assert!(
        subs.len() >= 6 && subs.iter().any(|s| s == "monitor"),
        "could not read the subcommands from --help: {subs:?}\n{top}"
    );
    let mut missing = Vec::new();
    for f in flags(&top) {
        if !has_word(&man, &f) {
            missing.push(format!("{f} (certstreammonitor --help)"));
        }
    }
    for sub in &subs {
        // Documented as a subcommand: a `.TP` tag of its own in SUBCOMMANDS.
        if !man.contains(&format!("\n.TP\n.B {sub}\n")) {
            missing.push(format!("subcommand {sub}"));
        }
        let Some(usage) = help(&[sub, "--help"]) else {
            eprintln!("note: `certstreammonitor {sub} --help` fails in this binary; skipped");
            continue;
        };
        for f in flags(&usage) {
            if !has_word(&man, &f) {
                missing.push(format!("{f} (certstreammonitor {sub} --help)"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "missing from docs/man/certstreammonitor.1:\n  {}",
        missing.join("\n  ")
    );
}

// ---------------------------------------------------------------------------------------
// Configuration keys

/// Where a key is read: a section name, or a section only known at run time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Named(String),
    RunTime,
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The (section, key) pairs the code reads, with the files that read them. Unit tests
/// (`#[cfg(test)]` and below) are left out: they read made-up keys.
fn keys_read_by_code() -> BTreeMap<(Section, String), BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    files.sort();
    let consts =
        Regex::new(r#"const\s+([A-Z_][A-Z0-9_]*)\s*:\s*&(?:'static\s+)?str\s*=\s*"([^"]*)""#)
            .unwrap();
    let arg = r#"("[^"]*"|[A-Za-z_][A-Za-z0-9_]*)"#;
    let call = Regex::new(&format!(
        r"\.(?:get|require|yes_no|seconds|seconds_in|key_error)\(\s*{arg}\s*,\s*{arg}\s*[,)]"
    ))
    .unwrap();
    let fn_def = Regex::new(r"fn\s+([a-z_][a-z0-9_]*)\s*[<(]").unwrap();
    let mut out: BTreeMap<(Section, String), BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let text = text.split("#[cfg(test)]").next().unwrap_or("");
        let rel = f.strip_prefix(root()).unwrap().display().to_string();
        let consts: BTreeMap<&str, &str> = consts
            .captures_iter(text)
            .map(|c| (c.get(1).unwrap().as_str(), c.get(2).unwrap().as_str()))
            .collect();
        let literal = |s: &str| -> Option<String> {
            if let Some(l) = s.strip_prefix('"') {
                return Some(l.trim_end_matches('"').to_string());
            }
            consts.get(s).map(|v| v.to_string())
        };
        for c in call.captures_iter(text) {
            let (sec, key) = (&c[1], &c[2]);
            // A key named by a variable (`key_error(section, key, …)` of a loop over the
            // keys written in a file) is not a key the code asks for.
            let Some(key) = literal(key) else { continue };
            let sections = match literal(sec) {
                Some(s) => vec![Section::Named(s)],
                None => {
                    // A parameter of the enclosing helper: the sections its callers pass.
                    let start = c.get(0).unwrap().start();
                    let helper = fn_def
                        .captures_iter(&text[..start])
                        .last()
                        .map(|h| h[1].to_string());
                    let mut found = vec![Section::RunTime];
                    if let Some(h) = helper {
                        let callers = Regex::new(&format!(
                            r"\b{h}\(\s*[A-Za-z_][A-Za-z0-9_]*\s*,\s*{arg}\s*\)"
                        ))
                        .unwrap();
                        found = callers
                            .captures_iter(text)
                            .map(|cc| match literal(&cc[1]) {
                                Some(s) => Section::Named(s),
                                None => Section::RunTime,
                            })
                            .collect::<BTreeSet<_>>()
                            .into_iter()
                            .collect();
                        if found.is_empty() {
                            found.push(Section::RunTime);
                        }
                    }
                    found
                }
            };
            for s in sections {
                out.entry((s, key.clone())).or_default().insert(rel.clone());
            }
        }
    }
    out
}

/// The `.SS` subsections of a page: header (plain text) → body (plain text).
fn subsections(roff: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in roff.lines() {
        if let Some(h) = line.strip_prefix(".SS ") {
            out.push((plain(h.trim().trim_matches('"')), String::new()));
        } else if line.starts_with(".SH ") {
            // A new top-level section ends the last subsection.
            out.push((String::new(), String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(&plain(line));
            body.push('\n');
        }
    }
    out.retain(|(h, _)| !h.is_empty());
    out
}

/// What of `keys` the page does not document, one line each.
fn missing_keys(roff: &str, keys: &BTreeMap<(Section, String), BTreeSet<String>>) -> Vec<String> {
    let subs = subsections(roff);
    let mut missing = Vec::new();
    for ((section, key), files) in keys {
        let files = files.iter().cloned().collect::<Vec<_>>().join(", ");
        let documented = match section {
            Section::Named(s) => subs
                .iter()
                .filter(|(h, _)| h == &format!("[{s}]"))
                .any(|(_, body)| has_word(body, key)),
            // `[CTLOG name]`: a header with a placeholder after the section's prefix.
            Section::RunTime => subs
                .iter()
                .filter(|(h, _)| h.starts_with('[') && h.contains(' '))
                .any(|(_, body)| has_word(body, key)),
        };
        if !documented {
            let where_ = match section {
                Section::Named(s) => format!("[{s}]"),
                Section::RunTime => "a [SECTION <name>] section".to_string(),
            };
            missing.push(format!("{where_} {key} (read in {files})"));
        }
    }
    missing
}

#[test]
fn conf_page_documents_every_key_the_code_reads() {
    let keys = keys_read_by_code();
    // The extraction itself must work, or this test would pass on an empty list.
    for (s, k) in [
        ("SEARCH", "SearchKeywords"),
        ("DATABASE", "DBFile"),
        ("REPORTING", "Notification_Destination"),
        ("CTLOGS", "Workers"),
        ("LOOKALIKE", "Brands"),
    ] {
        assert!(
            keys.contains_key(&(Section::Named(s.into()), k.into())),
            "the key extraction did not find [{s}] {k}: {keys:?}"
        );
    }
    assert!(keys.len() >= 45, "only {} keys found: {keys:?}", keys.len());
    let missing = missing_keys(&page("certstreammonitor.conf.5"), &keys);
    assert!(
        missing.is_empty(),
        "missing from docs/man/certstreammonitor.conf.5 (document each in its .SS section):\n  {}",
        missing.join("\n  ")
    );
}

/// The check above fails when a key's entry is taken out of the page: here with the
/// `.B MaxQPS` tags removed from both sections that have them, and `Notification_Timeout`.
#[test]
fn conf_page_check_reports_a_removed_key() {
    let keys = keys_read_by_code();
    let roff = page("certstreammonitor.conf.5");
    assert!(missing_keys(&roff, &keys).is_empty());
    let cut: String = roff
        .lines()
        .filter(|l| *l != ".B Notification_Timeout" && *l != ".B MaxQPS")
        .map(|l| format!("{l}\n"))
        .collect();
    // Other mentions of MaxQPS stay (none in these sections), so it is reported.
    let missing = missing_keys(&cut, &keys);
    assert!(
        missing
            .iter()
            .any(|m| m.starts_with("[REPORTING] Notification_Timeout ")),
        "{missing:?}"
    );
    assert!(
        missing.iter().any(|m| m.starts_with("[CTLOGS] MaxQPS ")),
        "{missing:?}"
    );
}

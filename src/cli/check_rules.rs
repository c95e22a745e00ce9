//! `check-rules`: run the monitor's rules on names typed by an analyst, with the
//! original check_rules.py's verdict sentences, so rules can be tuned before deploying.

use crate::certificate::display_safe;
use crate::config::Config;
use crate::detect::lookalike::{Explanation, Lookalike, LookalikeSettings};
use crate::detect::rules::{Rules, Verdict};
use crate::Failure;
use std::io::{self, BufRead, Write};
use std::path::PathBuf;

#[derive(Debug, Clone, Default)]
pub struct CheckRulesArgs {
    pub config: PathBuf,
    /// Names as given with `-d`; `-` means "one name per line from stdin".
    pub names: Vec<String>,
}

/// Expand `-` into the lines of `input` (trimmed, blank lines skipped).
fn collect_names(
    args: &CheckRulesArgs,
    input: &mut dyn BufRead,
) -> io::Result<(Vec<String>, bool)> {
    let mut names = Vec::new();
    let mut from_stdin = false;
    for n in &args.names {
        if n == "-" {
            from_stdin = true;
            let mut line = String::new();
            loop {
                line.clear();
                let mut raw = Vec::new();
                if input.read_until(b'\n', &mut raw)? == 0 {
                    break;
                }
                line.push_str(&String::from_utf8_lossy(&raw));
                let t = line.trim();
                if !t.is_empty() {
                    names.push(t.to_string());
                }
            }
        } else {
            names.push(n.clone());
        }
    }
    Ok((names, from_stdin))
}

/// The lookalike engine's part of a verdict, e.g.
/// `Lookalike: paypal, typo, distance 1, confidence medium, skeleton pyapal.com (matched pyapal) - stored`.
pub fn explain(engine: &Lookalike, rules: &Rules, verdict: Verdict, name: &str) -> String {
    match engine.explain(name) {
        Explanation::Owned(d) => format!("Lookalike: none - owned domain {d}"),
        Explanation::Allowed(d, file) => format!("Lookalike: none - allowed by {d} in {file}"),
        Explanation::NoHit => "Lookalike: none".to_string(),
        Explanation::Ordinary(h, why) => format!(
            "Lookalike: none - near {} ({}, distance {}, skeleton {}) but {why}",
            h.brand, h.technique, h.distance, h.skeleton
        ),
        Explanation::Hit(h) => {
            let fate = if matches!(verdict, Verdict::Match { .. }) {
                "rules match, stored as such"
            } else if matches!(verdict, Verdict::Blacklisted { .. }) || rules.blacklisted(name) {
                "blacklisted, not stored"
            } else {
                "stored as a lookalike"
            };
            format!(
                "Lookalike: {}, {}, distance {}, confidence {}, skeleton {} (matched {}) - {fate}",
                h.brand,
                h.technique,
                h.distance,
                h.confidence,
                display_safe(&h.skeleton),
                display_safe(&h.matched)
            )
        }
    }
}

pub fn command(
    args: &CheckRulesArgs,
    out: &mut dyn Write,
    input: &mut dyn BufRead,
) -> Result<(), Failure> {
    if args.names.is_empty() {
        return Err(Failure::new(
            2,
            "check-rules needs at least one -d NAME (or -d - to read names from stdin)",
        ));
    }
    let config = Config::load(&args.config)?;
    let rules = Rules::from_config(&config)?;
    let lookalike = LookalikeSettings::from_config(&config)?.map(|s| Lookalike::new(&s));
    let (names, from_stdin) = collect_names(args, input)?;
    let tabbed = from_stdin || names.len() > 1;
    let result = (|| -> io::Result<()> {
        writeln!(
            out,
            "Looking for these strings: {}, detection threshold: {}",
            rules.search_keywords(),
            rules.threshold()
        )?;
        for name in &names {
            let verdict = rules.evaluate(name);
            let sentence = verdict.sentence();
            let extra = lookalike
                .as_ref()
                .map(|l| explain(l, &rules, verdict, name));
            match (tabbed, extra) {
                (true, None) => writeln!(
                    out,
                    "{}\t{sentence}",
                    crate::certificate::display_safe(name)
                )?,
                (false, None) => writeln!(out, "{sentence}")?,
                (true, Some(x)) => writeln!(
                    out,
                    "{}\t{sentence}\t{x}",
                    crate::certificate::display_safe(name)
                )?,
                (false, Some(x)) => writeln!(out, "{sentence}\n{x}")?,
            }
        }
        out.flush()
    })();
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

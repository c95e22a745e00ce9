//! `check-rules`: run the monitor's rules on names typed by an analyst, with the
//! original check_rules.py's verdict sentences, so rules can be tuned before deploying.

use crate::config::Config;
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
fn collect_names(args: &CheckRulesArgs, input: &mut dyn BufRead) -> io::Result<(Vec<String>, bool)> {
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

pub fn command(args: &CheckRulesArgs, out: &mut dyn Write, input: &mut dyn BufRead) -> Result<(), Failure> {
    if args.names.is_empty() {
        return Err(Failure::new(2, "check-rules needs at least one -d NAME (or -d - to read names from stdin)"));
    }
    let config = Config::load(&args.config)?;
    let rules = config.rules()?;
    let (names, from_stdin) = collect_names(args, input)?;
    let tabbed = from_stdin || names.len() > 1;
    let result = (|| -> io::Result<()> {
        writeln!(out, "Looking for these strings: {}, detection threshold: {}", rules.search_keywords(), rules.threshold())?;
        for name in &names {
            let sentence = rules.evaluate(name).sentence();
            if tabbed {
                writeln!(out, "{}\t{sentence}", crate::certificate::display_safe(name))?;
            } else {
                writeln!(out, "{sentence}")?;
            }
        }
        out.flush()
    })();
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

//! SIGHUP live reload: re-read the configuration file and swap `[SEARCH]` (the keyword
//! [`Rules`]) and `[LOOKALIKE]` (the [`Lookalike`] engine) without touching anything else.
//!
//! The swap is done by the thread that applies the rules, between two messages (certstream
//! or replay) or two batches (direct CT mode): every name judged before it uses the old
//! rules, every name after it the new ones, and nothing is dropped. The new rules are
//! built on that same thread, not beside it: building them takes milliseconds (compiling
//! two regexes, a few brand skeletons; the lookalike word list is loaded once per
//! process), the source meanwhile goes on filling its bounded queue (and waits when it is
//! full, never dropping: see [`crate::monitor`]), and the hot path then needs no lock nor
//! shared pointer to reach the rules. A failing file (syntax, a bad pattern, a bad value)
//! keeps the old rules and logs the [`ConfigError`], which names the file, line, section
//! and key. Other sections changed are not applied (the connection, the database and the
//! log stay as they are): a warning names them, values not shown.

use crate::config::{Config, ConfigError};
use crate::detect::lookalike::{Lookalike, LookalikeSettings};
use crate::detect::rules::Rules;
use crate::logging;
use crate::shutdown;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// The sections a reload applies.
pub const RELOADABLE: [&str; 2] = ["SEARCH", "LOOKALIKE"];

/// What the reloadable sections say, as the rules read them: compared to describe a reload.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleValues {
    pub search: String,
    pub blacklist: String,
    pub threshold: i64,
    pub lookalike: Option<LookalikeSettings>,
}

impl RuleValues {
    /// The values of `config`, with the rules and the engine built from them.
    pub fn load(config: &Config) -> Result<(RuleValues, Rules, Option<Lookalike>), ConfigError> {
        let rules = Rules::from_config(config)?;
        let lookalike = LookalikeSettings::from_config(config)?;
        let engine = lookalike.as_ref().map(Lookalike::new);
        let values = RuleValues {
            search: config.require("SEARCH", "SearchKeywords")?,
            blacklist: config
                .get("SEARCH", "BlacklistKeywords")?
                .unwrap_or_default(),
            threshold: rules.threshold(),
            lookalike,
        };
        Ok((values, rules, engine))
    }
}

/// The top-level alternatives of a Python `re` pattern (`a|b(c|d)|[|]` → `a`, `b(c|d)`,
/// `[|]`): `|` inside a group or a class, or escaped, does not split.
fn alternatives(pattern: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start, mut class, mut escaped) = (0usize, 0, false, false);
    let mut class_start = 0;
    for (i, c) in pattern.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            // `]` right after `[` or `[^` is a literal.
            ']' if class && i > class_start => class = false,
            _ if class => {}
            '[' => {
                class = true;
                class_start = i + 1;
                if pattern[i + 1..].starts_with('^') {
                    class_start += 1;
                }
            }
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '|' if depth == 0 => {
                out.push(&pattern[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&pattern[start..]);
    out
}

/// `KEY added 'x', 'y', removed 'z'` between two lists (`reordered` when only the order
/// changed), or nothing when they are equal.
fn list_change(key: &str, old: &[&str], new: &[&str]) -> Option<String> {
    if old == new {
        return None;
    }
    let quote = |v: Vec<&&str>| {
        v.iter()
            .map(|s| format!("'{s}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let added: Vec<&&str> = new.iter().filter(|x| !old.contains(x)).collect();
    let removed: Vec<&&str> = old.iter().filter(|x| !new.contains(x)).collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("added {}", quote(added)));
    }
    if !removed.is_empty() {
        parts.push(format!("removed {}", quote(removed)));
    }
    if parts.is_empty() {
        parts.push(format!(
            "reordered '{}' → '{}'",
            old.join("|"),
            new.join("|")
        ));
    }
    Some(format!("{key} {}", parts.join(", ")))
}

fn scalar_change<T: PartialEq + std::fmt::Display>(key: &str, old: T, new: T) -> Option<String> {
    (old != new).then(|| format!("{key} {old} → {new}"))
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn distance(d: Option<usize>) -> String {
    d.map_or_else(|| "auto".to_string(), |d| d.to_string())
}

/// What a reload changes, for its log line: `SearchKeywords added 'x', removed 'y';
/// DetectionThreshold 2 → 3; lookalike Brands added 'z'`, or `no change`.
pub fn describe_change(old: &RuleValues, new: &RuleValues) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(list_change(
        "SearchKeywords",
        &alternatives(&old.search),
        &alternatives(&new.search),
    ));
    let blacklist = |b: &str| -> Vec<String> {
        if b.is_empty() {
            Vec::new()
        } else {
            alternatives(b).into_iter().map(str::to_string).collect()
        }
    };
    let (ob, nb) = (blacklist(&old.blacklist), blacklist(&new.blacklist));
    parts.extend(list_change("BlacklistKeywords", &strs(&ob), &strs(&nb)));
    parts.extend(scalar_change(
        "DetectionThreshold",
        old.threshold,
        new.threshold,
    ));
    match (&old.lookalike, &new.lookalike) {
        (None, None) => {}
        (Some(_), None) => parts.push("lookalike detection off".to_string()),
        (None, Some(n)) => parts.push(format!(
            "lookalike detection on (brands {})",
            n.brands.join(", ")
        )),
        (Some(o), Some(n)) => {
            parts.extend(list_change(
                "lookalike Brands",
                &strs(&o.brands),
                &strs(&n.brands),
            ));
            parts.extend(list_change(
                "lookalike OwnedDomains",
                &strs(&o.owned_domains),
                &strs(&n.owned_domains),
            ));
            parts.extend(scalar_change(
                "lookalike MaxDistance",
                distance(o.max_distance),
                distance(n.max_distance),
            ));
            parts.extend(scalar_change(
                "lookalike MinBrandLength",
                o.min_brand_length,
                n.min_brand_length,
            ));
            parts.extend(scalar_change(
                "lookalike MinConfidence",
                o.min_confidence,
                n.min_confidence,
            ));
            // The AllowFile is read again on every reload: say when its entries changed.
            if o.allow != n.allow {
                let count = |a: &Option<(String, Vec<String>)>| match a {
                    Some((f, e)) => format!("{f} ({} entries)", e.len()),
                    None => "none".to_string(),
                };
                parts.push(format!(
                    "lookalike AllowFile {} → {}",
                    count(&o.allow),
                    count(&n.allow)
                ));
            }
        }
    }
    if parts.is_empty() {
        "no change".to_string()
    } else {
        parts.join("; ")
    }
}

/// A fingerprint of every key outside the reloadable sections, `[SECTION] key` → hash of
/// its value (DEFAULT's own keys as `[DEFAULT] key`): enough to tell which changed
/// without keeping (or ever showing) the values, some of which are secrets.
fn other_sections(config: &Config) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    let mut sections = vec!["DEFAULT"];
    sections.extend(config.sections());
    for section in sections {
        if RELOADABLE.contains(&section) {
            continue;
        }
        for key in config.keys(section) {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            match config.get(section, key) {
                Ok(v) => v.hash(&mut h),
                Err(e) => e.to_string().hash(&mut h),
            }
            out.insert(format!("[{section}] {key}"), h.finish());
        }
    }
    out
}

/// The keys present in only one of the two maps, or with different values.
fn changed_keys(old: &BTreeMap<String, u64>, new: &BTreeMap<String, u64>) -> Vec<String> {
    let mut keys: Vec<String> = old
        .iter()
        .filter(|(k, v)| new.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .collect();
    keys.extend(new.keys().filter(|k| !old.contains_key(*k)).cloned());
    keys.sort();
    keys
}

/// A file under `$CREDENTIALS_DIRECTORY` is the copy systemd made when the service
/// started (`LoadCredential=`; credentials are immutable while the service runs): a reload
/// that finds nothing changed there most likely means the source was edited instead.
fn credential_hint(path: &Path) -> Option<String> {
    let dir = std::env::var_os("CREDENTIALS_DIRECTORY")?;
    path.starts_with(&dir).then(|| {
        format!(
            "{} is a systemd credential, the copy made when the service started: edits of its source (LoadCredential=) take effect after `systemctl restart`, not on a reload",
            path.display()
        )
    })
}

/// New rules to use from the next message on.
pub struct Reloaded {
    pub rules: Rules,
    pub lookalike: Option<Lookalike>,
}

/// Watches the SIGHUP flag for the thread that applies the rules (see the module doc).
#[derive(Debug, Clone)]
pub struct Reloader {
    path: PathBuf,
    /// The rule values in use.
    current: RuleValues,
    /// The other sections as the process started with them.
    started: BTreeMap<String, u64>,
}

impl Reloader {
    /// For a monitor started from `config` (already checked, its rules in use).
    pub fn new(config: &Config) -> Result<Reloader, ConfigError> {
        Ok(Reloader {
            path: config.path().to_path_buf(),
            current: RuleValues::load(config)?.0,
            started: other_sections(config),
        })
    }

    /// When a SIGHUP arrived since the last call: the file read again, and the rules to
    /// swap in, or `None` (no signal, or a file that fails: logged, the old rules stay).
    pub fn poll(&mut self) -> Option<Reloaded> {
        if !shutdown::take_reload_request() {
            return None;
        }
        match self.reload() {
            Ok(r) => Some(r),
            Err(e) => {
                logging::error(
                    "root",
                    &format!("reload failed, keeping the previous rules: {e}"),
                );
                None
            }
        }
    }

    fn reload(&mut self) -> Result<Reloaded, ConfigError> {
        let config = Config::load(&self.path)?;
        // Before anything from the new file can reach a log line.
        crate::redact::register(&crate::secrets::in_config(&config));
        let (values, rules, lookalike) = RuleValues::load(&config)?;
        let description = describe_change(&self.current, &values);
        logging::info(
            "root",
            &format!(
                "reloaded [SEARCH]/[LOOKALIKE] from {}: {}",
                self.path.display(),
                description
            ),
        );
        for warning in super::rule_warnings(&rules) {
            logging::warning("root", &warning);
        }
        if let Some(l) = lookalike
            .as_ref()
            .filter(|_| values.lookalike != self.current.lookalike)
        {
            logging::info("root", &format!("Lookalike detection on: {}", l.describe()));
        }
        let changed = changed_keys(&self.started, &other_sections(&config));
        if !changed.is_empty() {
            logging::warning(
                "root",
                &format!(
                    "{} changed in {}: not applied by a reload, only [SEARCH] and [LOOKALIKE] are; restart to apply",
                    changed.join(", "),
                    self.path.display()
                ),
            );
        }
        if description == "no change" && changed.is_empty() {
            if let Some(hint) = credential_hint(&self.path) {
                logging::warning("root", &hint);
            }
        }
        self.current = values;
        Ok(Reloaded { rules, lookalike })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(search: &str, blacklist: &str, threshold: i64) -> RuleValues {
        RuleValues {
            search: search.into(),
            blacklist: blacklist.into(),
            threshold,
            lookalike: None,
        }
    }

    fn with_lookalike(mut v: RuleValues, brands: &[&str], owned: &[&str]) -> RuleValues {
        v.lookalike = Some(LookalikeSettings::new(brands, owned));
        v
    }

    #[test]
    fn alternatives_split_at_top_level_only() {
        let cases: &[(&str, &[&str])] = &[
            ("paypal", &["paypal"]),
            ("a|b", &["a", "b"]),
            (
                r"paypal\.com$|apple\.com$",
                &[r"paypal\.com$", r"apple\.com$"],
            ),
            ("amazon\\.(com|fr)$|x", &["amazon\\.(com|fr)$", "x"]),
            ("[|]|a", &["[|]", "a"]),
            ("[]|]|a", &["[]|]", "a"]),
            ("[^]|]|a", &["[^]|]", "a"]),
            (r"a\|b|c", &[r"a\|b", "c"]),
            ("", &[""]),
            ("|a", &["", "a"]),
            ("((a|b)|c)|d", &["((a|b)|c)", "d"]),
            (")|(", &[")", "("]),
        ];
        for (pattern, want) in cases {
            assert_eq!(alternatives(pattern), *want, "{pattern:?}");
        }
    }

    #[test]
    fn describe_change_table() {
        let base = values("paypal|login|secure", r"paypal\.com$", 2);
        let look = with_lookalike(base.clone(), &["paypal", "apple"], &["paypal.com"]);
        let cases: Vec<(&str, RuleValues, RuleValues, &str)> = vec![
            ("same", base.clone(), base.clone(), "no change"),
            (
                "keywords",
                base.clone(),
                values("netflix|login|secure|verif", r"paypal\.com$", 2),
                "SearchKeywords added 'netflix', 'verif', removed 'paypal'",
            ),
            (
                "reordered",
                base.clone(),
                values("login|paypal|secure", r"paypal\.com$", 2),
                "SearchKeywords reordered 'paypal|login|secure' → 'login|paypal|secure'",
            ),
            (
                "threshold and blacklist emptied",
                base.clone(),
                values("paypal|login|secure", "", 3),
                r"BlacklistKeywords removed 'paypal\.com$'; DetectionThreshold 2 → 3",
            ),
            (
                "blacklist added",
                values("paypal", "", 1),
                values("paypal", "x$|y$", 1),
                "BlacklistKeywords added 'x$', 'y$'",
            ),
            (
                "lookalike on",
                base.clone(),
                look.clone(),
                "lookalike detection on (brands paypal, apple)",
            ),
            ("lookalike off", look.clone(), base.clone(), "lookalike detection off"),
            (
                "lookalike brands and owned domains",
                look.clone(),
                with_lookalike(base.clone(), &["paypal", "netflix"], &["paypal.com", "netflix.com"]),
                "lookalike Brands added 'netflix', removed 'apple'; lookalike OwnedDomains added 'netflix.com'",
            ),
            (
                "lookalike distances",
                look.clone(),
                {
                    let mut v = look.clone();
                    let l = v.lookalike.as_mut().unwrap();
                    l.max_distance = Some(1);
                    l.min_brand_length = 4;
                    v
                },
                "lookalike MaxDistance auto → 1; lookalike MinBrandLength 5 → 4",
            ),
            (
                "everything",
                base.clone(),
                with_lookalike(values("paypal|login", r"paypal\.com$", 1), &["apple"], &[]),
                "SearchKeywords removed 'secure'; DetectionThreshold 2 → 1; lookalike detection on (brands apple)",
            ),
        ];
        for (label, old, new, want) in cases {
            assert_eq!(describe_change(&old, &new), want, "{label}");
        }
    }

    #[test]
    fn other_sections_name_changed_keys_without_values() {
        let old = Config::parse(
            "a.conf",
            "[DEFAULT]\nx = 1\n[SEARCH]\nSearchKeywords = a\n[DATABASE]\nDBFile = a.db\nTABLEname = T\n[SERVER]\nProxy_Password = p\n",
        )
        .unwrap();
        let new = Config::parse(
            "a.conf",
            "[DEFAULT]\nx = 2\n[SEARCH]\nSearchKeywords = b\n[DATABASE]\nDBFile = b.db\nTABLEname = T\n[LOGGING]\nLogLevel = DEBUG\n",
        )
        .unwrap();
        assert_eq!(
            changed_keys(&other_sections(&old), &other_sections(&new)),
            [
                "[DATABASE] dbfile",
                "[DEFAULT] x",
                "[LOGGING] loglevel",
                "[SERVER] proxy_password"
            ]
        );
        assert!(changed_keys(&other_sections(&old), &other_sections(&old)).is_empty());
    }

    /// A reload reads `[LOOKALIKE] AllowFile` again: an entry added to the file stops the
    /// rebuilt engine flagging that name, and the change is described.
    #[test]
    fn reload_rereads_the_allow_file() {
        let dir = std::env::temp_dir().join(format!("csm-reload-allow-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let allow = dir.join("allow.txt");
        std::fs::write(&allow, "# none yet\n").unwrap();
        let text = format!(
            "[SEARCH]\nSearchKeywords = zzzz\n[LOOKALIKE]\nEnabled = yes\nBrands = paypal\nAllowFile = {}\n",
            allow.display()
        );
        let config = Config::parse("t.conf", &text).unwrap();
        let (old, _, engine) = RuleValues::load(&config).unwrap();
        assert!(engine.unwrap().check("paypal-login.example").is_some());
        std::fs::write(&allow, "paypal-login.example\n").unwrap();
        let (new, _, engine) = RuleValues::load(&config).unwrap();
        assert_eq!(engine.unwrap().check("paypal-login.example"), None);
        assert_eq!(
            describe_change(&old, &new),
            format!(
                "lookalike AllowFile {0} (0 entries) → {0} (1 entries)",
                allow.display()
            )
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

//! Where an alert file goes and how it is written: the alerts directory of the moment
//! ([`alerts_dir`]), the file of a host ([`alert_path`], refusing host names that are unsafe as
//! file names with [`unsafe_name_reason`]), and an atomic write ([`write_atomic`]). The alert
//! itself is [`crate::alert::Alert`].

use crate::clock::CivilTime;
use crate::pycompat::python_literal::py_str_repr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// `Alerts_dir` after interpolation, with `%H %M %d %m %Y` replaced in that order by the given
/// (local) time, zero-padded as `time.strftime` pads them; other `%` tokens stay literal. Plain
/// successive string replaces, as the original's `generate_alert_dir`.
pub fn alerts_dir(template: &str, now: CivilTime) -> String {
    template
        .replace("%H", &format!("{:02}", now.hour))
        .replace("%M", &format!("{:02}", now.minute))
        .replace("%d", &format!("{:02}", now.day))
        .replace("%m", &format!("{:02}", now.month))
        .replace("%Y", &now.year.to_string())
}

/// Longest host name accepted: `<hostname>.json` must fit in a 255-byte file name.
const MAX_NAME: usize = 255 - ".json".len();

/// Why a host name cannot become a file name (`None` = safe).
///
/// The name is used as `<hostname>.json` and, with `--fqdn-dirs`, each label as a directory.
/// Refused: the empty name; `/`, `\` and NUL; control characters (Unicode `Cc`, so a name cannot
/// break the console or log line either); empty labels (a leading or trailing dot, `..`
/// anywhere — which also covers the names `.` and `..`), because a label becomes a directory
/// name with `--fqdn-dirs` and an empty one would silently collapse the tree; a label over 63
/// bytes or a name over 253 bytes (not a DNS name), and a name whose file name
/// would exceed 255 bytes. Everything else is a legal, harmless file name and is accepted: a
/// leading `-` (the path always starts with the alerts directory, so it never reads as an
/// option), `*` of wildcard names, spaces, `_`, non-ASCII letters.
pub fn unsafe_name_reason(hostname: &str) -> Option<String> {
    if hostname.is_empty() {
        return Some("empty host name".to_string());
    }
    for ch in hostname.chars() {
        match ch {
            '/' | '\\' => return Some(format!("host name contains '{ch}'")),
            '\0' => return Some("host name contains a NUL byte".to_string()),
            c if c.is_control() => {
                return Some(format!(
                    "host name contains a control character ({})",
                    py_str_repr(&c.to_string())
                ))
            }
            _ => {}
        }
    }
    if hostname.split('.').any(|l| l.is_empty()) {
        return Some("host name has an empty label (leading, trailing or doubled '.')".to_string());
    }
    if hostname.len() > 253 {
        return Some(format!(
            "host name is {} bytes long (over 253)",
            hostname.len()
        ));
    }
    if let Some(l) = hostname.split('.').find(|l| l.len() > 63) {
        return Some(format!(
            "host name has a label of {} bytes (over 63)",
            l.len()
        ));
    }
    if hostname.len() > MAX_NAME {
        return Some(format!(
            "host name is {} bytes long: <name>.json would exceed the 255-byte file name limit",
            hostname.len()
        ));
    }
    None
}

/// `<dir>/<hostname>.json`, or with `fqdn_dirs` `<dir>/<label_n>/…/<label_1>/<hostname>.json`
/// (labels reversed: `www.login-paypal.com` → `com/login-paypal/www/www.login-paypal.com.json`).
/// Joined with `/` as the original's string concatenation did (a trailing `/` on `dir` gives
/// `//`, the same path, printed as Python printed it). `Err(reason)` for unsafe names.
pub fn alert_path(dir: &Path, hostname: &str, fqdn_dirs: bool) -> Result<PathBuf, String> {
    if let Some(reason) = unsafe_name_reason(hostname) {
        return Err(reason);
    }
    let mut p = dir.as_os_str().to_os_string();
    let mut add = |part: &str| {
        if !p.is_empty() {
            p.push("/");
        }
        p.push(part);
    };
    if fqdn_dirs {
        for label in hostname.split('.').rev() {
            add(label);
        }
    }
    add(&format!("{hostname}.json"));
    Ok(PathBuf::from(p))
}

/// Create the parent directories, then replace `path` atomically with `contents`
/// ([`crate::atomic_file::write`]): a reader sees the old file or the new one, never half.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if path.file_name().is_some() {
            fs::create_dir_all(parent)?;
        }
    }
    crate::atomic_file::write(path, contents)
}

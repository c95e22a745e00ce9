//! Replacing a file atomically: write a fresh temp file in the same directory, fsync it,
//! rename it over the target, fsync the directory. Readers (a SOC pipeline watching the
//! alert directory, the monitor loading the log list) see the old file or the new one,
//! never half of one. Used for alert files and `loglist --update`.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Replace `path` with `contents`. The directory must exist. The temp name
/// (`.csm-<pid>-<counter>-<nanos>.tmp`) is short — it must fit even when `path`'s name is
/// at the 255-byte limit — and opened with `O_EXCL`, so two threads or processes never
/// share one. On failure the temp file is removed.
pub fn write(path: &Path, contents: &[u8]) -> io::Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if path.file_name().is_none() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{}: not a file path", path.display()),
        ));
    }
    let (tmp, mut file) = create_temp(&parent)?;
    let result = (|| {
        file.write_all(contents)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    // Make the rename itself durable; not every file system allows fsync on a directory.
    if let Ok(d) = File::open(&parent) {
        let _ = d.sync_all();
    }
    Ok(())
}

fn create_temp(dir: &Path) -> io::Result<(PathBuf, File)> {
    let pid = std::process::id();
    let mut last = None;
    for _ in 0..16 {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let tmp = dir.join(format!(".csm-{pid}-{n}-{nanos}.tmp"));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(io::ErrorKind::AlreadyExists, "temp file name collision")
    }))
}

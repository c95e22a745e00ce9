//! Wall-clock formatting in the exact shapes the Python original wrote.
//!
//! No date crate is in the allowed set, and the formats needed are few: UTC ISO seconds
//! (`FirstSeen`, `Startime`), local ISO seconds (the monitor's stdout line) and the
//! `logging` module's `YYYY-MM-DD HH:MM:SS,mmm` (local). Local time comes from the C
//! library's `localtime_r`, which honours `TZ` and `/etc/localtime` on glibc and musl alike.

use std::time::{SystemTime, UNIX_EPOCH};

/// A broken-down calendar time (no time zone attached).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CivilTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl CivilTime {
    /// `YYYY-MM-DDTHH:MM:SS`, Python's `datetime.isoformat()` without microseconds.
    pub fn iso(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `YYYY-MM-DD`.
    pub fn date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Seconds since the Unix epoch, now.
pub fn now_unix() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

/// Milliseconds since the Unix epoch, now (0 before 1970): for "time of the last …"
/// figures kept in an `AtomicU64` (0 = never).
pub fn now_unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days in `month` (1–12) of proleptic Gregorian `year`.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// (year, month, day) → days since 1970-01-01.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 } as i64;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// UTC calendar time of a Unix timestamp.
pub fn utc(ts: i64) -> CivilTime {
    let (year, month, day) = civil_from_days(ts.div_euclid(86_400));
    let secs = ts.rem_euclid(86_400) as u32;
    CivilTime {
        year,
        month,
        day,
        hour: secs / 3600,
        minute: secs / 60 % 60,
        second: secs % 60,
    }
}

/// Parse `YYYY-MM-DDTHH:MM:SS` (Python `strptime(s, '%Y-%m-%dT%H:%M:%S')`) as UTC.
pub fn parse_iso_utc(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 19 || b[10] != b'T' {
        return None;
    }
    // strptime's %S accepts 60 and 61.
    date_time_prefix(b, 61)
}

/// The first 19 bytes of `b` as `YYYY-MM-DD?HH:MM:SS` (the separator at index 10 is the
/// caller's to check), validated as a calendar date and time with seconds up to
/// `max_second`: Unix seconds, as if UTC. Shared by `FirstSeen` and RFC 3339 parsing.
pub fn date_time_prefix(b: &[u8], max_second: u32) -> Option<i64> {
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    // Byte-wise, so that a multi-byte character can never split a slice.
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32)
        })
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo)
        || d == 0
        || d > days_in_month(y as i64, mo)
        || h > 23
        || mi > 59
        || se > max_second
    {
        return None;
    }
    Some(days_from_civil(y as i64, mo, d) * 86_400 + (h * 3600 + mi * 60 + se) as i64)
}

extern "C" {
    // POSIX tzset(3); the libc crate does not declare it.
    fn tzset();
}

/// Load the time zone once; `localtime_r` is not required to do it by itself.
pub fn init_timezone() {
    // SAFETY: tzset only reads TZ and zoneinfo files; called before any other thread formats time.
    unsafe { tzset() }
}

/// Local calendar time of a Unix timestamp (falls back to UTC if the C library refuses).
pub fn local(ts: i64) -> CivilTime {
    // The libc crate marks musl's `time_t` deprecated (its width is due to change); it is
    // 64-bit on every target this is built for, glibc and musl alike.
    #[allow(deprecated)]
    let t: libc::time_t = ts;
    // SAFETY: `tm` is plain integers and a pointer, for which all-zero is a valid value.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are valid for the call; localtime_r is the thread-safe variant.
    let r = unsafe { libc::localtime_r(&t, &mut tm) };
    if r.is_null() {
        return utc(ts);
    }
    CivilTime {
        year: tm.tm_year as i64 + 1900,
        month: (tm.tm_mon + 1) as u32,
        day: tm.tm_mday as u32,
        hour: tm.tm_hour as u32,
        minute: tm.tm_min as u32,
        second: tm.tm_sec.min(59) as u32,
    }
}

/// `YYYY-MM-DDTHH:MM:SS` UTC, now (`FirstSeen`, `StillInvestig`).
pub fn utc_now_iso() -> String {
    utc(now_unix()).iso()
}

/// `YYYY-MM-DDTHH:MM:SS` local, now (the monitor's stdout line).
pub fn local_now_iso() -> String {
    local(now_unix()).iso()
}

/// `YYYY-MM-DD HH:MM:SS,mmm` local, now (Python logging's `asctime`).
pub fn log_timestamp() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let t = local(now.as_secs() as i64);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02},{:03}",
        t.year,
        t.month,
        t.day,
        t.hour,
        t.minute,
        t.second,
        now.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_table() {
        let cases: &[(i64, &str)] = &[
            (0, "1970-01-01T00:00:00"),
            (1_520_851_180, "2018-03-12T10:39:40"),
            (951_782_400, "2000-02-29T00:00:00"),
            (-1, "1969-12-31T23:59:59"),
            (253_402_300_799, "9999-12-31T23:59:59"),
            (1_791_091_473, "2026-10-04T05:24:33"),
        ];
        for (ts, want) in cases {
            assert_eq!(utc(*ts).iso(), *want, "ts {ts}");
            assert_eq!(parse_iso_utc(want), Some(*ts), "parse {want}");
        }
    }

    #[test]
    fn parse_rejects() {
        for bad in [
            "",
            "2018-03-12 10:39:40",
            "2018-02-30T00:00:00",
            "2018-03-12T10:39:40Z",
            "2018-13-01T00:00:00",
            "２018-03-12T10:39:40",
        ] {
            assert_eq!(parse_iso_utc(bad), None, "{bad}");
        }
    }
}

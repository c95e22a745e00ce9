//! `[METRICS] TextFile`: the summary of a `scan` run for node_exporter's textfile collector
//! (a `*.prom` file in its `--collector.textfile.directory`, Prometheus text exposition
//! format 0.0.4, without timestamps). Written atomically ([`crate::atomic_file`]) after
//! every run, failed ones included, so the collector never reads half a file. A failed run
//! keeps the last success time of the previous file, read back leniently: anything
//! unreadable there counts as "never" (0).

use crate::metrics::{Exposition, Kind, Value};
use crate::scan::Summary;
use std::path::Path;

/// The gauge carrying the last success time, read back from the previous file.
const LAST_SUCCESS: &str = "certstreammonitor_scan_last_success_timestamp_seconds";

/// The most of a previous file that is read (it is a few hundred bytes when ours).
const READ_LIMIT: u64 = 1 << 20;

/// How one run went.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunReport {
    pub summary: Summary,
    pub success: bool,
    /// Unix seconds when the run started.
    pub started: f64,
    pub duration_seconds: f64,
}

/// The file's text: this run's figures, and the last success (this run's start when it
/// succeeded, else `previous_success`).
pub fn render(run: &RunReport, previous_success: f64) -> String {
    let s = &run.summary;
    let mut out = Exposition::new();
    let gauges: [(&'static str, &str, Value); 6] = [
        ("certstreammonitor_scan_hosts_checked", "Hosts probed by the last scan run.", Value::Int(s.probed)),
        ("certstreammonitor_scan_hosts_up", "Hosts that answered in the last scan run.", Value::Int(s.answered)),
        ("certstreammonitor_scan_alerts_written", "Alert files written by the last scan run.", Value::Int(s.alerts_written)),
        ("certstreammonitor_scan_notifications_failed", "Notifications of the last scan run not delivered (failed every attempt, or unfinished at the end; kept for the next run).", Value::Int(s.notifications_failed)),
        ("certstreammonitor_scan_duration_seconds", "How long the last scan run took.", Value::Float(run.duration_seconds)),
        ("certstreammonitor_scan_last_run_timestamp_seconds", "Unix time the last scan run started.", Value::Float(run.started)),
    ];
    for (name, help, value) in gauges {
        out.single(name, Kind::Gauge, help, value);
    }
    out.single(
        LAST_SUCCESS,
        Kind::Gauge,
        "Unix time the last successful scan run started; 0 if none is known.",
        Value::Float(if run.success {
            run.started
        } else {
            previous_success
        }),
    );
    out.single(
        "certstreammonitor_scan_success",
        Kind::Gauge,
        "1 if the last scan run finished without error.",
        Value::flag(run.success),
    );
    out.into_string()
}

/// The last success time in the file a previous run wrote; 0 when the file is missing or
/// holds no usable value (a non-number, a negative or infinite one).
pub fn previous_success(path: &Path) -> f64 {
    use std::io::Read;
    let mut text = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(READ_LIMIT).read_to_end(&mut text));
    if read.is_err() {
        return 0.0;
    }
    String::from_utf8_lossy(&text)
        .lines()
        .filter_map(|l| l.trim().strip_prefix(LAST_SUCCESS))
        .filter_map(|rest| {
            // `name value` or `name{} value` (no labels are written).
            let rest = rest.strip_prefix("{}").unwrap_or(rest);
            rest.starts_with([' ', '\t'])
                .then(|| rest.split_whitespace().next())
                .flatten()
        })
        .filter_map(|v| v.parse::<f64>().ok())
        .find(|v| v.is_finite() && *v >= 0.0)
        .unwrap_or(0.0)
}

/// Replace `path` with this run's figures.
pub fn write(path: &Path, run: &RunReport) -> std::io::Result<()> {
    let previous = if run.success {
        0.0
    } else {
        previous_success(path)
    };
    crate::atomic_file::write(path, render(run, previous).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(success: bool) -> RunReport {
        RunReport {
            summary: Summary {
                probed: 5,
                answered: 3,
                alerts_written: 2,
                notifications_failed: 1,
                ..Summary::default()
            },
            success,
            started: 1_700_000_000.5,
            duration_seconds: 2.25,
        }
    }

    #[test]
    fn renders_every_gauge() {
        let text = render(&report(true), 42.0);
        for line in [
            "certstreammonitor_scan_hosts_checked 5",
            "certstreammonitor_scan_hosts_up 3",
            "certstreammonitor_scan_alerts_written 2",
            "certstreammonitor_scan_notifications_failed 1",
            "certstreammonitor_scan_duration_seconds 2.25",
            "certstreammonitor_scan_last_run_timestamp_seconds 1700000000.5",
            "certstreammonitor_scan_last_success_timestamp_seconds 1700000000.5",
            "certstreammonitor_scan_success 1",
            "# TYPE certstreammonitor_scan_success gauge",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
        let failed = render(&report(false), 42.0);
        assert!(failed.contains("\ncertstreammonitor_scan_last_success_timestamp_seconds 42\n"));
        assert!(failed.contains("\ncertstreammonitor_scan_success 0\n"));
    }

    #[test]
    fn previous_success_is_read_leniently() {
        let dir = std::env::temp_dir().join(format!("csm-run-metrics-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("scan.prom");
        let cases: &[(&[u8], f64)] = &[
            (
                b"certstreammonitor_scan_last_success_timestamp_seconds 123.5\n",
                123.5,
            ),
            (
                b"# HELP x\ncertstreammonitor_scan_last_success_timestamp_seconds{} 7\n",
                7.0,
            ),
            (
                b"certstreammonitor_scan_last_success_timestamp_seconds 1e3 17000\n",
                1000.0,
            ),
            (
                b"certstreammonitor_scan_last_success_timestamp_seconds NaN\n",
                0.0,
            ),
            (
                b"certstreammonitor_scan_last_success_timestamp_seconds +Inf\n",
                0.0,
            ),
            (
                b"certstreammonitor_scan_last_success_timestamp_seconds -5\n",
                0.0,
            ),
            (
                b"certstreammonitor_scan_last_success_timestamp_secondsX 5\n",
                0.0,
            ),
            (
                b"certstreammonitor_scan_last_success_timestamp_seconds\n",
                0.0,
            ),
            (b"\xff\xfe garbage \x00\n", 0.0),
            (b"", 0.0),
        ];
        for (content, want) in cases {
            std::fs::write(&p, content).unwrap();
            assert_eq!(
                previous_success(&p),
                *want,
                "{:?}",
                String::from_utf8_lossy(content)
            );
        }
        assert_eq!(previous_success(&dir.join("absent.prom")), 0.0);
        // A failed run keeps the previous success; a good one replaces it.
        std::fs::write(&p, render(&report(true), 0.0)).unwrap();
        write(&p, &report(false)).unwrap();
        assert_eq!(previous_success(&p), 1_700_000_000.5);
        let mut later = report(true);
        later.started = 1_800_000_000.0;
        write(&p, &later).unwrap();
        assert_eq!(previous_success(&p), 1_800_000_000.0);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

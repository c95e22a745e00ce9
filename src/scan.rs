//! `scan`: which stored hosts are online? Probe them concurrently, enrich the ones that
//! answer, write their alert files, mark them in the DB.
//!
//! Worker threads do everything that waits on the network (probe, whois, RDAP, Safe
//! Browsing); the main thread alone touches the DB and the alert directory, and only
//! for short writes, so a `monitor` sharing the DB never waits behind a slow site.
//! A host is marked up only after its alert file is on disk.

pub mod alert;
pub mod enrich;
pub(crate) mod probe;
pub mod run_metrics;
pub mod title;

use crate::alert::Alert;
use crate::clock;
use crate::config::{parse_python_int, split_list, Config, ConfigError};
use crate::db::{Database, DatabaseSettings, ScanCandidate};
use crate::logging;
use crate::notify::{Notifier, NotifySettings};
use crate::redact;
use crate::scan::enrich::{EnrichSettings, Enricher};
use crate::scan::probe::{ProbeOutcome, ProbeSettings, Prober};
use crate::shutdown;
use crate::Failure;
use std::collections::HashMap;
use std::io::Write;
use std::net::IpAddr;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Default)]
pub struct ScanArgs {
    pub config: PathBuf,
    /// `-f/--fqdn-dirs`: alerts under `<dir>/<tld>/<…>/<host>.json`.
    pub fqdn_dirs: bool,
}

/// Everything `scan` reads from the config.
#[derive(Debug, Clone)]
pub struct ScanSettings {
    pub db_path: PathBuf,
    pub table: String,
    /// `Alerts_dir` after interpolation, before the date placeholders.
    pub alerts_dir: String,
    pub timelapse_days: i64,
    pub http_ua: String,
    pub ua_file: Option<PathBuf>,
    pub workers: usize,
    pub probe: ProbeSettings,
    pub enrich: EnrichSettings,
    /// `[REPORTING] Notification_*`: where alerts are sent (see [`crate::notify`]).
    pub notify: NotifySettings,
}

/// Used when neither `UAfile` nor `http_UA` gives a User-Agent.
const DEFAULT_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";

impl ScanSettings {
    pub fn from_config(c: &Config) -> Result<ScanSettings, ConfigError> {
        let db = DatabaseSettings::from_config(c)?;
        let alerts_dir = c.require("REPORTING", "Alerts_dir")?;
        let timelapse_days = match c.get("REPORTING", "Alert_Monitor_timelapse")? {
            None => 180,
            Some(v) => parse_python_int(&v).ok_or_else(|| {
                c.key_error(
                    "REPORTING",
                    "Alert_Monitor_timelapse",
                    format!("{v:?} is not a whole number of days"),
                )
            })?,
        };
        let timeout = c
            .seconds_in(
                "CONNECT",
                "Timeout",
                (Bound::Excluded(0.0), Bound::Included(3600.0)),
                "number of seconds (0 to 3600)",
            )?
            .unwrap_or(Duration::from_secs(5));
        let workers = match c
            .get("CONNECT", "Workers")?
            .filter(|v| !v.trim().is_empty())
        {
            None => 32,
            Some(v) => parse_python_int(&v)
                .filter(|n| (1..=1024).contains(n))
                .ok_or_else(|| {
                    c.key_error(
                        "CONNECT",
                        "Workers",
                        format!("{v:?}: use a number of threads from 1 to 1024"),
                    )
                })? as usize,
        };
        let mut resolve = HashMap::new();
        if let Some(v) = c.get("CONNECT", "Resolve")? {
            for item in split_list(&v) {
                let target = parse_resolve(&item).ok_or_else(|| {
                    c.key_error(
                        "CONNECT",
                        "Resolve",
                        format!(
                            "{item:?}: write name:address or name:address:port ([v6] in brackets)"
                        ),
                    )
                })?;
                resolve.insert(target.0, (target.1, target.2));
            }
        }
        let proxy = c
            .get("CONNECT", "Proxy")?
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty());
        if let Some(p) = &proxy {
            let ok = [
                "http://",
                "https://",
                "socks4://",
                "socks4a://",
                "socks5://",
                "socks5h://",
            ]
            .iter()
            .any(|s| p.starts_with(s));
            if !ok {
                return Err(c.key_error(
                    "CONNECT",
                    "Proxy",
                    format!(
                        "{:?}: use http://, https://, socks4://, socks5:// or socks5h://",
                        redact::without_credentials(p)
                    ),
                ));
            }
        }
        let probe = ProbeSettings {
            timeout,
            proxy: proxy.clone(),
            ca_file: c
                .get("CONNECT", "CAFile")?
                .map(|p| PathBuf::from(p.trim()))
                .filter(|p| !p.as_os_str().is_empty()),
            resolve,
        };
        let key = c
            .get("SAFEBROWSING", "Safe_Browsing_API_Key")?
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty());
        let whois_via_proxy = c.yes_no("ENRICH", "WhoisViaProxy")?;
        if whois_via_proxy && proxy.is_none() {
            return Err(c.key_error(
                "ENRICH",
                "WhoisViaProxy",
                "yes needs a proxy in [CONNECT] Proxy".to_string(),
            ));
        }
        let enrich = EnrichSettings {
            whois_server: c
                .get("ENRICH", "WhoisServer")?
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "whois.cymru.com:43".into()),
            rdap_server: c
                .get("ENRICH", "RDAPServer")?
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .map(|v| if v.ends_with('/') { v } else { v + "/" }),
            safe_browsing_key: key,
            safe_browsing_endpoint: c
                .get("SAFEBROWSING", "Endpoint")?
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| {
                    "https://safebrowsing.googleapis.com/v4/threatMatches:find".into()
                }),
            allow_reserved: c.yes_no("ENRICH", "AllowReserved")?,
            timeout,
            proxy,
            whois_via_proxy,
        };
        Ok(ScanSettings {
            db_path: db.path,
            table: db.table,
            alerts_dir,
            timelapse_days,
            http_ua: c
                .get("CONNECT", "http_UA")?
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| DEFAULT_UA.into()),
            ua_file: c
                .get("CONNECT", "UAfile")?
                .map(|p| PathBuf::from(p.trim()))
                .filter(|p| !p.as_os_str().is_empty()),
            workers,
            probe,
            enrich,
            notify: NotifySettings::from_config(c)?,
        })
    }
}

/// `name:1.2.3.4`, `name:1.2.3.4:8443`, `name:[::1]`, `name:[::1]:8443`.
pub fn parse_resolve(item: &str) -> Option<(String, IpAddr, Option<u16>)> {
    let (name, rest) = item.split_once(':')?;
    if name.is_empty() {
        return None;
    }
    let name = name.to_ascii_lowercase();
    if let Ok(ip) = rest.parse::<IpAddr>() {
        return Some((name, ip, None));
    }
    if let Ok(sa) = rest.parse::<std::net::SocketAddr>() {
        return Some((name, sa.ip(), Some(sa.port())));
    }
    let ip = rest.strip_prefix('[')?.strip_suffix(']')?.parse().ok()?;
    Some((name, ip, None))
}

/// User-Agents from `UAfile`: lines trimmed, blank lines dropped; if the file is missing
/// or empty, `http_UA` alone, with one warning (the original picked one *character*).
pub fn load_user_agents(file: Option<&Path>, fallback: &str) -> (Vec<String>, Option<String>) {
    let Some(path) = file else {
        return (vec![fallback.to_string()], None);
    };
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let uas: Vec<String> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            if uas.is_empty() {
                (
                    vec![fallback.to_string()],
                    Some(format!(
                        "UAfile {} has no User-Agent; using http_UA",
                        path.display()
                    )),
                )
            } else {
                (uas, None)
            }
        }
        Err(e) => (
            vec![fallback.to_string()],
            Some(format!("UAfile {}: {e}; using http_UA", path.display())),
        ),
    }
}

/// The original's console (the `hues` library): coloured time, label, message on stdout.
struct Console<W: Write> {
    out: W,
}

/// Every message is passed through [`redact::clean`]: host names come from certificates via
/// the DB, error texts from the network; neither may move the cursor, recolour the terminal,
/// forge a line or show a secret.
impl<W: Write> Console<W> {
    fn line(&mut self, label: &str, colour: u8, msg: &str) {
        let msg = redact::clean(msg);
        let t = clock::local(clock::now_unix());
        let _ = writeln!(
            self.out,
            "\x1b[35m{:02}:{:02}:{:02}\x1b[0m - \x1b[{colour}m{label}\x1b[0m - \x1b[39m{msg}\x1b[0m",
            t.hour, t.minute, t.second
        );
        let _ = self.out.flush();
    }
    fn success(&mut self, msg: &str) {
        self.line("SUCCESS", 32, msg)
    }
    fn warn(&mut self, msg: &str) {
        self.line("WARNING", 33, msg)
    }
    fn error(&mut self, msg: &str) {
        self.line("ERROR", 31, msg)
    }
    fn plain(&mut self, msg: &str) {
        let msg = redact::clean(msg);
        let _ = writeln!(self.out, "{msg}");
        let _ = self.out.flush();
    }
}

/// What a worker learned about one host.
enum Finding {
    Up(Box<Alert>),
    Down(ProbeOutcome),
}

struct Done {
    candidate: ScanCandidate,
    finding: Finding,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub probed: u64,
    /// Hosts alerted on: alert file written and row marked.
    pub up: u64,
    /// Hosts that answered (alerted on or not).
    pub answered: u64,
    pub alerts_written: u64,
    /// Notifications not delivered in this run (kept in the outbox for the next one).
    pub notifications_failed: u64,
    pub down: u64,
    pub expired: u64,
    pub skipped: u64,
}

/// Pick a User-Agent: xorshift seeded per worker (the choice needs no secrecy).
struct UaPicker {
    uas: Arc<Vec<String>>,
    state: u64,
}

impl UaPicker {
    fn pick(&mut self) -> &str {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        &self.uas[(self.state % self.uas.len() as u64) as usize]
    }
}

fn work(prober: &Prober, enricher: &Enricher, ua: &str, c: &ScanCandidate) -> Finding {
    match prober.probe(&c.domain, ua) {
        ProbeOutcome::Up {
            status,
            body,
            content_type,
            ip,
        } => {
            let webpage_title = title::page_title(&body, content_type.as_deref());
            let asn = ip.map(|ip| enricher.asn_info(ip)).unwrap_or_default();
            let safe_browsing_status = enricher.safe_browsing(&c.domain);
            Finding::Up(Box::new(Alert {
                hostname: c.domain.clone(),
                http_code: status,
                cert_serial_number: c.fingerprint.clone().unwrap_or_default(),
                webpage_title,
                ip_addr: ip.map(|i| i.to_string()).unwrap_or_default(),
                asn: asn.asn,
                asn_cidr: asn.asn_cidr,
                asn_country_code: asn.asn_country_code,
                asn_description: asn.asn_description,
                asn_abuse_email: asn.asn_abuse_email,
                safe_browsing_status,
            }))
        }
        down => Finding::Down(down),
    }
}

/// The hosts still to probe, taken one at a time by whoever probes.
type Jobs = Arc<Mutex<std::vec::IntoIter<ScanCandidate>>>;

fn next_job(jobs: &Jobs) -> Option<ScanCandidate> {
    if shutdown::requested() {
        return None;
    }
    jobs.lock().unwrap_or_else(|p| p.into_inner()).next()
}

fn ua_picker(uas: &Arc<Vec<String>>, i: usize) -> UaPicker {
    UaPicker {
        uas: uas.clone(),
        state: clock::now_unix() as u64 ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
    }
}

/// Start up to `n` workers taking hosts from `jobs`. When the system refuses a thread
/// (RLIMIT_NPROC, a pids cgroup) the pool is smaller, reported with the error; with no
/// worker at all the caller probes the hosts itself. No host is dropped either way: they
/// stay in `jobs` until someone takes them. Returns the workers started and the results.
fn spawn_workers(
    n: usize,
    jobs: &Jobs,
    prober: &Arc<Prober>,
    enricher: &Arc<Enricher>,
    uas: &Arc<Vec<String>>,
) -> (usize, Receiver<Done>) {
    let (tx, rx) = mpsc::channel();
    for i in 0..n {
        let (jobs, prober, enricher, tx) =
            (jobs.clone(), prober.clone(), enricher.clone(), tx.clone());
        let mut picker = ua_picker(uas, i);
        let started = std::thread::Builder::new()
            .name(format!("scan-{i}"))
            .stack_size(256 * 1024)
            .spawn(move || {
                while let Some(candidate) = next_job(&jobs) {
                    let finding = work(&prober, &enricher, picker.pick(), &candidate);
                    if tx.send(Done { candidate, finding }).is_err() {
                        return;
                    }
                }
            });
        if let Err(e) = started {
            logging::warning(
                "scan",
                &format!(
                    "cannot start more threads ({e}): {i} of {n} workers{}",
                    if i == 0 {
                        "; probing one host at a time on the main thread"
                    } else {
                        ""
                    }
                ),
            );
            return (i, rx);
        }
    }
    (n, rx)
}

/// `(now - first_seen).days` as Python's timedelta computes it (floor).
fn age_days(first_seen: i64, now: i64) -> i64 {
    (now - first_seen).div_euclid(86_400)
}

pub fn command(args: &ScanArgs) -> Result<(), Failure> {
    let config = Config::load(&args.config)?;
    crate::redact::register(&crate::secrets::in_config(&config));
    let settings = ScanSettings::from_config(&config)?;
    let metrics = crate::metrics::MetricsSettings::from_config(&config)?;
    let (started, clock_start) = (clock::now_unix_ms(), Instant::now());
    let mut summary = Summary::default();
    let result = (|| {
        let prober =
            Prober::new(&settings.probe).map_err(|(key, m)| config.key_error("CONNECT", key, m))?;
        let db = Database::open(&settings.db_path, &settings.table)?;
        logging::init(&logging::LogTarget::Stderr, logging::INFO)?;
        shutdown::install_handlers();
        let stdout = std::io::stdout();
        let mut console = Console { out: stdout.lock() };
        run(
            &settings,
            args.fqdn_dirs,
            &db,
            prober,
            &mut console,
            &mut summary,
        )
    })();
    // The run's summary for node_exporter, failed runs included ([METRICS] TextFile).
    if let Some(path) = &metrics.text_file {
        let report = run_metrics::RunReport {
            summary,
            success: result.is_ok(),
            started: started as f64 / 1000.0,
            duration_seconds: clock_start.elapsed().as_secs_f64(),
        };
        if let Err(e) = run_metrics::write(path, &report) {
            let message = format!("[METRICS] TextFile: cannot write {}: {e}", path.display());
            logging::error("scan", &message);
            if result.is_ok() {
                return Err(Failure::new(1, message));
            }
        }
    }
    result
}

fn run<W: Write>(
    settings: &ScanSettings,
    fqdn_dirs: bool,
    db: &Database,
    prober: Prober,
    console: &mut Console<W>,
    summary: &mut Summary,
) -> Result<(), Failure> {
    let started = Instant::now();
    console.plain("Test all domains in DB for Internet Presence:");
    console.plain(&"*".repeat(45));
    let candidates = db.scan_candidates()?;
    let alerts_dir = PathBuf::from(alert::alerts_dir(
        &settings.alerts_dir,
        clock::local(clock::now_unix()),
    ));
    let (uas, ua_warning) = load_user_agents(settings.ua_file.as_deref(), &settings.http_ua);
    if let Some(w) = ua_warning {
        logging::warning("scan", &w);
    }
    // Also queues what earlier runs could not deliver.
    let notifier = Notifier::start(&settings.notify, db.path(), db.table())?;
    let now = clock::now_unix();
    let today = clock::utc(now).date();
    let mut to_probe = Vec::new();
    for c in candidates {
        let Some(first_seen) = c.first_seen.as_deref().and_then(clock::parse_iso_utc) else {
            summary.skipped += 1;
            console.error(&format!(
                "{}: FirstSeen {:?} is not YYYY-MM-DDTHH:MM:SS; skipped",
                c.domain, c.first_seen
            ));
            continue;
        };
        if age_days(first_seen, now) >= settings.timelapse_days {
            console.warn(&format!(
                "  {} - end of monitoring reached ({} days)",
                c.domain, settings.timelapse_days
            ));
            db.set_still_investig(
                &c.domain,
                c.fingerprint.as_deref(),
                &format!("Stop checking on {today}"),
            )?;
            summary.expired += 1;
            continue;
        }
        if c.domain.contains('*') {
            console.warn(&format!(
                "wildcard certificate: no request for {}",
                c.domain
            ));
            summary.skipped += 1;
            continue;
        }
        if let Some(reason) = alert::unsafe_name_reason(&c.domain) {
            console.error(&format!(
                "{}: not probed, unusable as a file name: {reason}",
                c.domain
            ));
            summary.skipped += 1;
            continue;
        }
        to_probe.push(c);
    }
    let total = to_probe.len();
    if total > 0 {
        let workers = settings.workers.min(total);
        if settings.probe.proxy.is_none() {
            prober.warm_up();
        }
        let jobs: Jobs = Arc::new(Mutex::new(to_probe.into_iter()));
        let (prober, enricher) = (
            Arc::new(prober),
            Arc::new(Enricher::new(settings.enrich.clone())),
        );
        let uas = Arc::new(uas);
        let (started, done) = spawn_workers(workers, &jobs, &prober, &enricher, &uas);
        let mut picker = ua_picker(&uas, workers);
        let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
        let mut finished = 0usize;
        let mut interrupted = false;
        loop {
            let next = if started == 0 {
                // No worker could be started: probe here, one host at a time.
                match next_job(&jobs) {
                    Some(candidate) => {
                        let finding = work(&prober, &enricher, picker.pick(), &candidate);
                        Ok(Done { candidate, finding })
                    }
                    None => Err(RecvTimeoutError::Disconnected),
                }
            } else {
                done.recv_timeout(Duration::from_millis(200))
            };
            let d = match next {
                Ok(d) => d,
                Err(RecvTimeoutError::Timeout) => {
                    if shutdown::requested() && !interrupted {
                        interrupted = true;
                        console.plain("Interrupt received, stopping ...");
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            };
            finished += 1;
            summary.probed += 1;
            record(d, db, &alerts_dir, fqdn_dirs, &notifier, console, summary)?;
            if progress {
                eprint!(
                    "\r  {finished}/{total} probed, {} up, {} down",
                    summary.up, summary.down
                );
            }
        }
        if progress {
            eprintln!();
        }
        if shutdown::requested() && !interrupted {
            console.plain("Interrupt received, stopping ...");
        }
    }
    // Bounded wait for the deliveries; what is left stays queued in the DB for the next run.
    let (line, undelivered) = notifier.finish_counted();
    summary.notifications_failed = undelivered;
    if let Some(line) = line {
        console.plain(&line);
    }
    console.plain(&format!(
        "Scan finished: {} probed, {} up, {} down, {} expired, {} skipped in {:.1} s",
        summary.probed,
        summary.up,
        summary.down,
        summary.expired,
        summary.skipped,
        started.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// The main thread's share: alert file first, then the DB mark, then the notifier.
fn record<W: Write>(
    d: Done,
    db: &Database,
    alerts_dir: &Path,
    fqdn_dirs: bool,
    notifier: &Notifier,
    console: &mut Console<W>,
    summary: &mut Summary,
) -> Result<(), Failure> {
    let host = &d.candidate.domain;
    let alert = match d.finding {
        Finding::Up(a) => a,
        Finding::Down(outcome) => {
            summary.down += 1;
            match outcome {
                ProbeOutcome::TlsError(e) => {
                    console.error(&format!("  https://{host} - SSL error"));
                    logging::debug("scan", &format!("{host}: {e}"));
                }
                ProbeOutcome::ConnectionError(e) => {
                    console.error(&format!("  https://{host} - Connection error"));
                    logging::debug("scan", &format!("{host}: {e}"));
                }
                ProbeOutcome::OtherError(e) => {
                    console.error(&format!("  https://{host} Error: {e}"))
                }
                ProbeOutcome::Up { .. } => {}
            }
            return Ok(());
        }
    };
    summary.answered += 1;
    console.success(&format!("HTTP {} - {host}", alert.http_code));
    let path = match alert::alert_path(alerts_dir, host, fqdn_dirs) {
        Ok(p) => p,
        Err(reason) => {
            summary.skipped += 1;
            console.error(&format!("{host}: alert refused: {reason}"));
            return Ok(());
        }
    };
    console.plain(&format!(
        "Creating {} : {}",
        path.display(),
        alert.to_python_repr()
    ));
    if let Err(e) = alert::write_atomic(&path, alert.to_json().as_bytes()) {
        // Not marked: the host is probed again next run.
        console.error(&format!("{host}: cannot write {}: {e}", path.display()));
        return Ok(());
    }
    summary.alerts_written += 1;
    db.set_still_investig(
        host,
        d.candidate.fingerprint.as_deref(),
        &clock::utc_now_iso(),
    )?;
    summary.up += 1;
    notifier.notify(&alert, &path);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_floor_like_python() {
        let day = 86_400;
        assert_eq!(age_days(0, day - 1), 0);
        assert_eq!(age_days(0, day), 1);
        assert_eq!(age_days(day, 0), -1);
        assert_eq!(age_days(0, 180 * day), 180);
    }

    #[test]
    fn resolve_items() {
        let v4: IpAddr = "127.0.0.2".parse().unwrap();
        let v6: IpAddr = "::1".parse().unwrap();
        type Want = Option<(&'static str, IpAddr, Option<u16>)>;
        let cases: &[(&str, Want)] = &[
            ("Site.test:127.0.0.2", Some(("site.test", v4, None))),
            (
                "site.test:127.0.0.2:8443",
                Some(("site.test", v4, Some(8443))),
            ),
            ("site.test:[::1]", Some(("site.test", v6, None))),
            ("site.test:[::1]:8443", Some(("site.test", v6, Some(8443)))),
            ("site.test:::1", Some(("site.test", v6, None))),
            ("site.test", None),
            (":127.0.0.1", None),
            ("site.test:nope", None),
            ("site.test:127.0.0.1:99999", None),
        ];
        for (item, want) in cases {
            assert_eq!(
                parse_resolve(item),
                want.map(|(n, i, p)| (n.to_string(), i, p)),
                "{item}"
            );
        }
    }

    #[test]
    fn user_agents() {
        let dir = std::env::temp_dir().join(format!("csm-ua-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("ua.txt");
        std::fs::write(&f, "  UA one  \n\n\tUA two\n").unwrap();
        assert_eq!(load_user_agents(Some(&f), "fb").0, vec!["UA one", "UA two"]);
        std::fs::write(&f, "\n  \n").unwrap();
        let (uas, warn) = load_user_agents(Some(&f), "fb");
        assert_eq!((uas, warn.is_some()), (vec!["fb".to_string()], true));
        let (uas, warn) = load_user_agents(Some(&dir.join("missing")), "fb");
        assert_eq!((uas, warn.is_some()), (vec!["fb".to_string()], true));
        let _ = std::fs::remove_dir_all(&dir);
    }
}

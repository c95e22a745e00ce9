//! `bench-monitor`: messages/s and peak RSS of the monitor pipeline, end to end
//! (websocket → JSON → rules → SQLite), against a loopback certstream server.
//!
//! The parent process plays the server; the measured pipeline runs in a child process
//! (`bench-monitor --client`), so the RSS reported is the monitor's alone.

use crate::db::Database;
use crate::detect::rules::Rules;
use crate::monitor::certstream_client::ClientSettings;
use crate::monitor::matcher::Counters;
use crate::monitor::{run_pipeline, PipelineOptions, Source};
use crate::Failure;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The keywords of a typical deployment; about 1 % of generated names match.
pub const BENCH_KEYWORDS: &str = r"paypal|apple|microsoft|amazon|ameli|impots|netflix|login-secure";

const WORDS: &[&str] = &[
    "shop", "mail", "cloud", "blog", "api", "dev", "cdn", "portal", "app", "static", "news",
    "store", "home", "media", "data", "web", "test", "status", "docs", "auth", "vpn", "git",
    "admin", "files", "support",
];
const TLDS: &[&str] = &[
    "com", "net", "org", "fr", "de", "io", "co.uk", "nl", "xyz", "info",
];
const BRANDS: &[&str] = &["paypal", "apple", "amazon", "ameli", "netflix"];

/// Deterministic pseudo-random numbers (xorshift) so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

/// A base64 blob standing in for a certificate's DER.
fn fake_der(rng: &mut Rng, len: usize) -> String {
    let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
    crate::net::base64::encode(&bytes)
}

/// Realistic certstream-server-go messages: lite (~1.5 KB) or full (~9 KB).
pub struct MessageGenerator {
    rng: Rng,
    n: u64,
    full: bool,
    der: String,
}

impl MessageGenerator {
    pub fn new(full: bool) -> MessageGenerator {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let der = fake_der(&mut rng, 1300);
        MessageGenerator {
            rng,
            n: 0,
            full,
            der,
        }
    }

    pub fn next_message(&mut self) -> String {
        self.n += 1;
        let n = self.n;
        let tld = self.rng.pick(TLDS);
        let base = if self.rng.next().is_multiple_of(100) {
            format!("{}-{}{}", self.rng.pick(BRANDS), self.rng.pick(WORDS), n)
        } else {
            format!("{}{}-{}", self.rng.pick(WORDS), n, self.rng.pick(WORDS))
        };
        let names = match self.rng.next() % 3 {
            0 => format!("\"{base}.{tld}\""),
            1 => format!("\"{base}.{tld}\",\"www.{base}.{tld}\""),
            _ => format!(
                "\"{base}.{tld}\",\"www.{base}.{tld}\",\"{}.{base}.{tld}\"",
                self.rng.pick(WORDS)
            ),
        };
        let fp: Vec<String> = (0..20)
            .map(|_| format!("{:02X}", self.rng.next() as u8))
            .collect();
        let fp = fp.join(":");
        let (der, chain) = if self.full {
            let issuer = r#"{"all_domains":[],"as_der":"DER","extensions":{"basicConstraints":"CA:TRUE","keyUsage":"Digital Signature, Certificate Signing, CRL Signing"},"fingerprint":"7C:42:96:AE:DE:4B:48:3B:FA:92:F8:9E:8C:CF:6D:8B:A9:72:37:95","sha1":"7C:42:96:AE:DE:4B:48:3B:FA:92:F8:9E:8C:CF:6D:8B:A9:72:37:95","not_after":1867093199,"not_before":1710460800,"serial_number":"00D3D3A8","signature_algorithm":"ecdsa, sha384","subject":{"C":"US","CN":"E8","L":null,"O":"Let's Encrypt","OU":null,"ST":null,"aggregated":"/C=US/CN=E8/O=Let's Encrypt","email_address":null},"issuer":{"C":"US","CN":"ISRG Root X2","L":null,"O":"Internet Security Research Group","OU":null,"ST":null,"aggregated":"/C=US/CN=ISRG Root X2/O=Internet Security Research Group","email_address":null},"is_ca":true}"#.replace("DER", &self.der);
            (
                format!(r#""as_der":"{}","#, self.der),
                format!(r#""chain":[{issuer},{issuer}],"#),
            )
        } else {
            (String::new(), String::new())
        };
        format!(
            concat!(
                r#"{{"data":{{"cert_index":{n},"cert_link":"https://ct.example.net/logs/2026h2/ct/v1/get-entries?start={n}&end={n}",{chain}"leaf_cert":{{"all_domains":[{names}],{der}"#,
                r#""extensions":{{"authorityInfoAccess":"URI:http://e8.i.lencr.org/","authorityKeyIdentifier":"keyid:8f:0c:85:d5:b2:4e:f8:7c:c4:c3:9a:ad:c9:04:53:3f:2d:e6:6d:9b","basicConstraints":"CA:FALSE","certificatePolicies":"Policy: 2.23.140.1.2.1\n","keyUsage":"Digital Signature","subjectAltName":"DNS:{base}.{tld}","subjectKeyIdentifier":"keyid:3b:9e:41:0d:77:a5:c2:18:f4:6e:02:9b:d1:55:8c:70:e3:2a:19:c4"}},"#,
                r#""fingerprint":"{fp}","sha1":"{fp}","sha256":"{fp}:{fp}","not_after":1798867473,"not_before":1791091473,"serial_number":"05A3C1E77B20F1D86A4C0E93B5D2F6A81C3E","signature_algorithm":"ecdsa, sha384","#,
                r#""subject":{{"C":null,"CN":"{base}.{tld}","L":null,"O":null,"OU":null,"ST":null,"aggregated":"/CN={base}.{tld}","email_address":null}},"#,
                r#""issuer":{{"C":"US","CN":"E8","L":null,"O":"Let's Encrypt","OU":null,"ST":null,"aggregated":"/C=US/CN=E8/O=Let's Encrypt","email_address":null}},"is_ca":false}},"#,
                r#""seen":1791095140.512,"source":{{"name":"Example 'Log2026h2'","url":"https://ct.example.net/logs/2026h2","timestamp":1791095139.948,"type":"rfc6962"}},"update_type":"X509LogEntry"}},"message_type":"certificate_update"}}"#,
                "\n"
            ),
            n = n,
            chain = chain,
            names = names,
            der = der,
            base = base,
            tld = tld,
            fp = fp
        )
    }
}

/// Peak resident set size of this process, from `/proc/self/status`.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Serve `count` generated messages to the first client, then close.
fn serve(listener: TcpListener, count: u64, full: bool) -> std::io::Result<()> {
    let (stream, _) = listener.accept()?;
    stream.set_nodelay(true)?;
    let mut ws = tungstenite::accept(stream).map_err(|e| std::io::Error::other(e.to_string()))?;
    let mut gen = MessageGenerator::new(full);
    for i in 0..count {
        let msg = tungstenite::Message::Text(gen.next_message());
        ws.write(msg)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        if i % 64 == 63 {
            ws.flush()
                .map_err(|e| std::io::Error::other(e.to_string()))?;
        }
    }
    ws.flush()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    // Keep the connection open until the client has read everything and goes away.
    loop {
        match ws.read() {
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
    }
}

/// Child side: follow `url` until `count` messages went through the pipeline.
pub fn client(url: &str, count: u64, db_path: &Path) -> Result<(), Failure> {
    let rules = Rules::new(BENCH_KEYWORDS, "", 1).map_err(|e| Failure::new(2, e.to_string()))?;
    let db = Database::open(db_path, "CertMon")?;
    let counters = Arc::new(Counters::default());
    let mut settings = ClientSettings::new(vec![url.to_string()], None);
    settings.backoff_min = Duration::from_millis(50);
    let options = PipelineOptions {
        stop_after: Some(count),
        ..PipelineOptions::default()
    };
    let start = Instant::now();
    run_pipeline(
        &rules,
        &db,
        Source::Certstream(settings),
        std::io::sink(),
        counters.clone(),
        &options,
    )?;
    let secs = start.elapsed().as_secs_f64();
    let handled = Counters::get(&counters.messages);
    println!(
        "{{\"messages\":{handled},\"seconds\":{secs:.3},\"per_second\":{:.0},\"stored\":{},\"malformed\":{},\"stalls\":{},\"peak_rss_kib\":{}}}",
        handled as f64 / secs,
        Counters::get(&counters.stored),
        Counters::get(&counters.malformed),
        Counters::get(&counters.stalls),
        peak_rss_kib().unwrap_or(0)
    );
    Ok(())
}

/// Parent side: for lite and full messages, serve `count` of them to a child and report.
pub fn run(count: u64, runs: u32) -> Result<(), Failure> {
    let exe = std::env::current_exe()?;
    let dir = std::env::temp_dir().join(format!("csm-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    println!("bench-monitor: {count} messages per run, {runs} run(s) per format, median reported");
    for full in [false, true] {
        let mut rates = Vec::new();
        let mut rss = 0u64;
        let mut stored = 0u64;
        let mut size = 0usize;
        for run in 0..runs {
            let listener = TcpListener::bind("127.0.0.1:0")?;
            let url = format!("ws://{}/", listener.local_addr()?);
            size = MessageGenerator::new(full).next_message().len();
            let server = std::thread::spawn(move || serve(listener, count, full));
            let db: PathBuf = dir.join(format!("bench-{full}-{run}.sqlite"));
            let out = std::process::Command::new(&exe)
                .args([
                    "bench-monitor",
                    "--client",
                    &url,
                    "--messages",
                    &count.to_string(),
                    "--db",
                ])
                .arg(&db)
                .output()?;
            let _ = server.join();
            if !out.status.success() {
                return Err(Failure::new(
                    1,
                    format!(
                        "bench child failed: {}",
                        String::from_utf8_lossy(&out.stderr)
                    ),
                ));
            }
            let v: serde_json::Value = serde_json::from_slice(&out.stdout)
                .map_err(|e| Failure::new(1, format!("bench child output: {e}")))?;
            rates.push(v["per_second"].as_f64().unwrap_or(0.0));
            rss = rss.max(v["peak_rss_kib"].as_u64().unwrap_or(0));
            stored = v["stored"].as_u64().unwrap_or(0);
        }
        rates.sort_by(|a, b| a.total_cmp(b));
        let median = rates[rates.len() / 2];
        println!(
            "{:<5} messages (~{size} B): {median:>9.0} msgs/s  (runs: {})  peak RSS {:.1} MiB  stored {stored} matches/run",
            if full { "full" } else { "lite" },
            rates.iter().map(|r| format!("{r:.0}")).collect::<Vec<_>>().join(", "),
            rss as f64 / 1024.0
        );
        let _ = std::io::stdout().flush();
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

//! Generated certstream-server-go messages: the monitor benchmark's feed
//! (`benches/bench_monitor.rs`), the lookalike benchmark's throughput run and the flood
//! tests of `tests/monitor_certstream.rs`. Deterministic, so runs are comparable.
//!
//! Included by the benches with `#[path]`, next to `der.rs` (whose `base64` it uses).

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
    super::der::base64(&bytes)
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
        self.render(n, &base, tld, &names)
    }

    /// A message naming only `{name}.com`, numbered after the generated ones: the
    /// benchmark's end marker (a name the keywords match, so its stdout line shows when
    /// everything before it went through).
    pub fn marker_message(&mut self, name: &str) -> String {
        self.n += 1;
        self.render(self.n, name, "com", &format!("\"{name}.com\""))
    }

    fn render(&mut self, n: u64, base: &str, tld: &str, names: &str) -> String {
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

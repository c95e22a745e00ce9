//! Deterministic mutation fuzzer for the DER reader and the lenient X.509 parser.
//!
//! ```sh
//! cargo bench --bench fuzz_x509 -- 1000000        # iterations [seed]
//! ```
//!
//! Seeds are certificates and TBSCertificates built with the tests' DER writer (normal,
//! precert, CA, many SANs, odd strings and times, hostile extensions). Each iteration takes
//! a seed and applies 1–4 mutations (bit flips, interesting bytes, truncation, length-octet
//! edits on real TLV headers — bumped, shrunk, indefinite `0x80`, 5-byte `0x85` — range
//! deletion / duplication, splices from another seed) and runs the result through
//! `der::read_tlv` (a full recursive walk), `x509::parse_certificate` and
//! `x509::parse_tbs` (also with their extensions rendered), and the certstream message
//! encoder (`ct::certstream_message`, the input as leaf, precertificate and chain),
//! checking a few invariants. A panic prints the offending input as hex.
//! The same engine runs as a bounded test (`tests/x509.rs`, `fuzz_bounded`).
//!
//! `cargo bench --bench fuzz_x509 -- bench` instead times the parser (and the
//! SHA-1 fingerprint) on a realistic ~1.5 KB Let's Encrypt-shaped certificate, and the
//! certstream message encoder (`serve`) on an RFC 6962 entry of it with one intermediate.
#![allow(dead_code)]

// The tests' DER writer, by path both when this file is the `fuzz_x509` bench target and
// when `tests/x509.rs` includes it (cargo builds bench targets with cfg(test) too, so cfg
// cannot tell the two apart; the test crate then holds a second, private copy).
#[path = "../tests/common/der.rs"]
mod der_writer;

use certstreammonitor::certificate::CtLogLabel;
use certstreammonitor::ct::certstream_message::certificate_update;
use certstreammonitor::ct::entry::{record_from_entry, Chain, EntryKind, LogEntry};
use certstreammonitor::x509::{certificate as x509, der};
use der_writer::*;
use std::time::{Duration, Instant};

/// splitmix64: small, fast, good enough to pick mutations.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform-ish in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// The seed corpus: certificates and bare TBSCertificates.
pub fn seed_corpus() -> Vec<Vec<u8>> {
    let le = CertBuilder::le_like(
        "example.com",
        &["example.com", "www.example.com", "login.example.com"],
    );
    let many: Vec<String> = (0..40).map(|i| format!("host{i}.example.net")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let odd = CertBuilder::new()
        .serial(&[0xFF, 0x01])
        .issuer_rdn(vec![
            Attr::text(OID_O, "Org"),
            Attr::text(OID_CN, "Issuer CA"),
        ])
        .subject_attr(Attr::new(OID_CN, bmp_string("bmp.example")))
        .subject_attr(Attr::new(OID_O, teletex_string(b"Caf\xE9")))
        .subject_attr(Attr::new(OID_OU, universal_string("unit")))
        .subject_attr(Attr::new(OID_L, integer(5)))
        .validity_raw(
            tlv(UTC_TIME, b"2601010000Z"),
            tlv(GENERALIZED_TIME, b"20510101000000.5+0100"),
        )
        .san(&[
            GeneralName::Dns(b"caf\xE9.example".to_vec()),
            GeneralName::ipv4([192, 0, 2, 1]),
            GeneralName::Email("a@b.example".into()),
            GeneralName::Uri("https://x.example/".into()),
        ])
        .dns_names(&["HTTP://Upper.Example.", "nul\0.example", "*.wild.example"])
        .extension_raw(sequence(&[
            oid(OID_SAN),
            octet_string(&[0x30, 0x05, 0x82, 0x09, b'a']),
        ]))
        .extension_raw(sequence(&[integer(1)]))
        .basic_constraints(false);
    let ca = CertBuilder::new()
        .issuer_le("Root")
        .subject_cn("Intermediate CA")
        .basic_constraints(true);
    let v1 = CertBuilder::new().version(None).subject_cn("v1.example");
    vec![
        le.certificate(),
        le.tbs(),
        le.precertificate(),
        CertBuilder::le_like("big.example", &many).certificate(),
        odd.certificate(),
        odd.tbs(),
        ca.certificate(),
        v1.certificate(),
        CertBuilder::new()
            .san(&[GeneralName::ipv4([10, 0, 0, 1])])
            .tbs(),
        realistic_certificate(),
    ]
}

/// Offsets of every TLV header in `data` (recursing into constructed elements and into
/// OCTET/BIT STRINGs that hold DER), so length edits hit real length octets.
pub fn header_offsets(data: &[u8]) -> Vec<usize> {
    fn walk(data: &[u8], base: usize, depth: usize, out: &mut Vec<usize>) {
        if depth > 12 {
            return;
        }
        let mut rest = data;
        while !rest.is_empty() {
            let off = base + (data.len() - rest.len());
            let Ok(t) = der::read_tlv(&mut rest) else {
                return;
            };
            out.push(off);
            let content_off = off + (t.raw.len() - t.content.len());
            if t.is_constructed() || (t.tag == der::OCTET_STRING && !t.content.is_empty()) {
                walk(t.content, content_off, depth + 1, out);
            } else if t.tag == der::BIT_STRING && t.content.len() > 1 {
                walk(&t.content[1..], content_off + 1, depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(data, 0, 0, &mut out);
    out
}

const INTERESTING: &[u8] = &[
    0x00, 0x01, 0x02, 0x04, 0x05, 0x06, 0x0C, 0x13, 0x1E, 0x30, 0x31, 0x7F, 0x80, 0x81, 0x82, 0x83,
    0x84, 0x85, 0x87, 0xA0, 0xA3, 0xFF,
];

/// Apply one random mutation to `buf`. `headers` are TLV header offsets of the original seed.
pub fn mutate_once(rng: &mut Rng, buf: &mut Vec<u8>, headers: &[usize], corpus: &[Vec<u8>]) {
    if buf.is_empty() {
        buf.push(INTERESTING[rng.below(INTERESTING.len())]);
        return;
    }
    let n = buf.len();
    match rng.below(10) {
        0 => {
            let i = rng.below(n);
            buf[i] ^= 1 << rng.below(8);
        }
        1 => {
            let i = rng.below(n);
            buf[i] = INTERESTING[rng.below(INTERESTING.len())];
        }
        2 => {
            let i = rng.below(n);
            buf[i] = rng.next_u64() as u8;
        }
        3 => buf.truncate(rng.below(n)),
        4..=6 => {
            // Length-octet edit on a real header.
            let Some(&h) = headers.get(rng.below(headers.len().max(1))) else {
                return;
            };
            let l = h + 1;
            if l >= n {
                return;
            }
            match rng.below(8) {
                0 => buf[l] = buf[l].wrapping_add(1),
                1 => buf[l] = buf[l].wrapping_sub(1),
                2 => buf[l] = 0x80, // indefinite
                3 => {
                    // 5-byte length: 85 00 00 00 00 LL
                    let old = buf[l];
                    buf.splice(l..=l, [0x85, 0, 0, 0, 0, old]);
                }
                4 => {
                    // bump the last octet of a long-form length
                    let extra = (buf[l] & 0x7F) as usize;
                    if buf[l] & 0x80 != 0 && extra > 0 && l + extra < n {
                        buf[l + extra] = buf[l + extra].wrapping_add(1 + rng.below(3) as u8);
                    } else {
                        buf[l] = buf[l].wrapping_add(0x10);
                    }
                }
                5 => {
                    let extra = (buf[l] & 0x7F) as usize;
                    if buf[l] & 0x80 != 0 && extra > 0 && l + extra < n {
                        buf[l + extra] = buf[l + extra].wrapping_sub(1 + rng.below(3) as u8);
                    } else {
                        buf[l] = 0;
                    }
                }
                6 => buf[l] = 0x84 | (rng.below(2) as u8),
                _ => buf[l] = 0xFF,
            }
        }
        7 => {
            let a = rng.below(n);
            let b = (a + 1 + rng.below(16)).min(n);
            buf.drain(a..b);
        }
        8 => {
            let a = rng.below(n);
            let b = (a + 1 + rng.below(64)).min(n);
            let chunk = buf[a..b].to_vec();
            let at = rng.below(n + 1);
            buf.splice(at..at, chunk);
        }
        _ => {
            let other = &corpus[rng.below(corpus.len())];
            if other.is_empty() {
                return;
            }
            let a = rng.below(other.len());
            let b = (a + 1 + rng.below(128)).min(other.len());
            let at = rng.below(n + 1);
            let end = (at + rng.below(128)).min(n);
            buf.splice(at..end, other[a..b].iter().copied());
        }
    }
}

/// Walk every TLV of `data` recursively with the public DER API (must never panic).
pub fn der_walk(data: &[u8], depth: usize) -> usize {
    let mut count = 0;
    for t in der::Children::new(data) {
        let Ok(t) = t else { break };
        count += 1;
        if depth < 16 && t.is_constructed() {
            count += der_walk(t.content, depth + 1);
        }
    }
    count
}

/// Check what must hold for any input, panic otherwise.
pub fn check(data: &[u8]) {
    der_walk(data, 0);
    let _ = der::oid_to_string(data.get(..data.len().min(24)).unwrap_or(&[]));
    for parsed in [x509::parse_certificate(data), x509::parse_tbs(data)]
        .into_iter()
        .flatten()
    {
        assert!(
            parsed.warnings.len() <= x509::MAX_WARNINGS + 1,
            "too many warnings"
        );
        let mut seen = std::collections::HashSet::new();
        for n in &parsed.all_domains {
            assert!(!n.is_empty(), "empty name");
            assert!(seen.insert(n.as_str()), "duplicate name {n:?}");
        }
        let _ = parsed.subject.aggregated();
        let _ = parsed.issuer.aggregated();
        assert!(parsed.serial_number.len() % 2 == 0);
    }
    // The same fields with the extensions rendered.
    for (plain, full) in [
        (
            x509::parse_certificate(data),
            x509::parse_certificate_with_extensions(data),
        ),
        (x509::parse_tbs(data), x509::parse_tbs_with_extensions(data)),
    ] {
        match (plain, full) {
            (Ok(p), Ok(mut f)) => {
                assert!(f.extensions.take().is_some(), "extensions not rendered");
                assert_eq!(p, f, "fields differ when extensions are rendered");
            }
            (Err(_), Err(_)) => {}
            _ => panic!("parsers disagree on accepting the input"),
        }
    }
    check_messages(data);
}

/// The input as an x509 entry's certificate and chain, and as a precert entry's TBS and
/// precertificate: a message exactly when a record, with the record's fingerprint.
fn check_messages(data: &[u8]) {
    let log = CtLogLabel {
        description: "fuzz".into(),
        url: "https://ct.example/".into(),
    };
    let mut chain = Vec::with_capacity(data.len() * 2 + 6);
    for _ in 0..2 {
        chain.extend_from_slice(&(data.len() as u32).to_be_bytes()[1..]);
        chain.extend_from_slice(data);
    }
    for (kind, precertificate, chain) in [
        (EntryKind::X509, None, Chain::Certificates(&chain)),
        (EntryKind::Precert, Some(data), Chain::Fingerprints(&[])),
        (EntryKind::X509, None, Chain::Certificates(data)),
    ] {
        let entry = LogEntry {
            timestamp_ms: u64::MAX,
            kind,
            cert: data,
            precertificate,
            chain_error: None,
            chain,
            timestamped_entry: &[],
        };
        match (
            certificate_update(&entry, &log, u64::MAX, f64::MAX),
            record_from_entry(&entry),
        ) {
            (Ok(m), Ok((r, _, _))) => {
                assert_eq!(m["data"]["leaf_cert"]["fingerprint"], *r.fingerprint);
                assert!(serde_json::to_string(&m).is_ok());
            }
            (Err(_), Err(_)) => {}
            _ => panic!("message and record disagree on accepting the entry"),
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Inputs run (each through the DER walk, parse_certificate and parse_tbs).
    pub executions: u64,
    /// Of those, how many parse_certificate accepted.
    pub certificates_ok: u64,
    /// How many parse_tbs accepted.
    pub tbs_ok: u64,
    pub elapsed: Duration,
    /// Slowest single input, and the input.
    pub slowest: Duration,
    pub slowest_input: Vec<u8>,
}

thread_local! {
    /// The input being checked, for the panic hook (release builds abort on panic).
    static CURRENT: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Print the input being checked when anything panics (installed by `main`).
fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        CURRENT.with(|c| {
            if let Ok(c) = c.try_borrow() {
                eprintln!("fuzz_x509: panic on input {}", der::hex_lower(&c));
            }
        });
        default(info);
    }));
}

/// Run `iterations` mutated inputs from `seed`. Panics (after printing the input) on a
/// parser panic or a broken invariant.
pub fn run(iterations: u64, seed: u64) -> Stats {
    let corpus = seed_corpus();
    let headers: Vec<Vec<usize>> = corpus.iter().map(|c| header_offsets(c)).collect();
    let mut rng = Rng::new(seed);
    let mut stats = Stats::default();
    let start = Instant::now();
    let mut buf = Vec::new();
    for _ in 0..iterations {
        let k = rng.below(corpus.len());
        buf.clear();
        buf.extend_from_slice(&corpus[k]);
        for _ in 0..1 + rng.below(4) {
            mutate_once(&mut rng, &mut buf, &headers[k], &corpus);
        }
        CURRENT.with(|c| {
            let mut c = c.borrow_mut();
            c.clear();
            c.extend_from_slice(&buf);
        });
        let t0 = Instant::now();
        let outcome = std::panic::catch_unwind(|| {
            check(&buf);
            (
                x509::parse_certificate(&buf).is_ok(),
                x509::parse_tbs(&buf).is_ok(),
            )
        });
        let dt = t0.elapsed();
        match outcome {
            Ok((c, t)) => {
                stats.certificates_ok += c as u64;
                stats.tbs_ok += t as u64;
            }
            Err(p) => {
                eprintln!(
                    "fuzz_x509: panic on input (seed {seed}, execution {}): {}",
                    stats.executions,
                    der::hex_lower(&buf)
                );
                std::panic::resume_unwind(p);
            }
        }
        if dt > stats.slowest {
            stats.slowest = dt;
            stats.slowest_input = buf.clone();
        }
        stats.executions += 1;
    }
    // Every seed as it is, too.
    for c in &corpus {
        check(c);
    }
    stats.elapsed = start.elapsed();
    stats
}

/// A certificate shaped like a 2026 Let's Encrypt RSA leaf (~1.5 KB): RSA-2048-sized key
/// and signature, KU, EKU, BC, SKI, AKI, AIA, policies, an SCT list, 3 SAN names.
pub fn realistic_certificate() -> Vec<u8> {
    let mut rng = Rng::new(99);
    let mut junk = |n: usize| (0..n).map(|_| rng.next_u64() as u8).collect::<Vec<u8>>();
    let mut b = CertBuilder::le_like(
        "shop.example-store.com",
        &[
            "example-store.com",
            "shop.example-store.com",
            "www.example-store.com",
        ],
    );
    b.spki = sequence(&[
        sequence(&[oid("1.2.840.113549.1.1.1"), null()]),
        bit_string(&junk(270)),
    ]);
    b.signature_algorithm = sequence(&[oid("1.2.840.113549.1.1.11"), null()]);
    b.signature = junk(256);
    let aia = sequence(&[
        sequence(&[
            oid("1.3.6.1.5.5.7.48.1"),
            implicit(6, b"http://r11.o.lencr.org"),
        ]),
        sequence(&[
            oid("1.3.6.1.5.5.7.48.2"),
            implicit(6, b"http://r11.i.lencr.org/"),
        ]),
    ]);
    b.extensions.insert(
        0,
        extension(OID_KEY_USAGE, true, &tlv(BIT_STRING, &[0x05, 0xA0])),
    );
    b.extensions.insert(
        1,
        extension(
            OID_EXT_KEY_USAGE,
            false,
            &sequence(&[oid("1.3.6.1.5.5.7.3.1"), oid("1.3.6.1.5.5.7.3.2")]),
        ),
    );
    let b = b
        .extension("2.5.29.14", false, &octet_string(&junk(20)))
        .extension("2.5.29.35", false, &sequence(&[implicit(0, &junk(20))]))
        .extension("1.3.6.1.5.5.7.1.1", false, &aia)
        .extension(
            "2.5.29.32",
            false,
            &sequence(&[sequence(&[oid("2.23.140.1.2.1")])]),
        )
        .extension(
            "2.5.29.31",
            false,
            &sequence(&[sequence(&[explicit(
                0,
                &explicit(0, &implicit(6, b"http://r11.c.lencr.org/42.crl")),
            )])]),
        )
        .extension(OID_CT_SCT_LIST, false, &octet_string(&junk(360)));
    b.certificate()
}

fn bench() {
    let der = realistic_certificate();
    let p = x509::parse_certificate(&der).expect("realistic certificate parses");
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    let rounds = 200_000u32;
    let mut names = 0usize;
    let t = Instant::now();
    for _ in 0..rounds {
        let p = x509::parse_certificate(std::hint::black_box(&der)).unwrap();
        names += p.all_domains.len();
    }
    let parse = t.elapsed() / rounds;
    let t = Instant::now();
    let mut x = 0u8;
    for _ in 0..rounds {
        x ^= certstreammonitor::x509::fingerprint::sha1(std::hint::black_box(&der))[0];
    }
    let hash = t.elapsed() / rounds;
    let t = Instant::now();
    let tbs = {
        let mut r = &der[..];
        der::read_tlv(&mut r)
            .unwrap()
            .children()
            .next()
            .unwrap()
            .unwrap()
            .raw
    };
    for _ in 0..rounds {
        names += x509::parse_tbs(std::hint::black_box(tbs))
            .unwrap()
            .all_domains
            .len();
    }
    let parse_tbs = t.elapsed() / rounds;
    println!(
        "bench: {}-byte certificate, {} names: parse_certificate {:.2} µs, parse_tbs {:.2} µs, sha1 {:.2} µs ({names} {x})",
        der.len(),
        p.all_domains.len(),
        parse.as_nanos() as f64 / 1000.0,
        parse_tbs.as_nanos() as f64 / 1000.0,
        hash.as_nanos() as f64 / 1000.0
    );
    bench_messages(&der);
}

/// certstream messages (`serve`): a typical RFC 6962 x509 entry (the realistic leaf, one
/// intermediate in extra_data) → `certificate_update`, then serialized full and lite.
fn bench_messages(der: &[u8]) {
    use certstreammonitor::ct::certstream_message::lite;
    use certstreammonitor::ct::entry::parse_rfc6962;
    let intermediate = CertBuilder::le_like("R11", &[])
        .basic_constraints(true)
        .extension(OID_KEY_USAGE, true, &tlv(BIT_STRING, &[0x01, 0x86]))
        .certificate();
    let leaf = merkle_tree_leaf_x509(1_790_000_000_000, der);
    let extra = extra_data_x509(&[&intermediate]);
    let entry = parse_rfc6962(&leaf, &extra).expect("entry parses");
    let log = CtLogLabel {
        description: "Google 'Argon2027h1'".into(),
        url: "https://ct.googleapis.com/logs/us1/argon2027h1/".into(),
    };
    let m = certificate_update(&entry, &log, 384_071_894, 1.8e9).unwrap();
    let (full_len, lite_len) = (
        serde_json::to_vec(&m).unwrap().len(),
        serde_json::to_vec(&lite(&m)).unwrap().len(),
    );
    let rounds = 50_000u32;
    let per = |t: Instant| t.elapsed().as_secs_f64() / rounds as f64;
    let t = Instant::now();
    let mut n = 0usize;
    for i in 0..rounds {
        let m = certificate_update(std::hint::black_box(&entry), &log, i as u64, 1.8e9).unwrap();
        n += m.as_object().map_or(0, |o| o.len());
    }
    let encode = per(t);
    let t = Instant::now();
    for i in 0..rounds {
        let m = certificate_update(std::hint::black_box(&entry), &log, i as u64, 1.8e9).unwrap();
        n += serde_json::to_vec(&m).unwrap().len();
    }
    let full = per(t);
    let t = Instant::now();
    for i in 0..rounds {
        let m = certificate_update(std::hint::black_box(&entry), &log, i as u64, 1.8e9).unwrap();
        n += serde_json::to_vec(&m).unwrap().len() + serde_json::to_vec(&lite(&m)).unwrap().len();
    }
    let both = per(t);
    println!(
        "bench: certstream message of that entry (+1 intermediate, {full_len}-byte full, {lite_len}-byte lite JSON): \
         certificate_update {:.2} µs ({:.0} encodes/s); + full JSON {:.2} µs ({:.0}/s); + full and lite JSON {:.2} µs ({:.0}/s) ({n})",
        encode * 1e6,
        1.0 / encode,
        full * 1e6,
        1.0 / full,
        both * 1e6,
        1.0 / both
    );
}

fn main() {
    // `cargo bench` appends `--bench`.
    let mut args = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .peekable();
    if args.peek().map(String::as_str) == Some("bench") {
        bench();
        return;
    }
    if let Some(dir) = std::env::var_os("FUZZ_WRITE_CORPUS") {
        // Seed files for cargo-fuzz / libFuzzer.
        std::fs::create_dir_all(&dir).expect("create corpus dir");
        for (i, c) in seed_corpus().iter().enumerate() {
            std::fs::write(
                std::path::Path::new(&dir).join(format!("seed{i:02}.der")),
                c,
            )
            .expect("write seed");
        }
        println!("wrote {} seeds", seed_corpus().len());
        return;
    }
    let iterations: u64 = args
        .next()
        .map(|a| a.parse().expect("ITERATIONS must be a number"))
        .unwrap_or(100_000);
    let seed: u64 = args
        .next()
        .map(|a| a.parse().expect("SEED must be a number"))
        .unwrap_or(1);
    install_panic_hook();
    let s = run(iterations, seed);
    if std::env::var_os("FUZZ_SHOW_SLOWEST").is_some() {
        let t = Instant::now();
        for _ in 0..100 {
            check(&s.slowest_input);
        }
        println!(
            "slowest input ({} bytes) re-timed: {:?} per check",
            s.slowest_input.len(),
            t.elapsed() / 100
        );
    }
    let secs = s.elapsed.as_secs_f64();
    println!(
        "fuzz_x509: {} executions (seed {seed}) in {secs:.2} s ({:.0}/s); parse_certificate ok {}, parse_tbs ok {}; slowest input {:?}",
        s.executions,
        s.executions as f64 / secs.max(1e-9),
        s.certificates_ok,
        s.tbs_ok,
        s.slowest
    );
}

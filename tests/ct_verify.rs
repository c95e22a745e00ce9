//! Verification primitives of direct CT mode against real log data and the signing fake
//! logs: RFC 6962 signed tree heads and consistency proofs (Google Argon2025h1),
//! static-ct-api checkpoints (Let's Encrypt Sycamore2026h1/h2), every single-bit change of
//! what they sign rejected; then the loopback logs of `common::ctlog`, whose heads, roots,
//! proofs and log list the crate's code must accept, and whose faults it must catch.
//! Provenance of the real data: tests/data/ct_real/README.md.

mod common;

use certstreammonitor::ct::loglist::{LogKind, LogList};
use certstreammonitor::ct::merkle::{self, MerkleFrontier};
use certstreammonitor::ct::signature::{self, LogKey, SignedTreeHead};
use common::ctlog::{self, Entry, FakeLog};
use common::der::CertBuilder;
use serde_json::Value;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ct_real/");

/// Argon2025h1's key, from Google's all-logs list v78.2 (see the data README).
const ARGON2025H1_KEY: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEIIKh+WdoqOTblJji4WiH5AltIDUzODyvFKrXCBjw/Rab0/98J4LUh7dOJEY7+66+yCNSICuqRAX+VPnV8R1Fmg==";
const ARGON2025H1_LOG_ID: &str = "TnWjJ1yaEMM4W2zU3z9S6x3w4I4bjWnAsfpksWKaOd8=";

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DATA}{name}")).unwrap()
}

fn b64(bytes: &[u8]) -> String {
    common::der::base64(bytes)
}

/// Standard base64 decoding for the test side (RFC 4648 §4), padding required.
fn unb64(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|&c| c != b'=') {
        acc = acc << 6 | A.iter().position(|&a| a == c).expect("base64") as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn argon_key() -> LogKey {
    LogKey::from_base64(ARGON2025H1_KEY).unwrap()
}

fn sth_json(size: u64, ts: u64, root: &[u8], sig: &[u8]) -> Vec<u8> {
    format!(
        "{{\"tree_size\":{size},\"timestamp\":{ts},\"sha256_root_hash\":\"{}\",\"tree_head_signature\":\"{}\"}}",
        b64(root),
        b64(sig)
    )
    .into_bytes()
}

#[test]
fn argon2025h1_signed_tree_heads_verify() {
    let key = argon_key();
    assert_eq!(b64(&key.log_id()), ARGON2025H1_LOG_ID);
    let mut heads = Vec::new();
    for (file, size, ts) in [
        (
            "argon2025h1_sth_1425614114.json",
            1_425_614_114,
            1_751_114_416_696,
        ),
        (
            "argon2025h1_sth_1425633154.json",
            1_425_633_154,
            1_751_189_445_313,
        ),
    ] {
        let sth =
            signature::verify_sth(&key, &read(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!((sth.tree_size, sth.timestamp_ms), (size, ts), "{file}");
        heads.push(sth);
    }
    assert_eq!(
        heads[0].evidence(),
        "tree_size 1425614114 timestamp 1751114416696 (2025-06-28T12:40:16.696Z) root LHtW79pwJohJF5Yn/tyozEroOnho4u3JAGn7WeHSR54="
    );
    // Another log's key does not verify them.
    let other = LogList::embedded().logs[0].key.clone().unwrap();
    assert!(signature::verify_sth(&other, &read("argon2025h1_sth_1425614114.json")).is_err());
}

#[test]
fn argon2025h1_every_bit_flip_of_a_signed_field_fails() {
    let key = argon_key();
    let v: Value = serde_json::from_slice(&read("argon2025h1_sth_1425614114.json")).unwrap();
    let size = v["tree_size"].as_u64().unwrap();
    let ts = v["timestamp"].as_u64().unwrap();
    let root = unb64(v["sha256_root_hash"].as_str().unwrap());
    let sig = unb64(v["tree_head_signature"].as_str().unwrap());
    assert!(signature::verify_sth(&key, &sth_json(size, ts, &root, &sig)).is_ok());
    let mut tried = 0;
    for bit in 0..64 {
        assert!(signature::verify_sth(&key, &sth_json(size ^ 1 << bit, ts, &root, &sig)).is_err());
        assert!(signature::verify_sth(&key, &sth_json(size, ts ^ 1 << bit, &root, &sig)).is_err());
        tried += 2;
    }
    for bit in 0..root.len() * 8 {
        let mut r = root.clone();
        r[bit / 8] ^= 0x80 >> (bit % 8);
        assert!(
            signature::verify_sth(&key, &sth_json(size, ts, &r, &sig)).is_err(),
            "root bit {bit}"
        );
        tried += 1;
    }
    for bit in 0..sig.len() * 8 {
        let mut s = sig.clone();
        s[bit / 8] ^= 0x80 >> (bit % 8);
        assert!(
            signature::verify_sth(&key, &sth_json(size, ts, &root, &s)).is_err(),
            "signature bit {bit}"
        );
        tried += 1;
    }
    assert_eq!(tried, 128 + 256 + sig.len() * 8);
}

#[test]
fn argon2025h1_consistency_proof_verifies() {
    let key = argon_key();
    let a = signature::verify_sth(&key, &read("argon2025h1_sth_1425614114.json")).unwrap();
    let b = signature::verify_sth(&key, &read("argon2025h1_sth_1425633154.json")).unwrap();
    let v: Value =
        serde_json::from_slice(&read("argon2025h1_consistency_1425614114_1425633154.json"))
            .unwrap();
    let proof: Vec<[u8; 32]> = v["consistency"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| unb64(h.as_str().unwrap()).try_into().unwrap())
        .collect();
    assert_eq!(proof.len(), 24);
    merkle::verify_consistency(a.tree_size, &a.root_hash, b.tree_size, &b.root_hash, &proof)
        .unwrap();
    for i in 0..proof.len() {
        for bit in [0, 77, 255] {
            let mut p = proof.clone();
            p[i][bit / 8] ^= 0x80 >> (bit % 8);
            assert!(
                merkle::verify_consistency(
                    a.tree_size,
                    &a.root_hash,
                    b.tree_size,
                    &b.root_hash,
                    &p
                )
                .is_err(),
                "hash {i} bit {bit}"
            );
        }
    }
    assert!(merkle::verify_consistency(
        a.tree_size + 1,
        &a.root_hash,
        b.tree_size,
        &b.root_hash,
        &proof
    )
    .is_err());
    // (The second size is not fully bound by the proof: RFC 9162 §2.1.4.2 shifts away the
    // low bits where it agrees with the first. It is bound by the STH's signature.)
    assert!(merkle::verify_consistency(
        a.tree_size,
        &b.root_hash,
        b.tree_size,
        &a.root_hash,
        &proof
    )
    .is_err());
    assert!(merkle::verify_consistency(
        a.tree_size,
        &a.root_hash,
        b.tree_size,
        &b.root_hash,
        &proof[1..]
    )
    .is_err());
}

/// The log of the embedded list with this description, its key, and its origin (the
/// submission URL without scheme and trailing slash, static-ct-api).
fn tiled_log(description: &str) -> (LogKey, String) {
    let list = LogList::embedded();
    let log = list
        .logs
        .iter()
        .find(|l| l.description == description)
        .unwrap();
    assert_eq!(log.kind, LogKind::Tiled);
    let origin = log
        .submission_url
        .as_deref()
        .unwrap()
        .trim_start_matches("https://")
        .trim_end_matches('/')
        .to_string();
    (log.key.clone().expect("key in the embedded list"), origin)
}

#[test]
fn sycamore_checkpoints_verify_with_the_embedded_lists_keys() {
    for (desc, file, size, ts, origin) in [
        (
            "Let's Encrypt 'Sycamore2026h1'",
            "sycamore2026h1_checkpoint.txt",
            804_475_391,
            1_769_279_856_830,
            "log.sycamore.ct.letsencrypt.org/2026h1",
        ),
        (
            "Let's Encrypt 'Sycamore2026h2'",
            "sycamore2026h2_checkpoint.txt",
            993_762_193,
            1_791_191_759_607,
            "log.sycamore.ct.letsencrypt.org/2026h2",
        ),
    ] {
        let (key, list_origin) = tiled_log(desc);
        assert_eq!(list_origin, origin);
        let text = read(file);
        let sth = signature::verify_checkpoint(&key, Some(origin), &text)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!((sth.tree_size, sth.timestamp_ms), (size, ts), "{file}");
        assert!(signature::verify_checkpoint(&key, None, &text).is_ok());
        assert!(signature::verify_checkpoint(
            &key,
            Some("log.sycamore.ct.letsencrypt.org/2027h1"),
            &text
        )
        .is_err());
        // The other shard's key has no signature line here.
        let (other, _) = tiled_log(if file.contains("h1") {
            "Let's Encrypt 'Sycamore2026h2'"
        } else {
            "Let's Encrypt 'Sycamore2026h1'"
        });
        let e = signature::verify_checkpoint(&other, None, &text).unwrap_err();
        assert!(e.contains("no signature by the log's key"), "{e}");
    }
}

/// The checkpoint split into (origin, size, root, signature lines) and rebuilt.
struct Note {
    origin: String,
    size: String,
    root: Vec<u8>,
    sigs: Vec<(String, Vec<u8>)>,
}

impl Note {
    fn parse(text: &str) -> Note {
        let (body, sigs) = text.split_once("\n\n").unwrap();
        let lines: Vec<&str> = body.lines().collect();
        Note {
            origin: lines[0].into(),
            size: lines[1].into(),
            root: unb64(lines[2]),
            sigs: sigs
                .lines()
                .map(|l| {
                    let (name, s) = l
                        .strip_prefix("\u{2014} ")
                        .unwrap()
                        .split_once(' ')
                        .unwrap();
                    (name.to_string(), unb64(s))
                })
                .collect(),
        }
    }

    fn text(&self) -> String {
        let mut t = format!("{}\n{}\n{}\n\n", self.origin, self.size, b64(&self.root));
        for (name, s) in &self.sigs {
            t += &format!("\u{2014} {name} {}\n", b64(s));
        }
        t
    }
}

#[test]
fn sycamore_every_bit_flip_of_a_signed_field_fails() {
    for (desc, file) in [
        (
            "Let's Encrypt 'Sycamore2026h1'",
            "sycamore2026h1_checkpoint.txt",
        ),
        (
            "Let's Encrypt 'Sycamore2026h2'",
            "sycamore2026h2_checkpoint.txt",
        ),
    ] {
        let (key, _) = tiled_log(desc);
        let text = String::from_utf8(read(file)).unwrap();
        let note = Note::parse(&text);
        assert_eq!(note.text(), text, "{file} rebuilds byte for byte");
        let ours = note
            .sigs
            .iter()
            .position(|(n, s)| {
                *n == note.origin
                    && s.len() > 12
                    && s[..4] == signature::rfc6962_note_key_id(&note.origin, &key.log_id())
            })
            .unwrap();
        let check = |n: &Note| signature::verify_checkpoint(&key, None, n.text().as_bytes());
        assert!(check(&note).is_ok());
        let size: u64 = note.size.parse().unwrap();
        for bit in 0..64 {
            let mut n = Note::parse(&text);
            n.size = (size ^ 1 << bit).to_string();
            assert!(check(&n).is_err(), "{file}: size bit {bit}");
        }
        for bit in 0..256 {
            let mut n = Note::parse(&text);
            n.root[bit / 8] ^= 0x80 >> (bit % 8);
            assert!(check(&n).is_err(), "{file}: root bit {bit}");
        }
        // The signature line: key ID (4 bytes), timestamp (8), DigitallySigned.
        let sig_bits = note.sigs[ours].1.len() * 8;
        for bit in 0..sig_bits {
            let mut n = Note::parse(&text);
            n.sigs[ours].1[bit / 8] ^= 0x80 >> (bit % 8);
            assert!(check(&n).is_err(), "{file}: signature line bit {bit}");
        }
        // The origin names the key: a changed origin finds no signature.
        let mut n = Note::parse(&text);
        n.origin.push('x');
        assert!(check(&n).is_err());
    }
}

#[test]
fn frontier_from_a_last_leaf_proof_against_a_signed_head() {
    // The fake log's signed root, its audit path of the last leaf and the crate's frontier.
    let entries: Vec<Entry> = (0..13)
        .map(|i| Entry::x509(&CertBuilder::new().dns_names(&[&format!("leaf{i}.example")])))
        .collect();
    let log = FakeLog::rfc6962(entries.clone());
    let leaves: Vec<[u8; 32]> = entries
        .iter()
        .map(|e| ctlog::leaf_hash(&e.leaf_input()))
        .collect();
    let root = log.tree_root();
    assert_eq!(root, ctlog::mth(&leaves));
    let path = ctlog::audit_path(12, &leaves);
    let f = MerkleFrontier::from_last_leaf_proof(
        13,
        merkle::leaf_hash(&entries[12].leaf_input()),
        &path,
        &root,
    )
    .unwrap();
    assert_eq!(f.root(), root);
}

fn get(url: &str) -> (u16, Vec<u8>) {
    let mut resp = ureq::get(url)
        .config()
        .http_status_as_error(false)
        .build()
        .call()
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_to_vec().unwrap())
}

fn key_of(log: &FakeLog) -> LogKey {
    LogKey::from_der(&log.spki_der()).unwrap()
}

#[test]
fn fake_rfc6962_log_signs_real_roots_and_serves_proofs() {
    let entries: Vec<Entry> = (0..37)
        .map(|i| {
            let b = CertBuilder::new().dns_names(&[&format!("signed{i}.example")]);
            if i % 3 == 0 {
                Entry::precert(&b)
            } else {
                Entry::x509(&b)
            }
        })
        .collect();
    let log = FakeLog::rfc6962(entries.clone());
    let key = key_of(&log);
    assert_eq!(b64(&key.log_id()), log.list_log_id());

    // get-sth verifies, and its root is the one the crate computes from the served entries.
    let (status, body) = get(&format!("{}ct/v1/get-sth", log.url()));
    assert_eq!(status, 200);
    let sth = signature::verify_sth(&key, &body).unwrap();
    assert_eq!(sth.tree_size, 37);
    let served = served_leaves(&log, 0, 36);
    let mut f = MerkleFrontier::new();
    for leaf in &served {
        f.append(merkle::leaf_hash(leaf)).unwrap();
    }
    assert_eq!(f.root(), sth.root_hash);

    // A smaller published size, then consistency to the full tree.
    log.state().published = Some(20);
    let old = signature::verify_sth(&key, &get(&format!("{}ct/v1/get-sth", log.url())).1).unwrap();
    assert_eq!(old.tree_size, 20);
    log.state().published = None;
    let (status, body) = get(&format!(
        "{}ct/v1/get-sth-consistency?first=20&second=37",
        log.url()
    ));
    assert_eq!(status, 200);
    let proof = hashes(&body, "consistency");
    merkle::verify_consistency(20, &old.root_hash, 37, &sth.root_hash, &proof).unwrap();

    // get-entry-and-proof of the last leaf builds the frontier at 37.
    let (status, body) = get(&format!(
        "{}ct/v1/get-entry-and-proof?leaf_index=36&tree_size=37",
        log.url()
    ));
    assert_eq!(status, 200);
    let v: Value = serde_json::from_slice(&body).unwrap();
    let leaf = unb64(v["leaf_input"].as_str().unwrap());
    let path = hashes(&body, "audit_path");
    let g =
        MerkleFrontier::from_last_leaf_proof(37, merkle::leaf_hash(&leaf), &path, &sth.root_hash)
            .unwrap();
    assert_eq!(g, f);

    // bad_signature: the head no longer verifies.
    log.state().bad_signature = true;
    let e =
        signature::verify_sth(&key, &get(&format!("{}ct/v1/get-sth", log.url())).1).unwrap_err();
    assert!(e.contains("does not verify"), "{e}");
    log.state().bad_signature = false;

    // tamper: entry 5 is served changed; the signed root still covers the original.
    log.state().tamper = Some(5);
    let again =
        signature::verify_sth(&key, &get(&format!("{}ct/v1/get-sth", log.url())).1).unwrap();
    assert_eq!(again, sth);
    let tampered = served_leaves(&log, 0, 36);
    assert_ne!(tampered[5], served[5]);
    assert_eq!(tampered.len(), 37);
    assert!((0..37)
        .filter(|&i| i != 5)
        .all(|i| tampered[i] == served[i]));
    let mut f = MerkleFrontier::new();
    for leaf in &tampered {
        f.append(merkle::leaf_hash(leaf)).unwrap();
    }
    assert_ne!(
        f.root(),
        sth.root_hash,
        "the tampered entry does not match the signed root"
    );
}

fn served_leaves(log: &FakeLog, start: u64, end: u64) -> Vec<Vec<u8>> {
    let (status, body) = get(&format!(
        "{}ct/v1/get-entries?start={start}&end={end}",
        log.url()
    ));
    assert_eq!(status, 200);
    let v: Value = serde_json::from_slice(&body).unwrap();
    v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| unb64(e["leaf_input"].as_str().unwrap()))
        .collect()
}

fn hashes(body: &[u8], field: &str) -> Vec<[u8; 32]> {
    let v: Value = serde_json::from_slice(body).unwrap();
    v[field]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| unb64(h.as_str().unwrap()).try_into().unwrap())
        .collect()
}

#[test]
fn fake_tiled_log_signs_checkpoints() {
    let entries: Vec<Entry> = (0..300)
        .map(|i| Entry::x509(&CertBuilder::new().dns_names(&[&format!("tile{i}.example")])))
        .collect();
    let log = FakeLog::tiled(entries.clone());
    let key = key_of(&log);
    assert_eq!(log.origin(), format!("127.0.0.1:{}/log", log.port));
    let (status, text) = get(&format!("{}checkpoint", log.url()));
    assert_eq!(status, 200);
    let sth: SignedTreeHead =
        signature::verify_checkpoint(&key, Some(&log.origin()), &text).unwrap();
    assert_eq!(sth.tree_size, 300);
    // static-ct-api leaves carry the leaf_index extension: the tile form, not leaf_input.
    let leaves: Vec<[u8; 32]> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| merkle::leaf_hash(&e.tile_merkle_leaf(i as u64)))
        .collect();
    let mut f = MerkleFrontier::new();
    for h in &leaves {
        f.append(*h).unwrap();
    }
    assert_eq!(f.root(), sth.root_hash);

    log.state().bad_signature = true;
    let (_, text) = get(&format!("{}checkpoint", log.url()));
    assert!(signature::verify_checkpoint(&key, Some(&log.origin()), &text).is_err());
    log.state().bad_signature = false;

    // tamper changes the served tile leaf, not the checkpoint.
    let (_, before) = get(&format!("{}tile/data/000", log.url()));
    log.state().tamper = Some(7);
    let (_, after) = get(&format!("{}tile/data/000", log.url()));
    assert_ne!(before, after);
    assert_eq!(before.len(), after.len());
    let (_, text) = get(&format!("{}checkpoint", log.url()));
    assert_eq!(
        signature::verify_checkpoint(&key, None, &text).unwrap(),
        sth
    );
}

#[test]
fn fake_log_list_names_the_logs_with_their_keys() {
    let rfc = FakeLog::rfc6962(vec![]);
    let tiled = FakeLog::tiled(vec![]);
    let json = ctlog::log_list_json(&[&rfc, &tiled]);
    let list = LogList::parse(json.as_bytes()).unwrap();
    assert!(list.warnings.is_empty(), "{:?}", list.warnings);
    assert_eq!(list.logs.len(), 2);
    let now = certstreammonitor::clock::now_unix();
    assert!(!list.is_stale(now));
    for (fake, kind) in [(&rfc, LogKind::Rfc6962), (&tiled, LogKind::Tiled)] {
        let got = list.select(&fake.url(), now).unwrap();
        assert_eq!(got.len(), 1);
        let log = &got[0];
        assert_eq!(log.kind, kind);
        assert_eq!(log.log_id, fake.list_log_id());
        assert_eq!(log.key.as_ref().unwrap().der(), &fake.spki_der()[..]);
        assert_eq!(log.url, fake.url());
    }
    // An empty log signs the empty tree.
    let sth = signature::verify_sth(
        &key_of(&rfc),
        &get(&format!("{}ct/v1/get-sth", rfc.url())).1,
    )
    .unwrap();
    assert_eq!((sth.tree_size, sth.root_hash), (0, merkle::empty_root()));
}

/// Hostile bytes: every byte of the real heads replaced or cut never panics, and no
/// mutation of a signed byte verifies. Bounded: a few tens of thousands of calls.
#[test]
fn mutated_real_heads_never_panic() {
    let (key, origin) = tiled_log("Let's Encrypt 'Sycamore2026h2'");
    let good = read("sycamore2026h2_checkpoint.txt");
    let body_len = good.windows(2).position(|w| w == b"\n\n").unwrap() + 1;
    // The log's RFC6962NoteSignature is the last line.
    let own_start = good[..good.len() - 1]
        .iter()
        .rposition(|&b| b == b'\n')
        .unwrap()
        + 1;
    let own_line = own_start..good.len();
    let mut verified = 0;
    for i in 0..good.len() {
        for v in [0x00, b'\n', b' ', 0xFF, 0xE2, b'=', b'A', good[i] ^ 0x01] {
            if v == good[i] {
                continue;
            }
            let mut m = good.clone();
            m[i] = v;
            if signature::verify_checkpoint(&key, Some(&origin), &m).is_ok() {
                verified += 1;
                // Only bytes outside the signed body and the log's own line may change.
                assert!(
                    i >= body_len,
                    "byte {i} of the body changed to {v:#x} and verified"
                );
                assert!(
                    !own_line.contains(&i),
                    "byte {i} of the log's signature line changed to {v:#x} and verified"
                );
            }
        }
        let _ = signature::verify_checkpoint(&key, Some(&origin), &good[..i]);
    }
    println!("sycamore2026h2: {verified} mutations outside the signed part still verify");
    let key = argon_key();
    let sth = read("argon2025h1_sth_1425614114.json");
    for i in 0..sth.len() {
        for v in [b'"', b'0', b'-', b'{', 0xFF, sth[i] ^ 0x01] {
            let mut m = sth.clone();
            m[i] = v;
            let _ = signature::verify_sth(&key, &m);
        }
        let _ = signature::verify_sth(&key, &sth[..i]);
    }
    // Frontier rows from a DB: any bytes.
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    for len in 0..300 {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        if let Ok(f) = MerkleFrontier::from_bytes(&bytes) {
            assert_eq!(f.to_bytes(), bytes);
            let _ = f.root();
        }
    }
}

/// A static-ct-api monitor starting mid-log builds the frontier from hash tiles
/// (c2sp.org/tlog-tiles) and checks it against the signed checkpoint root.
#[test]
fn frontier_from_the_fake_tiled_logs_hash_tiles() {
    let entries: Vec<Entry> = (0..300)
        .map(|i| Entry::x509(&CertBuilder::new().dns_names(&[&format!("h{i}.example")])))
        .collect();
    let log = FakeLog::tiled(entries);
    let key = key_of(&log);
    let sth = signature::verify_checkpoint(&key, None, &get(&format!("{}checkpoint", log.url())).1)
        .unwrap();
    assert_eq!(sth.tree_size, 300);
    let tile = |level: u32, n: u64, width: u64| -> Vec<[u8; 32]> {
        let path = if width < 256 {
            format!("tile/{level}/{}.p/{width}", ctlog::tile_index_path(n))
        } else {
            format!("tile/{level}/{}", ctlog::tile_index_path(n))
        };
        let (status, body) = get(&format!("{}{path}", log.url()));
        assert_eq!(status, 200, "{path}");
        assert_eq!(body.len() as u64, 32 * width, "{path}");
        body.chunks(32).map(|c| c.try_into().unwrap()).collect()
    };
    // Level 0 holds leaf hashes, level 1 the roots of 256-leaf subtrees.
    let level0 = [tile(0, 0, 256), tile(0, 1, 44)].concat();
    let level1 = tile(1, 0, 1);
    let mut roots = Vec::new();
    for (h, start) in merkle::frontier_subtrees(300) {
        let (hashes, first) = if h >= 8 {
            (&level1, start >> 8)
        } else {
            (&level0, start)
        };
        let count = 1usize << (h % 8);
        let first = first as usize;
        roots.push(merkle::perfect_root(&hashes[first..first + count]).unwrap());
    }
    let f = MerkleFrontier::from_subtree_roots(300, &roots).unwrap();
    assert_eq!(f.root(), sth.root_hash);
    // Missing or too-wide tiles are 404.
    assert_eq!(get(&format!("{}tile/1/000", log.url())).0, 404);
    assert_eq!(get(&format!("{}tile/0/001.p/45", log.url())).0, 404);
}

//! Signed tree heads of Certificate Transparency logs: the log's public key, RFC 6962
//! `get-sth` answers and static-ct-api checkpoints.
//!
//! A log signs each tree head it publishes: the tree size, a timestamp and the Merkle root
//! (RFC 6962 §3.5, the `TreeHeadSignature` structure). A tree head that verifies under the
//! key from the log list is something the log cannot deny later, which is what turns "the
//! log served something odd" into evidence of misbehaviour.
//!
//! * RFC 6962 logs answer `get-sth` (§4.3) with JSON carrying the fields and a
//!   `DigitallySigned` signature (RFC 5246 §4.7: hash algorithm, signature algorithm,
//!   length-prefixed signature) over the `TreeHeadSignature`.
//! * static-ct-api (c2sp.org/static-ct-api) logs publish a checkpoint
//!   (c2sp.org/tlog-checkpoint): a C2SP signed note (c2sp.org/signed-note) whose body is
//!   origin, tree size and base64 root. The log's own signature line is an
//!   `RFC6962NoteSignature`: key ID = first 4 bytes of
//!   `SHA-256(key name || 0x0A || 0x05 || log_id)`, then the u64 timestamp and the same
//!   `DigitallySigned` over the same `TreeHeadSignature`. The key name is the origin.
//!   Other lines (witness cosignatures, Ed25519 note keys, grease) are skipped.
//!
//! Keys come from the log list's `key` field (base64 DER SubjectPublicKeyInfo); the log's
//! ID is the SHA-256 of that DER (RFC 6962 §3.2). CT logs use ECDSA P-256 or RSA, both with
//! SHA-256 (RFC 6962 §2.1.4); nothing else is accepted.

use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Public};
use openssl::sha::{sha256, Sha256};
use openssl::sign::Verifier;
use serde_json::Value;

use crate::net::base64;

/// Largest checkpoint text accepted: real ones are a few KB (Let's Encrypt's carry a
/// 2.4 KB post-quantum witness line).
pub const MAX_CHECKPOINT_LEN: usize = 64 * 1024;

/// Most signature lines looked at (c2sp.org/signed-note lets verifiers stop at 100).
pub const MAX_NOTE_SIGNATURES: usize = 100;

/// Largest `get-sth` body accepted.
pub const MAX_STH_LEN: usize = 64 * 1024;

/// The signature algorithm of a log key (RFC 5246 §7.4.1.4.1 `SignatureAlgorithm`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// ECDSA over NIST P-256 with SHA-256 (`ecdsa`, 3).
    EcdsaP256,
    /// RSA PKCS#1 v1.5 with SHA-256 (`rsa`, 1).
    Rsa,
}

impl KeyType {
    fn signature_algorithm(self) -> u8 {
        match self {
            KeyType::EcdsaP256 => 3,
            KeyType::Rsa => 1,
        }
    }
}

/// A CT log's public key, parsed once.
#[derive(Clone)]
pub struct LogKey {
    der: Vec<u8>,
    log_id: [u8; 32],
    kind: KeyType,
    pkey: PKey<Public>,
}

impl std::fmt::Debug for LogKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "LogKey({:?}, log_id {})",
            self.kind,
            base64::encode(&self.log_id)
        )
    }
}

impl PartialEq for LogKey {
    fn eq(&self, other: &LogKey) -> bool {
        self.der == other.der
    }
}

impl LogKey {
    /// A DER SubjectPublicKeyInfo: an EC key on P-256, or an RSA key of 2048 bits or more.
    pub fn from_der(der: &[u8]) -> Result<LogKey, String> {
        let pkey = PKey::public_key_from_der(der)
            .map_err(|_| "log key is not a DER SubjectPublicKeyInfo".to_string())?;
        let kind = match pkey.id() {
            Id::EC => {
                let ec = pkey.ec_key().map_err(|e| format!("log key: {e}"))?;
                if ec.group().curve_name() != Some(Nid::X9_62_PRIME256V1) {
                    return Err("log key is an EC key on a curve other than P-256".into());
                }
                KeyType::EcdsaP256
            }
            Id::RSA => {
                if pkey.bits() < 2048 {
                    return Err(format!("log key is a {}-bit RSA key", pkey.bits()));
                }
                KeyType::Rsa
            }
            _ => return Err("log key is neither ECDSA P-256 nor RSA".into()),
        };
        Ok(LogKey {
            der: der.to_vec(),
            log_id: sha256(der),
            kind,
            pkey,
        })
    }

    /// The log list's `key` field: base64 of the DER SubjectPublicKeyInfo.
    pub fn from_base64(b64: &str) -> Result<LogKey, String> {
        let der = base64::decode(b64.trim().as_bytes())
            .map_err(|e| format!("log key is not base64: {e}"))?;
        LogKey::from_der(&der)
    }

    /// The log's ID: SHA-256 of the DER key (RFC 6962 §3.2).
    pub fn log_id(&self) -> [u8; 32] {
        self.log_id
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }

    pub fn kind(&self) -> KeyType {
        self.kind
    }

    /// Check a `DigitallySigned` (RFC 5246 §4.7) over `message`: hash algorithm sha256 (4),
    /// this key's signature algorithm, a u16 length, then exactly that many bytes.
    pub fn verify_digitally_signed(&self, message: &[u8], ds: &[u8]) -> Result<(), String> {
        let [hash, sig_alg, l0, l1, sig @ ..] = ds else {
            return Err(format!("signature of {} bytes is too short", ds.len()));
        };
        if *hash != 4 {
            return Err(format!("signature hash algorithm {hash} is not sha256 (4)"));
        }
        if *sig_alg != self.kind.signature_algorithm() {
            return Err(format!(
                "signature algorithm {sig_alg} does not match the log's {:?} key",
                self.kind
            ));
        }
        let len = u16::from_be_bytes([*l0, *l1]) as usize;
        if sig.len() != len {
            return Err(format!(
                "signature length field says {len} bytes, {} follow",
                sig.len()
            ));
        }
        let mut v = Verifier::new(MessageDigest::sha256(), &self.pkey)
            .map_err(|e| format!("signature check: {e}"))?;
        match v.verify_oneshot(sig, message) {
            Ok(true) => Ok(()),
            // A malformed ECDSA DER signature is an OpenSSL error: a bad signature all the same.
            Ok(false) | Err(_) => Err("signature does not verify under the log's key".into()),
        }
    }
}

/// A tree head whose signature verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedTreeHead {
    pub tree_size: u64,
    /// Milliseconds since the Unix epoch, as signed.
    pub timestamp_ms: u64,
    pub root_hash: [u8; 32],
}

impl SignedTreeHead {
    /// RFC 6962 §3.5 `TreeHeadSignature`: version v1 (0), signature_type tree_hash (1),
    /// timestamp, tree_size, sha256_root_hash. What both STHs and checkpoints sign.
    pub fn signed_bytes(&self) -> [u8; 50] {
        let mut out = [0u8; 50];
        out[0] = 0;
        out[1] = 1;
        out[2..10].copy_from_slice(&self.timestamp_ms.to_be_bytes());
        out[10..18].copy_from_slice(&self.tree_size.to_be_bytes());
        out[18..].copy_from_slice(&self.root_hash);
        out
    }

    /// One line for a MISBEHAVING LOG report: size, timestamp (ms and UTC) and root.
    pub fn evidence(&self) -> String {
        let t = crate::clock::utc((self.timestamp_ms / 1000) as i64);
        format!(
            "tree_size {} timestamp {} ({}.{:03}Z) root {}",
            self.tree_size,
            self.timestamp_ms,
            t.iso(),
            self.timestamp_ms % 1000,
            base64::encode(&self.root_hash)
        )
    }
}

/// Parse an RFC 6962 §4.3 `get-sth` answer and verify its `tree_head_signature` under
/// `key` (RFC 6962 §3.5). Any missing, mistyped or malformed field is an error.
pub fn verify_sth(key: &LogKey, json_body: &[u8]) -> Result<SignedTreeHead, String> {
    if json_body.len() > MAX_STH_LEN {
        return Err(format!("get-sth answer of {} bytes", json_body.len()));
    }
    let v: Value = serde_json::from_slice(json_body)
        .map_err(|e| format!("get-sth answer is not JSON: {e}"))?;
    let num = |name: &str| -> Result<u64, String> {
        v.get(name)
            .and_then(Value::as_u64)
            .ok_or_else(|| format!("get-sth: \"{name}\" is not a non-negative integer"))
    };
    let b64 = |name: &str| -> Result<Vec<u8>, String> {
        let s = v
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("get-sth: \"{name}\" is not a string"))?;
        base64::decode(s.as_bytes()).map_err(|e| format!("get-sth: \"{name}\": {e}"))
    };
    let tree_size = num("tree_size")?;
    let timestamp_ms = num("timestamp")?;
    let root = b64("sha256_root_hash")?;
    let root_hash: [u8; 32] = root.as_slice().try_into().map_err(|_| {
        format!(
            "get-sth: \"sha256_root_hash\" is {} bytes, not 32",
            root.len()
        )
    })?;
    let sig = b64("tree_head_signature")?;
    let sth = SignedTreeHead {
        tree_size,
        timestamp_ms,
        root_hash,
    };
    key.verify_digitally_signed(&sth.signed_bytes(), &sig)
        .map_err(|e| format!("get-sth: {e}"))?;
    Ok(sth)
}

/// The key ID of an `RFC6962NoteSignature` key named `name` (static-ct-api):
/// `SHA-256(name || 0x0A || 0x05 || log_id)[:4]`.
pub fn rfc6962_note_key_id(name: &str, log_id: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(&[0x0A, 0x05]);
    h.update(log_id);
    let d = h.finish();
    [d[0], d[1], d[2], d[3]]
}

/// Parse a static-ct-api checkpoint (c2sp.org/tlog-checkpoint, a c2sp.org/signed-note) and
/// verify the log's `RFC6962NoteSignature` under `key`. The origin (first line) must equal
/// `origin` when given; the signing key's name must be the origin. Extension lines after
/// the root are allowed and not interpreted. Signature lines of other keys are ignored;
/// none by this key is the error "no signature by the log's key". A line by this key that
/// does not verify is an error even if another one does not exist.
pub fn verify_checkpoint(
    key: &LogKey,
    origin: Option<&str>,
    text: &[u8],
) -> Result<SignedTreeHead, String> {
    if text.len() > MAX_CHECKPOINT_LEN {
        return Err(format!("checkpoint of {} bytes", text.len()));
    }
    let text = std::str::from_utf8(text).map_err(|_| "checkpoint is not UTF-8".to_string())?;
    // signed-note: the body, a blank line, then signature lines; the text ends with '\n'.
    let split = text
        .find("\n\n")
        .ok_or("checkpoint has no blank line before its signatures")?;
    let (body, sigs) = (&text[..split + 1], &text[split + 2..]);
    if !sigs.ends_with('\n') {
        return Err("checkpoint does not end with a newline".into());
    }
    let mut lines = body[..body.len() - 1].split('\n');
    let (Some(note_origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next())
    else {
        return Err("checkpoint body has fewer than three lines (origin, size, root)".into());
    };
    if note_origin.is_empty() {
        return Err("checkpoint origin is empty".into());
    }
    if let Some(want) = origin {
        if note_origin != want {
            return Err(format!(
                "checkpoint origin {note_origin:?} is not the log's {want:?}"
            ));
        }
    }
    // tlog-checkpoint: decimal, no leading zeros.
    if size.is_empty()
        || !size.bytes().all(|b| b.is_ascii_digit())
        || (size.len() > 1 && size.starts_with('0'))
    {
        return Err(format!(
            "checkpoint tree size {size:?} is not a decimal number"
        ));
    }
    let tree_size: u64 = size
        .parse()
        .map_err(|_| format!("checkpoint tree size {size:?} does not fit 64 bits"))?;
    let root_bytes =
        base64::decode(root.as_bytes()).map_err(|e| format!("checkpoint root hash: {e}"))?;
    let root_hash: [u8; 32] = root_bytes
        .as_slice()
        .try_into()
        .map_err(|_| format!("checkpoint root hash is {} bytes, not 32", root_bytes.len()))?;
    if base64::encode(&root_hash) != root {
        return Err("checkpoint root hash is not canonical base64".into());
    }

    let want_id = rfc6962_note_key_id(note_origin, &key.log_id);
    // c2sp.org/signed-note: each line is "— name signature\n", the name non-empty without
    // spaces or '+', the signature base64. Check the framing of every line before trusting
    // any of them; at most MAX_NOTE_SIGNATURES lines.
    let lines: Vec<&str> = sigs[..sigs.len() - 1].split('\n').collect();
    if lines.len() > MAX_NOTE_SIGNATURES {
        return Err(format!(
            "checkpoint has {} signature lines, more than {MAX_NOTE_SIGNATURES}",
            lines.len()
        ));
    }
    let mut ours = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let framed = line.strip_prefix("\u{2014} ").and_then(|rest| {
            let (name, sig) = rest.split_once(' ')?;
            let ok = !name.is_empty()
                && !name.contains(['+', '\r', '\t'])
                && !sig.is_empty()
                && sig
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
            ok.then_some((name, sig))
        });
        let Some((name, sig_b64)) = framed else {
            return Err(format!(
                "checkpoint signature line {} is not \"\u{2014} name base64\"",
                i + 1
            ));
        };
        if name == note_origin {
            ours.push(sig_b64);
        }
    }
    let mut last_error = None;
    for sig_b64 in ours {
        let Ok(sig) = base64::decode(sig_b64.as_bytes()) else {
            continue;
        };
        let [id0, id1, id2, id3, rest @ ..] = sig.as_slice() else {
            continue;
        };
        if [*id0, *id1, *id2, *id3] != want_id {
            continue;
        }
        let Some((ts, ds)) = rest.split_first_chunk::<8>() else {
            last_error = Some("the log's signature line is too short for a timestamp".into());
            continue;
        };
        let sth = SignedTreeHead {
            tree_size,
            timestamp_ms: u64::from_be_bytes(*ts),
            root_hash,
        };
        match key.verify_digitally_signed(&sth.signed_bytes(), ds) {
            Ok(()) => return Ok(sth),
            Err(e) => last_error = Some(e),
        }
    }
    Err(match last_error {
        Some(e) => format!("checkpoint: {e}"),
        None => format!("checkpoint {note_origin:?}: no signature by the log's key"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::ec::{EcGroup, EcKey};
    use openssl::pkey::Private;
    use openssl::rsa::Rsa;
    use openssl::sign::Signer;

    fn p256() -> PKey<Private> {
        let g = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        PKey::from_ec_key(EcKey::generate(&g).unwrap()).unwrap()
    }

    fn digitally_signed(k: &PKey<Private>, alg: u8, msg: &[u8]) -> Vec<u8> {
        let mut s = Signer::new(MessageDigest::sha256(), k).unwrap();
        let sig = s.sign_oneshot_to_vec(msg).unwrap();
        let mut out = vec![4, alg];
        out.extend((sig.len() as u16).to_be_bytes());
        out.extend(sig);
        out
    }

    fn sth_json(sth: &SignedTreeHead, ds: &[u8]) -> Vec<u8> {
        format!(
            "{{\"tree_size\":{},\"timestamp\":{},\"sha256_root_hash\":\"{}\",\"tree_head_signature\":\"{}\"}}",
            sth.tree_size,
            sth.timestamp_ms,
            base64::encode(&sth.root_hash),
            base64::encode(ds)
        )
        .into_bytes()
    }

    #[test]
    fn keys_ecdsa_rsa_and_others() {
        let ec = p256();
        let der = ec.public_key_to_der().unwrap();
        let k = LogKey::from_der(&der).unwrap();
        assert_eq!(k.kind(), KeyType::EcdsaP256);
        assert_eq!(k.log_id(), sha256(&der));
        assert_eq!(LogKey::from_base64(&base64::encode(&der)).unwrap(), k);
        let rsa = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
        let k = LogKey::from_der(&rsa.public_key_to_der().unwrap()).unwrap();
        assert_eq!(k.kind(), KeyType::Rsa);
        let small = PKey::from_rsa(Rsa::generate(1024).unwrap()).unwrap();
        assert!(LogKey::from_der(&small.public_key_to_der().unwrap()).is_err());
        let p384 = EcGroup::from_curve_name(Nid::SECP384R1).unwrap();
        let p384 = PKey::from_ec_key(EcKey::generate(&p384).unwrap()).unwrap();
        assert!(LogKey::from_der(&p384.public_key_to_der().unwrap()).is_err());
        let ed = PKey::generate_ed25519().unwrap();
        assert!(LogKey::from_der(&ed.public_key_to_der().unwrap()).is_err());
        for cut in 0..der.len() {
            assert!(LogKey::from_der(&der[..cut]).is_err());
        }
        assert!(LogKey::from_base64("AAAA").is_err());
        assert!(LogKey::from_base64("not base64!").is_err());
    }

    #[test]
    fn sth_ecdsa_and_rsa_round_trip_and_tampering() {
        let sth = SignedTreeHead {
            tree_size: 1234,
            timestamp_ms: 1_790_000_000_123,
            root_hash: [0x5a; 32],
        };
        for (k, alg) in [
            (p256(), 3u8),
            (PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap(), 1u8),
        ] {
            let key = LogKey::from_der(&k.public_key_to_der().unwrap()).unwrap();
            let ds = digitally_signed(&k, alg, &sth.signed_bytes());
            assert_eq!(verify_sth(&key, &sth_json(&sth, &ds)).unwrap(), sth);
            // The other algorithm number, the wrong hash, a bad length.
            let mut bad = ds.clone();
            bad[1] = 4 - alg;
            assert!(verify_sth(&key, &sth_json(&sth, &bad)).is_err());
            let mut bad = ds.clone();
            bad[0] = 2;
            assert!(verify_sth(&key, &sth_json(&sth, &bad)).is_err());
            let mut bad = ds.clone();
            bad[3] ^= 1;
            assert!(verify_sth(&key, &sth_json(&sth, &bad)).is_err());
            let mut other = sth;
            other.tree_size += 1;
            assert!(verify_sth(&key, &sth_json(&other, &ds)).is_err());
        }
    }

    #[test]
    fn hostile_sth_bodies_are_errors() {
        let k = p256();
        let key = LogKey::from_der(&k.public_key_to_der().unwrap()).unwrap();
        for body in [
            &b""[..],
            b"[]",
            b"{}",
            b"{\"tree_size\":-1,\"timestamp\":1,\"sha256_root_hash\":\"\",\"tree_head_signature\":\"\"}",
            b"{\"tree_size\":1,\"timestamp\":1.5,\"sha256_root_hash\":\"\",\"tree_head_signature\":\"\"}",
            b"{\"tree_size\":1,\"timestamp\":1,\"sha256_root_hash\":\"AAAA\",\"tree_head_signature\":\"BAMAAA==\"}",
            b"{\"tree_size\":1,\"timestamp\":1,\"sha256_root_hash\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"tree_head_signature\":\"BAMAAA==\"}",
            b"{\"tree_size\":1,\"timestamp\":1,\"sha256_root_hash\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"tree_head_signature\":\"BA==\"}",
            b"{\"tree_size\":1,\"timestamp\":1,\"sha256_root_hash\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"tree_head_signature\":\"BAMAAjAA\"}",
        ] {
            assert!(verify_sth(&key, body).is_err(), "{}", String::from_utf8_lossy(body));
        }
        let huge = vec![b' '; MAX_STH_LEN + 1];
        assert!(verify_sth(&key, &huge).is_err());
    }

    #[test]
    fn checkpoints_signed_here() {
        let k = p256();
        let key = LogKey::from_der(&k.public_key_to_der().unwrap()).unwrap();
        let origin = "127.0.0.1:9/log";
        let sth = SignedTreeHead {
            tree_size: 77,
            timestamp_ms: 1_790_000_000_000,
            root_hash: [3; 32],
        };
        let mut sig = rfc6962_note_key_id(origin, &key.log_id()).to_vec();
        sig.extend(sth.timestamp_ms.to_be_bytes());
        sig.extend(digitally_signed(&k, 3, &sth.signed_bytes()));
        let note = |body: &str, lines: &[String]| {
            let mut t = format!("{body}\n");
            for l in lines {
                t += &format!("\u{2014} {l}\n");
            }
            t
        };
        let body = format!("{origin}\n77\n{}\n", base64::encode(&[3; 32]));
        let ours = format!("{origin} {}", base64::encode(&sig));
        let grease = "grease.invalid AAECAwQFBgc=".to_string();
        let good = note(&body, &[grease.clone(), ours.clone()]);
        assert_eq!(
            verify_checkpoint(&key, Some(origin), good.as_bytes()).unwrap(),
            sth
        );
        assert_eq!(verify_checkpoint(&key, None, good.as_bytes()).unwrap(), sth);
        assert!(verify_checkpoint(&key, Some("127.0.0.1:9/other"), good.as_bytes()).is_err());
        // Extension lines in the body are allowed.
        let ext = format!(
            "{origin}\n77\n{}\nextension line\n",
            base64::encode(&[3; 32])
        );
        assert!(verify_checkpoint(
            &key,
            None,
            note(&ext, std::slice::from_ref(&ours)).as_bytes()
        )
        .is_ok());
        // No signature by this key.
        let e = verify_checkpoint(
            &key,
            None,
            note(&body, std::slice::from_ref(&grease)).as_bytes(),
        )
        .unwrap_err();
        assert!(e.contains("no signature by the log's key"), "{e}");
        // Another key of the same name (a different ID): also "no signature".
        let other = p256();
        let okey = LogKey::from_der(&other.public_key_to_der().unwrap()).unwrap();
        let e = verify_checkpoint(&okey, None, good.as_bytes()).unwrap_err();
        assert!(e.contains("no signature by the log's key"), "{e}");
        // Hostile framings.
        for bad in [
            String::new(),
            "\n\n".into(),
            good.trim_end().to_string(),
            good.replace("\u{2014}", "-"),
            good.replacen("\n77\n", "\n077\n", 1),
            good.replacen("\n77\n", "\n+77\n", 1),
            good.replacen("\n77\n", "\n18446744073709551616\n", 1),
            good.replacen(&format!("{}\n", base64::encode(&[3; 32])), "AAAA\n", 1),
            format!("{origin}\n77\n\n\u{2014} {ours}\n"),
            format!("{good}\n"),
            good.replace('\n', "\r\n"),
            good.replace("grease.invalid ", "grease.invalid  "),
            good.replace("grease.invalid AAECAwQFBgc=", "grease.invalid"),
            good.replace("AAECAwQFBgc=", "AAEC AwQFBgc="),
            format!("\n77\n{}\n\n\u{2014} {ours}\n", base64::encode(&[3; 32])),
        ] {
            assert!(
                verify_checkpoint(&key, None, bad.as_bytes()).is_err(),
                "{bad:?}"
            );
        }
        assert!(verify_checkpoint(&key, None, &[0xff, b'\n', b'\n']).is_err());
        let big = "x".repeat(MAX_CHECKPOINT_LEN + 1);
        assert!(verify_checkpoint(&key, None, big.as_bytes()).is_err());
        // Our signature after 100 other lines is not looked at.
        let many: Vec<String> = (0..MAX_NOTE_SIGNATURES)
            .map(|_| grease.clone())
            .chain([ours.clone()])
            .collect();
        assert!(verify_checkpoint(&key, None, note(&body, &many).as_bytes()).is_err());
    }

    #[test]
    fn evidence_names_size_time_and_root() {
        let sth = SignedTreeHead {
            tree_size: 1425614114,
            timestamp_ms: 1751114416696,
            root_hash: [0; 32],
        };
        assert_eq!(
            sth.evidence(),
            "tree_size 1425614114 timestamp 1751114416696 (2025-06-28T12:40:16.696Z) root AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        );
    }
}

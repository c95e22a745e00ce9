//! Checking that a log serves the entries it signed: the reader feeds the leaf hash of every
//! entry it hands over, in log order, and asks at each signed tree head whether the root
//! of what it read is the root the log signed (RFC 6962 §2.1, §3.5).
//!
//! The audit keeps two compact Merkle frontiers ([`MerkleFrontier`]): the one of every
//! entry handed over, and the one at the last *verified* position — a signed tree size
//! whose root matched. Only verified positions are committed (`CTLogState.NextIndex` and
//! `Frontier`), so after a mismatch, a crash or a stop the reading resumes from a position
//! whose every entry is known to be what the log signed. Entries read past it and not yet
//! verified are held (their matches only, by the DB thread) until the next signed head
//! confirms them, or dropped with a `LOG MISBEHAVING` report when it does not.

use crate::ct::merkle::{verify_consistency, Hash, MerkleFrontier};
use crate::ct::signature::SignedTreeHead;

/// The verdict at a signed tree head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditStep {
    /// Our position is below the head's size (or the head is older than our position):
    /// nothing to decide yet.
    Pending,
    /// The root of the entries read equals the signed root: everything up to the head's
    /// size is verified; the frontier (as stored in `CTLogState.Frontier`) comes with it.
    Verified { size: u64, frontier: Vec<u8> },
    /// The log signed a different root than its entries hash to (or, at our verified
    /// size, a different root than it signed before): the log misbehaves.
    Mismatch { evidence: String },
}

/// The verification state of one log.
#[derive(Debug, Clone)]
pub struct LogAudit {
    read: MerkleFrontier,
    verified: MerkleFrontier,
    /// No intermediate step is tried before this position (see [`Self::step_due`]).
    next_step: u64,
}

/// Entries between two intermediate verification steps of a long catch-up.
pub const STEP: u64 = 4_096;

impl LogAudit {
    /// Resume from a verified frontier (a saved one, or one rebuilt from a proof).
    pub fn resume(frontier: MerkleFrontier) -> LogAudit {
        LogAudit {
            next_step: frontier.size().saturating_add(STEP),
            read: frontier.clone(),
            verified: frontier,
        }
    }

    /// Entries handed over so far.
    #[cfg(test)]
    pub fn read_size(&self) -> u64 {
        self.read.size()
    }

    /// The last verified position.
    pub fn verified_size(&self) -> u64 {
        self.verified.size()
    }

    /// The next entries' leaf hashes, in log order.
    pub fn absorb(&mut self, hashes: &[Hash]) -> Result<(), String> {
        for h in hashes {
            self.read.append(*h)?;
        }
        Ok(())
    }

    /// Judge what was read against `head` (whose signature is already verified).
    pub fn check(&mut self, head: &SignedTreeHead) -> AuditStep {
        let size = head.tree_size;
        if size == self.verified.size() {
            let root = self.verified.root();
            if root != head.root_hash {
                return AuditStep::Mismatch {
                    evidence: format!(
                        "signed {}; the {} entries already verified hash to {}",
                        head.evidence(),
                        size,
                        b64(&root)
                    ),
                };
            }
        }
        if size != self.read.size() || size < self.verified.size() {
            return AuditStep::Pending;
        }
        let root = self.read.root();
        if root != head.root_hash {
            return AuditStep::Mismatch {
                evidence: format!(
                    "signed {}; entries {}..{size} as served hash to the root {}",
                    head.evidence(),
                    self.verified.size(),
                    b64(&root)
                ),
            };
        }
        self.accept()
    }

    /// Judge what was read so far, below the signed head's size, with the log's proof that
    /// the signed tree extends the tree of our entries (RFC 6962 `get-sth-consistency`,
    /// checked as RFC 9162 §2.1.4.2 says): a long catch-up is then verified, and committed,
    /// in steps instead of only at the end.
    pub fn check_consistent(&mut self, head: &SignedTreeHead, proof: &[Hash]) -> AuditStep {
        let (m, root) = (self.read.size(), self.read.root());
        match verify_consistency(m, &root, head.tree_size, &head.root_hash, proof) {
            Ok(()) => self.accept(),
            Err(e) => AuditStep::Mismatch {
                evidence: format!(
                    "signed {}; entries {}..{m} as served hash to the root {}, which the log's consistency proof does not connect to the signed root ({e})",
                    head.evidence(),
                    self.verified.size(),
                    b64(&root)
                ),
            },
        }
    }

    /// Judge what was read so far, below the signed head's size, by `extended`: the
    /// frontier of what was read, extended to the head's size with the log's hash tiles
    /// (static-ct-api). Its root is the signed root only if the entries read are the ones
    /// the log committed to.
    pub fn check_extended(
        &mut self,
        head: &SignedTreeHead,
        extended: &MerkleFrontier,
    ) -> AuditStep {
        let m = self.read.size();
        if extended.size() != head.tree_size || extended.root() != head.root_hash {
            return AuditStep::Mismatch {
                evidence: format!(
                    "signed {}; entries {}..{m} as served, completed with the log's hash tiles, hash to the root {}",
                    head.evidence(),
                    self.verified.size(),
                    b64(&extended.root())
                ),
            };
        }
        self.accept()
    }

    /// Everything read so far is proven: it becomes the verified position, and the next
    /// intermediate step is due [`STEP`] entries later.
    fn accept(&mut self) -> AuditStep {
        self.verified = self.read.clone();
        let size = self.verified.size();
        self.next_step = size.saturating_add(STEP);
        AuditStep::Verified {
            size,
            frontier: self.verified.to_bytes(),
        }
    }

    /// The frontier of everything read so far.
    pub fn read_frontier(&self) -> &MerkleFrontier {
        &self.read
    }

    /// Whether a long catch-up should try an intermediate step now (a proof from the log
    /// to the signed head): every [`STEP`] entries, and after a failed try (a log without
    /// the proof endpoint, a timeout) not before another [`STEP`] entries.
    pub fn step_due(&self) -> bool {
        self.read.size() >= self.next_step
    }

    /// An intermediate step could not be tried (the proof request failed).
    pub fn step_failed(&mut self) {
        self.next_step = self.read.size().saturating_add(STEP);
    }

    /// The verified frontier as `CTLogState.Frontier` stores it.
    pub fn frontier_bytes(&self) -> Vec<u8> {
        self.verified.to_bytes()
    }

    /// Forget what was read past the last verified position.
    pub fn rewind(&mut self) {
        self.read = self.verified.clone();
        self.next_step = self.read.size().saturating_add(STEP);
    }
}

fn b64(h: &Hash) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ct::merkle::leaf_hash;

    fn head(leaves: &[Hash]) -> SignedTreeHead {
        let mut f = MerkleFrontier::new();
        for l in leaves {
            f.append(*l).unwrap();
        }
        SignedTreeHead {
            tree_size: leaves.len() as u64,
            timestamp_ms: 1_700_000_000_000,
            root_hash: f.root(),
        }
    }

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    #[test]
    fn verifies_at_each_signed_size_and_only_there() {
        let all = leaves(40);
        let mut a = LogAudit::resume(MerkleFrontier::new());
        a.absorb(&all[..10]).unwrap();
        assert_eq!(a.check(&head(&all[..25])), AuditStep::Pending);
        a.absorb(&all[10..25]).unwrap();
        match a.check(&head(&all[..25])) {
            AuditStep::Verified { size, frontier } => {
                assert_eq!(size, 25);
                assert_eq!(MerkleFrontier::from_bytes(&frontier).unwrap().size(), 25);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(a.verified_size(), 25);
        // A head older than our position cannot be judged by root alone.
        a.absorb(&all[25..30]).unwrap();
        assert_eq!(a.check(&head(&all[..28])), AuditStep::Pending);
        a.absorb(&all[30..40]).unwrap();
        assert!(matches!(
            a.check(&head(&all[..40])),
            AuditStep::Verified { size: 40, .. }
        ));
    }

    #[test]
    fn a_changed_entry_is_a_mismatch_and_rewind_returns_to_the_verified_position() {
        let all = leaves(20);
        let mut served = all.clone();
        served[13] = leaf_hash(b"changed");
        let mut a = LogAudit::resume(MerkleFrontier::new());
        a.absorb(&served[..8]).unwrap();
        assert!(matches!(
            a.check(&head(&all[..8])),
            AuditStep::Verified { .. }
        ));
        a.absorb(&served[8..20]).unwrap();
        match a.check(&head(&all[..20])) {
            AuditStep::Mismatch { evidence } => {
                assert!(evidence.contains("entries 8..20"), "{evidence}");
                assert!(evidence.contains("tree_size 20"), "{evidence}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(a.verified_size(), 8);
        a.rewind();
        assert_eq!(a.read_size(), 8);
        a.absorb(&all[8..20]).unwrap();
        assert!(matches!(
            a.check(&head(&all[..20])),
            AuditStep::Verified { size: 20, .. }
        ));
    }

    /// RFC 6962 §2.1.2 PROOF(m, D[n]), naive.
    fn subproof(m: usize, d: &[Hash], complete: bool) -> Vec<Hash> {
        let n = d.len();
        if m == n {
            return if complete { vec![] } else { vec![mth(d)] };
        }
        let mut k = 1;
        while k * 2 < n {
            k *= 2;
        }
        if m <= k {
            let mut p = subproof(m, &d[..k], complete);
            p.push(mth(&d[k..]));
            p
        } else {
            let mut p = subproof(m - k, &d[k..], false);
            p.push(mth(&d[..k]));
            p
        }
    }

    fn mth(d: &[Hash]) -> Hash {
        let mut f = MerkleFrontier::new();
        for h in d {
            f.append(*h).unwrap();
        }
        f.root()
    }

    #[test]
    fn a_consistency_proof_verifies_a_position_below_the_signed_size() {
        let all = leaves(50);
        let mut a = LogAudit::resume(MerkleFrontier::new());
        a.absorb(&all[..21]).unwrap();
        let signed = head(&all);
        let proof = subproof(21, &all, true);
        assert!(matches!(
            a.check_consistent(&signed, &proof),
            AuditStep::Verified { size: 21, .. }
        ));
        assert_eq!(a.verified_size(), 21);
        // Entries 21..30 served differently: the proof no longer connects them.
        let mut served = all.clone();
        served[25] = leaf_hash(b"changed");
        a.absorb(&served[21..30]).unwrap();
        match a.check_consistent(&signed, &subproof(30, &all, true)) {
            AuditStep::Mismatch { evidence } => assert!(evidence.contains("entries 21..30")),
            other => panic!("{other:?}"),
        }
        a.rewind();
        a.absorb(&all[21..50]).unwrap();
        assert!(matches!(
            a.check(&signed),
            AuditStep::Verified { size: 50, .. }
        ));
    }

    #[test]
    fn hash_tiles_completing_the_tree_verify_a_position_below_the_signed_size() {
        let all = leaves(64);
        let signed = head(&all);
        // The rest [32, 64) as one perfect subtree, as a tile would give it.
        let rest = crate::ct::merkle::perfect_root(&all[32..]).unwrap();
        let mut a = LogAudit::resume(MerkleFrontier::new());
        let mut served = all.clone();
        served[7] = leaf_hash(b"changed");
        a.absorb(&served[..32]).unwrap();
        let mut ext = a.read_frontier().clone();
        ext.append_subtree(5, rest).unwrap();
        assert!(matches!(
            a.check_extended(&signed, &ext),
            AuditStep::Mismatch { .. }
        ));
        a.rewind();
        a.absorb(&all[..32]).unwrap();
        let mut ext = a.read_frontier().clone();
        ext.append_subtree(5, rest).unwrap();
        assert!(matches!(
            a.check_extended(&signed, &ext),
            AuditStep::Verified { size: 32, .. }
        ));
    }

    /// A step is due every STEP entries; a failed try waits another STEP entries, so a
    /// log without the proof endpoint is not asked after every batch.
    #[test]
    fn steps_are_due_every_step_entries_and_a_failed_one_waits() {
        let all = leaves(3 * STEP + 10);
        let mut a = LogAudit::resume(MerkleFrontier::new());
        a.absorb(&all[..(STEP - 1) as usize]).unwrap();
        assert!(!a.step_due());
        a.absorb(&all[(STEP - 1) as usize..STEP as usize]).unwrap();
        assert!(a.step_due());
        a.step_failed();
        a.absorb(&all[STEP as usize..(STEP + 100) as usize])
            .unwrap();
        assert!(!a.step_due(), "not after every batch once it failed");
        a.absorb(&all[(STEP + 100) as usize..(2 * STEP) as usize])
            .unwrap();
        assert!(a.step_due());
        let proof = subproof((2 * STEP) as usize, &all, true);
        assert!(matches!(
            a.check_consistent(&head(&all), &proof),
            AuditStep::Verified { .. }
        ));
        assert!(
            !a.step_due(),
            "the next step STEP entries after the verified one"
        );
    }

    #[test]
    fn a_second_root_for_a_verified_size_is_a_mismatch() {
        let all = leaves(9);
        let mut a = LogAudit::resume(MerkleFrontier::new());
        a.absorb(&all).unwrap();
        assert!(matches!(a.check(&head(&all)), AuditStep::Verified { .. }));
        let mut other = head(&all);
        other.root_hash[0] ^= 1;
        assert!(matches!(a.check(&other), AuditStep::Mismatch { .. }));
    }
}

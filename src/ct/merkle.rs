//! Merkle tree hashing of Certificate Transparency logs (RFC 6962 §2.1, RFC 9162 §2.1).
//!
//! A CT log commits to its entries with a Merkle Tree Hash (MTH) over SHA-256: a leaf
//! hashes as `SHA-256(0x00 || leaf)`, an interior node as `SHA-256(0x01 || left || right)`,
//! and a tree of `n` leaves splits at the largest power of two below `n`. The signed tree
//! head (RFC 6962 §3.5) signs that root, so a monitor that recomputes the root from the
//! entries it downloaded knows it saw exactly what the log committed to.
//!
//! To recompute roots while reading a log entry by entry, a monitor does not need the
//! whole tree: [`MerkleFrontier`] keeps only the roots of the perfect subtrees that make
//! up the tree so far (the "compact range" starting at index 0; at most 64 hashes), so it
//! can be stored in one DB row and resumed. Because the audit path of the last leaf of a
//! tree consists exactly of those subtrees' roots (RFC 6962 §2.1.1), a monitor that starts
//! in the middle of a log can build the frontier at size `p` from one
//! `get-entry-and-proof` answer (RFC 6962 §4.8) for leaf `p - 1` in tree `p`, checked
//! against the signed root ([`MerkleFrontier::from_last_leaf_proof`]).
//!
//! [`verify_consistency`] checks an RFC 6962 `get-sth-consistency` proof (§4.4) with the
//! algorithm of RFC 9162 §2.1.4.2: that the tree of size `n` extends the tree of size `m`
//! without rewriting it (append-only).

use openssl::sha::{sha256, Sha256};

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// Longest proof accepted: a tree of at most 2^64 leaves has at most 64 levels, and a
/// consistency proof holds at most two hashes per level. Anything longer is hostile.
pub const MAX_PROOF_LEN: usize = 128;

/// `SHA-256(0x00 || leaf)`: the hash of one log entry (RFC 6962 §2.1; for RFC 6962 logs
/// and static-ct-api logs alike, `leaf` is the MerkleTreeLeaf structure).
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update(&[0x00]);
    h.update(leaf);
    h.finish()
}

/// The leaf hash of an entry known by its `TimestampedEntry` bytes (a static-ct-api
/// TileLeaf starts with them; RFC 6962 `leaf_input` is `0x00 0x00 || TimestampedEntry`):
/// `SHA-256(0x00 || 0x00 (version v1) || 0x00 (timestamped_entry) || entry)`.
pub fn timestamped_entry_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update(&[0x00, 0x00, 0x00]);
    h.update(entry);
    h.finish()
}

/// `SHA-256(0x01 || left || right)`: an interior node (RFC 6962 §2.1).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update(&[0x01]);
    h.update(left);
    h.update(right);
    h.finish()
}

/// The root of the empty tree: `SHA-256("")` (RFC 6962 §2.1).
pub fn empty_root() -> Hash {
    sha256(b"")
}

/// The compact Merkle frontier of a tree of `size` leaves: one perfect-subtree root per
/// set bit of `size`, largest (leftmost) first. Appending a leaf and computing the root
/// both take O(log size) hashes; the state is at most 64 hashes.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct MerkleFrontier {
    size: u64,
    /// Roots of the subtrees covering leaves `0..size`, left to right; subtree `i` has
    /// `2^k` leaves for the `i`-th set bit `k` of `size`, from the most significant.
    nodes: Vec<Hash>,
}

impl MerkleFrontier {
    /// The empty tree.
    pub fn new() -> MerkleFrontier {
        MerkleFrontier::default()
    }

    /// Number of leaves appended so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Append the hash of the next leaf (see [`leaf_hash`]). Errors only when the tree
    /// already holds 2^64 - 1 leaves.
    pub fn append(&mut self, leaf_hash: Hash) -> Result<(), String> {
        let new_size = self
            .size
            .checked_add(1)
            .ok_or("Merkle tree size overflows u64")?;
        let mut h = leaf_hash;
        // Each trailing one bit of the old size is a subtree of the same size as the one
        // being carried: merge them (like binary addition's carry).
        for _ in 0..self.size.trailing_ones() {
            let left = self.nodes.pop().ok_or("Merkle frontier is inconsistent")?;
            h = node_hash(&left, &h);
        }
        self.nodes.push(h);
        self.size = new_size;
        Ok(())
    }

    /// Append a whole perfect subtree of `2^height` leaves by its root: the same as
    /// appending its leaves one by one. Only where such a subtree can start: the size must
    /// be a multiple of `2^height`.
    pub fn append_subtree(&mut self, height: u32, root: Hash) -> Result<(), String> {
        if height >= 64 || !self.size.is_multiple_of(1u64 << height) {
            return Err(format!(
                "a subtree of height {height} cannot start at leaf {}",
                self.size
            ));
        }
        let new_size = self
            .size
            .checked_add(1u64 << height)
            .ok_or("Merkle tree size overflows u64")?;
        let mut h = root;
        // As in `append`, one level up: the trailing ones of size / 2^height merge.
        for _ in 0..(self.size >> height).trailing_ones() {
            let left = self.nodes.pop().ok_or("Merkle frontier is inconsistent")?;
            h = node_hash(&left, &h);
        }
        self.nodes.push(h);
        self.size = new_size;
        Ok(())
    }

    /// The Merkle Tree Hash of the leaves appended so far (RFC 6962 §2.1).
    pub fn root(&self) -> Hash {
        let mut it = self.nodes.iter().rev();
        let Some(last) = it.next() else {
            return empty_root();
        };
        it.fold(*last, |acc, left| node_hash(left, &acc))
    }

    /// Serialised form for a DB row: the size (8 bytes, big-endian), then the subtree
    /// roots (32 bytes each, one per set bit of the size). At most 8 + 64 × 32 bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + 32 * self.nodes.len());
        out.extend_from_slice(&self.size.to_be_bytes());
        for n in &self.nodes {
            out.extend_from_slice(n);
        }
        out
    }

    /// Inverse of [`to_bytes`](Self::to_bytes). A row of the wrong length for its size is
    /// an error (never a panic): the bytes come from a DB that may have been edited.
    pub fn from_bytes(bytes: &[u8]) -> Result<MerkleFrontier, String> {
        let Some((size, rest)) = bytes.split_first_chunk::<8>() else {
            return Err(format!(
                "Merkle frontier: {} bytes, too short for a tree size",
                bytes.len()
            ));
        };
        let size = u64::from_be_bytes(*size);
        let want = size.count_ones() as usize;
        if rest.len() != want * 32 {
            return Err(format!(
                "Merkle frontier of size {size}: {} bytes of hashes, expected {} ({want} hashes)",
                rest.len(),
                want * 32
            ));
        }
        let nodes = rest
            .chunks_exact(32)
            .map(|c| {
                let mut h = [0u8; 32];
                h.copy_from_slice(c);
                h
            })
            .collect();
        Ok(MerkleFrontier { size, nodes })
    }

    /// [`Self::from_last_leaf_proof`] without the root check, for a tree size nobody
    /// signed: the caller proves the frontier's root otherwise (a consistency proof to a
    /// signed tree head, or the root it reaches once the entries up to a signed size are
    /// read).
    pub fn from_last_leaf_path(
        size: u64,
        leaf_hash: Hash,
        proof: &[Hash],
    ) -> Result<MerkleFrontier, String> {
        if size == 0 {
            return Err("no last leaf in an empty tree".into());
        }
        let inner = size.trailing_zeros() as usize;
        let outer = size.count_ones() as usize - 1;
        if proof.len() != inner + outer {
            return Err(format!(
                "inclusion proof of leaf {} in a tree of size {size}: {} hashes, expected {}",
                size - 1,
                proof.len(),
                inner + outer
            ));
        }
        let mut h = leaf_hash;
        for left in &proof[..inner] {
            h = node_hash(left, &h);
        }
        let mut nodes: Vec<Hash> = proof[inner..].iter().rev().copied().collect();
        nodes.push(h);
        Ok(MerkleFrontier { size, nodes })
    }

    /// The frontier of the tree of `size` leaves, from the hash of its last leaf
    /// (`size - 1`) and that leaf's audit path in the tree of `size` (RFC 6962 §2.1.1, as
    /// `get-entry-and-proof` returns it, RFC 6962 §4.8), checked against the tree's signed
    /// `root`.
    ///
    /// The last leaf has no right siblings, so its path is: first the left siblings inside
    /// the smallest perfect subtree (the one holding the leaf, of `2^tz` leaves where `tz`
    /// is the number of trailing zero bits of `size`), then the roots of the larger
    /// perfect subtrees to its left, smallest first. Those roots are the frontier.
    pub fn from_last_leaf_proof(
        size: u64,
        leaf_hash: Hash,
        proof: &[Hash],
        root: &Hash,
    ) -> Result<MerkleFrontier, String> {
        let frontier = MerkleFrontier::from_last_leaf_path(size, leaf_hash, proof)?;
        if &frontier.root() != root {
            return Err(format!(
                "inclusion proof of leaf {} does not lead to the root of the tree of size {size}",
                size - 1
            ));
        }
        Ok(frontier)
    }
}

/// The perfect subtrees that make up a tree of `size` leaves, left to right: `(height,
/// first leaf)`, a subtree of height `h` holding `2^h` leaves. Their roots, in this order,
/// are the frontier ([`MerkleFrontier::from_subtree_roots`]). A static-ct-api monitor that
/// starts in the middle of a log reads them from hash tiles (c2sp.org/tlog-tiles: the tile
/// at level `L` holds the roots of subtrees of height `8L`; see [`perfect_root`]).
pub fn frontier_subtrees(size: u64) -> Vec<(u32, u64)> {
    let mut out = Vec::with_capacity(size.count_ones() as usize);
    let mut start = 0u64;
    for h in (0..64u32).rev() {
        if size >> h & 1 == 1 {
            out.push((h, start));
            start += 1u64 << h;
        }
    }
    out
}

/// The root of a perfect subtree from the roots of its `2^k` equal, adjacent subtrees, left
/// to right (for example `2^(h - 8L)` hashes of a level-`L` tile give the subtree of height
/// `h`). A count that is not a power of two is an error.
pub fn perfect_root(hashes: &[Hash]) -> Result<Hash, String> {
    if !hashes.len().is_power_of_two() {
        return Err(format!(
            "{} hashes do not make a perfect subtree",
            hashes.len()
        ));
    }
    let mut level = hashes.to_vec();
    while level.len() > 1 {
        level = level
            .chunks_exact(2)
            .map(|p| node_hash(&p[0], &p[1]))
            .collect();
    }
    Ok(level[0])
}

impl MerkleFrontier {
    /// The frontier of a tree of `size` leaves from the roots of its
    /// [`frontier_subtrees`], left to right. Check its [`root`](Self::root) against the
    /// signed root before trusting it: this only checks the count.
    pub fn from_subtree_roots(size: u64, roots: &[Hash]) -> Result<MerkleFrontier, String> {
        if roots.len() != size.count_ones() as usize {
            return Err(format!(
                "a tree of size {size} has {} perfect subtrees, not {}",
                size.count_ones(),
                roots.len()
            ));
        }
        Ok(MerkleFrontier {
            size,
            nodes: roots.to_vec(),
        })
    }
}

/// Check an RFC 6962 consistency proof (`get-sth-consistency`, §2.1.2 and §4.4) that the
/// tree of size `n` with root `root_n` extends the tree of size `m` with root `root_m`,
/// with the verification algorithm of RFC 9162 §2.1.4.2. `Ok(())` when it does.
pub fn verify_consistency(
    m: u64,
    root_m: &Hash,
    n: u64,
    root_n: &Hash,
    proof: &[Hash],
) -> Result<(), String> {
    if m > n {
        return Err(format!(
            "consistency: the first tree ({m}) is larger than the second ({n})"
        ));
    }
    if proof.len() > MAX_PROOF_LEN {
        return Err(format!(
            "consistency proof of {} hashes is longer than any valid one",
            proof.len()
        ));
    }
    if m == n {
        // RFC 6962 §2.1.2: the proof between equal sizes is empty; the roots must match.
        return if !proof.is_empty() {
            Err(format!(
                "consistency proof between equal sizes {m} is not empty"
            ))
        } else if root_m != root_n {
            Err(format!("two different roots for the same tree size {m}"))
        } else {
            Ok(())
        };
    }
    if m == 0 {
        // Every tree extends the empty one; RFC 6962 defines no proof for it.
        return if !proof.is_empty() {
            Err("consistency proof from the empty tree is not empty".into())
        } else if root_m != &empty_root() {
            Err("the root of the empty tree is not SHA-256 of nothing".into())
        } else {
            Ok(())
        };
    }
    // RFC 9162 §2.1.4.2, step by step.
    // 1. An empty path fails.
    if proof.is_empty() {
        return Err(format!("empty consistency proof from {m} to {n}"));
    }
    // 2. If m is a power of two, its root is a node of the new tree: prepend it.
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if m.is_power_of_two() {
        path.push(*root_m);
    }
    path.extend_from_slice(proof);
    // 3.
    let (mut fnode, mut snode) = (m - 1, n - 1);
    // 4.
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    // 5.
    let (mut fr, mut sr) = (path[0], path[0]);
    // 6.
    for c in &path[1..] {
        if snode == 0 {
            return Err(format!(
                "consistency proof from {m} to {n} has too many hashes"
            ));
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    // 7.
    if snode != 0 {
        return Err(format!(
            "consistency proof from {m} to {n} has too few hashes"
        ));
    }
    if &fr != root_m {
        return Err(format!(
            "consistency proof from {m} to {n} does not lead to the root of tree {m}"
        ));
    }
    if &sr != root_n {
        return Err(format!(
            "consistency proof from {m} to {n} does not lead to the root of tree {n}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appending_a_perfect_subtree_equals_appending_its_leaves() {
        let leaves: Vec<Hash> = (0..300u32).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        // Greedy aligned decomposition of [m, n), as a tiled log's catch-up verifies it.
        for m in [0usize, 1, 2, 3, 8, 37, 64, 100, 255, 256] {
            for n in [m, m + 1, 129, 256, 257, 300] {
                if n < m {
                    continue;
                }
                let mut f = MerkleFrontier::new();
                for h in &leaves[..m] {
                    f.append(*h).unwrap();
                }
                let mut pos = m;
                while pos < n {
                    let mut height = 0;
                    while (pos >> height) & 1 == 0 && pos + (2 << height) <= n && height < 20 {
                        height += 1;
                    }
                    if pos == 0 {
                        height = 63 - ((n - pos) as u64).leading_zeros();
                    }
                    let root = perfect_root(&leaves[pos..pos + (1 << height)]).unwrap();
                    f.append_subtree(height, root).unwrap();
                    pos += 1 << height;
                }
                let mut want = MerkleFrontier::new();
                for h in &leaves[..n] {
                    want.append(*h).unwrap();
                }
                assert_eq!(f, want, "m {m} n {n}");
            }
        }
        let mut f = MerkleFrontier::new();
        f.append(leaves[0]).unwrap();
        assert!(f.append_subtree(1, leaves[1]).is_err(), "misaligned");
    }

    /// The RFC 6962 §2.1 definition, recursively, over leaf hashes.
    fn mth(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => sha256(b""),
            1 => leaves[0],
            n => {
                let k = split(n);
                let mut buf = vec![1u8];
                buf.extend_from_slice(&mth(&leaves[..k]));
                buf.extend_from_slice(&mth(&leaves[k..]));
                sha256(&buf)
            }
        }
    }

    /// The largest power of two smaller than `n` (n > 1).
    fn split(n: usize) -> usize {
        let mut k = 1;
        while k * 2 < n {
            k *= 2;
        }
        k
    }

    /// RFC 6962 §2.1.2 PROOF(m, D[n]).
    fn proof(m: usize, leaves: &[Hash]) -> Vec<Hash> {
        subproof(m, leaves, true)
    }

    fn subproof(m: usize, d: &[Hash], b: bool) -> Vec<Hash> {
        let n = d.len();
        if m == n {
            return if b { vec![] } else { vec![mth(d)] };
        }
        let k = split(n);
        if m <= k {
            let mut p = subproof(m, &d[..k], b);
            p.push(mth(&d[k..]));
            p
        } else {
            let mut p = subproof(m - k, &d[k..], false);
            p.push(mth(&d[..k]));
            p
        }
    }

    /// RFC 6962 §2.1.1 PATH(m, D[n]).
    fn path(m: usize, d: &[Hash]) -> Vec<Hash> {
        let n = d.len();
        if n <= 1 {
            return vec![];
        }
        let k = split(n);
        if m < k {
            let mut p = path(m, &d[..k]);
            p.push(mth(&d[k..]));
            p
        } else {
            let mut p = path(m - k, &d[k..]);
            p.push(mth(&d[..k]));
            p
        }
    }

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(format!("leaf {i}").as_bytes()))
            .collect()
    }

    #[test]
    fn hashes_have_the_rfc_prefixes() {
        let mut b = vec![0u8];
        b.extend_from_slice(b"abc");
        assert_eq!(leaf_hash(b"abc"), sha256(&b));
        let (l, r) = ([1u8; 32], [2u8; 32]);
        let mut b = vec![1u8];
        b.extend_from_slice(&l);
        b.extend_from_slice(&r);
        assert_eq!(node_hash(&l, &r), sha256(&b));
        // SHA-256("") = e3b0c442…
        assert_eq!(empty_root()[..4], [0xe3, 0xb0, 0xc4, 0x42]);
    }

    #[test]
    fn frontier_roots_match_the_recursive_definition() {
        let all = leaves(70);
        let mut f = MerkleFrontier::new();
        assert_eq!(f.root(), mth(&[]));
        for n in 0..=70usize {
            assert_eq!(f.size(), n as u64);
            assert_eq!(f.root(), mth(&all[..n]), "size {n}");
            assert_eq!(f.nodes.len(), n.count_ones() as usize);
            let back = MerkleFrontier::from_bytes(&f.to_bytes()).unwrap();
            assert_eq!(back, f, "size {n} round trip");
            if n < 70 {
                f.append(all[n]).unwrap();
            }
        }
    }

    #[test]
    fn hostile_frontier_bytes_are_errors() {
        let mut f = MerkleFrontier::new();
        for h in leaves(5) {
            f.append(h).unwrap();
        }
        let good = f.to_bytes();
        assert_eq!(good.len(), 8 + 2 * 32);
        for cut in 0..good.len() {
            assert!(
                MerkleFrontier::from_bytes(&good[..cut]).is_err(),
                "cut {cut}"
            );
        }
        let mut long = good.clone();
        long.push(0);
        assert!(MerkleFrontier::from_bytes(&long).is_err());
        let mut wrong_size = good.clone();
        wrong_size[7] = 7; // three set bits, two hashes
        assert!(MerkleFrontier::from_bytes(&wrong_size).is_err());
        let mut max = u64::MAX.to_be_bytes().to_vec();
        assert!(MerkleFrontier::from_bytes(&max).is_err());
        max.extend(std::iter::repeat_n(0u8, 64 * 32));
        let mut full = MerkleFrontier::from_bytes(&max).unwrap();
        assert!(
            full.append([0; 32]).is_err(),
            "2^64 - 1 leaves is the limit"
        );
        assert_eq!(full.size(), u64::MAX);
        assert!(MerkleFrontier::from_bytes(&[0; 8]).unwrap() == MerkleFrontier::new());
    }

    #[test]
    fn consistency_proofs_from_the_recursive_definition() {
        let all = leaves(40);
        let mut checked = 0;
        for n in 1..=40usize {
            let root_n = mth(&all[..n]);
            for m in 1..=n {
                let root_m = mth(&all[..m]);
                let p = proof(m, &all[..n]);
                verify_consistency(m as u64, &root_m, n as u64, &root_n, &p)
                    .unwrap_or_else(|e| panic!("{m} -> {n}: {e}"));
                checked += 1;
                // Tampering: every hash changed, a hash dropped or added, wrong roots,
                // wrong sizes.
                for i in 0..p.len() {
                    let mut bad = p.clone();
                    bad[i][i % 32] ^= 0x01;
                    assert!(
                        verify_consistency(m as u64, &root_m, n as u64, &root_n, &bad).is_err(),
                        "{m} -> {n}: hash {i} flipped"
                    );
                    let mut short = p.clone();
                    short.remove(i);
                    assert!(
                        verify_consistency(m as u64, &root_m, n as u64, &root_n, &short).is_err(),
                        "{m} -> {n}: hash {i} dropped"
                    );
                }
                let mut long = p.clone();
                long.push([9; 32]);
                assert!(verify_consistency(m as u64, &root_m, n as u64, &root_n, &long).is_err());
                let mut bad_root = root_n;
                bad_root[31] ^= 0x80;
                assert!(verify_consistency(m as u64, &root_m, n as u64, &bad_root, &p).is_err());
                let mut bad_root = root_m;
                bad_root[0] ^= 0x01;
                assert!(verify_consistency(m as u64, &bad_root, n as u64, &root_n, &p).is_err());
                if m < n {
                    assert!(
                        verify_consistency(m as u64 + 1, &root_m, n as u64, &root_n, &p).is_err()
                    );
                    if m > 1 {
                        assert!(
                            verify_consistency(m as u64 - 1, &root_m, n as u64, &root_n, &p)
                                .is_err()
                        );
                    }
                }
            }
        }
        assert_eq!(checked, 40 * 41 / 2);
        // The empty tree, and sizes in the wrong order.
        let r5 = mth(&all[..5]);
        verify_consistency(0, &empty_root(), 5, &r5, &[]).unwrap();
        assert!(verify_consistency(0, &[0; 32], 5, &r5, &[]).is_err());
        assert!(verify_consistency(0, &empty_root(), 5, &r5, &[r5]).is_err());
        assert!(verify_consistency(5, &r5, 4, &mth(&all[..4]), &[]).is_err());
        // Hostile: a huge proof, huge sizes.
        let huge = vec![[0u8; 32]; MAX_PROOF_LEN + 1];
        assert!(verify_consistency(3, &r5, 5, &r5, &huge).is_err());
        assert!(verify_consistency(u64::MAX - 1, &r5, u64::MAX, &r5, &[r5; 70]).is_err());
        assert!(verify_consistency(1, &r5, u64::MAX, &r5, &[r5; 64]).is_err());
    }

    #[test]
    fn frontier_from_subtree_roots() {
        let all = leaves(300);
        assert_eq!(frontier_subtrees(0), vec![]);
        assert_eq!(
            frontier_subtrees(300),
            vec![(8, 0), (5, 256), (3, 288), (2, 296)]
        );
        assert_eq!(frontier_subtrees(u64::MAX).len(), 64);
        assert_eq!(frontier_subtrees(u64::MAX)[63], (0, u64::MAX - 1));
        for p in [1usize, 2, 3, 7, 8, 100, 255, 256, 257, 300] {
            let roots: Vec<Hash> = frontier_subtrees(p as u64)
                .iter()
                .map(|&(h, start)| {
                    let s = start as usize;
                    perfect_root(&all[s..s + (1 << h)]).unwrap()
                })
                .collect();
            for (&(h, start), r) in frontier_subtrees(p as u64).iter().zip(&roots) {
                let s = start as usize;
                assert_eq!(*r, mth(&all[s..s + (1 << h)]));
            }
            let f = MerkleFrontier::from_subtree_roots(p as u64, &roots).unwrap();
            assert_eq!(f.root(), mth(&all[..p]), "size {p}");
            assert_eq!(
                MerkleFrontier::from_subtree_roots(p as u64 + 1, &roots).is_err(),
                (p + 1).count_ones() != p.count_ones()
            );
            assert!(MerkleFrontier::from_subtree_roots(p as u64, &roots[1..]).is_err());
        }
        assert!(perfect_root(&[]).is_err());
        assert!(perfect_root(&all[..3]).is_err());
        assert_eq!(perfect_root(&all[..1]).unwrap(), all[0]);
    }

    #[test]
    fn frontier_from_the_last_leafs_audit_path() {
        let all = leaves(70);
        for p in 1..=70usize {
            let root = mth(&all[..p]);
            let audit = path(p - 1, &all[..p]);
            let f = MerkleFrontier::from_last_leaf_proof(p as u64, all[p - 1], &audit, &root)
                .unwrap_or_else(|e| panic!("size {p}: {e}"));
            let mut want = MerkleFrontier::new();
            for h in &all[..p] {
                want.append(*h).unwrap();
            }
            assert_eq!(f, want, "size {p}");
            // It resumes like the frontier built leaf by leaf.
            let mut f = f;
            if p < 70 {
                f.append(all[p]).unwrap();
                assert_eq!(f.root(), mth(&all[..=p]));
            }
            // Wrong leaf, tampered path, wrong root, wrong length: errors.
            assert!(
                MerkleFrontier::from_last_leaf_proof(p as u64, all[0], &audit, &root).is_err()
                    || p == 1
            );
            for i in 0..audit.len() {
                let mut bad = audit.clone();
                bad[i][5] ^= 0x20;
                assert!(
                    MerkleFrontier::from_last_leaf_proof(p as u64, all[p - 1], &bad, &root)
                        .is_err()
                );
            }
            let mut long = audit.clone();
            long.push(root);
            assert!(
                MerkleFrontier::from_last_leaf_proof(p as u64, all[p - 1], &long, &root).is_err()
            );
        }
        assert!(MerkleFrontier::from_last_leaf_proof(0, all[0], &[], &empty_root()).is_err());
        // A proof claiming 2^64 - 1 leaves needs 63 hashes; 3 is an error, not a panic.
        assert!(
            MerkleFrontier::from_last_leaf_proof(u64::MAX, all[0], &all[..3], &all[1]).is_err()
        );
    }
}

//! Hand-written: `strsim`'s OSA allocates per call and cannot stop at a bound; this is the hot path.
//!
//! Damerau–Levenshtein distance in its optimal-string-alignment form (adjacent
//! transpositions count one edit, no substring is edited twice), bounded by the largest
//! distance the caller still cares about, and a letter-set mask to skip hopeless pairs.

/// The set of letters and digits in `s` (bit 63: anything else), to rule out pairs that
/// differ in more letters than the allowed distance before computing it.
pub(super) fn mask(s: &[u8]) -> u64 {
    s.iter().fold(0u64, |m, &c| m | MASK_BIT[c as usize])
}

/// Each byte's bit in a [`mask`] (a table: this runs on every unit of every name).
static MASK_BIT: [u64; 256] = {
    let mut t = [1u64 << 63; 256];
    let mut c = 0;
    while c < 26 {
        t[b'a' as usize + c] = 1 << c;
        c += 1;
    }
    let mut d = 0;
    while d < 10 {
        t[b'0' as usize + d] = 1 << (26 + d);
        d += 1;
    }
    t
};

/// Whether `x` has more than `k` bits set: letters of a brand missing from a unit, each
/// costing at least one edit. Without a `popcnt` instruction (not in the x86-64 baseline
/// the static binary targets) this is cheaper than `count_ones` for the small `k` used.
pub(super) fn more_bits_than(mut x: u64, k: usize) -> bool {
    for _ in 0..k {
        if x == 0 {
            return false;
        }
        x &= x - 1;
    }
    x != 0
}

/// Optimal-string-alignment (restricted Damerau–Levenshtein) distance if it is at most
/// `max`; stops as soon as a whole row exceeds `max`.
pub(super) fn osa_within(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > max {
        return None;
    }
    if a == b {
        return Some(0);
    }
    if n == 0 || m == 0 {
        return Some(n.max(m)).filter(|&d| d <= max);
    }
    // Rows on the stack, small enough to clear cheaply on every call (brands are short;
    // a longer one takes the allocating version).
    const CAP: usize = 32;
    if m + 1 > CAP {
        return osa_vec(a, b).filter(|&d| d <= max);
    }
    let mut prev2 = [0usize; CAP];
    let mut prev = [0usize; CAP];
    let mut cur = [0usize; CAP];
    for (j, p) in prev.iter_mut().enumerate().take(m + 1) {
        *p = j;
    }
    for i in 1..=n {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        prev2[..=m].copy_from_slice(&prev[..=m]);
        prev[..=m].copy_from_slice(&cur[..=m]);
    }
    Some(prev[m]).filter(|&d| d <= max)
}

fn osa_vec(a: &[u8], b: &[u8]) -> Option<usize> {
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    Some(d[n][m])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osa() {
        assert_eq!(osa_within(b"pyapal", b"paypal", 2), Some(1));
        assert_eq!(osa_within(b"paypl", b"paypal", 2), Some(1));
        assert_eq!(osa_within(b"shop", b"paypal", 2), None);
        assert_eq!(osa_within(b"microsfot", b"microsoft", 2), Some(1));
        // Longer than the stack rows: the allocating version, same answers.
        let long = b"creditagricolebanquepopulaireparis";
        let mut swapped = *long;
        swapped.swap(3, 4);
        assert_eq!(osa_within(&swapped, long, 2), Some(1));
        assert_eq!(osa_within(&long[1..], long, 2), Some(1));
        assert_eq!(osa_within(b"shop", long, 2), None);
    }

    #[test]
    fn mask_table() {
        for (s, want) in [
            ("", 0u64),
            ("a", 1),
            ("z", 1 << 25),
            ("0", 1 << 26),
            ("9", 1 << 35),
            ("aa", 1),
            ("ab9", 0b11 | 1 << 35),
            ("-", 1 << 63),
            ("A", 1 << 63),
            ("é", 1 << 63),
        ] {
            assert_eq!(mask(s.as_bytes()), want, "{s}");
        }
    }

    #[test]
    fn more_bits_than_counts_like_count_ones() {
        for x in [
            0u64,
            1,
            2,
            3,
            0b1011,
            1 << 63,
            (1 << 63) | 1,
            u64::MAX,
            0xF0F0,
        ] {
            for k in 0..5 {
                assert_eq!(
                    more_bits_than(x, k),
                    x.count_ones() as usize > k,
                    "{x:#b} more than {k}"
                );
            }
        }
    }
}

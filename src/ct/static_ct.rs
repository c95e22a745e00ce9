//! Reading a static-ct-api log (C2SP static-ct-api, "tiled" logs): the checkpoint for the
//! tree size, data tiles of 256 entries for the entries, partial tiles (`.p/<W>`) at the
//! right edge of the tree. Tiles are served gzipped whether asked or not; the HTTP client
//! decodes them ([`crate::net::http`]).

use crate::ct::entry::{self, EntryError, LogEntry};
use crate::ct::merkle::{self, Hash, MerkleFrontier};
use crate::ct::reader::{check_status, Endpoint, FetchError};
use crate::ct::signature::{self, LogKey, SignedTreeHead};

/// Entries per full data tile.
const TILE_WIDTH: u64 = 256;

/// The tree size of the log's checkpoint, as the log reports it.
pub(super) fn tree_size(log: &Endpoint) -> Result<u64, FetchError> {
    let resp = log.get("checkpoint")?;
    check_status(&resp, "checkpoint")?;
    checkpoint_size(&resp.body).map_err(|e| FetchError::Transient(format!("checkpoint: {e}")))
}

/// The log's checkpoint with its RFC6962NoteSignature verified under `key` (C2SP
/// static-ct-api); `origin` is the log's submission prefix without scheme and trailing
/// slash, as the checkpoint's first line must give it. A bad signature is an error that
/// names the log as misbehaving; the position is kept.
pub(super) fn signed_tree_head(
    log: &Endpoint,
    key: &LogKey,
    origin: &str,
) -> Result<SignedTreeHead, FetchError> {
    let resp = log.get("checkpoint")?;
    check_status(&resp, "checkpoint")?;
    signature::verify_checkpoint(key, Some(origin), &resp.body).map_err(|e| {
        FetchError::Transient(format!("LOG MISBEHAVING: checkpoint not verified: {e}"))
    })
}

/// The Merkle frontier of the first `size` entries from the log's hash tiles (C2SP
/// tlog-tiles: the level-`L` tile `N` holds the roots of the subtrees of `256^L` leaves
/// `N*256 ..`), read from the tree of `tree_size` the latest checkpoint signed. Each
/// perfect subtree of the frontier is the root of 1 to 128 adjacent hashes of one tile.
/// Not checked here: its root is proven when the entries up to a signed size are read.
pub(super) fn frontier_from_tiles(
    log: &Endpoint,
    size: u64,
    tree_size: u64,
) -> Result<MerkleFrontier, FetchError> {
    let mut roots = Vec::new();
    for (height, first) in merkle::frontier_subtrees(size) {
        roots.push(subtree_root(log, height, first, tree_size)?);
    }
    MerkleFrontier::from_subtree_roots(size, &roots).map_err(FetchError::Transient)
}

/// `frontier` (of the entries read so far) extended to the tree of `tree_size` with the
/// log's hash tiles for the rest, `[frontier.size(), tree_size)`, cut into aligned perfect
/// subtrees. Its root equals the signed root of `tree_size` only if the entries read are
/// the ones the log committed to: a long catch-up is verified this way in steps (the
/// static-ct-api counterpart of an RFC 6962 consistency proof).
pub(super) fn extend_with_tiles(
    log: &Endpoint,
    frontier: &MerkleFrontier,
    tree_size: u64,
) -> Result<MerkleFrontier, FetchError> {
    let mut f = frontier.clone();
    while f.size() < tree_size {
        let pos = f.size();
        let mut height = if pos == 0 { 63 } else { pos.trailing_zeros() };
        while height > 0 && (tree_size - pos) >> height == 0 {
            height -= 1;
        }
        let root = subtree_root(log, height, pos, tree_size)?;
        f.append_subtree(height, root)
            .map_err(FetchError::Transient)?;
    }
    Ok(f)
}

/// The root of the perfect subtree of `2^height` leaves from leaf `first`, from the hash
/// tile that holds it in the tree of `tree_size` (C2SP tlog-tiles: the level-`L` tile `N`
/// holds the roots of the subtrees of `256^L` leaves `N*256 ..`; a subtree of height `h`
/// is the root of 1 to 128 adjacent hashes of one level-`h/8` tile).
fn subtree_root(
    log: &Endpoint,
    height: u32,
    first: u64,
    tree_size: u64,
) -> Result<Hash, FetchError> {
    let level = height / 8;
    let per = 1u64 << (8 * level); // leaves under one hash of this level
    let index = first / per; // the first hash of the subtree at this level
    let count = 1usize << (height - 8 * level);
    let tile = index / TILE_WIDTH;
    let nodes = tree_size / per; // hashes of this level in the signed tree
    let width = nodes.saturating_sub(tile * TILE_WIDTH).min(TILE_WIDTH);
    let prefix = format!("tile/{level}/");
    let mut resp = log.get(&tile_path_at(&prefix, tile, width))?;
    if resp.status == 404 && width < TILE_WIDTH {
        resp = log.get(&tile_path_at(&prefix, tile, TILE_WIDTH))?;
    }
    check_status(&resp, "hash tile")?;
    let at = (index % TILE_WIDTH) as usize;
    let hashes: Vec<Hash> = resp
        .body
        .chunks_exact(32)
        .skip(at)
        .take(count)
        .map(|c| c.try_into().unwrap_or([0; 32]))
        .collect();
    if resp.body.len() % 32 != 0 || hashes.len() != count {
        return Err(FetchError::Transient(format!(
            "hash tile {level}/{tile}: {} bytes, not the hashes {at}..{} needed",
            resp.body.len(),
            at + count
        )));
    }
    merkle::perfect_root(&hashes).map_err(FetchError::Transient)
}

/// Download and decode entries from `next` (exclusive of `size`), from the data tile that
/// holds `next`: the records `record` made of them and the new `next`. With `hashes`, the
/// Merkle leaf hash of every entry handed over is appended to it, in order.
pub(super) fn fetch<R>(
    log: &Endpoint,
    next: u64,
    size: u64,
    record: impl Fn(u64, &LogEntry<'_>) -> Option<R>,
    mut hashes: Option<&mut Vec<Hash>>,
) -> Result<(Vec<R>, u64), FetchError> {
    let tile = next / TILE_WIDTH;
    let width = (size - tile * TILE_WIDTH).min(TILE_WIDTH);
    let mut resp = log.get(&tile_path(tile, width))?;
    if resp.status == 404 && width < TILE_WIDTH {
        // Logs may delete a partial tile once the full one exists.
        resp = log.get(&tile_path(tile, TILE_WIDTH))?;
    }
    check_status(&resp, "data tile")?;
    let (leaves, problem) = entry::parse_tile(&resp.body);
    let skip = (next - tile * TILE_WIDTH) as usize;
    let usable = leaves.len().min(width as usize);
    if usable < width as usize && usable <= skip {
        // Nothing new before the problem: report it at the first entry we need.
        let why = problem.map_or_else(
            || format!("{} entries, expected {width}", leaves.len()),
            |e| e.0,
        );
        return Err(FetchError::Malformed {
            index: next,
            message: format!("data tile {tile}: {why}"),
        });
    }
    let mut records = Vec::with_capacity(usable - skip);
    for (k, entry) in leaves.iter().enumerate().take(usable).skip(skip) {
        if let Some(h) = hashes.as_deref_mut() {
            h.push(merkle::timestamped_entry_hash(entry.timestamped_entry));
        }
        if let Some(r) = record(tile * TILE_WIDTH + k as u64, entry) {
            records.push(r);
        }
    }
    // A bad leaf ends what can be read of a tile: keep the good ones before it; the
    // next fetch starts at the bad one.
    Ok((records, tile * TILE_WIDTH + usable as u64))
}

/// Where reading resumes when the entry at `index` cannot be read: a tile cannot be
/// framed past a bad leaf, so the rest of its tile goes with it.
pub(super) fn skip_past(index: u64, size: u64) -> u64 {
    ((index / TILE_WIDTH + 1) * TILE_WIDTH).min(size)
}

/// `tile/data/<N>[.p/<W>]` path of data tile `n` (C2SP tlog-tiles: 3-digit groups, `x`
/// prefixes).
fn tile_path(n: u64, width: u64) -> String {
    tile_path_at("tile/data/", n, width)
}

/// The path of tile `n` of width `width` under `prefix` (`tile/data/`, or `tile/<L>/`
/// for a hash tile).
fn tile_path_at(prefix: &str, n: u64, width: u64) -> String {
    let mut groups = Vec::new();
    let mut v = n;
    loop {
        groups.push(v % 1000);
        v /= 1000;
        if v == 0 {
            break;
        }
    }
    let mut s = String::from(prefix);
    for (i, g) in groups.iter().rev().enumerate() {
        if i + 1 < groups.len() {
            s.push_str(&format!("x{g:03}/"));
        } else {
            s.push_str(&format!("{g:03}"));
        }
    }
    if width < 256 {
        s.push_str(&format!(".p/{width}"));
    }
    s
}

/// The tree size from a checkpoint (C2SP tlog-checkpoint: a signed note whose line 2 is
/// the size); signatures are not checked.
fn checkpoint_size(text: &[u8]) -> Result<u64, EntryError> {
    let text =
        std::str::from_utf8(text).map_err(|_| EntryError("checkpoint is not UTF-8".into()))?;
    let mut lines = text.split('\n');
    let origin = lines.next().unwrap_or("");
    if origin.is_empty() {
        return Err(EntryError("checkpoint has no origin line".into()));
    }
    let size = lines.next().unwrap_or("");
    if size.is_empty()
        || !size.bytes().all(|b| b.is_ascii_digit())
        || (size.len() > 1 && size.starts_with('0'))
    {
        return Err(EntryError(format!(
            "checkpoint size line {size:?} is not a decimal number"
        )));
    }
    let root = lines.next().unwrap_or("");
    match crate::net::base64::decode(root.as_bytes()) {
        Ok(h) if h.len() == 32 => {}
        _ => {
            return Err(EntryError(
                "checkpoint root hash is not 32 bytes of base64".into(),
            ))
        }
    }
    size.parse()
        .map_err(|_| EntryError(format!("checkpoint size {size} out of range")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_paths() {
        let cases: &[(u64, u64, &str)] = &[
            (0, 256, "tile/data/000"),
            (5, 256, "tile/data/005"),
            (1000, 256, "tile/data/x001/000"),
            (1_234_067, 256, "tile/data/x001/x234/067"),
            (3_554_687, 256, "tile/data/x003/x554/687"),
            (7, 13, "tile/data/007.p/13"),
        ];
        for (n, w, want) in cases {
            assert_eq!(tile_path(*n, *w), *want);
        }
    }

    #[test]
    fn checkpoints() {
        let ok = b"log.example/2026h1\n910004669\nr4hBntWxgz2ver0Q24tx3uAt+XdpbZxZnyChZT2BHzc=\n\n\xe2\x80\x94 log.example/2026h1 AAAA\n";
        assert_eq!(checkpoint_size(ok).unwrap(), 910_004_669);
        for bad in [
            &b""[..],
            b"o\n",
            b"o\n12a\nx\n",
            b"o\n012\nr4hBntWxgz2ver0Q24tx3uAt+XdpbZxZnyChZT2BHzc=\n",
            b"o\n5\nAAAA\n",
            b"\xff\n1\n",
        ] {
            assert!(
                checkpoint_size(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}

//! zlib (RFC 1950) with a hard cap on the inflated size.
//!
//! flate2 runs on zlib itself (its `zlib` feature: the system libz through libz-sys), because
//! PixelPass output must equal, byte for byte, what zlib's deflate (and pako, its JS port) writes.
//! Measured on 200 JSON-like and random inputs at level 9: zlib 200/200 identical to CPython's
//! zlib and to pako, zlib-rs 198/200, miniz_oxide 133/200 (and 0.1 % larger output).

use std::io::Write as _;

use flate2::{Compression, Decompress, FlushDecompress, Status};

use crate::{Error, Result};

/// The most bytes [`zlib_decompress`] may produce: a guard against decompression bombs.
///
/// ```
/// use inkan_core::encoding::InflateLimit;
/// assert_eq!(InflateLimit::default().bytes(), 64 * 1024);
/// assert_eq!(InflateLimit::new(1_000_000).bytes(), 1_000_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InflateLimit(usize);

impl InflateLimit {
    /// The default cap, 64 KiB: larger than any QR code payload can inflate to in practice.
    pub const DEFAULT: InflateLimit = InflateLimit(64 * 1024);

    /// A cap of `bytes` inflated bytes.
    pub const fn new(bytes: usize) -> Self {
        InflateLimit(bytes)
    }

    /// The cap, in bytes.
    pub const fn bytes(self) -> usize {
        self.0
    }
}

impl Default for InflateLimit {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Compresses `bytes` into a zlib stream; `level` is 0 (store) to 9 (best), larger values mean 9.
///
/// ```
/// use inkan_core::encoding::{zlib_compress, zlib_decompress, InflateLimit};
/// let packed = zlib_compress(b"hello hello hello", 9);
/// assert_eq!(zlib_decompress(&packed, InflateLimit::default())?, b"hello hello hello");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn zlib_compress(bytes: &[u8], level: u32) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), Compression::new(level.min(9)));
    // Writing into a Vec cannot fail.
    match encoder.write_all(bytes) {
        Ok(()) => encoder.finish().unwrap_or_default(),
        Err(_) => Vec::new(),
    }
}

/// Inflates one complete zlib stream, never producing (or allocating) more than `limit` bytes.
///
/// Errors: [`Error::InflateLimit`] when the output would exceed the cap; [`Error::BadZlib`] for a
/// bad header, corrupt data, a wrong Adler-32 checksum, a truncated stream, or any bytes after
/// the end of the stream (a verifier must not accept appended garbage).
///
/// ```
/// use inkan_core::encoding::{zlib_compress, zlib_decompress, InflateLimit};
/// let bomb = zlib_compress(&vec![0u8; 1 << 20], 9);
/// let err = zlib_decompress(&bomb, InflateLimit::new(4096)).unwrap_err();
/// assert_eq!(err.code(), "encoding.inflate_limit");
/// ```
pub fn zlib_decompress(data: &[u8], limit: InflateLimit) -> Result<Vec<u8>> {
    let limit = limit.bytes();
    // One byte beyond the cap is enough to tell "exactly at the cap" from "over it".
    let ceiling = limit.saturating_add(1);
    let mut inflater = Decompress::new(true);
    let mut out = Vec::with_capacity(first_capacity(data.len(), ceiling));
    loop {
        if out.len() == out.capacity() {
            grow(&mut out, ceiling);
        }
        let (in_before, out_before) = (inflater.total_in(), out.len());
        let rest = data.get(consumed(&inflater)..).unwrap_or_default();
        let status = inflater
            .decompress_vec(rest, &mut out, FlushDecompress::None)
            .map_err(|e| Error::BadZlib(e.to_string()))?;
        if out.len() > limit {
            return Err(Error::InflateLimit { limit });
        }
        match status {
            Status::StreamEnd => return finish(data, &inflater, out),
            Status::Ok | Status::BufError => {
                let stalled = inflater.total_in() == in_before && out.len() == out_before;
                if stalled && out.len() < out.capacity() {
                    return Err(Error::BadZlib(format!(
                        "truncated: stream unfinished after {} input bytes",
                        data.len()
                    )));
                }
            }
        }
    }
}

/// Input bytes the inflater has consumed (bounded by the input length, so it fits a usize).
fn consumed(inflater: &Decompress) -> usize {
    usize::try_from(inflater.total_in()).unwrap_or(usize::MAX)
}

/// Accepts the output only if the stream ended exactly at the end of the input.
fn finish(data: &[u8], inflater: &Decompress, out: Vec<u8>) -> Result<Vec<u8>> {
    let used = consumed(inflater);
    if used != data.len() {
        return Err(Error::BadZlib(format!(
            "{} trailing bytes after the end of the zlib stream",
            data.len().saturating_sub(used)
        )));
    }
    Ok(out)
}

/// The first buffer: twice the input (QR payloads with a photo barely compress and text about
/// halves, so most streams inflate in one call without regrowing), at least 4 KiB, never more
/// than `ceiling`.
fn first_capacity(input: usize, ceiling: usize) -> usize {
    input.saturating_mul(2).clamp(4096.min(ceiling), ceiling)
}

/// Doubles the buffer (from 4 KiB) but never beyond `ceiling` bytes in total.
fn grow(out: &mut Vec<u8>, ceiling: usize) {
    let target = out.capacity().saturating_mul(2).clamp(4096.min(ceiling), ceiling);
    out.reserve_exact(target.saturating_sub(out.len()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn output_exactly_at_the_cap_is_accepted() {
        let data = vec![7u8; 10_000];
        let packed = zlib_compress(&data, 6);
        assert_eq!(zlib_decompress(&packed, InflateLimit::new(10_000)).unwrap(), data);
        let err = zlib_decompress(&packed, InflateLimit::new(9_999)).unwrap_err();
        assert_eq!(err, Error::InflateLimit { limit: 9_999 });
    }

    #[test]
    fn zero_cap_allows_only_empty_output() {
        assert!(
            zlib_decompress(&zlib_compress(b"", 9), InflateLimit::new(0))
                .unwrap()
                .is_empty()
        );
        let err = zlib_decompress(&zlib_compress(b"x", 9), InflateLimit::new(0)).unwrap_err();
        assert_eq!(err.code(), "encoding.inflate_limit");
    }

    #[test]
    fn capacity_never_exceeds_the_cap() {
        let packed = zlib_compress(&vec![1u8; 300_000], 9);
        let out = zlib_decompress(&packed, InflateLimit::new(300_000)).unwrap();
        assert!(out.capacity() <= 300_001, "capacity {}", out.capacity());
    }

    #[test]
    fn corrupted_checksum_is_bad_zlib() {
        let mut packed = zlib_compress(b"checksummed payload", 9);
        let last = packed.len() - 1;
        packed[last] ^= 1;
        let err = zlib_decompress(&packed, InflateLimit::default()).unwrap_err();
        assert_eq!(err.code(), "encoding.bad_zlib");
    }

    #[test]
    fn every_truncation_is_bad_zlib() {
        let packed = zlib_compress(b"a short message that compresses a little", 9);
        for cut in 0..packed.len() {
            let err = zlib_decompress(&packed[..cut], InflateLimit::default()).unwrap_err();
            assert_eq!(err.code(), "encoding.bad_zlib", "cut at {cut}");
        }
    }

    #[test]
    fn levels_round_trip() {
        let data = b"level test level test level test".repeat(20);
        for level in [0, 1, 6, 9, 42] {
            let packed = zlib_compress(&data, level);
            assert_eq!(zlib_decompress(&packed, InflateLimit::default()).unwrap(), data);
        }
    }

    proptest! {
        #[test]
        fn round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..4096), level in 0u32..10) {
            let packed = zlib_compress(&bytes, level);
            prop_assert_eq!(zlib_decompress(&packed, InflateLimit::default()).unwrap(), bytes);
        }

        #[test]
        fn arbitrary_bytes_never_panic_or_exceed_the_cap(
            bytes in proptest::collection::vec(any::<u8>(), 0..512),
            cap in 0usize..2048,
        ) {
            match zlib_decompress(&bytes, InflateLimit::new(cap)) {
                Ok(out) => prop_assert!(out.len() <= cap),
                Err(e) => prop_assert!(matches!(e, Error::BadZlib(_) | Error::InflateLimit { .. }), "{}", e),
            }
        }

        #[test]
        fn mutated_streams_never_exceed_the_cap(
            bytes in proptest::collection::vec(any::<u8>(), 1..256),
            flip in any::<prop::sample::Index>(),
            mask in 1u8..,
        ) {
            let mut packed = zlib_compress(&bytes, 9);
            let i = flip.index(packed.len());
            packed[i] ^= mask;
            if let Ok(out) = zlib_decompress(&packed, InflateLimit::new(300)) {
                prop_assert!(out.len() <= 300);
            }
        }
    }
}

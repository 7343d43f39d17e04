//! A fast, deterministic hasher for lookup-only maps keyed by ids and key hashes. Maps built on
//! it are never iterated where order could reach a result: listings come from ordered
//! structures beside them.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A multiplicative hasher (the Fx hash of rustc): a few instructions per word, no random
/// seed, so runs are reproducible.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A lookup-only map with [`FxHasher`].
pub(crate) type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The hash of one dedupe key's text, tagged with its kind.
pub(crate) fn key_hash(kind: u8, text: &str) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write_u8(kind);
    hasher.write(text.as_bytes());
    hasher.write_usize(text.len());
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    /// The hash of an id is the same on every machine and in every run (no random seed): a
    /// lookup-only map's layout can then never differ between two runs.
    #[test]
    fn the_hash_of_an_id_is_fixed() {
        let build = BuildHasherDefault::<FxHasher>::default();
        assert_eq!(build.hash_one(crate::ids::ClientId(1)), SEED);
        assert_eq!(key_hash(1, "a"), key_hash(1, "a"));
        assert_ne!(key_hash(1, "a"), key_hash(2, "a"));
    }
}

//! A fast, deterministic hasher for lookup-only maps keyed by ids and key hashes. Maps built on
//! it are never iterated where order could reach a result: listings come from ordered
//! structures beside them.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

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

impl FxHasher {
    /// Feeds `bytes` and their length, a word at a time and without a copy: the last partial
    /// word is read as the (overlapping) last 8 bytes of a longer text, or from a 4-, 2- and
    /// 1-byte read of a shorter one. Given the length, every byte reaches the hash, so two
    /// different texts differ in some word fed.
    #[inline(always)]
    pub(crate) fn write_text(&mut self, bytes: &[u8]) {
        let n = bytes.len();
        self.add(n as u64);
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(word(chunk, 0));
        }
        let rest = chunks.remainder().len();
        if rest > 0 {
            self.add(if n >= 8 {
                word(bytes, n - 8)
            } else {
                short_word(bytes)
            });
        }
    }

    /// The hash with every bit mixed into every other (a folded multiply: the high and low
    /// halves of a 128-bit product, xored). A multiplicative hash's low bits depend only on
    /// the low bits of the words fed, and a text's last word carries its differences high
    /// (the overlapping read), while hash tables choose buckets by low bits.
    #[inline]
    pub(crate) fn finish_mixed(&self) -> u64 {
        let product = u128::from(self.hash) * u128::from(SEED);
        (product as u64) ^ ((product >> 64) as u64)
    }
}

/// The 8 bytes of `bytes` from `at`, little-endian.
#[inline]
fn word(bytes: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(w)
}

/// The bytes of a text shorter than 8 bytes as one word: its first and last 4 bytes (they
/// overlap below 8), or its first, middle and last byte below 4.
#[inline]
fn short_word(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let half = |at: usize| {
        let mut w = [0u8; 4];
        w.copy_from_slice(&bytes[at..at + 4]);
        u64::from(u32::from_le_bytes(w))
    };
    match n {
        0 => 0,
        1..4 => u64::from(bytes[0]) | u64::from(bytes[n / 2]) << 8 | u64::from(bytes[n - 1]) << 16,
        _ => half(0) | half(n - 4) << 32,
    }
}

/// The hash of one dedupe key's text, tagged with its kind.
#[inline]
pub(crate) fn key_hash(kind: u8, text: &str) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write_u8(kind);
    hasher.write_text(text.as_bytes());
    hasher.finish_mixed()
}

/// The [`key_hash`]es of one client's dedupe keys (company, phone, e-mail), each computed on
/// first use and kept with the client's card, which every copy of the client shares: the
/// import's screen hashes a key once and the index insert that follows reads it. Zero means
/// not yet computed (a key hashing to zero is hashed at each use). The owner clears it
/// whenever the keys change.
#[derive(Default)]
pub(crate) struct KeyHashes([AtomicU64; 3]);

impl KeyHashes {
    /// The hash of the key of `kind` with `text`, which must be the owner's key of that kind.
    #[inline]
    pub(crate) fn get(&self, kind: u8, text: &str) -> u64 {
        let Some(slot) = self.0.get(usize::from(kind)) else {
            return key_hash(kind, text);
        };
        // Relaxed: the value is a function of the text alone, so any thread's store is right.
        match slot.load(Ordering::Relaxed) {
            0 => {
                let hash = key_hash(kind, text);
                slot.store(hash, Ordering::Relaxed);
                hash
            }
            hash => hash,
        }
    }

    /// Forgets every hash (the keys changed).
    pub(crate) fn clear(&mut self) {
        for slot in &mut self.0 {
            *slot.get_mut() = 0;
        }
    }
}

impl PartialEq for KeyHashes {
    /// Always: the hashes follow from the keys beside them, which their owner compares.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for KeyHashes {}

impl Clone for KeyHashes {
    fn clone(&self) -> Self {
        Self(std::array::from_fn(|i| {
            AtomicU64::new(self.0[i].load(Ordering::Relaxed))
        }))
    }
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

    /// Keys that differ only in their last characters (the usual numbered names and phones)
    /// spread over a lookup map's buckets, which its low bits choose, and over its tags, its
    /// top 7 bits: 10,000 names fill about as many of 4,096 buckets as random hashes would.
    #[test]
    fn similar_keys_spread_over_the_buckets_of_a_map() {
        let build = BuildHasherDefault::<FxHasher>::default();
        for format in [
            |i: u32| format!("company{i}"),
            |i: u32| format!("861380013{i:04}"),
        ] {
            let hashes: Vec<u64> = (0..10_000)
                .map(|i| build.hash_one(key_hash(0, &format(i))))
                .collect();
            let buckets: std::collections::HashSet<u64> =
                hashes.iter().map(|h| h & 0xfff).collect();
            let tags: std::collections::HashSet<u64> = hashes.iter().map(|h| h >> 57).collect();
            assert!(buckets.len() > 3_500, "{} buckets", buckets.len());
            assert_eq!(tags.len(), 128);
        }
    }

    /// A cached hash is the key's hash, computed once, copied by a clone and forgotten by a
    /// clear.
    #[test]
    fn key_hashes_are_the_key_hash_and_kept() {
        let mut hashes = KeyHashes::default();
        assert_eq!(hashes.get(1, "8613800138000"), key_hash(1, "8613800138000"));
        assert_eq!(
            hashes.0[1].load(Ordering::Relaxed),
            key_hash(1, "8613800138000")
        );
        assert_eq!(hashes.0[0].load(Ordering::Relaxed), 0);
        let copy = hashes.clone();
        assert_eq!(
            copy.0[1].load(Ordering::Relaxed),
            key_hash(1, "8613800138000")
        );
        hashes.clear();
        assert_eq!(hashes.0[1].load(Ordering::Relaxed), 0);
        assert_eq!(hashes.get(2, "a@b.c"), key_hash(2, "a@b.c"));
        // A kind outside the three is hashed, not kept.
        assert_eq!(hashes.get(7, "x"), key_hash(7, "x"));
    }

    /// The words [`FxHasher::write_text`] feeds: its length, then each word.
    fn words_fed(text: &[u8]) -> Vec<u64> {
        let mut fed = vec![text.len() as u64];
        let mut chunks = text.chunks_exact(8);
        fed.extend((&mut chunks).map(|c| word(c, 0)));
        if !chunks.remainder().is_empty() {
            let n = text.len();
            fed.push(if n >= 8 {
                word(text, n - 8)
            } else {
                short_word(text)
            });
        }
        fed
    }

    proptest::proptest! {
        /// Two different texts never feed the hasher the same words (so they collide only
        /// when the hash function does), at every length around a word; the same text always
        /// hashes alike.
        #[test]
        fn different_texts_feed_different_words(
            a in proptest::collection::vec(0u8..3, 0..20),
            b in proptest::collection::vec(0u8..3, 0..20),
        ) {
            proptest::prop_assert_eq!(words_fed(&a) == words_fed(&b), a == b);
            let hash = |bytes: &[u8]| {
                let mut hasher = FxHasher::default();
                hasher.write_text(bytes);
                hasher.finish()
            };
            proptest::prop_assert_eq!(hash(&a), hash(&a.clone()));
            // The hasher feeds exactly those words.
            let mut fed = FxHasher::default();
            for word in words_fed(&a) {
                fed.add(word);
            }
            proptest::prop_assert_eq!(hash(&a), fed.finish());
        }
    }
}

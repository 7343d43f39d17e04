//! The crate's one random generator: portable and reproducible.
//!
//! Every random choice leadpool makes draws from a generator the caller owns and seeds. It is
//! ChaCha8 (rand's `chacha` feature), whose output rand documents as stable across platforms
//! and versions, unlike `StdRng` or `SmallRng`. Strategies draw `u32`/`u64`, never `usize`, so
//! 32- and 64-bit targets make the same choices.

pub use rand::Rng;
pub use rand::SeedableRng;

/// The seeded generator callers hand to allocators and simulations.
pub type LeadRng = rand::rngs::ChaCha8Rng;

/// A generator from a 64-bit seed: the same seed gives the same stream everywhere.
///
/// ```
/// use leadpool::rng::{seeded, Rng};
/// let (mut a, mut b) = (seeded(7), seeded(7));
/// assert_eq!(a.next_u64(), b.next_u64());
/// ```
pub fn seeded(seed: u64) -> LeadRng {
    LeadRng::seed_from_u64(seed)
}

/// A uniform draw from `0..bound` without modulo bias (Lemire's method on `u64`), the same on
/// every platform. Returns 0 when `bound` is 0.
pub fn below<R: Rng + ?Sized>(rng: &mut R, bound: u64) -> u64 {
    if bound == 0 {
        return 0;
    }
    let threshold = bound.wrapping_neg() % bound;
    loop {
        let product = u128::from(rng.next_u64()) * u128::from(bound);
        // Truncation keeps the low 64 bits, which is the point of the method.
        let low = product as u64;
        if low >= threshold {
            return (product >> 64) as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pins the stream: if a rand upgrade changed ChaCha8 or `seed_from_u64`, every recorded
    /// simulation would silently change; this test makes that loud.
    #[test]
    fn seeded_stream_is_pinned() {
        let mut rng = seeded(42);
        let draws: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        assert_eq!(draws, PINNED_42);
        let mut rng = seeded(42);
        let bounded: Vec<u64> = (0..5).map(|_| below(&mut rng, 10)).collect();
        assert_eq!(bounded, PINNED_BELOW_10);
    }

    const PINNED_42: [u64; 3] = [
        12578764544318200737,
        17529487244874322312,
        7886285670807131020,
    ];
    const PINNED_BELOW_10: [u64; 5] = [6, 9, 4, 6, 2];

    #[test]
    fn below_stays_in_range_and_handles_zero() {
        let mut rng = seeded(1);
        assert!((0..1000).all(|_| below(&mut rng, 7) < 7));
        assert_eq!(below(&mut rng, 0), 0);
        assert_eq!(below(&mut rng, 1), 0);
    }
}

//! Beta draws for Thompson sampling, from the caller's generator (no global RNG, no extra
//! dependency): Box-Muller normals, Marsaglia-Tsang gammas, Beta as a ratio of gammas.

use crate::rng::Rng;

/// A uniform draw in (0, 1].
fn unit(rng: &mut dyn Rng) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64
}

/// A standard normal pair by Box and Muller.
fn normal_pair(rng: &mut dyn Rng) -> (f64, f64) {
    let (u1, u2) = (unit(rng), unit(rng));
    let r = (-2.0 * u1.ln()).sqrt();
    let (sin, cos) = (std::f64::consts::TAU * u2).sin_cos();
    (r * cos, r * sin)
}

/// Gamma(shape, 1) by Marsaglia and Tsang (with their squeeze; boosted below shape 1), from
/// a first normal `z` and fresh ones after a rejection; bounded tries.
fn gamma(rng: &mut dyn Rng, shape: f64, z: f64) -> f64 {
    if shape < 1.0 {
        return gamma(rng, shape + 1.0, z) * unit(rng).powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    let mut x = z;
    for _ in 0..64 {
        let v = (1.0 + c * x).powi(3);
        if v > 0.0 {
            let u = unit(rng);
            let x2 = x * x;
            if u < 1.0 - 0.0331 * x2 * x2 || u.ln() < 0.5 * x2 + d - d * v + d * v.ln() {
                return d * v;
            }
        }
        x = normal_pair(rng).0;
    }
    shape
}

/// Beta(a, b) from two Gamma draws; the mean when the draws degenerate.
pub(super) fn beta_draw(rng: &mut dyn Rng, a: f64, b: f64) -> f64 {
    let (z1, z2) = normal_pair(rng);
    let (x, y) = (gamma(rng, a, z1), gamma(rng, b, z2));
    let draw = x / (x + y);
    if draw.is_finite() { draw } else { a / (a + b) }
}

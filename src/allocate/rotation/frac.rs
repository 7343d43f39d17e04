//! [`Frac`]: a rotation's times (deadlines, eligible times), fractions compared exactly.

use std::cmp::Ordering;

/// `num / den`, compared exactly.
#[derive(Clone, Copy, Debug)]
pub(super) struct Frac {
    /// The numerator (turns).
    pub(super) num: i64,
    /// The denominator (a weight, at least 1).
    pub(super) den: u32,
}

impl Ord for Frac {
    fn cmp(&self, other: &Self) -> Ordering {
        // Equal weights (the common team) need no cross-multiplication.
        if self.den == other.den {
            return self.num.cmp(&other.num);
        }
        (i128::from(self.num) * i128::from(other.den))
            .cmp(&(i128::from(other.num) * i128::from(self.den)))
    }
}

impl PartialOrd for Frac {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Frac {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Frac {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The comparison agrees with exact rational arithmetic, small and large numerators.
        #[test]
        fn fractions_compare_exactly(
            a in prop_oneof![-100i64..100, any::<i64>()],
            b in prop_oneof![-100i64..100, any::<i64>()],
            x in 1u32..=u32::MAX,
            y in prop_oneof![1u32..4, 1u32..=u32::MAX],
        ) {
            let exact = (i128::from(a) * i128::from(y)).cmp(&(i128::from(b) * i128::from(x)));
            prop_assert_eq!(Frac { num: a, den: x }.cmp(&Frac { num: b, den: y }), exact);
        }
    }
}

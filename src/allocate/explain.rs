//! Bounded explanations: a decision over 100,000 reps must not list 100,000 candidates.

use super::{Exclusion, ExclusionReason, Explanation};
use crate::ids::RepId;

/// At most this many excluded reps are listed in one explanation; the rest are counted in
/// [`Explanation::considered`] and summarised in the reason.
pub const MAX_LISTED_EXCLUSIONS: usize = 16;

/// Collects what a strategy examined while it searched, keeping the list bounded.
#[derive(Debug, Default)]
pub(crate) struct Examined {
    pub considered: u32,
    pub excluded_total: u32,
    pub excluded: Vec<Exclusion>,
}

impl Examined {
    /// Counts a rep examined.
    pub fn consider(&mut self) {
        self.considered = self.considered.saturating_add(1);
    }

    /// Records a rep left out (listed while the list is short, counted always).
    pub fn exclude(&mut self, rep: RepId, reason: ExclusionReason) {
        self.excluded_total = self.excluded_total.saturating_add(1);
        if self.excluded.len() < MAX_LISTED_EXCLUSIONS {
            self.excluded.push(Exclusion { rep, reason });
        }
    }

    /// The explanation for `rule`, with `reason` and the deciding `figure`.
    pub fn explain(
        self,
        rule: impl Into<String>,
        reason: String,
        figure: Option<f64>,
    ) -> Explanation {
        let reason = if self.excluded_total as usize > self.excluded.len() {
            format!(
                "{reason} ({} excluded, {} listed)",
                self.excluded_total,
                self.excluded.len()
            )
        } else {
            reason
        };
        Explanation {
            rule: rule.into(),
            considered: self.considered,
            excluded: self.excluded,
            reason,
            figure,
            steps: Vec::new(),
        }
    }
}

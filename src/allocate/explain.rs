//! Explanations: why a decision came out as it did, as typed [`Step`]s and bounded lists of
//! excluded reps. Plain values: building one allocates nothing in the common case, and the text
//! is rendered only when someone reads it ([`crate::i18n`]).

use crate::ids::RepId;
use crate::inline::{InlineVec, Rewrite};
use crate::reason::{ExclusionReason, Step};
use serde::{Deserialize, Serialize};

/// At most this many excluded reps are listed in one explanation; the rest are counted (see
/// [`Explanation::excluded_total`]): a decision over 100,000 reps must not list them all.
pub(crate) const MAX_LISTED_EXCLUSIONS: usize = 8;

/// Steps kept inline; an explanation with more (a wrapper's steps around its inner strategy's)
/// spills to the heap. Every move of an explanation copies the inline slots, so they are few:
/// with two steps and one exclusion inline an explanation is 248 bytes (408 with four and two),
/// which measured 4,551 → 4,457 instructions per lead for the crate's own part of a lead and
/// 6,548 → 6,191 per decision of the seed policy over 100 reps (2.2 steps a decision on
/// average, some spilling a third), the simulated day unchanged.
const INLINE_STEPS: usize = 2;

/// Listed exclusions kept inline; the rest of the list (up to [`MAX_LISTED_EXCLUSIONS`]) spills
/// to the heap. Few decisions exclude anyone (see [`INLINE_STEPS`]).
const INLINE_EXCLUSIONS: usize = 1;

/// A rep left out of a decision, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    /// The rep.
    pub rep: RepId,
    /// Why.
    #[serde(flatten)]
    pub reason: ExclusionReason,
}

/// Why the decision came out as it did: the audit record a team reads (seed rule 2: every
/// master-account decision is published with who got it and why).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    steps: InlineVec<Step, INLINE_STEPS>,
    #[serde(default)]
    considered: u32,
    #[serde(default, skip_serializing_if = "InlineVec::is_empty")]
    excluded: InlineVec<Exclusion, INLINE_EXCLUSIONS>,
    #[serde(default, skip_serializing_if = "is_zero")]
    unlisted: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    figure: Option<f64>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Explanation {
    /// An explanation of one step (for a strategy of the CRM's own, usually
    /// [`Step::Custom`]).
    pub fn new(step: Step) -> Self {
        let mut out = Self::default();
        out.steps.push(step);
        out
    }

    /// Sets the deciding figure (a score, a rank, a load ratio) (builder style).
    pub fn with_figure(mut self, figure: f64) -> Self {
        self.figure = Some(figure);
        self
    }

    /// Sets how many reps were considered (builder style).
    pub fn with_considered(mut self, considered: u32) -> Self {
        self.considered = considered;
        self
    }

    /// Records a rep left out, listed while the list is short and counted always.
    pub fn exclude(&mut self, rep: RepId, reason: ExclusionReason) {
        if self.excluded.len() < MAX_LISTED_EXCLUSIONS {
            self.excluded.push(Exclusion { rep, reason });
        } else {
            self.unlisted = self.unlisted.saturating_add(1);
        }
    }

    /// The steps, outermost rule first.
    pub fn steps(&self) -> impl DoubleEndedIterator<Item = &Step> + '_ {
        self.steps.iter()
    }

    /// The step that decided: the last one.
    pub fn decisive(&self) -> Option<&Step> {
        self.steps.last()
    }

    /// How many reps were examined.
    pub fn considered(&self) -> u32 {
        self.considered
    }

    /// Reps examined and excluded, with reasons: at most 8, in the
    /// order they were examined (strategies that never examine a rep individually, thanks to
    /// an index, do not list it).
    pub fn excluded(&self) -> impl Iterator<Item = &Exclusion> + '_ {
        self.excluded.iter()
    }

    /// How many reps were excluded, listed or not.
    pub fn excluded_total(&self) -> u32 {
        u32::try_from(self.excluded.len())
            .unwrap_or(u32::MAX)
            .saturating_add(self.unlisted)
    }

    /// The deciding figure (a score, a rank, a load ratio), when there is one.
    pub fn figure(&self) -> Option<f64> {
        self.figure
    }

    /// Empties this explanation (equal to [`Explanation::default`] afterwards), keeping its
    /// buffers.
    #[inline]
    pub(crate) fn clear(&mut self) {
        self.steps.clear();
        self.considered = 0;
        self.excluded.clear();
        self.unlisted = 0;
        self.figure = None;
    }

    /// [`Explanation::clear`] but for the steps, which [`Examined::conclude_in_place`] rewrites.
    #[inline]
    pub(crate) fn clear_but_steps(&mut self) {
        self.considered = 0;
        if !self.excluded.is_empty() {
            self.excluded.clear();
        }
        self.unlisted = 0;
        self.figure = None;
    }

    /// Appends a step (a wrapper's own, after its inner strategy's).
    pub(crate) fn push(&mut self, step: Step) {
        self.steps.push(step);
    }

    /// This explanation followed by everything `inner` found: its steps, its considered reps,
    /// its exclusions (still bounded) and its figure.
    pub(crate) fn absorb(&mut self, inner: Explanation) {
        let Explanation {
            mut steps,
            considered,
            excluded,
            unlisted,
            figure,
        } = inner;
        self.steps.append(&mut steps);
        self.considered = self.considered.saturating_add(considered);
        for exclusion in excluded.iter() {
            self.exclude(exclusion.rep, exclusion.reason.clone());
        }
        self.unlisted = self.unlisted.saturating_add(unlisted);
        if figure.is_some() {
            self.figure = figure;
        }
    }
}

/// Collects what a strategy examined while it searched, keeping the list bounded. It writes
/// into the decision's own explanation, so a decision is built where it is returned (an
/// explanation is large: every move copies it).
#[derive(Debug)]
pub(crate) struct Examined<'e> {
    explanation: &'e mut Explanation,
}

impl<'e> Examined<'e> {
    /// Collects into `explanation`: the empty one of a decision being searched
    /// ([`Decision::searching`](super::Decision::searching)).
    pub(crate) fn new(explanation: &'e mut Explanation) -> Self {
        Self { explanation }
    }

    /// Counts a rep examined.
    #[inline]
    pub(crate) fn consider(&mut self) {
        self.explanation.considered = self.explanation.considered.saturating_add(1);
    }

    /// Records a rep left out.
    pub(crate) fn exclude(&mut self, rep: RepId, reason: ExclusionReason) {
        self.explanation.exclude(rep, reason);
    }

    /// Counts `rep` examined and, when `refusal` (the eligibility check's answer) says why it
    /// may not be chosen, records it left out: true when the rep may be chosen. How every
    /// strategy examines a candidate. Inline: the usual answer (admitted) is a count and a test.
    #[inline]
    pub(crate) fn admits(&mut self, rep: RepId, refusal: Option<ExclusionReason>) -> bool {
        self.consider();
        match refusal {
            None => true,
            Some(reason) => {
                self.exclude(rep, reason);
                false
            }
        }
    }

    /// Concludes the explanation with its one step and the deciding `figure`: the steps become
    /// exactly that step, the one they held first when `rewrite` makes it that step in place
    /// (see [`Rewrite::put`]), else `make()`. For a strategy whose explanation is one step,
    /// deciding into a reused decision ([`Decision::reset_but_lists`](super::Decision)).
    #[inline(always)]
    pub(crate) fn conclude_in_place(
        self,
        rewrite: impl FnOnce(&mut Step) -> bool,
        make: impl FnOnce() -> Step,
        figure: Option<f64>,
    ) {
        Rewrite::new(&mut self.explanation.steps).put(rewrite, make);
        self.explanation.figure = figure;
    }

    /// Concludes the explanation: what was examined, then `step`, with the deciding `figure`.
    pub(crate) fn conclude(self, step: Step, figure: Option<f64>) {
        self.explanation.steps.push(step);
        self.explanation.figure = figure;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::Refusal;

    /// An explanation stays small enough to be copied in one straight run (see
    /// [`INLINE_STEPS`]); a new field or slot that grows it past that shows here.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn an_explanation_stays_within_256_bytes() {
        assert!(std::mem::size_of::<Explanation>() <= 256);
    }

    /// Steps and exclusions past the inline slots spill and are kept, in order.
    #[test]
    fn steps_and_exclusions_past_the_inline_slots_are_kept_in_order() {
        let mut explanation = Explanation::new(Step::NoRoom);
        explanation.push(Step::NobodyEligible);
        explanation.push(Step::FallbackExhausted { attempts: 2 });
        for k in 0..10 {
            explanation.exclude(RepId(k), ExclusionReason::Refused(Refusal::NotOnTeam));
        }
        let steps: Vec<_> = explanation.steps().cloned().collect();
        assert_eq!(
            steps,
            [
                Step::NoRoom,
                Step::NobodyEligible,
                Step::FallbackExhausted { attempts: 2 }
            ]
        );
        let listed: Vec<_> = explanation.excluded().map(|e| e.rep).collect();
        assert_eq!(listed, (0..8).map(RepId).collect::<Vec<_>>());
        assert_eq!(explanation.excluded_total(), 10);
        let json = serde_json::to_string(&explanation).unwrap();
        assert_eq!(
            serde_json::from_str::<Explanation>(&json).unwrap(),
            explanation
        );
    }
}

//! [`Decision`]: what one allocation decided, the state changes acting on it applies, and the
//! resets a strategy deciding in place starts from.

use super::{Explanation, StateUpdate};
use crate::ids::{ClientId, RepId};
use crate::inline::InlineVec;
use serde::{Deserialize, Serialize};

/// State updates a decision carries; the usual one or two are kept inline.
pub(crate) type Updates = InlineVec<StateUpdate, 2>;

/// The result of one allocation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// The client placed.
    pub client: ClientId,
    /// The chosen rep; `None` leaves the client unassigned (in the public pool).
    pub rep: Option<RepId>,
    /// Why.
    pub explanation: Explanation,
    /// State changes to apply if the decision is acted on ([`AllocState::apply`](super::AllocState::apply)).
    #[serde(default, skip_serializing_if = "InlineVec::is_empty")]
    pub(crate) updates: InlineVec<StateUpdate, 2>,
}

impl Decision {
    /// A decision for `rep`.
    pub fn assigned(client: ClientId, rep: RepId, explanation: Explanation) -> Self {
        Self {
            client,
            rep: Some(rep),
            explanation,
            updates: Updates::new(),
        }
    }

    /// A decision that nobody gets the client.
    pub fn unassigned(client: ClientId, explanation: Explanation) -> Self {
        Self {
            client,
            rep: None,
            explanation,
            updates: Updates::new(),
        }
    }

    /// A decision for `client` still being searched: nobody yet, an empty explanation for an
    /// [`explain::Examined`](super::explain::Examined) to fill in place.
    #[inline]
    pub(crate) fn searching(client: ClientId) -> Self {
        Self::unassigned(client, Explanation::default())
    }

    /// Makes this decision equal to [`Decision::searching`]`(client)`, keeping its buffers
    /// (what it held is dropped item by item, not as a whole).
    #[inline]
    pub(crate) fn reset(&mut self, client: ClientId) {
        self.client = client;
        self.rep = None;
        self.explanation.clear();
        self.updates.clear();
    }

    /// [`Decision::reset`] but for the steps and the updates, which a strategy deciding in
    /// place then rewrites from their start ([`Rewrite`](crate::inline::Rewrite), through
    /// [`explain::Examined::conclude_in_place`](super::explain::Examined::conclude_in_place)): what they held is rewritten or dropped.
    #[inline]
    pub(crate) fn reset_but_lists(&mut self, client: ClientId) {
        self.client = client;
        self.rep = None;
        self.explanation.clear_but_steps();
    }

    /// The explanation, moved into a box for an assignment's command
    /// ([`Assigner::Rule`](crate::pool::Assigner::Rule)): into `spare` when given (a box an
    /// earlier assignment's event handed back, see
    /// [`evolve_reclaim`](crate::pool::evolve_reclaim)), so nothing is allocated, and the
    /// decision is left the explanation the spare held (an earlier decision's), which deciding
    /// into it again rewrites in place; else into a new box, the decision's explanation left
    /// empty as [`std::mem::take`] leaves it. Either way, read or store the assignment's
    /// explanation from its command or event from then on, not from the decision. A refused
    /// assignment drops its command and the box with it: the next one allocates a new box.
    pub fn explanation_boxed(&mut self, spare: Option<Box<Explanation>>) -> Box<Explanation> {
        match spare {
            Some(mut boxed) => {
                std::mem::swap(&mut *boxed, &mut self.explanation);
                boxed
            }
            None => Box::new(std::mem::take(&mut self.explanation)),
        }
    }

    /// The chosen rep.
    pub fn rep(&self) -> Option<RepId> {
        self.rep
    }

    /// The state changes acting on the decision applies ([`AllocState::apply`](super::AllocState::apply)), in order.
    pub fn updates(&self) -> impl Iterator<Item = &StateUpdate> + '_ {
        self.updates.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::Step;

    /// Boxed into a spare, an explanation moves into that very box (nothing allocated) and the
    /// decision is left what the spare held; with no spare it goes into a new box and the
    /// decision's explanation is left empty.
    #[test]
    fn an_explanation_is_boxed_into_the_spare_without_allocating() {
        let mine = Explanation::new(Step::NamedRep { rep: RepId(1) }).with_considered(3);
        let old = Explanation::new(Step::NoOwner);
        let mut decision = Decision::assigned(ClientId(1), RepId(1), mine.clone());
        let spare = Box::new(old.clone());
        let at: *const Explanation = &*spare;
        let boxed = decision.explanation_boxed(Some(spare));
        assert_eq!(*boxed, mine);
        assert!(std::ptr::eq(&*boxed, at));
        assert_eq!(decision.explanation, old);
        let fresh = decision.explanation_boxed(None);
        assert_eq!(*fresh, old);
        assert_eq!(decision.explanation, Explanation::default());
    }
}

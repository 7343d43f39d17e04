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

    /// The chosen rep.
    pub fn rep(&self) -> Option<RepId> {
        self.rep
    }

    /// The state changes acting on the decision applies ([`AllocState::apply`](super::AllocState::apply)), in order.
    pub fn updates(&self) -> impl Iterator<Item = &StateUpdate> + '_ {
        self.updates.iter()
    }
}

//! Reasons as types: why a rep may not take a client ([`Refusal`]), why a strategy left a rep
//! out ([`ExclusionReason`]), and each step of an allocation's explanation ([`Step`]).
//!
//! Every reason is an enum with structured fields (ids, counts, days, instants), so a CRM can
//! match on it, store it (serde tags are stable `snake_case` names, pinned by a snapshot test)
//! and show it in its team's language ([`crate::i18n`] renders every variant in English and
//! Simplified Chinese). Deciding never builds a string: text is made only when rendered.
//!
//! Release reasons and recycle causes are part of the client record and live in
//! [`crate::model`] ([`ReleaseReason`](crate::model::ReleaseReason),
//! [`RecycleCause`](crate::model::RecycleCause)).

mod exclusion;
mod refusal;
#[cfg(test)]
mod snapshot;
mod step;

pub use exclusion::{ExclusionReason, QuotaPeriod};
pub use refusal::Refusal;
pub use step::{Step, TerritoryPick};

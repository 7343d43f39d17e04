//! Owner-first: trade-show cards and platform sub-account inquiries (seed rules 1 and 2a).
//!
//! If anyone in the company already works the company (dedupe keys matched through
//! [`TeamView::prior_contact`](super::TeamView::prior_contact)), that earlier rep follows up;
//! otherwise the rep the source names (the card's receiver, the sub-account's owner).

use super::eligibility::check_rep;
use super::explain::Examined;
use super::{Allocator, Decision, ExclusionReason, Request};
use crate::ids::RepId;
use crate::rng::Rng;

/// The earlier contact, else the source's named rep; nobody when neither is eligible.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OwnerFirst;

impl OwnerFirst {
    fn try_rep(request: &Request<'_>, rep: RepId, examined: &mut Examined) -> bool {
        examined.consider();
        let Some(found) = request.team.get(rep) else {
            examined.exclude(
                rep,
                ExclusionReason::Other {
                    detail: "not a member of the team".to_owned(),
                },
            );
            return false;
        };
        match check_rep(request, found) {
            None => true,
            Some(reason) => {
                examined.exclude(rep, reason);
                false
            }
        }
    }
}

impl Allocator for OwnerFirst {
    fn allocate(&self, request: &Request<'_>, _rng: &mut dyn Rng) -> Decision {
        let client = request.client;
        let mut examined = Examined::default();
        if !client.keys.is_empty() {
            if let Some(prior) = request.view.prior_contact(&client.keys) {
                if Self::try_rep(request, prior.rep, &mut examined) {
                    let reason = format!(
                        "{} already works {} (matched by dedupe keys) since {}",
                        prior.rep, prior.client, prior.since
                    );
                    let explanation = examined.explain("owner_first:prior_contact", reason, None);
                    return Decision::assigned(client.id, prior.rep, explanation);
                }
            }
        }
        if let Some(named) = client.source.named_rep() {
            if Self::try_rep(request, named, &mut examined) {
                let reason = format!("no earlier contact; {named} received the client directly");
                let explanation = examined.explain("owner_first:named_rep", reason, None);
                return Decision::assigned(client.id, named, explanation);
            }
        }
        let explanation = examined.explain(
            "owner_first",
            "no eligible earlier contact and no eligible named rep".to_owned(),
            None,
        );
        Decision::unassigned(client.id, explanation)
    }
}

//! Owner-first: trade-show cards and platform sub-account inquiries (seed rules 1 and 2a).
//!
//! If anyone in the company already works the company (dedupe keys matched through
//! [`TeamView::prior_contact`](super::TeamView::prior_contact)), that earlier rep follows up;
//! otherwise the rep the source names (the card's receiver, the sub-account's owner).

use super::eligibility::check_id;
use super::explain::Examined;
use super::{Allocator, Decision, Request};
use crate::ids::RepId;
use crate::reason::Step;
use crate::rng::Rng;

/// The earlier contact, else the source's named rep; nobody when neither is eligible.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OwnerFirst;

impl OwnerFirst {
    fn try_rep(request: &Request<'_>, rep: RepId, examined: &mut Examined<'_>) -> bool {
        examined.admits(rep, check_id(request, rep))
    }
}

impl Allocator for OwnerFirst {
    fn allocate(&self, request: &Request<'_>, _rng: &mut dyn Rng) -> Decision {
        let client = request.client;
        let mut decision = Decision::searching(request.client.id());
        let mut examined = Examined::new(&mut decision.explanation);
        if !client.keys().is_empty() {
            if let Some(prior) = request.view.prior_contact(client.keys()) {
                if Self::try_rep(request, prior.rep, &mut examined) {
                    let step = Step::PriorContact {
                        rep: prior.rep,
                        client: prior.client,
                        since: prior.since,
                    };
                    return {
                        examined.conclude(step, None);
                        decision.rep = Some(prior.rep);
                        decision
                    };
                }
            }
        }
        if let Some(named) = client.source().named_rep() {
            if Self::try_rep(request, named, &mut examined) {
                let step = Step::NamedRep { rep: named };
                return {
                    examined.conclude(step, None);
                    decision.rep = Some(named);
                    decision
                };
            }
        }
        {
            examined.conclude(Step::NoOwner, None);
            decision
        }
    }
}

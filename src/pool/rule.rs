//! Assignment by an allocation rule over an in-memory [`PoolState`], for simulations.

use super::command::{Assigner, Command};
use super::error::PoolError;
use super::event::Event;
use super::execute;
use super::policy::PoolPolicy;
use super::state::PoolState;
use super::view::PoolView;
use crate::allocate::{AllocState, Allocator, Decision, Request};
use crate::ids::ClientId;
use crate::rng::Rng;
use chrono::{DateTime, Utc};

/// Runs `allocator` for `client` over a [`PoolView`] of `state`, then assigns the client to
/// the chosen rep with the decision's explanation as the audit record, and applies the
/// decision's updates to `alloc_state`. On any refusal neither `state` nor `alloc_state`
/// changes.
pub fn assign_by_rule(
    state: &mut PoolState,
    policy: &PoolPolicy,
    client: ClientId,
    allocator: &dyn Allocator,
    alloc_state: &mut AllocState,
    rng: &mut dyn Rng,
    now: DateTime<Utc>,
) -> Result<(Decision, Vec<Event>), PoolError> {
    let decision = {
        let target = state
            .client(client)
            .ok_or(PoolError::UnknownClient(client))?;
        let view = PoolView::new(state, policy, now);
        let request = Request::new(target, state.team(), now)
            .with_view(&view)
            .with_state(alloc_state)
            .with_zone(policy.zone);
        allocator.allocate(&request, rng)
    };
    if decision.client != client {
        return Err(PoolError::DecisionMismatch {
            client,
            decided: decision.client,
        });
    }
    let Some(rep) = decision.rep else {
        return Err(PoolError::NobodyChosen {
            client,
            reason: decision.explanation.reason.clone(),
        });
    };
    let by = Assigner::Rule {
        explanation: decision.explanation.clone(),
    };
    let events = execute(state, &Command::Assign { client, rep, by }, now, policy)?;
    alloc_state.apply(&decision);
    Ok((decision, events))
}

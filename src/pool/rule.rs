//! Assignment by an allocation rule over an in-memory [`PoolState`].

use super::command::{Assigner, Command};
use super::error::PoolError;
use super::event::Event;
use super::execute;
use super::state::PoolState;
use super::view::PoolView;
use crate::allocate::{AllocState, Allocator, Decision, Request};
use crate::ids::ClientId;
use crate::model::Metrics;
use crate::rng::Rng;
use chrono::{DateTime, Utc};

/// Runs `allocator` for `client` over a [`PoolView`] of `state` (the admission rules of a rule
/// assignment), then assigns the client to the chosen rep with the decision's explanation as
/// the audit record, and applies the decision's updates to `alloc_state`. On any refusal
/// neither `state` nor `alloc_state` changes.
pub fn assign_by_rule(
    state: &mut PoolState,
    client: ClientId,
    allocator: &dyn Allocator,
    alloc_state: &mut AllocState,
    metrics: Option<&Metrics>,
    rng: &mut dyn Rng,
    now: DateTime<Utc>,
) -> Result<(Decision, Vec<Event>), PoolError> {
    let decision = {
        let target = state
            .client(client)
            .ok_or(PoolError::UnknownClient(client))?;
        let view = PoolView::new(state, now);
        let mut request = Request::new(target, state.team(), now)
            .with_view(&view)
            .with_state(alloc_state)
            .with_zone(state.policy().zone);
        if let Some(metrics) = metrics {
            request = request.with_metrics(metrics);
        }
        allocator.allocate(&request, rng)
    };
    let command = assign_command(client, &decision)?;
    let events = execute(state, command, now)?;
    alloc_state.apply(&decision);
    Ok((decision, events))
}

/// The assign command that acts on `decision` for `client`, carrying its explanation as the
/// published audit record; refused when the decision is about another client or chose nobody.
pub(crate) fn assign_command(client: ClientId, decision: &Decision) -> Result<Command, PoolError> {
    if decision.client != client {
        return Err(PoolError::DecisionMismatch {
            client,
            decided: decision.client,
        });
    }
    let Some(rep) = decision.rep else {
        return Err(PoolError::NobodyChosen {
            client,
            explanation: Box::new(decision.explanation.clone()),
        });
    };
    let by = Assigner::Rule {
        explanation: Box::new(decision.explanation.clone()),
    };
    Ok(Command::Assign { client, rep, by })
}

//! The command that acts on an allocation decision.

use super::command::{Assigner, Command};
use super::error::PoolError;
use crate::allocate::Decision;
use crate::ids::ClientId;

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

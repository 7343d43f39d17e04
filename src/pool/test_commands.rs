//! Commands the crate's own tests send again and again, written once (test builds only): a
//! rule's assignment, the owner's release and the order system's deal.

use super::{Actor, Assigner, Command, PoolState};
use crate::allocate::Explanation;
use crate::ids::{ClientId, RepId};
use crate::label::Label;
use crate::model::Client;
use crate::reason::Step;

/// The system gives client `client` to rep `rep` by a rule, with a one-step explanation.
pub(crate) fn rule_assignment(client: u64, rep: u64) -> (Actor, Command) {
    let explanation = Explanation::new(Step::Custom {
        rule: Label::new("test"),
        rep: None,
    });
    (
        Actor::System,
        Command::Assign {
            client: ClientId(client),
            rep: RepId(rep),
            by: Assigner::Rule {
                explanation: Box::new(explanation),
            },
        },
    )
}

/// The owner of client `client` releases it as lost; none when it has no owner.
pub(crate) fn owner_release(state: &PoolState, client: u64) -> Option<(Actor, Command)> {
    let rep = state.client(ClientId(client)).and_then(Client::owner)?;
    Some((
        Actor::Rep(rep),
        Command::Release {
            client: ClientId(client),
            rep,
            note: "lost".into(),
        },
    ))
}

/// The order system marks a deal its owner closed on client `client`; none when it has no
/// owner.
pub(crate) fn owner_deal(state: &PoolState, client: u64) -> Option<(Actor, Command)> {
    let rep = state.client(ClientId(client)).and_then(Client::owner)?;
    Some((
        Actor::System,
        Command::MarkDeal {
            client: ClientId(client),
            closed_by: rep,
        },
    ))
}

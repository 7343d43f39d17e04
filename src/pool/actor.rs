//! [`Actor`]: who asks the pool to do something, in which capacity.
//!
//! Every command is decided for an actor, and every event records it. A CRM passes the
//! signed-in user, in the capacity the screen acts in (a rep claiming for themselves, a
//! manager distributing leads, a pool admin moving a client between pools); the pool checks
//! that the user holds that capacity for what the command touches
//! ([`crate::pool::admission::permit`]) and refuses with a typed
//! [`Forbidden`](crate::reason::Forbidden) when they do not.
//!
//! People are named by [`RepId`]s: a manager or an admin who takes no clients still has one (it
//! need not be on the team).

use crate::ids::RepId;
use serde::{Deserialize, Serialize};

/// Who asks, and in which capacity. Serialised as `{"kind": "rep", "id": 7}` and
/// `{"kind": "system"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Actor {
    /// A rep, acting for themselves: claims, follow-ups, their own releases and deals.
    Rep(RepId),
    /// A manager, acting on the reps of the departments they manage
    /// ([`Department::managers`](crate::pool::Department::managers)).
    Manager(RepId),
    /// A pool admin (管理员), acting on the pools the policy makes them admin of
    /// ([`PoolPolicy::admins`](crate::pool::PoolPolicy::admins),
    /// [`PoolDef::admins`](crate::pool::PoolDef::admins)).
    Admin(RepId),
    /// The CRM's own code acting for no person: the scheduler's sweeps, rule assignments,
    /// imports from web forms and channels, the directory sync, the order system marking
    /// deals. Never pass it for a signed-in user.
    System,
}

impl Actor {
    /// The person, unless it is the system.
    pub fn person(self) -> Option<RepId> {
        match self {
            Actor::Rep(id) | Actor::Manager(id) | Actor::Admin(id) => Some(id),
            Actor::System => None,
        }
    }

    /// The capacity the actor asks in.
    pub fn kind(self) -> ActorKind {
        match self {
            Actor::Rep(_) => ActorKind::Rep,
            Actor::Manager(_) => ActorKind::Manager,
            Actor::Admin(_) => ActorKind::Admin,
            Actor::System => ActorKind::System,
        }
    }
}

/// The capacities an [`Actor`] can ask in: the columns of the permission matrix (exhaustive:
/// a new capacity would be a new column every CRM must think about, so a breaking change).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// A rep, for themselves.
    Rep,
    /// A manager of reps.
    Manager,
    /// A pool admin.
    Admin,
    /// The CRM's own code.
    System,
}

impl ActorKind {
    /// Every kind, in the matrix's column order.
    pub const ALL: [ActorKind; 4] = [
        ActorKind::Rep,
        ActorKind::Manager,
        ActorKind::Admin,
        ActorKind::System,
    ];

    /// The column of the permission matrix.
    pub(crate) fn index(self) -> usize {
        match self {
            ActorKind::Rep => 0,
            ActorKind::Manager => 1,
            ActorKind::Admin => 2,
            ActorKind::System => 3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_serialise_with_a_stable_kind_and_id() {
        let json = serde_json::to_string(&Actor::Manager(RepId(4))).unwrap();
        assert_eq!(json, r#"{"kind":"manager","id":4}"#);
        let json = serde_json::to_string(&Actor::System).unwrap();
        assert_eq!(json, r#"{"kind":"system"}"#);
        for actor in [
            Actor::Rep(RepId(1)),
            Actor::Manager(RepId(2)),
            Actor::Admin(RepId(3)),
            Actor::System,
        ] {
            let back: Actor =
                serde_json::from_str(&serde_json::to_string(&actor).unwrap()).unwrap();
            assert_eq!(back, actor);
            assert_eq!(ActorKind::ALL[actor.kind().index()], actor.kind());
        }
        assert_eq!(Actor::System.person(), None);
        assert_eq!(Actor::Admin(RepId(3)).person(), Some(RepId(3)));
    }
}

//! Why the pool refused a command. A refused command changes nothing.

use crate::allocate::Explanation;
use crate::config::ConfigError;
use crate::error::StoreError;
use crate::ids::{ClientId, PoolId, RepId};
use crate::pool::Forbidden;
use crate::reason::Refusal;
use chrono::{DateTime, Utc};
use thiserror::Error;

/// A command the pool refused, saying what and which id. The `Display` text is English; render
/// it in another language with [`crate::i18n`].
#[derive(Clone, Debug, PartialEq, Error)]
#[non_exhaustive]
pub enum PoolError {
    /// No client has this id.
    #[error("unknown client {0}")]
    UnknownClient(ClientId),
    /// The rep is not on the team.
    #[error("unknown rep {0}")]
    UnknownRep(RepId),
    /// The pool is not defined by the policy.
    #[error("unknown pool {0}")]
    UnknownPool(PoolId),
    /// A client with this id already exists.
    #[error("{0} already exists")]
    DuplicateId(ClientId),
    /// The actor lacks the authority for the command (see
    /// [`crate::pool::admission`]'s permission matrix).
    #[error("{0}")]
    Forbidden(#[from] Forbidden),
    /// The admission rules do not let the rep take the client now (see
    /// [`crate::pool::admission`]).
    #[error("{client} may not go to {rep}: {reason}")]
    Refused {
        /// The client.
        client: ClientId,
        /// The rep.
        rep: RepId,
        /// The rule that refused.
        reason: Refusal,
    },
    /// The client already belongs to a rep.
    #[error("{client} already belongs to {owner}")]
    AlreadyOwned {
        /// The client.
        client: ClientId,
        /// Its owner.
        owner: RepId,
    },
    /// Only the owner may do this.
    #[error("{rep} does not own {client}")]
    NotOwner {
        /// The client.
        client: ClientId,
        /// The rep who tried.
        rep: RepId,
        /// The actual owner, if any.
        owner: Option<RepId>,
    },
    /// A person sets custody flags only on an owned client: a lock exempts one owner's custody
    /// from recycling, and a flag set on a public client would go to whoever takes it next
    /// (the system may set them, as the CRM's own data).
    #[error("{client} is in the public pool: only an owned client's flags can be set")]
    NotOwned {
        /// The client.
        client: ClientId,
    },
    /// A release needs a reason everyone can read.
    #[error("releasing {0} needs a reason")]
    MissingReason(ClientId),
    /// The handover wait has not passed.
    #[error("{client} may be handed over from {eligible_at}, not before")]
    HandoverTooEarly {
        /// The client.
        client: ClientId,
        /// When a handover becomes possible.
        eligible_at: DateTime<Utc>,
    },
    /// A transfer or handover to the rep who already owns the client.
    #[error("{client} already belongs to {rep}")]
    SameRep {
        /// The client.
        client: ClientId,
        /// The rep.
        rep: RepId,
    },
    /// A deal is already in force on the client.
    #[error("{client} already has a deal credited to {credited_to}")]
    AlreadyWon {
        /// The client.
        client: ClientId,
        /// Whom the deal is credited to.
        credited_to: RepId,
    },
    /// An imported client's history has a contact dated after the import.
    #[error("{client}: imported contact #{position} is dated {at}, after the import at {now}")]
    FutureHistory {
        /// The client.
        client: ClientId,
        /// The contact's position in the history (0-based).
        position: usize,
        /// Its date.
        at: DateTime<Utc>,
        /// The import's instant.
        now: DateTime<Utc>,
    },
    /// A rep cannot leave the team while holding clients.
    #[error("{rep} still holds {holding} clients; transfer them before removing the rep")]
    StillHolds {
        /// The rep.
        rep: RepId,
        /// Clients held.
        holding: u32,
    },
    /// A new policy or team was refused.
    #[error("invalid configuration: {0}")]
    Config(#[from] ConfigError),
    /// An allocator chose nobody for the client.
    #[error("nobody was chosen for {client}")]
    NobodyChosen {
        /// The client.
        client: ClientId,
        /// Why, as the allocator explained it.
        explanation: Box<Explanation>,
    },
    /// The allocator's decision is about another client.
    #[error("decision for {decided} used to assign {client}")]
    DecisionMismatch {
        /// The client of the command.
        client: ClientId,
        /// The client of the decision.
        decided: ClientId,
    },
    /// The store kept refusing with retryable errors (conflicts, unavailability) after every
    /// retry.
    #[error("gave up after {attempts} attempts: {last}")]
    Contention {
        /// Attempts made.
        attempts: u32,
        /// The last error.
        last: StoreError,
    },
    /// The store holds no configuration yet: install one first (`Pool::install`).
    #[error("the store holds no team and policy yet")]
    NotConfigured,
    /// The store already holds a configuration; change it with a policy or team change.
    #[error("the store already holds a configuration (version {version})")]
    AlreadyConfigured {
        /// The stored configuration's version.
        version: u64,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

//! Why the pool refused a command. A refused command changes nothing.

use crate::error::StoreError;
use crate::ids::{ClientId, PoolId, RepId};
use crate::model::ContactLevel;
use chrono::{DateTime, NaiveDate, Utc};
use thiserror::Error;

/// A command the pool refused, saying what and which id.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
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
    /// The rep holds as many clients as the cap allows.
    #[error("{rep} is at the private-pool cap: holds {holding} of {cap}")]
    CapReached {
        /// The rep.
        rep: RepId,
        /// Clients counted against the cap now.
        holding: u32,
        /// The cap.
        cap: u32,
    },
    /// The client was released recently; the rep may not claim it back yet.
    #[error("{client} is in the reclaim cooldown for {rep} until {until}")]
    Cooldown {
        /// The client.
        client: ClientId,
        /// The rep.
        rep: RepId,
        /// Claimable from.
        until: DateTime<Utc>,
    },
    /// The rep made as many claims today as the policy allows.
    #[error("{rep} reached the daily claim limit: {claims} of {limit} on {day}")]
    DailyLimit {
        /// The rep.
        rep: RepId,
        /// Claims made on `day`.
        claims: u32,
        /// The limit.
        limit: u32,
        /// The team day.
        day: NaiveDate,
    },
    /// The client entered the public pool recently; nobody may claim it yet.
    #[error("{client} is embargoed until {until}")]
    Embargoed {
        /// The client.
        client: ClientId,
        /// Claimable from.
        until: DateTime<Utc>,
    },
    /// Someone owns the client already.
    #[error("{client} is already owned by {owner}")]
    AlreadyOwned {
        /// The client.
        client: ClientId,
        /// Its owner.
        owner: RepId,
    },
    /// The rep does not own the client.
    #[error("{rep} does not own {client} (owner: {owner:?})")]
    NotOwner {
        /// The client.
        client: ClientId,
        /// The rep who tried.
        rep: RepId,
        /// The actual owner, if any.
        owner: Option<RepId>,
    },
    /// The rep is not a member of the client's pool.
    #[error("{rep} is not a member of {pool}")]
    NotMember {
        /// The rep.
        rep: RepId,
        /// The pool.
        pool: PoolId,
    },
    /// Another rep protects the client (撞单): a visit, a sample, cooperation or ownership.
    #[error("{client} is protected by {by} ({level:?}) since {since}")]
    Protected {
        /// The client.
        client: ClientId,
        /// The protecting rep.
        by: RepId,
        /// Their contact level (`None` when they own it without a logged contact).
        level: Option<ContactLevel>,
        /// Since when.
        since: DateTime<Utc>,
    },
    /// A voluntary release needs a reason.
    #[error("release of {0} needs a reason")]
    MissingReason(ClientId),
    /// A handover before the owner has held the client long enough.
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
    /// A deal was already marked on the client.
    #[error("{client} already has a deal credited to {credited_to}")]
    AlreadyWon {
        /// The client.
        client: ClientId,
        /// Whom the deal is credited to.
        credited_to: RepId,
    },
    /// An allocator chose nobody for the client.
    #[error("nobody was chosen for {client}: {reason}")]
    NobodyChosen {
        /// The client.
        client: ClientId,
        /// The allocator's reason.
        reason: String,
    },
    /// The allocator's decision is about another client.
    #[error("decision for {decided} used to assign {client}")]
    DecisionMismatch {
        /// The client of the command.
        client: ClientId,
        /// The client of the decision.
        decided: ClientId,
    },
    /// The store kept reporting concurrent writes after every retry.
    #[error("gave up after {attempts} attempts: {last}")]
    Contention {
        /// Attempts made.
        attempts: u32,
        /// The last conflict.
        last: StoreError,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

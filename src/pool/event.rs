//! Events: the facts an accepted command produced. Each carries everything needed to apply it,
//! so folding the log rebuilds the state exactly: the log is the audit trail of who got which
//! client and why.

use super::actor::Actor;
use super::command::{Assigner, Flag};
use super::policy::PoolPolicy;
use crate::allocate::Team;
use crate::ids::{ClientId, PoolId, RepId};
use crate::model::{Client, Contact, DedupeKey, RecycleCause, ReleaseReason, Timers};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// New timers for one client, after a policy change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retimed {
    /// The client.
    pub client: ClientId,
    /// Its timers under the new policy.
    pub timers: Timers,
}

/// How a client changed hands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "via", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Via {
    /// Claimed from the public pool.
    Claim {
        /// The rep's claims on the team day, this one included.
        claims: u32,
    },
    /// Assigned by a manager or a rule.
    Assign {
        /// Who decided, and why.
        by: Assigner,
    },
    /// Transferred from another rep.
    Transfer {
        /// The former owner.
        from: RepId,
    },
    /// Handed over from a rep who had not closed it, with the history the new owner sees.
    Handover {
        /// The former owner.
        from: RepId,
        /// Visits, samples and deals logged so far.
        history: Vec<Contact>,
    },
    /// A deal closed on a public client: claimed by the rep who closed it.
    Deal {
        /// The rep's claims on the team day, this one included.
        claims: u32,
    },
}

/// A fact the pool recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// A client entered a public pool.
    Imported {
        /// The client as stored (public, pooled now).
        client: Box<Client>,
        /// Who asked: the system for sweeps and rule assignments.
        actor: Actor,
    },
    /// An import matched a known client and was not duplicated.
    DuplicateReported {
        /// The id the import proposed.
        incoming: ClientId,
        /// The known client.
        existing: ClientId,
        /// The key that matched.
        key: DedupeKey,
        /// The known client's owner, who has the first claim on it.
        owner: Option<RepId>,
        /// When.
        at: DateTime<Utc>,
        /// Who asked: the system for sweeps and rule assignments.
        actor: Actor,
    },
    /// A client got a new owner; its timers restart and a lock ends (a lock belongs to one
    /// owner's custody).
    OwnerChanged {
        /// The client.
        client: ClientId,
        /// The new owner.
        to: RepId,
        /// How.
        via: Via,
        /// When.
        at: DateTime<Utc>,
        /// The team day of `at` (receipts and claims count per team day).
        day: NaiveDate,
        /// Its timers from now.
        timers: Timers,
        /// Who asked: the system for sweeps and rule assignments.
        actor: Actor,
    },
    /// A contact was logged.
    ContactLogged {
        /// The client.
        client: ClientId,
        /// The contact.
        contact: Contact,
        /// The owner's contact: a follow-up, with the restarted timers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        follow_up: Option<Timers>,
        /// Who asked: the system for sweeps and rule assignments.
        actor: Actor,
    },
    /// The owner was reminded that the client will be released.
    Reminded {
        /// The client.
        client: ClientId,
        /// The owner.
        rep: RepId,
        /// When.
        at: DateTime<Utc>,
        /// When it will be released unless followed up.
        release_at: DateTime<Utc>,
        /// The rule it will be released under.
        cause: RecycleCause,
        /// Who asked: the system for sweeps and rule assignments.
        actor: Actor,
    },
    /// A client returned to a public pool; a deal in force on it and its lock end (a lock
    /// belongs to one owner's custody).
    Released {
        /// The client.
        client: ClientId,
        /// The former owner.
        from: RepId,
        /// When; the cooldown counts from here.
        at: DateTime<Utc>,
        /// Why, shown to everyone.
        reason: ReleaseReason,
        /// The pool it returns to.
        to_pool: PoolId,
        /// Who asked: the system for sweeps and rule assignments.
        actor: Actor,
    },
    /// A deal was marked, credited to the owner.
    DealMarked {
        /// The client.
        client: ClientId,
        /// Whom it is credited to: the owner.
        credited_to: RepId,
        /// The closing contact, by the rep who logged it.
        contact: Contact,
        /// The owner's timers with the deal in force.
        timers: Timers,
        /// Who asked: the system for sweeps and rule assignments.
        actor: Actor,
    },
    /// A custody flag changed.
    FlagSet {
        /// The client.
        client: ClientId,
        /// The flag.
        flag: Flag,
        /// The owner's timers after the change (none for a public client).
        timers: Timers,
        /// Who asked: the system for sweeps and rule assignments.
        actor: Actor,
    },
    /// A client moved between pools.
    PoolChanged {
        /// The client.
        client: ClientId,
        /// The pool it left.
        from: PoolId,
        /// The pool it joined.
        to: PoolId,
        /// When.
        at: DateTime<Utc>,
        /// Who asked: the system for sweeps and rule assignments.
        actor: Actor,
    },
    /// The policy changed; timers that differ under it were recomputed.
    PolicyChanged {
        /// The new policy.
        policy: Box<PoolPolicy>,
        /// When.
        at: DateTime<Utc>,
        /// The clients whose timers changed, ascending.
        retimed: Vec<Retimed>,
        /// Who asked: the system for sweeps and rule assignments.
        actor: Actor,
    },
    /// The team changed.
    TeamChanged {
        /// The new team.
        team: Box<Team>,
        /// When.
        at: DateTime<Utc>,
        /// Who asked: the system for sweeps and rule assignments.
        actor: Actor,
    },
}

impl Event {
    /// The client the event is about, if it is about one.
    pub fn client(&self) -> Option<ClientId> {
        match self {
            Event::Imported { client, .. } => Some(client.id()),
            Event::DuplicateReported { existing, .. } => Some(*existing),
            Event::OwnerChanged { client, .. }
            | Event::ContactLogged { client, .. }
            | Event::Reminded { client, .. }
            | Event::Released { client, .. }
            | Event::DealMarked { client, .. }
            | Event::FlagSet { client, .. }
            | Event::PoolChanged { client, .. } => Some(*client),
            Event::PolicyChanged { .. } | Event::TeamChanged { .. } => None,
        }
    }

    /// Who asked for the command that produced the event.
    pub fn actor(&self) -> Actor {
        match self {
            Event::Imported { actor, .. }
            | Event::DuplicateReported { actor, .. }
            | Event::OwnerChanged { actor, .. }
            | Event::ContactLogged { actor, .. }
            | Event::Reminded { actor, .. }
            | Event::Released { actor, .. }
            | Event::DealMarked { actor, .. }
            | Event::FlagSet { actor, .. }
            | Event::PoolChanged { actor, .. }
            | Event::PolicyChanged { actor, .. }
            | Event::TeamChanged { actor, .. } => *actor,
        }
    }
}

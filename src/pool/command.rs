//! Commands: what a rep, a manager, an admin, an allocator or the scheduler asks the pool to do.
//! A command says what it concerns; who asks is the [`Actor`](super::Actor) it is decided for.

use super::policy::PoolPolicy;
use crate::allocate::{Explanation, Team};
use crate::ids::{ClientId, PoolId, RepId};
use crate::model::{Client, ContactLevel};
use serde::{Deserialize, Serialize};

/// Which of a rep's clients a transfer moves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "scope", content = "clients", rename_all = "snake_case")]
pub enum TransferScope {
    /// Every client the rep owns (the "one-click" move).
    All,
    /// The named clients; each must be owned by the rep.
    Only(Vec<ClientId>),
}

/// How an assignment was chosen, as the audit record shows it (who asked is the command's
/// [`Actor`](super::Actor), recorded in its event).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Assigner {
    /// A person chose the rep: a manager of the rep or an admin of the pool (领导分配).
    Manager,
    /// An allocation rule, with its published explanation.
    Rule {
        /// Why the rule chose the rep.
        explanation: Box<Explanation>,
    },
}

/// A custody flag a manager or the CRM sets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "flag", content = "value", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Flag {
    /// Locked clients are exempt from automatic release.
    Locked(bool),
    /// Whether an opportunity is open (the no-opportunity recycle rule reads it).
    OpenOpportunity(bool),
    /// The client level, for per-level recycle days.
    Level(Option<String>),
}

/// A request to the pool. [`super::decide`] accepts it (events) or refuses it (a typed error).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Command {
    /// Put a new client into a public pool (its pool), unless its dedupe keys match a known
    /// client, which is reported instead. Its history is checked; its owner and timers, if a
    /// store copy had any, are ignored.
    Import {
        /// The client.
        client: Box<Client>,
    },
    /// A rep takes a public client (asked by the rep, for themselves: 领取).
    Claim {
        /// The client.
        client: ClientId,
        /// The rep.
        rep: RepId,
    },
    /// A public client is given to a rep, by a manager or admin ([`Assigner::Manager`]) or a
    /// rule.
    Assign {
        /// The client.
        client: ClientId,
        /// The rep.
        rep: RepId,
        /// Who decided.
        by: Assigner,
    },
    /// Move clients from one rep to another.
    Transfer {
        /// The current owner.
        from: RepId,
        /// The new owner.
        to: RepId,
        /// Which clients.
        scope: TransferScope,
    },
    /// Log a contact; the owner's contact is a follow-up and restarts the timers.
    FollowUp {
        /// The client.
        client: ClientId,
        /// The rep who made the contact.
        rep: RepId,
        /// How far it went.
        level: ContactLevel,
        /// The rep's note.
        #[serde(default)]
        note: String,
    },
    /// The owner gives the client back to the public pool, saying why.
    Release {
        /// The client.
        client: ClientId,
        /// The owner.
        rep: RepId,
        /// Why, in the owner's words, shown to everyone (must not be blank).
        note: String,
    },
    /// Send the reminders due and release what expired, at the decision instant.
    Sweep,
    /// Send the reminder or make the release due on one client, if one is due (what a store
    /// backed sweep commits client by client).
    SweepClient {
        /// The client.
        client: ClientId,
    },
    /// A deal. On an owned client it is credited to the owner, even when `closed_by` is
    /// someone else (seed 001); on a public client it is a claim by `closed_by` and a deal in
    /// one, and passes every claim rule.
    MarkDeal {
        /// The client.
        client: ClientId,
        /// The rep who logged the closing contact.
        closed_by: RepId,
    },
    /// Give a client its owner has not closed for a long time to another rep.
    Handover {
        /// The client.
        client: ClientId,
        /// The new owner.
        to: RepId,
    },
    /// Set a custody flag.
    SetFlag {
        /// The client.
        client: ClientId,
        /// The flag and its value.
        flag: Flag,
    },
    /// Move a client to another pool.
    MovePool {
        /// The client.
        client: ClientId,
        /// The destination pool.
        to: PoolId,
    },
    /// Replace the policy (checked against the team); every owned client's timers are
    /// recomputed under the new one.
    ChangePolicy {
        /// The new policy.
        policy: Box<PoolPolicy>,
    },
    /// Replace the team (checked against the policy). A rep may leave the team only when it
    /// holds no client.
    ChangeTeam {
        /// The new team.
        team: Box<Team>,
    },
}

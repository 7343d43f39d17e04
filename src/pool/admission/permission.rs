//! Who may do what: the permission matrix, one table decided in one function.
//!
//! Every command is an [`Action`] asked by an [`Actor`]. The matrix gives, for each action and
//! each [`ActorKind`], the [`Grant`] the actor must hold for what the command touches; `decide`
//! checks it with one crate-internal function, `permit`, before any other rule, and refuses with a [`Forbidden`] naming the
//! actor, the action and the authority they lack ([`Need`]). A refused command changes nothing.
//!
//! | action | rep | manager | admin | system |
//! |---|---|---|---|---|
//! | import | a member of the pool | — | an admin of the pool | always |
//! | import with history or flags | — | — | an admin of the pool | always |
//! | claim | for themselves | — | — | — |
//! | assign (by a person) | — | manages the rep | an admin of the pool | — |
//! | assign by rule | — | manages the rep | an admin of the pool | always |
//! | transfer | their own clients, if the policy allows | manages both reps | an admin of the pool | — |
//! | hand over | their own clients, if the policy allows | manages both reps | an admin of the pool | — |
//! | follow up | for themselves | — | — | — |
//! | release | for themselves | manages the rep | an admin of the pool | — |
//! | mark a deal | — | manages the owner | an admin of the pool, not the owner | always |
//! | set a custody flag | — | manages the owner | an admin of the pool, not the owner | always |
//! | move between pools | — | — | an admin of both pools | — |
//! | change the policy | — | — | a policy admin | — |
//! | change the team | — | — | a policy admin | always |
//! | sweep | — | — | — | always |
//!
//! "The rep" is the one the command names: the claimant, the receiver of an assignment, the
//! owner releasing, the rep who closed the deal; a transfer's and a handover's "both reps" are
//! the owner and the receiver; for a deal, "the owner" is the closer when the client is public
//! (the deal claims it for them). Nobody gives a client to themselves (an admin who sells takes
//! clients by claims, under the claim rules), and a manager never manages themselves, so no
//! manager flags their own clients either. The table is [`Action::grant`]; README's copy
//! is generated from it and a test keeps them equal.

use super::super::actor::{Actor, ActorKind};
use super::super::authority::Org;
use super::super::command::{Assigner, Command};
use super::super::config::Config;
use crate::ids::{PoolId, RepId};
use serde::{Deserialize, Serialize};

/// What an actor asks to do: the rows of the permission matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Action {
    /// Put a client into a public pool.
    Import,
    /// Put a client into a public pool with a record: contact history or custody flags (a
    /// migration). Contacts protect a client from other reps (撞单) and a lock exempts it from
    /// recycling, so a rep may not bring their own.
    ImportHistory,
    /// Take a public client for oneself.
    Claim,
    /// Give a public client to a rep, by a person's choice.
    Assign,
    /// Give a public client to the rep an allocation rule chose.
    AssignByRule,
    /// Move clients from their owner to another rep.
    Transfer,
    /// Give a long-unclosed client to another rep.
    Handover,
    /// Log a contact.
    FollowUp,
    /// Give a client back to the public pool.
    Release,
    /// Mark a deal.
    MarkDeal,
    /// Lock a client, or set another custody flag.
    SetFlag,
    /// Move a client to another pool.
    MovePool,
    /// Replace the policy.
    ChangePolicy,
    /// Replace the team.
    ChangeTeam,
    /// Send reminders and release what expired.
    Sweep,
}

/// The authority an actor of one kind needs for one action: a cell of the permission matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Grant {
    /// Nobody of this kind.
    Never,
    /// Always (the system's own work).
    Always,
    /// The rep the command names, and only for themselves.
    Themselves,
    /// The owner, for their own clients, when the policy lets reps move them
    /// ([`PoolPolicy::reps_transfer_own`](crate::pool::PoolPolicy::reps_transfer_own)).
    TheirOwnIfAllowed,
    /// A member of the client's pool.
    MemberOfPool,
    /// An admin of the client's pool (or of the policy).
    AdminOfPool,
    /// An admin of the pool the client leaves and of the one it joins.
    AdminOfBothPools,
    /// An admin of the client's pool who does not own it.
    AdminNotOwner,
    /// A manager of the rep the command names.
    ManagerOfRep,
    /// A manager of the client's owner.
    ManagerOfOwner,
    /// A manager of both the owner and the receiver.
    ManagerOfBoth,
    /// An admin of the policy.
    PolicyAdmin,
}

use Grant::{
    AdminNotOwner, AdminOfBothPools, AdminOfPool, Always, ManagerOfBoth, ManagerOfOwner,
    ManagerOfRep, MemberOfPool, Never, PolicyAdmin, TheirOwnIfAllowed, Themselves,
};

/// The matrix, by action (rows in [`Action::ALL`] order) and kind (columns in
/// [`ActorKind::ALL`] order: rep, manager, admin, system).
const MATRIX: [[Grant; 4]; 15] = [
    [MemberOfPool, Never, AdminOfPool, Always], // import
    [Never, Never, AdminOfPool, Always],        // import with contact history
    [Themselves, Never, Never, Never],          // claim
    [Never, ManagerOfRep, AdminOfPool, Never],  // assign
    [Never, ManagerOfRep, AdminOfPool, Always], // assign by rule
    [TheirOwnIfAllowed, ManagerOfBoth, AdminOfPool, Never], // transfer
    [TheirOwnIfAllowed, ManagerOfBoth, AdminOfPool, Never], // handover
    [Themselves, Never, Never, Never],          // follow-up
    [Themselves, ManagerOfRep, AdminOfPool, Never], // release
    [Never, ManagerOfOwner, AdminNotOwner, Always], // mark a deal
    [Never, ManagerOfOwner, AdminNotOwner, Always], // set a flag
    [Never, Never, AdminOfBothPools, Never],    // move between pools
    [Never, Never, PolicyAdmin, Never],         // change the policy
    [Never, Never, PolicyAdmin, Always],        // change the team
    [Never, Never, Never, Always],              // sweep
];

impl Action {
    /// Every action, in the matrix's row order.
    pub const ALL: [Action; 15] = [
        Action::Import,
        Action::ImportHistory,
        Action::Claim,
        Action::Assign,
        Action::AssignByRule,
        Action::Transfer,
        Action::Handover,
        Action::FollowUp,
        Action::Release,
        Action::MarkDeal,
        Action::SetFlag,
        Action::MovePool,
        Action::ChangePolicy,
        Action::ChangeTeam,
        Action::Sweep,
    ];

    /// What an actor of `kind` needs to do this: the matrix's cell.
    #[inline]
    pub fn grant(self, kind: ActorKind) -> Grant {
        // The variants are declared in `ALL`'s order (a test checks it): the discriminant is
        // the row.
        MATRIX[self as usize][kind.index()]
    }

    /// The action of importing `client` ([`Action::of`] an import): with a record of its own,
    /// a migration.
    #[inline]
    pub(crate) fn of_import(client: &crate::model::Client) -> Action {
        if carries_record(client) {
            Action::ImportHistory
        } else {
            Action::Import
        }
    }

    /// The action of an assignment decided `by` someone ([`Action::of`] an assignment).
    #[inline]
    pub(crate) fn of_assign(by: &Assigner) -> Action {
        match by {
            Assigner::Rule { .. } => Action::AssignByRule,
            Assigner::Manager => Action::Assign,
        }
    }

    /// The action of a contact ([`Action::of`] a follow-up).
    #[inline]
    pub(crate) const fn of_follow_up() -> Action {
        Action::FollowUp
    }

    /// The action a command asks for.
    pub fn of(command: &Command) -> Action {
        match command {
            Command::Import { client } => Action::of_import(client),
            Command::Claim { .. } => Action::Claim,
            Command::Assign { by, .. } => Action::of_assign(by),
            Command::Transfer { .. } => Action::Transfer,
            Command::Handover { .. } => Action::Handover,
            Command::FollowUp { .. } => Action::of_follow_up(),
            Command::Release { .. } => Action::Release,
            Command::MarkDeal { .. } => Action::MarkDeal,
            Command::SetFlag { .. } => Action::SetFlag,
            Command::MovePool { .. } => Action::MovePool,
            Command::ChangePolicy { .. } => Action::ChangePolicy,
            Command::ChangeTeam { .. } => Action::ChangeTeam,
            Command::Sweep | Command::SweepClient { .. } => Action::Sweep,
        }
    }
}

/// The whole permission matrix as a value to render: a Markdown table of [`Action::ALL`] ×
/// [`ActorKind::ALL`] in the reader's language, for a CRM's admin screen or docs.
///
/// ```
/// use leadpool::i18n::{Lang, Render};
/// use leadpool::pool::admission::permission::PermissionMatrix;
/// let table = PermissionMatrix.render(Lang::ZhCn).to_string();
/// assert!(table.contains("| 领取客户 | 仅限本人 |"));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PermissionMatrix;

/// True when an imported client brings a record of its own: contacts (which protect it from
/// other reps) or custody flags (a lock exempts it from recycling).
fn carries_record(client: &crate::model::Client) -> bool {
    let custody = client.custody();
    !client.contacts().is_empty()
        || custody.locked()
        || custody.open_opportunity()
        || custody.level().is_some()
}

/// Why an actor may not do what it asked: the command changed nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Forbidden {
    /// Who asked.
    pub actor: Actor,
    /// What they asked to do.
    pub action: Action,
    /// The authority they lack.
    pub needs: Need,
}

impl std::error::Error for Forbidden {}

/// The authority an actor lacks, naming the rep or pool it is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "authority", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Need {
    /// No actor of this kind may do this at all.
    AnotherRole,
    /// Only this rep, for themselves.
    Themselves {
        /// The rep the command names.
        rep: RepId,
    },
    /// The policy does not let reps move their own clients.
    OwnTransfersAllowed,
    /// To be a member of the pool.
    MemberOf {
        /// The pool.
        pool: PoolId,
    },
    /// To be an admin of the pool.
    AdminOf {
        /// The pool.
        pool: PoolId,
    },
    /// To manage the rep.
    ManagerOf {
        /// The rep.
        rep: RepId,
    },
    /// To be an admin of the policy.
    PolicyAdmin,
    /// Not to be the receiver: nobody gives a client to themselves (a person takes a client
    /// only by a claim, under every claim rule).
    NotToThemselves,
    /// Not to be the owner: nobody sets a custody flag on their own client.
    NotTheOwner {
        /// The owner (the actor).
        owner: RepId,
    },
}

/// What a command touches, as the permission rules read it.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Subject {
    /// The rep the command names: claimant, receiver, releasing owner, closer of a deal.
    pub(crate) rep: Option<RepId>,
    /// The client's owner (the rep a transfer or handover moves clients away from).
    pub(crate) owner: Option<RepId>,
    /// The client's pool; `None` when the command is about no client (then only a policy
    /// admin administers it).
    pub(crate) pool: Option<PoolId>,
    /// The pool a client moves to.
    pub(crate) to_pool: Option<PoolId>,
}

/// May `actor` do `action` on `subject` under `config`? The one place the permission matrix is
/// decided.
///
/// Inlined as far as the cell: the system's own work (a cell that always grants) costs no
/// call, and the subject is built (by `subject`) only for a cell that reads it.
#[inline]
pub(crate) fn permit(
    config: &Config,
    actor: Actor,
    action: Action,
    subject: impl FnOnce() -> Subject,
) -> Result<(), Forbidden> {
    match action.grant(actor.kind()) {
        Grant::Always => Ok(()),
        grant => permit_grant(config, actor, action, grant, subject),
    }
}

/// [`permit`] for a cell that does not always grant.
///
/// A person acting for themselves (a rep's claim, follow-up or release, the busiest cells)
/// reads only the rep the command names: the rest of the subject stays where the caller
/// computed it (in registers), and is put together for the cells that read the policy and the
/// organisation only on their way there.
#[inline]
fn permit_grant(
    config: &Config,
    actor: Actor,
    action: Action,
    grant: Grant,
    subject: impl FnOnce() -> Subject,
) -> Result<(), Forbidden> {
    let refuse = |needs: Need| Forbidden {
        actor,
        action,
        needs,
    };
    let person = match (grant, actor.person()) {
        (Grant::Always, _) => return Ok(()),
        (Grant::Never, _) | (_, None) => return Err(refuse(Need::AnotherRole)),
        (_, Some(person)) => person,
    };
    let subject = subject();
    // A person acting for themselves is answered from the subject alone; every other cell
    // reads the policy and the organisation.
    let checked = match grant {
        Grant::Themselves => themselves(person, subject.rep),
        grant => authority(config, grant, person, subject),
    };
    let gives = matches!(
        action,
        Action::Assign | Action::AssignByRule | Action::Transfer | Action::Handover
    );
    match checked {
        Ok(()) if gives && subject.rep == Some(person) => Err(refuse(Need::NotToThemselves)),
        checked => checked.map_err(refuse),
    }
}

/// [`Grant::Themselves`]: `person` is the rep the command names.
#[inline]
fn themselves(person: RepId, rep: Option<RepId>) -> Result<(), Need> {
    match rep {
        Some(rep) if rep == person => Ok(()),
        Some(rep) => Err(Need::Themselves { rep }),
        None => Err(Need::AnotherRole),
    }
}

/// The cells of [`permit_grant`] that read the configuration: what `person` lacks, if
/// anything, for `grant` on `subject` (by value: built only on the way here).
#[inline(never)]
fn authority(config: &Config, grant: Grant, person: RepId, subject: Subject) -> Result<(), Need> {
    let policy = config.policy();
    let org: &Org = config.org();
    let admin_of = |pool: Option<PoolId>| match pool {
        Some(pool) => Org::is_admin(&policy.admins, &policy.pools, person, pool),
        None => policy.admins.contains(&person),
    };
    let admin_need = |pool: Option<PoolId>| match pool {
        Some(pool) => Need::AdminOf { pool },
        None => Need::PolicyAdmin,
    };
    let manages = |rep: Option<RepId>| -> Result<(), Need> {
        match rep {
            Some(rep) if org.manages(person, rep) => Ok(()),
            Some(rep) => Err(Need::ManagerOf { rep }),
            // Nobody to manage (a public client): only an admin may.
            None => Err(admin_need(subject.pool)),
        }
    };
    match grant {
        Grant::Never => Err(Need::AnotherRole),
        Grant::Always => Ok(()),
        Grant::Themselves => themselves(person, subject.rep),
        Grant::TheirOwnIfAllowed => match subject.owner {
            _ if !policy.reps_transfer_own => Err(Need::OwnTransfersAllowed),
            Some(owner) if owner == person => Ok(()),
            Some(owner) => Err(Need::Themselves { rep: owner }),
            None => Err(Need::AnotherRole),
        },
        Grant::MemberOfPool => {
            let pool = subject.pool.unwrap_or(policy.default_pool);
            if config.is_member(person, pool) {
                Ok(())
            } else {
                Err(Need::MemberOf { pool })
            }
        }
        Grant::AdminOfPool => admin_of(subject.pool)
            .then_some(())
            .ok_or(admin_need(subject.pool)),
        Grant::AdminOfBothPools => [subject.pool, subject.to_pool]
            .into_iter()
            .find(|pool| !admin_of(*pool))
            .map_or(Ok(()), |pool| Err(admin_need(pool))),
        Grant::AdminNotOwner => match subject.owner {
            _ if !admin_of(subject.pool) => Err(admin_need(subject.pool)),
            Some(owner) if owner == person => Err(Need::NotTheOwner { owner }),
            _ => Ok(()),
        },
        Grant::ManagerOfRep => manages(subject.rep),
        Grant::ManagerOfOwner => manages(subject.owner),
        Grant::ManagerOfBoth => manages(subject.owner).and_then(|()| manages(subject.rep)),
        Grant::PolicyAdmin => policy
            .admins
            .contains(&person)
            .then_some(())
            .ok_or(Need::PolicyAdmin),
    }
}

#[cfg(test)]
mod tests;

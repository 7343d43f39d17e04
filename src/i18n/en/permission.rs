//! English: who may do what (actors, actions, the permission matrix, refusals).

use crate::i18n::{Locale, Render, matrix_table};
use crate::pool::admission::PermissionMatrix;
use crate::pool::{Action, Actor, ActorKind, Forbidden, Grant, Need};
use std::fmt::{Formatter, Result};

pub(in crate::i18n) fn actor(a: &Actor, _: &Locale, f: &mut Formatter<'_>) -> Result {
    match a {
        Actor::Rep(id) => write!(f, "{id}"),
        Actor::Manager(id) => write!(f, "manager {id}"),
        Actor::Admin(id) => write!(f, "admin {id}"),
        Actor::System => f.write_str("the system"),
    }
}

pub(in crate::i18n) fn kind(k: &ActorKind, _: &Locale, f: &mut Formatter<'_>) -> Result {
    f.write_str(match k {
        ActorKind::Rep => "rep",
        ActorKind::Manager => "manager",
        ActorKind::Admin => "admin",
        ActorKind::System => "system",
    })
}

pub(in crate::i18n) fn action(a: &Action, _: &Locale, f: &mut Formatter<'_>) -> Result {
    f.write_str(match a {
        Action::Import => "import",
        Action::ImportHistory => "import with history or flags",
        Action::Claim => "claim",
        Action::Assign => "assign (by a person)",
        Action::AssignByRule => "assign by rule",
        Action::Transfer => "transfer",
        Action::Handover => "hand over",
        Action::FollowUp => "follow up",
        Action::Release => "release",
        Action::MarkDeal => "mark a deal",
        Action::SetFlag => "set a custody flag",
        Action::MovePool => "move between pools",
        Action::ChangePolicy => "change the policy",
        Action::ChangeTeam => "change the team",
        Action::Sweep => "sweep",
    })
}

pub(in crate::i18n) fn grant(g: &Grant, _: &Locale, f: &mut Formatter<'_>) -> Result {
    f.write_str(match g {
        Grant::Never => "—",
        Grant::Always => "always",
        Grant::Themselves => "for themselves",
        Grant::TheirOwnIfAllowed => "their own clients, if the policy allows",
        Grant::MemberOfPool => "a member of the pool",
        Grant::AdminOfPool => "an admin of the pool",
        Grant::AdminOfBothPools => "an admin of both pools",
        Grant::AdminNotOwner => "an admin of the pool, not the owner",
        Grant::ManagerOfRep => "manages the rep",
        Grant::ManagerOfOwner => "manages the owner",
        Grant::ManagerOfBoth => "manages both reps",
        Grant::PolicyAdmin => "a policy admin",
    })
}

pub(in crate::i18n) fn need(n: &Need, _: &Locale, f: &mut Formatter<'_>) -> Result {
    match n {
        Need::AnotherRole => f.write_str("not in this role"),
        Need::Themselves { rep } => write!(f, "only {rep} may, for themselves"),
        Need::OwnTransfersAllowed => {
            f.write_str("the policy does not let reps move their own clients")
        }
        Need::MemberOf { pool } => write!(f, "needs to be a member of {pool}"),
        Need::AdminOf { pool } => write!(f, "needs to be an admin of {pool}"),
        Need::ManagerOf { rep } => write!(f, "needs to manage {rep}"),
        Need::PolicyAdmin => f.write_str("needs to be a policy admin"),
        Need::NotToThemselves => f.write_str("nobody gives a client to themselves"),
        Need::NotTheOwner { owner } => {
            write!(f, "{owner} owns the client and may not flag it")
        }
    }
}

pub(in crate::i18n) fn forbidden(x: &Forbidden, l: &Locale, f: &mut Formatter<'_>) -> Result {
    if x.needs == Need::AnotherRole {
        return write!(
            f,
            "{} may not {}: no {} may",
            x.actor.render(*l),
            x.action.render(*l),
            x.actor.kind().render(*l)
        );
    }
    write!(
        f,
        "{} may not {}: {}",
        x.actor.render(*l),
        x.action.render(*l),
        x.needs.render(*l)
    )
}

pub(in crate::i18n) fn matrix(_: &PermissionMatrix, l: &Locale, f: &mut Formatter<'_>) -> Result {
    matrix_table("action", l, f)
}

//! The 撞单 check (seed 003): may a rep contact a client now, or does another rep protect it?
//!
//! A phone call protects nothing; a visit, a sample or a cooperating contact protects the
//! client for the policy's window from that date; a deal in force protects it for as long as
//! it cooperates (a release ends it); an owned client belongs to its owner. Nothing protects
//! for ever: contact history, imported or logged, expires like any other.

use crate::calendar::after_days;
use crate::ids::{PoolId, RepId};
use crate::model::{Client, Contact, ContactLevel};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Why another rep protects a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "protection", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Protection {
    /// It is in the other rep's private pool.
    Owned,
    /// A deal credited to the other rep is in force: protected while it cooperates.
    Cooperating,
    /// A visit, a sample or a cooperating contact inside the protection window.
    Window {
        /// The window ends here.
        until: DateTime<Utc>,
    },
}

/// The answer to "may rep R contact client C now?".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ContactVerdict {
    /// Nobody else is working the client.
    Allowed,
    /// Allowed, but another rep has phoned it: coordinate with them.
    Notice {
        /// The rep who phoned last.
        by: RepId,
        /// When.
        at: DateTime<Utc>,
    },
    /// Stop: another rep protects the client.
    Refused {
        /// The protecting rep.
        by: RepId,
        /// Their highest contact level, when they logged one.
        level: Option<ContactLevel>,
        /// Since when they protect it.
        since: DateTime<Utc>,
        /// Why.
        protection: Protection,
    },
    /// Stop: the client's pool is one the rep may not work (the pool's own members would be
    /// kept from it by an outsider's contact). Answered by the pool, which knows the policy.
    NotMember {
        /// The client's pool.
        pool: PoolId,
    },
}

impl ContactVerdict {
    /// True unless refused.
    pub fn is_allowed(&self) -> bool {
        !matches!(
            self,
            ContactVerdict::Refused { .. } | ContactVerdict::NotMember { .. }
        )
    }
}

/// May `rep` contact `client` at `now`, with visits, samples and cooperating contacts
/// protecting for `protection_days`? Contacts dated after `now` protect nothing yet.
#[inline(always)]
pub fn may_contact(
    client: &Client,
    rep: RepId,
    now: DateTime<Utc>,
    protection_days: u32,
) -> ContactVerdict {
    let contacts = client.contacts();
    match client.owner() {
        Some(owner) if owner == rep => return ContactVerdict::Allowed,
        Some(owner) => return owned_by(client, owner),
        None => {}
    }
    if let Some(deal) = client.custody().deal.filter(|d| d.credited_to != rep) {
        return ContactVerdict::Refused {
            by: deal.credited_to,
            level: Some(ContactLevel::Cooperating),
            since: deal.at,
            protection: Protection::Cooperating,
        };
    }
    // A client nobody has contacted (most new leads) is answered without a call.
    if contacts.is_empty() {
        return ContactVerdict::Allowed;
    }
    by_contacts(contacts, rep, now, protection_days)
}

/// [`may_contact`] for a client `owner` (another rep) owns: refused.
fn owned_by(client: &Client, owner: RepId) -> ContactVerdict {
    let level = client
        .contacts()
        .iter()
        .filter(|c| c.rep == owner)
        .map(|c| c.level)
        .max();
    ContactVerdict::Refused {
        by: owner,
        level,
        since: client.custody().owned_since.unwrap_or(client.created_at()),
        protection: Protection::Owned,
    }
}

/// [`may_contact`] for a client no other rep owns or closed: what the other reps' contacts
/// say.
fn by_contacts(
    contacts: &[Contact],
    rep: RepId,
    now: DateTime<Utc>,
    protection_days: u32,
) -> ContactVerdict {
    let others = || contacts.iter().filter(move |c| c.rep != rep && c.at <= now);
    if let Some(recent) = others()
        .filter(|c| c.level >= ContactLevel::Visit)
        .filter(|c| now < after_days(c.at, protection_days))
        .max_by(|a, b| a.at.cmp(&b.at).then(a.level.cmp(&b.level)))
    {
        return ContactVerdict::Refused {
            by: recent.rep,
            level: Some(recent.level),
            since: recent.at,
            protection: Protection::Window {
                until: after_days(recent.at, protection_days),
            },
        };
    }
    match others()
        .filter(|c| c.level == ContactLevel::Phone)
        .max_by_key(|c| c.at)
    {
        Some(call) => ContactVerdict::Notice {
            by: call.rep,
            at: call.at,
        },
        None => ContactVerdict::Allowed,
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ClientId;
    use crate::model::{Deal, Source};
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    /// The verdict as first written (one function, every contact scanned): the reference the
    /// split must match.
    fn as_first_written(
        client: &Client,
        rep: RepId,
        now: DateTime<Utc>,
        protection_days: u32,
    ) -> ContactVerdict {
        let contacts = client.contacts();
        let others = || contacts.iter().filter(move |c| c.rep != rep && c.at <= now);
        if let Some(owner) = client.owner().filter(|o| *o != rep) {
            let level = contacts
                .iter()
                .filter(|c| c.rep == owner)
                .map(|c| c.level)
                .max();
            return ContactVerdict::Refused {
                by: owner,
                level,
                since: client.custody().owned_since.unwrap_or(client.created_at()),
                protection: Protection::Owned,
            };
        }
        if client.owner() == Some(rep) {
            return ContactVerdict::Allowed;
        }
        if let Some(deal) = client.custody().deal.filter(|d| d.credited_to != rep) {
            return ContactVerdict::Refused {
                by: deal.credited_to,
                level: Some(ContactLevel::Cooperating),
                since: deal.at,
                protection: Protection::Cooperating,
            };
        }
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

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
    }

    fn at(days: i64) -> DateTime<Utc> {
        start() + Duration::days(days)
    }

    /// A client with `contacts` (rep, level, day), an owner since a day, a deal.
    fn client(
        contacts: &[(u64, usize, i64)],
        owner: Option<(u64, i64)>,
        deal: Option<(u64, i64)>,
    ) -> Client {
        let history = contacts.iter().map(|&(rep, level, day)| Contact {
            rep: RepId(rep),
            level: ContactLevel::ALL[level],
            at: at(day),
            note: String::new(),
        });
        let mut client =
            Client::new(ClientId(1), "c", Source::Website, start()).with_history(history);
        let parts = client.custody_mut();
        *parts.owner = owner.map(|(rep, _)| RepId(rep));
        parts.custody.owned_since = owner.map(|(_, day)| at(day));
        parts.custody.deal = deal.map(|(rep, day)| Deal {
            credited_to: RepId(rep),
            closed_by: RepId(rep),
            at: at(day),
        });
        client
    }

    proptest! {
        #[test]
        fn the_verdict_is_the_one_first_written(
            contacts in prop::collection::vec((1u64..4, 0usize..4, 0i64..60), 0..6),
            owner in prop::option::of((1u64..4, 0i64..60)),
            deal in prop::option::of((1u64..4, 0i64..60)),
            rep in 1u64..4,
            now in 0i64..90,
            days in 0u32..40,
        ) {
            let client = client(&contacts, owner, deal);
            prop_assert_eq!(
                may_contact(&client, RepId(rep), at(now), days),
                as_first_written(&client, RepId(rep), at(now), days)
            );
        }
    }
}

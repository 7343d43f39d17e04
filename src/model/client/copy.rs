//! Copying a client: its custody and contact log are copied, its card shared.

use super::{Client, ContactLog, Custody};
use std::sync::Arc;

impl Clone for Client {
    /// Copies the custody and contact log and shares the card. Written out: the parts that
    /// own memory (the latest release, the level, the log) are empty on most clients, so each
    /// is cloned only when present, and the copy is written in place (the derived clone built
    /// the custody aside, then moved it into the copy).
    #[inline]
    fn clone(&self) -> Self {
        let Client {
            id,
            card,
            pool,
            owner,
            custody,
            contacts,
        } = self;
        let Custody {
            owned_since,
            last_follow_up,
            pooled_at,
            last_release,
            timers,
            locked,
            deal,
            open_opportunity,
            level,
        } = custody;
        // The parts that own memory first, each cloned only when present; then the copy,
        // written straight into place.
        let last_release = if last_release.is_some() {
            last_release.clone()
        } else {
            None
        };
        let level = if level.is_some() { level.clone() } else { None };
        let contacts = if contacts.is_empty() {
            ContactLog::Empty
        } else {
            contacts.clone()
        };
        Client {
            id: *id,
            card: Arc::clone(card),
            pool: *pool,
            owner: *owner,
            custody: Custody {
                owned_since: *owned_since,
                last_follow_up: *last_follow_up,
                pooled_at: *pooled_at,
                last_release,
                timers: *timers,
                locked: *locked,
                deal: *deal,
                open_opportunity: *open_opportunity,
                level,
            },
            contacts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ClientId, RepId};
    use crate::model::{
        Contact, ContactLevel, RecycleCause, RecycleKind, Release, ReleaseReason, Source,
    };
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;

    fn contact(n: u32) -> Contact {
        Contact {
            rep: RepId(u64::from(n) + 1),
            level: ContactLevel::Phone,
            at: Utc.with_ymd_and_hms(2026, 11, 2, 9, n, 0).unwrap(),
            note: format!("note {n}"),
        }
    }

    /// A client with the parts that own memory present or not: a release (by a sweep or by
    /// its owner, with a note), a level, and `contacts` contacts.
    fn client(release: u8, level: bool, contacts: u32, owned: bool) -> Client {
        let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        let mut client = Client::new(ClientId(7), "acme", Source::Website, at)
            .with_flags(owned, !owned, level.then_some("A"))
            .with_history((0..contacts).map(contact));
        let custody = client.custody_mut();
        if owned {
            *custody.owner = Some(RepId(3));
            custody.custody.owned_since = Some(at);
            custody.custody.last_follow_up = Some(at);
        }
        custody.custody.last_release = match release {
            0 => None,
            1 => Some(Release {
                from: RepId(2),
                at,
                reason: ReleaseReason::Policy {
                    cause: RecycleCause {
                        rule: RecycleKind::NoFollowUp,
                        days: 3,
                    },
                },
            }),
            _ => Some(Release {
                from: RepId(2),
                at,
                reason: ReleaseReason::Owner {
                    note: "not interested".to_owned(),
                },
            }),
        };
        client
    }

    proptest! {
        /// The copy equals the client in every part, whichever parts are present, shares its
        /// card, and owns its own log (a contact added to one leaves the other as it was).
        #[test]
        fn a_copy_equals_the_client_in_every_part(release in 0u8..3, level: bool, contacts in 0u32..4, owned: bool) {
            let original = client(release, level, contacts, owned);
            let mut copy = original.clone();
            prop_assert_eq!(&copy, &original);
            prop_assert_eq!(copy.custody(), original.custody());
            prop_assert_eq!(copy.contacts(), original.contacts());
            prop_assert_eq!(copy.owner(), original.owner());
            prop_assert!(Arc::ptr_eq(&copy.card, &original.card));
            copy.custody_mut().contacts.push(contact(9));
            prop_assert_eq!(original.contacts().len(), contacts as usize);
            prop_assert_eq!(copy.contacts().len(), contacts as usize + 1);
        }
    }
}

//! A client's contact log: every contact logged, oldest first, with the first one kept in the
//! client itself.
//!
//! Most leads in a pool are contacted once or never before they are closed, released or
//! handed over, so a log that allocated on its first contact paid a heap allocation (and a
//! free) for nearly every client. The log holds one contact inline and moves to the heap on
//! the second; it reads as one slice either way and serialises as the list it is.

use super::contact::Contact;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Contacts, oldest first: none, one kept inline, or a list on the heap (two or more).
#[derive(Clone, Default)]
pub(crate) enum ContactLog {
    /// Nothing logged.
    #[default]
    Empty,
    /// One contact, inline.
    One(Contact),
    /// Two or more contacts.
    Many(Vec<Contact>),
}

impl ContactLog {
    /// The contacts, oldest first.
    #[inline]
    pub(crate) fn as_slice(&self) -> &[Contact] {
        match self {
            ContactLog::Empty => &[],
            ContactLog::One(contact) => std::slice::from_ref(contact),
            ContactLog::Many(contacts) => contacts,
        }
    }

    /// True when nothing is logged.
    pub(crate) fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// Logs `contact` after the others: the first stays inline, the second moves the log to
    /// the heap. The first is logged where the caller is (most clients are contacted once),
    /// the others out of line.
    #[inline]
    pub(crate) fn push(&mut self, contact: Contact) {
        match self {
            ContactLog::Empty => *self = ContactLog::One(contact),
            _ => self.push_after(contact),
        }
    }

    /// [`ContactLog::push`] to a log that holds a contact already.
    #[inline(never)]
    fn push_after(&mut self, contact: Contact) {
        match self {
            ContactLog::Empty => *self = ContactLog::One(contact),
            ContactLog::One(_) => {
                let ContactLog::One(first) = std::mem::take(self) else {
                    return;
                };
                let mut contacts = Vec::with_capacity(4);
                contacts.push(first);
                contacts.push(contact);
                *self = ContactLog::Many(contacts);
            }
            ContactLog::Many(contacts) => contacts.push(contact),
        }
    }

    /// Logs every contact of `contacts`, in order.
    pub(crate) fn extend(&mut self, contacts: impl IntoIterator<Item = Contact>) {
        for contact in contacts {
            self.push(contact);
        }
    }
}

impl From<Vec<Contact>> for ContactLog {
    fn from(mut contacts: Vec<Contact>) -> Self {
        match contacts.len() {
            0 => ContactLog::Empty,
            1 => contacts.pop().map_or(ContactLog::Empty, ContactLog::One),
            _ => ContactLog::Many(contacts),
        }
    }
}

impl PartialEq for ContactLog {
    /// Two logs are equal when they list the same contacts (however they are kept).
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for ContactLog {}

impl fmt::Debug for ContactLog {
    /// As the list of contacts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl Serialize for ContactLog {
    /// As the list of contacts.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_slice().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ContactLog {
    /// From the list of contacts.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<Contact>::deserialize(deserializer).map(ContactLog::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::RepId;
    use crate::model::ContactLevel;
    use chrono::{Duration, TimeZone, Utc};
    use proptest::prelude::*;

    fn contact(k: u8) -> Contact {
        let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        Contact {
            rep: RepId(u64::from(k % 5) + 1),
            level: ContactLevel::ALL[usize::from(k % 4)],
            at: at + Duration::minutes(i64::from(k)),
            note: if k % 3 == 0 {
                String::new()
            } else {
                format!("call {k}")
            },
        }
    }

    #[test]
    fn the_first_contact_stays_inline_and_the_second_moves_the_log_to_the_heap() {
        let mut log = ContactLog::default();
        assert!(log.is_empty());
        log.push(contact(1));
        assert!(matches!(log, ContactLog::One(_)));
        log.push(contact(2));
        assert!(matches!(&log, ContactLog::Many(list) if list.len() == 2));
        assert_eq!(log.as_slice(), &[contact(1), contact(2)]);
        log.push(contact(3));
        assert_eq!(log.as_slice(), &[contact(1), contact(2), contact(3)]);
        // The out-of-line step logs a first contact as the inline one does.
        let mut first = ContactLog::default();
        first.push_after(contact(4));
        assert!(matches!(&first, ContactLog::One(c) if *c == contact(4)));
    }

    #[test]
    fn a_log_read_back_keeps_no_contact_or_one_contact_off_the_heap() {
        assert!(matches!(ContactLog::from(Vec::new()), ContactLog::Empty));
        assert!(matches!(
            ContactLog::from(vec![contact(1)]),
            ContactLog::One(_)
        ));
        let read: ContactLog = serde_json::from_str("[]").unwrap();
        assert!(matches!(read, ContactLog::Empty));
        let one = serde_json::to_string(&[contact(1)]).unwrap();
        let read: ContactLog = serde_json::from_str(&one).unwrap();
        assert!(matches!(read, ContactLog::One(c) if c == contact(1)));
    }

    proptest! {
        /// Pushed, extended, compared, printed and serialised, the log is the list of its
        /// contacts in the order they were logged.
        #[test]
        fn the_log_reads_writes_and_compares_as_the_list_it_is(
            pushed in proptest::collection::vec(any::<u8>(), 0..6),
            extended in proptest::collection::vec(any::<u8>(), 0..4),
        ) {
            let mut log = ContactLog::default();
            let mut list = Vec::new();
            for k in pushed {
                log.push(contact(k));
                list.push(contact(k));
            }
            log.extend(extended.iter().map(|k| contact(*k)));
            list.extend(extended.iter().map(|k| contact(*k)));
            prop_assert_eq!(log.as_slice(), list.as_slice());
            prop_assert_eq!(log.is_empty(), list.is_empty());
            prop_assert_eq!(format!("{log:?}"), format!("{list:?}"));
            let json = serde_json::to_string(&log).unwrap();
            prop_assert_eq!(&json, &serde_json::to_string(&list).unwrap());
            let back: ContactLog = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, &log);
            prop_assert_eq!(ContactLog::from(list.clone()), log.clone());
            // However each side keeps its contacts, one contact more makes them differ.
            let mut longer = log.clone();
            longer.push(contact(7));
            prop_assert_ne!(longer, log);
        }
    }
}

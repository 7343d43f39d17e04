//! The pool's dedupe-key index.

use super::state::remove_from;
use crate::ids::ClientId;
use crate::model::{DedupeKey, DedupeKeys};
use std::collections::{BTreeMap, BTreeSet};

/// Clients by dedupe key, one map per kind of key so a lookup borrows the key's text
/// instead of building a [`DedupeKey`] (a String copy) per lookup.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct KeyIndex {
    company: KeyMap,
    phone: KeyMap,
    email: KeyMap,
}

/// Clients by the text of one kind of key.
type KeyMap = BTreeMap<String, BTreeSet<ClientId>>;

impl KeyIndex {
    /// The client's keys with the map each belongs in, in [`DedupeKeys::iter`] order.
    fn slots<'a>(&'a self, keys: &'a DedupeKeys) -> [(Option<&'a String>, &'a KeyMap); 3] {
        [
            (keys.company.as_ref(), &self.company),
            (keys.phone.as_ref(), &self.phone),
            (keys.email.as_ref(), &self.email),
        ]
    }

    /// The first of `keys` (company, phone, e-mail) a known client carries, with the lowest
    /// such client.
    pub(super) fn first_known(&self, keys: &DedupeKeys) -> Option<(DedupeKey, ClientId)> {
        let kinds: [fn(String) -> DedupeKey; 3] =
            [DedupeKey::Company, DedupeKey::Phone, DedupeKey::Email];
        self.slots(keys)
            .into_iter()
            .zip(kinds)
            .find_map(|((text, map), kind)| {
                let text = text?;
                let first = map.get(text)?.first()?;
                Some((kind(text.clone()), *first))
            })
    }

    pub(super) fn get(&self, key: &DedupeKey) -> Option<&BTreeSet<ClientId>> {
        match key {
            DedupeKey::Company(text) => self.company.get(text),
            DedupeKey::Phone(text) => self.phone.get(text),
            DedupeKey::Email(text) => self.email.get(text),
        }
    }

    pub(super) fn insert(&mut self, keys: &DedupeKeys, id: ClientId) {
        for (text, map) in self.maps_for(keys) {
            if let Some(text) = text {
                map.entry(text.clone()).or_default().insert(id);
            }
        }
    }

    pub(super) fn remove(&mut self, keys: &DedupeKeys, id: ClientId) {
        for (text, map) in self.maps_for(keys) {
            if let Some(text) = text {
                remove_from(map, text, &id);
            }
        }
    }

    /// Each of a client's keys beside the map of its kind.
    fn maps_for<'k>(&mut self, keys: &'k DedupeKeys) -> [(&'k Option<String>, &mut KeyMap); 3] {
        [
            (&keys.company, &mut self.company),
            (&keys.phone, &mut self.phone),
            (&keys.email, &mut self.email),
        ]
    }
}

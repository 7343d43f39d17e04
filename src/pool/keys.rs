//! The pool's dedupe-key index, interned: each key is a 64-bit hash of its kind and text
//! mapping to the handles of the clients that carry it. No key text is copied or stored: the
//! text lives once, in the client's card, and a lookup compares against it to rule out hash
//! collisions.

use super::state::table::{ClientTable, Handle};
use crate::hash::{IdMap, key_hash};
use crate::ids::ClientId;
use crate::model::{DedupeKey, DedupeKeys};

/// The three kinds of key, in [`DedupeKeys::iter`] order.
const KINDS: [u8; 3] = [0, 1, 2];

/// The text of one kind of key of `keys`.
fn text(keys: &DedupeKeys, kind: u8) -> Option<&str> {
    match kind {
        0 => keys.company.as_deref(),
        1 => keys.phone.as_deref(),
        _ => keys.email.as_deref(),
    }
}

/// The keys present in `keys`, each with its kind, in [`DedupeKeys::iter`] order: for the
/// loops that visit every key (the screen, which stops at the first match, reads the kinds in
/// turn: its `find_map` over this chain was not inlined and cost more).
fn present(keys: &DedupeKeys) -> impl Iterator<Item = (u8, &str)> {
    let company = keys.company.as_deref().map(|text| (KINDS[0], text));
    let phone = keys.phone.as_deref().map(|text| (KINDS[1], text));
    let email = keys.email.as_deref().map(|text| (KINDS[2], text));
    company.into_iter().chain(phone).chain(email)
}

/// The key of `kind` with `text`, as the public type.
fn key(kind: u8, text: &str) -> DedupeKey {
    match kind {
        0 => DedupeKey::Company(text.to_owned()),
        1 => DedupeKey::Phone(text.to_owned()),
        _ => DedupeKey::Email(text.to_owned()),
    }
}

/// The kind and text of a public key.
fn parts(key: &DedupeKey) -> (u8, &str) {
    match key {
        DedupeKey::Company(text) => (0, text),
        DedupeKey::Phone(text) => (1, text),
        DedupeKey::Email(text) => (2, text),
    }
}

/// The clients whose key hashes to one value, ascending by client id: almost always one.
#[derive(Clone, Debug)]
enum Holders {
    One([(ClientId, Handle); 1]),
    Many(Vec<(ClientId, Handle)>),
}

impl Holders {
    fn as_slice(&self) -> &[(ClientId, Handle)] {
        match self {
            Holders::One(one) => one,
            Holders::Many(list) => list,
        }
    }
}

/// Clients by dedupe key; see the module docs.
#[derive(Clone, Debug, Default)]
pub(super) struct KeyIndex {
    map: IdMap<u64, Holders>,
}

impl KeyIndex {
    /// The clients carrying the key of `kind` with `text`, ascending.
    fn holders<'a>(
        &'a self,
        table: &'a ClientTable,
        kind: u8,
        text: &'a str,
    ) -> impl Iterator<Item = ClientId> + 'a {
        let holders = self
            .map
            .get(&key_hash(kind, text))
            .map_or(&[][..], Holders::as_slice);
        holders
            .iter()
            .filter(move |(_, h)| carries(table, *h, kind, text))
            .map(|(id, _)| *id)
    }

    /// Clients carrying `key`, ascending.
    pub(super) fn get<'a>(
        &'a self,
        table: &'a ClientTable,
        key: &'a DedupeKey,
    ) -> impl Iterator<Item = ClientId> + 'a {
        let (kind, text) = parts(key);
        self.holders(table, kind, text)
    }

    /// The first of `keys` (company, phone, e-mail) a known client carries, with the lowest
    /// such client. Copies the key's text only when one matches.
    pub(super) fn first_known(
        &self,
        table: &ClientTable,
        keys: &DedupeKeys,
    ) -> Option<(DedupeKey, ClientId)> {
        KINDS.into_iter().find_map(|kind| {
            let text = text(keys, kind)?;
            let first = self.holders(table, kind, text).next()?;
            Some((key(kind, text), first))
        })
    }

    /// Indexes the keys of the client `id` at `handle`.
    pub(super) fn insert(&mut self, keys: &DedupeKeys, id: ClientId, handle: Handle) {
        for (kind, text) in present(keys) {
            match self.map.entry(key_hash(kind, text)) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(Holders::One([(id, handle)]));
                }
                std::collections::hash_map::Entry::Occupied(mut slot) => {
                    let mut list = slot.get().as_slice().to_vec();
                    let at = list.partition_point(|(other, _)| *other < id);
                    if list.get(at).is_none_or(|(other, _)| *other != id) {
                        list.insert(at, (id, handle));
                    }
                    slot.insert(Holders::Many(list));
                }
            }
        }
    }
}

/// Whether the client at `handle` carries the key of `kind` with `text`.
fn carries(table: &ClientTable, handle: Handle, kind: u8, wanted: &str) -> bool {
    table
        .row(handle)
        .is_some_and(|row| text(row.client.keys(), kind) == Some(wanted))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys the index stores are the ones [`DedupeKeys::iter`] lists, in its
    /// order and with their kinds, whichever are missing.
    #[test]
    fn the_index_reads_the_keys_the_public_iterator_lists() {
        for mask in 0..8u8 {
            let keys = DedupeKeys {
                company: (mask & 1 != 0).then(|| "acme".to_owned()),
                phone: (mask & 2 != 0).then(|| "8613800138000".to_owned()),
                email: (mask & 4 != 0).then(|| "sales@acme.com".to_owned()),
            };
            let read: Vec<DedupeKey> = present(&keys).map(|(kind, text)| key(kind, text)).collect();
            assert_eq!(read, keys.iter().collect::<Vec<_>>());
            for (kind, text) in present(&keys) {
                assert_eq!(parts(&key(kind, text)), (kind, text));
                assert_eq!(super::text(&keys, kind), Some(text));
            }
        }
    }
}

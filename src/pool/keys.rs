//! The pool's dedupe-key index, interned: each key is a 64-bit hash of its kind and text
//! stored with the handles of the clients that carry it ([`slots::HashSlots`]). No key text
//! or id is copied or stored: the text lives once, in the client's card, and a lookup compares
//! a found client's key with the one asked for, which rules out hash collisions.

mod slots;

use super::state::table::{ClientTable, Handle};
use crate::hash::key_hash;
use crate::ids::ClientId;
use crate::model::{Client, DedupeKey, DedupeKeys};
use slots::HashSlots;
use std::fmt;

/// The key of `kind` with `text`, as the public type.
fn key(kind: u8, text: &str) -> DedupeKey {
    match kind {
        0 => DedupeKey::Company(text.to_owned()),
        1 => DedupeKey::Phone(text.to_owned()),
        _ => DedupeKey::Email(text.to_owned()),
    }
}

/// The id of the client at `handle`, if it carries the key of `kind` with `text` (a handle
/// stored with the key's hash carries another text when two texts' hashes collide).
#[inline]
fn holder(table: &ClientTable, handle: Handle, kind: u8, text: &str) -> Option<ClientId> {
    let client = &table.row(handle)?.client;
    (client.keys().text_of(kind) == Some(text)).then(|| client.id())
}

/// The kind and text of a public key.
fn parts(key: &DedupeKey) -> (u8, &str) {
    match key {
        DedupeKey::Company(text) => (0, text),
        DedupeKey::Phone(text) => (1, text),
        DedupeKey::Email(text) => (2, text),
    }
}

/// Clients by dedupe key; see the module docs.
#[derive(Clone, Default)]
pub(super) struct KeyIndex {
    slots: HashSlots,
}

impl fmt::Debug for KeyIndex {
    /// The (hash, handle) pairs, in the table's order.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.slots.pairs()).finish()
    }
}

impl KeyIndex {
    /// The clients carrying the key of `kind` with `text`, whose hash is `hash`, each once,
    /// ascending.
    #[inline]
    fn holders<'a>(
        &'a self,
        table: &'a ClientTable,
        kind: u8,
        text: &'a str,
        hash: u64,
    ) -> impl Iterator<Item = ClientId> + 'a {
        self.slots
            .get(hash)
            .filter_map(move |handle| holder(table, handle, kind, text))
    }

    /// Clients carrying `key`, ascending.
    pub(super) fn get<'a>(
        &'a self,
        table: &'a ClientTable,
        key: &'a DedupeKey,
    ) -> impl Iterator<Item = ClientId> + 'a {
        let (kind, text) = parts(key);
        self.holders(table, kind, text, key_hash(kind, text))
    }

    /// The first of `keys` (company, phone, e-mail) a known client carries, with the lowest
    /// such client. Copies the key's text only when one matches.
    pub(super) fn first_known(
        &self,
        table: &ClientTable,
        keys: &DedupeKeys,
    ) -> Option<(DedupeKey, ClientId)> {
        self.first_known_by(table, |kind| {
            keys.text_of(kind).map(|text| (text, key_hash(kind, text)))
        })
    }

    /// [`KeyIndex::first_known`] for the keys of `client`, with the hashes its card keeps
    /// (the import's screen: the index insert that follows reads them again).
    #[inline]
    pub(super) fn first_known_of(
        &self,
        table: &ClientTable,
        client: &Client,
    ) -> Option<(DedupeKey, ClientId)> {
        self.first_known_by(table, |kind| client.dedupe_key(kind))
    }

    /// The first key `key_of` gives (text and hash, by kind in turn) that a known client
    /// carries, with the lowest such client.
    #[inline]
    fn first_known_by<'k>(
        &self,
        table: &ClientTable,
        key_of: impl Fn(u8) -> Option<(&'k str, u64)>,
    ) -> Option<(DedupeKey, ClientId)> {
        // Each kind in turn, written out so that each reads its own field.
        self.first_of_kind(table, 0, key_of(0))
            .or_else(|| self.first_of_kind(table, 1, key_of(1)))
            .or_else(|| self.first_of_kind(table, 2, key_of(2)))
    }

    /// The key of `kind` (its text and hash, if any) with the lowest client carrying it.
    #[inline(always)]
    fn first_of_kind(
        &self,
        table: &ClientTable,
        kind: u8,
        key_of_kind: Option<(&str, u64)>,
    ) -> Option<(DedupeKey, ClientId)> {
        let (text, hash) = key_of_kind?;
        // A hash nobody carries (a new client's key) ends here, when the probe does. The
        // holders come ascending: the first is the lowest. The text is copied only once a
        // holder is found.
        let first = self
            .slots
            .get_stored(hash)?
            .find_map(|handle| holder(table, handle, kind, text))?;
        Some((key(kind, text), first))
    }

    /// Indexes the keys of `client`, whose id is `id`, at `handle` of `table` (which finds
    /// the id of a client already indexed, when a key gets its second holder).
    #[inline(always)]
    pub(super) fn insert(
        &mut self,
        table: &ClientTable,
        client: &Client,
        id: ClientId,
        handle: Handle,
    ) {
        debug_assert_eq!(client.id(), id);
        let id_of = |h: Handle| table.row(h).map(|row| row.client.id());
        // Each kind written out, as in `first_known_by` (a loop over the kinds measured 14
        // instructions more per import, `flatten` over these three 34 more).
        #[allow(clippy::manual_flatten)]
        for key in [
            client.dedupe_key(0),
            client.dedupe_key(1),
            client.dedupe_key(2),
        ] {
            if let Some((_, hash)) = key {
                self.slots.insert(hash, id, handle, id_of);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Source;
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// The three kinds of key, in [`DedupeKeys::iter`] order.
    const KINDS: [u8; 3] = [0, 1, 2];

    fn keys(company: Option<&str>, phone: Option<&str>, email: Option<&str>) -> DedupeKeys {
        DedupeKeys {
            company: company.map(str::to_owned),
            phone: phone.map(str::to_owned),
            email: email.map(str::to_owned),
        }
    }

    fn client(id: u64, keys: DedupeKeys) -> Client {
        let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        Client::new(ClientId(id), "c", Source::Website, at).with_keys(keys)
    }

    /// Screens `incoming` as an import does (its card's hashes), then pushes it into `table`
    /// and indexes it, as the state's `load_client` does.
    fn import(
        table: &mut ClientTable,
        index: &mut KeyIndex,
        incoming: Client,
    ) -> Option<(DedupeKey, ClientId)> {
        let screened = index.first_known_of(table, &incoming);
        assert_eq!(screened, index.first_known(table, incoming.keys()));
        let id = incoming.id();
        let handle = table.push_with(id, || incoming);
        let row = table.row(handle).unwrap();
        index.insert(table, &row.client, id, handle);
        screened
    }

    /// The keys the index stores are the ones [`DedupeKeys::iter`] lists, in its
    /// order and with their kinds, whichever are missing; a client gives their texts and
    /// hashes.
    #[test]
    fn the_index_reads_the_keys_the_public_iterator_lists() {
        for mask in 0..8u8 {
            let keys = keys(
                (mask & 1 != 0).then_some("acme"),
                (mask & 2 != 0).then_some("8613800138000"),
                (mask & 4 != 0).then_some("sales@acme.com"),
            );
            let read: Vec<DedupeKey> = KINDS
                .into_iter()
                .filter_map(|kind| keys.text_of(kind).map(|text| key(kind, text)))
                .collect();
            assert_eq!(read, keys.iter().collect::<Vec<_>>());
            let client = client(1, keys.clone());
            for kind in KINDS {
                let text = keys.text_of(kind);
                if let Some(text) = text {
                    assert_eq!(parts(&key(kind, text)), (kind, text));
                }
                let expected = text.map(|text| (text, key_hash(kind, text)));
                // Twice: computed, then kept.
                assert_eq!(client.dedupe_key(kind), expected);
                assert_eq!(client.dedupe_key(kind), expected);
            }
        }
    }

    /// A client whose keys change (a copy given other keys, a fixture's edit) hashes its new
    /// keys, never the ones its card kept before: the copy it came from keeps its own.
    #[test]
    fn changed_keys_are_hashed_anew() {
        let before = client(1, keys(Some("acme"), None, None));
        assert_eq!(
            before.dedupe_key(0).map(|(_, h)| h),
            Some(key_hash(0, "acme"))
        );
        let after = before.clone().with_keys(keys(Some("globex"), None, None));
        assert_eq!(
            after.dedupe_key(0).map(|(_, h)| h),
            Some(key_hash(0, "globex"))
        );
        assert_eq!(
            before.dedupe_key(0).map(|(_, h)| h),
            Some(key_hash(0, "acme"))
        );
        let mut edited = after.clone();
        edited.fixture_keys().company = Some("initech".to_owned());
        assert_eq!(
            edited.dedupe_key(0).map(|(_, h)| h),
            Some(key_hash(0, "initech"))
        );
        assert_eq!(
            after.dedupe_key(0).map(|(_, h)| h),
            Some(key_hash(0, "globex"))
        );
        // Read back from JSON: hashed from its keys.
        let json = serde_json::to_string(&edited).unwrap();
        let read: Client = serde_json::from_str(&json).unwrap();
        assert_eq!(read, edited);
        assert_eq!(
            read.dedupe_key(0).map(|(_, h)| h),
            Some(key_hash(0, "initech"))
        );
    }

    /// A hash that two different texts share (forced here: 64-bit hashes of real keys do not
    /// collide in tests) answers only for the clients carrying the text asked for.
    #[test]
    fn a_hash_collision_answers_only_for_the_text_carried() {
        let mut table = ClientTable::default();
        let mut index = KeyIndex::default();
        import(
            &mut table,
            &mut index,
            client(1, keys(Some("acme"), None, None)),
        );
        let acme = table.handle(ClientId(1)).unwrap();
        index
            .slots
            .insert(key_hash(0, "initech"), ClientId(1), acme, |_| None);
        let initech = keys(Some("initech"), None, None);
        assert_eq!(index.first_known(&table, &initech), None);
        assert_eq!(
            index
                .get(&table, &DedupeKey::Company("initech".into()))
                .count(),
            0
        );
        // A client carrying the collided text joins the holders and is the one found.
        let screened = import(&mut table, &mut index, client(2, initech.clone()));
        assert_eq!(screened, None);
        let found = index.first_known(&table, &initech);
        assert_eq!(
            found,
            Some((DedupeKey::Company("initech".into()), ClientId(2)))
        );
    }

    fn key_text() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(
            prop_oneof![Just("a"), Just("b"), Just("c"), Just("dd")].prop_map(str::to_owned),
        )
    }

    proptest! {
        /// Imports screened and indexed with the hashes their cards keep answer like an
        /// ordered map from each key to the clients carrying it, whatever order the clients
        /// come in, however many share a key, and whether the client was hashed before.
        #[test]
        fn the_index_answers_like_an_ordered_map(
            clients in proptest::collection::vec((0u64..60, key_text(), key_text(), key_text(), any::<bool>()), 0..80),
        ) {
            let mut table = ClientTable::default();
            let mut index = KeyIndex::default();
            let mut model: BTreeMap<DedupeKey, BTreeSet<ClientId>> = BTreeMap::new();
            for (id, company, phone, email, hashed_before) in clients {
                if table.handle(ClientId(id)).is_some() {
                    continue;
                }
                let keys = DedupeKeys { company, phone, email };
                let incoming = client(id, keys.clone());
                if hashed_before {
                    // A copy (the stream's arrival) hashed first: the import reads its hashes.
                    let _ = incoming.clone().dedupe_key(1);
                }
                let want = keys.iter().find_map(|key| {
                    let first = model.get(&key).and_then(|ids| ids.first().copied())?;
                    Some((key, first))
                });
                prop_assert_eq!(import(&mut table, &mut index, incoming), want);
                for key in keys.iter() {
                    model.entry(key).or_default().insert(ClientId(id));
                }
            }
            for text in ["a", "b", "c", "dd", "e"] {
                for key in [DedupeKey::Company(text.into()), DedupeKey::Phone(text.into()), DedupeKey::Email(text.into())] {
                    let found: Vec<ClientId> = index.get(&table, &key).collect();
                    let want: Vec<ClientId> = model.get(&key).into_iter().flatten().copied().collect();
                    prop_assert_eq!(found, want);
                }
            }
        }
    }
}

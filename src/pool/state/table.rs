//! The dense client table: clients in a `Vec` addressed by compact handles, an id → handle
//! hash for lookups (never iterated), and an ordered id → handle map for listings in id order
//! (touched once per import, never by a lookup).

use super::hash::IdMap;
use crate::ids::ClientId;
use crate::model::Client;
use std::collections::BTreeMap;

/// A client's place in the table: its index, fixed for the life of the state.
pub(crate) type Handle = u32;

/// One row: the client and the stamps that say which index entries are still its own.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    pub client: Client,
    /// Bumped whenever the client's deadline entry is replaced: older entries are stale.
    pub due_stamp: u32,
}

/// Clients by handle, with lookups by id and listings in id order.
#[derive(Clone, Debug, Default)]
pub(crate) struct ClientTable {
    rows: Vec<Row>,
    /// Id → handle, for lookup only: its order is never observed.
    ids: IdMap<ClientId, Handle>,
    /// Every id, ascending, with its handle: the listings' order.
    order: BTreeMap<ClientId, Handle>,
}

impl ClientTable {
    /// The handle of `id`, if known.
    #[inline]
    pub(crate) fn handle(&self, id: ClientId) -> Option<Handle> {
        self.ids.get(&id).copied()
    }

    /// The row at `handle` (handles come from this table, so it exists).
    #[inline]
    pub(crate) fn row(&self, handle: Handle) -> Option<&Row> {
        self.rows.get(handle as usize)
    }

    /// The row at `handle`, mutable.
    #[inline]
    pub(crate) fn row_mut(&mut self, handle: Handle) -> Option<&mut Row> {
        self.rows.get_mut(handle as usize)
    }

    /// The client with `id`.
    #[inline]
    pub(crate) fn get(&self, id: ClientId) -> Option<&Client> {
        self.handle(id)
            .and_then(|h| self.row(h))
            .map(|row| &row.client)
    }

    /// Adds a client not yet in the table; returns its handle.
    pub(crate) fn push(&mut self, client: Client) -> Handle {
        let id = client.id();
        let handle = Handle::try_from(self.rows.len()).unwrap_or(Handle::MAX);
        self.rows.push(Row {
            client,
            due_stamp: 0,
        });
        self.ids.insert(id, handle);
        self.order.insert(id, handle);
        handle
    }

    /// Every client, in id order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Client> + '_ {
        self.order
            .values()
            .filter_map(|h| self.rows.get(*h as usize))
            .map(|row| &row.client)
    }

    /// How many clients.
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Source;
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn client(id: u64) -> Client {
        let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        Client::new(ClientId(id), format!("c{id}"), Source::Website, at)
    }

    proptest! {
        /// The table answers like the ordered map it replaces, whatever order ids arrive in.
        #[test]
        fn the_table_lists_and_finds_like_an_ordered_map(ids in proptest::collection::vec(0u64..500, 0..200)) {
            let mut table = ClientTable::default();
            let mut model = BTreeMap::new();
            for id in ids {
                if model.contains_key(&ClientId(id)) {
                    continue;
                }
                table.push(client(id));
                model.insert(ClientId(id), client(id));
            }
            let listed: Vec<ClientId> = table.iter().map(Client::id).collect();
            let expected: Vec<ClientId> = model.keys().copied().collect();
            prop_assert_eq!(listed, expected);
            for id in 0..500 {
                prop_assert_eq!(table.get(ClientId(id)), model.get(&ClientId(id)));
            }
            prop_assert_eq!(table.len(), model.len());
        }
    }
}

//! The dense client table: clients in fixed-size chunks addressed by compact handles, and an
//! id → handle lookup that also lists the ids in order.
//!
//! Rows never move: the table grows by whole chunks, so an import never copies the clients
//! already there (a `Vec` of rows would copy every client each time it doubled).
//!
//! The lookup is a vector indexed by the id itself for ids below a bound that grows with the
//! table (32 slots per client, at least [`DENSE_FLOOR`]): a CRM's ids come from a sequence,
//! so nearly every id is one read away, and the vector stays within 128 bytes per client
//! (a row is 280).
//! An id above the bound when it arrives is hashed instead (a partial state holding a few
//! clients of a large database, ids from another numbering), and moves into the vector when
//! the vector grows to cover it: an id below the vector's length is either in it or unknown,
//! and every hashed id is above the vector's. The vector grows by half its length at least
//! (an id it cannot cover so is hashed until it can), so hashed ids move a few times, not at
//! every import while the bound creeps up past them.
//!
//! So the listing in id order is the vector's handles in order, then the hashed ones sorted
//! (a listing is rare: equality, a policy change's retiming, a report), and an import keeps no
//! list of its own in id order (ids arrive in the order leads arrive, not in their numbering).

use crate::hash::IdMap;
use crate::ids::ClientId;
use crate::model::Client;
use chrono::{DateTime, Utc};
/// A client's place in the table: its index, fixed for the life of the state.
pub(crate) type Handle = u32;

/// Rows per chunk (a power of two: a handle splits into chunk and offset by shifting).
const CHUNK_BITS: u32 = 10;
const CHUNK: usize = 1 << CHUNK_BITS;

/// The smallest bound of the id-indexed lookup (16 KiB of slots).
const DENSE_FLOOR: usize = 4_096;

/// Slots of the id-indexed lookup allowed per client. Leads are numbered when they are
/// created and imported when they arrive, so early in a day's imports the ids run ahead of
/// the count: with four slots per client 13 % of the simulated day's imports were hashed
/// (about 300 instructions each, with their later move into the vector, and a hash at every
/// later lookup), with eight 7 %, with 32 under 2 % (the `lead` workload's commands 21
/// instructions per lead fewer than with eight, the day 18).
const DENSE_PER_CLIENT: usize = 32;

/// An empty slot of the id-indexed lookup.
const NO_HANDLE: Handle = Handle::MAX;

/// One row: the client and the stamps that say which index entries are still its own.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    pub client: Client,
    /// Bumped whenever the client's deadline entry is replaced: older entries are stale.
    pub due_stamp: u32,
    /// The deadline the index holds a live entry for: the client's deadline (kept here so
    /// that a change compares with it instead of working the old deadline out again).
    pub due_at: Option<DateTime<Utc>>,
    /// The deadline index's slot of the bucket holding the live entry, while there is one.
    pub due_slot: u32,
    /// The client's place in its owner's book (see `book`), while it has an owner.
    pub owner_slot: u32,
}

impl Row {
    /// A new row for `client`, with no index entry yet.
    #[inline]
    fn new(client: Client) -> Self {
        Self {
            client,
            due_stamp: 0,
            due_at: None,
            due_slot: 0,
            owner_slot: 0,
        }
    }
}

/// Clients by handle, with lookups by id and listings in id order.
#[derive(Clone, Debug, Default)]
pub(crate) struct ClientTable {
    /// Full chunks of [`CHUNK`] rows, then the last one filling up (each allocated once at
    /// its full capacity).
    chunks: Vec<Vec<Row>>,
    len: usize,
    /// Handle by id, for ids below the bound when they arrived ([`NO_HANDLE`] elsewhere).
    by_id: Vec<Handle>,
    /// Id → handle for the other ids (each above the vector's length); sorted when listed.
    by_hash: IdMap<ClientId, Handle>,
}

impl ClientTable {
    /// The handle of `id`, if known.
    #[inline]
    pub(crate) fn handle(&self, id: ClientId) -> Option<Handle> {
        let slot = usize::try_from(id.0)
            .ok()
            .and_then(|i| self.by_id.get(i))
            .copied();
        match slot {
            Some(handle) if handle != NO_HANDLE => Some(handle),
            // Every id the vector covers is in it (see `index`): an empty slot is an unknown
            // id, answered without hashing.
            Some(_) => None,
            None if self.by_hash.is_empty() => None,
            None => self.by_hash.get(&id).copied(),
        }
    }

    /// Records where `id` lives, in the id-indexed lookup if the id is below its length, or
    /// below its bound and the vector can grow by half to cover it (see the module docs).
    #[inline(never)]
    fn index(&mut self, id: ClientId, handle: Handle) {
        let len = self.by_id.len();
        let i = match usize::try_from(id.0) {
            Ok(i) if handle != NO_HANDLE => i,
            _ => {
                self.by_hash.insert(id, handle);
                return;
            }
        };
        if i >= len {
            let bound = self.len.saturating_mul(DENSE_PER_CLIENT).max(DENSE_FLOOR);
            let grown = (i < bound).then(|| i.saturating_add(1).next_power_of_two().min(bound));
            let Some(grown) = grown.filter(|&g| g >= len.saturating_add(len / 2)) else {
                self.by_hash.insert(id, handle);
                return;
            };
            self.by_id.resize(grown, NO_HANDLE);
            // Ids hashed when the vector was shorter move into it now that it covers them, so
            // the vector alone answers for every id below its length.
            if !self.by_hash.is_empty() {
                let by_id = &mut self.by_id;
                self.by_hash.retain(|id, handle| {
                    let covered = usize::try_from(id.0).ok().filter(|&j| j < grown);
                    match covered.filter(|_| *handle != NO_HANDLE) {
                        Some(j) => {
                            by_id[j] = *handle;
                            false
                        }
                        None => true,
                    }
                });
            }
        }
        self.by_id[i] = handle;
    }

    /// The handle the next client pushed gets (its index: rows never move or go).
    #[inline]
    pub(crate) fn next_handle(&self) -> Handle {
        Handle::try_from(self.len).unwrap_or(Handle::MAX)
    }

    /// The row at `handle` (handles come from this table, so it exists).
    #[inline]
    pub(crate) fn row(&self, handle: Handle) -> Option<&Row> {
        let h = handle as usize;
        self.chunks.get(h >> CHUNK_BITS)?.get(h & (CHUNK - 1))
    }

    /// The row at `handle`, mutable.
    #[inline]
    pub(crate) fn row_mut(&mut self, handle: Handle) -> Option<&mut Row> {
        let h = handle as usize;
        self.chunks
            .get_mut(h >> CHUNK_BITS)?
            .get_mut(h & (CHUNK - 1))
    }

    /// The client with `id`.
    #[inline]
    pub(crate) fn get(&self, id: ClientId) -> Option<&Client> {
        self.handle(id)
            .and_then(|h| self.row(h))
            .map(|row| &row.client)
    }

    /// Adds the client `make` gives, of id `id` not yet in the table; returns its handle. The
    /// client is made where it is moved into its row: out of an import event's box (freed at
    /// once, so the next import's box reuses its memory; kept boxed in the row, every import
    /// took fresh memory and the state's drop freed each box: 150 instructions more per lead
    /// on the simulated day), or copied from a borrowed one (no box at all).
    ///
    /// The usual case (room in the last chunk, an id the id-indexed vector covers) is an
    /// append and a store, where the client is loaded; a new chunk, or an id the vector must
    /// grow for or hash, out of line.
    // The usual case is written out here as in `push_with` rather than delegating with
    // `push_with(id, move || *client)`: delegating measured 63 instructions more per lead in the
    // `lead` workload (the client moved out of its box through a temporary), the day unchanged.
    #[inline]
    pub(crate) fn push(&mut self, client: Box<Client>) -> Handle {
        let id = client.id();
        let handle = self.next_handle();
        let Some(chunk) = self
            .chunks
            .last_mut()
            .filter(|c| c.len() < CHUNK && c.len() < c.capacity())
        else {
            return self.push_in_new_room(id, move || *client);
        };
        chunk.push(Row::new(*client));
        self.len += 1;
        match usize::try_from(id.0)
            .ok()
            .and_then(|i| self.by_id.get_mut(i))
        {
            Some(slot) if handle != NO_HANDLE => *slot = handle,
            _ => self.index(id, handle),
        }
        handle
    }

    /// [`ClientTable::push`] of the client `make` gives, of id `id`.
    #[inline]
    pub(crate) fn push_with(&mut self, id: ClientId, make: impl FnOnce() -> Client) -> Handle {
        let handle = self.next_handle();
        let Some(chunk) = self
            .chunks
            .last_mut()
            .filter(|c| c.len() < CHUNK && c.len() < c.capacity())
        else {
            return self.push_in_new_room(id, make);
        };
        chunk.push(Row::new(make()));
        self.len += 1;
        match usize::try_from(id.0)
            .ok()
            .and_then(|i| self.by_id.get_mut(i))
        {
            Some(slot) if handle != NO_HANDLE => *slot = handle,
            _ => self.index(id, handle),
        }
        handle
    }

    /// [`ClientTable::push_with`] when the last chunk is full or has no spare room.
    #[inline(never)]
    fn push_in_new_room(&mut self, id: ClientId, make: impl FnOnce() -> Client) -> Handle {
        let handle = self.next_handle();
        if self.chunks.last().is_none_or(|c| c.len() >= CHUNK) {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        let Some(chunk) = self.chunks.last_mut() else {
            return handle;
        };
        if chunk.len() == chunk.capacity() {
            // A cloned table's chunks have no spare room (a clone allocates their lengths):
            // the last one is given its full room back, once.
            chunk.reserve_exact(CHUNK - chunk.len());
        }
        // The room is checked again before the client is made, so that the push cannot grow
        // the chunk and the client is moved once, into its row (not through a temporary on
        // the stack). There is room: `reserve_exact` made it.
        if chunk.len() < chunk.capacity() {
            chunk.push(Row::new(make()));
        }
        self.len += 1;
        self.index(id, handle);
        handle
    }

    /// Every client, in id order: the id-indexed vector in order, then the hashed ids (all
    /// above the vector's), sorted.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Client> + '_ {
        let mut hashed: Vec<(ClientId, Handle)> =
            self.by_hash.iter().map(|(id, h)| (*id, *h)).collect();
        hashed.sort_unstable();
        self.by_id
            .iter()
            .copied()
            .filter(|&h| h != NO_HANDLE)
            .chain(hashed.into_iter().map(|(_, h)| h))
            .filter_map(|h| self.row(h))
            .map(|row| &row.client)
    }

    /// How many clients.
    pub(crate) fn len(&self) -> usize {
        self.len
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

    fn push(table: &mut ClientTable, client: Client) -> Handle {
        table.push_with(client.id(), || client)
    }

    #[test]
    fn ids_hashed_early_move_into_the_vector_once_it_covers_them() {
        let mut table = ClientTable::default();
        // Above the first bound (4,096 slots): hashed.
        for id in 5_000..5_010 {
            push(&mut table, client(id));
        }
        assert_eq!(table.by_hash.len(), 10);
        // Enough clients for the bound to pass 8,192, then an id that grows the vector past
        // the hashed ones.
        for id in 0..2_100 {
            push(&mut table, client(id));
        }
        push(&mut table, client(6_000));
        assert!(table.by_id.len() > 5_010);
        assert!(table.by_hash.is_empty());
        for id in (5_000..5_010).chain(0..2_100).chain([6_000]) {
            assert_eq!(table.get(ClientId(id)).map(Client::id), Some(ClientId(id)));
        }
        for id in [5_010, 4_999, 2_100, 6_001, 8_191, 9_000] {
            assert_eq!(table.get(ClientId(id)), None);
        }
    }

    /// The handle announced before a push (the key index is entered under it before the
    /// row exists) is the one the push gives, past a chunk's end and in a clone too.
    #[test]
    fn the_next_handle_is_the_one_the_push_gives() {
        let mut table = ClientTable::default();
        for id in 0..(CHUNK as u64 + 3) {
            let next = table.next_handle();
            let pushed = if id % 2 == 0 {
                table.push(Box::new(client(id * 7)))
            } else {
                push(&mut table, client(id * 7))
            };
            assert_eq!(pushed, next);
            assert_eq!(
                table.row(next).map(|r| r.client.id()),
                Some(ClientId(id * 7))
            );
        }
        let mut copy = table.clone();
        let next = copy.next_handle();
        assert_eq!(push(&mut copy, client(1)), next);
    }

    /// A clone keeps no spare room in its chunks: clients pushed into a clone (a partial or
    /// copied state that imports more) land in their rows, past a chunk's end too.
    #[test]
    fn a_cloned_table_takes_more_clients() {
        let mut table = ClientTable::default();
        for id in 0..(CHUNK as u64 - 1) {
            push(&mut table, client(id));
        }
        let mut copy = table.clone();
        for id in (CHUNK as u64 - 1)..(CHUNK as u64 + 2) {
            push(&mut copy, client(id));
        }
        let listed: Vec<u64> = copy.iter().map(|c| c.id().0).collect();
        assert_eq!(listed, (0..CHUNK as u64 + 2).collect::<Vec<_>>());
        for id in 0..(CHUNK as u64 + 2) {
            assert_eq!(copy.get(ClientId(id)).map(Client::id), Some(ClientId(id)));
        }
        let mut small = ClientTable::default();
        push(&mut small, client(1));
        let mut small = small.clone();
        push(&mut small, client(2));
        assert_eq!(small.iter().count(), 2);
    }

    /// Ids arriving out of order (leads numbered when created, imported when they arrive) grow
    /// the id-indexed vector by half its length at least, so the hashed ids move into it a few
    /// times, not at every import while its bound creeps up; every id is found and listed.
    #[test]
    fn ids_out_of_order_grow_the_vector_a_few_times() {
        const N: u64 = 10_007;
        let mut table = ClientTable::default();
        let mut lengths = vec![0];
        // A permutation of 1..N.
        for k in 1..N {
            push(&mut table, client(k * 7_919 % N));
            if lengths.last() != Some(&table.by_id.len()) {
                lengths.push(table.by_id.len());
            }
        }
        assert!(lengths.len() <= 8, "the vector grew through {lengths:?}");
        assert!(lengths.windows(2).skip(1).all(|w| 2 * w[1] >= 3 * w[0]));
        let listed: Vec<u64> = table.iter().map(|c| c.id().0).collect();
        assert_eq!(listed, (1..N).collect::<Vec<_>>());
    }

    proptest! {
        /// The table answers like the ordered map it replaces, whatever order ids arrive in.
        #[test]
        fn the_table_lists_and_finds_like_an_ordered_map(ids in proptest::collection::vec(0u64..500, 0..200), far in proptest::collection::vec(prop_oneof![4_000u64..9_000, any::<u64>()], 0..20)) {
            let mut table = ClientTable::default();
            let mut model = BTreeMap::new();
            // Ids beyond the id-indexed lookup's bound when they arrive (hashed), some of them
            // covered by the bound later; then past one chunk, in and out of order.
            let ids = far.iter().copied().chain(ids).chain(1_000u64..1_000 + CHUNK as u64 + 3);
            for id in ids {
                if model.contains_key(&ClientId(id)) {
                    continue;
                }
                push(&mut table, client(id));
                model.insert(ClientId(id), client(id));
            }
            let listed: Vec<ClientId> = table.iter().map(Client::id).collect();
            let expected: Vec<ClientId> = model.keys().copied().collect();
            prop_assert_eq!(listed, expected);
            for id in (0..(1_000 + CHUNK as u64 + 5)).chain(far).chain([u64::MAX]) {
                prop_assert_eq!(table.get(ClientId(id)), model.get(&ClientId(id)));
            }
            prop_assert_eq!(table.len(), model.len());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// After pushes of ids interleaved from small, mid (hashed, then covered by the vector)
        /// and huge ranges, every known id is found and the ids next to them only if known
        /// (from an adversarial review).
        #[test]
        fn interleaved_ids_are_found_and_none_stays_hashed_below_the_vector(
            ids in proptest::collection::vec(
                prop_oneof![3 => 0u64..3_000, 3 => 4_096u64..6_000, 1 => 3_000u64..40_000, 1 => any::<u64>(), 1 => Just(u64::MAX), 1 => Just(0u64)],
                0..1_500,
            ),
        ) {
            let mut table = ClientTable::default();
            let mut model: BTreeMap<u64, ()> = BTreeMap::new();
            for (n, id) in ids.iter().copied().enumerate() {
                if model.contains_key(&id) {
                    continue;
                }
                push(&mut table, client(id));
                model.insert(id, ());
                if n % 97 == 0 {
                    for &k in model.keys() {
                        prop_assert_eq!(table.get(ClientId(k)).map(Client::id), Some(ClientId(k)));
                        let next = k.wrapping_add(1);
                        prop_assert_eq!(table.get(ClientId(next)).is_some(), model.contains_key(&next));
                    }
                }
            }
            for &k in model.keys() {
                prop_assert_eq!(table.get(ClientId(k)).map(Client::id), Some(ClientId(k)));
            }
            for k in 0..(table.by_id.len() as u64 + 10) {
                prop_assert_eq!(table.get(ClientId(k)).is_some(), model.contains_key(&k));
            }
            let listed: Vec<u64> = table.iter().map(|c| c.id().0).collect();
            let expected: Vec<u64> = model.keys().copied().collect();
            prop_assert_eq!(listed, expected);
            // Nothing hashed is below the vector's length: the vector alone answers there.
            prop_assert!(table.by_hash.keys().all(|id| usize::try_from(id.0).map_or(true, |i| i >= table.by_id.len())));
        }
    }
}

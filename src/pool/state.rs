//! The pool state and its indexes; `evolve`, which applies an event and never checks a rule
//! or reads a clock, is in `apply`.

#[cfg(test)]
mod any_events;
mod apply;
mod book;
mod by_id;
mod due;
mod idset;
mod place;
pub(super) mod table;
#[cfg(test)]
mod tests;

use super::config::Config;
use super::event::Event;
use super::keys::KeyIndex;
use super::policy::PoolPolicy;
use crate::allocate::Team;
use crate::ids::{ClientId, PoolId, RepId};
use crate::model::{
    Client, ContactLog, Custody, CustodyMut, DedupeKey, DedupeKeys, Rep, RepLedger,
};
pub use apply::{evolve, evolve_owned, evolve_reclaim};
use book::Book;
use by_id::ById;
use chrono::{DateTime, Utc};
use due::{DueIndex, Entry};
use idset::IdSet;
use place::Place;
use std::sync::Arc;
use table::{ClientTable, Handle};

/// Every client and rep ledger of a team, with the team and policy in force, indexed so each
/// command costs in proportion to the clients it touches: by owner, by public pool, by
/// deadline, by dedupe key.
///
/// Flat: clients sit in a dense table addressed by compact handles (an id maps to its handle
/// once per command), deadlines in hour buckets a sweep reads without touching the rest,
/// ledgers in a vector by rep id, dedupe keys interned as hashes that point into the table.
///
/// Used whole in memory (a simulation, an embedded CRM), or partially by the
/// [`super::Pool`] facade, which loads only the clients and ledgers a command involves.
#[derive(Clone, Debug, Default)]
pub struct PoolState {
    config: Arc<Config>,
    clients: ClientTable,
    /// Sorted by rep id.
    ledgers: Vec<RepLedger>,
    /// Clients by owner id and by public pool id: looked up by key only (never iterated
    /// across keys), found by the id itself (see `by_id`). An owner's book holds its clients'
    /// handles in no order (see `book`), a pool's set its clients' ids in id order (see
    /// `idset`: a claim reads the oldest first).
    owned: ById<Book>,
    public: ById<IdSet>,
    due: DueIndex,
    keys: KeyIndex,
}

impl PartialEq for PoolState {
    /// Two states are equal when their team, policy, clients and ledgers are: the indexes
    /// follow from the clients.
    fn eq(&self, other: &Self) -> bool {
        self.config == other.config
            && self.clients.len() == other.clients.len()
            && self.clients().eq(other.clients())
            && self.ledgers == other.ledgers
    }
}

impl PoolState {
    /// An empty pool under `config`.
    pub fn new(config: Config) -> Self {
        Self {
            config: Arc::new(config),
            ..Self::default()
        }
    }

    /// Rebuilds a state by folding `events` into an empty pool that started under `config`.
    pub fn replay<'e>(config: Config, events: impl IntoIterator<Item = &'e Event>) -> Self {
        let mut state = Self::new(config);
        for event in events {
            evolve(&mut state, event);
        }
        state
    }

    /// The team and policy in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The team.
    pub fn team(&self) -> &Team {
        self.config.team()
    }

    /// The policy in force.
    pub fn policy(&self) -> &PoolPolicy {
        self.config.policy()
    }

    /// The rep, if on the team.
    pub fn rep(&self, id: RepId) -> Option<&Rep> {
        self.config.team().get(id)
    }

    /// The client with this id.
    #[inline]
    pub fn client(&self, id: ClientId) -> Option<&Client> {
        self.clients.get(id)
    }

    /// Every client, in id order.
    pub fn clients(&self) -> impl Iterator<Item = &Client> + '_ {
        self.clients.iter()
    }

    /// How many clients.
    pub fn len(&self) -> usize {
        self.clients.len()
    }

    /// True when no client is known.
    pub fn is_empty(&self) -> bool {
        self.clients.len() == 0
    }

    #[inline]
    fn ledger_position(&self, rep: RepId) -> Result<usize, usize> {
        ledger_position(&self.ledgers, rep)
    }

    /// The rep's ledger (an empty one if the rep never held anything).
    pub fn ledger(&self, rep: RepId) -> RepLedger {
        self.ledger_ref(rep)
            .cloned()
            .unwrap_or_else(|| RepLedger::new(rep))
    }

    /// The rep's ledger by reference, if it exists.
    #[inline]
    pub fn ledger_ref(&self, rep: RepId) -> Option<&RepLedger> {
        self.ledger_position(rep).ok().map(|i| &self.ledgers[i])
    }

    /// Every ledger, in rep order.
    pub fn ledgers(&self) -> impl Iterator<Item = &RepLedger> + '_ {
        self.ledgers.iter()
    }

    /// Clients the rep owns, ascending (only those loaded, in a partial state).
    pub fn owned_by(&self, rep: RepId) -> impl Iterator<Item = ClientId> + '_ {
        // The book is in no order: the ids are sorted here, on the rare read of a whole book.
        let mut ids: Vec<ClientId> = self.owned.get(rep.0).map_or_else(Vec::new, |book| {
            book.handles()
                .iter()
                .filter_map(|&h| self.clients.row(h))
                .map(|row| row.client.id())
                .collect()
        });
        ids.sort_unstable();
        ids.into_iter()
    }

    /// How many clients are unowned, in every pool: read from the public index, without
    /// listing the clients.
    pub fn public_len(&self) -> usize {
        self.public.values().map(IdSet::len).sum()
    }

    /// Unowned clients of `pool`, ascending.
    pub fn public_in(&self, pool: PoolId) -> impl Iterator<Item = ClientId> + '_ {
        self.public.get(pool.0).into_iter().flat_map(IdSet::iter)
    }

    /// The live deadline entries at or before `instant`, in (deadline, id) order, with their
    /// clients.
    fn due_entries(&self, instant: DateTime<Utc>) -> impl Iterator<Item = &Client> + '_ {
        self.due
            .up_to(instant)
            .filter_map(|entry| self.live(&entry))
    }

    /// The client of a deadline entry, if the entry is still its live one.
    fn live(&self, entry: &Entry) -> Option<&Client> {
        self.clients
            .row(entry.handle)
            .filter(|row| row.due_stamp == entry.stamp)
            .map(|row| &row.client)
    }

    /// Clients whose deadline is at or before `instant`, in (deadline, id) order.
    pub fn due_by(&self, instant: DateTime<Utc>) -> impl Iterator<Item = ClientId> + '_ {
        self.due_entries(instant).map(Client::id)
    }

    /// Clients whose deadline is at or before `instant`, in (deadline, id) order: what
    /// [`PoolState::due_by`] lists, without looking each id up again.
    pub(crate) fn due_clients(&self, instant: DateTime<Utc>) -> impl Iterator<Item = &Client> + '_ {
        self.due_entries(instant)
    }

    /// The earliest pending deadline, if any: when the next sweep has work.
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        self.due
            .first(|entry| self.live(entry).is_some())
            .map(|entry| entry.at)
    }

    /// Clients carrying `key`, ascending.
    pub fn find_by_key<'a>(&'a self, key: &'a DedupeKey) -> impl Iterator<Item = ClientId> + 'a {
        self.keys.get(&self.clients, key)
    }

    /// The first of `keys` (in [`DedupeKeys::iter`] order) that a known client carries, and
    /// the lowest such client: what an import reports as a duplicate. Copies no key text
    /// unless one matches.
    pub fn first_known_key(&self, keys: &DedupeKeys) -> Option<(DedupeKey, ClientId)> {
        self.keys.first_known(&self.clients, keys)
    }

    /// Adds a client imported or read from a store, with every index. Every caller adds a
    /// client the state does not hold yet (an import of a known id is applied as no change; a
    /// store's snapshot reads each client once): one already held is left as it is.
    pub(crate) fn load_client(&mut self, client: Box<Client>) {
        let id = client.id();
        if self.clients.handle(id).is_some() {
            return;
        }
        // Its keys are indexed from the box, under the handle its row is about to get, so the
        // row is not looked up again after the push.
        let handle = self.clients.next_handle();
        self.keys.insert(&self.clients, &client, id, handle);
        let place = Place::of(&client);
        let deadline = client.deadline();
        let pushed = self.clients.push(client);
        debug_assert_eq!(pushed, handle);
        self.index_loaded(handle, id, place, deadline);
    }

    /// [`PoolState::load_client`] of a copy of `client`, made into its row with no box
    /// between, after `prepare` (given the copy before it is indexed): applying a borrowed
    /// `Imported` event (nothing to prepare: the event carries the client as it enters), or
    /// an import accepted by `screened_import` for a caller holding the arriving client
    /// borrowed, which prepares the copy as the import's arm prepares its event's client
    /// (`accept_import`: the state decides nothing). The copy shares the client's card, so
    /// its keys are indexed from `client`, before the push (`prepare` changes custody only).
    #[inline(never)]
    pub(crate) fn load_copy(&mut self, client: &Client, prepare: impl FnOnce(&mut Client)) {
        let id = client.id();
        if self.clients.handle(id).is_some() {
            return;
        }
        let handle = self.clients.next_handle();
        self.keys.insert(&self.clients, client, id, handle);
        let pushed = self.clients.push_with(id, || {
            let mut copy = client.clone();
            prepare(&mut copy);
            copy
        });
        debug_assert_eq!(pushed, handle);
        let Some(row) = self.clients.row(handle) else {
            return;
        };
        debug_assert_eq!(row.client.keys(), client.keys());
        let place = Place::of(&row.client);
        let deadline = row.client.deadline();
        self.index_loaded(handle, id, place, deadline);
    }

    /// Enters the client just loaded at `handle` (its keys already indexed) in the other
    /// indexes: its place (owner or public pool) and its deadline.
    #[inline(always)]
    fn index_loaded(
        &mut self,
        handle: Handle,
        id: ClientId,
        place: Place,
        deadline: Option<DateTime<Utc>>,
    ) {
        self.index_place(handle, place);
        if let Some(at) = deadline {
            self.add_deadline(handle, id, at);
        }
    }

    /// [`PoolState::first_known_key`] for a client about to be imported: the hashes of its
    /// keys stay with its card for [`PoolState::load_client`] to index them.
    #[inline]
    pub(crate) fn first_known_key_of(&self, client: &Client) -> Option<(DedupeKey, ClientId)> {
        self.keys.first_known_of(&self.clients, client)
    }

    /// Adds a ledger read from a store (for partial states).
    pub(crate) fn load_ledger(&mut self, ledger: RepLedger) {
        match self.ledger_position(ledger.rep()) {
            Ok(i) => self.ledgers[i] = ledger,
            Err(i) => self.ledgers.insert(i, ledger),
        }
    }

    fn add_deadline(&mut self, handle: Handle, id: ClientId, at: DateTime<Utc>) {
        let Some(row) = self.clients.row_mut(handle) else {
            return;
        };
        row.due_at = Some(at);
        row.due_slot = self.due.insert(Entry {
            at,
            id,
            handle,
            stamp: row.due_stamp,
        });
    }

    /// Applies `change` to a client's custody and moves it in the indexes; unknown ids are
    /// ignored (a partial state holds only what a command involves).
    #[inline]
    fn modify(&mut self, id: ClientId, change: impl FnOnce(crate::model::CustodyMut<'_>)) {
        let Some(handle) = self.clients.handle(id) else {
            return;
        };
        self.modify_at(handle, change);
    }

    #[inline]
    fn modify_at(&mut self, handle: Handle, change: impl FnOnce(crate::model::CustodyMut<'_>)) {
        self.modify_counted(handle, |_, _| {}, change);
    }

    /// [`PoolState::modify_at`], with `count` given the client as it stands before the change
    /// and the ledgers first (an owner change or a release counts the client out of and into
    /// its reps' ledgers): the row is found once for both.
    #[inline]
    fn modify_counted(
        &mut self,
        handle: Handle,
        count: impl FnOnce(&Client, &mut Vec<RepLedger>),
        change: impl FnOnce(crate::model::CustodyMut<'_>),
    ) {
        let PoolState {
            clients,
            ledgers,
            owned,
            ..
        } = self;
        let Some(row) = clients.row_mut(handle) else {
            return;
        };
        count(&row.client, ledgers);
        // Where the client sits, and the deadline the index holds for it (kept in the row, not
        // worked out again): what a change may move.
        let (before, old) = ((row.client.owner(), row.client.pool()), row.due_at);
        change(row.client.custody_mut());
        let after = (row.client.owner(), row.client.pool());
        let (id, new) = (row.client.id(), row.client.deadline());
        let place = |(owner, pool)| Place { id, owner, pool };
        // A client that moved leaves its old place below, through the place in its owner's
        // book the row had; a new owner's book is entered here, with the row in hand (a public
        // set, below: a client enters one only on a release).
        let moved = (before != after).then(|| {
            let slot = row.owner_slot;
            if let Some(owner) = after.0 {
                row.owner_slot = place::enter_book(owned, handle, owner);
            }
            slot
        });
        if old != new {
            row.due_at = new;
            // The old entry goes stale (the row's stamp moves on) and is forgotten; the new one
            // carries the new stamp, read from the row in hand (not looked up again).
            row.due_stamp = row.due_stamp.wrapping_add(1);
            let (stamp, slot) = (row.due_stamp, row.due_slot);
            self.reenter_deadline(handle, id, old.is_some(), stamp, slot, new);
        }
        if let Some(slot) = moved {
            self.leave_place(handle, place(before), slot);
            if after.0.is_none() {
                self.index_public(place(after));
            }
        }
    }

    /// [`PoolState::modify`] for a change that never moves the client between owners or pools
    /// (a contact): `change` is given the custody and the contact log only (not the owner or
    /// the pool), so no owner or public index is consulted; the deadline's entry moves only if
    /// the deadline did. Unknown ids are ignored.
    #[inline]
    fn modify_in_place(
        &mut self,
        id: ClientId,
        change: impl FnOnce(&mut Custody, &mut ContactLog),
    ) {
        let Some(handle) = self.clients.handle(id) else {
            return;
        };
        let Some(row) = self.clients.row_mut(handle) else {
            return;
        };
        let CustodyMut {
            custody, contacts, ..
        } = row.client.custody_mut();
        change(custody, contacts);
        let new = row.client.deadline();
        if row.due_at == new {
            return;
        }
        let old = std::mem::replace(&mut row.due_at, new);
        row.due_stamp = row.due_stamp.wrapping_add(1);
        let (stamp, slot) = (row.due_stamp, row.due_slot);
        self.reenter_deadline(handle, id, old.is_some(), stamp, slot, new);
    }

    /// A deadline moved (the row holds the new one and its `stamp`): the old entry, if any
    /// (`had`), forgotten at `slot` (the bucket the row remembers: no hour worked out); the
    /// new one entered and its slot kept in the row. Inlined into both callers (called, it cost
    /// the day about 100 instructions per lead).
    #[inline(always)]
    fn reenter_deadline(
        &mut self,
        handle: Handle,
        id: ClientId,
        had: bool,
        stamp: u32,
        slot: u32,
        new: Option<DateTime<Utc>>,
    ) {
        if had {
            let clients = &self.clients;
            self.due.forget(slot, |e| {
                clients
                    .row(e.handle)
                    .is_some_and(|r| r.due_stamp == e.stamp)
            });
        }
        if let Some(at) = new {
            let slot = self.due.insert(Entry {
                at,
                id,
                handle,
                stamp,
            });
            if let Some(row) = self.clients.row_mut(handle) {
                row.due_slot = slot;
            }
        }
    }
}

/// Where the ledger of `rep` is in `ledgers` (sorted by rep), or where it would go. Rep ids are
/// usually dense: the ledger is first looked for as many places after the first as its id is
/// after the first's, then searched by halves.
#[inline]
fn ledger_position(ledgers: &[RepLedger], rep: RepId) -> Result<usize, usize> {
    let guess = ledgers
        .first()
        .and_then(|first| rep.0.checked_sub(first.rep().0))
        .and_then(|offset| usize::try_from(offset).ok())
        .filter(|&i| ledgers.get(i).is_some_and(|l| l.rep() == rep));
    match guess {
        Some(i) => Ok(i),
        None => ledgers.binary_search_by_key(&rep, RepLedger::rep),
    }
}

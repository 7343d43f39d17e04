//! The pool state and `evolve`, which applies an event and never checks or reads a clock.

use super::event::{Event, Route};
use super::keys::KeyIndex;
use crate::allocate::Team;
use crate::ids::{ClientId, PoolId, RepId};
use crate::model::Timers;
use crate::model::{Client, Contact, ContactLevel, DedupeKey, DedupeKeys, Region, Rep};
use crate::store::RepLedger;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Every client and rep ledger of a team, indexed so each command costs in proportion to the
/// clients it touches: by owner, by public pool, by deadline, by dedupe key.
///
/// Used whole in memory (a simulation), or partially by the [`super::Pool`] facade, which
/// loads only the clients and ledgers a command involves.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PoolState {
    team: Arc<Team>,
    clients: BTreeMap<ClientId, Client>,
    ledgers: BTreeMap<RepId, RepLedger>,
    owned: BTreeMap<RepId, BTreeSet<ClientId>>,
    public: BTreeMap<PoolId, BTreeSet<ClientId>>,
    due: BTreeSet<(DateTime<Utc>, ClientId)>,
    keys: KeyIndex,
}

impl PoolState {
    /// An empty pool for `team`.
    pub fn new(team: impl Into<Arc<Team>>) -> Self {
        Self {
            team: team.into(),
            ..Self::default()
        }
    }

    /// Rebuilds a state by folding `events` into an empty pool for `team`.
    pub fn replay<'e>(
        team: impl Into<Arc<Team>>,
        events: impl IntoIterator<Item = &'e Event>,
    ) -> Self {
        let mut state = Self::new(team);
        for event in events {
            evolve(&mut state, event);
        }
        state
    }

    /// The team.
    pub fn team(&self) -> &Team {
        &self.team
    }

    /// The team as shared.
    pub fn team_arc(&self) -> &Arc<Team> {
        &self.team
    }

    /// The rep, if on the team.
    pub fn rep(&self, id: RepId) -> Option<&Rep> {
        self.team.get(id)
    }

    /// The client with this id.
    pub fn client(&self, id: ClientId) -> Option<&Client> {
        self.clients.get(&id)
    }

    /// Every client, in id order.
    pub fn clients(&self) -> impl Iterator<Item = &Client> + '_ {
        self.clients.values()
    }

    /// How many clients.
    pub fn len(&self) -> usize {
        self.clients.len()
    }

    /// True when no client is known.
    pub fn is_empty(&self) -> bool {
        self.clients.is_empty()
    }

    /// The rep's ledger (an empty one if the rep never held anything).
    pub fn ledger(&self, rep: RepId) -> RepLedger {
        self.ledgers
            .get(&rep)
            .cloned()
            .unwrap_or_else(|| RepLedger::new(rep))
    }

    /// The rep's ledger by reference, if it exists.
    pub fn ledger_ref(&self, rep: RepId) -> Option<&RepLedger> {
        self.ledgers.get(&rep)
    }

    /// Every ledger, in rep order.
    pub fn ledgers(&self) -> impl Iterator<Item = &RepLedger> + '_ {
        self.ledgers.values()
    }

    /// Clients the rep owns, ascending (only those loaded, in a partial state).
    pub fn owned_by(&self, rep: RepId) -> impl Iterator<Item = ClientId> + '_ {
        self.owned.get(&rep).into_iter().flatten().copied()
    }

    /// Unowned clients of `pool`, ascending.
    pub fn public_in(&self, pool: PoolId) -> impl Iterator<Item = ClientId> + '_ {
        self.public.get(&pool).into_iter().flatten().copied()
    }

    /// Clients whose deadline is at or before `instant`, in (deadline, id) order.
    pub fn due_by(&self, instant: DateTime<Utc>) -> impl Iterator<Item = ClientId> + '_ {
        self.due
            .range(..=(instant, ClientId(u64::MAX)))
            .map(|(_, id)| *id)
    }

    /// The next deadline after none is due, if any: when the next sweep has work.
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        self.due.first().map(|(at, _)| *at)
    }

    /// Clients carrying `key`, ascending.
    pub fn find_by_key(&self, key: &DedupeKey) -> impl Iterator<Item = ClientId> + '_ {
        self.keys.get(key).into_iter().flatten().copied()
    }

    /// The first of `keys` (in [`DedupeKeys::iter`] order) that a known client carries, and
    /// the lowest such client: what an import reports as a duplicate. Copies no key text
    /// unless one matches.
    pub fn first_known_key(&self, keys: &DedupeKeys) -> Option<(DedupeKey, ClientId)> {
        let kinds: [fn(String) -> DedupeKey; 3] =
            [DedupeKey::Company, DedupeKey::Phone, DedupeKey::Email];
        self.keys
            .slots(keys)
            .into_iter()
            .zip(kinds)
            .find_map(|((text, map), kind)| {
                let text = text?;
                let first = map.get(text)?.first()?;
                Some((kind(text.clone()), *first))
            })
    }

    /// Clients the rep received (by any route) at or after `since` (see
    /// [`RepLedger::received_since`]).
    pub fn received_since(&self, rep: RepId, since: DateTime<Utc>) -> u32 {
        self.ledgers
            .get(&rep)
            .map_or(0, |l| l.received_since(since))
    }

    /// Clients the rep holds inside `region`.
    pub fn held_in_region(&self, rep: RepId, region: &Region) -> u32 {
        self.ledgers
            .get(&rep)
            .map_or(0, |l| l.held_in_region(region))
    }

    /// Adds a client read from a store, with every index (for partial states).
    pub fn load_client(&mut self, client: Client) {
        if let Some(old) = self.clients.remove(&client.id) {
            self.unindex(&old);
            self.unindex_keys(&old);
        }
        self.index(&client);
        self.index_keys(&client);
        self.clients.insert(client.id, client);
    }

    /// Adds a ledger read from a store (for partial states).
    pub fn load_ledger(&mut self, ledger: RepLedger) {
        self.ledgers.insert(ledger.rep, ledger);
    }

    fn index(&mut self, client: &Client) {
        self.index_slot(&Slot::of(client));
    }

    fn unindex(&mut self, client: &Client) {
        self.unindex_slot(&Slot::of(client));
    }

    fn index_slot(&mut self, slot: &Slot) {
        match slot.owner {
            Some(owner) => {
                self.owned.entry(owner).or_default().insert(slot.id);
            }
            None => {
                self.public.entry(slot.pool).or_default().insert(slot.id);
            }
        }
        if let Some(deadline) = slot.deadline {
            self.due.insert((deadline, slot.id));
        }
    }

    fn unindex_slot(&mut self, slot: &Slot) {
        match slot.owner {
            Some(owner) => remove_from(&mut self.owned, &owner, &slot.id),
            None => remove_from(&mut self.public, &slot.pool, &slot.id),
        }
        if let Some(deadline) = slot.deadline {
            self.due.remove(&(deadline, slot.id));
        }
    }

    fn index_keys(&mut self, client: &Client) {
        self.keys.insert(&client.keys, client.id);
    }

    fn unindex_keys(&mut self, client: &Client) {
        self.keys.remove(&client.keys, client.id);
    }

    /// Applies `change` to a client and moves it in the indexes; unknown ids are ignored
    /// (a partial state holds only what a command involves).
    ///
    /// Changes the client in place: taking it out of the map and putting it back would copy
    /// the whole record and rebalance the tree on every event.
    fn modify(&mut self, id: ClientId, change: impl FnOnce(&mut Client)) {
        let Some(client) = self.clients.get_mut(&id) else {
            return;
        };
        let before = Slot::of(client);
        change(client);
        client.refresh_deadline();
        let after = Slot::of(client);
        if before != after {
            self.unindex_slot(&before);
            self.index_slot(&after);
        }
    }

    fn ledger_mut(&mut self, rep: RepId) -> &mut RepLedger {
        ledger_entry(&mut self.ledgers, rep)
    }
}

/// Where a client sits in the indexes that custody changes move it between.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Slot {
    id: ClientId,
    owner: Option<RepId>,
    pool: PoolId,
    deadline: Option<DateTime<Utc>>,
}

impl Slot {
    fn of(client: &Client) -> Self {
        Self {
            id: client.id,
            owner: client.owner,
            pool: client.pool,
            deadline: client.deadline,
        }
    }
}

pub(super) fn remove_from<K: Ord + std::borrow::Borrow<Q>, Q: Ord + ?Sized>(
    index: &mut BTreeMap<K, BTreeSet<ClientId>>,
    key: &Q,
    id: &ClientId,
) {
    if let Some(ids) = index.get_mut(key) {
        ids.remove(id);
        if ids.is_empty() {
            index.remove(key);
        }
    }
}

fn ledger_entry(ledgers: &mut BTreeMap<RepId, RepLedger>, rep: RepId) -> &mut RepLedger {
    ledgers.entry(rep).or_insert_with(|| RepLedger::new(rep))
}

/// Applies one event the caller no longer needs, exactly as [`evolve`] does, but moves an
/// imported client into the pool instead of copying it (for callers that keep no event log).
pub fn evolve_owned(state: &mut PoolState, event: Event) {
    match event {
        Event::Imported { client } => {
            if !state.clients.contains_key(&client.id) {
                state.load_client(*client);
            }
        }
        Event::OwnerChanged {
            client,
            to,
            route,
            at,
            timers,
        } => owner_changed(state, client, to, &route, at, timers),
        Event::ContactLogged {
            client,
            contact,
            follow_up,
        } => contact_logged(state, client, contact, follow_up),
        other => evolve(state, &other),
    }
}

/// Applies one event to the state. Never checks a rule and never reads a clock: every
/// instant and timer is in the event, so folding the log rebuilds the state exactly.
pub fn evolve(state: &mut PoolState, event: &Event) {
    match event {
        Event::Imported { client } => {
            if !state.clients.contains_key(&client.id) {
                state.load_client(Client::clone(client));
            }
        }
        Event::DuplicateReported { .. } => {}
        Event::OwnerChanged {
            client,
            to,
            route,
            at,
            timers,
        } => owner_changed(state, *client, *to, route, *at, timers.clone()),
        Event::ContactLogged {
            client,
            contact,
            follow_up,
        } => contact_logged(state, *client, contact.clone(), follow_up.clone()),
        Event::Reminded { client, .. } => {
            state.modify(*client, |c| c.custody.timers.remind_at = None)
        }
        Event::Released {
            client,
            from,
            at,
            reason,
            to_pool,
            ..
        } => released(state, *client, *from, *at, reason, *to_pool),
        Event::DealMarked {
            client,
            credited_to,
            closed_by,
            at,
            timers,
        } => {
            if state.clients.contains_key(client) {
                state.ledger_mut(*credited_to).holding_won += 1;
            }
            state.modify(*client, |c| {
                c.custody.deal = Some((*credited_to, *at));
                c.contacts.push(Contact {
                    rep: *closed_by,
                    level: ContactLevel::Cooperating,
                    at: *at,
                    note: String::from("deal"),
                });
                c.custody.timers = timers.clone();
            });
        }
        Event::FlagSet {
            client,
            flag,
            timers,
        } => state.modify(*client, |c| {
            match flag {
                super::Flag::Locked(on) => c.custody.locked = *on,
                super::Flag::OpenOpportunity(on) => c.custody.open_opportunity = *on,
                super::Flag::Level(level) => c.custody.level = level.clone(),
            }
            c.custody.timers = timers.clone();
        }),
        Event::PoolChanged { client, to, .. } => state.modify(*client, |c| c.pool = *to),
        Event::PolicyChanged { retimed, .. } => {
            for r in retimed {
                state.modify(r.client, |c| c.custody.timers = r.timers.clone());
            }
        }
    }
}

fn contact_logged(
    state: &mut PoolState,
    id: ClientId,
    contact: Contact,
    follow_up: Option<Timers>,
) {
    state.modify(id, |c| {
        if let Some(timers) = follow_up {
            c.custody.last_follow_up = Some(contact.at);
            c.custody.timers = timers;
        }
        c.contacts.push(contact);
    });
}

fn owner_changed(
    state: &mut PoolState,
    id: ClientId,
    to: RepId,
    route: &Route,
    at: DateTime<Utc>,
    timers: Timers,
) {
    // Field borrows: the client is read while the ledgers change.
    let PoolState {
        clients, ledgers, ..
    } = &mut *state;
    let Some(client) = clients.get(&id) else {
        return;
    };
    let won = client.custody.deal.is_some();
    if let Some(from) = client.owner {
        leave(ledger_entry(ledgers, from), client);
    }
    let ledger = ledger_entry(ledgers, to);
    ledger.holding += 1;
    ledger.adjust_region(&client.region, true);
    ledger.record_receipt(at);
    if won {
        ledger.holding_won += 1;
    }
    ledger.last_assigned_at = Some(at);
    if let Route::Claim { day } = route {
        if ledger.day == Some(*day) {
            ledger.claims_today += 1;
        } else {
            ledger.day = Some(*day);
            ledger.claims_today = 1;
        }
    }
    state.modify(id, |c| {
        c.owner = Some(to);
        c.custody.owned_since = Some(at);
        c.custody.pooled_at = None;
        c.custody.timers = timers;
    });
}

/// `client` leaves the private pool whose ledger this is: one fewer held (and won, if won),
/// one fewer in its region.
fn leave(ledger: &mut RepLedger, client: &Client) {
    ledger.holding = ledger.holding.saturating_sub(1);
    if client.custody.deal.is_some() {
        ledger.holding_won = ledger.holding_won.saturating_sub(1);
    }
    ledger.adjust_region(&client.region, false);
}

fn released(
    state: &mut PoolState,
    id: ClientId,
    from: RepId,
    at: DateTime<Utc>,
    reason: &str,
    to_pool: PoolId,
) {
    let PoolState {
        clients, ledgers, ..
    } = &mut *state;
    let Some(client) = clients.get(&id) else {
        return;
    };
    leave(ledger_entry(ledgers, from), client);
    state.modify(id, |c| {
        c.owner = None;
        c.pool = to_pool;
        c.custody.owned_since = None;
        c.custody.pooled_at = Some(at);
        c.custody.last_release = Some(crate::model::Release {
            from,
            at,
            reason: reason.to_owned(),
        });
        c.custody.timers = Timers::default();
    });
}

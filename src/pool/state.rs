//! The pool state and `evolve`, which applies an event and never checks a rule or reads a
//! clock.

use super::config::Config;
use super::event::{Event, Via};
use super::keys::KeyIndex;
use super::policy::PoolPolicy;
use crate::allocate::Team;
use crate::ids::{ClientId, PoolId, RepId};
use crate::model::{Client, Deal, DedupeKey, DedupeKeys, Release, Rep, RepLedger, Timers};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Every client and rep ledger of a team, with the team and policy in force, indexed so each
/// command costs in proportion to the clients it touches: by owner, by public pool, by
/// deadline, by dedupe key.
///
/// Used whole in memory (a simulation, an embedded CRM), or partially by the
/// [`super::Pool`] facade, which loads only the clients and ledgers a command involves.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PoolState {
    config: Arc<Config>,
    clients: BTreeMap<ClientId, Client>,
    ledgers: BTreeMap<RepId, RepLedger>,
    owned: BTreeMap<RepId, BTreeSet<ClientId>>,
    public: BTreeMap<PoolId, BTreeSet<ClientId>>,
    due: BTreeSet<(DateTime<Utc>, ClientId)>,
    keys: KeyIndex,
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

    /// The earliest pending deadline, if any: when the next sweep has work.
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
        self.keys.first_known(keys)
    }

    /// Adds a client read from a store, with every index (for partial states).
    pub(crate) fn load_client(&mut self, client: Client) {
        if let Some(old) = self.clients.remove(&client.id()) {
            self.unindex_slot(&Slot::of(&old));
            self.keys.remove(old.keys(), old.id());
        }
        self.index_slot(&Slot::of(&client));
        self.keys.insert(client.keys(), client.id());
        self.clients.insert(client.id(), client);
    }

    /// Adds a ledger read from a store (for partial states).
    pub(crate) fn load_ledger(&mut self, ledger: RepLedger) {
        self.ledgers.insert(ledger.rep(), ledger);
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

    /// Applies `change` to a client's custody and moves it in the indexes; unknown ids are
    /// ignored (a partial state holds only what a command involves).
    fn modify(&mut self, id: ClientId, change: impl FnOnce(crate::model::CustodyMut<'_>)) {
        let Some(client) = self.clients.get_mut(&id) else {
            return;
        };
        let before = Slot::of(client);
        change(client.custody_mut());
        let after = Slot::of(client);
        if before != after {
            self.unindex_slot(&before);
            self.index_slot(&after);
        }
    }
}

fn ledger_entry(ledgers: &mut BTreeMap<RepId, RepLedger>, rep: RepId) -> &mut RepLedger {
    ledgers.entry(rep).or_insert_with(|| RepLedger::new(rep))
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
            id: client.id(),
            owner: client.owner(),
            pool: client.pool(),
            deadline: client.deadline(),
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

/// Applies one event to the state. Never checks a rule and never reads a clock: every
/// instant, day, count and timer is in the event, so folding the log rebuilds the state
/// exactly. Events about clients the state does not hold (a partial state) change only the
/// ledgers they name.
pub fn evolve(state: &mut PoolState, event: &Event) {
    match event {
        Event::Imported { client } => {
            if !state.clients.contains_key(&client.id()) {
                state.load_client(Client::clone(client));
            }
        }
        Event::DuplicateReported { .. } => {}
        Event::OwnerChanged {
            client,
            to,
            via,
            at,
            day,
            timers,
        } => {
            let claims = match via {
                Via::Claim { claims } | Via::Deal { claims } => Some(*claims),
                _ => None,
            };
            let PoolState {
                clients, ledgers, ..
            } = &mut *state;
            if let Some(c) = clients.get(client) {
                let won = c.custody().deal.is_some();
                if let Some(from) = c.owner() {
                    ledger_entry(ledgers, from).leave(c.region(), won);
                }
                ledger_entry(ledgers, *to).take(c.region(), won, *at, *day, claims);
            }
            state.modify(*client, |c| {
                *c.owner = Some(*to);
                c.custody.owned_since = Some(*at);
                c.custody.pooled_at = None;
                c.custody.timers = *timers;
            });
        }
        Event::ContactLogged {
            client,
            contact,
            follow_up,
        } => state.modify(*client, |c| {
            if let Some(timers) = follow_up {
                c.custody.last_follow_up = Some(contact.at);
                c.custody.timers = *timers;
            }
            c.contacts.push(contact.clone());
        }),
        Event::Reminded { client, .. } => {
            state.modify(*client, |c| c.custody.timers.remind_at = None)
        }
        Event::Released {
            client,
            from,
            at,
            reason,
            to_pool,
        } => {
            let PoolState {
                clients, ledgers, ..
            } = &mut *state;
            if let Some(c) = clients.get(client) {
                ledger_entry(ledgers, *from).leave(c.region(), c.custody().deal.is_some());
            }
            state.modify(*client, |c| {
                *c.owner = None;
                *c.pool = *to_pool;
                c.custody.owned_since = None;
                c.custody.pooled_at = Some(*at);
                c.custody.deal = None;
                c.custody.last_release = Some(Release {
                    from: *from,
                    at: *at,
                    reason: reason.clone(),
                });
                c.custody.timers = Timers::default();
            });
        }
        Event::DealMarked {
            client,
            credited_to,
            contact,
            timers,
        } => {
            if state.clients.contains_key(client) {
                ledger_entry(&mut state.ledgers, *credited_to).won();
            }
            state.modify(*client, |c| {
                c.custody.deal = Some(Deal {
                    credited_to: *credited_to,
                    closed_by: contact.rep,
                    at: contact.at,
                });
                c.contacts.push(contact.clone());
                c.custody.timers = *timers;
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
                super::Flag::Level(level) => {
                    c.custody.level = level.as_deref().map(crate::label::Label::new)
                }
            }
            c.custody.timers = *timers;
        }),
        Event::PoolChanged { client, to, .. } => state.modify(*client, |c| *c.pool = *to),
        Event::PolicyChanged {
            policy, retimed, ..
        } => {
            let team = state.config.team().clone();
            state.config = Arc::new(Config::unchecked(team, PoolPolicy::clone(policy)));
            for r in retimed {
                state.modify(r.client, |c| c.custody.timers = r.timers);
            }
        }
        Event::TeamChanged { team, .. } => {
            let policy = state.config.policy().clone();
            state.config = Arc::new(Config::unchecked(Team::clone(team), policy));
        }
    }
}

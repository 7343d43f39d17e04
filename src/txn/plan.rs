//! [`Plan`]: a decided command as the writes that commit it.

use super::snapshot::Snapshot;
use crate::ids::ClientId;
use crate::model::{DedupeKey, RepLedger};
use crate::pool::{Actor, Command, Config, Event, PoolError, PoolState, decide, evolve};
use crate::store::{Version, Write};
use chrono::{DateTime, Utc};

/// What committing one decided command writes, all or nothing: client rows and rep ledgers
/// with the versions they were read at, the events to append to the log, and the
/// configuration version the decision was made under (plus the new configuration, for a
/// policy or team change). A store commits it with
/// [`Store::commit`](crate::store::Store::commit); a stale version anywhere refuses the whole
/// plan with a [`Conflict`](crate::error::Conflict), and the caller reads and decides again.
///
/// Pure: making a plan reads nothing but the snapshot and writes nothing.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    config_version: Version,
    new_config: Option<Config>,
    writes: Vec<Write>,
    events: Vec<Event>,
}

impl Plan {
    /// Decides `command`, asked by `actor`, on `snapshot` at `now`: the plan that commits it,
    /// or why it is refused.
    pub fn decide(
        snapshot: &Snapshot,
        actor: Actor,
        command: Command,
        now: DateTime<Utc>,
    ) -> Result<Self, PoolError> {
        let mut state = snapshot.state()?;
        Self::decide_on(snapshot, &mut state, actor, command, now)
    }

    /// [`Plan::decide`] on the state already built from `snapshot` (an allocator read it).
    pub(crate) fn decide_on(
        snapshot: &Snapshot,
        state: &mut PoolState,
        actor: Actor,
        command: Command,
        now: DateTime<Utc>,
    ) -> Result<Self, PoolError> {
        let events = decide(state, actor, command, now)?;
        for event in &events {
            evolve(state, event);
        }
        Ok(Self::written(snapshot, state, events))
    }

    /// A plan of raw writes and events under configuration version `config_version`: for the
    /// conformance suite, which checks stores row by row.
    #[cfg(any(test, feature = "conformance"))]
    pub(crate) fn raw(config_version: Version, writes: Vec<Write>, events: Vec<Event>) -> Self {
        Self {
            config_version,
            new_config: None,
            writes,
            events,
        }
    }

    /// A plan that writes nothing, under the configuration `snapshot` holds.
    pub(crate) fn empty(snapshot: &Snapshot) -> Self {
        Self {
            config_version: snapshot.config_version(),
            new_config: None,
            writes: Vec::new(),
            events: Vec::new(),
        }
    }

    /// The first configuration of an empty store: recorded as the team and the policy it
    /// starts with, so that folding the log from [`Config::default`] rebuilds everything. The
    /// events record [`Actor::System`]: installing is the operator's deployment, not a user's
    /// command.
    /// Refused with [`PoolError::AlreadyConfigured`] when `snapshot` holds one.
    pub fn install(
        snapshot: &Snapshot,
        config: Config,
        now: DateTime<Utc>,
    ) -> Result<Self, PoolError> {
        if let Some(stored) = snapshot.config() {
            return Err(PoolError::AlreadyConfigured {
                version: stored.version,
            });
        }
        let (team, policy) = config.clone().into_parts();
        Ok(Self {
            config_version: 0,
            new_config: Some(config),
            writes: Vec::new(),
            events: vec![
                Event::TeamChanged {
                    team: Box::new(team),
                    at: now,
                    actor: Actor::System,
                },
                Event::PolicyChanged {
                    policy: Box::new(policy),
                    at: now,
                    retimed: Vec::new(),
                    actor: Actor::System,
                },
            ],
        })
    }

    /// The rows and ledgers the events changed, with the versions read.
    fn written(snapshot: &Snapshot, state: &PoolState, events: Vec<Event>) -> Self {
        let mut touched: Vec<ClientId> = Vec::new();
        for event in &events {
            match event {
                Event::PolicyChanged { retimed, .. } => {
                    touched.extend(retimed.iter().map(|r| r.client))
                }
                Event::DuplicateReported { .. } => {}
                other => touched.extend(other.client()),
            }
        }
        touched.sort_unstable();
        touched.dedup();
        let mut writes = Vec::with_capacity(touched.len() + 2);
        for id in touched {
            let Some(client) = state.client(id) else {
                continue;
            };
            let client = client.clone();
            writes.push(match snapshot.client(id) {
                Some(read) => Write::Update {
                    client,
                    expected: read.version,
                },
                None => Write::Insert { client },
            });
        }
        for after in state.ledgers() {
            let rep = after.rep();
            let unchanged = match snapshot.ledgers().find(|l| l.value.rep() == rep) {
                Some(before) => before.value == *after,
                None => *after == RepLedger::new(rep),
            };
            if !unchanged {
                writes.push(Write::Ledger {
                    ledger: after.clone(),
                    expected: snapshot.ledger_version(rep),
                });
            }
        }
        let new_config = snapshot
            .config()
            .filter(|read| read.value != *state.config())
            .map(|_| state.config().clone());
        Self {
            config_version: snapshot.config_version(),
            new_config,
            writes,
            events,
        }
    }

    /// The configuration version the plan was decided under: the commit checks it is still
    /// the stored one (0 for an install: none may be stored).
    pub fn config_version(&self) -> Version {
        self.config_version
    }

    /// The configuration to store at version `config_version() + 1`, when the command changed
    /// the policy or the team (or installed the first one).
    pub fn new_config(&self) -> Option<&Config> {
        self.new_config.as_ref()
    }

    /// The client and ledger writes, clients in id order, then ledgers in rep order.
    pub fn writes(&self) -> &[Write] {
        &self.writes
    }

    /// The dedupe keys the plan's inserted clients claim: the commit refuses the plan if
    /// another stored client carries one.
    pub fn claimed_keys(&self) -> impl Iterator<Item = DedupeKey> + '_ {
        self.writes
            .iter()
            .flat_map(|write| match write {
                Write::Insert { client } => Some(client.keys().iter()),
                _ => None,
            })
            .flatten()
    }

    /// The events to append to the log, in order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The events, taken out.
    pub fn into_events(self) -> Vec<Event> {
        self.events
    }

    /// True when committing would change nothing (no write, no event, no configuration).
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty() && self.events.is_empty() && self.new_config.is_none()
    }
}

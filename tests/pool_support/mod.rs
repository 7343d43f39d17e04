//! Shared fixtures for the pool tests: a clock origin, a team, and a state that logs events.
#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use leadpool::allocate::Team;
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{Client, ContactLevel, DedupeKeys, Rep, Source};
use leadpool::pool::{
    Actor, Assigner, Command, Config, Event, PoolError, PoolPolicy, PoolState, execute,
};

/// Monday 2 November 2026, 09:00 UTC.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

pub fn day(n: i64) -> DateTime<Utc> {
    t0() + Duration::days(n)
}

pub fn team(reps: u64) -> Team {
    Team::new((1..=reps).map(|i| Rep::new(RepId(i), format!("rep {i}"))))
}

pub fn client(id: u64) -> Client {
    Client::new(ClientId(id), format!("client {id}"), Source::Website, t0())
}

pub fn client_with_company(id: u64, company: &str) -> Client {
    client(id).with_keys(DedupeKeys::from_raw(Some(company), None, None, None))
}

pub const A: RepId = RepId(1);
pub const B: RepId = RepId(2);
pub const C: RepId = RepId(3);

/// The fixtures' policy admin (not a rep): every `World` policy names them, so the rule tests
/// can act as whoever may ask. The permission tests (`tests/permissions.rs`) check who may.
pub const ADMIN: RepId = RepId(900);

/// Who naturally asks for `command`: the rep for their own claims, follow-ups and releases;
/// the system for imports, sweeps, rule assignments, deals (the order system) and team changes;
/// the policy admin for everything else.
pub fn actor_for(command: &Command) -> Actor {
    match command {
        Command::Claim { rep, .. }
        | Command::FollowUp { rep, .. }
        | Command::Release { rep, .. } => Actor::Rep(*rep),
        Command::Import { .. }
        | Command::MarkDeal { .. }
        | Command::Sweep
        | Command::SweepClient { .. }
        | Command::ChangeTeam { .. }
        | Command::Assign {
            by: Assigner::Rule { .. },
            ..
        } => Actor::System,
        _ => Actor::Admin(ADMIN),
    }
}

/// `policy` with [`ADMIN`] among its admins.
pub fn administered(mut policy: PoolPolicy) -> PoolPolicy {
    policy.admins.insert(ADMIN);
    policy
}

/// A pool state (with its team and policy) and the log of every accepted event.
pub struct World {
    pub state: PoolState,
    pub start: Config,
    pub log: Vec<Event>,
}

impl World {
    pub fn new(reps: u64, policy: PoolPolicy) -> Self {
        Self::with_team(team(reps), policy)
    }

    pub fn with_team(team: Team, policy: PoolPolicy) -> Self {
        let start = Config::new(team, administered(policy)).expect("a valid test configuration");
        Self {
            state: PoolState::new(start.clone()),
            start,
            log: Vec::new(),
        }
    }

    pub fn policy(&self) -> &PoolPolicy {
        self.state.policy()
    }

    /// Runs `command` asked by whoever naturally asks for it ([`actor_for`]).
    pub fn run(&mut self, command: Command, at: DateTime<Utc>) -> Result<Vec<Event>, PoolError> {
        let actor = actor_for(&command);
        self.run_as(actor, command, at)
    }

    /// Runs `command` asked by `actor`.
    pub fn run_as(
        &mut self,
        actor: Actor,
        command: Command,
        at: DateTime<Utc>,
    ) -> Result<Vec<Event>, PoolError> {
        let events = execute(&mut self.state, actor, command, at)?;
        self.log.extend(events.iter().cloned());
        Ok(events)
    }

    /// The state rebuilt from the log alone.
    pub fn replayed(&self) -> PoolState {
        PoolState::replay(self.start.clone(), &self.log)
    }

    pub fn import(&mut self, ids: impl IntoIterator<Item = u64>) {
        for id in ids {
            self.run(
                Command::Import {
                    client: Box::new(client(id)),
                },
                t0(),
            )
            .expect("a fresh id imports");
        }
    }

    pub fn claim(
        &mut self,
        id: u64,
        rep: RepId,
        at: DateTime<Utc>,
    ) -> Result<Vec<Event>, PoolError> {
        self.run(
            Command::Claim {
                client: ClientId(id),
                rep,
            },
            at,
        )
    }

    /// Logs a contact by `rep` at `level` (the owner's is a follow-up).
    pub fn contact(
        &mut self,
        id: u64,
        rep: RepId,
        level: ContactLevel,
        at: DateTime<Utc>,
    ) -> Result<Vec<Event>, PoolError> {
        let client = ClientId(id);
        let note = String::new();
        self.run(
            Command::FollowUp {
                client,
                rep,
                level,
                note,
            },
            at,
        )
    }

    pub fn sweep(&mut self, at: DateTime<Utc>) -> Vec<Event> {
        self.run(Command::Sweep, at)
            .expect("a sweep is never refused")
    }

    pub fn owner(&self, id: u64) -> Option<RepId> {
        self.state.client(ClientId(id)).and_then(|c| c.owner())
    }

    pub fn holding(&self, rep: RepId) -> u32 {
        self.state.ledger(rep).holding()
    }
}

/// The seed 001 policy: remind after 7 days, release 3 days later, 5-day cooldown.
pub fn seed_policy() -> PoolPolicy {
    PoolPolicy {
        remind_after_days: Some(7),
        release_after_reminder_days: 3,
        cooldown_days: 5,
        protection_days: 30,
        ..PoolPolicy::default()
    }
}

/// Reads through the v2 store contract, one row at a time, for assertions.
#[allow(dead_code)]
pub mod read {
    use chrono::{DateTime, Utc};
    use leadpool::ids::{ClientId, RepId};
    use leadpool::model::{Client, RepLedger};
    use leadpool::store::{Store, Versioned};
    use leadpool::txn::Footprint;

    /// The client with its version, if stored.
    pub fn client(store: &impl Store, id: ClientId) -> Option<Versioned<Client>> {
        store
            .load(&Footprint::client(id))
            .unwrap()
            .client(id)
            .cloned()
    }

    /// The rep's ledger with its version (version 0 and empty when never written).
    pub fn ledger(store: &impl Store, rep: RepId) -> Versioned<RepLedger> {
        let snapshot = store.load(&Footprint::config().with_reps([rep])).unwrap();
        snapshot
            .ledgers()
            .find(|l| l.value.rep() == rep)
            .cloned()
            .unwrap_or(Versioned {
                version: 0,
                value: RepLedger::new(rep),
            })
    }

    /// Every client due by `instant`, in (deadline, id) order.
    pub fn due(store: &impl Store, instant: DateTime<Utc>) -> Vec<ClientId> {
        store.due(instant, usize::MAX).unwrap()
    }
}

//! The simulation driver: plays the pool's pure state machine day by day under a simulated clock.

use super::behaviour::{Close, RepBehaviour, SeededBehaviour, Today};
use super::book::LeadBook;
use super::open::OpenClients;
use super::report::SimReport;
use super::stream::LeadStream;
use super::tally::{Header, Tally};
use crate::allocate::{AllocState, Allocator, Decision, Explanation, Request, Team};
use crate::ids::ClientId;
use crate::model::{Client, Metric, Metrics, Source};
use crate::pool::admission::{Route, admit};
use crate::pool::{
    Actor, Assigner, Command, Config, Event, PoolError, PoolPolicy, PoolState, PoolView,
    decided_assign, decided_follow_up,
};
use crate::reason::Refusal;
use crate::rng::{LeadRng, seeded};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use std::sync::Arc;

mod step;

/// When in the team's day each phase runs: leads arrive at their own instants; reps work at
/// 17:00, claim at 17:30; the sweep runs at 23:00.
const WORK_AT: i64 = 17 * 60;
const CLAIM_AT: i64 = 17 * 60 + 30;
const SWEEP_AT: i64 = 23 * 60;

/// How many public clients one rep looks through per day before giving up on claiming.
const MAX_SCANNED_PER_CLAIMANT: usize = 512;

/// `minutes` after the day opens, saturating at chrono's last instant.
fn at_minute(opens: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
    opens
        .checked_add_signed(Duration::minutes(minutes))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The reason a simulated rep gives when releasing a client it lost.
pub(crate) const LOST_REASON: &str = "lost: the client declined";

/// A simulation to run: team, policy, lead stream, rep behaviour, start and duration.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use leadpool::allocate::RoundRobin;
/// use leadpool::pool::{Config, PoolPolicy};
/// use leadpool::sim::{LeadStream, Simulation, StreamConfig, SyntheticTeam, TeamConfig};
///
/// let team = SyntheticTeam::generate(&TeamConfig { reps: 5, ..TeamConfig::default() }, 1);
/// let start = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
/// let stream = LeadStream::synthetic(&StreamConfig::default(), &team.team, start, 7, 1);
/// let round_robin = RoundRobin::new(&team.team);
/// let config = Config::new(team.team.clone(), PoolPolicy::default())?;
/// let outcome = Simulation::new(config, &round_robin, &stream, start, 7)
///     .with_seed(1)
///     .run();
/// let pool = &outcome.report.pool;
/// assert_eq!(pool.arrivals, stream.len() as u64);
/// // Round-robin places every lead; repeat trade-show cards are reported, not imported.
/// assert_eq!(pool.assigned + pool.duplicates, pool.arrivals);
/// # Ok::<(), leadpool::config::ConfigError>(())
/// ```
pub struct Simulation<'a> {
    config: Config,
    allocator: &'a dyn Allocator,
    stream: &'a LeadStream,
    start: DateTime<Utc>,
    days: u32,
    seed: u64,
    label: String,
    behaviour: Option<&'a dyn RepBehaviour>,
    metrics: Metrics,
    keep_events: bool,
}

/// What a run produced.
#[derive(Clone, Debug)]
pub struct SimOutcome {
    /// The report.
    pub report: SimReport,
    /// Every event the pool accepted, in order (empty when not kept): the audit trail.
    pub events: Vec<Event>,
    /// The pool at the end.
    pub state: PoolState,
    /// The performance metrics at the end (the stream's and the behaviour's).
    pub metrics: Metrics,
}

impl<'a> Simulation<'a> {
    /// A simulation of `days` team days (in the policy's zone) from `start`, of the team and
    /// pool policy of `config`, allocating with `allocator`, reps played by the default
    /// [`SeededBehaviour`] with no profiles, seed 0.
    pub fn new(
        config: Config,
        allocator: &'a dyn Allocator,
        stream: &'a LeadStream,
        start: DateTime<Utc>,
        days: u32,
    ) -> Self {
        Self {
            config,
            allocator,
            stream,
            start,
            days,
            seed: 0,
            label: String::from("custom"),
            behaviour: None,
            metrics: Metrics::new(),
            keep_events: true,
        }
    }

    /// Seeds the run's generator (allocation draws and behaviour).
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Names the policy in the report.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Plays reps with `behaviour` instead of the default model.
    pub fn with_behaviour(mut self, behaviour: &'a dyn RepBehaviour) -> Self {
        self.behaviour = Some(behaviour);
        self
    }

    /// Starts from these performance metrics (e.g. last week's, for a ranking policy).
    pub fn with_metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = metrics;
        self
    }

    /// Whether to keep the event log (default true; a long benchmark run may not want it).
    /// Without it, the run's rule assignments carry an empty explanation in their events,
    /// which are applied and counted but read by nobody else: the report is the same.
    pub fn keep_events(mut self, keep: bool) -> Self {
        self.keep_events = keep;
        self
    }

    /// Runs the simulation.
    pub fn run(self) -> SimOutcome {
        self.run_with_progress(|_, _| {})
    }

    /// Runs the simulation, calling `progress(days_done, days)` after each day.
    pub fn run_with_progress(self, mut progress: impl FnMut(u32, u32)) -> SimOutcome {
        let default_behaviour = SeededBehaviour::new(self.seed, Default::default());
        let behaviour: &dyn RepBehaviour = self.behaviour.unwrap_or(&default_behaviour);
        let team = Arc::new(self.config.team().clone());
        let policy = self.config.policy().clone();
        let mut run = Run {
            team: &team,
            allocator: self.allocator,
            policy: &policy,
            behaviour,
            now: self.start,
            rng: seeded(self.seed),
            state: PoolState::new(self.config),
            alloc: AllocState::new(),
            metrics: self.metrics,
            book: LeadBook::default(),
            tally: Tally::new(&team),
            events: Vec::new(),
            keep_events: self.keep_events,
            scratch: Vec::new(),
            open: OpenClients::new(&team),
            spare: None,
            decision: Decision::unassigned(ClientId(0), Explanation::default()),
        };
        let zone = policy.zone;
        let first = zone.day_of(self.start);
        for offset in 0..self.days {
            // Past chrono's last date there is no day to simulate.
            let Some(day) = first.checked_add_signed(Duration::days(i64::from(offset))) else {
                break;
            };
            run.day(day, self.stream, self.start);
            progress(offset + 1, self.days);
        }
        let report = run.tally.finish(
            &run.state,
            Header {
                policy: self.label,
                seed: Some(self.seed),
                start: self.start,
                zone,
                days: self.days,
            },
        );
        SimOutcome {
            report,
            events: run.events,
            state: run.state,
            metrics: run.metrics,
        }
    }
}

/// The mutable parts of one run.
struct Run<'r> {
    team: &'r Team,
    allocator: &'r dyn Allocator,
    policy: &'r PoolPolicy,
    behaviour: &'r dyn RepBehaviour,
    /// The simulated time: the clock the pool's commands read.
    now: DateTime<Utc>,
    rng: LeadRng,
    state: PoolState,
    alloc: AllocState,
    metrics: Metrics,
    book: LeadBook,
    tally: Tally<'r>,
    events: Vec<Event>,
    keep_events: bool,
    scratch: Vec<ClientId>,
    /// Each rep's owned clients without a deal: the ones it may follow up.
    open: OpenClients,
    /// When the events are not kept: the one (empty) explanation box every rule assignment
    /// carries, handed back by its event; a lead costs no allocation or copy for an audit
    /// record nobody keeps.
    spare: Option<Box<Explanation>>,
    /// The decision every lead is allocated into ([`Allocator::allocate_into`]), so its
    /// buffers serve them all.
    decision: Decision,
}

impl Run<'_> {
    fn day(&mut self, day: NaiveDate, stream: &LeadStream, start: DateTime<Utc>) {
        let zone = self.policy.zone;
        let opens = zone.start_of_day(day);
        let closes = day
            .succ_opt()
            .map_or(DateTime::<Utc>::MAX_UTC, |next| zone.start_of_day(next));
        // The Monday of the ISO week, computed here rather than by `TeamZone::week_of`,
        // whose week end overflows on chrono's last week.
        let back = Duration::days(i64::from(day.weekday().num_days_from_monday()));
        self.tally
            .enter_week(day.checked_sub_signed(back).unwrap_or(day));
        let arrivals = stream.between(opens.max(start), closes);
        self.open.reserve(arrivals.len());
        for arrival in arrivals {
            self.now = arrival.at;
            self.arrive(&arrival.client, arrival.value, day);
        }
        self.now = at_minute(opens, WORK_AT);
        self.work(day);
        self.now = at_minute(opens, CLAIM_AT);
        self.claims(day);
        self.now = at_minute(opens, SWEEP_AT);
        // A sweep is never refused: it only reads what is due.
        let _ = self.execute(Actor::System, Command::Sweep);
    }

    fn arrive(&mut self, client: &Client, value: f64, day: NaiveDate) {
        self.tally.arrival();
        let id = client.id();
        // An inquiry to a rep's sub-account is that rep's platform work (seed rule 2: the
        // master account goes to the rep with the most inquiries this month).
        if let Source::PlatformSubAccount { rep } = *client.source() {
            self.metrics.record(rep, day, Metric::Inquiries, 1.0);
        }
        self.book.insert(id, value, client.source().kind());
        // Refused, or reported as a duplicate of a known client: nothing new to place.
        if !self.import(client) {
            return;
        }
        let Some(client) = self.state.client(id) else {
            return;
        };
        let now = self.now;
        let view = PoolView::new(&self.state, now);
        let request = Request::new(client, self.team, now)
            .with_view(&view)
            .with_state(&self.alloc)
            .with_zone(self.policy.zone)
            .with_metrics(&self.metrics);
        self.allocator
            .allocate_into(&request, &mut self.rng, &mut self.decision);
        let Some(rep) = self.decision.rep else {
            self.tally.unassigned();
            return;
        };
        // The explanation goes with the command into its event, for the log. Without the log
        // (`keep_events(false)`) nothing reads that event's explanation once it is applied
        // (applying an assignment reads the rep, the tally the client and the rep): the run
        // sends one empty box, handed back by each assignment event for the next.
        let explanation = if self.keep_events {
            Box::new(std::mem::take(&mut self.decision.explanation))
        } else {
            self.spare.take().unwrap_or_default()
        };
        let decided = decided_assign(
            &self.state,
            Actor::System,
            id,
            rep,
            Assigner::Rule { explanation },
            self.now,
        );
        match self.absorb_decided(decided) {
            Ok(()) => self.alloc.apply(&self.decision),
            // The pool refused the rule's choice: the lead stays public, counted.
            Err(_) => self.tally.unassigned(),
        }
    }

    fn work(&mut self, day: NaiveDate) {
        let now = self.now;
        let today = Today {
            day,
            now,
            team: self.team,
        };
        for (slot, rep) in self.team.reps().iter().enumerate() {
            let mut follow_ups = 0.0;
            let mut won = 0.0;
            self.open.read(slot, rep.id, &self.state, &mut self.scratch);
            for i in 0..self.scratch.len() {
                let id = self.scratch[i];
                let Some(client) = self.state.client(id) else {
                    continue;
                };
                let Some(level) = self.behaviour.follow_up(&today, rep, client, &mut self.rng)
                else {
                    continue;
                };
                let value = self.book.value(id);
                let close = self
                    .behaviour
                    .close(&today, rep, client, value, &mut self.rng);
                let decided = decided_follow_up(
                    &self.state,
                    Actor::Rep(rep.id),
                    id,
                    rep.id,
                    level,
                    String::new(),
                    self.now,
                );
                let logged = self.absorb_decided(decided);
                if logged.is_err() {
                    continue;
                }
                follow_ups += 1.0;
                let closed = match close {
                    // The order system marks the deal the rep closed.
                    Some(Close::Won { .. }) => self.execute(
                        Actor::System,
                        Command::MarkDeal {
                            client: id,
                            closed_by: rep.id,
                        },
                    ),
                    Some(Close::Lost) => self.execute(
                        Actor::Rep(rep.id),
                        Command::Release {
                            client: id,
                            rep: rep.id,
                            note: LOST_REASON.to_owned(),
                        },
                    ),
                    None => continue,
                };
                if closed.is_ok() && matches!(close, Some(Close::Won { .. })) {
                    won += 1.0;
                }
            }
            self.metrics
                .record(rep.id, day, Metric::FollowUps, follow_ups);
            self.metrics.record(rep.id, day, Metric::DealsWon, won);
            let metrics = &mut self.metrics;
            self.behaviour
                .daily_metrics(&today, rep, &mut self.rng, &mut |name, value| {
                    metrics.record(rep.id, day, name, value)
                });
        }
    }

    fn claims(&mut self, day: NaiveDate) {
        let today = Today {
            day,
            now: self.now,
            team: self.team,
        };
        for rep in self.team.reps() {
            let wanted = self.behaviour.claims_wanted(&today, rep, &mut self.rng);
            if wanted == 0 {
                continue;
            }
            // Offer public clients oldest first (ascending id). The rep passes over clients the
            // admission rules refuse it (seed 003's "may I contact this client?", the reclaim
            // cooldown, the embargo), so a claim attempt is a real request.
            let now = today.now;
            let candidates = wanted.saturating_mul(3).saturating_add(3) as usize;
            self.scratch.clear();
            let pools: Vec<_> = std::iter::once(self.policy.default_pool)
                .chain(self.policy.pools.keys().copied())
                .collect();
            for pool in pools {
                let room = candidates.saturating_sub(self.scratch.len());
                let state = &self.state;
                let open = state
                    .public_in(pool)
                    .take(MAX_SCANNED_PER_CLAIMANT)
                    .filter(|id| {
                        state.client(*id).is_some_and(|c| {
                            takeable(admit(state, Route::Claim, rep.id, &[c], now))
                        })
                    })
                    .take(room);
                self.scratch.extend(open);
            }
            self.scratch.sort_unstable();
            self.scratch.dedup();
            let mut got = 0;
            for i in 0..self.scratch.len() {
                if got >= wanted {
                    break;
                }
                let id = self.scratch[i];
                let Some(client) = self.state.client(id) else {
                    continue;
                };
                if !self.behaviour.wants(&today, rep, client, &mut self.rng) {
                    continue;
                }
                match self.execute(
                    Actor::Rep(rep.id),
                    Command::Claim {
                        client: id,
                        rep: rep.id,
                    },
                ) {
                    Ok(()) => got += 1,
                    Err(PoolError::Refused {
                        reason: Refusal::DailyLimit { .. } | Refusal::CapReached { .. },
                        ..
                    }) => {
                        self.tally.claim_refused();
                        break;
                    }
                    Err(_) => self.tally.claim_refused(),
                }
            }
        }
    }
}

/// Whether a client is worth offering to a claimant: the admission rules let the rep take it,
/// or refuse only because of the rep's own limits (the claim then counts as refused).
fn takeable(verdict: Result<(), Refusal>) -> bool {
    matches!(
        verdict,
        Ok(()) | Err(Refusal::CapReached { .. } | Refusal::DailyLimit { .. })
    )
}

//! Allocation: which rep gets a client, and why.
//!
//! An [`Allocator`] looks at one [`Request`] (the client, the [`Team`], the instant, and a
//! [`TeamView`] of the team's live state) and returns a [`Decision`]: the chosen rep, or
//! nobody, with an [`Explanation`]. Allocators take `&self` and the caller's RNG, like rand's
//! `Distribution`: anything that changes per call (a rotation cursor) goes in through
//! [`AllocState`] and comes back as [`StateUpdate`]s in the decision, which the caller
//! applies with [`AllocState::apply`]. A decision is therefore also a dry run: ignore it and
//! nothing has happened.
//!
//! ## Building blocks
//!
//! Strategies, one per file: [`RoundRobin`], [`Territory`], [`SkillMatch`], [`ScoreWeighted`],
//! [`Ranking`], [`LeastLoaded`], [`OwnerFirst`]. Composition by wrapping: [`Router`] (by
//! [`SourceKind`](crate::model::SourceKind)), [`Fallback`], [`Filter`] (eligibility rules
//! applied before any strategy), [`from_fn`] (a closure as a strategy). [`Policy`] is the
//! serde form of all of them, and [`Policy::seed_default`] the seed documents' rules 1-5.
//! Leads nobody can take go to an [`UnassignedQueue`] with their reasons.
//!
//! ## The caller's contract
//!
//! - [`TeamView::open_load`] counts **open** work only: won, lost and released clients must not
//!   make a rep look busy.
//! - Decisions are dry runs: nothing changes until the caller hands the decision to
//!   [`AllocState::apply`]. A preview loop that never applies keeps getting the same answer.
//! - Strategies build their indexes from the [`Team`] they are constructed with; rebuild them
//!   (cheap, O(n log n)) when the team or the policy changes. A rotation notices a changed
//!   membership by fingerprint and re-bases its state, keeping everyone's place.
//!
//! ## Example: the seed rules for a team
//!
//! ```
//! use chrono::{DateTime, TimeZone, Utc};
//! use leadpool::allocate::{AllocState, Allocator, Policy, Request, Team, TeamView, UnassignedQueue};
//! use leadpool::ids::{ClientId, RepId};
//! use leadpool::model::{Client, Rep, Source};
//! use leadpool::reason::Step;
//! use leadpool::rng::seeded;
//!
//! /// The CRM's live state, as the strategies need it (every method has a default).
//! struct Crm;
//! impl TeamView for Crm {
//!     fn open_load(&self, rep: RepId) -> u32 {
//!         // Open clients only: won, lost and released ones do not count.
//!         if rep == RepId(1) { 12 } else { 3 }
//!     }
//! }
//!
//! let team = Team::new([
//!     Rep::new(RepId(1), "Li").with_regions(["CN/Guangdong".parse().unwrap()]),
//!     Rep::new(RepId(2), "Wang").with_regions(["CN/Zhejiang".parse().unwrap()]),
//! ]);
//! // Built once per team/policy change (the indexes live in the allocator).
//! let allocator = Policy::seed_default().build(&team).unwrap();
//! let now = Utc.with_ymd_and_hms(2026, 11, 24, 2, 0, 0).unwrap();
//! let lead = Client::new(ClientId(7), "Hangzhou Textiles", Source::DirectorySearch, now)
//!     .with_region("CN/Zhejiang/Hangzhou".parse().unwrap());
//!
//! let mut state = AllocState::new();
//! let mut queue = UnassignedQueue::new();
//! let request = Request::new(&lead, &team, now).with_view(&Crm).with_state(&state);
//! let decision = allocator.allocate(&request, &mut seeded(42));
//! assert_eq!(decision.rep, Some(RepId(2)));
//! assert!(matches!(decision.explanation.decisive(), Some(Step::Territory { rep, .. }) if *rep == RepId(2)));
//! // Acting on it: apply the state updates (a preview would simply not do this).
//! queue.record(&decision, now);
//! state.apply(&decision);
//! ```

mod compose;
mod decision;
mod eligibility;
mod explain;
mod learned;
mod least_loaded;
mod lookup;
mod owner_first;
mod policy;
mod queue;
mod ranking;
mod rotation;
mod round_robin;
mod score;
mod skill;
mod state;
mod team;
mod territory;

pub use compose::{Fallback, Filter, Router, from_fn};
pub use decision::Decision;
pub(crate) use decision::Updates;
pub(crate) use eligibility::check_rep;
pub use eligibility::{Eligibility, EligibilityRules, IntakeQuota, Rejoin};
pub use explain::{Exclusion, Explanation};
pub use learned::{Learned, LearnedPolicy, Posterior, Prior, SegmentField};
pub use least_loaded::LeastLoaded;
pub use owner_first::OwnerFirst;
pub use policy::{Policy, RankingPolicy, ScorePolicy, SkillPolicy, TerritoryPolicy};
pub use queue::UnassignedQueue;
pub(crate) use ranking::Standings;
pub use ranking::{Ranking, RankingMode};
pub(crate) use rotation::Rotation;
pub use round_robin::RoundRobin;
pub use score::{LeadFactors, ScoreTier, ScoreWeighted};
pub use skill::SkillMatch;
pub use state::{AllocState, StateUpdate};
pub use team::Team;
pub use territory::{Territory, TerritoryInner};

use crate::calendar::TeamZone;
use crate::ids::{ClientId, RepId};
use crate::model::{Client, ContactLevel, DedupeKeys, Metrics, Region};
use crate::reason::Refusal;
use crate::rng::Rng;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::sync::Arc;

/// A strategy that places one client.
///
/// Object-safe: a CRM can hold a `Box<dyn Allocator>` chosen from configuration.
pub trait Allocator {
    /// Decides who gets `request.client`. Never panics; "nobody" is an ordinary outcome.
    fn allocate(&self, request: &Request<'_>, rng: &mut dyn Rng) -> Decision;

    /// [`Allocator::allocate`] into a decision the caller keeps: `decision` is overwritten with
    /// exactly the decision `allocate` returns (drawing the same from `rng`), whatever it held
    /// before. A caller placing many leads keeps one [`Decision`] and passes it every time (a
    /// decision is large): a strategy that builds in place then clears and refills it instead
    /// of returning a new one and dropping the old. The default calls `allocate`.
    ///
    /// ```
    /// # use leadpool::allocate::{AllocState, Allocator, Decision, Explanation, Request, RoundRobin, Team};
    /// # use leadpool::ids::{ClientId, RepId};
    /// # use leadpool::model::{Client, Rep, Source};
    /// # use leadpool::rng::seeded;
    /// # use chrono::{TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    /// let team = Team::new([Rep::new(RepId(1), "Ann"), Rep::new(RepId(2), "Bo")]);
    /// let round_robin = RoundRobin::new(&team);
    /// let (mut state, mut rng) = (AllocState::new(), seeded(7));
    /// let mut decision = Decision::unassigned(ClientId(0), Explanation::default());
    /// for id in 1..=4 {
    ///     let lead = Client::new(ClientId(id), format!("lead {id}"), Source::Website, now);
    ///     let request = Request::new(&lead, &team, now).with_state(&state);
    ///     round_robin.allocate_into(&request, &mut rng, &mut decision);
    ///     state.apply(&decision);
    ///     assert_eq!(decision.rep, Some(RepId(if id % 2 == 1 { 1 } else { 2 })));
    /// }
    /// ```
    fn allocate_into(&self, request: &Request<'_>, rng: &mut dyn Rng, decision: &mut Decision) {
        *decision = self.allocate(request, rng);
    }
}

/// Implements [`Allocator`] for a strategy that decides in place: its inherent
/// `decide(&self, request, rng, decision)` fills a searching decision ([`Decision::searching`]).
/// `allocate` builds a new decision and `allocate_into` resets the caller's, so the two always
/// agree.
macro_rules! decides_in_place {
    ($strategy:ty) => {
        impl $crate::allocate::Allocator for $strategy {
            fn allocate(
                &self,
                request: &$crate::allocate::Request<'_>,
                rng: &mut dyn $crate::rng::Rng,
            ) -> $crate::allocate::Decision {
                // Built in place: a decision is large, every move copies it.
                let mut decision = $crate::allocate::Decision::searching(request.client.id());
                self.decide(request, rng, &mut decision);
                decision
            }

            fn allocate_into(
                &self,
                request: &$crate::allocate::Request<'_>,
                rng: &mut dyn $crate::rng::Rng,
                decision: &mut $crate::allocate::Decision,
            ) {
                decision.reset(request.client.id());
                self.decide(request, rng, decision);
            }
        }
    };
}
pub(crate) use decides_in_place;

impl<A: Allocator + ?Sized> Allocator for &A {
    fn allocate(&self, request: &Request<'_>, rng: &mut dyn Rng) -> Decision {
        (**self).allocate(request, rng)
    }
    fn allocate_into(&self, request: &Request<'_>, rng: &mut dyn Rng, decision: &mut Decision) {
        (**self).allocate_into(request, rng, decision)
    }
}

impl<A: Allocator + ?Sized> Allocator for Box<A> {
    fn allocate(&self, request: &Request<'_>, rng: &mut dyn Rng) -> Decision {
        (**self).allocate(request, rng)
    }
    fn allocate_into(&self, request: &Request<'_>, rng: &mut dyn Rng, decision: &mut Decision) {
        (**self).allocate_into(request, rng, decision)
    }
}

impl<A: Allocator + ?Sized> Allocator for Arc<A> {
    fn allocate(&self, request: &Request<'_>, rng: &mut dyn Rng) -> Decision {
        (**self).allocate(request, rng)
    }
    fn allocate_into(&self, request: &Request<'_>, rng: &mut dyn Rng, decision: &mut Decision) {
        (**self).allocate_into(request, rng, decision)
    }
}

/// A rep who already works a client that matches a new one's dedupe keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorContact {
    /// The rep.
    pub rep: RepId,
    /// The known client that matched.
    pub client: ClientId,
    /// The rep's relation to it: its owner, or the level of their latest contact.
    pub level: Option<ContactLevel>,
    /// When the rep first contacted (or took) it.
    pub since: DateTime<Utc>,
}

/// A rep's place in a view's open-load order: by open load, then longest since the last
/// assignment (never assigned first), then id; the order least-loaded breaks ties in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LoadRank {
    /// Open clients the rep holds.
    pub load: u32,
    /// When the rep last received a client.
    pub last_assigned_at: Option<DateTime<Utc>>,
    /// The rep.
    pub rep: RepId,
}

/// What the caller (a pool, a simulation, a CRM) knows about the team's live state.
///
/// Every method has a neutral default, so a view implements only what its strategies read.
pub trait TeamView {
    /// Open clients the rep holds now. Won, lost and released clients do not count.
    fn open_load(&self, rep: RepId) -> u32 {
        let _ = rep;
        0
    }

    /// When the rep last received a client by any route.
    fn last_assigned_at(&self, rep: RepId) -> Option<DateTime<Utc>> {
        let _ = rep;
        None
    }

    /// Clients the rep received (by any route) on the team days `days` (for intake quotas).
    fn received_in(&self, rep: RepId, days: Range<NaiveDate>) -> u32 {
        let _ = (rep, days);
        0
    }

    /// Why the pool's admission rules would refuse `client` to `rep` now, if they would (see
    /// [`crate::pool::admission`]; [`crate::pool::PoolView`] answers exactly as the pool does).
    fn pool_refusal(&self, rep: RepId, client: &Client) -> Option<Refusal> {
        let _ = (rep, client);
        None
    }

    /// The rep who already works a known client sharing any of `keys`, earliest first.
    fn prior_contact(&self, keys: &DedupeKeys) -> Option<PriorContact> {
        let _ = keys;
        None
    }

    /// How many clients the rep holds inside `region`.
    fn held_in_region(&self, rep: RepId, region: &Region) -> u32 {
        let _ = (rep, region);
        0
    }

    /// Whether the view keeps its reps ordered by [`LoadRank`], so [`TeamView::next_by_open_load`]
    /// answers (default `false`: [`LeastLoaded`] then reads every rep's load). A CRM whose
    /// database has an index on open load says `true`, and least-loaded reads only the reps at
    /// the bottom of it.
    fn indexes_open_load(&self) -> bool {
        false
    }

    /// The first rep after `after` in ascending [`LoadRank`] order; the first of all for
    /// `None`. A view that [indexes open loads](TeamView::indexes_open_load) lists every rep of
    /// the team exactly once, with what [`TeamView::open_load`] and
    /// [`TeamView::last_assigned_at`] report.
    fn next_by_open_load(&self, after: Option<LoadRank>) -> Option<LoadRank> {
        let _ = after;
        None
    }
}

/// A view that knows nothing: every rep idle, nothing held, no history.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct EmptyView;

impl TeamView for EmptyView {}

impl<V: TeamView + ?Sized> TeamView for &V {
    fn open_load(&self, rep: RepId) -> u32 {
        (**self).open_load(rep)
    }
    fn last_assigned_at(&self, rep: RepId) -> Option<DateTime<Utc>> {
        (**self).last_assigned_at(rep)
    }
    fn received_in(&self, rep: RepId, days: Range<NaiveDate>) -> u32 {
        (**self).received_in(rep, days)
    }
    fn pool_refusal(&self, rep: RepId, client: &Client) -> Option<Refusal> {
        (**self).pool_refusal(rep, client)
    }
    fn prior_contact(&self, keys: &DedupeKeys) -> Option<PriorContact> {
        (**self).prior_contact(keys)
    }
    fn held_in_region(&self, rep: RepId, region: &Region) -> u32 {
        (**self).held_in_region(rep, region)
    }
    fn indexes_open_load(&self) -> bool {
        (**self).indexes_open_load()
    }
    fn next_by_open_load(&self, after: Option<LoadRank>) -> Option<LoadRank> {
        (**self).next_by_open_load(after)
    }
}

/// One allocation question: the client, the team, the instant, and what the caller knows.
/// Built with [`Request::new`] and the `with_*` methods; strategies read it through the
/// accessors.
#[derive(Clone, Copy)]
pub struct Request<'a> {
    pub(crate) client: &'a Client,
    pub(crate) team: &'a Team,
    pub(crate) now: DateTime<Utc>,
    pub(crate) zone: TeamZone,
    pub(crate) view: &'a dyn TeamView,
    pub(crate) state: &'a AllocState,
    pub(crate) metrics: Option<&'a Metrics>,
    pub(crate) eligibility: Option<&'a dyn Eligibility>,
}

impl<'a> Request<'a> {
    /// A request with a view that knows nothing (every rep idle, nothing held, no history), UTC
    /// and an empty [`AllocState`].
    pub fn new(client: &'a Client, team: &'a Team, now: DateTime<Utc>) -> Self {
        static EMPTY_STATE: AllocState = AllocState::new();
        Self {
            client,
            team,
            now,
            zone: TeamZone::UTC,
            view: &EmptyView,
            state: &EMPTY_STATE,
            metrics: None,
            eligibility: None,
        }
    }

    /// Sets the metrics book rankings read (builder style).
    pub fn with_metrics(mut self, metrics: &'a Metrics) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Sets the eligibility rules (builder style). Usually left to the [`Filter`] wrapper.
    pub fn with_eligibility(mut self, eligibility: &'a dyn Eligibility) -> Self {
        self.eligibility = Some(eligibility);
        self
    }

    /// Sets the team view (builder style).
    pub fn with_view(mut self, view: &'a dyn TeamView) -> Self {
        self.view = view;
        self
    }

    /// Sets the per-call state (builder style).
    pub fn with_state(mut self, state: &'a AllocState) -> Self {
        self.state = state;
        self
    }

    /// Sets the team zone (builder style).
    pub fn with_zone(mut self, zone: TeamZone) -> Self {
        self.zone = zone;
        self
    }

    /// The client to place.
    pub fn client(&self) -> &'a Client {
        self.client
    }

    /// The team.
    pub fn team(&self) -> &'a Team {
        self.team
    }

    /// The instant of the decision.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The team's zone, for calendar windows.
    pub fn zone(&self) -> TeamZone {
        self.zone
    }

    /// The team's live state.
    pub fn view(&self) -> &'a dyn TeamView {
        self.view
    }

    /// Why `rep` may not take the client now, if it may not: availability, then the
    /// eligibility rules the request carries (a [`Filter`]'s, the pool's). The one check every
    /// strategy runs on each rep it examines, and every wrapper on what its inner strategy
    /// returns; a strategy of the CRM's own runs it too.
    pub fn check(&self, rep: &crate::model::Rep) -> Option<crate::reason::ExclusionReason> {
        check_rep(self, rep)
    }

    /// Per-call state: rotation cursors and the like.
    pub fn state(&self) -> &'a AllocState {
        self.state
    }

    /// Performance metrics, for ranking strategies (`None`: every metric reads 0).
    pub fn metrics(&self) -> Option<&'a Metrics> {
        self.metrics
    }

    /// Eligibility rules every strategy applies to each rep it examines, on top of
    /// availability (set by the [`Filter`] wrapper).
    pub fn eligibility(&self) -> Option<&'a dyn Eligibility> {
        self.eligibility
    }
}

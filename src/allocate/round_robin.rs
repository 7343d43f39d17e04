//! Round-robin: fair, smoothly weighted rotation over the available reps.
//!
//! The rotation is a [`Rotation`] (earliest eligible virtual deadline first, O(log n) per turn)
//! stored in [`AllocState`](super::AllocState) under this strategy's key, so a
//! restart continues where it was. Inactive reps are not members; reps of weight 0 are not
//! members either. A member that must be skipped (on leave, at cap, over quota) is, by default,
//! calibrated to the team's current level ([`Rejoin::Calibrate`]) so that it neither floods on
//! return nor starves.
//!
//! Ties between members due at the same virtual deadline go to the member whose last turn in
//! this rotation is oldest (never served counts as oldest), then to the lower id; record or
//! creation order never decides.

use super::eligibility::check_rep;
use super::explain::Examined;
use super::rotation::fingerprint;
use super::{Allocator, Decision, Rejoin, Request, Rotation, StateUpdate, Team, Updates};
use crate::ids::RepId;
use crate::label::Label;
use crate::model::{Availability, Rep};
use crate::reason::Step;
use crate::rng::Rng;

/// Smooth weighted round-robin over a set of reps.
#[derive(Clone, Debug)]
pub struct RoundRobin {
    key: Label,
    members: Vec<(RepId, u32)>,
    fingerprint: u64,
    rejoin: Rejoin,
}

/// True when a rep belongs in rotations at all (inactive reps never do; weight 0 means none).
pub(crate) fn rotates(rep: &Rep) -> bool {
    rep.availability != Availability::Inactive && rep.weight > 0
}

impl RoundRobin {
    /// A rotation over the whole team (key `"round_robin"`), each rep by its weight.
    pub fn new(team: &Team) -> Self {
        Self::over(
            "round_robin",
            team.reps()
                .iter()
                .filter(|r| rotates(r))
                .map(|r| (r.id, r.weight)),
        )
    }

    /// A rotation named `key` over the given reps and weights (weight 0 leaves a rep out;
    /// a repeated id keeps its last weight).
    pub fn over(key: impl Into<Label>, members: impl IntoIterator<Item = (RepId, u32)>) -> Self {
        let mut members: Vec<(RepId, u32)> = members.into_iter().filter(|m| m.1 > 0).collect();
        members.sort_by_key(|m| m.0);
        members.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            if same {
                earlier.1 = later.1;
            }
            same
        });
        let fingerprint = fingerprint(&members);
        Self {
            key: key.into(),
            members,
            fingerprint,
            rejoin: Rejoin::default(),
        }
    }

    /// Renames the state key (two rotations with one key share one rotation).
    pub fn with_key(mut self, key: impl Into<Label>) -> Self {
        self.key = key.into();
        self
    }

    /// Sets what happens to a rep the rotation had to skip.
    pub fn with_rejoin(mut self, rejoin: Rejoin) -> Self {
        self.rejoin = rejoin;
        self
    }

    /// The key of this rotation's state in [`AllocState`](super::AllocState).
    pub fn key(&self) -> &Label {
        &self.key
    }

    /// The members and their weights, in id order.
    pub fn members(&self) -> &[(RepId, u32)] {
        &self.members
    }

    /// The rotation state as it stands for this membership, the update that installs it when
    /// the stored one is missing or was built for another membership, and the stored one's
    /// turn count (0 when none is stored).
    pub(crate) fn current<'s>(
        &self,
        request: &'s Request<'_>,
        fresh: &'s mut Option<Rotation>,
    ) -> (&'s Rotation, Option<StateUpdate>, u64) {
        match request.state.rotation(self.key.as_str()) {
            Some(stored) if stored.fingerprint() == self.fingerprint => {
                (stored, None, stored.turns())
            }
            stored => {
                let turns = stored.map_or(0, Rotation::turns);
                let built = match stored {
                    Some(old) => old.rebase(&self.members),
                    None => Rotation::new(&self.members),
                };
                let update = StateUpdate::rotation(self.key.clone(), built.clone());
                (fresh.insert(built), Some(update), turns)
            }
        }
    }

    /// Walks the rotation from its next turn and returns the first eligible member, with the
    /// updates (install, calibrations, the turn) that acting on the decision applies and the
    /// stored rotation's turn count (see [`RoundRobin::current`]).
    pub(crate) fn pick(
        &self,
        request: &Request<'_>,
        examined: &mut Examined<'_>,
    ) -> (Option<RepId>, Updates, u64) {
        let mut fresh = None;
        let (rotation, install, turns) = self.current(request, &mut fresh);
        let mut updates: Updates = install.into_iter().collect();
        for rep_id in rotation.order() {
            let Some(rep) = request.team.get(rep_id) else {
                continue;
            };
            if examined.admits(rep_id, check_rep(request, rep)) {
                updates.push(StateUpdate::served(self.key.clone(), rep_id));
                return (Some(rep_id), updates, turns);
            }
            if self.rejoin == Rejoin::Calibrate {
                updates.push(StateUpdate::calibrate(self.key.clone(), rep_id));
            }
        }
        (None, updates, turns)
    }
}

impl Allocator for RoundRobin {
    fn allocate(&self, request: &Request<'_>, _rng: &mut dyn Rng) -> Decision {
        // Built in place: a decision is large, every move copies it.
        let mut decision = Decision::searching(request.client.id());
        let mut examined = Examined::new(&mut decision.explanation);
        let (rep, updates, turn) = self.pick(request, &mut examined);
        let key = self.key.clone();
        match rep {
            Some(rep) => {
                let step = Step::NextInRotation { key, rep, turn };
                examined.conclude(step, Some(turn as f64));
            }
            None => examined.conclude(Step::RotationExhausted { key }, None),
        }
        decision.rep = rep;
        decision.updates = updates;
        decision
    }
}

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
use super::{Decision, Rejoin, Request, Rotation, StateUpdate, Team, Updates};
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
        match request.state.rotation(&self.key) {
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
        let mut updates = Updates::new();
        let (rep, turns) = self.pick_into(request, examined, &mut updates);
        (rep, updates, turns)
    }

    /// [`RoundRobin::pick`], pushing the updates onto `updates` (a decision's own, so nothing
    /// is moved afterwards).
    fn pick_into(
        &self,
        request: &Request<'_>,
        examined: &mut Examined<'_>,
        updates: &mut Updates,
    ) -> (Option<RepId>, u64) {
        let mut fresh = None;
        let (rotation, install, turns) = self.current(request, &mut fresh);
        if let Some(install) = install {
            updates.push(install);
        }
        // The next turn is usually taken: it is examined without sorting anyone, its profile
        // found by its position (the team normally lists exactly the members, in id order).
        let Some((member, first)) = rotation.first() else {
            return (None, turns);
        };
        let team = request.team.reps();
        let rep = match team.get(member) {
            Some(rep) if rep.id == first => Some(rep),
            _ => request.team.get(first),
        };
        if let Some(rep) = rep {
            if self.admit(request, rep, examined, updates) {
                return (Some(first), turns);
            }
        }
        for rep_id in rotation.order().skip(1) {
            let Some(rep) = request.team.get(rep_id) else {
                continue;
            };
            if self.admit(request, rep, examined, updates) {
                return (Some(rep_id), turns);
            }
        }
        (None, turns)
    }

    /// Examines `rep`: when it may be chosen, records its turn and returns true; otherwise
    /// records the calibration a skipped member gets (under [`Rejoin::Calibrate`]).
    #[inline]
    fn admit(
        &self,
        request: &Request<'_>,
        rep: &Rep,
        examined: &mut Examined<'_>,
        updates: &mut Updates,
    ) -> bool {
        if examined.admits(rep.id, check_rep(request, rep)) {
            updates.push(StateUpdate::served(self.key.clone(), rep.id));
            return true;
        }
        if self.rejoin == Rejoin::Calibrate {
            updates.push(StateUpdate::calibrate(self.key.clone(), rep.id));
        }
        false
    }
}

impl RoundRobin {
    /// Decides into `decision`, a [`Decision::searching`] for the request's client.
    #[inline]
    fn decide(&self, request: &Request<'_>, _rng: &mut dyn Rng, decision: &mut Decision) {
        let mut examined = Examined::new(&mut decision.explanation);
        let (rep, turn) = self.pick_into(request, &mut examined, &mut decision.updates);
        let key = self.key.clone();
        match rep {
            Some(rep) => {
                let step = Step::NextInRotation { key, rep, turn };
                examined.conclude(step, Some(turn as f64));
            }
            None => examined.conclude(Step::RotationExhausted { key }, None),
        }
        decision.rep = rep;
    }
}

super::decides_in_place!(RoundRobin);

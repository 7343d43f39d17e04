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
use crate::inline::Rewrite;
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
    #[inline]
    pub(crate) fn current<'s>(
        &self,
        request: &'s Request<'_>,
        fresh: &'s mut Option<Rotation>,
    ) -> (&'s Rotation, Option<StateUpdate>, u64) {
        match request.state.rotation(&self.key) {
            Some(stored) if stored.fingerprint() == self.fingerprint => {
                (stored, None, stored.turns())
            }
            stored => self.install(stored, fresh),
        }
    }

    /// [`RoundRobin::current`] when the stored rotation is missing or was built for another
    /// membership (once per membership: kept out of the usual turn's way).
    #[cold]
    #[inline(never)]
    fn install<'s>(
        &self,
        stored: Option<&Rotation>,
        fresh: &'s mut Option<Rotation>,
    ) -> (&'s Rotation, Option<StateUpdate>, u64) {
        let turns = stored.map_or(0, Rotation::turns);
        let built = match stored {
            Some(old) => old.rebase(&self.members),
            None => Rotation::new(&self.members),
        };
        let update = StateUpdate::rotation(self.key.clone(), built.clone());
        (fresh.insert(built), Some(update), turns)
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
        let (rep, turns) = self.pick_into(request, examined, &mut Rewrite::new(&mut updates));
        (rep, updates, turns)
    }

    /// [`RoundRobin::pick`], writing the updates through `updates` (a decision's own,
    /// rewritten in place, so nothing is moved afterwards). The usual turn (the next member
    /// may take the client) is inline; the walk past it is not.
    #[inline(always)]
    fn pick_into(
        &self,
        request: &Request<'_>,
        examined: &mut Examined<'_>,
        updates: &mut Rewrite<'_, StateUpdate, 2>,
    ) -> (Option<RepId>, u64) {
        let mut fresh = None;
        let (rotation, install, turns) = self.current(request, &mut fresh);
        if let Some(install) = install {
            updates.put(|_| false, || install);
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
        (self.walk(request, rotation, examined, updates), turns)
    }

    /// The rest of [`RoundRobin::pick_into`]: the members after the next one, in serving
    /// order, until one may take the client.
    #[inline(never)]
    fn walk(
        &self,
        request: &Request<'_>,
        rotation: &Rotation,
        examined: &mut Examined<'_>,
        updates: &mut Rewrite<'_, StateUpdate, 2>,
    ) -> Option<RepId> {
        for rep_id in rotation.order().skip(1) {
            let Some(rep) = request.team.get(rep_id) else {
                continue;
            };
            if self.admit(request, rep, examined, updates) {
                return Some(rep_id);
            }
        }
        None
    }

    /// Examines `rep`: when it may be chosen, records its turn and returns true; otherwise
    /// records the calibration a skipped member gets (under [`Rejoin::Calibrate`]).
    #[inline(always)]
    fn admit(
        &self,
        request: &Request<'_>,
        rep: &Rep,
        examined: &mut Examined<'_>,
        updates: &mut Rewrite<'_, StateUpdate, 2>,
    ) -> bool {
        let key = &self.key;
        if examined.admits(rep.id, check_rep(request, rep)) {
            updates.put(
                |old| old.rewrite_turn(false, key, rep.id),
                || StateUpdate::served(key.clone(), rep.id),
            );
            return true;
        }
        if self.rejoin == Rejoin::Calibrate {
            updates.put(
                |old| old.rewrite_turn(true, key, rep.id),
                || StateUpdate::calibrate(key.clone(), rep.id),
            );
        }
        false
    }
}

impl RoundRobin {
    /// Decides into `decision`, a [`Decision::searching`] for the request's client, or one
    /// reset but for its steps and updates ([`Decision::reset_but_lists`]), which are
    /// rewritten: the same decision either way.
    #[inline(always)]
    fn decide(&self, request: &Request<'_>, decision: &mut Decision) {
        let mut examined = Examined::new(&mut decision.explanation);
        let (rep, turn) = self.pick_into(
            request,
            &mut examined,
            &mut Rewrite::new(&mut decision.updates),
        );
        let key = &self.key;
        match rep {
            Some(rep) => examined.conclude_in_place(
                |old| match old {
                    Step::NextInRotation {
                        key: k,
                        rep: r,
                        turn: t,
                    } if k.is(key) => {
                        (*r, *t) = (rep, turn);
                        true
                    }
                    _ => false,
                },
                || Step::NextInRotation {
                    key: key.clone(),
                    rep,
                    turn,
                },
                Some(turn as f64),
            ),
            None => examined.conclude_in_place(
                |old| matches!(old, Step::RotationExhausted { key: k } if k.is(key)),
                || Step::RotationExhausted { key: key.clone() },
                None,
            ),
        }
        decision.rep = rep;
    }
}

impl Allocator for RoundRobin {
    fn allocate(&self, request: &Request<'_>, _rng: &mut dyn Rng) -> Decision {
        // Built in place: a decision is large, every move copies it.
        let mut decision = Decision::searching(request.client.id());
        self.decide(request, &mut decision);
        decision
    }

    fn allocate_into(&self, request: &Request<'_>, _rng: &mut dyn Rng, decision: &mut Decision) {
        // The last decision's step and update usually differ from this one's by a rep and a
        // count: they are rewritten, not dropped and built again.
        decision.reset_but_lists(request.client.id());
        self.decide(request, decision);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::allocate::AllocState;
    use crate::ids::ClientId;
    use crate::model::{Client, Source};
    use crate::rng::seeded;
    use chrono::{TimeZone, Utc};

    /// A decision kept and allocated into holds what `allocate` returns: after a turn
    /// (its step and update rewritten in place), after a skip (a calibration and an exclusion
    /// more than the next one), when nobody may take the client (the step replaced by
    /// another kind, the update dropped) and after another rotation's decision (another key:
    /// replaced, not rewritten).
    #[test]
    fn a_kept_decision_is_rewritten_to_what_allocate_returns() {
        let now = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        let away = Availability::OnLeave {
            until: now + chrono::Duration::days(1),
        };
        let team = Team::new([
            Rep::new(RepId(1), "Ann"),
            Rep::new(RepId(2), "Bo"),
            Rep::new(RepId(3), "Cy"),
        ]);
        let skipping = Team::new([
            Rep::new(RepId(1), "Ann").with_availability(away),
            Rep::new(RepId(2), "Bo"),
            Rep::new(RepId(3), "Cy"),
        ]);
        let nobody = Team::new([
            Rep::new(RepId(1), "Ann").with_availability(away),
            Rep::new(RepId(2), "Bo").with_availability(away),
            Rep::new(RepId(3), "Cy").with_availability(away),
        ]);
        let rr = RoundRobin::new(&team);
        let other = RoundRobin::new(&team);
        let mut state = AllocState::new();
        let mut kept = Decision::unassigned(ClientId(0), Default::default());
        let teams = [&team, &team, &skipping, &team, &nobody, &team, &skipping];
        for (n, team) in teams.into_iter().enumerate() {
            let lead = Client::new(ClientId(n as u64), "lead", Source::Website, now);
            let request = Request::new(&lead, team, now).with_state(&state);
            // Lead 5 is decided by another rotation (another key: nothing is rewritten).
            let rotation = if n == 5 { &other } else { &rr };
            let fresh = rotation.allocate(&request, &mut seeded(1));
            rotation.allocate_into(&request, &mut seeded(1), &mut kept);
            assert_eq!(kept, fresh, "lead {n}");
            assert_eq!(kept.explanation.steps().count(), 1);
            state.apply(&kept);
        }
    }
}

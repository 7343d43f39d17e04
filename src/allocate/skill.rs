//! Skill / need match: required tags filter, desired tags score.
//!
//! A client tag listed in `required` must be among a rep's skills; the client's other tags and
//! its industry are desired, and a rep's score is how many of them it carries. Best score wins;
//! ties go to the lower open load, then longest since last assignment, then the lower id. Reps
//! at the best level are examined one by one (their eligibility and load) in id order, or, on a
//! large team whose view [indexes open loads](super::TeamView::indexes_open_load), in the view's
//! open-load order until the first eligible one.
//!
//! Two layouts, chosen once per team, find the same reps in the same order:
//!
//! - **profiles** ([`profiles`]), when the reps carry at most 64 distinct skill sets (a team's
//!   reps usually share a few profiles): a decision reads one bitset over the profiles per
//!   client tag, scores the profiles (not the reps), and reads the member lists of the best
//!   scoring profiles only, so a decision over 100,000 reps never scans the team;
//! - **bit planes** ([`planes`]) otherwise: a bitset per tag over the whole team, counted 64
//!   reps at a time.

mod planes;
mod profiles;
#[cfg(test)]
mod tests;

use super::explain::Examined;
use super::{Decision, Request, Team};
use crate::ids::RepId;
use crate::label::Label;
use crate::rng::Rng;
use std::collections::BTreeSet;

/// Teams of at least this many words of 64 reps walk the view's open-load order (when it has
/// one) instead of examining every rep at the best level.
const INDEXED_WORDS: usize = 64;

/// How many of a client's tags are handled without allocating (more spill to the heap).
const INLINE_TAGS: usize = 16;

/// The skill-match strategy.
#[derive(Clone, Debug)]
pub struct SkillMatch {
    required: BTreeSet<Label>,
    reps: Vec<RepId>,
    layout: Layout,
}

/// How the team's skills are indexed (see the module docs).
#[derive(Clone, Debug)]
enum Layout {
    Profiles(profiles::Profiles),
    Planes(planes::Planes),
}

impl SkillMatch {
    /// Builds the index for `team`. A client tag listed in `required` must be among a rep's
    /// skills; the client's other tags and its industry are desired.
    pub fn new<I, S>(team: &Team, required: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Self::laid_out(team, required, true)
    }

    /// [`SkillMatch::new`], with the profile layout when `profiles` and the team allows it.
    fn laid_out<I, S>(team: &Team, required: I, profiles: bool) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let required: BTreeSet<Label> = required
            .into_iter()
            .map(|t| Label::new(t.as_ref()))
            .collect();
        let layout = profiles
            .then(|| profiles::Profiles::new(team, &required))
            .flatten()
            .map_or_else(
                || Layout::Planes(planes::Planes::new(team)),
                Layout::Profiles,
            );
        Self {
            required,
            reps: team.reps().iter().map(|r| r.id).collect(),
            layout,
        }
    }
}

impl SkillMatch {
    /// Decides `request` into `decision` (a searching one), in place: a decision is large.
    fn decide(&self, request: &Request<'_>, _rng: &mut dyn Rng, decision: &mut Decision) {
        match &self.layout {
            Layout::Profiles(profiles) => profiles.decide(&self.reps, request, decision),
            Layout::Planes(planes) => planes.decide(&self.reps, &self.required, request, decision),
        }
    }
}

super::decides_in_place!(SkillMatch);

/// The decision both layouts reach: the best rep found (with their desired-tag score and open
/// load), explained, or nobody qualified.
#[inline(always)]
fn skill_decision(
    examined: Examined<'_>,
    best: Option<(RepId, u32, u32)>,
    n_desired: usize,
    qualified: u32,
) -> Option<RepId> {
    match best {
        Some((rep, score, load)) => {
            let step = crate::reason::Step::SkillMatched {
                rep,
                desired: score,
                of: u32::try_from(n_desired).unwrap_or(u32::MAX),
                qualified,
                load,
            };
            examined.conclude(step, Some(f64::from(score)));
            Some(rep)
        }
        None => {
            let step = crate::reason::Step::NoQualifiedRep { qualified };
            examined.conclude(step, None);
            None
        }
    }
}

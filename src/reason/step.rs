//! [`Step`]: one line of an allocation's explanation: which rule spoke and what it found.

use super::ExclusionReason;
use crate::calendar::Window;
use crate::ids::{ClientId, RepId};
use crate::label::Label;
use crate::model::SourceKind;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// How a territory with several reps chose among them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TerritoryPick {
    /// Next in the territory's own rotation.
    Rotation,
    /// The lowest open load relative to capacity.
    LeastLoaded {
        /// Open clients held.
        load: u32,
        /// Capacity.
        capacity: u32,
    },
    /// Already holds the most clients in the territory's region (purchased lists).
    MostHeld {
        /// Clients held in the region.
        held: u32,
    },
}

/// One step of an allocation's explanation. A decision's steps read in order, outermost rule
/// first: a router's choice of route, each strategy a fallback tried, the one that decided.
/// Steps that chose a rep name it; steps that could not say why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Step {
    /// Round-robin: `rep` is next in the rotation `key`.
    NextInRotation {
        /// The rotation.
        key: Label,
        /// The rep chosen.
        rep: RepId,
        /// Turns taken in the rotation's current epoch before this one.
        turn: u64,
    },
    /// Round-robin: no member of the rotation `key` may take the client.
    RotationExhausted {
        /// The rotation.
        key: Label,
    },
    /// Territory: the most specific territory covering the client with an eligible rep.
    Territory {
        /// The territory (a region path).
        territory: Label,
        /// The rep chosen.
        rep: RepId,
        /// How the territory's reps were split.
        pick: TerritoryPick,
    },
    /// Territory: no territory covers the client's region.
    NoTerritory,
    /// Territory: `tried` covering territories have no eligible rep.
    TerritoriesExhausted {
        /// Territories tried, narrowest first.
        tried: u32,
    },
    /// Skill match: `rep` has every required skill and the most desired ones.
    SkillMatched {
        /// The rep chosen.
        rep: RepId,
        /// Desired tags the rep has.
        desired: u32,
        /// Desired tags the client has.
        of: u32,
        /// Reps with every required skill.
        qualified: u32,
        /// The chosen rep's open load.
        load: u32,
    },
    /// Skill match: no rep has the required skill `tag`.
    MissingSkill {
        /// The required tag.
        tag: Label,
    },
    /// Skill match: `qualified` reps have the required skills, none may take the client.
    NoQualifiedRep {
        /// Reps with every required skill.
        qualified: u32,
    },
    /// Score-weighted: the lead's score fell in the band from `band`; `rep` was drawn with
    /// `weight` of the band's `total`.
    ScoreDrawn {
        /// The lead score, 0-100.
        score: f64,
        /// The band's lowest score.
        band: u8,
        /// The rep chosen.
        rep: RepId,
        /// Its weight.
        weight: u64,
        /// The band's total weight.
        total: u64,
    },
    /// Score-weighted: the lead's score falls in no band.
    NoBand {
        /// The lead score.
        score: f64,
    },
    /// Score-weighted: the band from `band` has no eligible rep.
    BandExhausted {
        /// The lead score.
        score: f64,
        /// The band's lowest score.
        band: u8,
    },
    /// Ranking `key`: `rep` ranks `rank` (1 = best) over `window` with `score`.
    Ranked {
        /// The ranking.
        key: Label,
        /// The rep chosen.
        rep: RepId,
        /// Its rank, 1 for the best.
        rank: u32,
        /// Its weighted score.
        score: f64,
        /// The window ranked.
        window: Window,
        /// First day of the window.
        from: NaiveDate,
        /// Day after the window.
        to: NaiveDate,
    },
    /// Ranking `key`: no ranked rep may take the client.
    RankingExhausted {
        /// The ranking.
        key: Label,
        /// The window ranked.
        window: Window,
        /// First day of the window.
        from: NaiveDate,
        /// Day after the window.
        to: NaiveDate,
    },
    /// Least-loaded: `rep` has the lowest open load for its capacity.
    LeastLoaded {
        /// The rep chosen.
        rep: RepId,
        /// Its open load.
        load: u32,
        /// Its capacity.
        capacity: u32,
    },
    /// Least-loaded: no rep has room.
    NoRoom,
    /// Owner-first (seed rule 1): `rep` already works `client`, a known client with the same
    /// company, phone or e-mail, since `since`.
    PriorContact {
        /// The rep chosen.
        rep: RepId,
        /// The known client matched by dedupe keys.
        client: ClientId,
        /// Since when the rep works it.
        since: DateTime<Utc>,
    },
    /// Owner-first: no earlier contact; `rep` received the client (card at the booth,
    /// sub-account inquiry).
    NamedRep {
        /// The rep chosen.
        rep: RepId,
    },
    /// Owner-first: no eligible earlier contact and no eligible named rep.
    NoOwner,
    /// Learned: `rep` is below its minimum share of the team's leads over the window.
    MinimumShare {
        /// The rep chosen.
        rep: RepId,
        /// Leads it received in the window.
        received: u32,
        /// Leads its minimum share owes it.
        owed: f64,
    },
    /// Learned (Thompson sampling): `rep` drew the highest plausible win rate.
    ThompsonDraw {
        /// The rep chosen.
        rep: RepId,
        /// Its draw.
        draw: f64,
        /// Its posterior mean win rate.
        mean: f64,
    },
    /// No rep the strategy examined may take the client.
    NobodyEligible,
    /// Router: the client's source picked the route.
    Routed {
        /// The source.
        source: SourceKind,
    },
    /// Router: no route and no default for the source.
    NoRoute {
        /// The source.
        source: SourceKind,
    },
    /// Fallback: attempt `attempt` (1-based) decided.
    FallbackDecided {
        /// The deciding attempt.
        attempt: u32,
    },
    /// Fallback: every one of `attempts` strategies left the client unassigned.
    FallbackExhausted {
        /// Strategies tried.
        attempts: u32,
    },
    /// A wrapper refused its inner strategy's choice of `rep`, which the rules exclude.
    Vetoed {
        /// The rep the inner strategy returned.
        rep: RepId,
        /// Why the rep may not take the client.
        reason: ExclusionReason,
    },
    /// A strategy of the CRM's own (e.g. [`from_fn`](crate::allocate::from_fn)).
    Custom {
        /// The strategy's name, as the CRM gave it.
        rule: Label,
        /// The rep it chose, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rep: Option<RepId>,
    },
}

impl Step {
    /// The rep this step chose, if it chose one.
    pub fn rep(&self) -> Option<RepId> {
        match self {
            Step::NextInRotation { rep, .. }
            | Step::Territory { rep, .. }
            | Step::SkillMatched { rep, .. }
            | Step::ScoreDrawn { rep, .. }
            | Step::Ranked { rep, .. }
            | Step::LeastLoaded { rep, .. }
            | Step::MinimumShare { rep, .. }
            | Step::ThompsonDraw { rep, .. }
            | Step::PriorContact { rep, .. }
            | Step::NamedRep { rep } => Some(*rep),
            Step::Custom { rep, .. } => *rep,
            _ => None,
        }
    }
}

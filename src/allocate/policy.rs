//! Policies as data: the serde (JSON/TOML) form of every strategy and wrapper, built into a
//! `Box<dyn Allocator>` for a team.

use super::{
    Allocator, EligibilityRules, Fallback, Filter, LeadFactors, LearnedPolicy, LeastLoaded,
    OwnerFirst, Ranking, RankingMode, Rejoin, RoundRobin, Router, ScoreTier, ScoreWeighted,
    SkillMatch, Team, Territory, TerritoryInner, Window,
};
use crate::ids::RepId;
use crate::model::{Region, SourceKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use thiserror::Error;

/// A policy could not be built for a team.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// A fallback chain was empty.
    #[error("a fallback chain must list at least one strategy")]
    EmptyFallback,
    /// A territory names a rep the team does not have.
    #[error("territory {region:?} names {rep}, who is not in the team")]
    UnknownRep {
        /// The territory.
        region: String,
        /// The rep.
        rep: RepId,
    },
    /// A weight was negative or not a number.
    #[error("weight {name:?} must be a finite number >= 0, got {value}")]
    BadWeight {
        /// The factor or metric.
        name: String,
        /// The value given.
        value: String,
    },
    /// Top-k with k = 0.
    #[error("ranking {key:?}: top_k needs k >= 1")]
    ZeroTopK {
        /// The ranking's key.
        key: String,
    },
    /// A score band above 100.
    #[error("score band min_score {0} is above 100")]
    BadBand(u8),
    /// A learned policy's minimum share is outside [0, 1/n] for the team's n active reps.
    #[error(
        "learned policy: min_share {value} is outside [0, {max}] (1/n for {active} active reps)"
    )]
    BadMinShare {
        /// The value given.
        value: String,
        /// The largest allowed, 1/n.
        max: String,
        /// Active reps in the team.
        active: usize,
    },
    /// A learned policy's prior or window is unusable (e.g. a non-finite strength).
    #[error("learned policy: {name} must be {rule}, got {value}")]
    BadLearned {
        /// The setting.
        name: String,
        /// What it must be.
        rule: String,
        /// The value given.
        value: String,
    },
}

/// Territory settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TerritoryPolicy {
    /// Region to reps; when absent, taken from each rep's `regions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub territories: Option<BTreeMap<Region, Vec<RepId>>>,
    /// How a territory's reps share its clients.
    #[serde(default)]
    pub inner: TerritoryInner,
    /// The strategy when no territory has an eligible rep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Box<Policy>>,
}

/// Skill-match settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillPolicy {
    /// Client tags that a rep must have; other client tags (and the industry) are desired.
    #[serde(default)]
    pub required: Vec<String>,
}

/// Score-weighted settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScorePolicy {
    /// Factor weights.
    #[serde(default)]
    pub factors: LeadFactors,
    /// Value bands to rep tiers.
    pub tiers: Vec<ScoreTier>,
}

/// Ranking settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RankingPolicy {
    /// Cache key (default `"ranking"`); give each ranking in one policy its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The window.
    #[serde(default)]
    pub window: Window,
    /// Metric weights by name.
    pub weights: BTreeMap<String, f64>,
    /// Top-1 or top-k.
    #[serde(default, flatten)]
    pub mode: RankingMode,
}

fn default_capacity() -> u32 {
    100
}

/// Any strategy or wrapper, as configuration. Build it with [`Policy::build`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "strategy", rename_all = "snake_case")]
pub enum Policy {
    /// [`RoundRobin`] over the team.
    RoundRobin {
        /// State key (default `"round_robin"`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<String>,
        /// What happens to skipped reps.
        #[serde(default)]
        rejoin: Rejoin,
    },
    /// [`Territory`].
    Territory(TerritoryPolicy),
    /// [`SkillMatch`].
    Skill(SkillPolicy),
    /// [`ScoreWeighted`].
    Score(ScorePolicy),
    /// [`Ranking`].
    Ranking(RankingPolicy),
    /// [`LeastLoaded`].
    LeastLoaded {
        /// Capacity of reps without a cap override.
        #[serde(default = "default_capacity")]
        default_capacity: u32,
    },
    /// [`OwnerFirst`].
    OwnerFirst,
    /// [`Learned`](super::Learned): Thompson sampling with a minimum share.
    Learned(LearnedPolicy),
    /// [`Router`] by source kind.
    Router {
        /// Routes by source kind.
        routes: BTreeMap<SourceKind, Policy>,
        /// For kinds without a route.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<Box<Policy>>,
    },
    /// [`Fallback`] chain.
    Fallback {
        /// Tried in order.
        chain: Vec<Policy>,
    },
    /// [`Filter`] with the standard eligibility rules.
    Filter {
        /// The rules.
        #[serde(default)]
        rules: EligibilityRules,
        /// The strategy filtered.
        inner: Box<Policy>,
    },
}

fn check_weight(name: &str, value: f64) -> Result<(), PolicyError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(PolicyError::BadWeight {
            name: name.to_owned(),
            value: value.to_string(),
        })
    }
}

impl Policy {
    /// The seed documents' rules 1-5, behind the standard eligibility filter, each falling back
    /// to the team round-robin so no lead is stranded while someone can take it:
    /// trade shows and sub-accounts owner-first; the master account to this month's
    /// `inquiries` leader; website inquiries to last week's best by `inquiries_handled`,
    /// `sample_orders`, `follow_ups` and `meetings_hosted`; directory lists by territory;
    /// purchased lists by territory preferring the rep holding most clients in the region.
    pub fn seed_default() -> Policy {
        let rr = || Policy::RoundRobin {
            key: None,
            rejoin: Rejoin::Calibrate,
        };
        let then_rr = |first: Policy| Policy::Fallback {
            chain: vec![first, rr()],
        };
        let ranking = |key: &str, window, weights: &[(&str, f64)]| {
            then_rr(Policy::Ranking(RankingPolicy {
                key: Some(key.to_owned()),
                window,
                weights: weights.iter().map(|(k, w)| ((*k).to_owned(), *w)).collect(),
                mode: RankingMode::Top1,
            }))
        };
        let territory = |inner| {
            then_rr(Policy::Territory(TerritoryPolicy {
                territories: None,
                inner,
                default: None,
            }))
        };
        let routes = BTreeMap::from([
            (SourceKind::TradeShow, then_rr(Policy::OwnerFirst)),
            (SourceKind::PlatformSubAccount, then_rr(Policy::OwnerFirst)),
            (
                SourceKind::PlatformMaster,
                ranking("master_account", Window::ThisMonth, &[("inquiries", 1.0)]),
            ),
            (
                SourceKind::Website,
                ranking(
                    "website",
                    Window::PreviousWeek,
                    &[
                        ("inquiries_handled", 1.0),
                        ("sample_orders", 3.0),
                        ("follow_ups", 0.5),
                        ("meetings_hosted", 2.0),
                    ],
                ),
            ),
            (
                SourceKind::DirectorySearch,
                territory(TerritoryInner::RoundRobin),
            ),
            (
                SourceKind::PurchasedList,
                territory(TerritoryInner::MostHeldInRegion),
            ),
        ]);
        Policy::Filter {
            rules: EligibilityRules::default(),
            inner: Box::new(Policy::Router {
                routes,
                default: Some(Box::new(rr())),
            }),
        }
    }

    /// Builds the allocator for `team`, with its indexes. Rebuild when the team changes.
    pub fn build(&self, team: &Team) -> Result<Box<dyn Allocator>, PolicyError> {
        Ok(match self {
            Policy::RoundRobin { key, rejoin } => {
                let mut rr = RoundRobin::new(team).with_rejoin(*rejoin);
                if let Some(key) = key {
                    rr = rr.with_key(key.clone());
                }
                Box::new(rr)
            }
            Policy::Territory(p) => {
                let mut t = match &p.territories {
                    Some(map) => {
                        for (region, reps) in map {
                            if let Some(rep) = reps.iter().find(|r| team.get(**r).is_none()) {
                                return Err(PolicyError::UnknownRep {
                                    region: region.to_string(),
                                    rep: *rep,
                                });
                            }
                        }
                        Territory::from_map(team, map.clone())
                    }
                    None => Territory::new(team),
                }
                .with_inner(p.inner);
                if let Some(default) = &p.default {
                    t = t.with_default(default.build(team)?);
                }
                Box::new(t)
            }
            Policy::Skill(p) => Box::new(SkillMatch::new(team, p.required.iter().cloned())),
            Policy::Score(p) => {
                check_weight("budget", p.factors.budget)?;
                check_weight("urgency", p.factors.urgency)?;
                check_weight("product_fit", p.factors.product_fit)?;
                if let Some(bad) = p.tiers.iter().find(|t| t.min_score > 100) {
                    return Err(PolicyError::BadBand(bad.min_score));
                }
                Box::new(ScoreWeighted::new(team, p.factors, &p.tiers))
            }
            Policy::Ranking(p) => {
                let key = p.key.clone().unwrap_or_else(|| "ranking".to_owned());
                for (name, w) in &p.weights {
                    check_weight(name, *w)?;
                }
                if p.mode == (RankingMode::TopK { k: 0 }) {
                    return Err(PolicyError::ZeroTopK { key });
                }
                Box::new(Ranking::new(team, key, p.window, p.weights.clone(), p.mode))
            }
            Policy::LeastLoaded { default_capacity } => {
                Box::new(LeastLoaded::new(*default_capacity))
            }
            Policy::OwnerFirst => Box::new(OwnerFirst),
            Policy::Learned(p) => Box::new(p.build_learned(team)?),
            Policy::Router { routes, default } => {
                let mut router = Router::new();
                for (kind, policy) in routes {
                    router = router.route(*kind, policy.build(team)?);
                }
                if let Some(default) = default {
                    router = router.otherwise(default.build(team)?);
                }
                Box::new(router)
            }
            Policy::Fallback { chain } => {
                if chain.is_empty() {
                    return Err(PolicyError::EmptyFallback);
                }
                let built = chain
                    .iter()
                    .map(|p| p.build(team))
                    .collect::<Result<Vec<_>, _>>()?;
                Box::new(Fallback::new(built))
            }
            Policy::Filter { rules, inner } => {
                Box::new(Filter::new(inner.build(team)?, rules.clone()))
            }
        })
    }
}

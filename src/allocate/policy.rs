//! Policies as data: the serde (JSON/TOML) form of every strategy and wrapper, validated and
//! built into a `Box<dyn Allocator>` for a team.

use super::{
    Allocator, EligibilityRules, Fallback, Filter, LeadFactors, LearnedPolicy, LeastLoaded,
    OwnerFirst, Ranking, RankingMode, Rejoin, RoundRobin, Router, ScoreTier, ScoreWeighted,
    SkillMatch, Team, Territory, TerritoryInner,
};
use crate::calendar::Window;
use crate::config::{ConfigError, ConfigRule, check_weight};
use crate::ids::RepId;
use crate::label::Label;
use crate::model::{Metric, Region, SourceKind};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// Territory settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
#[serde(deny_unknown_fields)]
pub struct SkillPolicy {
    /// Client tags that a rep must have; other client tags (and the industry) are desired.
    #[serde(default)]
    pub required: Vec<String>,
}

/// Score-weighted settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScorePolicy {
    /// Factor weights.
    #[serde(default)]
    pub factors: LeadFactors,
    /// Value bands to rep tiers.
    pub tiers: Vec<ScoreTier>,
}

/// Ranking settings. In JSON the mode sits beside the other fields: `"mode": "top1"` (the
/// default when left out) or `"mode": "top_k", "k": 5`.
#[derive(Clone, Debug, PartialEq)]
pub struct RankingPolicy {
    /// Cache key (default `"ranking"`); give each ranking in one policy its own.
    pub key: Option<String>,
    /// The window.
    pub window: Window,
    /// Metric weights.
    pub weights: BTreeMap<Metric, f64>,
    /// Top-1 or top-k.
    pub mode: RankingMode,
}

/// The serde form of [`RankingPolicy`]: the mode's tag and `k` as plain fields, so unknown
/// fields can be refused and a missing mode defaults to top-1.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RankingFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    #[serde(default)]
    window: Window,
    weights: BTreeMap<Metric, f64>,
    #[serde(default)]
    mode: ModeName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    k: Option<u32>,
}

#[derive(Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ModeName {
    #[default]
    Top1,
    TopK,
}

impl Serialize for RankingPolicy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (mode, k) = match self.mode {
            RankingMode::Top1 => (ModeName::Top1, None),
            RankingMode::TopK { k } => (ModeName::TopK, Some(k)),
        };
        RankingFields {
            key: self.key.clone(),
            window: self.window,
            weights: self.weights.clone(),
            mode,
            k,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RankingPolicy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let fields = RankingFields::deserialize(deserializer)?;
        let mode = match (fields.mode, fields.k) {
            (ModeName::Top1, None) => RankingMode::Top1,
            (ModeName::TopK, Some(k)) => RankingMode::TopK { k },
            (ModeName::Top1, Some(_)) => {
                return Err(serde::de::Error::custom("k: only a top_k ranking takes k"));
            }
            (ModeName::TopK, None) => {
                return Err(serde::de::Error::custom("k: a top_k ranking needs k"));
            }
        };
        Ok(RankingPolicy {
            key: fields.key,
            window: fields.window,
            weights: fields.weights,
            mode,
        })
    }
}

fn default_capacity() -> u32 {
    100
}

/// Any strategy or wrapper, as configuration. Unknown fields are refused;
/// [`Policy::validate`] (called by [`Policy::build`]) checks the rest against the team.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "strategy", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
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

/// The serde name of a source kind, for paths.
fn kind_name(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::TradeShow => "trade_show",
        SourceKind::PlatformSubAccount => "platform_sub_account",
        SourceKind::PlatformMaster => "platform_master",
        SourceKind::Website => "website",
        SourceKind::DirectorySearch => "directory_search",
        SourceKind::PurchasedList => "purchased_list",
        SourceKind::Other => "other",
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
        let ranking = |key: &str, window, weights: &[(Metric, f64)]| {
            then_rr(Policy::Ranking(RankingPolicy {
                key: Some(key.to_owned()),
                window,
                weights: weights.iter().cloned().collect(),
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
                ranking(
                    "master_account",
                    Window::ThisMonth,
                    &[(Metric::Inquiries, 1.0)],
                ),
            ),
            (
                SourceKind::Website,
                ranking(
                    "website",
                    Window::PreviousWeek,
                    &[
                        (Metric::InquiriesHandled, 1.0),
                        (Metric::SampleOrders, 3.0),
                        (Metric::FollowUps, 0.5),
                        (Metric::MeetingsHosted, 2.0),
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

    /// Checks the policy for `team`: every named rep is on the team, weights are finite and
    /// within `0..=1e6`, score bands start at most at 100, top-k has k ≥ 1, fallback chains are
    /// not empty. The error names the field path (`routes.website.chain[0].weights.x`).
    pub fn validate(&self, team: &Team) -> Result<(), ConfigError> {
        match self {
            Policy::RoundRobin { .. }
            | Policy::Skill(_)
            | Policy::LeastLoaded { .. }
            | Policy::OwnerFirst => Ok(()),
            Policy::Territory(p) => {
                for (region, reps) in p.territories.iter().flatten() {
                    if let Some(rep) = reps.iter().find(|r| team.get(**r).is_none()) {
                        return Err(ConfigError::new(
                            format!("territories.{region}"),
                            ConfigRule::UnknownRep { rep: *rep },
                        ));
                    }
                }
                match &p.default {
                    Some(default) => default.validate(team).map_err(|e| e.under("default")),
                    None => Ok(()),
                }
            }
            Policy::Score(p) => ScoreWeighted::try_new(team, p.factors, &p.tiers).map(|_| ()),
            Policy::Ranking(p) => {
                for (metric, w) in &p.weights {
                    check_weight(format!("weights.{metric}"), *w)?;
                }
                if p.mode == (RankingMode::TopK { k: 0 }) {
                    return Err(ConfigError::new(
                        "k",
                        ConfigRule::OutOfRange {
                            value: 0.0,
                            min: 1.0,
                            max: f64::from(u32::MAX),
                        },
                    ));
                }
                Ok(())
            }
            Policy::Router { routes, default } => {
                for (kind, policy) in routes {
                    let path = format!("routes.{}", kind_name(*kind));
                    policy.validate(team).map_err(|e| e.under(&path))?;
                }
                match default {
                    Some(default) => default.validate(team).map_err(|e| e.under("default")),
                    None => Ok(()),
                }
            }
            Policy::Fallback { chain } => {
                if chain.is_empty() {
                    return Err(ConfigError::new("chain", ConfigRule::Empty));
                }
                for (i, policy) in chain.iter().enumerate() {
                    policy
                        .validate(team)
                        .map_err(|e| e.under(&format!("chain[{i}]")))?;
                }
                Ok(())
            }
            Policy::Filter { inner, .. } => inner.validate(team).map_err(|e| e.under("inner")),
            Policy::Learned(p) => p.validate(team),
        }
    }

    /// Validates the policy for `team` and builds the allocator, with its indexes. Rebuild
    /// when the team changes.
    pub fn build(&self, team: &Team) -> Result<Box<dyn Allocator>, ConfigError> {
        self.validate(team)?;
        Ok(self.assemble(team))
    }

    /// Builds a validated policy.
    fn assemble(&self, team: &Team) -> Box<dyn Allocator> {
        match self {
            Policy::RoundRobin { key, rejoin } => {
                let mut rr = RoundRobin::new(team).with_rejoin(*rejoin);
                if let Some(key) = key {
                    rr = rr.with_key(Label::new(key));
                }
                Box::new(rr)
            }
            Policy::Territory(p) => {
                let mut t = match &p.territories {
                    Some(map) => Territory::from_map(team, map.clone()),
                    None => Territory::new(team),
                }
                .with_inner(p.inner);
                if let Some(default) = &p.default {
                    t = t.with_default(default.assemble(team));
                }
                Box::new(t)
            }
            Policy::Skill(p) => Box::new(SkillMatch::new(team, p.required.iter())),
            Policy::Score(p) => Box::new(ScoreWeighted::new(team, p.factors, &p.tiers)),
            Policy::Ranking(p) => {
                let key = Label::new(p.key.as_deref().unwrap_or("ranking"));
                Box::new(Ranking::new(team, key, p.window, p.weights.clone(), p.mode))
            }
            Policy::LeastLoaded { default_capacity } => {
                Box::new(LeastLoaded::new(*default_capacity))
            }
            Policy::OwnerFirst => Box::new(OwnerFirst),
            Policy::Learned(p) => match p.build_learned(team) {
                Ok(learned) => Box::new(learned),
                // Validated by `build` before assembling: unreachable, but never a panic.
                Err(_) => Box::new(Router::new()),
            },
            Policy::Router { routes, default } => {
                let mut router = Router::new();
                for (kind, policy) in routes {
                    router = router.route(*kind, policy.assemble(team));
                }
                if let Some(default) = default {
                    router = router.otherwise(default.assemble(team));
                }
                Box::new(router)
            }
            Policy::Fallback { chain } => Box::new(Fallback::new(
                chain.iter().map(|p| p.assemble(team)).collect(),
            )),
            Policy::Filter { rules, inner } => {
                Box::new(Filter::new(inner.assemble(team), rules.clone()))
            }
        }
    }
}

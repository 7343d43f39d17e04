//! Reps (salespeople) and what the allocation rules know about them.

use super::Region;
use crate::ids::RepId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Whether a rep can take clients now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Availability {
    /// Working and taking clients.
    #[default]
    Active,
    /// On leave until the given instant (exclusive); takes nothing before it.
    OnLeave {
        /// The instant the rep is back.
        until: DateTime<Utc>,
    },
    /// Left the team or suspended: never in any rotation.
    Inactive,
}

impl Availability {
    /// True when the rep can take clients at `now`.
    pub fn is_available(&self, now: DateTime<Utc>) -> bool {
        match self {
            Availability::Active => true,
            Availability::OnLeave { until } => now >= *until,
            Availability::Inactive => false,
        }
    }
}

/// Experience tier: 0 is a newcomer; higher is more capable. The score-weighted strategy maps
/// lead-value tiers onto these.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Tier(pub u8);

/// A rep (业务员 / 销售代表).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rep {
    /// Its id.
    pub id: RepId,
    /// Display name.
    pub name: String,
    /// Whether the rep takes clients now.
    #[serde(default)]
    pub availability: Availability,
    /// Territories the rep covers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Region>,
    /// Skills, industries and product lines the rep is good at.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<String>,
    /// Experience tier.
    #[serde(default)]
    pub tier: Tier,
    /// Relative weight for weighted strategies (1 = a normal share; 0 = never by weight).
    #[serde(default = "default_weight")]
    pub weight: u32,
    /// Private-pool cap for this rep, overriding the team policy's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_override: Option<u32>,
}

fn default_weight() -> u32 {
    1
}

impl Rep {
    /// An active rep of weight 1, tier 0, with no territory or skill.
    pub fn new(id: RepId, name: impl Into<String>) -> Self {
        Self {
            id,
            name: name.into(),
            availability: Availability::Active,
            regions: Vec::new(),
            skills: Vec::new(),
            tier: Tier(0),
            weight: 1,
            cap_override: None,
        }
    }

    /// Sets the territories (builder style).
    pub fn with_regions<I: IntoIterator<Item = Region>>(mut self, regions: I) -> Self {
        self.regions = regions.into_iter().collect();
        self
    }

    /// Sets the skills (builder style).
    pub fn with_skills<I, S>(mut self, skills: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.skills = skills.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the tier (builder style).
    pub fn with_tier(mut self, tier: u8) -> Self {
        self.tier = Tier(tier);
        self
    }

    /// Sets the weight (builder style).
    pub fn with_weight(mut self, weight: u32) -> Self {
        self.weight = weight;
        self
    }

    /// Sets the availability (builder style).
    pub fn with_availability(mut self, availability: Availability) -> Self {
        self.availability = availability;
        self
    }

    /// Sets the private-pool cap override (builder style).
    pub fn with_cap(mut self, cap: u32) -> Self {
        self.cap_override = Some(cap);
        self
    }
}

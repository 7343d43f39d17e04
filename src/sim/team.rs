//! Synthetic teams: reps with territories, skills, tiers and weights, and the hidden traits the
//! default behaviour model plays them by.

use super::behaviour::RepProfile;
use super::stream::{default_regions, default_tags};
use crate::allocate::Team;
use crate::ids::RepId;
use crate::model::{Region, Rep};
use crate::rng::{Rng, below, seeded};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a synthetic team is drawn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TeamConfig {
    /// How many reps.
    pub reps: u32,
    /// Territories, dealt to reps in turn so each has at least one rep when there are enough
    /// reps; every fourth rep also covers the next one.
    pub regions: Vec<Region>,
    /// Skills, of which each rep draws two.
    pub skills: Vec<String>,
    /// Percent of reps in tiers 0 (newcomer), 1, 2 and 3 (veteran).
    pub tier_percent: [u32; 4],
    /// When true a rep's weight is 1 + its tier; when false every weight is 1.
    pub weight_by_tier: bool,
}

impl Default for TeamConfig {
    fn default() -> Self {
        Self {
            reps: 20,
            regions: default_regions(),
            skills: default_tags(),
            tier_percent: [30, 30, 25, 15],
            weight_by_tier: false,
        }
    }
}

/// A generated team: the reps the engine sees and the profiles the behaviour model plays.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyntheticTeam {
    /// The reps.
    pub team: Team,
    /// Each rep's hidden traits, by id.
    pub profiles: BTreeMap<RepId, RepProfile>,
}

impl SyntheticTeam {
    /// Draws a team from `seed`. Reps get ids 1..=n and names "Rep 01", "Rep 02", ….
    ///
    /// ```
    /// use leadpool::sim::{SyntheticTeam, TeamConfig};
    /// let team = SyntheticTeam::generate(&TeamConfig { reps: 5, ..TeamConfig::default() }, 7);
    /// assert_eq!(team.team.len(), 5);
    /// assert!(team.team.reps().iter().all(|r| !r.regions.is_empty()));
    /// ```
    pub fn generate(config: &TeamConfig, seed: u64) -> Self {
        let mut rng = seeded(seed ^ 0x7EA0_7EA0_7EA0_7EA0);
        let width = config.reps.to_string().len().max(2);
        let mut reps = Vec::new();
        let mut profiles = BTreeMap::new();
        for i in 0..config.reps {
            let id = RepId(u64::from(i) + 1);
            let tier = draw_tier(&mut rng, &config.tier_percent);
            let mut regions = Vec::new();
            if !config.regions.is_empty() {
                let n = config.regions.len();
                regions.push(config.regions[i as usize % n].clone());
                if i % 4 == 3 && n > 1 {
                    regions.push(config.regions[(i as usize + 1) % n].clone());
                }
            }
            let mut skills: Vec<String> = Vec::new();
            for _ in 0..2 {
                let pick = below(&mut rng, config.skills.len() as u64) as usize;
                if let Some(skill) = config.skills.get(pick) {
                    if !skills.contains(skill) {
                        skills.push(skill.clone());
                    }
                }
            }
            let weight = if config.weight_by_tier {
                1 + u32::from(tier)
            } else {
                1
            };
            reps.push(
                Rep::new(id, format!("Rep {:0width$}", i + 1))
                    .with_regions(regions)
                    .with_skills(skills)
                    .with_tier(tier)
                    .with_weight(weight),
            );
            profiles.insert(id, RepProfile::drawn(tier, &mut rng));
        }
        Self {
            team: Team::new(reps),
            profiles,
        }
    }
}

fn draw_tier(rng: &mut dyn Rng, percent: &[u32; 4]) -> u8 {
    let total: u64 = percent.iter().map(|&p| u64::from(p)).sum();
    let mut draw = below(rng, total.max(1));
    for (tier, &p) in percent.iter().enumerate() {
        if draw < u64::from(p) {
            return tier as u8;
        }
        draw -= u64::from(p);
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_has_a_rep_when_there_are_enough_reps() {
        let config = TeamConfig::default();
        let team = SyntheticTeam::generate(&config, 11);
        for region in &config.regions {
            assert!(
                team.team.reps().iter().any(|r| r.regions.contains(region)),
                "{region} uncovered"
            );
        }
        assert_eq!(team.profiles.len(), 20);
    }

    #[test]
    fn weights_follow_tiers_only_when_asked() {
        let equal = SyntheticTeam::generate(&TeamConfig::default(), 4);
        assert!(equal.team.reps().iter().all(|r| r.weight == 1));
        let by_tier = SyntheticTeam::generate(
            &TeamConfig {
                weight_by_tier: true,
                ..TeamConfig::default()
            },
            4,
        );
        assert!(
            by_tier
                .team
                .reps()
                .iter()
                .all(|r| r.weight == 1 + u32::from(r.tier.0))
        );
    }

    #[test]
    fn same_seed_same_team_and_a_different_seed_differs() {
        let config = TeamConfig::default();
        assert_eq!(
            SyntheticTeam::generate(&config, 9),
            SyntheticTeam::generate(&config, 9)
        );
        assert_ne!(
            SyntheticTeam::generate(&config, 9),
            SyntheticTeam::generate(&config, 10)
        );
    }

    #[test]
    fn an_empty_configuration_gives_an_empty_team_without_panicking() {
        let config = TeamConfig {
            reps: 3,
            regions: Vec::new(),
            skills: Vec::new(),
            tier_percent: [0; 4],
            weight_by_tier: false,
        };
        let team = SyntheticTeam::generate(&config, 1);
        assert_eq!(team.team.len(), 3);
        assert!(team.team.reps().iter().all(|r| r.regions.is_empty()));
    }
}

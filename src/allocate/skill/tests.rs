//! The two layouts agree, decision for decision and explanation for explanation.

use super::{INDEXED_WORDS, Layout, SkillMatch};
use crate::allocate::{Allocator, LoadRank, Request, Team, TeamView};
use crate::ids::{ClientId, RepId};
use crate::model::{Availability, Client, Rep, Source};
use crate::rng::seeded;
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use std::collections::BTreeSet;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
}

/// Loads by hand, with or without the open-load order.
struct View {
    loads: Vec<u32>,
    order: BTreeSet<LoadRank>,
    indexed: bool,
}

impl View {
    fn new(loads: Vec<u32>, ids: impl Iterator<Item = u64>, indexed: bool) -> Self {
        let order = ids
            .map(|i| LoadRank {
                load: loads[i as usize - 1],
                last_assigned_at: None,
                rep: RepId(i),
            })
            .collect();
        Self {
            loads,
            order,
            indexed,
        }
    }
}

impl TeamView for View {
    fn open_load(&self, rep: RepId) -> u32 {
        self.loads[rep.0 as usize - 1]
    }
    fn indexes_open_load(&self) -> bool {
        self.indexed
    }
    fn next_by_open_load(&self, after: Option<LoadRank>) -> Option<LoadRank> {
        use std::ops::Bound::{Excluded, Unbounded};
        match after {
            None => self.order.first().copied(),
            Some(after) => self
                .order
                .range((Excluded(after), Unbounded))
                .next()
                .copied(),
        }
    }
}

fn mix(seed: u64, i: u64, k: u64) -> u64 {
    (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ seed).rotate_left(k as u32 * 7)
}

/// `n` reps (ids from 1, every third id skipped when `sparse`) with one to three skills of
/// `vocabulary`, some on leave, some inactive, some of weight 0.
fn team(seed: u64, n: u64, vocabulary: u64, sparse: bool) -> Team {
    Team::new((1..=n).filter(|i| !sparse || i % 3 != 0).map(|i| {
        let skills =
            (0..1 + mix(seed, i, 5) % 3).map(|k| format!("t{}", mix(seed, i, k + 1) % vocabulary));
        let mut rep = Rep::new(RepId(i), "r").with_skills(skills);
        match mix(seed, i, 3) % 13 {
            0 | 1 => {
                rep.availability = Availability::OnLeave {
                    until: now() + Duration::days(1),
                }
            }
            2 => rep.availability = Availability::Inactive,
            3 => rep.weight = 0,
            _ => {}
        }
        rep
    }))
}

fn decide(
    strategy: &SkillMatch,
    team: &Team,
    client: &Client,
    view: &View,
) -> crate::allocate::Decision {
    strategy.allocate(
        &Request::new(client, team, now()).with_view(view),
        &mut seeded(0),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The profile layout decides exactly as the bit planes do, explanation included: small
    /// and large teams, with and without the open-load order, required tags the team lacks,
    /// repeated tags, an industry.
    #[test]
    fn profiles_decide_as_the_bit_planes_do(
        seed in any::<u64>(),
        large in any::<bool>(),
        sparse in any::<bool>(),
        indexed in any::<bool>(),
        vocabulary in 1u64..7,
        tags in proptest::collection::vec(0u64..9, 0..5),
        required in proptest::collection::vec(0u64..9, 0..3),
        industry in proptest::option::of(0u64..9),
    ) {
        let n = if large { (INDEXED_WORDS * 64 + 10) as u64 } else { 1 + seed % 40 };
        let team = team(seed, n, vocabulary, sparse);
        let loads: Vec<u32> = (1..=n).map(|i| (mix(seed, i, 4) % 5) as u32).collect();
        let view = View::new(loads, team.reps().iter().map(|r| r.id.0), indexed);
        let mut client = Client::new(ClientId(1), "c", Source::Website, now())
            .with_tags(tags.iter().map(|t| format!("t{t}")));
        if let Some(industry) = industry {
            client = client.with_industry(format!("t{industry}"));
        }
        let required: Vec<String> = required.iter().map(|t| format!("t{t}")).collect();
        let profiles = SkillMatch::laid_out(&team, &required, true);
        let planes = SkillMatch::laid_out(&team, &required, false);
        prop_assert!(matches!(profiles.layout, Layout::Profiles(_)));
        prop_assert!(matches!(planes.layout, Layout::Planes(_)));
        prop_assert_eq!(decide(&profiles, &team, &client, &view), decide(&planes, &team, &client, &view));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// On a team large enough to walk the open-load order, the walk picks the rep the
    /// level-by-level scan picks, in both layouts.
    #[test]
    fn the_open_load_order_picks_what_the_scan_picks(seed in any::<u64>(), tags in proptest::collection::vec(0u64..6, 1..4)) {
        let n = (INDEXED_WORDS * 64 + 10) as u64;
        let team = team(seed, n, 6, false);
        let loads: Vec<u32> = (1..=n).map(|i| (mix(seed, i, 4) % 9) as u32).collect();
        let client = Client::new(ClientId(1), "c", Source::Website, now())
            .with_tags(tags.iter().map(|t| format!("t{t}")));
        for profiles in [true, false] {
            let strategy = SkillMatch::laid_out(&team, [format!("t{}", tags[0])], profiles);
            let mut view = View::new(loads.clone(), 1..=n, false);
            let scanned = decide(&strategy, &team, &client, &view);
            view.indexed = true;
            let walked = decide(&strategy, &team, &client, &view);
            prop_assert_eq!(walked.rep, scanned.rep);
        }
    }
}

/// A team with more distinct skill sets than the profile layout holds uses the bit planes.
#[test]
fn too_many_profiles_fall_back_to_the_bit_planes() {
    let team = Team::new((1..=65).map(|i| Rep::new(RepId(i), "r").with_skills([format!("t{i}")])));
    assert!(matches!(
        SkillMatch::new(&team, ["t1"]).layout,
        Layout::Planes(_)
    ));
    let team = Team::new((1..=64).map(|i| Rep::new(RepId(i), "r").with_skills([format!("t{i}")])));
    assert!(matches!(
        SkillMatch::new(&team, ["t1"]).layout,
        Layout::Profiles(_)
    ));
}

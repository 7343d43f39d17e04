//! Shared fixtures for the allocation tests: a team view backed by plain maps.
#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use leadpool::allocate::{PriorContact, TeamView};
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{Client, DedupeKeys, Region, Source};
use leadpool::reason::Refusal;
use std::collections::BTreeMap;
use std::ops::Range;

/// A live-state view the test fills in by hand.
#[derive(Default)]
pub struct MapView {
    pub load: BTreeMap<RepId, u32>,
    pub last: BTreeMap<RepId, DateTime<Utc>>,
    pub received: BTreeMap<RepId, Vec<NaiveDate>>,
    pub refuse: BTreeMap<RepId, Refusal>,
    pub prior: Vec<(DedupeKeys, PriorContact)>,
    pub held: BTreeMap<(RepId, String), u32>,
}

impl TeamView for MapView {
    fn open_load(&self, rep: RepId) -> u32 {
        self.load.get(&rep).copied().unwrap_or(0)
    }
    fn last_assigned_at(&self, rep: RepId) -> Option<DateTime<Utc>> {
        self.last.get(&rep).copied()
    }
    fn received_in(&self, rep: RepId, days: Range<NaiveDate>) -> u32 {
        self.received
            .get(&rep)
            .map_or(0, |v| v.iter().filter(|d| days.contains(d)).count() as u32)
    }
    fn pool_refusal(&self, rep: RepId, _client: &Client) -> Option<Refusal> {
        self.refuse.get(&rep).copied()
    }
    fn prior_contact(&self, keys: &DedupeKeys) -> Option<PriorContact> {
        self.prior
            .iter()
            .filter(|(k, _)| k.matches(keys))
            .map(|(_, p)| p.clone())
            .min_by_key(|p| p.since)
    }
    fn held_in_region(&self, rep: RepId, region: &Region) -> u32 {
        self.held
            .get(&(rep, region.to_string()))
            .copied()
            .unwrap_or(0)
    }
}

/// 2026-11-24 10:00 UTC.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
}

pub fn region(path: &str) -> Region {
    path.parse().unwrap()
}

pub fn client(id: u64, source: Source) -> Client {
    Client::new(ClientId(id), format!("client {id}"), source, now())
}

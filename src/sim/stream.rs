//! Lead streams: the clients that arrive during a simulation, each at its instant.

use crate::allocate::Team;
use crate::calendar::TeamZone;
use crate::ids::ClientId;
use crate::model::{Client, DedupeKeys, LeadInputs, Region, Source, SourceKind};
use crate::rng::{LeadRng, below, seeded};
use chrono::{DateTime, Datelike, Duration, Utc, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One lead arriving: the client as it enters the public pool, and its potential value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Arrival {
    /// When it arrives.
    pub at: DateTime<Utc>,
    /// The client, as imported (unowned, no history).
    pub client: Client,
    /// What the lead is worth if won: the "value received" of fairness and the revenue of a
    /// deal.
    pub value: f64,
}

/// Arrivals in (instant, client id) order: the input of a simulation, synthetic or replayed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "Vec<Arrival>", into = "Vec<Arrival>")]
pub struct LeadStream {
    arrivals: Vec<Arrival>,
}

impl LeadStream {
    /// A stream of `arrivals`, sorted by instant then client id (so input order never matters).
    pub fn new(mut arrivals: Vec<Arrival>) -> Self {
        arrivals.sort_by(|a, b| a.at.cmp(&b.at).then(a.client.id().cmp(&b.client.id())));
        Self { arrivals }
    }

    /// Every arrival, in order.
    pub fn arrivals(&self) -> &[Arrival] {
        &self.arrivals
    }

    /// The arrivals at or after `from` and before `to`.
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> &[Arrival] {
        let start = self.arrivals.partition_point(|a| a.at < from);
        let end = self.arrivals.partition_point(|a| a.at < to).max(start);
        &self.arrivals[start..end]
    }

    /// How many arrivals.
    pub fn len(&self) -> usize {
        self.arrivals.len()
    }

    /// True when nothing arrives.
    pub fn is_empty(&self) -> bool {
        self.arrivals.is_empty()
    }

    /// A synthetic stream for `team` over `days` team days from the day containing `start`,
    /// drawn from `seed` under `config`. The same inputs give the same stream.
    ///
    /// ```
    /// use leadpool::sim::{LeadStream, StreamConfig, SyntheticTeam, TeamConfig};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let team = SyntheticTeam::generate(&TeamConfig::default(), 1);
    /// let start = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
    /// let a = LeadStream::synthetic(&StreamConfig::default(), &team.team, start, 14, 9);
    /// let b = LeadStream::synthetic(&StreamConfig::default(), &team.team, start, 14, 9);
    /// assert_eq!(a, b);
    /// assert!(!a.is_empty());
    /// ```
    pub fn synthetic(
        config: &StreamConfig,
        team: &Team,
        start: DateTime<Utc>,
        days: u32,
        seed: u64,
    ) -> Self {
        Synthesiser::new(config, team, seed).run(start, days)
    }
}

impl From<Vec<Arrival>> for LeadStream {
    fn from(arrivals: Vec<Arrival>) -> Self {
        Self::new(arrivals)
    }
}

impl From<LeadStream> for Vec<Arrival> {
    fn from(stream: LeadStream) -> Self {
        stream.arrivals
    }
}

/// How a synthetic lead stream is drawn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StreamConfig {
    /// Leads arriving per working day.
    pub leads_per_day: u32,
    /// Whether leads also arrive on Saturdays and Sundays (team zone).
    pub weekends: bool,
    /// Relative weight of each source. Sources the seed rules name by default: trade-show
    /// cards, platform inquiries (sub-account and master), website inquiries, directory lists
    /// and purchased lists.
    pub mix: BTreeMap<SourceKind, u32>,
    /// The regions clients come from, drawn uniformly.
    pub regions: Vec<Region>,
    /// Need and product tags; each client draws one or two.
    pub tags: Vec<String>,
    /// Percent of trade-show cards from a company the team has already seen (the seed's
    /// "someone contacted it before" case).
    pub repeat_card_percent: u32,
    /// The team's zone: leads arrive between 09:00 and 18:00 local time.
    pub zone: TeamZone,
}

impl Default for StreamConfig {
    fn default() -> Self {
        let mix = [
            (SourceKind::TradeShow, 15),
            (SourceKind::PlatformSubAccount, 20),
            (SourceKind::PlatformMaster, 10),
            (SourceKind::Website, 20),
            (SourceKind::DirectorySearch, 20),
            (SourceKind::PurchasedList, 15),
        ]
        .into_iter()
        .collect();
        Self {
            leads_per_day: 40,
            weekends: false,
            mix,
            regions: default_regions(),
            tags: default_tags(),
            repeat_card_percent: 10,
            zone: TeamZone::east_hours(8).unwrap_or_default(),
        }
    }
}

/// The regions of the default synthetic world: provinces and cities of a Chinese exporter's
/// markets, at mixed depths so that territory fallback to a parent matters.
pub(crate) fn default_regions() -> Vec<Region> {
    [
        "CN/Guangdong/Shenzhen",
        "CN/Guangdong/Guangzhou",
        "CN/Guangdong/Dongguan",
        "CN/Zhejiang/Hangzhou",
        "CN/Zhejiang/Ningbo",
        "CN/Jiangsu/Suzhou",
        "CN/Shanghai",
        "US/California",
        "US/Texas",
        "DE/Bavaria",
    ]
    .iter()
    .filter_map(|r| r.parse().ok())
    .collect()
}

/// The tags of the default synthetic world: needs (seed 004) and product lines.
pub(crate) fn default_tags() -> Vec<String> {
    [
        "technical",
        "price-driven",
        "service",
        "coatings",
        "electronics",
        "furniture",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}

/// Draws one stream; holds the cumulative source mix so each lead costs one draw.
struct Synthesiser<'a> {
    config: &'a StreamConfig,
    team: &'a Team,
    rng: LeadRng,
    mix: Vec<(SourceKind, u64)>,
    mix_total: u64,
    companies: Vec<String>,
}

impl<'a> Synthesiser<'a> {
    fn new(config: &'a StreamConfig, team: &'a Team, seed: u64) -> Self {
        let mut mix = Vec::new();
        let mut total = 0u64;
        for (&kind, &weight) in &config.mix {
            if weight > 0 {
                total += u64::from(weight);
                mix.push((kind, total));
            }
        }
        Self {
            config,
            team,
            rng: seeded(seed),
            mix,
            mix_total: total,
            companies: Vec::new(),
        }
    }

    fn run(mut self, start: DateTime<Utc>, days: u32) -> LeadStream {
        let zone = self.config.zone;
        let first = zone.day_of(start);
        let mut arrivals = Vec::new();
        let mut next_id = 1u64;
        for offset in 0..days {
            let Some(day) = first.checked_add_signed(Duration::days(i64::from(offset))) else {
                break;
            };
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            if weekend && !self.config.weekends {
                continue;
            }
            let opening = zone.start_of_day(day);
            for _ in 0..self.config.leads_per_day {
                // Nine working hours from 09:00, to the second.
                let second = 9 * 3600 + below(&mut self.rng, 9 * 3600) as i64;
                let Some(at) = opening.checked_add_signed(Duration::seconds(second)) else {
                    continue;
                };
                if at < start {
                    continue;
                }
                arrivals.push(self.lead(ClientId(next_id), at));
                next_id += 1;
            }
        }
        LeadStream::new(arrivals)
    }

    fn source(&mut self) -> Source {
        let draw = below(&mut self.rng, self.mix_total);
        let kind = self
            .mix
            .iter()
            .find(|(_, cumulative)| draw < *cumulative)
            .map_or(SourceKind::Website, |(kind, _)| *kind);
        let rep = pick(&mut self.rng, self.team.reps()).map(|r| r.id);
        match (kind, rep) {
            (SourceKind::TradeShow, Some(rep)) => Source::TradeShow { received_by: rep },
            (SourceKind::PlatformSubAccount, Some(rep)) => Source::PlatformSubAccount { rep },
            (SourceKind::PlatformMaster, _) => Source::PlatformMaster,
            (SourceKind::DirectorySearch, _) => Source::DirectorySearch,
            (SourceKind::PurchasedList, _) => Source::PurchasedList,
            (SourceKind::Other, _) => Source::Other {
                label: "referral".into(),
            },
            // A rep-named source with no rep to name falls back to the website.
            _ => Source::Website,
        }
    }

    fn lead(&mut self, id: ClientId, at: DateTime<Utc>) -> Arrival {
        let source = self.source();
        let repeat = matches!(source, Source::TradeShow { .. })
            && !self.companies.is_empty()
            && below(&mut self.rng, 100) < u64::from(self.config.repeat_card_percent);
        let name = if repeat {
            pick(&mut self.rng, &self.companies)
                .cloned()
                .unwrap_or_else(|| format!("Company {}", id.0))
        } else {
            let name = format!("Company {}", id.0);
            self.companies.push(name.clone());
            name
        };
        let region = pick(&mut self.rng, &self.config.regions)
            .cloned()
            .unwrap_or_default();
        let mut tags = Vec::new();
        let tag_count = 1 + below(&mut self.rng, 2);
        for _ in 0..tag_count {
            if let Some(tag) = pick(&mut self.rng, &self.config.tags).cloned() {
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
        }
        let lead = LeadInputs {
            budget: below(&mut self.rng, 101) as u8,
            urgency: below(&mut self.rng, 101) as u8,
            product_fit: below(&mut self.rng, 101) as u8,
        };
        // Deal size grows with budget: 500 to 20,500 in steps of 200.
        let value = 500.0 + 200.0 * f64::from(lead.budget);
        let keys = DedupeKeys::from_raw(Some(&name), None, None, None);
        let industry = tags.first().cloned();
        let mut client = Client::new(id, name, source, at)
            .with_region(region)
            .with_tags(tags)
            .with_lead(lead)
            .with_keys(keys);
        if let Some(industry) = industry {
            client = client.with_industry(industry);
        }
        Arrival { at, client, value }
    }
}

/// A uniform pick from `items`; `None` when empty.
fn pick<'b, T>(rng: &mut LeadRng, items: &'b [T]) -> Option<&'b T> {
    items.get(below(rng, items.len() as u64) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{SyntheticTeam, TeamConfig};
    use chrono::TimeZone;

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap()
    }

    #[test]
    fn synthetic_stream_follows_the_mix_and_skips_weekends() {
        let team = SyntheticTeam::generate(&TeamConfig::default(), 3).team;
        let config = StreamConfig::default();
        let stream = LeadStream::synthetic(&config, &team, start(), 14, 5);
        // 14 days from a Monday hold 10 working days.
        assert_eq!(stream.len(), 10 * config.leads_per_day as usize);
        let mut by_kind: BTreeMap<SourceKind, usize> = BTreeMap::new();
        for a in stream.arrivals() {
            *by_kind.entry(a.client.source().kind()).or_default() += 1;
            let local = config.zone.day_of(a.at);
            assert!(!matches!(local.weekday(), Weekday::Sat | Weekday::Sun));
            assert!(a.value >= 500.0);
        }
        assert!(!by_kind.contains_key(&SourceKind::Other));
        for kind in config.mix.keys() {
            assert!(
                by_kind.get(kind).copied().unwrap_or(0) > 0,
                "{kind:?} missing"
            );
        }
        assert!(stream.arrivals().windows(2).all(|w| w[0].at <= w[1].at));
    }

    #[test]
    fn different_seeds_draw_different_streams() {
        let team = SyntheticTeam::generate(&TeamConfig::default(), 3).team;
        let config = StreamConfig::default();
        let a = LeadStream::synthetic(&config, &team, start(), 7, 1);
        let b = LeadStream::synthetic(&config, &team, start(), 7, 2);
        assert_ne!(a, b);
    }

    #[test]
    fn between_returns_the_half_open_window() {
        let team = SyntheticTeam::generate(&TeamConfig::default(), 3).team;
        let stream = LeadStream::synthetic(&StreamConfig::default(), &team, start(), 7, 1);
        let zone = StreamConfig::default().zone;
        let day = zone.day_of(stream.arrivals()[0].at);
        let from = zone.start_of_day(day);
        let to = zone.start_of_day(day + Duration::days(1));
        let window = stream.between(from, to);
        assert_eq!(window.len(), 40);
        assert!(stream.between(to, from).is_empty());
    }
}

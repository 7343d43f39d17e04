//! Reports seed 003 asks for: each month, the clients every rep visited, sampled or
//! cooperates with, in two zones; and a leaderboard over a period.

use crate::calendar::TeamZone;
use crate::ids::{ClientId, RepId};
use crate::model::{Client, ContactLevel, Metric, Metrics};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

/// One rep's month: clients in progress (visited, sampled) and cooperating. Each deal is
/// credited once, to the rep it is credited to (the owner, seed 001), never to a colleague who
/// logged its closing contact.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepMonth {
    /// The rep.
    pub rep: RepId,
    /// In progress: clients the rep visited in the month (and not sampled or won).
    pub visited: BTreeSet<ClientId>,
    /// In progress: clients the rep sent a sample to in the month (and not won).
    pub sampled: BTreeSet<ClientId>,
    /// Cooperating: clients whose deal in force was credited to the rep in the month, or with the
    /// rep's own cooperating follow-up in the month.
    pub cooperating: BTreeSet<ClientId>,
}

/// The month report for the team days `month` (e.g. [`TeamZone::month_of`]), per rep in id
/// order; reps with nothing in the month are left out.
pub fn monthly<'a>(
    clients: impl IntoIterator<Item = &'a Client>,
    zone: TeamZone,
    month: &Range<NaiveDate>,
) -> Vec<RepMonth> {
    let mut reps: BTreeMap<RepId, RepMonth> = BTreeMap::new();
    for client in clients {
        let deal = client.custody().deal;
        let mut highest: BTreeMap<RepId, ContactLevel> = BTreeMap::new();
        for contact in client.contacts() {
            // The deal's own closing contact is credited through the deal, to its owner.
            let closing = deal.is_some_and(|d| d.closed_by == contact.rep && d.at == contact.at);
            if closing || !month.contains(&zone.day_of(contact.at)) {
                continue;
            }
            let level = highest.entry(contact.rep).or_insert(contact.level);
            *level = (*level).max(contact.level);
        }
        if let Some(deal) = deal {
            if month.contains(&zone.day_of(deal.at)) {
                highest.insert(deal.credited_to, ContactLevel::Cooperating);
            }
        }
        for (rep, level) in highest {
            let row = reps.entry(rep).or_insert_with(|| RepMonth {
                rep,
                ..RepMonth::default()
            });
            match level {
                ContactLevel::Phone => continue,
                ContactLevel::Visit => row.visited.insert(client.id()),
                ContactLevel::Sample => row.sampled.insert(client.id()),
                ContactLevel::Cooperating => row.cooperating.insert(client.id()),
            };
        }
    }
    reps.into_values()
        .filter(|r| !(r.visited.is_empty() && r.sampled.is_empty() && r.cooperating.is_empty()))
        .collect()
}

/// One line of a leaderboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    /// 1 for the best; equal values share a rank.
    pub rank: u32,
    /// The rep.
    pub rep: RepId,
    /// The metric's total over the period.
    pub value: f64,
}

/// Ranks `reps` by `metric` summed over `days`, best first; ties share a rank and are listed
/// in rep id order.
pub fn leaderboard(
    metrics: &Metrics,
    metric: &Metric,
    days: Range<NaiveDate>,
    reps: impl IntoIterator<Item = RepId>,
) -> Vec<Standing> {
    let mut rows: Vec<(RepId, f64)> = reps
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|rep| (rep, metrics.total(rep, metric, days.clone())))
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out: Vec<Standing> = Vec::with_capacity(rows.len());
    for (i, (rep, value)) in rows.into_iter().enumerate() {
        let rank = match out.last() {
            Some(prev) if prev.value == value => prev.rank,
            _ => u32::try_from(i + 1).unwrap_or(u32::MAX),
        };
        out.push(Standing { rank, rep, value });
    }
    out
}

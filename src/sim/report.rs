//! What a simulation reports: a row per rep, the pool's traffic, and fairness per week and
//! overall. Serialisable for `--json`; [`std::fmt::Display`] renders it for people (see
//! `render.rs`).

use crate::calendar::TeamZone;
use crate::fairness::{FairnessReport, Outcomes, RepTally};
use crate::ids::RepId;
use crate::model::SourceKind;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One rep's line in the report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RepRow {
    /// The rep.
    pub rep: RepId,
    /// Display name.
    pub name: String,
    /// Experience tier.
    pub tier: u8,
    /// Weight.
    pub weight: u32,
    /// Clients the allocation policy assigned to the rep.
    pub assigned: u64,
    /// Clients the rep claimed from the public pool.
    pub claimed: u64,
    /// Assignments by the client's source.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_source: BTreeMap<SourceKind, u64>,
    /// Total value of the clients received (assigned and claimed).
    pub value: f64,
    /// Follow-ups logged.
    pub follow_ups: u64,
    /// Reminders the pool sent the rep.
    pub reminders: u64,
    /// Clients the pool released from the rep for want of follow-up.
    pub released: u64,
    /// Deals won, deals lost, revenue and days to close.
    pub outcomes: Outcomes,
    /// Clients held at the end.
    pub holding: u64,
}

impl RepRow {
    /// Clients received by any route.
    pub fn received(&self) -> u64 {
        self.assigned + self.claimed
    }

    /// The rep's fairness tally: received, value and outcomes, owed by weight.
    pub fn tally(&self) -> RepTally {
        RepTally {
            rep: self.rep,
            weight: f64::from(self.weight),
            received: self.received(),
            value: self.value,
            outcomes: Some(self.outcomes),
        }
    }
}

/// The pool's traffic over the run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolCounts {
    /// Leads that arrived.
    pub arrivals: u64,
    /// Leads imported into the public pool.
    pub imported: u64,
    /// Arrivals the pool recognised as a client it already knew (dedupe), not imported again.
    pub duplicates: u64,
    /// Leads the policy assigned on arrival.
    pub assigned: u64,
    /// Leads for which no rep was eligible: they stayed in the public pool, with reasons.
    pub unassigned: u64,
    /// Successful claims from the public pool.
    pub claims: u64,
    /// Claims the pool refused (cap, cooldown, daily limit, embargo).
    pub claims_refused: u64,
    /// Claims of clients that had been released before: the pool recycling them.
    pub reclaims: u64,
    /// Of those, by the rep they had been released from (after the cooldown).
    pub reclaims_by_former_owner: u64,
    /// Reminders sent.
    pub reminders: u64,
    /// Automatic releases for want of follow-up.
    pub releases: u64,
    /// Follow-ups logged.
    pub follow_ups: u64,
    /// Deals won.
    pub deals_won: u64,
    /// Clients lost.
    pub deals_lost: u64,
    /// Clients in the public pool at the end.
    pub public_at_end: u64,
}

/// The fairness of one ISO week (team zone): what was received that week.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeeklyFairness {
    /// The Monday of the week.
    pub week: NaiveDate,
    /// Fairness over that week's receipts and closes.
    pub fairness: FairnessReport,
}

/// Everything a simulation run reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimReport {
    /// A label for the policy simulated.
    pub policy: String,
    /// The seed of the run, when it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The first instant simulated.
    pub start: DateTime<Utc>,
    /// The team's zone: days and weeks are counted in it.
    #[serde(default)]
    pub zone: TeamZone,
    /// How many team days were simulated.
    pub days: u32,
    /// One row per rep, in id order.
    pub reps: Vec<RepRow>,
    /// The pool's traffic.
    pub pool: PoolCounts,
    /// Fairness over the whole run.
    pub overall: FairnessReport,
    /// Fairness week by week.
    pub weekly: Vec<WeeklyFairness>,
}

impl SimReport {
    /// The overall fairness report computed from the rows.
    pub fn fairness_of(rows: &[RepRow]) -> FairnessReport {
        let tallies: Vec<RepTally> = rows.iter().map(RepRow::tally).collect();
        FairnessReport::from_tallies(&tallies)
    }

    /// The row of `rep`.
    pub fn row(&self, rep: RepId) -> Option<&RepRow> {
        self.reps
            .binary_search_by_key(&rep, |r| r.rep)
            .ok()
            .map(|i| &self.reps[i])
    }
}

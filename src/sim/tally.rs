//! Running counts of a simulation: per rep, per week and for the pool, fed by the events the
//! pool accepts.

use super::report::{PoolCounts, RepRow, SimReport, WeeklyFairness};
use crate::allocate::Team;
use crate::calendar::TeamZone;
use crate::fairness::{FairnessReport, Outcomes, RepTally};
use crate::ids::RepId;
use crate::model::SourceKind;
use crate::pool::PoolState;
use crate::pool::{Event, Via};
use chrono::{DateTime, NaiveDate, Utc};

/// What one rep received and closed within one week.
#[derive(Clone, Copy, Debug, Default)]
struct WeekCell {
    received: u64,
    value: f64,
    outcomes: Outcomes,
}

/// Everything counted for one rep, side by side: an event finds its rep once and touches one
/// place.
#[derive(Clone, Debug)]
struct RepCounts {
    /// The rep's row of the report.
    row: RepRow,
    /// What it received and closed this week.
    week: WeekCell,
    /// Its assignments by source (indexed by the kind's place in [`SourceKind::ALL`]), moved
    /// into the row's map by [`Tally::finish`].
    by_source: [u64; SourceKind::ALL.len()],
}

/// The counts, with per-rep slots in the team's order (a rep's slot is its team position).
pub(super) struct Tally<'a> {
    team: &'a Team,
    reps: Vec<RepCounts>,
    pub(super) pool: PoolCounts,
    week: Option<NaiveDate>,
    weekly: Vec<WeeklyFairness>,
}

/// Facts about the client an event concerns that the event itself does not carry.
pub(super) struct Context {
    /// The lead's value.
    pub value: f64,
    /// The client's source.
    pub source: SourceKind,
    /// The rep it was last released from, if it ever was.
    pub released_from: Option<RepId>,
    /// Days the owner held it, for a deal.
    pub held_days: f64,
}

impl<'a> Tally<'a> {
    pub(super) fn new(team: &'a Team) -> Self {
        let reps = team
            .reps()
            .iter()
            .map(|r| RepCounts {
                row: RepRow {
                    rep: r.id,
                    name: r.name.clone(),
                    tier: r.tier.0,
                    weight: r.weight,
                    ..RepRow::default()
                },
                week: WeekCell::default(),
                by_source: [0; SourceKind::ALL.len()],
            })
            .collect();
        Self {
            team,
            reps,
            pool: PoolCounts::default(),
            week: None,
            weekly: Vec::new(),
        }
    }

    /// Starts the week of `monday`, closing the previous one if it differs.
    pub(super) fn enter_week(&mut self, monday: NaiveDate) {
        if self.week != Some(monday) {
            self.close_week();
            self.week = Some(monday);
        }
    }

    fn close_week(&mut self) {
        let Some(week) = self.week.take() else {
            return;
        };
        let tallies: Vec<RepTally> = self
            .reps
            .iter()
            .map(|counts| RepTally {
                rep: counts.row.rep,
                weight: f64::from(counts.row.weight),
                received: counts.week.received,
                value: counts.week.value,
                outcomes: Some(counts.week.outcomes),
            })
            .collect();
        self.weekly.push(WeeklyFairness {
            week,
            fairness: FairnessReport::from_tallies(&tallies),
        });
        for counts in &mut self.reps {
            counts.week = WeekCell::default();
        }
    }

    fn slot(&self, rep: RepId) -> Option<usize> {
        self.team.position(rep)
    }

    /// Counts an accepted import: an `Imported` event, or an import the run applied without
    /// building its event (a run without its event log copies its arrivals into the pool).
    #[inline]
    pub(super) fn imported(&mut self) {
        self.pool.imported += 1;
    }

    /// Counts an accepted event that moves no client between owners: an import, a duplicate,
    /// a contact, a reminder or a release (custody changes go to [`Tally::observe_custody`]).
    #[inline]
    pub(super) fn observe(&mut self, event: &Event) {
        match event {
            Event::Imported { .. } => self.imported(),
            Event::DuplicateReported { .. } => self.pool.duplicates += 1,
            Event::ContactLogged {
                contact,
                follow_up: Some(_),
                ..
            } => {
                self.pool.follow_ups += 1;
                if let Some(i) = self.slot(contact.rep) {
                    self.reps[i].row.follow_ups += 1;
                }
            }
            Event::Reminded { rep, .. } => {
                self.pool.reminders += 1;
                if let Some(i) = self.slot(*rep) {
                    self.reps[i].row.reminders += 1;
                }
            }
            Event::Released { from, reason, .. } => {
                let Some(counts) = self.slot(*from).and_then(|i| self.reps.get_mut(i)) else {
                    return;
                };
                if reason.is_automatic() {
                    self.pool.releases += 1;
                    counts.row.released += 1;
                } else {
                    // The simulation releases by hand only what its rep lost.
                    self.pool.deals_lost += 1;
                    counts.row.outcomes.lost += 1;
                    counts.week.outcomes.lost += 1;
                }
            }
            _ => {}
        }
    }

    /// Counts an accepted custody change (`OwnerChanged` or `DealMarked`; other events are
    /// ignored) for the rep at `slot` in the team (`None`: not a member, nothing counted).
    #[inline(always)]
    pub(super) fn observe_custody(&mut self, event: &Event, slot: Option<usize>, ctx: &Context) {
        let Some(counts) = slot.and_then(|i| self.reps.get_mut(i)) else {
            return;
        };
        match event {
            Event::OwnerChanged { to, via, .. } => {
                match via {
                    Via::Assign { .. } => {
                        self.pool.assigned += 1;
                        counts.row.assigned += 1;
                        counts.by_source[ctx.source as usize] += 1;
                    }
                    Via::Claim { .. } => {
                        self.pool.claims += 1;
                        counts.row.claimed += 1;
                        if let Some(from) = ctx.released_from {
                            self.pool.reclaims += 1;
                            if from == *to {
                                self.pool.reclaims_by_former_owner += 1;
                            }
                        }
                    }
                    // Transfers, handovers and deals on public clients are not receipts by
                    // the policy; the simulation issues none of them.
                    _ => return,
                }
                counts.row.value += ctx.value;
                counts.week.received += 1;
                counts.week.value += ctx.value;
            }
            Event::DealMarked { .. } => {
                self.pool.deals_won += 1;
                let won = Outcomes {
                    won: 1,
                    lost: 0,
                    revenue: ctx.value,
                    days_to_close: ctx.held_days,
                };
                counts.row.outcomes.add(&won);
                counts.week.outcomes.add(&won);
            }
            _ => {}
        }
    }

    /// Counts a lead that nobody got.
    pub(super) fn unassigned(&mut self) {
        self.pool.unassigned += 1;
    }

    /// Counts a claim the pool refused.
    pub(super) fn claim_refused(&mut self) {
        self.pool.claims_refused += 1;
    }

    /// Counts an arrival.
    pub(super) fn arrival(&mut self) {
        self.pool.arrivals += 1;
    }

    /// Closes the last week and builds the report, reading holdings from the final state.
    pub(super) fn finish(mut self, state: &PoolState, header: Header) -> SimReport {
        self.close_week();
        let mut rows: Vec<RepRow> = Vec::with_capacity(self.reps.len());
        for RepCounts {
            mut row, by_source, ..
        } in std::mem::take(&mut self.reps)
        {
            for (kind, &count) in SourceKind::ALL.iter().zip(&by_source) {
                if count > 0 {
                    row.by_source.insert(*kind, count);
                }
            }
            row.holding = state
                .ledger_ref(row.rep)
                .map_or(0, |l| u64::from(l.holding()));
            rows.push(row);
        }
        self.pool.public_at_end = state.public_len() as u64;
        SimReport {
            policy: header.policy,
            seed: header.seed,
            start: header.start,
            zone: header.zone,
            days: header.days,
            overall: SimReport::fairness_of(&rows),
            reps: rows,
            pool: self.pool,
            weekly: self.weekly,
        }
    }
}

/// What a report says about the run itself.
pub(super) struct Header {
    pub policy: String,
    pub seed: Option<u64>,
    pub start: DateTime<Utc>,
    pub zone: TeamZone,
    pub days: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_kind_counts_in_its_place_among_all_kinds() {
        for (place, kind) in SourceKind::ALL.iter().enumerate() {
            assert_eq!(*kind as usize, place);
        }
    }
}

//! A [`TeamView`] over the pool state, so allocators see exactly what the pool would refuse.

use super::admission::{Route, admit};
use super::state::PoolState;
use crate::allocate::{PriorContact, TeamView};
use crate::ids::RepId;
use crate::model::{Client, DedupeKeys, Region};
use crate::reason::Refusal;
use chrono::{DateTime, NaiveDate, Utc};
use std::ops::Range;

/// The team's live state as the pool knows it at one instant.
#[derive(Clone, Copy, Debug)]
pub struct PoolView<'a> {
    state: &'a PoolState,
    now: DateTime<Utc>,
}

impl<'a> PoolView<'a> {
    /// A view of `state` at `now`.
    pub fn new(state: &'a PoolState, now: DateTime<Utc>) -> Self {
        Self { state, now }
    }
}

impl TeamView for PoolView<'_> {
    fn open_load(&self, rep: RepId) -> u32 {
        self.state.ledger_ref(rep).map_or(0, |l| l.open())
    }

    fn last_assigned_at(&self, rep: RepId) -> Option<DateTime<Utc>> {
        self.state
            .ledger_ref(rep)
            .and_then(|l| l.last_assigned_at())
    }

    fn received_in(&self, rep: RepId, days: Range<NaiveDate>) -> u32 {
        self.state
            .ledger_ref(rep)
            .map_or(0, |l| l.received_in(days))
    }

    /// The admission rules of a rule assignment: the answer `decide` gives an `Assign` by a
    /// rule, for the same state, client, rep and instant.
    fn pool_refusal(&self, rep: RepId, client: &Client) -> Option<Refusal> {
        admit(self.state, Route::RuleAssignment, rep, &[client], self.now).err()
    }

    fn prior_contact(&self, keys: &DedupeKeys) -> Option<PriorContact> {
        let mut best: Option<PriorContact> = None;
        let mut consider = |candidate: PriorContact| {
            if best
                .as_ref()
                .is_none_or(|b| (candidate.since, candidate.rep) < (b.since, b.rep))
            {
                best = Some(candidate);
            }
        };
        for key in keys.iter() {
            for id in self.state.find_by_key(&key) {
                let Some(known) = self.state.client(id) else {
                    continue;
                };
                let contacts = known.contacts();
                if let Some(owner) = known.owner() {
                    let first = contacts.iter().filter(|c| c.rep == owner);
                    let since = first
                        .clone()
                        .map(|c| c.at)
                        .chain(known.custody().owned_since)
                        .min()
                        .unwrap_or(known.created_at());
                    consider(PriorContact {
                        rep: owner,
                        client: id,
                        level: first.map(|c| c.level).max(),
                        since,
                    });
                } else if let Some(first) = contacts.iter().min_by_key(|c| c.at) {
                    let level = contacts
                        .iter()
                        .filter(|c| c.rep == first.rep)
                        .max_by_key(|c| c.at)
                        .map(|c| c.level);
                    consider(PriorContact {
                        rep: first.rep,
                        client: id,
                        level,
                        since: first.at,
                    });
                }
            }
        }
        best
    }

    fn held_in_region(&self, rep: RepId, region: &Region) -> u32 {
        self.state
            .ledger_ref(rep)
            .map_or(0, |l| l.held_in_region(region))
    }
}

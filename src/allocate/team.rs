//! [`Team`]: the reps a strategy chooses among, in id order, with the lookups every strategy
//! and the pool need (a rep by id, its dense position).

use crate::config::{ConfigError, ConfigRule};
use crate::ids::RepId;
use crate::model::Rep;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// The reps of a team, in id order, with the lookups strategies need. Serialised as the list
/// of reps; a list naming one id twice is refused.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(into = "Vec<Rep>")]
pub struct Team {
    reps: Vec<Rep>,
    /// The largest capacity override of any rep (derived from `reps`).
    #[serde(skip)]
    max_cap_override: Option<u32>,
    /// Each rep's position, indexed by rep id, for ids below a bound of a few slots per rep
    /// ([`NO_SLOT`] where no rep has the id); larger ids are found by a binary search. Rep
    /// ids are usually small sequence numbers, so a lookup is one read (derived from `reps`).
    #[serde(skip)]
    slots: Vec<u32>,
}

/// An id below the bound that no rep has.
const NO_SLOT: u32 = u32::MAX;

impl Team {
    /// A team from its reps (sorted by id; a later duplicate id replaces an earlier one; use
    /// [`Team::try_new`] to refuse duplicates instead).
    pub fn new(reps: impl IntoIterator<Item = Rep>) -> Self {
        let mut by_id: BTreeMap<RepId, Rep> = BTreeMap::new();
        for rep in reps {
            by_id.insert(rep.id, rep);
        }
        Self::sorted(by_id.into_values().collect())
    }

    /// A team of reps already sorted by id, each once.
    fn sorted(reps: Vec<Rep>) -> Self {
        let max_cap_override = reps.iter().filter_map(|r| r.cap_override).max();
        let bound = reps.len().saturating_mul(4).saturating_add(64);
        let below = |r: &&Rep| usize::try_from(r.id.0).is_ok_and(|i| i < bound);
        let len = reps
            .iter()
            .filter(below)
            .map(|r| r.id.0 as usize + 1)
            .max()
            .unwrap_or(0);
        let mut slots = vec![NO_SLOT; len];
        for (position, rep) in reps.iter().enumerate() {
            if below(&rep) {
                slots[rep.id.0 as usize] = u32::try_from(position).unwrap_or(NO_SLOT);
            }
        }
        Self {
            reps,
            max_cap_override,
            slots,
        }
    }

    /// The largest capacity override of any rep.
    pub(crate) fn max_cap_override(&self) -> Option<u32> {
        self.max_cap_override
    }

    /// A team from its reps, refusing an id given twice.
    pub fn try_new(reps: impl IntoIterator<Item = Rep>) -> Result<Self, ConfigError> {
        let mut by_id: BTreeMap<RepId, Rep> = BTreeMap::new();
        for (i, rep) in reps.into_iter().enumerate() {
            let id = rep.id;
            if by_id.insert(id, rep).is_some() {
                return Err(ConfigError::new(
                    format!("[{i}].id"),
                    ConfigRule::DuplicateRep { rep: id },
                ));
            }
        }
        Ok(Self::sorted(by_id.into_values().collect()))
    }

    /// The reps, in id order.
    pub fn reps(&self) -> &[Rep] {
        &self.reps
    }

    /// The rep with this id.
    #[inline]
    pub fn get(&self, id: RepId) -> Option<&Rep> {
        self.position(id).and_then(|i| self.reps.get(i))
    }

    /// The position of the rep in id order (a dense index for per-rep arrays).
    #[inline]
    pub fn position(&self, id: RepId) -> Option<usize> {
        match usize::try_from(id.0).ok().and_then(|i| self.slots.get(i)) {
            Some(&NO_SLOT) => None,
            Some(&slot) => Some(slot as usize),
            None => self.reps.binary_search_by_key(&id, |r| r.id).ok(),
        }
    }

    /// How many reps.
    pub fn len(&self) -> usize {
        self.reps.len()
    }

    /// True when the team has no rep.
    pub fn is_empty(&self) -> bool {
        self.reps.is_empty()
    }
}

impl<'de> Deserialize<'de> for Team {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Team::try_new(Vec::<Rep>::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

impl From<Team> for Vec<Rep> {
    fn from(team: Team) -> Self {
        team.reps
    }
}

//! Per-call state of stateful strategies (rotations, cached rankings) and the updates a
//! decision asks the caller to apply. Nothing changes until [`AllocState::apply`].

use super::{Decision, Rotation, Standings};
use crate::ids::RepId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Per-call state of stateful strategies, serialisable so a restart continues where it was.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocState {
    /// Rotation cursors by strategy key (e.g. "round_robin" or "territory:CN/Guangdong").
    #[serde(default)]
    pub cursors: BTreeMap<String, Cursor>,
    /// Weighted rotations (round-robin, territory inner rotations) by strategy key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rotations: BTreeMap<String, Rotation>,
    /// Cached rankings by strategy key, each stamped with the period it ranks.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub standings: BTreeMap<String, Standings>,
}

impl AllocState {
    /// No state yet.
    pub const fn new() -> Self {
        Self {
            cursors: BTreeMap::new(),
            rotations: BTreeMap::new(),
            standings: BTreeMap::new(),
        }
    }

    /// Applies the updates a decision carries. Until this is called the decision was a dry run.
    pub fn apply(&mut self, decision: &Decision) {
        for update in &decision.updates {
            self.apply_update(update);
        }
    }

    /// Applies one update.
    pub fn apply_update(&mut self, update: &StateUpdate) {
        match update {
            StateUpdate::Cursor { key, cursor } => {
                self.cursors.insert(key.clone(), cursor.clone());
            }
            StateUpdate::Rotation { key, rotation } => {
                self.rotations.insert(key.clone(), rotation.clone());
            }
            StateUpdate::Served { key, rep } => {
                if let Some(rotation) = self.rotations.get_mut(key) {
                    rotation.serve(*rep);
                }
            }
            StateUpdate::Calibrate { key, rep } => {
                if let Some(rotation) = self.rotations.get_mut(key) {
                    rotation.calibrate(*rep);
                }
            }
            StateUpdate::Standings { key, standings } => {
                self.standings.insert(key.clone(), standings.clone());
            }
        }
    }

    /// Forgets every cached ranking, so the next ranked decision recomputes it (call after
    /// recording metrics when a current-period ranking must see them before the next day).
    pub fn invalidate_standings(&mut self) {
        self.standings.clear();
    }
}

/// A weighted round-robin cursor: each rep's running credit (smooth weighted round-robin) and
/// the last rep served, so adding or removing a rep neither resets nor skips anyone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The rep served last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<RepId>,
    /// Running credit per rep.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub credit: BTreeMap<RepId, i64>,
}

/// A change to [`AllocState`] that a decision asks the caller to apply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "update", rename_all = "snake_case")]
pub enum StateUpdate {
    /// Replace the cursor under `key`.
    Cursor {
        /// The strategy key.
        key: String,
        /// The new cursor.
        cursor: Cursor,
    },
    /// Replace the rotation under `key` (first use, or a re-base after the membership changed).
    Rotation {
        /// The strategy key.
        key: String,
        /// The new rotation.
        rotation: Rotation,
    },
    /// The rotation under `key` served `rep` one turn (O(log n) to apply).
    Served {
        /// The strategy key.
        key: String,
        /// The rep served.
        rep: RepId,
    },
    /// Reset `rep`'s place in the rotation under `key` to the team's current level (a rep
    /// skipped while unavailable returns without a catch-up flood).
    Calibrate {
        /// The strategy key.
        key: String,
        /// The rep.
        rep: RepId,
    },
    /// Cache the ranking under `key` for its period.
    Standings {
        /// The strategy key.
        key: String,
        /// The ranking.
        standings: Standings,
    },
}

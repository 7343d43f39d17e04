//! Per-call state of stateful strategies (rotations, cached rankings) and the updates a
//! decision asks the caller to apply. Nothing changes until [`AllocState::apply`].

use super::{Decision, Rotation, Standings};
use crate::ids::RepId;
use crate::label::Label;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Per-call state of stateful strategies, serialisable so a restart continues where it was.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocState {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    rotations: BTreeMap<Label, Rotation>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    standings: BTreeMap<Label, Standings>,
}

impl AllocState {
    /// No state yet.
    pub const fn new() -> Self {
        Self {
            rotations: BTreeMap::new(),
            standings: BTreeMap::new(),
        }
    }

    /// The weighted rotation (round-robin, a territory's inner rotation) under `key`.
    pub fn rotation(&self, key: &str) -> Option<&Rotation> {
        self.rotations.get(key)
    }

    /// The cached ranking under `key`.
    pub fn standings(&self, key: &str) -> Option<&Standings> {
        self.standings.get(key)
    }

    /// Applies the updates a decision carries. Until this is called the decision was a dry run.
    pub fn apply(&mut self, decision: &Decision) {
        for update in decision.updates.iter() {
            self.apply_update(update);
        }
    }

    /// Applies one update.
    pub fn apply_update(&mut self, update: &StateUpdate) {
        match update {
            StateUpdate::Rotation { key, rotation } => {
                self.rotations
                    .insert(key.clone(), Rotation::clone(rotation));
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
                self.standings
                    .insert(key.clone(), Standings::clone(standings));
            }
        }
    }

    /// Forgets every cached ranking, so the next ranked decision recomputes it (call after
    /// recording metrics when a current-period ranking must see them before the next day).
    pub fn invalidate_standings(&mut self) {
        self.standings.clear();
    }
}

/// A change to [`AllocState`] that a decision asks the caller to apply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "update", rename_all = "snake_case")]
#[non_exhaustive]
pub enum StateUpdate {
    /// Replace the rotation under `key` (first use, or a re-base after the membership changed).
    Rotation {
        /// The strategy key.
        key: Label,
        /// The new rotation.
        rotation: Box<Rotation>,
    },
    /// The rotation under `key` served `rep` one turn (O(log n) to apply).
    Served {
        /// The strategy key.
        key: Label,
        /// The rep served.
        rep: RepId,
    },
    /// Reset `rep`'s place in the rotation under `key` to the team's current level (a rep
    /// skipped while unavailable returns without a catch-up flood).
    Calibrate {
        /// The strategy key.
        key: Label,
        /// The rep.
        rep: RepId,
    },
    /// Cache the ranking under `key` for its period.
    Standings {
        /// The strategy key.
        key: Label,
        /// The ranking.
        standings: Box<Standings>,
    },
}

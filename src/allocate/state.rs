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

    /// The weighted rotation (round-robin, a territory's inner rotation) under `key` (a
    /// strategy's own label: the stored key is normally a clone of it, found without reading
    /// the text).
    pub(crate) fn rotation(&self, key: &Label) -> Option<&Rotation> {
        self.rotations.get(key)
    }

    /// The cached ranking under `key`.
    pub(crate) fn standings(&self, key: &str) -> Option<&Standings> {
        self.standings.get(key)
    }

    /// Applies the updates a decision carries. Until this is called the decision was a dry run.
    pub fn apply(&mut self, decision: &Decision) {
        // Most strategies ask for no update: nothing to walk.
        if decision.updates.is_empty() {
            return;
        }
        for update in decision.updates.iter() {
            self.apply_update(update);
        }
    }

    /// Applies one update.
    pub fn apply_update(&mut self, update: &StateUpdate) {
        match &update.0 {
            Update::Rotation { key, rotation } => {
                self.rotations
                    .insert(key.clone(), Rotation::clone(rotation));
            }
            Update::Served { key, rep } => {
                if let Some(rotation) = self.rotations.get_mut(key) {
                    rotation.serve(*rep);
                }
            }
            Update::Calibrate { key, rep } => {
                if let Some(rotation) = self.rotations.get_mut(key) {
                    rotation.calibrate(*rep);
                }
            }
            Update::Standings { key, standings } => {
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

/// A change to [`AllocState`] that a decision asks the caller to apply with
/// [`AllocState::apply`]. Opaque: what it changes is the strategy's business; it serialises as an
/// object tagged `"update"` (`rotation`, `served`, `calibrate`, `standings`) with the strategy's
/// `key`, so it can be stored with the decision and applied later.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StateUpdate(Update);

impl StateUpdate {
    /// The key of the strategy state it changes (`round_robin`, `territory:<path>`, …).
    pub fn key(&self) -> &str {
        match &self.0 {
            Update::Rotation { key, .. }
            | Update::Served { key, .. }
            | Update::Calibrate { key, .. }
            | Update::Standings { key, .. } => key.as_str(),
        }
    }

    pub(crate) fn rotation(key: Label, rotation: Rotation) -> Self {
        Self(Update::Rotation {
            key,
            rotation: Box::new(rotation),
        })
    }

    pub(crate) fn served(key: Label, rep: RepId) -> Self {
        Self(Update::Served { key, rep })
    }

    pub(crate) fn calibrate(key: Label, rep: RepId) -> Self {
        Self(Update::Calibrate { key, rep })
    }

    /// Makes this update [`StateUpdate::served`] (`calibrate` false) or
    /// [`StateUpdate::calibrate`] (true) of `rep` under a clone of `key` in place, when it
    /// already is one of that kind under a clone of `key`: true then, false (unchanged)
    /// otherwise. A reused decision's update changes so, without a clone or a drop.
    #[inline]
    pub(crate) fn rewrite_turn(&mut self, calibrate: bool, key: &Label, rep: RepId) -> bool {
        match &mut self.0 {
            Update::Served { key: k, rep: r } if !calibrate && k.is(key) => *r = rep,
            Update::Calibrate { key: k, rep: r } if calibrate && k.is(key) => *r = rep,
            _ => return false,
        }
        true
    }

    pub(crate) fn standings(key: Label, standings: Standings) -> Self {
        Self(Update::Standings {
            key,
            standings: Box::new(standings),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "update", rename_all = "snake_case")]
enum Update {
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

//! Per-call state of stateful strategies (rotations, cached rankings) and the updates a
//! decision asks the caller to apply. Nothing changes until [`AllocState::apply`].

use super::{Decision, Rotation, Standings};
use crate::ids::RepId;
use crate::label::Label;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// Per-call state of stateful strategies, serialisable so a restart continues where it was.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocState {
    #[serde(default, skip_serializing_if = "Rotations::is_empty")]
    rotations: Rotations,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    standings: BTreeMap<Label, Standings>,
}

impl AllocState {
    /// No state yet.
    pub const fn new() -> Self {
        Self {
            rotations: Rotations::new(),
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
        // Most strategies ask for no update, a rotation for one: walked by place, each found
        // where it is kept (no iterator over the inline slots and the spill to set up).
        let updates = &decision.updates;
        for at in 0..updates.len() {
            if let Some(update) = updates.get(at) {
                self.apply_update(update);
            }
        }
    }

    /// Applies one update.
    #[inline]
    pub fn apply_update(&mut self, update: &StateUpdate) {
        // A rotation's turn, the usual update, is inline; the others are not.
        if let Update::Served { key, rep } = &update.0 {
            self.serve(key, *rep);
            return;
        }
        self.apply_other(update);
    }

    /// Gives `rep` a turn in the rotation under `key` (if there is one).
    #[inline(always)]
    fn serve(&mut self, key: &Label, rep: RepId) {
        if let Some(rotation) = self.rotations.get_mut(key) {
            rotation.serve(rep);
        }
    }

    /// [`AllocState::apply_update`] of an update other than a turn.
    #[inline(never)]
    fn apply_other(&mut self, update: &StateUpdate) {
        match &update.0 {
            Update::Rotation { key, rotation } => {
                self.rotations
                    .insert(key.clone(), Rotation::clone(rotation));
            }
            Update::Served { key, rep } => self.serve(key, *rep),
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

/// How many leading entries of [`Rotations`] are compared by pointer before the text is
/// searched.
const SCAN: usize = 4;

/// Rotations by key, in key order, each key once: a vector sorted by key text. A strategy asks
/// with its own key, and the stored key is normally a clone of it: the first few entries are
/// checked by pointer ([`Label::is`]) before the text is searched, so the usual lookup (one or
/// a few rotations) reads no text, where a `BTreeMap` walked its node every time. Serialised,
/// printed and compared as the map it stands for.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct Rotations(Vec<(Label, Rotation)>);

impl Rotations {
    /// None yet.
    pub(crate) const fn new() -> Self {
        Self(Vec::new())
    }

    /// True when none is kept.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The position of `key`, or where it would go.
    #[inline(always)]
    fn position(&self, key: &Label) -> Result<usize, usize> {
        let entries = &self.0[..self.0.len().min(SCAN)];
        if let Some(at) = entries.iter().position(|(k, _)| k.is(key)) {
            return Ok(at);
        }
        self.search(key)
    }

    /// [`Rotations::position`] by the text (a key that is not a clone of the stored one, as
    /// after a restart, or past the first entries).
    #[inline(never)]
    fn search(&self, key: &Label) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.cmp(key))
    }

    /// The rotation under `key`.
    #[inline]
    pub(crate) fn get(&self, key: &Label) -> Option<&Rotation> {
        let at = self.position(key).ok()?;
        Some(&self.0[at].1)
    }

    /// The rotation under `key`, to change. A stored key equal to `key` by text but not a
    /// clone of it is replaced by `key`, so the next lookups find it by pointer.
    #[inline]
    pub(crate) fn get_mut(&mut self, key: &Label) -> Option<&mut Rotation> {
        let at = self.position(key).ok()?;
        let (stored, rotation) = &mut self.0[at];
        if !stored.is(key) {
            *stored = key.clone();
        }
        Some(rotation)
    }

    /// Keeps `rotation` under `key`, replacing the one there.
    pub(crate) fn insert(&mut self, key: Label, rotation: Rotation) {
        match self.position(&key) {
            Ok(at) => self.0[at] = (key, rotation),
            Err(at) => self.0.insert(at, (key, rotation)),
        }
    }
}

impl fmt::Debug for Rotations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

impl Serialize for Rotations {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl<'de> Deserialize<'de> for Rotations {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // As a map: a key given twice keeps its last rotation, in key order.
        let map = BTreeMap::<Label, Rotation>::deserialize(deserializer)?;
        Ok(Self(map.into_iter().collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rotation(n: u64) -> Rotation {
        Rotation::new(&[(RepId(n), 1), (RepId(n + 1), 2)])
    }

    proptest! {
        /// Inserting, reading and changing under keys asked by a clone of a stored key or by a
        /// fresh label of the same text, the rotations hold what a `BTreeMap` holds, serialise
        /// and print as it does, and keep their keys sorted.
        #[test]
        fn rotations_agree_with_a_btree_map(
            ops in proptest::collection::vec((0u8..4, 0usize..12, any::<bool>()), 0..200),
        ) {
            let texts: Vec<Label> = (0..12).map(|i| Label::from(format!("k{}", (i * 7) % 12))).collect();
            let mut kept = Rotations::new();
            let mut model: BTreeMap<Label, Rotation> = BTreeMap::new();
            for (op, k, fresh) in ops {
                let key = if fresh { Label::new(texts[k].as_str()) } else { texts[k].clone() };
                match op {
                    0 => {
                        kept.insert(key.clone(), rotation(k as u64));
                        model.insert(key, rotation(k as u64));
                    }
                    1 => prop_assert_eq!(kept.get(&key), model.get(&key)),
                    _ => {
                        let next = kept.get(&key).and_then(|r| r.order().next());
                        if let Some(r) = kept.get_mut(&key) {
                            r.serve(next.unwrap_or(RepId(0)));
                        }
                        if let Some(r) = model.get_mut(&key) {
                            r.serve(next.unwrap_or(RepId(0)));
                        }
                    }
                }
                prop_assert!(kept.0.windows(2).all(|w| w[0].0 < w[1].0));
                prop_assert_eq!(kept.is_empty(), model.is_empty());
                let listed: Vec<_> = model.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                prop_assert_eq!(&kept.0, &listed);
                prop_assert_eq!(format!("{kept:?}"), format!("{model:?}"));
                let json = serde_json::to_string(&kept).unwrap();
                prop_assert_eq!(&json, &serde_json::to_string(&model).unwrap());
                let back: Rotations = serde_json::from_str(&json).unwrap();
                prop_assert_eq!(&back, &kept);
            }
        }
    }

    /// A key asked by text (not a clone, as after a restart) is found and adopted, so later
    /// lookups find it by pointer; a key past the scanned entries is found by its text.
    #[test]
    fn a_key_asked_by_text_is_found_and_adopted() {
        let mut kept = Rotations::new();
        let keys: Vec<Label> = (0..SCAN + 3)
            .map(|i| Label::from(format!("k{i:02}")))
            .collect();
        for (n, key) in keys.iter().enumerate() {
            kept.insert(key.clone(), rotation(n as u64));
        }
        let last = keys.last().unwrap();
        assert_eq!(kept.get(last), Some(&rotation(keys.len() as u64 - 1)));
        let asked = Label::new("k01");
        assert!(!kept.0[1].0.is(&asked));
        assert!(kept.get_mut(&asked).is_some());
        assert!(kept.0[1].0.is(&asked));
        assert_eq!(kept.get(&Label::new("k99")), None);
        assert_eq!(kept.get(&Label::new("")), None);
    }
}

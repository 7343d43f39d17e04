//! [`ById`]: sets of clients kept per rep or per pool, found by the id itself.
//!
//! The owner index is read and written on every change of hands, under the rep's id. Rep and
//! pool ids come from a CRM's sequences, so they are usually small and dense: an id below a
//! bound that grows with the number of keys (four places per key, at least 64) is a place in a
//! vector, read without hashing; any other id is hashed. A partial state holding one rep of
//! a large numbering therefore allocates no long vector.

use crate::hash::IdMap;

/// The smallest bound of the vector part.
const FLOOR: usize = 64;

/// Places of the vector part allowed per key.
const PER_KEY: usize = 4;

/// Values by `u64` id: in a vector indexed by the id for ids below the bound when they were
/// first entered, hashed otherwise. Looked up by key only; [`ById::values`] lists every value
/// in no particular order.
#[derive(Clone, Debug)]
pub(crate) struct ById<V> {
    dense: Vec<Option<V>>,
    sparse: IdMap<u64, V>,
    /// How many keys are held (both parts).
    keys: usize,
}

impl<V> Default for ById<V> {
    fn default() -> Self {
        Self {
            dense: Vec::new(),
            sparse: IdMap::default(),
            keys: 0,
        }
    }
}

impl<V: Default> ById<V> {
    /// The value of `id`, if one was entered.
    #[inline]
    pub(crate) fn get(&self, id: u64) -> Option<&V> {
        match usize::try_from(id).ok().and_then(|i| self.dense.get(i)) {
            Some(Some(value)) => Some(value),
            _ if self.sparse.is_empty() => None,
            _ => self.sparse.get(&id),
        }
    }

    /// The value of `id`, mutable, if one was entered.
    #[inline]
    pub(crate) fn get_mut(&mut self, id: u64) -> Option<&mut V> {
        if let Some(Some(value)) = usize::try_from(id).ok().and_then(|i| self.dense.get_mut(i)) {
            return Some(value);
        }
        if self.sparse.is_empty() {
            return None;
        }
        self.sparse.get_mut(&id)
    }

    /// The value of `id`, entered empty first if there was none.
    #[inline]
    pub(crate) fn entry(&mut self, id: u64) -> &mut V {
        let index = usize::try_from(id).ok();
        // (No `let` chains: the library builds on Rust 1.85.)
        if let Some(i) = index {
            if i < self.dense.len() && self.dense[i].is_some() {
                return self.dense[i].get_or_insert_with(V::default);
            }
        }
        if self.sparse.contains_key(&id) {
            return self.sparse.entry(id).or_default();
        }
        // A new key: in the vector if its id is below the bound, else hashed.
        self.keys += 1;
        let bound = self.keys.saturating_mul(PER_KEY).max(FLOOR);
        match index {
            Some(i) if i < bound => {
                if i >= self.dense.len() {
                    let grown = i.saturating_add(1).next_power_of_two().min(bound);
                    self.dense.resize_with(grown, || None);
                }
                self.dense[i].get_or_insert_with(V::default)
            }
            _ => self.sparse.entry(id).or_default(),
        }
    }

    /// Every value, in no particular order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &V> + '_ {
        self.dense.iter().flatten().chain(self.sparse.values())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        /// Entered, read and changed in any order, small ids and large, the map answers like an
        /// ordered map; the vector part never outgrows its bound.
        #[test]
        fn it_answers_like_an_ordered_map(
            ops in proptest::collection::vec(
                (prop_oneof![0u64..300, 60u64..70, any::<u64>()], any::<bool>()),
                0..200,
            ),
        ) {
            let mut map: ById<Vec<u64>> = ById::default();
            let mut model: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
            for (k, (id, add)) in ops.iter().enumerate() {
                if *add {
                    map.entry(*id).push(k as u64);
                    model.entry(*id).or_default().push(k as u64);
                } else if let Some(values) = map.get_mut(*id) {
                    values.pop();
                    model.get_mut(id).map(Vec::pop);
                } else {
                    prop_assert!(!model.contains_key(id));
                }
                prop_assert!(map.dense.len() <= (map.keys * PER_KEY).max(FLOOR));
            }
            for (id, values) in &model {
                prop_assert_eq!(map.get(*id), Some(values));
            }
            for id in (0..300).chain(ops.iter().map(|(id, _)| id.wrapping_add(1))) {
                prop_assert_eq!(map.get(id), model.get(&id));
            }
            let mut listed: Vec<&Vec<u64>> = map.values().collect();
            let mut expected: Vec<&Vec<u64>> = model.values().collect();
            listed.sort();
            expected.sort();
            prop_assert_eq!(listed, expected);
            prop_assert_eq!(map.keys, model.len());
        }
    }

    #[test]
    fn one_key_of_a_large_numbering_is_hashed() {
        let mut map: ById<u32> = ById::default();
        *map.entry(3_000) += 1;
        assert!(map.dense.is_empty());
        assert_eq!(map.get(3_000), Some(&1));
        *map.entry(3) += 1;
        assert_eq!(map.dense.len(), 4);
        assert_eq!(map.get(3), Some(&1));
        assert_eq!(map.get(2), None);
    }
}

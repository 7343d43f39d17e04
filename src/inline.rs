//! A short list kept inline: the first `N` items live in the value itself, so building a
//! decision or an explanation allocates nothing in the common case; past `N` it spills to the
//! heap (nothing is lost).

use serde::de::{SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// A list whose first `N` items are stored inline.
///
/// `len` counts every item, inline or spilled, so the usual questions (how many, is there an
/// item at this place) read one field; the items past `N` are spilled to a vector that keeps
/// its buffer when the list is cleared. Invariants: the first `min(len, N)` slots hold items
/// and the others none; the spill holds exactly `len - N` items (none when `len <= N`).
#[derive(Clone)]
pub(crate) struct InlineVec<T, const N: usize> {
    inline: [Option<T>; N],
    len: usize,
    spill: Vec<T>,
}

impl<T, const N: usize> Default for InlineVec<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T, const N: usize> InlineVec<T, N> {
    /// An empty list (allocates nothing).
    pub(crate) fn new() -> Self {
        Self {
            inline: std::array::from_fn(|_| None),
            len: 0,
            spill: Vec::new(),
        }
    }

    /// How many of the items are inline.
    #[inline(always)]
    fn inline_len(&self) -> usize {
        self.len.min(N)
    }

    /// The spilled items (past the first `N`).
    #[inline(always)]
    fn spilled(&self) -> &[T] {
        &self.spill
    }

    /// Appends `item`, spilling to the heap once the inline slots are full.
    #[inline(always)]
    pub(crate) fn push(&mut self, item: T) {
        if self.len < N {
            self.inline[self.len] = Some(item);
            self.len += 1;
        } else {
            self.push_spilled(item);
        }
    }

    /// [`InlineVec::push`] past the inline slots.
    #[inline(never)]
    fn push_spilled(&mut self, item: T) {
        self.spill.push(item);
        self.len += 1;
    }

    /// How many items are listed.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// True when nothing is listed.
    #[inline(always)]
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The items, in order.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        self.inline[..self.inline_len()]
            .iter()
            .filter_map(Option::as_ref)
            .chain(self.spilled().iter())
    }

    /// The first item.
    #[cfg(test)]
    pub(crate) fn first(&self) -> Option<&T> {
        self.iter().next()
    }

    /// The last item.
    pub(crate) fn last(&self) -> Option<&T> {
        self.iter().next_back()
    }

    /// Removes every item (keeping the spill buffer and its capacity): only the slots in use
    /// are touched.
    #[inline]
    pub(crate) fn clear(&mut self) {
        let inline = self.inline_len();
        for slot in &mut self.inline[..inline] {
            *slot = None;
        }
        if self.len > N {
            self.spill.clear();
        }
        self.len = 0;
    }

    /// The item at `index`.
    #[inline(always)]
    pub(crate) fn get(&self, index: usize) -> Option<&T> {
        if index >= self.len {
            return None;
        }
        if index < N {
            self.inline[index].as_ref()
        } else {
            self.spill.get(index - N)
        }
    }

    /// The item at `index`, to change in place.
    #[inline]
    pub(crate) fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        if index >= self.len {
            return None;
        }
        if index < N {
            self.inline[index].as_mut()
        } else {
            self.spill.get_mut(index - N)
        }
    }

    /// Keeps the first `len` items (all of them when there are fewer), dropping the rest.
    #[inline(always)]
    pub(crate) fn truncate(&mut self, len: usize) {
        if len < self.len {
            self.drop_from(len);
        }
    }

    /// [`InlineVec::truncate`] to fewer items than are listed.
    #[inline(never)]
    fn drop_from(&mut self, len: usize) {
        if len >= N {
            self.spill.truncate(len - N);
        } else {
            // Fewer than the inline slots: nothing stays spilled.
            self.spill.clear();
            let inline = self.inline_len();
            for slot in &mut self.inline[len..inline] {
                *slot = None;
            }
        }
        self.len = len;
    }

    /// Moves every item of `other` to the end of `self`.
    pub(crate) fn append(&mut self, other: &mut Self) {
        let inline = other.inline_len();
        for slot in &mut other.inline[..inline] {
            if let Some(item) = slot.take() {
                self.push(item);
            }
        }
        for item in other.spill.drain(..) {
            self.push(item);
        }
        other.len = 0;
    }
}

/// Writes a list again from its start, rewriting in place the items already there that only
/// need new figures (a reused decision's step and update usually differ from the last ones by a
/// rep and a count: nothing is dropped or cloned). When dropped it drops the items not
/// written, so the list holds exactly what was written.
pub(crate) struct Rewrite<'v, T, const N: usize> {
    list: &'v mut InlineVec<T, N>,
    written: usize,
}

impl<'v, T, const N: usize> Rewrite<'v, T, N> {
    /// Rewrites `list` from its first item.
    #[inline]
    pub(crate) fn new(list: &'v mut InlineVec<T, N>) -> Self {
        Self { list, written: 0 }
    }

    /// Writes the next item: the one already in its place when `rewrite` turns it into the
    /// item meant (returning true; returning false it must leave it unchanged), else `make()`.
    #[inline(always)]
    pub(crate) fn put(&mut self, rewrite: impl FnOnce(&mut T) -> bool, make: impl FnOnce() -> T) {
        match self.list.get_mut(self.written) {
            Some(old) => {
                if !rewrite(old) {
                    *old = make();
                }
            }
            None => self.list.push(make()),
        }
        self.written += 1;
    }
}

impl<T, const N: usize> Drop for Rewrite<'_, T, N> {
    #[inline(always)]
    fn drop(&mut self) {
        self.list.truncate(self.written);
    }
}

impl<T: PartialEq, const N: usize> PartialEq for InlineVec<T, N> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Eq, const N: usize> Eq for InlineVec<T, N> {}

impl<T: fmt::Debug, const N: usize> fmt::Debug for InlineVec<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T, const N: usize> FromIterator<T> for InlineVec<T, N> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut out = Self::new();
        for item in iter {
            out.push(item);
        }
        out
    }
}

impl<T, const N: usize> Extend<T> for InlineVec<T, N> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for item in iter {
            self.push(item);
        }
    }
}

impl<T: Serialize, const N: usize> Serialize for InlineVec<T, N> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for item in self.iter() {
            seq.serialize_element(item)?;
        }
        seq.end()
    }
}

impl<'de, T: Deserialize<'de>, const N: usize> Deserialize<'de> for InlineVec<T, N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Items<T, const N: usize>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>, const N: usize> Visitor<'de> for Items<T, N> {
            type Value = InlineVec<T, N>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = InlineVec::new();
                while let Some(item) = seq.next_element()? {
                    out.push(item);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_seq(Items(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::{InlineVec, Rewrite};
    use proptest::prelude::*;

    proptest! {
        /// Rewriting a list (keeping the items that `rewrite` accepts, replacing the others) holds
        /// exactly what was written, whatever the list held before, as clearing it and pushing
        /// does; truncating keeps the first items as a vector's `truncate` does.
        #[test]
        fn rewriting_gives_what_clearing_and_pushing_gives(
            before in proptest::collection::vec(0u32..6, 0..7),
            written in proptest::collection::vec(0u32..6, 0..7),
            keep in 0usize..8,
        ) {
            let mut list: InlineVec<u32, 2> = before.iter().copied().collect();
            {
                let mut rewrite = Rewrite::new(&mut list);
                for &item in &written {
                    // Accepts an old item only when it is the one meant (unchanged otherwise).
                    rewrite.put(|old| *old == item, || item);
                }
            }
            prop_assert_eq!(list.iter().copied().collect::<Vec<_>>(), written.clone());
            prop_assert_eq!(list.len(), written.len());
            list.truncate(keep);
            let mut plain = written.clone();
            plain.truncate(keep);
            prop_assert_eq!(list.iter().copied().collect::<Vec<_>>(), plain.clone());
            list.push(9);
            plain.push(9);
            prop_assert_eq!(list.iter().copied().collect::<Vec<_>>(), plain);
        }
    }

    proptest! {
        /// Every operation, in any order (spilling, clearing a spilled list and filling it
        /// again, truncating into and out of the spill, appending a spilled list, cloning
        /// midway), leaves the list holding what a vector holds: its items in order, its
        /// length, its last item, the item at each place, its JSON.
        #[test]
        fn a_list_holds_what_a_vector_holds(
            ops in proptest::collection::vec((0u8..7, 0usize..8, 0u32..100), 0..80),
        ) {
            let mut list: InlineVec<u32, 2> = InlineVec::new();
            let mut plain: Vec<u32> = Vec::new();
            for (op, n, item) in ops {
                match op {
                    0 | 1 => {
                        list.push(item);
                        plain.push(item);
                    }
                    2 => {
                        list.clear();
                        plain.clear();
                    }
                    3 => {
                        list.truncate(n);
                        plain.truncate(n);
                    }
                    4 => {
                        if let Some(at) = list.get_mut(n) {
                            *at = item;
                        }
                        if let Some(at) = plain.get_mut(n) {
                            *at = item;
                        }
                    }
                    5 => {
                        let mut other: InlineVec<u32, 2> = (0..n as u32).map(|k| k + item).collect();
                        list.append(&mut other);
                        plain.extend((0..n as u32).map(|k| k + item));
                        prop_assert!(other.is_empty());
                        prop_assert_eq!(other.iter().count(), 0);
                    }
                    _ => list = list.clone(),
                }
                prop_assert_eq!(list.iter().copied().collect::<Vec<_>>(), plain.clone());
                prop_assert_eq!(list.iter().rev().copied().collect::<Vec<_>>(), plain.iter().rev().copied().collect::<Vec<_>>());
                prop_assert_eq!(list.len(), plain.len());
                prop_assert_eq!(list.is_empty(), plain.is_empty());
                prop_assert_eq!(list.last(), plain.last());
                for at in 0..plain.len() + 2 {
                    prop_assert_eq!(list.get(at), plain.get(at));
                    prop_assert_eq!(list.get_mut(at).copied(), plain.get(at).copied());
                }
                let json = serde_json::to_string(&list).unwrap();
                prop_assert_eq!(&json, &serde_json::to_string(&plain).unwrap());
                let back: InlineVec<u32, 2> = serde_json::from_str(&json).unwrap();
                prop_assert!(back == list);
            }
        }
    }

    /// A list that never spills allocates nothing; one that spilled keeps its buffer when
    /// cleared or truncated into the inline slots, and spills into it again.
    #[test]
    fn the_spill_is_allocated_once_and_kept() {
        let mut v: InlineVec<u32, 2> = [1, 2].into_iter().collect();
        assert_eq!(v.spill.capacity(), 0);
        v.push(3);
        let buffer = v.spill.as_ptr();
        v.clear();
        assert!(v.is_empty() && v.spill.is_empty());
        v.extend([4, 5, 6, 7]);
        assert_eq!(v.spill.as_ptr(), buffer);
        v.truncate(1);
        assert_eq!(v.iter().copied().collect::<Vec<_>>(), [4]);
        assert!(v.spill.is_empty());
        v.truncate(3);
        assert_eq!(v.len(), 1);
        assert_eq!(v.get_mut(1), None);
    }

    #[test]
    fn rewriting_keeps_accepted_items_and_replaces_the_others() {
        let mut v: InlineVec<(u32, u32), 2> = [(1, 0), (2, 0), (3, 0)].into_iter().collect();
        {
            let mut rewrite = Rewrite::new(&mut v);
            // Same kind (first field): its count changes in place.
            rewrite.put(
                |old| {
                    old.0 == 1 && {
                        old.1 = 5;
                        true
                    }
                },
                || (1, 5),
            );
            rewrite.put(|old| old.0 == 7, || (7, 1));
        }
        assert_eq!(v.iter().copied().collect::<Vec<_>>(), [(1, 5), (7, 1)]);
        // Written past what it held: pushed, spilling as usual.
        {
            let mut rewrite = Rewrite::new(&mut v);
            for i in 0..4 {
                rewrite.put(|_| false, || (i, i));
            }
        }
        assert_eq!(v.len(), 4);
        assert_eq!(v.last(), Some(&(3, 3)));
        // Nothing written: emptied.
        drop(Rewrite::new(&mut v));
        assert!(v.is_empty());
    }

    #[test]
    fn items_past_the_inline_slots_spill_in_order() {
        let mut v: InlineVec<u32, 2> = InlineVec::new();
        for i in 0..5 {
            v.push(i);
        }
        assert_eq!(v.iter().copied().collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
        assert_eq!(v.len(), 5);
        assert_eq!((v.first(), v.last()), (Some(&0), Some(&4)));
    }

    #[test]
    fn clear_empties_inline_and_spilled_items() {
        let mut v: InlineVec<u32, 2> = (0..5).collect();
        v.clear();
        assert!(v.is_empty());
        v.push(7);
        assert_eq!(v.iter().copied().collect::<Vec<_>>(), [7]);
    }

    #[test]
    fn append_moves_everything_in_order() {
        let mut a: InlineVec<u32, 2> = [1].into_iter().collect();
        let mut b: InlineVec<u32, 2> = InlineVec::new();
        for i in 10..14 {
            b.push(i);
        }
        a.append(&mut b);
        assert_eq!(a.iter().copied().collect::<Vec<_>>(), [1, 10, 11, 12, 13]);
        assert!(b.is_empty());
    }

    #[test]
    fn serde_round_trips_as_a_plain_list() {
        let v: InlineVec<u32, 2> = [3, 1, 4].into_iter().collect();
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(json, "[3,1,4]");
        let back: InlineVec<u32, 2> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, v);
    }
}

//! A short list kept inline: the first `N` items live in the value itself, so building a
//! decision or an explanation allocates nothing in the common case; past `N` it spills to the
//! heap (nothing is lost).

use serde::de::{SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// A list whose first `N` items are stored inline.
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

    /// Appends `item`, spilling to the heap once the inline slots are full.
    pub(crate) fn push(&mut self, item: T) {
        if self.len < N {
            self.inline[self.len] = Some(item);
            self.len += 1;
        } else {
            self.spill.push(item);
        }
    }

    /// How many items are listed.
    pub(crate) fn len(&self) -> usize {
        self.len + self.spill.len()
    }

    /// True when nothing is listed.
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The items, in order.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        self.inline[..self.len]
            .iter()
            .filter_map(Option::as_ref)
            .chain(self.spill.iter())
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

    /// Removes every item (keeping the spill buffer's capacity): only the slots in use are
    /// touched.
    #[inline]
    pub(crate) fn clear(&mut self) {
        for slot in &mut self.inline[..self.len] {
            *slot = None;
        }
        self.len = 0;
        self.spill.clear();
    }

    /// The item at `index`, to change in place.
    pub(crate) fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        if index < self.len {
            self.inline[index].as_mut()
        } else {
            self.spill.get_mut(index - self.len)
        }
    }

    /// Keeps the first `len` items (all of them when there are fewer), dropping the rest.
    #[inline(always)]
    pub(crate) fn truncate(&mut self, len: usize) {
        if len < self.len() {
            self.drop_from(len);
        }
    }

    /// [`InlineVec::truncate`] to fewer items than are listed.
    #[inline(never)]
    fn drop_from(&mut self, len: usize) {
        if len >= self.len {
            self.spill.truncate(len - self.len);
            return;
        }
        // Fewer than the inline slots: nothing stays spilled.
        self.spill.clear();
        for slot in &mut self.inline[len..self.len] {
            *slot = None;
        }
        self.len = len;
    }

    /// Moves every item of `other` to the end of `self`.
    pub(crate) fn append(&mut self, other: &mut Self) {
        for slot in &mut other.inline[..other.len] {
            if let Some(item) = slot.take() {
                self.push(item);
            }
        }
        other.len = 0;
        for item in other.spill.drain(..) {
            if self.len < N {
                self.inline[self.len] = Some(item);
                self.len += 1;
            } else {
                self.spill.push(item);
            }
        }
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

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
    use super::InlineVec;

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

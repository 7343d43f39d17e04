//! The two ordered collections a rotation keeps its members in (`ready` by deadline, `waiting`
//! by eligible time), in one of two layouts chosen by team size:
//!
//! - **sorted**: a sorted double-ended queue. In a rotation the served member leaves the
//!   front and re-enters at (or near) the back, so a turn costs a couple of comparisons; an
//!   insertion elsewhere (a calibration, a weighted member) moves the members behind it.
//!   Cheapest for mid-size teams.
//! - **heap**: an indexed binary heap ([`Heap`]): O(log n) for any insertion or removal, for
//!   large teams where moving a few members would cost more than sifting.
//!
//! Both hold the same items and yield the same first item: the layout never decides a turn.

use super::heap::{Heap, Keyed};
use std::collections::VecDeque;

/// Rotations of at most this many members keep sorted queues; larger ones keep heaps.
/// Measured with the instruction-count program: the simulated day at 100 reps (equal weights,
/// so a served member re-enters at the back) fell from 13,266 to 12,687 instructions per lead
/// with sorted queues; round-robin over 1,000 reps of mixed weights measured about even (3,156
/// sorted against 3,091 with heaps). At 100,000 reps one calibration would move tens of
/// thousands of members, so heaps stay there.
pub(super) const SORTED_MAX: usize = 4_096;

/// How many items from the back an insertion compares before it searches.
const NEAR_BACK: usize = 4;

/// An ordered collection of rotation slots (see the module docs).
#[derive(Clone, Debug)]
pub(super) enum Queue<T> {
    Sorted(VecDeque<T>),
    Heap(Heap<T>),
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Self::Sorted(VecDeque::new())
    }
}

impl<T: Keyed> Queue<T> {
    /// An empty queue for `members` members, sorted or a heap.
    pub(super) fn with_members(members: usize, sorted: bool) -> Self {
        if sorted {
            Self::Sorted(VecDeque::with_capacity(members))
        } else {
            Self::Heap(Heap::with_members(members))
        }
    }

    /// The smallest item.
    #[inline]
    pub(super) fn peek(&self) -> Option<&T> {
        match self {
            Self::Sorted(items) => items.front(),
            Self::Heap(heap) => heap.peek(),
        }
    }

    /// Adds `item` (its member must not be here).
    pub(super) fn push(&mut self, item: T) {
        match self {
            Self::Sorted(items) => {
                // Served members re-enter at or near the back: look there first.
                let len = items.len();
                let near = (1..=len.min(NEAR_BACK)).find(|&k| items[len - k] < item);
                let at = match near {
                    Some(k) => len - k + 1,
                    None if len <= NEAR_BACK => 0,
                    None => items.partition_point(|x| *x < item),
                };
                items.insert(at, item);
            }
            Self::Heap(heap) => heap.push(item),
        }
    }

    /// Removes and returns the smallest item.
    pub(super) fn pop(&mut self) -> Option<T> {
        match self {
            Self::Sorted(items) => items.pop_front(),
            Self::Heap(heap) => heap.pop(),
        }
    }

    /// Removes `item` (equal to the one its member holds here), if it is here.
    pub(super) fn remove(&mut self, item: &T) -> Option<T> {
        match self {
            Self::Sorted(items) => {
                if items.front() == Some(item) {
                    return items.pop_front();
                }
                let at = items.binary_search(item).ok()?;
                items.remove(at)
            }
            Self::Heap(heap) => heap.remove(item.member()),
        }
    }

    /// Every item, sorted.
    pub(super) fn sorted(&self) -> Vec<T> {
        match self {
            Self::Sorted(items) => items.iter().copied().collect(),
            Self::Heap(heap) => {
                let mut items = heap.items().to_vec();
                items.sort_unstable();
                items
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
    struct Item {
        key: u32,
        member: usize,
    }

    impl Keyed for Item {
        fn member(&self) -> usize {
            self.member
        }
    }

    proptest! {
        /// Pushing, popping and removing in any order, both layouts hold what an ordered set
        /// holds and put its first item first.
        #[test]
        fn both_layouts_agree_with_an_ordered_set(
            sorted in proptest::bool::ANY,
            ops in proptest::collection::vec((0u8..3, 0usize..24, 0u32..50), 0..300),
        ) {
            let mut queue = Queue::with_members(8, sorted);
            let mut model: BTreeSet<Item> = BTreeSet::new();
            for (op, member, key) in ops {
                match op {
                    0 => {
                        if !model.iter().any(|i| i.member == member) {
                            queue.push(Item { key, member });
                            model.insert(Item { key, member });
                        }
                    }
                    1 => prop_assert_eq!(queue.pop(), model.pop_first()),
                    _ => {
                        let expected = model.iter().find(|i| i.member == member).copied();
                        let asked = expected.unwrap_or(Item { key, member });
                        if let Some(item) = expected {
                            model.remove(&item);
                        }
                        prop_assert_eq!(queue.remove(&asked), expected);
                    }
                }
                prop_assert_eq!(queue.peek().copied(), model.first().copied());
                prop_assert_eq!(queue.sorted(), model.iter().copied().collect::<Vec<_>>());
            }
        }
    }
}

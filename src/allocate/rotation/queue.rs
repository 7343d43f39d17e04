//! The two ordered collections a rotation keeps its members in (`ready` by deadline, `waiting`
//! by eligible time), in one of two layouts chosen by team size:
//!
//! - **sorted**: a sorted [`Run`], a vector whose popped front is skipped rather than moved.
//!   In a rotation the served member leaves the front and re-enters at (or near) the back, so
//!   a turn costs a couple of comparisons and no move; an insertion elsewhere (a calibration,
//!   a weighted member) moves the members behind it. Cheapest for mid-size teams.
//! - **heap**: an indexed binary heap ([`Heap`]): O(log n) for any insertion or removal, for
//!   large teams where moving a few members would cost more than sifting.
//!
//! Both hold the same items and yield the same first item: the layout never decides a turn.

use super::heap::{Heap, Keyed};

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
    Sorted(Run<T>),
    Heap(Heap<T>),
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Self::Sorted(Run::default())
    }
}

impl<T: Keyed> Queue<T> {
    /// An empty queue for `members` members, sorted or a heap.
    pub(super) fn with_members(members: usize, sorted: bool) -> Self {
        if sorted {
            Self::Sorted(Run::with_capacity(members))
        } else {
            Self::Heap(Heap::with_members(members))
        }
    }

    /// The smallest item.
    #[inline]
    pub(super) fn peek(&self) -> Option<&T> {
        match self {
            Self::Sorted(run) => run.live().first(),
            Self::Heap(heap) => heap.peek(),
        }
    }

    /// Adds `item` (its member must not be here).
    #[inline]
    pub(super) fn push(&mut self, item: T) {
        match self {
            Self::Sorted(run) => run.push_sorted(item),
            Self::Heap(heap) => heap.push(item),
        }
    }

    /// The greatest item, when the layout knows it without a search (sorted: the last one;
    /// `None` for a heap, or when empty).
    #[inline]
    pub(super) fn last(&self) -> Option<&T> {
        match self {
            Self::Sorted(run) => run.live().last(),
            Self::Heap(_) => None,
        }
    }

    /// Changes every item by `change`, which must keep their order and their members.
    pub(super) fn for_each_mut(&mut self, change: impl FnMut(&mut T)) {
        match self {
            Self::Sorted(run) => run.live_mut().iter_mut().for_each(change),
            Self::Heap(heap) => heap.items_mut().iter_mut().for_each(change),
        }
    }

    /// Removes every item.
    pub(super) fn clear(&mut self) {
        match self {
            Self::Sorted(run) => {
                run.items.clear();
                run.head = 0;
            }
            Self::Heap(heap) => heap.clear(),
        }
    }

    /// Removes and returns the smallest item.
    pub(super) fn pop(&mut self) -> Option<T> {
        match self {
            Self::Sorted(run) => run.pop_front(),
            Self::Heap(heap) => heap.pop(),
        }
    }

    /// Removes `item` (equal to the one its member holds here), if it is here.
    pub(super) fn remove(&mut self, item: &T) -> Option<T> {
        match self {
            Self::Sorted(run) => {
                // A member is here at most once: at the front (the usual turn), it is `item`.
                let front = run.live().first()?;
                if front.member() == item.member() {
                    return run.pop_front();
                }
                let at = run.live().binary_search(item).ok()?;
                Some(run.remove(at))
            }
            Self::Heap(heap) => heap.remove(item.member()),
        }
    }

    /// Every item, sorted.
    pub(super) fn sorted(&self) -> Vec<T> {
        match self {
            Self::Sorted(run) => run.live().to_vec(),
            Self::Heap(heap) => {
                let mut items = heap.items().to_vec();
                items.sort_unstable();
                items
            }
        }
    }
}

/// A vector whose first `head` items are spent: popping the front steps over an item instead
/// of moving the others, pushing at the back appends. The spent prefix is dropped (the live
/// items moved down) only when it is at least as long as the live part and the vector is full,
/// so every pop and push at the ends is O(1) amortised, and the live items are one slice.
#[derive(Clone, Debug)]
pub(super) struct Run<T> {
    items: Vec<T>,
    /// How many leading `items` are spent (popped).
    head: usize,
}

impl<T> Default for Run<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            head: 0,
        }
    }
}

impl<T: Copy> Run<T> {
    /// An empty run with room for `capacity` live items before it first grows.
    pub(super) fn with_capacity(capacity: usize) -> Self {
        Self {
            items: Vec::with_capacity(capacity),
            head: 0,
        }
    }

    /// The live items, in order.
    #[inline]
    pub(super) fn live(&self) -> &[T] {
        self.items.get(self.head..).unwrap_or_default()
    }

    /// The live items, to change in place.
    pub(super) fn live_mut(&mut self) -> &mut [T] {
        self.items.get_mut(self.head..).unwrap_or_default()
    }

    /// Removes and returns the first live item.
    #[inline]
    pub(super) fn pop_front(&mut self) -> Option<T> {
        let item = *self.items.get(self.head)?;
        self.head += 1;
        if self.head == self.items.len() {
            // Nothing live: start over at the front, for free.
            self.items.clear();
            self.head = 0;
        }
        Some(item)
    }

    /// Inserts `item` in order into live items that are sorted. Served members re-enter at the
    /// back (or near it): one comparison, then an append, all inline while the vector has room.
    #[inline]
    pub(super) fn push_sorted(&mut self, item: T)
    where
        T: Ord,
    {
        if self.items.len() < self.items.capacity()
            && self.live().last().is_none_or(|back| *back < item)
        {
            // With room left, `insert` at the back is a plain push (nothing to reclaim).
            self.items.push(item);
            return;
        }
        self.push_inside(item);
    }

    /// [`Run::push_sorted`] when the vector is full or `item` does not go at the back.
    #[inline(never)]
    fn push_inside(&mut self, item: T)
    where
        T: Ord,
    {
        let items = self.live();
        let len = items.len();
        if items.last().is_none_or(|back| *back < item) {
            self.insert(len, item);
            return;
        }
        // Near the back: look there first (the last item is known not to be smaller).
        let near = (2..=len.min(NEAR_BACK)).find(|&k| items[len - k] < item);
        let at = match near {
            Some(k) => len - k + 1,
            None if len <= NEAR_BACK => 0,
            None => items.partition_point(|x| *x < item),
        };
        self.insert(at, item);
    }

    /// Inserts `item` before the live item at `at` (at the back when `at` is the live length).
    #[inline]
    pub(super) fn insert(&mut self, at: usize, item: T) {
        if self.items.len() == self.items.capacity() && self.head * 2 >= self.items.len() {
            // Full, and at least half spent: reclaim the spent prefix instead of growing.
            self.items.drain(..self.head);
            self.head = 0;
        }
        let at = self.head + at;
        if at >= self.items.len() {
            self.items.push(item);
        } else {
            self.items.insert(at, item);
        }
    }

    /// Removes and returns the live item at `at` (which must be live).
    pub(super) fn remove(&mut self, at: usize) -> T {
        if at == 0 {
            if let Some(item) = self.pop_front() {
                return item;
            }
        }
        self.items.remove(self.head + at)
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
        /// Inserting anywhere, popping the front and removing anywhere, a run holds what a
        /// double-ended queue holds, whatever its starting room, and it never grows past four
        /// times the most it held live.
        #[test]
        fn a_run_agrees_with_a_double_ended_queue(
            capacity in 0usize..6,
            ops in proptest::collection::vec((0u8..4, 0usize..64, any::<u32>()), 0..400),
        ) {
            let mut run = Run::with_capacity(capacity);
            let mut model: std::collections::VecDeque<u32> = std::collections::VecDeque::new();
            let mut most = 0;
            for (op, at, value) in ops {
                match op {
                    0 | 1 => {
                        let at = at % (model.len() + 1);
                        run.insert(at, value);
                        model.insert(at, value);
                    }
                    2 => prop_assert_eq!(run.pop_front(), model.pop_front()),
                    _ if model.is_empty() => {}
                    _ => {
                        let at = at % model.len();
                        prop_assert_eq!(Some(run.remove(at)), model.remove(at));
                    }
                }
                prop_assert_eq!(run.live(), model.iter().copied().collect::<Vec<_>>());
                most = most.max(model.len());
                // It grows only while more than half of it is live.
                prop_assert!(run.items.capacity() <= (4 * most).max(capacity).max(4));
            }
        }

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

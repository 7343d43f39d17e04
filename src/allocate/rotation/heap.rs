//! An indexed binary min-heap of rotation slots: the first slot in O(1), push, pop and removal
//! of any member in O(log n), with no allocation once it has grown to the membership.

use std::cmp::Ordering;

/// No position: the member is not in this heap.
const ABSENT: u32 = u32::MAX;

/// A min-heap of `T` addressed by member index (`T::member`).
#[derive(Clone, Debug)]
pub(super) struct Heap<T> {
    items: Vec<T>,
    /// Position of each member's item in `items`, or [`ABSENT`].
    pos: Vec<u32>,
}

/// What the heap stores: ordered, and naming its member.
pub(super) trait Keyed: Ord + Copy {
    /// The member index this item belongs to.
    fn member(&self) -> usize;
}

impl<T> Default for Heap<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            pos: Vec::new(),
        }
    }
}

impl<T: Keyed> Heap<T> {
    /// An empty heap for `members` members.
    pub(super) fn with_members(members: usize) -> Self {
        Self {
            items: Vec::with_capacity(members),
            pos: vec![ABSENT; members],
        }
    }

    /// The smallest item.
    pub(super) fn peek(&self) -> Option<&T> {
        self.items.first()
    }

    /// Every item, in no particular order.
    pub(super) fn items(&self) -> &[T] {
        &self.items
    }

    /// Adds `item` (its member must not be in the heap).
    pub(super) fn push(&mut self, item: T) {
        let member = item.member();
        if member >= self.pos.len() {
            self.pos.resize(member + 1, ABSENT);
        }
        self.items.push(item);
        let at = self.items.len() - 1;
        self.set(at);
        self.up(at);
    }

    /// Removes every item (keeping the room it has).
    pub(super) fn clear(&mut self) {
        for item in &self.items {
            if let Some(p) = self.pos.get_mut(item.member()) {
                *p = ABSENT;
            }
        }
        self.items.clear();
    }

    /// The items in heap order, to change in place (keeping their order and members).
    pub(super) fn items_mut(&mut self) -> &mut [T] {
        &mut self.items
    }

    /// Removes and returns the smallest item.
    pub(super) fn pop(&mut self) -> Option<T> {
        self.take(0)
    }

    /// Removes the item of `member`, if it is here.
    pub(super) fn remove(&mut self, member: usize) -> Option<T> {
        let at = *self.pos.get(member)?;
        if at == ABSENT {
            return None;
        }
        self.take(at as usize)
    }

    fn take(&mut self, at: usize) -> Option<T> {
        let last = self.items.len().checked_sub(1)?;
        if at > last {
            return None;
        }
        self.items.swap(at, last);
        let item = self.items.pop()?;
        if let Some(p) = self.pos.get_mut(item.member()) {
            *p = ABSENT;
        }
        if at < self.items.len() {
            self.set(at);
            let at = self.up(at);
            self.down(at);
        }
        Some(item)
    }

    fn set(&mut self, at: usize) {
        let member = self.items[at].member();
        if let Some(p) = self.pos.get_mut(member) {
            *p = at as u32;
        }
    }

    fn up(&mut self, mut at: usize) -> usize {
        while at > 0 {
            let parent = (at - 1) / 2;
            if self.items[at].cmp(&self.items[parent]) != Ordering::Less {
                break;
            }
            self.items.swap(at, parent);
            self.set(at);
            self.set(parent);
            at = parent;
        }
        at
    }

    fn down(&mut self, mut at: usize) {
        loop {
            let left = 2 * at + 1;
            if left >= self.items.len() {
                return;
            }
            let right = left + 1;
            let child = if right < self.items.len() && self.items[right] < self.items[left] {
                right
            } else {
                left
            };
            if self.items[child] >= self.items[at] {
                return;
            }
            self.items.swap(at, child);
            self.set(at);
            self.set(child);
            at = child;
        }
    }
}

// Tested through `Queue::Heap` (`rotation/queue.rs`): the layout property test there checks
// push, pop and removal against an ordered set, for both layouts.

//! An ordered set of client ids for the owner and public-pool indexes: sorted runs of at most
//! [`RUN`] ids, each run above the one before it.
//!
//! The indexes take a client when it is imported or changes hands and give it up when it leaves,
//! and are read in id order (a claimant's oldest public clients, a rep's whole book). A B-tree
//! does this in logarithmic time but searches each node it passes from the left, so adding the
//! newest client (the usual case: ids come from a sequence) compares it with a full node's
//! keys at every level. Here a new id finds its run by a binary search of the runs' last ids and
//! its place by a binary search of the run, then moves at most a run's worth of ids; an id above
//! every other is appended without a search.

use crate::ids::ClientId;

/// The most ids in one run; a full run splits into two halves.
const RUN: usize = 256;

/// Client ids in ascending order; see the module docs.
#[derive(Clone, Debug, Default)]
pub(crate) struct IdSet {
    /// Non-empty sorted runs, each above the one before it.
    runs: Vec<Vec<ClientId>>,
    len: usize,
}

impl IdSet {
    /// How many ids.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The position of the run that holds `id` or would take it: the first run whose last id
    /// is at least `id`, or the last run when `id` is above every id.
    fn run_of(&self, id: ClientId) -> usize {
        // Most sets (a rep's book, a pool passing clients through) are one run.
        if self.runs.len() <= 1 {
            return 0;
        }
        let first_not_below = self
            .runs
            .partition_point(|run| run.last().is_some_and(|last| *last < id));
        first_not_below.min(self.runs.len().saturating_sub(1))
    }

    /// Adds `id`; false if it was there.
    #[inline]
    pub(crate) fn insert(&mut self, id: ClientId) -> bool {
        // The newest id goes at the end, without a search; so does any id when the set is
        // empty (its one run, emptied, is kept: a public pool passes clients through).
        // (No `let` chains: the library builds on Rust 1.85.)
        if let Some(last) = self.runs.last_mut() {
            if last.last().is_none_or(|l| *l < id) && last.len() < RUN {
                last.push(id);
                self.len += 1;
                return true;
            }
        }
        self.insert_inside(id)
    }

    /// [`IdSet::insert`] of an id below the last, or into a full or missing run (out of line:
    /// most ids are the newest).
    #[inline(never)]
    fn insert_inside(&mut self, id: ClientId) -> bool {
        if self.runs.is_empty() {
            let mut run = Vec::with_capacity(RUN);
            run.push(id);
            self.runs.push(run);
            self.len = 1;
            return true;
        }
        let r = self.run_of(id);
        let run = &mut self.runs[r];
        let Err(at) = run.binary_search(&id) else {
            return false;
        };
        if run.len() < RUN {
            run.insert(at, id);
        } else {
            // Split the full run in halves and put the id in the half it belongs to.
            let mut upper = Vec::with_capacity(RUN);
            upper.extend_from_slice(&run[RUN / 2..]);
            run.truncate(RUN / 2);
            if at <= RUN / 2 {
                run.insert(at, id);
            } else {
                upper.insert(at - RUN / 2, id);
            }
            self.runs.insert(r + 1, upper);
        }
        self.len += 1;
        true
    }

    /// Removes `id`; false if it was not there.
    #[inline]
    pub(crate) fn remove(&mut self, id: ClientId) -> bool {
        // The newest id goes without a search (a public pool that clients pass through, from
        // their import to their assignment, holds one or two); the general path would
        // find it in the last run and remove it from its end the same way.
        let runs = self.runs.len();
        let Some(last) = self.runs.last_mut() else {
            return false;
        };
        if last.last() == Some(&id) {
            last.pop();
            if last.is_empty() && runs > 1 {
                self.runs.pop();
            }
            self.len -= 1;
            return true;
        }
        self.remove_inside(id)
    }

    /// [`IdSet::remove`] of an id other than the last (out of line: a public pool gives up
    /// its newest client most often).
    #[inline(never)]
    fn remove_inside(&mut self, id: ClientId) -> bool {
        let r = self.run_of(id);
        let run = &mut self.runs[r];
        let Ok(at) = run.binary_search(&id) else {
            return false;
        };
        run.remove(at);
        // An emptied run goes, unless it is the only one (its buffer is kept for the next id).
        if run.is_empty() && self.runs.len() > 1 {
            self.runs.remove(r);
        }
        self.len -= 1;
        true
    }

    /// The ids, ascending.
    pub(crate) fn iter(&self) -> impl Iterator<Item = ClientId> + '_ {
        self.runs.iter().flatten().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    proptest! {
        /// The set answers like the ordered set it replaces, through inserts and removes in
        /// any order, past several splits and emptied runs.
        #[test]
        fn the_set_behaves_like_an_ordered_set(
            ops in proptest::collection::vec((any::<bool>(), 0u64..2_000), 0..3_000),
            ascending in 0u64..700,
        ) {
            let mut set = IdSet::default();
            let mut model = BTreeSet::new();
            // A run of ascending ids first (the append path), then mixed operations.
            for id in 0..ascending {
                prop_assert_eq!(set.insert(ClientId(id * 3)), model.insert(ClientId(id * 3)));
                prop_assert!(set.runs.iter().all(|run| run.len() <= RUN));
            }
            for (add, id) in ops {
                let id = ClientId(id);
                if add {
                    prop_assert_eq!(set.insert(id), model.insert(id));
                } else {
                    prop_assert_eq!(set.remove(id), model.remove(&id));
                }
                prop_assert_eq!(set.len(), model.len());
                prop_assert!(set.runs.iter().all(|run| run.len() <= RUN));
            }
            prop_assert!(set.iter().eq(model.iter().copied()));
        }
    }

    /// Removing the newest id (the short path), down to an empty set and across a run
    /// boundary, leaves what removing it by the general path leaves.
    #[test]
    fn removing_the_newest_id_keeps_the_runs_as_the_general_path_does() {
        let mut set = IdSet::default();
        for id in 0..(RUN as u64 + 2) {
            set.insert(ClientId(id * 2));
        }
        // Split into two runs by an insert in the middle of the full first one.
        set.insert(ClientId(5));
        assert_eq!(set.runs.len(), 2);
        let mut model: BTreeSet<ClientId> = set.iter().collect();
        while let Some(&newest) = model.last() {
            let runs_before = set.runs.len();
            let last_run = set.runs.last().map_or(0, Vec::len);
            assert!(set.remove(newest));
            model.remove(&newest);
            // An emptied run goes unless it is the only one.
            let expected_runs = if last_run == 1 && runs_before > 1 {
                runs_before - 1
            } else {
                runs_before
            };
            assert_eq!(set.runs.len(), expected_runs);
            assert!(
                set.runs
                    .iter()
                    .take(set.runs.len() - 1)
                    .all(|r| !r.is_empty())
            );
            assert!(set.iter().eq(model.iter().copied()));
            assert_eq!(set.len(), model.len());
        }
        assert!(!set.remove(ClientId(0)));
        assert!(set.insert(ClientId(1)));
        assert!(set.remove(ClientId(1)));
        assert_eq!(set.runs.len(), 1, "the only run is kept for the next id");
    }

    #[test]
    fn emptying_the_set_and_filling_it_again_works() {
        let mut set = IdSet::default();
        for id in 0..1_000 {
            set.insert(ClientId(id));
        }
        for id in 0..1_000 {
            assert!(set.remove(ClientId(id)));
        }
        assert_eq!(set.len(), 0);
        assert_eq!(set.iter().count(), 0);
        assert!(!set.remove(ClientId(5)));
        assert!(set.insert(ClientId(7)));
        assert!(set.insert(ClientId(3)));
        assert_eq!(set.iter().collect::<Vec<_>>(), [ClientId(3), ClientId(7)]);
    }
}

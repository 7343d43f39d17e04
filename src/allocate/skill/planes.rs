//! The bit-plane layout of [`SkillMatch`](super::SkillMatch), for teams whose reps carry
//! too many distinct skill sets for the profile layout (see [`super::profiles`]).
//!
//! Each tag has a bitset over the team (bit `i` = the `i`-th rep in id order has the skill),
//! built once per team. A decision ANDs the bitsets of the client's required tags word by word
//! (64 reps per operation, no allocation), then scores the surviving reps by how many desired
//! tags they carry, counted in bit planes, 64 reps at a time, and read level by level from the
//! best possible score down: only the reps at the first level that has an eligible one are
//! examined one by one (their eligibility and load).

use super::super::eligibility::{check_rep, fairness_key};
use super::super::explain::Examined;
use super::super::round_robin::rotates;
use super::super::{Decision, Request, Team};
use super::{INDEXED_WORDS, INLINE_TAGS, skill_decision};
use crate::ids::RepId;
use crate::label::Label;
use crate::reason::Step;
use std::collections::{BTreeMap, BTreeSet};

/// A bitset per tag over the whole team.
#[derive(Clone, Debug)]
pub(super) struct Planes {
    words: usize,
    rotating: Vec<u64>,
    tags: BTreeMap<String, Vec<u64>>,
}

impl Planes {
    /// The bitsets of `team`.
    pub(super) fn new(team: &Team) -> Self {
        let words = team.len().div_ceil(64);
        let mut tags: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        let mut rotating = vec![0u64; words];
        for (i, rep) in team.reps().iter().enumerate() {
            if rotates(rep) {
                rotating[i / 64] |= 1 << (i % 64);
            }
            for skill in &rep.skills {
                let bits = tags.entry(skill.clone()).or_insert_with(|| vec![0; words]);
                bits[i / 64] |= 1 << (i % 64);
            }
        }
        Self {
            words,
            rotating,
            tags,
        }
    }

    fn bits(&self, tag: &str) -> Option<&[u64]> {
        self.tags.get(tag).map(Vec::as_slice)
    }
}

impl Planes {
    /// Decides `request` into `decision` (a searching one); `reps` are the team's reps in id
    /// order and `required_tags` the strategy's required tags.
    pub(super) fn decide(
        &self,
        reps: &[RepId],
        required_tags: &BTreeSet<Label>,
        request: &Request<'_>,
        decision: &mut Decision,
    ) {
        let client = request.client;
        let mut examined = Examined::new(&mut decision.explanation);
        let empty: &[u64] = &[];
        let mut inline_req = [empty; INLINE_TAGS];
        let mut inline_des = [empty; INLINE_TAGS + 1];
        let (mut n_req, mut n_des) = (0, 0);
        let mut spill_req: Vec<&[u64]> = Vec::new();
        let mut spill_des: Vec<&[u64]> = Vec::new();
        let mut missing: Option<&Label> = None;
        let desired_tags = client.tags().iter().map(String::as_str);
        for tag in desired_tags.chain(client.industry()) {
            let required = required_tags.get(tag);
            let bits = match self.bits(tag) {
                Some(bits) => bits,
                None if required.is_some() => {
                    missing = required;
                    break;
                }
                None => continue,
            };
            let is_required = required.is_some();
            let (slots, n, spill) = if is_required {
                (&mut inline_req[..], &mut n_req, &mut spill_req)
            } else {
                (&mut inline_des[..], &mut n_des, &mut spill_des)
            };
            if *n < slots.len() {
                slots[*n] = bits;
                *n += 1;
            } else {
                spill.push(bits);
            }
        }
        if let Some(tag) = missing {
            let step = Step::MissingSkill { tag: tag.clone() };
            examined.conclude(step, None);
            return;
        }
        let required = || inline_req[..n_req].iter().chain(&spill_req);
        let desired = || inline_des[..n_des].iter().chain(&spill_des);
        let n_desired = n_des + spill_des.len();
        let mut qualified = 0u32;
        // (rep, score, load). Levels from the best score down: the first level with an
        // eligible rep holds the winner, so lower levels are never read.
        let mut best: Option<(RepId, u32, u32)> = None;
        // The view's open-load order pays off on large teams only (measured: at 1,000 reps
        // the bit-plane levels alone are faster).
        let indexed = self.words >= INDEXED_WORDS
            && request.view.indexes_open_load()
            && spill_des.is_empty()
            && spill_req.is_empty();
        if indexed {
            let req = &inline_req[..n_req];
            let des = &inline_des[..n_des];
            // One pass finds the best score any qualified rep has; the view's open-load order
            // then yields that level's reps already in tie-break order.
            let mut top: Option<usize> = None;
            for word in 0..self.words {
                let mut mask = self.rotating[word];
                for bits in req {
                    mask &= bits[word];
                }
                qualified = qualified.saturating_add(mask.count_ones());
                if mask != 0 && top != Some(n_desired) {
                    let level = max_level(des, word, mask);
                    top = top.max(Some(level));
                }
            }
            let mut level = top;
            while let Some(at) = level {
                let score = u32::try_from(at).unwrap_or(u32::MAX);
                let mut cursor = None;
                while let Some(rank) = request.view.next_by_open_load(cursor) {
                    cursor = Some(rank);
                    let Ok(index) = reps.binary_search(&rank.rep) else {
                        continue;
                    };
                    let (word, bit) = (index / 64, 1u64 << (index % 64));
                    let qualifies = self.rotating[word] & bit != 0
                        && required().all(|bits| bits[word] & bit != 0)
                        && desired().filter(|bits| bits[word] & bit != 0).count() == at;
                    let Some(rep) = qualifies.then(|| request.team.get(rank.rep)).flatten() else {
                        continue;
                    };
                    if !examined.admits(rep.id, check_rep(request, rep)) {
                        continue;
                    }
                    best = Some((rep.id, score, rank.load));
                    break;
                }
                if best.is_some() {
                    break;
                }
                level = at.checked_sub(1);
            }
        }
        for level in (0..=n_desired).rev().filter(|_| !indexed) {
            let score = u32::try_from(level).unwrap_or(u32::MAX);
            for word in 0..self.words {
                let mut mask = self.rotating[word];
                for bits in required() {
                    mask &= bits[word];
                }
                if level == n_desired {
                    qualified = qualified.saturating_add(mask.count_ones());
                }
                mask &= level_mask(desired().map(|bits| bits[word]), level, n_desired);
                while mask != 0 {
                    let bit = mask.trailing_zeros() as usize;
                    mask &= mask - 1;
                    let index = word * 64 + bit;
                    let id = reps[index];
                    // The request's team is normally the one indexed: use the position.
                    let rep = match request.team.reps().get(index) {
                        Some(rep) if rep.id == id => rep,
                        _ => match request.team.get(id) {
                            Some(rep) => rep,
                            None => continue,
                        },
                    };
                    if !examined.admits(id, check_rep(request, rep)) {
                        continue;
                    }
                    let load = request.view.open_load(id);
                    let better = match best {
                        None => true,
                        Some((b, _, l)) => {
                            load < l
                                || (load == l
                                    && fairness_key(request, id) < fairness_key(request, b))
                        }
                    };
                    if better {
                        best = Some((id, score, load));
                    }
                }
            }
            if best.is_some() {
                break;
            }
        }
        decision.rep = skill_decision(examined, best, n_desired, qualified);
    }
}

/// The highest count of set bits across the `word`-th words of `desired` (at most
/// [`INLINE_TAGS`] + 1 of them) among the lanes of `mask` (not empty).
fn max_level(desired: &[&[u64]], word: usize, mask: u64) -> usize {
    let width = (usize::BITS - desired.len().leading_zeros()) as usize;
    let mut planes = [0u64; PLANES];
    for bits in desired {
        let mut carry = bits[word] & mask;
        for plane in planes.iter_mut().take(width) {
            let sum = *plane ^ carry;
            carry &= *plane;
            *plane = sum;
            if carry == 0 {
                break;
            }
        }
    }
    let mut lanes = mask;
    let mut level = 0;
    for (i, plane) in planes.iter().enumerate().take(width).rev() {
        if lanes & plane != 0 {
            lanes &= plane;
            level |= 1 << i;
        }
    }
    level
}

/// Bit planes counted in a word's lanes: counts up to 255 desired tags.
const PLANES: usize = 8;

/// The reps (bits) of one word whose count of set bits across `desired` is exactly `level`:
/// the counts are added in bit planes (a ripple-carry adder over 64 lanes at once).
pub(super) fn level_mask(
    desired: impl Iterator<Item = u64> + Clone,
    level: usize,
    n: usize,
) -> u64 {
    if level == n {
        return desired.fold(u64::MAX, |mask, bits| mask & bits);
    }
    if level == 0 {
        return !desired.fold(0, |mask, bits| mask | bits);
    }
    let width = (usize::BITS - n.leading_zeros()) as usize;
    if width > PLANES {
        // More than 255 desired tags: count lane by lane.
        let mut mask = 0u64;
        for lane in 0..64 {
            if desired.clone().filter(|bits| bits >> lane & 1 == 1).count() == level {
                mask |= 1 << lane;
            }
        }
        return mask;
    }
    let mut planes = [0u64; PLANES];
    for bits in desired {
        let mut carry = bits;
        for plane in planes.iter_mut().take(width) {
            let sum = *plane ^ carry;
            carry &= *plane;
            *plane = sum;
            if carry == 0 {
                break;
            }
        }
    }
    planes
        .iter()
        .take(width)
        .enumerate()
        .fold(u64::MAX, |mask, (i, plane)| {
            if level >> i & 1 == 1 {
                mask & plane
            } else {
                mask & !plane
            }
        })
}

#[cfg(test)]
mod tests {
    use super::level_mask;
    use proptest::prelude::*;

    proptest! {
        /// The bit-plane count of each lane equals counting the lane's bits one by one.
        #[test]
        fn level_masks_count_each_lane(words in proptest::collection::vec(any::<u64>(), 0..20)) {
            let n = words.len();
            for level in 0..=n {
                let mask = level_mask(words.iter().copied(), level, n);
                for lane in 0..64 {
                    let count = words.iter().filter(|w| *w >> lane & 1 == 1).count();
                    prop_assert_eq!(mask >> lane & 1 == 1, count == level, "lane {}", lane);
                }
            }
        }
    }
}

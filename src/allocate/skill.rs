//! Skill / need match: required tags filter, desired tags score.
//!
//! Each tag has a bitset over the team (bit `i` = the `i`-th rep in id order has the skill),
//! built once per team. A decision ANDs the bitsets of the client's required tags word by word
//! (64 reps per operation, no allocation), then scores the surviving reps by how many desired
//! tags (the client's other tags and its industry) they carry. Best score wins; ties go to the
//! lower open load, then longest since last assignment, then the lower id.

use super::eligibility::{check_rep, fairness_key};
use super::explain::Examined;
use super::round_robin::rotates;
use super::{Allocator, Decision, Request, Team};
use crate::ids::RepId;
use crate::label::Label;
use crate::reason::Step;
use crate::rng::Rng;
use std::collections::{BTreeMap, BTreeSet};

/// How many of a client's tags are handled without allocating (more spill to the heap).
const INLINE_TAGS: usize = 16;

/// The skill-match strategy.
#[derive(Clone, Debug)]
pub struct SkillMatch {
    required: BTreeSet<Label>,
    reps: Vec<RepId>,
    words: usize,
    rotating: Vec<u64>,
    tags: BTreeMap<String, Vec<u64>>,
}

impl SkillMatch {
    /// Builds the bitsets for `team`. A client tag listed in `required` must be among a rep's
    /// skills; the client's other tags and its industry are desired.
    pub fn new<I, S>(team: &Team, required: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let reps: Vec<RepId> = team.reps().iter().map(|r| r.id).collect();
        let words = reps.len().div_ceil(64);
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
            required: required
                .into_iter()
                .map(|t| Label::new(t.as_ref()))
                .collect(),
            reps,
            words,
            rotating,
            tags,
        }
    }

    fn bits(&self, tag: &str) -> Option<&[u64]> {
        self.tags.get(tag).map(Vec::as_slice)
    }
}

impl Allocator for SkillMatch {
    fn allocate(&self, request: &Request<'_>, _rng: &mut dyn Rng) -> Decision {
        let client = request.client;
        let mut examined = Examined::default();
        let empty: &[u64] = &[];
        let mut inline_req = [empty; INLINE_TAGS];
        let mut inline_des = [empty; INLINE_TAGS + 1];
        let (mut n_req, mut n_des) = (0, 0);
        let mut spill_req: Vec<&[u64]> = Vec::new();
        let mut spill_des: Vec<&[u64]> = Vec::new();
        let mut missing: Option<&Label> = None;
        let desired_tags = client.tags().iter().map(String::as_str);
        for tag in desired_tags.chain(client.industry()) {
            let required = self.required.get(tag);
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
            return Decision::unassigned(client.id(), examined.explain(step, None));
        }
        let required = || inline_req[..n_req].iter().chain(&spill_req);
        let desired = || inline_des[..n_des].iter().chain(&spill_des);
        // (rep, score, load)
        let mut best: Option<(RepId, u32, u32)> = None;
        let mut qualified = 0u32;
        for word in 0..self.words {
            let mut mask = self.rotating[word];
            for bits in required() {
                mask &= bits[word];
            }
            while mask != 0 {
                let bit = mask.trailing_zeros() as usize;
                mask &= mask - 1;
                let index = word * 64 + bit;
                let id = self.reps[index];
                qualified = qualified.saturating_add(1);
                let score = desired()
                    .filter(|bits| bits[word] & (1 << bit) != 0)
                    .count() as u32;
                if best.is_some_and(|(_, s, _)| score < s) {
                    continue;
                }
                // The request's team is normally the one indexed: use the position directly.
                let rep = match request.team.reps().get(index) {
                    Some(rep) if rep.id == id => rep,
                    _ => match request.team.get(id) {
                        Some(rep) => rep,
                        None => continue,
                    },
                };
                examined.consider();
                if let Some(reason) = check_rep(request, rep) {
                    examined.exclude(id, reason);
                    continue;
                }
                let load = request.view.open_load(id);
                let better = match best {
                    None => true,
                    Some((b, s, l)) => {
                        score > s
                            || (score == s
                                && (load < l
                                    || (load == l
                                        && fairness_key(request, id) < fairness_key(request, b))))
                    }
                };
                if better {
                    best = Some((id, score, load));
                }
            }
        }
        match best {
            Some((rep, score, load)) => {
                let step = Step::SkillMatched {
                    rep,
                    desired: score,
                    of: u32::try_from(n_des + spill_des.len()).unwrap_or(u32::MAX),
                    qualified,
                    load,
                };
                let explanation = examined.explain(step, Some(f64::from(score)));
                Decision::assigned(client.id(), rep, explanation)
            }
            None => {
                let step = Step::NoQualifiedRep { qualified };
                Decision::unassigned(client.id(), examined.explain(step, None))
            }
        }
    }
}

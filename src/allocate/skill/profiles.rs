//! The profile layout of [`SkillMatch`](super::SkillMatch): the team's rotating reps grouped
//! by their skill set ("profile"), at most [`MAX_PROFILES`] of them, built once per team.
//!
//! Each known tag maps (through a hash of its text, no string comparison on a miss) to the
//! bitset of profiles carrying it. A decision ANDs the bitsets of the client's required tags,
//! counts the desired ones in bit planes over the profiles (a profile's score is every member's
//! score), and reads levels from the best down: a level's reps are the members of its
//! profiles, kept in id order (merged when several profiles share a level). The reps examined,
//! their order and the explanation are the bit-plane layout's (property-tested in
//! `super::tests`); what changes is that nothing scans the team.

use super::super::eligibility::{check_rep, fairness_key};
use super::super::explain::Examined;
use super::super::lookup::{HashSlots, SEED, fnv};
use super::super::round_robin::rotates;
use super::super::{Decision, Request, Team};
use super::planes::level_mask;
use super::{INDEXED_WORDS, INLINE_TAGS, skill_decision};
use crate::ids::RepId;
use crate::label::Label;
use crate::model::Rep;
use crate::reason::Step;
use std::collections::{BTreeMap, BTreeSet};

/// Most profiles this layout handles (one bit each in a word); more use the bit planes.
pub(super) const MAX_PROFILES: usize = 64;

/// No profile (a rep that does not rotate).
const NONE: u8 = u8::MAX;

/// A tag the strategy knows: a skill of some rep, or a required tag.
#[derive(Clone, Debug)]
struct Tag {
    name: Box<str>,
    /// Profiles carrying it.
    profiles: u64,
    /// Some rep of the team (rotating or not) has the skill.
    known: bool,
    /// The required tag's label, when it is required.
    required: Option<Label>,
}

/// Skill profiles of a team; see the module docs.
#[derive(Clone, Debug)]
pub(super) struct Profiles {
    tags: Vec<Tag>,
    lookup: HashSlots,
    /// Each profile's members: positions in the team, ascending.
    members: Vec<Vec<u32>>,
    /// Every profile that has members.
    all: u64,
    /// Each position's profile ([`NONE`] for reps that do not rotate).
    profile_of: Vec<u8>,
    /// 64-rep words of the team (what decides whether to walk the open-load order).
    words: usize,
    /// The first rep id when the team's ids are consecutive (a position is then a subtraction).
    dense_from: Option<u64>,
}

impl Profiles {
    /// The profiles of `team`, or `None` when its rotating reps carry more than
    /// [`MAX_PROFILES`] distinct skill sets.
    pub(super) fn new(team: &Team, required: &BTreeSet<Label>) -> Option<Self> {
        let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
        let mut tags: Vec<Tag> = Vec::new();
        let mut by_set: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
        let mut members: Vec<Vec<u32>> = Vec::new();
        let mut profile_of = Vec::with_capacity(team.len());
        for (position, rep) in team.reps().iter().enumerate() {
            let mut set: Vec<usize> = Vec::with_capacity(rep.skills.len());
            for skill in &rep.skills {
                let id = *ids.entry(skill.as_str()).or_insert_with(|| {
                    tags.push(Tag {
                        name: skill.as_str().into(),
                        profiles: 0,
                        known: true,
                        required: None,
                    });
                    tags.len() - 1
                });
                set.push(id);
            }
            if !rotates(rep) {
                profile_of.push(NONE);
                continue;
            }
            set.sort_unstable();
            set.dedup();
            let next = by_set.len();
            let profile = *by_set.entry(set).or_insert(next);
            if profile >= MAX_PROFILES {
                return None;
            }
            if profile == members.len() {
                members.push(Vec::new());
            }
            members[profile].push(u32::try_from(position).ok()?);
            profile_of.push(u8::try_from(profile).ok()?);
        }
        for (set, &profile) in &by_set {
            for &id in set {
                tags[id].profiles |= 1 << profile;
            }
        }
        for label in required {
            let id = *ids.entry(label.as_str()).or_insert_with(|| {
                tags.push(Tag {
                    name: label.as_str().into(),
                    profiles: 0,
                    known: false,
                    required: None,
                });
                tags.len() - 1
            });
            tags[id].required = Some(label.clone());
        }
        let hashes: Vec<u64> = tags.iter().map(|t| hash(&t.name)).collect();
        let reps = team.reps();
        let dense_from = reps.first().map(|r| r.id.0).filter(|&first| {
            reps.iter()
                .enumerate()
                .all(|(i, r)| Some(r.id.0) == first.checked_add(i as u64))
        });
        Some(Self {
            tags,
            lookup: HashSlots::new(&hashes),
            all: members
                .iter()
                .enumerate()
                .fold(0, |all, (p, m)| all | u64::from(!m.is_empty()) << p),
            members,
            profile_of,
            words: team.len().div_ceil(64),
            dense_from,
        })
    }

    /// The tag named `name`, if known or required.
    #[inline]
    fn tag(&self, name: &str) -> Option<&Tag> {
        self.lookup
            .find(hash(name), |i| *self.tags[i].name == *name)
            .map(|i| &self.tags[i])
    }

    /// The position of `rep` in the team indexed (`reps`, in id order).
    #[inline]
    fn position(&self, reps: &[RepId], rep: RepId) -> Option<usize> {
        match self.dense_from {
            Some(first) => usize::try_from(rep.0.checked_sub(first)?)
                .ok()
                .filter(|&i| i < reps.len()),
            None => reps.binary_search(&rep).ok(),
        }
    }

    /// Decides `request` into `decision` (a searching one); `reps` are the team's reps in id
    /// order.
    pub(super) fn decide(&self, reps: &[RepId], request: &Request<'_>, decision: &mut Decision) {
        let client = request.client;
        let mut examined = Examined::new(&mut decision.explanation);
        // Profile bitsets of the client's required and desired tags, in the client's order.
        let mut inline_req = [0u64; INLINE_TAGS];
        let mut inline_des = [0u64; INLINE_TAGS + 1];
        let (mut n_req, mut n_des) = (0, 0);
        let mut spill_req: Vec<u64> = Vec::new();
        let mut spill_des: Vec<u64> = Vec::new();
        let names = client.tags().iter().map(String::as_str);
        for name in names.chain(client.industry()) {
            let Some(tag) = self.tag(name) else {
                continue;
            };
            let (slots, n, spill) = match (&tag.required, tag.known) {
                (Some(label), false) => {
                    let step = Step::MissingSkill { tag: label.clone() };
                    examined.conclude(step, None);
                    return;
                }
                (Some(_), true) => (&mut inline_req[..], &mut n_req, &mut spill_req),
                (None, _) => (&mut inline_des[..], &mut n_des, &mut spill_des),
            };
            if *n < slots.len() {
                slots[*n] = tag.profiles;
                *n += 1;
            } else {
                spill.push(tag.profiles);
            }
        }
        let qualifying = inline_req[..n_req]
            .iter()
            .chain(&spill_req)
            .fold(self.all, |mask, bits| mask & bits);
        let qualified = lanes(qualifying).fold(0u32, |sum, p| {
            let members = u32::try_from(self.members[p].len()).unwrap_or(u32::MAX);
            sum.saturating_add(members)
        });
        let desired = || inline_des[..n_des].iter().chain(&spill_des).copied();
        let n_desired = n_des + spill_des.len();
        let indexed = self.words >= INDEXED_WORDS
            && request.view.indexes_open_load()
            && spill_des.is_empty()
            && spill_req.is_empty();
        // (rep, score, load). Levels from the best score down: the first level with an
        // eligible rep holds the winner, so lower levels are never read.
        let mut best: Option<(RepId, u32, u32)> = None;
        // The best level holding a qualifying profile, found in one pass over the desired
        // tags' bitsets; its profiles are read first, and lower levels only if none of their
        // reps is eligible (levels without a qualifying profile examine nobody: skipping them
        // changes nothing).
        let mut levels = n_desired;
        if let Some((top, at_level)) = top_level(desired(), n_desired, qualifying) {
            let score = u32::try_from(top).unwrap_or(u32::MAX);
            best = if indexed {
                self.walk(reps, request, at_level, score, &mut examined)
            } else {
                self.scan(reps, request, at_level, score, &mut examined)
            };
            levels = top.wrapping_sub(1);
            if best.is_some() || top == 0 {
                decision.rep = skill_decision(examined, best, n_desired, qualified);
                return;
            }
        }
        for level in (0..=levels).rev() {
            if qualifying == 0 {
                break;
            }
            let at_level = level_mask(desired(), level, n_desired) & qualifying;
            if at_level == 0 {
                continue;
            }
            let score = u32::try_from(level).unwrap_or(u32::MAX);
            best = if indexed {
                self.walk(reps, request, at_level, score, &mut examined)
            } else {
                self.scan(reps, request, at_level, score, &mut examined)
            };
            if best.is_some() {
                break;
            }
        }
        decision.rep = skill_decision(examined, best, n_desired, qualified);
    }

    /// The first eligible rep of the `at_level` profiles in the view's open-load order.
    fn walk(
        &self,
        reps: &[RepId],
        request: &Request<'_>,
        at_level: u64,
        score: u32,
        examined: &mut Examined<'_>,
    ) -> Option<(RepId, u32, u32)> {
        let mut cursor = None;
        while let Some(rank) = request.view.next_by_open_load(cursor) {
            cursor = Some(rank);
            let Some(position) = self.position(reps, rank.rep) else {
                continue;
            };
            let profile = self.profile_of[position];
            if profile == NONE || at_level >> profile & 1 == 0 {
                continue;
            }
            let Some(rep) = request.team.get(rank.rep) else {
                continue;
            };
            if !examined.admits(rep.id, check_rep(request, rep)) {
                continue;
            }
            return Some((rep.id, score, rank.load));
        }
        None
    }

    /// The eligible rep of the `at_level` profiles with the lowest load (then longest since
    /// assigned, then lowest id), examining each in id order.
    fn scan(
        &self,
        reps: &[RepId],
        request: &Request<'_>,
        at_level: u64,
        score: u32,
        examined: &mut Examined<'_>,
    ) -> Option<(RepId, u32, u32)> {
        let mut best: Option<(RepId, u32, u32)> = None;
        self.members_in_order(at_level, |index| {
            let id = reps[index];
            // The request's team is normally the one indexed: use the position.
            let rep: &Rep = match request.team.reps().get(index) {
                Some(rep) if rep.id == id => rep,
                _ => match request.team.get(id) {
                    Some(rep) => rep,
                    None => return,
                },
            };
            if !examined.admits(id, check_rep(request, rep)) {
                return;
            }
            let load = request.view.open_load(id);
            let better = match best {
                None => true,
                Some((b, _, l)) => {
                    load < l || (load == l && fairness_key(request, id) < fairness_key(request, b))
                }
            };
            if better {
                best = Some((id, score, load));
            }
        });
        best
    }

    /// Calls `f` with the position of every member of the `profiles`, ascending.
    fn members_in_order(&self, profiles: u64, mut f: impl FnMut(usize)) {
        if profiles.count_ones() == 1 {
            let only = profiles.trailing_zeros() as usize;
            self.members[only].iter().for_each(|&i| f(i as usize));
            return;
        }
        // A merge of the sorted member lists, each read from its cursor.
        let mut cursor = [0usize; MAX_PROFILES];
        loop {
            let mut next: Option<(u32, usize)> = None;
            for p in lanes(profiles) {
                if let Some(&position) = self.members[p].get(cursor[p]) {
                    if next.is_none_or(|(n, _)| position < n) {
                        next = Some((position, p));
                    }
                }
            }
            let Some((position, p)) = next else {
                return;
            };
            cursor[p] += 1;
            f(position as usize);
        }
    }
}

/// The highest count of set bits across `desired` (`n` bitsets over the profiles) among the
/// lanes of `mask`, and the lanes of `mask` at that count; `None` when `mask` is empty or the
/// tags are too many to count in [`PLANES`] bit planes (the caller then reads level by level).
fn top_level(desired: impl Iterator<Item = u64>, n: usize, mask: u64) -> Option<(usize, u64)> {
    let width = (usize::BITS - n.leading_zeros()) as usize;
    if mask == 0 || width > PLANES {
        return None;
    }
    // A ripple-carry adder over 64 lanes at once: lane i's count, in binary, is bit i of
    // the planes.
    let mut planes = [0u64; PLANES];
    for bits in desired {
        let mut carry = bits & mask;
        for plane in planes.iter_mut().take(width) {
            let sum = *plane ^ carry;
            carry &= *plane;
            *plane = sum;
            if carry == 0 {
                break;
            }
        }
    }
    // From the highest bit down, keep the lanes that have it whenever some lane does.
    let (mut lanes, mut level) = (mask, 0);
    for (i, plane) in planes.iter().enumerate().take(width).rev() {
        if lanes & plane != 0 {
            lanes &= plane;
            level |= 1 << i;
        }
    }
    Some((level, lanes))
}

/// Bit planes [`top_level`] counts in: up to 255 desired tags.
const PLANES: usize = 8;

/// The set bits of `mask`, lowest first.
fn lanes(mut mask: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (mask != 0).then(|| {
            let lane = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            lane
        })
    })
}

fn hash(name: &str) -> u64 {
    fnv(SEED, name.as_bytes())
}

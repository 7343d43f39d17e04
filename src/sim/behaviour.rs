//! How reps behave in a simulation: whether they follow a client up today, whether it closes,
//! and how eagerly they claim from the public pool. [`RepBehaviour`] is the seam a harness user
//! replaces; [`SeededBehaviour`] is the default model.

use crate::allocate::Team;
use crate::ids::{ClientId, RepId};
use crate::model::{Client, ContactLevel, Metric, Rep};
use crate::rng::{Rng, below};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a behaviour model may look at when deciding a rep's day.
#[derive(Clone, Copy, Debug)]
pub struct Today<'a> {
    /// The team day being simulated.
    pub day: NaiveDate,
    /// The instant the day's work happens at.
    pub now: DateTime<Utc>,
    /// The team.
    pub team: &'a Team,
}

/// How a client a rep worked today ended, if it did.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Close {
    /// A deal, worth `value`.
    Won {
        /// Revenue of the deal.
        value: f64,
    },
    /// The client said no for good.
    Lost,
}

/// A rep's conduct in a simulation. The driver calls it for reps in id order and clients in id
/// order, passing the simulation's one seeded generator, so any implementation that draws only
/// from `rng` (or from its own seeded state) keeps runs reproducible.
pub trait RepBehaviour {
    /// Whether `rep` follows up `client` (which it owns) today, and how far the contact goes.
    /// `None` means no follow-up today: enough of those and the pool's timers release the
    /// client.
    fn follow_up(
        &self,
        today: &Today<'_>,
        rep: &Rep,
        client: &Client,
        rng: &mut dyn Rng,
    ) -> Option<ContactLevel>;

    /// Whether a client followed up today closes, and how. `value` is the lead's value.
    fn close(
        &self,
        today: &Today<'_>,
        rep: &Rep,
        client: &Client,
        value: f64,
        rng: &mut dyn Rng,
    ) -> Option<Close>;

    /// How many public-pool clients `rep` tries to claim today.
    fn claims_wanted(&self, today: &Today<'_>, rep: &Rep, rng: &mut dyn Rng) -> u32 {
        let _ = (today, rep, rng);
        0
    }

    /// Whether `rep` wants this public-pool client (offered oldest in the pool first).
    fn wants(&self, today: &Today<'_>, rep: &Rep, client: &Client, rng: &mut dyn Rng) -> bool {
        let _ = (today, rep, client, rng);
        true
    }

    /// Performance metrics the rep produces today beyond what the simulation itself counts
    /// (it records "follow_ups" and "deals_won"): inquiries handled, meetings hosted, ….
    fn daily_metrics(
        &self,
        today: &Today<'_>,
        rep: &Rep,
        rng: &mut dyn Rng,
        record: &mut dyn FnMut(Metric, f64),
    ) {
        let _ = (today, rep, rng, record);
    }
}

macro_rules! forward_behaviour {
    ($($ptr:ty),*) => {$(
        impl<B: RepBehaviour + ?Sized> RepBehaviour for $ptr {
            fn follow_up(
                &self,
                t: &Today<'_>,
                r: &Rep,
                c: &Client,
                g: &mut dyn Rng,
            ) -> Option<ContactLevel> {
                (**self).follow_up(t, r, c, g)
            }
            fn close(
                &self,
                t: &Today<'_>,
                r: &Rep,
                c: &Client,
                v: f64,
                g: &mut dyn Rng,
            ) -> Option<Close> {
                (**self).close(t, r, c, v, g)
            }
            fn claims_wanted(&self, t: &Today<'_>, r: &Rep, g: &mut dyn Rng) -> u32 {
                (**self).claims_wanted(t, r, g)
            }
            fn wants(&self, t: &Today<'_>, r: &Rep, c: &Client, g: &mut dyn Rng) -> bool {
                (**self).wants(t, r, c, g)
            }
            fn daily_metrics(
                &self,
                t: &Today<'_>,
                r: &Rep,
                g: &mut dyn Rng,
                f: &mut dyn FnMut(Metric, f64),
            ) {
                (**self).daily_metrics(t, r, g, f)
            }
        }
    )*};
}

forward_behaviour!(&B, Box<B>);

/// One rep's hidden traits in the default model.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepProfile {
    /// Chance (0–1) that the rep works a client it receives at all; the rest it neglects until
    /// the pool releases them.
    pub diligence: f64,
    /// A worked client is followed up about once every this many days.
    pub cadence_days: u32,
    /// Chance (0–1) that a follow-up of a worked client wins it, at a lead score of 50.
    pub win_per_follow_up: f64,
    /// Chance (0–1) that a follow-up of a worked client loses it.
    pub loss_per_follow_up: f64,
    /// Most public-pool clients the rep tries to claim per day.
    pub claims_per_day: u32,
    /// Mean platform inquiries handled per day (a ranking metric).
    pub inquiries_per_day: f64,
}

impl Default for RepProfile {
    fn default() -> Self {
        Self {
            diligence: 0.85,
            cadence_days: 4,
            win_per_follow_up: 0.04,
            loss_per_follow_up: 0.03,
            claims_per_day: 1,
            inquiries_per_day: 3.0,
        }
    }
}

impl RepProfile {
    /// A profile drawn for a rep of `tier`: veterans are more reliable and close more;
    /// newcomers claim more eagerly.
    pub fn drawn(tier: u8, rng: &mut dyn Rng) -> Self {
        let tier = f64::from(tier.min(3));
        let jitter =
            |rng: &mut dyn Rng, spread: f64| (below(rng, 1001) as f64 / 1000.0 - 0.5) * spread;
        Self {
            diligence: (0.70 + 0.07 * tier + jitter(rng, 0.2)).clamp(0.3, 0.99),
            cadence_days: 3 + below(rng, 4) as u32,
            win_per_follow_up: (0.025 + 0.012 * tier + jitter(rng, 0.01)).max(0.005),
            loss_per_follow_up: 0.03,
            claims_per_day: if tier < 1.0 { 2 } else { 1 },
            inquiries_per_day: (2.0 + 1.5 * tier + jitter(rng, 2.0)).max(0.5),
        }
    }
}

/// The default behaviour model, playing each rep by its [`RepProfile`].
///
/// Whether a rep works a client at all is a fixed property of the (rep, client) pair, hashed
/// from the model's seed, so a neglected client stays neglected until the pool releases it and
/// the next owner gets a fresh draw. Everything else draws from the simulation's generator.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SeededBehaviour {
    /// The seed of the (rep, client) "works it" draw.
    pub seed: u64,
    /// Profiles by rep; reps without one use `default_profile`.
    #[serde(default)]
    pub profiles: BTreeMap<RepId, RepProfile>,
    /// The profile of reps not listed.
    #[serde(default)]
    pub default_profile: RepProfile,
}

impl SeededBehaviour {
    /// A model with these profiles.
    pub fn new(seed: u64, profiles: BTreeMap<RepId, RepProfile>) -> Self {
        Self {
            seed,
            profiles,
            default_profile: RepProfile::default(),
        }
    }

    /// A model in which every rep works every client it gets, follows up every day, never
    /// claims and never closes: allocation alone decides who holds what.
    pub fn diligent(seed: u64) -> Self {
        Self {
            seed,
            profiles: BTreeMap::new(),
            default_profile: RepProfile {
                diligence: 1.0,
                cadence_days: 1,
                win_per_follow_up: 0.0,
                loss_per_follow_up: 0.0,
                claims_per_day: 0,
                inquiries_per_day: 0.0,
            },
        }
    }

    fn profile(&self, rep: RepId) -> &RepProfile {
        self.profiles.get(&rep).unwrap_or(&self.default_profile)
    }

    /// Whether `rep` works `client` at all: a fixed draw per pair.
    pub fn works(&self, rep: RepId, client: ClientId) -> bool {
        works(self.seed, self.profile(rep).diligence, rep, client)
    }
}

/// Whether a rep of `diligence` works `client`: the pair's fixed draw, a fraction in [0, 1),
/// falls below the diligence. A diligence of 1 or more takes every draw and one of 0 or less
/// (or NaN) none, so those answer without hashing.
fn works(seed: u64, diligence: f64, rep: RepId, client: ClientId) -> bool {
    if diligence >= 1.0 {
        return true;
    }
    if diligence.is_nan() || diligence <= 0.0 {
        return false;
    }
    pair_draw(seed, rep, client) < diligence
}

/// The (rep, client) pair's fixed draw: the top 53 bits of its hash as a fraction in [0, 1).
fn pair_draw(seed: u64, rep: RepId, client: ClientId) -> f64 {
    let draw = splitmix(seed ^ splitmix(rep.0) ^ splitmix(client.0.rotate_left(17)));
    (draw >> 11) as f64 / (1u64 << 53) as f64
}

/// How a lead's score scales its chance of closing: the mean of the score inputs over 50,
/// between 0.5 and 1.5.
fn score_factor(client: &Client) -> f64 {
    let lead = client.lead();
    let score = (u32::from(lead.budget.min(100))
        + u32::from(lead.urgency.min(100))
        + u32::from(lead.product_fit.min(100))) as f64
        / 3.0;
    0.5 + score / 100.0
}

/// A chance in [0, 1] as a draw: true with probability `p`.
fn chance(rng: &mut dyn Rng, p: f64) -> bool {
    if p <= 0.0 {
        return false;
    }
    (below(rng, 1_000_000) as f64) < p * 1_000_000.0
}

/// SplitMix64's finaliser: a cheap, well-mixed hash of one word.
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl RepBehaviour for SeededBehaviour {
    fn follow_up(
        &self,
        _today: &Today<'_>,
        rep: &Rep,
        client: &Client,
        rng: &mut dyn Rng,
    ) -> Option<ContactLevel> {
        let profile = self.profile(rep.id);
        if !works(self.seed, profile.diligence, rep.id, client.id()) {
            return None;
        }
        let cadence = u64::from(profile.cadence_days.max(1));
        if below(rng, cadence) != 0 {
            return None;
        }
        Some(match below(rng, 10) {
            0 => ContactLevel::Sample,
            1 | 2 => ContactLevel::Visit,
            _ => ContactLevel::Phone,
        })
    }

    fn close(
        &self,
        _today: &Today<'_>,
        rep: &Rep,
        client: &Client,
        value: f64,
        rng: &mut dyn Rng,
    ) -> Option<Close> {
        let profile = self.profile(rep.id);
        let win = profile.win_per_follow_up;
        // Better leads close more often: the chance scales by a factor in [0.5, 1.5], so a
        // rate of 0 or less stays a chance of 0 or less, which `chance` refuses without a
        // draw: the score is not read then.
        if (win > 0.0 || win.is_nan()) && chance(rng, win * score_factor(client)) {
            Some(Close::Won { value })
        } else if chance(rng, profile.loss_per_follow_up) {
            Some(Close::Lost)
        } else {
            None
        }
    }

    fn claims_wanted(&self, _today: &Today<'_>, rep: &Rep, rng: &mut dyn Rng) -> u32 {
        let most = self.profile(rep.id).claims_per_day;
        below(rng, u64::from(most) + 1) as u32
    }

    fn daily_metrics(
        &self,
        _today: &Today<'_>,
        rep: &Rep,
        rng: &mut dyn Rng,
        record: &mut dyn FnMut(Metric, f64),
    ) {
        let profile = self.profile(rep.id);
        if profile.inquiries_per_day > 0.0 {
            // Uniform on 0..=2·mean keeps the mean.
            let top = (2.0 * profile.inquiries_per_day).round() as u64;
            record(
                Metric::InquiriesHandled,
                below(rng, top.saturating_add(1)) as f64,
            );
            record(Metric::SampleOrders, below(rng, 2) as f64);
            record(
                Metric::MeetingsHosted,
                if below(rng, 5) == 0 { 1.0 } else { 0.0 },
            );
        }
    }
}

#[cfg(test)]
mod tests;

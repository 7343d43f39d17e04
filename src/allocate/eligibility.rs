//! Who may receive a lead at all, before any strategy ranks anyone.
//!
//! Availability (inactive, on leave) is always checked: an unavailable rep is never in any
//! rotation. On top of it, an [`Eligibility`] rule set by the [`Filter`](super::Filter) wrapper
//! reaches every strategy through [`Request::eligibility`], so each strategy skips ineligible
//! reps while it walks its own index, instead of a filter copying the team per lead.

use super::Request;
use crate::ids::RepId;
use crate::model::Rep;
use crate::reason::{ExclusionReason, QuotaPeriod, Refusal};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A rule that may exclude a rep from a lead.
pub trait Eligibility {
    /// Why `rep` may not take `request.client` now, if it may not.
    fn exclude(&self, request: &Request<'_>, rep: &Rep) -> Option<ExclusionReason>;
}

impl<F> Eligibility for F
where
    F: Fn(&Request<'_>, &Rep) -> Option<ExclusionReason>,
{
    fn exclude(&self, request: &Request<'_>, rep: &Rep) -> Option<ExclusionReason> {
        self(request, rep)
    }
}

/// Two rules, both applied (the outer filter's first). Lives on the stack of
/// [`Filter::allocate`](super::Filter), so nesting filters allocates nothing.
pub(crate) struct Chain<'a> {
    pub first: &'a dyn Eligibility,
    pub then: Option<&'a dyn Eligibility>,
}

impl Eligibility for Chain<'_> {
    fn exclude(&self, request: &Request<'_>, rep: &Rep) -> Option<ExclusionReason> {
        self.first
            .exclude(request, rep)
            .or_else(|| self.then.and_then(|e| e.exclude(request, rep)))
    }
}

/// Reps a wrapper already vetoed for this request, with why, on top of the enclosing rules: a
/// retry of the inner strategy examines them as excluded.
pub(crate) struct Vetoed<'a> {
    pub vetoed: &'a [(RepId, ExclusionReason)],
    pub then: Option<&'a dyn Eligibility>,
}

impl Eligibility for Vetoed<'_> {
    fn exclude(&self, request: &Request<'_>, rep: &Rep) -> Option<ExclusionReason> {
        self.vetoed
            .iter()
            .find(|(id, _)| *id == rep.id)
            .map(|(_, reason)| reason.clone())
            .or_else(|| self.then.and_then(|e| e.exclude(request, rep)))
    }
}

/// Availability first, then the request's eligibility rules: the one check every strategy runs
/// on each rep it examines, and every wrapper runs on what its inner strategy returns.
pub(crate) fn check_rep(request: &Request<'_>, rep: &Rep) -> Option<ExclusionReason> {
    use crate::model::Availability;
    if !rep.availability.is_available(request.now) {
        let until = match rep.availability {
            Availability::OnLeave { until } => Some(until),
            _ => None,
        };
        return Some(ExclusionReason::Refused(Refusal::Unavailable { until }));
    }
    request.eligibility.and_then(|e| e.exclude(request, rep))
}

/// [`check_rep`] for a rep named by id: a rep not on the request's team is refused too.
pub(crate) fn check_id(request: &Request<'_>, rep: RepId) -> Option<ExclusionReason> {
    match request.team.get(rep) {
        Some(profile) => check_rep(request, profile),
        None => Some(ExclusionReason::Refused(Refusal::NotOnTeam)),
    }
}

/// The tie-break every strategy uses: longest since the last assignment first (never assigned
/// sorts first), then the lower id. Never record or creation order.
pub(crate) fn fairness_key(request: &Request<'_>, rep: RepId) -> (Option<DateTime<Utc>>, RepId) {
    (request.view.last_assigned_at(rep), rep)
}

/// Intake quotas: how many leads a rep may receive per period. Counted by
/// [`TeamView::received_in`](super::TeamView::received_in) over team days (see
/// [`TeamZone`](crate::calendar::TeamZone)).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeQuota {
    /// Most leads per team day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_day: Option<u32>,
    /// Most leads per ISO week (Monday start, team zone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_week: Option<u32>,
    /// Most leads over the last 30 team days, today included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_rolling_30_days: Option<u32>,
}

impl Eligibility for IntakeQuota {
    fn exclude(&self, request: &Request<'_>, rep: &Rep) -> Option<ExclusionReason> {
        let today = request.zone.day_of(request.now);
        let tomorrow = today.succ_opt().unwrap_or(today);
        let month_ago = today
            .checked_sub_days(chrono::Days::new(29))
            .unwrap_or(chrono::NaiveDate::MIN);
        let windows = [
            (self.per_day, QuotaPeriod::Day, today),
            (
                self.per_week,
                QuotaPeriod::Week,
                request.zone.week_of(request.now).start,
            ),
            (
                self.per_rolling_30_days,
                QuotaPeriod::Rolling30Days,
                month_ago,
            ),
        ];
        for (limit, period, from) in windows {
            let Some(limit) = limit else { continue };
            let received = request.view.received_in(rep.id, from..tomorrow);
            if received >= limit {
                return Some(ExclusionReason::OverQuota {
                    period,
                    received,
                    limit,
                });
            }
        }
        None
    }
}

fn yes() -> bool {
    true
}

/// The standard eligibility rules: the pool's admission rules for a rule assignment (via
/// [`TeamView::pool_refusal`](super::TeamView::pool_refusal)) and intake quotas. Serde form of
/// a [`Filter`](super::Filter).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EligibilityRules {
    /// Ask the pool whether it would refuse the client to the rep.
    #[serde(default = "yes")]
    pub pool_rules: bool,
    /// Intake quotas.
    #[serde(default)]
    pub quota: IntakeQuota,
}

impl Default for EligibilityRules {
    fn default() -> Self {
        Self {
            pool_rules: true,
            quota: IntakeQuota::default(),
        }
    }
}

impl Eligibility for EligibilityRules {
    fn exclude(&self, request: &Request<'_>, rep: &Rep) -> Option<ExclusionReason> {
        if self.pool_rules {
            if let Some(refusal) = request.view.pool_refusal(rep.id, request.client) {
                return Some(ExclusionReason::Refused(refusal));
            }
        }
        self.quota.exclude(request, rep)
    }
}

/// What a rotation does with a rep it had to skip (on leave, at cap, over quota).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Rejoin {
    /// Reset the rep's place to the team's current level: no catch-up flood when it returns,
    /// and no starvation either (it is immediately due like any member with zero lag).
    #[default]
    Calibrate,
    /// Keep the rep's place: on return it is served until its share catches up.
    KeepPlace,
}

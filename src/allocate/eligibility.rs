//! Who may receive a lead at all, before any strategy ranks anyone.
//!
//! Availability (inactive, on leave) is always checked: an unavailable rep is never in any
//! rotation. On top of it, an [`Eligibility`] rule set by the [`Filter`](super::Filter) wrapper
//! reaches every strategy through [`Request::eligibility`], so each strategy skips ineligible
//! reps while it walks its own index, instead of a filter copying the team per lead.

use super::{ExclusionReason, Request};
use crate::calendar::before_days;
use crate::ids::RepId;
use crate::model::Rep;
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

/// Availability first, then the request's eligibility rules: the one check every strategy runs
/// on each rep it examines.
pub fn check_rep(request: &Request<'_>, rep: &Rep) -> Option<ExclusionReason> {
    use crate::model::Availability;
    if !rep.availability.is_available(request.now) {
        let until = match rep.availability {
            Availability::OnLeave { until } => Some(until),
            _ => None,
        };
        return Some(ExclusionReason::Unavailable { until });
    }
    request.eligibility.and_then(|e| e.exclude(request, rep))
}

/// The tie-break every strategy uses: longest since the last assignment first (never assigned
/// sorts first), then the lower id. Never record or creation order.
pub(crate) fn fairness_key(request: &Request<'_>, rep: RepId) -> (Option<DateTime<Utc>>, RepId) {
    (request.view.last_assigned_at(rep), rep)
}

/// Intake quotas: how many leads a rep may receive per period. Counted by
/// [`TeamView::received_since`](super::TeamView::received_since); the day and week are the
/// team's (see [`TeamZone`](crate::calendar::TeamZone)).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeQuota {
    /// Most leads per team day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_day: Option<u32>,
    /// Most leads per ISO week (Monday start, team zone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_week: Option<u32>,
    /// Most leads in the 30 days (720 hours) before the decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_rolling_30_days: Option<u32>,
}

impl Eligibility for IntakeQuota {
    fn exclude(&self, request: &Request<'_>, rep: &Rep) -> Option<ExclusionReason> {
        let zone = request.zone;
        let now = request.now;
        let windows = [
            (self.per_day, "day", zone.start_of_day(zone.day_of(now))),
            (
                self.per_week,
                "week",
                zone.start_of_day(zone.week_of(now).start),
            ),
            (
                self.per_rolling_30_days,
                "rolling_30_days",
                before_days(now, 30),
            ),
        ];
        for (limit, period, since) in windows {
            let Some(limit) = limit else { continue };
            let received = request.view.received_since(rep.id, since);
            if received >= limit {
                return Some(ExclusionReason::OverQuota {
                    period: period.to_owned(),
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

/// The standard eligibility rules: the pool's refusals (private-pool cap, reclaim cooldown,
/// daily claim limit, via [`TeamView::pool_refusal`](super::TeamView::pool_refusal)) and intake
/// quotas. Serde form of a [`Filter`](super::Filter).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
                return Some(refusal.reason);
            }
        }
        self.quota.exclude(request, rep)
    }
}

/// What a rotation does with a rep it had to skip (on leave, at cap, over quota).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rejoin {
    /// Reset the rep's place to the team's current level: no catch-up flood when it returns,
    /// and no starvation either (it is immediately due like any member with zero lag).
    #[default]
    Calibrate,
    /// Keep the rep's place: on return it is served until its share catches up.
    KeepPlace,
}

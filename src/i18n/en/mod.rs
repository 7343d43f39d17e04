//! The English message table.

mod permission;

pub(super) use permission::{action, actor, forbidden, grant, kind, matrix, need};

use super::{Locale, Render, day};
use crate::allocate::{Exclusion, Explanation};
use crate::calendar::Window;
use crate::config::ConfigError;
use crate::conflict::ContactVerdict;
use crate::model::{ContactLevel, RecycleCause, RecycleKind, ReleaseReason, SourceKind};
use crate::pool::{PoolError, Route};
use crate::reason::{ExclusionReason, QuotaPeriod, Refusal, Step, TerritoryPick};
use std::fmt::{Formatter, Result};

pub(super) fn refusal(r: &Refusal, l: &Locale, f: &mut Formatter<'_>) -> Result {
    match r {
        Refusal::NotOnTeam => f.write_str("not on the team"),
        Refusal::Unavailable { until: Some(until) } => {
            write!(f, "on leave until {}", l.instant(*until))
        }
        Refusal::Unavailable { until: None } => f.write_str("inactive (left or suspended)"),
        Refusal::NotMember { pool } => write!(f, "not a member of {pool}"),
        Refusal::Embargoed { until } => {
            write!(
                f,
                "newly pooled: nobody may claim it before {}",
                l.instant(*until)
            )
        }
        Refusal::Cooldown { until } => {
            write!(f, "in the reclaim cooldown until {}", l.instant(*until))
        }
        Refusal::Protected {
            by,
            level,
            since,
            until,
        } => {
            write!(f, "protected against double contact by {by}")?;
            match level {
                Some(level) => write!(f, " ({} on {})", level.render(*l), l.instant(*since))?,
                None => write!(f, " (owner since {})", l.instant(*since))?,
            }
            match until {
                Some(until) => write!(f, " until {}", l.instant(*until)),
                None => f.write_str(" while it cooperates"),
            }
        }
        Refusal::CapReached { holding, cap } => {
            write!(f, "private-pool cap reached: holds {holding} of {cap}")
        }
        Refusal::DailyLimit {
            claims,
            limit,
            day: d,
        } => write!(
            f,
            "daily claim limit reached: {claims} of {limit} claimed on {}",
            day(*d)
        ),
    }
}

pub(super) fn exclusion(r: &ExclusionReason, l: &Locale, f: &mut Formatter<'_>) -> Result {
    match r {
        ExclusionReason::Refused(refusal) => refusal.write_text(l, f),
        ExclusionReason::OverQuota {
            period,
            received,
            limit,
        } => write!(
            f,
            "intake quota reached: received {received} of {limit} per {}",
            period.render(*l)
        ),
        ExclusionReason::AtCapacity { load, capacity } => {
            write!(f, "no room: open load {load} of capacity {capacity}")
        }
        ExclusionReason::Custom { rule } => write!(f, "excluded by the rule {rule:?}"),
    }
}

pub(super) fn excluded(e: &Exclusion, l: &Locale, f: &mut Formatter<'_>) -> Result {
    write!(f, "{} ({})", e.rep, e.reason.render(*l))
}

pub(super) fn step(s: &Step, l: &Locale, f: &mut Formatter<'_>) -> Result {
    match s {
        Step::NextInRotation { key, rep, turn } => {
            write!(f, "{rep} is next in the rotation {key:?} (turn {turn})")
        }
        Step::RotationExhausted { key } => {
            write!(f, "no member of the rotation {key:?} may take the client")
        }
        Step::Territory {
            territory,
            rep,
            pick,
        } => write!(
            f,
            "territory {territory:?} is the most specific with an eligible rep; {rep} {}",
            pick.render(*l)
        ),
        Step::NoTerritory => f.write_str("no territory covers the client's region"),
        Step::TerritoriesExhausted { tried } => {
            write!(f, "{tried} covering territories have no eligible rep")
        }
        Step::SkillMatched {
            rep,
            desired,
            of,
            qualified,
            load,
        } => write!(
            f,
            "{rep} has every required skill and {desired} of {of} desired ({qualified} reps \
             qualified; open load {load})"
        ),
        Step::MissingSkill { tag } => write!(f, "no rep has the required skill {tag:?}"),
        Step::NoQualifiedRep { qualified } => {
            write!(
                f,
                "{qualified} reps have the required skills; none is eligible"
            )
        }
        Step::ScoreDrawn {
            score,
            band,
            rep,
            weight,
            total,
        } => write!(
            f,
            "lead score {score:.1} falls in the band from {band}; {rep} drawn with weight \
             {weight} of {total}"
        ),
        Step::NoBand { score } => write!(f, "lead score {score:.1} falls in no band"),
        Step::BandExhausted { score, band } => write!(
            f,
            "lead score {score:.1} falls in the band from {band}, which has no eligible rep"
        ),
        Step::Ranked {
            key,
            rep,
            rank,
            score,
            window,
            from,
            to,
        } => write!(
            f,
            "{rep} ranks #{rank} in {key:?} over {} ({} to {}) with score {score}",
            window.render(*l),
            day(*from),
            day(*to)
        ),
        Step::RankingExhausted {
            key,
            window,
            from,
            to,
        } => write!(
            f,
            "no rep ranked in {key:?} over {} ({} to {}) may take the client",
            window.render(*l),
            day(*from),
            day(*to)
        ),
        Step::LeastLoaded {
            rep,
            load,
            capacity,
        } => write!(f, "{rep} has the lowest open load: {load} of {capacity}"),
        Step::NoRoom => f.write_str("no rep has room"),
        Step::PriorContact { rep, client, since } => write!(
            f,
            "{rep} already works {client} (same company, phone or e-mail) since {}",
            l.instant(*since)
        ),
        Step::NamedRep { rep } => {
            write!(f, "no earlier contact; {rep} received the client directly")
        }
        Step::NoOwner => f.write_str("no eligible earlier contact and no eligible named rep"),
        Step::MinimumShare {
            rep,
            received,
            owed,
        } => write!(
            f,
            "{rep} is below its minimum share: {received} leads in the window, owed {owed:.1}"
        ),
        Step::ThompsonDraw { rep, draw, mean } => write!(
            f,
            "{rep} drew the highest win rate, {draw:.3} (posterior mean {mean:.3})"
        ),
        Step::NobodyEligible => f.write_str("no rep may take the client"),
        Step::Routed { source } => write!(f, "source {} routed", source.render(*l)),
        Step::NoRoute { source } => write!(f, "no route for source {}", source.render(*l)),
        Step::FallbackDecided { attempt } => write!(f, "attempt {attempt} decided"),
        Step::FallbackExhausted { attempts } => {
            write!(f, "all {attempts} strategies left the client unassigned")
        }
        Step::Vetoed { rep, reason } => write!(
            f,
            "the strategy chose {rep}, who may not take the client: {}",
            reason.render(*l)
        ),
        Step::Custom {
            rule,
            rep: Some(rep),
        } => write!(f, "the rule {rule:?} chose {rep}"),
        Step::Custom { rule, rep: None } => write!(f, "the rule {rule:?} chose nobody"),
    }
}

pub(super) fn explanation(e: &Explanation, l: &Locale, f: &mut Formatter<'_>) -> Result {
    for (i, s) in e.steps().enumerate() {
        if i > 0 {
            f.write_str("; ")?;
        }
        s.write_text(l, f)?;
    }
    if e.considered() > 0 {
        write!(f, " [{} considered", e.considered())?;
        let listed: Vec<_> = e.excluded().collect();
        if !listed.is_empty() {
            f.write_str("; excluded: ")?;
            for (i, x) in listed.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                x.write_text(l, f)?;
            }
            let more = e.excluded_total().saturating_sub(listed.len() as u32);
            if more > 0 {
                write!(f, " and {more} more")?;
            }
        }
        f.write_str("]")?;
    }
    Ok(())
}

pub(super) fn release(r: &ReleaseReason, l: &Locale, f: &mut Formatter<'_>) -> Result {
    match r {
        ReleaseReason::Policy { cause: c } => c.write_text(l, f),
        ReleaseReason::Owner { note } => write!(f, "released by the owner: {note}"),
    }
}

pub(super) fn cause(c: &RecycleCause, _: &Locale, f: &mut Formatter<'_>) -> Result {
    let days = c.days;
    match c.rule {
        RecycleKind::NoFollowUp => write!(f, "not followed up for {days} days"),
        RecycleKind::NoOpportunity => write!(f, "no open opportunity {days} days after claim"),
        RecycleKind::NoDeal => write!(f, "no deal {days} days after claim"),
    }
}

pub(super) fn level(c: &ContactLevel, _: &Locale, f: &mut Formatter<'_>) -> Result {
    f.write_str(match c {
        ContactLevel::Phone => "phone call",
        ContactLevel::Visit => "visit",
        ContactLevel::Sample => "sample sent",
        ContactLevel::Cooperating => "cooperating",
    })
}

pub(super) fn period(p: &QuotaPeriod, _: &Locale, f: &mut Formatter<'_>) -> Result {
    f.write_str(match p {
        QuotaPeriod::Day => "day",
        QuotaPeriod::Week => "week",
        QuotaPeriod::Rolling30Days => "30 days",
    })
}

pub(super) fn window(w: &Window, _: &Locale, f: &mut Formatter<'_>) -> Result {
    f.write_str(match w {
        Window::PreviousWeek => "last week",
        Window::ThisWeek => "this week",
        Window::PreviousMonth => "last month",
        Window::ThisMonth => "this month",
    })
}

pub(super) fn source(s: &SourceKind, _: &Locale, f: &mut Formatter<'_>) -> Result {
    f.write_str(match s {
        SourceKind::TradeShow => "trade-show card",
        SourceKind::PlatformSubAccount => "platform sub-account inquiry",
        SourceKind::PlatformMaster => "platform master-account inquiry",
        SourceKind::Website => "website inquiry",
        SourceKind::DirectorySearch => "directory-search list",
        SourceKind::PurchasedList => "purchased list",
        SourceKind::Other => "other source",
    })
}

pub(super) fn route(r: &Route, _: &Locale, f: &mut Formatter<'_>) -> Result {
    f.write_str(match r {
        Route::Claim => "claim",
        Route::RuleAssignment => "rule assignment",
        Route::ManagerAssignment => "manager assignment",
        Route::Transfer => "transfer",
        Route::Handover => "handover",
        Route::Deal => "deal on a public client",
    })
}

pub(super) fn pick(p: &TerritoryPick, _: &Locale, f: &mut Formatter<'_>) -> Result {
    match p {
        TerritoryPick::Rotation => f.write_str("is next in the territory's rotation"),
        TerritoryPick::LeastLoaded { load, capacity } => {
            write!(f, "is least loaded in the territory ({load} of {capacity})")
        }
        TerritoryPick::MostHeld { held } => {
            write!(f, "holds the most clients in the region ({held})")
        }
    }
}

pub(super) fn verdict(v: &ContactVerdict, l: &Locale, f: &mut Formatter<'_>) -> Result {
    match v {
        ContactVerdict::Allowed => f.write_str("allowed: nobody else works this client"),
        ContactVerdict::NotMember { pool } => {
            write!(f, "stop: the client is in {pool}, which you may not work")
        }
        ContactVerdict::Notice { by, at } => write!(
            f,
            "allowed, but {by} phoned it on {}: coordinate with them",
            l.instant(*at)
        ),
        ContactVerdict::Refused {
            by,
            level,
            since,
            protection,
        } => {
            write!(
                f,
                "stop: {by} protects this client since {}",
                l.instant(*since)
            )?;
            if let Some(level) = level {
                write!(f, " ({})", level.render(*l))?;
            }
            match protection {
                crate::conflict::Protection::Owned => f.write_str(", in their private pool"),
                crate::conflict::Protection::Cooperating => f.write_str(", a deal is in force"),
                crate::conflict::Protection::Window { until } => {
                    write!(f, ", until {}", l.instant(*until))
                }
            }
        }
    }
}

pub(super) fn pool_error(e: &PoolError, _: &Locale, f: &mut Formatter<'_>) -> Result {
    write!(f, "{e}")
}

pub(super) fn config_error(e: &ConfigError, _: &Locale, f: &mut Formatter<'_>) -> Result {
    write!(f, "{e}")
}

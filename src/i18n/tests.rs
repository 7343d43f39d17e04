//! Every variant of every reason has text in both languages. The `samples` functions list one
//! value per variant; the `covers` functions match every variant without a wildcard, so a new
//! variant does not compile until it has a sample (and both tables, which also match without a
//! wildcard, say it).

use super::{Lang, Locale, Render};
use crate::allocate::Explanation;
use crate::calendar::Window;
use crate::config::{ConfigError, ConfigRule};
use crate::conflict::{ContactVerdict, Protection};
use crate::ids::{ClientId, DeptId, PoolId, RepId};
use crate::label::Label;
use crate::model::{ContactLevel, RecycleCause, RecycleKind, ReleaseReason, SourceKind};
use crate::pool::{Action, Actor, ActorKind, Forbidden, Grant, Need, PoolError, Route};
use crate::reason::{ExclusionReason, QuotaPeriod, Refusal, Step, TerritoryPick};
use chrono::{NaiveDate, TimeZone, Utc};

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 1, 30, 0).unwrap()
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

pub(crate) fn refusals() -> Vec<Refusal> {
    let all = vec![
        Refusal::NotOnTeam,
        Refusal::Unavailable { until: Some(at()) },
        Refusal::Unavailable { until: None },
        Refusal::NotMember { pool: PoolId(7) },
        Refusal::Embargoed { until: at() },
        Refusal::Cooldown { until: at() },
        Refusal::Protected {
            by: RepId(2),
            level: Some(ContactLevel::Visit),
            since: at(),
            until: Some(at()),
        },
        Refusal::Protected {
            by: RepId(2),
            level: None,
            since: at(),
            until: None,
        },
        Refusal::CapReached {
            holding: 30,
            cap: 30,
        },
        Refusal::DailyLimit {
            claims: 5,
            limit: 5,
            day: day(),
        },
    ];
    for r in &all {
        covers_refusal(r);
    }
    all
}

fn covers_refusal(r: &Refusal) {
    match r {
        Refusal::NotOnTeam
        | Refusal::Unavailable { .. }
        | Refusal::NotMember { .. }
        | Refusal::Embargoed { .. }
        | Refusal::Cooldown { .. }
        | Refusal::Protected { .. }
        | Refusal::CapReached { .. }
        | Refusal::DailyLimit { .. } => {}
    }
}

pub(crate) fn exclusions() -> Vec<ExclusionReason> {
    let mut all: Vec<ExclusionReason> = refusals().into_iter().map(Into::into).collect();
    all.extend([
        ExclusionReason::OverQuota {
            period: QuotaPeriod::Week,
            received: 8,
            limit: 8,
        },
        ExclusionReason::AtCapacity {
            load: 9,
            capacity: 9,
        },
        ExclusionReason::Custom {
            rule: Label::new("vip only"),
        },
    ]);
    for e in &all {
        match e {
            ExclusionReason::Refused(_)
            | ExclusionReason::OverQuota { .. }
            | ExclusionReason::AtCapacity { .. }
            | ExclusionReason::Custom { .. } => {}
        }
    }
    all
}

pub(crate) fn steps() -> Vec<Step> {
    let (rep, key) = (RepId(3), Label::new("round_robin"));
    let all = vec![
        Step::NextInRotation {
            key: key.clone(),
            rep,
            turn: 12,
        },
        Step::RotationExhausted { key: key.clone() },
        Step::Territory {
            territory: Label::new("CN/Guangdong/Shenzhen"),
            rep,
            pick: TerritoryPick::Rotation,
        },
        Step::NoTerritory,
        Step::TerritoriesExhausted { tried: 2 },
        Step::SkillMatched {
            rep,
            desired: 2,
            of: 3,
            qualified: 4,
            load: 5,
        },
        Step::MissingSkill {
            tag: Label::new("nuclear"),
        },
        Step::NoQualifiedRep { qualified: 4 },
        Step::ScoreDrawn {
            score: 82.5,
            band: 75,
            rep,
            weight: 2,
            total: 5,
        },
        Step::NoBand { score: 12.0 },
        Step::BandExhausted {
            score: 82.5,
            band: 75,
        },
        Step::Ranked {
            key: Label::new("website"),
            rep,
            rank: 1,
            score: 6.0,
            window: Window::PreviousWeek,
            from: day(),
            to: day(),
        },
        Step::RankingExhausted {
            key: Label::new("website"),
            window: Window::ThisMonth,
            from: day(),
            to: day(),
        },
        Step::LeastLoaded {
            rep,
            load: 3,
            capacity: 100,
        },
        Step::NoRoom,
        Step::PriorContact {
            rep,
            client: ClientId(900),
            since: at(),
        },
        Step::NamedRep { rep },
        Step::NoOwner,
        Step::MinimumShare {
            rep,
            received: 1,
            owed: 2.5,
        },
        Step::ThompsonDraw {
            rep,
            draw: 0.71,
            mean: 0.64,
        },
        Step::NobodyEligible,
        Step::Routed {
            source: SourceKind::Website,
        },
        Step::NoRoute {
            source: SourceKind::Other,
        },
        Step::FallbackDecided { attempt: 2 },
        Step::FallbackExhausted { attempts: 3 },
        Step::Vetoed {
            rep,
            reason: Refusal::CapReached { holding: 5, cap: 5 }.into(),
        },
        Step::Custom {
            rule: Label::new("historical"),
            rep: Some(rep),
        },
        Step::Custom {
            rule: Label::new("historical"),
            rep: None,
        },
    ];
    for s in &all {
        match s {
            Step::NextInRotation { .. }
            | Step::RotationExhausted { .. }
            | Step::Territory { .. }
            | Step::NoTerritory
            | Step::TerritoriesExhausted { .. }
            | Step::SkillMatched { .. }
            | Step::MissingSkill { .. }
            | Step::NoQualifiedRep { .. }
            | Step::ScoreDrawn { .. }
            | Step::NoBand { .. }
            | Step::BandExhausted { .. }
            | Step::Ranked { .. }
            | Step::RankingExhausted { .. }
            | Step::LeastLoaded { .. }
            | Step::NoRoom
            | Step::PriorContact { .. }
            | Step::NamedRep { .. }
            | Step::NoOwner
            | Step::MinimumShare { .. }
            | Step::ThompsonDraw { .. }
            | Step::NobodyEligible
            | Step::Routed { .. }
            | Step::NoRoute { .. }
            | Step::FallbackDecided { .. }
            | Step::FallbackExhausted { .. }
            | Step::Vetoed { .. }
            | Step::Custom { .. } => {}
        }
    }
    all
}

pub(crate) fn releases() -> Vec<ReleaseReason> {
    let mut all: Vec<ReleaseReason> = [
        RecycleKind::NoFollowUp,
        RecycleKind::NoOpportunity,
        RecycleKind::NoDeal,
    ]
    .into_iter()
    .map(|rule| ReleaseReason::Policy {
        cause: RecycleCause { rule, days: 15 },
    })
    .collect();
    all.push(ReleaseReason::Owner {
        note: "moved abroad".into(),
    });
    for r in &all {
        match r {
            ReleaseReason::Policy { cause } => match cause.rule {
                RecycleKind::NoFollowUp | RecycleKind::NoOpportunity | RecycleKind::NoDeal => {}
            },
            ReleaseReason::Owner { .. } => {}
        }
    }
    all
}

/// One refusal for every authority an actor can lack.
pub(crate) fn forbiddens() -> Vec<Forbidden> {
    let needs = [
        Need::AnotherRole,
        Need::Themselves { rep: RepId(2) },
        Need::OwnTransfersAllowed,
        Need::MemberOf { pool: PoolId(7) },
        Need::AdminOf { pool: PoolId(7) },
        Need::ManagerOf { rep: RepId(2) },
        Need::PolicyAdmin,
        Need::NotToThemselves,
        Need::NotTheOwner { owner: RepId(4) },
    ];
    for n in &needs {
        match n {
            Need::AnotherRole
            | Need::Themselves { .. }
            | Need::OwnTransfersAllowed
            | Need::MemberOf { .. }
            | Need::AdminOf { .. }
            | Need::ManagerOf { .. }
            | Need::PolicyAdmin
            | Need::NotToThemselves
            | Need::NotTheOwner { .. } => {}
        }
    }
    let actors = [
        Actor::Rep(RepId(1)),
        Actor::Manager(RepId(3)),
        Actor::Admin(RepId(4)),
        Actor::System,
    ];
    needs
        .into_iter()
        .zip(actors.into_iter().cycle())
        .zip(Action::ALL.into_iter().cycle())
        .map(|((needs, actor), action)| Forbidden {
            actor,
            action,
            needs,
        })
        .collect()
}

/// Every grant, from the matrix (which uses each of them).
fn grants() -> Vec<Grant> {
    let mut all: Vec<Grant> = Action::ALL
        .into_iter()
        .flat_map(|a| ActorKind::ALL.map(|k| a.grant(k)))
        .collect();
    all.dedup();
    for g in &all {
        match g {
            Grant::Never
            | Grant::Always
            | Grant::Themselves
            | Grant::TheirOwnIfAllowed
            | Grant::MemberOfPool
            | Grant::AdminOfPool
            | Grant::AdminOfBothPools
            | Grant::AdminNotOwner
            | Grant::ManagerOfRep
            | Grant::ManagerOfOwner
            | Grant::ManagerOfBoth
            | Grant::PolicyAdmin => {}
        }
    }
    all
}

fn pool_errors() -> Vec<PoolError> {
    let (client, rep) = (ClientId(1), RepId(2));
    let all = vec![
        PoolError::Forbidden(forbiddens().remove(0)),
        PoolError::UnknownClient(client),
        PoolError::UnknownRep(rep),
        PoolError::UnknownPool(PoolId(7)),
        PoolError::DuplicateId(client),
        PoolError::Refused {
            client,
            rep,
            reason: Refusal::CapReached { holding: 3, cap: 3 },
        },
        PoolError::AlreadyOwned { client, owner: rep },
        PoolError::NotOwner {
            client,
            rep,
            owner: None,
        },
        PoolError::MissingReason(client),
        PoolError::NotOwned { client },
        PoolError::HandoverTooEarly {
            client,
            eligible_at: at(),
        },
        PoolError::SameRep { client, rep },
        PoolError::AlreadyWon {
            client,
            credited_to: rep,
        },
        PoolError::FutureHistory {
            client,
            position: 0,
            at: at(),
            now: at(),
        },
        PoolError::StillHolds { rep, holding: 2 },
        PoolError::Config(config_errors().remove(0)),
        PoolError::NobodyChosen {
            client,
            explanation: Box::new(Explanation::new(Step::NoRoom)),
        },
        PoolError::DecisionMismatch {
            client,
            decided: ClientId(9),
        },
        PoolError::Contention {
            attempts: 8,
            last: crate::StoreError::Conflict(crate::error::Conflict::Client {
                id: client,
                expected: 1,
                found: 2,
            }),
        },
        PoolError::Store(crate::StoreError::backend("disk full", false)),
        PoolError::NotConfigured,
        PoolError::AlreadyConfigured { version: 3 },
    ];
    for e in &all {
        match e {
            PoolError::UnknownClient(_)
            | PoolError::Forbidden(_)
            | PoolError::UnknownRep(_)
            | PoolError::UnknownPool(_)
            | PoolError::DuplicateId(_)
            | PoolError::Refused { .. }
            | PoolError::AlreadyOwned { .. }
            | PoolError::NotOwner { .. }
            | PoolError::MissingReason(_)
            | PoolError::NotOwned { .. }
            | PoolError::HandoverTooEarly { .. }
            | PoolError::SameRep { .. }
            | PoolError::AlreadyWon { .. }
            | PoolError::FutureHistory { .. }
            | PoolError::StillHolds { .. }
            | PoolError::Config(_)
            | PoolError::NobodyChosen { .. }
            | PoolError::DecisionMismatch { .. }
            | PoolError::Contention { .. }
            | PoolError::NotConfigured
            | PoolError::AlreadyConfigured { .. }
            | PoolError::Store(_) => {}
        }
    }
    all
}

fn config_errors() -> Vec<ConfigError> {
    let rules = vec![
        ConfigRule::UndefinedPool { pool: PoolId(3) },
        ConfigRule::UnknownRep { rep: RepId(9) },
        ConfigRule::DuplicateRep { rep: RepId(1) },
        ConfigRule::NotFinite { value: f64::NAN },
        ConfigRule::OutOfRange {
            value: 1e308,
            min: 0.0,
            max: 1e6,
        },
        ConfigRule::Empty,
        ConfigRule::UndefinedDept { dept: DeptId(4) },
        ConfigRule::Cycle { dept: DeptId(2) },
        ConfigRule::Duplicate {
            name: "website".into(),
        },
    ];
    for r in &rules {
        match r {
            ConfigRule::UndefinedPool { .. }
            | ConfigRule::UnknownRep { .. }
            | ConfigRule::DuplicateRep { .. }
            | ConfigRule::NotFinite { .. }
            | ConfigRule::OutOfRange { .. }
            | ConfigRule::Empty
            | ConfigRule::UndefinedDept { .. }
            | ConfigRule::Cycle { .. }
            | ConfigRule::Duplicate { .. } => {}
        }
    }
    rules
        .into_iter()
        .map(|rule| ConfigError::new("weights.x", rule))
        .collect()
}

fn verdicts() -> Vec<ContactVerdict> {
    vec![
        ContactVerdict::Allowed,
        ContactVerdict::NotMember { pool: PoolId(7) },
        ContactVerdict::Notice {
            by: RepId(2),
            at: at(),
        },
        ContactVerdict::Refused {
            by: RepId(2),
            level: Some(ContactLevel::Sample),
            since: at(),
            protection: Protection::Window { until: at() },
        },
        ContactVerdict::Refused {
            by: RepId(2),
            level: None,
            since: at(),
            protection: Protection::Owned,
        },
        ContactVerdict::Refused {
            by: RepId(2),
            level: Some(ContactLevel::Cooperating),
            since: at(),
            protection: Protection::Cooperating,
        },
    ]
}

/// Both texts of `value`: non-empty, different, and the Chinese one in Chinese.
fn both<T: Render + std::fmt::Debug>(value: &T) {
    let zone = "+08:00".parse().unwrap();
    let en = value
        .render(Locale::new(Lang::En).with_zone(zone))
        .to_string();
    let zh = value
        .render(Locale::new(Lang::ZhCn).with_zone(zone))
        .to_string();
    assert!(!en.trim().is_empty(), "{value:?} has no English text");
    assert!(!zh.trim().is_empty(), "{value:?} has no Chinese text");
    assert_ne!(en, zh, "{value:?} is not translated");
    let cjk = zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    assert!(cjk, "{value:?}: {zh:?} is not Chinese");
    assert!(
        en.is_ascii() || en.contains('撞') || en == "—",
        "{value:?}: {en:?}"
    );
}

#[test]
fn every_reason_has_text_in_english_and_chinese() {
    refusals().iter().for_each(both);
    exclusions().iter().for_each(both);
    steps().iter().for_each(both);
    releases().iter().for_each(both);
    pool_errors().iter().for_each(both);
    config_errors().iter().for_each(both);
    verdicts().iter().for_each(both);
    forbiddens().iter().for_each(both);
    grants().iter().for_each(both);
    let used: std::collections::BTreeSet<String> =
        grants().iter().map(|g| format!("{g:?}")).collect();
    assert_eq!(
        used.len(),
        12,
        "every grant is used by the matrix: {used:?}"
    );
    for action in Action::ALL {
        both(&action);
    }
    for kind in ActorKind::ALL {
        both(&kind);
    }
    for actor in [Actor::Rep(RepId(1)), Actor::Admin(RepId(1)), Actor::System] {
        both(&actor);
    }
    for level in ContactLevel::ALL {
        both(&level);
    }
    for kind in SourceKind::ALL {
        both(&kind);
    }
    for route in Route::ALL {
        both(&route);
    }
    for window in [
        Window::PreviousWeek,
        Window::ThisWeek,
        Window::PreviousMonth,
        Window::ThisMonth,
    ] {
        both(&window);
    }
    for period in [
        QuotaPeriod::Day,
        QuotaPeriod::Week,
        QuotaPeriod::Rolling30Days,
    ] {
        both(&period);
    }
    for pick in [
        TerritoryPick::Rotation,
        TerritoryPick::LeastLoaded {
            load: 1,
            capacity: 2,
        },
        TerritoryPick::MostHeld { held: 3 },
    ] {
        both(&pick);
    }
}

#[test]
fn the_chinese_table_speaks_the_seeds_vocabulary() {
    let zh = |r: &Refusal| r.render(Lang::ZhCn).to_string();
    assert!(zh(&Refusal::CapReached { holding: 1, cap: 1 }).starts_with("超出私海上限"));
    assert!(zh(&Refusal::Cooldown { until: at() }).starts_with("回收冷却期内"));
    assert!(
        zh(&Refusal::Protected {
            by: RepId(1),
            level: Some(ContactLevel::Visit),
            since: at(),
            until: Some(at())
        })
        .starts_with("撞单保护期内")
    );
    assert!(
        zh(&Refusal::DailyLimit {
            claims: 1,
            limit: 1,
            day: day()
        })
        .starts_with("今日领取已达上限")
    );
    let release = ReleaseReason::Policy {
        cause: RecycleCause {
            rule: RecycleKind::NoFollowUp,
            days: 15,
        },
    };
    assert_eq!(
        release.render(Lang::ZhCn).to_string(),
        "15天未跟进，自动回收至公海"
    );
    assert_eq!(release.to_string(), "not followed up for 15 days");
}

#[test]
fn instants_show_in_the_locales_zone() {
    let r = Refusal::Cooldown { until: at() };
    assert_eq!(
        r.render(Lang::En).to_string(),
        "in the reclaim cooldown until 2026-11-24 01:30 +00:00"
    );
    let shanghai = Locale::new(Lang::ZhCn).with_zone("+08:00".parse().unwrap());
    assert_eq!(
        r.render(shanghai).to_string(),
        "回收冷却期内，2026-11-24 09:30 +08:00 前不可捡回"
    );
}

#[test]
fn language_tags_parse_in_the_usual_spellings() {
    for tag in ["zh-CN", "zh_cn", "zh", "ZH-Hans"] {
        assert_eq!(tag.parse::<Lang>(), Ok(Lang::ZhCn), "{tag}");
    }
    assert_eq!("en".parse::<Lang>(), Ok(Lang::En));
    assert!("fr".parse::<Lang>().is_err());
    assert_eq!(Lang::default(), Lang::En);
}

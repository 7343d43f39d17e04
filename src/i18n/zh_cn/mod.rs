//! 简体中文消息表（Simplified Chinese message table）, in the seed documents' vocabulary.

mod permission;

pub(super) use permission::{action, actor, forbidden, grant, kind, matrix, need};

use super::{Locale, Render, day};
use crate::allocate::{Exclusion, Explanation};
use crate::calendar::Window;
use crate::config::{ConfigError, ConfigRule};
use crate::conflict::{ContactVerdict, Protection};
use crate::model::{ContactLevel, RecycleCause, RecycleKind, ReleaseReason, SourceKind};
use crate::pool::{PoolError, Route};
use crate::reason::{ExclusionReason, QuotaPeriod, Refusal, Step, TerritoryPick};
use std::fmt::{Formatter, Result};

pub(super) fn refusal(r: &Refusal, l: &Locale, f: &mut Formatter<'_>) -> Result {
    match r {
        Refusal::NotOnTeam => f.write_str("不在团队中"),
        Refusal::Unavailable { until: Some(until) } => {
            write!(f, "休假中，{} 返回", l.instant(*until))
        }
        Refusal::Unavailable { until: None } => f.write_str("已停用（离职或暂停）"),
        Refusal::NotMember { pool } => write!(f, "不是公海 {pool} 的成员"),
        Refusal::Embargoed { until } => {
            write!(f, "新入公海，{} 前任何人不可领取", l.instant(*until))
        }
        Refusal::Cooldown { until } => {
            write!(f, "回收冷却期内，{} 前不可捡回", l.instant(*until))
        }
        Refusal::Protected {
            by,
            level,
            since,
            until,
        } => {
            match level {
                Some(level) => write!(
                    f,
                    "撞单保护期内：{by} 于 {} {}",
                    l.instant(*since),
                    level.render(*l)
                )?,
                None => write!(
                    f,
                    "撞单保护期内：{by} 自 {} 起拥有该客户",
                    l.instant(*since)
                )?,
            }
            match until {
                Some(until) => write!(f, "，保护至 {}", l.instant(*until)),
                None => f.write_str("，合作期间一直受保护"),
            }
        }
        Refusal::CapReached { holding, cap } => {
            write!(f, "超出私海上限：已有 {holding} 个，上限 {cap} 个")
        }
        Refusal::DailyLimit {
            claims,
            limit,
            day: d,
        } => write!(
            f,
            "今日领取已达上限：{} 已领取 {claims} 个，上限 {limit} 个",
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
            "超出分配配额：每{}上限 {limit} 个，已分配 {received} 个",
            period.render(*l)
        ),
        ExclusionReason::AtCapacity { load, capacity } => {
            write!(f, "负荷已满：跟进中 {load} 个，容量 {capacity} 个")
        }
        ExclusionReason::Custom { rule } => write!(f, "被规则“{rule}”排除"),
    }
}

pub(super) fn excluded(e: &Exclusion, l: &Locale, f: &mut Formatter<'_>) -> Result {
    write!(f, "{}（{}）", e.rep, e.reason.render(*l))
}

pub(super) fn step(s: &Step, l: &Locale, f: &mut Formatter<'_>) -> Result {
    match s {
        Step::NextInRotation { key, rep, turn } => {
            write!(f, "{rep} 是轮流分配“{key}”的下一位（第 {turn} 轮）")
        }
        Step::RotationExhausted { key } => write!(f, "轮流分配“{key}”中没有可接收的成员"),
        Step::Territory {
            territory,
            rep,
            pick,
        } => write!(
            f,
            "区域“{territory}”是有可分配业务员的最具体区域；{rep} {}",
            pick.render(*l)
        ),
        Step::NoTerritory => f.write_str("没有区域覆盖该客户所在地"),
        Step::TerritoriesExhausted { tried } => {
            write!(f, "覆盖该客户的 {tried} 个区域都没有可分配的业务员")
        }
        Step::SkillMatched {
            rep,
            desired,
            of,
            qualified,
            load,
        } => write!(
            f,
            "{rep} 具备全部必需技能，并匹配 {of} 项期望中的 {desired} 项（{qualified} 人符合条件；跟进中 {load} 个）"
        ),
        Step::MissingSkill { tag } => write!(f, "没有业务员具备必需技能“{tag}”"),
        Step::NoQualifiedRep { qualified } => {
            write!(f, "{qualified} 人具备必需技能，但都不可接收")
        }
        Step::ScoreDrawn {
            score,
            band,
            rep,
            weight,
            total,
        } => write!(
            f,
            "线索评分 {score:.1} 落在 {band} 分以上档；按权重抽中 {rep}（权重 {weight}/{total}）"
        ),
        Step::NoBand { score } => write!(f, "线索评分 {score:.1} 不在任何分档内"),
        Step::BandExhausted { score, band } => write!(
            f,
            "线索评分 {score:.1} 落在 {band} 分以上档，但该档没有可接收的业务员"
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
            "{rep} 在“{key}”{}（{} 至 {}）排名第 {rank}，得分 {score}",
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
            "“{key}”{}（{} 至 {}）的排名中没有可接收的业务员",
            window.render(*l),
            day(*from),
            day(*to)
        ),
        Step::LeastLoaded {
            rep,
            load,
            capacity,
        } => write!(
            f,
            "{rep} 当前负荷最低：跟进中 {load} 个，容量 {capacity} 个"
        ),
        Step::NoRoom => f.write_str("所有业务员负荷已满"),
        Step::PriorContact { rep, client, since } => write!(
            f,
            "{rep} 自 {} 起已在跟进 {client}（公司名、电话或邮箱相同），由其继续跟进",
            l.instant(*since)
        ),
        Step::NamedRep { rep } => write!(f, "此前无人联系过；由直接收到该客户的 {rep} 跟进"),
        Step::NoOwner => f.write_str("既没有可接收的先前联系人，也没有可接收的指定业务员"),
        Step::MinimumShare {
            rep,
            received,
            owed,
        } => write!(
            f,
            "{rep} 低于最低分配份额：统计期内已分配 {received} 个，应得 {owed:.1} 个"
        ),
        Step::ThompsonDraw { rep, draw, mean } => write!(
            f,
            "{rep} 抽样所得成交率最高：{draw:.3}（后验均值 {mean:.3}）"
        ),
        Step::NobodyEligible => f.write_str("没有可接收的业务员"),
        Step::Routed { source } => write!(f, "按客户来源“{}”分流", source.render(*l)),
        Step::NoRoute { source } => write!(f, "客户来源“{}”没有对应的分配规则", source.render(*l)),
        Step::FallbackDecided { attempt } => write!(f, "第 {attempt} 个备选规则作出分配"),
        Step::FallbackExhausted { attempts } => {
            write!(f, "{attempts} 个规则都未能分配，客户留在公海")
        }
        Step::Vetoed { rep, reason } => {
            write!(f, "规则选中了 {rep}，但其不可接收：{}", reason.render(*l))
        }
        Step::Custom {
            rule,
            rep: Some(rep),
        } => write!(f, "自定义规则“{rule}”选中 {rep}"),
        Step::Custom { rule, rep: None } => write!(f, "自定义规则“{rule}”未选中任何人"),
    }
}

pub(super) fn explanation(e: &Explanation, l: &Locale, f: &mut Formatter<'_>) -> Result {
    for (i, s) in e.steps().enumerate() {
        if i > 0 {
            f.write_str("；")?;
        }
        s.write_text(l, f)?;
    }
    if e.considered() > 0 {
        write!(f, "［共考虑 {} 人", e.considered())?;
        let listed: Vec<_> = e.excluded().collect();
        if !listed.is_empty() {
            f.write_str("；排除：")?;
            for (i, x) in listed.iter().enumerate() {
                if i > 0 {
                    f.write_str("、")?;
                }
                x.write_text(l, f)?;
            }
            let more = e.excluded_total().saturating_sub(listed.len() as u32);
            if more > 0 {
                write!(f, "，另有 {more} 人")?;
            }
        }
        f.write_str("］")?;
    }
    Ok(())
}

pub(super) fn release(r: &ReleaseReason, l: &Locale, f: &mut Formatter<'_>) -> Result {
    match r {
        ReleaseReason::Policy { cause: c } => {
            c.write_text(l, f)?;
            f.write_str("，自动回收至公海")
        }
        ReleaseReason::Owner { note } => write!(f, "所有者主动放弃：{note}"),
    }
}

pub(super) fn cause(c: &RecycleCause, _: &Locale, f: &mut Formatter<'_>) -> Result {
    let days = c.days;
    match c.rule {
        RecycleKind::NoFollowUp => write!(f, "{days}天未跟进"),
        RecycleKind::NoOpportunity => write!(f, "领取后{days}天无商机"),
        RecycleKind::NoDeal => write!(f, "领取后{days}天未成交"),
    }
}

pub(super) fn level(c: &ContactLevel, _: &Locale, f: &mut Formatter<'_>) -> Result {
    f.write_str(match c {
        ContactLevel::Phone => "电话联系",
        ContactLevel::Visit => "拜访",
        ContactLevel::Sample => "寄样",
        ContactLevel::Cooperating => "合作",
    })
}

pub(super) fn period(p: &QuotaPeriod, _: &Locale, f: &mut Formatter<'_>) -> Result {
    f.write_str(match p {
        QuotaPeriod::Day => "天",
        QuotaPeriod::Week => "周",
        QuotaPeriod::Rolling30Days => "30天",
    })
}

pub(super) fn window(w: &Window, _: &Locale, f: &mut Formatter<'_>) -> Result {
    f.write_str(match w {
        Window::PreviousWeek => "上周",
        Window::ThisWeek => "本周",
        Window::PreviousMonth => "上月",
        Window::ThisMonth => "本月",
    })
}

pub(super) fn source(s: &SourceKind, _: &Locale, f: &mut Formatter<'_>) -> Result {
    f.write_str(match s {
        SourceKind::TradeShow => "展会名片",
        SourceKind::PlatformSubAccount => "平台子账号询盘",
        SourceKind::PlatformMaster => "平台主账号询盘",
        SourceKind::Website => "官网询盘",
        SourceKind::DirectorySearch => "搜索开发名录",
        SourceKind::PurchasedList => "购买或交换的名单",
        SourceKind::Other => "其他来源",
    })
}

pub(super) fn route(r: &Route, _: &Locale, f: &mut Formatter<'_>) -> Result {
    f.write_str(match r {
        Route::Claim => "领取",
        Route::RuleAssignment => "按规则分配",
        Route::ManagerAssignment => "经理分配",
        Route::Transfer => "转移",
        Route::Handover => "移交",
        Route::Deal => "公海客户成交",
    })
}

pub(super) fn pick(p: &TerritoryPick, _: &Locale, f: &mut Formatter<'_>) -> Result {
    match p {
        TerritoryPick::Rotation => f.write_str("是该区域轮流分配的下一位"),
        TerritoryPick::LeastLoaded { load, capacity } => {
            write!(f, "是该区域负荷最低的（{load}/{capacity}）")
        }
        TerritoryPick::MostHeld { held } => write!(f, "在该区域持有客户最多（{held} 个）"),
    }
}

pub(super) fn verdict(v: &ContactVerdict, l: &Locale, f: &mut Formatter<'_>) -> Result {
    match v {
        ContactVerdict::Allowed => f.write_str("可以联系：没有其他人在跟进该客户"),
        ContactVerdict::Notice { by, at } => write!(
            f,
            "可以联系，但 {by} 已于 {} 电话联系过，请与其协调",
            l.instant(*at)
        ),
        ContactVerdict::NotMember { pool } => write!(f, "请停止：该客户在 {pool}，你不是其成员"),
        ContactVerdict::Refused {
            by,
            level,
            since,
            protection,
        } => {
            write!(f, "请停止：{by} 自 {} 起保护该客户", l.instant(*since))?;
            if let Some(level) = level {
                write!(f, "（{}）", level.render(*l))?;
            }
            match protection {
                Protection::Owned => f.write_str("，客户在其私海中"),
                Protection::Cooperating => f.write_str("，合作中"),
                Protection::Window { until } => write!(f, "，保护至 {}", l.instant(*until)),
            }
        }
    }
}

pub(super) fn pool_error(e: &PoolError, l: &Locale, f: &mut Formatter<'_>) -> Result {
    match e {
        PoolError::UnknownClient(c) => write!(f, "客户 {c} 不存在"),
        PoolError::UnknownRep(r) => write!(f, "业务员 {r} 不存在"),
        PoolError::UnknownPool(p) => write!(f, "公海 {p} 不存在"),
        PoolError::DuplicateId(c) => write!(f, "客户 {c} 已存在"),
        PoolError::Forbidden(x) => write!(f, "{}", x.render(*l)),
        PoolError::Refused {
            client,
            rep,
            reason,
        } => write!(f, "{client} 不能交给 {rep}：{}", reason.render(*l)),
        PoolError::AlreadyOwned { client, owner } => {
            write!(f, "{client} 已在 {owner} 的私海中")
        }
        PoolError::NotOwner { client, rep, .. } => write!(f, "{rep} 不是 {client} 的所有者"),
        PoolError::NotOwned { client } => write!(f, "{client} 在公海中：只能给私海客户设置标记"),
        PoolError::MissingReason(c) => write!(f, "放弃 {c} 需要填写原因"),
        PoolError::HandoverTooEarly {
            client,
            eligible_at,
        } => write!(f, "{client} 要到 {} 才可移交", l.instant(*eligible_at)),
        PoolError::SameRep { client, rep } => write!(f, "{client} 已经属于 {rep}"),
        PoolError::AlreadyWon {
            client,
            credited_to,
        } => write!(f, "{client} 已有成交，业绩归 {credited_to}"),
        PoolError::FutureHistory {
            client,
            position,
            at,
            now,
        } => write!(
            f,
            "{client} 导入的第 {position} 条联系记录日期为 {}，晚于导入时间 {}",
            l.instant(*at),
            l.instant(*now)
        ),
        PoolError::StillHolds { rep, holding } => {
            write!(f, "{rep} 私海中还有 {holding} 个客户，请先转移再移出团队")
        }
        PoolError::Config(c) => write!(f, "配置无效：{}", c.render(*l)),
        PoolError::NobodyChosen {
            client,
            explanation,
        } => {
            write!(f, "没有人被分配到 {client}：{}", explanation.render(*l))
        }
        PoolError::DecisionMismatch { client, decided } => {
            write!(f, "用 {decided} 的分配结果去分配 {client}")
        }
        PoolError::Contention { attempts, last } => {
            write!(f, "并发冲突，重试 {attempts} 次后放弃：{last}")
        }
        PoolError::NotConfigured => f.write_str("存储中还没有团队和规则配置"),
        PoolError::AlreadyConfigured { version } => {
            write!(
                f,
                "存储中已有配置（版本 {version}），请用改规则或改团队命令修改"
            )
        }
        PoolError::Store(s) => write!(f, "存储失败：{s}"),
    }
}

pub(super) fn config_error(e: &ConfigError, _: &Locale, f: &mut Formatter<'_>) -> Result {
    write!(f, "{}：", e.path)?;
    match &e.rule {
        ConfigRule::UndefinedPool { pool } => write!(f, "公海 {pool} 未在 pools 中定义"),
        ConfigRule::UnknownRep { rep } => write!(f, "{rep} 不在团队中"),
        ConfigRule::DuplicateRep { rep } => write!(f, "{rep} 重复出现"),
        ConfigRule::NotFinite { value } => write!(f, "必须是有限数值，实际为 {value}"),
        ConfigRule::OutOfRange { value, min, max } => {
            write!(f, "必须在 {min} 到 {max} 之间，实际为 {value}")
        }
        ConfigRule::Empty => f.write_str("不能为空"),
        ConfigRule::UndefinedDept { dept } => write!(f, "{dept} 未在 `departments` 中定义"),
        ConfigRule::Cycle { dept } => write!(f, "{dept} 的上级部门链回到了它自己"),
        ConfigRule::Duplicate { name } => write!(f, "“{name}”重复使用"),
    }
}

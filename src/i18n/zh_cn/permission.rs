//! 简体中文：谁可以做什么（操作人、操作、权限矩阵、拒绝原因）。

use crate::i18n::{Locale, Render, matrix_table};
use crate::pool::admission::PermissionMatrix;
use crate::pool::{Action, Actor, ActorKind, Forbidden, Grant, Need};
use std::fmt::{Formatter, Result};

pub(in crate::i18n) fn actor(a: &Actor, _: &Locale, f: &mut Formatter<'_>) -> Result {
    match a {
        Actor::Rep(id) => write!(f, "业务员 {id}"),
        Actor::Manager(id) => write!(f, "主管 {id}"),
        Actor::Admin(id) => write!(f, "管理员 {id}"),
        Actor::System => f.write_str("系统"),
    }
}

pub(in crate::i18n) fn kind(k: &ActorKind, _: &Locale, f: &mut Formatter<'_>) -> Result {
    f.write_str(match k {
        ActorKind::Rep => "业务员",
        ActorKind::Manager => "主管",
        ActorKind::Admin => "管理员",
        ActorKind::System => "系统",
    })
}

pub(in crate::i18n) fn action(a: &Action, _: &Locale, f: &mut Formatter<'_>) -> Result {
    f.write_str(match a {
        Action::Import => "导入客户",
        Action::ImportHistory => "导入带联系记录或标记的客户",
        Action::Claim => "领取客户",
        Action::Assign => "分配客户（领导分配）",
        Action::AssignByRule => "按规则分配客户",
        Action::Transfer => "转移客户",
        Action::Handover => "移交客户",
        Action::FollowUp => "记录跟进",
        Action::Release => "释放客户到公海",
        Action::MarkDeal => "标记成交",
        Action::SetFlag => "设置客户标记（锁定等）",
        Action::MovePool => "在公海之间移动客户",
        Action::ChangePolicy => "修改公海规则",
        Action::ChangeTeam => "修改团队",
        Action::Sweep => "执行回收扫描",
    })
}

pub(in crate::i18n) fn grant(g: &Grant, _: &Locale, f: &mut Formatter<'_>) -> Result {
    f.write_str(match g {
        Grant::Never => "不可",
        Grant::Always => "总是可以",
        Grant::Themselves => "仅限本人",
        Grant::TheirOwnIfAllowed => "仅限自己的客户，且规则允许",
        Grant::MemberOfPool => "该公海的成员",
        Grant::AdminOfPool => "该公海的管理员",
        Grant::AdminOfBothPools => "两个公海的管理员",
        Grant::AdminNotOwner => "该公海的管理员，且不是所有者",
        Grant::ManagerOfRep => "该业务员的主管",
        Grant::ManagerOfOwner => "所有者的主管",
        Grant::ManagerOfBoth => "两位业务员的主管",
        Grant::PolicyAdmin => "规则管理员",
    })
}

pub(in crate::i18n) fn need(n: &Need, _: &Locale, f: &mut Formatter<'_>) -> Result {
    match n {
        Need::AnotherRole => f.write_str("此身份不能执行该操作"),
        Need::Themselves { rep } => write!(f, "只能由 {rep} 本人操作"),
        Need::OwnTransfersAllowed => f.write_str("公海规则不允许业务员自行转移自己的客户"),
        Need::MemberOf { pool } => write!(f, "需要是 {pool} 的成员"),
        Need::AdminOf { pool } => write!(f, "需要是 {pool} 的管理员"),
        Need::ManagerOf { rep } => write!(f, "需要是 {rep} 的主管"),
        Need::PolicyAdmin => f.write_str("需要是公海规则的管理员"),
        Need::NotToThemselves => f.write_str("不能把客户分配或转移给自己"),
        Need::NotTheOwner { owner } => {
            write!(f, "{owner} 是该客户的所有者，不能给自己的客户设置标记")
        }
    }
}

pub(in crate::i18n) fn forbidden(x: &Forbidden, l: &Locale, f: &mut Formatter<'_>) -> Result {
    if x.needs == Need::AnotherRole {
        return write!(
            f,
            "{}无权{}：{}不能执行此操作",
            x.actor.render(*l),
            x.action.render(*l),
            x.actor.kind().render(*l)
        );
    }
    write!(
        f,
        "{}无权{}：{}",
        x.actor.render(*l),
        x.action.render(*l),
        x.needs.render(*l)
    )
}

pub(in crate::i18n) fn matrix(_: &PermissionMatrix, l: &Locale, f: &mut Formatter<'_>) -> Result {
    matrix_table("操作", l, f)
}

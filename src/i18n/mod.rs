//! Text on demand, in English or Simplified Chinese: every reason, refusal, explanation step
//! and release reason renders in either language, in the vocabulary of the seed documents
//! (公海, 私海, 撞单, 回收冷却期, …).
//!
//! Deciding never builds text. A CRM stores the typed values and renders them when a person
//! reads them:
//!
//! ```
//! use leadpool::i18n::{Lang, Locale, Render};
//! use leadpool::reason::Refusal;
//!
//! let refusal = Refusal::CapReached { holding: 30, cap: 30 };
//! assert_eq!(refusal.render(Lang::En).to_string(), "private-pool cap reached: holds 30 of 30");
//! assert_eq!(refusal.render(Lang::ZhCn).to_string(), "超出私海上限：已有 30 个，上限 30 个");
//! // Instants show in the team's zone when the locale has one.
//! let zone = "+08:00".parse().unwrap();
//! let _ = refusal.render(Locale::new(Lang::ZhCn).with_zone(zone));
//! ```
//!
//! Each language is one message table (`en.rs`, `zh_cn.rs`): one `match` per reason type, so a
//! new variant does not compile until both tables say it.

mod en;
mod zh_cn;

use crate::allocate::{Exclusion, Explanation};
use crate::calendar::{TeamZone, Window};
use crate::config::ConfigError;
use crate::conflict::ContactVerdict;
use crate::error::ModelError;
use crate::model::{ContactLevel, RecycleCause, ReleaseReason, SourceKind};
use crate::pool::admission::PermissionMatrix;
use crate::pool::{Action, Actor, ActorKind, Forbidden, Grant, Need, PoolError, Route};
use crate::reason::{ExclusionReason, QuotaPeriod, Refusal, Step, TerritoryPick};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A language the crate renders its reasons in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Lang {
    /// English (the default).
    #[default]
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The language's tag: `en`, `zh-CN`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl FromStr for Lang {
    type Err = ModelError;

    /// Parses `en` and `zh-CN` (any case; `zh`, `zh_CN`, `zh-Hans` too).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "en" | "en-us" | "en-gb" => Ok(Lang::En),
            "zh" | "zh-cn" | "zh-hans" | "zh-hans-cn" => Ok(Lang::ZhCn),
            _ => Err(ModelError::UnknownLang {
                input: s.to_owned(),
            }),
        }
    }
}

/// A language and the zone instants are shown in (UTC unless set).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Locale {
    lang: Lang,
    zone: TeamZone,
}

impl Locale {
    /// `lang`, instants in UTC.
    pub fn new(lang: Lang) -> Self {
        Self {
            lang,
            zone: TeamZone::UTC,
        }
    }

    /// Shows instants in `zone` (builder style).
    pub fn with_zone(mut self, zone: TeamZone) -> Self {
        self.zone = zone;
        self
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// An instant as the team reads it: `2026-11-23 09:00 +08:00`.
    pub(crate) fn instant(&self, at: DateTime<Utc>) -> Instant {
        Instant {
            at,
            zone: self.zone,
        }
    }
}

impl From<Lang> for Locale {
    fn from(lang: Lang) -> Self {
        Locale::new(lang)
    }
}

/// An instant formatted in a zone, to the minute.
pub(crate) struct Instant {
    at: DateTime<Utc>,
    zone: TeamZone,
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at.naive_utc().checked_add_offset(self.zone.offset()) {
            Some(local) => write!(f, "{} {}", local.format("%Y-%m-%d %H:%M"), self.zone),
            None => write!(f, "{}", self.at.format("%Y-%m-%d %H:%M UTC")),
        }
    }
}

/// Something with text in every [`Lang`].
pub trait Render {
    /// Writes the text for `locale`.
    fn write_text(&self, locale: &Locale, f: &mut fmt::Formatter<'_>) -> fmt::Result;

    /// The text in `locale` (a [`Lang`] or a [`Locale`]), as a `Display` value: nothing is
    /// built until it is formatted.
    fn render(&self, locale: impl Into<Locale>) -> impl fmt::Display + '_ {
        Text {
            value: self,
            locale: locale.into(),
        }
    }
}

/// A value rendered in a locale; format it (`to_string`, `{}`) to get the text.
struct Text<'a, T: ?Sized> {
    value: &'a T,
    locale: Locale,
}

impl<T: Render + ?Sized> fmt::Display for Text<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.write_text(&self.locale, f)
    }
}

/// Implements [`Render`] by dispatching to each language's table, and English `Display`.
macro_rules! tables {
    ($($ty:ty => $table:ident),* $(,)?) => {$(
        impl Render for $ty {
            fn write_text(&self, locale: &Locale, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match locale.lang {
                    Lang::En => en::$table(self, locale, f),
                    Lang::ZhCn => zh_cn::$table(self, locale, f),
                }
            }
        }
    )*};
}

tables! {
    Refusal => refusal,
    ExclusionReason => exclusion,
    Exclusion => excluded,
    Step => step,
    Explanation => explanation,
    ReleaseReason => release,
    RecycleCause => cause,
    ContactLevel => level,
    QuotaPeriod => period,
    Window => window,
    SourceKind => source,
    Route => route,
    TerritoryPick => pick,
    ContactVerdict => verdict,
    PoolError => pool_error,
    Actor => actor,
    ActorKind => kind,
    Action => action,
    Grant => grant,
    Need => need,
    Forbidden => forbidden,
    PermissionMatrix => matrix,
    ConfigError => config_error,
}

macro_rules! english_display {
    ($($ty:ty),* $(,)?) => {$(
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.write_text(&Locale::default(), f)
            }
        }
    )*};
}

english_display!(
    Actor,
    ActorKind,
    Action,
    Grant,
    Need,
    Forbidden,
    Refusal,
    ExclusionReason,
    Step,
    Explanation,
    ReleaseReason,
    RecycleCause,
    QuotaPeriod,
    Route,
);

/// The permission matrix as a Markdown table, headed by `action` (the first column's title in
/// the locale's language): one row per action, one column per kind of actor.
pub(crate) fn matrix_table(action: &str, l: &Locale, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    write!(f, "| {action} |")?;
    for kind in ActorKind::ALL {
        write!(f, " {} |", kind.render(*l))?;
    }
    writeln!(f, "\n|---|---|---|---|---|")?;
    for action in Action::ALL {
        write!(f, "| {} |", action.render(*l))?;
        for kind in ActorKind::ALL {
            write!(f, " {} |", action.grant(kind).render(*l))?;
        }
        writeln!(f)?;
    }
    Ok(())
}

/// A day as text.
pub(crate) fn day(d: NaiveDate) -> impl fmt::Display {
    d.format("%Y-%m-%d")
}

#[cfg(test)]
pub(crate) mod tests;

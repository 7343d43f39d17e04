//! Calendar boundaries in the team's time zone: days, ISO weeks and calendar months.
//!
//! A daily claim limit, "last week's best performer" and "this month's inquiry leader" all
//! depend on where a day starts, and that must be the team's day, not the server's. A fixed
//! UTC offset (e.g. UTC+8 for China) is enough for that: the crate never consults the
//! machine's local zone or a zone database, so results are the same on every platform. Teams in
//! zones with daylight saving choose the offset they want boundaries computed in.

use crate::error::ModelError;
use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, Timelike, Utc, Weekday,
};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;
use std::str::FromStr;

/// A team's time zone as a fixed offset from UTC. Serialised as `"+08:00"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TeamZone {
    offset: FixedOffset,
}

impl Default for TeamZone {
    /// UTC.
    fn default() -> Self {
        Self::UTC
    }
}

impl TeamZone {
    /// UTC itself.
    pub const UTC: TeamZone = TeamZone {
        offset: match FixedOffset::east_opt(0) {
            Some(offset) => offset,
            None => unreachable!(),
        },
    };

    /// A zone `hours` east of UTC (e.g. 8 for China). Refused outside −23..=23.
    pub fn east_hours(hours: i32) -> Result<Self, ModelError> {
        Self::east_minutes(hours.saturating_mul(60))
    }

    /// A zone `minutes` east of UTC (e.g. 330 for India). Refused outside ±23:59.
    pub fn east_minutes(minutes: i32) -> Result<Self, ModelError> {
        minutes
            .checked_mul(60)
            .and_then(FixedOffset::east_opt)
            .map(|offset| Self { offset })
            .ok_or_else(|| ModelError::InvalidZone {
                input: format!("{minutes} minutes"),
            })
    }

    /// The offset.
    pub fn offset(&self) -> FixedOffset {
        self.offset
    }

    /// The team's calendar day containing `instant`.
    pub fn day_of(&self, instant: DateTime<Utc>) -> NaiveDate {
        let naive = instant.naive_utc();
        // The offset keeps the time of day within the UTC day (always at UTC): the UTC date.
        // The time's own second count (`NaiveDateTime`'s would rebuild it from hours, minutes
        // and seconds, three divisions).
        let local = i64::from(naive.time().num_seconds_from_midnight())
            + i64::from(self.offset.local_minus_utc());
        if (0..86_400).contains(&local) {
            return naive.date();
        }
        // Checked: near chrono's limits the local date may not exist; clip to the range.
        match naive.checked_add_offset(self.offset) {
            Some(local) => local.date(),
            None if self.offset.local_minus_utc() > 0 => NaiveDate::MAX,
            None => NaiveDate::MIN,
        }
    }

    /// The instant the team's day `date` starts (clipped to chrono's range at its edges).
    pub fn start_of_day(&self, date: NaiveDate) -> DateTime<Utc> {
        match date
            .and_time(NaiveTime::MIN)
            .checked_sub_offset(self.offset)
        {
            Some(utc) => utc.and_utc(),
            None if self.offset.local_minus_utc() > 0 => DateTime::<Utc>::MIN_UTC,
            None => DateTime::<Utc>::MAX_UTC,
        }
    }

    /// The days of the ISO week (Monday to Sunday) containing `instant`, end exclusive.
    /// At the edges of chrono's calendar the range is clipped to the representable dates.
    pub fn week_of(&self, instant: DateTime<Utc>) -> Range<NaiveDate> {
        let day = self.day_of(instant);
        let monday = shift(day, -i64::from(day.weekday().num_days_from_monday()));
        monday..shift(monday, 7)
    }

    /// The days of the ISO week before the one containing `instant`.
    pub fn previous_week(&self, instant: DateTime<Utc>) -> Range<NaiveDate> {
        let this = self.week_of(instant);
        shift(this.start, -7)..this.start
    }

    /// The days of the calendar month containing `instant`, end exclusive.
    pub fn month_of(&self, instant: DateTime<Utc>) -> Range<NaiveDate> {
        let day = self.day_of(instant);
        let first = day.with_day(1).unwrap_or(day);
        let next = if first.month() == 12 {
            NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
        };
        first..next.unwrap_or(NaiveDate::MAX)
    }

    /// The days of the calendar month before the one containing `instant`.
    pub fn previous_month(&self, instant: DateTime<Utc>) -> Range<NaiveDate> {
        let this = self.month_of(instant);
        let last_day = this.start.pred_opt().unwrap_or(this.start);
        let first = last_day.with_day(1).unwrap_or(last_day);
        first..this.start
    }

    /// The instants spanned by a range of team days.
    pub fn instants(&self, days: &Range<NaiveDate>) -> Range<DateTime<Utc>> {
        self.start_of_day(days.start)..self.start_of_day(days.end)
    }

    /// The weekday of `instant` in the team's zone.
    pub fn weekday_of(&self, instant: DateTime<Utc>) -> Weekday {
        self.day_of(instant).weekday()
    }
}

/// A calendar window a ranking reads, in the team's zone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Window {
    /// The ISO week (Monday start) before the current one.
    #[default]
    PreviousWeek,
    /// The current ISO week so far.
    ThisWeek,
    /// The calendar month before the current one.
    PreviousMonth,
    /// The current calendar month so far.
    ThisMonth,
}

impl Window {
    /// The team days the window covers at `now`, end exclusive.
    pub fn days(self, zone: TeamZone, now: DateTime<Utc>) -> Range<NaiveDate> {
        match self {
            Window::PreviousWeek => zone.previous_week(now),
            Window::ThisWeek => zone.week_of(now),
            Window::PreviousMonth => zone.previous_month(now),
            Window::ThisMonth => zone.month_of(now),
        }
    }

    /// True for the windows still running (this week, this month).
    pub fn is_open(self) -> bool {
        matches!(self, Window::ThisWeek | Window::ThisMonth)
    }
}

/// `at` plus `days` whole days, saturating at chrono's last instant: policy day counts come
/// from configuration, and a huge one must mean "never", not a panic. Whole days move the
/// date and keep the time of day (UTC has no daylight saving), so only the date is computed.
pub(crate) fn after_days(at: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    let naive = at.naive_utc();
    // Within the year (nearly always): only the day of the year moves, read and written in
    // place, the same date the full calendar arithmetic below finds.
    if let Some(moved) = naive
        .ordinal()
        .checked_add(days)
        .and_then(|ordinal| naive.with_ordinal(ordinal))
    {
        return moved.and_utc();
    }
    naive
        .date()
        .checked_add_days(chrono::Days::new(u64::from(days)))
        .map_or(DateTime::<Utc>::MAX_UTC, |date| {
            date.and_time(naive.time()).and_utc()
        })
}

/// `at` minus `days` whole days, saturating at chrono's first instant.
pub(crate) fn before_days(at: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    let naive = at.naive_utc();
    // Within the year, as in `after_days` (day 0 of a year is none: the fallback crosses it).
    if let Some(moved) = naive
        .ordinal()
        .checked_sub(days)
        .and_then(|ordinal| naive.with_ordinal(ordinal))
    {
        return moved.and_utc();
    }
    naive
        .date()
        .checked_sub_days(chrono::Days::new(u64::from(days)))
        .map_or(DateTime::<Utc>::MIN_UTC, |date| {
            date.and_time(naive.time()).and_utc()
        })
}

/// `date` moved by `days`, clipped to chrono's range instead of overflowing.
fn shift(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_signed(Duration::days(days))
        .unwrap_or(if days < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
}

impl fmt::Display for TeamZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.offset)
    }
}

impl FromStr for TeamZone {
    type Err = ModelError;

    /// Parses `+08:00`, `-05:30`, `+8`, `UTC+8` or `Z`/`UTC`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ModelError::InvalidZone {
            input: s.to_owned(),
        };
        let t = s.trim();
        let t = t.strip_prefix("UTC").unwrap_or(t);
        if t.is_empty() || t == "Z" {
            return Ok(Self::UTC);
        }
        let (sign, rest) = match t.as_bytes().first() {
            Some(b'+') => (1, &t[1..]),
            Some(b'-') => (-1, &t[1..]),
            _ => return Err(bad()),
        };
        let (hours, minutes) = match rest.split_once(':') {
            Some((h, m)) => (h, m),
            None => (rest, "0"),
        };
        let hours: i32 = hours.parse().map_err(|_| bad())?;
        let minutes: i32 = minutes.parse().map_err(|_| bad())?;
        if !(0..60).contains(&minutes) || !(0..24).contains(&hours) {
            return Err(bad());
        }
        Self::east_minutes(sign * (hours * 60 + minutes)).map_err(|_| bad())
    }
}

impl TryFrom<String> for TeamZone {
    type Error = ModelError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<TeamZone> for String {
    fn from(zone: TeamZone) -> Self {
        zone.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An instant anywhere in chrono's range, to the nanosecond.
    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        let (min, max) = (
            DateTime::<Utc>::MIN_UTC.timestamp(),
            DateTime::<Utc>::MAX_UTC.timestamp(),
        );
        prop_oneof![
            (min..=max, 0u32..1_000_000_000),
            // Near both ends, where the saturation decides.
            (min..min + 400 * 86_400, 0u32..1_000_000_000),
            (max - 400 * 86_400..=max, 0u32..1_000_000_000),
        ]
        .prop_map(|(secs, nanos)| DateTime::from_timestamp(secs, nanos).unwrap())
    }

    /// `after_days` as first written, the reference for its in-year shortcut: the date moved by
    /// chrono's day arithmetic, the time of day kept, saturating at chrono's last instant.
    fn after_days_by_calendar(at: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        let naive = at.naive_utc();
        naive
            .date()
            .checked_add_days(chrono::Days::new(u64::from(days)))
            .map_or(DateTime::<Utc>::MAX_UTC, |date| {
                date.and_time(naive.time()).and_utc()
            })
    }

    /// `before_days` as first written, saturating at chrono's first instant.
    fn before_days_by_calendar(at: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        let naive = at.naive_utc();
        naive
            .date()
            .checked_sub_days(chrono::Days::new(u64::from(days)))
            .map_or(DateTime::<Utc>::MIN_UTC, |date| {
                date.and_time(naive.time()).and_utc()
            })
    }

    /// Any day chrono can represent, often the first or last days of a year (where the
    /// shortcut must hand over) and the first and last days of the whole range.
    fn any_day() -> impl Strategy<Value = NaiveDate> {
        let (first, last) = (
            NaiveDate::MIN.num_days_from_ce(),
            NaiveDate::MAX.num_days_from_ce(),
        );
        let (min_year, max_year) = (NaiveDate::MIN.year(), NaiveDate::MAX.year());
        prop_oneof![
            (first..=last).prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap()),
            (min_year..=max_year, prop_oneof![1u32..4, 360u32..=366]).prop_map(|(y, o)| {
                NaiveDate::from_yo_opt(y, o)
                    .unwrap_or_else(|| NaiveDate::from_yo_opt(y, 365).unwrap())
            }),
            (first..first + 800).prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap()),
            (last - 800..=last).prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap()),
        ]
    }

    /// Any instant on `any_day`, to the nanosecond, sometimes inside a leap second (chrono
    /// represents one as a nanosecond count of 1e9 or more on a second 59).
    fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
        let time = prop_oneof![
            (0u32..86_400, 0u32..1_000_000_000),
            (0u32..1_440, 0u32..2_000_000_000)
                .prop_map(|(minute, nanos)| (minute * 60 + 59, nanos)),
            (
                Just(86_399u32),
                prop_oneof![Just(1_999_999_999u32), 1_000_000_000u32..2_000_000_000]
            ),
        ]
        .prop_map(|(secs, nanos)| {
            NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos).unwrap()
        });
        (any_day(), time).prop_map(|(day, time)| day.and_time(time).and_utc())
    }

    /// Day counts from none to every `u32`, often about a year (where a move leaves its year).
    fn any_days() -> impl Strategy<Value = u32> {
        prop_oneof![
            0u32..1_000,
            360u32..370,
            730u32..733,
            proptest::num::u32::ANY,
            Just(i32::MAX as u32),
            Just(i32::MAX as u32 + 1),
            Just(u32::MAX),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4_096))]

        /// Whole days moved through the in-year shortcut land where chrono's calendar
        /// arithmetic lands them, saturating at the same ends, leap seconds kept.
        #[test]
        fn whole_days_move_like_the_calendar(at in any_instant(), days in any_days()) {
            prop_assert_eq!(after_days(at, days), after_days_by_calendar(at, days));
            prop_assert_eq!(before_days(at, days), before_days_by_calendar(at, days));
        }
    }

    /// `TeamZone::day_of` as first written: the local date time's date, clipped to the range.
    fn day_of_by_offset(zone: TeamZone, instant: DateTime<Utc>) -> NaiveDate {
        match instant.naive_utc().checked_add_offset(zone.offset) {
            Some(local) => local.date(),
            None if zone.offset.local_minus_utc() > 0 => NaiveDate::MAX,
            None => NaiveDate::MIN,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4_096))]

        /// The team's day of an instant is the day the local date time falls on, in every
        /// zone (any offset chrono has, not only whole minutes), at both ends of the range and
        /// in leap seconds.
        #[test]
        fn the_teams_day_is_the_local_date(
            at in any_instant(),
            offset in prop_oneof![Just(0), -86_399i32..86_400, -3_600i32..3_600],
        ) {
            let zone = TeamZone { offset: FixedOffset::east_opt(offset).unwrap() };
            prop_assert_eq!(zone.day_of(at), day_of_by_offset(zone, at));
        }
    }

    #[test]
    fn the_teams_day_clips_at_the_ends_of_chronos_range() {
        let (east, west) = (
            TeamZone::east_hours(8).unwrap(),
            TeamZone::east_hours(-5).unwrap(),
        );
        assert_eq!(east.day_of(DateTime::<Utc>::MAX_UTC), NaiveDate::MAX);
        assert_eq!(west.day_of(DateTime::<Utc>::MIN_UTC), NaiveDate::MIN);
        for zone in [east, west, TeamZone::UTC] {
            for at in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
                assert_eq!(zone.day_of(at), day_of_by_offset(zone, at), "{zone} {at}");
            }
        }
    }

    #[test]
    fn the_ends_of_chronos_range_saturate_as_they_did() {
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
            .unwrap()
            .and_utc();
        let ends = [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC, leap];
        for at in ends {
            for days in [
                0,
                1,
                365,
                366,
                i32::MAX as u32,
                i32::MAX as u32 + 1,
                u32::MAX,
            ] {
                assert_eq!(
                    after_days(at, days),
                    after_days_by_calendar(at, days),
                    "{at} + {days}"
                );
                assert_eq!(
                    before_days(at, days),
                    before_days_by_calendar(at, days),
                    "{at} - {days}"
                );
            }
        }
        assert_eq!(
            after_days(DateTime::<Utc>::MAX_UTC, 1),
            DateTime::<Utc>::MAX_UTC
        );
        assert_eq!(
            before_days(DateTime::<Utc>::MIN_UTC, 1),
            DateTime::<Utc>::MIN_UTC
        );
        // A leap second stays a leap second, a day later.
        assert_eq!(after_days(leap, 1).timestamp_subsec_nanos(), 1_500_000_000);
    }

    proptest! {
        /// Moving the date by whole days is the duration arithmetic it replaced, saturating at
        /// the same ends.
        #[test]
        fn whole_days_move_like_durations(at in instant(), days in prop_oneof![0u32..1_000, proptest::num::u32::ANY]) {
            let long = Duration::days(i64::from(days));
            prop_assert_eq!(
                after_days(at, days),
                at.checked_add_signed(long).unwrap_or(DateTime::<Utc>::MAX_UTC)
            );
            prop_assert_eq!(
                before_days(at, days),
                at.checked_sub_signed(long).unwrap_or(DateTime::<Utc>::MIN_UTC)
            );
        }
    }
}

//! The manual clock and calendar boundaries in the team's time zone.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc, Weekday};
use leadpool::calendar::TeamZone;
use leadpool::clock::{Clock, ManualClock};

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn manual_clock_moves_only_when_told_and_clones_share_the_reading() {
    let clock = ManualClock::new(utc(2026, 11, 23, 9, 0));
    let handle = clock.clone();
    assert_eq!(handle.now(), utc(2026, 11, 23, 9, 0));
    assert_eq!(
        handle.now(),
        utc(2026, 11, 23, 9, 0),
        "reading twice does not move it"
    );
    clock.advance(Duration::days(1) + Duration::minutes(30));
    assert_eq!(handle.now(), utc(2026, 11, 24, 9, 30));
    handle.set(utc(2027, 1, 1, 0, 0));
    assert_eq!(clock.now(), utc(2027, 1, 1, 0, 0));
}

#[test]
fn manual_clock_saturates_instead_of_overflowing() {
    let clock = ManualClock::new(utc(2026, 1, 1, 0, 0));
    let far = clock.advance(Duration::MAX);
    assert!(far > utc(9999, 1, 1, 0, 0));
}

#[test]
fn clock_forwards_through_references_and_boxes() {
    fn read(c: impl Clock) -> chrono::DateTime<Utc> {
        c.now()
    }
    let clock = ManualClock::new(utc(2026, 5, 1, 0, 0));
    assert_eq!(read(&clock), utc(2026, 5, 1, 0, 0));
    let boxed: Box<dyn Clock> = Box::new(clock.clone());
    assert_eq!(read(boxed), utc(2026, 5, 1, 0, 0));
}

#[test]
fn sunday_2330_utc_is_monday_in_utc_plus_8() {
    let zone = TeamZone::east_hours(8).unwrap();
    // 2026-11-22 is a Sunday.
    let instant = utc(2026, 11, 22, 23, 30);
    assert_eq!(TeamZone::UTC.weekday_of(instant), Weekday::Sun);
    assert_eq!(zone.weekday_of(instant), Weekday::Mon);
    assert_eq!(zone.day_of(instant), date(2026, 11, 23));
    // So it belongs to the new ISO week in UTC+8 but the old one in UTC.
    assert_eq!(
        zone.week_of(instant),
        date(2026, 11, 23)..date(2026, 11, 30)
    );
    assert_eq!(
        TeamZone::UTC.week_of(instant),
        date(2026, 11, 16)..date(2026, 11, 23)
    );
    assert_eq!(
        zone.previous_week(instant),
        date(2026, 11, 16)..date(2026, 11, 23)
    );
}

#[test]
fn team_day_starts_at_local_midnight() {
    let zone: TeamZone = "+08:00".parse().unwrap();
    assert_eq!(
        zone.start_of_day(date(2026, 11, 23)),
        utc(2026, 11, 22, 16, 0)
    );
    let west: TeamZone = "-05:30".parse().unwrap();
    assert_eq!(
        west.start_of_day(date(2026, 11, 23)),
        utc(2026, 11, 23, 5, 30)
    );
    let days = date(2026, 11, 23)..date(2026, 11, 24);
    assert_eq!(
        zone.instants(&days),
        utc(2026, 11, 22, 16, 0)..utc(2026, 11, 23, 16, 0)
    );
}

#[test]
fn month_boundaries_follow_the_team_zone_and_wrap_the_year() {
    let zone = TeamZone::east_hours(8).unwrap();
    // 30 November 17:00 UTC is already 1 December in UTC+8.
    let instant = utc(2026, 11, 30, 17, 0);
    assert_eq!(zone.month_of(instant), date(2026, 12, 1)..date(2027, 1, 1));
    assert_eq!(
        zone.previous_month(instant),
        date(2026, 11, 1)..date(2026, 12, 1)
    );
    assert_eq!(
        TeamZone::UTC.month_of(instant),
        date(2026, 11, 1)..date(2026, 12, 1)
    );
    let january = utc(2027, 1, 15, 0, 0);
    assert_eq!(
        zone.previous_month(january),
        date(2026, 12, 1)..date(2027, 1, 1)
    );
}

#[test]
fn zones_parse_and_refuse_nonsense() {
    for (text, minutes) in [
        ("+08:00", 480),
        ("UTC+8", 480),
        ("-05:30", -330),
        ("Z", 0),
        ("+0", 0),
    ] {
        let zone: TeamZone = text.parse().unwrap();
        assert_eq!(zone.offset().local_minus_utc(), minutes * 60, "{text}");
    }
    for bad in ["8", "+25:00", "+08:60", "GMT+8", "+ab"] {
        assert!(bad.parse::<TeamZone>().is_err(), "{bad} should be refused");
    }
    assert!(TeamZone::east_hours(30).is_err());
    let json = serde_json::to_string(&TeamZone::east_hours(8).unwrap()).unwrap();
    assert_eq!(json, "\"+08:00\"");
    assert!(serde_json::from_str::<TeamZone>("\"+99:00\"").is_err());
}

#[test]
fn calendar_windows_at_the_ends_of_time_clip_instead_of_panicking() {
    let zone = TeamZone::east_hours(8).unwrap();
    for instant in [DateTime::<Utc>::MAX_UTC, DateTime::<Utc>::MIN_UTC] {
        let week = zone.week_of(instant);
        assert!(week.start <= week.end);
        let previous = zone.previous_week(instant);
        assert!(previous.start <= previous.end);
        let month = zone.month_of(instant);
        assert!(month.start <= month.end);
        let _ = zone.previous_month(instant);
        let _ = zone.instants(&week);
    }
}

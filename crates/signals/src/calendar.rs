//! Dutch public holidays, working days and local (Europe/Amsterdam) time.
//!
//! Holidays are computed per year, so there is no table to maintain: the
//! fixed dates, the Easter-based ones (via the Gregorian computus) and
//! Koningsdag's Sunday rule. Goede Vrijdag and the yearly Bevrijdingsdag
//! differ between employers (collective agreements), so they are
//! configurable, and an organisation can add its own closing days.
//!
//! Local time follows the EU summer-time rule (last Sunday of March to the
//! last Sunday of October, switching at 01:00 UTC), so no time-zone database
//! is needed.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, OffsetDateTime, UtcOffset, Weekday};

use crate::Timestamp;

/// How often Bevrijdingsdag (5 May) is a day off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LiberationDay {
    /// Every year.
    EveryYear,
    /// Once every five years (2025, 2030, …), the rule of many collective
    /// agreements.
    #[default]
    EveryFiveYears,
    /// Never a day off.
    Never,
}

/// Which optional days are days off for the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayConfig {
    /// Goede Vrijdag (Good Friday) is a day off. Default: no.
    #[serde(default)]
    pub good_friday: bool,
    #[serde(default)]
    pub liberation_day: LiberationDay,
    /// Extra days the organisation is closed (e.g. a day between Christmas
    /// and New Year).
    #[serde(default, with = "crate::serde_date::vec")]
    pub extra_closed_days: Vec<Date>,
}

impl Default for HolidayConfig {
    fn default() -> Self {
        HolidayConfig {
            good_friday: false,
            liberation_day: LiberationDay::EveryFiveYears,
            extra_closed_days: Vec::new(),
        }
    }
}

/// The public holidays (and the organisation's own closing day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    Nieuwjaarsdag,
    GoedeVrijdag,
    EerstePaasdag,
    TweedePaasdag,
    Koningsdag,
    Bevrijdingsdag,
    Hemelvaartsdag,
    EerstePinksterdag,
    TweedePinksterdag,
    EersteKerstdag,
    TweedeKerstdag,
    /// A closing day of the organisation from [`HolidayConfig::extra_closed_days`].
    Sluitingsdag,
}

impl HolidayKind {
    pub fn name_nl(self) -> &'static str {
        match self {
            HolidayKind::Nieuwjaarsdag => "Nieuwjaarsdag",
            HolidayKind::GoedeVrijdag => "Goede Vrijdag",
            HolidayKind::EerstePaasdag => "Eerste Paasdag",
            HolidayKind::TweedePaasdag => "Tweede Paasdag",
            HolidayKind::Koningsdag => "Koningsdag",
            HolidayKind::Bevrijdingsdag => "Bevrijdingsdag",
            HolidayKind::Hemelvaartsdag => "Hemelvaartsdag",
            HolidayKind::EerstePinksterdag => "Eerste Pinksterdag",
            HolidayKind::TweedePinksterdag => "Tweede Pinksterdag",
            HolidayKind::EersteKerstdag => "Eerste Kerstdag",
            HolidayKind::TweedeKerstdag => "Tweede Kerstdag",
            HolidayKind::Sluitingsdag => "Sluitingsdag",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            HolidayKind::Nieuwjaarsdag => "New Year's Day",
            HolidayKind::GoedeVrijdag => "Good Friday",
            HolidayKind::EerstePaasdag => "Easter Sunday",
            HolidayKind::TweedePaasdag => "Easter Monday",
            HolidayKind::Koningsdag => "King's Day",
            HolidayKind::Bevrijdingsdag => "Liberation Day",
            HolidayKind::Hemelvaartsdag => "Ascension Day",
            HolidayKind::EerstePinksterdag => "Whit Sunday",
            HolidayKind::TweedePinksterdag => "Whit Monday",
            HolidayKind::EersteKerstdag => "Christmas Day",
            HolidayKind::TweedeKerstdag => "Boxing Day",
            HolidayKind::Sluitingsdag => "Closing day",
        }
    }
}

/// One day off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    #[serde(with = "crate::serde_date")]
    pub date: Date,
    pub kind: HolidayKind,
}

/// Easter Sunday of `year` by the anonymous Gregorian computus
/// (Meeus/Jones/Butcher). `None` outside 1583..=9999.
pub fn easter_sunday(year: i32) -> Option<Date> {
    if !(1583..=9999).contains(&year) {
        return None;
    }
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    let month = Month::try_from(u8::try_from(n / 31).ok()?).ok()?;
    let day = u8::try_from(n % 31 + 1).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

fn ymd(year: i32, month: Month, day: u8) -> Option<Date> {
    Date::from_calendar_date(year, month, day).ok()
}

/// The public holidays of `year` (1583..=9999; empty outside) for the given
/// configuration, sorted by date. Includes the configured closing days of
/// that year.
pub fn holidays(year: i32, cfg: &HolidayConfig) -> Vec<Holiday> {
    let Some(easter) = easter_sunday(year) else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(12);
    let mut push = |date: Option<Date>, kind| {
        if let Some(date) = date {
            out.push(Holiday { date, kind });
        }
    };
    push(ymd(year, Month::January, 1), HolidayKind::Nieuwjaarsdag);
    if cfg.good_friday {
        push(
            easter.checked_sub(Duration::days(2)),
            HolidayKind::GoedeVrijdag,
        );
    }
    push(Some(easter), HolidayKind::EerstePaasdag);
    push(easter.next_day(), HolidayKind::TweedePaasdag);
    push(kings_day(year), HolidayKind::Koningsdag);
    let liberation = match cfg.liberation_day {
        LiberationDay::EveryYear => true,
        LiberationDay::EveryFiveYears => year % 5 == 0,
        LiberationDay::Never => false,
    };
    if liberation {
        push(ymd(year, Month::May, 5), HolidayKind::Bevrijdingsdag);
    }
    push(
        easter.checked_add(Duration::days(39)),
        HolidayKind::Hemelvaartsdag,
    );
    push(
        easter.checked_add(Duration::days(49)),
        HolidayKind::EerstePinksterdag,
    );
    push(
        easter.checked_add(Duration::days(50)),
        HolidayKind::TweedePinksterdag,
    );
    push(ymd(year, Month::December, 25), HolidayKind::EersteKerstdag);
    push(ymd(year, Month::December, 26), HolidayKind::TweedeKerstdag);
    for d in &cfg.extra_closed_days {
        if d.year() == year {
            push(Some(*d), HolidayKind::Sluitingsdag);
        }
    }
    // Two holidays can share a date (Hemelvaartsdag on 5 May, as in 2016);
    // both are kept, sorted by date.
    out.sort_by_key(|h| (h.date, h.kind));
    out
}

/// Koningsdag: 27 April, or 26 April when the 27th is a Sunday (from 2014).
/// Before 2014 Koninginnedag: 30 April, or 29 April when that is a Sunday.
fn kings_day(year: i32) -> Option<Date> {
    let (usual, fallback) = if year >= 2014 { (27, 26) } else { (30, 29) };
    let d = ymd(year, Month::April, usual)?;
    if d.weekday() == Weekday::Sunday {
        ymd(year, Month::April, fallback)
    } else {
        Some(d)
    }
}

/// Working days: Monday to Friday except the configured holidays.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingCalendar {
    pub holidays: HolidayConfig,
}

impl WorkingCalendar {
    pub fn new(holidays: HolidayConfig) -> Self {
        WorkingCalendar { holidays }
    }

    /// The holiday on `date`, if any (weekends are not holidays).
    pub fn holiday(&self, date: Date) -> Option<HolidayKind> {
        holidays(date.year(), &self.holidays)
            .into_iter()
            .find(|h| h.date == date)
            .map(|h| h.kind)
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
            && self.holiday(date).is_none()
    }

    /// The first working day strictly after `date` (saturates at the end of
    /// the supported range).
    pub fn next_working_day(&self, date: Date) -> Date {
        let mut d = date;
        while let Some(next) = d.next_day() {
            d = next;
            if self.is_working_day(d) {
                return d;
            }
        }
        d
    }

    /// The `n`-th working day after `date`. For `n == 0`: `date` itself when
    /// it is a working day, else the next working day. The result is always a
    /// working day (except at the very end of the supported date range).
    pub fn add_working_days(&self, date: Date, n: u32) -> Date {
        if n == 0 {
            return if self.is_working_day(date) {
                date
            } else {
                self.next_working_day(date)
            };
        }
        let mut d = date;
        for _ in 0..n {
            d = self.next_working_day(d);
        }
        d
    }

    /// The number of working days in `(from, to]` (0 when `to <= from`).
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut count = 0u32;
        let mut d = from;
        while d < to {
            match d.next_day() {
                Some(next) => d = next,
                None => break,
            }
            if self.is_working_day(d) {
                count = count.saturating_add(1);
            }
        }
        count
    }
}

const SECS_MIN: i64 = -62_135_596_800; // 0001-01-01T00:00:00Z
// 9999-12-31T21:59:59Z: two hours before the end of the range, so that
// converting to Dutch local time cannot overflow.
const SECS_MAX: i64 = 253_402_293_599;

fn utc(ts: Timestamp) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(ts.clamp(SECS_MIN, SECS_MAX))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn last_sunday(year: i32, month: Month) -> Option<Date> {
    let last = ymd(year, month, time::util::days_in_month(month, year))?;
    let back = last.weekday().number_days_from_sunday();
    last.checked_sub(Duration::days(i64::from(back)))
}

/// UTC offset of Dutch local time at `ts`: +1 (CET) or +2 (CEST).
pub fn nl_offset_at(ts: Timestamp) -> UtcOffset {
    let t = utc(ts);
    let year = t.year();
    let switch = |month| {
        last_sunday(year, month)
            .map(|d| d.midnight().assume_utc().unix_timestamp() + 3600)
            .unwrap_or(i64::MIN)
    };
    let summer = switch(Month::March) <= ts && ts < switch(Month::October);
    UtcOffset::from_whole_seconds(if summer { 7200 } else { 3600 }).unwrap_or(UtcOffset::UTC)
}

/// The Dutch calendar date at `ts`.
pub fn local_date(ts: Timestamp) -> Date {
    utc(ts).to_offset(nl_offset_at(ts)).date()
}

/// The Unix time of 00:00 Dutch local time on `date`. (The summer-time
/// switches happen at 02:00/03:00 local time, never at midnight.)
pub fn local_midnight(date: Date) -> Timestamp {
    let year = date.year();
    let summer = match (
        last_sunday(year, Month::March),
        last_sunday(year, Month::October),
    ) {
        (Some(start), Some(end)) => start < date && date <= end,
        _ => false,
    };
    date.midnight().assume_utc().unix_timestamp() - if summer { 7200 } else { 3600 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn kinds_on(year: i32, cfg: &HolidayConfig) -> Vec<(Date, HolidayKind)> {
        holidays(year, cfg)
            .into_iter()
            .map(|h| (h.date, h.kind))
            .collect()
    }

    #[test]
    fn easter_on_known_dates() {
        for (year, expected) in [
            (2008, date!(2008 - 03 - 23)),
            (2019, date!(2019 - 04 - 21)),
            (2024, date!(2024 - 03 - 31)),
            (2025, date!(2025 - 04 - 20)),
            (2026, date!(2026 - 04 - 05)),
            (2027, date!(2027 - 03 - 28)),
            (2028, date!(2028 - 04 - 16)),
            (2038, date!(2038 - 04 - 25)),
            (2285, date!(2285 - 03 - 22)),
        ] {
            assert_eq!(easter_sunday(year), Some(expected), "{year}");
        }
        assert_eq!(easter_sunday(1500), None);
        assert!(holidays(1500, &HolidayConfig::default()).is_empty());
    }

    #[test]
    fn easter_is_always_a_sunday_between_22_march_and_25_april() {
        for year in 1583..=3000 {
            let e = easter_sunday(year).unwrap();
            assert_eq!(e.weekday(), Weekday::Sunday, "{year}");
            assert!(e >= ymd(year, Month::March, 22).unwrap());
            assert!(e <= ymd(year, Month::April, 25).unwrap());
        }
    }

    #[test]
    fn holidays_2025() {
        use HolidayKind::*;
        let cfg = HolidayConfig::default();
        assert_eq!(
            kinds_on(2025, &cfg),
            vec![
                (date!(2025 - 01 - 01), Nieuwjaarsdag),
                (date!(2025 - 04 - 20), EerstePaasdag),
                (date!(2025 - 04 - 21), TweedePaasdag),
                // 27 April 2025 is a Sunday.
                (date!(2025 - 04 - 26), Koningsdag),
                // 2025 is a lustrum year.
                (date!(2025 - 05 - 05), Bevrijdingsdag),
                (date!(2025 - 05 - 29), Hemelvaartsdag),
                (date!(2025 - 06 - 08), EerstePinksterdag),
                (date!(2025 - 06 - 09), TweedePinksterdag),
                (date!(2025 - 12 - 25), EersteKerstdag),
                (date!(2025 - 12 - 26), TweedeKerstdag),
            ]
        );
    }

    #[test]
    fn holidays_2024_2026_2027() {
        use HolidayKind::*;
        let cfg = HolidayConfig {
            good_friday: true,
            liberation_day: LiberationDay::EveryYear,
            extra_closed_days: vec![],
        };
        let h = kinds_on(2024, &cfg);
        for expected in [
            (date!(2024 - 03 - 29), GoedeVrijdag),
            (date!(2024 - 04 - 01), TweedePaasdag),
            (date!(2024 - 04 - 27), Koningsdag),
            (date!(2024 - 05 - 05), Bevrijdingsdag),
            (date!(2024 - 05 - 09), Hemelvaartsdag),
            (date!(2024 - 05 - 20), TweedePinksterdag),
        ] {
            assert!(h.contains(&expected), "2024 {expected:?}");
        }
        let h = kinds_on(2026, &cfg);
        for expected in [
            (date!(2026 - 04 - 03), GoedeVrijdag),
            (date!(2026 - 04 - 06), TweedePaasdag),
            (date!(2026 - 04 - 27), Koningsdag),
            (date!(2026 - 05 - 14), Hemelvaartsdag),
            (date!(2026 - 05 - 25), TweedePinksterdag),
        ] {
            assert!(h.contains(&expected), "2026 {expected:?}");
        }
        let h = kinds_on(2027, &cfg);
        for expected in [
            (date!(2027 - 03 - 26), GoedeVrijdag),
            (date!(2027 - 03 - 29), TweedePaasdag),
            (date!(2027 - 04 - 27), Koningsdag),
            (date!(2027 - 05 - 06), Hemelvaartsdag),
            (date!(2027 - 05 - 17), TweedePinksterdag),
        ] {
            assert!(h.contains(&expected), "2027 {expected:?}");
        }
        // Koningsdag on a Sunday moves to Saturday: 2014 and 2031.
        assert!(kinds_on(2014, &cfg).contains(&(date!(2014 - 04 - 26), Koningsdag)));
        assert!(kinds_on(2031, &cfg).contains(&(date!(2031 - 04 - 26), Koningsdag)));
    }

    #[test]
    fn optional_days_follow_the_configuration() {
        let default = HolidayConfig::default();
        let has =
            |year, cfg: &HolidayConfig, kind| holidays(year, cfg).iter().any(|h| h.kind == kind);
        assert!(!has(2026, &default, HolidayKind::GoedeVrijdag));
        assert!(!has(2026, &default, HolidayKind::Bevrijdingsdag));
        assert!(has(2030, &default, HolidayKind::Bevrijdingsdag));
        let never = HolidayConfig {
            liberation_day: LiberationDay::Never,
            ..HolidayConfig::default()
        };
        assert!(!has(2030, &never, HolidayKind::Bevrijdingsdag));
        let closing = HolidayConfig {
            extra_closed_days: vec![date!(2026 - 12 - 28)],
            ..HolidayConfig::default()
        };
        let cal = WorkingCalendar::new(closing);
        assert_eq!(
            cal.holiday(date!(2026 - 12 - 28)),
            Some(HolidayKind::Sluitingsdag)
        );
        assert!(!cal.is_working_day(date!(2026 - 12 - 28)));
        assert!(WorkingCalendar::default().is_working_day(date!(2026 - 12 - 28)));
    }

    #[test]
    fn config_round_trips_through_json() {
        let cfg = HolidayConfig {
            good_friday: true,
            liberation_day: LiberationDay::EveryYear,
            extra_closed_days: vec![date!(2026 - 12 - 28)],
        };
        let json = serde_json::to_string(&cfg).unwrap();
        assert!(json.contains("\"2026-12-28\""), "{json}");
        assert_eq!(serde_json::from_str::<HolidayConfig>(&json).unwrap(), cfg);
        assert_eq!(
            serde_json::from_str::<HolidayConfig>("{}").unwrap(),
            HolidayConfig::default()
        );
    }

    #[test]
    fn adding_working_days_skips_weekends_and_holidays() {
        let cal = WorkingCalendar::default();
        // Thursday before Easter 2026 + 1 → Tuesday after Easter Monday
        // (Goede Vrijdag is a working day by default).
        assert_eq!(
            cal.add_working_days(date!(2026 - 04 - 02), 1),
            date!(2026 - 04 - 03)
        );
        assert_eq!(
            cal.add_working_days(date!(2026 - 04 - 03), 1),
            date!(2026 - 04 - 07)
        );
        let with_gf = WorkingCalendar::new(HolidayConfig {
            good_friday: true,
            ..HolidayConfig::default()
        });
        assert_eq!(
            with_gf.add_working_days(date!(2026 - 04 - 02), 1),
            date!(2026 - 04 - 07)
        );
        // Christmas 2025: Wed 24 Dec + 1 → Mon 29 Dec.
        assert_eq!(
            cal.add_working_days(date!(2025 - 12 - 24), 1),
            date!(2025 - 12 - 29)
        );
        // Ten working days from Monday 12 May 2025 (Hemelvaart 29 May is far).
        assert_eq!(
            cal.add_working_days(date!(2025 - 05 - 12), 10),
            date!(2025 - 05 - 26)
        );
        // Across Hemelvaart 2025 (Thu 29 May).
        assert_eq!(
            cal.add_working_days(date!(2025 - 05 - 28), 1),
            date!(2025 - 05 - 30)
        );
        // n = 0: the same day when it is a working day, else the next one.
        assert_eq!(
            cal.add_working_days(date!(2025 - 05 - 28), 0),
            date!(2025 - 05 - 28)
        );
        assert_eq!(
            cal.add_working_days(date!(2025 - 05 - 31), 0),
            date!(2025 - 06 - 02)
        );
        assert_eq!(
            cal.working_days_between(date!(2025 - 05 - 28), date!(2025 - 06 - 10)),
            7
        );
        assert_eq!(
            cal.working_days_between(date!(2025 - 06 - 10), date!(2025 - 05 - 28)),
            0
        );
    }

    #[test]
    fn dutch_local_time() {
        // 2025: summer time from 30 March 01:00 UTC to 26 October 01:00 UTC.
        let t = |s: &str| {
            OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                .unwrap()
                .unix_timestamp()
        };
        assert_eq!(nl_offset_at(t("2025-03-30T00:59:59Z")).whole_hours(), 1);
        assert_eq!(nl_offset_at(t("2025-03-30T01:00:00Z")).whole_hours(), 2);
        assert_eq!(nl_offset_at(t("2025-10-26T00:59:59Z")).whole_hours(), 2);
        assert_eq!(nl_offset_at(t("2025-10-26T01:00:00Z")).whole_hours(), 1);
        // 23:30 UTC in summer is the next day in the Netherlands.
        assert_eq!(local_date(t("2025-06-30T23:30:00Z")), date!(2025 - 07 - 01));
        assert_eq!(local_date(t("2025-01-31T22:59:59Z")), date!(2025 - 01 - 31));
        assert_eq!(local_date(t("2025-01-31T23:00:00Z")), date!(2025 - 02 - 01));
        assert_eq!(
            local_midnight(date!(2025 - 07 - 01)),
            t("2025-06-30T22:00:00Z")
        );
        assert_eq!(
            local_midnight(date!(2025 - 03 - 30)),
            t("2025-03-29T23:00:00Z")
        );
        assert_eq!(
            local_midnight(date!(2025 - 03 - 31)),
            t("2025-03-30T22:00:00Z")
        );
        assert_eq!(
            local_midnight(date!(2025 - 10 - 26)),
            t("2025-10-25T22:00:00Z")
        );
        assert_eq!(
            local_midnight(date!(2025 - 10 - 27)),
            t("2025-10-26T23:00:00Z")
        );
        // Extreme input does not panic.
        let _ = local_date(i64::MAX);
        let _ = local_date(i64::MIN);
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (2000i32..2100, 1u16..=365).prop_map(|(y, d)| Date::from_ordinal_date(y, d).unwrap())
    }

    proptest! {
        #[test]
        fn added_working_days_are_working_days(d in any_date(), n in 0u32..60) {
            let cal = WorkingCalendar::new(HolidayConfig {
                good_friday: n % 2 == 0,
                liberation_day: LiberationDay::EveryYear,
                extra_closed_days: vec![],
            });
            let r = cal.add_working_days(d, n);
            prop_assert!(cal.is_working_day(r));
            prop_assert!(!matches!(r.weekday(), Weekday::Saturday | Weekday::Sunday));
            prop_assert!(cal.holiday(r).is_none());
            prop_assert!(r >= d);
            if n > 0 {
                prop_assert!(r > d);
                prop_assert_eq!(cal.working_days_between(d, r), n);
            }
        }

        #[test]
        fn adding_is_monotonic(a in any_date(), b in any_date(), n in 0u32..40, m in 0u32..40) {
            let cal = WorkingCalendar::default();
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(cal.add_working_days(lo, n) <= cal.add_working_days(hi, n));
            let (few, many) = if n <= m { (n, m) } else { (m, n) };
            prop_assert!(cal.add_working_days(a, few) <= cal.add_working_days(a, many));
            if few < many {
                prop_assert!(cal.add_working_days(a, few) < cal.add_working_days(a, many));
            }
        }

        #[test]
        fn local_midnight_maps_back_to_its_date(d in any_date()) {
            let m = local_midnight(d);
            prop_assert_eq!(local_date(m), d);
            prop_assert_eq!(local_date(m - 1), d.previous_day().unwrap());
        }
    }
}

//! Deadlines per category in working days, with pauses.
//!
//! The clock starts at the end of the day of receipt (Dutch local time), so
//! a deadline of *n* working days ends at the end of the *n*-th working day
//! after receipt; a report on a Saturday gets the whole of Monday as day 1.
//! It runs only while the signal is in an [`StateKind::Open`] state: time in
//! a waiting state (`wacht op informatie`) does not count, and a closed
//! signal's clock stops (and runs on after reopening). Part of a day counts
//! as that part of a working day, so a pause of one afternoon moves the
//! deadline by an afternoon. Weekends and holidays never count.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Duration;

use crate::Timestamp;
use crate::calendar::{WorkingCalendar, local_date, local_midnight};
use crate::category::Category;
use crate::workflow::{StateCode, StateKind, Workflow};

/// Units of working time per working day (one unit ≈ one second of a day).
const DAY: i64 = 86_400;
/// The most working days a deadline may have (about a year).
pub const MAX_DEADLINE_DAYS: u32 = 250;

/// Working days per category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlinePolicy {
    pub working_days: BTreeMap<Category, u32>,
}

impl Default for DeadlinePolicy {
    /// A starting point for the `beheerder`: danger-related categories are
    /// short, the rest two weeks.
    fn default() -> Self {
        use Category::*;
        let working_days = [
            (Hennepteelt, 10),
            (SynthetischDrugslab, 3),
            (Drugsafval, 2),
            (Drugsopslag, 5),
            (BenaderdDoorCriminelen, 5),
            (VerdachteVerhuurOfLeegstand, 10),
            (Arbeidsuitbuiting, 3),
            (Overig, 10),
        ]
        .into_iter()
        .collect();
        DeadlinePolicy { working_days }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum DeadlineProblem {
    #[error("no deadline for category {category}")]
    Missing { category: Category },
    #[error("the deadline for {category} must be 1 to {max} working days")]
    OutOfRange { category: Category, max: u32 },
}

impl DeadlinePolicy {
    /// Every category has a deadline of 1..=[`MAX_DEADLINE_DAYS`] working days.
    pub fn validate(&self) -> Result<(), Vec<DeadlineProblem>> {
        let mut problems = Vec::new();
        for c in Category::ALL {
            match self.working_days.get(c) {
                None => problems.push(DeadlineProblem::Missing { category: *c }),
                Some(n) if !(1..=MAX_DEADLINE_DAYS).contains(n) => {
                    problems.push(DeadlineProblem::OutOfRange {
                        category: *c,
                        max: MAX_DEADLINE_DAYS,
                    })
                }
                Some(_) => {}
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// The working days for `category` (the default policy's value when the
    /// category is missing from an unvalidated policy).
    pub fn for_category(&self, category: Category) -> u32 {
        match self.working_days.get(&category) {
            Some(n) if (1..=MAX_DEADLINE_DAYS).contains(n) => *n,
            _ => DeadlinePolicy::default()
                .working_days
                .get(&category)
                .copied()
                .unwrap_or(10),
        }
    }
}

/// The signal entered state `to` at `at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateChange {
    pub at: Timestamp,
    pub to: StateCode,
}

/// Whether the clock runs now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    Running,
    Paused,
    Stopped,
}

/// Where a signal stands against its deadline at `now`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadlineStatus {
    pub working_days: u32,
    pub clock: Clock,
    /// The moment the deadline is (or was) reached. `None` while the clock is
    /// paused or stopped before reaching it.
    pub due_at: Option<Timestamp>,
    /// Working days used so far (fractional).
    pub used_working_days: f64,
    /// Past the deadline and not closed.
    pub overdue: bool,
}

/// Running intervals `[start, end)` of the clock; `end == None` is open-ended.
fn running_intervals(
    workflow: &Workflow,
    received_at: Timestamp,
    changes: &[StateChange],
    now: Timestamp,
) -> (Vec<(Timestamp, Option<Timestamp>)>, Clock) {
    let kind = |code: &StateCode| workflow.kind(code.as_str()).unwrap_or(StateKind::Open);
    let mut spans: Vec<(Timestamp, StateKind)> = vec![(
        received_at,
        workflow
            .initial()
            .map(|s| s.kind)
            .unwrap_or(StateKind::Open),
    )];
    let mut sorted: Vec<&StateChange> = changes.iter().filter(|c| c.at <= now).collect();
    sorted.sort_by_key(|c| c.at);
    for c in sorted {
        spans.push((c.at.max(received_at), kind(&c.to)));
    }
    let mut out = Vec::new();
    for (i, (start, k)) in spans.iter().enumerate() {
        if *k != StateKind::Open {
            continue;
        }
        let end = spans.get(i + 1).map(|(t, _)| *t);
        if end.is_none_or(|e| e > *start) {
            out.push((*start, end));
        }
    }
    let clock = match spans.last().map(|(_, k)| *k) {
        Some(StateKind::Waiting) => Clock::Paused,
        Some(StateKind::Closed) => Clock::Stopped,
        _ => Clock::Running,
    };
    (out, clock)
}

/// Working-time units in `[a, b)`, and the instant at which `need` units are
/// reached inside it (if they are).
fn walk(
    cal: &WorkingCalendar,
    a: Timestamp,
    b: Option<Timestamp>,
    need: i64,
) -> (i64, Option<Timestamp>) {
    let mut units = 0i64;
    let mut day = local_date(a);
    // A deadline is at most MAX_DEADLINE_DAYS working days: 20 years of
    // days is a safe bound for an open-ended walk.
    for _ in 0..(366 * 20) {
        let day_start = local_midnight(day);
        if b.is_some_and(|b| day_start >= b) {
            break;
        }
        let Some(next) = day.checked_add(Duration::days(1)) else {
            break;
        };
        let day_end = local_midnight(next);
        if cal.is_working_day(day) {
            let from = a.max(day_start);
            let to = b.map_or(day_end, |b| b.min(day_end));
            let len = (day_end - day_start).max(1);
            if to > from {
                let got = (to - from) * DAY / len;
                if units + got >= need {
                    let rest = need - units;
                    // Round up to whole seconds so the due moment is never early.
                    let secs = (rest * len + DAY - 1) / DAY;
                    return (need, Some(from + secs));
                }
                units += got;
            }
        }
        day = next;
    }
    (units, None)
}

/// The deadline status of a signal received at `received_at` (which starts
/// in the workflow's initial state) with the given state changes, for a
/// deadline of `working_days`, at `now`. States unknown to the workflow
/// count as open.
pub fn deadline_status(
    cal: &WorkingCalendar,
    workflow: &Workflow,
    received_at: Timestamp,
    changes: &[StateChange],
    working_days: u32,
    now: Timestamp,
) -> DeadlineStatus {
    let budget = i64::from(working_days.min(MAX_DEADLINE_DAYS)) * DAY;
    let count_from = local_date(received_at)
        .checked_add(Duration::days(1))
        .map(local_midnight)
        .unwrap_or(received_at);
    let (intervals, clock) = running_intervals(workflow, received_at, changes, now);

    // Used so far: intervals clipped to [count_from, now].
    let mut used = 0i64;
    for (a, b) in &intervals {
        let a = (*a).max(count_from);
        let b = b.unwrap_or(now).min(now);
        if b > a {
            used += walk(cal, a, Some(b), i64::MAX).0;
        }
    }

    // The due moment: walk the same intervals (the last one open-ended if
    // the clock runs) until the budget is reached.
    let mut due_at = None;
    let mut cum = 0i64;
    if budget == 0 {
        due_at = Some(count_from);
    } else {
        for (a, b) in &intervals {
            let a = (*a).max(count_from);
            if b.is_some_and(|b| b <= a) {
                continue;
            }
            let (got, at) = walk(cal, a, *b, budget - cum);
            if let Some(at) = at {
                due_at = Some(at);
                break;
            }
            cum += got;
        }
    }
    let overdue = clock != Clock::Stopped && due_at.is_some_and(|d| now >= d);
    DeadlineStatus {
        working_days,
        clock,
        due_at,
        used_working_days: used as f64 / DAY as f64,
        overdue,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::codes;
    use proptest::prelude::*;
    use time::macros::date;
    use time::{Date, Time};

    /// Unix time of a Dutch local date and time.
    fn local(d: Date, h: u8, m: u8) -> Timestamp {
        let t = Time::from_hms(h, m, 0).unwrap();
        local_midnight(d) + (t - Time::MIDNIGHT).whole_seconds()
    }

    fn change(at: Timestamp, to: &str) -> StateChange {
        StateChange {
            at,
            to: StateCode::parse(to).unwrap(),
        }
    }

    #[test]
    fn without_pauses_the_deadline_is_the_end_of_the_nth_working_day() {
        let cal = WorkingCalendar::default();
        let w = Workflow::default();
        // Monday 16 June 2025, 10:00; 5 working days → end of Monday 23 June.
        let received = local(date!(2025 - 06 - 16), 10, 0);
        let s = deadline_status(&cal, &w, received, &[], 5, received);
        assert_eq!(s.due_at, Some(local_midnight(date!(2025 - 06 - 24))));
        assert_eq!(s.clock, Clock::Running);
        assert!(!s.overdue);
        assert_eq!(s.used_working_days, 0.0);
        // Halfway through Wednesday: 1.5 working days used.
        let s = deadline_status(
            &cal,
            &w,
            received,
            &[],
            5,
            local(date!(2025 - 06 - 18), 12, 0),
        );
        assert!(
            (s.used_working_days - 1.5).abs() < 1e-9,
            "{}",
            s.used_working_days
        );
        // At the due moment it is overdue.
        let due = local_midnight(date!(2025 - 06 - 24));
        assert!(!deadline_status(&cal, &w, received, &[], 5, due - 1).overdue);
        assert!(deadline_status(&cal, &w, received, &[], 5, due).overdue);
    }

    #[test]
    fn a_report_on_saturday_starts_on_monday_and_holidays_are_skipped() {
        let cal = WorkingCalendar::default();
        let w = Workflow::default();
        // Saturday 7 June 2025; Monday 9 June is Tweede Pinksterdag.
        let received = local(date!(2025 - 06 - 07), 23, 30);
        let s = deadline_status(&cal, &w, received, &[], 1, received);
        assert_eq!(s.due_at, Some(local_midnight(date!(2025 - 06 - 11))));
    }

    #[test]
    fn waiting_for_information_pauses_the_clock() {
        let cal = WorkingCalendar::default();
        let w = Workflow::default();
        let received = local(date!(2025 - 06 - 16), 10, 0);
        // Paused all of Wednesday and Thursday: two working days later.
        let changes = vec![
            change(local(date!(2025 - 06 - 17), 9, 0), codes::IN_BEHANDELING),
            change(
                local_midnight(date!(2025 - 06 - 18)),
                codes::WACHT_OP_INFORMATIE,
            ),
            change(local_midnight(date!(2025 - 06 - 20)), codes::IN_BEHANDELING),
        ];
        let now = local(date!(2025 - 06 - 20), 12, 0);
        let s = deadline_status(&cal, &w, received, &changes, 5, now);
        assert_eq!(s.due_at, Some(local_midnight(date!(2025 - 06 - 26))));
        assert!((s.used_working_days - 1.5).abs() < 1e-9);

        // While paused, there is no due moment and it is not overdue.
        let s = deadline_status(
            &cal,
            &w,
            received,
            &changes[..2],
            5,
            local(date!(2025 - 06 - 30), 9, 0),
        );
        assert_eq!(s.clock, Clock::Paused);
        assert_eq!(s.due_at, None);
        assert!(!s.overdue);
        assert!((s.used_working_days - 1.0).abs() < 1e-9);

        // A pause of one afternoon (six hours) moves the deadline by six hours.
        let changes = vec![
            change(
                local(date!(2025 - 06 - 18), 12, 0),
                codes::WACHT_OP_INFORMATIE,
            ),
            change(local(date!(2025 - 06 - 18), 18, 0), codes::IN_BEHANDELING),
        ];
        let s = deadline_status(
            &cal,
            &w,
            received,
            &changes,
            5,
            local(date!(2025 - 06 - 19), 0, 0),
        );
        assert_eq!(s.due_at, Some(local(date!(2025 - 06 - 24), 6, 0)));
    }

    #[test]
    fn closed_signals_stop_the_clock_and_are_never_overdue() {
        let cal = WorkingCalendar::default();
        let w = Workflow::default();
        let received = local(date!(2025 - 06 - 16), 10, 0);
        let closed = vec![change(
            local(date!(2025 - 06 - 17), 12, 0),
            codes::AFGEHANDELD,
        )];
        let late = local(date!(2025 - 09 - 01), 9, 0);
        let s = deadline_status(&cal, &w, received, &closed, 2, late);
        assert_eq!(s.clock, Clock::Stopped);
        assert!(!s.overdue);
        assert!((s.used_working_days - 0.5).abs() < 1e-9);
        // Reopened: the clock runs on from where it stopped.
        let mut reopened = closed.clone();
        reopened.push(change(
            local_midnight(date!(2025 - 09 - 01)),
            codes::HEROPEND,
        ));
        let s = deadline_status(&cal, &w, received, &reopened, 2, late);
        assert_eq!(s.clock, Clock::Running);
        assert_eq!(s.due_at, Some(local(date!(2025 - 09 - 02), 12, 0)));
        // Paused past the deadline: still overdue.
        let paused = vec![change(
            local(date!(2025 - 06 - 30), 9, 0),
            codes::WACHT_OP_INFORMATIE,
        )];
        let s = deadline_status(&cal, &w, received, &paused, 2, late);
        assert!(s.overdue && s.clock == Clock::Paused);
    }

    #[test]
    fn dst_days_count_as_one_working_day() {
        let cal = WorkingCalendar::default();
        let w = Workflow::default();
        // Friday 24 October 2025, 15:00; winter time starts on Sunday 26
        // October (a 25-hour day). Five working days → end of Friday 31.
        let received = local(date!(2025 - 10 - 24), 15, 0);
        let s = deadline_status(&cal, &w, received, &[], 5, received);
        assert_eq!(s.due_at, Some(local_midnight(date!(2025 - 11 - 01))));
    }

    #[test]
    fn policy_validation() {
        let p = DeadlinePolicy::default();
        assert_eq!(p.validate(), Ok(()));
        let mut q = p.clone();
        q.working_days.remove(&Category::Overig);
        q.working_days.insert(Category::Hennepteelt, 0);
        let problems = q.validate().unwrap_err();
        assert!(problems.contains(&DeadlineProblem::Missing {
            category: Category::Overig
        }));
        assert!(problems.contains(&DeadlineProblem::OutOfRange {
            category: Category::Hennepteelt,
            max: MAX_DEADLINE_DAYS
        }));
        assert_eq!(q.for_category(Category::Overig), 10);
        assert_eq!(p.for_category(Category::Drugsafval), 2);
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains("\"drugsafval\":2"), "{json}");
        assert_eq!(serde_json::from_str::<DeadlinePolicy>(&json).unwrap(), p);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn never_panics_on_odd_timestamps(
            received in prop::num::i64::ANY,
            at in prop::collection::vec(prop::num::i64::ANY, 0..4),
            now in prop::num::i64::ANY,
            n in 0u32..400,
        ) {
            let cal = WorkingCalendar::default();
            let w = Workflow::default();
            let states = [codes::WACHT_OP_INFORMATIE, codes::IN_BEHANDELING, codes::AFGEHANDELD, "onbekend"];
            let changes: Vec<StateChange> = at
                .iter()
                .enumerate()
                .map(|(i, t)| change(*t, states[i % states.len()]))
                .collect();
            let _ = deadline_status(&cal, &w, received, &changes, n, now);
        }
    }

    proptest! {
        #[test]
        fn without_pauses_matches_add_working_days(
            day in 0i64..(365 * 30), secs in 0i64..86_400, n in 1u32..30
        ) {
            let cal = WorkingCalendar::default();
            let w = Workflow::default();
            let received = 1_577_836_800 + day * 86_400 + secs; // from 2020
            let s = deadline_status(&cal, &w, received, &[], n, received);
            let last = cal.add_working_days(local_date(received), n);
            let expected = local_midnight(last.next_day().unwrap());
            prop_assert_eq!(s.due_at, Some(expected));
            prop_assert!(cal.is_working_day(local_date(expected - 1)));
        }

        #[test]
        fn a_pause_never_brings_the_deadline_forward(
            start in 0i64..(86_400 * 20), len in 0i64..(86_400 * 10), n in 1u32..15
        ) {
            let cal = WorkingCalendar::default();
            let w = Workflow::default();
            let received = 1_750_000_000;
            let changes = vec![
                change(received + start, codes::WACHT_OP_INFORMATIE),
                change(received + start + len, codes::IN_BEHANDELING),
            ];
            let now = received + start + len;
            let plain = deadline_status(&cal, &w, received, &[], n, now);
            let paused = deadline_status(&cal, &w, received, &changes, n, now);
            prop_assert!(paused.used_working_days <= plain.used_working_days + 1e-9);
            if let (Some(p), Some(q)) = (plain.due_at, paused.due_at) {
                prop_assert!(q >= p);
            }
        }
    }
}

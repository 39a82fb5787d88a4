//! Retention per category and state, and the plan of a purge run.
//!
//! Every (category, state) pair of the workflow needs a rule with a finite
//! period: there is no "keep forever", and a policy with a missing rule is
//! refused by [`RetentionPolicy::validate`]. The period counts from the
//! moment of closing for signals that have one, else from creation. A purge
//! removes the signals and leaves counts (per category, month of creation
//! and state) so the statistics stay right.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use time::{Date, Month};

use crate::Timestamp;
use crate::calendar::local_date;
use crate::category::Category;
use crate::workflow::{StateCode, StateKind, Workflow, codes};

/// The longest period a rule may have: ten years.
pub const MAX_MONTHS: u32 = 120;

/// How long to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Days(u32),
    Months(u32),
}

impl Period {
    fn is_empty(self) -> bool {
        matches!(self, Period::Days(0) | Period::Months(0))
    }

    fn too_long(self) -> bool {
        match self {
            Period::Days(d) => d > MAX_MONTHS * 31,
            Period::Months(m) => m > MAX_MONTHS,
        }
    }

    /// `date` plus this period (months clamp to the end of the month:
    /// 31 January + 1 month = 28/29 February).
    pub fn after(self, date: Date) -> Date {
        match self {
            Period::Days(d) => date
                .checked_add(time::Duration::days(i64::from(d)))
                .unwrap_or(Date::MAX),
            Period::Months(m) => add_months(date, m),
        }
    }
}

fn add_months(date: Date, months: u32) -> Date {
    let total =
        i64::from(date.year()) * 12 + i64::from(u8::from(date.month()) - 1) + i64::from(months);
    let Ok(year) = i32::try_from(total.div_euclid(12)) else {
        return Date::MAX;
    };
    let month_index = u8::try_from(total.rem_euclid(12) + 1).unwrap_or(12);
    let Ok(month) = Month::try_from(month_index) else {
        return Date::MAX;
    };
    let day = date.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MAX)
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionRule {
    pub category: Category,
    pub state: StateCode,
    pub keep: Period,
}

/// All rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPolicy {
    pub rules: Vec<RetentionRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum RetentionProblem {
    #[error("no retention rule for category {category} in state {state}")]
    MissingRule {
        category: Category,
        state: StateCode,
    },
    #[error("more than one retention rule for category {category} in state {state}")]
    DuplicateRule {
        category: Category,
        state: StateCode,
    },
    #[error("retention rule for unknown state {state}")]
    UnknownState { state: StateCode },
    #[error("the retention period for {category} in state {state} is zero")]
    EmptyPeriod {
        category: Category,
        state: StateCode,
    },
    #[error(
        "the retention period for {category} in state {state} is longer than {max_months} months"
    )]
    TooLong {
        category: Category,
        state: StateCode,
        max_months: u32,
    },
}

impl RetentionPolicy {
    /// A proposal the `beheerder` confirms or changes (nothing is kept
    /// forever): handled 24 months after closing (the scan's
    /// `signalen_500m_2j` looks back two years), cancelled 12 months after
    /// closing, other closed states 24 months, signals still open 36
    /// months after creation.
    pub fn suggested(workflow: &Workflow) -> RetentionPolicy {
        let mut rules = Vec::new();
        for category in Category::ALL {
            for s in &workflow.states {
                let keep = match (s.kind, s.code.as_str()) {
                    (StateKind::Closed, codes::GEANNULEERD) => Period::Months(12),
                    (StateKind::Closed, _) => Period::Months(24),
                    _ => Period::Months(36),
                };
                rules.push(RetentionRule {
                    category: *category,
                    state: s.code.clone(),
                    keep,
                });
            }
        }
        RetentionPolicy { rules }
    }

    /// Every category × state of `workflow` has exactly one rule with a
    /// period of 1 day to [`MAX_MONTHS`] months, and no rule names an
    /// unknown state.
    pub fn validate(&self, workflow: &Workflow) -> Result<(), Vec<RetentionProblem>> {
        let mut problems = Vec::new();
        let mut seen = BTreeSet::new();
        for r in &self.rules {
            if workflow.state(r.state.as_str()).is_none() {
                problems.push(RetentionProblem::UnknownState {
                    state: r.state.clone(),
                });
                continue;
            }
            if !seen.insert((r.category, r.state.clone())) {
                problems.push(RetentionProblem::DuplicateRule {
                    category: r.category,
                    state: r.state.clone(),
                });
            }
            if r.keep.is_empty() {
                problems.push(RetentionProblem::EmptyPeriod {
                    category: r.category,
                    state: r.state.clone(),
                });
            } else if r.keep.too_long() {
                problems.push(RetentionProblem::TooLong {
                    category: r.category,
                    state: r.state.clone(),
                    max_months: MAX_MONTHS,
                });
            }
        }
        for category in Category::ALL {
            for s in &workflow.states {
                if !seen.contains(&(*category, s.code.clone())) {
                    problems.push(RetentionProblem::MissingRule {
                        category: *category,
                        state: s.code.clone(),
                    });
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    pub fn rule(&self, category: Category, state: &str) -> Option<&RetentionRule> {
        self.rules
            .iter()
            .find(|r| r.category == category && r.state.as_str() == state)
    }
}

/// What a purge needs to know of a signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetainedSignal {
    pub id: String,
    pub category: Category,
    pub state: StateCode,
    pub created_at: Timestamp,
    pub closed_at: Option<Timestamp>,
}

/// Counts kept after a purge, at the finest grain; the web layer adds them
/// to its statistics table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatCount {
    pub category: Category,
    /// Month of creation (Dutch local time), `YYYY-MM`.
    pub month: String,
    pub state: StateCode,
    pub count: u64,
}

/// The result of planning a purge.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgePlan {
    /// Ids to delete, in input order.
    pub purge: Vec<String>,
    /// Counts of the purged signals.
    pub counts: Vec<StatCount>,
    /// Signals without a matching rule: kept, to be reported (a validated
    /// policy has none).
    pub without_rule: Vec<String>,
}

impl PurgePlan {
    pub fn per_category(&self) -> BTreeMap<Category, u64> {
        let mut m = BTreeMap::new();
        for c in &self.counts {
            *m.entry(c.category).or_default() += c.count;
        }
        m
    }

    pub fn per_month(&self) -> BTreeMap<String, u64> {
        let mut m = BTreeMap::new();
        for c in &self.counts {
            *m.entry(c.month.clone()).or_default() += c.count;
        }
        m
    }

    pub fn per_state(&self) -> BTreeMap<StateCode, u64> {
        let mut m = BTreeMap::new();
        for c in &self.counts {
            *m.entry(c.state.clone()).or_default() += c.count;
        }
        m
    }
}

/// The Dutch local date on which `signal`'s retention ends, under `policy`;
/// `None` without a rule. The signal is purged on or after that date.
pub fn purge_date(policy: &RetentionPolicy, signal: &RetainedSignal) -> Option<Date> {
    let rule = policy.rule(signal.category, signal.state.as_str())?;
    let anchor = local_date(signal.closed_at.unwrap_or(signal.created_at));
    Some(rule.keep.after(anchor))
}

/// Which of `signals` to purge on `today` and the counts to keep.
pub fn plan_purge(policy: &RetentionPolicy, signals: &[RetainedSignal], today: Date) -> PurgePlan {
    let mut plan = PurgePlan::default();
    let mut counts: BTreeMap<(Category, String, StateCode), u64> = BTreeMap::new();
    for s in signals {
        match purge_date(policy, s) {
            None => plan.without_rule.push(s.id.clone()),
            Some(d) if today >= d => {
                plan.purge.push(s.id.clone());
                let created = local_date(s.created_at);
                let month = format!("{:04}-{:02}", created.year(), u8::from(created.month()));
                *counts
                    .entry((s.category, month, s.state.clone()))
                    .or_default() += 1;
            }
            Some(_) => {}
        }
    }
    plan.counts = counts
        .into_iter()
        .map(|((category, month, state), count)| StatCount {
            category,
            month,
            state,
            count,
        })
        .collect();
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::local_midnight;
    use proptest::prelude::*;
    use time::macros::date;

    fn sc(s: &str) -> StateCode {
        StateCode::parse(s).unwrap()
    }

    fn signal(
        id: &str,
        cat: Category,
        state: &str,
        created: Date,
        closed: Option<Date>,
    ) -> RetainedSignal {
        RetainedSignal {
            id: id.into(),
            category: cat,
            state: sc(state),
            created_at: local_midnight(created) + 3600 * 10,
            closed_at: closed.map(|d| local_midnight(d) + 3600 * 10),
        }
    }

    #[test]
    fn the_suggested_policy_is_complete_and_finite() {
        let w = Workflow::default();
        let p = RetentionPolicy::suggested(&w);
        assert_eq!(p.validate(&w), Ok(()));
        assert_eq!(p.rules.len(), 8 * 7);
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains("\"keep\":{\"months\":24}"), "{json}");
        assert_eq!(serde_json::from_str::<RetentionPolicy>(&json).unwrap(), p);
    }

    #[test]
    fn validation_rejects_missing_empty_duplicate_and_unknown_rules() {
        let w = Workflow::default();
        let mut p = RetentionPolicy::suggested(&w);
        p.rules
            .retain(|r| !(r.category == Category::Overig && r.state.as_str() == codes::NIEUW));
        p.rules[0].keep = Period::Days(0);
        p.rules[1].keep = Period::Months(MAX_MONTHS + 1);
        p.rules.push(p.rules[2].clone());
        p.rules.push(RetentionRule {
            category: Category::Overig,
            state: sc("bestaat_niet"),
            keep: Period::Days(1),
        });
        let problems = p.validate(&w).unwrap_err();
        assert!(problems.contains(&RetentionProblem::MissingRule {
            category: Category::Overig,
            state: sc(codes::NIEUW)
        }));
        assert!(problems.contains(&RetentionProblem::UnknownState {
            state: sc("bestaat_niet")
        }));
        assert!(
            problems
                .iter()
                .any(|p| matches!(p, RetentionProblem::EmptyPeriod { .. }))
        );
        assert!(
            problems
                .iter()
                .any(|p| matches!(p, RetentionProblem::TooLong { .. }))
        );
        assert!(
            problems
                .iter()
                .any(|p| matches!(p, RetentionProblem::DuplicateRule { .. }))
        );
        // An empty policy misses every rule.
        let empty = RetentionPolicy { rules: vec![] };
        assert_eq!(empty.validate(&w).unwrap_err().len(), 56);
    }

    #[test]
    fn months_clamp_to_the_end_of_the_month() {
        assert_eq!(add_months(date!(2024 - 01 - 31), 1), date!(2024 - 02 - 29));
        assert_eq!(add_months(date!(2023 - 01 - 31), 1), date!(2023 - 02 - 28));
        assert_eq!(add_months(date!(2024 - 11 - 15), 14), date!(2026 - 01 - 15));
        assert_eq!(
            Period::Days(10).after(date!(2024 - 12 - 25)),
            date!(2025 - 01 - 04)
        );
    }

    #[test]
    fn purge_plan_and_counts() {
        let w = Workflow::default();
        let p = RetentionPolicy::suggested(&w);
        let today = date!(2026 - 06 - 15);
        let signals = vec![
            // Handled 2024-06-15 + 24 months = 2026-06-15: purged today.
            signal(
                "a",
                Category::Drugsafval,
                codes::AFGEHANDELD,
                date!(2024 - 05 - 02),
                Some(date!(2024 - 06 - 15)),
            ),
            // Handled a day later: kept.
            signal(
                "b",
                Category::Drugsafval,
                codes::AFGEHANDELD,
                date!(2024 - 05 - 20),
                Some(date!(2024 - 06 - 16)),
            ),
            // Cancelled 13 months ago: purged.
            signal(
                "c",
                Category::Hennepteelt,
                codes::GEANNULEERD,
                date!(2025 - 05 - 01),
                Some(date!(2025 - 05 - 10)),
            ),
            // Open since 2023-01: 36 months passed.
            signal(
                "d",
                Category::Drugsafval,
                codes::IN_BEHANDELING,
                date!(2023 - 01 - 10),
                None,
            ),
            // Open, recent: kept.
            signal(
                "e",
                Category::Drugsafval,
                codes::NIEUW,
                date!(2026 - 06 - 01),
                None,
            ),
            // A state no rule knows: kept and reported.
            signal(
                "f",
                Category::Overig,
                "verdwenen",
                date!(2020 - 01 - 01),
                None,
            ),
        ];
        let plan = plan_purge(&p, &signals, today);
        assert_eq!(plan.purge, vec!["a", "c", "d"]);
        assert_eq!(plan.without_rule, vec!["f"]);
        assert_eq!(plan.counts.len(), 3);
        assert_eq!(
            plan.per_category(),
            BTreeMap::from([(Category::Hennepteelt, 1), (Category::Drugsafval, 2)])
        );
        assert_eq!(
            plan.per_month(),
            BTreeMap::from([
                ("2023-01".to_string(), 1),
                ("2024-05".to_string(), 1),
                ("2025-05".to_string(), 1)
            ])
        );
        assert_eq!(plan.per_state().get(&sc(codes::AFGEHANDELD)), Some(&1));
        assert_eq!(purge_date(&p, &signals[1]), Some(date!(2026 - 06 - 16)));
    }

    proptest! {
        #[test]
        fn purged_signals_have_passed_their_period(
            sigs in prop::collection::vec((0usize..8, 0usize..7, 0i64..2000, prop::option::of(0i64..400)), 0..40),
            today_off in 0i64..3000,
        ) {
            let w = Workflow::default();
            let p = RetentionPolicy::suggested(&w);
            let base = date!(2020 - 01 - 01);
            let today = base + time::Duration::days(today_off);
            let signals: Vec<RetainedSignal> = sigs.iter().enumerate().map(|(i, (c, s, created, closed))| {
                let created_d = base + time::Duration::days(*created);
                let closed_d = closed.map(|c| created_d + time::Duration::days(c));
                signal(&format!("s{i}"), Category::ALL[*c], w.states[*s].code.as_str(), created_d, closed_d)
            }).collect();
            let plan = plan_purge(&p, &signals, today);
            let total: u64 = plan.counts.iter().map(|c| c.count).sum();
            prop_assert_eq!(total as usize, plan.purge.len());
            prop_assert!(plan.without_rule.is_empty());
            for s in &signals {
                let due = purge_date(&p, s).unwrap();
                prop_assert_eq!(plan.purge.contains(&s.id), today >= due);
                // Never before at least 12 months.
                if plan.purge.contains(&s.id) {
                    prop_assert!(today >= add_months(local_date(s.created_at), 12));
                }
            }
        }
    }
}

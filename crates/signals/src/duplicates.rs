//! Likely duplicates of a new signal, with the reasons.
//!
//! A candidate is suggested only when it is at the same **place**: the same
//! BAG object, or within the radius. The time window (by default required)
//! and the category add to the score. The score (0–100) orders the list; it
//! is a hint for the intake officer, who decides whether to merge.

use bz_geo::RdPoint;
use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::category::Category;

/// Points of the score.
const SAME_BAG: f64 = 50.0;
const RADIUS: f64 = 30.0;
const TIME: f64 = 10.0;
const CATEGORY: f64 = 10.0;

/// How duplicates are looked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateConfig {
    /// Metres; signals closer than this are at the same place.
    pub radius_m: f64,
    /// Days between the two reports.
    pub window_days: u32,
    /// Only suggest signals inside the time window (else the window only
    /// adds to the score).
    pub require_time_window: bool,
    /// Suggestions below this score are left out.
    pub min_score: u8,
}

impl Default for DuplicateConfig {
    fn default() -> Self {
        DuplicateConfig {
            radius_m: 250.0,
            window_days: 90,
            require_time_window: true,
            min_score: 10,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum DuplicateConfigProblem {
    #[error("the radius must be between 1 and 5000 metres")]
    Radius,
    #[error("the time window must be between 1 and 3650 days")]
    Window,
    #[error("the minimum score must be at most 100")]
    MinScore,
}

impl DuplicateConfig {
    pub fn validate(&self) -> Result<(), Vec<DuplicateConfigProblem>> {
        let mut p = Vec::new();
        if !(self.radius_m.is_finite() && (1.0..=5000.0).contains(&self.radius_m)) {
            p.push(DuplicateConfigProblem::Radius);
        }
        if !(1..=3650).contains(&self.window_days) {
            p.push(DuplicateConfigProblem::Window);
        }
        if self.min_score > 100 {
            p.push(DuplicateConfigProblem::MinScore);
        }
        if p.is_empty() { Ok(()) } else { Err(p) }
    }
}

/// What duplicate detection needs to know of a signal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalFacts {
    pub id: String,
    pub category: Category,
    pub bag_object_id: Option<String>,
    /// RD New point, metres.
    pub location: Option<RdPoint>,
    pub reported_at: Timestamp,
}

/// Why a candidate is suggested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum DuplicateReason {
    SameBagObject,
    WithinRadius { distance_m: u32 },
    WithinTimeWindow { days_apart: u32 },
    SameCategory,
}

/// One suggested duplicate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateSuggestion {
    pub id: String,
    pub score: u8,
    pub reasons: Vec<DuplicateReason>,
}

fn score_one(
    new: &SignalFacts,
    c: &SignalFacts,
    cfg: &DuplicateConfig,
) -> Option<DuplicateSuggestion> {
    let mut reasons = Vec::new();
    let mut score = 0.0;
    let same_bag = matches!(
        (&new.bag_object_id, &c.bag_object_id),
        (Some(a), Some(b)) if !a.trim().is_empty() && a.trim() == b.trim()
    );
    if same_bag {
        score += SAME_BAG;
        reasons.push(DuplicateReason::SameBagObject);
    }
    let distance = match (new.location, c.location) {
        (Some(a), Some(b)) if a.is_finite() && b.is_finite() => Some(a.distance(b)),
        _ => None,
    };
    let near = distance.filter(|d| *d <= cfg.radius_m);
    if let Some(d) = near {
        score += (RADIUS * (1.0 - d / cfg.radius_m)).max(5.0);
        reasons.push(DuplicateReason::WithinRadius {
            distance_m: d.round() as u32,
        });
    }
    if !same_bag && near.is_none() {
        return None;
    }
    let secs_apart = new.reported_at.abs_diff(c.reported_at);
    let window_secs = u64::from(cfg.window_days) * 86_400;
    if secs_apart <= window_secs {
        score += TIME * (1.0 - secs_apart as f64 / window_secs.max(1) as f64);
        reasons.push(DuplicateReason::WithinTimeWindow {
            days_apart: u32::try_from(secs_apart / 86_400).unwrap_or(u32::MAX),
        });
    } else if cfg.require_time_window {
        return None;
    }
    if new.category == c.category {
        score += CATEGORY;
        reasons.push(DuplicateReason::SameCategory);
    }
    let score = score.round().clamp(0.0, 100.0) as u8;
    (score >= cfg.min_score).then(|| DuplicateSuggestion {
        id: c.id.clone(),
        score,
        reasons,
    })
}

/// Likely duplicates of `new` among `candidates`, best first (then nearest
/// in time, then by id). The new signal itself is skipped.
pub fn suggest_duplicates(
    new: &SignalFacts,
    candidates: &[SignalFacts],
    cfg: &DuplicateConfig,
) -> Vec<DuplicateSuggestion> {
    let mut out: Vec<(DuplicateSuggestion, u64)> = candidates
        .iter()
        .filter(|c| c.id != new.id)
        .filter_map(|c| {
            score_one(new, c, cfg).map(|s| (s, new.reported_at.abs_diff(c.reported_at)))
        })
        .collect();
    out.sort_by(|(a, ta), (b, tb)| b.score.cmp(&a.score).then(ta.cmp(tb)).then(a.id.cmp(&b.id)));
    out.into_iter().map(|(s, _)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DAY: i64 = 86_400;
    const T0: i64 = 1_750_000_000;

    fn facts(id: &str, cat: Category, bag: Option<&str>, x: f64, y: f64, days: i64) -> SignalFacts {
        SignalFacts {
            id: id.into(),
            category: cat,
            bag_object_id: bag.map(Into::into),
            location: Some(RdPoint::new(x, y)),
            reported_at: T0 + days * DAY,
        }
    }

    #[test]
    fn same_object_near_and_recent_ranks_first() {
        use Category::*;
        let new = facts(
            "new",
            Drugsafval,
            Some("0221010000123456"),
            200_000.0,
            450_000.0,
            0,
        );
        let candidates = vec![
            new.clone(),
            facts(
                "same-bag",
                Drugsafval,
                Some("0221010000123456"),
                200_010.0,
                450_000.0,
                -2,
            ),
            facts(
                "near-other-cat",
                Hennepteelt,
                None,
                200_100.0,
                450_000.0,
                -10,
            ),
            facts("far", Drugsafval, None, 210_000.0, 450_000.0, -1),
            facts(
                "old",
                Drugsafval,
                Some("0221010000123456"),
                200_000.0,
                450_000.0,
                -400,
            ),
            SignalFacts {
                location: None,
                ..facts("no-place", Drugsafval, None, 0.0, 0.0, 0)
            },
        ];
        let s = suggest_duplicates(&new, &candidates, &DuplicateConfig::default());
        let ids: Vec<&str> = s.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, vec!["same-bag", "near-other-cat"]);
        assert_eq!(
            s[0].reasons,
            vec![
                DuplicateReason::SameBagObject,
                DuplicateReason::WithinRadius { distance_m: 10 },
                DuplicateReason::WithinTimeWindow { days_apart: 2 },
                DuplicateReason::SameCategory
            ]
        );
        assert!(s[0].score > 90 && s[0].score <= 100, "{}", s[0].score);
        assert_eq!(
            s[1].reasons,
            vec![
                DuplicateReason::WithinRadius { distance_m: 100 },
                DuplicateReason::WithinTimeWindow { days_apart: 10 }
            ]
        );
    }

    #[test]
    fn the_time_window_can_be_a_bonus_only() {
        let new = facts("new", Category::Drugsafval, Some("B"), 0.0, 0.0, 0);
        let old = facts("old", Category::Drugsafval, Some("B"), 0.0, 0.0, -400);
        let cfg = DuplicateConfig {
            require_time_window: false,
            ..DuplicateConfig::default()
        };
        let s = suggest_duplicates(&new, std::slice::from_ref(&old), &cfg);
        assert_eq!(s.len(), 1);
        assert!(
            !s[0]
                .reasons
                .iter()
                .any(|r| matches!(r, DuplicateReason::WithinTimeWindow { .. }))
        );
        let strict = DuplicateConfig {
            min_score: 95,
            ..cfg
        };
        assert!(suggest_duplicates(&new, &[old], &strict).is_empty());
    }

    #[test]
    fn config_validation_and_json() {
        let cfg = DuplicateConfig::default();
        assert_eq!(cfg.validate(), Ok(()));
        let bad = DuplicateConfig {
            radius_m: f64::NAN,
            window_days: 0,
            require_time_window: true,
            min_score: 101,
        };
        assert_eq!(bad.validate().unwrap_err().len(), 3);
        let json = serde_json::to_string(&suggest_duplicates(
            &facts("a", Category::Overig, None, 0.0, 0.0, 0),
            &[facts("b", Category::Overig, None, 3.0, 4.0, 0)],
            &cfg,
        ))
        .unwrap();
        assert!(
            json.contains("{\"reason\":\"within_radius\",\"distance_m\":5}"),
            "{json}"
        );
    }

    proptest! {
        #[test]
        fn suggestions_are_at_the_same_place_and_sorted(
            pts in prop::collection::vec((0f64..1000.0, 0f64..1000.0, -200i64..200, 0usize..8, prop::bool::ANY), 0..30)
        ) {
            let cfg = DuplicateConfig::default();
            let new = facts("new", Category::Drugsafval, Some("B"), 500.0, 500.0, 0);
            let cands: Vec<SignalFacts> = pts.iter().enumerate().map(|(i, (x, y, d, c, bag))| {
                facts(&format!("c{i}"), Category::ALL[*c], bag.then_some("B"), *x, *y, *d)
            }).collect();
            let s = suggest_duplicates(&new, &cands, &cfg);
            prop_assert!(s.windows(2).all(|w| w[0].score >= w[1].score));
            for sug in &s {
                prop_assert!(sug.score <= 100);
                let at_place = sug.reasons.iter().any(|r| matches!(r,
                    DuplicateReason::SameBagObject | DuplicateReason::WithinRadius { .. }));
                let in_window = sug.reasons.iter().any(|r| matches!(r, DuplicateReason::WithinTimeWindow { .. }));
                prop_assert!(at_place, "not at the same place: {:?}", sug);
                prop_assert!(in_window, "outside the window: {:?}", sug);
            }
        }
    }
}

//! Rules around the gebiedsscan that are not the computation itself: the
//! indicator set and its weights (as shown to people), the decisions a
//! person records on a scored location, and which area a run covers.
//!
//! A score is an indication to start a conversation, never a finding about
//! a person, and it never triggers anything by itself: every follow-up is a
//! recorded human decision with a reason.

use serde::Serialize;

/// Identifier of the indicator set implemented by `bz_scan` (spec v1).
pub const INDICATOR_SET_V1: &str = "gebiedsscan-v1";

/// One indicator of the set, with its weight in the score.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Indicator {
    pub name: &'static str,
    pub weight: f64,
    /// How the indicator's value becomes a 0..1 contribution factor (for people).
    pub scaling: &'static str,
}

/// The v1 indicators in score order (spec: shared/spec/gebiedsscan-v1.md).
pub const INDICATORS_V1: [Indicator; 6] = [
    Indicator {
        name: "incidenten_1km_5j",
        weight: 0.30,
        scaling: "min(n, 5) / 5",
    },
    Indicator {
        name: "signalen_500m_2j",
        weight: 0.15,
        scaling: "min(n, 5) / 5",
    },
    Indicator {
        name: "isolatie_m",
        weight: 0.15,
        scaling: "clamp((m - 100) / 900, 0, 1)",
    },
    Indicator {
        name: "agrarisch_gestopt",
        weight: 0.20,
        scaling: "0 or 1",
    },
    Indicator {
        name: "groot_bedrijfspand",
        weight: 0.10,
        scaling: "0 or 1",
    },
    Indicator {
        name: "buiten_gebruik",
        weight: 0.10,
        scaling: "0 or 1",
    },
];

/// Score thresholds of the classes.
pub const HOOG_FROM: f64 = 0.5;
pub const MIDDEN_FROM: f64 = 0.25;

/// What a person decides after looking at a scored location.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Decision {
    /// No follow-up: the indication is explained by known, harmless facts.
    GeenActie,
    /// Visit the farmyard for an open conversation ("de boer op").
    GesprekDeBoerOp,
    /// Offer the owner a confidential (agrarian) coach.
    CoachAanbieden,
    /// Propose a joint check with partners (integrale controle).
    IntegraleControleVoorstellen,
}

impl Decision {
    pub const ALL: [Decision; 4] = [
        Decision::GeenActie,
        Decision::GesprekDeBoerOp,
        Decision::CoachAanbieden,
        Decision::IntegraleControleVoorstellen,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::GeenActie => "geen_actie",
            Decision::GesprekDeBoerOp => "gesprek_de_boer_op",
            Decision::CoachAanbieden => "coach_aanbieden",
            Decision::IntegraleControleVoorstellen => "integrale_controle_voorstellen",
        }
    }
    pub fn parse(s: &str) -> Option<Decision> {
        Decision::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// A decision needs a reason of at least this many characters, so that it
/// explains itself to a later reader (and to the person concerned).
pub const MIN_REASON_CHARS: usize = 10;
pub const MAX_REASON_CHARS: usize = 2000;

/// Validate a decision's reason.
pub fn reason(s: &str) -> Result<String, crate::identity::FieldProblem> {
    let s = s.trim();
    let n = s.chars().count();
    if n == 0 {
        Err(crate::identity::FieldProblem::Required)
    } else if n < MIN_REASON_CHARS {
        Err(crate::identity::FieldProblem::TooShort)
    } else if n > MAX_REASON_CHARS {
        Err(crate::identity::FieldProblem::TooLong)
    } else {
        Ok(s.to_string())
    }
}

/// The area a scan run reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AreaKind {
    /// All addresses of a municipality.
    Gemeente,
    /// Only the municipality's buitengebied (omgevingsadressendichtheid < 500).
    Buitengebied,
    /// A user's own area: the municipality's addresses inside a polygon.
    EigenGebied,
}

impl AreaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AreaKind::Gemeente => "gemeente",
            AreaKind::Buitengebied => "buitengebied",
            AreaKind::EigenGebied => "eigen_gebied",
        }
    }
    pub fn parse(s: &str) -> Option<AreaKind> {
        match s {
            "gemeente" => Some(AreaKind::Gemeente),
            "buitengebied" => Some(AreaKind::Buitengebied),
            "eigen_gebied" => Some(AreaKind::EigenGebied),
            _ => None,
        }
    }
}

/// The contribution of each indicator to a score, in score order, computed
/// exactly as the spec writes the score (multiply first, then divide).
pub fn contributions(
    incidents: u32,
    signals: u32,
    isolatie_m: f64,
    agrarisch_gestopt: bool,
    groot_bedrijfspand: bool,
    buiten_gebruik: bool,
) -> [f64; 6] {
    [
        0.30 * f64::from(incidents.min(5)) / 5.0,
        0.15 * f64::from(signals.min(5)) / 5.0,
        0.15 * ((isolatie_m - 100.0) / 900.0).clamp(0.0, 1.0),
        0.20 * f64::from(u8::from(agrarisch_gestopt)),
        0.10 * f64::from(u8::from(groot_bedrijfspand)),
        0.10 * f64::from(u8::from(buiten_gebruik)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_add_up_to_one() {
        let sum: f64 = INDICATORS_V1.iter().map(|i| i.weight).sum();
        assert!((sum - 1.0).abs() < 1e-12);
    }

    #[test]
    fn contributions_follow_the_spec() {
        let c = contributions(7, 1, 550.0, true, false, true);
        assert_eq!(c[0], 0.30);
        assert!((c[1] - 0.03).abs() < 1e-15);
        assert!((c[2] - 0.075).abs() < 1e-15);
        assert_eq!((c[3], c[4], c[5]), (0.20, 0.0, 0.10));
        assert_eq!(contributions(0, 0, 50.0, false, false, false), [0.0; 6]);
        assert_eq!(contributions(0, 0, 5000.0, false, false, false)[2], 0.15);
    }

    #[test]
    fn decisions_need_a_real_reason() {
        assert!(reason("   ").is_err());
        assert!(reason("ok").is_err());
        assert!(reason("Bekende loonwerker, geen aanleiding.").is_ok());
        for d in Decision::ALL {
            assert_eq!(Decision::parse(d.as_str()), Some(d));
        }
    }
}

/// CBS urbanity class (stedelijkheid) from the address density (OAD): 1 = very
/// strongly urban (≥ 2500) … 5 = not urban (< 500, the buitengebied).
pub fn stedelijkheid(oad: f64) -> u8 {
    if oad >= 2500.0 {
        1
    } else if oad >= 1500.0 {
        2
    } else if oad >= 1000.0 {
        3
    } else if oad >= 500.0 {
        4
    } else {
        5
    }
}

/// One scored address, as the bias report needs it.
#[derive(Debug, Clone, Copy)]
pub struct Scored {
    pub oad: f64,
    pub score: f64,
    pub contributions: [f64; 6],
}

/// Counts of one group in the bias report.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct GroupShare {
    pub group: String,
    pub addresses: u64,
    pub hoog: u64,
    pub midden: u64,
}

/// Stored with every run: where the high scores fall, and how many of them
/// hinge on a single indicator (without it the address would not be `hoog`).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct BiasReport {
    pub per_stedelijkheid: Vec<GroupShare>,
    /// (indicator, number of `hoog` results that are `hoog` only because of it)
    pub hoog_depends_on_one_indicator: Vec<(String, u64)>,
    pub hoog_total: u64,
}

pub fn bias_report(scored: &[Scored]) -> BiasReport {
    bias_report_with(scored, HOOG_FROM, MIDDEN_FROM)
}

/// The bias report for an indicator set with its own class cut-offs.
pub fn bias_report_with(scored: &[Scored], hoog_from: f64, midden_from: f64) -> BiasReport {
    let mut groups: Vec<GroupShare> = (1..=5)
        .map(|g| GroupShare {
            group: g.to_string(),
            ..Default::default()
        })
        .collect();
    let mut depends = [0u64; 6];
    let mut hoog_total = 0;
    for s in scored {
        let g = &mut groups[usize::from(stedelijkheid(s.oad)) - 1];
        g.addresses += 1;
        if s.score >= hoog_from {
            g.hoog += 1;
            hoog_total += 1;
            for (i, c) in s.contributions.iter().enumerate() {
                if s.score - c < hoog_from {
                    depends[i] += 1;
                }
            }
        } else if s.score >= midden_from {
            g.midden += 1;
        }
    }
    BiasReport {
        per_stedelijkheid: groups.into_iter().filter(|g| g.addresses > 0).collect(),
        hoog_depends_on_one_indicator: INDICATORS_V1
            .iter()
            .zip(depends)
            .map(|(i, n)| (i.name.to_string(), n))
            .collect(),
        hoog_total,
    }
}

#[cfg(test)]
mod bias_tests {
    use super::*;

    #[test]
    fn bias_report_counts_groups_and_single_indicator_dependence() {
        let s = |oad, c: [f64; 6]| Scored {
            oad,
            score: c.iter().sum(),
            contributions: c,
        };
        let report = bias_report(&[
            s(100.0, [0.30, 0.0, 0.15, 0.20, 0.0, 0.10]), // hoog (0.75): only without incidents below 0.5
            s(3000.0, [0.0, 0.0, 0.0, 0.20, 0.10, 0.0]),  // midden
            s(700.0, [0.0; 6]),
        ]);
        assert_eq!(report.hoog_total, 1);
        let g5 = report
            .per_stedelijkheid
            .iter()
            .find(|g| g.group == "5")
            .unwrap();
        assert_eq!((g5.addresses, g5.hoog), (1, 1));
        assert_eq!(report.per_stedelijkheid.len(), 3);
        let dep: Vec<u64> = report
            .hoog_depends_on_one_indicator
            .iter()
            .map(|d| d.1)
            .collect();
        assert_eq!(dep, vec![1, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn urbanity_classes_follow_cbs() {
        assert_eq!(stedelijkheid(2500.0), 1);
        assert_eq!(stedelijkheid(499.9), 5);
        assert_eq!(stedelijkheid(500.0), 4);
    }
}

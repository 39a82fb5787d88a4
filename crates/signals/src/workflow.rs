//! The follow-up workflow as data: states, allowed transitions and which
//! transitions need a text.
//!
//! A [`Workflow`] is plain serde data so the `beheerder` can edit it and the
//! store can keep it as JSON. An edited workflow is checked with
//! [`Workflow::validate`] before it is saved; every requested state change is
//! checked with [`Workflow::check_transition`].

use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, VecDeque};

/// The most characters a transition text may have.
pub const MAX_TRANSITION_TEXT: usize = 5000;

/// Codes of the default states.
pub mod codes {
    pub const NIEUW: &str = "nieuw";
    pub const IN_BEHANDELING: &str = "in_behandeling";
    pub const WACHT_OP_INFORMATIE: &str = "wacht_op_informatie";
    pub const DOORGEZET: &str = "doorgezet";
    pub const AFGEHANDELD: &str = "afgehandeld";
    pub const GEANNULEERD: &str = "geannuleerd";
    pub const HEROPEND: &str = "heropend";
}

/// The code of a state: 1–40 characters `a-z`, `0-9`, `_`, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StateCode(String);

impl StateCode {
    pub fn parse(s: &str) -> Result<StateCode, BadStateCode> {
        let s = s.trim();
        let ok = (1..=40).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if ok {
            Ok(StateCode(s.to_string()))
        } else {
            Err(BadStateCode(s.chars().take(64).collect()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for StateCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for StateCode {
    type Error = BadStateCode;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        StateCode::parse(&s)
    }
}

impl From<StateCode> for String {
    fn from(c: StateCode) -> String {
        c.0
    }
}

/// A state code that is not well-formed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a valid state code (a-z, 0-9 and _, starting with a letter, at most 40)")]
pub struct BadStateCode(pub String);

/// What a state means for the clock and for retention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateKind {
    /// Work is going on; the deadline clock runs.
    Open,
    /// Waiting for information from someone else; the deadline clock is paused.
    Waiting,
    /// Finished (handled or cancelled); the clock stops and retention counts
    /// from the moment of closing.
    Closed,
}

/// One state of the workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateDef {
    pub code: StateCode,
    pub name_nl: String,
    pub name_en: String,
    pub kind: StateKind,
    /// The state every new signal starts in; exactly one state has it.
    #[serde(default)]
    pub initial: bool,
}

/// One allowed change of state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransitionDef {
    pub from: StateCode,
    pub to: StateCode,
    /// The person changing the state must give a text (an explanation that
    /// goes into the history).
    #[serde(default)]
    pub requires_text: bool,
}

/// States and allowed transitions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workflow {
    pub states: Vec<StateDef>,
    pub transitions: Vec<TransitionDef>,
}

/// Something wrong with an edited workflow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum WorkflowProblem {
    #[error("the workflow has no states")]
    NoStates,
    #[error("no state is marked as the initial state")]
    NoInitialState,
    #[error("more than one state is marked as initial: {states:?}")]
    SeveralInitialStates { states: Vec<StateCode> },
    #[error("the initial state {state} is a closed state")]
    InitialIsClosed { state: StateCode },
    #[error("state {state} is defined more than once")]
    DuplicateState { state: StateCode },
    #[error("state {state} has an empty name")]
    EmptyName { state: StateCode },
    #[error("transition {from} → {to} starts at an unknown state")]
    TransitionFromUnknownState { from: StateCode, to: StateCode },
    #[error("transition {from} → {to} ends at an unknown state")]
    TransitionToUnknownState { from: StateCode, to: StateCode },
    #[error("transition {from} → {to} is listed more than once")]
    DuplicateTransition { from: StateCode, to: StateCode },
    #[error("transition {state} → {state} does not change the state")]
    SelfTransition { state: StateCode },
    #[error("state {state} cannot be reached from the initial state")]
    Unreachable { state: StateCode },
    #[error("state {state} is not closed but has no way out")]
    DeadEnd { state: StateCode },
    #[error("no closed state can be reached from the initial state")]
    NoReachableClosedState,
}

/// Why a requested state change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum TransitionError {
    #[error("unknown state {state:?}")]
    UnknownState { state: String },
    #[error("the signal is already in state {state}")]
    SameState { state: StateCode },
    #[error("a change from {from} to {to} is not allowed")]
    NotAllowed { from: StateCode, to: StateCode },
    #[error("a change from {from} to {to} needs an explanation")]
    TextRequired { from: StateCode, to: StateCode },
    #[error("the explanation is longer than {max} characters")]
    TextTooLong { max: usize },
}

impl TransitionError {
    /// Stable key of the message catalogue entry.
    pub fn message_key(&self) -> &'static str {
        match self {
            TransitionError::UnknownState { .. } => "signal.transition.unknown_state",
            TransitionError::SameState { .. } => "signal.transition.same_state",
            TransitionError::NotAllowed { .. } => "signal.transition.not_allowed",
            TransitionError::TextRequired { .. } => "signal.transition.text_required",
            TransitionError::TextTooLong { .. } => "signal.transition.text_too_long",
        }
    }
}

fn code(s: &str) -> StateCode {
    StateCode(s.to_string())
}

impl Default for Workflow {
    /// The default workflow: nieuw, in behandeling, wacht op informatie,
    /// doorgezet, afgehandeld, geannuleerd, heropend. Closing as
    /// afgehandeld and reopening need a text.
    fn default() -> Self {
        use codes::*;
        let state = |c: &str, nl: &str, en: &str, kind: StateKind| StateDef {
            code: code(c),
            name_nl: nl.into(),
            name_en: en.into(),
            kind,
            initial: c == NIEUW,
        };
        let states = vec![
            state(NIEUW, "Nieuw", "New", StateKind::Open),
            state(
                IN_BEHANDELING,
                "In behandeling",
                "In progress",
                StateKind::Open,
            ),
            state(
                WACHT_OP_INFORMATIE,
                "Wacht op informatie",
                "Waiting for information",
                StateKind::Waiting,
            ),
            state(DOORGEZET, "Doorgezet", "Forwarded", StateKind::Open),
            state(AFGEHANDELD, "Afgehandeld", "Handled", StateKind::Closed),
            state(GEANNULEERD, "Geannuleerd", "Cancelled", StateKind::Closed),
            state(HEROPEND, "Heropend", "Reopened", StateKind::Open),
        ];
        let working = [
            NIEUW,
            IN_BEHANDELING,
            WACHT_OP_INFORMATIE,
            DOORGEZET,
            HEROPEND,
        ];
        let mut transitions = Vec::new();
        for from in working {
            for to in [
                IN_BEHANDELING,
                WACHT_OP_INFORMATIE,
                DOORGEZET,
                AFGEHANDELD,
                GEANNULEERD,
            ] {
                if from != to {
                    transitions.push(TransitionDef {
                        from: code(from),
                        to: code(to),
                        requires_text: to == AFGEHANDELD,
                    });
                }
            }
        }
        for from in [AFGEHANDELD, GEANNULEERD] {
            transitions.push(TransitionDef {
                from: code(from),
                to: code(HEROPEND),
                requires_text: true,
            });
        }
        Workflow {
            states,
            transitions,
        }
    }
}

impl Workflow {
    /// The state a new signal starts in (`None` only for an invalid workflow).
    pub fn initial(&self) -> Option<&StateDef> {
        self.states.iter().find(|s| s.initial)
    }

    pub fn state(&self, code: &str) -> Option<&StateDef> {
        self.states.iter().find(|s| s.code.as_str() == code)
    }

    /// The kind of a state; `None` for an unknown code.
    pub fn kind(&self, code: &str) -> Option<StateKind> {
        self.state(code).map(|s| s.kind)
    }

    /// The transitions allowed from `from`, in the order they are defined
    /// (for the buttons on the signal page).
    pub fn allowed_from<'a>(&'a self, from: &'a str) -> impl Iterator<Item = &'a TransitionDef> {
        self.transitions
            .iter()
            .filter(move |t| t.from.as_str() == from)
    }

    /// Checks a requested change from `from` to `to` with an optional text.
    /// Returns the transition on success.
    pub fn check_transition(
        &self,
        from: &str,
        to: &str,
        text: Option<&str>,
    ) -> Result<&TransitionDef, TransitionError> {
        let from_state = self
            .state(from)
            .ok_or_else(|| TransitionError::UnknownState { state: from.into() })?;
        let to_state = self
            .state(to)
            .ok_or_else(|| TransitionError::UnknownState { state: to.into() })?;
        if from_state.code == to_state.code {
            return Err(TransitionError::SameState {
                state: from_state.code.clone(),
            });
        }
        let t = self
            .transitions
            .iter()
            .find(|t| t.from == from_state.code && t.to == to_state.code)
            .ok_or_else(|| TransitionError::NotAllowed {
                from: from_state.code.clone(),
                to: to_state.code.clone(),
            })?;
        let text = text.map(str::trim).unwrap_or("");
        if t.requires_text && text.is_empty() {
            return Err(TransitionError::TextRequired {
                from: t.from.clone(),
                to: t.to.clone(),
            });
        }
        if text.chars().count() > MAX_TRANSITION_TEXT {
            return Err(TransitionError::TextTooLong {
                max: MAX_TRANSITION_TEXT,
            });
        }
        Ok(t)
    }

    /// Checks an edited workflow; returns every problem found.
    pub fn validate(&self) -> Result<(), Vec<WorkflowProblem>> {
        let mut problems = Vec::new();
        if self.states.is_empty() {
            return Err(vec![WorkflowProblem::NoStates]);
        }
        let mut by_code: HashMap<&StateCode, &StateDef> = HashMap::new();
        for s in &self.states {
            if by_code.insert(&s.code, s).is_some() {
                problems.push(WorkflowProblem::DuplicateState {
                    state: s.code.clone(),
                });
            }
            if s.name_nl.trim().is_empty() || s.name_en.trim().is_empty() {
                problems.push(WorkflowProblem::EmptyName {
                    state: s.code.clone(),
                });
            }
        }
        let initials: Vec<&StateDef> = self.states.iter().filter(|s| s.initial).collect();
        match initials.as_slice() {
            [] => problems.push(WorkflowProblem::NoInitialState),
            [one] => {
                if one.kind == StateKind::Closed {
                    problems.push(WorkflowProblem::InitialIsClosed {
                        state: one.code.clone(),
                    });
                }
            }
            many => problems.push(WorkflowProblem::SeveralInitialStates {
                states: many.iter().map(|s| s.code.clone()).collect(),
            }),
        }

        let mut seen = BTreeSet::new();
        let mut edges: HashMap<&StateCode, Vec<&StateCode>> = HashMap::new();
        for t in &self.transitions {
            let (from, to) = (t.from.clone(), t.to.clone());
            if !by_code.contains_key(&t.from) {
                problems.push(WorkflowProblem::TransitionFromUnknownState { from, to });
                continue;
            }
            if !by_code.contains_key(&t.to) {
                problems.push(WorkflowProblem::TransitionToUnknownState { from, to });
                continue;
            }
            if t.from == t.to {
                problems.push(WorkflowProblem::SelfTransition { state: from });
                continue;
            }
            if !seen.insert((&t.from, &t.to)) {
                problems.push(WorkflowProblem::DuplicateTransition { from, to });
                continue;
            }
            edges.entry(&t.from).or_default().push(&t.to);
        }

        if let [initial] = initials.as_slice() {
            let mut reached: BTreeSet<&StateCode> = BTreeSet::new();
            let mut queue = VecDeque::from([&initial.code]);
            reached.insert(&initial.code);
            while let Some(s) = queue.pop_front() {
                for next in edges.get(s).into_iter().flatten() {
                    if reached.insert(next) {
                        queue.push_back(next);
                    }
                }
            }
            let mut any_closed = false;
            for s in &self.states {
                if !reached.contains(&s.code) {
                    problems.push(WorkflowProblem::Unreachable {
                        state: s.code.clone(),
                    });
                } else if s.kind == StateKind::Closed {
                    any_closed = true;
                }
            }
            if !any_closed {
                problems.push(WorkflowProblem::NoReachableClosedState);
            }
        }
        for s in &self.states {
            if s.kind != StateKind::Closed && edges.get(&s.code).is_none_or(|e| e.is_empty()) {
                problems.push(WorkflowProblem::DeadEnd {
                    state: s.code.clone(),
                });
            }
        }

        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::codes::*;
    use super::*;

    #[test]
    fn the_default_workflow_is_valid() {
        let w = Workflow::default();
        assert_eq!(w.validate(), Ok(()));
        assert_eq!(w.states.len(), 7);
        assert_eq!(w.initial().map(|s| s.code.as_str()), Some(NIEUW));
        assert_eq!(w.kind(WACHT_OP_INFORMATIE), Some(StateKind::Waiting));
        assert_eq!(w.kind(AFGEHANDELD), Some(StateKind::Closed));
    }

    #[test]
    fn allowed_transitions_pass_and_others_are_refused() {
        let w = Workflow::default();
        assert!(w.check_transition(NIEUW, IN_BEHANDELING, None).is_ok());
        assert!(
            w.check_transition(IN_BEHANDELING, WACHT_OP_INFORMATIE, None)
                .is_ok()
        );
        assert_eq!(
            w.check_transition(AFGEHANDELD, IN_BEHANDELING, Some("x")),
            Err(TransitionError::NotAllowed {
                from: code(AFGEHANDELD),
                to: code(IN_BEHANDELING)
            })
        );
        assert_eq!(
            w.check_transition(NIEUW, NIEUW, None),
            Err(TransitionError::SameState { state: code(NIEUW) })
        );
        assert_eq!(
            w.check_transition(NIEUW, "bestaat_niet", None),
            Err(TransitionError::UnknownState {
                state: "bestaat_niet".into()
            })
        );
        assert!(!w.allowed_from(NIEUW).any(|t| t.to.as_str() == HEROPEND));
        assert_eq!(w.allowed_from(AFGEHANDELD).count(), 1);
    }

    #[test]
    fn closing_and_reopening_need_a_text() {
        let w = Workflow::default();
        for (from, to) in [
            (IN_BEHANDELING, AFGEHANDELD),
            (AFGEHANDELD, HEROPEND),
            (GEANNULEERD, HEROPEND),
        ] {
            for text in [None, Some(""), Some("   \n")] {
                let err = w.check_transition(from, to, text).unwrap_err();
                assert!(
                    matches!(err, TransitionError::TextRequired { .. }),
                    "{from}->{to}"
                );
                assert_eq!(err.message_key(), "signal.transition.text_required");
            }
            assert!(
                w.check_transition(from, to, Some("Opgelost door de politie"))
                    .is_ok()
            );
        }
        // Cancelling does not need a text.
        assert!(w.check_transition(NIEUW, GEANNULEERD, None).is_ok());
        let long = "x".repeat(MAX_TRANSITION_TEXT + 1);
        assert_eq!(
            w.check_transition(NIEUW, AFGEHANDELD, Some(&long)),
            Err(TransitionError::TextTooLong {
                max: MAX_TRANSITION_TEXT
            })
        );
    }

    #[test]
    fn round_trips_through_json() {
        let w = Workflow::default();
        let json = serde_json::to_string(&w).unwrap();
        let back: Workflow = serde_json::from_str(&json).unwrap();
        assert_eq!(back, w);
        // A bad code is refused when loading.
        let bad = json.replace("\"nieuw\"", "\"Nieuw!\"");
        assert!(serde_json::from_str::<Workflow>(&bad).is_err());
    }

    #[test]
    fn validation_finds_every_problem() {
        let mut w = Workflow::default();
        // A second initial state, an unreachable one, a dead end, unknown
        // endpoints, a duplicate and a self-transition.
        w.states.push(StateDef {
            code: code("los"),
            name_nl: "Los".into(),
            name_en: "".into(),
            kind: StateKind::Open,
            initial: false,
        });
        w.transitions.push(TransitionDef {
            from: code("spook"),
            to: code(NIEUW),
            requires_text: false,
        });
        w.transitions.push(TransitionDef {
            from: code(NIEUW),
            to: code("spook"),
            requires_text: false,
        });
        w.transitions.push(w.transitions[0].clone());
        w.transitions.push(TransitionDef {
            from: code(NIEUW),
            to: code(NIEUW),
            requires_text: false,
        });
        let problems = w.validate().unwrap_err();
        let has = |p: WorkflowProblem| problems.contains(&p);
        assert!(has(WorkflowProblem::EmptyName { state: code("los") }));
        assert!(has(WorkflowProblem::Unreachable { state: code("los") }));
        assert!(has(WorkflowProblem::DeadEnd { state: code("los") }));
        assert!(has(WorkflowProblem::TransitionFromUnknownState {
            from: code("spook"),
            to: code(NIEUW)
        }));
        assert!(has(WorkflowProblem::TransitionToUnknownState {
            from: code(NIEUW),
            to: code("spook")
        }));
        assert!(has(WorkflowProblem::SelfTransition { state: code(NIEUW) }));
        assert!(
            problems
                .iter()
                .any(|p| matches!(p, WorkflowProblem::DuplicateTransition { .. }))
        );
    }

    #[test]
    fn initial_state_rules() {
        let mut w = Workflow::default();
        for s in &mut w.states {
            s.initial = false;
        }
        assert!(
            w.validate()
                .unwrap_err()
                .contains(&WorkflowProblem::NoInitialState)
        );

        let mut w = Workflow::default();
        w.states[1].initial = true;
        assert!(matches!(
            w.validate().unwrap_err()[0],
            WorkflowProblem::SeveralInitialStates { .. }
        ));

        let mut w = Workflow::default();
        w.states[0].kind = StateKind::Closed;
        assert!(
            w.validate()
                .unwrap_err()
                .contains(&WorkflowProblem::InitialIsClosed { state: code(NIEUW) })
        );

        let mut w = Workflow::default();
        w.states.push(w.states[1].clone());
        assert!(
            w.validate()
                .unwrap_err()
                .contains(&WorkflowProblem::DuplicateState {
                    state: code(IN_BEHANDELING)
                })
        );

        let w = Workflow {
            states: vec![],
            transitions: vec![],
        };
        assert_eq!(w.validate(), Err(vec![WorkflowProblem::NoStates]));
    }

    #[test]
    fn a_workflow_without_a_reachable_closed_state_is_refused() {
        let mut w = Workflow::default();
        let original = w.clone();
        w.transitions
            .retain(|t| original.kind(t.to.as_str()) != Some(StateKind::Closed));
        let problems = w.validate().unwrap_err();
        assert!(problems.contains(&WorkflowProblem::NoReachableClosedState));
        assert!(problems.contains(&WorkflowProblem::Unreachable {
            state: code(AFGEHANDELD)
        }));
    }

    #[test]
    fn state_codes_are_checked() {
        assert!(StateCode::parse("wacht_op_informatie").is_ok());
        for bad in ["", "Nieuw", "1e", "in behandeling", &"a".repeat(41)] {
            assert!(StateCode::parse(bad).is_err(), "{bad:?}");
        }
    }
}

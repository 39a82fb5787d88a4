//! The history of a signal: appended, never edited — and the merge of two
//! signals into one that keeps both histories.
//!
//! Every entry records which signal it was first written for
//! ([`HistoryEntry::signal`]); a merge never rewrites that, so after a merge
//! each line still shows where it came from, and the meldcode of the
//! absorbed signal can still be resolved ([`SignalHistory::absorbed_signals`]).

use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::category::{Category, IntakeSource};
use crate::deadline::StateChange;
use crate::forward::ForwardTarget;
use crate::workflow::StateCode;

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Created {
        category: Category,
        source: IntakeSource,
    },
    StateChanged {
        from: StateCode,
        to: StateCode,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    CategoryChanged {
        from: Category,
        to: Category,
    },
    Note {
        text: String,
    },
    /// The reporter added information with meldcode and secret.
    ReporterInformation {
        text: String,
    },
    Attachment {
        attachment_id: String,
    },
    Assigned {
        organisation_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user_id: Option<String>,
    },
    /// A logged hand-off with the de-identified summary that was sent.
    Forwarded {
        target: ForwardTarget,
        summary: String,
    },
    /// A step of the drug-waste protocol was ticked.
    ProtocolStepTicked {
        step: String,
    },
    /// `absorbed` was merged into `surviving`.
    Merged {
        surviving: String,
        absorbed: String,
    },
}

/// One line of the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: Timestamp,
    /// The signal this entry was first written for; kept across merges.
    pub signal: String,
    /// The user who did it; `None` for the (anonymous) reporter or the system.
    pub actor: Option<String>,
    pub event: Event,
}

/// The whole history of one signal, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalHistory {
    pub signal_id: String,
    pub entries: Vec<HistoryEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum HistoryError {
    #[error("an entry cannot be older than the last entry of the history")]
    OutOfOrder,
    #[error("a signal cannot be merged with itself")]
    SameSignal,
    #[error("signal {signal} was already merged into this one")]
    AlreadyMerged { signal: String },
    #[error("the merge cannot be dated before the last entry of either history")]
    MergeBeforeLastEntry,
}

impl SignalHistory {
    pub fn new(signal_id: impl Into<String>) -> SignalHistory {
        SignalHistory {
            signal_id: signal_id.into(),
            entries: Vec::new(),
        }
    }

    fn last_at(&self) -> Option<Timestamp> {
        self.entries.iter().map(|e| e.at).max()
    }

    /// Appends an event of this signal. Entries only go forward in time.
    pub fn append(
        &mut self,
        at: Timestamp,
        actor: Option<String>,
        event: Event,
    ) -> Result<&HistoryEntry, HistoryError> {
        if self.last_at().is_some_and(|last| at < last) {
            return Err(HistoryError::OutOfOrder);
        }
        self.entries.push(HistoryEntry {
            at,
            signal: self.signal_id.clone(),
            actor,
            event,
        });
        Ok(&self.entries[self.entries.len() - 1])
    }

    /// The current state: the target of this signal's own last state change
    /// (state changes of absorbed signals do not count), else `initial`.
    pub fn current_state<'a>(&'a self, initial: &'a StateCode) -> &'a StateCode {
        self.entries
            .iter()
            .rev()
            .filter(|e| e.signal == self.signal_id)
            .find_map(|e| match &e.event {
                Event::StateChanged { to, .. } => Some(to),
                _ => None,
            })
            .unwrap_or(initial)
    }

    /// This signal's own state changes, for [`crate::deadline::deadline_status`].
    pub fn state_changes(&self) -> Vec<StateChange> {
        self.entries
            .iter()
            .filter(|e| e.signal == self.signal_id)
            .filter_map(|e| match &e.event {
                Event::StateChanged { to, .. } => Some(StateChange {
                    at: e.at,
                    to: to.clone(),
                }),
                _ => None,
            })
            .collect()
    }

    /// Every signal that was merged into this one, also indirectly.
    pub fn absorbed_signals(&self) -> Vec<&str> {
        self.entries
            .iter()
            .filter_map(|e| match &e.event {
                Event::Merged { absorbed, .. } => Some(absorbed.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// Merges `absorbed` into `surviving`: one history with every entry of
/// both, ordered by time (on equal times the surviving signal's entries
/// first, each history's own order kept), followed by a [`Event::Merged`]
/// entry at `at` by `actor`. Nothing is dropped or rewritten.
pub fn merge(
    surviving: &SignalHistory,
    absorbed: &SignalHistory,
    at: Timestamp,
    actor: Option<String>,
) -> Result<SignalHistory, HistoryError> {
    if surviving.signal_id == absorbed.signal_id {
        return Err(HistoryError::SameSignal);
    }
    if surviving
        .absorbed_signals()
        .contains(&absorbed.signal_id.as_str())
        || absorbed
            .absorbed_signals()
            .contains(&surviving.signal_id.as_str())
    {
        return Err(HistoryError::AlreadyMerged {
            signal: absorbed.signal_id.clone(),
        });
    }
    let last = surviving.last_at().max(absorbed.last_at());
    if last.is_some_and(|last| at < last) {
        return Err(HistoryError::MergeBeforeLastEntry);
    }
    // Both inputs are ordered by construction; a stable sort keeps each
    // history's own order on equal times and puts `surviving` first.
    let mut entries: Vec<(Timestamp, u8, usize, HistoryEntry)> = surviving
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.at, 0, i, e.clone()))
        .chain(
            absorbed
                .entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.at, 1, i, e.clone())),
        )
        .collect();
    entries.sort_by_key(|(at, side, i, _)| (*at, *side, *i));
    let mut out = SignalHistory {
        signal_id: surviving.signal_id.clone(),
        entries: entries.into_iter().map(|(_, _, _, e)| e).collect(),
    };
    out.entries.push(HistoryEntry {
        at,
        signal: surviving.signal_id.clone(),
        actor,
        event: Event::Merged {
            surviving: surviving.signal_id.clone(),
            absorbed: absorbed.signal_id.clone(),
        },
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::codes;
    use proptest::prelude::*;

    fn sc(s: &str) -> StateCode {
        StateCode::parse(s).unwrap()
    }

    fn history(id: &str, times: &[Timestamp]) -> SignalHistory {
        let mut h = SignalHistory::new(id);
        for (i, t) in times.iter().enumerate() {
            let event = if i == 0 {
                Event::Created {
                    category: Category::Drugsafval,
                    source: IntakeSource::Publiek,
                }
            } else {
                Event::Note {
                    text: format!("{id} note {i}"),
                }
            };
            h.append(*t, Some("u1".into()), event).unwrap();
        }
        h
    }

    #[test]
    fn append_only_goes_forward() {
        let mut h = history("a", &[10, 20]);
        assert_eq!(
            h.append(19, None, Event::Note { text: "x".into() }),
            Err(HistoryError::OutOfOrder)
        );
        assert!(h.append(20, None, Event::Note { text: "y".into() }).is_ok());
        assert_eq!(h.entries.len(), 3);
    }

    #[test]
    fn merge_keeps_both_histories_in_time_order() {
        let a = history("a", &[10, 30, 50]);
        let b = history("b", &[20, 30, 40]);
        let m = merge(&a, &b, 60, Some("intake1".into())).unwrap();
        assert_eq!(m.signal_id, "a");
        let seen: Vec<(Timestamp, &str)> = m
            .entries
            .iter()
            .map(|e| (e.at, e.signal.as_str()))
            .collect();
        assert_eq!(
            seen,
            vec![
                (10, "a"),
                (20, "b"),
                (30, "a"),
                (30, "b"),
                (40, "b"),
                (50, "a"),
                (60, "a")
            ]
        );
        let last = m.entries.last().unwrap();
        assert_eq!(
            last.event,
            Event::Merged {
                surviving: "a".into(),
                absorbed: "b".into()
            }
        );
        assert_eq!(last.actor.as_deref(), Some("intake1"));
        assert_eq!(m.absorbed_signals(), vec!["b"]);
        // Both creation entries are still there.
        let created = m
            .entries
            .iter()
            .filter(|e| matches!(e.event, Event::Created { .. }))
            .count();
        assert_eq!(created, 2);
    }

    #[test]
    fn merge_refusals() {
        let a = history("a", &[10]);
        let b = history("b", &[20]);
        assert_eq!(merge(&a, &a, 30, None), Err(HistoryError::SameSignal));
        assert_eq!(
            merge(&a, &b, 15, None),
            Err(HistoryError::MergeBeforeLastEntry)
        );
        let ab = merge(&a, &b, 30, None).unwrap();
        assert!(matches!(
            merge(&ab, &b, 40, None),
            Err(HistoryError::AlreadyMerged { .. })
        ));
        // Transitive: c absorbs the merged a+b; both a and b resolve to c.
        let c = history("c", &[5]);
        let cab = merge(&c, &ab, 40, None).unwrap();
        assert_eq!(cab.absorbed_signals(), vec!["b", "a"]);
    }

    #[test]
    fn current_state_ignores_absorbed_state_changes() {
        let nieuw = sc(codes::NIEUW);
        let mut a = history("a", &[10]);
        a.append(
            11,
            None,
            Event::StateChanged {
                from: sc(codes::NIEUW),
                to: sc(codes::IN_BEHANDELING),
                text: None,
            },
        )
        .unwrap();
        let mut b = history("b", &[12]);
        b.append(
            13,
            None,
            Event::StateChanged {
                from: sc(codes::NIEUW),
                to: sc(codes::AFGEHANDELD),
                text: Some("dubbel".into()),
            },
        )
        .unwrap();
        assert_eq!(b.current_state(&nieuw).as_str(), codes::AFGEHANDELD);
        let m = merge(&a, &b, 20, None).unwrap();
        assert_eq!(m.current_state(&nieuw).as_str(), codes::IN_BEHANDELING);
        let changes = m.state_changes();
        assert_eq!(changes.len(), 1);
        assert_eq!(
            (changes[0].at, changes[0].to.as_str()),
            (11, codes::IN_BEHANDELING)
        );
        assert_eq!(history("x", &[1]).current_state(&nieuw), &nieuw);
    }

    #[test]
    fn history_round_trips_through_json() {
        let mut h = history("a", &[1]);
        h.append(
            2,
            Some("u".into()),
            Event::Forwarded {
                target: ForwardTarget::Politie,
                summary: "Vaten in sloot".into(),
            },
        )
        .unwrap();
        let json = serde_json::to_string(&h).unwrap();
        assert!(json.contains("\"type\":\"forwarded\""), "{json}");
        assert_eq!(serde_json::from_str::<SignalHistory>(&json).unwrap(), h);
    }

    fn sorted_times() -> impl Strategy<Value = Vec<Timestamp>> {
        prop::collection::vec(0i64..1000, 0..12).prop_map(|mut v| {
            v.sort();
            v
        })
    }

    proptest! {
        #[test]
        fn merge_is_lossless_and_ordered(ta in sorted_times(), tb in sorted_times()) {
            let a = history("a", &ta);
            let b = history("b", &tb);
            let m = merge(&a, &b, 1000, None).unwrap();
            prop_assert_eq!(m.entries.len(), ta.len() + tb.len() + 1);
            prop_assert!(m.entries.windows(2).all(|w| w[0].at <= w[1].at));
            let only = |id: &str| -> Vec<HistoryEntry> {
                m.entries.iter().filter(|e| e.signal == id && !matches!(e.event, Event::Merged { .. })).cloned().collect()
            };
            prop_assert_eq!(only("a"), a.entries);
            prop_assert_eq!(only("b"), b.entries);
        }
    }
}

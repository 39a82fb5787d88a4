//! The work in the field, pure (no database, no HTTP):
//!
//! * [`targets`]: the target list of a visit round ("de boer op") from the
//!   farmers of an area, scan decisions and hand-picked addresses, with the
//!   last visit and the repetition interval;
//! * [`route`]: targets split over teams (a sweep around the start) and
//!   ordered into a short closed route per team (nearest neighbour, then
//!   2-opt and Or-opt), split into days;
//! * [`visit`]: the visit form's checklists and validation (a conversation,
//!   never an inspection) and the results of a round, with a press summary
//!   of aggregates only;
//! * [`action`]: integrale acties — outcomes per address and organisation,
//!   who may see which outcome, and the scan's false-positive rate per class;
//! * [`coaching`]: referrals to an agro-coach, only with consent, the coach's
//!   compartment, the coarse status others see, and the wijkteam follow-up.

pub mod action;
pub mod coaching;
pub mod route;
pub mod targets;
pub mod visit;

/// A refused field of a form: the field's name and a message key (the web
/// layer translates it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub key: &'static str,
}

impl FieldError {
    pub fn new(field: impl Into<String>, key: &'static str) -> FieldError {
        FieldError {
            field: field.into(),
            key,
        }
    }
}

//! The pure domain core of **Signalen**: public reporting by residents,
//! professional intake and the follow-up workflow.
//!
//! No database, no HTTP, no async: every rule that *decides* something about
//! a signal lives here and is tested on its own. The web and store layers
//! keep the data and call these functions.
//!
//! | module | what it decides |
//! | --- | --- |
//! | [`category`] | the categories (codes, names, B1 explanations), the 112 advice, intake sources |
//! | [`workflow`] | states and allowed transitions as data; checking a requested transition |
//! | [`calendar`] | Dutch public holidays and working days |
//! | [`deadline`] | deadlines per category in working days, pauses, overdue |
//! | [`meldcode`] | the reporter's meldcode and secret; hashing and verifying the secret |
//! | [`history`] | the appended history of a signal and merging two signals |
//! | [`duplicates`] | likely duplicates of a new signal, with reasons |
//! | [`retention`] | retention rules per category and state; what to purge, counts to keep |
//! | [`protocol`] | the drug-waste (drugsafval) checklist |
//! | [`photo`] | photo upload hygiene: type by content, size limit, all metadata stripped |
//! | [`submission`] | validation of a public report; location inside the Netherlands |
//! | [`forward`] | forwarding targets, the de-identified summary, hints of identifying data |
//! | [`throttle`] | an in-memory rate limiter that never holds a client address |
//!
//! Timestamps are Unix seconds (`i64`), as elsewhere in Buitenzicht; calendar
//! days are [`time::Date`] and serialise as `YYYY-MM-DD`.

pub mod calendar;
pub mod category;
pub mod deadline;
pub mod duplicates;
pub mod forward;
pub mod history;
pub mod meldcode;
pub mod photo;
pub mod protocol;
pub mod retention;
pub mod submission;
pub mod throttle;
pub mod workflow;

mod serde_date;

pub use category::{Category, IntakeSource};
pub use meldcode::{Meldcode, Secret, SecretHash};
pub use workflow::{StateCode, Workflow};

/// Generates a closed set of values with a stable string code, `ALL`,
/// `as_str`, `FromStr` and serde as that code.
macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $s)] $variant),+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code (stored in the database, used in URLs and forms).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $s),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim() {
                    $($s => Ok($name::$variant),)+
                    _ => Err($crate::UnknownCode(s.trim().chars().take(64).collect())),
                }
            }
        }
    };
}
pub(crate) use code_enum;

/// A code that names no known value (category, source, party …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown code {0:?}")]
pub struct UnknownCode(pub String);

/// Unix seconds.
pub type Timestamp = i64;

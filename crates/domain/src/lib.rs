//! Pure domain types and rules of Buitenzicht.
//!
//! Everything that *decides* something lives here and is tested without a
//! database or HTTP: access decisions, the audit chain, session expiry,
//! login throttling, input validation of identities.

pub mod access;
pub mod algorithm_register;
pub mod audit;
pub mod identity;
pub mod indicators;
pub mod scan;
pub mod session;
pub mod throttle;

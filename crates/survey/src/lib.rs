//! The pure domain core of the residents' survey (Module 1).
pub mod definition;
pub mod expr;
pub mod runtime;

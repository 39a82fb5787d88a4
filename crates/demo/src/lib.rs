//! The demo municipality generator.

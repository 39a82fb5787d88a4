//! Integration tests: the real server on a random loopback port, against
//! SQLite or PostgreSQL (`BZ_TEST_DB`). One test binary for the whole suite.

mod access;
mod actions;
mod admin;
mod bad_input;
mod coaching;
mod field;
mod import;
mod indicators;
mod login;
mod map;
mod melden;
mod scan;
mod signals;
mod store;
mod survey;
mod survey_versions;

/// Print which database this run uses, once per test (visible with --nocapture).
pub fn db_label() -> &'static str {
    match bz_testkit::db_from_env() {
        bz_testkit::Db::Sqlite => "sqlite",
        bz_testkit::Db::Postgres => "postgres",
    }
}

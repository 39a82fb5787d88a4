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

/// A signal stored directly, as an earlier intake by a wijkagent of the test
/// organisation would have left it (state `nieuw`, observed 2026-04-24, in
/// the test municipality, with its `created` history line); `with` sets the
/// rest. Returns its id.
pub async fn stored_signal(
    app: &bz_testkit::TestApp,
    with: impl FnOnce(&mut bz_store::signal_workflow::NewSignal),
) -> String {
    use bz_store::signal_workflow::{self as sw, Actor, NewSignal};
    let mut signal = NewSignal {
        id: bz_store::new_id(),
        channel: "intake".into(),
        source: "wijkagent".into(),
        source_org_id: Some(app.org_id.clone()),
        category: "drugsafval".into(),
        state: "nieuw".into(),
        observed_on: "2026-04-24".into(),
        received_at: 1_777_000_000,
        x: None,
        y: None,
        bag_id: None,
        gemeente_code: Some(bz_testkit::GEMEENTE.into()),
        description: String::new(),
        created_by: None,
    };
    with(&mut signal);
    let mut tx = app.store.begin_write().await.unwrap();
    sw::insert_signal(&mut tx, &signal, &Actor::System)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    signal.id
}

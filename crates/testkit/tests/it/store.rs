//! The store suite, run against SQLite and PostgreSQL alike.

use bz_domain::audit::Outcome;
use bz_store::audit::{NewEntry, Verification};
use bz_testkit::TestApp;

fn entry(i: usize) -> NewEntry {
    NewEntry {
        actor_id: None,
        actor_name: format!("actor{i}"),
        org_id: None,
        action: "test.event",
        object_type: "thing",
        object_id: i.to_string(),
        outcome: Outcome::Success,
        detail: String::new(),
    }
}

#[tokio::test]
async fn audit_chain_detects_altered_and_deleted_rows() {
    let app = TestApp::spawn().await.unwrap();
    let s = &app.store;
    for i in 0..10 {
        s.audit(entry(i), 1_000 + i as i64).await.unwrap();
    }
    let n = s.audit_count().await.unwrap();
    assert_eq!(
        s.audit_verify().await.unwrap(),
        Verification::Intact { entries: n as u64 }
    );

    // Alter one row behind the application's back.
    let target = n - 3;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE audit_log SET detail = 'tampered' WHERE seq = {target}"
    )))
    .execute(s.pool())
    .await
    .unwrap();
    match s.audit_verify().await.unwrap() {
        Verification::Broken(b) => assert_eq!(b.seq(), target),
        other => panic!("alteration not detected: {other:?}"),
    }
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE audit_log SET detail = '' WHERE seq = {target}"
    )))
    .execute(s.pool())
    .await
    .unwrap();
    assert!(
        matches!(s.audit_verify().await.unwrap(), Verification::Intact { .. }),
        "restored"
    );

    // Delete a row.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM audit_log WHERE seq = {}",
        n - 5
    )))
    .execute(s.pool())
    .await
    .unwrap();
    match s.audit_verify().await.unwrap() {
        Verification::Broken(b) => assert_eq!(b.seq(), n - 4),
        other => panic!("deletion not detected: {other:?}"),
    }
}

#[tokio::test]
async fn concurrent_audit_appends_keep_one_chain() {
    let app = TestApp::spawn().await.unwrap();
    let mut handles = Vec::new();
    for i in 0..20 {
        let s = app.store.clone();
        handles.push(tokio::spawn(async move { s.audit(entry(i), 5_000).await }));
    }
    for h in handles {
        h.await.unwrap().unwrap();
    }
    assert!(matches!(
        app.store.audit_verify().await.unwrap(),
        Verification::Intact { .. }
    ));
}

#[tokio::test]
async fn a_failed_transaction_leaves_nothing_behind() {
    let app = TestApp::spawn().await.unwrap();
    let before = app.store.audit_count().await.unwrap();
    {
        let mut tx = app.store.begin_write().await.unwrap();
        bz_store::audit::append(&mut tx, entry(1), 1).await.unwrap();
        // Dropped without commit: rolled back.
    }
    assert_eq!(app.store.audit_count().await.unwrap(), before);
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_foreign_keys() {
    let app = TestApp::spawn().await.unwrap();
    if app.db != bz_testkit::Db::Sqlite {
        return;
    }
    use sqlx::Row;
    let mode: String = sqlx::query("PRAGMA journal_mode")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(mode.to_lowercase(), "wal");
    let fk = sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ('no-such-user', 'aov')")
        .execute(app.store.pool())
        .await;
    assert!(fk.is_err(), "foreign keys enforced");
}

#[tokio::test]
async fn sqlite_backup_is_a_consistent_copy() {
    let app = TestApp::spawn().await.unwrap();
    if app.db != bz_testkit::Db::Sqlite {
        let err = app
            .store
            .backup_to(&app.tmp.path().join("x.db"))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("pg_dump"));
        return;
    }
    let target = app.tmp.path().join("backup.db");
    let size = app.store.backup_to(&target).await.unwrap();
    assert!(size > 0);
    let copy = bz_store::Store::open(&format!("sqlite://{}", target.display()))
        .await
        .unwrap();
    assert_eq!(copy.organisations().await.unwrap().len(), 1);
    assert!(matches!(
        copy.audit_verify().await.unwrap(),
        Verification::Intact { .. }
    ));
    assert!(
        app.store.backup_to(&target).await.is_err(),
        "never overwrites"
    );
}

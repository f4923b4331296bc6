//! Migrations on a fresh SQLite file and a fresh PostgreSQL database, and the
//! shared data layer running the same queries on both.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::postgres::TestPostgres;
use investment_system::server::db::{meta, Backend, Database};

fn migration_files(backend: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".sql"))
        .collect()
}

#[test]
fn both_backends_have_the_same_numbered_steps() {
    let sqlite = migration_files("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, migration_files("postgres"));
}

async fn assert_migrated(db: &Database) {
    let expected = migration_files("sqlite").len() as i64;
    assert_eq!(db.applied_migrations().await.unwrap(), expected);
    let installed = meta::get(db, meta::INSTALLED_AT).await.unwrap();
    assert!(installed.is_some(), "installed_at recorded");
}

/// The same repository calls must behave the same on either backend.
async fn assert_meta_round_trip(db: &Database) {
    assert_eq!(meta::get(db, "greeting").await.unwrap(), None);
    meta::set(db, "greeting", "hello").await.unwrap();
    meta::set(db, "greeting", "hello again").await.unwrap();
    assert_eq!(
        meta::get(db, "greeting").await.unwrap().as_deref(),
        Some("hello again")
    );
    assert!(!meta::insert_if_absent(db, "greeting", "ignored")
        .await
        .unwrap());
    assert!(meta::insert_if_absent(db, "fresh", "kept").await.unwrap());
    assert_eq!(
        meta::get(db, "fresh").await.unwrap().as_deref(),
        Some("kept")
    );
}

#[tokio::test]
async fn fresh_sqlite_file_is_created_in_wal_mode_and_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/folder/investment.db");
    let db = Database::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert_eq!(db.backend(), Backend::Sqlite);
    assert!(path.exists(), "database file created with its folders");
    db.migrate().await.unwrap();
    assert_migrated(&db).await;

    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(mode.to_lowercase(), "wal");
    assert_meta_round_trip(&db).await;
    db.close().await;
}

#[tokio::test]
async fn fresh_postgres_database_is_migrated() {
    let pg = TestPostgres::create().await;
    let db = Database::connect(&pg.url).await.unwrap();
    assert_eq!(db.backend(), Backend::Postgres);
    db.migrate().await.unwrap();
    assert_migrated(&db).await;
    assert_meta_round_trip(&db).await;
    db.close().await;
}

#[tokio::test]
async fn migrating_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/again.db", dir.path().display());
    let db = Database::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let installed = meta::get(&db, meta::INSTALLED_AT).await.unwrap();
    db.migrate().await.unwrap();
    assert_migrated(&db).await;
    assert_eq!(meta::get(&db, meta::INSTALLED_AT).await.unwrap(), installed);
    db.close().await;
}

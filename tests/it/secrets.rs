//! `SECRET_KEY` signs the session cookie; `ENCRYPTION_KEY` seals stored secrets, is
//! checked against the database at start-up, and rotates with
//! `ENCRYPTION_KEY_PREVIOUS` and `rotate-encryption-key`.

use investment_system::server::crypto::rotation::{self, KeyCheck, SealedColumn};
use investment_system::server::crypto::Sealer;
use investment_system::server::db::Database;
use secrecy::{ExposeSecret, SecretString};

use crate::common::postgres::TestPostgres;
use crate::common::{spawn_app_with, TestApp};
use crate::sessions::{session_for, whoami};

const KEY_A: &str = "first-secret-key-0123456789abcdefghijkl";
const KEY_B: &str = "second-secret-key-0123456789abcdefghijk";

/// Instances of one deployment share ENCRYPTION_KEY (the database records it).
const ENCRYPTION_KEY: &str = "shared-encryption-key-0123456789abcdefgh";

async fn app_on(url: &str, secret_key: &str) -> TestApp {
    spawn_app_with(
        Some(url),
        &[
            ("SECRET_KEY", secret_key),
            ("ENCRYPTION_KEY", ENCRYPTION_KEY),
        ],
    )
    .await
}

async fn signed_in_as(app: &TestApp, cookie: &str) -> Option<String> {
    let response = whoami(app, cookie).await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    body["email"].as_str().map(str::to_string)
}

#[tokio::test]
async fn the_session_cookie_is_signed_with_the_secret_key() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/shared.db", dir.path().display());
    let first = app_on(&url, KEY_A).await;
    let cookie = session_for(&first, "signed@example.com").await;
    assert_eq!(
        signed_in_as(&first, &cookie).await.as_deref(),
        Some("signed@example.com")
    );

    // Another instance with the same SECRET_KEY on the same database: same session.
    let second = app_on(&url, KEY_A).await;
    assert_eq!(
        signed_in_as(&second, &cookie).await.as_deref(),
        Some("signed@example.com")
    );

    // An instance with another SECRET_KEY does not accept the cookie.
    let foreign = app_on(&url, KEY_B).await;
    assert_eq!(signed_in_as(&foreign, &cookie).await, None);

    // Nor does anyone accept the session id with an altered or missing signature.
    let (name, value) = cookie.split_once('=').unwrap();
    let mut altered: Vec<char> = value.chars().collect();
    altered[3] = if altered[3] == 'A' { 'B' } else { 'A' };
    let altered = format!("{name}={}", altered.into_iter().collect::<String>());
    assert_eq!(signed_in_as(&first, &altered).await, None);
    let session_id: String = sqlx::query_scalar("SELECT id FROM tower_sessions LIMIT 1")
        .fetch_one(first.db.pool())
        .await
        .unwrap();
    assert_eq!(
        signed_in_as(&first, &format!("{name}={session_id}")).await,
        None,
        "a bare session id (the pre-signing cookie) is refused"
    );
}

fn sealer(current: &str, previous: Option<&str>) -> Sealer {
    let previous = previous.map(|p| SecretString::from(p.to_string()));
    Sealer::new(&SecretString::from(current.to_string()), previous.as_ref())
}

const TEST_COLUMN: SealedColumn = SealedColumn {
    table: "sealed_test",
    id_column: "id",
    value_column: "secret",
    only: None,
};

async fn rotation_scenario(db: &Database) {
    let old = sealer(KEY_A, None);
    assert_eq!(
        rotation::check_key(db, &old).await.unwrap(),
        KeyCheck::Recorded
    );
    assert_eq!(
        rotation::check_key(db, &old).await.unwrap(),
        KeyCheck::Current
    );

    // A feature's column of sealed secrets, written with the old key.
    sqlx::query("CREATE TABLE sealed_test (id TEXT PRIMARY KEY, secret TEXT)")
        .execute(db.pool())
        .await
        .unwrap();
    for id in ["w1", "w2", "w3"] {
        let sealed = old.seal(&format!("whsec_{id}"), &TEST_COLUMN.context(id));
        sqlx::query("INSERT INTO sealed_test (id, secret) VALUES ($1, $2)")
            .bind(id)
            .bind(sealed)
            .execute(db.pool())
            .await
            .unwrap();
    }
    let columns = [rotation::SEALED_COLUMNS, &[TEST_COLUMN]].concat();

    // A new key alone cannot read them: the server refuses to start, naming the fix.
    let new_only = sealer(KEY_B, None);
    let refused = rotation::check_key(db, &new_only).await.unwrap_err();
    assert!(
        refused.contains("ENCRYPTION_KEY_PREVIOUS") && refused.contains("rotate-encryption-key"),
        "{refused}"
    );

    // With the old key as the previous one, a value that does not open stops the
    // rotation before anything is written.
    let rotating = sealer(KEY_B, Some(KEY_A));
    assert_eq!(
        rotation::check_key(db, &rotating).await.unwrap(),
        KeyCheck::Previous
    );
    let moved: String = sqlx::query_scalar("SELECT secret FROM sealed_test WHERE id = 'w1'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    sqlx::query("INSERT INTO sealed_test (id, secret) VALUES ('w4', $1)")
        .bind(&moved)
        .execute(db.pool())
        .await
        .unwrap();
    let error = rotation::rotate(db, &rotating, &columns).await.unwrap_err();
    assert!(
        error.to_string().contains("sealed_test.secret row w4"),
        "{error}"
    );
    let still_old: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sealed_test WHERE secret LIKE $1")
            .bind(format!("sealed:v1:{}:%", old.key_id()))
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(still_old, 4, "all or nothing");
    sqlx::query("DELETE FROM sealed_test WHERE id = 'w4'")
        .execute(db.pool())
        .await
        .unwrap();

    let report = rotation::rotate(db, &rotating, &columns).await.unwrap();
    assert_eq!(report.len(), 2);
    assert_eq!(
        (report[0].rewritten, report[1].rewritten),
        (1, 3),
        "{report:?}"
    );
    // Run again: nothing left to do.
    let again = rotation::rotate(db, &rotating, &columns).await.unwrap();
    assert_eq!((again[1].rewritten, again[1].already_current), (0, 3));

    // The new key alone now opens everything; the old one opens nothing.
    assert_eq!(
        rotation::check_key(db, &new_only).await.unwrap(),
        KeyCheck::Current
    );
    for id in ["w1", "w2", "w3"] {
        let stored: String = sqlx::query_scalar("SELECT secret FROM sealed_test WHERE id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .unwrap();
        let opened = new_only.open(&stored, &TEST_COLUMN.context(id)).unwrap();
        assert_eq!(opened.plaintext.expose_secret(), format!("whsec_{id}"));
        assert!(old.open(&stored, &TEST_COLUMN.context(id)).is_err());
    }
}

#[tokio::test]
async fn encryption_key_rotation_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::connect(&format!("sqlite://{}/rotate.db", dir.path().display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    rotation_scenario(&db).await;
    db.close().await;
}

#[tokio::test]
async fn encryption_key_rotation_on_postgres() {
    let pg = TestPostgres::create().await;
    let db = Database::connect(&pg.url).await.unwrap();
    db.migrate().await.unwrap();
    rotation_scenario(&db).await;
    db.close().await;
}

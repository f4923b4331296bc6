//! Browser sessions kept in the application's database, through tower-sessions'
//! sqlx stores. The stores need typed pools, so a small one is opened beside the
//! `AnyPool` on the same database.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use crate::server::db::backend::Backend;

/// Sessions are small and short requests: a handful of connections is plenty.
const MAX_CONNECTIONS: u32 = 4;
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Clone, Debug)]
pub enum DatabaseSessionStore {
    Sqlite(SqliteStore, SqlitePool),
    Postgres(PostgresStore, PgPool),
}

impl DatabaseSessionStore {
    /// Prepares the pool; connections open on first use.
    pub fn open(url: &str, backend: Backend) -> Result<DatabaseSessionStore, sqlx::Error> {
        Ok(match backend {
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)?
                    .busy_timeout(Duration::from_secs(5))
                    .create_if_missing(true);
                // An in-memory database exists once per connection: keep exactly one.
                let in_memory = url.contains(":memory:") || url.contains("mode=memory");
                let pool = SqlitePoolOptions::new()
                    .max_connections(if in_memory { 1 } else { MAX_CONNECTIONS })
                    .min_connections(u32::from(in_memory))
                    .idle_timeout(None::<Duration>)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_lazy_with(options);
                DatabaseSessionStore::Sqlite(SqliteStore::new(pool.clone()), pool)
            }
            Backend::Postgres => {
                let pool = PgPoolOptions::new()
                    .max_connections(MAX_CONNECTIONS)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_lazy(url)?;
                DatabaseSessionStore::Postgres(PostgresStore::new(pool.clone()), pool)
            }
        })
    }

    /// Creates the store's table when missing (the crate owns its schema).
    pub async fn migrate(&self) -> Result<(), sqlx::Error> {
        match self {
            DatabaseSessionStore::Sqlite(store, _) => store.migrate().await,
            DatabaseSessionStore::Postgres(store, _) => store.migrate().await,
        }
    }

    pub async fn close(&self) {
        match self {
            DatabaseSessionStore::Sqlite(_, pool) => pool.close().await,
            DatabaseSessionStore::Postgres(_, pool) => pool.close().await,
        }
    }
}

#[async_trait]
impl SessionStore for DatabaseSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            DatabaseSessionStore::Sqlite(store, _) => store.create(record).await,
            DatabaseSessionStore::Postgres(store, _) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            DatabaseSessionStore::Sqlite(store, _) => store.save(record).await,
            DatabaseSessionStore::Postgres(store, _) => store.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            DatabaseSessionStore::Sqlite(store, _) => store.load(id).await,
            DatabaseSessionStore::Postgres(store, _) => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            DatabaseSessionStore::Sqlite(store, _) => store.delete(id).await,
            DatabaseSessionStore::Postgres(store, _) => store.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for DatabaseSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            DatabaseSessionStore::Sqlite(store, _) => store.delete_expired().await,
            DatabaseSessionStore::Postgres(store, _) => store.delete_expired().await,
        }
    }
}

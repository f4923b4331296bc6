//! The data layer: one sqlx `AnyPool` over SQLite or PostgreSQL, chosen by the URL
//! scheme. Queries use SQL both backends accept (`$1` placeholders, `ON CONFLICT`,
//! integer timestamps), so every code path runs the same on both.

pub mod backend;
pub mod meta;
pub mod text_columns;

use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::AnyPool;
use sqlx::{ConnectOptions, Connection};

pub use backend::Backend;

use crate::server::sessions::store::DatabaseSessionStore;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// How long a request waits for a pooled connection before giving up (no hangs).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);
/// How long a health probe may take.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported DATABASE_URL (expected sqlite: or postgres://)")]
    UnsupportedUrl,
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the database did not answer within {0:?}")]
    Timeout(Duration),
    #[error("could not create the database directory: {0}")]
    Io(#[from] std::io::Error),
}

impl DbError {
    /// The database cannot be reached right now (as opposed to a bad query).
    pub fn is_unavailable(&self) -> bool {
        match self {
            DbError::Timeout(_) => true,
            DbError::Sqlx(sqlx::Error::Database(e)) => is_busy(e.code().as_deref()),
            // A connection cut while TLS is being negotiated (sslmode=prefer tries it
            // first) surfaces as a protocol error about the SSLRequest, not as I/O.
            DbError::Sqlx(sqlx::Error::Protocol(message)) => message.contains("SSLRequest"),
            DbError::Sqlx(e) => matches!(
                e,
                sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::Io(_)
                    | sqlx::Error::Tls(_)
            ),
            _ => false,
        }
    }
}

/// Connections of the pool by state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolUsage {
    pub open: u32,
    pub idle: u32,
    pub in_use: u32,
    pub max: u32,
}

/// SQLite's "database is busy/locked" (SQLITE_BUSY, SQLITE_LOCKED and their extended
/// codes) after the busy timeout, and PostgreSQL's "cannot connect now" and admin
/// shutdown: temporary, so 503 (retry), never 500.
fn is_busy(code: Option<&str>) -> bool {
    matches!(
        code,
        Some("5" | "6" | "261" | "262" | "517" | "57P01" | "57P02" | "57P03")
    )
}

#[derive(Clone, Debug)]
pub struct Database {
    pool: AnyPool,
    backend: Backend,
    sessions: DatabaseSessionStore,
}

impl Database {
    /// Connects to `url`. For SQLite the file (and its folder) is created when
    /// missing and switched to WAL, which persists in the file.
    pub async fn connect(url: &str) -> Result<Database, DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url).ok_or(DbError::UnsupportedUrl)?;
        if backend == Backend::Sqlite {
            prepare_sqlite_file(url).await?;
        }
        let pool = AnyPoolOptions::new()
            .max_connections(backend.max_connections())
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect(url)
            .await?;
        let sessions = DatabaseSessionStore::open(url, backend)?;
        Ok(Database {
            pool,
            backend,
            sessions,
        })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The pool's connections right now (for `/metrics` and the admin summary).
    pub fn pool_usage(&self) -> PoolUsage {
        let open = self.pool.size();
        let idle = u32::try_from(self.pool.num_idle()).unwrap_or(open);
        PoolUsage {
            open,
            idle,
            in_use: open.saturating_sub(idle),
            max: self.backend.max_connections(),
        }
    }

    /// Starts a write transaction. SQLite's default (deferred) transaction takes the
    /// write lock at its first write and fails at once with "database is locked" when
    /// another connection wrote since it first read; `BEGIN IMMEDIATE` takes the lock
    /// up front, waiting for it up to the busy timeout instead.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Where browser sessions live: this same database, through a typed pool.
    pub fn sessions(&self) -> &DatabaseSessionStore {
        &self.sessions
    }

    /// Applies the numbered migrations of this backend's folder that are not yet applied.
    pub async fn migrate(&self) -> Result<(), DbError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        self.sessions.migrate().await?;
        meta::insert_if_absent(self, meta::INSTALLED_AT, &super::clock::now_rfc3339()).await?;
        Ok(())
    }

    /// Runs `SELECT 1`, returning its round-trip time.
    pub async fn ping(&self) -> Result<Duration, DbError> {
        let started = Instant::now();
        tokio::time::timeout(PING_TIMEOUT, sqlx::query("SELECT 1").execute(&self.pool))
            .await
            .map_err(|_| DbError::Timeout(PING_TIMEOUT))??;
        Ok(started.elapsed())
    }

    /// Number of migrations recorded as applied.
    pub async fn applied_migrations(&self) -> Result<i64, DbError> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success = $1")
                .bind(true)
                .fetch_one(&self.pool)
                .await?;
        Ok(count)
    }

    pub async fn close(&self) {
        self.sessions.close().await;
        self.pool.close().await;
    }
}

async fn prepare_sqlite_file(url: &str) -> Result<(), DbError> {
    let options = SqliteConnectOptions::from_str(url)?;
    let path = options.get_filename();
    let in_memory =
        path.as_os_str().is_empty() || url.contains(":memory:") || url.contains("mode=memory");
    if in_memory {
        return Ok(());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let connection = options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .connect()
        .await?;
    connection.close().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{is_busy, DbError};

    #[test]
    fn a_connection_cut_during_tls_negotiation_counts_as_unavailable() {
        let cut = sqlx::Error::Protocol(
            "unexpected response from SSLRequest: 0x00 (sqlx_postgres::connection::tls:95)".into(),
        );
        assert!(DbError::Sqlx(cut).is_unavailable());
        let other = sqlx::Error::Protocol("unknown message type".into());
        assert!(!DbError::Sqlx(other).is_unavailable());
    }

    #[test]
    fn lock_timeouts_and_server_shutdowns_count_as_unavailable() {
        for code in ["5", "6", "517", "57P01", "57P03"] {
            assert!(is_busy(Some(code)), "{code}");
        }
        // Constraint violations and syntax errors are bugs or bad input, not outages.
        for code in ["2067", "1555", "23505", "42601"] {
            assert!(!is_busy(Some(code)), "{code}");
        }
        assert!(!is_busy(None));
    }
}

//! A PostgreSQL database of its own for one test, dropped when the test ends
//! (even when it fails). The server is the machine's shared one; it is never stopped.

use sqlx::{Connection, PgConnection};

/// Where to create test databases: `TEST_POSTGRES_ADMIN_URL`, or the local trust-auth server.
fn admin_url() -> String {
    std::env::var("TEST_POSTGRES_ADMIN_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

pub struct TestPostgres {
    pub name: String,
    pub url: String,
}

impl TestPostgres {
    pub async fn create() -> TestPostgres {
        let name = format!("its_test_{}", uuid::Uuid::new_v4().simple());
        let admin = admin_url();
        let mut conn = PgConnection::connect(&admin)
            .await
            .expect("PostgreSQL at 127.0.0.1:5432 (see ../shared/TOOLCHAIN.md to start it)");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create test database");
        let base = admin
            .rsplit_once('/')
            .map(|(base, _)| base)
            .unwrap_or(&admin);
        TestPostgres {
            url: format!("{base}/{name}"),
            name,
        }
    }

    /// Drops the database now, disconnecting anyone still using it.
    pub async fn drop_database(&self) {
        drop_named(&self.name).await;
    }
}

async fn drop_named(name: &str) {
    if let Ok(mut conn) = PgConnection::connect(&admin_url()).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await;
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs inside the test's runtime; a thread with its own runtime may block.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(drop_named(&name));
        })
        .join();
    }
}

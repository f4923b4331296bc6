//! TLS to the databases: the machine's PostgreSQL (TLS on, Debian's snake-oil
//! certificate) with `sslmode`, and a `redis-server` this test starts with
//! `--tls-port` and a certificate authority it generates.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use investment_system::server::db::Database;
use serde_json::Value;

use crate::common::postgres::TestPostgres;
use crate::common::{spawn_app_with, TEST_JWT_SECRET};

/// Whether this connection of the pool speaks TLS, as the server sees it.
async fn connection_uses_tls(db: &Database) -> bool {
    sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(db.pool())
        .await
        .expect("pg_stat_ssl")
}

#[tokio::test]
async fn postgres_sslmode_in_database_url_is_honoured() {
    let pg = TestPostgres::create().await;
    let encrypted = Database::connect(&format!("{}?sslmode=require", pg.url))
        .await
        .expect("sslmode=require connects to the machine's PostgreSQL");
    assert!(connection_uses_tls(&encrypted).await, "sslmode=require");
    encrypted.close().await;

    let plain = Database::connect(&format!("{}?sslmode=disable", pg.url))
        .await
        .unwrap();
    assert!(!connection_uses_tls(&plain).await, "sslmode=disable");
    plain.close().await;

    // verify-full checks the certificate: the snake-oil one is signed by nobody we trust.
    let refused = Database::connect(&format!("{}?sslmode=verify-full", pg.url)).await;
    let error = refused
        .expect_err("an untrusted certificate is refused")
        .to_string();
    assert!(error.to_lowercase().contains("certificate"), "{error}");

    // With its certificate as the root, verify-full checks the host name too.
    let snake_oil = "/etc/ssl/certs/ssl-cert-snakeoil.pem";
    let wrong_name = Database::connect(&format!(
        "{}?sslmode=verify-full&sslrootcert={snake_oil}",
        pg.url
    ))
    .await
    .expect_err("the certificate names localhost, not 127.0.0.1")
    .to_string();
    assert!(wrong_name.contains("not valid for name"), "{wrong_name}");
    // Debian names the snake-oil certificate after the host; these machines' is localhost.
    let names = Command::new("openssl")
        .args(["x509", "-noout", "-ext", "subjectAltName", "-in", snake_oil])
        .output()
        .expect("openssl");
    if !String::from_utf8_lossy(&names.stdout).contains("DNS:localhost") {
        eprintln!("the snake-oil certificate is not for localhost: verify-full success not tried");
        return;
    }
    let by_name = pg.url.replace("127.0.0.1", "localhost");
    let verified = Database::connect(&format!(
        "{by_name}?sslmode=verify-full&sslrootcert={snake_oil}"
    ))
    .await
    .expect("verify-full with the right root and host name");
    assert!(connection_uses_tls(&verified).await);
    verified.close().await;
}

#[tokio::test]
async fn the_service_runs_on_postgres_over_tls() {
    let pg = TestPostgres::create().await;
    let url = format!("{}?sslmode=require", pg.url);
    let app = spawn_app_with(Some(&url), &[("JWT_SECRET_KEY", TEST_JWT_SECRET)]).await;
    assert!(connection_uses_tls(&app.db).await);
    let health = app.get_json("/health").await;
    assert_eq!(health["checks"]["database"]["status"], "ok", "{health}");
    let (_, token) = app.signed_in_user("tls@example.com").await;
    assert_eq!(app.run_signals(&token, &["AAPL"]).await.status(), 200);
    app.db.close().await;
}

/// A certificate authority and a server certificate for 127.0.0.1, made with openssl.
struct Certificates {
    dir: tempfile::TempDir,
}

impl Certificates {
    fn generate() -> Certificates {
        let dir = tempfile::tempdir().unwrap();
        let openssl = |args: &[&str]| {
            let output = Command::new("openssl")
                .args(args)
                .current_dir(dir.path())
                .output()
                .expect("openssl");
            assert!(
                output.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        };
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=investment-system test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign",
        ]);
        openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ]);
        std::fs::write(
            dir.path().join("server.ext"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ]);
        Certificates { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// A `redis-server` speaking only TLS on a free loopback port; stopped on drop.
struct TlsRedis {
    child: Child,
    port: u16,
}

impl TlsRedis {
    fn start(certs: &Certificates) -> TlsRedis {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("redis-server")
            .args([
                "--port",
                "0",
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .args(["--tls-port", &port.to_string(), "--tls-auth-clients", "no"])
            .arg("--tls-cert-file")
            .arg(certs.path("server.pem"))
            .arg("--tls-key-file")
            .arg(certs.path("server.key"))
            .arg("--tls-ca-cert-file")
            .arg(certs.path("ca.pem"))
            .current_dir(certs.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        TlsRedis { child, port }
    }

    fn url(&self) -> String {
        format!("rediss://127.0.0.1:{}", self.port)
    }
}

impl Drop for TlsRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn redis_status(app: &crate::common::TestApp) -> Value {
    app.get_json("/health").await["checks"]["redis"]["status"].clone()
}

#[tokio::test]
async fn redis_over_tls_with_rediss_urls() {
    let certs = Certificates::generate();
    let redis = TlsRedis::start(&certs);
    let ca = certs.path("ca.pem").display().to_string();
    let prefix = format!("its_tls_{}", uuid::Uuid::new_v4().simple());
    let app = spawn_app_with(
        None,
        &[
            ("REDIS_URL", &redis.url()),
            ("REDIS_CA_CERT", &ca),
            ("REDIS_KEY_PREFIX", &prefix),
        ],
    )
    .await;
    assert_eq!(redis_status(&app).await, "ok");

    // The rate limiter counts in that Redis, over TLS.
    let (_, token) = app.signed_in_user("rediss@example.com").await;
    let me = app.get_with_token("/api/v1/me", &token).await;
    assert_eq!(me.status(), 200);
    let client = redis::Client::build_with_tls(
        redis.url().as_str(),
        redis::TlsCertificates {
            client_tls: None,
            root_cert: Some(std::fs::read(certs.path("ca.pem")).unwrap()),
        },
    )
    .unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}:*"))
        .query_async(&mut connection)
        .await
        .unwrap();
    assert!(!keys.is_empty(), "no rate-limit counters under {prefix}");

    // Without the CA the certificate is not trusted: verification is really on.
    let untrusting = spawn_app_with(None, &[("REDIS_URL", &redis.url())]).await;
    assert_eq!(redis_status(&untrusting).await, "down");
    // And plain text to the TLS port gets nowhere either.
    let plain = format!("redis://127.0.0.1:{}", redis.port);
    let plain_app = spawn_app_with(None, &[("REDIS_URL", &plain)]).await;
    assert_eq!(redis_status(&plain_app).await, "down");
}

//! The `investment-system` binary as an operator runs it.

use investment_system::domain::role::Role;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_investment-system");

/// The binary with a clean environment, run from a temporary folder holding Leptos.toml
/// (so a developer's own `.env` is never picked up).
fn command(dir: &Path, vars: &[(&str, &str)]) -> Command {
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("Leptos.toml"),
        dir.join("Leptos.toml"),
    )
    .unwrap();
    let mut command = Command::new(BIN);
    command.current_dir(dir).env_clear();
    for (name, value) in vars {
        command.env(name, value);
    }
    command
}

/// Runs the binary with `args` to completion.
fn run(dir: &Path, vars: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    command(dir, vars).args(args).output().unwrap()
}

/// Its standard output, after checking it exited successfully.
fn stdout_of_success(output: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[test]
fn migrate_creates_and_migrates_the_sqlite_database() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        dir.path(),
        &[
            ("DATABASE_URL", "sqlite://data/investment.db"),
            ("LOG_LEVEL", "warn"),
        ],
        &["migrate"],
    );
    let stdout = stdout_of_success(&output);
    let steps = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite"))
        .unwrap()
        .count();
    assert!(
        stdout.contains(&format!(
            "sqlite database up to date; migrations applied: {steps}"
        )),
        "{stdout}"
    );
    assert!(dir.path().join("data/investment.db").exists());
    assert!(
        dir.path().join("data/dev-secrets.env").exists(),
        "development secrets kept under data/"
    );
}

#[test]
fn production_refuses_to_start_without_secrets_and_names_them() {
    let dir = tempfile::tempdir().unwrap();
    let output = command(
        dir.path(),
        &[("ENVIRONMENT", "production"), ("JWT_SECRET_KEY", "short")],
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("SECRET_KEY is required in production"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ENCRYPTION_KEY is required in production"),
        "{stderr}"
    );
    assert!(
        stderr.contains("JWT_SECRET_KEY is shorter than 32"),
        "{stderr}"
    );
    assert!(
        stderr.contains("MARKET_DATA_PROVIDER is required"),
        "synthetic prices in production must be asked for: {stderr}"
    );
    assert!(
        !stderr.contains("short\""),
        "the secret's value is not echoed: {stderr}"
    );
    assert!(!dir.path().join("data/dev-secrets.env").exists());
}

#[test]
fn set_role_refuses_unknown_users_and_roles() {
    let dir = tempfile::tempdir().unwrap();
    let vars = [
        ("DATABASE_URL", "sqlite://data/roles.db"),
        ("LOG_LEVEL", "warn"),
    ];
    let unknown = command(dir.path(), &vars)
        .args(["set-role", "ghost@example.com", "admin"])
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("no user with email ghost@example.com")
    );
    let bad_role = command(dir.path(), &vars)
        .args(["set-role", "a@example.com", "root"])
        .output()
        .unwrap();
    assert!(!bad_role.status.success());
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("role must be admin or user"));
}

#[tokio::test]
async fn admin_grant_and_revoke_change_the_role() {
    use investment_system::server::accounts::users;
    use investment_system::server::db::Database;

    let dir = tempfile::tempdir().unwrap();
    let vars = [
        ("DATABASE_URL", "sqlite://data/grants.db"),
        ("LOG_LEVEL", "warn"),
    ];
    stdout_of_success(&run(dir.path(), &vars, &["migrate"]));
    let url = format!("sqlite://{}/data/grants.db", dir.path().display());
    let db = Database::connect(&url).await.unwrap();
    let role = |db: Database| async move {
        users::find_by_email(&db, "ops@example.com")
            .await
            .unwrap()
            .unwrap()
            .role
    };
    investment_system::server::accounts::service::register(
        &db,
        "ops@example.com",
        "Sup3r-Secret-Pass!".into(),
        &Default::default(),
        Default::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        role(db.clone()).await,
        Role::User,
        "no first-account rule here"
    );
    let granted = stdout_of_success(&run(
        dir.path(),
        &vars,
        &["admin", "grant", "OPS@example.com"],
    ));
    assert!(
        granted.contains("ops@example.com is now admin"),
        "{granted}"
    );
    assert_eq!(role(db.clone()).await, Role::Admin);
    stdout_of_success(&run(
        dir.path(),
        &vars,
        &["admin", "revoke", "ops@example.com"],
    ));
    assert_eq!(role(db.clone()).await, Role::User);
    let unknown = run(dir.path(), &vars, &["admin", "grant", "ghost@example.com"]);
    assert!(!unknown.status.success());
    db.close().await;
}

struct Server {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<Value>,
}

impl Server {
    fn start(dir: &Path, log_level: &str) -> Server {
        Server::start_with(dir, log_level, &[])
    }

    fn start_with(dir: &Path, log_level: &str, extra: &[(&str, &str)]) -> Server {
        let mut vars = vec![
            ("LEPTOS_SITE_ADDR", "127.0.0.1:0"),
            ("DATABASE_URL", "sqlite://data/test.db"),
            ("LOG_FORMAT", "json"),
            ("LOG_LEVEL", log_level),
        ];
        vars.extend_from_slice(extra);
        let mut child = command(dir, &vars)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Server {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a log line matching `predicate`; every line must be one JSON object.
    fn wait_for(&mut self, what: &str, predicate: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
                let value: Value = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("log line is not JSON ({e}): {line}"));
                self.seen.push(value.clone());
                if predicate(&value) {
                    return value;
                }
            }
        }
        panic!("no log line for {what}; saw {:#?}", self.seen);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn message(line: &Value) -> &str {
    line["message"].as_str().unwrap_or_default()
}

#[test]
fn healthcheck_succeeds_only_while_the_server_answers() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), "info");
    let listening = server.wait_for("listening", |l| {
        message(l).starts_with("listening on http://")
    });
    let address = message(&listening)
        .trim_start_matches("listening on http://")
        .to_string();
    let vars = [
        ("LEPTOS_SITE_ADDR", address.as_str()),
        ("LOG_LEVEL", "warn"),
    ];
    let healthy = stdout_of_success(&run(dir.path(), &vars, &["healthcheck"]));
    assert!(healthy.contains("answered 200"), "{healthy}");
    drop(server);
    std::thread::sleep(Duration::from_millis(300));
    let down = run(dir.path(), &vars, &["healthcheck"]);
    assert!(!down.status.success(), "a stopped server is unhealthy");
    assert!(String::from_utf8_lossy(&down.stderr).contains("unhealthy"));
}

#[tokio::test]
async fn every_documented_metric_is_exported_from_the_first_scrape() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start_with(dir.path(), "info", &[("ENABLE_METRICS", "true")]);
    let listening = server.wait_for("listening", |l| {
        message(l).starts_with("listening on http://")
    });
    let url = message(&listening)
        .trim_start_matches("listening on ")
        .to_string();
    let text = reqwest::get(format!("{url}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for series in [
        "signals_generated_total{model=\"ensemble\",signal=\"BUY\"} 0",
        "signal_generation_failures_total{reason=\"quota_exceeded\"} 0",
        "api_errors_total{code=\"RATE_LIMIT_EXCEEDED\"} 0",
        "market_data_requests_total{provider=\"demo\",outcome=\"error\"} 0",
        "cache_requests_total{cache=\"signals\",tier=\"memory\",result=\"hit\"} 0",
        "rate_limited_total{tier=\"free\"} 0",
        "auth_events_total{event=\"account_locked\"} 0",
        "rate_limiter_backend{backend=\"redis\"} 0",
        "websocket_connections 0",
        "db_pool_connections{state=\"max\"}",
    ] {
        assert!(
            text.contains(series),
            "{series} missing from the first scrape:\n{text}"
        );
    }
}

#[tokio::test]
async fn json_logs_carry_the_request_and_sigterm_stops_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), "info");
    let listening = server.wait_for("listening", |l| {
        message(l).starts_with("listening on http://")
    });
    for field in ["timestamp", "level", "target"] {
        assert!(
            listening.get(field).is_some(),
            "{field} missing: {listening}"
        );
    }
    let url = message(&listening)
        .trim_start_matches("listening on ")
        .to_string();

    let response = reqwest::Client::new()
        .get(format!("{url}/healthz"))
        .header("x-correlation-id", "log-test-1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let logged = server.wait_for("request completed", |l| {
        message(l) == "request completed" && l["correlation_id"] == "log-test-1"
    });
    assert_eq!(logged["status"], 200);
    assert!(logged["latency_ms"].is_number(), "{logged}");
    assert_eq!(logged["method"], "GET");
    assert_eq!(logged["route"], "/healthz");
    assert_eq!(logged["level"], "INFO");

    // A signed-in caller's lines name them.
    let client = reqwest::Client::new();
    let credentials =
        serde_json::json!({ "email": "reader@example.com", "password": "Reading-Pass-42!" });
    let registered: Value = client
        .post(format!("{url}/api/v1/auth/register"))
        .json(&credentials)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tokens: Value = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&credentials)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    client
        .get(format!("{url}/api/v1/me"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .header("x-correlation-id", "log-test-2")
        .send()
        .await
        .unwrap();
    let me = server.wait_for("/me completed", |l| {
        message(l) == "request completed" && l["correlation_id"] == "log-test-2"
    });
    let user_id = registered["user"]["id"]
        .as_str()
        .or(registered["id"].as_str());
    assert_eq!(me["user_id"].as_str(), user_id, "{me}");
    assert_eq!(me["route"], "/api/v1/me");

    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "server did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "exit status {status}");
    server.wait_for("stopped", |l| message(l) == "stopped");
}

#[tokio::test]
async fn logs_never_contain_passwords_tokens_or_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), "debug");
    let listening = server.wait_for("listening", |l| {
        message(l).starts_with("listening on http://")
    });
    let url = message(&listening)
        .trim_start_matches("listening on ")
        .to_string();
    let client = reqwest::Client::new();
    let password = "Redaction-Canary-Pass-9!";
    let credentials = serde_json::json!({ "email": "watcher@example.com", "password": password });

    let registered = client
        .post(format!("{url}/api/v1/auth/register"))
        .json(&credentials)
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);
    let tokens: Value = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&credentials)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = tokens["access_token"].as_str().unwrap().to_string();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_string();
    let created: Value = client
        .post(format!("{url}/api/v1/api-keys?token={access}"))
        .bearer_auth(&access)
        .json(&serde_json::json!({ "name": "canary" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = created["key"].as_str().unwrap().to_string();
    let with_key = client
        .get(format!("{url}/api/v1/me"))
        .header("x-api-key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(with_key.status(), 200);
    client
        .post(format!("{url}/api/v1/auth/refresh"))
        .json(&serde_json::json!({ "refresh_token": refresh }))
        .send()
        .await
        .unwrap();
    client
        .get(format!("{url}/healthz"))
        .header("x-correlation-id", "redaction-done")
        .send()
        .await
        .unwrap();
    server.wait_for("the last request", |l| {
        l["correlation_id"] == "redaction-done"
    });

    let secret_part = key.split(":sk_").nth(1).unwrap().to_string();
    let log = server
        .seen
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        log.contains("watcher@example.com") || log.contains("/api/v1/auth/login"),
        "debug logs were captured"
    );
    for (what, secret) in [
        ("password", password),
        ("access token", &access),
        ("refresh token", &refresh),
        ("API key secret", &secret_part),
    ] {
        assert!(!log.contains(secret), "the {what} appears in the logs");
    }
    let dev_secrets = std::fs::read_to_string(dir.path().join("data/dev-secrets.env")).unwrap();
    for line in dev_secrets.lines().filter(|l| !l.starts_with('#')) {
        let value = line.split_once('=').unwrap().1;
        assert!(
            !log.contains(value),
            "a generated secret appears in the logs"
        );
    }
}

/// Runs `create-admin EMAIL` with `stdin` piped in; returns (success, stdout, stderr).
fn create_admin(dir: &Path, email: &str, stdin: &str) -> (bool, String, String) {
    use std::io::Write;
    let mut child = command(
        dir,
        &[
            ("DATABASE_URL", "sqlite://data/admins.db"),
            ("LOG_LEVEL", "warn"),
        ],
    )
    .args(["create-admin", email])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn create_admin_creates_or_promotes_an_administrator() {
    use investment_system::server::accounts::users;
    use investment_system::server::auth::password;
    use investment_system::server::db::Database;

    let dir = tempfile::tempdir().unwrap();
    let (ok, stdout, _) = create_admin(dir.path(), "Boss@Example.com", "Sup3r-Secret-Pass!\n");
    assert!(ok, "{stdout}");
    assert!(stdout.contains("created boss@example.com"), "{stdout}");
    assert!(
        !stdout.contains("Sup3r-Secret-Pass!"),
        "a piped password is never echoed"
    );

    let (ok, stdout, _) = create_admin(dir.path(), "second@example.com", "");
    assert!(ok);
    let generated = stdout
        .lines()
        .find_map(|line| line.split("with password: ").nth(1))
        .expect("the generated password is shown once")
        .trim()
        .to_string();

    let (ok, _, stderr) = create_admin(dir.path(), "weak@example.com", "short\n");
    assert!(!ok);
    assert!(stderr.contains("WEAK_PASSWORD"), "{stderr}");

    let url = format!("sqlite://{}/data/admins.db", dir.path().display());
    let db = Database::connect(&url).await.unwrap();
    let boss = users::find_by_email(&db, "boss@example.com")
        .await
        .unwrap()
        .unwrap();
    let second = users::find_by_email(&db, "second@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (boss.role.as_str(), second.role.as_str()),
        ("admin", "admin")
    );
    assert!(password::verify(generated, second.password_hash.clone())
        .await
        .unwrap());
    assert!(users::find_by_email(&db, "weak@example.com")
        .await
        .unwrap()
        .is_none());

    // An existing member is promoted, keeping their password.
    users::set_role_by_email(&db, "second@example.com", Role::User, 0)
        .await
        .unwrap();
    let (ok, stdout, _) = create_admin(dir.path(), "second@example.com", "ignored\n");
    assert!(
        ok && stdout.contains("second@example.com is now admin"),
        "{stdout}"
    );
    assert!(!stdout.contains("created"));
    let promoted = users::find_by_email(&db, "second@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(promoted.role, Role::Admin);
    assert_eq!(promoted.password_hash, second.password_hash);
    db.close().await;
}

#[tokio::test]
async fn import_csv_stores_a_file_or_reports_its_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let vars = [
        ("DATABASE_URL", "sqlite://data/import.db"),
        ("LOG_LEVEL", "warn"),
    ];
    let good = dir.path().join("acme.csv");
    std::fs::write(
        &good,
        "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,10,11,9,10.5,10.5,100\n2024-01-03,10.5,12,10,11,11,200\n",
    )
    .unwrap();
    let output = command(dir.path(), &vars)
        .args(["import-csv", "acme", good.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("ACME: 2 new and 0 updated bars, 2024-01-02 to 2024-01-03"),
        "{stdout}"
    );

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "Date,Open,High,Low,Close\n2024-01-02,10,9,8,10\n").unwrap();
    let output = command(dir.path(), &vars)
        .args(["import-csv", "ACME", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.csv:2: high 9 is below the open or close"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was imported"), "{stderr}");

    let url = format!("sqlite://{}/data/import.db", dir.path().display());
    let db = investment_system::server::db::Database::connect(&url)
        .await
        .unwrap();
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM bars WHERE symbol = 'ACME' AND owner_id = ''")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(stored, 2);
    db.close().await;
}

#[tokio::test]
async fn import_reads_folders_of_per_symbol_and_long_files_and_lists_what_it_refused() {
    let dir = tempfile::tempdir().unwrap();
    let vars = [
        ("DATABASE_URL", "sqlite://data/bulk.db"),
        ("LOG_LEVEL", "warn"),
    ];
    let folder = dir.path().join("prices");
    std::fs::create_dir(&folder).unwrap();
    let write = |name: &str, text: &str| std::fs::write(folder.join(name), text).unwrap();
    write(
        "aaa.csv",
        "Date,Open,High,Low,Close,Volume\n2024-01-02,10,11,9,10.5,100\n2024-01-03,10.5,12,10,11,200\n",
    );
    write(
        "market.csv",
        "Symbol,Date,Open,High,Low,Close,Volume\nBBB,2024-01-02,5,6,4,5.5,10\nCCC,2024-01-02,7,8,6,7.5,10\nBBB,2024-01-03,5.5,6,5,5.8,10\n",
    );
    write(
        "broken.csv",
        "Symbol,Date,Open,High,Low,Close\nDDD,2024-01-02,10,9,8,10\nEEE,2024-01-02,1,2,1,1\n",
    );
    write(
        "not a ticker!.csv",
        "Date,Open,High,Low,Close\n2024-01-02,1,2,1,1\n",
    );
    write("notes.txt", "not a CSV file: skipped");

    let output = run(dir.path(), &vars, &["import", "prices", "--global"]);
    assert!(!output.status.success(), "two files were refused");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("imported 2 of 4 files: 3 series, 5 new and 0 updated bars"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("broken.csv:"), "{stderr}");
    assert!(
        stderr.contains("line 2 (DDD): high 9 is below the open or close"),
        "{stderr}"
    );
    assert!(stderr.contains("is not a symbol"), "{stderr}");
    assert!(stderr.contains("2 of 4 files refused"), "{stderr}");

    let url = format!("sqlite://{}/data/bulk.db", dir.path().display());
    let db = investment_system::server::db::Database::connect(&url)
        .await
        .unwrap();
    let stored: Vec<(String, i64)> = sqlx::query_as(
        "SELECT symbol, COUNT(*) FROM bars WHERE owner_id = '' GROUP BY symbol ORDER BY symbol",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    db.close().await;
    assert_eq!(
        stored,
        [("AAA".into(), 2), ("BBB".into(), 2), ("CCC".into(), 1)],
        "EEE's good row is not stored: its file was refused whole"
    );

    let output = run(
        dir.path(),
        &vars,
        &["import", "prices/aaa.csv", "--user", "nobody@example.com"],
    );
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("no user with email nobody@example.com")
    );
    let output = run(dir.path(), &vars, &["import", "prices/aaa.csv"]);
    assert!(!output.status.success(), "a target is required");
}

#[test]
fn signals_and_backtest_commands_print_tables() {
    let dir = tempfile::tempdir().unwrap();
    let vars = [
        ("DATABASE_URL", "sqlite://data/cli.db"),
        ("LOG_LEVEL", "error"),
    ];
    let output = command(dir.path(), &vars)
        .args(["signals", "aapl", "SPY", "--model", "classic"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("AAPL") || l.starts_with("SPY"))
        .collect();
    assert_eq!(rows.len(), 2, "{stdout}");
    assert!(
        rows.iter().all(|r| r.contains("classic (demo data)")),
        "{stdout}"
    );
    assert!(
        stdout.contains("Trend: SMA20"),
        "reasons are printed: {stdout}"
    );

    let output = command(dir.path(), &vars)
        .args([
            "backtest",
            "MSFT",
            "--strategy",
            "sma_cross:10:20",
            "--allow-short",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    for key in [
        "# Trades",
        "Return [%]",
        "Max. Drawdown [%]",
        "Sharpe Ratio",
    ] {
        assert!(stdout.contains(key), "{key}: {stdout}");
    }

    let output = command(dir.path(), &vars)
        .args(["backtest", "MSFT", "--strategy", "sma_cross:20:10"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("fast < slow"));
    let output = command(dir.path(), &vars)
        .args(["signals", "ZZZZ"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("SYMBOL_NOT_FOUND"));
}

#[tokio::test]
async fn requests_slower_than_slow_request_ms_are_logged_at_warn() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start_with(dir.path(), "info", &[("SLOW_REQUEST_MS", "1")]);
    let listening = server.wait_for("listening", |l| {
        message(l).starts_with("listening on http://")
    });
    let url = message(&listening)
        .trim_start_matches("listening on ")
        .to_string();
    // Registering hashes a password with argon2: always slower than a millisecond
    // (the password must pass the policy, or the request ends before hashing).
    let registered = reqwest::Client::new()
        .post(format!("{url}/api/v1/auth/register"))
        .header("x-correlation-id", "slow-1")
        .json(
            &serde_json::json!({ "email": "timer@example.com", "password": "Slow-Request-Pass-1!" }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);
    // The request's own line (the one with its status), among its other lines.
    let slow = server.wait_for("slow request", |l| {
        l["correlation_id"] == "slow-1" && l.get("status").is_some()
    });
    assert_eq!(slow["level"], "WARN", "{slow}");
    assert_eq!(message(&slow), "slow request");
    assert_eq!(slow["route"], "/api/v1/auth/register");
    assert!(slow["latency_ms"].as_f64().unwrap() >= 1.0);
    assert_eq!(slow["threshold_ms"], 1.0);
}

#[test]
fn check_config_passes_a_good_environment_and_lists_every_problem_of_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let good = run(
        dir.path(),
        &[
            ("DATABASE_URL", "sqlite://data/check.db"),
            ("LOG_LEVEL", "warn"),
        ],
        &["check-config"],
    );
    let stdout = stdout_of_success(&good);
    assert!(stdout.contains("configuration OK"), "{stdout}");
    assert!(stdout.contains("database: sqlite, reachable"), "{stdout}");

    let bad = run(
        dir.path(),
        &[
            ("ENVIRONMENT", "production"),
            ("LOG_FORMAT", "xml"),
            ("SLOW_REQUEST_MS", "soon"),
        ],
        &["check-config"],
    );
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    for variable in ["SECRET_KEY", "LOG_FORMAT", "SLOW_REQUEST_MS"] {
        assert!(stderr.contains(variable), "{variable} not named: {stderr}");
    }

    let unreachable = run(
        dir.path(),
        &[
            ("DATABASE_URL", "postgres://postgres@127.0.0.1:1/none"),
            ("REDIS_URL", "redis://127.0.0.1:1"),
            ("LOG_LEVEL", "off"),
        ],
        &["check-config"],
    );
    assert!(!unreachable.status.success());
    let stderr = String::from_utf8_lossy(&unreachable.stderr);
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");
    assert!(stderr.contains("REDIS_URL"), "{stderr}");
}

#[tokio::test]
async fn backup_copies_a_live_database_consistently() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), "info");
    let listening = server.wait_for("listening", |l| {
        message(l).starts_with("listening on http://")
    });
    let url = message(&listening)
        .trim_start_matches("listening on ")
        .to_string();
    let registered = reqwest::Client::new()
        .post(format!("{url}/api/v1/auth/register"))
        .json(&serde_json::json!({ "email": "saved@example.com", "password": "Backed-Up-Pass-7!" }))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);

    // Taken while the server runs.
    let backup = dir.path().join("backups/copy.db");
    let output = run(
        dir.path(),
        &[
            ("DATABASE_URL", "sqlite://data/test.db"),
            ("LOG_LEVEL", "warn"),
        ],
        &["backup", backup.to_str().unwrap()],
    );
    let stdout = stdout_of_success(&output);
    assert!(stdout.contains("integrity ok"), "{stdout}");

    // The copy is a complete database: the server starts on it and knows the user.
    drop(server);
    let restored = run(
        dir.path(),
        &[
            ("DATABASE_URL", &format!("sqlite://{}", backup.display())),
            ("LOG_LEVEL", "warn"),
        ],
        &["set-role", "saved@example.com", "admin"],
    );
    stdout_of_success(&restored);

    // An existing file is never overwritten.
    let again = run(
        dir.path(),
        &[
            ("DATABASE_URL", "sqlite://data/test.db"),
            ("LOG_LEVEL", "warn"),
        ],
        &["backup", backup.to_str().unwrap()],
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

/// The address a started server listens on (`http://…`).
fn listening_url(server: &mut Server) -> String {
    let listening = server.wait_for("listening", |l| {
        message(l).starts_with("listening on http://")
    });
    message(&listening)
        .trim_start_matches("listening on ")
        .to_string()
}

#[test]
fn smoke_prints_one_line_per_check_and_exits_by_the_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), "info");
    let url = listening_url(&mut server);
    let quiet = [("LOG_LEVEL", "warn")];

    let passed = stdout_of_success(&run(dir.path(), &quiet, &["smoke", "--base-url", &url]));
    for line in [
        "PASS  health",
        "PASS  account",
        "PASS  run",
        "PASS  export_csv",
        "SKIP  latency",
    ] {
        assert!(passed.contains(line), "{line} missing:\n{passed}");
    }
    // In development the first account (this throw-away one) is an administrator.
    assert!(passed.contains("PASS  sonar"), "{passed}");
    assert!(passed.contains(", 0 failed, 1 skipped"), "{passed}");

    let failed = run(
        dir.path(),
        &[("LOG_LEVEL", "warn"), ("SMOKE_PASSWORD", "Wrong-Pass-123!")],
        &[
            "smoke",
            "--base-url",
            &url,
            "--email",
            "nobody@example.com",
            "--json",
        ],
    );
    assert!(!failed.status.success());
    let report: Value = serde_json::from_slice(&failed.stdout).expect("--json prints JSON");
    assert_eq!(report["base_url"], url.as_str());
    let account = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "account")
        .unwrap();
    assert_eq!(account["status"], "fail", "{report}");
    assert!(
        !String::from_utf8_lossy(&failed.stdout).contains("Wrong-Pass-123!"),
        "the password is never printed"
    );
}

#[test]
fn rotate_encryption_key_reseals_and_the_server_refuses_a_foreign_key() {
    let dir = tempfile::tempdir().unwrap();
    let old = "old-encryption-key-0123456789abcdefghij";
    let new = "new-encryption-key-0123456789abcdefghij";
    let with = |current: &'static str, previous: Option<&'static str>| {
        let mut vars = vec![
            ("DATABASE_URL", "sqlite://data/keys.db"),
            ("LEPTOS_SITE_ADDR", "127.0.0.1:0"),
            ("LOG_LEVEL", "warn"),
            ("ENCRYPTION_KEY", current),
        ];
        vars.extend(previous.map(|p| ("ENCRYPTION_KEY_PREVIOUS", p)));
        vars
    };
    // The first run records the key the database's secrets are sealed with.
    let first = stdout_of_success(&run(
        dir.path(),
        &with(old, None),
        &["rotate-encryption-key"],
    ));
    assert!(
        first.contains("0 sealed again, 1 already under the current key"),
        "{first}"
    );

    // A new key alone: refused, with the way out.
    for args in [&["rotate-encryption-key"][..], &["serve"][..]] {
        let refused = run(dir.path(), &with(new, None), args);
        assert!(!refused.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(
            stderr.contains("ENCRYPTION_KEY_PREVIOUS"),
            "{args:?}: {stderr}"
        );
        assert!(
            !stderr.contains(new) && !stderr.contains(old),
            "keys never printed"
        );
    }

    let rotated = stdout_of_success(&run(
        dir.path(),
        &with(new, Some(old)),
        &["rotate-encryption-key"],
    ));
    assert!(
        rotated.contains("app_meta.value: 1 sealed again"),
        "{rotated}"
    );
    assert!(
        rotated.contains("ENCRYPTION_KEY_PREVIOUS can be removed"),
        "{rotated}"
    );
    stdout_of_success(&run(
        dir.path(),
        &with(new, None),
        &["rotate-encryption-key"],
    ));
    assert!(
        !run(dir.path(), &with(old, None), &["rotate-encryption-key"])
            .status
            .success()
    );
}

#[test]
fn admin_tier_changes_the_tier() {
    let dir = tempfile::tempdir().unwrap();
    let vars = [
        ("DATABASE_URL", "sqlite://data/admins.db"),
        ("LOG_LEVEL", "warn"),
    ];
    let (created, _, _) = create_admin(dir.path(), "boss@example.com", "Sup3r-Secret-Pass!\n");
    assert!(created);
    let changed = stdout_of_success(&run(
        dir.path(),
        &vars,
        &["admin", "tier", "boss@example.com", "pro"],
    ));
    assert!(
        changed.contains("boss@example.com is now on the pro tier"),
        "{changed}"
    );
    let wrong = run(
        dir.path(),
        &vars,
        &["admin", "tier", "boss@example.com", "platinum"],
    );
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("tier must be"));
}

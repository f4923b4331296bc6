//! `make reliability`: the server under load and faults, loopback only, bounded in
//! time. Ignored by `make test` (it needs the release build and takes minutes); each
//! test prints what it measured, and docs/RELIABILITY.md records a run.
#![cfg(feature = "ssr")]

mod load;
mod server;
mod services;

use std::time::{Duration, Instant};

use sqlx::Connection;

use load::{run_mix, sign_up, Tally};
use server::Server;
use services::{data_dir, sqlite_url, OwnPostgres, OwnRedis};

/// Puts every user on the enterprise tier (1 000 requests a minute each), so the load
/// measures the server rather than the tier limits.
async fn make_enterprise(database_url: &str) {
    let query = "UPDATE users SET tier = 'enterprise'";
    if database_url.starts_with("postgres") {
        let mut connection = sqlx::PgConnection::connect(database_url).await.unwrap();
        sqlx::query(query).execute(&mut connection).await.unwrap();
    } else {
        let mut connection = sqlx::SqliteConnection::connect(database_url).await.unwrap();
        sqlx::query(query).execute(&mut connection).await.unwrap();
    }
}

fn server_errors_except(tally: &Tally, allowed: &[u16]) -> u64 {
    tally.count(|s| s >= 500 && !allowed.contains(&s))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "make reliability"]
async fn load_200_clients_for_60_seconds() {
    let dir = data_dir("load");
    let url = sqlite_url(&dir);
    let mut server = Server::start(&dir, &url, &[]);
    let users = sign_up(&server.url, "load", 200).await;
    make_enterprise(&url).await;

    let (mut warm, _, _) = run_mix(
        &server.url,
        &users,
        200,
        20,
        Duration::from_secs(15),
        async {},
    )
    .await;
    println!("{}", warm.report("warm-up", Duration::from_secs(15)));
    let rss_after_warm_up = server.rss_kib();

    let started = Instant::now();
    let (mut tally, updates, reconnects) = run_mix(
        &server.url,
        &users,
        200,
        20,
        Duration::from_secs(60),
        async {},
    )
    .await;
    let elapsed = started.elapsed();
    let rss_at_end = server.rss_kib();
    println!(
        "{}",
        tally.report("load: 200 clients + 20 live subscribers", elapsed)
    );
    let growth = rss_at_end as f64 / rss_after_warm_up as f64 - 1.0;
    println!(
        "live: {updates} market updates, {reconnects} reconnects; RSS after warm-up {} MiB, at the end {} MiB ({:+.1} %)",
        rss_after_warm_up / 1024,
        rss_at_end / 1024,
        growth * 100.0
    );
    assert_eq!(tally.count(|s| s >= 500), 0, "5xx under load");
    assert_eq!(
        tally.failures.values().sum::<u64>(),
        0,
        "transport failures"
    );
    assert!(tally.total() > 10_000, "the load was real");
    assert!(updates > 0, "live subscribers received updates");
    assert!(growth.abs() <= 0.20, "RSS moved {:+.1} %", growth * 100.0);
    server.kill();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "make reliability"]
async fn postgres_stopped_and_started_during_load() {
    let pg = OwnPostgres::start();
    let dir = data_dir("pg-fault");
    let _server = Server::start(&dir, &pg.url(), &[]);
    let base = _server.url.clone();
    let users = sign_up(&base, "pg", 50).await;
    make_enterprise(&pg.url()).await;

    let outage = async {
        tokio::time::sleep(Duration::from_secs(10)).await;
        let pg = &pg;
        tokio::task::block_in_place(|| pg.stop());
        println!("postgres stopped");
        tokio::time::sleep(Duration::from_secs(10)).await;
        tokio::task::block_in_place(|| pg.start_again());
        println!("postgres started");
    };
    let started = Instant::now();
    let (mut tally, _, _) = run_mix(&base, &users, 100, 10, Duration::from_secs(40), outage).await;
    println!(
        "{}",
        tally.report("load with postgres stopped for 10 s", started.elapsed())
    );
    assert_eq!(
        server_errors_except(&tally, &[503]),
        0,
        "only 503s while the database was down"
    );
    assert!(tally.count(|s| s == 503) > 0, "the outage was seen");

    // Recovered: everything answers again, and every signal a run reported is stored.
    let (after, _, _) = run_mix(&base, &users, 20, 0, Duration::from_secs(5), async {}).await;
    assert_eq!(after.count(|s| s >= 500), 0, "recovered after the outage");
    let mut connection = sqlx::PgConnection::connect(&pg.url()).await.unwrap();
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM signals WHERE id = ANY($1)")
        .bind(&tally.signal_ids)
        .fetch_one(&mut connection)
        .await
        .unwrap();
    println!(
        "committed signals reported to clients: {}, found: {stored}",
        tally.signal_ids.len()
    );
    assert_eq!(
        stored as usize,
        tally.signal_ids.len(),
        "a committed signal was lost"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "make reliability"]
async fn redis_stopped_during_load() {
    let mut redis = OwnRedis::start();
    let dir = data_dir("redis-fault");
    let url = sqlite_url(&dir);
    let redis_url = redis.url();
    let server = Server::start(
        &dir,
        &url,
        &[("REDIS_URL", &redis_url), ("ENABLE_METRICS", "true")],
    );
    let users = sign_up(&server.url, "redis", 50).await;
    make_enterprise(&url).await;

    let base = server.url.clone();
    let outage = async {
        tokio::time::sleep(Duration::from_secs(8)).await;
        tokio::task::block_in_place(|| redis.stop());
        println!("redis stopped");
        tokio::time::sleep(Duration::from_secs(4)).await;
        let metrics = reqwest::get(format!("{base}/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let memory = metrics
            .lines()
            .any(|l| l.starts_with("rate_limiter_backend{backend=\"memory\"} 1"));
        println!("limiter on memory while redis is down: {memory}");
        assert!(memory, "the limiter fell back to memory");
        tokio::time::sleep(Duration::from_secs(6)).await;
        tokio::task::block_in_place(|| redis.start_again());
        println!("redis started");
    };
    let started = Instant::now();
    let (mut tally, _, _) = run_mix(
        &server.url,
        &users,
        100,
        10,
        Duration::from_secs(30),
        outage,
    )
    .await;
    println!(
        "{}",
        tally.report("load with redis stopped for 10 s", started.elapsed())
    );
    assert_eq!(tally.count(|s| s >= 500), 0, "no 5xx while redis was down");
}

/// CSV imports (each a new symbol of 2 000 bars) while the server is killed with
/// SIGKILL; after a restart each import is there in full or not at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "make reliability"]
async fn sigkill_during_csv_imports_leaves_each_import_whole_or_absent() {
    let dir = data_dir("sigkill");
    let url = sqlite_url(&dir);
    let mut server = Server::start(&dir, &url, &[]);
    let users = sign_up(&server.url, "kill", 8).await;
    make_enterprise(&url).await;
    let csv = csv_of(2_000);

    let client = load::http();
    let mut attempts = Vec::new();
    for (u, user) in users.iter().enumerate() {
        for n in 0..6 {
            let symbol = format!("K{u}X{n}");
            let request = client
                .post(format!("{}/api/v1/prices/{symbol}/import", server.url))
                .bearer_auth(&user.token)
                .header("content-type", "text/csv")
                .body(csv.clone())
                .send();
            attempts.push((u, symbol, tokio::spawn(request)));
        }
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    server.kill();
    let mut answered = 0;
    for (_, _, handle) in &mut attempts {
        if let Ok(Ok(response)) = handle.await {
            answered += usize::from(response.status() == 200);
        }
    }

    let mut server = Server::start(&dir, &url, &[]);
    let (mut whole, mut absent) = (0, 0);
    for (u, symbol, _) in &attempts {
        let response = client
            .get(format!("{}/api/v1/prices/{symbol}", server.url))
            .bearer_auth(&users[*u].token)
            .send()
            .await
            .unwrap();
        match response.status().as_u16() {
            404 => absent += 1,
            200 => {
                let prices: serde_json::Value = response.json().await.unwrap();
                let bars = prices["bars"].as_array().unwrap().len();
                assert_eq!(bars, 2_000, "{symbol}: a partial import survived");
                whole += 1;
            }
            status => panic!("{symbol}: {status}"),
        }
    }
    println!(
        "imports: {} started, {answered} acknowledged before SIGKILL; after restart {whole} whole, {absent} absent",
        attempts.len()
    );
    assert!(whole >= answered, "an acknowledged import was lost");
    let mut connection = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut connection)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    server.kill();
}

fn csv_of(days: usize) -> String {
    let start = chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap();
    let mut csv = String::from("Date,Open,High,Low,Close,Volume\n");
    for day in 0..days {
        let date = start + chrono::Duration::days(day as i64);
        let close = 100.0 + (day as f64 / 10.0).sin() * 5.0;
        csv.push_str(&format!(
            "{date},{:.2},{:.2},{:.2},{close:.2},{}\n",
            close - 0.5,
            close + 1.0,
            close - 1.0,
            1_000 + day
        ));
    }
    csv
}

/// Every `/api/v1` operation of the OpenAPI document, fuzzed by schemathesis (from
/// PyPI; `make reliability` installs it): no 5xx, and every answer as documented.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "make reliability"]
async fn fuzz_every_route_from_the_openapi_document() {
    let dir = data_dir("fuzz");
    let url = sqlite_url(&dir);
    let server = Server::start(&dir, &url, &[]);
    let users = sign_up(&server.url, "fuzz", 1).await;
    make_enterprise(&url).await;
    let schemathesis = std::env::var("SCHEMATHESIS").unwrap_or_else(|_| "schemathesis".into());
    let started = Instant::now();
    let output = tokio::task::spawn_blocking({
        let base = server.url.clone();
        let token = users[0].token.clone();
        move || {
            std::process::Command::new(schemathesis)
                .args(["run", &format!("{base}/openapi.json")])
                .args(["--url", &base])
                .args(["--header", &format!("Authorization: Bearer {token}")])
                .args(["--checks", "not_a_server_error,response_schema_conformance"])
                .args(["--max-examples", "25", "--seed", "42"])
                .args(["--phases", "examples,coverage,fuzzing"])
                .env("NO_COLOR", "1")
                .output()
                .expect("schemathesis (make reliability installs it)")
        }
    })
    .await
    .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    println!("{report}");
    println!("schemathesis took {:.0} s", started.elapsed().as_secs_f64());
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

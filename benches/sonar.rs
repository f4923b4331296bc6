//! SONAR's speed on two trees: this project's own, and a large public one (the cargo
//! registry sources on this machine, or `SONAR_BENCH_TREE`). Each tree's indexable
//! files are copied to a temporary directory first, so one of them can be changed.
//! Measured: a full index (files/s), an unchanged re-index, a re-index with one file
//! changed (median of 5), and `GET /sonar/context` over HTTP (p50/p95 of 300
//! questions for definitions drawn from the index). Targets (issue 7): one changed
//! file under 100 ms, context p95 under 50 ms on 10 000 files; ratios are printed
//! against them and against the full index of the same run.

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use investment_system::server::sonar::index::Indexer;
use investment_system::server::sonar::scan::{scan, Limits};
use support::{percentile, BenchServer};

const CONTEXT_QUESTIONS: usize = 300;
const ONE_FILE_RUNS: usize = 5;

#[tokio::main]
async fn main() {
    let project = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let large = std::env::var_os("SONAR_BENCH_TREE")
        .map(PathBuf::from)
        .or_else(registry_sources);
    println!(
        "{:<10}{:>8}{:>10}{:>10}{:>11}{:>12}{:>13}{:>10}{:>10}",
        "tree",
        "files",
        "full s",
        "files/s",
        "same ms",
        "1 file ms",
        "1 file/100ms",
        "p50 ms",
        "p95 ms"
    );
    measure("project", &project, Limits::default()).await;
    match large {
        Some(tree) => {
            // The context target is for 10 000 files; the default limit is 20 000.
            for (label, max_files) in [("reg-10k", 10_000), ("reg-20k", 20_000)] {
                let limits = Limits {
                    max_files,
                    ..Limits::default()
                };
                measure(label, &tree, limits).await;
            }
        }
        None => println!("registry: no cargo registry sources found (set SONAR_BENCH_TREE)"),
    }
}

fn registry_sources() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let src = home.join("registry").join("src");
    // One directory per registry (index.crates.io-…); take the largest.
    std::fs::read_dir(&src)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .max_by_key(|p| std::fs::read_dir(p).map(|d| d.count()).unwrap_or(0))
}

/// Copies the files SONAR would index under `from` into a new temporary directory.
fn copy_indexable(from: &Path, limits: &Limits) -> (tempfile::TempDir, Vec<String>) {
    let scanned = scan(from, limits, &Default::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for file in &scanned.files {
        let target = dir.path().join(&file.path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(&target, file.text.as_deref().unwrap_or_default()).unwrap();
        paths.push(file.path.clone());
    }
    (dir, paths)
}

async fn measure(label: &str, tree: &Path, limits: Limits) {
    let (copy, paths) = copy_indexable(tree, &limits);
    let root = copy.path();
    let server = BenchServer::start().await;
    // As the server runs them: one indexer keeps the tree between runs.
    let indexer = Indexer::default();
    let index = || indexer.run(&server.db, root, limits, |_, _| {});

    let full = index().await.unwrap();
    eprintln!(
        "{label}: full index of {} files in {:.2} s: {} nodes, {} edges",
        full.files,
        full.duration.as_secs_f64(),
        full.nodes,
        full.edges
    );
    let same = index().await.unwrap();
    assert_eq!(same.changed, 0);

    // A Rust file in the middle of the tree gains a function, five times.
    let victim = paths
        .iter()
        .filter(|p| p.ends_with(".rs"))
        .nth(paths.len() / 4)
        .or_else(|| paths.first())
        .unwrap()
        .clone();
    let mut one_file = Vec::new();
    for run in 0..ONE_FILE_RUNS {
        let path = root.join(&victim);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(&format!(
            "\npub fn sonar_bench_added_{run}() -> usize {{ {run} }}\n"
        ));
        std::fs::write(&path, text).unwrap();
        let report = index().await.unwrap();
        assert_eq!((report.changed, report.rewrote_all), (1, false));
        one_file.push(report.duration);
    }
    one_file.sort();
    let one_file_median = one_file[one_file.len() / 2];

    eprintln!("{label}: one changed file: {one_file:?}");
    let latencies = context_latencies(&server, root).await;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p = |q: f64| {
        if latencies.is_empty() {
            f64::NAN
        } else {
            percentile(&latencies, q)
        }
    };
    println!(
        "{:<10}{:>8}{:>10.2}{:>10.0}{:>11.1}{:>12.1}{:>13.2}{:>10.2}{:>10.2}",
        label,
        full.files,
        full.duration.as_secs_f64(),
        full.files as f64 / full.duration.as_secs_f64(),
        ms(same.duration),
        ms(one_file_median),
        ms(one_file_median) / 100.0,
        p(0.50),
        p(0.95),
    );
    println!(
        "{:<10}{} nodes, {} edges; one changed file takes {:.1}% of a full index; context p95 / 50 ms = {:.2}",
        "",
        full.nodes,
        full.edges,
        100.0 * one_file_median.as_secs_f64() / full.duration.as_secs_f64(),
        p(0.95) / 50.0
    );
}

/// `GET /sonar/context` for definitions named in the index (every n-th distinct
/// name), after one warm-up query that loads the index into memory.
async fn context_latencies(server: &BenchServer, root: &Path) -> Vec<Duration> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT name FROM sonar_nodes WHERE kind <> 'file' ORDER BY name",
    )
    .fetch_all(server.db.pool())
    .await
    .unwrap();
    assert!(
        !names.is_empty(),
        "nothing indexed under {}",
        root.display()
    );
    let step = (names.len() / CONTEXT_QUESTIONS).max(1);
    let ask = |symbol: &str| {
        server
            .client
            .get(server.at("/sonar/context"))
            .query(&[("symbols", symbol)])
            .bearer_auth(&server.token)
            .send()
    };
    // The first question loads the index into memory; on a very large tree that can
    // outlast REQUEST_TIMEOUT_MS (504), while the load goes on in its own task.
    let loading = Instant::now();
    let mut warm = ask(&names[0]).await.unwrap().status();
    for _ in 0..10 {
        if warm == 200 {
            break;
        }
        warm = ask(&names[0]).await.unwrap().status();
    }
    eprintln!(
        "index loaded and first answer ({warm}) after {:.2} s",
        loading.elapsed().as_secs_f64()
    );
    if warm != 200 {
        return Vec::new();
    }
    let mut latencies = Vec::with_capacity(CONTEXT_QUESTIONS);
    for name in names.iter().step_by(step).take(CONTEXT_QUESTIONS) {
        let started = Instant::now();
        let response = ask(name).await.unwrap();
        if response.status() != 200 {
            eprintln!("context for {name}: {}", response.status());
            return Vec::new();
        }
        response.bytes().await.unwrap();
        latencies.push(started.elapsed());
    }
    latencies.sort();
    latencies
}

//! SONAR's index in the database, on both backends: a first run parses every file,
//! a re-run parses only what changed and forgets what disappeared.

use std::path::Path;

use investment_system::server::sonar::index::{index, Indexer};
use investment_system::server::sonar::scan::Limits;
use sqlx::Row;

use crate::common::TestApp;

on_both_backends!(reindexing_parses_only_changed_files_and_drops_removed_ones);
on_both_backends!(a_kept_indexer_writes_what_a_full_rewrite_writes);

fn write(root: &Path, path: &str, text: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

async fn reindexing_parses_only_changed_files_and_drops_removed_ones(app: &TestApp) {
    let tree = tempfile::tempdir().unwrap();
    let root = tree.path();
    write(
        root,
        "src/model.rs",
        "pub trait Model { fn evaluate(&self); }\n",
    );
    write(
        root,
        "src/service.rs",
        "use crate::model::Model;\npub struct SignalService;\nimpl Model for SignalService { fn evaluate(&self) {} }\n",
    );
    write(
        root,
        "tools/run.py",
        "import os\n\nclass Runner:\n    def go(self):\n        pass\n",
    );
    let secret = ["AKIA", "Z7QHXW4MNB2LKP3R"].concat();
    write(
        root,
        "deploy/settings.py",
        &format!("AWS_KEY = '{secret}'\n"),
    );

    let first = index(&app.db, root, Limits::default(), |_, _| {})
        .await
        .unwrap();
    assert_eq!((first.files, first.changed, first.removed), (4, 4, 0));
    assert_eq!(first.findings, 1);
    assert_eq!(count(app, "SELECT COUNT(*) FROM sonar_files").await, 4);
    assert_eq!(
        count(app, "SELECT COUNT(*) FROM sonar_nodes").await,
        first.nodes as i64
    );
    assert_eq!(
        count(
            app,
            "SELECT COUNT(*) FROM sonar_edges WHERE kind = 'implements'"
        )
        .await,
        1
    );
    let finding = sqlx::query("SELECT rule, path, line, redacted FROM sonar_findings")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(finding.get::<String, _>(0), "aws-access-key-id");
    assert_eq!(finding.get::<String, _>(1), "deploy/settings.py");
    assert_eq!(finding.get::<i64, _>(2), 1);
    assert_eq!(finding.get::<String, _>(3), "AKIA…");

    // One file changed, one removed: only the changed one is parsed again. The change
    // also defines a second `Model`, so edges between files that did not change (the
    // service's reference to `Model`) change weight.
    write(root, "tools/run.py", "import os\n\nclass Runner:\n    def go(self):\n        pass\n    def stop(self):\n        pass\n\nclass Model:\n    pass\n");
    std::fs::remove_file(root.join("deploy/settings.py")).unwrap();
    let second = index(&app.db, root, Limits::default(), |_, _| {})
        .await
        .unwrap();
    assert_eq!((second.files, second.changed, second.removed), (3, 1, 1));
    assert_eq!(second.findings, 0);
    assert_eq!(count(app, "SELECT COUNT(*) FROM sonar_files").await, 3);
    assert_eq!(
        count(app, "SELECT COUNT(*) FROM sonar_nodes WHERE name = 'stop'").await,
        1
    );
    assert_eq!(count(app, "SELECT COUNT(*) FROM sonar_findings").await, 0);
    assert_eq!(count(app, "SELECT COUNT(*) FROM sonar_runs").await, 2);

    assert!(
        !second.rewrote_all,
        "one changed file is written incrementally"
    );
    let weight: f64 = sqlx::query_scalar(
        "SELECT e.weight FROM sonar_edges e JOIN sonar_nodes n ON n.id = e.target \
         WHERE e.kind = 'references' AND n.name = 'Model' AND n.path = 'src/model.rs'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(weight, 0.5, "Model is now defined twice");
    assert_eq!(second.version, first.version + 1);

    // Nothing changed: nothing parsed, the same graph.
    let third = index(&app.db, root, Limits::default(), |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        (third.changed, third.nodes, third.edges),
        (0, second.nodes, second.edges)
    );

    // The incrementally written rows are exactly those a full rewrite makes.
    let incremental = graph_rows(app).await;
    assert_eq!(incremental.1.len(), third.edges);
    sqlx::query("UPDATE sonar_runs SET format = 0")
        .execute(app.db.pool())
        .await
        .unwrap();
    let full = index(&app.db, root, Limits::default(), |_, _| {})
        .await
        .unwrap();
    assert!(full.rewrote_all && full.changed == 3, "{full:?}");
    assert_eq!(graph_rows(app).await, incremental);
}

/// An `Indexer` (as the server keeps one) works from the tree it kept in memory, notices
/// when another process indexed in between, and its incremental writes equal a full
/// rewrite's.
async fn a_kept_indexer_writes_what_a_full_rewrite_writes(app: &TestApp) {
    let tree = tempfile::tempdir().unwrap();
    let root = tree.path();
    write(
        root,
        "src/model.rs",
        "pub trait Model {}\npub struct Snapshot;\n",
    );
    write(
        root,
        "src/service.rs",
        "use crate::model::Model;\npub struct Service;\nimpl Model for Service {}\nfn run() -> Snapshot { Snapshot }\n",
    );
    write(root, "tools/run.py", "class Runner:\n    pass\n");
    let indexer = Indexer::default();
    let run = || indexer.run(&app.db, root, Limits::default(), |_, _| {});
    let first = run().await.unwrap();
    assert!(first.rewrote_all);

    // A definition added above the others, and a file gone.
    write(
        root,
        "src/model.rs",
        "pub fn first() {}\npub trait Model {}\npub struct Snapshot;\n",
    );
    std::fs::remove_file(root.join("tools/run.py")).unwrap();
    let second = run().await.unwrap();
    assert_eq!((second.changed, second.removed), (1, 1));
    assert!(!second.rewrote_all);

    // Another process indexes a new file; the indexer must see that run, not redo it.
    write(root, "src/extra.rs", "pub struct Snapshot;\n");
    let other = index(&app.db, root, Limits::default(), |_, _| {})
        .await
        .unwrap();
    assert_eq!(other.changed, 1);
    write(
        root,
        "src/service.rs",
        "use crate::model::Model;\npub struct Service;\nfn run() -> Snapshot { Snapshot }\n",
    );
    let third = run().await.unwrap();
    assert_eq!((third.changed, third.removed), (1, 0), "{third:?}");
    assert_eq!(third.version, other.version + 1);
    assert_eq!(
        count(app, "SELECT COUNT(*) FROM sonar_edges").await,
        third.edges as i64
    );
    assert_eq!(
        count(app, "SELECT COUNT(*) FROM sonar_nodes").await,
        third.nodes as i64
    );

    let incremental = graph_rows(app).await;
    sqlx::query("UPDATE sonar_runs SET format = 0")
        .execute(app.db.pool())
        .await
        .unwrap();
    let full = index(&app.db, root, Limits::default(), |_, _| {})
        .await
        .unwrap();
    assert!(full.rewrote_all);
    assert_eq!(graph_rows(app).await, incremental);
}

/// Every node and edge row, sorted.
async fn graph_rows(app: &TestApp) -> (Vec<String>, Vec<String>) {
    let rows = |sql: &'static str| async move {
        let mut rows: Vec<String> = sqlx::query(sql)
            .fetch_all(app.db.pool())
            .await
            .unwrap()
            .iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| {
                        row.try_get::<String, _>(i)
                            .or_else(|_| row.try_get::<i64, _>(i).map(|v| v.to_string()))
                            .or_else(|_| row.try_get::<f64, _>(i).map(|v| format!("{v:.9}")))
                            .unwrap()
                    })
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect();
        rows.sort();
        rows
    };
    (
        rows("SELECT id, kind, name, path, start_line, end_line, signature FROM sonar_nodes").await,
        rows("SELECT source, target, kind, weight FROM sonar_edges").await,
    )
}

//! SONAR's index in the database, on both backends: a first run parses every file,
//! a re-run parses only what changed and forgets what disappeared.

use std::path::Path;

use investment_system::server::sonar::index::index;
use investment_system::server::sonar::scan::Limits;
use sqlx::Row;

use crate::common::TestApp;

on_both_backends!(reindexing_parses_only_changed_files_and_drops_removed_ones);

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

    // One file changed, one removed: only the changed one is parsed again.
    write(root, "tools/run.py", "import os\n\nclass Runner:\n    def go(self):\n        pass\n    def stop(self):\n        pass\n");
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

    // Nothing changed: nothing parsed, the same graph.
    let third = index(&app.db, root, Limits::default(), |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        (third.changed, third.nodes, third.edges),
        (0, second.nodes, second.edges)
    );
}

//! Writing a run's result: every row anew with multi-row inserts, or only the rows
//! that differ from the previous run.

use super::outlining::Outlined;

use super::super::graph_rows::{self, Cell, EdgeChanges, EdgeRows};

/// The `sonar_files` row of scanned file `index`.
fn file_cells<'a>(outlined: &'a Outlined, index: usize, json: &'a str, at: i64) -> Vec<Cell<'a>> {
    let file = &outlined.scan.files[index];
    vec![
        Cell::Text(&file.path),
        Cell::Text(file.language.as_str()),
        Cell::Text(&file.sha256),
        Cell::Int(file.size as i64),
        Cell::Int(file.lines as i64),
        Cell::Text(json),
        Cell::Int(at),
        Cell::Int(file.modified_ns),
    ]
}

const FILE_COLUMNS: &str =
    "sonar_files (path, language, sha256, size, lines, outline, indexed_at, modified_ns)";

/// The outline of scanned file `index` as stored.
fn outline_json(outlined: &Outlined, index: usize) -> String {
    let path = &outlined.scan.files[index].path;
    outlined
        .indexed
        .tree
        .outline(path)
        .and_then(|o| serde_json::to_string(o).ok())
        .unwrap_or_else(|| "{}".into())
}

/// Writes every file, node and edge anew.
pub(super) async fn rewrite(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    outlined: &Outlined,
    edges: &EdgeRows,
    at: i64,
) -> Result<(), sqlx::Error> {
    for table in ["sonar_files", "sonar_edges", "sonar_nodes"] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut **tx)
            .await?;
    }
    let files = &outlined.scan.files;
    let json: Vec<String> = (0..files.len())
        .map(|i| outline_json(outlined, i))
        .collect();
    let file_rows: Vec<_> = (0..files.len())
        .map(|i| file_cells(outlined, i, &json[i], at))
        .collect();
    graph_rows::insert_rows(tx, FILE_COLUMNS, 8, &file_rows).await?;
    let tree = &outlined.indexed.tree;
    let node_rows: Vec<_> = files.iter().flat_map(|f| tree.node_rows(&f.path)).collect();
    let node_cells: Vec<_> = node_rows.iter().map(graph_rows::node_cells).collect();
    graph_rows::insert_rows(tx, graph_rows::NODE_COLUMNS, 7, &node_cells).await?;
    let edge_cells: Vec<_> = edges
        .iter()
        .map(|(key, w)| graph_rows::edge_cells(key, *w))
        .collect();
    graph_rows::insert_rows(tx, graph_rows::EDGE_COLUMNS, 4, &edge_cells).await
}

/// Writes what changed: files, their nodes, and the edges that appeared, vanished or
/// changed weight.
pub(super) async fn update(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    outlined: &Outlined,
    changes: &EdgeChanges,
    at: i64,
) -> Result<(), sqlx::Error> {
    for path in &outlined.removed {
        sqlx::query("DELETE FROM sonar_files WHERE path = $1")
            .bind(path)
            .execute(&mut **tx)
            .await?;
    }
    for (index, file) in outlined.scan.files.iter().enumerate() {
        if outlined.changed.contains(&file.path) {
            let json = outline_json(outlined, index);
            sqlx::query(
                "INSERT INTO sonar_files (path, language, sha256, size, lines, outline, indexed_at, modified_ns) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (path) DO UPDATE SET language = excluded.language, sha256 = excluded.sha256, \
                 size = excluded.size, lines = excluded.lines, outline = excluded.outline, \
                 indexed_at = excluded.indexed_at, modified_ns = excluded.modified_ns",
            )
            .bind(&file.path)
            .bind(file.language.as_str())
            .bind(&file.sha256)
            .bind(file.size as i64)
            .bind(file.lines as i64)
            .bind(json)
            .bind(at)
            .bind(file.modified_ns)
            .execute(&mut **tx)
            .await?;
        }
    }
    for &index in &outlined.touched {
        let file = &outlined.scan.files[index];
        sqlx::query("UPDATE sonar_files SET modified_ns = $1 WHERE path = $2")
            .bind(file.modified_ns)
            .bind(&file.path)
            .execute(&mut **tx)
            .await?;
    }
    for path in outlined.removed.iter().chain(&outlined.changed) {
        sqlx::query("DELETE FROM sonar_nodes WHERE path = $1")
            .bind(path)
            .execute(&mut **tx)
            .await?;
    }
    let tree = &outlined.indexed.tree;
    let node_rows: Vec<_> = outlined
        .changed
        .iter()
        .flat_map(|path| tree.node_rows(path))
        .collect();
    let node_cells: Vec<_> = node_rows.iter().map(graph_rows::node_cells).collect();
    graph_rows::insert_rows(tx, graph_rows::NODE_COLUMNS, 7, &node_cells).await?;
    for (source, target, kind) in &changes.removed {
        sqlx::query("DELETE FROM sonar_edges WHERE source = $1 AND target = $2 AND kind = $3")
            .bind(source)
            .bind(target)
            .bind(*kind)
            .execute(&mut **tx)
            .await?;
    }
    for ((source, target, kind), weight) in &changes.reweighted {
        sqlx::query(
            "UPDATE sonar_edges SET weight = $1 WHERE source = $2 AND target = $3 AND kind = $4",
        )
        .bind(weight)
        .bind(source)
        .bind(target)
        .bind(*kind)
        .execute(&mut **tx)
        .await?;
    }
    let added: Vec<_> = changes
        .added
        .iter()
        .map(|(key, w)| graph_rows::edge_cells(key, *w))
        .collect();
    graph_rows::insert_rows(tx, graph_rows::EDGE_COLUMNS, 4, &added).await
}

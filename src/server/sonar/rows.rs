//! The graph as database rows: node ids that stay the same across runs for files that
//! did not change (derived from the file's path and the node's place in it), edges
//! merged by (source, target, kind), and multi-row inserts so a full write is a few
//! hundred statements rather than one per row.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::sonar::graph::{Graph, NodeKind};

/// One row of `sonar_nodes`.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeRow<'a> {
    pub id: i64,
    pub kind: &'static str,
    pub name: &'a str,
    pub path: &'a str,
    pub start_line: i64,
    pub end_line: i64,
    pub signature: &'a str,
}

/// `sonar_edges` keyed by (source, target, kind), weights of repeated edges summed.
pub type EdgeRows = HashMap<(i64, i64, &'static str), f64>;

/// A node's id: the file's path and the node's position in it (0 for the file, then
/// its definitions in order), hashed to 63 bits. Unchanged files keep their ids, so
/// only rows touching changed files differ between runs.
pub fn node_id(path: &str, ordinal: usize) -> i64 {
    let digest = Sha256::new()
        .chain_update(path.as_bytes())
        .chain_update([0])
        .chain_update((ordinal as u64).to_le_bytes())
        .finalize();
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    (u64::from_le_bytes(bytes) >> 1) as i64
}

/// Every node's row, in the graph's order (so `rows[i]` is node `i`).
pub fn node_rows(graph: &Graph) -> Vec<NodeRow<'_>> {
    let mut file_start = 0;
    graph
        .nodes
        .iter()
        .enumerate()
        .map(|(index, node)| {
            let kind = match &node.kind {
                NodeKind::File(_) => {
                    file_start = index;
                    "file"
                }
                NodeKind::Definition(kind) => kind.as_str(),
            };
            NodeRow {
                id: node_id(&node.path, index - file_start),
                kind,
                name: &node.name,
                path: &node.path,
                start_line: node.start_line as i64,
                end_line: node.end_line as i64,
                signature: &node.signature,
            }
        })
        .collect()
}

pub fn edge_rows(graph: &Graph, nodes: &[NodeRow<'_>]) -> EdgeRows {
    let mut rows = EdgeRows::with_capacity(graph.edges.len());
    for edge in &graph.edges {
        let key = (nodes[edge.from].id, nodes[edge.to].id, edge.kind.as_str());
        *rows.entry(key).or_insert(0.0) += edge.weight;
    }
    rows
}

/// What turns the stored edges into the new ones.
#[derive(Debug, Default, PartialEq)]
pub struct EdgeChanges {
    pub removed: Vec<(i64, i64, &'static str)>,
    pub reweighted: Vec<((i64, i64, &'static str), f64)>,
    pub added: Vec<((i64, i64, &'static str), f64)>,
}

pub fn edge_changes(old: &EdgeRows, new: &EdgeRows) -> EdgeChanges {
    let mut changes = EdgeChanges::default();
    for (key, weight) in old {
        match new.get(key) {
            None => changes.removed.push(*key),
            Some(now) if (now - weight).abs() > 1e-12 => changes.reweighted.push((*key, *now)),
            Some(_) => {}
        }
    }
    for (key, weight) in new {
        if !old.contains_key(key) {
            changes.added.push((*key, *weight));
        }
    }
    changes
}

/// A value bound into a multi-row insert.
#[derive(Clone, Copy, Debug)]
pub enum Cell<'a> {
    Int(i64),
    Real(f64),
    Text(&'a str),
}

/// Parameters per statement stay far below SQLite's (32 766) and PostgreSQL's (65 535) limits.
const MAX_PARAMETERS: usize = 4_000;

/// Inserts `rows` (each `width` cells) into `target` (`table (col, …)`), many rows per statement.
pub async fn insert_rows(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    target: &str,
    width: usize,
    rows: &[Vec<Cell<'_>>],
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks((MAX_PARAMETERS / width).max(1)) {
        let mut sql = format!("INSERT INTO {target} VALUES ");
        for (row, _) in chunk.iter().enumerate() {
            if row > 0 {
                sql.push(',');
            }
            sql.push('(');
            for column in 0..width {
                if column > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!("${}", row * width + column + 1));
            }
            sql.push(')');
        }
        let mut query = sqlx::query(&sql);
        for cell in chunk.iter().flatten() {
            query = match *cell {
                Cell::Int(value) => query.bind(value),
                Cell::Real(value) => query.bind(value),
                Cell::Text(value) => query.bind(value),
            };
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

pub fn node_cells<'a>(row: &NodeRow<'a>) -> Vec<Cell<'a>> {
    vec![
        Cell::Int(row.id),
        Cell::Text(row.kind),
        Cell::Text(row.name),
        Cell::Text(row.path),
        Cell::Int(row.start_line),
        Cell::Int(row.end_line),
        Cell::Text(row.signature),
    ]
}

pub const NODE_COLUMNS: &str =
    "sonar_nodes (id, kind, name, path, start_line, end_line, signature)";
pub const EDGE_COLUMNS: &str = "sonar_edges (source, target, kind, weight)";

pub fn edge_cells(
    &(source, target, kind): &(i64, i64, &'static str),
    weight: f64,
) -> Vec<Cell<'static>> {
    vec![
        Cell::Int(source),
        Cell::Int(target),
        Cell::Text(kind),
        Cell::Real(weight),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sonar::graph;
    use crate::sonar::outline::{outline, Language};

    fn graph_of(files: &[(&str, &str)]) -> Graph {
        let outlines: Vec<_> = files
            .iter()
            .map(|(p, t)| (p.to_string(), Language::Rust, outline(Language::Rust, t)))
            .collect();
        graph::build(&outlines)
    }

    #[test]
    fn unchanged_files_keep_their_node_ids_and_only_touched_edges_change() {
        let model = ("src/model.rs", "pub trait Model {}\npub struct Snapshot;\n");
        let service = (
            "src/service.rs",
            "use crate::model::Model;\npub struct Service;\nimpl Model for Service {}\n",
        );
        let footer = ("src/footer.rs", "pub fn footer() {}\n");
        let before = graph_of(&[footer, model, service]);
        let changed_service = (
            "src/service.rs",
            "use crate::model::Model;\npub struct Service;\npub struct Snapshot;\n",
        );
        let after = graph_of(&[footer, model, changed_service]);
        let (old_nodes, new_nodes) = (node_rows(&before), node_rows(&after));
        let ids = |rows: &[NodeRow<'_>], path: &str| -> Vec<i64> {
            rows.iter()
                .filter(|r| r.path == path)
                .map(|r| r.id)
                .collect()
        };
        assert_eq!(
            ids(&old_nodes, "src/model.rs"),
            ids(&new_nodes, "src/model.rs")
        );
        assert_eq!(
            ids(&old_nodes, "src/footer.rs"),
            ids(&new_nodes, "src/footer.rs")
        );
        let changes = edge_changes(
            &edge_rows(&before, &old_nodes),
            &edge_rows(&after, &new_nodes),
        );
        // `impl Model for Service` went away; `Snapshot` is now defined in service.rs too.
        assert!(changes
            .removed
            .iter()
            .any(|(_, _, kind)| *kind == "implements"));
        assert!(changes
            .added
            .iter()
            .any(|((_, _, kind), _)| *kind == "contains"));
        let footer_ids = ids(&new_nodes, "src/footer.rs");
        let touches_footer =
            |(s, t, _): &(i64, i64, &str)| footer_ids.contains(s) || footer_ids.contains(t);
        assert!(!changes.removed.iter().any(touches_footer));
        assert!(!changes.added.iter().any(|(key, _)| touches_footer(key)));
        assert_eq!(
            edge_changes(
                &edge_rows(&after, &new_nodes),
                &edge_rows(&after, &new_nodes)
            ),
            EdgeChanges::default()
        );
    }

    #[test]
    fn ids_differ_by_path_and_position_and_are_not_negative() {
        let ids = [node_id("a.rs", 0), node_id("a.rs", 1), node_id("b.rs", 0)];
        assert!(ids.iter().all(|&id| id >= 0));
        assert_ne!(ids[0], ids[1]);
        assert_ne!(ids[0], ids[2]);
        assert_eq!(node_id("a.rs", 1), ids[1]);
    }
}

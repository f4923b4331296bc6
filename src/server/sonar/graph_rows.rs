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

/// A node's id: the file's path and, for a definition, its kind, its name and how
/// many definitions of that kind and name come before it in the file, hashed to 63
/// bits. Ids survive edits that keep a definition's kind and name (a body rewritten,
/// a function added above it), so between runs only the rows of changed files and of
/// names whose definitions changed differ.
pub fn node_id(path: &str, definition: Option<(&str, &str, usize)>) -> i64 {
    let mut hasher = Sha256::new().chain_update(path.as_bytes());
    if let Some((kind, name, occurrence)) = definition {
        hasher.update([0]);
        hasher.update(kind.as_bytes());
        hasher.update([0]);
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update((occurrence as u64).to_le_bytes());
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    (u64::from_le_bytes(bytes) >> 1) as i64
}

/// The ids of a file's nodes: the file's, then its definitions' (kind, name) in order.
pub fn file_node_ids<'a>(
    path: &str,
    definitions: impl Iterator<Item = (&'a str, &'a str)>,
) -> Vec<i64> {
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    std::iter::once(node_id(path, None))
        .chain(definitions.map(|(kind, name)| {
            let occurrence = seen.entry((kind, name)).or_insert(0);
            *occurrence += 1;
            node_id(path, Some((kind, name, *occurrence - 1)))
        }))
        .collect()
}

/// Every node's row, in the graph's order (so `rows[i]` is node `i`).
pub fn node_rows(graph: &Graph) -> Vec<NodeRow<'_>> {
    let mut rows = Vec::with_capacity(graph.nodes.len());
    let mut start = 0;
    while start < graph.nodes.len() {
        let file = &graph.nodes[start];
        let end = graph.nodes[start + 1..]
            .iter()
            .position(|n| matches!(n.kind, NodeKind::File(_)))
            .map_or(graph.nodes.len(), |p| start + 1 + p);
        let nodes = &graph.nodes[start..end];
        let kinds: Vec<&'static str> = nodes.iter().map(|n| kind_name(&n.kind)).collect();
        let ids = file_node_ids(
            &file.path,
            nodes[1..]
                .iter()
                .zip(&kinds[1..])
                .map(|(n, k)| (*k, n.name.as_str())),
        );
        rows.extend(
            nodes
                .iter()
                .zip(ids)
                .zip(kinds)
                .map(|((node, id), kind)| NodeRow {
                    id,
                    kind,
                    name: &node.name,
                    path: &node.path,
                    start_line: node.start_line as i64,
                    end_line: node.end_line as i64,
                    signature: &node.signature,
                }),
        );
        start = end;
    }
    rows
}

fn kind_name(kind: &NodeKind) -> &'static str {
    match kind {
        NodeKind::File(_) => "file",
        NodeKind::Definition(kind) => kind.as_str(),
    }
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
    fn ids_differ_by_path_kind_name_and_occurrence_and_are_not_negative() {
        let ids = file_node_ids(
            "a.rs",
            [("function", "run"), ("struct", "run"), ("function", "run")].into_iter(),
        );
        assert_eq!(ids.len(), 4);
        assert!(ids.iter().all(|&id| id >= 0));
        let distinct: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), 4, "{ids:?}");
        assert_ne!(ids[0], node_id("b.rs", None));
        // A definition added above another does not change the other's id.
        let after_insert = file_node_ids(
            "a.rs",
            [("function", "setup"), ("function", "run")].into_iter(),
        );
        assert_eq!(after_insert[2], ids[1]);
        assert_eq!(after_insert[0], ids[0]);
    }
}

//! A file's dependencies (files it imports, whose names it uses, whose types its
//! types implement or extend) and dependents (files doing that to it), up to a depth.
//! A file and the definitions it contains count as one: `contains` edges are not
//! dependencies. Pure.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use super::context::Index;
use super::graph::{EdgeKind, NodeKind};

/// A file `distance` steps away, and the kinds of the edges of the last step into it.
#[derive(Clone, Debug, PartialEq)]
pub struct Neighbour {
    /// The file's node.
    pub file: usize,
    pub distance: usize,
    pub via: BTreeSet<EdgeKind>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Dependencies,
    Dependents,
}

/// Files within `depth` steps of the file `start` (a file node) in `direction`,
/// closest first, then by path.
pub fn of_file(index: &Index, start: usize, depth: usize, direction: Direction) -> Vec<Neighbour> {
    let mut found: HashMap<usize, Neighbour> = HashMap::new();
    let mut queue = VecDeque::from([(start, 0)]);
    while let Some((file, distance)) = queue.pop_front() {
        if distance == depth {
            continue;
        }
        for (next, kinds) in one_step(index, file, direction) {
            if next == start {
                continue;
            }
            match found.get_mut(&next) {
                Some(known) if known.distance == distance + 1 => known.via.extend(kinds),
                Some(_) => {}
                None => {
                    found.insert(
                        next,
                        Neighbour {
                            file: next,
                            distance: distance + 1,
                            via: kinds,
                        },
                    );
                    queue.push_back((next, distance + 1));
                }
            }
        }
    }
    let mut neighbours: Vec<Neighbour> = found.into_values().collect();
    let path = |n: &Neighbour| index.graph.nodes[n.file].path.clone();
    neighbours.sort_by(|a, b| {
        a.distance
            .cmp(&b.distance)
            .then_with(|| path(a).cmp(&path(b)))
    });
    neighbours
}

/// The files one edge away from `file` (or its definitions), with the edges' kinds.
fn one_step(
    index: &Index,
    file: usize,
    direction: Direction,
) -> BTreeMap<usize, BTreeSet<EdgeKind>> {
    let graph = &index.graph;
    let wanted_forward = direction == Direction::Dependencies;
    let members = std::iter::once(file).chain(
        index
            .edges_of(file)
            .iter()
            .filter(|a| a.forward && a.kind == EdgeKind::Contains)
            .map(|a| a.node),
    );
    let mut files: BTreeMap<usize, BTreeSet<EdgeKind>> = BTreeMap::new();
    for member in members.collect::<Vec<_>>() {
        for adjacent in index.edges_of(member) {
            if adjacent.kind == EdgeKind::Contains || adjacent.forward != wanted_forward {
                continue;
            }
            let Some(other) = file_of(index, adjacent.node) else {
                continue;
            };
            if graph.nodes[other].path != graph.nodes[file].path {
                files.entry(other).or_default().insert(adjacent.kind);
            }
        }
    }
    files
}

/// The file node holding `node` (itself for a file).
fn file_of(index: &Index, node: usize) -> Option<usize> {
    match index.graph.nodes[node].kind {
        NodeKind::File(_) => Some(node),
        NodeKind::Definition(_) => index
            .edges_of(node)
            .iter()
            .find(|a| !a.forward && a.kind == EdgeKind::Contains)
            .map(|a| a.node),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sonar::graph;
    use crate::sonar::outline::{outline, Language};

    fn index(files: &[(&str, &str)]) -> Index {
        let outlines: Vec<_> = files
            .iter()
            .map(|(p, t)| (p.to_string(), Language::Rust, outline(Language::Rust, t)))
            .collect();
        Index::new(graph::build(&outlines))
    }

    fn paths(index: &Index, neighbours: &[Neighbour]) -> Vec<(String, usize)> {
        neighbours
            .iter()
            .map(|n| (index.graph.nodes[n.file].path.clone(), n.distance))
            .collect()
    }

    #[test]
    fn dependencies_and_dependents_follow_the_edges_up_to_the_depth() {
        let index = index(&[
            ("src/store.rs", "pub struct Store;\n"),
            (
                "src/model.rs",
                "pub trait Model { fn store(&self) -> Store; }\n",
            ),
            (
                "src/service.rs",
                "use crate::model::Model;\npub struct Service;\nimpl Model for Service {}\n",
            ),
            ("src/footer.rs", "pub fn footer() {}\n"),
        ]);
        let node = |path: &str| {
            index
                .graph
                .nodes
                .iter()
                .position(|n| n.path == path && matches!(n.kind, NodeKind::File(_)))
                .unwrap()
        };
        let service = node("src/service.rs");
        let direct = of_file(&index, service, 1, Direction::Dependencies);
        assert_eq!(paths(&index, &direct), [("src/model.rs".to_string(), 1)]);
        assert_eq!(
            direct[0].via,
            BTreeSet::from([
                EdgeKind::Imports,
                EdgeKind::References,
                EdgeKind::Implements
            ])
        );
        let deeper = of_file(&index, service, 2, Direction::Dependencies);
        assert_eq!(
            paths(&index, &deeper),
            [
                ("src/model.rs".to_string(), 1),
                ("src/store.rs".to_string(), 2)
            ]
        );
        let dependents = of_file(&index, node("src/store.rs"), 3, Direction::Dependents);
        assert_eq!(
            paths(&index, &dependents),
            [
                ("src/model.rs".to_string(), 1),
                ("src/service.rs".to_string(), 2)
            ]
        );
        assert!(of_file(&index, node("src/footer.rs"), 3, Direction::Dependents).is_empty());
    }
}

//! The indexed tree as a process keeps it between runs: every file's outline and node
//! ids, where each name is defined and which files use each name. A run that changed
//! a few files finds the edges that changed from those files and the files using a
//! name whose definitions changed (plus every file's imports when files appeared or
//! disappeared), not from the whole tree: a file's edges depend only on its own
//! outline, the set of paths and the definitions of the names it uses.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::graph_rows::{self, EdgeChanges, EdgeRows, NodeRow};
use crate::sonar::graph::{self, FileEdge, FileOutline, Place, Tree};
use crate::sonar::outline::{Language, Outline};

struct TreeFile {
    path: String,
    language: Language,
    outline: Outline,
    /// Node ids by ordinal (0: the file).
    ids: Vec<i64>,
}

impl TreeFile {
    fn new(path: String, language: Language, outline: Outline) -> TreeFile {
        let ids = node_ids(&path, &outline);
        TreeFile {
            path,
            language,
            outline,
            ids,
        }
    }

    /// Names the file's edges depend on: identifiers it uses and relation targets.
    fn used_names(&self) -> impl Iterator<Item = &str> {
        let outline = &self.outline;
        outline
            .identifiers
            .iter()
            .map(String::as_str)
            .chain(outline.relations.iter().map(|r| r.target.as_str()))
    }
}

/// The ids of a file's nodes by ordinal (0: the file).
fn node_ids(path: &str, outline: &Outline) -> Vec<i64> {
    graph_rows::file_node_ids(
        path,
        outline
            .definitions
            .iter()
            .map(|d| (d.kind.as_str(), d.name.as_str())),
    )
}

/// Per defined name, the ids of its definitions in a file (`ids` by ordinal).
fn ids_by_name<'a>(outline: &'a Outline, ids: &[i64]) -> HashMap<&'a str, BTreeSet<i64>> {
    let mut by_name: HashMap<&str, BTreeSet<i64>> = HashMap::new();
    for (definition, id) in outline.definitions.iter().zip(&ids[1..]) {
        by_name
            .entry(definition.name.as_str())
            .or_default()
            .insert(*id);
    }
    by_name
}

/// A file that is new or changed (`Upsert`) or gone (`Remove`).
pub enum Change {
    Upsert(String, Language, Outline),
    Remove(String),
}

#[derive(Default)]
pub struct IndexedTree {
    /// By file number; `None` once removed (numbers are not reused).
    files: Vec<Option<TreeFile>>,
    numbers: HashMap<String, usize>,
    definitions: HashMap<String, Vec<Place>>,
    /// Name → the files using it (see `TreeFile::used_names`).
    users: HashMap<String, Vec<usize>>,
    nodes: usize,
}

impl Tree for IndexedTree {
    fn file(&self, path: &str) -> Option<usize> {
        self.numbers.get(path).copied()
    }

    fn definitions(&self, name: &str) -> &[Place] {
        self.definitions.get(name).map_or(&[], Vec::as_slice)
    }
}

impl IndexedTree {
    pub fn new(files: Vec<(String, Language, Outline)>) -> IndexedTree {
        let mut tree = IndexedTree::default();
        tree.apply(
            files
                .into_iter()
                .map(|(path, language, outline)| Change::Upsert(path, language, outline))
                .collect(),
            false,
        );
        tree
    }

    pub fn nodes(&self) -> usize {
        self.nodes
    }

    pub fn contains(&self, path: &str) -> bool {
        self.numbers.contains_key(path)
    }

    pub fn outline(&self, path: &str) -> Option<&Outline> {
        let number = self.file(path)?;
        self.files[number].as_ref().map(|f| &f.outline)
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.numbers.keys().map(String::as_str)
    }

    /// Applies `changes`; with `diff`, answers how the edges changed.
    pub fn apply(&mut self, changes: Vec<Change>, diff: bool) -> Option<EdgeChanges> {
        if !diff {
            for change in changes {
                self.change(change);
            }
            return None;
        }
        let mut names: HashSet<String> = HashSet::new();
        let mut affected: HashSet<usize> = HashSet::new();
        let mut paths_changed = false;
        for change in &changes {
            match change {
                Change::Upsert(path, _, outline) => match self.file(path) {
                    Some(number) => {
                        affected.insert(number);
                        names.extend(self.renamed(number, Some(outline)));
                    }
                    None => {
                        paths_changed = true;
                        names.extend(outline.definitions.iter().map(|d| d.name.clone()));
                    }
                },
                Change::Remove(path) => {
                    if let Some(number) = self.file(path) {
                        paths_changed = true;
                        affected.insert(number);
                        names.extend(self.renamed(number, None));
                    }
                }
            }
        }
        affected.extend(self.users_of(&names));
        let before = self.edge_rows(&affected, paths_changed);
        for change in changes {
            if let Some(number) = self.change(change) {
                affected.insert(number);
            }
        }
        affected.extend(self.users_of(&names));
        let after = self.edge_rows(&affected, paths_changed);
        Some(graph_rows::edge_changes(&before, &after))
    }

    /// Every edge of the tree.
    pub fn all_edges(&self) -> EdgeRows {
        let everything = (0..self.files.len()).collect();
        self.edge_rows(&everything, false)
    }

    /// The node rows of one file.
    pub fn node_rows(&self, path: &str) -> Vec<NodeRow<'_>> {
        let Some(file) = self.file(path).and_then(|n| self.files[n].as_ref()) else {
            return Vec::new();
        };
        let definitions = &file.outline.definitions;
        let lines = definitions.iter().map(|d| d.end_line).max().unwrap_or(0);
        let row = NodeRow {
            id: file.ids[0],
            kind: "file",
            name: &file.path,
            path: &file.path,
            start_line: 1,
            end_line: lines as i64,
            signature: "",
        };
        std::iter::once(row)
            .chain(
                definitions
                    .iter()
                    .zip(&file.ids[1..])
                    .map(|(d, &id)| NodeRow {
                        id,
                        kind: d.kind.as_str(),
                        name: &d.name,
                        path: &file.path,
                        start_line: d.start_line as i64,
                        end_line: d.end_line as i64,
                        signature: &d.signature,
                    }),
            )
            .collect()
    }

    /// Names whose definitions differ between file `number` and its `new` outline
    /// (`None`: gone).
    fn renamed(&self, number: usize, new: Option<&Outline>) -> Vec<String> {
        let Some(old) = self.files[number].as_ref() else {
            return Vec::new();
        };
        let before = ids_by_name(&old.outline, &old.ids);
        let new_ids = new.map(|outline| node_ids(&old.path, outline));
        let after = new
            .zip(new_ids.as_deref())
            .map(|(outline, ids)| ids_by_name(outline, ids))
            .unwrap_or_default();
        before
            .keys()
            .chain(after.keys())
            .filter(|name| before.get(*name) != after.get(*name))
            .map(|name| name.to_string())
            .collect()
    }

    fn users_of(&self, names: &HashSet<String>) -> Vec<usize> {
        names
            .iter()
            .filter_map(|name| self.users.get(name))
            .flatten()
            .copied()
            .collect()
    }

    /// Carries out one change; answers the number of the file it added or replaced.
    fn change(&mut self, change: Change) -> Option<usize> {
        match change {
            Change::Upsert(path, language, outline) => {
                let number = match self.file(&path) {
                    Some(number) => {
                        self.detach(number);
                        number
                    }
                    None => {
                        self.files.push(None);
                        self.numbers.insert(path.clone(), self.files.len() - 1);
                        self.files.len() - 1
                    }
                };
                self.attach(number, TreeFile::new(path, language, outline));
                Some(number)
            }
            Change::Remove(path) => {
                if let Some(number) = self.numbers.remove(&path) {
                    self.detach(number);
                }
                None
            }
        }
    }

    fn attach(&mut self, number: usize, file: TreeFile) {
        for (index, definition) in file.outline.definitions.iter().enumerate() {
            self.definitions
                .entry(definition.name.clone())
                .or_default()
                .push(Place {
                    file: number,
                    ordinal: index + 1,
                });
        }
        for name in file.used_names() {
            // Most names are already known: look up before allocating a key.
            match self.users.get_mut(name) {
                Some(users) if users.last() == Some(&number) => {}
                Some(users) => users.push(number),
                None => {
                    self.users.insert(name.to_string(), vec![number]);
                }
            }
        }
        self.nodes += file.ids.len();
        self.files[number] = Some(file);
    }

    fn detach(&mut self, number: usize) {
        let Some(file) = self.files[number].take() else {
            return;
        };
        for definition in &file.outline.definitions {
            if let Some(places) = self.definitions.get_mut(&definition.name) {
                places.retain(|p| p.file != number);
                if places.is_empty() {
                    self.definitions.remove(&definition.name);
                }
            }
        }
        for name in file.used_names() {
            if let Some(users) = self.users.get_mut(name) {
                users.retain(|&u| u != number);
                if users.is_empty() {
                    self.users.remove(name);
                }
            }
        }
        self.nodes -= file.ids.len();
    }

    /// The edges of the `affected` files, and the imports of every other file when
    /// `all_imports`, keyed by node ids.
    fn edge_rows(&self, affected: &HashSet<usize>, all_imports: bool) -> EdgeRows {
        let mut rows = EdgeRows::new();
        for (number, file) in self.files.iter().enumerate() {
            let Some(file) = file else { continue };
            let outline = FileOutline {
                file: number,
                path: &file.path,
                language: file.language,
                outline: &file.outline,
            };
            let edges: Vec<FileEdge> = if affected.contains(&number) {
                graph::file_edges(self, outline)
            } else if all_imports {
                graph::import_edges(self, outline)
            } else {
                continue;
            };
            for edge in edges {
                let Some(target) = self.files[edge.to.file].as_ref() else {
                    continue;
                };
                let key = (
                    file.ids[edge.from],
                    target.ids[edge.to.ordinal],
                    edge.kind.as_str(),
                );
                *rows.entry(key).or_insert(0.0) += edge.weight;
            }
        }
        rows
    }
}

#[cfg(test)]
mod tests;

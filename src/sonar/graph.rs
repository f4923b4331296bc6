//! The index as a graph: files and definitions as nodes; `contains` (file →
//! definition), `imports` (file → file, resolved to a local file where possible),
//! `references` (file → definition of another file whose name it uses) and
//! `implements` / `inherits` (definition → definition). Pure: outlines in.

use std::collections::{HashMap, HashSet};

use super::outline::{Kind, Language, Outline};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EdgeKind {
    Contains,
    Imports,
    References,
    Implements,
    Inherits,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Contains => "contains",
            EdgeKind::Imports => "imports",
            EdgeKind::References => "references",
            EdgeKind::Implements => "implements",
            EdgeKind::Inherits => "inherits",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    File(Language),
    Definition(Kind),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    /// The file's path, or the definition's name.
    pub name: String,
    /// The file the node belongs to (itself for files).
    pub path: String,
    pub start_line: usize,
    pub end_line: usize,
    /// A definition's signature (empty for files).
    pub signature: String,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
    /// References to a name defined in several places are split between them.
    pub weight: f64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// Names this short (`a`, `id`) would link everything to everything.
const MIN_REFERENCE_NAME: usize = 3;

/// A name defined in more places than this (`new`, `fmt`, `from` on a large tree) does
/// not say which definition is meant: linking every user to every definition would
/// add users × definitions edges that carry no information (and, on a tree of 10 000
/// files, hundreds of millions of them), so such names make no `references`, and
/// relations naming them no `implements`/`inherits` edges.
pub const MAX_DEFINITIONS_PER_NAME: usize = 16;

/// A node by its file and its place there: 0 is the file, 1 its first definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Place {
    /// The file's number in the tree that answered it.
    pub file: usize,
    pub ordinal: usize,
}

/// What a file's edges depend on besides its own outline: which files exist (for
/// imports) and where each name is defined (for references and relations).
pub trait Tree {
    /// The number of the file at `path`, if the tree has one.
    fn file(&self, path: &str) -> Option<usize>;
    /// Every definition named `name`.
    fn definitions(&self, name: &str) -> &[Place];
}

/// An edge leaving a node of one file (`from` is its ordinal there).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FileEdge {
    pub from: usize,
    pub to: Place,
    pub kind: EdgeKind,
    pub weight: f64,
}

/// A file as the graph is made of it.
#[derive(Clone, Copy, Debug)]
pub struct FileOutline<'a> {
    /// Its number in the tree.
    pub file: usize,
    pub path: &'a str,
    pub language: Language,
    pub outline: &'a Outline,
}

/// Every edge leaving `file`'s nodes. Each edge leaves exactly one file (the file
/// itself, or one of its definitions), so a graph's edges are the union of its
/// files' edges, and a change to one file changes only the edges of that file and of
/// the files using a name whose definitions changed (or, when files appear or
/// disappear, their imports).
pub fn file_edges(tree: &impl Tree, file: FileOutline<'_>) -> Vec<FileEdge> {
    let mut edges: Vec<FileEdge> = (1..=file.outline.definitions.len())
        .map(|ordinal| FileEdge {
            from: 0,
            to: Place {
                file: file.file,
                ordinal,
            },
            kind: EdgeKind::Contains,
            weight: 1.0,
        })
        .collect();
    edges.extend(import_edges(tree, file));
    edges.extend(name_edges(tree, file));
    edges
}

/// `imports` edges of a file: each local file it imports, once.
pub fn import_edges(tree: &impl Tree, file: FileOutline<'_>) -> Vec<FileEdge> {
    let mut imported = HashSet::new();
    let mut edges = Vec::new();
    for import in &file.outline.imports {
        let target = resolve_import(file.language, file.path, import, |p| tree.file(p));
        if let Some(target) = target.filter(|&t| t != file.file && imported.insert(t)) {
            edges.push(FileEdge {
                from: 0,
                to: Place {
                    file: target,
                    ordinal: 0,
                },
                kind: EdgeKind::Imports,
                weight: 1.0,
            });
        }
    }
    edges
}

/// `references` (file → definitions elsewhere named like an identifier it uses) and
/// `implements`/`inherits` (its definitions → the definitions they name).
fn name_edges(tree: &impl Tree, file: FileOutline<'_>) -> Vec<FileEdge> {
    let outline = file.outline;
    let mut edges = Vec::new();
    // A name the file defines itself refers to its own definition.
    let own: HashSet<&str> = outline
        .definitions
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    for identifier in &outline.identifiers {
        if identifier.chars().count() < MIN_REFERENCE_NAME || own.contains(identifier.as_str()) {
            continue;
        }
        let Some(targets) = unambiguous(tree, identifier) else {
            continue;
        };
        let elsewhere: Vec<Place> = targets
            .iter()
            .copied()
            .filter(|t| t.file != file.file)
            .collect();
        let weight = 1.0 / elsewhere.len().max(1) as f64;
        edges.extend(elsewhere.into_iter().map(|to| FileEdge {
            from: 0,
            to,
            kind: EdgeKind::References,
            weight,
        }));
    }
    for relation in &outline.relations {
        let kind = if relation.inherits {
            EdgeKind::Inherits
        } else {
            EdgeKind::Implements
        };
        let targets = unambiguous(tree, &relation.target).unwrap_or_default();
        let subjects = outline
            .definitions
            .iter()
            .enumerate()
            .filter(|(_, d)| d.name == relation.subject)
            .map(|(index, _)| index + 1);
        for subject in subjects {
            let own = Place {
                file: file.file,
                ordinal: subject,
            };
            edges.extend(targets.iter().filter(|&&t| t != own).map(|&to| FileEdge {
                from: subject,
                to,
                kind,
                weight: 1.0,
            }));
        }
    }
    edges
}

/// The definitions of `name`, unless it is defined in too many places to say which.
fn unambiguous<'t>(tree: &'t impl Tree, name: &str) -> Option<&'t [Place]> {
    Some(tree.definitions(name)).filter(|targets| targets.len() <= MAX_DEFINITIONS_PER_NAME)
}

/// The tree of a whole list of files, numbered in their order.
struct ListedTree<'a> {
    files: HashMap<&'a str, usize>,
    definitions: HashMap<&'a str, Vec<Place>>,
}

impl Tree for ListedTree<'_> {
    fn file(&self, path: &str) -> Option<usize> {
        self.files.get(path).copied()
    }

    fn definitions(&self, name: &str) -> &[Place] {
        self.definitions.get(name).map_or(&[], Vec::as_slice)
    }
}

/// Builds the graph of `files` (path, language, outline). A file's node comes first,
/// then its definitions in order, so `Place { file, ordinal }` is node
/// `first[file] + ordinal`.
pub fn build(files: &[(String, Language, Outline)]) -> Graph {
    let mut graph = Graph::default();
    let mut tree = ListedTree {
        files: HashMap::with_capacity(files.len()),
        definitions: HashMap::new(),
    };
    let mut first = Vec::with_capacity(files.len());
    for (file, (path, language, outline)) in files.iter().enumerate() {
        let lines = outline
            .definitions
            .iter()
            .map(|d| d.end_line)
            .max()
            .unwrap_or(0);
        first.push(push(
            &mut graph,
            NodeKind::File(*language),
            path,
            path,
            (1, lines),
            "",
        ));
        tree.files.insert(path.as_str(), file);
        for (index, definition) in outline.definitions.iter().enumerate() {
            push(
                &mut graph,
                NodeKind::Definition(definition.kind),
                &definition.name,
                path,
                (definition.start_line, definition.end_line),
                &definition.signature,
            );
            tree.definitions
                .entry(definition.name.as_str())
                .or_default()
                .push(Place {
                    file,
                    ordinal: index + 1,
                });
        }
    }
    for (file, (path, language, outline)) in files.iter().enumerate() {
        let edges = file_edges(
            &tree,
            FileOutline {
                file,
                path,
                language: *language,
                outline,
            },
        );
        graph.edges.extend(edges.into_iter().map(|e| Edge {
            from: first[file] + e.from,
            to: first[e.to.file] + e.to.ordinal,
            kind: e.kind,
            weight: e.weight,
        }));
    }
    graph
}

fn push(
    graph: &mut Graph,
    kind: NodeKind,
    name: &str,
    path: &str,
    (start_line, end_line): (usize, usize),
    signature: &str,
) -> usize {
    graph.nodes.push(Node {
        kind,
        name: name.to_string(),
        path: path.to_string(),
        start_line,
        end_line,
        signature: signature.to_string(),
    });
    graph.nodes.len() - 1
}

/// The local file an import names, if `found` knows the path (it answers what it
/// knows of a path: its number, say).
pub fn resolve_import<T>(
    language: Language,
    from: &str,
    import: &str,
    found: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let directory = from.rsplit_once('/').map_or("", |(dir, _)| dir);
    match language {
        Language::Rust => {
            let path = import.split("::{").next().unwrap_or(import);
            let mut segments: Vec<&str> = path.split("::").collect();
            let base = match segments.first().copied() {
                Some("crate") => {
                    segments.remove(0);
                    crate_root(from)
                }
                Some("super") | Some("self") => {
                    let up = segments.first() == Some(&"super");
                    segments.remove(0);
                    let module_dir = rust_module_dir(from);
                    if up {
                        module_dir
                            .rsplit_once('/')
                            .map_or(String::new(), |(d, _)| d.to_string())
                    } else {
                        module_dir
                    }
                }
                _ => return None,
            };
            // The longest prefix that is a file: `a::b::Item` is in a/b.rs or a/b/mod.rs.
            (1..=segments.len()).rev().find_map(|n| {
                let joined = segments[..n].join("/");
                let stem = if base.is_empty() {
                    joined
                } else {
                    format!("{base}/{joined}")
                };
                found(&format!("{stem}.rs")).or_else(|| found(&format!("{stem}/mod.rs")))
            })
        }
        Language::Python => {
            let dots = import.chars().take_while(|c| *c == '.').count();
            let module = import[dots..].replace('.', "/");
            let mut base = directory.to_string();
            for _ in 1..dots {
                base = base
                    .rsplit_once('/')
                    .map_or(String::new(), |(d, _)| d.to_string());
            }
            let stems: Vec<String> = if dots > 0 {
                vec![join(&base, &module)]
            } else {
                // Absolute: the module may live under any source root.
                vec![module.clone(), format!("src/{module}")]
            };
            stems.iter().find_map(|stem| {
                found(&format!("{stem}.py")).or_else(|| found(&format!("{stem}/__init__.py")))
            })
        }
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            if !import.starts_with('.') {
                return None;
            }
            let stem = normalize(&join(directory, import));
            let extensions = [
                "",
                ".ts",
                ".tsx",
                ".js",
                ".mjs",
                ".jsx",
                "/index.ts",
                "/index.js",
            ];
            extensions
                .iter()
                .find_map(|extension| found(&format!("{stem}{extension}")))
        }
        Language::Config => None,
    }
}

/// `src` for `src/server/db.rs`; the folder holding `lib.rs`/`main.rs` by convention.
fn crate_root(from: &str) -> String {
    match from.find("src/") {
        Some(index) => from[..index + 3].to_string(),
        None => String::new(),
    }
}

/// The folder of a Rust file's own module: `src/server` for `src/server/mod.rs`,
/// `src/server/db` for `src/server/db.rs`.
fn rust_module_dir(from: &str) -> String {
    let (directory, file) = from.rsplit_once('/').unwrap_or(("", from));
    match file {
        "mod.rs" | "lib.rs" | "main.rs" => directory.to_string(),
        _ => join(directory, file.trim_end_matches(".rs")),
    }
}

fn join(directory: &str, path: &str) -> String {
    if directory.is_empty() {
        path.to_string()
    } else {
        format!("{directory}/{path}")
    }
}

/// Resolves `.` and `..` segments.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests;

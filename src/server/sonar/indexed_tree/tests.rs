use super::*;
use crate::sonar::graph::MAX_DEFINITIONS_PER_NAME;
use crate::sonar::outline::outline;

fn file(path: &str, text: &str) -> (String, Language, Outline) {
    let language = Language::of_path(path).unwrap();
    (path.to_string(), language, outline(language, text))
}

fn upsert(path: &str, text: &str) -> Change {
    let (path, language, outline) = file(path, text);
    Change::Upsert(path, language, outline)
}

/// The edges the whole-graph builder makes of `files`, keyed by node ids.
fn built(files: &[(String, Language, Outline)]) -> EdgeRows {
    let mut sorted = files.to_vec();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let graph = graph::build(&sorted);
    graph_rows::edge_rows(&graph, &graph_rows::node_rows(&graph))
}

fn applied(mut edges: EdgeRows, changes: &EdgeChanges) -> EdgeRows {
    for key in &changes.removed {
        assert!(
            edges.remove(key).is_some(),
            "removed an edge that was not there"
        );
    }
    for (key, weight) in &changes.reweighted {
        *edges
            .get_mut(key)
            .expect("reweighted an edge that was not there") = *weight;
    }
    for (key, weight) in &changes.added {
        assert!(edges.insert(*key, *weight).is_none(), "added an edge twice");
    }
    edges
}

fn start() -> Vec<(String, Language, Outline)> {
    vec![
            file("src/lib.rs", "pub mod model;\npub mod service;\n"),
            file(
                "src/model.rs",
                "pub trait Model { fn evaluate(&self); }\npub struct Snapshot;\n",
            ),
            file(
                "src/service.rs",
                "use crate::model::{Model, Snapshot};\npub struct Service;\nimpl Model for Service { fn evaluate(&self) { let s = Snapshot; } }\n",
            ),
            file("src/footer.rs", "pub fn footer() -> Snapshot { Snapshot }\n"),
            file("app/run.py", "from app.tasks import work\nwork()\n"),
            file("app/tasks.py", "def work():\n    pass\n"),
        ]
}

/// Applies `changes` incrementally and checks the edge changes turn the old edges
/// into exactly what a full build of the new files makes.
fn check(changes: Vec<Change>, final_files: Vec<(String, Language, Outline)>) {
    let mut tree = IndexedTree::new(start());
    let before = tree.all_edges();
    assert_eq!(before, built(&start()), "the tree's edges are the graph's");
    let changes = tree.apply(changes, true).unwrap();
    let expected = built(&final_files);
    assert_eq!(tree.all_edges(), expected);
    assert_eq!(applied(before, &changes), expected);
    let nodes: usize = final_files.iter().map(|f| 1 + f.2.definitions.len()).sum();
    assert_eq!(tree.nodes(), nodes);
}

fn replaced(path: &str, text: &str) -> Vec<(String, Language, Outline)> {
    start()
        .into_iter()
        .map(|f| if f.0 == path { file(path, text) } else { f })
        .collect()
}

#[test]
fn a_body_edit_changes_only_that_files_edges() {
    let text = "use crate::model::Model;\npub struct Service;\nimpl Model for Service { fn evaluate(&self) {} }\n";
    let mut tree = IndexedTree::new(start());
    let changes = tree
        .apply(vec![upsert("src/service.rs", text)], true)
        .unwrap();
    // The reference to Snapshot went; nothing else did.
    assert_eq!(changes.removed.len(), 1, "{changes:?}");
    assert!(changes.added.is_empty() && changes.reweighted.is_empty());
    check(
        vec![upsert("src/service.rs", text)],
        replaced("src/service.rs", text),
    );
}

#[test]
fn a_new_definition_of_a_used_name_reweights_its_users() {
    // footer.rs defines Snapshot too: service.rs's reference is split in two.
    let text = "pub struct Snapshot;\npub fn footer() -> Snapshot { Snapshot }\n";
    check(
        vec![upsert("src/footer.rs", text)],
        replaced("src/footer.rs", text),
    );
}

#[test]
fn definitions_added_above_keep_the_ids_of_the_others() {
    let text = "pub fn first() {}\npub trait Model { fn evaluate(&self); }\npub struct Snapshot;\n";
    let mut tree = IndexedTree::new(start());
    let changes = tree
        .apply(vec![upsert("src/model.rs", text)], true)
        .unwrap();
    assert!(changes.removed.is_empty(), "{changes:?}");
    assert_eq!(changes.added.len(), 1, "only `contains first`: {changes:?}");
    check(
        vec![upsert("src/model.rs", text)],
        replaced("src/model.rs", text),
    );
}

#[test]
fn files_appearing_and_disappearing_fix_imports_and_references() {
    let mut after: Vec<_> = start()
        .into_iter()
        .filter(|f| f.0 != "app/tasks.py")
        .collect();
    after.push(file("app/tasks/__init__.py", "def work():\n    pass\n"));
    check(
        vec![
            Change::Remove("app/tasks.py".into()),
            upsert("app/tasks/__init__.py", "def work():\n    pass\n"),
        ],
        after,
    );
}

#[test]
fn a_name_crossing_the_ambiguity_limit_drops_and_regains_its_references() {
    let definers = |count: usize| -> Vec<(String, Language, Outline)> {
        (0..count)
            .map(|i| file(&format!("m{i}.py"), "def build():\n    pass\n"))
            .chain([file("user.py", "build()\n")])
            .collect()
    };
    let limit = MAX_DEFINITIONS_PER_NAME;
    let mut tree = IndexedTree::new(definers(limit));
    let before = tree.all_edges();
    let extra = format!("m{limit}.py");
    let changes = tree
        .apply(vec![upsert(&extra, "def build():\n    pass\n")], true)
        .unwrap();
    assert_eq!(tree.all_edges(), built(&definers(limit + 1)));
    assert_eq!(
        applied(before, &changes),
        built(&definers(limit + 1)),
        "{changes:?}"
    );
    let before = tree.all_edges();
    let changes = tree.apply(vec![Change::Remove(extra)], true).unwrap();
    assert_eq!(applied(before, &changes), built(&definers(limit)));
}

#[test]
fn node_rows_match_the_graphs() {
    let tree = IndexedTree::new(start());
    let mut sorted = start();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let graph = graph::build(&sorted);
    let expected: Vec<_> = graph_rows::node_rows(&graph)
        .into_iter()
        .filter(|r| r.path == "src/service.rs")
        .collect();
    assert_eq!(tree.node_rows("src/service.rs"), expected);
    assert!(tree.node_rows("nowhere.rs").is_empty());
}

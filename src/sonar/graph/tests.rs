use super::*;
use crate::sonar::outline::outline;

fn indexed(files: &[(&str, &str)]) -> Graph {
    let outlines: Vec<(String, Language, Outline)> = files
        .iter()
        .map(|(path, text)| {
            let language = Language::of_path(path).unwrap();
            (path.to_string(), language, outline(language, text))
        })
        .collect();
    build(&outlines)
}

fn has_edge(graph: &Graph, from: &str, to: &str, kind: EdgeKind) -> bool {
    graph
        .edges
        .iter()
        .any(|e| e.kind == kind && graph.nodes[e.from].name == from && graph.nodes[e.to].name == to)
}

#[test]
fn rust_files_contain_import_reference_and_implement() {
    let graph = indexed(&[
            ("src/lib.rs", "pub mod signals;\npub mod server;\n"),
            (
                "src/signals/model.rs",
                "pub trait Model { fn evaluate(&self); }\npub struct Snapshot;\n",
            ),
            (
                "src/server/service.rs",
                "use crate::signals::model::{Model, Snapshot};\npub struct SignalService;\nimpl Model for SignalService { fn evaluate(&self) { let s = Snapshot; } }\n",
            ),
        ]);
    assert!(has_edge(
        &graph,
        "src/server/service.rs",
        "SignalService",
        EdgeKind::Contains
    ));
    assert!(has_edge(
        &graph,
        "src/server/service.rs",
        "src/signals/model.rs",
        EdgeKind::Imports
    ));
    assert!(has_edge(
        &graph,
        "src/server/service.rs",
        "Snapshot",
        EdgeKind::References
    ));
    assert!(has_edge(
        &graph,
        "SignalService",
        "Model",
        EdgeKind::Implements
    ));
    // A file does not "reference" its own definitions.
    assert!(!has_edge(
        &graph,
        "src/server/service.rs",
        "SignalService",
        EdgeKind::References
    ));
}

#[test]
fn imports_resolve_to_local_files_in_each_language() {
    let paths: HashSet<&str> = [
        "src/server/db/mod.rs",
        "src/server/api_error.rs",
        "src/server/rest/auth.rs",
        "app/models/__init__.py",
        "app/models/signal.py",
        "app/services/run.py",
        "end2end/tests/helpers.ts",
        "end2end/lib/index.ts",
    ]
    .into_iter()
    .collect();
    let find = |p: &str| paths.get(p).copied();
    let rust = |from, import| resolve_import(Language::Rust, from, import, find);
    assert_eq!(
        rust("src/server/rest/auth.rs", "crate::server::db::Database"),
        Some("src/server/db/mod.rs")
    );
    assert_eq!(
        rust(
            "src/server/rest/auth.rs",
            "super::super::api_error::{ApiError, ApiJson}"
        ),
        None
    );
    assert_eq!(
        rust("src/server/rest/mod.rs", "super::api_error::ApiError"),
        Some("src/server/api_error.rs")
    );
    assert_eq!(rust("src/server/rest/auth.rs", "std::sync::Arc"), None);
    let python = |from, import| resolve_import(Language::Python, from, import, find);
    assert_eq!(
        python("app/services/run.py", "app.models"),
        Some("app/models/__init__.py")
    );
    assert_eq!(
        python("app/services/run.py", "app.models.signal"),
        Some("app/models/signal.py")
    );
    assert_eq!(
        python("app/models/__init__.py", ".signal"),
        Some("app/models/signal.py")
    );
    assert_eq!(python("app/services/run.py", "numpy"), None);
    let ts = |from, import| resolve_import(Language::TypeScript, from, import, find);
    assert_eq!(
        ts("end2end/tests/live.spec.ts", "./helpers"),
        Some("end2end/tests/helpers.ts")
    );
    assert_eq!(
        ts("end2end/tests/live.spec.ts", "../lib"),
        Some("end2end/lib/index.ts")
    );
    assert_eq!(ts("end2end/tests/live.spec.ts", "@playwright/test"), None);
}

#[test]
fn references_to_a_common_name_are_shared_out() {
    let graph = indexed(&[
        ("a.py", "def run():\n    pass\n"),
        ("b.py", "def run():\n    pass\n"),
        ("c.py", "from a import run\nrun()\n"),
    ]);
    let weights: Vec<f64> = graph
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::References)
        .map(|e| e.weight)
        .collect();
    assert_eq!(weights, [0.5, 0.5]);
    assert!(has_edge(&graph, "c.py", "a.py", EdgeKind::Imports));
}

#[test]
fn names_defined_in_too_many_places_make_no_references() {
    let definers = |count: usize| -> Vec<(String, String)> {
        (0..count)
            .map(|i| (format!("m{i}.py"), "def build():\n    pass\n".to_string()))
            .chain([("user.py".to_string(), "build()\n".to_string())])
            .collect()
    };
    let references = |files: &[(String, String)]| {
        let files: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        indexed(&files)
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::References)
            .count()
    };
    assert_eq!(
        references(&definers(MAX_DEFINITIONS_PER_NAME)),
        MAX_DEFINITIONS_PER_NAME
    );
    assert_eq!(references(&definers(MAX_DEFINITIONS_PER_NAME + 1)), 0);
}

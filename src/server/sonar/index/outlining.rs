//! Outlining the files a run must read: unchanged ones keep their stored outline,
//! changed and new ones are parsed on every core, secrets found on the way.

use super::{Indexed, REWRITE_ALL_CHURN};
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use super::super::graph_rows::{EdgeChanges, EdgeRows};
use super::super::indexed_tree::Change;
use super::super::scan::{Scan, ScannedFile};
use crate::sonar::outline::{outline, Outline};
use crate::sonar::secrets::{self, Finding};

/// Every edge (all rows are written anew), or how the edges changed.
pub(super) enum EdgeWrites {
    All(EdgeRows),
    Changes(EdgeChanges),
}

/// Files read and outlined, the tree brought up to date, and what to write.
pub(super) struct Outlined {
    pub(super) scan: Scan,
    /// Parsed this run (new or changed content).
    pub(super) changed: HashSet<String>,
    /// Read again (modification time changed) but with the same content.
    pub(super) touched: Vec<usize>,
    pub(super) removed: Vec<String>,
    pub(super) edges: EdgeWrites,
    pub(super) findings: Vec<Finding>,
    pub(super) indexed: Indexed,
}

/// Outlines the files whose content changed (the rest keep their outline), applies
/// the changes to the tree and scans changed files for secrets.
pub(super) fn outline_files(
    scan: Scan,
    mut previous: Indexed,
    trusted: bool,
    progress: &impl Fn(usize, usize),
) -> Outlined {
    let mut touched = Vec::new();
    let mut to_parse = Vec::new();
    for (index, file) in scan.files.iter().enumerate() {
        let same = previous
            .known
            .get(&file.path)
            .is_some_and(|known| known.sha256 == file.sha256)
            && previous.tree.contains(&file.path);
        match (same, file.text.is_some()) {
            (true, true) => touched.push(index),
            (true, false) => {}
            (false, _) => to_parse.push(index),
        }
    }
    let total = scan.files.len();
    let mut done = total - to_parse.len();
    progress(done, total);
    let parsed = outline_in_parallel(&scan.files, &to_parse, || {
        done += 1;
        progress(done, total);
    });
    let mut changes = Vec::with_capacity(to_parse.len());
    let mut changed = HashSet::with_capacity(to_parse.len());
    let mut findings = Vec::new();
    for (&index, (outline, found)) in to_parse.iter().zip(parsed) {
        let file = &scan.files[index];
        changed.insert(file.path.clone());
        findings.extend(found);
        changes.push(Change::Upsert(file.path.clone(), file.language, outline));
    }
    let current: HashSet<&str> = scan.files.iter().map(|f| f.path.as_str()).collect();
    let removed: Vec<String> = previous
        .tree
        .paths()
        .filter(|path| !current.contains(path))
        .map(str::to_string)
        .collect();
    changes.extend(removed.iter().cloned().map(Change::Remove));
    let churn = changed.len() + removed.len();
    let rewrite_all = !trusted || (churn > REWRITE_ALL_CHURN && churn > current.len() / 2);
    let edges = match previous.tree.apply(changes, !rewrite_all) {
        Some(changes) => {
            previous.edges = previous.edges + changes.added.len() - changes.removed.len();
            EdgeWrites::Changes(changes)
        }
        None => {
            let edges = previous.tree.all_edges();
            previous.edges = edges.len();
            EdgeWrites::All(edges)
        }
    };
    previous.known = scan
        .files
        .iter()
        .map(|f| (f.path.clone(), f.known()))
        .collect();
    Outlined {
        scan,
        changed,
        touched,
        removed,
        edges,
        findings,
        indexed: previous,
    }
}

/// Outlines the files at `indices` and scans them for secrets, on every core, in the
/// order of `indices`; `on_done` is called (on this thread) as each one finishes.
fn outline_in_parallel(
    files: &[ScannedFile],
    indices: &[usize],
    mut on_done: impl FnMut(),
) -> Vec<(Outline, Vec<Finding>)> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(indices.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<(Outline, Vec<Finding>)>> = vec![None; indices.len()];
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel();
        for _ in 0..workers {
            let (sender, next) = (sender.clone(), &next);
            scope.spawn(move || loop {
                let slot = next.fetch_add(1, Ordering::Relaxed);
                let Some(file) = indices.get(slot).map(|&index| &files[index]) else {
                    break;
                };
                let text = file.text.as_deref().unwrap_or_default();
                let result = (
                    outline(file.language, text),
                    secrets::scan(&file.path, text),
                );
                if sender.send((slot, result)).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        for (slot, result) in receiver {
            results[slot] = Some(result);
            on_done();
        }
    });
    results
        .into_iter()
        .map(|result| result.expect("every worker sends each file it takes"))
        .collect()
}

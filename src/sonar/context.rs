//! The smallest useful context for a question: definitions matching the asked
//! identifiers or words, then their neighbours ranked by personalised PageRank over
//! the graph (seeded on the matches), rendered whole when they fit the token budget
//! and as their signature otherwise. Secrets in returned text are redacted. Pure.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use super::graph::{EdgeKind, Graph, NodeKind};
use super::pagerank::{self, Edge};
use super::{secrets, tokens};

/// Walking an edge backwards (from a definition to what uses it) counts this much.
const BACKWARD_WEIGHT: f64 = 0.5;
/// A definition longer than this is shown as its signature even when it would fit.
const MAX_WHOLE_LINES: usize = 80;
/// Query words shorter than this are ignored (`a`, `of`).
const MIN_WORD: usize = 3;

#[derive(Clone, Debug)]
pub struct Request<'a> {
    pub symbols: &'a [String],
    pub query: &'a str,
    pub max_tokens: usize,
    pub max_files: usize,
    /// How many edges away from a match a neighbour may be.
    pub depth: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub path: String,
    /// The definition's kind (`function`, `struct`, …).
    pub kind: &'static str,
    pub name: String,
    pub lines: (usize, usize),
    pub score: f64,
    pub text: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Context {
    pub items: Vec<Item>,
    pub tokens_used: usize,
    /// Something relevant was left out for the budget or the file limit.
    pub truncated: bool,
    /// Why nothing matched, when nothing did.
    pub hint: Option<String>,
}

/// Neighbourhoods stop growing at this many nodes (closest first), which bounds the
/// ranking's cost on large trees where a common name links thousands of definitions.
/// A context holds a few hundred items at most; on a 10 000-file tree 2 000 nodes
/// have ~110 000 edges between them (5 000 had ~380 000), ranked in ~90 iterations.
const MAX_NEIGHBOURHOOD: usize = 2_000;

/// An edge as seen from one of its ends.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adjacent {
    pub node: usize,
    pub weight: f64,
    pub kind: EdgeKind,
    /// The edge leaves the node it is listed under.
    pub forward: bool,
}

/// A graph prepared for queries: adjacency lists and name lookups, built once per
/// index version and shared by every query.
#[derive(Clone, Debug, Default)]
pub struct Index {
    pub graph: Graph,
    /// Per node: every edge touching it, seen from that node.
    adjacent: Vec<Vec<Adjacent>>,
    definitions_by_name: HashMap<String, Vec<usize>>,
    definitions_by_lowercase_name: HashMap<String, Vec<usize>>,
    lowercase_names: Vec<String>,
}

impl Index {
    pub fn new(graph: Graph) -> Index {
        let mut adjacent = vec![Vec::new(); graph.nodes.len()];
        for edge in &graph.edges {
            let seen_from = |node, forward| Adjacent {
                node,
                weight: edge.weight,
                kind: edge.kind,
                forward,
            };
            adjacent[edge.from].push(seen_from(edge.to, true));
            adjacent[edge.to].push(seen_from(edge.from, false));
        }
        let mut definitions_by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut definitions_by_lowercase_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, node) in graph.nodes.iter().enumerate() {
            if matches!(node.kind, NodeKind::Definition(_)) {
                definitions_by_name
                    .entry(node.name.clone())
                    .or_default()
                    .push(index);
                definitions_by_lowercase_name
                    .entry(node.name.to_lowercase())
                    .or_default()
                    .push(index);
            }
        }
        let lowercase_names = graph.nodes.iter().map(|n| n.name.to_lowercase()).collect();
        Index {
            graph,
            adjacent,
            definitions_by_name,
            definitions_by_lowercase_name,
            lowercase_names,
        }
    }

    /// Nodes within `depth` edges of `start`, in either direction, closest first, with
    /// their distance; at most `limit` of them.
    pub fn neighbourhood(
        &self,
        start: &BTreeSet<usize>,
        depth: usize,
        limit: usize,
    ) -> Vec<(usize, usize)> {
        let mut seen: HashSet<usize> = start.iter().copied().collect();
        let mut found: Vec<(usize, usize)> = start.iter().map(|&s| (s, 0)).collect();
        let mut queue: VecDeque<(usize, usize)> = found.iter().copied().collect();
        while let Some((node, distance)) = queue.pop_front() {
            if distance == depth {
                continue;
            }
            for next in self.adjacent[node].iter().map(|a| a.node) {
                if found.len() >= limit {
                    return found;
                }
                if seen.insert(next) {
                    found.push((next, distance + 1));
                    queue.push_back((next, distance + 1));
                }
            }
        }
        found
    }

    /// Edges leaving or entering `node`.
    pub fn edges_of(&self, node: usize) -> &[Adjacent] {
        &self.adjacent[node]
    }
}

/// `load(path)` answers a file's text (`None`: show signatures only).
pub fn build(
    index: &Index,
    load: &dyn Fn(&str) -> Option<String>,
    request: &Request<'_>,
) -> Context {
    let seeds = seeds(index, request);
    if seeds.is_empty() {
        return Context {
            hint: Some(format!(
                "nothing matches {:?} or {:?}: identifiers are matched exactly, then ignoring \
                 case; query words (3+ letters) are matched inside names and paths",
                request.symbols, request.query
            )),
            ..Context::default()
        };
    }
    let reachable: Vec<usize> = index
        .neighbourhood(&seeds, request.depth, MAX_NEIGHBOURHOOD.max(seeds.len()))
        .into_iter()
        .map(|(node, _)| node)
        .collect();
    let ranks = ranks(index, &seeds, &reachable);
    let graph = &index.graph;
    let mut candidates: Vec<(usize, f64)> = reachable
        .iter()
        .zip(&ranks)
        .filter(|(&n, _)| matches!(graph.nodes[n].kind, NodeKind::Definition(_)))
        // Matches first, then by rank.
        .map(|(&n, &rank)| (n, rank + if seeds.contains(&n) { 1.0 } else { 0.0 }))
        .collect();
    candidates.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    render(graph, load, request, &candidates)
}

/// Definitions named like an asked identifier (exactly, or else ignoring case) and
/// definitions or files whose name or path holds a query word.
fn seeds(index: &Index, request: &Request<'_>) -> BTreeSet<usize> {
    let mut seeds = BTreeSet::new();
    for symbol in request
        .symbols
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        let matches = index.definitions_by_name.get(symbol).or_else(|| {
            index
                .definitions_by_lowercase_name
                .get(&symbol.to_lowercase())
        });
        seeds.extend(matches.into_iter().flatten().copied());
    }
    let words: Vec<String> = request
        .query
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| w.chars().count() >= MIN_WORD)
        .map(str::to_lowercase)
        .collect();
    if !words.is_empty() {
        for (node, name) in index.lowercase_names.iter().enumerate() {
            if words.iter().any(|w| name.contains(w.as_str())) {
                seeds.insert(node);
            }
        }
    }
    seeds
}

/// PageRank over the neighbourhood, every edge also walkable backwards at half
/// weight, restarting at the seeds. Ranks come in the order of `reachable`.
fn ranks(index: &Index, seeds: &BTreeSet<usize>, reachable: &[usize]) -> Vec<f64> {
    // Graph node → its place in `reachable` (a dense table: hub nodes have long
    // adjacency lists, and this lookup runs once per entry).
    let mut local = vec![usize::MAX; index.graph.nodes.len()];
    for (i, &node) in reachable.iter().enumerate() {
        local[node] = i;
    }
    let mut edges = Vec::new();
    for (from, &node) in reachable.iter().enumerate() {
        for adjacent in index.edges_of(node) {
            let to = local[adjacent.node];
            if to != usize::MAX {
                let weight = if adjacent.forward {
                    adjacent.weight
                } else {
                    adjacent.weight * BACKWARD_WEIGHT
                };
                edges.push(Edge { from, to, weight });
            }
        }
    }
    let personalization: Vec<f64> = reachable
        .iter()
        .map(|n| if seeds.contains(n) { 1.0 } else { 0.0 })
        .collect();
    pagerank::rank(reachable.len(), &edges, &personalization)
}

fn render(
    graph: &Graph,
    load: &dyn Fn(&str) -> Option<String>,
    request: &Request<'_>,
    candidates: &[(usize, f64)],
) -> Context {
    let mut context = Context::default();
    let mut files: HashSet<&str> = HashSet::new();
    let mut sources: HashMap<&str, Option<Source>> = HashMap::new();
    for &(index, score) in candidates {
        let left = request.max_tokens.saturating_sub(context.tokens_used);
        if left == 0 {
            context.truncated = true;
            break;
        }
        let node = &graph.nodes[index];
        if !files.contains(node.path.as_str()) && files.len() >= request.max_files {
            context.truncated = true;
            continue;
        }
        let span = node.end_line + 1 - node.start_line.min(node.end_line + 1);
        let whole = Some(node)
            .filter(|_| span <= MAX_WHOLE_LINES)
            .and_then(|node| {
                sources
                    .entry(node.path.as_str())
                    .or_insert_with(|| load(&node.path).map(Source::new))
                    .as_ref()
            })
            .map(|source| source.lines(node.start_line, node.end_line))
            // Redaction can shorten a text only by the secrets in it: one over twice
            // the budget is not worth redacting to find out.
            .filter(|text| tokens::fits(text, 2 * left + REDACTION_SLACK))
            .map(|text| secrets::redact_text(&text))
            .filter(|text| tokens::fits(text, left));
        let text = match whole {
            Some(text) => text,
            None => {
                let outline = secrets::redact_text(&node.signature);
                if tokens::estimate(&outline) > left {
                    context.truncated = true;
                    continue;
                }
                outline
            }
        };
        context.tokens_used += tokens::estimate(&text);
        files.insert(node.path.as_str());
        let kind = match &node.kind {
            NodeKind::Definition(kind) => kind.as_str(),
            NodeKind::File(_) => "file",
        };
        context.items.push(Item {
            path: node.path.clone(),
            kind,
            name: node.name.clone(),
            lines: (node.start_line, node.end_line),
            score,
            text,
        });
    }
    context
}

/// Tokens of room for redaction markers, which are longer than short secrets.
const REDACTION_SLACK: usize = 64;

/// A file's text with where each line starts, so a definition's lines are sliced
/// without walking the file again for every definition in it.
struct Source {
    text: String,
    line_starts: Vec<usize>,
}

impl Source {
    fn new(text: String) -> Source {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Source { text, line_starts }
    }

    /// Lines `start..=end` (1-based), joined by `\n`, without the last line break.
    fn lines(&self, start: usize, end: usize) -> Cow<'_, str> {
        let at = |line: usize| {
            self.line_starts
                .get(line.saturating_sub(1))
                .copied()
                .unwrap_or(self.text.len())
        };
        let (from, to) = (at(start.max(1)), at(end + 1).max(at(start.max(1))));
        let slice = &self.text[from..to];
        let slice = slice.strip_suffix('\n').unwrap_or(slice);
        let slice = slice.strip_suffix('\r').unwrap_or(slice);
        if slice.contains('\r') {
            Cow::Owned(slice.replace("\r\n", "\n"))
        } else {
            Cow::Borrowed(slice)
        }
    }
}

#[cfg(test)]
mod tests;

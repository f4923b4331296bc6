//! The smallest useful context for a question: definitions matching the asked
//! identifiers or words, then their neighbours ranked by personalised PageRank over
//! the graph (seeded on the matches), rendered whole when they fit the token budget
//! and as their signature otherwise. Secrets in returned text are redacted. Pure.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use super::graph::{Graph, NodeKind};
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

/// `sources` maps a path to the file's text.
pub fn build(graph: &Graph, sources: &HashMap<String, String>, request: &Request<'_>) -> Context {
    let seeds = seeds(graph, request);
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
    let reachable = neighbourhood(graph, &seeds, request.depth);
    let ranks = ranks(graph, &seeds, &reachable);
    let mut candidates: Vec<(usize, f64)> = reachable
        .iter()
        .copied()
        .filter(|&n| matches!(graph.nodes[n].kind, NodeKind::Definition(_)))
        // Matches first, then by rank.
        .map(|n| (n, ranks[n] + if seeds.contains(&n) { 1.0 } else { 0.0 }))
        .collect();
    candidates.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    render(graph, sources, request, &candidates)
}

/// Definitions named like an asked identifier (exactly, or else ignoring case) and
/// definitions or files whose name or path holds a query word.
fn seeds(graph: &Graph, request: &Request<'_>) -> BTreeSet<usize> {
    let mut seeds = BTreeSet::new();
    let definitions: Vec<(usize, &str)> = graph
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n.kind, NodeKind::Definition(_)))
        .map(|(i, n)| (i, n.name.as_str()))
        .collect();
    for symbol in request
        .symbols
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        let named = |same: fn(&str, &str) -> bool| -> Vec<usize> {
            definitions
                .iter()
                .filter(|(_, name)| same(name, symbol))
                .map(|(i, _)| *i)
                .collect()
        };
        let exact = named(|a, b| a == b);
        seeds.extend(if exact.is_empty() {
            named(|a, b| a.eq_ignore_ascii_case(b))
        } else {
            exact
        });
    }
    let words: Vec<String> = request
        .query
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| w.chars().count() >= MIN_WORD)
        .map(str::to_lowercase)
        .collect();
    if !words.is_empty() {
        for (index, node) in graph.nodes.iter().enumerate() {
            let name = node.name.to_lowercase();
            if words.iter().any(|w| name.contains(w.as_str())) {
                seeds.insert(index);
            }
        }
    }
    seeds
}

/// Nodes within `depth` edges of a seed, in either direction.
fn neighbourhood(graph: &Graph, seeds: &BTreeSet<usize>, depth: usize) -> BTreeSet<usize> {
    let mut adjacent: HashMap<usize, Vec<usize>> = HashMap::new();
    for edge in &graph.edges {
        adjacent.entry(edge.from).or_default().push(edge.to);
        adjacent.entry(edge.to).or_default().push(edge.from);
    }
    let mut seen: BTreeSet<usize> = seeds.clone();
    let mut queue: VecDeque<(usize, usize)> = seeds.iter().map(|&s| (s, 0)).collect();
    while let Some((node, distance)) = queue.pop_front() {
        if distance == depth {
            continue;
        }
        for &next in adjacent.get(&node).into_iter().flatten() {
            if seen.insert(next) {
                queue.push_back((next, distance + 1));
            }
        }
    }
    seen
}

/// PageRank over the whole graph, every edge also walkable backwards at half weight,
/// restarting at the seeds.
fn ranks(graph: &Graph, seeds: &BTreeSet<usize>, reachable: &BTreeSet<usize>) -> Vec<f64> {
    let mut edges = Vec::with_capacity(graph.edges.len() * 2);
    for edge in &graph.edges {
        if reachable.contains(&edge.from) && reachable.contains(&edge.to) {
            edges.push(Edge {
                from: edge.from,
                to: edge.to,
                weight: edge.weight,
            });
            edges.push(Edge {
                from: edge.to,
                to: edge.from,
                weight: edge.weight * BACKWARD_WEIGHT,
            });
        }
    }
    let personalization: Vec<f64> = (0..graph.nodes.len())
        .map(|n| if seeds.contains(&n) { 1.0 } else { 0.0 })
        .collect();
    pagerank::rank(graph.nodes.len(), &edges, &personalization)
}

fn render(
    graph: &Graph,
    sources: &HashMap<String, String>,
    request: &Request<'_>,
    candidates: &[(usize, f64)],
) -> Context {
    let mut context = Context::default();
    let mut files: HashSet<&str> = HashSet::new();
    for &(index, score) in candidates {
        let node = &graph.nodes[index];
        if !files.contains(node.path.as_str()) && files.len() >= request.max_files {
            context.truncated = true;
            continue;
        }
        let left = request.max_tokens.saturating_sub(context.tokens_used);
        let whole = sources
            .get(&node.path)
            .map(|text| lines(text, node.start_line, node.end_line))
            .filter(|_| node.end_line + 1 - node.start_line <= MAX_WHOLE_LINES)
            .map(|text| secrets::redact_text(&text))
            .filter(|text| tokens::estimate(text) <= left);
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

/// Lines `start..=end` (1-based) of `text`.
fn lines(text: &str, start: usize, end: usize) -> String {
    text.lines()
        .skip(start.saturating_sub(1))
        .take(end + 1 - start.max(1))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sonar::graph;
    use crate::sonar::outline::{outline, Language};

    const SERVICE: &str = "use crate::signals::model::{Model, Snapshot};\n\npub struct SignalService {\n    model: Box<dyn Model>,\n}\n\nimpl SignalService {\n    pub fn run(&self, symbols: &[String]) -> Vec<Snapshot> {\n        let token = \"ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tV9wX1yZ3a5c\"; // sonar:allow\n        Vec::new()\n    }\n}\n";
    const MODEL: &str = "pub trait Model {\n    fn evaluate(&self) -> Snapshot;\n}\n\npub struct Snapshot {\n    pub rsi: f64,\n}\n";
    const UNRELATED: &str = "pub fn render_footer() -> String {\n    String::new()\n}\n";

    fn project() -> (Graph, HashMap<String, String>) {
        let files = [
            ("src/server/service.rs", SERVICE),
            ("src/signals/model.rs", MODEL),
            ("src/pages/footer.rs", UNRELATED),
        ];
        let outlines: Vec<_> = files
            .iter()
            .map(|(path, text)| {
                (
                    path.to_string(),
                    Language::Rust,
                    outline(Language::Rust, text),
                )
            })
            .collect();
        let sources = files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        (graph::build(&outlines), sources)
    }

    fn ask(symbols: &[&str], query: &str, max_tokens: usize) -> Context {
        let (graph, sources) = project();
        let symbols: Vec<String> = symbols.iter().map(|s| s.to_string()).collect();
        build(
            &graph,
            &sources,
            &Request {
                symbols: &symbols,
                query,
                max_tokens,
                max_files: 20,
                depth: 3,
            },
        )
    }

    #[test]
    fn matches_come_first_whole_then_their_neighbours() {
        let context = ask(&["SignalService"], "", 8_000);
        let names: Vec<&str> = context.items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names[0], "SignalService");
        assert!(
            names.contains(&"Model") && names.contains(&"Snapshot"),
            "{names:?}"
        );
        assert!(
            !names.contains(&"render_footer"),
            "unrelated code stays out: {names:?}"
        );
        assert_eq!(
            context.items[0].text,
            "pub struct SignalService {\n    model: Box<dyn Model>,\n}"
        );
        assert_eq!(context.items[0].lines, (3, 5));
        assert!(context
            .items
            .windows(2)
            .skip(1)
            .all(|w| w[0].score >= w[1].score));
        assert_eq!(
            context.tokens_used,
            context
                .items
                .iter()
                .map(|i| tokens::estimate(&i.text))
                .sum::<usize>()
        );
        assert!(!context.truncated);
    }

    #[test]
    fn a_small_budget_gets_signatures_and_says_it_is_truncated() {
        let context = ask(&["SignalService"], "", 12);
        assert!(context.tokens_used <= 12, "{}", context.tokens_used);
        assert!(context.truncated);
        assert!(
            context
                .items
                .iter()
                .any(|i| i.text == "pub struct SignalService"),
            "{:?}",
            context.items
        );
    }

    #[test]
    fn secrets_in_returned_text_are_redacted() {
        let context = ask(&["run"], "", 8_000);
        let run = context.items.iter().find(|i| i.name == "run").unwrap();
        assert!(run.text.contains("[REDACTED:github-token]"), "{}", run.text);
        assert!(!run.text.contains("ghp_aB3"));
    }

    #[test]
    fn words_match_inside_names_and_unknown_names_get_a_hint() {
        let by_word = ask(&[], "how is the footer rendered", 8_000);
        assert_eq!(by_word.items[0].name, "render_footer");
        let by_case = ask(&["signalservice"], "", 8_000);
        assert_eq!(by_case.items[0].name, "SignalService");
        let nothing = ask(&["NoSuchThing"], "", 8_000);
        assert!(nothing.items.is_empty());
        assert!(nothing.hint.unwrap().contains("NoSuchThing"));
    }

    #[test]
    fn the_file_limit_is_respected() {
        let (graph, sources) = project();
        let symbols = vec!["SignalService".to_string()];
        let context = build(
            &graph,
            &sources,
            &Request {
                symbols: &symbols,
                query: "",
                max_tokens: 8_000,
                max_files: 1,
                depth: 3,
            },
        );
        assert!(context
            .items
            .iter()
            .all(|i| i.path == "src/server/service.rs"));
        assert!(context.truncated);
    }
}

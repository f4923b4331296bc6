use super::*;
use crate::sonar::graph;
use crate::sonar::outline::{outline, Language};

const SERVICE: &str = "use crate::signals::model::{Model, Snapshot};\n\npub struct SignalService {\n    model: Box<dyn Model>,\n}\n\nimpl SignalService {\n    pub fn run(&self, symbols: &[String]) -> Vec<Snapshot> {\n        let token = \"ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tV9wX1yZ3a5c\"; // sonar:allow\n        Vec::new()\n    }\n}\n";
const MODEL: &str = "pub trait Model {\n    fn evaluate(&self) -> Snapshot;\n}\n\npub struct Snapshot {\n    pub rsi: f64,\n}\n";
const UNRELATED: &str = "pub fn render_footer() -> String {\n    String::new()\n}\n";

fn project() -> (Index, HashMap<String, String>) {
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
    (Index::new(graph::build(&outlines)), sources)
}

fn ask(symbols: &[&str], query: &str, max_tokens: usize) -> Context {
    let (index, sources) = project();
    let symbols: Vec<String> = symbols.iter().map(|s| s.to_string()).collect();
    build(
        &index,
        &|path| sources.get(path).cloned(),
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
fn neighbourhoods_are_closest_first_within_the_depth_and_the_limit() {
    let (index, _) = project();
    let service = BTreeSet::from([index
        .graph
        .nodes
        .iter()
        .position(|n| n.name == "SignalService")
        .unwrap()]);
    let near = index.neighbourhood(&service, 1, usize::MAX);
    assert_eq!(near[0], (*service.first().unwrap(), 0));
    assert!(near.iter().all(|&(_, d)| d <= 1));
    let far = index.neighbourhood(&service, 6, usize::MAX);
    assert!(far.len() > near.len());
    assert!(far.windows(2).all(|w| w[0].1 <= w[1].1), "{far:?}");
    assert_eq!(index.neighbourhood(&service, 6, 2).len(), 2);
}

#[test]
fn source_lines_are_sliced_by_line_number() {
    let source = Source::new("one\r\ntwo\nthree\n\nfive".to_string());
    assert_eq!(source.lines(1, 1), "one");
    assert_eq!(source.lines(1, 2), "one\ntwo");
    assert_eq!(source.lines(2, 4), "two\nthree\n");
    assert_eq!(source.lines(5, 5), "five");
    assert_eq!(source.lines(5, 9), "five", "past the end stops at the end");
    assert_eq!(source.lines(7, 8), "");
}

#[test]
fn the_file_limit_is_respected() {
    let (index, sources) = project();
    let symbols = vec!["SignalService".to_string()];
    let context = build(
        &index,
        &|path| sources.get(path).cloned(),
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

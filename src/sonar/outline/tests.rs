use super::*;

fn find<'a>(outline: &'a Outline, name: &str) -> &'a Definition {
    outline
        .definitions
        .iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("{name} not in {:#?}", outline.definitions))
}

#[test]
fn languages_are_chosen_by_extension() {
    assert_eq!(Language::of_path("src/lib.rs"), Some(Language::Rust));
    assert_eq!(Language::of_path("a/b.PY"), Some(Language::Python));
    assert_eq!(Language::of_path("x.tsx"), Some(Language::Tsx));
    assert_eq!(Language::of_path("Cargo.toml"), Some(Language::Config));
    assert_eq!(Language::of_path("README.md"), None);
    assert_eq!(Language::of_path("Makefile"), None);
    assert!(outline(Language::Config, "a = 1").definitions.is_empty());
}

#[test]
fn rust_items_methods_imports_and_trait_impls() {
    let source = r#"
use crate::server::db::Database;
use std::collections::{HashMap, HashSet};

pub const LIMIT: usize = 10;

/// Signals.
pub struct SignalService {
    db: Database,
}

pub enum Action { Buy, Sell }

pub trait Model {
    fn evaluate(&self, bars: &[f64]) -> Action;
}

impl Model for SignalService {
    fn evaluate(&self, bars: &[f64]) -> Action {
        Action::Buy
    }
}

impl SignalService {
    pub async fn run(
        &self,
        symbols: Vec<String>,
    ) -> Result<(), String> {
        Ok(())
    }
}

mod tests {}
fn helper() {}
"#;
    let outline = outline(Language::Rust, source);
    assert_eq!(find(&outline, "LIMIT").kind, Kind::Constant);
    let service = find(&outline, "SignalService");
    assert_eq!(
        (service.kind, service.start_line, service.end_line),
        (Kind::Struct, 8, 10)
    );
    assert_eq!(find(&outline, "Action").kind, Kind::Enum);
    assert_eq!(find(&outline, "Model").kind, Kind::Trait);
    assert_eq!(find(&outline, "helper").kind, Kind::Function);
    assert_eq!(find(&outline, "tests").kind, Kind::Module);
    let run = find(&outline, "run");
    assert_eq!(run.kind, Kind::Method);
    assert_eq!(
        run.signature,
        "pub async fn run( &self, symbols: Vec<String>, ) -> Result<(), String>"
    );
    let evaluates = outline
        .definitions
        .iter()
        .filter(|d| d.name == "evaluate")
        .count();
    assert_eq!(evaluates, 2, "the trait's and the impl's");
    assert_eq!(
        outline.imports,
        [
            "crate::server::db::Database",
            "std::collections::{HashMap, HashSet}"
        ]
    );
    assert_eq!(
        outline.relations,
        [Relation {
            subject: "SignalService".into(),
            target: "Model".into(),
            inherits: false
        }]
    );
    assert!(outline.identifiers.contains("Database"));
}

#[test]
fn python_classes_methods_bases_imports_and_constants() {
    let source = "import os\nfrom app.models import Signal\nimport numpy as np\n\nMAX_ROWS = 100\nlower = 1\n\nclass SignalService(BaseService, abc.ABC):\n    \"\"\"Doc.\"\"\"\n    def run(self, symbols: list[str]) -> dict:\n        return {}\n\n@decorator\ndef generate(x):\n    pass\n";
    let outline = outline(Language::Python, source);
    let class = find(&outline, "SignalService");
    assert_eq!(class.kind, Kind::Class);
    assert_eq!(class.signature, "class SignalService(BaseService, abc.ABC)");
    assert_eq!(find(&outline, "run").kind, Kind::Method);
    assert_eq!(find(&outline, "generate").kind, Kind::Function);
    assert_eq!(find(&outline, "MAX_ROWS").kind, Kind::Constant);
    assert!(outline.definitions.iter().all(|d| d.name != "lower"));
    assert_eq!(outline.imports, ["os", "app.models", "numpy"]);
    let targets: Vec<&str> = outline
        .relations
        .iter()
        .map(|r| r.target.as_str())
        .collect();
    assert_eq!(targets, ["BaseService", "ABC"]);
    assert!(outline
        .relations
        .iter()
        .all(|r| r.inherits && r.subject == "SignalService"));
}

#[test]
fn typescript_interfaces_classes_heritage_and_arrow_functions() {
    let source = r#"import { expect } from '@playwright/test';
import helpers from "./helpers";

export interface Quote { symbol: string; price: number }
export enum Side { Long, Short }
export type Id = string;
export const MAX_SYMBOLS = 20;
export const symbolCard = (page: Page, symbol: string) => page.locator(symbol);

export class LiveFeed extends EventTarget implements Disposable {
  connect(url: string): void {}
}

function waitForHydration(page) { return page; }
"#;
    let outline = outline(Language::TypeScript, source);
    assert_eq!(find(&outline, "Quote").kind, Kind::Interface);
    assert_eq!(find(&outline, "Side").kind, Kind::Enum);
    assert_eq!(find(&outline, "Id").kind, Kind::Type);
    assert_eq!(find(&outline, "MAX_SYMBOLS").kind, Kind::Constant);
    assert_eq!(find(&outline, "symbolCard").kind, Kind::Function);
    assert_eq!(find(&outline, "LiveFeed").kind, Kind::Class);
    assert_eq!(find(&outline, "connect").kind, Kind::Method);
    assert_eq!(find(&outline, "waitForHydration").kind, Kind::Function);
    assert_eq!(outline.imports, ["@playwright/test", "./helpers"]);
    let relations: Vec<(&str, bool)> = outline
        .relations
        .iter()
        .map(|r| (r.target.as_str(), r.inherits))
        .collect();
    assert_eq!(relations, [("EventTarget", true), ("Disposable", false)]);
}

#[test]
fn javascript_classes_and_functions() {
    let source = "import fs from 'node:fs';\nclass Bench extends Base {\n  run() {}\n}\nfunction main() {}\nconst run = async () => {};\n";
    let outline = outline(Language::JavaScript, source);
    assert_eq!(find(&outline, "Bench").kind, Kind::Class);
    assert_eq!(find(&outline, "run").kind, Kind::Method);
    assert_eq!(find(&outline, "main").kind, Kind::Function);
    assert_eq!(outline.imports, ["node:fs"]);
    assert_eq!(outline.relations[0].target, "Base");
    // Broken input still yields what parses.
    let partial = outline_of_broken();
    assert_eq!(find(&partial, "ok").kind, Kind::Function);
}

fn outline_of_broken() -> Outline {
    outline(
        Language::JavaScript,
        "function ok() {}\nfunction broken( {\n",
    )
}

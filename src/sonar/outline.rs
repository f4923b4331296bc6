//! What a source file defines, imports and mentions, read with tree-sitter so Rust,
//! Python and TypeScript/JavaScript share one code path: definitions (name, kind,
//! lines, signature), import paths, `implements`/`inherits` relations, and the
//! identifiers used (for reference edges between files). Pure: text in, outline out.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use tree_sitter::{Node, Parser};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    Rust,
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    /// Configuration (toml, yaml, json, ini): indexed as files, without definitions.
    Config,
}

impl Language {
    /// By file extension; `None` for files SONAR does not index.
    pub fn of_path(path: &str) -> Option<Language> {
        let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match extension.as_str() {
            "rs" => Language::Rust,
            "py" | "pyi" => Language::Python,
            "js" | "mjs" | "cjs" | "jsx" => Language::JavaScript,
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "toml" | "yaml" | "yml" | "json" | "ini" | "cfg" => Language::Config,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::Python => "python",
            Language::JavaScript => "javascript",
            Language::TypeScript => "typescript",
            Language::Tsx => "tsx",
            Language::Config => "config",
        }
    }

    fn grammar(self) -> Option<tree_sitter::Language> {
        Some(match self {
            Language::Rust => tree_sitter_rust::LANGUAGE.into(),
            Language::Python => tree_sitter_python::LANGUAGE.into(),
            Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Language::Config => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Function,
    Method,
    Struct,
    Class,
    Enum,
    Trait,
    Interface,
    Constant,
    Module,
    Type,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Function => "function",
            Kind::Method => "method",
            Kind::Struct => "struct",
            Kind::Class => "class",
            Kind::Enum => "enum",
            Kind::Trait => "trait",
            Kind::Interface => "interface",
            Kind::Constant => "constant",
            Kind::Module => "module",
            Kind::Type => "type",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definition {
    pub name: String,
    pub kind: Kind,
    /// 1-based, inclusive.
    pub start_line: usize,
    pub end_line: usize,
    /// The declaration up to its body, whitespace collapsed (`fn run(x: u32) -> u64`).
    pub signature: String,
}

/// `subject` implements (Rust traits, TypeScript interfaces) or inherits (classes) `target`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    pub subject: String,
    pub target: String,
    pub inherits: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outline {
    pub definitions: Vec<Definition>,
    /// Import paths as written (`crate::server::db`, `os.path`, `./helpers`).
    pub imports: Vec<String>,
    pub relations: Vec<Relation>,
    /// Every identifier the file uses or defines.
    pub identifiers: BTreeSet<String>,
}

/// Signatures longer than this are cut (with `…`).
const MAX_SIGNATURE: usize = 240;

/// The outline of `source`; empty for configuration files or text that does not parse.
pub fn outline(language: Language, source: &str) -> Outline {
    let Some(grammar) = language.grammar() else {
        return Outline::default();
    };
    let mut parser = Parser::new();
    if parser.set_language(&grammar).is_err() {
        return Outline::default();
    }
    let Some(tree) = parser.parse(source, None) else {
        return Outline::default();
    };
    let mut walker = Walker {
        language,
        source,
        out: Outline::default(),
    };
    walker.visit(tree.root_node(), false);
    walker.out
}

struct Walker<'s> {
    language: Language,
    source: &'s str,
    out: Outline,
}

impl Walker<'_> {
    fn text(&self, node: Node<'_>) -> &str {
        node.utf8_text(self.source.as_bytes()).unwrap_or_default()
    }

    fn field_text(&self, node: Node<'_>, field: &str) -> Option<String> {
        node.child_by_field_name(field)
            .map(|n| self.text(n).to_string())
    }

    /// `in_type` is true inside a class, impl, trait or interface body (methods).
    fn visit(&mut self, node: Node<'_>, in_type: bool) {
        let kind = node.kind();
        if matches!(
            kind,
            "identifier" | "type_identifier" | "field_identifier" | "property_identifier"
        ) {
            self.out.identifiers.insert(self.text(node).to_string());
        }
        let mut children_in_type = in_type;
        match (self.language, kind) {
            (Language::Rust, "function_item" | "function_signature_item") => {
                let kind = if in_type {
                    Kind::Method
                } else {
                    Kind::Function
                };
                self.define(node, kind);
            }
            (Language::Rust, "struct_item" | "union_item") => self.define(node, Kind::Struct),
            (Language::Rust, "enum_item") => self.define(node, Kind::Enum),
            (Language::Rust, "trait_item") => {
                self.define(node, Kind::Trait);
                children_in_type = true;
            }
            (Language::Rust, "const_item" | "static_item") => self.define(node, Kind::Constant),
            (Language::Rust, "mod_item") => self.define(node, Kind::Module),
            (Language::Rust, "type_item") => self.define(node, Kind::Type),
            (Language::Rust, "impl_item") => {
                if let (Some(target), Some(subject)) = (
                    self.field_text(node, "trait"),
                    self.field_text(node, "type"),
                ) {
                    self.relate(subject, target, false);
                }
                children_in_type = true;
            }
            (Language::Rust, "use_declaration") => {
                if let Some(path) = self.field_text(node, "argument") {
                    self.out.imports.push(path);
                }
            }
            (Language::Python, "function_definition") => {
                let kind = if in_type {
                    Kind::Method
                } else {
                    Kind::Function
                };
                self.define(node, kind);
                children_in_type = false;
            }
            (Language::Python, "class_definition") => {
                self.define(node, Kind::Class);
                if let (Some(name), Some(bases)) = (
                    self.field_text(node, "name"),
                    node.child_by_field_name("superclasses"),
                ) {
                    let mut cursor = bases.walk();
                    for base in bases.named_children(&mut cursor) {
                        if matches!(base.kind(), "identifier" | "attribute") {
                            self.relate(name.clone(), self.text(base).to_string(), true);
                        }
                    }
                }
                children_in_type = true;
            }
            (Language::Python, "import_statement" | "import_from_statement") => {
                self.python_imports(node);
            }
            (Language::Python, "expression_statement")
                if node.parent().is_some_and(|p| p.kind() == "module") =>
            {
                self.python_constant(node);
            }
            (_, "function_declaration" | "generator_function_declaration") => {
                self.define(node, Kind::Function);
            }
            (_, "class_declaration" | "abstract_class_declaration" | "class") => {
                if node.child_by_field_name("name").is_some() {
                    self.define(node, Kind::Class);
                    self.heritage(node);
                }
                children_in_type = true;
            }
            (_, "method_definition" | "method_signature" | "abstract_method_signature") => {
                self.define(node, Kind::Method);
            }
            (_, "interface_declaration") => {
                self.define(node, Kind::Interface);
                children_in_type = true;
            }
            (_, "enum_declaration") => self.define(node, Kind::Enum),
            (_, "type_alias_declaration") => self.define(node, Kind::Type),
            (_, "internal_module" | "module") if self.language != Language::Python => {
                self.define(node, Kind::Module);
            }
            (_, "import_statement") => {
                if let Some(source) = node.child_by_field_name("source") {
                    let path = self.text(source).trim_matches(['"', '\'', '`']).to_string();
                    self.out.imports.push(path);
                }
            }
            (_, "lexical_declaration") if is_top_level_const(node) => {
                self.script_constants(node);
            }
            _ => {}
        }
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            self.visit(child, children_in_type);
        }
    }

    fn define(&mut self, node: Node<'_>, kind: Kind) {
        let Some(name) = self.field_text(node, "name") else {
            return;
        };
        let signature = self.signature(node);
        self.out.definitions.push(Definition {
            name,
            kind,
            start_line: node.start_position().row + 1,
            end_line: node.end_position().row + 1,
            signature,
        });
    }

    /// The declaration's text before its body (or its first line), on one line.
    fn signature(&self, node: Node<'_>) -> String {
        let end = node
            .child_by_field_name("body")
            .map_or(node.end_byte(), |body| body.start_byte());
        let text = &self.source[node.start_byte()..end];
        let text = if node.child_by_field_name("body").is_some() {
            text
        } else {
            text.lines().next().unwrap_or_default()
        };
        let mut collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let trimmed = collapsed.trim_end_matches(['{', ':', ' ']).len();
        collapsed.truncate(trimmed);
        if collapsed.chars().count() > MAX_SIGNATURE {
            collapsed = collapsed.chars().take(MAX_SIGNATURE).collect::<String>() + "…";
        }
        collapsed
    }

    fn relate(&mut self, subject: String, target: String, inherits: bool) {
        // `Trait<T>` and `a.b.Base` relate to `Trait` and `Base`.
        let clean = |name: &str| {
            let base = name.split('<').next().unwrap_or(name);
            base.rsplit(['.', ':'])
                .next()
                .unwrap_or(base)
                .trim()
                .to_string()
        };
        self.out.relations.push(Relation {
            subject: clean(&subject),
            target: clean(&target),
            inherits,
        });
    }

    /// `class A extends B implements C, D` (JavaScript and TypeScript).
    fn heritage(&mut self, class: Node<'_>) {
        let Some(name) = self.field_text(class, "name") else {
            return;
        };
        let mut cursor = class.walk();
        for child in class.children(&mut cursor) {
            if child.kind() != "class_heritage" {
                continue;
            }
            let mut inner = child.walk();
            for clause in child.children(&mut inner) {
                let inherits = clause.kind() == "extends_clause" || clause.kind() == "extends";
                let mut parts = clause.walk();
                for target in clause.named_children(&mut parts) {
                    if matches!(
                        target.kind(),
                        "identifier" | "type_identifier" | "member_expression" | "generic_type"
                    ) {
                        self.relate(name.clone(), self.text(target).to_string(), inherits);
                    }
                }
                // Plain JavaScript: `class A extends B` has the target directly.
                if matches!(clause.kind(), "identifier" | "member_expression") {
                    self.relate(name.clone(), self.text(clause).to_string(), true);
                }
            }
        }
    }

    fn python_imports(&mut self, node: Node<'_>) {
        if let Some(module) = node.child_by_field_name("module_name") {
            self.out.imports.push(self.text(module).to_string());
            return;
        }
        let mut cursor = node.walk();
        for name in node.children_by_field_name("name", &mut cursor) {
            let module = name
                .child_by_field_name("name")
                .map_or_else(|| self.text(name), |n| self.text(n));
            self.out.imports.push(module.to_string());
        }
    }

    /// Module-level `NAME = …` in capitals is a constant.
    fn python_constant(&mut self, statement: Node<'_>) {
        let Some(assignment) = statement
            .named_child(0)
            .filter(|n| n.kind() == "assignment")
        else {
            return;
        };
        let Some(left) = assignment.child_by_field_name("left") else {
            return;
        };
        let name = self.text(left);
        if left.kind() == "identifier" && is_constant_name(name) {
            self.out.definitions.push(Definition {
                name: name.to_string(),
                kind: Kind::Constant,
                start_line: statement.start_position().row + 1,
                end_line: statement.end_position().row + 1,
                signature: self.signature(statement),
            });
        }
    }

    /// Top-level `const NAME = …`: an arrow or function value is a function, a
    /// capitalised name a constant.
    fn script_constants(&mut self, declaration: Node<'_>) {
        let mut cursor = declaration.walk();
        for declarator in declaration.named_children(&mut cursor) {
            if declarator.kind() != "variable_declarator" {
                continue;
            }
            let Some(name_node) = declarator.child_by_field_name("name") else {
                continue;
            };
            let name = self.text(name_node).to_string();
            let value_kind = declarator.child_by_field_name("value").map(|v| v.kind());
            let kind = match value_kind {
                Some("arrow_function" | "function_expression" | "function") => Kind::Function,
                _ if is_constant_name(&name) => Kind::Constant,
                _ => continue,
            };
            self.out.definitions.push(Definition {
                name,
                kind,
                start_line: declaration.start_position().row + 1,
                end_line: declaration.end_position().row + 1,
                signature: self.signature(declaration),
            });
        }
    }
}

fn is_constant_name(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// `const` at the top of a module (or exported from it).
fn is_top_level_const(node: Node<'_>) -> bool {
    let is_const = node.child(0).is_some_and(|k| k.kind() == "const");
    let parent = node.parent().map(|p| p.kind());
    is_const && matches!(parent, Some("program" | "export_statement"))
}

#[cfg(test)]
mod tests;

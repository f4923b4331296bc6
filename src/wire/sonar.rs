//! SONAR's answers (`/sonar/*` and the `/sonar` page): ranked context, a file's
//! neighbours, secret findings, index metrics and background index runs.

use serde::{Deserialize, Serialize};

/// One piece of returned code: a definition, whole or as its signature.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContextItem {
    pub path: String,
    /// `function`, `method`, `struct`, `class`, `enum`, `trait`, `interface`, `constant`, `module` or `type`.
    pub kind: String,
    pub name: String,
    /// First and last line (1-based, inclusive).
    pub lines: [usize; 2],
    /// Matches score 1 plus their rank; neighbours their personalised PageRank.
    pub score: f64,
    /// The whole definition when it fits the budget, else its signature; secrets redacted.
    pub text: String,
}

/// `GET /sonar/context`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContextResponse {
    pub symbols: Vec<String>,
    pub query: String,
    pub items: Vec<ContextItem>,
    /// Estimated as characters / 4, rounded up, per item text.
    pub tokens_used: usize,
    pub max_tokens: usize,
    /// Something relevant was left out for the token budget or the file limit.
    pub truncated: bool,
    /// The index run the answer comes from (0: nothing indexed yet).
    pub index_version: i64,
    /// Why nothing was found, when nothing was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// A file reached from (dependency) or reaching (dependent) the asked file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FileNeighbour {
    pub path: String,
    pub language: String,
    /// Edges away (1: directly).
    pub distance: usize,
    /// The kinds of the edges that lead there on the first step (`imports`, `references`, …).
    pub via: Vec<String>,
}

/// A definition of the asked file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DefinitionSummary {
    pub name: String,
    pub kind: String,
    pub lines: [usize; 2],
    pub signature: String,
}

/// `GET /sonar/files/{path}/context`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FileContext {
    pub path: String,
    pub language: String,
    pub lines: usize,
    pub definitions: Vec<DefinitionSummary>,
    /// Files this one uses (imports, names it refers to, what its types implement).
    pub dependencies: Vec<FileNeighbour>,
    /// Files that use this one.
    pub dependents: Vec<FileNeighbour>,
    pub depth: usize,
    pub index_version: i64,
}

/// One secret found in the indexed tree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SecretFinding {
    /// The rule that matched (`aws-access-key-id`, `generic-secret`, …).
    pub rule: String,
    pub path: String,
    pub line: usize,
    /// The first characters of the match, then `…`: never the secret.
    pub redacted: String,
    /// Stable across runs for the same rule, file and secret (allow-lists, tracking).
    pub fingerprint: String,
}

/// `GET /sonar/security`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SecurityReport {
    pub findings: Vec<SecretFinding>,
    pub total: usize,
    pub index_version: i64,
    /// RFC 3339; absent before the first run.
    pub last_indexed: Option<String>,
}

/// Lines, definitions and coupling of one file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FileComplexity {
    pub path: String,
    pub language: String,
    pub lines: usize,
    pub definitions: usize,
    /// Other files with an edge into this file.
    pub fan_in: usize,
    /// Other files this file has an edge to.
    pub fan_out: usize,
}

/// A count per kind (of node, edge or language).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KindCount {
    pub kind: String,
    pub count: u64,
}

/// `GET /sonar/metrics`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SonarMetrics {
    pub files: u64,
    pub files_by_language: Vec<KindCount>,
    pub nodes: u64,
    pub nodes_by_kind: Vec<KindCount>,
    pub edges: u64,
    pub edges_by_kind: Vec<KindCount>,
    /// The latest run's wall time.
    pub index_duration_ms: u64,
    /// RFC 3339; absent before the first run.
    pub last_indexed: Option<String>,
    pub index_version: i64,
    pub secrets_found: u64,
    /// Files by fan-in, then fan-out, then lines (most coupled first), up to `limit`.
    pub complexity: Vec<FileComplexity>,
}

/// What a finished index run did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IndexReport {
    pub files: usize,
    /// Parsed this run (new or changed).
    pub changed: usize,
    pub removed: usize,
    pub nodes: usize,
    pub edges: usize,
    pub findings: usize,
    pub duration_ms: u64,
    pub index_version: i64,
}

/// A background index run (`POST /sonar/index`), polled with `GET /sonar/index/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IndexRun {
    pub id: String,
    /// `running`, `succeeded` or `failed`.
    pub state: String,
    pub root: String,
    pub files_done: usize,
    /// 0 until the tree has been walked.
    pub files_total: usize,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub report: Option<IndexReport>,
    pub error: Option<String>,
}

/// Everything the `/sonar` page shows, in one answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SonarOverview {
    pub metrics: SonarMetrics,
    /// Present when identifiers or words were asked.
    pub context: Option<ContextResponse>,
    /// Present when a file was asked and is in the index.
    pub file: Option<FileContext>,
    /// The asked file is not in the index.
    pub file_missing: bool,
    pub security: SecurityReport,
    /// This server's latest background run.
    pub run: Option<IndexRun>,
}

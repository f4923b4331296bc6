//! SONAR's pure parts (issue 7): outlines of source files (tree-sitter), the graph of
//! files and definitions, ranked context by personalised PageRank, a file's
//! neighbours, secret detection and token estimates. No I/O: the indexer and the HTTP
//! routes in `server::sonar` feed them.

pub mod context;
pub mod graph;
pub mod neighbours;
pub mod outline;
pub mod pagerank;
pub mod secrets;
pub mod tokens;

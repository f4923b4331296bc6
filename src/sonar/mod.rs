//! SONAR's pure parts (issue 7): outlines of source files (tree-sitter), secret
//! detection, ranking by personalised PageRank, and token estimates. No I/O: the
//! indexer and the HTTP routes (to come) feed them.

pub mod context;
pub mod graph;
pub mod outline;
pub mod pagerank;
pub mod secrets;
pub mod tokens;

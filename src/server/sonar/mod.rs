//! SONAR on the server: reading a source tree from disk, keeping its index in the
//! database, background runs, and the queries the routes and the page share.

pub mod graph_rows;
pub mod index;
pub mod indexed_tree;
pub mod loaded_index;
pub mod runs;
pub mod scan;
pub mod service;

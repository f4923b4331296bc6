//! SONAR on the server: reading a source tree from disk, keeping its index in the
//! database, background runs, and the queries the routes and the page share.

pub mod index;
pub mod rows;
pub mod runs;
pub mod scan;
pub mod service;
pub mod snapshot;
pub mod tree;

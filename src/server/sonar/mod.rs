//! SONAR on the server: reading a source tree from disk (issue 7, in progress).
//! Storage, background runs, the HTTP routes and the page are still to come.

pub mod index;
pub mod scan;

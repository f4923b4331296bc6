//! Server functions: thin wrappers that the pages call and that run the same
//! services as the REST handlers (`src/server/`).

pub mod status;

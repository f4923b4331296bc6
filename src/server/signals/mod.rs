//! Signals on the server: generating them for a user (`/api/v1/run`), storing,
//! listing and exporting them. Handlers and server functions call the service.

pub mod cache;
pub mod export;
pub mod query;
pub mod service;
pub mod store;

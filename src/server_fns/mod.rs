//! Server functions: thin wrappers that the pages call and that run the same
//! services as the REST handlers (`src/server/`).

pub mod account;
pub mod admin;
pub mod api_keys;
pub mod auth;
pub mod backtest;
pub mod dashboard;
pub mod error;
pub mod markets;
pub mod screener;
#[cfg(feature = "ssr")]
pub mod session;
pub mod signals;
pub mod sonar;
pub mod status;

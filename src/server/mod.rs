//! Server-only code (feature `ssr`): configuration, database, HTTP routing, health, logging.

pub mod accounts;
pub mod api_error;
pub mod app_state;
pub mod auth;
pub mod backtests;
pub mod cli;
pub mod cli_market;
pub mod clock;
pub mod config;
pub mod correlation;
pub mod dashboard;
pub mod db;
pub mod dev_secrets;
pub mod health;
pub mod logging;
pub mod market;
pub mod rate_limit;
pub mod request_meta;
pub mod rest;
pub mod router;
pub mod security;
pub mod serve;
pub mod sessions;
pub mod signals;
pub mod site;
pub mod watchlists;

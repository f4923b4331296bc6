//! Server-only code (feature `ssr`): configuration, database, HTTP routing, health, logging.

pub mod api_error;
pub mod app_state;
pub mod cli;
pub mod clock;
pub mod config;
pub mod correlation;
pub mod db;
pub mod dev_secrets;
pub mod health;
pub mod logging;
pub mod router;
pub mod serve;
pub mod site;

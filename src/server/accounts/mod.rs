//! Accounts: users, refresh-token families, API keys and the audit log, with the
//! services that REST handlers and server functions both call.

pub mod api_keys;
pub mod audit;
pub mod login_failures;
pub mod refresh_tokens;
pub mod service;
pub mod users;

//! Pure domain logic: validated types and rules, no I/O.

pub mod comma_list;
pub mod email;
pub mod error;
pub mod password_policy;
pub mod query_string;
pub mod rate_limit;
pub mod role;
pub mod symbol;
pub mod tier;
pub mod watchlist;

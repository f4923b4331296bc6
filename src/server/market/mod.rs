//! Market data on the server: providers, the stored bars, and the series a user sees.

pub mod alpha_vantage;
pub mod dates;
pub mod import;
pub mod provider;
pub mod service;
pub mod store;

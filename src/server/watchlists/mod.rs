//! Watchlists on the server: the tables, and the service that the REST API and the
//! dashboard's server functions both call.

pub mod service;
mod store;

//! Integration tests over real HTTP, SQLite, PostgreSQL and Redis, in one binary so
//! the server is linked once. One module per area; shared helpers in `common`.
#![cfg(feature = "ssr")]

#[macro_use]
mod common;

mod accounts_api;
mod admin_metrics;
mod alpha_vantage;
mod api_errors;
mod architecture;
mod backtest_api;
mod benchmark_monte_carlo;
mod binary;
mod compose;
mod correlation_ids;
mod csv_import;
mod error_catalog_doc;
mod hardening;
mod health_api;
mod instances;
mod live_feed;
mod market_api;
mod metrics_endpoint;
mod migrations;
mod not_found_and_pages;
mod openapi;
mod optimize_api;
mod portfolio_api;
mod rate_limits;
mod robustness;
mod screener_api;
mod secrets;
mod security;
mod series_cache;
mod sessions;
mod signals_api;
mod site_config;
mod smoke;
mod sonar_api;
mod sonar_index;
mod tls;
mod watchlists_api;

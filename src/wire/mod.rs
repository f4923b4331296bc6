//! Types that cross the network (REST bodies and server-function results).
//! Database rows live apart, in `src/server/`, and are never serialised.

pub mod accounts;
pub mod admin;
pub mod backtest;
pub mod backtest_form;
pub mod dashboard;
pub mod error;
pub mod live;
pub mod market;
pub mod market_view;
pub mod optimize;
pub mod portfolio;
pub mod portfolio_form;
pub mod screen_form;
pub mod screener;
pub mod signals;
pub mod sonar;
pub mod watchlists;

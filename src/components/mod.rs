//! Reusable UI pieces shared by every page.

pub mod auth;
pub mod chart;
pub mod data_table;
pub mod demo_banner;
mod dom;
pub mod footer;
pub mod form;
pub mod format;
pub mod live;
pub mod sparkline;
pub mod stat_card;
pub mod theme_toggle;
pub mod toast;
pub mod top_bar;

pub use dom::mark_hydrated;

//! Reusable UI pieces shared by every page.

mod dom;
pub mod footer;
pub mod theme_toggle;
pub mod top_bar;

pub use dom::mark_hydrated;

//! investment_system: one Leptos codebase. The `ssr` feature builds the server
//! (`src/server/`), the `hydrate` feature builds the browser bundle; pages,
//! components and the pure domain modules are shared by both.

// Leptos views are deeply nested types; the default limit is too low for whole pages.
#![recursion_limit = "256"]

pub mod app;
pub mod backtest;
pub mod charts;
pub mod components;
pub mod domain;
pub mod error_catalog;
pub mod health;
pub mod indicators;
pub mod market;
pub mod pages;
pub mod screener;
pub mod server_fns;
pub mod signals;
pub mod theme;
pub mod wire;

#[cfg(feature = "ssr")]
pub mod server;
/// Pure, but only the server uses it (kept out of the browser bundle).
#[cfg(feature = "ssr")]
pub mod sonar;

/// glibc's malloc trims the heap top whenever a large buffer is freed, so the next
/// indicator series or sweep page-faults its memory in again; mimalloc keeps it.
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Entry point of the browser bundle: attaches the client to the server-rendered page.
/// `hydrate_lazy` first fetches the chunk of a lazily loaded page being shown.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}

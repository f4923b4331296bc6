//! The page footer with the running version.

use leptos::prelude::*;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
const VERSION_LABEL: &str = concat!("v", env!("CARGO_PKG_VERSION"));

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="border-t border-slate-200 py-6 text-sm text-slate-500 dark:border-slate-800 dark:text-slate-400">
            <div class="mx-auto flex max-w-6xl flex-col gap-2 px-4 sm:flex-row sm:items-center sm:justify-between sm:px-6">
                <p>
                    "investment_system "
                    <span data-testid="version">{VERSION_LABEL}</span>
                </p>
                <p>"Signals are information, not investment advice."</p>
            </div>
        </footer>
    }
}

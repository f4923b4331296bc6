//! The styled 404 page, rendered for any unknown page route (with status 404).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }

    view! {
        <Title text="Page not found"/>
        <section class="mx-auto max-w-lg py-16 text-center" data-testid="not-found">
            <p class="text-sm font-semibold uppercase tracking-wider text-emerald-600 dark:text-emerald-400">"404"</p>
            <h1 class="mt-2 text-3xl font-bold tracking-tight">"Page not found"</h1>
            <p class="mt-4 text-slate-600 dark:text-slate-400">
                "There is no page at this address. It may have moved, or the link may be mistyped."
            </p>
            <A href="/" attr:class="mt-8 inline-flex rounded-lg bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-white">
                "Back to the home page"
            </A>
        </section>
    }
}

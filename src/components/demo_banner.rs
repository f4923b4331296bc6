//! The "demo data" banner: on every page while prices come from the synthetic demo
//! market, so nobody mistakes its signals for real ones.

use leptos::prelude::*;

use crate::server_fns::status::demo_data_in_use;

#[component]
pub fn DemoBanner() -> impl IntoView {
    let demo = Resource::new(|| (), |_| demo_data_in_use());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                matches!(demo.await, Ok(true)).then(|| view! {
                    <div
                        role="note"
                        data-testid="demo-banner"
                        class="border-b border-amber-300 bg-amber-50 px-4 py-2 text-center text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
                    >
                        <strong class="font-semibold">"Demo data"</strong>
                        " — prices are synthetic, generated offline; signals and backtests on them are illustrations, not market information."
                    </div>
                })
            })}
        </Suspense>
    }
}

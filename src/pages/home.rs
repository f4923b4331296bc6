//! The first screen: what the product does, and the live state of this installation.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::components::form::CARD;
use crate::health::{CheckStatus, HealthReport, ServiceStatus};
use crate::server_fns::status::system_status;

const FEATURES: [(&str, &str); 4] = [
    (
        "Explained signals",
        "BUY, SELL or HOLD with a confidence and the indicator readings behind it.",
    ),
    (
        "Exact indicators",
        "SMA, EMA, RSI, MACD, Bollinger Bands and more, matching TA-Lib's definitions.",
    ),
    (
        "Honest backtests",
        "Next-bar fills and commission on both sides, compared with buy-and-hold.",
    ),
    (
        "An API for everything",
        "Every feature over HTTP with a JWT or an API key, CSV export included.",
    ),
];

#[component]
pub fn HomePage() -> impl IntoView {
    let user = crate::components::auth::use_auth().user;
    view! {
        <Title text="Investment signals you can verify"/>
        // Signed-in visitors belong on their dashboard.
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                matches!(user.await, Ok(Some(_))).then(|| view! { <Redirect path="/dashboard"/> })
            })}
        </Suspense>
        <section class="py-8 sm:py-12">
            <h1 class="max-w-3xl text-4xl font-bold tracking-tight sm:text-5xl">
                "Investment signals you can verify"
            </h1>
            <p class="mt-4 max-w-2xl text-lg text-slate-600 dark:text-slate-400">
                "Keep watchlists, generate explained signals, study candlestick and indicator charts, "
                "and backtest strategies on your own server."
            </p>
        </section>
        <section aria-label="Features" class="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            {FEATURES
                .into_iter()
                .map(|(title, text)| {
                    view! {
                        <article class=CARD>
                            <h2 class="font-semibold">{title}</h2>
                            <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">{text}</p>
                        </article>
                    }
                })
                .collect_view()}
        </section>
        <SystemStatusCard/>
    }
}

#[component]
fn SystemStatusCard() -> impl IntoView {
    let report = Resource::new(|| (), |_| system_status());
    view! {
        <section
            aria-labelledby="status-heading"
            class="mt-10 rounded-xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900"
        >
            <h2 id="status-heading" class="font-semibold">"This installation"</h2>
            <Suspense fallback=|| view! { <p class="mt-3 text-sm text-slate-500">"Checking…"</p> }>
                {move || {
                    report
                        .get()
                        .map(|result| match result {
                            Ok(report) => view! { <StatusDetails report/> }.into_any(),
                            Err(_) => {
                                view! {
                                    <p class="mt-3 text-sm text-rose-600">"Status unavailable."</p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn StatusDetails(report: HealthReport) -> impl IntoView {
    let (status_text, status_class) = match report.status {
        ServiceStatus::Ok => ("Operational", "text-emerald-600 dark:text-emerald-400"),
        ServiceStatus::Degraded => ("Degraded", "text-amber-600 dark:text-amber-400"),
        ServiceStatus::Down => ("Down", "text-rose-600 dark:text-rose-400"),
    };
    let redis = match report.checks.redis.status {
        CheckStatus::Ok => "connected",
        CheckStatus::Down => "unreachable",
        CheckStatus::NotConfigured => "not configured (in-memory fallback)",
    };
    let database = match report.checks.database.status {
        CheckStatus::Ok => format!("ok, {:.1} ms", report.checks.database.latency_ms),
        _ => "unreachable".to_string(),
    };
    let market = &report.checks.market_data;
    let market_data = match (market.demo, market.status) {
        (true, _) => "demo (synthetic prices)".to_string(),
        (false, CheckStatus::Ok) => market.provider.clone(),
        (false, _) => format!("{}: failing", market.provider),
    };
    view! {
        <dl class="mt-3 grid gap-3 text-sm sm:grid-cols-5" data-testid="system-status">
            <div>
                <dt class="text-slate-500">"Status"</dt>
                <dd class=format!("font-medium {status_class}")>{status_text}</dd>
            </div>
            <div>
                <dt class="text-slate-500">"Environment"</dt>
                <dd class="font-medium">{report.environment}</dd>
            </div>
            <div>
                <dt class="text-slate-500">"Database"</dt>
                <dd class="font-medium">{database}</dd>
            </div>
            <div>
                <dt class="text-slate-500">"Cache"</dt>
                <dd class="font-medium">{redis}</dd>
            </div>
            <div>
                <dt class="text-slate-500">"Market data"</dt>
                <dd class="font-medium" data-testid="status-market-data">{market_data}</dd>
            </div>
        </dl>
    }
}

//! `/admin` (administrators only): the system summary (request rate, latency
//! percentiles, error rate, cache hit rate by tier, live connections), the busiest
//! routes, and users with search, tier change and deactivation. Every control is a
//! form, so it works without JavaScript; in the browser the summary refreshes itself.

use crate::components::data_table::{Column, DataTable};
use crate::components::stat_card::StatCard;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, Redirect};
use leptos_router::hooks::use_query_map;

use crate::components::auth::ErrorNotice;
use crate::components::form::{field_class, FormField, CARD, SMALL_BUTTON};
use crate::components::format::percent;
use crate::components::toast::toast_outcomes;
use crate::domain::tier::Tier;
use crate::server_fns::admin::{admin_page_data, AdminChangeTier, AdminSetActive};
use crate::server_fns::error::AppError;
use crate::wire::accounts::UserProfile;
use crate::wire::admin::{AdminOverview, SystemSummary, Traffic};

/// How often the browser reloads the summary.
#[cfg(feature = "hydrate")]
const REFRESH: std::time::Duration = std::time::Duration::from_secs(10);

super::lazy_page!(AdminRoute, AdminPage);

const USER_COLUMNS: &[Column] = &[
    Column::text("Email"),
    Column::text("Tier"),
    Column::text("Role"),
    Column::text("Status"),
    Column::hidden("Actions"),
];
const ROUTE_TABLE_COLUMNS: &[Column] = &[
    Column::text("Route"),
    Column::number("Requests"),
    Column::number("p50"),
    Column::number("p95"),
    Column::number("p99"),
    Column::number("5xx"),
];
const ERROR_TABLE_COLUMNS: &[Column] = &[
    Column::text("Route"),
    Column::text("Code"),
    Column::number("Count"),
    Column::number("Share of route"),
];

#[component]
pub fn AdminPage() -> impl IntoView {
    let query_map = use_query_map();
    let search = move || query_map.read().get("q").unwrap_or_default();
    let change_tier = ServerAction::<AdminChangeTier>::new();
    let set_active = ServerAction::<AdminSetActive>::new();
    toast_outcomes(change_tier, "Tier changed");
    toast_outcomes(set_active, "Account updated");
    let refreshes = RwSignal::new(0u32);
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(move || refreshes.update(|n| *n += 1), REFRESH).ok();
        on_cleanup(move || {
            if let Some(handle) = handle {
                handle.clear();
            }
        });
    }
    let overview = Resource::new(
        move || {
            (
                search(),
                change_tier.version().get(),
                set_active.version().get(),
                refreshes.get(),
            )
        },
        |(query, ..)| admin_page_data(query),
    );
    let failures = move || {
        [change_tier.value().get(), set_active.value().get()]
            .into_iter()
            .flatten()
            .filter_map(Result::err)
            .collect::<Vec<AppError>>()
    };
    view! {
        <Title text="Admin"/>
        <h1 class="text-2xl font-semibold tracking-tight">"Administration"</h1>
        <div class="mt-4 flex flex-col gap-2" aria-live="polite">
            {move || failures().into_iter().map(|error| view! { <ErrorNotice error/> }).collect_view()}
        </div>
        <Transition fallback=|| view! { <div class="mt-6 h-40 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(Some(data)) => view! { <Overview data search=search() change_tier set_active/> }.into_any(),
                    Ok(None) => view! { <Redirect path="/login?next=/admin"/> }.into_any(),
                    Err(error) => view! { <div class="mt-6"><ErrorNotice error/></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Overview(
    data: AdminOverview,
    search: String,
    change_tier: ServerAction<AdminChangeTier>,
    set_active: ServerAction<AdminSetActive>,
) -> impl IntoView {
    let AdminOverview {
        summary,
        users,
        matching,
    } = data;
    view! {
        <SummaryCards summary=summary.clone()/>
        <RoutesTable summary=summary.clone()/>
        <ErrorsAndSignals summary/>
        <section class=format!("mt-6 {CARD}") aria-labelledby="users-heading">
            <div class="flex flex-wrap items-end justify-between gap-3">
                <h2 id="users-heading" class="font-semibold">"Users"</h2>
                <Form method="GET" action="/admin" attr:class="flex items-end gap-2" attr:role="search">
                    <FormField label="Search by email">
                        <input type="search" name="q" value=search class=field_class() data-testid="user-search"/>
                    </FormField>
                    <button type="submit" class=SMALL_BUTTON>"Search"</button>
                </Form>
            </div>
            <p class="mt-2 text-sm text-slate-500" data-testid="user-count">
                {format!("{matching} matching, showing {}", users.len())}
            </p>
            <div class="mt-3 overflow-x-auto">
                <DataTable columns=USER_COLUMNS>
                    <tbody>
                        {users
                            .into_iter()
                            .map(|user| view! { <UserRow user change_tier set_active/> })
                            .collect_view()}
                    </tbody>
                </DataTable>
            </div>
        </section>
    }
}

#[component]
fn SummaryCards(summary: SystemSummary) -> impl IntoView {
    let SystemSummary {
        overall,
        caches,
        websocket_connections,
        uptime_secs,
        database,
        users,
        ..
    } = summary;
    let Traffic {
        requests_per_second,
        error_rate,
        p95_ms,
        p99_ms,
        window_secs,
        ..
    } = overall;
    let cards = vec![
        (
            "Requests / s",
            format!("{requests_per_second:.2}"),
            "requests-per-second",
        ),
        ("p95 latency", milliseconds(p95_ms), "p95"),
        ("p99 latency", milliseconds(p99_ms), "p99"),
        ("Error rate (5xx)", percent(error_rate), "error-rate"),
        (
            "Live connections",
            websocket_connections.to_string(),
            "websockets",
        ),
        ("Users", users.to_string(), "users"),
    ];
    view! {
        <p class="mt-2 text-sm text-slate-500">
            {format!("Last {} of traffic · up {} · {database}", duration(window_secs), duration(uptime_secs))}
        </p>
        <dl class="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" data-testid="system-summary">
            {cards
                .into_iter()
                .map(|(label, value, id)| view! {
                    <StatCard label value value_testid=format!("metric-{id}")/>
                })
                .collect_view()}
        </dl>
        <ul class="mt-3 flex flex-wrap gap-3 text-sm" data-testid="cache-tiers">
            {caches
                .into_iter()
                .map(|cache| view! {
                    <li class="rounded-full border border-slate-300 px-3 py-1 dark:border-slate-700">
                        {format!("{} cache ({}): {} hit rate ({} hits, {} misses)", cache.cache.replace('_', " "), cache.tier, percent(cache.hit_rate), cache.hits, cache.misses)}
                    </li>
                })
                .collect_view()}
        </ul>
    }
}

#[component]
fn RoutesTable(summary: SystemSummary) -> impl IntoView {
    view! {
        <section class=format!("mt-6 {CARD}") aria-labelledby="routes-heading">
            <h2 id="routes-heading" class="font-semibold">"Busiest routes"</h2>
            <div class="mt-3 overflow-x-auto">
                <DataTable columns=ROUTE_TABLE_COLUMNS testid="route-table">
                    <tbody>
                        {summary
                            .routes
                            .into_iter()
                            .map(|route| view! {
                                <tr class="border-t border-slate-200 dark:border-slate-800">
                                    <td class="py-1.5 pr-4 font-mono text-xs">{route.route}</td>
                                    <td class="py-1.5 pr-4 text-right">{route.traffic.requests}</td>
                                    <td class="py-1.5 pr-4 text-right">{milliseconds(route.traffic.p50_ms)}</td>
                                    <td class="py-1.5 pr-4 text-right">{milliseconds(route.traffic.p95_ms)}</td>
                                    <td class="py-1.5 pr-4 text-right">{milliseconds(route.traffic.p99_ms)}</td>
                                    <td class="py-1.5 text-right">{percent(route.traffic.error_rate)}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </DataTable>
            </div>
        </section>
    }
}

/// Error answers by route and code, signal run outcomes and the database pool.
#[component]
fn ErrorsAndSignals(summary: SystemSummary) -> impl IntoView {
    let SystemSummary {
        errors,
        signals,
        pool,
        ..
    } = summary;
    let pool_line = format!(
        "Database ({}): {}, {:.1} ms · {} of {} connections in use, {} idle",
        pool.backend, pool.status, pool.ping_ms, pool.in_use, pool.max, pool.idle
    );
    let signal_line = format!(
        "Signal runs: {} · {} succeeded · {} failed",
        signals.runs,
        percent(signals.success_rate),
        percent(signals.failure_rate)
    );
    let reasons = signals
        .failures
        .into_iter()
        .map(|f| format!("{} × {}", f.count, f.name))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <section class=format!("mt-6 {CARD}") aria-labelledby="health-heading">
            <h2 id="health-heading" class="font-semibold">"Errors, signals and database"</h2>
            <p class="mt-2 text-sm" data-testid="pool-health">{pool_line}</p>
            <p class="mt-1 text-sm" data-testid="signal-outcomes">
                {signal_line}
                {(!reasons.is_empty()).then(|| format!(" ({reasons})"))}
            </p>
            <div class="mt-3 overflow-x-auto">
                <DataTable columns=ERROR_TABLE_COLUMNS testid="error-table">
                    <tbody>
                        {errors
                            .into_iter()
                            .map(|error| view! {
                                <tr class="border-t border-slate-200 dark:border-slate-800">
                                    <td class="py-1.5 pr-4 font-mono text-xs">{error.route}</td>
                                    <td class="py-1.5 pr-4 font-mono text-xs">{error.code}</td>
                                    <td class="py-1.5 pr-4 text-right">{error.count}</td>
                                    <td class="py-1.5 text-right">{percent(error.rate)}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </DataTable>
            </div>
        </section>
    }
}

#[component]
fn UserRow(
    user: UserProfile,
    change_tier: ServerAction<AdminChangeTier>,
    set_active: ServerAction<AdminSetActive>,
) -> impl IntoView {
    let UserProfile {
        id,
        email,
        tier,
        role,
        is_active,
        ..
    } = user;
    let tier_label = format!("Tier of {email}");
    let toggle_label = if is_active {
        format!("Deactivate {email}")
    } else {
        format!("Reactivate {email}")
    };
    let (tier_id, active_id, data_email) = (id.clone(), id, email.clone());
    view! {
        <tr class="border-t border-slate-200 dark:border-slate-800" data-testid="user-row" data-email=data_email>
            <td class="py-2 pr-4">{email}</td>
            <td class="py-2 pr-4">
                <ActionForm action=change_tier attr:class="flex items-center gap-2">
                    <input type="hidden" name="id" value=tier_id/>
                    <select name="tier" aria-label=tier_label class=field_class()>
                        {Tier::ALL
                            .into_iter()
                            .map(|choice| view! {
                                <option value=choice.as_str() selected=choice.as_str() == tier>{choice.as_str()}</option>
                            })
                            .collect_view()}
                    </select>
                    <button type="submit" class=SMALL_BUTTON>"Save"</button>
                </ActionForm>
            </td>
            <td class="py-2 pr-4">{role}</td>
            <td class="py-2 pr-4" data-testid="user-status">{if is_active { "active" } else { "deactivated" }}</td>
            <td class="py-2">
                <ActionForm action=set_active>
                    <input type="hidden" name="id" value=active_id/>
                    <input type="hidden" name="active" value=(!is_active).to_string()/>
                    <button type="submit" aria-label=toggle_label class=format!("{SMALL_BUTTON} {}", if is_active { "text-rose-700 dark:text-rose-400" } else { "" })>
                        {if is_active { "Deactivate" } else { "Reactivate" }}
                    </button>
                </ActionForm>
            </td>
        </tr>
    }
}

fn milliseconds(ms: f64) -> String {
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

fn duration(secs: u64) -> String {
    match secs {
        0..=119 => format!("{secs} s"),
        120..=7_199 => format!("{} min", secs / 60),
        _ => format!("{} h", secs / 3_600),
    }
}

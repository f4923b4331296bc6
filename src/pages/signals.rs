//! `/signals`: the user's signals with filters (symbol, type, model, dates) kept in
//! the URL, sorting, pages, an "Export CSV" link to `/api/v1/export.csv` with the same
//! symbols and dates, and the track record as a table and a bar chart. The filter
//! form is a plain GET form, so it works without JavaScript.

use crate::components::data_table::{Column, DataTable};
use leptos::prelude::*;
use leptos_meta::{Script, Title};
use leptos_router::components::{Form, Redirect};
use leptos_router::hooks::use_query_map;

use crate::charts::track_record::track_record_chart;
use crate::components::auth::ErrorNotice;
use crate::components::chart::EChart;
use crate::components::form::{field_class, FormField, CARD};
use crate::components::format::{percent, price, signed_percent};
use crate::domain::query_string::query_string;
use crate::server_fns::signals::signal_listing;
use crate::signals::track_record::{Group, HORIZONS};
use crate::wire::signals::{SignalQuery, SignalView, SignalsPage};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sort {
    Newest,
    Oldest,
    Confidence,
}

impl Sort {
    fn apply(self, signals: &mut [SignalView]) {
        match self {
            // The server's order.
            Sort::Newest => {}
            Sort::Oldest => signals.reverse(),
            Sort::Confidence => signals.sort_by(|a, b| b.confidence.total_cmp(&a.confidence)),
        }
    }
}

super::lazy_page!(SignalsRoute, SignalsPage);

const SIGNALS_TABLE_COLUMNS: &[Column] = &[
    Column::text("Symbol"),
    Column::text("Day"),
    Column::text("Signal"),
    Column::number("Confidence"),
    Column::number("Score"),
    Column::number("Price"),
    Column::text("Model"),
];

#[component]
pub fn SignalsPage() -> impl IntoView {
    let query_map = use_query_map();
    let query = move || {
        let read = query_map.read();
        let get = |name: &str| read.get(name).filter(|v| !v.is_empty());
        SignalQuery {
            symbol: get("symbol"),
            signal: get("signal"),
            model: get("model"),
            from: get("from"),
            to: get("to"),
            limit: None,
            cursor: get("cursor"),
        }
    };
    let listing = Resource::new(query, |q| {
        signal_listing(q.symbol, q.signal, q.model, q.from, q.to, q.cursor)
    });
    view! {
        <Title text="Signals"/>
        <Script src="/vendor/echarts.min.js" defer="true"/>
        <h1 class="text-2xl font-semibold tracking-tight">"Signals"</h1>
        <Filters query=query()/>
        <Transition fallback=|| view! { <div class="mt-6 h-64 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800"></div> }>
            {move || Suspend::new(async move {
                match listing.await {
                    Ok(Some(page)) => view! { <Listing page query=query()/> }.into_any(),
                    Ok(None) => view! { <Redirect path="/login?next=/signals"/> }.into_any(),
                    Err(error) => view! { <div class="mt-6"><ErrorNotice error/></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Filters(query: SignalQuery) -> impl IntoView {
    let choice = |options: &'static [&'static str], current: Option<String>| {
        options
            .iter()
            .map(|option| {
                let selected = current.as_deref() == Some(*option);
                view! { <option value=*option selected=selected>{*option}</option> }
            })
            .collect_view()
    };
    view! {
        <Form method="GET" action="/signals" attr:class=format!("mt-4 flex flex-wrap items-end gap-3 {CARD}") attr:data-testid="signal-filters">
            <FormField label="Symbols">
                <input type="text" name="symbol" placeholder="AAPL,MSFT" value=query.symbol.clone().unwrap_or_default() class=format!("{} w-36 uppercase", field_class())/>
            </FormField>
            <FormField label="Type">
                <select name="signal" class=field_class()>
                    <option value="">"Any"</option>
                    {choice(&["BUY", "SELL", "HOLD"], query.signal.clone())}
                </select>
            </FormField>
            <FormField label="Model">
                <select name="model" class=field_class()>
                    <option value="">"Any"</option>
                    {choice(&["ensemble", "classic", "momentum"], query.model.clone())}
                </select>
            </FormField>
            <FormField label="From">
                <input type="date" name="from" value=query.from.clone().unwrap_or_default() class=field_class()/>
            </FormField>
            <FormField label="To">
                <input type="date" name="to" value=query.to.clone().unwrap_or_default() class=field_class()/>
            </FormField>
            <button type="submit" class="rounded-md bg-sky-700 px-4 py-2 text-sm font-semibold text-white hover:bg-sky-800 dark:bg-sky-600">"Apply"</button>
            <a href="/signals" class="px-2 py-2 text-sm text-slate-600 underline dark:text-slate-400">"Clear"</a>
        </Form>
    }
}

#[component]
fn Listing(page: SignalsPage, query: SignalQuery) -> impl IntoView {
    let SignalsPage {
        signals,
        next_cursor,
        track_record,
    } = page;
    let sort = RwSignal::new(Sort::Newest);
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let (symbol, signal, model, from, to) = (
        text(&query.symbol),
        text(&query.signal),
        text(&query.model),
        text(&query.from),
        text(&query.to),
    );
    let export = format!(
        "/api/v1/export.csv?{}",
        query_string([
            ("symbols", symbol.as_str()),
            ("from", from.as_str()),
            ("to", to.as_str())
        ])
    );
    let next = next_cursor.map(|cursor| {
        format!(
            "/signals?{}",
            query_string([
                ("symbol", symbol.as_str()),
                ("signal", signal.as_str()),
                ("model", model.as_str()),
                ("from", from.as_str()),
                ("to", to.as_str()),
                ("cursor", cursor.as_str()),
            ])
        )
    });
    let on_later_page = query.cursor.is_some();
    let empty = signals.is_empty();
    let rows = StoredValue::new(signals);
    let sorted = move || {
        let mut rows = rows.get_value();
        sort.get().apply(&mut rows);
        rows
    };
    view! {
        <section class=format!("mt-6 {CARD}") aria-labelledby="listing-heading">
            <div class="flex flex-wrap items-center justify-between gap-3">
                <h2 id="listing-heading" class="font-semibold">"Your signals"</h2>
                <div class="flex flex-wrap items-center gap-3 text-sm">
                    <label class="flex items-center gap-2">
                        "Sort"
                        <select
                            class=field_class()
                            on:change=move |event| {
                                sort.set(match event_target_value(&event).as_str() {
                                    "oldest" => Sort::Oldest,
                                    "confidence" => Sort::Confidence,
                                    _ => Sort::Newest,
                                })
                            }
                        >
                            <option value="newest">"Newest first"</option>
                            <option value="oldest">"Oldest first"</option>
                            <option value="confidence">"Most confident"</option>
                        </select>
                    </label>
                    <a href=export download="" rel="external" class="rounded-md border border-slate-300 px-3 py-2 font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800" data-testid="export-csv">
                        "Export CSV"
                    </a>
                </div>
            </div>
            {empty.then(|| view! {
                <p class="mt-4 text-sm text-slate-600 dark:text-slate-400" data-testid="no-signals">
                    "No signals match. Run signals from a watchlist on the dashboard, or clear the filters."
                </p>
            })}
            <div class="mt-4 overflow-x-auto">
                <DataTable columns=SIGNALS_TABLE_COLUMNS testid="signals-table">
                    <tbody>
                        {move || sorted().into_iter().map(|s| view! {
                            <tr class="border-t border-slate-200 dark:border-slate-800" data-testid="signal-row">
                                <td class="py-2 pr-4 font-medium"><a href=format!("/markets/{}", s.symbol) class="hover:underline">{s.symbol.clone()}</a></td>
                                <td class="py-2 pr-4 tabular-nums">{s.ts.clone()}</td>
                                <td class="py-2 pr-4" data-testid="row-signal">{s.signal.clone()}</td>
                                <td class="py-2 pr-4 text-right tabular-nums" data-testid="row-confidence">{percent(s.confidence)}</td>
                                <td class="py-2 pr-4 text-right tabular-nums">{format!("{:+.2}", s.score)}</td>
                                <td class="py-2 pr-4 text-right tabular-nums">{price(s.price)}</td>
                                <td class="py-2 pr-4">{s.model.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </DataTable>
            </div>
            <nav aria-label="Pages" class="mt-4 flex gap-4 text-sm">
                {on_later_page.then(|| view! { <a href="/signals" class="underline">"First page"</a> })}
                {next.map(|href| view! { <a href=href class="underline" data-testid="next-page">"Next page"</a> })}
            </nav>
        </section>
        <TrackRecord groups=track_record/>
    }
}

#[component]
fn TrackRecord(groups: Vec<Group>) -> impl IntoView {
    let chart = track_record_chart(&groups);
    let empty = groups.is_empty();
    view! {
        <section class=format!("mt-6 {CARD}") aria-labelledby="track-heading">
            <h2 id="track-heading" class="font-semibold">"Track record"</h2>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                "How past signals fared: a BUY hits when the price rose, a SELL when it fell, a HOLD when it stayed within ±2 %."
            </p>
            {if empty {
                view! { <p class="mt-4 text-sm text-slate-500">"Nothing to score yet."</p> }.into_any()
            } else {
                view! {
                    <div class="mt-4 overflow-x-auto">
                        <table class="w-full text-left text-sm" data-testid="track-record">
                            <thead class="text-slate-500">
                                <tr>
                                    <th scope="col" class="py-2 pr-4">"Model"</th>
                                    <th scope="col" class="py-2 pr-4">"Signal"</th>
                                    <th scope="col" class="py-2 pr-4 text-right">"Count"</th>
                                    {HORIZONS.iter().map(|h| view! {
                                        <th scope="col" class="py-2 pr-4 text-right">{format!("Hit rate / mean return, {h} bars")}</th>
                                    }).collect_view()}
                                </tr>
                            </thead>
                            <tbody>
                                {groups.into_iter().map(|group| view! {
                                    <tr class="border-t border-slate-200 dark:border-slate-800">
                                        <td class="py-2 pr-4">{group.model.clone()}</td>
                                        <td class="py-2 pr-4">{group.signal.as_str()}</td>
                                        <td class="py-2 pr-4 text-right tabular-nums">{group.count}</td>
                                        {HORIZONS.iter().map(|h| {
                                            let stats = group.horizons.get(&h.to_string()).cloned().unwrap_or_default();
                                            let cell = match (stats.hit_rate, stats.mean_return) {
                                                (Some(rate), Some(mean)) => format!("{} / {}", percent(rate), signed_percent(mean * 100.0)),
                                                _ => "—".to_string(),
                                            };
                                            view! { <td class="py-2 pr-4 text-right tabular-nums">{cell}</td> }
                                        }).collect_view()}
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <EChart id="track-record-chart" chart=Signal::stored(chart) label="Hit rate by horizon" class="mt-4 h-72 w-full"/>
                }.into_any()
            }}
        </section>
    }
}

//! `/markets`: the symbols with data; `/markets/{symbol}`: the candlestick chart with
//! volume, switchable SMA and Bollinger overlays, RSI and MACD panes and the user's
//! BUY/SELL markers on one zoomable time axis, range buttons, and the latest signal
//! with its reasons and indicator values. Signed-out visitors are sent to log in.

use leptos::prelude::*;

use crate::components::form::CARD;
use leptos_meta::{Script, Title};
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_params_map;

use crate::charts::market::{market_chart, market_chart_patch, Overlays, Range};
use crate::components::auth::ErrorNotice;
use crate::components::chart::EChart;
use crate::components::format::{change_class, percent, price, signed, signed_percent};
use crate::components::live::{use_live, LiveIndicator};
use crate::server_fns::markets::{known_symbols, market_data};
use crate::wire::market_view::MarketView;
use crate::wire::signals::SignalView;

super::lazy_page!(MarketsIndexRoute, MarketsIndexPage);

super::lazy_page!(MarketRoute, MarketPage);

#[component]
pub fn MarketsIndexPage() -> impl IntoView {
    let symbols = Resource::new(|| (), |_| known_symbols());
    view! {
        <Title text="Markets"/>
        <h1 class="text-2xl font-semibold tracking-tight">"Markets"</h1>
        <Suspense fallback=|| view! { <p class="mt-4 text-slate-500">"Loading symbols…"</p> }>
            {move || Suspend::new(async move {
                match symbols.await {
                    Ok(Some(symbols)) => view! {
                        <ul class="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-6" data-testid="market-symbols">
                            {symbols
                                .into_iter()
                                .map(|symbol| view! {
                                    <li>
                                        <A href=format!("/markets/{symbol}") attr:class="block rounded-lg border border-slate-200 bg-white px-4 py-3 font-semibold hover:border-sky-500 dark:border-slate-800 dark:bg-slate-900">
                                            {symbol.clone()}
                                        </A>
                                    </li>
                                })
                                .collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Ok(None) => view! { <Redirect path="/login?next=/markets"/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn MarketPage() -> impl IntoView {
    let params = use_params_map();
    let symbol = move || params.read().get("symbol").unwrap_or_default();
    let data = Resource::new(symbol, market_data);
    view! {
        <Title text=move || symbol().to_uppercase()/>
        <Script src="/vendor/echarts.min.js" defer="true"/>
        <Suspense fallback=|| view! { <div class="h-96 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(view)) => view! { <Market view/> }.into_any(),
                    Ok(None) => {
                        let next = format!("/login?next=/markets/{}", symbol());
                        view! { <Redirect path=next/> }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Market(view: MarketView) -> impl IntoView {
    let overlays = RwSignal::new(Overlays::default());
    let range = RwSignal::new(Range::default());
    let last = view.close.last().copied().unwrap_or_default();
    let previous = view
        .close
        .len()
        .checked_sub(2)
        .map_or(last, |i| view.close[i]);
    let change = last - previous;
    let change_pct = if previous != 0.0 {
        change / previous * 100.0
    } else {
        0.0
    };
    let bars = view.days.len();
    let last_day = view.days.last().cloned().unwrap_or_default();
    let symbol = view.symbol.clone();
    let quote = use_live(vec![symbol.clone()]).quote(&symbol);
    // The live price and its change against the last close, once the feed answers.
    let shown = move || {
        quote.with(|q| {
            q.as_ref().map_or((last, change, change_pct), |q| {
                (q.price, q.change, q.change_pct)
            })
        })
    };
    let latest = view.latest.clone();
    let (is_demo, is_stale) = (view.is_demo, view.is_stale);
    let chart_data = StoredValue::new(view);
    let chart = Signal::derive(move || {
        chart_data.with_value(|data| market_chart(data, overlays.get(), range.get()))
    });
    view! {
        <div class="flex flex-wrap items-end justify-between gap-4">
            <div>
                <h1 class="text-2xl font-semibold tracking-tight" data-testid="market-symbol">{symbol.clone()}</h1>
                <p class="mt-1 text-sm text-slate-500">
                    {format!("{bars} daily bars, last {last_day}")}
                    {is_demo.then(|| view! { <span class="ml-2 rounded bg-amber-100 px-1 text-amber-800 dark:bg-amber-950 dark:text-amber-300">"demo data"</span> })}
                    {is_stale.then(|| view! { <span class="ml-2 rounded bg-orange-100 px-1 text-orange-800 dark:bg-orange-950 dark:text-orange-300">"stale"</span> })}
                </p>
            </div>
            <p class="text-right">
                <LiveIndicator/>
                <span class="block text-3xl font-semibold tabular-nums" data-testid="market-price">{move || price(shown().0)}</span>
                <span class=move || format!("tabular-nums {}", change_class(shown().1))>
                    {move || {
                        let (_, change, change_pct) = shown();
                        format!("{} ({})", signed(change), signed_percent(change_pct))
                    }}
                </span>
            </p>
        </div>
        <div class="mt-6 flex flex-wrap items-center justify-between gap-3">
            <div role="group" aria-label="Range" class="inline-flex overflow-hidden rounded-md border border-slate-300 dark:border-slate-700">
                {Range::ALL
                    .into_iter()
                    .map(|choice| view! {
                        <button
                            type="button"
                            class="px-3 py-1.5 text-sm font-medium hover:bg-slate-100 aria-pressed:bg-sky-700 aria-pressed:text-white dark:hover:bg-slate-800"
                            aria-pressed=move || (range.get() == choice).to_string()
                            on:click=move |_| range.set(choice)
                        >
                            {choice.label()}
                        </button>
                    })
                    .collect_view()}
            </div>
            <fieldset class="flex flex-wrap gap-4 text-sm">
                <legend class="sr-only">"Overlays"</legend>
                <OverlaySwitch label="SMA 20" overlays read=|o| o.sma20 write=|o, v| o.sma20 = v/>
                <OverlaySwitch label="SMA 50" overlays read=|o| o.sma50 write=|o, v| o.sma50 = v/>
                <OverlaySwitch label="SMA 200" overlays read=|o| o.sma200 write=|o, v| o.sma200 = v/>
                <OverlaySwitch label="Bollinger" overlays read=|o| o.bollinger write=|o, v| o.bollinger = v/>
            </fieldset>
        </div>
        <section class=format!("mt-4 {CARD}")>
            <EChart id="market-chart" chart patch=market_chart_patch() label=format!("{symbol}: price, volume, RSI and MACD") class="h-[36rem] w-full"/>
        </section>
        <LatestSignal latest/>
    }
}

#[component]
fn OverlaySwitch(
    label: &'static str,
    overlays: RwSignal<Overlays>,
    read: fn(&Overlays) -> bool,
    write: fn(&mut Overlays, bool),
) -> impl IntoView {
    view! {
        <label class="inline-flex items-center gap-2">
            <input
                type="checkbox"
                class="h-4 w-4 accent-sky-700"
                prop:checked=move || overlays.with(read)
                on:change=move |event| {
                    let on = event_target_checked(&event);
                    overlays.update(|o| write(o, on));
                }
            />
            {label}
        </label>
    }
}

#[component]
fn LatestSignal(latest: Option<SignalView>) -> impl IntoView {
    let Some(signal) = latest else {
        return view! {
            <section class=format!("mt-6 {CARD}") data-testid="latest-signal">
                <h2 class="font-semibold">"Latest signal"</h2>
                <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">
                    "None yet for this symbol: run signals from a watchlist on the dashboard."
                </p>
            </section>
        }
        .into_any();
    };
    let snapshot = serde_json::to_value(&signal.indicators).unwrap_or_default();
    let values: Vec<(String, f64)> = snapshot
        .as_object()
        .map(|fields| {
            fields
                .iter()
                .filter_map(|(name, value)| value.as_f64().map(|v| (name.clone(), v)))
                .collect()
        })
        .unwrap_or_default();
    view! {
        <section class=format!("mt-6 {CARD}") data-testid="latest-signal">
            <div class="flex flex-wrap items-center gap-3">
                <h2 class="font-semibold">"Latest signal"</h2>
                <span class="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold dark:bg-slate-800" data-testid="latest-signal-type">
                    {signal.signal.clone()} " " {percent(signal.confidence)}
                </span>
                <span class="text-sm text-slate-500">{format!("{} model, {} at {}", signal.model, signal.ts, price(signal.price))}</span>
            </div>
            <div class="mt-4 grid gap-6 md:grid-cols-2">
                <ul class="list-inside list-disc text-sm" data-testid="signal-reasons">
                    {signal.reasons.iter().map(|reason| view! { <li>{reason.clone()}</li> }).collect_view()}
                </ul>
                <dl class="grid grid-cols-[1fr_auto] gap-x-4 gap-y-1 text-sm">
                    {values
                        .into_iter()
                        .map(|(name, value)| view! {
                            <dt class="text-slate-500">{name}</dt>
                            <dd class="text-right tabular-nums">{price(value)}</dd>
                        })
                        .collect_view()}
                </dl>
            </div>
        </section>
    }
    .into_any()
}

//! Portfolio mode of `/backtest`: symbols from a watchlist or typed, the weighting
//! and the rebalancing in a GET form (so the URL keeps them, like the other modes),
//! then the equity against the benchmark with the drawdown beneath, the weights over
//! time as stacked areas, and each symbol's contribution.

use leptos::prelude::*;
use leptos_router::components::{Form, Redirect};
use leptos_router::hooks::use_query_map;

use crate::charts::portfolio::{portfolio_chart, weights_chart};
use crate::components::auth::ErrorNotice;
use crate::components::chart::EChart;
use crate::components::data_table::{Column, DataTable};
use crate::components::form::{field_class, FormField, CARD};
use crate::components::format::{change_class, percent, price, signed, signed_percent};
use crate::components::stat_card::StatCard;
use crate::server_fns::backtest::run_portfolio;
use crate::server_fns::dashboard::user_watchlists;
use crate::wire::portfolio::PortfolioReport;
use crate::wire::portfolio_form::PortfolioForm;
use crate::wire::watchlists::WatchlistView;

const CONTRIBUTION_COLUMNS: &[Column] = &[
    Column::text("Symbol"),
    Column::number("P&L"),
    Column::number("Contribution"),
    Column::number("Commissions"),
    Column::number("Final weight"),
];

#[component]
pub fn PortfolioMode() -> impl IntoView {
    let query = use_query_map();
    let form = move || {
        let read = query.read();
        PortfolioForm::from_fields(|name| read.get(name).filter(|v| !v.is_empty()))
    };
    // Nothing to run (and an empty form would not even encode) until symbols are chosen.
    let report = Resource::new(form, |form| async move {
        if form.watchlist.is_none() && form.typed_symbols().is_empty() {
            return Ok(None);
        }
        run_portfolio(form).await
    });
    let watchlists = Resource::new(
        || (),
        |_| async move { user_watchlists().await.unwrap_or_default() },
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let lists = watchlists.await;
                view! { <PortfolioSettings form=form() watchlists=lists/> }
            })}
        </Transition>
        <Transition fallback=|| view! { <div class="mt-6 h-64 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800"></div> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(Some(report)) => view! { <PortfolioResults report/> }.into_any(),
                    Ok(None) => view! {
                        <p class="mt-6 text-sm text-slate-600 dark:text-slate-400">"Choose a watchlist or type symbols, then run the portfolio."</p>
                    }
                    .into_any(),
                    Err(error) if error.code == "AUTHENTICATION_REQUIRED" => {
                        view! { <Redirect path="/login?next=/backtest?mode=portfolio"/> }.into_any()
                    }
                    Err(error) => view! { <div class="mt-6"><ErrorNotice error/></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PortfolioSettings(form: PortfolioForm, watchlists: Vec<WatchlistView>) -> impl IntoView {
    let value = |field: &Option<String>, default: &str| {
        field.clone().unwrap_or_else(|| default.to_string())
    };
    let chosen_list = value(&form.watchlist, "");
    let weights = value(&form.weights, "equal");
    let model = value(&form.model, "ensemble");
    let rebalance = value(&form.rebalance, "monthly");
    let number = |label: &'static str, name: &'static str, current: String| {
        view! {
            <FormField label>
                <input type="number" name=name step="any" value=current class=format!("{} w-32", field_class())/>
            </FormField>
        }
    };
    view! {
        <Form method="GET" action="/backtest" attr:class=format!("mt-4 {CARD}") attr:data-testid="portfolio-form">
            <input type="hidden" name="mode" value="portfolio"/>
            <div class="flex flex-wrap items-end gap-3">
                <FormField label="Watchlist">
                    <select name="watchlist" class=field_class() data-testid="portfolio-watchlist">
                        <option value="" selected=chosen_list.is_empty()>"Typed symbols"</option>
                        {watchlists.into_iter().map(|list| {
                            let selected = list.id == chosen_list;
                            let label = format!("{} ({} symbols)", list.name, list.symbols.len());
                            view! { <option value=list.id selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                </FormField>
                <FormField label="Symbols">
                    <input type="text" name="symbols" value=value(&form.symbols, "") placeholder="AAPL, MSFT, KO" class=format!("{} w-64 uppercase", field_class())/>
                </FormField>
                <FormField label="Weights">
                    <select name="weights" class=field_class() data-testid="portfolio-weights">
                        {[("equal", "Equal"), ("inverse_volatility", "Inverse volatility"), ("explicit", "Explicit"), ("model", "Signal model's BUYs")]
                            .into_iter()
                            .map(|(key, label)| view! { <option value=key selected=weights == key>{label}</option> })
                            .collect_view()}
                    </select>
                </FormField>
                <FormField label="Model">
                    <select name="model" class=field_class()>
                        {["ensemble", "classic", "momentum"]
                            .into_iter()
                            .map(|key| view! { <option value=key selected=model == key>{key}</option> })
                            .collect_view()}
                    </select>
                </FormField>
                <FormField label="Explicit weights">
                    <input type="text" name="explicit" value=value(&form.explicit, "") placeholder="AAPL:0.4, MSFT:0.3" class=format!("{} w-56", field_class())/>
                </FormField>
            </div>
            <div class="mt-3 flex flex-wrap items-end gap-3">
                <FormField label="Rebalance">
                    <select name="rebalance" class=field_class() data-testid="portfolio-rebalance">
                        {["never", "weekly", "monthly", "quarterly"]
                            .into_iter()
                            .map(|key| view! { <option value=key selected=rebalance == key>{key}</option> })
                            .collect_view()}
                    </select>
                </FormField>
                {number("Cash", "cash", value(&form.cash, "100000"))}
                {number("Commission", "commission", value(&form.commission, "0.001"))}
                <FormField label="From">
                    <input type="date" name="from" value=value(&form.from, "") class=field_class()/>
                </FormField>
                <FormField label="To">
                    <input type="date" name="to" value=value(&form.to, "") class=field_class()/>
                </FormField>
                <FormField label="Benchmark">
                    <input type="text" name="benchmark" value=value(&form.benchmark, "") placeholder="SPY" class=format!("{} w-28 uppercase", field_class())/>
                </FormField>
                <button type="submit" class="rounded-md bg-sky-700 px-4 py-2 text-sm font-semibold text-white hover:bg-sky-800 dark:bg-sky-600">
                    "Run portfolio"
                </button>
            </div>
        </Form>
    }
}

#[component]
fn PortfolioResults(report: PortfolioReport) -> impl IntoView {
    let stats = &report.stats;
    let maybe = |value: Option<f64>, suffix: &str| {
        value.map_or("—".to_string(), |v| format!("{v:.2}{suffix}"))
    };
    let cards: Vec<(&str, String, f64)> = vec![
        ("Return", signed_percent(stats.return_pct), stats.return_pct),
        (
            "CAGR",
            maybe(stats.cagr, " %"),
            stats.cagr.unwrap_or_default(),
        ),
        (
            "Equity final",
            format!("${}", price(stats.equity_final)),
            0.0,
        ),
        (
            "Max. drawdown",
            format!("{:.2} %", stats.max_drawdown),
            stats.max_drawdown,
        ),
        ("Sharpe", maybe(stats.sharpe, ""), 0.0),
        (
            "Volatility",
            format!("{:.2} %", stats.volatility_annual),
            0.0,
        ),
        (
            "Alpha",
            maybe(stats.alpha, " %"),
            stats.alpha.unwrap_or_default(),
        ),
        ("Beta", maybe(stats.beta, ""), 0.0),
        ("Turnover", format!("{:.1} %", stats.turnover), 0.0),
        ("Commissions", format!("${}", price(stats.commissions)), 0.0),
        ("Rebalances", stats.rebalances.to_string(), 0.0),
    ];
    let log_scale = RwSignal::new(false);
    let for_chart = report.clone();
    let chart = Signal::derive(move || portfolio_chart(&for_chart, log_scale.get()));
    let weights = Signal::derive({
        let report = report.clone();
        move || weights_chart(&report)
    });
    let heading = format!(
        "{} symbols from {} to {}",
        report.symbols.len(),
        stats.start,
        stats.end
    );
    let rows = report
        .contributions
        .iter()
        .map(|c| {
            view! {
                <tr class="border-t border-slate-200 dark:border-slate-800" data-testid="contribution-row">
                    <td class="py-2 pr-4 font-medium">{c.symbol.clone()}</td>
                    <td class=format!("py-2 pr-4 text-right tabular-nums {}", change_class(c.pnl))>{signed(c.pnl)}</td>
                    <td class=format!("py-2 pr-4 text-right tabular-nums {}", change_class(c.contribution_pct))>{signed_percent(c.contribution_pct)}</td>
                    <td class="py-2 pr-4 text-right tabular-nums">{price(c.commissions)}</td>
                    <td class="py-2 text-right tabular-nums">{percent(c.final_weight)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="mt-6" aria-labelledby="portfolio-heading" data-testid="portfolio-results">
            <h2 id="portfolio-heading" class="font-semibold">
                {heading}
                {report.is_demo.then(|| view! { <span class="ml-2 rounded bg-amber-100 px-1 text-xs text-amber-800 dark:bg-amber-950 dark:text-amber-300">"demo data"</span> })}
            </h2>
            <dl class="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-4">
                {cards.into_iter().map(|(label, value, tone)| view! {
                    <StatCard label value value_class=change_class(tone) testid="metric"/>
                }).collect_view()}
            </dl>
            <div class=format!("mt-4 {CARD}")>
                <label class="flex items-center justify-end gap-2 text-sm">
                    <input type="checkbox" class="h-4 w-4 accent-sky-700"
                        on:change=move |ev| log_scale.set(event_target_checked(&ev))/>
                    "Log scale"
                </label>
                <EChart id="portfolio-chart" chart label="Portfolio equity against the benchmark, and drawdown" class="h-96 w-full"/>
            </div>
            <div class=format!("mt-4 {CARD}")>
                <h3 class="text-sm font-semibold">"Weights after each rebalance"</h3>
                <EChart id="portfolio-weights-chart" chart=weights label="Each holding's weight after every rebalance, stacked, with the cash" class="h-72 w-full"/>
            </div>
            <div class=format!("mt-4 overflow-x-auto {CARD}")>
                <h3 class="text-sm font-semibold">"Contributions"</h3>
                <DataTable columns=CONTRIBUTION_COLUMNS testid="contributions">
                    <tbody>{rows}</tbody>
                </DataTable>
            </div>
        </section>
    }
}

//! `/backtest`: symbol, strategy and its parameters, cash, commission, shorting and
//! dates in a GET form, so the values live in the URL and a result can be shared and
//! reloaded; results as metric cards, equity against buy-and-hold with the drawdown
//! beneath, and the trades.

use crate::components::data_table::{Column, DataTable};
use crate::components::stat_card::StatCard;
use leptos::prelude::*;
use leptos_meta::{Script, Title};
use leptos_router::components::{Form, Redirect};
use leptos_router::hooks::use_query_map;

use crate::charts::backtest::backtest_chart;
use crate::components::auth::ErrorNotice;
use crate::components::chart::EChart;
use crate::components::form::{field_class, FormField, CARD};
use crate::components::format::{change_class, price, signed, signed_percent};
use crate::server_fns::backtest::run_backtest;
use crate::wire::backtest::BacktestReport;
use crate::wire::backtest_form::BacktestForm;

super::lazy_page!(BacktestRoute, BacktestPage);

const TRADES_COLUMNS: &[Column] = &[
    Column::text("Entry"),
    Column::text("Exit"),
    Column::text("Side"),
    Column::number("Size"),
    Column::number("Entry price"),
    Column::number("Exit price"),
    Column::number("P&L"),
    Column::number("Return"),
];

#[component]
pub fn BacktestPage() -> impl IntoView {
    let query = use_query_map();
    let form = move || {
        let read = query.read();
        let get = |name: &str| read.get(name).filter(|v| !v.is_empty());
        BacktestForm {
            symbol: get("symbol"),
            strategy: get("strategy"),
            fast: get("fast"),
            slow: get("slow"),
            period: get("period"),
            lower: get("lower"),
            upper: get("upper"),
            model: get("model"),
            cash: get("cash"),
            commission: get("commission"),
            allow_short: get("allow_short"),
            from: get("from"),
            to: get("to"),
        }
    };
    let report = Resource::new(form, |form| async move {
        if form.symbol.is_none() {
            return Ok(None);
        }
        run_backtest(form).await
    });
    view! {
        <Title text="Backtest"/>
        <Script src="/vendor/echarts.min.js" defer="true"/>
        <h1 class="text-2xl font-semibold tracking-tight">"Backtest"</h1>
        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
            "backtesting.py's conventions: decisions on a close fill at the next open; commission on entry and exit."
        </p>
        <Settings form=form()/>
        <Transition fallback=|| view! { <div class="mt-6 h-64 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800"></div> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(Some(report)) => view! { <Results report/> }.into_any(),
                    Ok(None) => view! {
                        <p class="mt-6 text-sm text-slate-600 dark:text-slate-400">"Pick a symbol and a strategy, then run it."</p>
                    }
                    .into_any(),
                    Err(error) if error.code == "AUTHENTICATION_REQUIRED" => {
                        view! { <Redirect path="/login?next=/backtest"/> }.into_any()
                    }
                    Err(error) => view! { <div class="mt-6"><ErrorNotice error/></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Settings(form: BacktestForm) -> impl IntoView {
    let value = |field: &Option<String>, default: &str| {
        field.clone().unwrap_or_else(|| default.to_string())
    };
    let strategy = value(&form.strategy, "sma_cross");
    let model = value(&form.model, "ensemble");
    let number = |label: &'static str, name: &'static str, current: String, step: &'static str| {
        view! {
            <FormField label>
                <input type="number" name=name step=step value=current class=format!("{} w-28", field_class())/>
            </FormField>
        }
    };
    view! {
        <Form method="GET" action="/backtest" attr:class=format!("mt-4 {CARD}") attr:data-testid="backtest-form">
            <div class="flex flex-wrap items-end gap-3">
                <FormField label="Symbol">
                    <input type="text" name="symbol" required value=value(&form.symbol, "") placeholder="AAPL" class=format!("{} w-28 uppercase", field_class())/>
                </FormField>
                <FormField label="Strategy">
                    <select name="strategy" class=field_class()>
                        {[("sma_cross", "SMA crossover"), ("rsi_reversion", "RSI reversion"), ("model", "Signal model")]
                            .into_iter()
                            .map(|(key, label)| view! { <option value=key selected=strategy == key>{label}</option> })
                            .collect_view()}
                    </select>
                </FormField>
                {number("Fast SMA", "fast", value(&form.fast, "10"), "1")}
                {number("Slow SMA", "slow", value(&form.slow, "20"), "1")}
                {number("RSI period", "period", value(&form.period, "14"), "1")}
                {number("RSI lower", "lower", value(&form.lower, "30"), "any")}
                {number("RSI upper", "upper", value(&form.upper, "70"), "any")}
                <FormField label="Model">
                    <select name="model" class=field_class()>
                        {["ensemble", "classic", "momentum"]
                            .into_iter()
                            .map(|key| view! { <option value=key selected=model == key>{key}</option> })
                            .collect_view()}
                    </select>
                </FormField>
            </div>
            <div class="mt-3 flex flex-wrap items-end gap-3">
                {number("Cash", "cash", value(&form.cash, "10000"), "any")}
                {number("Commission", "commission", value(&form.commission, "0.002"), "any")}
                <label class="flex items-center gap-2 pb-2 text-sm font-medium">
                    <input type="checkbox" name="allow_short" value="on" checked=form.allow_short.is_some() class="h-4 w-4 accent-sky-700"/>
                    "Allow shorting"
                </label>
                <FormField label="From">
                    <input type="date" name="from" value=value(&form.from, "") class=field_class()/>
                </FormField>
                <FormField label="To">
                    <input type="date" name="to" value=value(&form.to, "") class=field_class()/>
                </FormField>
                <button type="submit" class="rounded-md bg-sky-700 px-4 py-2 text-sm font-semibold text-white hover:bg-sky-800 dark:bg-sky-600">"Run backtest"</button>
            </div>
        </Form>
    }
}

#[component]
fn Results(report: BacktestReport) -> impl IntoView {
    let stats = &report.stats;
    let maybe = |value: Option<f64>, suffix: &str| {
        value.map_or("—".to_string(), |v| format!("{v:.2}{suffix}"))
    };
    let cards: Vec<(&str, String, f64)> = vec![
        ("Return", signed_percent(stats.return_pct), stats.return_pct),
        (
            "Buy & hold",
            signed_percent(stats.buy_and_hold),
            stats.buy_and_hold,
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
            "CAGR",
            maybe(stats.cagr, " %"),
            stats.cagr.unwrap_or_default(),
        ),
        ("Win rate", maybe(stats.win_rate, " %"), 0.0),
        ("Trades", stats.trades.to_string(), 0.0),
    ];
    let chart = backtest_chart(&report.equity);
    let trades = report.trades.clone();
    view! {
        <section class="mt-6" aria-labelledby="results-heading" data-testid="backtest-results">
            <h2 id="results-heading" class="font-semibold">
                {format!("{} from {} to {}", report.symbol, stats.start, stats.end)}
                {report.is_demo.then(|| view! { <span class="ml-2 rounded bg-amber-100 px-1 text-xs text-amber-800 dark:bg-amber-950 dark:text-amber-300">"demo data"</span> })}
            </h2>
            <dl class="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-4">
                {cards.into_iter().map(|(label, value, tone)| view! {
                    <StatCard label value value_class=change_class(tone) testid="metric"/>
                }).collect_view()}
            </dl>
            <div class=format!("mt-4 {CARD}")>
                <EChart id="backtest-chart" chart=Signal::stored(chart) label="Equity against buy-and-hold, and drawdown" class="h-96 w-full"/>
            </div>
            <div class=format!("mt-4 overflow-x-auto {CARD}")>
                <DataTable columns=TRADES_COLUMNS testid="trades">
                    <tbody>
                        {trades.into_iter().map(|t| view! {
                            <tr class="border-t border-slate-200 dark:border-slate-800" data-testid="trade-row">
                                <td class="py-2 pr-4 tabular-nums">{t.entry_ts.clone()}</td>
                                <td class="py-2 pr-4 tabular-nums">{t.exit_ts.clone()}</td>
                                <td class="py-2 pr-4">{t.side.clone()}</td>
                                <td class="py-2 pr-4 text-right tabular-nums">{t.size}</td>
                                <td class="py-2 pr-4 text-right tabular-nums">{price(t.entry_price)}</td>
                                <td class="py-2 pr-4 text-right tabular-nums">{price(t.exit_price)}</td>
                                <td class=format!("py-2 pr-4 text-right tabular-nums {}", change_class(t.pnl))>{signed(t.pnl)}</td>
                                <td class=format!("py-2 pr-4 text-right tabular-nums {}", change_class(t.return_pct))>{signed_percent(t.return_pct)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </DataTable>
            </div>
        </section>
    }
}

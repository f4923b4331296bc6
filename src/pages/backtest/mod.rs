//! `/backtest`: symbol, strategy and its parameters, cash, commission, shorting,
//! dates and walk-forward windows in a GET form, so the values live in the URL and a
//! result can be shared and reloaded. Backtest mode runs one backtest (`single.rs`);
//! Optimise mode sweeps every parameter given as a range or list (`optimize.rs`);
//! Portfolio mode backtests many symbols with shared cash (`portfolio.rs`).

mod monte_carlo;
mod optimize;
mod portfolio;
mod single;
mod trades;

use leptos::prelude::*;
use leptos_meta::{Script, Title};
use leptos_router::components::{Form, Redirect};
use leptos_router::hooks::use_query_map;

use crate::backtest::stats::NUMERIC;
use crate::components::auth::ErrorNotice;
use crate::components::form::{field_class, FormField, CARD};
use crate::server_fns::backtest::{run_backtest, run_optimize};
use crate::wire::backtest_form::BacktestForm;

super::lazy_page!(BacktestRoute, BacktestPage);

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
            mode: get("mode"),
            maximize: get("maximize"),
            train: get("train"),
            test: get("test"),
            benchmark: get("benchmark"),
            monte_carlo: get("monte_carlo"),
            runs: get("runs"),
            seed: get("seed"),
        }
    };
    let is_portfolio = move || query.read().get("mode").as_deref() == Some("portfolio");
    let report = Resource::new(form, |form| async move {
        if form.symbol.is_none() || form.is_optimize() {
            return Ok(None);
        }
        run_backtest(form).await
    });
    let sweep = Resource::new(form, |form| async move {
        if form.symbol.is_none() || !form.is_optimize() {
            return Ok(None);
        }
        run_optimize(form).await
    });
    view! {
        <Title text="Backtest"/>
        <Script src="/vendor/echarts.min.js" defer="true"/>
        <h1 class="text-2xl font-semibold tracking-tight">"Backtest"</h1>
        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
            "backtesting.py's conventions: decisions on a close fill at the next open; commission on entry and exit. Optimise mode sweeps parameters given as lists (5,10,20) or ranges (5..25, or 30..100:10 in steps of 10)."
        </p>
        <ModeTabs portfolio=Signal::derive(is_portfolio)/>
        <Show when=is_portfolio fallback=move || view! {
        // Keyed by the URL's form: every navigation draws fresh inputs, so a link or a
        // heatmap click shows its own values rather than what was last typed (updating
        // a `value` attribute does not change what an edited input shows).
        <For each=move || std::iter::once(form()) key=|form| form.query() let:form>
            <Settings form/>
        </For>
        <Transition fallback=|| view! { <div class="mt-6 h-64 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800"></div> }>
            {move || Suspend::new(async move {
                let (report, sweep) = (report.await, sweep.await);
                if let Ok(Some(view)) = sweep {
                    return view! { <optimize::OptimizeResults view form=form()/> }.into_any();
                }
                let report = match (report, sweep) {
                    (Ok(None), Err(error)) => Err(error),
                    (report, _) => report,
                };
                match report {
                    Ok(Some(report)) => view! { <single::Results report/> }.into_any(),
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
        }>
            <portfolio::PortfolioMode/>
        </Show>
    }
}

/// One symbol (Backtest and Optimise share its form) or a portfolio.
#[component]
fn ModeTabs(#[prop(into)] portfolio: Signal<bool>) -> impl IntoView {
    let tab = move |active: bool| {
        if active {
            "rounded-md bg-sky-700 px-3 py-1 text-sm font-semibold text-white dark:bg-sky-600"
        } else {
            "rounded-md border border-slate-300 px-3 py-1 text-sm dark:border-slate-700"
        }
    };
    view! {
        <nav class="mt-4 flex gap-2" aria-label="Backtest modes">
            <a href="/backtest" class=move || tab(!portfolio.get()) data-testid="mode-single">"One symbol"</a>
            <a href="/backtest?mode=portfolio" class=move || tab(portfolio.get()) data-testid="mode-portfolio">"Portfolio"</a>
        </nav>
    }
}

#[component]
fn Settings(form: BacktestForm) -> impl IntoView {
    let value = |field: &Option<String>, default: &str| {
        field.clone().unwrap_or_else(|| default.to_string())
    };
    let strategy = value(&form.strategy, "sma_cross");
    let model = value(&form.model, "ensemble");
    let optimizing = form.is_optimize();
    let maximize = value(&form.maximize, "SQN");
    let monte_carlo = value(&form.monte_carlo, "");
    let number = |label: &'static str, name: &'static str, current: String, step: &'static str| {
        view! {
            <FormField label>
                <input type="number" name=name step=step value=current class=format!("{} w-28", field_class())/>
            </FormField>
        }
    };
    // Parameters take text: in Optimise mode a list (5,10,20) or a range (5..25:5).
    let parameter = move |label: &'static str,
                          name: &'static str,
                          current: Option<String>,
                          single: &'static str| {
        let placeholder = if optimizing { "e.g. 5..25:5" } else { single };
        let current = current.unwrap_or_else(|| {
            if optimizing {
                String::new()
            } else {
                single.to_string()
            }
        });
        view! {
            <FormField label>
                <input type="text" inputmode="decimal" name=name value=current placeholder=placeholder class=format!("{} w-32", field_class())/>
            </FormField>
        }
    };
    view! {
        <Form method="GET" action="/backtest" attr:class=format!("mt-4 {CARD}") attr:data-testid="backtest-form">
            <div class="flex flex-wrap items-end gap-3">
                <FormField label="Mode">
                    <select name="mode" class=field_class() data-testid="mode">
                        <option value="" selected=!optimizing>"Backtest"</option>
                        <option value="optimize" selected=optimizing>"Optimise"</option>
                    </select>
                </FormField>
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
                {parameter("Fast SMA", "fast", form.fast.clone(), "10")}
                {parameter("Slow SMA", "slow", form.slow.clone(), "20")}
                {parameter("RSI period", "period", form.period.clone(), "14")}
                {parameter("RSI lower", "lower", form.lower.clone(), "30")}
                {parameter("RSI upper", "upper", form.upper.clone(), "70")}
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
            </div>
            <div class="mt-3 flex flex-wrap items-end gap-3">
                {number("Walk-forward train bars", "train", value(&form.train, ""), "1")}
                {number("Walk-forward test bars", "test", value(&form.test, ""), "1")}
                <FormField label="Optimise for">
                    <select name="maximize" class=field_class()>
                        {NUMERIC
                            .into_iter()
                            .map(|name| view! { <option value=name selected=maximize == name>{name}</option> })
                            .collect_view()}
                    </select>
                </FormField>
            </div>
            <div class="mt-3 flex flex-wrap items-end gap-3">
                <FormField label="Benchmark">
                    <input type="text" name="benchmark" value=value(&form.benchmark, "") placeholder="SPY" class=format!("{} w-28 uppercase", field_class())/>
                </FormField>
                <FormField label="Monte Carlo">
                    <select name="monte_carlo" class=field_class()>
                        {[("", "None"), ("shuffle_trades", "Shuffle trades"), ("bootstrap_returns", "Bootstrap daily returns")]
                            .into_iter()
                            .map(|(key, label)| view! { <option value=key selected=monte_carlo == key>{label}</option> })
                            .collect_view()}
                    </select>
                </FormField>
                {number("Runs", "runs", value(&form.runs, "1000"), "1")}
                {number("Seed", "seed", value(&form.seed, "42"), "1")}
                <button type="submit" class="rounded-md bg-sky-700 px-4 py-2 text-sm font-semibold text-white hover:bg-sky-800 dark:bg-sky-600">
                    {if optimizing { "Run optimisation" } else { "Run backtest" }}
                </button>
            </div>
        </Form>
    }
}

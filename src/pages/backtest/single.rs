//! Backtest mode's results: metric cards, equity against buy-and-hold (and the
//! benchmark) with the drawdown beneath, on a linear or log scale, the comparison
//! with the benchmark, Monte Carlo's bands and the trades, a page at a time.

use leptos::prelude::*;

use crate::backtest::benchmark::Comparison;
use crate::charts::backtest::backtest_chart;
use crate::components::chart::EChart;
use crate::components::form::CARD;
use crate::components::format::{change_class, price, signed_percent};
use crate::components::stat_card::StatCard;
use crate::wire::backtest::BacktestReport;

use super::monte_carlo::MonteCarloResults;
use super::trades::TradesTable;

#[component]
pub fn Results(report: BacktestReport) -> impl IntoView {
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
    let log_scale = RwSignal::new(false);
    let equity = report.equity.clone();
    let chart = Signal::derive(move || backtest_chart(&equity, log_scale.get()));
    let trades = report.trades.clone();
    let comparison = report.benchmark.clone();
    let simulation = report.monte_carlo.clone();
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
            {comparison.map(|comparison| view! { <BenchmarkSummary comparison/> })}
            <div class=format!("mt-4 {CARD}")>
                <label class="flex items-center justify-end gap-2 text-sm">
                    <input type="checkbox" data-testid="log-scale" class="h-4 w-4 accent-sky-700"
                        on:change=move |ev| log_scale.set(event_target_checked(&ev))/>
                    "Log scale"
                </label>
                <EChart id="backtest-chart" chart label="Equity against buy-and-hold, and drawdown" class="h-96 w-full"/>
            </div>
            {simulation.map(|simulation| view! { <MonteCarloResults simulation/> })}
            <TradesTable trades/>
        </section>
    }
}

#[component]
fn BenchmarkSummary(comparison: Comparison) -> impl IntoView {
    let shown = |value: Option<f64>| value.map_or("—".to_string(), |v| format!("{v:.2}"));
    view! {
        <p class=format!("mt-4 text-sm {CARD}") data-testid="benchmark-summary">
            {format!("Against {} held over the same bars: ", comparison.symbol)}
            <span class=change_class(comparison.return_pct)>{signed_percent(comparison.return_pct)}</span>
            "; excess return "
            <span class=change_class(comparison.excess_return)>{format!("{:+.2} pp", comparison.excess_return)}</span>
            {format!("; alpha {} %, beta {}.", shown(comparison.alpha), shown(comparison.beta))}
        </p>
    }
}

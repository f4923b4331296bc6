//! Backtest mode's results: metric cards, equity against buy-and-hold with the
//! drawdown beneath, and the trades.

use leptos::prelude::*;

use crate::charts::backtest::backtest_chart;
use crate::components::chart::EChart;
use crate::components::data_table::{Column, DataTable};
use crate::components::form::CARD;
use crate::components::format::{change_class, price, signed, signed_percent};
use crate::components::stat_card::StatCard;
use crate::wire::backtest::BacktestReport;

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

//! Monte Carlo's results on the backtest page: the percentiles of final equity,
//! return and maximum drawdown, and the fan chart of the equity bands.

use leptos::prelude::*;

use crate::backtest::monte_carlo::{Method, Percentiles, Simulation};
use crate::charts::monte_carlo::fan_chart;
use crate::components::chart::EChart;
use crate::components::data_table::{Column, DataTable};
use crate::components::form::CARD;
use crate::components::format::price;

const COLUMNS: &[Column] = &[
    Column::text(""),
    Column::number("5th"),
    Column::number("25th"),
    Column::number("Median"),
    Column::number("75th"),
    Column::number("95th"),
];

fn what_it_tells(method: Method) -> &'static str {
    match method {
        Method::ShuffleTrades => "The same trades in random orders: every order ends at the same equity, so the spread is in the path — the drawdowns you could have sat through.",
        Method::BootstrapReturns => "The backtest's daily returns drawn again with replacement: final equity, return and drawdown all vary, showing how much luck in the days could move the result.",
    }
}

#[component]
fn Row(label: &'static str, values: Percentiles, format: fn(f64) -> String) -> impl IntoView {
    view! {
        <tr class="border-t border-slate-200 dark:border-slate-800" data-testid="monte-carlo-row">
            <th scope="row" class="py-2 pr-4 text-left font-medium">{label}</th>
            {[values.p5, values.p25, values.p50, values.p75, values.p95]
                .into_iter()
                .map(|v| view! { <td class="py-2 pr-4 text-right tabular-nums">{format(v)}</td> })
                .collect_view()}
        </tr>
    }
}

#[component]
pub fn MonteCarloResults(simulation: Simulation) -> impl IntoView {
    let chart = fan_chart(&simulation);
    let method = match simulation.method {
        Method::ShuffleTrades => "shuffled trades",
        Method::BootstrapReturns => "bootstrapped daily returns",
    };
    view! {
        <div class=format!("mt-4 overflow-x-auto {CARD}") data-testid="monte-carlo">
            <h3 class="text-sm font-semibold">
                {format!("Monte Carlo: {} runs of {method}, seed {}", simulation.runs, simulation.seed)}
            </h3>
            <p class="mt-1 text-xs text-slate-500">{what_it_tells(simulation.method)}</p>
            <DataTable columns=COLUMNS testid="monte-carlo-percentiles">
                <tbody>
                    <Row label="Final equity" values=simulation.final_equity format=|v| format!("${}", price(v))/>
                    <Row label="Return" values=simulation.return_pct format=|v| format!("{v:+.2} %")/>
                    <Row label="Max. drawdown" values=simulation.max_drawdown format=|v| format!("{v:.2} %")/>
                </tbody>
            </DataTable>
            <EChart id="monte-carlo-chart" chart=Signal::stored(chart) label="Monte Carlo equity bands: 5th to 95th percentile around the median" class="mt-3 h-80 w-full"/>
        </div>
    }
}

//! Optimise mode's results: how many runs, the heatmap (a cell's tooltip shows its
//! statistics; clicking it runs that pair as a single backtest), the best runs with a
//! link each, and the walk-forward folds with in- and out-of-sample results.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::charts::heatmap::heatmap_chart;
use crate::components::chart::EChart;
use crate::components::data_table::{Column, DataTable};
use crate::components::form::CARD;
use crate::components::format::{change_class, signed_percent};
use crate::wire::backtest_form::BacktestForm;
use crate::wire::optimize::{OptimizeRun, OptimizeView, WalkForwardOptimization};

const TOP_COLUMNS: &[Column] = &[
    Column::text("Parameters"),
    Column::number("Ranked by"),
    Column::number("Return"),
    Column::number("Max. drawdown"),
    Column::number("Sharpe"),
    Column::number("Trades"),
    Column::text(""),
];

const FOLD_COLUMNS: &[Column] = &[
    Column::text("Train"),
    Column::text("Test"),
    Column::text("Chosen"),
    Column::number("In-sample return"),
    Column::number("Out-of-sample return"),
    Column::number("Out-of-sample trades"),
];

fn params_text(params: &serde_json::Map<String, serde_json::Value>) -> String {
    params
        .iter()
        .map(|(name, value)| format!("{name} {value}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn shown(value: Option<f64>) -> String {
    value.map_or("—".to_string(), |v| format!("{v:.2}"))
}

#[component]
pub fn OptimizeResults(view: OptimizeView, form: BacktestForm) -> impl IntoView {
    let navigate = use_navigate();
    let heatmap = view.heatmap.clone().map(|map| {
        let chart = heatmap_chart(&map, &view.cells, &view.maximize);
        let cells = view.cells.clone();
        let form = form.clone();
        // A click hands over the cell's [x, y, …]: run that combination alone.
        let on_click = Callback::new(move |value: serde_json::Value| {
            let at = |k: usize| value.get(k).and_then(|v| v.as_u64()).map(|v| v as usize);
            let cell = at(0)
                .zip(at(1))
                .and_then(|(i, j)| cells.get(j).and_then(|row| row.get(i)).cloned().flatten());
            if let Some(cell) = cell {
                let query = form.single_run_query(&cell.params);
                navigate(&format!("/backtest?{query}"), Default::default());
            }
        });
        let label = format!(
            "{} over {}{}",
            view.maximize,
            map.x,
            map.y.as_ref().map(|y| format!(" and {y}")).unwrap_or_default()
        );
        view! {
            <div class=format!("mt-4 {CARD}")>
                <EChart id="optimize-heatmap" chart=Signal::stored(chart) on_click label class="h-[28rem] w-full"/>
                <p class="mt-2 text-xs text-slate-500">"Hover a cell for its statistics; click it to run that combination as a single backtest. Empty cells were skipped."</p>
            </div>
        }
    });
    let top = view.top.clone();
    let maximize = view.maximize.clone();
    view! {
        <section class="mt-6" aria-labelledby="optimize-heading" data-testid="optimize-results">
            <h2 id="optimize-heading" class="font-semibold">
                {format!(
                    "{} {}: {} runs, {} skipped, ranked by {}{}",
                    view.symbol,
                    view.strategy,
                    view.runs,
                    view.skipped,
                    view.maximize,
                    if view.minimize { " (smallest first)" } else { "" }
                )}
                {view.is_demo.then(|| view! { <span class="ml-2 rounded bg-amber-100 px-1 text-xs text-amber-800 dark:bg-amber-950 dark:text-amber-300">"demo data"</span> })}
            </h2>
            {heatmap}
            <div class=format!("mt-4 overflow-x-auto {CARD}")>
                <h3 class="mb-2 text-sm font-semibold">"Best runs"</h3>
                <DataTable columns=TOP_COLUMNS testid="top-runs">
                    <tbody>
                        {top.into_iter().map(|run| view! { <TopRow run maximize=maximize.clone() form=form.clone()/> }).collect_view()}
                    </tbody>
                </DataTable>
            </div>
            {view.walk_forward.map(|wf| view! { <Folds wf/> })}
        </section>
    }
}

#[component]
fn TopRow(run: OptimizeRun, maximize: String, form: BacktestForm) -> impl IntoView {
    let href = format!("/backtest?{}", form.single_run_query(&run.params));
    let stats = run.stats;
    view! {
        <tr class="border-t border-slate-200 dark:border-slate-800" data-testid="top-run">
            <td class="py-2 pr-4">{params_text(&run.params)}</td>
            <td class="py-2 pr-4 text-right tabular-nums">{shown(stats.value(&maximize).flatten())}</td>
            <td class=format!("py-2 pr-4 text-right tabular-nums {}", change_class(stats.return_pct))>{signed_percent(stats.return_pct)}</td>
            <td class="py-2 pr-4 text-right tabular-nums">{format!("{:.2} %", stats.max_drawdown)}</td>
            <td class="py-2 pr-4 text-right tabular-nums">{shown(stats.sharpe)}</td>
            <td class="py-2 pr-4 text-right tabular-nums">{stats.trades}</td>
            <td class="py-2 pr-4"><a href=href class="text-sky-700 underline dark:text-sky-400">"Run alone"</a></td>
        </tr>
    }
}

#[component]
fn Folds(wf: WalkForwardOptimization) -> impl IntoView {
    let stitched = wf.out_of_sample.clone();
    view! {
        <div class=format!("mt-4 overflow-x-auto {CARD}") data-testid="walk-forward-folds">
            <h3 class="mb-2 text-sm font-semibold">
                {format!(
                    "Walk-forward: {} folds of {} train + {} test bars; out of sample, stitched: {} ({} trades, max. drawdown {:.2} %)",
                    wf.folds.len(),
                    wf.train,
                    wf.test,
                    signed_percent(stitched.return_pct),
                    stitched.trades,
                    stitched.max_drawdown
                )}
            </h3>
            <DataTable columns=FOLD_COLUMNS testid="folds">
                <tbody>
                    {wf.folds.into_iter().map(|fold| view! {
                        <tr class="border-t border-slate-200 dark:border-slate-800" data-testid="fold-row">
                            <td class="py-2 pr-4 tabular-nums">{format!("{} – {}", fold.train_start, fold.train_end)}</td>
                            <td class="py-2 pr-4 tabular-nums">{format!("{} – {}", fold.test_start, fold.test_end)}</td>
                            <td class="py-2 pr-4">{params_text(&fold.params)}</td>
                            <td class=format!("py-2 pr-4 text-right tabular-nums {}", change_class(fold.in_sample.return_pct))>{signed_percent(fold.in_sample.return_pct)}</td>
                            <td class=format!("py-2 pr-4 text-right tabular-nums {}", change_class(fold.out_of_sample.return_pct))>{signed_percent(fold.out_of_sample.return_pct)}</td>
                            <td class="py-2 pr-4 text-right tabular-nums">{fold.out_of_sample.trades}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </DataTable>
        </div>
    }
}

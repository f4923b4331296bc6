//! The `optimize` command: the API's sweep on the shared catalog's data, with a
//! progress bar and the best runs as a table.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::backtest::grid::parse_values;
use crate::backtest::optimize::Objective;
use crate::server::api_error::describe;
use crate::server::compute::ComputePool;
use crate::server::config::Config;
use crate::server::optimize::{self, OptimizePlan};
use crate::server::serve;
use crate::wire::optimize::{OptimizeRequest, OptimizeRun};

/// What the command line gives the sweep.
pub struct OptimizeArgs {
    pub symbol: String,
    pub strategy: String,
    /// (parameter name, its text: `5`, `5,10,20`, `5..25` or `30..280:5`).
    pub params: Vec<(&'static str, String)>,
    pub model: Option<String>,
    pub maximize: String,
    pub minimize: bool,
    pub cash: f64,
    pub commission: f64,
    pub allow_short: bool,
    pub top: usize,
}

pub async fn optimize(config: &Config, args: OptimizeArgs) -> Result<(), String> {
    use indicatif::{ProgressBar, ProgressStyle};

    let mut strategy = Map::new();
    strategy.insert("type".into(), json!(args.strategy));
    for (name, text) in &args.params {
        strategy.insert((*name).into(), parse_values(name, text)?);
    }
    if let Some(model) = &args.model {
        strategy.insert("model".into(), json!(model));
    }
    let request = OptimizeRequest {
        symbol: args.symbol.clone(),
        strategy: Value::Object(strategy),
        cash: args.cash,
        commission: args.commission,
        allow_short: args.allow_short,
        from: None,
        to: None,
        maximize: args.maximize.clone(),
        minimize: args.minimize,
        walk_forward: None,
    };
    let plan = OptimizePlan::try_from(request).map_err(|e| describe(&e))?;
    let db = serve::open_database(config).await?;
    let market =
        crate::server::market::service::MarketData::from_config(config, Default::default());
    let series = market.series(&db, &plan.symbol, None).await;
    db.close().await;
    let series = series.map_err(|e| describe(&e))?;

    let bar = ProgressBar::new(plan.combinations()).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs {per_sec} eta {eta}")
            .map_err(|e| e.to_string())?,
    );
    let ticker = bar.clone();
    let report = optimize::report(
        &ComputePool::default(),
        &series,
        plan,
        None,
        Arc::new(move || ticker.inc(1)),
    )
    .await
    .map_err(|e| describe(&e))?;
    bar.finish_and_clear();

    println!(
        "{} {}: {} runs, {} skipped, ranked by {}{}{}",
        report.symbol,
        report.strategy,
        report.runs,
        report.skipped,
        report.maximize,
        if report.minimize {
            " (smallest first)"
        } else {
            ""
        },
        if report.is_demo { " (demo data)" } else { "" }
    );
    let objective = Objective::new(&report.maximize, report.minimize)?;
    let ranked = objective.ranked(report.results.iter().map(|r| &r.stats));
    let key = |run: &OptimizeRun| run.stats.value(&report.maximize).flatten();
    println!(
        "{:<24} {:>14} {:>10} {:>10} {:>8} {:>8}",
        "params", report.maximize, "Return %", "Max DD %", "Sharpe", "# Trades"
    );
    let shown = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.3}"));
    for run in ranked
        .into_iter()
        .take(args.top)
        .map(|i| &report.results[i])
    {
        let params: Vec<String> = run
            .params
            .iter()
            .filter(|(name, _)| *name != "model")
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        println!(
            "{:<24} {:>14} {:>10.2} {:>10.2} {:>8} {:>8}",
            params.join(" "),
            shown(key(run)),
            run.stats.return_pct,
            run.stats.max_drawdown,
            shown(run.stats.sharpe),
            run.stats.trades
        );
    }
    Ok(())
}

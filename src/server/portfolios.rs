//! Portfolio backtests for the API and the dashboard: the request checked once (the
//! symbols or the caller's watchlist, the weighting, the tier's cap on symbols), every
//! series read as the caller sees it, then the pure simulation in the compute pool
//! within the tier's budget.

use std::collections::HashSet;

use serde_json::json;

use crate::backtest::portfolio::{self, Rebalance, Rebalancing, Weighting};
use crate::backtest::Settings;
use crate::domain::symbol::Symbol;
use crate::error_catalog::ErrorCode;
use crate::market::{Bar, DAY_SECS};
use crate::server::api_error::ApiError;
use crate::server::auth::current_user::CurrentUser;
use crate::server::backtests::{benchmark_closes, check_budget, checked_settings, BacktestDeps};
use crate::server::market::dates::format_day;
use crate::server::market::service::Series;
use crate::server::market::{parse_range, parse_symbol};
use crate::server::signals::service::DEFAULT_LOOKBACK_DAYS;
use crate::server::watchlists::service::{self as watchlists, WatchlistDeps};
use crate::signals::Model;
use crate::wire::portfolio::{
    Contribution, PortfolioPoint, PortfolioReport, PortfolioRequest, RebalanceView, WeightsSpec,
};

/// Explicit weights may sum to this much above 1 (rounding in what a client typed).
const WEIGHT_SLACK: f64 = 1e-9;
/// A model verdict costs about this many bar evaluations per bar of its lookback.
const MODEL_COST_PER_BAR: u64 = 20;

/// Where the symbols come from, before the watchlist is read.
enum Holdings {
    Symbols(Vec<Symbol>),
    Watchlist(String),
}

/// How weights are chosen, checked (explicit weights still keyed by symbol until the
/// symbols are known, which a watchlist decides).
enum WeightRule {
    Equal,
    InverseVolatility,
    Explicit(Vec<(Symbol, f64)>),
    Model(Model),
}

/// A portfolio request checked at the edge.
pub struct PortfolioPlan {
    holdings: Holdings,
    rule: WeightRule,
    spec: WeightsSpec,
    rebalance: Rebalancing,
    settings: Settings,
    from: Option<i64>,
    to: Option<i64>,
    benchmark: Option<Symbol>,
}

impl TryFrom<PortfolioRequest> for PortfolioPlan {
    type Error = ApiError;

    fn try_from(request: PortfolioRequest) -> Result<PortfolioPlan, ApiError> {
        let holdings = match (request.symbols, request.watchlist_id) {
            (Some(symbols), None) => Holdings::Symbols(
                symbols
                    .iter()
                    .map(|s| parse_symbol(s))
                    .collect::<Result<_, _>>()?,
            ),
            (None, Some(id)) => Holdings::Watchlist(id),
            _ => {
                return Err(ApiError::invalid_field(
                    "symbols",
                    "give either symbols or watchlist_id",
                ))
            }
        };
        let rule = weight_rule(&request.weights)?;
        let settings = checked_settings(request.cash, request.commission, false)?;
        let (from, to) = parse_range(request.from.as_deref(), request.to.as_deref())?;
        let benchmark = request.benchmark.as_deref().map(parse_symbol).transpose()?;
        Ok(PortfolioPlan {
            holdings,
            rule,
            spec: request.weights,
            rebalance: request.rebalance,
            settings,
            from,
            to,
            benchmark,
        })
    }
}

fn weight_rule(spec: &WeightsSpec) -> Result<WeightRule, ApiError> {
    match spec {
        WeightsSpec::Named(name) => match name.as_str() {
            "equal" => Ok(WeightRule::Equal),
            "inverse_volatility" => Ok(WeightRule::InverseVolatility),
            _ => Err(ApiError::invalid_field(
                "weights",
                "must be \"equal\", \"inverse_volatility\", {\"model\": …} or {\"SYMBOL\": weight, …}",
            )),
        },
        WeightsSpec::Model(choice) => Ok(WeightRule::Model(Model::requested(Some(
            &choice.model,
        ))?)),
        WeightsSpec::Explicit(weights) => {
            let mut checked = Vec::with_capacity(weights.len());
            for (raw, weight) in weights {
                if !(weight.is_finite() && *weight >= 0.0) {
                    return Err(ApiError::invalid_field(
                        "weights",
                        &format!("{raw}: a weight must be a number from 0 to 1"),
                    ));
                }
                checked.push((parse_symbol(raw)?, *weight));
            }
            let total: f64 = checked.iter().map(|(_, w)| w).sum();
            if total > 1.0 + WEIGHT_SLACK {
                return Err(ApiError::invalid_field(
                    "weights",
                    &format!("the weights sum to {total}; they may sum to at most 1 (the rest is cash)"),
                ));
            }
            Ok(WeightRule::Explicit(checked))
        }
    }
}

/// The symbols, no two alike, at least one and within the tier's cap.
fn checked_symbols(symbols: Vec<Symbol>, user: &CurrentUser) -> Result<Vec<Symbol>, ApiError> {
    let mut seen = HashSet::new();
    if let Some(twice) = symbols.iter().find(|s| !seen.insert(*s)) {
        return Err(ApiError::new(ErrorCode::DuplicateSymbols)
            .with_details(json!({ "symbol": twice.as_str() })));
    }
    if symbols.is_empty() {
        return Err(ApiError::invalid_field(
            "symbols",
            "name at least one symbol",
        ));
    }
    let limit = user.tier.limits().portfolio_symbols;
    if symbols.len() > limit as usize {
        return Err(
            ApiError::new(ErrorCode::TooManySymbols).with_details(json!({
                "limit": limit,
                "requested": symbols.len(),
                "tier": user.tier.as_str(),
            })),
        );
    }
    Ok(symbols)
}

/// Explicit weights in the symbols' order; naming a symbol not held is an error.
fn weighting(rule: &WeightRule, symbols: &[Symbol]) -> Result<Weighting, ApiError> {
    Ok(match rule {
        WeightRule::Equal => Weighting::Equal,
        WeightRule::InverseVolatility => Weighting::InverseVolatility,
        WeightRule::Model(_) => Weighting::Picks,
        WeightRule::Explicit(weights) => {
            if let Some((stray, _)) = weights.iter().find(|(s, _)| !symbols.contains(s)) {
                return Err(ApiError::invalid_field(
                    "weights",
                    &format!("{} is not one of the portfolio's symbols", stray.as_str()),
                ));
            }
            Weighting::Fixed(
                symbols
                    .iter()
                    .map(|s| {
                        weights
                            .iter()
                            .find(|(w, _)| w == s)
                            .map_or(0.0, |(_, w)| *w)
                    })
                    .collect(),
            )
        }
    })
}

/// A user's portfolio backtest on the series they see.
pub async fn run(
    deps: &BacktestDeps,
    user: &CurrentUser,
    request: PortfolioRequest,
) -> Result<PortfolioReport, ApiError> {
    let plan = PortfolioPlan::try_from(request)?;
    let symbols = match &plan.holdings {
        Holdings::Symbols(symbols) => symbols.clone(),
        Holdings::Watchlist(id) => {
            let watchlist_deps = WatchlistDeps {
                db: deps.db.clone(),
                market: deps.market.clone(),
            };
            let list = watchlists::get(&watchlist_deps, user, id).await?;
            list.symbols
                .iter()
                .map(|s| parse_symbol(s))
                .collect::<Result<_, _>>()?
        }
    };
    let symbols = checked_symbols(symbols, user)?;
    let weighting = weighting(&plan.rule, &symbols)?;
    let series = deps
        .market
        .series_many(&deps.db, &symbols, Some(&user.id))
        .await?;
    let benchmark = match &plan.benchmark {
        Some(symbol) => Some(deps.market.series(&deps.db, symbol, Some(&user.id)).await?),
        None => None,
    };
    report(deps, user, plan, symbols, weighting, series, benchmark).await
}

async fn report(
    deps: &BacktestDeps,
    user: &CurrentUser,
    plan: PortfolioPlan,
    symbols: Vec<Symbol>,
    weighting: Weighting,
    series: Vec<Series>,
    benchmark: Option<Series>,
) -> Result<PortfolioReport, ApiError> {
    let is_demo = series.iter().any(|s| s.is_demo);
    let bars: Vec<Vec<Bar>> = series.into_iter().map(|s| s.bars).collect();
    let dates = calendar(&bars, plan.from, plan.to);
    if dates.len() < 2 {
        return Err(
            ApiError::new(ErrorCode::InsufficientData).with_details(json!({
                "symbols": symbols.iter().map(Symbol::as_str).collect::<Vec<_>>(),
                "bars": dates.len(),
                "needed": 2,
                "reason": "the symbols share fewer than 2 days in the range",
            })),
        );
    }
    let days: Vec<i64> = dates.iter().map(|ts| ts / DAY_SECS).collect();
    let rows = portfolio::rebalance_rows(&days, plan.rebalance);
    let model = match plan.rule {
        WeightRule::Model(model) => Some(model),
        _ => None,
    };
    let model_cost = model.map_or(0, |_| {
        (symbols.len() * rows.len()) as u64 * DEFAULT_LOOKBACK_DAYS as u64 * MODEL_COST_PER_BAR
    });
    check_budget(
        (symbols.len() as u64 * dates.len() as u64).saturating_add(model_cost),
        Some(user.tier),
    )?;
    let benchmark_closes = match (&plan.benchmark, &benchmark) {
        (Some(name), Some(series)) => Some(benchmark_closes(name, series, &days)?),
        _ => None,
    };
    let settings = plan.settings;
    let computed_dates = dates.clone();
    let bench = benchmark_closes.clone();
    let (path, stats) = deps
        .compute
        .run(move |cancel| {
            let closes = aligned_closes(&bars, &computed_dates);
            let columns: Vec<&[f64]> = closes.iter().map(Vec::as_slice).collect();
            let picks = match model {
                Some(model) => {
                    let own: Vec<&[Bar]> = bars.iter().map(Vec::as_slice).collect();
                    let on: Vec<i64> = rows.iter().map(|r| computed_dates[*r]).collect();
                    portfolio::buy_picks(&own, &on, model, DEFAULT_LOOKBACK_DAYS as usize, cancel)?
                }
                None => Vec::new(),
            };
            let plan: Vec<Rebalance> = rows
                .iter()
                .enumerate()
                .map(|(k, &row)| Rebalance {
                    row,
                    targets: portfolio::targets(
                        &weighting,
                        &columns,
                        row,
                        picks.get(k).map_or(&[][..], Vec::as_slice),
                    ),
                })
                .collect();
            let path = portfolio::simulate(&columns, &plan, settings.cash, settings.commission);
            let stats = portfolio::summarise(&path, settings.cash, &days, bench.as_deref(), |d| {
                format_day(d * DAY_SECS)
            });
            Some((path, stats))
        })
        .await?;

    let mut peak = f64::MIN;
    let equity = path
        .equity
        .iter()
        .zip(&dates)
        .enumerate()
        .map(|(i, (e, ts))| {
            peak = peak.max(*e);
            PortfolioPoint {
                ts: format_day(*ts),
                equity: *e,
                drawdown_pct: (1.0 - e / peak) * 100.0,
                benchmark: benchmark_closes
                    .as_ref()
                    .map(|closes| settings.cash * closes[i] / closes[0]),
            }
        })
        .collect();
    let rebalances = path
        .rebalances
        .into_iter()
        .map(|r| RebalanceView {
            ts: format_day(dates[r.row]),
            before: r.before,
            after: r.after,
            traded: r.traded,
        })
        .collect();
    let contributions = symbols
        .iter()
        .enumerate()
        .map(|(s, symbol)| Contribution {
            symbol: symbol.as_str().to_string(),
            pnl: path.pnl[s],
            contribution_pct: path.pnl[s] / settings.cash * 100.0,
            commissions: path.fees[s],
            final_weight: path.final_weights[s],
        })
        .collect();
    Ok(PortfolioReport {
        symbols: symbols.iter().map(|s| s.as_str().to_string()).collect(),
        weights: plan.spec,
        rebalance: plan.rebalance,
        benchmark: plan.benchmark.map(|s| s.as_str().to_string()),
        is_demo,
        stats,
        equity,
        rebalances,
        contributions,
    })
}

/// The dates (Unix seconds) every series has a bar on, within `from`..=`to`.
fn calendar(bars: &[Vec<Bar>], from: Option<i64>, to: Option<i64>) -> Vec<i64> {
    let dates: Vec<Vec<i64>> = bars
        .iter()
        .map(|series| {
            crate::market::between(series, from, to)
                .iter()
                .map(|b| b.ts)
                .collect()
        })
        .collect();
    let lists: Vec<&[i64]> = dates.iter().map(Vec::as_slice).collect();
    portfolio::common_days(&lists)
}

/// Each series' closes on `dates` (which every series has).
fn aligned_closes(bars: &[Vec<Bar>], dates: &[i64]) -> Vec<Vec<f64>> {
    bars.iter()
        .map(|series| {
            let start = series.partition_point(|b| b.ts < dates[0]);
            let mut closes = Vec::with_capacity(dates.len());
            let mut bars = series[start..].iter();
            for ts in dates {
                // Every date is in every series: skip the bars in between.
                for bar in bars.by_ref() {
                    if bar.ts == *ts {
                        closes.push(bar.close);
                        break;
                    }
                }
            }
            closes
        })
        .collect()
}

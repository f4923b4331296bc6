//! The `signals` and `backtest` commands: the signal and backtest services the API
//! uses, on the shared catalog's data, printed as tables.

use crate::backtest::Strategy;
use crate::server::api_error::describe;
use crate::server::backtests::{self, BacktestPlan};
use crate::server::compute::ComputePool;
use crate::server::config::Config;
use crate::server::db::Database;
use crate::server::market::dates::format_day;
use crate::server::market::parse_symbol;
use crate::server::market::service::MarketData;
use crate::server::serve;
use crate::server::signals::service;
use crate::signals::Model;
use crate::wire::backtest::BacktestRequest;

/// The database and the configured market-data provider.
struct Market {
    db: Database,
    market: MarketData,
}

async fn state(config: &Config) -> Result<Market, String> {
    Ok(Market {
        db: serve::open_database(config).await?,
        market: MarketData::from_config(config, Default::default()),
    })
}

pub async fn signals(config: &Config, symbols: &[String], model: &str) -> Result<(), String> {
    let model = Model::parse(model)
        .ok_or_else(|| format!("unknown model {model:?} (classic, momentum, ensemble)"))?;
    let state = state(config).await?;
    println!(
        "{:<8} {:<10} {:<5} {:>10} {:>6} {:>7}  model",
        "symbol", "day", "signal", "price", "conf", "score"
    );
    let mut failed = Vec::new();
    for raw in symbols {
        let result = async {
            let symbol = parse_symbol(raw).map_err(|e| describe(&e))?;
            let (series, verdict) = service::latest_verdict(
                &state.market,
                &state.db,
                None,
                &symbol,
                None,
                model,
                service::DEFAULT_LOOKBACK_DAYS as usize,
            )
            .await
            .map_err(|e| describe(&e))?;
            let day = series
                .bars
                .last()
                .map(|b| format_day(b.ts))
                .unwrap_or_default();
            let marker = if series.is_demo { " (demo data)" } else { "" };
            println!(
                "{:<8} {:<10} {:<5} {:>10.2} {:>6.2} {:>+7.3}  {}{marker}",
                symbol.as_str(),
                day,
                verdict.action.as_str(),
                verdict.price,
                verdict.confidence,
                verdict.score,
                model.as_str()
            );
            for reason in &verdict.reasons {
                println!("         {reason}");
            }
            Ok::<(), String>(())
        }
        .await;
        if let Err(e) = result {
            eprintln!("{raw}: {e}");
            failed.push(raw.clone());
        }
    }
    state.db.close().await;
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("no signal for {}", failed.join(", ")))
    }
}

/// `sma_cross:10:20`, `rsi_reversion:14:30:70` or `model:ensemble`.
pub fn parse_strategy(text: &str) -> Result<Strategy, String> {
    let parts: Vec<&str> = text.split(':').collect();
    let number = |s: &str| {
        s.parse::<f64>()
            .map_err(|_| format!("{s:?} is not a number"))
    };
    let whole = |s: &str| {
        s.parse::<usize>()
            .map_err(|_| format!("{s:?} is not a whole number"))
    };
    let strategy = match parts.as_slice() {
        ["sma_cross", fast, slow] => Strategy::SmaCross { fast: whole(fast)?, slow: whole(slow)? },
        ["rsi_reversion", period, lower, upper] => Strategy::RsiReversion {
            period: whole(period)?,
            lower: number(lower)?,
            upper: number(upper)?,
        },
        ["model", name] => Strategy::Model {
            model: Model::parse(name).ok_or_else(|| format!("unknown model {name:?}"))?,
        },
        _ => return Err(format!("{text:?}: expected sma_cross:FAST:SLOW, rsi_reversion:PERIOD:LOWER:UPPER or model:NAME")),
    };
    strategy.validate()?;
    Ok(strategy)
}

pub async fn backtest(
    config: &Config,
    symbol: &str,
    strategy: &str,
    cash: f64,
    commission: f64,
    allow_short: bool,
) -> Result<(), String> {
    let request = BacktestRequest {
        symbol: symbol.to_string(),
        strategy: parse_strategy(strategy)?,
        cash,
        commission,
        allow_short,
        from: None,
        to: None,
        walk_forward: None,
        benchmark: None,
        monte_carlo: None,
    };
    let plan = BacktestPlan::try_from(request).map_err(|e| describe(&e))?;
    let state = state(config).await?;
    let series = state.market.series(&state.db, &plan.symbol, None).await;
    state.db.close().await;
    let series = series.map_err(|e| describe(&e))?;
    let report = backtests::report(&ComputePool::default(), &series, None, plan, None)
        .await
        .map_err(|e| describe(&e))?;
    let statistics = report.stats;
    let strategy = report.strategy;
    let symbol = report.symbol;
    let json = serde_json::to_value(&statistics).map_err(|e| e.to_string())?;
    println!(
        "{} {}{}",
        symbol,
        serde_json::to_string(&strategy).unwrap_or_default(),
        if series.is_demo { " (demo data)" } else { "" }
    );
    for (key, value) in json.as_object().into_iter().flatten() {
        let shown = match value {
            serde_json::Value::Number(n) if n.is_f64() => {
                format!("{:.4}", n.as_f64().unwrap_or_default())
            }
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => "n/a".into(),
            other => other.to_string(),
        };
        println!("{key:<26} {shown:>14}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strategies_parse_from_the_command_line() {
        assert_eq!(
            parse_strategy("sma_cross:10:20"),
            Ok(Strategy::SmaCross { fast: 10, slow: 20 })
        );
        assert_eq!(
            parse_strategy("rsi_reversion:14:30:70"),
            Ok(Strategy::RsiReversion {
                period: 14,
                lower: 30.0,
                upper: 70.0
            })
        );
        assert_eq!(
            parse_strategy("model:classic"),
            Ok(Strategy::Model {
                model: Model::Classic
            })
        );
        for bad in [
            "sma_cross:20:10",
            "sma_cross:10",
            "rsi_reversion:14:70:30",
            "model:magic",
            "buy_and_hope",
        ] {
            assert!(parse_strategy(bad).is_err(), "{bad}");
        }
    }
}

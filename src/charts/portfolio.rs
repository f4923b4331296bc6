//! A portfolio's charts: the equity against the benchmark with the drawdown beneath,
//! and each symbol's weight after every rebalance as stacked areas (the largest
//! holdings by name, the rest together, and the cash on top).

use charming::component::{Axis, Grid, Legend};
use charming::element::{AreaStyle, AxisType, Step, Tooltip, Trigger};
use charming::series::Line;
use charming::Chart;

use super::backtest::{curve, drawdown_area, equity_and_drawdown_panes};
use crate::wire::portfolio::PortfolioReport;

/// Symbols drawn by name in the weights chart; the others share one area.
pub const NAMED_HOLDINGS: usize = 8;

pub fn portfolio_chart(report: &PortfolioReport, log_scale: bool) -> Chart {
    let equity = &report.equity;
    let days: Vec<String> = equity.iter().map(|p| p.ts.clone()).collect();
    let mut chart = equity_and_drawdown_panes(days, log_scale).series(curve(
        "Portfolio",
        equity.iter().map(|p| p.equity),
        0,
    ));
    if let Some(name) = &report.benchmark {
        chart = chart.series(curve(name, equity.iter().filter_map(|p| p.benchmark), 0));
    }
    chart.series(drawdown_area(equity.iter().map(|p| p.drawdown_pct)))
}

/// Weights in percent after each rebalance, one stacked area per named holding.
pub fn weights_chart(report: &PortfolioReport) -> Chart {
    let days: Vec<String> = report.rebalances.iter().map(|r| r.ts.clone()).collect();
    let symbols = report.symbols.len();
    let mut mean: Vec<(usize, f64)> = (0..symbols)
        .map(|s| (s, report.rebalances.iter().map(|r| r.after[s]).sum::<f64>()))
        .collect();
    mean.sort_by(|a, b| b.1.total_cmp(&a.1));
    let named: Vec<usize> = mean.iter().take(NAMED_HOLDINGS).map(|(s, _)| *s).collect();
    let area = |name: &str, values: Vec<f64>| {
        Line::new()
            .name(name)
            .stack("weights")
            .show_symbol(false)
            .step(Step::End)
            .area_style(AreaStyle::new().opacity(0.6))
            .data(values)
    };
    let mut chart = Chart::new()
        .background_color("transparent")
        .animation(false)
        .legend(Legend::new().top(0))
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .grid(Grid::new().left("8%").right("3%").top("14%").bottom("10%"))
        .x_axis(Axis::new().type_(AxisType::Category).data(days))
        .y_axis(Axis::new().type_(AxisType::Value).max(100).name("weight %"));
    for &s in &named {
        let values = report
            .rebalances
            .iter()
            .map(|r| r.after[s] * 100.0)
            .collect();
        chart = chart.series(area(&report.symbols[s], values));
    }
    if symbols > named.len() {
        let others: Vec<f64> = report
            .rebalances
            .iter()
            .map(|r| {
                let named_total: f64 = named.iter().map(|s| r.after[*s]).sum();
                (r.after.iter().sum::<f64>() - named_total) * 100.0
            })
            .collect();
        chart = chart.series(area("Others", others));
    }
    let cash = report
        .rebalances
        .iter()
        .map(|r| ((1.0 - r.after.iter().sum::<f64>()) * 100.0).max(0.0))
        .collect();
    chart.series(area("Cash", cash))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backtest::portfolio::{PortfolioStats, Rebalancing};
    use crate::wire::portfolio::{PortfolioPoint, RebalanceView, WeightsSpec};
    use serde_json::Value;

    fn report(symbols: usize) -> PortfolioReport {
        let stats: PortfolioStats = serde_json::from_value(serde_json::json!({
            "Start": "2024-01-02", "End": "2024-01-03", "Duration": 1,
            "Equity Final [$]": 1.0, "Equity Peak [$]": 1.0, "Commissions [$]": 0.0,
            "Return [%]": 0.0, "Return (Ann.) [%]": 0.0, "CAGR [%]": null,
            "Volatility (Ann.) [%]": 0.0, "Sharpe Ratio": null, "Sortino Ratio": null,
            "Calmar Ratio": null, "Alpha [%]": null, "Beta": null, "Benchmark Return [%]": null,
            "Max. Drawdown [%]": 0.0, "Avg. Drawdown [%]": null, "Max. Drawdown Duration": null,
            "Avg. Drawdown Duration": null, "Turnover [%]": 0.0, "# Rebalances": 2, "# Orders": 2
        }))
        .unwrap();
        let weight = 0.9 / symbols as f64;
        PortfolioReport {
            symbols: (0..symbols).map(|s| format!("S{s}")).collect(),
            weights: WeightsSpec::default(),
            rebalance: Rebalancing::Monthly,
            benchmark: Some("SPY".into()),
            is_demo: false,
            stats,
            equity: (0..3)
                .map(|i| PortfolioPoint {
                    ts: format!("2024-01-0{}", i + 2),
                    equity: 100.0 + i as f64,
                    drawdown_pct: 0.0,
                    benchmark: Some(100.0),
                })
                .collect(),
            rebalances: (0..2)
                .map(|i| RebalanceView {
                    ts: format!("2024-0{}-01", i + 1),
                    before: vec![0.0; symbols],
                    after: vec![weight; symbols],
                    traded: 0.0,
                })
                .collect(),
            contributions: Vec::new(),
        }
    }

    #[test]
    fn the_largest_holdings_are_named_and_the_rest_and_the_cash_stacked_on_top() {
        let json: Value = serde_json::from_str(&weights_chart(&report(12)).to_string()).unwrap();
        let series = json["series"].as_array().unwrap();
        assert_eq!(series.len(), NAMED_HOLDINGS + 2);
        assert!(series.iter().all(|s| s["stack"] == "weights"));
        assert_eq!(series[NAMED_HOLDINGS]["name"], "Others");
        let cash = series[NAMED_HOLDINGS + 1]["data"][0].as_f64().unwrap();
        assert!((cash - 10.0).abs() < 1e-9);
        let others = series[NAMED_HOLDINGS]["data"][0].as_f64().unwrap();
        assert!((others - 4.0 * 7.5).abs() < 1e-9);
    }

    #[test]
    fn the_equity_chart_draws_the_benchmark_beside_the_portfolio() {
        let json: Value =
            serde_json::from_str(&portfolio_chart(&report(2), false).to_string()).unwrap();
        let names: Vec<&str> = json["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["Portfolio", "SPY", "Drawdown"]);
    }
}

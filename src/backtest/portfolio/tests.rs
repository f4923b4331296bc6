//! Agreement with vectorbt 1.x on committed fixtures (`tests/fixtures/generate_portfolios.py`):
//! the calendar, the rebalance rows, the target weights and the equity curve.

use serde::Deserialize;
use std::collections::BTreeMap;

use super::*;

const FIXTURES: [&str; 7] = [
    include_str!("../../../tests/fixtures/portfolios/equal_monthly.json"),
    include_str!("../../../tests/fixtures/portfolios/explicit_weekly.json"),
    include_str!("../../../tests/fixtures/portfolios/inverse_vol_quarterly.json"),
    include_str!("../../../tests/fixtures/portfolios/never_high_fees.json"),
    include_str!("../../../tests/fixtures/portfolios/equal_monthly_no_fees.json"),
    include_str!("../../../tests/fixtures/portfolios/drifting_weekly.json"),
    include_str!("../../../tests/fixtures/portfolios/inverse_vol_monthly_all_in.json"),
];

#[derive(Deserialize)]
struct Series {
    days: Vec<i64>,
    close: Vec<f64>,
}

#[derive(Deserialize)]
struct Fixture {
    name: String,
    symbols: Vec<String>,
    series: BTreeMap<String, Series>,
    weights: serde_json::Value,
    rebalance: Rebalancing,
    cash: f64,
    commission: f64,
    days: Vec<i64>,
    rebalance_rows: Vec<usize>,
    targets: Vec<Vec<f64>>,
    equity: Vec<f64>,
    fees_paid: f64,
    orders: usize,
}

impl Fixture {
    fn weighting(&self) -> Weighting {
        match &self.weights {
            serde_json::Value::String(s) if s == "equal" => Weighting::Equal,
            serde_json::Value::String(s) if s == "inverse_volatility" => {
                Weighting::InverseVolatility
            }
            serde_json::Value::Object(map) => Weighting::Fixed(
                self.symbols
                    .iter()
                    .map(|s| map.get(s).and_then(|w| w.as_f64()).unwrap_or(0.0))
                    .collect(),
            ),
            other => panic!("unknown weights {other}"),
        }
    }
}

fn relative(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

#[test]
fn equity_matches_vectorbt_to_one_part_in_a_billion() {
    for text in FIXTURES {
        let f: Fixture = serde_json::from_str(text).unwrap();
        let day_lists: Vec<&[i64]> = f
            .symbols
            .iter()
            .map(|s| f.series[s].days.as_slice())
            .collect();
        let days = common_days(&day_lists);
        assert_eq!(days, f.days, "{}: calendar", f.name);
        let aligned: Vec<Vec<f64>> = f
            .symbols
            .iter()
            .map(|s| {
                let series = &f.series[s];
                days.iter()
                    .map(|d| series.close[series.days.binary_search(d).unwrap()])
                    .collect()
            })
            .collect();
        let closes: Vec<&[f64]> = aligned.iter().map(Vec::as_slice).collect();
        let rows = rebalance_rows(&days, f.rebalance);
        assert_eq!(rows, f.rebalance_rows, "{}: rebalance rows", f.name);
        let weighting = f.weighting();
        let plan: Vec<Rebalance> = rows
            .iter()
            .map(|&row| Rebalance {
                row,
                targets: targets(&weighting, &closes, row, &[]),
            })
            .collect();
        for (ours, theirs) in plan.iter().zip(&f.targets) {
            for (a, b) in ours.targets.iter().zip(theirs) {
                assert!(
                    (a - b).abs() < 1e-12,
                    "{}: targets on row {}: {a} vs {b}",
                    f.name,
                    ours.row
                );
            }
        }
        let path = simulate(&closes, &plan, f.cash, f.commission);
        assert_eq!(path.equity.len(), f.equity.len());
        for (i, (a, b)) in path.equity.iter().zip(&f.equity).enumerate() {
            assert!(
                relative(*a, *b) < 1e-9,
                "{}: equity on row {i}: {a} vs {b}",
                f.name
            );
        }
        assert_eq!(path.orders, f.orders, "{}: orders", f.name);
        let fees: f64 = path.fees.iter().sum();
        assert!(
            (fees - f.fees_paid).abs() <= 1e-9 * f.fees_paid.max(1.0),
            "{}: fees {fees} vs {}",
            f.name,
            f.fees_paid
        );
        let gain: f64 = path.pnl.iter().sum();
        let final_equity = *path.equity.last().unwrap();
        assert!(
            relative(f.cash + gain, final_equity) < 1e-9,
            "{}: contributions add up",
            f.name
        );
    }
}

//! The portfolio's day-by-day path with shared cash, as vectorbt 1.x's
//! `Portfolio.from_orders(size_type="targetpercent", group_by=True, cash_sharing=True,
//! call_seq="auto")` computes it: on a rebalance bar every symbol is valued at the
//! close, each order aims at its share of that one pre-trade value, and the orders run
//! from the most negative value to the most positive (sells first, releasing cash for
//! the buys); between rebalances the units stay and the equity is marked at each close.

use super::fills::{self, Holding};

/// Target weights (one per symbol, in the symbols' order) from a bar on.
#[derive(Clone, Debug, PartialEq)]
pub struct Rebalance {
    pub row: usize,
    pub targets: Vec<f64>,
}

/// One rebalance as it happened: each symbol's weight of the equity before and after.
#[derive(Clone, Debug, PartialEq)]
pub struct Executed {
    pub row: usize,
    pub before: Vec<f64>,
    pub after: Vec<f64>,
    /// Value bought and sold at this rebalance, commission excluded.
    pub traded: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// Cash plus every holding at the close, one per bar.
    pub equity: Vec<f64>,
    pub rebalances: Vec<Executed>,
    /// Per symbol: what holding it earned, commission included (the last close's value
    /// plus sales, minus purchases); together they are the equity's gain.
    pub pnl: Vec<f64>,
    /// Per symbol: commission paid.
    pub fees: Vec<f64>,
    /// Per symbol: the weight at the last close.
    pub final_weights: Vec<f64>,
    pub orders: usize,
}

/// `closes[s][i]`: symbol `s`'s close on bar `i`, every series as long as the calendar.
/// `rebalances` are in bar order; the first should be on bar 0 (before it, all cash).
pub fn simulate(closes: &[&[f64]], rebalances: &[Rebalance], cash: f64, fees: f64) -> Path {
    let symbols = closes.len();
    let bars = closes.first().map_or(0, |c| c.len());
    let mut equity = vec![0.0; bars];
    let mut units = vec![0.0; symbols];
    let mut flows = vec![0.0; symbols];
    let mut paid = vec![0.0; symbols];
    let mut executed = Vec::with_capacity(rebalances.len());
    let mut orders = 0;
    let mut cash_now = cash;
    let mut segment_start = 0;
    let mut order_values = Vec::with_capacity(symbols);
    let mut call_seq: Vec<usize> = Vec::with_capacity(symbols);
    for rebalance in rebalances {
        let row = rebalance.row;
        mark(
            &mut equity[segment_start..row],
            closes,
            &units,
            cash_now,
            segment_start,
        );
        let price = |s: usize| closes[s][row];
        let value = valued(cash_now, &units, price);
        // vectorbt's order value: target value − what is held now.
        order_values.clear();
        order_values
            .extend((0..symbols).map(|s| rebalance.targets[s] * value - units[s] * price(s)));
        call_seq.clear();
        call_seq.extend(0..symbols);
        call_seq.sort_by(|a, b| order_values[*a].total_cmp(&order_values[*b]));
        let before = weights(&units, price, value);
        let mut traded = 0.0;
        for &s in &call_seq {
            let mut holding = Holding {
                cash: cash_now,
                units: units[s],
            };
            let fill =
                fills::target_percent(&mut holding, rebalance.targets[s], value, price(s), fees);
            if let Some(fill) = fill {
                let amount = fill.units * price(s);
                flows[s] -= amount + fill.fee;
                paid[s] += fill.fee;
                traded += amount.abs();
                orders += 1;
            }
            cash_now = holding.cash;
            units[s] = holding.units;
        }
        let after_value = valued(cash_now, &units, price);
        executed.push(Executed {
            row,
            before,
            after: weights(&units, price, after_value),
            traded,
        });
        segment_start = row;
    }
    mark(
        &mut equity[segment_start..],
        closes,
        &units,
        cash_now,
        segment_start,
    );
    let last = bars.saturating_sub(1);
    let final_value = equity.last().copied().unwrap_or(cash);
    let pnl = (0..symbols)
        .map(|s| {
            flows[s]
                + if bars > 0 {
                    units[s] * closes[s][last]
                } else {
                    0.0
                }
        })
        .collect();
    let final_weights = if bars > 0 {
        weights(&units, |s| closes[s][last], final_value)
    } else {
        vec![0.0; symbols]
    };
    Path {
        equity,
        rebalances: executed,
        pnl,
        fees: paid,
        final_weights,
        orders,
    }
}

/// Cash plus the held units at `price`, added in vectorbt's order (cash first).
fn valued(cash: f64, units: &[f64], price: impl Fn(usize) -> f64) -> f64 {
    units
        .iter()
        .enumerate()
        .filter(|(_, u)| **u != 0.0)
        .fold(cash, |value, (s, u)| value + u * price(s))
}

fn weights(units: &[f64], price: impl Fn(usize) -> f64, value: f64) -> Vec<f64> {
    units
        .iter()
        .enumerate()
        .map(|(s, u)| {
            if value > 0.0 {
                u * price(s) / value
            } else {
                0.0
            }
        })
        .collect()
}

/// Equity on the bars of `out` (starting at bar `start`): cash plus each held symbol's
/// units at its close, one symbol at a time so each close column is read in order.
fn mark(out: &mut [f64], closes: &[&[f64]], units: &[f64], cash: f64, start: usize) {
    out.fill(cash);
    for (column, &held) in closes.iter().zip(units) {
        if held == 0.0 {
            continue;
        }
        for (e, close) in out.iter_mut().zip(&column[start..]) {
            *e += held * close;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_weights_without_fees_hold_half_each() {
        let a = [10.0, 20.0, 20.0];
        let b = [10.0, 10.0, 5.0];
        let path = simulate(
            &[&a, &b],
            &[Rebalance {
                row: 0,
                targets: vec![0.5, 0.5],
            }],
            100.0,
            0.0,
        );
        // 5 units of each: 100, then 150, then 125.
        assert_eq!(path.equity, vec![100.0, 150.0, 125.0]);
        assert_eq!(path.pnl, vec![50.0, -25.0]);
        assert_eq!(path.orders, 2);
        assert_eq!(path.rebalances[0].after, vec![0.5, 0.5]);
    }

    #[test]
    fn a_rebalance_sells_the_winner_before_buying_the_loser() {
        let a = [10.0, 20.0];
        let b = [10.0, 10.0];
        let plan = [
            Rebalance {
                row: 0,
                targets: vec![0.5, 0.5],
            },
            Rebalance {
                row: 1,
                targets: vec![0.5, 0.5],
            },
        ];
        let path = simulate(&[&a, &b], &plan, 100.0, 0.01);
        let second = &path.rebalances[1];
        assert!(second.before[0] > 0.6, "{:?}", second.before);
        // Sold first, so the buy had the cash: both end near half (fees aside).
        assert!((second.after[0] - 0.5).abs() < 0.01, "{:?}", second.after);
        assert!((second.after[1] - 0.5).abs() < 0.01, "{:?}", second.after);
        let fees: f64 = path.fees.iter().sum();
        let gain: f64 = path.pnl.iter().sum();
        assert!((gain - (path.equity[1] - 100.0)).abs() < 1e-9);
        assert!(fees > 0.0);
    }
}

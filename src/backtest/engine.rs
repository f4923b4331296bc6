//! The broker and the bar loop, step for step as backtesting.py runs them.

use super::cancel::{Cancel, CHECK_EVERY};
use super::strategy::{Decision, Prepared};
use super::{Settings, Strategy};
use crate::indicators::Ohlcv;

/// backtesting.py's default order size (0.6): all available equity, as `1 − ε`.
/// (Before 0.6 it was 0.9999; we match the current release the fixtures come from.)
const ORDER_FRACTION: f64 = 1.0 - f64::EPSILON;

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Trade {
    /// Units: positive long, negative short.
    pub size: i64,
    pub entry_bar: usize,
    pub exit_bar: usize,
    pub entry_price: f64,
    pub exit_price: f64,
    /// Profit after both commissions.
    pub pnl: f64,
    /// Return on the entry value after commissions (a fraction).
    pub return_pct: f64,
    pub commissions: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub trades: Vec<Trade>,
    /// Equity after each bar (cash plus the open position at the close).
    pub equity: Vec<f64>,
    /// Bars before the first decision.
    pub warmup: usize,
}

struct OpenTrade {
    id: u64,
    size: i64,
    entry_bar: usize,
    entry_price: f64,
}

#[derive(Clone, Copy)]
enum Order {
    Close(u64),
    Long,
    Short,
}

struct Broker {
    settings: Settings,
    cash: f64,
    open: Vec<OpenTrade>,
    closed: Vec<Trade>,
    next_id: u64,
}

impl Broker {
    fn commission(&self, size: i64, price: f64) -> f64 {
        size.unsigned_abs() as f64 * price * self.settings.commission
    }

    fn unrealized(&self, price: f64) -> f64 {
        let size: i64 = self.open.iter().map(|t| t.size).sum();
        price * size as f64
            - self
                .open
                .iter()
                .map(|t| t.size as f64 * t.entry_price)
                .sum::<f64>()
    }

    fn equity(&self, last_price: f64) -> f64 {
        self.cash + self.unrealized(last_price)
    }

    fn margin_available(&self, last_price: f64) -> f64 {
        let used: f64 = self
            .open
            .iter()
            .map(|t| t.size.unsigned_abs() as f64 * last_price)
            .sum();
        (self.equity(last_price) - used).max(0.0)
    }

    fn close(&mut self, index: usize, price: f64, bar: usize) {
        let trade = self.open.remove(index);
        let gross = trade.size as f64 * (price - trade.entry_price);
        let exit_commission = self.commission(trade.size, price);
        self.cash += gross - exit_commission;
        let commissions = self.commission(trade.size, trade.entry_price) + exit_commission;
        let direction = if trade.size > 0 { 1.0 } else { -1.0 };
        self.closed.push(Trade {
            size: trade.size,
            entry_bar: trade.entry_bar,
            exit_bar: bar,
            entry_price: trade.entry_price,
            exit_price: price,
            pnl: gross - commissions,
            return_pct: direction * (price / trade.entry_price - 1.0)
                - commissions / (trade.size.unsigned_abs() as f64 * trade.entry_price),
            commissions,
        });
    }

    /// Fills the queued orders at bar `i`'s open (the close prices the position).
    fn process(&mut self, orders: &mut Vec<Order>, open: f64, last_price: f64, bar: usize) {
        for order in orders.drain(..) {
            match order {
                Order::Close(id) => {
                    if let Some(index) = self.open.iter().position(|t| t.id == id) {
                        self.close(index, open, bar);
                    }
                }
                Order::Long | Order::Short => {
                    let sign: i64 = if matches!(order, Order::Long) { 1 } else { -1 };
                    // backtesting.py's arithmetic, for identical rounding at the boundary.
                    let fraction_commission = ORDER_FRACTION * open * self.settings.commission;
                    let unit_cost = open + fraction_commission / ORDER_FRACTION;
                    let size = (self.margin_available(last_price) * ORDER_FRACTION / unit_cost)
                        .floor() as i64;
                    if size == 0 {
                        continue;
                    }
                    // No hedging: an opposite trade is closed first.
                    while let Some(index) = self.open.iter().position(|t| t.size * sign < 0) {
                        self.close(index, open, bar);
                    }
                    if size as f64 * unit_cost > self.margin_available(last_price) {
                        continue;
                    }
                    self.cash -= self.commission(size, open);
                    self.open.push(OpenTrade {
                        id: self.next_id,
                        size: sign * size,
                        entry_bar: bar,
                        entry_price: open,
                    });
                    self.next_id += 1;
                }
            }
        }
    }
}

/// Runs `strategy` over the bars.
pub fn run(bars: &Ohlcv, strategy: &Strategy, settings: Settings) -> Outcome {
    run_window(bars, strategy, settings, 0..bars.close.len())
}

/// [`run`], stopping early (`None`) once `cancel` is set.
pub fn run_until(
    bars: &Ohlcv,
    strategy: &Strategy,
    settings: Settings,
    cancel: &Cancel,
) -> Option<Outcome> {
    run_window_until(bars, strategy, settings, 0..bars.close.len(), cancel)
}

/// Runs `strategy` over `window` of the bars as if the account opened at its first
/// bar: indicators see the bars before it, trades happen only inside it, and the
/// outcome's bars are counted from its start.
pub fn run_window(
    bars: &Ohlcv,
    strategy: &Strategy,
    settings: Settings,
    window: std::ops::Range<usize>,
) -> Outcome {
    run_window_until(bars, strategy, settings, window, &Cancel::default())
        .expect("a run nobody can cancel runs to the end")
}

/// [`run_window`], stopping early (`None`) once `cancel` is set.
pub fn run_window_until(
    bars: &Ohlcv,
    strategy: &Strategy,
    settings: Settings,
    window: std::ops::Range<usize>,
    cancel: &Cancel,
) -> Option<Outcome> {
    let bars = &bars.up_to(window.end);
    let prepared = strategy.prepare(bars);
    run_prepared_window(bars, strategy, &prepared, settings, window, cancel)
}

/// [`run_window_until`] with the strategy's lines already computed (over these bars
/// or more: a line's value at a bar depends only on the bars up to it).
pub(crate) fn run_prepared_window(
    bars: &Ohlcv,
    strategy: &Strategy,
    prepared: &Prepared,
    settings: Settings,
    window: std::ops::Range<usize>,
    cancel: &Cancel,
) -> Option<Outcome> {
    let bars = &bars.up_to(window.end);
    let outcome = run_bars(bars, strategy, prepared, settings, window.start, cancel)?;
    Some(rebase(outcome, window.start))
}

fn rebase(mut outcome: Outcome, first: usize) -> Outcome {
    if first == 0 {
        return outcome;
    }
    outcome.equity.drain(..first);
    for trade in &mut outcome.trades {
        trade.entry_bar -= first;
        trade.exit_bar -= first;
    }
    outcome.warmup = outcome.warmup.saturating_sub(first);
    outcome
}

/// The bar loop from bar `first` on (or later, when the strategy is still warming up).
fn run_bars(
    bars: &Ohlcv,
    strategy: &Strategy,
    prepared: &Prepared,
    settings: Settings,
    first: usize,
    cancel: &Cancel,
) -> Option<Outcome> {
    let n = bars.close.len();
    let warmup = strategy.warmup().max(first.saturating_sub(1));
    let mut broker = Broker {
        settings,
        cash: settings.cash,
        open: Vec::new(),
        closed: Vec::new(),
        next_id: 0,
    };
    let mut equity = vec![settings.cash; n];
    let mut orders: Vec<Order> = Vec::new();
    let start = warmup + 1;
    let mut last_bar = None;
    for i in start..n {
        if (i - start) % CHECK_EVERY == 0 && cancel.is_cancelled() {
            return None;
        }
        broker.process(&mut orders, bars.open[i], bars.close[i], i);
        equity[i] = broker.equity(bars.close[i]);
        last_bar = Some(i);
        if equity[i] <= 0.0 {
            // Out of money: positions are closed at this close and the account stays at zero.
            while !broker.open.is_empty() {
                broker.close(0, bars.close[i], i);
            }
            for e in &mut equity[i..] {
                *e = 0.0;
            }
            return Some(Outcome {
                trades: broker.closed,
                equity,
                warmup,
            });
        }
        let long = broker.open.iter().any(|t| t.size > 0);
        let short = broker.open.iter().any(|t| t.size < 0);
        match prepared.decide(bars, i, long, short) {
            Decision::None => {}
            Decision::GoLong => {
                orders.extend(broker.open.iter().map(|t| Order::Close(t.id)));
                orders.push(Order::Long);
            }
            Decision::GoShortOrFlat => {
                orders.extend(broker.open.iter().map(|t| Order::Close(t.id)));
                if settings.allow_short {
                    orders.push(Order::Short);
                }
            }
        }
    }
    // Close what is still open on the last bar, as backtesting.py's `finalize_trades`
    // does: one more pass of the broker over the last bar.
    if let Some(last) = last_bar {
        orders.extend(broker.open.iter().map(|t| Order::Close(t.id)));
        broker.process(&mut orders, bars.open[last], bars.close[last], last);
        equity[last] = broker.equity(bars.close[last]);
    }
    Some(Outcome {
        trades: broker.closed,
        equity,
        warmup,
    })
}

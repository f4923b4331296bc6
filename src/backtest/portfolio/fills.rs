//! One order at a bar's close, filled as vectorbt 1.x fills it (`buy_nb`, `sell_nb`
//! with no slippage, fixed fees or size granularity): a buy that the cash cannot pay
//! for with its commission is cut to what the cash buys, and amounts within vectorbt's
//! tolerances of each other count as equal, so results agree to the last bits.

/// vectorbt's `rel_tol` and `abs_tol` (`vectorbt.utils.math_`).
const REL_TOL: f64 = 1e-9;
const ABS_TOL: f64 = 1e-12;
/// vectorbt's default `min_size`: smaller orders are rejected.
const MIN_SIZE: f64 = 1e-8;

pub(super) fn is_close(a: f64, b: f64) -> bool {
    if a.is_nan() || b.is_nan() || a.is_infinite() || b.is_infinite() {
        return false;
    }
    a == b || (a - b).abs() <= (REL_TOL * a.abs().max(b.abs())).max(ABS_TOL)
}

fn is_less(a: f64, b: f64) -> bool {
    !is_close(a, b) && a < b
}

/// `a + b`, or exactly 0 when they cancel within the tolerances.
fn add(a: f64, b: f64) -> f64 {
    let cancels = if sign(a) != sign(b) {
        is_close(a.abs(), b.abs())
    } else {
        is_close(a + b, 0.0)
    };
    if cancels {
        0.0
    } else {
        a + b
    }
}

/// numpy's sign: −1, 0 or 1.
fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// A value within the absolute tolerance of 0 is 0 (vectorbt's numerical stability step).
pub(super) fn snapped(x: f64) -> f64 {
    if is_close(x, 0.0) {
        0.0
    } else {
        x
    }
}

/// Shared cash and one symbol's units, before and after an order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Holding {
    pub cash: f64,
    pub units: f64,
}

/// What an order did: units bought (> 0) or sold (< 0) and the commission paid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Fill {
    pub units: f64,
    pub fee: f64,
}

/// Brings `holding` to `target` of `value` at `price`; `None` when vectorbt ignores
/// or rejects the order (too small, no cash, nothing to sell). `holding`'s near-zero
/// amounts are zeroed either way, as vectorbt does before every order.
pub(super) fn target_percent(
    holding: &mut Holding,
    target: f64,
    value: f64,
    price: f64,
    fees: f64,
) -> Option<Fill> {
    holding.cash = snapped(holding.cash);
    holding.units = snapped(holding.units);
    let value = snapped(value);
    if value <= 0.0 {
        return None;
    }
    let size = target * value / price - holding.units;
    if size > 0.0 {
        buy(holding, size, price, fees)
    } else {
        sell(holding, -size, price, fees)
    }
}

fn buy(holding: &mut Holding, size: f64, price: f64, fees: f64) -> Option<Fill> {
    let cash_limit = holding.cash;
    if cash_limit == 0.0 {
        return None;
    }
    let required = size * price;
    let required_fees = required * fees;
    let total = required + required_fees;
    let (units, fee, spent) = if is_close(total, cash_limit) || total < cash_limit {
        (size, required_fees, total)
    } else {
        // Too little cash: buy what it pays for, commission included.
        let affordable = cash_limit / (1.0 + fees);
        if affordable <= 0.0 {
            return None;
        }
        (affordable / price, cash_limit - affordable, cash_limit)
    };
    if is_close(size, 0.0) || is_less(units, MIN_SIZE) {
        return None;
    }
    holding.cash = add(holding.cash, -spent);
    holding.units = add(holding.units, units);
    Some(Fill { units, fee })
}

fn sell(holding: &mut Holding, size: f64, price: f64, fees: f64) -> Option<Fill> {
    if is_close(size, 0.0) || is_less(size, MIN_SIZE) {
        return None;
    }
    let proceeds = size * price;
    let fee = proceeds * fees;
    let received = add(proceeds, -fee);
    if received < 0.0 {
        return None;
    }
    holding.cash += received;
    holding.units = add(holding.units, -size);
    Some(Fill { units: -size, fee })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buy_the_cash_cannot_cover_takes_what_the_cash_buys() {
        let mut holding = Holding {
            cash: 1_000.0,
            units: 0.0,
        };
        let fill = target_percent(&mut holding, 1.0, 1_000.0, 10.0, 0.01).unwrap();
        // 100 units would cost 1 010 with the commission: 1 000 / 1.01 buys 99.0099…
        assert!((fill.units - 1_000.0 / 1.01 / 10.0).abs() < 1e-12);
        assert!((fill.fee - (1_000.0 - 1_000.0 / 1.01)).abs() < 1e-9);
        assert_eq!(holding.cash, 0.0);
    }

    #[test]
    fn selling_everything_leaves_exactly_no_units() {
        let mut holding = Holding {
            cash: 0.0,
            units: 3.0,
        };
        let fill = target_percent(&mut holding, 0.0, 30.0, 10.0, 0.001).unwrap();
        assert_eq!(fill.units, -3.0);
        assert_eq!(holding.units, 0.0);
        assert!((holding.cash - 30.0 * 0.999).abs() < 1e-12);
    }

    #[test]
    fn orders_below_the_minimum_size_are_not_filled() {
        let mut holding = Holding {
            cash: 100.0,
            units: 1.0,
        };
        // The target differs from the holding by 1e-9 units.
        assert_eq!(
            target_percent(&mut holding, 0.5, 200.0 + 1e-7, 100.0, 0.0),
            None
        );
        assert_eq!(
            holding,
            Holding {
                cash: 100.0,
                units: 1.0
            }
        );
    }

    #[test]
    fn no_value_no_order() {
        let mut holding = Holding {
            cash: 0.0,
            units: 0.0,
        };
        assert_eq!(target_percent(&mut holding, 0.5, 0.0, 10.0, 0.0), None);
    }
}

//! Highest high and lowest low of every trailing window, by van Herk and
//! Gil-Werman's method: cut the series into blocks of the window's length and keep
//! running extremes forwards and backwards inside each block; a window spans at most
//! two blocks, so its extreme is the better of the previous block's backward value
//! at its start and the current block's forward value at its end. A few comparisons
//! per bar whatever the prices do (no rescans, no branches on prices); max and min
//! are exact, so the values are TA-Lib's.

fn max(a: f64, b: f64) -> f64 {
    if a > b {
        a
    } else {
        b
    }
}

fn min(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

/// Calls `emit(end, highest, lowest)` for each window of `period` bars, in order of
/// the window's last bar `end`.
pub(crate) fn for_each_window(
    high: &[f64],
    low: &[f64],
    period: usize,
    mut emit: impl FnMut(usize, f64, f64),
) {
    let len = high.len().min(low.len());
    if period == 0 || len < period {
        return;
    }
    // Backward extremes (high, low) of the previous block, then of the current one.
    let mut previous = (vec![f64::NEG_INFINITY; period], vec![f64::INFINITY; period]);
    let mut current = previous.clone();
    for (block, (highs, lows)) in high[..len]
        .chunks(period)
        .zip(low[..len].chunks(period))
        .enumerate()
    {
        let start = block * period;
        let (mut best_high, mut best_low) = (f64::NEG_INFINITY, f64::INFINITY);
        for (((h, l), back_h), back_l) in highs
            .iter()
            .zip(lows)
            .zip(current.0.iter_mut())
            .zip(current.1.iter_mut())
            .rev()
        {
            best_high = max(best_high, *h);
            best_low = min(best_low, *l);
            (*back_h, *back_l) = (best_high, best_low);
        }
        let (mut forward_high, mut forward_low) = (f64::NEG_INFINITY, f64::INFINITY);
        for (r, (h, l)) in highs.iter().zip(lows).enumerate() {
            forward_high = max(forward_high, *h);
            forward_low = min(forward_low, *l);
            let end = start + r;
            if end + 1 < period {
                continue;
            }
            if r + 1 < period {
                // The window starts at `r + 1` of the previous block.
                emit(
                    end,
                    max(previous.0[r + 1], forward_high),
                    min(previous.1[r + 1], forward_low),
                );
            } else {
                emit(end, forward_high, forward_low);
            }
        }
        std::mem::swap(&mut previous, &mut current);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_a_scan_of_every_window() {
        let high: Vec<f64> = (0..300).map(|i| ((i * 7919 % 101) as f64).sqrt()).collect();
        let low: Vec<f64> = high.iter().map(|h| h - 1.0 - (h * 3.0).sin()).collect();
        for period in [1, 2, 5, 14, 50, 300] {
            let mut seen = Vec::new();
            for_each_window(&high, &low, period, |end, highest, lowest| {
                seen.push((end, highest, lowest))
            });
            let expected: Vec<_> = (period - 1..high.len())
                .map(|end| {
                    let window = end + 1 - period..=end;
                    let max = high[window.clone()]
                        .iter()
                        .copied()
                        .fold(f64::MIN, f64::max);
                    let min = low[window].iter().copied().fold(f64::MAX, f64::min);
                    (end, max, min)
                })
                .collect();
            assert_eq!(seen, expected, "{period}");
        }
        let mut calls = 0;
        for_each_window(&high[..3], &low[..3], 5, |_, _, _| calls += 1);
        assert_eq!(calls, 0);
    }
}

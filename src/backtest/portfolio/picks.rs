//! Which symbols a signal model says BUY to on each rebalance day, for weights that
//! follow the project's own models.

use crate::backtest::Cancel;
use crate::market::{Bar, Columns};
use crate::signals::{Action, Model};

/// `picked[k][s]`: whether `model`, on symbol `s`'s newest `lookback` bars up to and
/// including the bar dated `dates[k]` (Unix seconds, as `Bar::ts`), says BUY (`bars[s]` is that symbol's own series, ascending;
/// too few bars to speak is not a BUY). `None` once `cancel` is set.
pub fn buy_picks(
    bars: &[&[Bar]],
    dates: &[i64],
    model: Model,
    lookback: usize,
    cancel: &Cancel,
) -> Option<Vec<Vec<bool>>> {
    dates
        .iter()
        .map(|date| {
            if cancel.is_cancelled() {
                return None;
            }
            let day = bars
                .iter()
                .map(|series| {
                    let end = series.partition_point(|b| b.ts <= *date);
                    let window = &series[end.saturating_sub(lookback)..end];
                    let columns = Columns::of(window);
                    model
                        .evaluate(&columns.ohlcv())
                        .is_some_and(|verdict| verdict.action == Action::Buy)
                })
                .collect();
            Some(day)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::{demo, DAY_SECS};

    #[test]
    fn picks_are_the_models_verdicts_on_the_bars_up_to_each_day() {
        let series = demo::bars("AAPL", 20_000).unwrap();
        let days: Vec<i64> = [300, 450, 600].iter().map(|i| series[*i].ts).collect();
        let picks = buy_picks(&[&series], &days, Model::Ensemble, 120, &Cancel::default()).unwrap();
        for (k, i) in [300, 450, 600].iter().enumerate() {
            let columns = Columns::of(&series[i + 1 - 120..=*i]);
            let verdict = Model::Ensemble.evaluate(&columns.ohlcv()).unwrap();
            assert_eq!(picks[k][0], verdict.action == Action::Buy);
        }
        // Before the first bar nothing can be said.
        let before = buy_picks(
            &[&series],
            &[series[0].ts - DAY_SECS],
            Model::Ensemble,
            120,
            &Cancel::default(),
        );
        assert_eq!(before, Some(vec![vec![false]]));
    }
}

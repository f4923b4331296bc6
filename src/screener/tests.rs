use super::condition::{Condition, Op, Operand};
use super::term::{Field, Named, Term};
use super::*;
use crate::market::{Bar, Columns};

/// A wavy series whose shape (and so its RSI) depends on `seed`.
fn bars(count: usize, seed: f64) -> Vec<Bar> {
    (0..count)
        .map(|i| {
            let x = i as f64;
            let p = 100.0 + (x * 0.05 * seed).sin() * 10.0 + x * 0.01 * seed;
            Bar {
                ts: i as i64 * 86_400,
                open: p,
                high: p * 1.01 + 0.2,
                low: p * 0.99 - 0.2,
                close: p * (1.0 + 0.004 * (x * 0.3).cos()),
                volume: 1_000.0 + x,
            }
        })
        .collect()
}

fn term(screen: &mut Screen, name: &str) -> usize {
    let t = Named::parse(name).unwrap().single(name).unwrap();
    screen.term(t)
}

#[test]
fn a_reading_holds_the_indicators_last_values_and_the_models_verdict() {
    let series = bars(400, 1.3);
    let columns = Columns::of(&series);
    let mut screen = Screen::new(Model::Ensemble, 120);
    let rsi = term(&mut screen, "rsi:14");
    screen.shown.push(("rsi:14".into(), Shown::Term(rsi)));
    screen.shown.push((
        "macd:12:26:9".into(),
        Shown::Parts(Indicator::parse("macd:12:26:9").unwrap()),
    ));
    let reading = read(&screen, 7, &columns.ohlcv()).expect("no conditions");
    assert_eq!(reading.index, 7);
    let Output::Line(expected_rsi) = Indicator::Rsi(14).compute(&columns.ohlcv()) else {
        panic!()
    };
    assert_eq!(reading.shown[0], Value::Number(expected_rsi[399]));
    let Value::Parts(parts) = &reading.shown[1] else {
        panic!("macd shows its parts")
    };
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[2].0, "hist");
    let window = Columns::of(&series[280..]);
    let verdict = Model::Ensemble.evaluate(&window.ohlcv()).unwrap();
    assert_eq!(reading.verdict, Some((verdict.action, verdict.confidence)));
    let change = (series[399].close / series[398].close - 1.0) * 100.0;
    assert_eq!(reading.change_pct, change);
    assert_eq!(reading.price, series[399].close);
}

#[test]
fn conditions_and_the_signal_filter_reject_symbols() {
    let series = bars(300, 0.7);
    let columns = Columns::of(&series);
    let bars = columns.ohlcv();
    let Output::Line(rsi_line) = Indicator::Rsi(14).compute(&bars) else {
        panic!()
    };
    let last_rsi = rsi_line[299];
    let mut screen = Screen::new(Model::Classic, 120);
    let rsi = term(&mut screen, "rsi:14");
    screen.conditions.push(Condition {
        left: rsi,
        op: Op::Below,
        right: Operand::Number(last_rsi + 0.001),
    });
    assert!(read(&screen, 0, &bars).is_some());
    screen.conditions[0].right = Operand::Number(last_rsi - 0.001);
    assert!(read(&screen, 0, &bars).is_none());

    // close compared with its own moving average, line against line.
    let mut screen = Screen::new(Model::Classic, 120);
    let close = screen.term(Term::Field(Field::Close));
    let sma = term(&mut screen, "sma:50");
    let Output::Line(sma_line) = Indicator::Sma(50).compute(&bars) else {
        panic!()
    };
    let above = series[299].close > sma_line[299];
    screen.conditions.push(Condition {
        left: close,
        op: Op::Above,
        right: Operand::Term(sma),
    });
    assert_eq!(read(&screen, 0, &bars).is_some(), above);

    let verdict = Model::Classic.evaluate(&bars.last(120)).unwrap().action;
    let mut screen = Screen::new(Model::Classic, 120);
    screen.signal = Some(verdict);
    assert!(read(&screen, 0, &bars).is_some());
    let other = if verdict == Action::Buy {
        Action::Sell
    } else {
        Action::Buy
    };
    screen.signal = Some(other);
    assert!(read(&screen, 0, &bars).is_none());
}

#[test]
fn too_few_bars_give_no_verdict_and_no_values() {
    let series = bars(10, 1.0);
    let columns = Columns::of(&series);
    let mut screen = Screen::new(Model::Ensemble, 120);
    let rsi = term(&mut screen, "rsi:14");
    screen.shown.push(("rsi:14".into(), Shown::Term(rsi)));
    let reading = read(&screen, 0, &columns.ohlcv()).unwrap();
    assert_eq!(reading.verdict, None);
    assert!(matches!(reading.shown[0], Value::Number(v) if v.is_nan()));
    screen.signal = Some(Action::Hold);
    assert!(read(&screen, 0, &columns.ohlcv()).is_none());
}

#[test]
fn read_all_keeps_universe_order_on_several_threads() {
    let universe: Vec<Vec<Bar>> = (0..40).map(|i| bars(200, 0.3 + i as f64 * 0.1)).collect();
    let views: Vec<&[Bar]> = universe.iter().map(Vec::as_slice).collect();
    let mut screen = Screen::new(Model::Momentum, 120);
    let rsi = term(&mut screen, "rsi:14");
    screen.conditions.push(Condition {
        left: rsi,
        op: Op::Above,
        right: Operand::Number(50.0),
    });
    let one = read_all(&screen, &views, 1, &Cancel::default()).unwrap();
    let four = read_all(&screen, &views, 4, &Cancel::default()).unwrap();
    assert_eq!(one, four);
    assert!(!one.is_empty() && one.len() < 40, "{}", one.len());
    assert!(one.windows(2).all(|w| w[0].index < w[1].index));
    let cancelled = Cancel::default();
    cancelled.cancel();
    assert_eq!(read_all(&screen, &views, 2, &cancelled), None);
}

fn reading(index: usize, change_pct: f64, confidence: Option<f64>) -> Reading {
    Reading {
        index,
        price: 1.0,
        change_pct,
        verdict: confidence.map(|c| (Action::Buy, c)),
        last: vec![change_pct],
        shown: vec![],
    }
}

#[test]
fn sorting_puts_missing_values_last_and_breaks_ties_by_symbol() {
    let symbols = ["CCC", "AAA", "BBB", "DDD"];
    let mut rows = vec![
        reading(0, 1.0, Some(0.5)),
        reading(1, f64::NAN, None),
        reading(2, 3.0, Some(0.5)),
        reading(3, -2.0, Some(0.9)),
    ];
    let order = |rows: &[Reading]| rows.iter().map(|r| symbols[r.index]).collect::<Vec<_>>();
    let by = |key, descending| Sort { key, descending };
    sort(&mut rows, &symbols, by(SortKey::Confidence, true));
    assert_eq!(order(&rows), ["DDD", "BBB", "CCC", "AAA"]);
    sort(&mut rows, &symbols, by(SortKey::ChangePct, false));
    assert_eq!(order(&rows), ["DDD", "CCC", "BBB", "AAA"]);
    sort(&mut rows, &symbols, by(SortKey::Term(0), true));
    assert_eq!(order(&rows), ["BBB", "CCC", "DDD", "AAA"]);
    sort(&mut rows, &symbols, by(SortKey::Symbol, false));
    assert_eq!(order(&rows), ["AAA", "BBB", "CCC", "DDD"]);
    sort(&mut rows, &symbols, by(SortKey::Symbol, true));
    assert_eq!(order(&rows), ["DDD", "CCC", "BBB", "AAA"]);
}

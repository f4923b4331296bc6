//! Every indicator against TA-Lib's own output on five synthetic series (random
//! walk, steady trend, gaps, flat stretches, a short series): equal to 1e-9
//! relative (values below 1 in size: 1e-9 absolute), null exactly where TA-Lib's
//! output is NaN.

use serde_json::Value;

use super::{Indicator, Ohlcv, Output};

const FIXTURES: [(&str, &str); 5] = [
    (
        "random_walk",
        include_str!("../../tests/fixtures/indicators/random_walk.json"),
    ),
    (
        "steady_trend",
        include_str!("../../tests/fixtures/indicators/steady_trend.json"),
    ),
    (
        "gaps",
        include_str!("../../tests/fixtures/indicators/gaps.json"),
    ),
    (
        "flat_stretches",
        include_str!("../../tests/fixtures/indicators/flat_stretches.json"),
    ),
    (
        "short",
        include_str!("../../tests/fixtures/indicators/short.json"),
    ),
];

fn column(fixture: &Value, name: &str) -> Vec<f64> {
    fixture[name]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

fn expected(values: &Value) -> Vec<f64> {
    values
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn agrees(ours: f64, theirs: f64) -> bool {
    if ours.is_nan() || theirs.is_nan() {
        return ours.is_nan() && theirs.is_nan();
    }
    (ours - theirs).abs() <= 1e-9 * ours.abs().max(theirs.abs()).max(1.0)
}

fn compare(series: &str, name: &str, ours: &[f64], theirs: &[f64], failures: &mut Vec<String>) {
    assert_eq!(ours.len(), theirs.len(), "{series} {name}: length");
    if let Some(i) = (0..ours.len()).find(|&i| !agrees(ours[i], theirs[i])) {
        failures.push(format!(
            "{series} {name}: first difference at bar {i}: ours {} TA-Lib {}",
            ours[i], theirs[i]
        ));
    }
}

#[test]
fn every_indicator_matches_ta_lib() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (series, text) in FIXTURES {
        let fixture: Value = serde_json::from_str(text).unwrap();
        let columns: Vec<Vec<f64>> = ["open", "high", "low", "close", "volume"]
            .iter()
            .map(|name| column(&fixture, name))
            .collect();
        let bars = Ohlcv {
            open: &columns[0],
            high: &columns[1],
            low: &columns[2],
            close: &columns[3],
            volume: &columns[4],
        };
        for (name, outputs) in fixture["outputs"].as_object().unwrap() {
            let indicator = Indicator::parse(name).unwrap();
            match indicator.compute(&bars) {
                Output::Line(ours) => {
                    compare(series, name, &ours, &expected(outputs), &mut failures)
                }
                Output::Parts(parts) => {
                    assert_eq!(
                        parts.len(),
                        outputs.as_object().unwrap().len(),
                        "{name} parts"
                    );
                    for (part, ours) in parts {
                        let label = format!("{name}.{part}");
                        compare(
                            series,
                            &label,
                            &ours,
                            &expected(&outputs[part]),
                            &mut failures,
                        );
                    }
                }
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(checked, 5 * 35);
}

#[test]
fn lookback_is_the_first_valid_index() {
    let fixture: Value = serde_json::from_str(FIXTURES[0].1).unwrap();
    for (name, outputs) in fixture["outputs"].as_object().unwrap() {
        let first_line = match outputs {
            Value::Object(parts) => parts.values().next().unwrap(),
            line => line,
        };
        let first_valid = expected(first_line)
            .iter()
            .position(|v| !v.is_nan())
            .unwrap();
        assert_eq!(
            Indicator::parse(name).unwrap().lookback(),
            first_valid,
            "{name}"
        );
    }
}

#[test]
fn names_are_parsed_strictly() {
    assert_eq!(Indicator::parse("rsi:14"), Ok(Indicator::Rsi(14)));
    assert_eq!(
        Indicator::parse("bbands:20:2:2.5"),
        Ok(Indicator::Bbands {
            period: 20,
            up: 2.0,
            down: 2.5
        })
    );
    assert_eq!(Indicator::parse("obv"), Ok(Indicator::Obv));
    for bad in [
        "",
        "rsi",
        "rsi:1",
        "rsi:x",
        "rsi:14:2",
        "sma:0",
        "sma:-3",
        "obv:3",
        "macd:12:26",
        "bbands:20:-1:2",
        "bbands:20:nan:2",
        "vwap:14",
        "sma:100001",
    ] {
        let error = Indicator::parse(bad).unwrap_err();
        assert!(error.0.contains("expected one of"), "{bad}: {error}");
    }
}

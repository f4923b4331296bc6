//! The track record as bars: hit rate at 1, 5 and 20 bars for each model and signal.

use charming::component::{Axis, Legend};
use charming::element::{AxisType, Tooltip, Trigger};
use charming::series::Bar;
use charming::Chart;

use crate::signals::track_record::{Group, HORIZONS};

pub fn track_record_chart(groups: &[Group]) -> Chart {
    let mut chart = Chart::new()
        .background_color("transparent")
        .animation(false)
        .legend(Legend::new().top(0))
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .x_axis(
            Axis::new().type_(AxisType::Category).data(
                HORIZONS
                    .iter()
                    .map(|h| format!("{h} bar{}", if *h == 1 { "" } else { "s" }))
                    .collect(),
            ),
        )
        .y_axis(
            Axis::new()
                .type_(AxisType::Value)
                .name("hit rate %")
                .min(0)
                .max(100),
        );
    for group in groups {
        let rates: Vec<Option<f64>> = HORIZONS
            .iter()
            .map(|h| {
                group
                    .horizons
                    .get(&h.to_string())
                    .and_then(|stats| stats.hit_rate)
                    .map(|rate| (rate * 1_000.0).round() / 10.0)
            })
            .collect();
        chart = chart.series(
            Bar::new()
                .name(format!("{} {}", group.model, group.signal.as_str()))
                .data(rates),
        );
    }
    chart
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signals::track_record::HorizonStats;
    use crate::signals::Action;
    use serde_json::{json, Value};

    fn group(model: &str, signal: Action, rates: [Option<f64>; 3]) -> Group {
        Group {
            model: model.into(),
            signal,
            count: 4,
            horizons: HORIZONS
                .iter()
                .zip(rates)
                .map(|(h, rate)| {
                    (
                        h.to_string(),
                        HorizonStats {
                            evaluated: 4,
                            hits: 2,
                            hit_rate: rate,
                            mean_return: None,
                        },
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn one_bar_series_per_group_in_percent_per_horizon() {
        let chart = track_record_chart(&[
            group("ensemble", Action::Buy, [Some(0.5), Some(0.6666), None]),
            group("classic", Action::Sell, [Some(1.0), Some(0.0), Some(0.25)]),
        ]);
        let option: Value = serde_json::from_str(&chart.to_string()).unwrap();
        // One axis is written as an object, several as an array.
        assert_eq!(
            option["xAxis"]["data"],
            json!(["1 bar", "5 bars", "20 bars"])
        );
        let series = option["series"].as_array().unwrap();
        assert_eq!(series.len(), 2);
        assert_eq!(series[0]["name"], "ensemble BUY");
        assert_eq!(series[0]["data"], json!([50.0, 66.7, null]));
        assert_eq!(series[1]["data"], json!([100.0, 0.0, 25.0]));
    }
}

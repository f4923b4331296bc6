//! Monte Carlo's fan chart: the equity percentiles of every run after each bar (or
//! each closed trade), drawn as stacked bands (5–25–75–95) around the median.

use charming::component::{Axis, Grid, Legend};
use charming::element::{AreaStyle, AxisType, LineStyle};
use charming::series::Line;
use charming::Chart;

use crate::backtest::monte_carlo::{Percentiles, Simulation};

pub fn fan_chart(simulation: &Simulation) -> Chart {
    let labels: Vec<String> = simulation
        .bands
        .iter()
        .map(|band| band.ts.clone().unwrap_or_else(|| band.step.to_string()))
        .collect();
    let values = |pick: fn(&Percentiles) -> f64| -> Vec<f64> {
        simulation.bands.iter().map(|b| pick(&b.equity)).collect()
    };
    let (p5, p25, p50, p75, p95) = (
        values(|p| p.p5),
        values(|p| p.p25),
        values(|p| p.p50),
        values(|p| p.p75),
        values(|p| p.p95),
    );
    let difference =
        |upper: &[f64], lower: &[f64]| upper.iter().zip(lower).map(|(u, l)| u - l).collect();
    let x_name = if simulation.axis == "trade" {
        "trades closed"
    } else {
        "date"
    };
    Chart::new()
        .background_color("transparent")
        .animation(false)
        .legend(Legend::new().top(0))
        .grid(Grid::new().left("8%").right("3%").top("12%").bottom("12%"))
        .x_axis(
            Axis::new()
                .type_(AxisType::Category)
                .name(x_name)
                .data(labels),
        )
        .y_axis(
            Axis::new()
                .type_(AxisType::Value)
                .scale(true)
                .name("equity $"),
        )
        // Stacked from the 5th percentile up: each band is the gap to the one below.
        .series(band("5th percentile", p5.clone(), 0.0))
        .series(band("5–25 %", difference(&p25, &p5), 0.15))
        .series(band("25–75 %", difference(&p75, &p25), 0.35))
        .series(band("75–95 %", difference(&p95, &p75), 0.15))
        .series(
            Line::new()
                .name("Median")
                .show_symbol(false)
                .line_style(LineStyle::new().width(2))
                .data(p50),
        )
}

fn band(name: &str, values: Vec<f64>, opacity: f64) -> Line {
    Line::new()
        .name(name)
        .stack("fan")
        .show_symbol(false)
        .line_style(LineStyle::new().opacity(0))
        .area_style(AreaStyle::new().opacity(opacity))
        .data(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backtest::monte_carlo::{Band, Method};
    use serde_json::Value;

    fn percentiles(base: f64) -> Percentiles {
        Percentiles {
            p5: base,
            p25: base + 1.0,
            p50: base + 2.0,
            p75: base + 4.0,
            p95: base + 8.0,
        }
    }

    #[test]
    fn bands_stack_to_the_percentiles_and_the_median_stands_apart() {
        let simulation = Simulation {
            runs: 10,
            method: Method::BootstrapReturns,
            seed: 1,
            final_equity: percentiles(100.0),
            return_pct: percentiles(0.0),
            max_drawdown: percentiles(-10.0),
            axis: "bar".into(),
            bands: (0..3)
                .map(|i| Band {
                    step: i,
                    ts: Some(format!("2024-01-0{}", i + 1)),
                    equity: percentiles(100.0 * (i + 1) as f64),
                })
                .collect(),
        };
        let option: Value = serde_json::from_str(&fan_chart(&simulation).to_string()).unwrap();
        let series = option["series"].as_array().unwrap();
        assert_eq!(series.len(), 5);
        assert_eq!(series[0]["data"][2], 300.0);
        // 25–75 is the gap between them: 4 − 1.
        assert_eq!(series[2]["data"][1], 3.0);
        assert_eq!(series[2]["stack"], "fan");
        assert_eq!(series[4]["name"], "Median");
        assert!(series[4].get("stack").is_none());
        assert_eq!(series[4]["data"][0], 102.0);
        // One axis is written as an object, not a list of one.
        assert_eq!(option["xAxis"]["data"][2], "2024-01-03");
    }
}

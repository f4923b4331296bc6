//! A backtest's chart: equity against buy-and-hold (and the benchmark, when one was
//! asked for) above, the drawdown below, on one zoomable time axis. The equity axis
//! can be logarithmic, so a strategy far below buy-and-hold still shows its shape.

use charming::component::{Axis, DataZoom, DataZoomType, Grid, Legend};
use charming::element::{AreaStyle, AxisLabel, AxisType, LineStyle, Tooltip, Trigger};
use charming::series::Line;
use charming::Chart;

use crate::wire::backtest::EquityPoint;

pub fn backtest_chart(equity: &[EquityPoint], log_scale: bool) -> Chart {
    let days: Vec<String> = equity.iter().map(|p| p.ts.clone()).collect();
    let mut chart = equity_and_drawdown_panes(days, log_scale)
        .series(curve("Strategy", equity.iter().map(|p| p.equity), 0))
        .series(curve(
            "Buy & hold",
            equity.iter().map(|p| p.buy_and_hold),
            0,
        ));
    if equity.iter().all(|p| p.benchmark.is_some()) && !equity.is_empty() {
        chart = chart.series(curve(
            "Benchmark",
            equity.iter().filter_map(|p| p.benchmark),
            0,
        ));
    }
    chart.series(drawdown_area(equity.iter().map(|p| p.drawdown_pct)))
}

/// Two panes on one zoomable time axis: equity above (logarithmic if asked), the
/// drawdown below; series go in with [`curve`]'s pane 0 and 1.
pub(crate) fn equity_and_drawdown_panes(days: Vec<String>, log_scale: bool) -> Chart {
    let mut chart = Chart::new()
        .background_color("transparent")
        .animation(false)
        .legend(Legend::new().top(0))
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .data_zoom(
            DataZoom::new()
                .type_(DataZoomType::Inside)
                .x_axis_index(vec![0, 1]),
        )
        .data_zoom(
            DataZoom::new()
                .type_(DataZoomType::Slider)
                .x_axis_index(vec![0, 1])
                .bottom("1%"),
        );
    for (index, (top, height)) in [("10%", "52%"), ("70%", "18%")].into_iter().enumerate() {
        chart = chart
            .grid(Grid::new().left("8%").right("3%").top(top).height(height))
            .x_axis(
                Axis::new()
                    .type_(AxisType::Category)
                    .grid_index(index as f64)
                    .data(days.clone())
                    .axis_label(AxisLabel::new().show(index == 1)),
            )
            .y_axis(
                Axis::new()
                    .type_(if index == 0 && log_scale {
                        AxisType::Log
                    } else {
                        AxisType::Value
                    })
                    .grid_index(index as f64)
                    .scale(index == 0)
                    .name(if index == 0 { "equity $" } else { "drawdown %" }),
            );
    }
    chart
}

/// The drawdown (percent below the peak) as a shaded area in the lower pane.
pub(crate) fn drawdown_area(drawdown_pct: impl Iterator<Item = f64>) -> Line {
    curve("Drawdown", drawdown_pct.map(|d| -d), 1).area_style(AreaStyle::new().opacity(0.3))
}

pub(crate) fn curve(name: &str, values: impl Iterator<Item = f64>, pane: usize) -> Line {
    Line::new()
        .name(name)
        .x_axis_index(pane as f64)
        .y_axis_index(pane as f64)
        .show_symbol(false)
        .line_style(LineStyle::new().width(1.5))
        .data(values.collect::<Vec<f64>>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn equity_buy_and_hold_and_drawdown_share_the_days() {
        let points: Vec<EquityPoint> = (0..5)
            .map(|i| EquityPoint {
                ts: format!("2024-01-0{}", i + 1),
                equity: 100.0 + i as f64,
                drawdown_pct: if i == 3 { 2.5 } else { 0.0 },
                buy_and_hold: 100.0 - i as f64,
                benchmark: None,
            })
            .collect();
        let option: Value =
            serde_json::from_str(&backtest_chart(&points, false).to_string()).unwrap();
        let series = option["series"].as_array().unwrap();
        let names: Vec<&str> = series.iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(names, vec!["Strategy", "Buy & hold", "Drawdown"]);
        assert_eq!(series[0]["data"][4], 104.0);
        assert_eq!(series[1]["data"][4], 96.0);
        // Drawdowns point down.
        assert_eq!(series[2]["data"][3], -2.5);
        assert_eq!(series[2]["xAxisIndex"], 1.0);
        assert!(option["xAxis"].as_array().unwrap().iter().all(|a| a["data"]
            .as_array()
            .unwrap()
            .len()
            == 5));
    }

    #[test]
    fn a_benchmark_adds_its_line_and_log_scale_only_bends_the_equity_axis() {
        let points: Vec<EquityPoint> = (0..3)
            .map(|i| EquityPoint {
                ts: format!("2024-01-0{}", i + 1),
                equity: 100.0,
                drawdown_pct: 0.0,
                buy_and_hold: 100.0,
                benchmark: Some(100.0 + 10.0 * i as f64),
            })
            .collect();
        let option: Value =
            serde_json::from_str(&backtest_chart(&points, true).to_string()).unwrap();
        let series = option["series"].as_array().unwrap();
        assert_eq!(series[2]["name"], "Benchmark");
        assert_eq!(series[2]["data"][2], 120.0);
        assert_eq!(option["yAxis"][0]["type"], "log");
        assert_eq!(option["yAxis"][1]["type"], "value");
        let linear: Value =
            serde_json::from_str(&backtest_chart(&points, false).to_string()).unwrap();
        assert_eq!(linear["yAxis"][0]["type"], "value");
    }
}

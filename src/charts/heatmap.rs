//! A sweep's heatmap: the ranked statistic over the first two swept parameters, one
//! cell per combination that ran (skipped ones stay empty). Each cell's value is
//! `[x index, y index, statistic, tooltip]`; the tooltip (`{@[3]}`) names the pair
//! and its main statistics.

use charming::component::{Axis, Grid, VisualMap};
use charming::datatype::{CompositeValue, DataFrame, DataPoint};
use charming::element::{AxisType, Orient, Tooltip, Trigger};
use charming::series::Heatmap as HeatmapSeries;
use charming::Chart;

use crate::backtest::optimize::Heatmap;
use crate::wire::optimize::CellSummary;

fn label(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn tooltip(cell: &CellSummary, statistic: &str, value: Option<f64>) -> String {
    let params: Vec<String> = cell
        .params
        .iter()
        .map(|(name, value)| format!("{name} {}", label(value)))
        .collect();
    let shown = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.2}"));
    format!(
        "{}<br/>{statistic}: {}<br/>Return: {:.2} %<br/>Max. drawdown: {:.2} %<br/>Sharpe: {}<br/>Trades: {}",
        params.join(", "),
        shown(value),
        cell.return_pct,
        cell.max_drawdown,
        shown(cell.sharpe),
        cell.trades
    )
}

/// The cells drawn: `(x index, y index, value, tooltip)` for every cell that ran.
pub fn cells(
    map: &Heatmap,
    summaries: &[Vec<Option<CellSummary>>],
    statistic: &str,
) -> Vec<(usize, usize, Option<f64>, String)> {
    let mut cells = Vec::new();
    for (j, row) in summaries.iter().enumerate() {
        for (i, cell) in row.iter().enumerate() {
            if let Some(cell) = cell {
                let value = map.values[j][i];
                cells.push((i, j, value, tooltip(cell, statistic, value)));
            }
        }
    }
    cells
}

pub fn heatmap_chart(
    map: &Heatmap,
    summaries: &[Vec<Option<CellSummary>>],
    statistic: &str,
) -> Chart {
    let drawn = cells(map, summaries, statistic);
    let values: Vec<f64> = drawn.iter().filter_map(|c| c.2).collect();
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (low, high) = if low.is_finite() {
        (low, high.max(low + 1e-9))
    } else {
        (0.0, 1.0)
    };
    let data: Vec<DataFrame> = drawn
        .into_iter()
        .map(|(i, j, value, text)| {
            vec![
                DataPoint::from(i as i64),
                DataPoint::from(j as i64),
                value.map_or(DataPoint::from("-"), DataPoint::from),
                DataPoint::from(CompositeValue::from(text)),
            ]
        })
        .collect();
    let y_labels: Vec<String> = if map.ys.is_empty() {
        vec![String::new()]
    } else {
        map.ys.iter().map(label).collect()
    };
    Chart::new()
        .background_color("transparent")
        .animation(false)
        .tooltip(Tooltip::new().trigger(Trigger::Item).formatter("{@[3]}"))
        .grid(Grid::new().left("10%").right("4%").top("6%").bottom("22%"))
        .x_axis(
            Axis::new()
                .type_(AxisType::Category)
                .name(map.x.as_str())
                .data(map.xs.iter().map(label).collect()),
        )
        .y_axis(
            Axis::new()
                .type_(AxisType::Category)
                .name(map.y.clone().unwrap_or_default())
                .data(y_labels),
        )
        .visual_map(
            // Colour by the statistic (dimension 2), not the last one, the tooltip text:
            // ECharts' default would leave every cell out of range, undrawn and unclickable.
            VisualMap::new()
                .dimension(2)
                .min(low)
                .max(high)
                .calculable(true)
                .orient(Orient::Horizontal)
                .left("center")
                .bottom("2%"),
        )
        .series(HeatmapSeries::new().name(statistic).data(data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn skipped_cells_are_not_drawn_and_tooltips_name_the_pair() {
        let map = Heatmap {
            x: "fast".into(),
            y: Some("slow".into()),
            xs: vec![json!(5), json!(10)],
            ys: vec![json!(10), json!(20)],
            values: vec![vec![Some(1.5), None], vec![Some(0.5), Some(2.0)]],
            chosen: Vec::new(),
        };
        let summary = |fast: u64, slow: u64| CellSummary {
            params: json!({"fast": fast, "slow": slow})
                .as_object()
                .cloned()
                .unwrap(),
            return_pct: 12.5,
            max_drawdown: -8.0,
            sharpe: Some(0.9),
            trades: 7,
        };
        let summaries = vec![
            vec![Some(summary(5, 10)), None],
            vec![Some(summary(5, 20)), Some(summary(10, 20))],
        ];
        let drawn = cells(&map, &summaries, "SQN");
        assert_eq!(drawn.len(), 3);
        assert_eq!((drawn[2].0, drawn[2].1, drawn[2].2), (1, 1, Some(2.0)));
        assert!(drawn[2].3.starts_with("fast 10, slow 20<br/>SQN: 2.00"));
        let chart = serde_json::to_value(heatmap_chart(&map, &summaries, "SQN")).unwrap();
        assert_eq!(chart["series"][0]["data"].as_array().unwrap().len(), 3);
        assert_eq!(chart["visualMap"][0]["dimension"], 2);
        assert_eq!(
            (
                chart["visualMap"][0]["min"].as_f64(),
                chart["visualMap"][0]["max"].as_f64()
            ),
            (Some(0.5), Some(2.0))
        );
    }
}

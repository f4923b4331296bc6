//! The market page's chart: candlesticks with optional SMA and Bollinger overlays and
//! the user's BUY/SELL markers, volume beneath, then RSI and MACD panes, all on one
//! shared, zoomable time axis.

use charming::component::{Axis, DataZoom, DataZoomType, Grid, Legend};
use charming::datatype::CompositeValue;
use charming::element::{
    AxisLabel, AxisPointer, AxisPointerType, AxisType, ItemStyle, LineStyle, SplitLine, Symbol,
    Tooltip, Trigger,
};
use charming::series::{Bar, Candlestick, Line, Scatter};
use charming::Chart;

use crate::wire::market_view::MarketView;

/// Which overlays are drawn over the candles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overlays {
    pub sma20: bool,
    pub sma50: bool,
    pub sma200: bool,
    pub bollinger: bool,
}

impl Default for Overlays {
    fn default() -> Overlays {
        Overlays {
            sma20: true,
            sma50: true,
            sma200: false,
            bollinger: false,
        }
    }
}

/// How much history the zoom window opens on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Range {
    OneMonth,
    ThreeMonths,
    #[default]
    SixMonths,
    OneYear,
    FiveYears,
    All,
}

impl Range {
    pub const ALL: [Range; 6] = [
        Range::OneMonth,
        Range::ThreeMonths,
        Range::SixMonths,
        Range::OneYear,
        Range::FiveYears,
        Range::All,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Range::OneMonth => "1M",
            Range::ThreeMonths => "3M",
            Range::SixMonths => "6M",
            Range::OneYear => "1Y",
            Range::FiveYears => "5Y",
            Range::All => "All",
        }
    }

    /// Trading days shown (about 21 a month); `None` for all of them.
    fn bars(self) -> Option<usize> {
        match self {
            Range::OneMonth => Some(21),
            Range::ThreeMonths => Some(63),
            Range::SixMonths => Some(126),
            Range::OneYear => Some(252),
            Range::FiveYears => Some(1_260),
            Range::All => None,
        }
    }

    /// Index of the first bar shown out of `len`.
    pub fn first_index(self, len: usize) -> usize {
        self.bars().map_or(0, |bars| len.saturating_sub(bars))
    }
}

const UP: &str = "#16a34a";
const DOWN: &str = "#dc2626";

/// The grids, top to bottom: price, volume, RSI, MACD (left and right margins shared).
const PANES: [(&str, &str); 4] = [("8%", "44%"), ("56%", "9%"), ("68%", "10%"), ("82%", "10%")];

pub fn market_chart(view: &MarketView, overlays: Overlays, range: Range) -> Chart {
    let first = range.first_index(view.days.len());
    let start = view.days.get(first).cloned().unwrap_or_default();
    let end = view.days.last().cloned().unwrap_or_default();
    let mut chart = Chart::new()
        .background_color("transparent")
        .animation(false)
        // Names every line; the overlays are switched by the page's checkboxes.
        .legend(Legend::new().top(0).left("center"))
        .tooltip(
            Tooltip::new()
                .trigger(Trigger::Axis)
                .axis_pointer(AxisPointer::new().type_(AxisPointerType::Cross)),
        )
        .data_zoom(
            DataZoom::new()
                .type_(DataZoomType::Inside)
                .x_axis_index(vec![0, 1, 2, 3])
                .start_value(start.clone())
                .end_value(end.clone()),
        )
        .data_zoom(
            DataZoom::new()
                .type_(DataZoomType::Slider)
                .x_axis_index(vec![0, 1, 2, 3])
                .bottom("1%")
                .start_value(start)
                .end_value(end),
        );
    for (index, (top, height)) in PANES.iter().enumerate() {
        let last = index == PANES.len() - 1;
        chart = chart
            .grid(Grid::new().left("7%").right("3%").top(*top).height(*height))
            .x_axis(
                Axis::new()
                    .type_(AxisType::Category)
                    .grid_index(index as f64)
                    .data(view.days.clone())
                    .axis_label(AxisLabel::new().show(last)),
            )
            .y_axis(pane_axis(index));
    }
    chart = chart.series(
        Candlestick::new().name("Price").data(
            (0..view.days.len())
                .map(|i| vec![view.open[i], view.close[i], view.low[i], view.high[i]])
                .collect(),
        ),
    );
    let lines: [(&str, bool, &Vec<Option<f64>>); 6] = [
        ("SMA 20", overlays.sma20, &view.sma20),
        ("SMA 50", overlays.sma50, &view.sma50),
        ("SMA 200", overlays.sma200, &view.sma200),
        ("BB upper", overlays.bollinger, &view.bb_upper),
        ("BB middle", overlays.bollinger, &view.bb_middle),
        ("BB lower", overlays.bollinger, &view.bb_lower),
    ];
    for (name, shown, values) in lines {
        if shown {
            chart = chart.series(line(name, values, 0));
        }
    }
    for (signal, symbol, colour) in [
        ("BUY", Symbol::Triangle, UP),
        ("SELL", Symbol::Diamond, DOWN),
    ] {
        let points: Vec<Vec<CompositeValue>> = view
            .markers
            .iter()
            .filter(|m| m.signal == signal)
            .map(|m| vec![m.day.clone().into(), m.price.into()])
            .collect();
        chart = chart.series(
            Scatter::new()
                .name(format!("{signal} signals"))
                .symbol(symbol)
                .symbol_size(12)
                .item_style(ItemStyle::new().color(colour))
                .data(points),
        );
    }
    chart
        .series(
            Bar::new()
                .name("Volume")
                .x_axis_index(1)
                .y_axis_index(1)
                .item_style(ItemStyle::new().color("#64748b"))
                .data(view.volume.clone()),
        )
        .series(line("RSI 14", &view.rsi14, 2))
        .series(line("MACD", &view.macd, 3))
        .series(line("MACD signal", &view.macd_signal, 3))
        .series(
            Bar::new()
                .name("MACD histogram")
                .x_axis_index(3)
                .y_axis_index(3)
                .item_style(ItemStyle::new().color("#0ea5e9"))
                .data(view.macd_hist.clone()),
        )
}

/// Options charming cannot express, merged into the drawn chart: rising candles green
/// and falling ones red (ECharts' defaults are the other way round).
pub fn market_chart_patch() -> serde_json::Value {
    serde_json::json!({
        "series": [{
            "name": "Price",
            "itemStyle": { "color": UP, "borderColor": UP, "color0": DOWN, "borderColor0": DOWN }
        }]
    })
}

fn pane_axis(index: usize) -> Axis {
    let axis = Axis::new()
        .type_(AxisType::Value)
        .grid_index(index as f64)
        .scale(true)
        .split_line(SplitLine::new().show(index == 0))
        // The small panes have room for a few labels only.
        .split_number(if index == 0 { 5.0 } else { 2.0 });
    match index {
        // RSI lives between 0 and 100.
        2 => axis.min(0).max(100),
        1 => axis.axis_label(AxisLabel::new().show(false)),
        _ => axis,
    }
}

fn line(name: &str, values: &[Option<f64>], pane: usize) -> Line {
    Line::new()
        .name(name)
        .x_axis_index(pane as f64)
        .y_axis_index(pane as f64)
        .show_symbol(false)
        .line_style(LineStyle::new().width(1.2))
        .data(values.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::market_view::SignalMarker;
    use serde_json::Value;

    fn view(len: usize) -> MarketView {
        let days: Vec<String> = (0..len)
            .map(|i| format!("2024-01-{:02}", i % 28 + 1))
            .collect();
        let column = |offset: f64| {
            (0..len)
                .map(|i| 100.0 + offset + i as f64)
                .collect::<Vec<_>>()
        };
        let warm = |from: usize| {
            (0..len)
                .map(|i| (i >= from).then_some(i as f64))
                .collect::<Vec<_>>()
        };
        MarketView {
            symbol: "AAPL".into(),
            is_demo: true,
            is_stale: false,
            days,
            open: column(0.0),
            high: column(2.0),
            low: column(-2.0),
            close: column(1.0),
            volume: column(1_000.0),
            sma20: warm(19),
            sma50: warm(49),
            sma200: warm(199),
            bb_upper: warm(19),
            bb_middle: warm(19),
            bb_lower: warm(19),
            rsi14: warm(14),
            macd: warm(33),
            macd_signal: warm(33),
            macd_hist: warm(33),
            markers: vec![
                SignalMarker {
                    day: "2024-01-05".into(),
                    signal: "BUY".into(),
                    price: 104.0,
                },
                SignalMarker {
                    day: "2024-01-09".into(),
                    signal: "SELL".into(),
                    price: 108.0,
                },
                SignalMarker {
                    day: "2024-01-12".into(),
                    signal: "BUY".into(),
                    price: 111.0,
                },
            ],
            latest: None,
        }
    }

    fn json(chart: &Chart) -> Value {
        serde_json::from_str(&chart.to_string()).unwrap()
    }

    fn series<'a>(option: &'a Value, name: &str) -> Option<&'a Value> {
        option["series"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
    }

    #[test]
    fn every_pane_holds_every_bar_on_a_shared_axis() {
        let option = json(&market_chart(&view(60), Overlays::default(), Range::All));
        let candles = series(&option, "Price").unwrap();
        assert_eq!(candles["type"], "candlestick");
        assert_eq!(candles["data"].as_array().unwrap().len(), 60);
        // ECharts' order: open, close, low, high.
        assert_eq!(
            candles["data"][0],
            serde_json::json!([100.0, 101.0, 98.0, 102.0])
        );
        for (name, pane) in [
            ("Volume", 1),
            ("RSI 14", 2),
            ("MACD", 3),
            ("MACD signal", 3),
            ("MACD histogram", 3),
        ] {
            let s = series(&option, name).unwrap();
            assert_eq!(s["data"].as_array().unwrap().len(), 60, "{name}");
            assert_eq!(s["xAxisIndex"], pane as f64, "{name}");
        }
        let x_axes = option["xAxis"].as_array().unwrap();
        assert_eq!(x_axes.len(), 4);
        assert!(x_axes
            .iter()
            .all(|a| a["data"].as_array().unwrap().len() == 60));
        assert_eq!(option["grid"].as_array().unwrap().len(), 4);
        // Warm-up values are gaps, not zeros.
        assert!(series(&option, "RSI 14").unwrap()["data"][0].is_null());
        assert_eq!(option["yAxis"][2]["max"], 100);
    }

    #[test]
    fn overlays_are_drawn_only_when_switched_on() {
        let names = |overlays: Overlays| -> Vec<String> {
            let option = json(&market_chart(&view(60), overlays, Range::All));
            option["series"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["name"].as_str().unwrap().to_string())
                .collect()
        };
        let default = names(Overlays::default());
        assert!(default.contains(&"SMA 20".to_string()));
        assert!(!default.contains(&"BB upper".to_string()));
        let all = names(Overlays {
            sma20: true,
            sma50: true,
            sma200: true,
            bollinger: true,
        });
        for name in ["SMA 200", "BB upper", "BB middle", "BB lower"] {
            assert!(all.contains(&name.to_string()), "{name}");
        }
        let none = names(Overlays {
            sma20: false,
            sma50: false,
            sma200: false,
            bollinger: false,
        });
        assert!(none
            .iter()
            .all(|n| !n.starts_with("SMA") && !n.starts_with("BB")));
    }

    #[test]
    fn signals_are_marked_at_their_day_and_price() {
        let option = json(&market_chart(&view(30), Overlays::default(), Range::All));
        let buys = series(&option, "BUY signals").unwrap();
        assert_eq!(
            buys["data"],
            serde_json::json!([["2024-01-05", 104.0], ["2024-01-12", 111.0]])
        );
        let sells = series(&option, "SELL signals").unwrap();
        assert_eq!(sells["data"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn the_patch_colours_the_price_series_up_green_and_down_red() {
        let option = json(&market_chart(&view(30), Overlays::default(), Range::All));
        // The patch is merged by position: the candles must stay the first series.
        assert_eq!(option["series"][0]["name"], "Price");
        let patch = market_chart_patch();
        assert_eq!(patch["series"][0]["name"], "Price");
        assert_eq!(patch["series"][0]["itemStyle"]["color"], UP);
        assert_eq!(patch["series"][0]["itemStyle"]["color0"], DOWN);
    }

    #[test]
    fn the_range_sets_where_the_zoom_opens() {
        let data = view(300);
        let option = json(&market_chart(&data, Overlays::default(), Range::OneMonth));
        let zoom = &option["dataZoom"][0];
        assert_eq!(zoom["startValue"], data.days[300 - 21]);
        assert_eq!(zoom["endValue"], data.days[299]);
        assert_eq!(Range::All.first_index(300), 0);
        assert_eq!(Range::FiveYears.first_index(300), 0);
        assert_eq!(Range::SixMonths.first_index(300), 174);
    }
}

//! Chart builders: pure functions from our data to charming `Chart`s (ECharts
//! options), unit-tested on their JSON; the browser draws them (`components::chart`).

pub mod backtest;
pub mod heatmap;
pub mod market;
pub mod monte_carlo;
pub mod portfolio;
pub mod track_record;

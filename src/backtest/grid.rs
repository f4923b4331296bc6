//! Parameter grids for a sweep: each numeric parameter of a strategy is a number, a
//! list of numbers, or an inclusive range `{"start","stop","step"}`; the grid is every
//! combination, the first parameter outermost ("grid order"). Pure.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

use super::Strategy;
use crate::signals::Model;

/// Values one range or list may expand to: far above any tier's cap on combinations,
/// low enough that expanding a hostile `step` costs nothing.
pub const MAX_VALUES_PER_PARAMETER: usize = 100_000;

/// One parameter as a request gives it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum ParamSpec {
    Value(f64),
    List(Vec<f64>),
    Range {
        start: f64,
        stop: f64,
        #[serde(default = "one")]
        step: f64,
    },
}

fn one() -> f64 {
    1.0
}

/// The strategy a grid sweeps, without its numeric parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    SmaCross,
    RsiReversion,
    Model(Model),
}

/// A numeric parameter of a strategy kind: whole numbers (window lengths) or any.
struct Definition {
    name: &'static str,
    whole: bool,
}

const SMA_CROSS: [Definition; 2] = [
    Definition {
        name: "fast",
        whole: true,
    },
    Definition {
        name: "slow",
        whole: true,
    },
];

const RSI_REVERSION: [Definition; 3] = [
    Definition {
        name: "period",
        whole: true,
    },
    Definition {
        name: "lower",
        whole: false,
    },
    Definition {
        name: "upper",
        whole: false,
    },
];

impl Kind {
    fn definitions(&self) -> &'static [Definition] {
        match self {
            Kind::SmaCross => &SMA_CROSS,
            Kind::RsiReversion => &RSI_REVERSION,
            Kind::Model(_) => &[],
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Kind::SmaCross => "sma_cross",
            Kind::RsiReversion => "rsi_reversion",
            Kind::Model(_) => "model",
        }
    }
}

/// A parameter's values in the grid; `swept` when the request gave a list or range.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub name: &'static str,
    pub whole: bool,
    pub values: Vec<f64>,
    pub swept: bool,
}

impl Axis {
    /// A value as JSON: whole-number parameters as integers.
    pub fn json(&self, value: f64) -> Value {
        if self.whole {
            Value::from(value as u64)
        } else {
            Number::from_f64(value).map_or(Value::Null, Value::Number)
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    kind: Kind,
    pub axes: Vec<Axis>,
}

impl Grid {
    /// Reads `{"type": ..., <parameter>: number | [numbers] | {"start","stop","step"}}`.
    pub fn parse(strategy: &Value) -> Result<Grid, String> {
        let object = strategy
            .as_object()
            .ok_or("the strategy must be an object with a type")?;
        let kind = match object.get("type").and_then(Value::as_str) {
            Some("sma_cross") => Kind::SmaCross,
            Some("rsi_reversion") => Kind::RsiReversion,
            Some("model") => {
                let model = object
                    .get("model")
                    .cloned()
                    .and_then(|m| serde_json::from_value::<Model>(m).ok())
                    .ok_or("a model strategy needs a known model")?;
                Kind::Model(model)
            }
            _ => return Err("type must be sma_cross, rsi_reversion or model".into()),
        };
        let definitions = kind.definitions();
        for key in object.keys() {
            let known = key == "type"
                || (key == "model" && matches!(kind, Kind::Model(_)))
                || definitions.iter().any(|d| d.name == key);
            if !known {
                return Err(format!("{} has no parameter {key}", kind.name()));
            }
        }
        let axes = definitions
            .iter()
            .map(|definition| {
                let spec = object
                    .get(definition.name)
                    .ok_or_else(|| format!("{} needs {}", kind.name(), definition.name))?;
                let spec: ParamSpec = serde_json::from_value(spec.clone()).map_err(|_| {
                    format!(
                        "{} must be a number, a list of numbers or {{\"start\",\"stop\",\"step\"}}",
                        definition.name
                    )
                })?;
                axis(definition, &spec)
            })
            .collect::<Result<Vec<Axis>, String>>()?;
        Ok(Grid { kind, axes })
    }

    pub fn strategy_name(&self) -> &'static str {
        self.kind.name()
    }

    /// Combinations in the grid (skipped ones included), saturating.
    pub fn len(&self) -> u64 {
        self.axes
            .iter()
            .fold(1u64, |n, axis| n.saturating_mul(axis.values.len() as u64))
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The swept axes, in definition order (the heatmap's x and y are the first two).
    pub fn swept(&self) -> Vec<(usize, &Axis)> {
        self.axes
            .iter()
            .enumerate()
            .filter(|(_, a)| a.swept)
            .collect()
    }

    /// The value indices of combination `index` (grid order: the first axis outermost).
    pub fn coordinates(&self, mut index: usize) -> Vec<usize> {
        let mut coordinates = vec![0; self.axes.len()];
        for (slot, axis) in coordinates.iter_mut().zip(&self.axes).rev() {
            *slot = index % axis.values.len();
            index /= axis.values.len();
        }
        coordinates
    }

    pub fn values(&self, index: usize) -> Vec<f64> {
        self.coordinates(index)
            .iter()
            .zip(&self.axes)
            .map(|(i, axis)| axis.values[*i])
            .collect()
    }

    /// The strategy of combination `index`, or why the strategy forbids it.
    pub fn strategy(&self, index: usize) -> Result<Strategy, String> {
        let v = self.values(index);
        let strategy = match self.kind {
            Kind::SmaCross => Strategy::SmaCross {
                fast: v[0] as usize,
                slow: v[1] as usize,
            },
            Kind::RsiReversion => Strategy::RsiReversion {
                period: v[0] as usize,
                lower: v[1],
                upper: v[2],
            },
            Kind::Model(model) => Strategy::Model { model },
        };
        strategy.validate().map(|()| strategy)
    }

    /// Combination `index`'s parameters by name.
    pub fn params(&self, index: usize) -> Map<String, Value> {
        let mut params: Map<String, Value> = self
            .values(index)
            .iter()
            .zip(&self.axes)
            .map(|(value, axis)| (axis.name.to_string(), axis.json(*value)))
            .collect();
        if let Kind::Model(model) = self.kind {
            params.insert(
                "model".into(),
                serde_json::to_value(model).unwrap_or_default(),
            );
        }
        params
    }
}

/// A parameter as text (the command line's and the dashboard's form): `5` a number,
/// `5,10,20` a list, `5..25` an inclusive range by 1, `30..280:5` by 5.
pub fn parse_values(name: &str, text: &str) -> Result<Value, String> {
    let number = |s: &str| {
        s.trim()
            .parse::<f64>()
            .map_err(|_| format!("{name}: {s:?} is not a number"))
    };
    if let Some((start, rest)) = text.split_once("..") {
        let (stop, step) = match rest.split_once(':') {
            Some((stop, step)) => (number(stop)?, number(step)?),
            None => (number(rest)?, 1.0),
        };
        return Ok(serde_json::json!({"start": number(start)?, "stop": stop, "step": step}));
    }
    if text.contains(',') {
        let values = text
            .split(',')
            .map(number)
            .collect::<Result<Vec<f64>, _>>()?;
        return Ok(serde_json::json!(values));
    }
    Ok(serde_json::json!(number(text)?))
}

fn axis(definition: &Definition, spec: &ParamSpec) -> Result<Axis, String> {
    let name = definition.name;
    let (values, swept) = match spec {
        ParamSpec::Value(v) => (vec![*v], false),
        ParamSpec::List(list) if list.is_empty() => {
            return Err(format!("{name} lists no values"));
        }
        ParamSpec::List(list) => {
            let mut unique: Vec<f64> = Vec::with_capacity(list.len());
            for v in list {
                if !unique.contains(v) {
                    unique.push(*v);
                }
            }
            (unique, true)
        }
        ParamSpec::Range { start, stop, step } => (range(name, *start, *stop, *step)?, true),
    };
    if values.len() > MAX_VALUES_PER_PARAMETER {
        return Err(format!(
            "{name} has more than {MAX_VALUES_PER_PARAMETER} values"
        ));
    }
    for v in &values {
        if !v.is_finite() {
            return Err(format!("{name} must be finite"));
        }
        if definition.whole && (v.fract() != 0.0 || *v < 1.0 || *v > 100_000.0) {
            return Err(format!("{name} takes whole numbers from 1 to 100000"));
        }
    }
    Ok(Axis {
        name,
        whole: definition.whole,
        values,
        swept,
    })
}

/// `start, start + step, …` up to `stop` inclusive. Each value is computed from its
/// index (no accumulated error) and rounded to 9 decimals, so 0.1 steps stay clean.
fn range(name: &str, start: f64, stop: f64, step: f64) -> Result<Vec<f64>, String> {
    if !(start.is_finite() && stop.is_finite() && step.is_finite() && step > 0.0) {
        return Err(format!(
            "{name}'s range needs finite start and stop and a step above 0"
        ));
    }
    if stop < start {
        return Err(format!("{name}'s range stops before it starts"));
    }
    // A hair of tolerance so 0.3 is reached from 0.1 in steps of 0.1.
    let count = ((stop - start) / step + 1e-9).floor() + 1.0;
    if count > MAX_VALUES_PER_PARAMETER as f64 {
        return Err(format!(
            "{name} has more than {MAX_VALUES_PER_PARAMETER} values"
        ));
    }
    Ok((0..count as usize)
        .map(|k| ((start + k as f64 * step) * 1e9).round() / 1e9)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_lists_and_inclusive_ranges_expand_in_grid_order() {
        let grid = Grid::parse(&json!({
            "type": "sma_cross",
            "fast": [5, 10, 5],
            "slow": {"start": 10, "stop": 20, "step": 5}
        }))
        .unwrap();
        assert_eq!(grid.axes[0].values, vec![5.0, 10.0]);
        assert_eq!(grid.axes[1].values, vec![10.0, 15.0, 20.0]);
        assert_eq!(grid.len(), 6);
        let all: Vec<Vec<f64>> = (0..6).map(|i| grid.values(i)).collect();
        assert_eq!(all[0], vec![5.0, 10.0]);
        assert_eq!(all[2], vec![5.0, 20.0]);
        assert_eq!(all[3], vec![10.0, 10.0]);
        // fast < slow is the strategy's rule: 10/10 is forbidden, so skipped.
        assert!(grid.strategy(3).is_err());
        assert_eq!(
            grid.strategy(4).unwrap(),
            Strategy::SmaCross { fast: 10, slow: 15 }
        );
        assert_eq!(
            grid.params(4),
            json!({"fast": 10, "slow": 15})
                .as_object()
                .cloned()
                .unwrap()
        );
    }

    #[test]
    fn fractional_ranges_stay_clean_and_fixed_values_are_not_swept() {
        let grid = Grid::parse(&json!({
            "type": "rsi_reversion",
            "period": 14,
            "lower": {"start": 0.1, "stop": 0.3, "step": 0.1},
            "upper": [70, 80]
        }))
        .unwrap();
        assert_eq!(grid.axes[1].values, vec![0.1, 0.2, 0.3]);
        let swept: Vec<&str> = grid.swept().iter().map(|(_, a)| a.name).collect();
        assert_eq!(swept, vec!["lower", "upper"]);
        assert_eq!(grid.len(), 6);
    }

    #[test]
    fn bad_grids_are_refused_with_the_parameter_named() {
        let refused = |strategy: Value| Grid::parse(&strategy).unwrap_err();
        assert!(refused(json!({"type": "sma_cross", "fast": 5})).contains("slow"));
        assert!(refused(json!({"type": "sma_cross", "fast": 5.5, "slow": 20})).contains("fast"));
        assert!(refused(json!({"type": "sma_cross", "fast": [], "slow": 20})).contains("fast"));
        assert!(refused(
            json!({"type": "sma_cross", "fast": {"start": 5, "stop": 1e12, "step": 1e-3}, "slow": 20})
        )
        .contains("more than"));
        assert!(
            refused(json!({"type": "sma_cross", "fast": {"start": 9, "stop": 5}, "slow": 20}))
                .contains("stops before")
        );
        assert!(
            refused(json!({"type": "sma_cross", "fast": 5, "slow": 20, "period": 3}))
                .contains("period")
        );
        assert!(refused(json!({"type": "coin_flip"})).contains("type"));
    }

    #[test]
    fn text_parses_as_numbers_lists_and_ranges() {
        assert_eq!(parse_values("fast", "5"), Ok(json!(5.0)));
        assert_eq!(
            parse_values("fast", "5,10,20"),
            Ok(json!([5.0, 10.0, 20.0]))
        );
        assert_eq!(
            parse_values("fast", "5..25"),
            Ok(json!({"start": 5.0, "stop": 25.0, "step": 1.0}))
        );
        assert_eq!(
            parse_values("slow", " 30 .. 280 : 5 "),
            Ok(json!({"start": 30.0, "stop": 280.0, "step": 5.0}))
        );
        assert!(parse_values("slow", "30..x")
            .unwrap_err()
            .starts_with("slow"));
    }

    #[test]
    fn a_model_strategy_is_one_combination() {
        let grid = Grid::parse(&json!({"type": "model", "model": "ensemble"})).unwrap();
        assert_eq!(grid.len(), 1);
        assert!(grid.swept().is_empty());
        assert_eq!(grid.params(0)["model"], "ensemble");
    }
}

//! What a screen can read off a symbol: a price field (`close`, `volume`, …) or one
//! line of an indicator (`rsi:14`, `macd:12:26:9.hist`, `bbands:20:2:2.lower`).

use crate::indicators::{Indicator, Ohlcv, Output, UnknownIndicator};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Open,
    High,
    Low,
    Close,
    Volume,
}

impl Field {
    fn parse(name: &str) -> Option<Field> {
        match name {
            "open" => Some(Field::Open),
            "high" => Some(Field::High),
            "low" => Some(Field::Low),
            "close" => Some(Field::Close),
            "volume" => Some(Field::Volume),
            _ => None,
        }
    }

    pub fn column<'a>(&self, bars: &Ohlcv<'a>) -> &'a [f64] {
        match self {
            Field::Open => bars.open,
            Field::High => bars.high,
            Field::Low => bars.low,
            Field::Close => bars.close,
            Field::Volume => bars.volume,
        }
    }
}

/// One line of values per bar.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Term {
    Field(Field),
    /// `part` is an index into [`Indicator::parts`] (0 for single-line indicators).
    Line {
        indicator: Indicator,
        part: usize,
    },
}

/// A name as a client wrote it: a single line, or a multi-output indicator without a
/// part (shown as all its parts; conditions need one line).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Named {
    Term(Term),
    AllParts(Indicator),
}

impl Named {
    /// `close`, `rsi:14`, `macd:12:26:9.hist`. A part follows the last `.` when that
    /// text is a word, so `bbands:20:2.5:2.5` still reads as deviations of 2.5.
    pub fn parse(name: &str) -> Result<Named, UnknownIndicator> {
        let name = name.trim();
        let lower = name.to_ascii_lowercase();
        if let Some(field) = Field::parse(&lower) {
            return Ok(Named::Term(Term::Field(field)));
        }
        let (base, part) = match lower.rsplit_once('.') {
            Some((base, part)) if part.chars().all(|c| c.is_ascii_alphabetic() || c == '_') => {
                (base, Some(part))
            }
            _ => (lower.as_str(), None),
        };
        let indicator = Indicator::parse(base).map_err(|e| {
            UnknownIndicator(format!("{e}; prices are open, high, low, close and volume"))
        })?;
        let parts = indicator.parts();
        match (part, parts.is_empty()) {
            (None, true) => Ok(Named::Term(Term::Line { indicator, part: 0 })),
            (None, false) => Ok(Named::AllParts(indicator)),
            (Some(part), _) => match parts.iter().position(|p| *p == part) {
                Some(index) => Ok(Named::Term(Term::Line {
                    indicator,
                    part: index,
                })),
                None if parts.is_empty() => Err(UnknownIndicator(format!(
                    "{name:?}: {base} has one line and no parts"
                ))),
                None => Err(UnknownIndicator(format!(
                    "{name:?}: {base} has the parts {}",
                    parts.join(", ")
                ))),
            },
        }
    }

    /// The single line a condition or a sort needs, or why this name is not one.
    pub fn single(self, name: &str) -> Result<Term, UnknownIndicator> {
        match self {
            Named::Term(term) => Ok(term),
            Named::AllParts(indicator) => Err(UnknownIndicator(format!(
                "{name:?} has several lines: name one of {} (e.g. {name}.{})",
                indicator.parts().join(", "),
                indicator.parts()[indicator.parts().len() - 1]
            ))),
        }
    }
}

impl Term {
    /// The indicator this term needs computed, if any.
    pub fn indicator(&self) -> Option<Indicator> {
        match self {
            Term::Field(_) => None,
            Term::Line { indicator, .. } => Some(*indicator),
        }
    }
}

/// The line a term reads, from the indicator outputs computed for this symbol
/// (`outputs[i]` belongs to `indicators[i]`).
pub fn line<'a>(
    term: &Term,
    bars: &Ohlcv<'a>,
    indicators: &[Indicator],
    outputs: &'a [Output],
) -> &'a [f64] {
    match term {
        Term::Field(field) => field.column(bars),
        Term::Line { indicator, part } => {
            let at = indicators
                .iter()
                .position(|i| i == indicator)
                .expect("every term's indicator is computed");
            match &outputs[at] {
                Output::Line(values) => values,
                Output::Parts(parts) => &parts[*part].1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::Columns;

    #[test]
    fn names_read_as_fields_lines_and_parts() {
        assert_eq!(
            Named::parse("Close").unwrap(),
            Named::Term(Term::Field(Field::Close))
        );
        assert_eq!(
            Named::parse("rsi:14").unwrap(),
            Named::Term(Term::Line {
                indicator: Indicator::Rsi(14),
                part: 0
            })
        );
        let hist = Named::parse("macd:12:26:9.hist").unwrap();
        assert!(matches!(
            hist,
            Named::Term(Term::Line {
                indicator: Indicator::Macd { .. },
                part: 2
            })
        ));
        let lower = Named::parse("bbands:20:2.5:2.5.lower").unwrap();
        assert!(matches!(
            lower,
            Named::Term(Term::Line {
                indicator: Indicator::Bbands { up, .. },
                part: 2
            }) if up == 2.5
        ));
        assert!(matches!(
            Named::parse("bbands:20:2.5:2").unwrap(),
            Named::AllParts(Indicator::Bbands { .. })
        ));
    }

    #[test]
    fn unknown_names_and_parts_say_what_is_wrong() {
        let e = Named::parse("macd:12:26:9.histogram").unwrap_err();
        assert!(e.0.contains("macd, signal, hist"), "{e}");
        assert!(Named::parse("rsi:14.k").unwrap_err().0.contains("no parts"));
        assert!(Named::parse("vwap:3").unwrap_err().0.contains("unknown"));
        let whole = Named::parse("stoch:14:3:3").unwrap();
        assert!(whole.single("stoch:14:3:3").unwrap_err().0.contains("k, d"));
    }

    #[test]
    fn parts_are_listed_in_the_order_compute_returns_them() {
        let bars: Vec<crate::market::Bar> = (0..60)
            .map(|i| {
                let p = 100.0 + (i as f64 * 0.7).sin() * 5.0;
                crate::market::Bar {
                    ts: i * 86_400,
                    open: p,
                    high: p + 1.0,
                    low: p - 1.0,
                    close: p + 0.5,
                    volume: 1_000.0,
                }
            })
            .collect();
        let columns = Columns::of(&bars);
        for name in ["macd:12:26:9", "bbands:20:2:2", "stoch:14:3:3"] {
            let indicator = Indicator::parse(name).unwrap();
            let Output::Parts(parts) = indicator.compute(&columns.ohlcv()) else {
                panic!("{name} has parts");
            };
            let names: Vec<&str> = parts.iter().map(|(n, _)| *n).collect();
            assert_eq!(names, indicator.parts(), "{name}");
        }
    }
}

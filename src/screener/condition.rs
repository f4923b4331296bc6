//! A screen's conditions: a line compared with a number or another line, on the
//! latest bar (`<`, `<=`, `>`, `>=`) or across the latest two (`crosses_above`,
//! `crosses_below`).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Below,
    AtMost,
    Above,
    AtLeast,
    CrossesAbove,
    CrossesBelow,
}

/// The operators as the API spells them.
pub const OPERATORS: &str = "<, <=, >, >=, crosses_above, crosses_below";

impl Op {
    pub fn parse(text: &str) -> Option<Op> {
        match text.trim() {
            "<" => Some(Op::Below),
            "<=" => Some(Op::AtMost),
            ">" => Some(Op::Above),
            ">=" => Some(Op::AtLeast),
            "crosses_above" => Some(Op::CrossesAbove),
            "crosses_below" => Some(Op::CrossesBelow),
            _ => None,
        }
    }

    /// Whether the condition holds, given both sides' values on the bar before and
    /// the latest bar. A missing value (warm-up, too few bars) never holds.
    pub fn holds(self, left: Pair, right: Pair) -> bool {
        let Pair { before, last } = left;
        match self {
            Op::Below => last < right.last,
            Op::AtMost => last <= right.last,
            Op::Above => last > right.last,
            Op::AtLeast => last >= right.last,
            Op::CrossesAbove => before <= right.before && last > right.last,
            Op::CrossesBelow => before >= right.before && last < right.last,
        }
    }
}

/// A line's values on the bar before the latest and on the latest (NaN when absent).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pair {
    pub before: f64,
    pub last: f64,
}

impl Pair {
    pub fn of(line: &[f64]) -> Pair {
        let at = |back: usize| line.len().checked_sub(back).map_or(f64::NAN, |i| line[i]);
        Pair {
            before: at(2),
            last: at(1),
        }
    }

    pub fn constant(value: f64) -> Pair {
        Pair {
            before: value,
            last: value,
        }
    }
}

/// The right-hand side: a number, or another line (an index into the screen's terms).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Operand {
    Number(f64),
    Term(usize),
}

/// `terms[left] op right`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Condition {
    pub left: usize,
    pub op: Op,
    pub right: Operand,
}

impl Condition {
    pub fn holds(&self, pairs: &[Pair]) -> bool {
        let right = match self.right {
            Operand::Number(value) => Pair::constant(value),
            Operand::Term(index) => pairs[index],
        };
        self.op.holds(pairs[self.left], right)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(before: f64, last: f64) -> Pair {
        Pair { before, last }
    }

    #[test]
    fn comparisons_look_at_the_latest_bar() {
        let thirty = Pair::constant(30.0);
        assert!(Op::Below.holds(pair(50.0, 29.9), thirty));
        assert!(!Op::Below.holds(pair(10.0, 30.0), thirty));
        assert!(Op::AtMost.holds(pair(10.0, 30.0), thirty));
        assert!(Op::Above.holds(pair(10.0, 30.1), thirty));
        assert!(Op::AtLeast.holds(pair(10.0, 30.0), thirty));
        assert!(!Op::AtLeast.holds(pair(10.0, 29.0), thirty));
    }

    #[test]
    fn crossings_need_the_bar_before_on_the_other_side() {
        let zero = Pair::constant(0.0);
        assert!(Op::CrossesAbove.holds(pair(-0.5, 0.2), zero));
        assert!(Op::CrossesAbove.holds(pair(0.0, 0.2), zero));
        assert!(
            !Op::CrossesAbove.holds(pair(0.1, 0.2), zero),
            "already above"
        );
        assert!(Op::CrossesBelow.holds(pair(0.5, -0.2), zero));
        assert!(!Op::CrossesBelow.holds(pair(-0.1, -0.2), zero));
        // A line crossing another line: close crossing its moving average.
        assert!(Op::CrossesAbove.holds(pair(99.0, 102.0), pair(100.0, 101.0)));
        assert!(!Op::CrossesAbove.holds(pair(99.0, 100.5), pair(100.0, 101.0)));
    }

    #[test]
    fn missing_values_never_hold() {
        let nan = Pair::of(&[]);
        assert!(nan.last.is_nan() && nan.before.is_nan());
        let one = Pair::of(&[5.0]);
        assert_eq!(one.last, 5.0);
        for op in [Op::Below, Op::AtMost, Op::Above, Op::AtLeast] {
            assert!(!op.holds(pair(1.0, f64::NAN), Pair::constant(3.0)));
        }
        assert!(
            !Op::CrossesAbove.holds(one, Pair::constant(1.0)),
            "no bar before"
        );
    }

    #[test]
    fn operators_parse_as_the_api_spells_them() {
        for text in OPERATORS.split(", ") {
            assert!(Op::parse(text).is_some(), "{text}");
        }
        assert_eq!(Op::parse("=="), None);
    }
}

//! Ticker symbols, validated once: 1–10 characters of A–Z, 0–9, `.` and `-`, kept
//! upper-case (`brk.b` becomes `BRK.B`). Anything else is `INVALID_SYMBOL`.

use std::fmt;

use serde::{Deserialize, Serialize};

pub const MAX_LEN: usize = 10;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Symbol(String);

impl Symbol {
    pub fn parse(raw: &str) -> Result<Symbol, &'static str> {
        let symbol = raw.trim().to_ascii_uppercase();
        if symbol.is_empty() {
            return Err("is empty");
        }
        if symbol.len() > MAX_LEN {
            return Err("is longer than 10 characters");
        }
        if !symbol
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        {
            return Err("may contain only letters, digits, '.' and '-'");
        }
        Ok(Symbol(symbol))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Symbol {
    type Error = &'static str;

    fn try_from(value: String) -> Result<Symbol, Self::Error> {
        Symbol::parse(&value)
    }
}

impl From<Symbol> for String {
    fn from(symbol: Symbol) -> String {
        symbol.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_whitespace() {
        assert_eq!(Symbol::parse(" brk.b ").unwrap().as_str(), "BRK.B");
        assert_eq!(Symbol::parse("RDS-A").unwrap().as_str(), "RDS-A");
        assert_eq!(Symbol::parse("A").unwrap().as_str(), "A");
        assert_eq!(Symbol::parse("ABCDEFGHIJ").unwrap().as_str(), "ABCDEFGHIJ");
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "",
            "   ",
            "ABCDEFGHIJK",
            "AA PL",
            "AAPL;",
            "ÄPPL",
            "$SPY",
            "A_B",
            "aapl\n1",
        ] {
            assert!(Symbol::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn deserialising_validates_too() {
        let ok: Symbol = serde_json::from_str("\"msft\"").unwrap();
        assert_eq!(ok.as_str(), "MSFT");
        assert!(serde_json::from_str::<Symbol>("\"bad symbol\"").is_err());
    }
}

//! Watchlist names: trimmed, 1 to 60 characters, no control characters, unique per
//! user regardless of case ("Tech" and "tech" are the same list).

pub const MAX_NAME_CHARS: usize = 60;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchlistName(String);

impl WatchlistName {
    pub fn parse(raw: &str) -> Result<WatchlistName, String> {
        let name = raw.trim();
        if name.is_empty() {
            return Err("must not be empty".into());
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(format!("must be at most {MAX_NAME_CHARS} characters"));
        }
        if name.chars().any(char::is_control) {
            return Err("must not contain control characters".into());
        }
        Ok(WatchlistName(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What uniqueness is checked on.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(WatchlistName::parse("  Tech  ").unwrap().as_str(), "Tech");
        assert!(WatchlistName::parse("   ").is_err());
        assert!(WatchlistName::parse(&"x".repeat(61)).is_err());
        assert!(WatchlistName::parse(&"é".repeat(60)).is_ok());
        assert!(WatchlistName::parse("a\u{0}b").is_err());
    }

    #[test]
    fn uniqueness_ignores_case() {
        let a = WatchlistName::parse("Tech Giants").unwrap();
        let b = WatchlistName::parse("tech giants").unwrap();
        assert_eq!(a.key(), b.key());
        assert_ne!(a.as_str(), b.as_str());
    }
}

//! Comma-separated lists as query strings and variables write them
//! (`AAPL, MSFT,,TSLA`): entries trimmed, empty ones dropped.

pub fn entries(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').map(str::trim).filter(|e| !e.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_trimmed_and_empty_ones_dropped() {
        let listed: Vec<&str> = entries(" AAPL, MSFT,,TSLA , ").collect();
        assert_eq!(listed, ["AAPL", "MSFT", "TSLA"]);
        assert_eq!(entries("").count(), 0);
        assert_eq!(entries(" , ").count(), 0);
    }
}

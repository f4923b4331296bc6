//! Token estimates for context budgets. One token per four characters (rounded up),
//! the usual rule of thumb for English and code with GPT-style tokenizers; the same
//! estimate everywhere, so budgets are consistent even where it is not exact.

pub const CHARS_PER_TOKEN: usize = 4;

pub fn estimate(text: &str) -> usize {
    text.chars().count().div_ceil(CHARS_PER_TOKEN)
}

/// Whether `text` fits `budget` tokens, without counting past the budget (a single
/// line of minified code can be megabytes long).
pub fn fits(text: &str, budget: usize) -> bool {
    let limit = budget.saturating_mul(CHARS_PER_TOKEN);
    text.len() <= limit || text.chars().take(limit.saturating_add(1)).count() <= limit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_characters_make_a_token_rounded_up() {
        assert_eq!(estimate(""), 0);
        assert_eq!(estimate("fn a"), 1);
        assert_eq!(estimate("fn ab"), 2);
        // Characters, not bytes: "é" is one character.
        assert_eq!(estimate("éééé"), 1);
    }

    #[test]
    fn fits_agrees_with_the_estimate() {
        for text in ["", "fn a", "fn ab", "éééééééé", "a line of some length"] {
            for budget in 0..8 {
                assert_eq!(
                    fits(text, budget),
                    estimate(text) <= budget,
                    "{text} {budget}"
                );
            }
        }
    }
}

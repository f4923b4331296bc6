//! Token estimates for context budgets. One token per four characters (rounded up),
//! the usual rule of thumb for English and code with GPT-style tokenizers; the same
//! estimate everywhere, so budgets are consistent even where it is not exact.

pub const CHARS_PER_TOKEN: usize = 4;

pub fn estimate(text: &str) -> usize {
    text.chars().count().div_ceil(CHARS_PER_TOKEN)
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
}

//! The password policy (kept from the original system): 8–128 characters with an
//! upper-case letter, a digit and a special character, not containing the email's
//! local part. Every failed rule is reported, so a form can show them all at once.

use serde::{Deserialize, Serialize};

use super::email::Email;

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;
/// Local parts shorter than this are too common as substrings to forbid (`a@x.io`).
const MIN_FORBIDDEN_LOCAL_PART: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordRule {
    MinLength,
    MaxLength,
    Uppercase,
    Digit,
    Special,
    NotEmailLocalPart,
}

impl PasswordRule {
    /// Every rule, in the order forms list them.
    pub const ALL: [PasswordRule; 6] = [
        PasswordRule::MinLength,
        PasswordRule::MaxLength,
        PasswordRule::Uppercase,
        PasswordRule::Digit,
        PasswordRule::Special,
        PasswordRule::NotEmailLocalPart,
    ];

    pub fn description(self) -> &'static str {
        match self {
            PasswordRule::MinLength => "at least 8 characters",
            PasswordRule::MaxLength => "at most 128 characters",
            PasswordRule::Uppercase => "an upper-case letter",
            PasswordRule::Digit => "a digit",
            PasswordRule::Special => "a special character (not a letter or digit)",
            PasswordRule::NotEmailLocalPart => "must not contain the part of your email before @",
        }
    }
}

/// The rules `password` breaks; empty when it is acceptable.
pub fn failed_rules(password: &str, email: &Email) -> Vec<PasswordRule> {
    failed_rules_for_local_part(password, email.local_part())
}

/// As [`failed_rules`], for a form whose email is still being typed: `local` is
/// what precedes `@` so far (lower-case).
pub fn failed_rules_for_local_part(password: &str, local: &str) -> Vec<PasswordRule> {
    let length = password.chars().count();
    let checks = [
        (PasswordRule::MinLength, length >= MIN_LEN),
        (PasswordRule::MaxLength, length <= MAX_LEN),
        (
            PasswordRule::Uppercase,
            password.chars().any(char::is_uppercase),
        ),
        (
            PasswordRule::Digit,
            password.chars().any(|c| c.is_ascii_digit()),
        ),
        (
            PasswordRule::Special,
            password
                .chars()
                .any(|c| !c.is_alphanumeric() && !c.is_whitespace()),
        ),
        (
            PasswordRule::NotEmailLocalPart,
            local.chars().count() < MIN_FORBIDDEN_LOCAL_PART
                || !password.to_lowercase().contains(local),
        ),
    ];
    checks
        .into_iter()
        .filter(|(_, passed)| !passed)
        .map(|(rule, _)| rule)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> Email {
        Email::parse("alice@example.com").unwrap()
    }

    #[test]
    fn accepts_a_password_meeting_every_rule() {
        assert!(failed_rules("Tr0ub4dor&3", &email()).is_empty());
    }

    #[test]
    fn reports_every_failed_rule() {
        assert_eq!(
            failed_rules("abc", &email()),
            vec![
                PasswordRule::MinLength,
                PasswordRule::Uppercase,
                PasswordRule::Digit,
                PasswordRule::Special
            ]
        );
    }

    #[test]
    fn rejects_too_long() {
        let long = format!("Aa1!{}", "x".repeat(130));
        assert_eq!(failed_rules(&long, &email()), vec![PasswordRule::MaxLength]);
    }

    #[test]
    fn rejects_the_email_local_part_in_any_case() {
        assert_eq!(
            failed_rules("My-ALICE-pass1", &email()),
            vec![PasswordRule::NotEmailLocalPart]
        );
    }

    #[test]
    fn counts_characters_not_bytes() {
        // Eight characters, more than eight bytes.
        assert!(!failed_rules("Ünïcødé1!", &email()).contains(&PasswordRule::MinLength));
        assert!(failed_rules("Äb1!äöü", &email()).contains(&PasswordRule::MinLength));
    }
}

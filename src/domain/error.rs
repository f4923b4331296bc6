//! Why a domain rule refused a value, said without HTTP: the server turns each into
//! its catalog code, status and details with one `From` (`server::api_error`), the
//! command line prints it, and pure code never needs to know about either.

use super::password_policy::PasswordRule;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Not a ticker symbol (`INVALID_SYMBOL`).
    #[error("{input:?} {reason}")]
    InvalidSymbol { input: String, reason: &'static str },
    /// A day that does not parse (`INVALID_DATE_RANGE`).
    #[error("{field} {value:?} is not a day: expected YYYY-MM-DD or an RFC 3339 date-time")]
    InvalidDay { field: &'static str, value: String },
    /// `from` after `to` (`INVALID_DATE_RANGE`).
    #[error("from is after to")]
    RangeReversed,
    /// No signal model has this name (`UNKNOWN_MODEL`).
    #[error("{input:?} is not a model: classic, momentum or ensemble")]
    UnknownModel { input: String },
    /// A password that breaks the policy (`WEAK_PASSWORD`), with every rule it breaks.
    #[error("the password breaks {} rule(s)", .0.len())]
    WeakPassword(Vec<PasswordRule>),
}

//! Reading variables one at a time while collecting every problem, so one run of
//! the server (or `check-config`) names them all.

use std::net::IpAddr;

use secrecy::SecretString;

/// Fragments of the placeholder values in `.env.example`: never acceptable in production.
const PLACEHOLDER_MARKERS: [&str; 4] = ["change-me", "changeme", "example", "placeholder"];

pub fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    PLACEHOLDER_MARKERS.iter().any(|m| lower.contains(m))
}

/// Where values come from; empty values count as unset.
pub struct Source<'a>(pub &'a dyn Fn(&str) -> Option<String>);

impl Source<'_> {
    pub fn get(&self, name: &str) -> Option<String> {
        (self.0)(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }
}

pub struct Reader<'a> {
    pub source: Source<'a>,
    /// Staging and production: example values are problems, not warnings.
    pub strict: bool,
    pub problems: Vec<String>,
}

impl Reader<'_> {
    pub fn get(&self, name: &str) -> Option<String> {
        self.source.get(name)
    }

    pub fn or(&self, name: &str, default: &str) -> String {
        self.get(name).unwrap_or_else(|| default.to_string())
    }

    pub fn problem(&mut self, message: impl Into<String>) {
        self.problems.push(message.into());
    }

    /// A secret that may be unset; outside development never the example value.
    pub fn optional_secret(&mut self, name: &str) -> Option<SecretString> {
        let value = self.get(name)?;
        if self.strict && is_placeholder(&value) {
            self.problem(format!(
                "{name} still holds the example value from .env.example"
            ));
        }
        Some(SecretString::from(value))
    }

    /// A whole number above zero, else `default`.
    pub fn positive(&mut self, name: &str, default: u64) -> u64 {
        match self.get(name) {
            None => default,
            Some(value) => match value.parse::<u64>() {
                Ok(number) if number > 0 => number,
                _ => {
                    self.problem(format!(
                        "{name} must be a positive whole number (got {value:?})"
                    ));
                    default
                }
            },
        }
    }

    /// `true`/`1`/`yes`/`on` or `false`/`0`/`no`/`off`; unset is false.
    pub fn flag(&mut self, name: &str) -> bool {
        match self.get(name).as_deref().map(str::to_ascii_lowercase) {
            None => false,
            Some(v) if ["true", "1", "yes", "on"].contains(&v.as_str()) => true,
            Some(v) if ["false", "0", "no", "off"].contains(&v.as_str()) => false,
            Some(v) => {
                self.problem(format!("{name} must be true or false (got {v:?})"));
                false
            }
        }
    }

    /// The comma-separated entries of `name` (blank ones skipped), each parsed; an entry
    /// that does not parse is a problem (`parse` says which words).
    pub fn each<T>(
        &mut self,
        name: &str,
        default: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Vec<T> {
        let value = self.or(name, default);
        let mut parsed = Vec::new();
        for entry in crate::domain::comma_list::entries(&value) {
            match parse(entry) {
                Ok(item) => parsed.push(item),
                Err(problem) => self.problem(problem),
            }
        }
        parsed
    }

    /// `TRUSTED_PROXIES`-style lists of IP addresses.
    pub fn addresses(&mut self, name: &str) -> Vec<IpAddr> {
        self.each(name, "", |entry| {
            entry.parse().map_err(|_| {
                format!("{name} must list IP addresses, comma-separated (got {entry:?})")
            })
        })
    }
}

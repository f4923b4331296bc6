//! Which database a URL points at.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Option<Backend> {
        let scheme = url.split_once(':')?.0.to_ascii_lowercase();
        match scheme.as_str() {
            "sqlite" => Some(Backend::Sqlite),
            "postgres" | "postgresql" => Some(Backend::Postgres),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// SQLite serialises writers anyway; a few connections serve concurrent reads.
    pub fn max_connections(self) -> u32 {
        match self {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_backends_by_scheme() {
        assert_eq!(
            Backend::from_url("sqlite://data/investment.db"),
            Some(Backend::Sqlite)
        );
        assert_eq!(Backend::from_url("sqlite::memory:"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::from_url("postgres://postgres@127.0.0.1/test"),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::from_url("postgresql://localhost/x"),
            Some(Backend::Postgres)
        );
    }

    #[test]
    fn rejects_other_schemes() {
        assert_eq!(Backend::from_url("mysql://localhost/db"), None);
        assert_eq!(Backend::from_url("data/investment.db"), None);
    }
}

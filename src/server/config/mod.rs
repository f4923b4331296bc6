//! Typed configuration, parsed once at start-up from the environment (and `.env`).
//! Every variable is documented in `.env.example` and the README.

pub mod market;

use market::MarketConfig;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::db::Backend;
use super::dev_secrets;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/investment.db";
const DEFAULT_DATA_DIR: &str = "data";
const DEFAULT_ALLOWED_HOSTS: &str = "localhost,127.0.0.1";
const MIN_SECRET_LEN: usize = 32;
const DEFAULT_AUTH_RATE_LIMIT: u64 = 60;
const DEFAULT_SESSION_RATE_LIMIT: u64 = 600;
/// Secrets every environment needs; development generates them when missing.
const REQUIRED_SECRETS: [&str; 3] = ["SECRET_KEY", "JWT_SECRET_KEY", "ENCRYPTION_KEY"];
/// Fragments of the placeholder values in `.env.example`: never acceptable in production.
const PLACEHOLDER_MARKERS: [&str; 4] = ["change-me", "changeme", "example", "placeholder"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Development,
    Staging,
    Production,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Development => "development",
            Environment::Staging => "staging",
            Environment::Production => "production",
        }
    }

    fn parse(value: &str) -> Option<Environment> {
        match value.to_ascii_lowercase().as_str() {
            "development" => Some(Environment::Development),
            "staging" => Some(Environment::Staging),
            "production" => Some(Environment::Production),
            _ => None,
        }
    }

    /// Staging mirrors production, so it gets the same strict rules.
    pub fn is_strict(self) -> bool {
        self != Environment::Development
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

pub struct Config {
    pub environment: Environment,
    pub database_url: String,
    pub secret_key: SecretString,
    pub jwt_secret_key: SecretString,
    pub encryption_key: SecretString,
    /// `ENCRYPTION_KEY_PREVIOUS`: the key being rotated away from; values it sealed
    /// are still read until `rotate-encryption-key` seals them again.
    pub encryption_key_previous: Option<SecretString>,
    pub redis_url: Option<SecretString>,
    pub alpha_vantage_api_key: Option<SecretString>,
    pub cors_allow_origins: Vec<String>,
    pub allowed_hosts: Vec<String>,
    pub log_level: String,
    pub log_format: LogFormat,
    pub enable_metrics: bool,
    /// `METRICS_TOKEN`: the bearer token `/metrics` asks for (required in production).
    pub metrics_token: Option<SecretString>,
    /// Prefix of every Redis key this instance writes (tests use their own).
    pub redis_key_prefix: String,
    /// `REDIS_CA_CERT`: a PEM file of the CA that signed a `rediss://` server's
    /// certificate, when it is not one the system trusts.
    pub redis_ca_cert: Option<PathBuf>,
    /// Requests per minute per client IP on routes used without credentials (login, register, refresh).
    pub auth_rate_limit_per_minute: u64,
    /// Dashboard page loads and server-function calls per signed-in user (or per
    /// client IP when anonymous) and minute: an abuse guard, not a product limit.
    pub session_rate_limit_per_minute: u64,
    /// `TRUSTED_PROXIES`: addresses of our own reverse proxies / load balancers, whose
    /// `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// `ADMIN_EMAILS`: addresses (normalised) that become administrators when they
    /// register. In development the first account also does; nowhere else.
    pub admin_emails: Vec<String>,
    /// `SLOW_REQUEST_MS` (500): requests slower than this are logged at WARN.
    pub slow_request: Duration,
    /// `REQUEST_TIMEOUT_MS` (30 000): longer requests answer 504 `REQUEST_TIMEOUT`.
    pub request_timeout: Duration,
    /// `SHUTDOWN_GRACE_SECS` (30): how long requests in flight may finish after SIGTERM.
    pub shutdown_grace: Duration,
    pub market: MarketConfig,
    pub data_dir: PathBuf,
    /// `SONAR_ROOT` (the working directory): the source tree SONAR indexes.
    pub sonar_root: PathBuf,
    /// Things worth a WARN log once logging is up (e.g. generated secrets).
    pub warnings: Vec<String>,
}

/// Every problem found, each naming its variable, so one run shows them all.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration:\n{}", .problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
pub struct ConfigError {
    pub problems: Vec<String>,
}

impl Config {
    /// Reads `.env` (without overriding variables already set), then the environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        let _ = dotenvy::dotenv();
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Parses from any variable source; empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let mut problems = Vec::new();
        let mut warnings = Vec::new();

        let environment = match get("ENVIRONMENT") {
            None => Environment::Development,
            Some(value) => Environment::parse(&value).unwrap_or_else(|| {
                problems.push(format!(
                    "ENVIRONMENT must be development, staging or production (got {value:?})"
                ));
                Environment::Development
            }),
        };
        let data_dir = PathBuf::from(get("DATA_DIR").unwrap_or_else(|| DEFAULT_DATA_DIR.into()));
        let sonar_root = PathBuf::from(get("SONAR_ROOT").unwrap_or_else(|| ".".into()));

        let database_url = get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        if Backend::from_url(&database_url).is_none() {
            problems.push(
                "DATABASE_URL must start with sqlite: or postgres:// (or postgresql://)".into(),
            );
        }

        let required = required_secrets(environment, &get, &data_dir, &mut problems, &mut warnings);
        let [secret_key, jwt_secret_key, encryption_key] = required;

        let optional_secret = |name: &str, problems: &mut Vec<String>| {
            let value = get(name)?;
            if environment.is_strict() && is_placeholder(&value) {
                problems.push(format!(
                    "{name} still holds the example value from .env.example"
                ));
            }
            Some(SecretString::from(value))
        };
        let alpha_vantage_api_key = optional_secret("ALPHA_VANTAGE_API_KEY", &mut problems);

        let encryption_key_previous = optional_secret("ENCRYPTION_KEY_PREVIOUS", &mut problems);
        if let Some(previous) = &encryption_key_previous {
            if previous.expose_secret() == encryption_key.expose_secret() {
                problems.push(
                    "ENCRYPTION_KEY_PREVIOUS equals ENCRYPTION_KEY (set it to the old key only while rotating)".into(),
                );
            } else if environment.is_strict()
                && previous.expose_secret().chars().count() < MIN_SECRET_LEN
            {
                problems.push(format!(
                    "ENCRYPTION_KEY_PREVIOUS is shorter than {MIN_SECRET_LEN} characters"
                ));
            }
        }

        let redis_url = get("REDIS_URL");
        if let Some(url) = &redis_url {
            if redis::Client::open(url.as_str()).is_err() {
                problems.push("REDIS_URL is not a valid redis:// or rediss:// URL".into());
            }
        }
        let redis_ca_cert = get("REDIS_CA_CERT").map(PathBuf::from);
        if let Some(path) = &redis_ca_cert {
            if redis_url
                .as_deref()
                .is_none_or(|url| !url.starts_with("rediss://"))
            {
                problems.push("REDIS_CA_CERT is set but REDIS_URL is not a rediss:// URL".into());
            } else if let Err(e) = std::fs::metadata(path) {
                problems.push(format!("REDIS_CA_CERT {}: {e}", path.display()));
            }
        }

        let cors_allow_origins = list(get("CORS_ALLOW_ORIGINS"))
            .into_iter()
            .filter_map(|origin| match parse_origin(&origin) {
                Some(origin) => Some(origin),
                None => {
                    problems.push(format!(
                        "CORS_ALLOW_ORIGINS: {origin:?} is not an origin like https://app.example.com"
                    ));
                    None
                }
            })
            .collect();

        let allowed_hosts = list(Some(
            get("ALLOWED_HOSTS").unwrap_or_else(|| DEFAULT_ALLOWED_HOSTS.into()),
        ));
        for host in &allowed_hosts {
            if host.contains(['/', ' ', '@']) {
                problems.push(format!(
                    "ALLOWED_HOSTS: {host:?} is not a host name (use e.g. app.example.com)"
                ));
            }
        }

        let log_level = get("LOG_LEVEL").unwrap_or_else(|| "info".into());
        if tracing_subscriber::EnvFilter::try_new(&log_level).is_err() {
            problems.push(format!(
                "LOG_LEVEL {log_level:?} is not a level (error, warn, info, debug, trace) or filter directive"
            ));
        }

        let log_format = match get("LOG_FORMAT").as_deref() {
            None if environment.is_strict() => LogFormat::Json,
            None => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            Some(other) => {
                problems.push(format!("LOG_FORMAT must be json or pretty (got {other:?})"));
                LogFormat::Pretty
            }
        };

        let enable_metrics = match get("ENABLE_METRICS")
            .as_deref()
            .map(str::to_ascii_lowercase)
        {
            None => false,
            Some(v) if ["true", "1", "yes", "on"].contains(&v.as_str()) => true,
            Some(v) if ["false", "0", "no", "off"].contains(&v.as_str()) => false,
            Some(v) => {
                problems.push(format!("ENABLE_METRICS must be true or false (got {v:?})"));
                false
            }
        };

        let metrics_token = optional_secret("METRICS_TOKEN", &mut problems);
        if enable_metrics && environment.is_strict() && metrics_token.is_none() {
            problems.push(
                "METRICS_TOKEN is required in staging and production when ENABLE_METRICS=true (the bearer token /metrics asks for)".into(),
            );
        }

        let redis_key_prefix =
            get("REDIS_KEY_PREFIX").unwrap_or_else(|| "investment_system".into());
        let mut positive = |name: &str, default: u64| match get(name) {
            None => default,
            Some(value) => match value.parse::<u64>() {
                Ok(limit) if limit > 0 => limit,
                _ => {
                    problems.push(format!(
                        "{name} must be a positive whole number (got {value:?})"
                    ));
                    default
                }
            },
        };
        let auth_rate_limit_per_minute =
            positive("AUTH_RATE_LIMIT_PER_MINUTE", DEFAULT_AUTH_RATE_LIMIT);
        let session_rate_limit_per_minute =
            positive("SESSION_RATE_LIMIT_PER_MINUTE", DEFAULT_SESSION_RATE_LIMIT);
        let slow_request = Duration::from_millis(positive("SLOW_REQUEST_MS", 500));
        let request_timeout = Duration::from_millis(positive("REQUEST_TIMEOUT_MS", 30_000));
        let shutdown_grace = Duration::from_secs(positive("SHUTDOWN_GRACE_SECS", 30));
        let mut trusted_proxies = Vec::new();
        for entry in get("TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            match entry.parse() {
                Ok(ip) => trusted_proxies.push(ip),
                Err(_) => problems.push(format!(
                    "TRUSTED_PROXIES must list IP addresses, comma-separated (got {entry:?})"
                )),
            }
        }

        let mut admin_emails = Vec::new();
        for entry in get("ADMIN_EMAILS")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            match crate::domain::email::Email::parse(entry) {
                Ok(email) => admin_emails.push(email.as_str().to_string()),
                Err(reason) => problems.push(format!(
                    "ADMIN_EMAILS must list email addresses, comma-separated ({entry:?}: {reason})"
                )),
            }
        }

        let market = market::parse(
            &get,
            alpha_vantage_api_key.is_some(),
            environment.is_strict(),
            &mut problems,
        );

        if !problems.is_empty() {
            return Err(ConfigError { problems });
        }
        Ok(Config {
            environment,
            database_url,
            secret_key,
            jwt_secret_key,
            encryption_key,
            encryption_key_previous,
            redis_url: redis_url.map(SecretString::from),
            alpha_vantage_api_key,
            cors_allow_origins,
            allowed_hosts,
            log_level,
            log_format,
            enable_metrics,
            metrics_token,
            redis_key_prefix,
            redis_ca_cert,
            auth_rate_limit_per_minute,
            session_rate_limit_per_minute,
            trusted_proxies,
            admin_emails,
            slow_request,
            request_timeout,
            shutdown_grace,
            market,
            data_dir,
            sonar_root,
            warnings,
        })
    }
}

/// Production and staging demand strong, real secrets; development fills gaps from
/// `data/dev-secrets.env` (generated once) and only warns about weak values.
fn required_secrets(
    environment: Environment,
    get: &impl Fn(&str) -> Option<String>,
    data_dir: &std::path::Path,
    problems: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> [SecretString; 3] {
    let missing: Vec<&str> = REQUIRED_SECRETS
        .into_iter()
        .filter(|name| get(name).is_none())
        .collect();

    let mut generated = std::collections::BTreeMap::new();
    if !missing.is_empty() && !environment.is_strict() {
        match dev_secrets::load_or_generate(data_dir, &missing) {
            Ok(stored) => {
                for name in &missing {
                    warnings.push(format!(
                        "{name} is not set: using a development secret kept in {}",
                        stored.path.display()
                    ));
                }
                generated = stored.values;
            }
            Err(e) => problems.push(format!(
                "{} not set and the development secrets file under {} could not be written: {e}",
                missing.join(", "),
                data_dir.display()
            )),
        }
    }

    REQUIRED_SECRETS.map(|name| {
        let value = match get(name) {
            Some(value) => value,
            None if environment.is_strict() => {
                problems.push(format!(
                    "{name} is required in {} (at least {MIN_SECRET_LEN} random characters)",
                    environment.as_str()
                ));
                String::new()
            }
            None => generated.get(name).cloned().unwrap_or_default(),
        };
        let weakness = if is_placeholder(&value) {
            Some("still holds the example value from .env.example".to_string())
        } else if !value.is_empty() && value.chars().count() < MIN_SECRET_LEN {
            Some(format!("is shorter than {MIN_SECRET_LEN} characters"))
        } else {
            None
        };
        if let Some(weakness) = weakness {
            if environment.is_strict() {
                problems.push(format!("{name} {weakness}"));
            } else {
                warnings.push(format!("{name} {weakness}; fine for development only"));
            }
        }
        SecretString::from(value)
    })
}

fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    PLACEHOLDER_MARKERS.iter().any(|m| lower.contains(m))
}

fn list(value: Option<String>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

/// Normalises `https://App.example.com/` to `https://app.example.com`; rejects paths and wildcards.
fn parse_origin(value: &str) -> Option<String> {
    let url = url::Url::parse(value).ok()?;
    let plain = matches!(url.scheme(), "http" | "https")
        && url.host().is_some()
        && url.path() == "/"
        && url.query().is_none()
        && url.username().is_empty();
    plain.then(|| url.origin().ascii_serialization())
}

/// Hides a URL's password (e.g. `postgres://app:secret@db/x` → `postgres://app:***@db/x`).
pub fn redact_url(value: &str) -> String {
    match url::Url::parse(value) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        Ok(_) => value.to_string(),
        Err(_) => "[unparseable URL]".to_string(),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |s: &Option<SecretString>| s.as_ref().map(|_| "[REDACTED]");
        f.debug_struct("Config")
            .field("environment", &self.environment)
            .field("database_url", &redact_url(&self.database_url))
            .field("secret_key", &"[REDACTED]")
            .field("jwt_secret_key", &"[REDACTED]")
            .field("encryption_key", &"[REDACTED]")
            .field(
                "encryption_key_previous",
                &redacted(&self.encryption_key_previous),
            )
            .field(
                "redis_url",
                &self
                    .redis_url
                    .as_ref()
                    .map(|u| redact_url(u.expose_secret())),
            )
            .field(
                "alpha_vantage_api_key",
                &redacted(&self.alpha_vantage_api_key),
            )
            .field("cors_allow_origins", &self.cors_allow_origins)
            .field("allowed_hosts", &self.allowed_hosts)
            .field("log_level", &self.log_level)
            .field("log_format", &self.log_format)
            .field("enable_metrics", &self.enable_metrics)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("admin_emails", &self.admin_emails)
            .field("slow_request", &self.slow_request)
            .field("request_timeout", &self.request_timeout)
            .field("shutdown_grace", &self.shutdown_grace)
            .field("metrics_token", &redacted(&self.metrics_token))
            .field("redis_key_prefix", &self.redis_key_prefix)
            .field(
                "auth_rate_limit_per_minute",
                &self.auth_rate_limit_per_minute,
            )
            .field(
                "session_rate_limit_per_minute",
                &self.session_rate_limit_per_minute,
            )
            .field("market", &self.market)
            .field("data_dir", &self.data_dir)
            .field("sonar_root", &self.sonar_root)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const STRONG: &str = "k9Qm2Zr7Lx4Vb8Nw1Tp6Hs3Jd5Fg0Ya2Ue7Io4";

    fn parse(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    fn production_with(
        overrides: &[(&'static str, &'static str)],
    ) -> Vec<(&'static str, &'static str)> {
        let mut vars = vec![
            ("ENVIRONMENT", "production"),
            ("SECRET_KEY", STRONG),
            ("JWT_SECRET_KEY", STRONG),
            ("ENCRYPTION_KEY", STRONG),
            ("MARKET_DATA_PROVIDER", "demo"),
        ];
        for (name, value) in overrides {
            vars.retain(|(n, _)| n != name);
            vars.push((name, value));
        }
        vars
    }

    fn problems(result: Result<Config, ConfigError>) -> Vec<String> {
        result
            .expect_err("configuration should be rejected")
            .problems
    }

    #[test]
    fn development_defaults_need_no_variables() {
        let dir = tempfile::tempdir().unwrap();
        let config = parse(&[("DATA_DIR", dir.path().to_str().unwrap())]).unwrap();
        assert_eq!(config.environment, Environment::Development);
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(config.log_format, LogFormat::Pretty);
        assert_eq!(config.log_level, "info");
        assert!(!config.enable_metrics);
        assert!(config.redis_url.is_none());
        assert_eq!(config.allowed_hosts, vec!["localhost", "127.0.0.1"]);
    }

    #[test]
    fn development_generates_missing_secrets_once_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let vars = [("DATA_DIR", dir.path().to_str().unwrap())];
        let first = parse(&vars).unwrap();
        let second = parse(&vars).unwrap();
        assert_eq!(
            first.jwt_secret_key.expose_secret(),
            second.jwt_secret_key.expose_secret()
        );
        assert!(first.jwt_secret_key.expose_secret().len() >= MIN_SECRET_LEN);
        assert_ne!(
            first.secret_key.expose_secret(),
            first.jwt_secret_key.expose_secret()
        );
        assert!(first.warnings.iter().any(|w| w.contains("JWT_SECRET_KEY")));
        assert!(dir.path().join(dev_secrets::DEV_SECRETS_FILE).exists());
    }

    #[test]
    fn production_rejects_each_missing_secret_by_name() {
        let problems = problems(parse(&[("ENVIRONMENT", "production")]));
        for name in REQUIRED_SECRETS {
            assert!(
                problems
                    .iter()
                    .any(|p| p.starts_with(name) && p.contains("required")),
                "{name} not named in {problems:?}"
            );
        }
    }

    #[test]
    fn production_metrics_need_a_token() {
        let problems = problems(parse(&production_with(&[("ENABLE_METRICS", "true")])));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("METRICS_TOKEN is required"));
        let config = parse(&production_with(&[
            ("ENABLE_METRICS", "true"),
            ("METRICS_TOKEN", "a-long-random-scrape-token-0123456789"),
        ]))
        .unwrap();
        assert!(config.metrics_token.is_some());
        let staging = self::problems(parse(&production_with(&[
            ("ENVIRONMENT", "staging"),
            ("ENABLE_METRICS", "true"),
        ])));
        assert_eq!(staging.len(), 1, "staging needs the token too: {staging:?}");
    }

    #[test]
    fn production_rejects_short_secret() {
        let problems = problems(parse(&production_with(&[("JWT_SECRET_KEY", "too-short")])));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("JWT_SECRET_KEY is shorter than 32"));
    }

    #[test]
    fn production_rejects_every_example_value_from_env_example() {
        let example = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.env.example"))
            .expect(".env.example exists");
        let example_value = |name: &str| {
            example
                .lines()
                .find_map(|line| line.strip_prefix(&format!("{name}=")))
                .unwrap_or_else(|| panic!("{name} missing from .env.example"))
                .to_string()
        };
        for name in REQUIRED_SECRETS {
            let value = example_value(name);
            let mut map: HashMap<&str, String> = production_with(&[])
                .into_iter()
                .map(|(k, v)| (k, v.to_string()))
                .collect();
            map.insert(name, value);
            let result = Config::from_lookup(|n| map.get(n).cloned());
            let problems = problems(result);
            assert!(
                problems
                    .iter()
                    .any(|p| p.starts_with(name) && p.contains("example")),
                "{name}: {problems:?}"
            );
        }
    }

    #[test]
    fn staging_is_as_strict_as_production() {
        let problems = problems(parse(&[("ENVIRONMENT", "staging")]));
        // Each secret, and the market-data provider staging must name.
        assert_eq!(problems.len(), REQUIRED_SECRETS.len() + 1, "{problems:?}");
    }

    #[test]
    fn production_with_strong_secrets_defaults_to_json_logs() {
        let config = parse(&production_with(&[])).unwrap();
        assert_eq!(config.environment, Environment::Production);
        assert_eq!(config.log_format, LogFormat::Json);
        assert!(config.warnings.is_empty());
    }

    #[test]
    fn rejects_unknown_environment_format_and_flags() {
        let dir = tempfile::tempdir().unwrap();
        let problems = problems(parse(&[
            ("DATA_DIR", dir.path().to_str().unwrap()),
            ("ENVIRONMENT", "prod-ish"),
            ("LOG_FORMAT", "xml"),
            ("ENABLE_METRICS", "maybe"),
            ("DATABASE_URL", "mysql://localhost/db"),
            ("LOG_LEVEL", "info,=[=="),
        ]));
        for name in [
            "ENVIRONMENT",
            "LOG_FORMAT",
            "ENABLE_METRICS",
            "DATABASE_URL",
            "LOG_LEVEL",
        ] {
            assert!(
                problems.iter().any(|p| p.starts_with(name)),
                "{name}: {problems:?}"
            );
        }
    }

    #[test]
    fn parses_lists_and_normalises_origins() {
        let dir = tempfile::tempdir().unwrap();
        let config = parse(&[
            ("DATA_DIR", dir.path().to_str().unwrap()),
            (
                "CORS_ALLOW_ORIGINS",
                "https://App.example.com/, http://localhost:5173",
            ),
            ("ALLOWED_HOSTS", "app.example.com , api.example.com"),
            ("ENABLE_METRICS", "TRUE"),
            ("LOG_FORMAT", "json"),
        ])
        .unwrap();
        assert_eq!(
            config.cors_allow_origins,
            vec!["https://app.example.com", "http://localhost:5173"]
        );
        assert_eq!(
            config.allowed_hosts,
            vec!["app.example.com", "api.example.com"]
        );
        assert!(config.enable_metrics);
        assert_eq!(config.log_format, LogFormat::Json);
    }

    #[test]
    fn rejects_origins_with_paths_or_wildcards() {
        let dir = tempfile::tempdir().unwrap();
        let problems = problems(parse(&[
            ("DATA_DIR", dir.path().to_str().unwrap()),
            ("CORS_ALLOW_ORIGINS", "*,https://example.com/app"),
        ]));
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn rotation_and_redis_tls_settings_are_checked() {
        let problems = problems(parse(&production_with(&[
            ("ENCRYPTION_KEY_PREVIOUS", STRONG),
            ("REDIS_CA_CERT", "/etc/hostname"),
        ])));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("ENCRYPTION_KEY_PREVIOUS equals ENCRYPTION_KEY"));
        assert!(problems[1].starts_with("REDIS_CA_CERT is set but REDIS_URL"));
        let missing_ca = self::problems(parse(&production_with(&[
            ("REDIS_URL", "rediss://cache.internal:6380"),
            ("REDIS_CA_CERT", "/no/such/ca.pem"),
        ])));
        assert!(
            missing_ca[0].starts_with("REDIS_CA_CERT /no/such/ca.pem"),
            "{missing_ca:?}"
        );
        let config = parse(&production_with(&[
            (
                "ENCRYPTION_KEY_PREVIOUS",
                "an-older-key-0123456789abcdef012345",
            ),
            ("REDIS_URL", "rediss://cache.internal:6380"),
        ]))
        .unwrap();
        assert!(config.encryption_key_previous.is_some());
    }

    /// No variable the README documents may be accepted and then ignored: each one is
    /// read here (or, for `LEPTOS_*`, by leptos_config).
    #[test]
    fn every_variable_the_readme_lists_is_read() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
            .expect("README.md");
        let sources = [include_str!("mod.rs"), include_str!("market.rs")].concat();
        let listed: Vec<&str> = readme
            .lines()
            .filter_map(|line| line.strip_prefix("| `"))
            .filter_map(|rest| rest.split_once('`').map(|(name, _)| name))
            .filter(|name| name.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
            .collect();
        assert!(
            listed.len() > 30,
            "the README's table was not found: {listed:?}"
        );
        for name in listed {
            assert!(
                sources.contains(&format!("\"{name}\"")),
                "README lists {name}, which the configuration never reads"
            );
        }
    }

    #[test]
    fn debug_output_never_shows_secrets() {
        let config = parse(&production_with(&[
            (
                "DATABASE_URL",
                "postgres://app:db-password-123@db.internal/app",
            ),
            (
                "REDIS_URL",
                "redis://:redis-password-456@cache.internal:6379",
            ),
            ("ALPHA_VANTAGE_API_KEY", "av_secret_key_789"),
        ]))
        .unwrap();
        let debug = format!("{config:?}");
        for secret in [
            STRONG,
            "db-password-123",
            "redis-password-456",
            "av_secret_key_789",
        ] {
            assert!(!debug.contains(secret), "{secret} leaked: {debug}");
        }
        assert!(debug.contains("postgres://app:***@db.internal/app"));
    }
}

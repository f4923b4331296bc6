//! Typed configuration, parsed once at start-up from the environment (and `.env`).
//! Every variable is documented in `.env.example` and the README.

pub mod market;
mod reader;
mod redacted;

pub use redacted::redact_url;

use market::MarketConfig;

use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::db::Backend;
use super::dev_secrets;
use reader::{is_placeholder, Reader, Source};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/investment.db";
const DEFAULT_DATA_DIR: &str = "data";
const DEFAULT_ALLOWED_HOSTS: &str = "localhost,127.0.0.1";
const MIN_SECRET_LEN: usize = 32;
const DEFAULT_AUTH_RATE_LIMIT: u64 = 60;
const DEFAULT_SESSION_RATE_LIMIT: u64 = 600;
/// Secrets every environment needs; development generates them when missing.
const REQUIRED_SECRETS: [&str; 3] = ["SECRET_KEY", "JWT_SECRET_KEY", "ENCRYPTION_KEY"];

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

    /// Parses from any variable source; empty values count as unset. Every problem is
    /// collected before answering, so one run names them all.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mut r = Reader {
            source: Source(&lookup),
            strict: false,
            problems: Vec::new(),
        };
        let mut warnings = Vec::new();

        let environment = match r.get("ENVIRONMENT") {
            None => Environment::Development,
            Some(value) => Environment::parse(&value).unwrap_or_else(|| {
                r.problem(format!(
                    "ENVIRONMENT must be development, staging or production (got {value:?})"
                ));
                Environment::Development
            }),
        };
        r.strict = environment.is_strict();
        let data_dir = PathBuf::from(r.or("DATA_DIR", DEFAULT_DATA_DIR));
        let sonar_root = PathBuf::from(r.or("SONAR_ROOT", "."));

        let database_url = r.or("DATABASE_URL", DEFAULT_DATABASE_URL);
        if Backend::from_url(&database_url).is_none() {
            r.problem("DATABASE_URL must start with sqlite: or postgres:// (or postgresql://)");
        }

        let [secret_key, jwt_secret_key, encryption_key] = required_secrets(
            environment,
            &r.source,
            &data_dir,
            &mut r.problems,
            &mut warnings,
        );
        let alpha_vantage_api_key = r.optional_secret("ALPHA_VANTAGE_API_KEY");
        let encryption_key_previous = previous_encryption_key(&mut r, &encryption_key);
        let (redis_url, redis_ca_cert) = redis(&mut r);
        let (cors_allow_origins, allowed_hosts) = origins_and_hosts(&mut r);
        let (log_level, log_format) = logging(&mut r);

        let enable_metrics = r.flag("ENABLE_METRICS");
        let metrics_token = r.optional_secret("METRICS_TOKEN");
        if enable_metrics && r.strict && metrics_token.is_none() {
            r.problem(
                "METRICS_TOKEN is required in staging and production when ENABLE_METRICS=true (the bearer token /metrics asks for)",
            );
        }

        let redis_key_prefix = r.or("REDIS_KEY_PREFIX", "investment_system");
        let auth_rate_limit_per_minute =
            r.positive("AUTH_RATE_LIMIT_PER_MINUTE", DEFAULT_AUTH_RATE_LIMIT);
        let session_rate_limit_per_minute =
            r.positive("SESSION_RATE_LIMIT_PER_MINUTE", DEFAULT_SESSION_RATE_LIMIT);
        let slow_request = Duration::from_millis(r.positive("SLOW_REQUEST_MS", 500));
        let request_timeout = Duration::from_millis(r.positive("REQUEST_TIMEOUT_MS", 30_000));
        let shutdown_grace = Duration::from_secs(r.positive("SHUTDOWN_GRACE_SECS", 30));
        let trusted_proxies = r.addresses("TRUSTED_PROXIES");
        let admin_emails = r.each("ADMIN_EMAILS", "", |entry| {
            crate::domain::email::Email::parse(entry)
                .map(|email| email.as_str().to_string())
                .map_err(|reason| {
                    format!(
                        "ADMIN_EMAILS must list email addresses, comma-separated ({entry:?}: {reason})"
                    )
                })
        });

        let Reader {
            source,
            strict,
            problems,
        } = &mut r;
        let market = market::parse(
            &|name| source.get(name),
            alpha_vantage_api_key.is_some(),
            *strict,
            problems,
        );

        if !r.problems.is_empty() {
            return Err(ConfigError {
                problems: r.problems,
            });
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

/// `ENCRYPTION_KEY_PREVIOUS`: only while rotating, and never the current key.
fn previous_encryption_key(r: &mut Reader, current: &SecretString) -> Option<SecretString> {
    let previous = r.optional_secret("ENCRYPTION_KEY_PREVIOUS")?;
    if previous.expose_secret() == current.expose_secret() {
        r.problem(
            "ENCRYPTION_KEY_PREVIOUS equals ENCRYPTION_KEY (set it to the old key only while rotating)",
        );
    } else if r.strict && previous.expose_secret().chars().count() < MIN_SECRET_LEN {
        r.problem(format!(
            "ENCRYPTION_KEY_PREVIOUS is shorter than {MIN_SECRET_LEN} characters"
        ));
    }
    Some(previous)
}

/// `REDIS_URL` (redis:// or rediss://) and, for rediss://, `REDIS_CA_CERT`.
fn redis(r: &mut Reader) -> (Option<String>, Option<PathBuf>) {
    let redis_url = r.get("REDIS_URL");
    if let Some(url) = &redis_url {
        if redis::Client::open(url.as_str()).is_err() {
            r.problem("REDIS_URL is not a valid redis:// or rediss:// URL");
        }
    }
    let redis_ca_cert = r.get("REDIS_CA_CERT").map(PathBuf::from);
    if let Some(path) = &redis_ca_cert {
        if redis_url
            .as_deref()
            .is_none_or(|url| !url.starts_with("rediss://"))
        {
            r.problem("REDIS_CA_CERT is set but REDIS_URL is not a rediss:// URL");
        } else if let Err(e) = std::fs::metadata(path) {
            r.problem(format!("REDIS_CA_CERT {}: {e}", path.display()));
        }
    }
    (redis_url, redis_ca_cert)
}

/// `CORS_ALLOW_ORIGINS` (normalised origins) and `ALLOWED_HOSTS`.
fn origins_and_hosts(r: &mut Reader) -> (Vec<String>, Vec<String>) {
    let origins = r.each("CORS_ALLOW_ORIGINS", "", |origin| {
        parse_origin(origin).ok_or_else(|| {
            format!("CORS_ALLOW_ORIGINS: {origin:?} is not an origin like https://app.example.com")
        })
    });
    let hosts = r.each("ALLOWED_HOSTS", DEFAULT_ALLOWED_HOSTS, |host| {
        if host.contains(['/', ' ', '@']) {
            Err(format!(
                "ALLOWED_HOSTS: {host:?} is not a host name (use e.g. app.example.com)"
            ))
        } else {
            Ok(host.to_string())
        }
    });
    (origins, hosts)
}

/// `LOG_LEVEL` (a level or filter) and `LOG_FORMAT` (JSON outside development).
fn logging(r: &mut Reader) -> (String, LogFormat) {
    let log_level = r.or("LOG_LEVEL", "info");
    if tracing_subscriber::EnvFilter::try_new(&log_level).is_err() {
        r.problem(format!(
            "LOG_LEVEL {log_level:?} is not a level (error, warn, info, debug, trace) or filter directive"
        ));
    }
    let log_format = match r.get("LOG_FORMAT").as_deref() {
        None if r.strict => LogFormat::Json,
        None => LogFormat::Pretty,
        Some("json") => LogFormat::Json,
        Some("pretty") => LogFormat::Pretty,
        Some(other) => {
            r.problem(format!("LOG_FORMAT must be json or pretty (got {other:?})"));
            LogFormat::Pretty
        }
    };
    (log_level, log_format)
}

/// Production and staging demand strong, real secrets; development fills gaps from
/// `data/dev-secrets.env` (generated once) and only warns about weak values.
fn required_secrets(
    environment: Environment,
    source: &Source,
    data_dir: &std::path::Path,
    problems: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> [SecretString; 3] {
    let missing: Vec<&str> = REQUIRED_SECRETS
        .into_iter()
        .filter(|name| source.get(name).is_none())
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
        let value = match source.get(name) {
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

#[cfg(test)]
mod tests;

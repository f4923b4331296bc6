//! The configuration reader: defaults, strictness outside development, every problem named.

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

//! compose.yaml: its shape (health-checked PostgreSQL and Redis the app waits for,
//! named volumes, `.env`), and the environment it gives the app: an operator who
//! copies .env.example and fills in what it asks for gets a production server that
//! starts, with every required variable wired.

use std::collections::HashMap;

use investment_system::server::config::{Config, Environment};
use yaml_rust2::{Yaml, YamlLoader};

fn compose() -> Yaml {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/compose.yaml"))
        .expect("compose.yaml");
    YamlLoader::load_from_str(&text)
        .expect("compose.yaml is YAML")
        .remove(0)
}

/// `NAME=value` lines of a dotenv file (comments and blanks skipped).
fn dotenv(text: &str) -> HashMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// Compose's interpolation: `${NAME}`, `${NAME:-default}`, `${NAME:?error}`.
fn interpolate(value: &str, env: &HashMap<String, String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').ok_or("unclosed ${")? + start;
        let expression = &rest[start + 2..end];
        let set = |name: &str| env.get(name).filter(|v| !v.is_empty()).cloned();
        let replaced = if let Some((name, default)) = expression.split_once(":-") {
            set(name).unwrap_or_else(|| default.to_string())
        } else if let Some((name, error)) = expression.split_once(":?") {
            set(name).ok_or_else(|| format!("{name}: {error}"))?
        } else {
            set(expression).unwrap_or_default()
        };
        out.push_str(&replaced);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The app container's environment: the image's ENV, then `env_file`, then
/// `environment:` (interpolated from the same .env), as compose layers them.
fn app_environment(dot_env: &HashMap<String, String>) -> Result<HashMap<String, String>, String> {
    let compose = compose();
    let app = &compose["services"]["app"];
    let mut env: HashMap<String, String> = [
        ("ENVIRONMENT", "production"),
        ("DATA_DIR", "/data"),
        ("DATABASE_URL", "sqlite:///data/investment.db"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(app["env_file"].as_str(), Some(".env"));
    env.extend(dot_env.clone());
    for (name, value) in app["environment"].as_hash().expect("app.environment") {
        let value = interpolate(value.as_str().expect("string values"), dot_env)?;
        env.insert(name.as_str().unwrap().to_string(), value);
    }
    Ok(env)
}

/// .env.example with what it asks an operator to fill in.
fn filled_env_example(extra: &[(&str, &str)]) -> HashMap<String, String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.env.example"))
        .expect(".env.example");
    let mut env = dotenv(&text);
    let strong = |tag: &str| format!("{tag}-k9Qm2Zr7Lx4Vb8Nw1Tp6Hs3Jd5Fg0Ya2");
    for name in ["SECRET_KEY", "JWT_SECRET_KEY", "ENCRYPTION_KEY"] {
        env.insert(name.into(), strong(name));
    }
    env.insert("POSTGRES_PASSWORD".into(), strong("pg"));
    for (name, value) in extra {
        env.insert(name.to_string(), value.to_string());
    }
    env
}

#[test]
fn services_wait_for_healthy_databases_on_named_volumes() {
    let compose = compose();
    let services = &compose["services"];
    let app = &services["app"];
    assert!(app["image"]
        .as_str()
        .unwrap()
        .contains("investment-system:latest"));
    assert_eq!(app["ports"][0].as_str(), Some("${PORT:-3000}:3000"));
    for dependency in ["postgres", "redis"] {
        assert_eq!(
            app["depends_on"][dependency]["condition"].as_str(),
            Some("service_healthy"),
            "{dependency}"
        );
        let service = &services[dependency];
        assert!(
            !service["healthcheck"]["test"].is_badvalue(),
            "{dependency} health check"
        );
        assert!(service["image"].as_str().unwrap().starts_with(dependency));
    }
    assert_eq!(services["postgres"]["image"].as_str(), Some("postgres:16"));
    assert_eq!(services["redis"]["image"].as_str(), Some("redis:7"));
    let declared = compose["volumes"].as_hash().expect("top-level volumes");
    for service in ["app", "postgres", "redis"] {
        for mount in services[service]["volumes"].as_vec().unwrap() {
            let volume = mount.as_str().unwrap().split(':').next().unwrap();
            assert!(
                declared.contains_key(&Yaml::String(volume.to_string())),
                "{service} mounts {volume}, which is not a named volume"
            );
        }
    }
    assert_eq!(app["volumes"][0].as_str(), Some("app-data:/data"));
}

#[test]
fn the_filled_in_env_example_starts_production_on_postgres_and_redis() {
    let dot_env = filled_env_example(&[("ALPHA_VANTAGE_API_KEY", "AV-0123456789")]);
    let env = app_environment(&dot_env).unwrap();
    let config = Config::from_lookup(|name| env.get(name).cloned())
        .unwrap_or_else(|e| panic!("production refuses compose's environment: {e}"));
    assert_eq!(config.environment, Environment::Production);
    assert!(config.database_url.starts_with("postgres://investment:pg-"));
    assert!(config.database_url.ends_with("@postgres:5432/investment"));
    assert!(config.redis_url.is_some());
    assert_eq!(config.data_dir, std::path::PathBuf::from("/data"));
    assert_eq!(
        config.market.provider,
        investment_system::server::config::market::ProviderChoice::AlphaVantage,
        "a key without a provider means Alpha Vantage"
    );
}

#[test]
fn what_the_operator_must_fill_in_is_asked_for() {
    // No POSTGRES_PASSWORD: compose itself stops with the message.
    let mut dot_env = filled_env_example(&[("MARKET_DATA_PROVIDER", "demo")]);
    dot_env.remove("POSTGRES_PASSWORD");
    let error = app_environment(&dot_env).unwrap_err();
    assert!(error.starts_with("POSTGRES_PASSWORD"), "{error}");

    // Secrets left as in .env.example, and no market-data choice: production names each.
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.env.example")).unwrap();
    let mut dot_env = dotenv(&text);
    dot_env.insert("POSTGRES_PASSWORD".into(), "pg-0123456789abcdef".into());
    let env = app_environment(&dot_env).unwrap();
    let problems = Config::from_lookup(|name| env.get(name).cloned())
        .expect_err("example secrets are refused")
        .problems;
    for name in [
        "SECRET_KEY",
        "JWT_SECRET_KEY",
        "ENCRYPTION_KEY",
        "MARKET_DATA_PROVIDER",
    ] {
        assert!(
            problems.iter().any(|p| p.starts_with(name)),
            "{name} not named: {problems:?}"
        );
    }
}

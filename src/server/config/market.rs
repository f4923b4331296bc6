//! Market-data settings: which provider serves bars, how it is reached, and how
//! long fetched bars count as fresh.

use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderChoice {
    Demo,
    AlphaVantage,
}

#[derive(Clone, Debug)]
pub struct MarketConfig {
    /// `MARKET_DATA_PROVIDER`: `demo` or `alphavantage`; unset means Alpha Vantage when
    /// its key is set, else (development only) demo.
    pub provider: ProviderChoice,
    /// `ALPHA_VANTAGE_BASE_URL`, so tests can point it at a fake server.
    pub alpha_vantage_base_url: String,
    /// `ALPHA_VANTAGE_TIMEOUT_SECS`, per attempt (default 25).
    pub alpha_vantage_timeout: Duration,
    /// `MARKET_DATA_TTL_SECS`: fetched bars younger than this are not fetched again (default 600).
    pub ttl_secs: i64,
    /// `LIVE_TICK_MS`: how often the demo market's live prices move (default 1000).
    pub live_tick: Duration,
    /// `LIVE_HEARTBEAT_SECS`: heartbeat interval on `/ws` (default 15); a client
    /// silent for two intervals is disconnected.
    pub live_heartbeat: Duration,
    /// `LIVE_CONNECTIONS_PER_ADDRESS`: open `/ws` connections one client address
    /// (IPv6: one /64) may hold, whoever signed in (default 50).
    pub live_connections_per_address: usize,
    /// `LIVE_FRAMES_PER_SECOND`: client frames one connection may send a second
    /// (default 10); more are refused, and a client sending three times that is closed.
    pub live_frames_per_second: u32,
    /// `SERIES_CACHE_MB`: memory kept for stored series (default 128); a portfolio
    /// or screen over thousands of symbols reads every one of them, so size it to
    /// the universe (about 120 MB per 1 000 symbols of ten years' daily bars).
    pub series_cache_bytes: usize,
}

const DEFAULT_BASE_URL: &str = "https://www.alphavantage.co";

pub fn parse(
    get: &impl Fn(&str) -> Option<String>,
    has_alpha_vantage_key: bool,
    strict: bool,
    problems: &mut Vec<String>,
) -> MarketConfig {
    let provider = match get("MARKET_DATA_PROVIDER").as_deref() {
        // A key without a choice means the key is meant to be used.
        None if has_alpha_vantage_key => ProviderChoice::AlphaVantage,
        // Synthetic prices in production must be a decision, never an accident.
        None if strict => {
            problems.push(
                "MARKET_DATA_PROVIDER is required in staging and production without ALPHA_VANTAGE_API_KEY: \
                 alphavantage (with the key) or demo (synthetic prices, labelled on every page)"
                    .into(),
            );
            ProviderChoice::Demo
        }
        None | Some("demo") => ProviderChoice::Demo,
        Some("alphavantage") => {
            if !has_alpha_vantage_key {
                problems
                    .push("MARKET_DATA_PROVIDER=alphavantage needs ALPHA_VANTAGE_API_KEY".into());
            }
            ProviderChoice::AlphaVantage
        }
        Some(other) => {
            problems.push(format!(
                "MARKET_DATA_PROVIDER must be demo or alphavantage (got {other:?})"
            ));
            ProviderChoice::Demo
        }
    };
    let base_url = get("ALPHA_VANTAGE_BASE_URL").unwrap_or_else(|| DEFAULT_BASE_URL.into());
    if url::Url::parse(&base_url).map_or(true, |u| !matches!(u.scheme(), "http" | "https")) {
        problems.push(format!(
            "ALPHA_VANTAGE_BASE_URL must be an http(s) URL (got {base_url:?})"
        ));
    }
    let mut number = |name: &str, default: u64, min: u64| match get(name) {
        None => default,
        Some(value) => match value.parse::<u64>() {
            Ok(n) if n >= min => n,
            _ => {
                problems.push(format!(
                    "{name} must be a whole number of at least {min} (got {value:?})"
                ));
                default
            }
        },
    };
    let timeout = number("ALPHA_VANTAGE_TIMEOUT_SECS", 25, 1);
    let ttl = number("MARKET_DATA_TTL_SECS", 600, 0);
    let live_tick = number("LIVE_TICK_MS", 1_000, 50);
    let live_heartbeat = number("LIVE_HEARTBEAT_SECS", 15, 1);
    let live_connections_per_address = number("LIVE_CONNECTIONS_PER_ADDRESS", 50, 1);
    let live_frames_per_second = number("LIVE_FRAMES_PER_SECOND", 10, 1);
    let series_cache_mb = number("SERIES_CACHE_MB", 128, 1);
    MarketConfig {
        provider,
        alpha_vantage_base_url: base_url.trim_end_matches('/').to_string(),
        alpha_vantage_timeout: Duration::from_secs(timeout),
        ttl_secs: ttl as i64,
        live_tick: Duration::from_millis(live_tick),
        live_heartbeat: Duration::from_secs(live_heartbeat),
        live_connections_per_address: live_connections_per_address as usize,
        live_frames_per_second: live_frames_per_second.min(u64::from(u32::MAX)) as u32,
        series_cache_bytes: usize::try_from(series_cache_mb.saturating_mul(1 << 20))
            .unwrap_or(usize::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(vars: &[(&str, &str)], key: bool) -> (MarketConfig, Vec<String>) {
        parsed_in(vars, key, false)
    }

    fn parsed_in(vars: &[(&str, &str)], key: bool, strict: bool) -> (MarketConfig, Vec<String>) {
        let get = |name: &str| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        };
        let mut problems = Vec::new();
        (parse(&get, key, strict, &mut problems), problems)
    }

    #[test]
    fn production_asks_for_the_demo_market_explicitly() {
        let (_, problems) = parsed_in(&[], false, true);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("MARKET_DATA_PROVIDER is required"));
        let (config, problems) = parsed_in(&[("MARKET_DATA_PROVIDER", "demo")], false, true);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(config.provider, ProviderChoice::Demo);
        let (config, problems) = parsed_in(&[], true, true);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(config.provider, ProviderChoice::AlphaVantage);
    }

    #[test]
    fn the_series_cache_is_sized_in_megabytes() {
        assert_eq!(parsed(&[], false).0.series_cache_bytes, 128 << 20);
        let (config, problems) = parsed(&[("SERIES_CACHE_MB", "2048")], false);
        assert!(problems.is_empty());
        assert_eq!(config.series_cache_bytes, 2048 << 20);
        let (_, problems) = parsed(&[("SERIES_CACHE_MB", "0")], false);
        assert!(problems[0].starts_with("SERIES_CACHE_MB"), "{problems:?}");
    }

    #[test]
    fn defaults_to_the_demo_market() {
        let (config, problems) = parsed(&[], false);
        assert!(problems.is_empty());
        assert_eq!(config.provider, ProviderChoice::Demo);
        assert_eq!(config.ttl_secs, 600);
        assert_eq!(config.alpha_vantage_timeout, Duration::from_secs(25));
        assert_eq!(config.live_tick, Duration::from_secs(1));
        assert_eq!(config.live_heartbeat, Duration::from_secs(15));
    }

    #[test]
    fn a_key_without_a_choice_selects_alpha_vantage() {
        let (config, problems) = parsed(&[], true);
        assert!(problems.is_empty());
        assert_eq!(config.provider, ProviderChoice::AlphaVantage);
        let (config, _) = parsed(&[("MARKET_DATA_PROVIDER", "demo")], true);
        assert_eq!(
            config.provider,
            ProviderChoice::Demo,
            "an explicit demo wins"
        );
    }

    #[test]
    fn alpha_vantage_needs_its_key_and_sane_settings() {
        let (_, problems) = parsed(&[("MARKET_DATA_PROVIDER", "alphavantage")], false);
        assert!(problems[0].contains("ALPHA_VANTAGE_API_KEY"));
        let (config, problems) = parsed(
            &[
                ("MARKET_DATA_PROVIDER", "alphavantage"),
                ("ALPHA_VANTAGE_BASE_URL", "http://127.0.0.1:9/"),
                ("MARKET_DATA_TTL_SECS", "0"),
            ],
            true,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(config.alpha_vantage_base_url, "http://127.0.0.1:9");
        assert_eq!(config.ttl_secs, 0);
        let (_, problems) = parsed(
            &[
                ("MARKET_DATA_PROVIDER", "yahoo"),
                ("ALPHA_VANTAGE_BASE_URL", "ftp://x"),
                ("ALPHA_VANTAGE_TIMEOUT_SECS", "0"),
                ("LIVE_TICK_MS", "10"),
            ],
            false,
        );
        assert_eq!(problems.len(), 4, "{problems:?}");
    }
}

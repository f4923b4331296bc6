//! Every Prometheus series the server reports, named in one place. Labels are
//! bounded sets: route templates, error codes, model and tier names, never input.

use crate::server::db::Database;

pub fn signal_generated(model: &str, signal: &str) {
    metrics::counter!(
        "signals_generated_total",
        "model" => model.to_string(),
        "signal" => signal.to_string()
    )
    .increment(1);
}

/// Every series the README lists whose labels are known before anything happens,
/// published at zero, so dashboards and alert rules work from the first scrape.
/// `auth_events` names the audit events (the accounts layer owns that list).
pub fn publish_zeros(auth_events: &[&'static str]) {
    use crate::domain::tier::Tier;
    use crate::error_catalog::ErrorCode;
    use crate::signals::Model;

    for model in Model::ALL {
        for signal in ["BUY", "SELL", "HOLD"] {
            metrics::counter!("signals_generated_total", "model" => model.as_str(), "signal" => signal)
                .increment(0);
        }
    }
    for code in [
        ErrorCode::QuotaExceeded,
        ErrorCode::TooManySymbols,
        ErrorCode::InsufficientData,
        ErrorCode::SymbolNotFound,
        ErrorCode::DataProviderError,
    ] {
        let reason = code.as_str().to_ascii_lowercase();
        metrics::counter!("signal_generation_failures_total", "reason" => reason).increment(0);
    }
    for code in ErrorCode::ALL {
        metrics::counter!("api_errors_total", "code" => code.as_str()).increment(0);
    }
    for provider in ["demo", "alphavantage"] {
        for outcome in ["ok", "unknown_symbol", "error"] {
            metrics::counter!("market_data_requests_total", "provider" => provider, "outcome" => outcome)
                .increment(0);
        }
    }
    for (cache, tier) in [
        ("market_data", "memory"),
        ("signals", "memory"),
        ("signals", "redis"),
    ] {
        for result in ["hit", "miss"] {
            metrics::counter!("cache_requests_total", "cache" => cache, "tier" => tier, "result" => result)
                .increment(0);
        }
    }
    let budgets = ["anonymous", "session"];
    for tier in budgets.into_iter().chain(Tier::ALL.map(Tier::as_str)) {
        metrics::counter!("rate_limited_total", "tier" => tier).increment(0);
    }
    let extra_events = ["token_rejected", "api_key_rejected"];
    for event in auth_events.iter().copied().chain(extra_events) {
        metrics::counter!("auth_events_total", "event" => event).increment(0);
    }
    for backend in ["redis", "memory"] {
        metrics::gauge!("rate_limiter_backend", "backend" => backend).increment(0.0);
    }
    metrics::gauge!("websocket_connections").increment(0.0);
}

/// `reason` is the error code that refused the run, lower case.
pub fn signal_generation_failed(reason: &str) {
    metrics::counter!("signal_generation_failures_total", "reason" => reason.to_string())
        .increment(1);
}

/// One question to a market-data provider: `outcome` is ok, unknown_symbol or error.
pub fn market_data_request(provider: &'static str, outcome: &'static str) {
    metrics::counter!(
        "market_data_requests_total",
        "provider" => provider,
        "outcome" => outcome
    )
    .increment(1);
}

/// One lookup in a cache: `cache` is market_data or signals, `tier` memory or redis.
pub fn cache_request(cache: &'static str, tier: &'static str, hit: bool) {
    metrics::counter!(
        "cache_requests_total",
        "cache" => cache,
        "tier" => tier,
        "result" => if hit { "hit" } else { "miss" }
    )
    .increment(1);
}

/// A request refused by the rate limiter; `tier` is the caller's tier, or
/// `session`/`anonymous` for the dashboard's and the per-IP budgets.
pub fn rate_limited(tier: &str) {
    metrics::counter!("rate_limited_total", "tier" => tier.to_string()).increment(1);
}

/// Which store counted the last request: 1 for it, 0 for the other.
pub fn rate_limiter_backend(redis: bool) {
    metrics::gauge!("rate_limiter_backend", "backend" => "redis").set(f64::from(u8::from(redis)));
    metrics::gauge!("rate_limiter_backend", "backend" => "memory").set(f64::from(u8::from(!redis)));
}

/// Logins, logouts, refreshes, rejected credentials and the other audit events.
pub fn auth_event(event: &str) {
    metrics::counter!("auth_events_total", "event" => event.to_string()).increment(1);
}

/// The pool's connections by state, sampled when metrics are read.
pub fn db_pool(db: &Database) {
    let pool = db.pool_usage();
    metrics::gauge!("db_pool_connections", "state" => "idle").set(pool.idle as f64);
    metrics::gauge!("db_pool_connections", "state" => "in_use").set(pool.in_use as f64);
    metrics::gauge!("db_pool_connections", "state" => "max").set(pool.max as f64);
}

//! Structured logs with tracing: one JSON object per line (`LOG_FORMAT=json`) or
//! human-readable lines (`pretty`), filtered by `LOG_LEVEL`.

use tracing_subscriber::EnvFilter;

use super::config::LogFormat;

/// Installs the global subscriber. Safe to call twice (the second call is ignored).
pub fn init(level: &str, format: LogFormat) {
    let filter = EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(true);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

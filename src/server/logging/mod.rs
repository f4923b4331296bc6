//! Structured logs with tracing: one JSON object per line (`LOG_FORMAT=json`) or
//! human-readable lines (`pretty`), filtered by `LOG_LEVEL`. Every line passes
//! through [`redact`] before it is written.

pub mod json_line;
pub mod redact;

use std::io::{self, Write};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

use self::json_line::{JsonLine, SpanFieldsLayer};
use super::config::LogFormat;

/// Installs the global subscriber. Safe to call twice (the second call is ignored).
pub fn init(level: &str, format: LogFormat) {
    let filter = EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = match format {
        LogFormat::Json => registry
            .with(SpanFieldsLayer)
            .with(
                tracing_subscriber::fmt::layer()
                    .event_format(JsonLine)
                    .with_writer(Redacting(io::stdout)),
            )
            .try_init(),
        LogFormat::Pretty => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_target(true)
                    .with_writer(Redacting(io::stdout)),
            )
            .try_init(),
    };
}

/// Wraps a writer factory so each formatted event is redacted as a whole.
pub struct Redacting<M>(pub M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacting<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter {
            inner: self.0.make_writer(),
            event: Vec::new(),
        }
    }
}

/// Collects one event's text; redacts and writes it when the event is done (dropped).
pub struct RedactingWriter<W: Write> {
    inner: W,
    event: Vec<u8>,
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.event.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<W: Write> Drop for RedactingWriter<W> {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.event);
        let _ = self.inner.write_all(redact::redact(&text).as_bytes());
        let _ = self.inner.flush();
    }
}

/// A log sink for tests: everything written, kept in memory.
#[cfg(test)]
#[derive(Clone, Default)]
pub(crate) struct Captured(pub std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

#[cfg(test)]
impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[cfg(test)]
impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_named_like_secrets_never_reach_the_log() {
        let captured = Captured::default();
        let sink = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_writer(Redacting(move || sink.clone()))
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(
                password = "hunter2-Secret!",
                api_key = "ik_1:sk_abcdef",
                authorization = "Bearer eyJhbGciOi.payload.sig",
                user_id = "u-1",
                "callback /auth?refresh_token=rt-999 done"
            );
        });
        let log = captured.text();
        for secret in ["hunter2", "sk_abcdef", "eyJhbGciOi", "rt-999"] {
            assert!(!log.contains(secret), "{secret} leaked: {log}");
        }
        assert!(log.contains(r#""user_id":"u-1""#), "{log}");
        assert!(log.contains(r#""password":"[REDACTED]""#), "{log}");
        let parsed: serde_json::Value = serde_json::from_str(log.trim()).expect("still JSON");
        assert_eq!(parsed["fields"]["api_key"], "[REDACTED]");
    }
}

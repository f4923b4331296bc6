//! `LOG_FORMAT=json`: one flat JSON object per line. Each line carries timestamp,
//! level, target and message, the fields of the event itself (`status`,
//! `latency_ms`, …), the fields of the spans it happened in (`correlation_id`,
//! `route`, …) and the request's caller (`user_id`), so a single line can be
//! searched without its context.

use std::fmt;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

use crate::server::clock::now_rfc3339;
use crate::server::correlation;

/// A span's fields as recorded so far (fields declared `Empty` appear once recorded).
struct SpanFields(Map<String, Value>);

/// Keeps every span's fields, for [`JsonLine`] to copy into the span's events.
pub struct SpanFieldsLayer;

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for SpanFieldsLayer {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut fields = Map::new();
        attrs.record(&mut JsonVisitor(&mut fields));
        span.extensions_mut().insert(SpanFields(fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut extensions = span.extensions_mut();
        if let Some(fields) = extensions.get_mut::<SpanFields>() {
            values.record(&mut JsonVisitor(&mut fields.0));
        }
    }
}

/// Formats an event as one flat JSON object.
pub struct JsonLine;

impl<S, N> FormatEvent<S, N> for JsonLine
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let metadata = event.metadata();
        let mut line = Map::new();
        line.insert("timestamp".into(), now_rfc3339().into());
        line.insert("level".into(), metadata.level().as_str().into());
        line.insert("target".into(), metadata.target().into());
        if let Some(scope) = ctx.event_scope() {
            for span in scope.from_root() {
                if let Some(fields) = span.extensions().get::<SpanFields>() {
                    line.extend(fields.0.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
        }
        event.record(&mut JsonVisitor(&mut line));
        // Lines logged inside a request but outside its span (other layers' own spans,
        // spawned work) still name the request and its caller.
        if !line.contains_key("correlation_id") {
            if let Some(id) = correlation::current() {
                line.insert("correlation_id".into(), id.into());
            }
        }
        if let Some(user_id) = correlation::current_user() {
            line.entry("user_id").or_insert(user_id.into());
        }
        writeln!(writer, "{}", Value::Object(line))
    }
}

struct JsonVisitor<'a>(&'a mut Map<String, Value>);

impl JsonVisitor<'_> {
    fn put(&mut self, field: &Field, value: Value) {
        self.0.insert(field.name().to_string(), value);
    }
}

impl Visit for JsonVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, value.into());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, value.into());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, value.into());
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, value.into());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.put(field, format!("{value:?}").into());
    }
}

#[cfg(test)]
mod tests {
    use tracing_subscriber::layer::SubscriberExt;

    use super::*;
    use crate::server::logging::{Captured, Redacting};

    #[test]
    fn a_line_carries_its_spans_fields_flat_and_redacted() {
        let captured = Captured::default();
        let sink = captured.clone();
        let subscriber = tracing_subscriber::registry().with(SpanFieldsLayer).with(
            tracing_subscriber::fmt::layer()
                .event_format(JsonLine)
                .with_writer(Redacting(move || sink.clone())),
        );
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!(
                "request",
                correlation_id = "c-42",
                route = "/api/v1/run",
                user_id = tracing::field::Empty
            );
            let _entered = span.enter();
            tracing::Span::current().record("user_id", "u-7");
            tracing::warn!(
                status = 200u16,
                latency_ms = 612.5,
                token = "tk-secret",
                "slow request"
            );
        });
        let log = captured.text();
        let line: Value = serde_json::from_str(log.trim()).expect("one JSON object");
        for (key, expected) in [
            ("level", Value::from("WARN")),
            ("message", "slow request".into()),
            ("correlation_id", "c-42".into()),
            ("user_id", "u-7".into()),
            ("route", "/api/v1/run".into()),
            ("status", 200.into()),
            ("latency_ms", 612.5.into()),
            ("token", "[REDACTED]".into()),
        ] {
            assert_eq!(line[key], expected, "{key} in {log}");
        }
        assert!(line["timestamp"].as_str().unwrap().ends_with('Z'));
        assert!(line["target"].as_str().unwrap().contains("json_line"));
    }
}

//! `AppError`: how server functions fail. The same code, message and details as the
//! REST API's error envelope, so the dashboard shows the catalog's codes too.
//! Without JavaScript, leptos carries it back to the form's page in the URL.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::wire::error::{ErrorBody, ErrorEnvelope};

/// On the wire it is the API's envelope, `{"error":{"code","message","details",
/// "correlation_id","timestamp"}}`, so server-function failures look like REST ones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(into = "ErrorEnvelope", from = "ErrorEnvelope")]
#[error("{code}: {message}")]
pub struct AppError {
    pub code: String,
    pub message: String,
    pub details: serde_json::Value,
    pub correlation_id: Option<String>,
    pub timestamp: Option<String>,
}

impl From<AppError> for ErrorEnvelope {
    fn from(e: AppError) -> ErrorEnvelope {
        ErrorEnvelope {
            error: ErrorBody {
                code: e.code,
                message: e.message,
                details: e.details,
                correlation_id: e.correlation_id,
                timestamp: e.timestamp.unwrap_or_default(),
            },
        }
    }
}

impl From<ErrorEnvelope> for AppError {
    fn from(ErrorEnvelope { error: e }: ErrorEnvelope) -> AppError {
        AppError {
            code: e.code,
            message: e.message,
            details: e.details,
            correlation_id: e.correlation_id,
            timestamp: Some(e.timestamp).filter(|t| !t.is_empty()),
        }
    }
}

impl AppError {
    /// The password rules a `WEAK_PASSWORD` error lists, as sentences.
    pub fn failed_rules(&self) -> Vec<String> {
        self.details["failed_rules"]
            .as_array()
            .map(|rules| {
                rules
                    .iter()
                    .filter_map(|rule| rule["message"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Per-field problems (`details.fields`), as (field, reason) pairs.
    pub fn field_errors(&self) -> Vec<(String, String)> {
        self.details["fields"]
            .as_object()
            .map(|fields| {
                fields
                    .iter()
                    .map(|(field, reason)| {
                        (
                            field.clone(),
                            reason.as_str().unwrap_or("is invalid").to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Keeps the submitted email in the error, so a form reloaded without
    /// JavaScript can fill it in again (never the password).
    pub fn remember_email(mut self, email: &str) -> AppError {
        if let Some(details) = self.details.as_object_mut() {
            details.insert(
                "email".into(),
                email.chars().take(254).collect::<String>().into(),
            );
        }
        self
    }

    /// A text detail such as `locked_until`, when present.
    pub fn detail(&self, key: &str) -> Option<String> {
        self.details[key].as_str().map(str::to_string)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let (code, message) = match &value {
            ServerFnErrorErr::Args(reason) | ServerFnErrorErr::MissingArg(reason) => (
                "VALIDATION_ERROR",
                format!("The form is incomplete: {reason}"),
            ),
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => (
                "SERVICE_UNAVAILABLE",
                "The server could not be reached. Check your connection and try again.".to_string(),
            ),
            _ => ("INTERNAL_ERROR", "An internal error occurred.".to_string()),
        };
        AppError {
            code: code.to_string(),
            message,
            details: serde_json::json!({}),
            correlation_id: None,
            timestamp: None,
        }
    }
}

impl From<ServerFnErrorErr> for AppError {
    fn from(value: ServerFnErrorErr) -> Self {
        AppError::from_server_fn_error(value)
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::api_error::ApiError> for AppError {
    /// Also sets the HTTP status for script callers; a plain form post keeps the
    /// redirect back to its page that carries the error.
    fn from(error: crate::server::api_error::ApiError) -> Self {
        let body = error.body();
        let envelope = &body["error"];
        if let (Some(response), Some(parts)) = (
            leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
            leptos::prelude::use_context::<http::request::Parts>(),
        ) {
            let plain_form = parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"));
            if !plain_form {
                response.set_status(error.status());
            }
        }
        AppError {
            code: error.code.as_str().to_string(),
            message: envelope["message"].as_str().unwrap_or_default().to_string(),
            details: envelope["details"].clone(),
            correlation_id: envelope["correlation_id"].as_str().map(str::to_string),
            timestamp: envelope["timestamp"].as_str().map(str::to_string),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn travels_as_the_api_error_envelope() {
        let error = AppError {
            code: "WEAK_PASSWORD".into(),
            message: "The password is too weak.".into(),
            details: serde_json::json!({ "failed_rules": [{ "rule": "digit", "message": "a digit" }] }),
            correlation_id: Some("c-1".into()),
            timestamp: Some("2026-11-25T00:00:00Z".into()),
        };
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["error"]["code"], "WEAK_PASSWORD");
        assert_eq!(json["error"]["correlation_id"], "c-1");
        assert_eq!(serde_json::from_value::<AppError>(json).unwrap(), error);
        assert_eq!(error.failed_rules(), vec!["a digit".to_string()]);
    }
}

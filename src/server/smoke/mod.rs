//! `investment-system smoke --base-url URL`: the post-deployment verification list,
//! run against any deployment over HTTP. Each check is independent where it can be;
//! the ones that need an account say so when signing in failed.

mod api_checks;
pub mod report;

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{json, Value};

use crate::server::signals::export::HEADER as CSV_HEADER;
use report::{CheckResult, Report, Status};

/// The original's latency promise: p95 of this many `/api/v1/run` calls.
const LATENCY_RUNS: usize = 20;
const RUN_SYMBOLS: [&str; 2] = ["AAPL", "MSFT"];
/// An origin no deployment allows.
const FOREIGN_ORIGIN: &str = "https://smoke-check.invalid";
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// The rate-limit window; the check waits for the next one when this one is spent.
const MINUTE: Duration = Duration::from_secs(60);

pub struct Options {
    pub base_url: String,
    /// An existing account; without it a throw-away one is registered.
    pub credentials: Option<(String, String)>,
    pub max_p95: Duration,
}

/// Runs every check; never fails itself (a failure is a check's outcome).
pub async fn run(options: &Options) -> Report {
    let base = options.base_url.trim_end_matches('/').to_string();
    let client = Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client with default TLS settings");
    let mut smoke = Smoke {
        client,
        base,
        token: None,
        me: None,
        last_headers: None,
        checks: Vec::new(),
    };
    smoke.health().await;
    smoke.account(options.credentials.as_ref()).await;
    smoke.rate_limit_headers().await;
    smoke.run_signals().await;
    smoke.export_csv().await;
    smoke.sonar().await;
    smoke.cors().await;
    smoke.invalid_token().await;
    smoke.malformed_json().await;
    smoke.latency(options.max_p95).await;
    Report::new(&smoke.base, smoke.checks)
}

struct Smoke {
    client: Client,
    base: String,
    token: Option<String>,
    /// `GET /api/v1/me` of the signed-in account.
    me: Option<Value>,
    /// The headers of the last counted API answer (for the rate-limit window).
    last_headers: Option<HeaderMap>,
    checks: Vec<CheckResult>,
}

type Outcome = Result<(Status, String), String>;

impl Smoke {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn record(&mut self, name: &'static str, started: Instant, outcome: Outcome) {
        let (status, detail) = outcome.unwrap_or_else(|detail| (Status::Fail, detail));
        self.checks.push(CheckResult {
            name,
            status,
            detail,
            elapsed_ms: started.elapsed().as_millis() as u64,
        });
    }

    fn needs_account(&mut self, name: &'static str) -> Option<String> {
        if self.token.is_none() {
            self.record(
                name,
                Instant::now(),
                Ok((
                    Status::Skip,
                    "needs a signed-in account (see the account check)".into(),
                )),
            );
        }
        self.token.clone()
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<String>,
    ) -> Result<Response, String> {
        let mut request = self.client.request(method.clone(), self.url(path));
        if let Some(token) = token {
            request = request.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(body) = body {
            request = request.header(CONTENT_TYPE, "application/json").body(body);
        }
        request
            .send()
            .await
            .map_err(|e| format!("{method} {path}: {}", describe_error(&e)))
    }

    async fn health(&mut self) {
        let started = Instant::now();
        let outcome: Outcome = async {
            let mut parts = Vec::new();
            for path in ["/health", "/healthz"] {
                let response = self.send(Method::GET, path, None, None).await?;
                let status = response.status();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                if status != StatusCode::OK {
                    return Err(format!("{path} answered {status}: {body}"));
                }
                parts.push(format!(
                    "{path} 200 ({})",
                    body["status"].as_str().unwrap_or("?")
                ));
            }
            Ok((Status::Pass, parts.join(", ")))
        }
        .await;
        self.record("health", started, outcome);
    }

    async fn account(&mut self, credentials: Option<&(String, String)>) {
        let started = Instant::now();
        let outcome: Outcome = async {
            let (email, password, registered) = match credentials {
                Some((email, password)) => (email.clone(), password.clone(), false),
                None => {
                    let (email, password) = throw_away_account();
                    let body = json!({ "email": email, "password": password }).to_string();
                    let response = self
                        .send(Method::POST, "/api/v1/auth/register", None, Some(body))
                        .await?;
                    expect_status(response, StatusCode::CREATED, "registration").await?;
                    (email, password, true)
                }
            };
            let body = json!({ "email": email, "password": password }).to_string();
            let response = self
                .send(Method::POST, "/api/v1/auth/login", None, Some(body))
                .await?;
            let tokens = expect_status(response, StatusCode::OK, "log-in").await?;
            let token = tokens["access_token"]
                .as_str()
                .ok_or("log-in answered without access_token")?
                .to_string();
            let response = self
                .send(Method::GET, "/api/v1/me", Some(&token), None)
                .await?;
            let headers = response.headers().clone();
            let me = expect_status(response, StatusCode::OK, "GET /api/v1/me").await?;
            self.token = Some(token);
            self.me = Some(me.clone());
            self.last_headers = Some(headers);
            let how = if registered {
                "registered and logged in"
            } else {
                "logged in"
            };
            Ok((
                Status::Pass,
                format!(
                    "{how} as {email} (tier {}, role {})",
                    me["tier"].as_str().unwrap_or("?"),
                    me["role"].as_str().unwrap_or("?")
                ),
            ))
        }
        .await;
        self.record("account", started, outcome);
    }
}

/// A fresh address and a password the registration rules accept.
fn throw_away_account() -> (String, String) {
    let id = crate::server::auth::tokens::random_hex(6);
    let email = format!("smoke-{id}@example.com");
    let password = format!(
        "Smoke-{}-Check-7!",
        crate::server::auth::tokens::random_hex(8)
    );
    (email, password)
}

/// The body of a response that must have `expected` status, else what it said.
async fn expect_status(
    response: Response,
    expected: StatusCode,
    what: &str,
) -> Result<Value, String> {
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if status != expected {
        return Err(format!(
            "{what} answered {status}: {}",
            error_summary(&text)
        ));
    }
    serde_json::from_str(&text).map_err(|e| format!("{what}: not JSON ({e})"))
}

/// `CODE: message` from an error envelope, else the start of the body.
fn error_summary(body: &str) -> String {
    match serde_json::from_str::<Value>(body) {
        Ok(value) if value["error"]["code"].is_string() => format!(
            "{}: {}",
            value["error"]["code"].as_str().unwrap_or_default(),
            value["error"]["message"].as_str().unwrap_or_default()
        ),
        _ => body.chars().take(200).collect(),
    }
}

fn describe_error(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

fn header_number(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.parse().ok()
}

/// The 95th percentile (nearest rank) of `samples`, which must not be empty.
fn p95(samples: &mut [Duration]) -> Duration {
    samples.sort();
    let rank = (samples.len() * 95).div_ceil(100);
    samples[rank.saturating_sub(1)]
}

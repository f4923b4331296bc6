//! The checks that call `/api/v1` (and `/sonar`) with the smoke account.

use std::time::{Duration, Instant};

use reqwest::header::{ACCESS_CONTROL_ALLOW_ORIGIN, CONTENT_TYPE, ORIGIN};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::report::Status;
use super::{
    error_summary, expect_status, header_number, p95, Outcome, Smoke, CSV_HEADER, FOREIGN_ORIGIN,
    LATENCY_RUNS, MINUTE, RUN_SYMBOLS,
};

fn run_body() -> String {
    json!({ "symbols": RUN_SYMBOLS }).to_string()
}

impl Smoke {
    /// `X-RateLimit-*` on the account's `/api/v1/me`, matching its tier's limit.
    pub(super) async fn rate_limit_headers(&mut self) {
        let started = Instant::now();
        if self.needs_account("rate_limit").is_none() {
            return;
        }
        let outcome: Outcome = (|| {
            let headers = self.last_headers.as_ref().ok_or("no API answer to read")?;
            let me = self.me.as_ref().ok_or("no account profile")?;
            let limit =
                header_number(headers, "x-ratelimit-limit").ok_or("X-RateLimit-Limit missing")?;
            let remaining = header_number(headers, "x-ratelimit-remaining")
                .ok_or("X-RateLimit-Remaining missing")?;
            header_number(headers, "x-ratelimit-reset").ok_or("X-RateLimit-Reset missing")?;
            let tier_limit = me["limits"]["requests_per_minute"]
                .as_u64()
                .ok_or("/api/v1/me has no limits.requests_per_minute")?;
            if limit != tier_limit {
                return Err(format!(
                    "X-RateLimit-Limit {limit} differs from the {} tier's {tier_limit} a minute",
                    me["tier"].as_str().unwrap_or("?")
                ));
            }
            Ok((
                Status::Pass,
                format!(
                    "limit {limit}/min matches the {} tier, {remaining} left",
                    me["tier"].as_str().unwrap_or("?")
                ),
            ))
        })();
        self.record("rate_limit", started, outcome);
    }

    pub(super) async fn run_signals(&mut self) {
        let started = Instant::now();
        let Some(token) = self.needs_account("run") else {
            return;
        };
        let outcome: Outcome = async {
            let response = self
                .send(Method::POST, "/api/v1/run", Some(&token), Some(run_body()))
                .await?;
            self.last_headers = Some(response.headers().clone());
            let body = expect_status(response, StatusCode::OK, "POST /api/v1/run").await?;
            let signals = body["signals"].as_array().cloned().unwrap_or_default();
            let symbols: Vec<&str> = signals
                .iter()
                .filter_map(|s| s["symbol"].as_str())
                .collect();
            if body["status"] != "success" || RUN_SYMBOLS.iter().any(|s| !symbols.contains(s)) {
                return Err(format!(
                    "expected a signal for each of {RUN_SYMBOLS:?}, got {body}"
                ));
            }
            let summary: Vec<String> = signals
                .iter()
                .map(|s| {
                    format!(
                        "{} {}",
                        s["symbol"].as_str().unwrap_or("?"),
                        s["signal"].as_str().unwrap_or("?")
                    )
                })
                .collect();
            Ok((Status::Pass, summary.join(", ")))
        }
        .await;
        self.record("run", started, outcome);
    }

    pub(super) async fn export_csv(&mut self) {
        let started = Instant::now();
        let Some(token) = self.needs_account("export_csv") else {
            return;
        };
        let outcome: Outcome = async {
            let response = self
                .send(Method::GET, "/api/v1/export.csv", Some(&token), None)
                .await?;
            let status = response.status();
            let content_type = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            let text = response.text().await.unwrap_or_default();
            if status != StatusCode::OK || !content_type.starts_with("text/csv") {
                return Err(format!(
                    "answered {status} {content_type}: {}",
                    error_summary(&text)
                ));
            }
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let header: Vec<String> = reader
                .headers()
                .map_err(|e| format!("not CSV: {e}"))?
                .iter()
                .map(str::to_string)
                .collect();
            if header != CSV_HEADER {
                return Err(format!("columns {header:?}, documented {CSV_HEADER:?}"));
            }
            let mut rows = 0;
            let mut symbols = std::collections::BTreeSet::new();
            for record in reader.records() {
                let record = record.map_err(|e| format!("row {}: {e}", rows + 1))?;
                symbols.insert(record[0].to_string());
                rows += 1;
            }
            if RUN_SYMBOLS.iter().any(|s| !symbols.contains(*s)) {
                return Err(format!(
                    "{rows} rows, but not the signals just generated ({symbols:?})"
                ));
            }
            Ok((
                Status::Pass,
                format!("{rows} rows, {} documented columns", header.len()),
            ))
        }
        .await;
        self.record("export_csv", started, outcome);
    }

    pub(super) async fn sonar(&mut self) {
        let started = Instant::now();
        let Some(token) = self.needs_account("sonar") else {
            return;
        };
        let is_admin = self.me.as_ref().is_some_and(|me| me["role"] == "admin");
        if !is_admin {
            let outcome = Ok((
                Status::Skip,
                "the account is not an administrator (SONAR is theirs)".into(),
            ));
            self.record("sonar", started, outcome);
            return;
        }
        let outcome: Outcome = async {
            let response = self
                .send(
                    Method::GET,
                    "/sonar/context?query=signal&max_tokens=2000",
                    Some(&token),
                    None,
                )
                .await?;
            let body = expect_status(response, StatusCode::OK, "GET /sonar/context").await?;
            let items = body["items"].as_array().map_or(0, Vec::len);
            let hint = body["hint"]
                .as_str()
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            Ok((Status::Pass, format!("{items} items{hint}")))
        }
        .await;
        self.record("sonar", started, outcome);
    }

    /// A preflight from an origin nobody allows gets no `Access-Control-Allow-Origin`.
    pub(super) async fn cors(&mut self) {
        let started = Instant::now();
        let outcome: Outcome = async {
            let response = self
                .client
                .request(Method::OPTIONS, self.url("/api/v1/run"))
                .header(ORIGIN, FOREIGN_ORIGIN)
                .header("access-control-request-method", "POST")
                .header(
                    "access-control-request-headers",
                    "authorization,content-type",
                )
                .send()
                .await
                .map_err(|e| format!("preflight: {e}"))?;
            match response.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN) {
                Some(granted) => Err(format!(
                    "{FOREIGN_ORIGIN} was granted Access-Control-Allow-Origin: {granted:?}"
                )),
                None => Ok((
                    Status::Pass,
                    format!("{FOREIGN_ORIGIN} refused ({})", response.status()),
                )),
            }
        }
        .await;
        self.record("cors", started, outcome);
    }

    pub(super) async fn invalid_token(&mut self) {
        let started = Instant::now();
        let outcome: Outcome = async {
            let response = self
                .send(Method::GET, "/api/v1/me", Some("not-a-valid-token"), None)
                .await?;
            expect_error(response, StatusCode::UNAUTHORIZED, "TOKEN_INVALID").await
        }
        .await;
        self.record("invalid_token", started, outcome);
    }

    pub(super) async fn malformed_json(&mut self) {
        let started = Instant::now();
        let Some(token) = self.needs_account("invalid_json") else {
            return;
        };
        let outcome: Outcome = async {
            let response = self
                .send(
                    Method::POST,
                    "/api/v1/run",
                    Some(&token),
                    Some("{\"symbols\": [".into()),
                )
                .await?;
            self.last_headers = Some(response.headers().clone());
            expect_error(response, StatusCode::BAD_REQUEST, "INVALID_JSON").await
        }
        .await;
        self.record("invalid_json", started, outcome);
    }

    /// p95 of [`LATENCY_RUNS`] `/api/v1/run` calls, when the account's tier affords them.
    pub(super) async fn latency(&mut self, max_p95: Duration) {
        let started = Instant::now();
        let Some(token) = self.needs_account("latency") else {
            return;
        };
        if let Some(reason) = self.unaffordable() {
            self.record("latency", started, Ok((Status::Skip, reason)));
            return;
        }
        // This minute's requests may be spent by the checks above: wait for the next.
        let remaining = self
            .last_headers
            .as_ref()
            .and_then(|h| header_number(h, "x-ratelimit-remaining"))
            .unwrap_or(0);
        if remaining < LATENCY_RUNS as u64 {
            let reset = self
                .last_headers
                .as_ref()
                .and_then(|h| header_number(h, "x-ratelimit-reset"))
                .unwrap_or(0);
            let now = crate::server::clock::now_unix() as u64;
            tokio::time::sleep(Duration::from_secs(reset.saturating_sub(now) + 1).min(MINUTE))
                .await;
        }
        let outcome: Outcome = async {
            let mut samples = Vec::with_capacity(LATENCY_RUNS);
            for attempt in 1..=LATENCY_RUNS {
                let sent = Instant::now();
                let response = self
                    .send(Method::POST, "/api/v1/run", Some(&token), Some(run_body()))
                    .await?;
                let status = response.status();
                let text = response.text().await.unwrap_or_default();
                samples.push(sent.elapsed());
                if status != StatusCode::OK {
                    return Err(format!(
                        "run {attempt} answered {status}: {}",
                        error_summary(&text)
                    ));
                }
            }
            let p95 = p95(&mut samples);
            let detail = format!(
                "p95 {} ms over {LATENCY_RUNS} runs (limit {} ms)",
                p95.as_millis(),
                max_p95.as_millis()
            );
            if p95 < max_p95 {
                Ok((Status::Pass, detail))
            } else {
                Err(detail)
            }
        }
        .await;
        self.record("latency", started, outcome);
    }

    /// Why the account's tier cannot pay for the latency series, if it cannot.
    fn unaffordable(&self) -> Option<String> {
        let me = self.me.as_ref()?;
        let tier = me["tier"].as_str().unwrap_or("?");
        let per_minute = me["limits"]["requests_per_minute"].as_u64().unwrap_or(0);
        let needed_signals = (LATENCY_RUNS * RUN_SYMBOLS.len()) as u64;
        let signals_left = match me["limits"]["signals_per_day"].as_u64() {
            None => u64::MAX,
            Some(per_day) => {
                // The run check above generated signals too.
                let used =
                    me["usage"]["signals_today"].as_u64().unwrap_or(0) + RUN_SYMBOLS.len() as u64;
                per_day.saturating_sub(used)
            }
        };
        (per_minute < LATENCY_RUNS as u64 || signals_left < needed_signals).then(|| {
            format!(
                "{LATENCY_RUNS} runs need {LATENCY_RUNS} requests a minute and {needed_signals} signals; \
                 the {tier} tier has {per_minute} a minute and {signals_left} signals left today \
                 (run with --email/--password of a starter account or higher)"
            )
        })
    }
}

/// The answer must be the error envelope with `status` and `code`.
async fn expect_error(response: reqwest::Response, status: StatusCode, code: &str) -> Outcome {
    let got = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let got_code = body["error"]["code"].as_str().unwrap_or("(no error code)");
    if got == status && got_code == code {
        Ok((Status::Pass, format!("{} {code}", status.as_u16())))
    } else {
        Err(format!(
            "expected {} {code}, got {got} {got_code}",
            status.as_u16()
        ))
    }
}

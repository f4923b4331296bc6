//! Alpha Vantage's `TIME_SERIES_DAILY` (full output). Each attempt has a timeout;
//! timeouts, connection errors, 429 and 5xx are retried with exponential backoff
//! and jitter. Its in-band answers are read as what they mean: `Note` and
//! `Information` (call frequency or quota) are rate limiting, and `Error Message`
//! (an invalid call: for a ticker it does not know) means no such symbol.

use std::time::Duration;

use async_trait::async_trait;
use rand::Rng;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::provider::{MarketDataProvider, ProviderError};
use crate::domain::symbol::Symbol;
use crate::market::csv_import::parse_date;
use crate::market::Bar;

const ATTEMPTS: u32 = 3;
const BACKOFF_BASE: Duration = Duration::from_millis(250);

pub struct AlphaVantage {
    client: reqwest::Client,
    base_url: String,
    api_key: SecretString,
}

impl AlphaVantage {
    pub fn new(base_url: &str, api_key: SecretString, timeout: Duration) -> AlphaVantage {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("investment-system/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        AlphaVantage {
            client,
            base_url: base_url.to_string(),
            api_key,
        }
    }

    /// One request; `Err((error, retry))` says whether another attempt may help.
    async fn attempt(&self, symbol: &Symbol) -> Result<Value, (ProviderError, bool)> {
        let response = self
            .client
            .get(format!("{}/query", self.base_url))
            .query(&[
                ("function", "TIME_SERIES_DAILY"),
                ("symbol", symbol.as_str()),
                ("outputsize", "full"),
                ("datatype", "json"),
                ("apikey", self.api_key.expose_secret()),
            ])
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    (ProviderError::Timeout, true)
                } else {
                    // The URL carries the key: report the kind of failure only.
                    (ProviderError::Failed(connection_failure(&e)), true)
                }
            })?;
        let status = response.status();
        if status.as_u16() == 429 || status.is_server_error() {
            return Err((
                ProviderError::Failed(format!("HTTP {}", status.as_u16())),
                true,
            ));
        }
        if !status.is_success() {
            return Err((
                ProviderError::Failed(format!("HTTP {}", status.as_u16())),
                false,
            ));
        }
        response.json::<Value>().await.map_err(|e| {
            if e.is_timeout() {
                (ProviderError::Timeout, true)
            } else {
                (
                    ProviderError::Failed("the answer is not JSON".into()),
                    false,
                )
            }
        })
    }
}

fn connection_failure(error: &reqwest::Error) -> String {
    if error.is_connect() {
        "cannot connect".into()
    } else if error.is_request() {
        "the request failed".into()
    } else {
        "the exchange failed".into()
    }
}

/// 250 ms, 500 ms, … plus up to half as much again at random.
fn backoff(attempt: u32) -> Duration {
    let base = BACKOFF_BASE * 2u32.pow(attempt);
    base + base.mul_f64(rand::rng().random_range(0.0..0.5))
}

/// Reads a `TIME_SERIES_DAILY` answer: bars oldest first, `None` for an unknown
/// symbol. Bars that are not internally consistent are left out, never repaired.
pub fn read_daily(body: &Value, last_day: i64) -> Result<Option<Vec<Bar>>, ProviderError> {
    for key in ["Note", "Information"] {
        if let Some(text) = body.get(key).and_then(Value::as_str) {
            return Err(ProviderError::RateLimited(text.chars().take(200).collect()));
        }
    }
    if body.get("Error Message").is_some() {
        return Ok(None);
    }
    let Some(days) = body.get("Time Series (Daily)").and_then(Value::as_object) else {
        return Err(ProviderError::Failed(
            "the answer has no daily time series".into(),
        ));
    };
    let field = |day: &Value, key: &str| -> Option<f64> {
        day.get(key)?
            .as_str()?
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
    };
    let mut bars = Vec::with_capacity(days.len());
    let mut skipped = 0;
    for (date, day) in days {
        let bar = parse_date(date).and_then(|ts| {
            Some(Bar {
                ts,
                open: field(day, "1. open")?,
                high: field(day, "2. high")?,
                low: field(day, "3. low")?,
                close: field(day, "4. close")?,
                volume: field(day, "5. volume")?,
            })
        });
        match bar {
            Some(bar) if bar.is_consistent() && bar.ts <= last_day * crate::market::DAY_SECS => {
                bars.push(bar)
            }
            _ => skipped += 1,
        }
    }
    if skipped > 0 {
        tracing::warn!(skipped, "alpha vantage bars left out as inconsistent");
    }
    bars.sort_by_key(|b| b.ts);
    bars.dedup_by_key(|b| b.ts);
    Ok(Some(bars))
}

#[async_trait]
impl MarketDataProvider for AlphaVantage {
    fn source(&self) -> &'static str {
        "alphavantage"
    }

    fn is_demo(&self) -> bool {
        false
    }

    async fn daily(
        &self,
        symbol: &Symbol,
        last_day: i64,
    ) -> Result<Option<Vec<Bar>>, ProviderError> {
        let mut attempt = 0;
        loop {
            match self.attempt(symbol).await {
                Ok(body) => return read_daily(&body, last_day),
                Err((error, retry)) if retry && attempt + 1 < ATTEMPTS => {
                    tracing::info!(symbol = symbol.as_str(), attempt, error = %error, "alpha vantage retry");
                    tokio::time::sleep(backoff(attempt)).await;
                    attempt += 1;
                }
                Err((error, _)) => return Err(error),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_daily_series_oldest_first() {
        let body = json!({
            "Meta Data": { "2. Symbol": "IBM" },
            "Time Series (Daily)": {
                "2024-01-03": { "1. open": "160.0", "2. high": "161.0", "3. low": "158.0", "4. close": "159.5", "5. volume": "4000" },
                "2024-01-02": { "1. open": "161.5", "2. high": "162.0", "3. low": "160.0", "4. close": "160.5", "5. volume": "3000" },
                "2024-01-04": { "1. open": "159.0", "2. high": "158.0", "3. low": "157.0", "4. close": "158.5", "5. volume": "1000" }
            }
        });
        let bars = read_daily(&body, 20_000).unwrap().unwrap();
        assert_eq!(bars.len(), 2, "the inconsistent 2024-01-04 bar is left out");
        assert_eq!(bars[0].close, 160.5);
        assert_eq!(bars[1].volume, 4000.0);
    }

    #[test]
    fn in_band_answers_mean_what_they_say() {
        let note = json!({ "Note": "Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute" });
        assert!(matches!(
            read_daily(&note, 20_000),
            Err(ProviderError::RateLimited(_))
        ));
        let info = json!({ "Information": "You have reached the 25 requests/day limit" });
        assert!(matches!(
            read_daily(&info, 20_000),
            Err(ProviderError::RateLimited(_))
        ));
        let error =
            json!({ "Error Message": "Invalid API call. Please retry or visit the documentation" });
        assert!(matches!(read_daily(&error, 20_000), Ok(None)));
        assert!(matches!(
            read_daily(&json!({}), 20_000),
            Err(ProviderError::Failed(_))
        ));
    }

    #[test]
    fn backoff_grows_with_jitter() {
        for attempt in 0..3 {
            let base = BACKOFF_BASE * 2u32.pow(attempt);
            let wait = backoff(attempt);
            assert!(wait >= base && wait <= base.mul_f64(1.5), "{wait:?}");
        }
    }
}

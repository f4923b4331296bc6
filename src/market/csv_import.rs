//! Reading daily bars from CSV files as people have them: Yahoo Finance
//! (`Date,Open,High,Low,Close,Adj Close,Volume`), Stooq (`Date,Open,High,Low,Close,Volume`,
//! also with Polish headers), and pandas' `to_csv` (an unnamed first column holding
//! the date index). Dates are ISO dates or date-times; the calendar date as written
//! is the bar's day. Every row is checked; one bad row rejects the whole file, and
//! every problem is reported with its line number.

mod stream;

pub use stream::{CsvStream, Parsed};

use super::{Bar, DAY_SECS};
use crate::domain::symbol::Symbol;

/// At most this many problems are listed (the count says how many there were).
pub const MAX_REPORTED: usize = 100;
/// 1900-01-01 (Unix seconds): older dates are refused, whatever the file says.
pub const FIRST_DATE: i64 = -2_208_988_800;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line in the file (the header is line 1).
    pub line: usize,
    pub reason: String,
    /// The row's symbol, in a long file whose row names one.
    pub symbol: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rejected {
    /// The first [`MAX_REPORTED`] problems.
    pub errors: Vec<RowError>,
    pub total: usize,
}

/// Column positions found in the header.
#[derive(Clone, Copy)]
struct Layout {
    date: usize,
    open: usize,
    high: usize,
    low: usize,
    close: usize,
    volume: Option<usize>,
    symbol: Option<usize>,
}

fn column_kind(name: &str) -> Option<&'static str> {
    match name
        .trim()
        .trim_start_matches('\u{feff}')
        .to_ascii_lowercase()
        .as_str()
    {
        "" | "date" | "datetime" | "timestamp" | "time" | "data" | "index" => Some("date"),
        "open" | "otwarcie" => Some("open"),
        "high" | "najwyzszy" => Some("high"),
        "low" | "najnizszy" => Some("low"),
        "close" | "zamkniecie" => Some("close"),
        "volume" | "wolumen" | "vol" => Some("volume"),
        "symbol" | "ticker" => Some("symbol"),
        _ => None,
    }
}

fn layout(header: &csv::StringRecord) -> Result<Layout, String> {
    let find = |kind: &str| {
        header
            .iter()
            .position(|name| column_kind(name) == Some(kind))
    };
    // pandas writes the index first, unnamed; otherwise look for a date column by name.
    let date = find("date").ok_or("no date column (expected Date, or an unnamed first column)")?;
    let need = |kind: &'static str| find(kind).ok_or(format!("no {kind} column"));
    Ok(Layout {
        date,
        open: need("open")?,
        high: need("high")?,
        low: need("low")?,
        close: need("close")?,
        volume: find("volume"),
        symbol: find("symbol"),
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// The day (00:00 UTC, Unix seconds) a cell names: `YYYY-MM-DD`, optionally followed
/// by a time (`T` or a space, `HH:MM[:SS[.fff]]`, then `Z` or `±HH:MM`).
pub fn parse_date(cell: &str) -> Option<i64> {
    let cell = cell.trim();
    let (date, rest) = cell.split_at_checked(10)?;
    let bytes = date.as_bytes();
    if bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse::<i64>().ok())
            .flatten()
    };
    let (year, month, day) = (
        number(&date[..4])?,
        number(&date[5..7])?,
        number(&date[8..10])?,
    );
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if !rest.is_empty() && !valid_time(rest) {
        return None;
    }
    Some(days_from_civil(year, month, day) * DAY_SECS)
}

fn valid_time(rest: &str) -> bool {
    let Some(time) = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' ')) else {
        return false;
    };
    let (clock, zone) = match time.find(['Z', '+', '-']) {
        Some(i) => time.split_at(i),
        None => (time, ""),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let two_digits = |s: &str, max: u32| s.len() == 2 && s.parse::<u32>().is_ok_and(|v| v <= max);
    let clock_ok = match parts.as_slice() {
        [h, m] => two_digits(h, 23) && two_digits(m, 59),
        [h, m, s] => {
            let whole = s.split('.').next().unwrap_or_default();
            let fraction_ok = s
                .split('.')
                .nth(1)
                .is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
            two_digits(h, 23) && two_digits(m, 59) && two_digits(whole, 60) && fraction_ok
        }
        _ => false,
    };
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || (zone.len() == 6
            && zone.as_bytes()[3] == b':'
            && two_digits(&zone[1..3], 23)
            && two_digits(&zone[4..6], 59));
    clock_ok && zone_ok
}

fn number(cell: &str, name: &str) -> Result<f64, String> {
    let text = cell.trim();
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => Err(format!("{name} is not a number ({text:?})")),
    }
}

/// Reads every row; either all bars (oldest first) or every problem found. A
/// `Symbol` column, if any, is ignored: the caller names the symbol.
pub fn parse(text: &str) -> Result<Vec<Bar>, Rejected> {
    let mut stream = CsvStream::single();
    stream.feed(text.as_bytes());
    match stream.finish()? {
        Parsed::Single(bars) => Ok(bars),
        Parsed::BySymbol(_) => unreachable!("a single-series stream has no symbols"),
    }
}

/// Reads a long file (`Symbol,Date,Open,High,Low,Close[,Volume]`, many symbols):
/// each symbol's rows checked as [`parse`] checks a file, in the order the symbols
/// first appear.
pub fn parse_long(text: &str) -> Result<Vec<(Symbol, Vec<Bar>)>, Rejected> {
    let mut stream = CsvStream::long();
    stream.feed(text.as_bytes());
    match stream.finish()? {
        Parsed::BySymbol(series) => Ok(series),
        Parsed::Single(_) => unreachable!("a long stream reads symbols"),
    }
}

/// Whether a header line names a symbol column (a long file).
pub fn has_symbol_column(header_line: &str) -> bool {
    header_line
        .split(',')
        .any(|name| column_kind(name.trim_matches('"')) == Some("symbol"))
}

/// One row as a bar, or every reason it is not one (`ts`: its date, if it reads).
fn row(record: &csv::StringRecord, layout: &Layout, ts: Option<i64>) -> Result<Bar, Vec<String>> {
    let mut reasons = Vec::new();
    if ts.is_none() {
        reasons.push(format!(
            "date {:?} is not YYYY-MM-DD or an ISO date-time",
            &record[layout.date]
        ));
    }
    let mut value = |index: usize, name: &str| match number(&record[index], name) {
        Ok(v) => v,
        Err(reason) => {
            reasons.push(reason);
            f64::NAN
        }
    };
    let open = value(layout.open, "open");
    let high = value(layout.high, "high");
    let low = value(layout.low, "low");
    let close = value(layout.close, "close");
    let volume = layout.volume.map_or(0.0, |i| value(i, "volume"));
    if reasons.is_empty() {
        let bar = Bar {
            ts: ts.unwrap_or_default(),
            open,
            high,
            low,
            close,
            volume,
        };
        if [open, high, low, close].iter().any(|p| *p <= 0.0) {
            reasons.push("prices must be positive".into());
        }
        if volume < 0.0 {
            reasons.push("volume must not be negative".into());
        }
        if high < open.max(close) {
            reasons.push(format!("high {high} is below the open or close"));
        }
        if low > open.min(close) {
            reasons.push(format!("low {low} is above the open or close"));
        }
        if reasons.is_empty() {
            return Ok(bar);
        }
    }
    Err(reasons)
}

#[cfg(test)]
mod tests;

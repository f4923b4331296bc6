//! Signals as a CSV download: RFC 4180 quoting, and text cells that a spreadsheet
//! would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
//! return) prefixed with `'` so they stay text.

use crate::wire::signals::SignalView;

pub const HEADER: [&str; 13] = [
    "symbol",
    "ts",
    "signal",
    "confidence",
    "score",
    "price",
    "rsi14",
    "sma20",
    "sma50",
    "macd",
    "model",
    "is_stale",
    "created_at",
];

/// Text a spreadsheet would not mistake for a formula.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

fn number(value: f64) -> String {
    if value.is_finite() {
        value.to_string()
    } else {
        String::new()
    }
}

pub fn to_csv(signals: &[SignalView]) -> Result<String, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(HEADER)?;
    for s in signals {
        let i = &s.indicators;
        writer.write_record([
            neutralise(&s.symbol),
            neutralise(&s.ts),
            neutralise(&s.signal),
            number(s.confidence),
            number(s.score),
            number(s.price),
            number(i.rsi14),
            number(i.sma20),
            number(i.sma50),
            number(i.macd),
            neutralise(&s.model),
            s.is_stale.to_string(),
            neutralise(&s.created_at),
        ])?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signals::Snapshot;

    fn signal(symbol: &str) -> SignalView {
        SignalView {
            id: "id".into(),
            symbol: symbol.into(),
            ts: "2024-01-02".into(),
            signal: "SELL".into(),
            confidence: 0.7,
            score: -0.42,
            price: 101.5,
            model: "ensemble".into(),
            indicators: Snapshot {
                rsi14: 41.2,
                sma20: 100.0,
                sma50: 102.0,
                macd: -0.5,
                macd_signal: -0.4,
                macd_hist: -0.1,
                bb_upper: 105.0,
                bb_lower: 95.0,
                atr14: 2.0,
                adx14: 25.0,
            },
            reasons: vec![],
            is_stale: false,
            created_at: "2024-01-02T10:00:00.000Z".into(),
        }
    }

    #[test]
    fn writes_the_header_and_one_line_per_signal() {
        let csv = to_csv(&[signal("AAPL")]).unwrap();
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], "symbol,ts,signal,confidence,score,price,rsi14,sma20,sma50,macd,model,is_stale,created_at");
        assert_eq!(lines[1], "AAPL,2024-01-02,SELL,0.7,-0.42,101.5,41.2,100,102,-0.5,ensemble,false,2024-01-02T10:00:00.000Z");
        assert_eq!(lines[2], "");
        assert_eq!(to_csv(&[]).unwrap(), format!("{}\r\n", HEADER.join(",")));
    }

    #[test]
    fn formula_like_text_is_neutralised_and_quoted() {
        let csv = to_csv(&[signal("-BAD")]).unwrap();
        assert!(csv.contains("\r\n'-BAD,"), "{csv}");
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("AAPL"), "AAPL");
        let mut tricky = signal("AAPL");
        tricky.model = "a,\"b\"".into();
        assert!(
            to_csv(&[tricky]).unwrap().contains("\"a,\"\"b\"\"\""),
            "RFC 4180 quoting"
        );
    }
}

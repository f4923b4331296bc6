//! A screen's rows as CSV (RFC 4180): the row's fields, then one column per line
//! (`macd:12:26:9.hist` for a part), empty where a value is missing.

use crate::wire::screener::ScreenRow;

pub fn to_csv(rows: &[ScreenRow]) -> Result<String, csv::Error> {
    let lines: Vec<String> = rows
        .first()
        .map(|row| row.lines().into_iter().map(|(name, _)| name).collect())
        .unwrap_or_default();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "symbol",
        "ts",
        "price",
        "change_pct",
        "signal",
        "confidence",
    ];
    header.extend(lines.iter().map(String::as_str));
    writer.write_record(&header)?;
    let number = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
    for row in rows {
        let mut record = vec![
            row.symbol.clone(),
            row.ts.clone(),
            row.price.to_string(),
            number(row.change_pct),
            row.signal.clone().unwrap_or_default(),
            number(row.confidence),
        ];
        let cells = row.lines();
        record.extend(lines.iter().map(|line| {
            number(
                cells
                    .iter()
                    .find(|(name, _)| name == line)
                    .and_then(|(_, v)| *v),
            )
        }));
        writer.write_record(&record)?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).expect("the CSV writer writes the UTF-8 it is given"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(symbol: &str, indicators: serde_json::Value) -> ScreenRow {
        ScreenRow {
            symbol: symbol.into(),
            ts: "2024-05-01".into(),
            price: 101.5,
            change_pct: Some(-1.25),
            signal: Some("BUY".into()),
            confidence: Some(0.7),
            indicators: indicators.as_object().unwrap().clone(),
            sparkline: None,
        }
    }

    #[test]
    fn parts_become_columns_and_missing_values_empty_cells() {
        // Columns in the row's order (lines by name, parts by name).
        let rows = [
            row(
                "AAPL",
                json!({"rsi:14": 28.5, "macd:12:26:9": {"hist": 0.25, "macd": 1.0, "signal": 0.75}}),
            ),
            row(
                "KO",
                json!({"rsi:14": null, "macd:12:26:9": {"hist": -0.5, "macd": 0.5, "signal": 1.0}}),
            ),
        ];
        let csv = to_csv(&rows).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "symbol,ts,price,change_pct,signal,confidence,macd:12:26:9.hist,macd:12:26:9.macd,macd:12:26:9.signal,rsi:14"
        );
        assert_eq!(
            lines[1],
            "AAPL,2024-05-01,101.5,-1.25,BUY,0.7,0.25,1,0.75,28.5"
        );
        assert_eq!(lines[2], "KO,2024-05-01,101.5,-1.25,BUY,0.7,-0.5,0.5,1,");
        assert_eq!(
            to_csv(&[]).unwrap().trim(),
            "symbol,ts,price,change_pct,signal,confidence"
        );
    }
}

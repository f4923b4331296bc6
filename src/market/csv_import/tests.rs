use super::*;

const JAN_2: i64 = 19_724 * DAY_SECS;

#[test]
fn dates_before_1900_are_refused() {
    assert_eq!(parse_date("1900-01-01"), Some(FIRST_DATE));
    let old = "Date,Open,High,Low,Close,Volume\n\
                   1899-12-29,1,1,1,1,10\n\
                   1900-01-02,1,1,1,1,10\n";
    let rejected = parse(old).unwrap_err();
    assert_eq!(rejected.total, 1);
    assert_eq!(rejected.errors[0].line, 2);
    assert_eq!(rejected.errors[0].reason, "date is before 1900-01-01");
}

#[test]
fn reads_yahoo_stooq_and_pandas_files() {
    let yahoo = "Date,Open,High,Low,Close,Adj Close,Volume\n\
                     2024-01-02,187.15,188.44,183.89,185.64,184.73,82488700\n\
                     2024-01-03,184.22,185.88,183.43,184.25,183.35,58414500\n";
    let bars = parse(yahoo).unwrap();
    assert_eq!(bars.len(), 2);
    assert_eq!(
        bars[0],
        Bar {
            ts: JAN_2,
            open: 187.15,
            high: 188.44,
            low: 183.89,
            close: 185.64,
            volume: 82_488_700.0
        }
    );

    let stooq =
        "Data,Otwarcie,Najwyzszy,Najnizszy,Zamkniecie,Wolumen\n2024-01-02,10,11,9,10.5,1000\n";
    assert_eq!(parse(stooq).unwrap()[0].close, 10.5);

    let pandas = ",open,high,low,close,volume\n2024-01-02 00:00:00-05:00,10,11,9,10.5,1000\n2024-01-03 00:00:00-05:00,10.5,12,10,11,900\n";
    let bars = parse(pandas).unwrap();
    assert_eq!(bars[0].ts, JAN_2, "the calendar date as written");
    assert_eq!(bars[1].ts, JAN_2 + DAY_SECS);

    let no_volume = "Date,Open,High,Low,Close\n2024-01-02T00:00:00Z,1,2,0.5,1.5\n";
    assert_eq!(parse(no_volume).unwrap()[0].volume, 0.0);
}

#[test]
fn reports_every_bad_row_with_its_line() {
    let text = "Date,Open,High,Low,Close,Volume\n\
                    2024-01-02,10,11,9,10.5,1000\n\
                    2024-01-03,10,9,8,10.5,1000\n\
                    2024-01-03,10,11,9,10.5,1000\n\
                    2024-13-01,10,11,9,10.5,1000\n\
                    2024-01-05,ten,11,9,10.5,-5\n\
                    2024-01-04,10,11,9,10.5,1000\n\
                    2024-01-08,10,11,9\n";
    let rejected = parse(text).unwrap_err();
    let lines: Vec<(usize, &str)> = rejected
        .errors
        .iter()
        .map(|e| (e.line, e.reason.as_str()))
        .collect();
    assert_eq!(lines[0].0, 3);
    assert!(lines[0].1.contains("high 9 is below"), "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|(l, r)| *l == 4 && r.contains("duplicate date")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|(l, r)| *l == 5 && r.contains("2024-13-01")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|(l, r)| *l == 6 && r.contains("open is not a number")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|(l, r)| *l == 7 && r.contains("oldest first")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|(l, r)| *l == 8 && r.contains("4 fields where the header has 6")),
        "{lines:?}"
    );
    assert_eq!(rejected.total, rejected.errors.len());
}

#[test]
fn rejects_headers_without_the_needed_columns() {
    for text in [
        "",
        "Date,Open,High,Low\n2024-01-02,1,2,0.5\n",
        "Open,High,Low,Close\n1,2,0.5,1\n",
    ] {
        let rejected = parse(text).unwrap_err();
        assert_eq!(rejected.errors[0].line, 1, "{text:?}: {rejected:?}");
    }
    let empty_body = parse("Date,Open,High,Low,Close\n").unwrap_err();
    assert!(empty_body.errors[0].reason.contains("no rows"));
}

#[test]
fn lists_at_most_a_hundred_problems() {
    let mut text = String::from("Date,Open,High,Low,Close\n");
    for day in 1..=28 {
        for month in 1..=9 {
            text.push_str(&format!("2023-{month:02}-{day:02},x,1,1,1\n"));
        }
    }
    let rejected = parse(&text).unwrap_err();
    assert_eq!(rejected.errors.len(), MAX_REPORTED);
    assert!(rejected.total > MAX_REPORTED);
}

#[test]
fn civil_days_and_times() {
    assert_eq!(days_from_civil(1970, 1, 1), 0);
    assert_eq!(days_from_civil(2015, 1, 2), 16_437);
    assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    assert_eq!(
        parse_date("2024-02-29"),
        Some(days_from_civil(2024, 2, 29) * DAY_SECS)
    );
    for bad in [
        "2023-02-29",
        "2024-1-02",
        "20240102",
        "2024-01-02T",
        "2024-01-02T24:00",
        "2024-01-02 10:00:00+0500",
        "2024-01-02x",
    ] {
        assert_eq!(parse_date(bad), None, "{bad}");
    }
    for good in [
        "2024-01-02T09:30",
        "2024-01-02 09:30:00.123",
        "2024-01-02T09:30:00+05:30",
        "2024-01-02T09:30:00Z",
    ] {
        assert!(parse_date(good).is_some(), "{good}");
    }
}

const LONG: &str = "Symbol,Date,Open,High,Low,Close,Volume\n\
                    AAPL,2024-01-02,10,11,9,10.5,100\n\
                    MSFT,2024-01-02,20,21,19,20.5,200\n\
                    AAPL,2024-01-03,10.5,12,10,11.5,110\n\
                    MSFT,2024-01-03,20.5,22,20,21.5,210\n\
                    aapl,2024-01-04,11.5,12,11,11.8,120\n";

#[test]
fn a_long_file_spreads_rows_over_symbols_in_first_seen_order() {
    let series = parse_long(LONG).unwrap();
    let names: Vec<&str> = series.iter().map(|(s, _)| s.as_str()).collect();
    // Symbols are read as the single import reads them: `aapl` is AAPL.
    assert_eq!(names, ["AAPL", "MSFT"]);
    assert_eq!(series[0].1.len(), 3);
    assert_eq!(series[0].1[2].close, 11.8);
    assert_eq!(series[1].1.len(), 2);
    assert_eq!(series[1].1[1].close, 21.5);
}

#[test]
fn a_long_file_read_in_any_chunks_gives_the_same_bars() {
    let whole = parse_long(LONG).unwrap();
    for size in [1, 2, 7, 31, 64] {
        let mut stream = CsvStream::long();
        for chunk in LONG.as_bytes().chunks(size) {
            stream.feed(chunk);
        }
        let Parsed::BySymbol(chunked) = stream.finish().unwrap() else {
            panic!("long")
        };
        assert_eq!(chunked, whole, "chunks of {size}");
    }
}

#[test]
fn a_long_file_checks_each_symbol_as_its_own_file() {
    let bad = "Symbol,Date,Open,High,Low,Close\n\
               AAPL,2024-01-03,10,11,9,10\n\
               MSFT,2024-01-02,10,11,9,10\n\
               AAPL,2024-01-02,10,11,9,10\n\
               MSFT,2024-01-02,10,11,9,10\n\
               BAD SYMBOL!,2024-01-02,10,11,9,10\n\
               MSFT,2024-01-05,10,9,9,10\n";
    let rejected = parse_long(bad).unwrap_err();
    let seen: Vec<(usize, Option<&str>)> = rejected
        .errors
        .iter()
        .map(|e| (e.line, e.symbol.as_deref()))
        .collect();
    assert_eq!(
        seen,
        [
            (4, Some("AAPL")),
            (5, Some("MSFT")),
            (6, Some("BAD SYMBOL!")),
            (7, Some("MSFT"))
        ]
    );
    assert!(rejected.errors[0].reason.contains("oldest first"));
    assert!(rejected.errors[1]
        .reason
        .contains("duplicate date (also on line 3)"));
    assert!(rejected.errors[3].reason.contains("high 9 is below"));
}

#[test]
fn a_long_file_needs_a_symbol_column_and_a_single_one_ignores_it() {
    let rejected = parse_long("Date,Open,High,Low,Close\n2024-01-02,1,1,1,1\n").unwrap_err();
    assert_eq!(rejected.errors[0].line, 1);
    assert!(rejected.errors[0].reason.contains("no symbol column"));
    assert!(has_symbol_column("Ticker,Date,Open"));
    assert!(!has_symbol_column("Date,Open,High,Low,Close"));
    let single = parse("Symbol,Date,Open,High,Low,Close\nAAPL,2024-01-02,1,1,1,1\n").unwrap();
    assert_eq!(single.len(), 1);
}

//! A CSV file read as it arrives: bytes are fed in chunks, each complete line is
//! read into bars at once, and only the unfinished last line is kept, so an upload
//! is never held whole beside its bars. One symbol per file, or a long file whose
//! `Symbol` column spreads rows over many symbols (each checked as its own file).
//! Fields may be quoted, but not across lines.

use std::collections::HashMap;

use super::{layout, parse_date, row, Layout, Rejected, RowError, FIRST_DATE, MAX_REPORTED};
use crate::domain::symbol::Symbol;
use crate::market::Bar;

/// What a finished stream read.
#[derive(Debug, PartialEq)]
pub enum Parsed {
    Single(Vec<Bar>),
    /// Each symbol's bars, oldest first, in the order the symbols first appear.
    BySymbol(Vec<(Symbol, Vec<Bar>)>),
}

/// One series being read: its bars and its last dated row, for order checks.
#[derive(Default)]
struct Series {
    bars: Vec<Bar>,
    previous: Option<(i64, usize)>,
}

pub struct CsvStream {
    long: bool,
    /// Bytes after the last complete line.
    pending: Vec<u8>,
    /// Lines read so far (the next line is `lines + 1`).
    lines: usize,
    /// The header's field count and columns, once read.
    header: Option<(usize, Layout)>,
    /// The header was refused: nothing after it is read.
    failed: bool,
    single: Series,
    by_symbol: Vec<(Symbol, Series)>,
    /// A symbol's position in `by_symbol`, under each spelling seen and its own.
    index: HashMap<String, usize>,
    errors: Vec<RowError>,
    error_count: usize,
}

impl Series {
    /// Adds the row's bar, or gives every reason it is refused. Order and duplicates
    /// are checked on every row whose date reads, whatever else is wrong with it.
    fn take(&mut self, record: &csv::StringRecord, layout: &Layout, line: usize) -> Vec<String> {
        let ts = parse_date(&record[layout.date]);
        let mut reasons = Vec::new();
        if let (Some(ts), Some((before, before_line))) = (ts, self.previous) {
            if ts == before {
                reasons.push(format!("duplicate date (also on line {before_line})"));
            } else if ts < before {
                reasons.push(format!(
                    "date is before the one on line {before_line}: rows must be oldest first"
                ));
            }
        }
        if ts.is_some_and(|ts| ts < FIRST_DATE) {
            reasons.push("date is before 1900-01-01".to_string());
        }
        if let Some(ts) = ts {
            self.previous = Some((ts, line));
        }
        match row(record, layout, ts) {
            Ok(bar) if reasons.is_empty() => self.bars.push(bar),
            Ok(_) => {}
            Err(more) => reasons.extend(more),
        }
        reasons
    }
}

impl CsvStream {
    /// One series; a `Symbol` column is ignored.
    pub fn single() -> CsvStream {
        CsvStream::new(false)
    }

    /// A long file: the header must name a `Symbol` (or `Ticker`) column.
    pub fn long() -> CsvStream {
        CsvStream::new(true)
    }

    fn new(long: bool) -> CsvStream {
        CsvStream {
            long,
            pending: Vec::new(),
            lines: 0,
            header: None,
            failed: false,
            single: Series::default(),
            by_symbol: Vec::new(),
            index: HashMap::new(),
            errors: Vec::new(),
            error_count: 0,
        }
    }

    /// Bars read so far, over every symbol.
    pub fn bars_read(&self) -> usize {
        self.single.bars.len()
            + self
                .by_symbol
                .iter()
                .map(|(_, s)| s.bars.len())
                .sum::<usize>()
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        let Some(end) = bytes.iter().rposition(|b| *b == b'\n') else {
            self.pending.extend_from_slice(bytes);
            return;
        };
        if self.pending.is_empty() {
            self.read_lines(&bytes[..=end]);
        } else {
            let mut complete = std::mem::take(&mut self.pending);
            complete.extend_from_slice(&bytes[..=end]);
            self.read_lines(&complete);
        }
        self.pending.extend_from_slice(&bytes[end + 1..]);
    }

    pub fn finish(mut self) -> Result<Parsed, Rejected> {
        if !self.pending.is_empty() {
            let rest = std::mem::take(&mut self.pending);
            self.read_lines(&rest);
        }
        if self.header.is_none() && self.error_count == 0 {
            self.error(1, None, "the file is empty".into());
        }
        let no_bars = self.bars_read() == 0;
        if no_bars && self.error_count == 0 {
            self.error(2, None, "no rows after the header".into());
        }
        if self.error_count > 0 {
            return Err(Rejected {
                errors: self.errors,
                total: self.error_count,
            });
        }
        Ok(if self.long {
            Parsed::BySymbol(
                self.by_symbol
                    .into_iter()
                    .map(|(symbol, series)| (symbol, series.bars))
                    .collect(),
            )
        } else {
            Parsed::Single(self.single.bars)
        })
    }

    fn error(&mut self, line: usize, symbol: Option<&str>, reason: String) {
        self.error_count += 1;
        if self.errors.len() < MAX_REPORTED {
            self.errors.push(RowError {
                line,
                reason,
                symbol: symbol.map(str::to_string),
            });
        }
    }

    /// Reads whole lines (`bytes` ends with a line break, or is the file's end).
    fn read_lines(&mut self, bytes: &[u8]) {
        let first_line = self.lines;
        self.lines += bytes.iter().filter(|b| **b == b'\n').count();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(bytes);
        for record in reader.records() {
            match record {
                Ok(record) => {
                    let line = first_line + record.position().map_or(1, |p| p.line() as usize);
                    self.record(record, line);
                }
                Err(e) => {
                    let line = first_line + e.position().map_or(1, |p| p.line() as usize);
                    if self.header.is_none() {
                        self.error(line, None, format!("unreadable header: {e}"));
                        self.failed = true;
                        return;
                    }
                    self.error(line, None, format!("unreadable row: {e}"));
                }
            }
        }
    }

    fn record(&mut self, record: csv::StringRecord, line: usize) {
        if self.failed {
            return;
        }
        let Some((header_len, layout)) = self.header else {
            return self.read_header(record, line);
        };
        if record.iter().all(|cell| cell.is_empty()) {
            return;
        }
        if record.len() != header_len {
            let reason = format!("{} fields where the header has {header_len}", record.len());
            return self.error(line, None, reason);
        }
        let symbol = layout
            .symbol
            .filter(|_| self.long)
            .map(|at| record[at].to_string());
        let at = match &symbol {
            None => None,
            Some(cell) => match self.index.get(cell.as_str()) {
                Some(&at) => Some(at),
                None => match Symbol::parse(cell) {
                    Ok(parsed) => {
                        // Another spelling of a symbol already read (`aapl`, `AAPL`).
                        let at = match self.index.get(parsed.as_str()) {
                            Some(&at) => at,
                            None => {
                                self.index.insert(parsed.to_string(), self.by_symbol.len());
                                self.by_symbol.push((parsed, Series::default()));
                                self.by_symbol.len() - 1
                            }
                        };
                        self.index.insert(cell.clone(), at);
                        Some(at)
                    }
                    Err(reason) => {
                        let reason = format!("symbol {cell:?} {reason}");
                        return self.error(line, Some(cell), reason);
                    }
                },
            },
        };
        let series = match at {
            Some(at) => &mut self.by_symbol[at].1,
            None => &mut self.single,
        };
        let reasons = series.take(&record, &layout, line);
        for reason in reasons {
            self.error(line, symbol.as_deref(), reason);
        }
    }

    /// Without a usable header nothing after it can be read: the stream fails.
    fn read_header(&mut self, header: csv::StringRecord, line: usize) {
        let refused = if header.iter().all(|h| h.trim().is_empty()) && header.len() <= 1 {
            "the file is empty".to_string()
        } else {
            match layout(&header) {
                Ok(layout) if self.long && layout.symbol.is_none() => {
                    "no symbol column (a long file needs Symbol,Date,Open,High,Low,Close[,Volume])"
                        .to_string()
                }
                Ok(layout) => {
                    self.header = Some((header.len(), layout));
                    return;
                }
                Err(reason) => reason,
            }
        };
        self.failed = true;
        self.error(line, None, refused);
    }
}

//! `investment-system import PATH… --global | --user EMAIL`: files and folders of
//! CSVs into the shared catalog or one user's layer. A per-symbol file takes its
//! symbol from its name; a long file (`Symbol,Date,…`) names its own. Each file is
//! stored whole or not at all; the summary lists every refused file and why.

use std::io::Read;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

use super::api_error::describe;
use super::config::Config;
use super::db::Database;
use super::events::EventBus;
use super::market::import::{store_import, store_many};
use super::market::store::SHARED;
use super::serve;
use crate::domain::email::Email;
use crate::domain::symbol::Symbol;
use crate::market::csv_import::{has_symbol_column, CsvStream, Parsed, Rejected};

/// Files are read in pieces of this size: a long file is never held whole.
const READ_CHUNK: usize = 256 * 1024;

/// Where the bars go: the shared catalog, or the layer of the user with this email.
pub enum Target {
    Global,
    User(String),
}

/// What one file gave: its series and bars stored, or why it was refused.
enum Outcome {
    Stored {
        series: usize,
        new: usize,
        updated: usize,
    },
    Refused(Vec<String>),
}

pub async fn import(config: &Config, paths: &[PathBuf], target: Target) -> Result<(), String> {
    let files = csv_files(paths)?;
    if files.is_empty() {
        return Err("no CSV files found".into());
    }
    let db = serve::open_database(config).await?;
    let result = import_files(&db, &files, target).await;
    db.close().await;
    result
}

async fn import_files(db: &Database, files: &[PathBuf], target: Target) -> Result<(), String> {
    let (owner, max_bars) = match target {
        Target::Global => (SHARED.to_string(), None),
        Target::User(email) => {
            let email = Email::parse(&email).map_err(|reason| format!("{email:?}: {reason}"))?;
            let user = super::accounts::users::find_by_email(db, email.as_str())
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no user with email {}", email.as_str()))?;
            // The same cap on a series as the user's own imports have.
            (user.id, Some(user.tier.limits().bars_per_series))
        }
    };
    let events = EventBus::default();
    let bar = ProgressBar::new(files.len() as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} files {msg}")
            .map_err(|e| e.to_string())?,
    );
    let (mut series, mut new, mut updated) = (0, 0, 0);
    let mut refused = Vec::new();
    for file in files {
        bar.set_message(file.display().to_string());
        match import_file(db, &events, file, &owner, max_bars).await {
            Outcome::Stored {
                series: s,
                new: n,
                updated: u,
            } => {
                series += s;
                new += n;
                updated += u;
            }
            Outcome::Refused(reasons) => refused.push((file, reasons)),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let stored = files.len() - refused.len();
    println!(
        "imported {stored} of {} files: {series} series, {new} new and {updated} updated bars",
        files.len()
    );
    for (file, reasons) in &refused {
        eprintln!("refused {}:", file.display());
        for reason in reasons {
            eprintln!("  {reason}");
        }
    }
    if refused.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} of {} files refused (nothing of those was stored)",
            refused.len(),
            files.len()
        ))
    }
}

async fn import_file(
    db: &Database,
    events: &EventBus,
    file: &Path,
    owner: &str,
    max_bars: Option<u32>,
) -> Outcome {
    let parsed = match read_csv(file) {
        Ok(parsed) => parsed,
        Err(reasons) => return Outcome::Refused(reasons),
    };
    let stored = match parsed {
        Parsed::Single(bars) => {
            let symbol = match symbol_of(file) {
                Ok(symbol) => symbol,
                Err(reason) => return Outcome::Refused(vec![reason]),
            };
            store_import(db, events, &symbol, owner, &bars, max_bars, |_| {})
                .await
                .map(|s| (1, s.imported, s.updated))
        }
        Parsed::BySymbol(series) => store_many(db, events, owner, &series, max_bars, |_, _| {})
            .await
            .map(|stored| {
                let new = stored.iter().map(|s| s.stored.imported).sum();
                let updated = stored.iter().map(|s| s.stored.updated).sum();
                (stored.len(), new, updated)
            }),
    };
    match stored {
        Ok((series, new, updated)) => Outcome::Stored {
            series,
            new,
            updated,
        },
        Err(e) => Outcome::Refused(vec![describe(&e)]),
    }
}

/// The files named, and the `.csv` files directly inside each folder named, sorted.
fn csv_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if !meta.is_dir() {
            files.push(path.clone());
            continue;
        }
        let mut inside: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && is_csv(p))
            .collect();
        inside.sort();
        files.extend(inside);
    }
    Ok(files)
}

fn is_csv(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("csv"))
}

/// `aapl.csv` is AAPL; `BRK.B.csv` is BRK.B.
fn symbol_of(file: &Path) -> Result<Symbol, String> {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    Symbol::parse(&stem).map_err(|reason| {
        format!("the file name {stem:?} is not a symbol ({reason}): name it after its ticker, or add a Symbol column")
    })
}

/// Reads the file in pieces; its header says whether it is a long file.
fn read_csv(file: &Path) -> Result<Parsed, Vec<String>> {
    let mut reader = std::fs::File::open(file).map_err(|e| vec![e.to_string()])?;
    let mut chunk = vec![0; READ_CHUNK];
    let mut stream: Option<CsvStream> = None;
    let mut head = Vec::new();
    loop {
        let read = reader.read(&mut chunk).map_err(|e| vec![e.to_string()])?;
        let piece = &chunk[..read];
        match &mut stream {
            Some(stream) => stream.feed(piece),
            None => {
                head.extend_from_slice(piece);
                // The kind of file is known once the header line is whole.
                if head.contains(&b'\n') || read == 0 {
                    let text = String::from_utf8_lossy(&head);
                    let header = text.lines().next().unwrap_or_default();
                    let mut opened = if has_symbol_column(header) {
                        CsvStream::long()
                    } else {
                        CsvStream::single()
                    };
                    opened.feed(&std::mem::take(&mut head));
                    stream = Some(opened);
                }
            }
        }
        if read == 0 {
            break;
        }
    }
    let stream = stream.expect("opened at the end of the file at the latest");
    stream.finish().map_err(|rejected| reasons(&rejected))
}

fn reasons(rejected: &Rejected) -> Vec<String> {
    let mut lines: Vec<String> = rejected
        .errors
        .iter()
        .map(|e| match &e.symbol {
            Some(symbol) => format!("line {} ({symbol}): {}", e.line, e.reason),
            None => format!("line {}: {}", e.line, e.reason),
        })
        .collect();
    if rejected.total > rejected.errors.len() {
        lines.push(format!(
            "… and {} more",
            rejected.total - rejected.errors.len()
        ));
    }
    lines
}

//! The `investment-system` command line.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use super::config::Config;
use super::db::meta;
use super::{logging, serve};

#[derive(Parser)]
#[command(
    name = "investment-system",
    version,
    about = "Investment signals you can verify."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the dashboard and the API (the default).
    Serve,
    /// Apply pending database migrations to DATABASE_URL and exit.
    Migrate,
}

pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    logging::init(&config.log_level, config.log_format);
    for warning in &config.warnings {
        tracing::warn!("{warning}");
    }
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve::serve(config).await,
        Command::Migrate => migrate(&config).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn migrate(config: &Config) -> Result<(), String> {
    let db = serve::open_database(config).await?;
    let applied = db.applied_migrations().await.map_err(|e| e.to_string())?;
    let installed = meta::get(&db, meta::INSTALLED_AT)
        .await
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    println!(
        "{} database up to date; migrations applied: {applied}; installed at {installed}",
        db.backend().as_str()
    );
    db.close().await;
    Ok(())
}

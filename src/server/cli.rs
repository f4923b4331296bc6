//! The `investment-system` command line.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use super::accounts::users;
use super::clock::now_unix;
use super::config::Config;
use super::db::meta;
use super::{logging, serve};
use crate::domain::email::Email;

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
    /// Give an existing user a role: `admin` or `user`.
    SetRole {
        /// The user's email address.
        email: String,
        /// `admin` or `user`.
        role: String,
    },
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
        Command::SetRole { email, role } => set_role(&config, &email, &role).await,
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

async fn set_role(config: &Config, email: &str, role: &str) -> Result<(), String> {
    if !matches!(role, "admin" | "user") {
        return Err(format!("role must be admin or user (got {role:?})"));
    }
    let email = Email::parse(email).map_err(|reason| format!("{email:?}: {reason}"))?;
    let db = serve::open_database(config).await?;
    let found = users::set_role_by_email(&db, email.as_str(), role, now_unix())
        .await
        .map_err(|e| e.to_string())?;
    db.close().await;
    if !found {
        return Err(format!("no user with email {}", email.as_str()));
    }
    println!("{} is now {role}", email.as_str());
    Ok(())
}

//! The `investment-system` command line.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use super::accounts::{service, users};
use super::api_error::describe;
use super::clock::now_unix;
use super::config::Config;
use super::db::meta;
use super::request_meta::RequestMeta;
use super::{logging, serve};
use crate::domain::email::Email;
use crate::domain::role::Role;
use crate::domain::symbol::Symbol;

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
    /// Make EMAIL an administrator, creating the account when it does not exist
    /// (its password is read from standard input, or generated and printed once).
    CreateAdmin {
        /// The administrator's email address.
        email: String,
    },
    /// Import daily bars for SYMBOL from a CSV file (Yahoo, Stooq or pandas) into the
    /// shared catalog. All or nothing: any bad row is reported and nothing is stored.
    ImportCsv {
        /// The ticker, e.g. AAPL.
        symbol: String,
        /// The CSV file.
        file: std::path::PathBuf,
    },
    /// Import CSV files, or every `.csv` file in the folders named, into the shared
    /// catalog (`--global`) or one user's layer (`--user EMAIL`). A per-symbol file's
    /// symbol is its file name (aapl.csv is AAPL); a long file names it in a Symbol
    /// column. Each file is stored whole or not at all; refused files are listed.
    #[command(group(clap::ArgGroup::new("target").required(true).args(["global", "user"])))]
    Import {
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
        /// Into the shared catalog every user sees.
        #[arg(long)]
        global: bool,
        /// Into this user's private layer, held to their tier's bars per series.
        #[arg(long, value_name = "EMAIL")]
        user: Option<String>,
    },
    /// Print the latest signal of each symbol (shared data; nothing is stored).
    Signals {
        /// Tickers, e.g. AAPL MSFT.
        #[arg(required = true)]
        symbols: Vec<String>,
        /// classic, momentum or ensemble.
        #[arg(long, default_value = "ensemble")]
        model: String,
    },
    /// Backtest a strategy on a symbol's shared data and print the statistics.
    Backtest {
        symbol: String,
        /// sma_cross:FAST:SLOW, rsi_reversion:PERIOD:LOWER:UPPER or model:NAME.
        #[arg(long, default_value = "sma_cross:10:20")]
        strategy: String,
        #[arg(long, default_value_t = 10_000.0)]
        cash: f64,
        #[arg(long, default_value_t = 0.002)]
        commission: f64,
        /// Allow short positions.
        #[arg(long)]
        allow_short: bool,
    },
    /// Backtest every combination of a strategy's parameters on a symbol's shared data
    /// and print the best runs: each parameter a number (5), a list (5,10,20) or an
    /// inclusive range (5..25, or 30..280:5 in steps of 5).
    Optimize {
        symbol: String,
        /// sma_cross, rsi_reversion or model.
        #[arg(long, default_value = "sma_cross")]
        strategy: String,
        #[arg(long)]
        fast: Option<String>,
        #[arg(long)]
        slow: Option<String>,
        #[arg(long)]
        period: Option<String>,
        #[arg(long)]
        lower: Option<String>,
        #[arg(long)]
        upper: Option<String>,
        /// The model of a model strategy (classic, momentum, ensemble).
        #[arg(long)]
        model: Option<String>,
        /// The statistic to rank by, e.g. "Sharpe Ratio".
        #[arg(long, default_value = "SQN")]
        maximize: String,
        /// Rank the smallest value first.
        #[arg(long)]
        minimize: bool,
        #[arg(long, default_value_t = 10_000.0)]
        cash: f64,
        #[arg(long, default_value_t = 0.002)]
        commission: f64,
        #[arg(long)]
        allow_short: bool,
        /// Rows of the table.
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
    /// Write a consistent copy of the live SQLite database to PATH (`VACUUM INTO`),
    /// then check the copy's integrity. PATH must not exist yet.
    Backup { path: std::path::PathBuf },
    /// Validate the environment, Leptos.toml, the database and Redis; exits non-zero
    /// with every problem found.
    CheckConfig,
    /// Ask the server on this machine (LEPTOS_SITE_ADDR) for /healthz; exits non-zero
    /// unless it answers 200 within 3 s (a container's HEALTHCHECK, no curl needed).
    Healthcheck,
    /// The post-deployment check: health, an account, signals, the CSV export, SONAR
    /// (administrators), CORS, rate-limit headers, error codes and the p95 of 20 runs
    /// against a running deployment. One line per check; exits non-zero when any fails.
    Smoke {
        /// Where the deployment answers, e.g. https://signals.example.com.
        #[arg(long)]
        base_url: String,
        /// An existing account to check with (default: register a throw-away one).
        #[arg(long, requires = "password")]
        email: Option<String>,
        /// The account's password (or SMOKE_PASSWORD, which keeps it out of `ps`).
        #[arg(
            long,
            env = "SMOKE_PASSWORD",
            hide_env_values = true,
            requires = "email"
        )]
        password: Option<String>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// The p95 latency the 20 `/api/v1/run` calls must stay under, in ms.
        #[arg(long, default_value_t = 200)]
        max_p95_ms: u64,
    },
    /// Seal every stored user secret written with ENCRYPTION_KEY_PREVIOUS again with
    /// ENCRYPTION_KEY (one transaction); afterwards ENCRYPTION_KEY_PREVIOUS can go.
    RotateEncryptionKey,
    /// SONAR, the code index.
    Sonar {
        #[command(subcommand)]
        command: SonarCommand,
    },
    /// Administrators: `admin grant EMAIL` makes an existing account one, `admin
    /// revoke EMAIL` makes it a user again. Works wherever the binary runs (inside a
    /// container too); in staging and production this is how administrators are made.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Give an existing user a role: `admin` or `user`.
    SetRole {
        /// The user's email address.
        email: String,
        /// `admin` or `user`.
        role: String,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Make the account with this email an administrator.
    Grant { email: String },
    /// Make the account with this email a user again.
    Revoke { email: String },
    /// Set the account's tier: free, starter, pro or enterprise (audited).
    Tier { email: String, tier: String },
}

#[derive(Subcommand)]
enum SonarCommand {
    /// Index PATH (default: SONAR_ROOT, else the current directory): Rust, Python,
    /// TypeScript/JavaScript and config files, honouring .gitignore; only changed
    /// files are parsed again.
    Index { path: Option<std::path::PathBuf> },
}

pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    // These two talk to a server over HTTP: no configuration, database or secrets.
    match cli.command {
        Some(Command::Healthcheck) => return report(super::healthcheck::run().await),
        Some(Command::Smoke {
            base_url,
            email,
            password,
            json,
            max_p95_ms,
        }) => {
            let options = super::smoke::Options {
                base_url,
                credentials: email.zip(password),
                max_p95: std::time::Duration::from_millis(max_p95_ms),
            };
            return smoke(&options, json).await;
        }
        _ => {}
    }
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
        Command::Backup { path } => super::cli_ops::backup(&config, &path).await,
        Command::CheckConfig => super::cli_ops::check_config(&config).await,
        Command::Healthcheck | Command::Smoke { .. } => unreachable!("handled above"),
        Command::RotateEncryptionKey => super::cli_ops::rotate_encryption_key(&config).await,
        Command::Sonar {
            command: SonarCommand::Index { path },
        } => super::cli_ops::sonar_index(&config, path).await,
        Command::CreateAdmin { email } => create_admin(&config, &email).await,
        Command::SetRole { email, role } => set_role(&config, &email, &role).await,
        Command::Admin {
            command: AdminCommand::Grant { email },
        } => set_role(&config, &email, "admin").await,
        Command::Admin {
            command: AdminCommand::Revoke { email },
        } => set_role(&config, &email, "user").await,
        Command::Admin {
            command: AdminCommand::Tier { email, tier },
        } => super::cli_ops::set_tier(&config, &email, &tier).await,
        Command::ImportCsv { symbol, file } => import_csv(&config, &symbol, &file).await,
        Command::Import {
            paths,
            global: _,
            user,
        } => {
            let target = match user {
                Some(email) => super::cli_import::Target::User(email),
                None => super::cli_import::Target::Global,
            };
            super::cli_import::import(&config, &paths, target).await
        }
        Command::Signals { symbols, model } => {
            super::cli_analysis::signals(&config, &symbols, &model).await
        }
        Command::Backtest {
            symbol,
            strategy,
            cash,
            commission,
            allow_short,
        } => {
            super::cli_analysis::backtest(
                &config,
                &symbol,
                &strategy,
                cash,
                commission,
                allow_short,
            )
            .await
        }
        Command::Optimize {
            symbol,
            strategy,
            fast,
            slow,
            period,
            lower,
            upper,
            model,
            maximize,
            minimize,
            cash,
            commission,
            allow_short,
            top,
        } => {
            let given = [
                ("fast", fast),
                ("slow", slow),
                ("period", period),
                ("lower", lower),
                ("upper", upper),
            ];
            let params = given
                .into_iter()
                .filter_map(|(name, text)| text.map(|t| (name, t)))
                .collect();
            let args = super::cli_optimize::OptimizeArgs {
                symbol,
                strategy,
                params,
                model,
                maximize,
                minimize,
                cash,
                commission,
                allow_short,
                top,
            };
            super::cli_optimize::optimize(&config, args).await
        }
    };
    report(result)
}

fn report(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn smoke(options: &super::smoke::Options, json: bool) -> ExitCode {
    let report = super::smoke::run(options).await;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("the report serialises")
        );
    } else {
        print!("{}", report.lines());
    }
    if report.succeeded() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
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

async fn create_admin(config: &Config, email: &str) -> Result<(), String> {
    let parsed = Email::parse(email).map_err(|reason| format!("{email:?}: {reason}"))?;
    let db = serve::open_database(config).await?;
    let result = async {
        if users::find_by_email(&db, parsed.as_str())
            .await
            .map_err(|e| e.to_string())?
            .is_none()
        {
            let (password, generated) = admin_password(&parsed)?;
            service::register(
                &db,
                parsed.as_str(),
                password.clone(),
                &RequestMeta::default(),
                service::AdminRule::default(),
            )
            .await
            .map_err(|e| describe(&e))?;
            if generated {
                println!("created {} with password: {password}", parsed.as_str());
                println!("(shown once: store it, then change it after logging in)");
            } else {
                println!("created {}", parsed.as_str());
            }
        }
        users::set_role_by_email(&db, parsed.as_str(), Role::Admin, now_unix())
            .await
            .map_err(|e| e.to_string())?;
        println!("{} is now admin", parsed.as_str());
        Ok(())
    }
    .await;
    db.close().await;
    result
}

/// The new administrator's password: piped on standard input, or generated.
fn admin_password(email: &Email) -> Result<(String, bool), String> {
    use std::io::{IsTerminal, Read};
    let mut stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut piped = String::new();
        stdin
            .read_to_string(&mut piped)
            .map_err(|e| format!("reading the password from stdin: {e}"))?;
        let piped = piped.trim_end_matches(['\r', '\n']).to_string();
        if !piped.is_empty() {
            return Ok((piped, false));
        }
    }
    loop {
        // A random password could, rarely, contain the email's local part: draw again.
        let password = super::auth::tokens::generated_password();
        if crate::domain::password_policy::failed_rules(&password, email).is_empty() {
            return Ok((password, true));
        }
    }
}

async fn import_csv(config: &Config, symbol: &str, file: &std::path::Path) -> Result<(), String> {
    use crate::market::csv_import;
    use crate::server::market::{import, store::SHARED};
    use indicatif::{ProgressBar, ProgressStyle};

    let symbol = Symbol::parse(symbol).map_err(|reason| format!("symbol {symbol:?} {reason}"))?;
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let bars = match csv_import::parse(&text) {
        Ok(bars) => bars,
        Err(rejected) => {
            for error in &rejected.errors {
                eprintln!("{}:{}: {}", file.display(), error.line, error.reason);
            }
            return Err(format!(
                "INVALID_CSV: {} problem(s) in {}; nothing was imported",
                rejected.total,
                file.display()
            ));
        }
    };
    let db = serve::open_database(config).await?;
    let bar = ProgressBar::new(bars.len() as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} bars").map_err(|e| e.to_string())?,
    );
    let stored = import::store_import(
        &db,
        &Default::default(),
        &symbol,
        SHARED,
        &bars,
        None,
        |n| bar.set_position(n as u64),
    )
    .await;
    bar.finish_and_clear();
    db.close().await;
    let summary = stored.map_err(|e| describe(&e))?;
    println!(
        "{symbol}: {} new and {} updated bars, {} to {}",
        summary.imported, summary.updated, summary.first, summary.last
    );
    Ok(())
}

async fn set_role(config: &Config, email: &str, role: &str) -> Result<(), String> {
    let role =
        Role::parse(role).ok_or_else(|| format!("role must be admin or user (got {role:?})"))?;
    let email = Email::parse(email).map_err(|reason| format!("{email:?}: {reason}"))?;
    let db = serve::open_database(config).await?;
    let found = users::set_role_by_email(&db, email.as_str(), role, now_unix())
        .await
        .map_err(|e| e.to_string())?;
    db.close().await;
    if !found {
        return Err(format!("no user with email {}", email.as_str()));
    }
    println!("{} is now {}", email.as_str(), role.as_str());
    Ok(())
}

//! Operator commands: `backup PATH` (a consistent copy of a live SQLite database),
//! `check-config` (the environment, the site file and every dependency checked
//! before a deploy, with each problem named), `admin tier` and `rotate-encryption-key`.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Row};

use super::config::Config;
use super::db::{Backend, Database};
use super::site::{load_site_options, SITE_CONFIG_FILE};

const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// `VACUUM INTO` writes a transactionally consistent copy while the server keeps
/// serving (readers and writers are not blocked for long), then the copy is checked.
pub async fn backup(config: &Config, target: &Path) -> Result<(), String> {
    if Backend::from_url(&config.database_url) != Some(Backend::Sqlite) {
        return Err(
            "backup copies SQLite databases; back up PostgreSQL with pg_dump (docs/DEPLOYMENT.md)"
                .into(),
        );
    }
    let source = SqliteConnectOptions::from_str(&config.database_url)
        .map_err(|e| format!("DATABASE_URL: {e}"))?;
    if !source.get_filename().exists() {
        return Err(format!(
            "no database at {} (DATABASE_URL)",
            source.get_filename().display()
        ));
    }
    if target.exists() {
        return Err(format!(
            "{} already exists: choose a new file",
            target.display()
        ));
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let db = Database::connect(&config.database_url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let copied = sqlx::query("VACUUM INTO $1")
        .bind(target.to_string_lossy().to_string())
        .execute(db.pool())
        .await;
    db.close().await;
    copied.map_err(|e| format!("backup failed: {e}"))?;

    let (integrity, users) = verify_copy(target)
        .await
        .map_err(|e| format!("the copy at {} cannot be read: {e}", target.display()))?;
    if integrity != "ok" {
        return Err(format!(
            "the copy at {} failed its integrity check: {integrity}",
            target.display()
        ));
    }
    let bytes = std::fs::metadata(target).map(|m| m.len()).unwrap_or(0);
    println!(
        "backup written to {} ({bytes} bytes, {users} users), integrity ok",
        target.display()
    );
    Ok(())
}

async fn verify_copy(path: &Path) -> Result<(String, i64), sqlx::Error> {
    let mut connection = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await?;
    let integrity: String = sqlx::query("PRAGMA integrity_check")
        .fetch_one(&mut connection)
        .await?
        .try_get(0)?;
    let users: i64 = sqlx::query("SELECT COUNT(*) FROM users")
        .fetch_one(&mut connection)
        .await?
        .try_get(0)?;
    Ok((integrity, users))
}

/// Everything `serve` needs, checked without serving. The variables themselves were
/// already validated when the configuration was read (a bad one never gets here).
pub async fn check_config(config: &Config) -> Result<(), String> {
    let mut problems = Vec::new();
    let mut report = vec![
        format!("environment: {}", config.environment.as_str()),
        format!(
            "metrics: {}",
            if config.enable_metrics { "on" } else { "off" }
        ),
    ];
    match load_site_options(SITE_CONFIG_FILE) {
        Ok(site) => report.push(format!("listen address: {}", site.site_addr)),
        Err(e) => problems.push(e),
    }
    match tokio::time::timeout(CHECK_TIMEOUT, database_report(config)).await {
        Ok(Ok(line)) => report.push(line),
        Ok(Err(e)) => problems.push(format!("DATABASE_URL: {e}")),
        Err(_) => problems.push("DATABASE_URL: the database did not answer within 5 s".into()),
    }
    match super::redis_link::client(config) {
        Ok(Some(client)) => match super::redis_link::ping(&client, CHECK_TIMEOUT).await {
            Ok(()) => report.push("redis: reachable".into()),
            Err(e) => problems.push(format!("REDIS_URL: {e}")),
        },
        Ok(None) => report.push("redis: not configured (rate limits counted in memory)".into()),
        Err(e) => problems.push(e),
    }
    for warning in &config.warnings {
        report.push(format!("warning: {warning}"));
    }
    if problems.is_empty() {
        println!("configuration OK");
        for line in report {
            println!("  {line}");
        }
        Ok(())
    } else {
        Err(format!(
            "configuration has problems:\n{}",
            problems
                .iter()
                .map(|p| format!("  - {p}"))
                .collect::<Vec<_>>()
                .join("\n")
        ))
    }
}

async fn database_report(config: &Config) -> Result<String, String> {
    let db = Database::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let result = async {
        use super::crypto::rotation::{inspect_key, KeyCheck};
        db.ping().await.map_err(|e| e.to_string())?;
        let sealer = super::crypto::Sealer::new(
            &config.encryption_key,
            config.encryption_key_previous.as_ref(),
        );
        // A database not migrated yet has no key check to read.
        let key = match db.applied_migrations().await {
            Ok(0) | Err(_) => "encryption key: recorded at first start".to_string(),
            Ok(_) => match inspect_key(&db, &sealer).await? {
                None => "encryption key: recorded at first start".to_string(),
                Some(KeyCheck::Current | KeyCheck::Recorded) => {
                    "encryption key: opens the stored secrets".to_string()
                }
                Some(KeyCheck::Previous) => {
                    "encryption key: secrets still sealed with ENCRYPTION_KEY_PREVIOUS (run rotate-encryption-key)".to_string()
                }
            },
        };
        Ok(format!(
            "database: {}, reachable\n{key}",
            db.backend().as_str()
        ))
    }
    .await;
    db.close().await;
    result
}

/// `sonar index [PATH]`: indexes with a progress bar, then prints what changed.
pub async fn sonar_index(config: &Config, path: Option<std::path::PathBuf>) -> Result<(), String> {
    use indicatif::{ProgressBar, ProgressStyle};

    use super::sonar::{index, scan::Limits};

    let root = path.unwrap_or_else(|| config.sonar_root.clone());
    let db = super::serve::open_database(config).await?;
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} files").map_err(|e| e.to_string())?,
    );
    let shown = bar.clone();
    let report = index::index(&db, &root, Limits::default(), move |done, total| {
        shown.set_length(total as u64);
        shown.set_position(done as u64);
    })
    .await;
    bar.finish_and_clear();
    db.close().await;
    let report = report.map_err(|e| format!("{}: {e}", root.display()))?;
    println!(
        "{}: {} files ({} parsed, {} removed), {} nodes, {} edges, {} secret findings in {} ms",
        root.display(),
        report.files,
        report.changed,
        report.removed,
        report.nodes,
        report.edges,
        report.findings,
        report.duration.as_millis()
    );
    if report.truncated || report.skipped_too_large + report.skipped_not_text > 0 {
        println!(
            "skipped: {} over the size limit, {} not UTF-8 text{}",
            report.skipped_too_large,
            report.skipped_not_text,
            if report.truncated {
                "; stopped at the file limit"
            } else {
                ""
            }
        );
    }
    Ok(())
}

/// `admin tier EMAIL TIER`: changes the tier and records it in the account's audit log.
pub async fn set_tier(config: &Config, email: &str, tier: &str) -> Result<(), String> {
    use super::accounts::audit::{self, AuditEvent};
    use super::accounts::users;
    use crate::domain::tier::Tier;

    let tier = Tier::parse(tier)
        .ok_or_else(|| format!("tier must be free, starter, pro or enterprise (got {tier:?})"))?;
    let email = crate::domain::email::Email::parse(email)
        .map_err(|reason| format!("{email:?}: {reason}"))?;
    let db = super::serve::open_database(config).await?;
    let result = async {
        let user = users::find_by_email(&db, email.as_str())
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("no user with email {}", email.as_str()))?;
        let mut tx = db.begin().await.map_err(|e| e.to_string())?;
        users::set_tier(&mut *tx, &user.id, tier, super::clock::now_unix())
            .await
            .map_err(|e| e.to_string())?;
        let details =
            serde_json::json!({ "from": user.tier.as_str(), "to": tier.as_str(), "by": "cli" });
        audit::record(
            &mut *tx,
            Some(&user.id),
            AuditEvent::TierChanged,
            &super::request_meta::RequestMeta::default(),
            details,
        )
        .await
        .map_err(|e| e.to_string())?;
        tx.commit().await.map_err(|e| e.to_string())?;
        println!("{} is now on the {} tier", email.as_str(), tier.as_str());
        Ok(())
    }
    .await;
    db.close().await;
    result
}

/// `rotate-encryption-key`: every value sealed with `ENCRYPTION_KEY_PREVIOUS` sealed
/// again with `ENCRYPTION_KEY`, all or nothing.
pub async fn rotate_encryption_key(config: &Config) -> Result<(), String> {
    use super::crypto::rotation::{check_key, rotate, SEALED_COLUMNS};
    use super::crypto::Sealer;

    let sealer = Sealer::new(
        &config.encryption_key,
        config.encryption_key_previous.as_ref(),
    );
    let db = super::serve::open_database(config).await?;
    let result = async {
        check_key(&db, &sealer).await?;
        let report = rotate(&db, &sealer, SEALED_COLUMNS)
            .await
            .map_err(|e| format!("nothing was changed: {e}"))?;
        for column in &report {
            println!(
                "{}: {} sealed again, {} already under the current key",
                column.column, column.rewritten, column.already_current
            );
        }
        println!(
            "every stored secret is sealed with ENCRYPTION_KEY (key id {}){}",
            sealer.key_id(),
            if config.encryption_key_previous.is_some() {
                "; ENCRYPTION_KEY_PREVIOUS can be removed"
            } else {
                ""
            }
        );
        Ok(())
    }
    .await;
    db.close().await;
    result
}

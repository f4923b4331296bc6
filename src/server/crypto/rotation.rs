//! Where sealed values live, the start-up check that `ENCRYPTION_KEY` is the key they
//! were sealed with, and `rotate-encryption-key`, which seals every value written
//! with `ENCRYPTION_KEY_PREVIOUS` again with `ENCRYPTION_KEY`.

use secrecy::ExposeSecret;
use sqlx::Row;

use super::sealed::{SealError, Sealer};
use crate::server::db::{meta, Database};

/// A column holding sealed values. Each value's context is `table.column:<row id>`.
#[derive(Clone, Copy, Debug)]
pub struct SealedColumn {
    pub table: &'static str,
    pub id_column: &'static str,
    pub value_column: &'static str,
    /// Restricts the rows (a fixed SQL condition, never user input).
    pub only: Option<&'static str>,
}

impl SealedColumn {
    pub fn context(&self, id: &str) -> String {
        format!("{}.{}:{id}", self.table, self.value_column)
    }
}

/// The key check: a known text sealed when the database first met its key.
const KEY_CHECK: &str = "encryption_key_check";
const KEY_CHECK_TEXT: &str = "investment-system key check";
const KEY_CHECK_COLUMN: SealedColumn = SealedColumn {
    table: "app_meta",
    id_column: "key",
    value_column: "value",
    only: Some("key = 'encryption_key_check'"),
};

/// Every column with sealed values; a feature that stores a user secret adds its own.
pub const SEALED_COLUMNS: &[SealedColumn] = &[KEY_CHECK_COLUMN];

/// What the start-up check found.
#[derive(Debug, PartialEq, Eq)]
pub enum KeyCheck {
    /// First start with this database: the check value was written.
    Recorded,
    /// Sealed with `ENCRYPTION_KEY`.
    Current,
    /// Sealed with `ENCRYPTION_KEY_PREVIOUS`: a rotation is under way.
    Previous,
}

/// Refuses to go on with a key that cannot open what this database holds: a changed
/// `ENCRYPTION_KEY` without `ENCRYPTION_KEY_PREVIOUS` would make every stored secret
/// unreadable, silently. The first start records the check value.
pub async fn check_key(db: &Database, sealer: &Sealer) -> Result<KeyCheck, String> {
    if let Some(found) = inspect_key(db, sealer).await? {
        return Ok(found);
    }
    let sealed = sealer.seal(KEY_CHECK_TEXT, &KEY_CHECK_COLUMN.context(KEY_CHECK));
    if meta::insert_if_absent(db, KEY_CHECK, &sealed)
        .await
        .map_err(|e| e.to_string())?
    {
        return Ok(KeyCheck::Recorded);
    }
    // Another instance starting at the same moment recorded its key first.
    inspect_key(db, sealer)
        .await?
        .ok_or_else(|| "the encryption key check vanished while being recorded".to_string())
}

/// The check without writing anything (`check-config`): `None` before the first start.
pub async fn inspect_key(db: &Database, sealer: &Sealer) -> Result<Option<KeyCheck>, String> {
    let Some(stored) = meta::get(db, KEY_CHECK).await.map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    match sealer.open(&stored, &KEY_CHECK_COLUMN.context(KEY_CHECK)) {
        Ok(opened) if opened.stale => Ok(Some(KeyCheck::Previous)),
        Ok(_) => Ok(Some(KeyCheck::Current)),
        Err(SealError::UnknownKey(id)) => Err(format!(
            "ENCRYPTION_KEY (key id {}) is not the key this database's secrets were sealed with \
             (key id {id}): set ENCRYPTION_KEY back, or set ENCRYPTION_KEY_PREVIOUS to the old key \
             and run `investment-system rotate-encryption-key`",
            sealer.key_id()
        )),
        Err(e) => Err(format!(
            "the stored encryption key check is unreadable: {e}"
        )),
    }
}

/// One column's outcome.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ColumnRotation {
    pub column: String,
    pub rewritten: u64,
    pub already_current: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum RotationError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{column} row {id}: {error}")]
    Unreadable {
        column: String,
        id: String,
        error: SealError,
    },
}

/// Seals every stale value in `columns` again with the current key: all or nothing
/// (one transaction), so a value that does not open leaves everything as it was.
pub async fn rotate(
    db: &Database,
    sealer: &Sealer,
    columns: &[SealedColumn],
) -> Result<Vec<ColumnRotation>, RotationError> {
    let mut tx = db.begin().await?;
    let mut report = Vec::with_capacity(columns.len());
    for column in columns {
        let name = format!("{}.{}", column.table, column.value_column);
        let select = format!(
            "SELECT CAST({id} AS TEXT) AS id, {value} AS value FROM {table} WHERE {value} IS NOT NULL{only}",
            id = column.id_column,
            value = column.value_column,
            table = column.table,
            only = column.only.map(|c| format!(" AND {c}")).unwrap_or_default(),
        );
        let rows = sqlx::query(&select).fetch_all(&mut *tx).await?;
        let mut outcome = ColumnRotation {
            column: name.clone(),
            ..ColumnRotation::default()
        };
        let update = format!(
            "UPDATE {table} SET {value} = $1 WHERE CAST({id} AS TEXT) = $2 AND {value} = $3",
            table = column.table,
            value = column.value_column,
            id = column.id_column,
        );
        for row in rows {
            let id: String = row.try_get("id")?;
            let stored: String = row.try_get("value")?;
            let context = column.context(&id);
            let opened =
                sealer
                    .open(&stored, &context)
                    .map_err(|error| RotationError::Unreadable {
                        column: name.clone(),
                        id: id.clone(),
                        error,
                    })?;
            if !opened.stale {
                outcome.already_current += 1;
                continue;
            }
            let resealed = sealer.seal(opened.plaintext.expose_secret(), &context);
            sqlx::query(&update)
                .bind(resealed)
                .bind(&id)
                .bind(&stored)
                .execute(&mut *tx)
                .await?;
            outcome.rewritten += 1;
        }
        report.push(outcome);
    }
    tx.commit().await?;
    Ok(report)
}

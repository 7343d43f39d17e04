//! The shipped SQL migrations and [`migrate`], which applies the missing ones.

use crate::error::PgError;

/// One migration: its number, file name and SQL.
#[derive(Clone, Copy, Debug)]
pub struct Migration {
    /// Applied in ascending order; recorded in `leadpool_migrations`.
    pub version: i32,
    /// The file under `migrations/`.
    pub name: &'static str,
    /// The SQL, run in one transaction.
    pub sql: &'static str,
}

/// Every migration this build ships, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_initial.sql",
        sql: include_str!("../migrations/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "0002_tenants.sql",
        sql: include_str!("../migrations/0002_tenants.sql"),
    },
];

impl Migration {
    /// The checksum [`migrate`] records for this migration in `leadpool_migrations` (and
    /// compares on every start): 16 hex digits. If you apply the SQL files with a tool of your
    /// own and later switch to [`migrate`], record each applied one with this checksum.
    pub fn checksum(&self) -> String {
        checksum(self.sql)
    }
}

/// What [`migrate`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Migrated {
    /// The migrations this call applied (none when the schema was up to date).
    pub applied: Vec<i32>,
    /// The schema's version afterwards (the highest recorded migration).
    pub version: i32,
}

/// The advisory lock every instance's [`migrate`] takes: one migrator at a time per database.
const LOCK: i64 = 0x6c65_6164_706f_6f6c; // "leadpool"

/// Applies the migrations the database lacks, each recorded in `leadpool_migrations` with a
/// checksum of its SQL, all in one transaction under a transaction-level advisory lock: when
/// several instances start at once, one migrates and the others wait for it and then find
/// nothing to do. Idempotent. It is database-wide: one set of tables serves every tenant, so it
/// runs once per database (not per tenant), whichever tenant the calling store is bound to.
/// Tables go where the connection's `search_path` points (its first schema).
///
/// Call it at start-up, before serving; [`PgStore::migrate`](crate::PgStore::migrate) does it
/// with a connection of the store's pool.
///
/// # Errors
///
/// A failed statement (the transaction is rolled back: nothing is applied), or
/// [`PgError::MigrationChanged`] when a recorded migration's checksum differs from the SQL this
/// build ships.
pub async fn migrate(client: &tokio_postgres::Client) -> Result<Migrated, PgError> {
    client.batch_execute("BEGIN").await?;
    match apply(client).await {
        Ok(done) => {
            client.batch_execute("COMMIT").await?;
            Ok(done)
        }
        Err(error) => {
            // The error is what matters; a failed rollback leaves the connection broken, and
            // the server rolls back when it goes.
            let _ = client.batch_execute("ROLLBACK").await;
            Err(error)
        }
    }
}

async fn apply(client: &tokio_postgres::Client) -> Result<Migrated, PgError> {
    client
        .execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])
        .await?;
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS leadpool_migrations (
                version    integer     PRIMARY KEY,
                name       text        NOT NULL,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )",
        )
        .await?;
    let rows = client
        .query(
            "SELECT version, checksum FROM leadpool_migrations ORDER BY version",
            &[],
        )
        .await?;
    let mut recorded = Vec::with_capacity(rows.len());
    for row in rows {
        recorded.push((row.try_get::<_, i32>(0)?, row.try_get::<_, String>(1)?));
    }
    let mut done = Migrated {
        applied: Vec::new(),
        version: recorded.iter().map(|(v, _)| *v).max().unwrap_or(0),
    };
    for migration in MIGRATIONS {
        let shipped = migration.checksum();
        match recorded.iter().find(|(v, _)| *v == migration.version) {
            Some((_, applied)) if *applied == shipped => continue,
            Some((_, applied)) => {
                return Err(PgError::MigrationChanged {
                    version: migration.version,
                    name: migration.name,
                    applied: applied.clone(),
                    shipped,
                });
            }
            None => {}
        }
        client.batch_execute(migration.sql).await?;
        client
            .execute(
                "INSERT INTO leadpool_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                &[&migration.version, &migration.name, &shipped],
            )
            .await?;
        done.applied.push(migration.version);
        done.version = done.version.max(migration.version);
    }
    Ok(done)
}

/// FNV-1a, 64 bits, as 16 hex digits: enough to notice an edited migration.
fn checksum(sql: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in sql.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_and_named_after_their_files() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i32 + 1);
            assert!(m.name.starts_with(&format!("{:04}_", m.version)));
            assert!(!m.sql.trim().is_empty());
        }
    }

    #[test]
    fn the_checksum_changes_with_the_sql() {
        assert_eq!(checksum("a"), checksum("a"));
        assert_ne!(checksum("a"), checksum("b"));
        assert_eq!(checksum("").len(), 16);
    }
}

//! [`TenantId`]: which company's leads a [`PgStore`](crate::PgStore) reads and writes.

use std::fmt;
use std::str::FromStr;

/// A tenant of the database: one company (one CRM customer) whose team, policy, clients,
/// ledgers and event log are kept apart from every other tenant's in the same tables.
///
/// It is the `tenant bigint` column of every table, so any `i64` is a valid tenant id: use
/// the primary key of your own tenants (companies, accounts) table. There is no registry of
/// tenants in the adapter: a tenant exists once it has committed something (or
/// [`PgStore::create_tenant`](crate::PgStore::create_tenant) was called for it), and a
/// tenant that never did reads as an empty store with no configuration installed.
///
/// [`TenantId::DEFAULT`] (0) is where a database migrated from schema version 1 (before
/// tenants) finds its rows, and the tenant of a single-company deployment.
///
/// ```
/// use leadpool_postgres::TenantId;
///
/// let tenant: TenantId = "42".parse()?; // e.g. from an `X-Tenant` header
/// assert_eq!(tenant, TenantId(42));
/// assert_eq!(tenant.to_string(), "tenant#42");
/// assert_eq!(TenantId::default(), TenantId::DEFAULT);
/// # Ok::<(), std::num::ParseIntError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TenantId(pub i64);

impl TenantId {
    /// Tenant 0: the rows of a database migrated from before tenants, and the tenant of a
    /// deployment that serves one company.
    pub const DEFAULT: TenantId = TenantId(0);
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tenant#{}", self.0)
    }
}

impl From<i64> for TenantId {
    fn from(raw: i64) -> Self {
        Self(raw)
    }
}

/// Parses the decimal number alone (`"42"`, not `"tenant#42"`), as a header or a
/// configuration value carries it.
impl FromStr for TenantId {
    type Err = std::num::ParseIntError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.trim().parse().map(Self)
    }
}

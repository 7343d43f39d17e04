//! The whole store-contract conformance suite of leadpool, against PostgreSQL: every contract
//! on a fresh schema, run by the store of one tenant while another tenant of the same tables
//! has a history there (the same client ids, rep ids and dedupe keys), whose rows must come
//! out of the suite untouched, to the row version.

mod common;

use common::{
    Blocking, TABLES, TENANT, admin_client, count_rows, database_url, fresh_store, history,
    runtime, tenant_rows,
};
use leadpool::conformance::{self, Contract};
use leadpool_postgres::TenantId;

/// The tenant beside the suite's: the default one, where a statement that wrote tenant 0
/// would land.
const OTHER: TenantId = TenantId::DEFAULT;

#[test]
fn postgres_store_passes_the_whole_conformance_suite_beside_another_tenant() {
    let Some(url) = database_url("conformance") else {
        return;
    };
    let started = std::time::Instant::now();
    // Each contract's schema, with the other tenant's rows as they were before the contract.
    let mut schemas: Vec<(String, Vec<String>)> = Vec::new();
    let fresh = || {
        let (store, schema, before) = runtime().block_on(async {
            let (store, schema) = fresh_store(&url, "conf", 10).await;
            let other = store.for_tenant(OTHER);
            history(&other, "other", false).await;
            let admin = admin_client(&url, &schema).await;
            for table in TABLES {
                assert!(
                    count_rows(&admin, table, OTHER).await > 0,
                    "the other tenant has rows in {table}"
                );
            }
            let before = tenant_rows(&admin, OTHER).await;
            (store, schema, before)
        });
        assert_eq!(store.tenant(), TENANT);
        schemas.push((schema, before));
        Blocking::new(store)
    };
    let passed = conformance::run_all(fresh);
    assert_eq!(passed, Contract::ALL);
    assert_eq!(schemas.len(), Contract::ALL.len());
    runtime().block_on(async {
        for ((schema, before), contract) in schemas.iter().zip(Contract::ALL) {
            let admin = admin_client(&url, schema).await;
            let after = tenant_rows(&admin, OTHER).await;
            assert_eq!(
                &after,
                before,
                "contract {} changed the rows of the other tenant",
                contract.name()
            );
            // The contract committed in its own tenant, whose first commit made its rows.
            assert_eq!(count_rows(&admin, "leadpool_config", TENANT).await, 1);
            assert_eq!(count_rows(&admin, "leadpool_log_head", TENANT).await, 1);
        }
    });
    eprintln!(
        "{} store contracts held on PostgreSQL beside another tenant, whose rows stayed as \
         they were ({:.1?})",
        passed.len(),
        started.elapsed()
    );
}

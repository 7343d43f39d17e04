-- Optional hardening, not a migration: PostgreSQL row-level security on the leadpool tables,
-- so that a role other than the service's (reporting, support, a BI tool reading the tables
-- directly) sees the rows of one tenant only, the one its session names:
--
--     SET leadpool.tenant = '42';
--     SELECT count(*) FROM leadpool_clients;   -- tenant 42's clients, and no other's
--
-- Without the setting the role sees no row. Run it as the tables' owner, after `migrate`,
-- with your role's name for leadpool_reporting (grant it USAGE on the schema and SELECT on the
-- tables as you would anyway).
--
-- The store itself does not set `leadpool.tenant`: it filters by tenant in every statement.
-- Keep its role the tables' owner (owners bypass row-level security unless FORCE ROW LEVEL
-- SECURITY is set, which would then hide every row from the store) or give it BYPASSRLS.

ALTER TABLE leadpool_config      ENABLE ROW LEVEL SECURITY;
ALTER TABLE leadpool_log_head    ENABLE ROW LEVEL SECURITY;
ALTER TABLE leadpool_clients     ENABLE ROW LEVEL SECURITY;
ALTER TABLE leadpool_client_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE leadpool_ledgers     ENABLE ROW LEVEL SECURITY;
ALTER TABLE leadpool_events      ENABLE ROW LEVEL SECURITY;

CREATE POLICY leadpool_one_tenant ON leadpool_config TO leadpool_reporting
    USING (tenant = nullif(current_setting('leadpool.tenant', true), '')::bigint);
CREATE POLICY leadpool_one_tenant ON leadpool_log_head TO leadpool_reporting
    USING (tenant = nullif(current_setting('leadpool.tenant', true), '')::bigint);
CREATE POLICY leadpool_one_tenant ON leadpool_clients TO leadpool_reporting
    USING (tenant = nullif(current_setting('leadpool.tenant', true), '')::bigint);
CREATE POLICY leadpool_one_tenant ON leadpool_client_keys TO leadpool_reporting
    USING (tenant = nullif(current_setting('leadpool.tenant', true), '')::bigint);
CREATE POLICY leadpool_one_tenant ON leadpool_ledgers TO leadpool_reporting
    USING (tenant = nullif(current_setting('leadpool.tenant', true), '')::bigint);
CREATE POLICY leadpool_one_tenant ON leadpool_events TO leadpool_reporting
    USING (tenant = nullif(current_setting('leadpool.tenant', true), '')::bigint);

-- leadpool-postgres schema, version 2: many tenants (companies) in one database.
--
-- Every table gains `tenant bigint NOT NULL`, and every key and index starts with it: client
-- ids, rep ids, dedupe keys and log positions are per tenant. The rows already stored go to
-- the default tenant, 0. The column has no default afterwards: a statement that forgets the
-- tenant fails instead of writing into tenant 0.
--
-- The configuration and the log head become one row per tenant (primary key `tenant`),
-- created together by the store the first time a tenant commits (or by
-- `PgStore::create_tenant`): every commit still locks its tenant's configuration row
-- FOR SHARE, and each tenant's log is numbered from 1 by its own counter row, so commits of
-- different tenants never wait on one another's rows.
--
-- `ADD COLUMN … NOT NULL DEFAULT 0` is a catalogue change (no table rewrite, PostgreSQL 11+);
-- the new primary keys and indexes are built from the existing rows, in this transaction.

-- The configuration: one row per tenant, version 0 until installed.
ALTER TABLE leadpool_config ADD COLUMN tenant bigint NOT NULL DEFAULT 0;
ALTER TABLE leadpool_config ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE leadpool_config DROP COLUMN id; -- and with it the primary key and CHECK (id = 1)
ALTER TABLE leadpool_config ADD CONSTRAINT leadpool_config_pkey PRIMARY KEY (tenant);

-- The log's counter: one row per tenant.
ALTER TABLE leadpool_log_head ADD COLUMN tenant bigint NOT NULL DEFAULT 0;
ALTER TABLE leadpool_log_head ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE leadpool_log_head DROP COLUMN id;
ALTER TABLE leadpool_log_head ADD CONSTRAINT leadpool_log_head_pkey PRIMARY KEY (tenant);

-- The log: positions per tenant. The append-only trigger stays (adding a column fires no row
-- trigger).
ALTER TABLE leadpool_events ADD COLUMN tenant bigint NOT NULL DEFAULT 0;
ALTER TABLE leadpool_events ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE leadpool_events DROP CONSTRAINT leadpool_events_pkey;
ALTER TABLE leadpool_events ADD CONSTRAINT leadpool_events_pkey PRIMARY KEY (tenant, seq);

-- Rep ledgers: per tenant.
ALTER TABLE leadpool_ledgers ADD COLUMN tenant bigint NOT NULL DEFAULT 0;
ALTER TABLE leadpool_ledgers ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE leadpool_ledgers DROP CONSTRAINT leadpool_ledgers_pkey;
ALTER TABLE leadpool_ledgers ADD CONSTRAINT leadpool_ledgers_pkey PRIMARY KEY (tenant, rep);

-- Clients and their dedupe keys: the key table's foreign key goes first, since it references
-- the clients' primary key, and comes back over (tenant, client_id).
ALTER TABLE leadpool_client_keys DROP CONSTRAINT leadpool_client_keys_client_id_fkey;

ALTER TABLE leadpool_clients ADD COLUMN tenant bigint NOT NULL DEFAULT 0;
ALTER TABLE leadpool_clients ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE leadpool_clients DROP CONSTRAINT leadpool_clients_pkey;
ALTER TABLE leadpool_clients ADD CONSTRAINT leadpool_clients_pkey PRIMARY KEY (tenant, id);
DROP INDEX leadpool_clients_owner;
DROP INDEX leadpool_clients_public;
DROP INDEX leadpool_clients_due;
CREATE INDEX leadpool_clients_owner
    ON leadpool_clients (tenant, owner, id) WHERE owner IS NOT NULL;
CREATE INDEX leadpool_clients_public
    ON leadpool_clients (tenant, pool, id) WHERE owner IS NULL;
CREATE INDEX leadpool_clients_due
    ON leadpool_clients (tenant, deadline, id) WHERE deadline IS NOT NULL;

-- A dedupe key has one holder per tenant: the same company may be a client of two tenants.
ALTER TABLE leadpool_client_keys ADD COLUMN tenant bigint NOT NULL DEFAULT 0;
ALTER TABLE leadpool_client_keys ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE leadpool_client_keys DROP CONSTRAINT leadpool_client_keys_pkey;
ALTER TABLE leadpool_client_keys
    ADD CONSTRAINT leadpool_client_keys_pkey PRIMARY KEY (tenant, kind, value, client_id);
DROP INDEX leadpool_client_keys_one_holder;
DROP INDEX leadpool_client_keys_client;
CREATE UNIQUE INDEX leadpool_client_keys_one_holder
    ON leadpool_client_keys (tenant, kind, value) WHERE holder;
CREATE INDEX leadpool_client_keys_client ON leadpool_client_keys (tenant, client_id);
ALTER TABLE leadpool_client_keys
    ADD CONSTRAINT leadpool_client_keys_client_fkey
    FOREIGN KEY (tenant, client_id) REFERENCES leadpool_clients (tenant, id);

-- leadpool-postgres schema, version 1: contract v2 of the leadpool store.
--
-- Every table is prefixed `leadpool_` so the schema can live beside a CRM's own tables; put it
-- in a schema of its own with `search_path` if you prefer. Documents are the serde JSON of the
-- leadpool types; the columns beside them are the indexed copies the queries need.
-- Instants are BIGINT nanoseconds since 1970-01-01 UTC: timestamptz keeps microseconds only,
-- and the store contract compares deadlines to the nanosecond.

-- The team and the policy: one row, created here at version 0 ("not installed") so that every
-- commit has a row to lock (FOR SHARE) and an install is a version-checked UPDATE like any
-- other configuration change.
CREATE TABLE leadpool_config (
    id      smallint PRIMARY KEY CHECK (id = 1),
    version bigint   NOT NULL CHECK (version >= 0),
    doc     jsonb    CHECK ((version = 0) = (doc IS NULL))
);
INSERT INTO leadpool_config (id, version, doc) VALUES (1, 0, NULL);

CREATE TABLE leadpool_clients (
    id                 bigint PRIMARY KEY,
    version            bigint NOT NULL CHECK (version >= 1),
    owner              bigint,
    pool               bigint NOT NULL,
    deadline           bigint,            -- next timer, ns since the epoch
    dedupe             text[] NOT NULL,   -- the keys it carries, 'kind:value'
    sweep_lease_until  bigint,            -- a sweeping instance's lease, ns (caller's clock)
    sweep_lease_holder bigint,            -- which instance holds it
    doc                jsonb  NOT NULL
);
CREATE INDEX leadpool_clients_owner ON leadpool_clients (owner, id) WHERE owner IS NOT NULL;
CREATE INDEX leadpool_clients_public ON leadpool_clients (pool, id) WHERE owner IS NULL;
CREATE INDEX leadpool_clients_due ON leadpool_clients (deadline, id) WHERE deadline IS NOT NULL;

-- Which client carries which dedupe key. Exactly one carrier of a key is its holder; the
-- unique index on the holders is what makes two concurrent imports of one company exclusive
-- in the database (the second waits for the first and finds the key taken). Further carriers
-- (holder = false) arise only when an update gives a stored client a key another carries, as
-- the store contract allows; when the holder drops the key, the lowest other carrier becomes
-- the holder.
CREATE TABLE leadpool_client_keys (
    kind      text    NOT NULL CHECK (kind IN ('company', 'phone', 'email')),
    value     text    NOT NULL,
    client_id bigint  NOT NULL REFERENCES leadpool_clients (id),
    holder    boolean NOT NULL,
    PRIMARY KEY (kind, value, client_id)
);
CREATE UNIQUE INDEX leadpool_client_keys_one_holder
    ON leadpool_client_keys (kind, value) WHERE holder;
CREATE INDEX leadpool_client_keys_client ON leadpool_client_keys (client_id);

CREATE TABLE leadpool_ledgers (
    rep     bigint PRIMARY KEY,
    version bigint NOT NULL CHECK (version >= 1),
    doc     jsonb  NOT NULL
);

-- The log. Positions come from the counter row, not a sequence: a sequence hands out numbers
-- outside the transaction and leaves gaps when one rolls back. The counter is updated as the
-- last statement of a commit and its row lock is held until COMMIT, so positions are
-- consecutive from 1, in commit order, and a reader never sees position n + 1 before n.
CREATE TABLE leadpool_log_head (
    id   smallint PRIMARY KEY CHECK (id = 1),
    head bigint   NOT NULL CHECK (head >= 0)
);
INSERT INTO leadpool_log_head (id, head) VALUES (1, 0);

CREATE TABLE leadpool_events (
    seq   bigint PRIMARY KEY CHECK (seq >= 1),
    event jsonb  NOT NULL
);

-- The log is append-only.
CREATE FUNCTION leadpool_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'leadpool_events is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER leadpool_events_append_only
    BEFORE UPDATE OR DELETE ON leadpool_events
    FOR EACH ROW EXECUTE FUNCTION leadpool_events_append_only();

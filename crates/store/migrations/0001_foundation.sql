-- Buitenzicht foundation schema.
-- Portable SQL: the same file runs on SQLite and PostgreSQL.
-- Type rules (checked by a store test): TEXT, BIGINT and DOUBLE PRECISION only;
-- booleans are BIGINT 0/1, instants are BIGINT Unix seconds (or *_ms milliseconds),
-- calendar dates are TEXT 'YYYY-MM-DD', ids are TEXT (UUID v7 or registry ids).

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    org_type TEXT NOT NULL,
    cbs_code TEXT,
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX organisations_name_key ON organisations (name);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    email TEXT,
    password_hash TEXT NOT NULL,
    must_change_password BIGINT NOT NULL DEFAULT 0,
    totp_secret TEXT,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 1,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_username_key ON users (username);
CREATE INDEX users_org_idx ON users (org_id);

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

-- Server-side sessions. Only a SHA-256 of the session token is stored.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    stage TEXT NOT NULL,
    user_id TEXT REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    pending_totp_secret TEXT,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Append-only, hash-chained audit trail (see bz_domain::audit).
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    ts_ms BIGINT NOT NULL,
    actor_id TEXT,
    actor_name TEXT NOT NULL,
    org_id TEXT,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    result TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

-- Municipalities (CBS boundaries). geometry: a GeoJSON MultiPolygon geometry object in RD New.
CREATE TABLE gemeenten (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    geometry TEXT NOT NULL,
    area_m2 DOUBLE PRECISION NOT NULL,
    source TEXT NOT NULL,
    imported_at BIGINT NOT NULL
);

-- Which municipalities an organisation works in.
CREATE TABLE organisation_areas (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    gemeente_code TEXT NOT NULL REFERENCES gemeenten (code),
    PRIMARY KEY (org_id, gemeente_code)
);

-- BAG verblijfsobjecten with their address.
CREATE TABLE addresses (
    id TEXT PRIMARY KEY,
    x DOUBLE PRECISION NOT NULL,
    y DOUBLE PRECISION NOT NULL,
    gemeente_code TEXT NOT NULL,
    straat TEXT NOT NULL,
    huisnummer BIGINT NOT NULL,
    huisletter TEXT,
    postcode TEXT,
    woonplaats TEXT NOT NULL,
    gebruiksdoel TEXT NOT NULL,
    oppervlakte BIGINT NOT NULL,
    bouwjaar BIGINT,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX addresses_gemeente_idx ON addresses (gemeente_code);
CREATE INDEX addresses_postcode_idx ON addresses (postcode, huisnummer);

-- Registered businesses (KvK vestigingen) at an address.
CREATE TABLE businesses (
    id TEXT PRIMARY KEY,
    kvk TEXT NOT NULL,
    name TEXT NOT NULL,
    address_id TEXT NOT NULL,
    sbi TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    source TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX businesses_address_idx ON businesses (address_id);

-- Partner incidents (police / environment service figures), with their legal basis.
CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    x DOUBLE PRECISION NOT NULL,
    y DOUBLE PRECISION NOT NULL,
    incident_date TEXT NOT NULL,
    kind TEXT NOT NULL,
    gemeente_code TEXT,
    source_org_id TEXT NOT NULL REFERENCES organisations (id),
    legal_basis TEXT NOT NULL,
    retention_until TEXT NOT NULL,
    description TEXT NOT NULL,
    imported_at BIGINT NOT NULL
);
CREATE INDEX incidents_gemeente_idx ON incidents (gemeente_code, incident_date);

-- Key/value facts about this installation (e.g. which demo seed made the data).
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

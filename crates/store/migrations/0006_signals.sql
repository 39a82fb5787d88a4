-- Signals (meldingen) about a place: from the public reporting form (with a
-- meldcode and the hash of its secret; no client address or agent is ever
-- stored), from professional intake, or imported from a partner.
CREATE TABLE signals (
    id TEXT PRIMARY KEY,
    meldcode TEXT,
    secret_hash TEXT,
    channel TEXT NOT NULL,
    source TEXT NOT NULL,
    source_org_id TEXT REFERENCES organisations (id),
    category TEXT NOT NULL,
    state TEXT NOT NULL,
    observed_on TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    x DOUBLE PRECISION,
    y DOUBLE PRECISION,
    bag_id TEXT,
    gemeente_code TEXT,
    description TEXT NOT NULL,
    assigned_org_id TEXT,
    assigned_user_id TEXT,
    closed_at BIGINT
);
CREATE UNIQUE INDEX signals_meldcode_key ON signals (meldcode);
CREATE INDEX signals_gemeente_idx ON signals (gemeente_code, observed_on);

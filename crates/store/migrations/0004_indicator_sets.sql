-- Versions of the gebiedsscan's indicator sets. An approved version never
-- changes: a change is a new version (a draft) that a beheerder or analist
-- other than its author approves (four eyes), in one transaction with its
-- audit entry. The default set (spec v1, version 1 of key gebiedsscan-v1)
-- lives in code, is always approved and is not stored here.

CREATE TABLE indicator_sets (
    key TEXT NOT NULL,
    version BIGINT NOT NULL,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    approved_by TEXT REFERENCES users (id),
    approved_by_name TEXT,
    approved_at BIGINT,
    PRIMARY KEY (key, version)
);
CREATE INDEX indicator_sets_status_idx ON indicator_sets (status, approved_at);

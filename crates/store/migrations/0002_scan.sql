-- Gebiedsscan runs, their results per address, and the human decisions on them.
-- Runs and results are immutable once written; decisions are appended, never edited.

CREATE TABLE scan_runs (
    id TEXT PRIMARY KEY,
    area_kind TEXT NOT NULL,
    area_code TEXT NOT NULL,
    area_name TEXT NOT NULL,
    peildatum TEXT NOT NULL,
    indicator_set TEXT NOT NULL,
    weights TEXT NOT NULL,
    inputs TEXT NOT NULL,
    started_by TEXT NOT NULL REFERENCES users (id),
    started_by_name TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    started_at BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    addresses BIGINT NOT NULL,
    buitengebied BIGINT NOT NULL,
    hoog BIGINT NOT NULL,
    midden BIGINT NOT NULL,
    laag BIGINT NOT NULL,
    mean_score DOUBLE PRECISION NOT NULL
);
CREATE INDEX scan_runs_area_idx ON scan_runs (area_code, started_at);

CREATE TABLE scan_results (
    run_id TEXT NOT NULL REFERENCES scan_runs (id),
    address_id TEXT NOT NULL,
    oad DOUBLE PRECISION NOT NULL,
    buitengebied BIGINT NOT NULL,
    incidenten_1km_5j BIGINT NOT NULL,
    signalen_500m_2j BIGINT NOT NULL,
    isolatie_m DOUBLE PRECISION NOT NULL,
    agrarisch_gestopt BIGINT NOT NULL,
    groot_bedrijfspand BIGINT NOT NULL,
    buiten_gebruik BIGINT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    klasse TEXT NOT NULL,
    PRIMARY KEY (run_id, address_id)
);
CREATE INDEX scan_results_score_idx ON scan_results (run_id, score);

CREATE TABLE scan_decisions (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES scan_runs (id),
    address_id TEXT NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    decided_by TEXT NOT NULL REFERENCES users (id),
    decided_by_name TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    decided_at BIGINT NOT NULL
);
CREATE INDEX scan_decisions_address_idx ON scan_decisions (run_id, address_id, decided_at);

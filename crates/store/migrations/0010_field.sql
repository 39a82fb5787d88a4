-- De boer op: visit rounds on farmyards, their teams, target lists with
-- routes, and the visits (conversations, never inspections).
CREATE TABLE visit_rounds (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    gemeente_code TEXT NOT NULL,
    name TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    interval_months BIGINT NOT NULL,
    visits_per_day BIGINT NOT NULL,
    start_label TEXT NOT NULL,
    start_x DOUBLE PRECISION NOT NULL,
    start_y DOUBLE PRECISION NOT NULL,
    participants TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX visit_rounds_gemeente_idx ON visit_rounds (gemeente_code, starts_on);

CREATE TABLE round_teams (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES visit_rounds (id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    members TEXT NOT NULL
);

CREATE TABLE round_targets (
    round_id TEXT NOT NULL REFERENCES visit_rounds (id),
    address_id TEXT NOT NULL,
    sources TEXT NOT NULL,
    team_id TEXT,
    route_day BIGINT,
    route_position BIGINT,
    PRIMARY KEY (round_id, address_id)
);

-- One row per visit; `client_key` makes a resubmission from a phone that was
-- offline idempotent.
CREATE TABLE visits (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES visit_rounds (id),
    address_id TEXT NOT NULL,
    team_id TEXT,
    visited_on TEXT NOT NULL,
    outcome TEXT NOT NULL,
    topics TEXT NOT NULL,
    signs TEXT NOT NULL,
    observation TEXT NOT NULL,
    materials TEXT NOT NULL,
    follow_ups TEXT NOT NULL,
    note TEXT NOT NULL,
    signal_id TEXT,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    recorded_org_id TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    client_key TEXT NOT NULL
);
CREATE UNIQUE INDEX visits_client_key ON visits (client_key);
CREATE INDEX visits_address_idx ON visits (address_id, visited_on);

-- Integrale acties: joint checks of risk addresses, outcomes per organisation.
CREATE TABLE field_actions (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    gemeente_code TEXT NOT NULL,
    name TEXT NOT NULL,
    action_date TEXT NOT NULL,
    briefing TEXT NOT NULL,
    participants TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE TABLE field_action_addresses (
    action_id TEXT NOT NULL REFERENCES field_actions (id),
    address_id TEXT NOT NULL,
    source TEXT NOT NULL,
    scan_run_id TEXT,
    scan_class TEXT,
    PRIMARY KEY (action_id, address_id)
);
CREATE TABLE field_action_outcomes (
    id TEXT PRIMARY KEY,
    action_id TEXT NOT NULL REFERENCES field_actions (id),
    address_id TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    police BIGINT NOT NULL,
    finding TEXT,
    follow_up_org TEXT,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    recorded_at BIGINT NOT NULL
);

-- Coaching: referrals (consent required) and the coach's file, a
-- compartment only the coach organisation reads. Contact details live in the
-- file, not in the referral that others may see coarsely.
CREATE TABLE coach_referrals (
    id TEXT PRIMARY KEY,
    gemeente_code TEXT NOT NULL,
    address_id TEXT,
    source TEXT NOT NULL,
    source_ref TEXT,
    coach_org_id TEXT NOT NULL REFERENCES organisations (id),
    consent_date TEXT NOT NULL,
    consent_how TEXT NOT NULL,
    status TEXT NOT NULL,
    referred_by TEXT NOT NULL REFERENCES users (id),
    referred_by_org_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    wijkteam_due TEXT,
    wijkteam_done_at BIGINT
);
CREATE INDEX coach_referrals_gemeente_idx ON coach_referrals (gemeente_code);
CREATE TABLE coach_file_entries (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES coach_referrals (id),
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    funded BIGINT NOT NULL,
    written_by TEXT NOT NULL REFERENCES users (id),
    written_at BIGINT NOT NULL
);

-- The follow-up workflow of signals (issue 6).
--
-- * Workflow as data: states and allowed transitions, seeded with the default
--   set of bz_signals::Workflow::default(); a beheerder edits them (validated
--   by bz_signals before saving).
-- * History: appended, never edited. Every line belongs to the signal it was
--   written for; a merge adds a `merged` line to both signals and a row in
--   signal_merges, and the surviving signal's timeline shows the lines of
--   every signal merged into it, so both histories are kept as they were.
-- * Attachments: stored in the database as base64 TEXT with a SHA-256 of
--   the bytes (the portable-types rule forbids BLOB/BYTEA). They are small
--   (photos are re-encoded and at most a few MB), so one transaction covers
--   the signal, its history line and its files, backups (VACUUM INTO,
--   pg_dump) include them, and the retention purge deletes them with the
--   signal: no orphan files in the data directory.
-- * Forwarding hand-offs, drug-waste protocol ticks, merges.
-- * Deadlines per category (working days) and retention per category and
--   state (no default of "forever"; every category x state has a rule), and
--   the counts the purge leaves behind for statistics.
-- Booleans are 0/1, instants Unix seconds, as everywhere.

CREATE TABLE signal_states (
    code TEXT PRIMARY KEY,
    name_nl TEXT NOT NULL,
    name_en TEXT NOT NULL,
    kind TEXT NOT NULL,
    initial BIGINT NOT NULL DEFAULT 0,
    sort_order BIGINT NOT NULL
);

CREATE TABLE signal_transitions (
    from_state TEXT NOT NULL REFERENCES signal_states (code),
    to_state TEXT NOT NULL REFERENCES signal_states (code),
    requires_text BIGINT NOT NULL DEFAULT 0,
    sort_order BIGINT NOT NULL,
    PRIMARY KEY (from_state, to_state)
);

INSERT INTO signal_states (code, name_nl, name_en, kind, initial, sort_order) VALUES ('nieuw', 'Nieuw', 'New', 'open', 1, 1);
INSERT INTO signal_states (code, name_nl, name_en, kind, initial, sort_order) VALUES ('in_behandeling', 'In behandeling', 'In progress', 'open', 0, 2);
INSERT INTO signal_states (code, name_nl, name_en, kind, initial, sort_order) VALUES ('wacht_op_informatie', 'Wacht op informatie', 'Waiting for information', 'waiting', 0, 3);
INSERT INTO signal_states (code, name_nl, name_en, kind, initial, sort_order) VALUES ('doorgezet', 'Doorgezet', 'Forwarded', 'open', 0, 4);
INSERT INTO signal_states (code, name_nl, name_en, kind, initial, sort_order) VALUES ('afgehandeld', 'Afgehandeld', 'Handled', 'closed', 0, 5);
INSERT INTO signal_states (code, name_nl, name_en, kind, initial, sort_order) VALUES ('geannuleerd', 'Geannuleerd', 'Cancelled', 'closed', 0, 6);
INSERT INTO signal_states (code, name_nl, name_en, kind, initial, sort_order) VALUES ('heropend', 'Heropend', 'Reopened', 'open', 0, 7);

INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('nieuw', 'in_behandeling', 0, 1);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('nieuw', 'wacht_op_informatie', 0, 2);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('nieuw', 'doorgezet', 0, 3);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('nieuw', 'afgehandeld', 1, 4);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('nieuw', 'geannuleerd', 0, 5);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('in_behandeling', 'wacht_op_informatie', 0, 6);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('in_behandeling', 'doorgezet', 0, 7);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('in_behandeling', 'afgehandeld', 1, 8);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('in_behandeling', 'geannuleerd', 0, 9);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('wacht_op_informatie', 'in_behandeling', 0, 10);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('wacht_op_informatie', 'doorgezet', 0, 11);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('wacht_op_informatie', 'afgehandeld', 1, 12);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('wacht_op_informatie', 'geannuleerd', 0, 13);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('doorgezet', 'in_behandeling', 0, 14);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('doorgezet', 'wacht_op_informatie', 0, 15);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('doorgezet', 'afgehandeld', 1, 16);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('doorgezet', 'geannuleerd', 0, 17);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('heropend', 'in_behandeling', 0, 18);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('heropend', 'wacht_op_informatie', 0, 19);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('heropend', 'doorgezet', 0, 20);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('heropend', 'afgehandeld', 1, 21);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('heropend', 'geannuleerd', 0, 22);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('afgehandeld', 'heropend', 1, 23);
INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ('geannuleerd', 'heropend', 1, 24);

-- Columns of a signal for the workflow. `summary` is the de-identified text
-- everyone but the intake role sees (the original `description` stays with
-- intake); contact details the reporter chose to give have their own
-- retention (`contact_purge_at`); `merged_into` points at the surviving
-- signal after a merge.
ALTER TABLE signals ADD COLUMN summary TEXT;
ALTER TABLE signals ADD COLUMN summary_by TEXT;
ALTER TABLE signals ADD COLUMN summary_at BIGINT;
ALTER TABLE signals ADD COLUMN contact_name TEXT;
ALTER TABLE signals ADD COLUMN contact_email TEXT;
ALTER TABLE signals ADD COLUMN contact_phone TEXT;
ALTER TABLE signals ADD COLUMN contact_purge_at BIGINT;
ALTER TABLE signals ADD COLUMN created_by TEXT;
ALTER TABLE signals ADD COLUMN merged_into TEXT;
ALTER TABLE signals ADD COLUMN updated_at BIGINT;
CREATE INDEX signals_state_idx ON signals (state, received_at);
CREATE INDEX signals_assigned_idx ON signals (assigned_org_id, assigned_user_id);
CREATE INDEX signals_bag_idx ON signals (bag_id);

-- actor_kind: user | reporter | system; actor_user_id only for user.
-- kind: created, state, assigned, note, reporter_addition, forwarded,
-- merged, protocol_step, attachment, summary, category, purge_contact.
-- data: JSON text with the kind's fields (e.g. {"from":…,"to":…}).
CREATE TABLE signal_history (
    id TEXT PRIMARY KEY,
    signal_id TEXT NOT NULL REFERENCES signals (id),
    at BIGINT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_user_id TEXT,
    actor_name TEXT,
    kind TEXT NOT NULL,
    text TEXT,
    data TEXT NOT NULL
);
CREATE INDEX signal_history_signal_idx ON signal_history (signal_id, at);

CREATE TABLE signal_attachments (
    id TEXT PRIMARY KEY,
    signal_id TEXT NOT NULL REFERENCES signals (id),
    added_at BIGINT NOT NULL,
    added_by_kind TEXT NOT NULL,
    added_by_user_id TEXT,
    file_name TEXT,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content_base64 TEXT NOT NULL
);
CREATE INDEX signal_attachments_signal_idx ON signal_attachments (signal_id, added_at);

CREATE TABLE signal_forwards (
    id TEXT PRIMARY KEY,
    signal_id TEXT NOT NULL REFERENCES signals (id),
    target TEXT NOT NULL,
    summary TEXT NOT NULL,
    by_user_id TEXT NOT NULL,
    by_name TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX signal_forwards_signal_idx ON signal_forwards (signal_id, at);

CREATE TABLE signal_protocol_ticks (
    signal_id TEXT NOT NULL REFERENCES signals (id),
    protocol TEXT NOT NULL,
    step TEXT NOT NULL,
    outcome TEXT NOT NULL,
    note TEXT,
    by_user_id TEXT NOT NULL,
    by_name TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (signal_id, step)
);

CREATE TABLE signal_merges (
    absorbed_id TEXT PRIMARY KEY REFERENCES signals (id),
    surviving_id TEXT NOT NULL REFERENCES signals (id),
    by_user_id TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX signal_merges_surviving_idx ON signal_merges (surviving_id);

-- Working days per category (bz_signals::deadline::DeadlinePolicy::default()).
CREATE TABLE signal_deadlines (
    category TEXT PRIMARY KEY,
    working_days BIGINT NOT NULL
);

INSERT INTO signal_deadlines (category, working_days) VALUES ('hennepteelt', 10);
INSERT INTO signal_deadlines (category, working_days) VALUES ('synthetisch_drugslab', 3);
INSERT INTO signal_deadlines (category, working_days) VALUES ('drugsafval', 2);
INSERT INTO signal_deadlines (category, working_days) VALUES ('drugsopslag', 5);
INSERT INTO signal_deadlines (category, working_days) VALUES ('benaderd_door_criminelen', 5);
INSERT INTO signal_deadlines (category, working_days) VALUES ('verdachte_verhuur_leegstand', 10);
INSERT INTO signal_deadlines (category, working_days) VALUES ('arbeidsuitbuiting', 3);
INSERT INTO signal_deadlines (category, working_days) VALUES ('overig', 10);

-- Retention per category and state (bz_signals::retention::RetentionPolicy::
-- suggested()): unit 'days' or 'months'. Counted from closing for closed
-- states, from receipt otherwise. Every category x state has a rule.
CREATE TABLE signal_retention (
    category TEXT NOT NULL,
    state TEXT NOT NULL,
    unit TEXT NOT NULL,
    amount BIGINT NOT NULL,
    PRIMARY KEY (category, state)
);

INSERT INTO signal_retention (category, state, unit, amount) VALUES ('hennepteelt', 'nieuw', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('hennepteelt', 'in_behandeling', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('hennepteelt', 'wacht_op_informatie', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('hennepteelt', 'doorgezet', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('hennepteelt', 'afgehandeld', 'months', 24);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('hennepteelt', 'geannuleerd', 'months', 12);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('hennepteelt', 'heropend', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('synthetisch_drugslab', 'nieuw', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('synthetisch_drugslab', 'in_behandeling', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('synthetisch_drugslab', 'wacht_op_informatie', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('synthetisch_drugslab', 'doorgezet', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('synthetisch_drugslab', 'afgehandeld', 'months', 24);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('synthetisch_drugslab', 'geannuleerd', 'months', 12);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('synthetisch_drugslab', 'heropend', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('drugsafval', 'nieuw', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('drugsafval', 'in_behandeling', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('drugsafval', 'wacht_op_informatie', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('drugsafval', 'doorgezet', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('drugsafval', 'afgehandeld', 'months', 24);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('drugsafval', 'geannuleerd', 'months', 12);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('drugsafval', 'heropend', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('drugsopslag', 'nieuw', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('drugsopslag', 'in_behandeling', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('drugsopslag', 'wacht_op_informatie', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('drugsopslag', 'doorgezet', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('drugsopslag', 'afgehandeld', 'months', 24);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('drugsopslag', 'geannuleerd', 'months', 12);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('drugsopslag', 'heropend', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('benaderd_door_criminelen', 'nieuw', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('benaderd_door_criminelen', 'in_behandeling', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('benaderd_door_criminelen', 'wacht_op_informatie', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('benaderd_door_criminelen', 'doorgezet', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('benaderd_door_criminelen', 'afgehandeld', 'months', 24);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('benaderd_door_criminelen', 'geannuleerd', 'months', 12);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('benaderd_door_criminelen', 'heropend', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('verdachte_verhuur_leegstand', 'nieuw', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('verdachte_verhuur_leegstand', 'in_behandeling', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('verdachte_verhuur_leegstand', 'wacht_op_informatie', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('verdachte_verhuur_leegstand', 'doorgezet', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('verdachte_verhuur_leegstand', 'afgehandeld', 'months', 24);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('verdachte_verhuur_leegstand', 'geannuleerd', 'months', 12);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('verdachte_verhuur_leegstand', 'heropend', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('arbeidsuitbuiting', 'nieuw', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('arbeidsuitbuiting', 'in_behandeling', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('arbeidsuitbuiting', 'wacht_op_informatie', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('arbeidsuitbuiting', 'doorgezet', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('arbeidsuitbuiting', 'afgehandeld', 'months', 24);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('arbeidsuitbuiting', 'geannuleerd', 'months', 12);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('arbeidsuitbuiting', 'heropend', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('overig', 'nieuw', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('overig', 'in_behandeling', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('overig', 'wacht_op_informatie', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('overig', 'doorgezet', 'months', 36);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('overig', 'afgehandeld', 'months', 24);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('overig', 'geannuleerd', 'months', 12);
INSERT INTO signal_retention (category, state, unit, amount) VALUES ('overig', 'heropend', 'months', 36);

-- What the purge removed, per month of receipt (YYYY-MM), category and
-- state: statistics outlive the signals.
CREATE TABLE signal_purge_counts (
    month TEXT NOT NULL,
    category TEXT NOT NULL,
    state TEXT NOT NULL,
    purged BIGINT NOT NULL,
    PRIMARY KEY (month, category, state)
);

-- Each run of the purge (also runs that removed nothing).
CREATE TABLE signal_purge_runs (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    started_by TEXT NOT NULL,
    purged BIGINT NOT NULL,
    contacts_cleared BIGINT NOT NULL
);


-- The residents' survey (Module 1). Invitations and responses are kept
-- apart on purpose: no foreign key, no shared column but the survey and the
-- coarse sub-area (a woonplaats), no timestamp finer than a day in a
-- response, random response ids. A draft (save and continue later) is held
-- by the code until the form is completed; completing deletes the draft,
-- inserts the response and marks the code completed in one transaction.
CREATE TABLE surveys (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    gemeente_code TEXT NOT NULL,
    title TEXT NOT NULL,
    definition TEXT NOT NULL,
    status TEXT NOT NULL,
    letter_text TEXT NOT NULL,
    signatory TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    reminder_interval_days BIGINT NOT NULL,
    max_reminders BIGINT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    published_at BIGINT
);

CREATE TABLE survey_invitations (
    survey_id TEXT NOT NULL REFERENCES surveys (id),
    code TEXT NOT NULL,
    address_id TEXT NOT NULL,
    area TEXT,
    completed BIGINT NOT NULL,
    letters BIGINT NOT NULL,
    last_letter_on TEXT,
    PRIMARY KEY (survey_id, code)
);
CREATE UNIQUE INDEX survey_invitations_code_key ON survey_invitations (code);

CREATE TABLE survey_drafts (
    code TEXT PRIMARY KEY,
    survey_id TEXT NOT NULL,
    answers TEXT NOT NULL
);

CREATE TABLE survey_responses (
    id TEXT PRIMARY KEY,
    survey_id TEXT NOT NULL REFERENCES surveys (id),
    answered_on TEXT NOT NULL,
    channel TEXT NOT NULL,
    area TEXT,
    answers TEXT NOT NULL
);

-- Paper forms entered by staff, once or twice (double entry), until the
-- entries agree and become a response.
CREATE TABLE survey_paper_entries (
    survey_id TEXT NOT NULL REFERENCES surveys (id),
    code TEXT NOT NULL,
    entry BIGINT NOT NULL,
    answers TEXT NOT NULL,
    entered_by TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (survey_id, code, entry)
);

CREATE TABLE survey_letter_rounds (
    id TEXT PRIMARY KEY,
    survey_id TEXT NOT NULL REFERENCES surveys (id),
    kind TEXT NOT NULL,
    letters BIGINT NOT NULL,
    made_on TEXT NOT NULL,
    made_by TEXT NOT NULL REFERENCES users (id)
);

-- Survey definitions are versioned. Every definition a survey ever had is a
-- row here, numbered from 1 and never changed: a concept whose definition is
-- saved with a different text gets the next number. `surveys.definition`
-- stays the text of the newest version (what the form and the report read),
-- and `surveys.published_version` names the version that was published (a
-- published survey's definition cannot change any more).
CREATE TABLE survey_definition_versions (
    survey_id TEXT NOT NULL REFERENCES surveys (id),
    version BIGINT NOT NULL,
    definition TEXT NOT NULL,
    saved_by TEXT NOT NULL REFERENCES users (id),
    saved_at BIGINT NOT NULL,
    PRIMARY KEY (survey_id, version)
);

ALTER TABLE surveys ADD COLUMN published_version BIGINT;

-- Backfill: every existing survey's current definition becomes its version 1,
-- saved by its creator when it was created; a survey that was published
-- (closed ones too) published that version.
INSERT INTO survey_definition_versions (survey_id, version, definition, saved_by, saved_at)
SELECT id, 1, definition, created_by, created_at FROM surveys;

UPDATE surveys SET published_version = 1 WHERE published_at IS NOT NULL;

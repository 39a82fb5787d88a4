-- The bias report of a run (JSON), stored with the run.
ALTER TABLE scan_runs ADD COLUMN bias TEXT NOT NULL DEFAULT '{}';

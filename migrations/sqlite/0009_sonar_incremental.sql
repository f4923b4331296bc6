-- SONAR, incremental: a re-index skips reading files whose size and modification time
-- are unchanged, rewrites only the rows that differ, and knows which index format
-- (outline and graph rules) the stored rows were made by.
ALTER TABLE sonar_files ADD COLUMN modified_ns BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sonar_runs ADD COLUMN format BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sonar_runs ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
CREATE INDEX sonar_edges_source ON sonar_edges (source);
CREATE INDEX sonar_edges_target ON sonar_edges (target);
CREATE INDEX sonar_findings_path ON sonar_findings (path);
CREATE INDEX sonar_runs_version ON sonar_runs (version);

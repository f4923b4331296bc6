-- SONAR: an index of a source tree (files, definitions, edges) and the secrets found in it.
CREATE TABLE sonar_files (
    path TEXT PRIMARY KEY,
    language TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    lines BIGINT NOT NULL,
    -- The file's outline (definitions, imports, relations, identifiers) as JSON, so a
    -- re-index rebuilds the graph without parsing unchanged files again.
    outline TEXT NOT NULL,
    indexed_at BIGINT NOT NULL
);

CREATE TABLE sonar_nodes (
    id BIGINT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    start_line BIGINT NOT NULL,
    end_line BIGINT NOT NULL,
    signature TEXT NOT NULL
);
CREATE INDEX sonar_nodes_name ON sonar_nodes (name);
CREATE INDEX sonar_nodes_path ON sonar_nodes (path);

CREATE TABLE sonar_edges (
    source BIGINT NOT NULL,
    target BIGINT NOT NULL,
    kind TEXT NOT NULL,
    weight DOUBLE PRECISION NOT NULL
);

CREATE TABLE sonar_findings (
    fingerprint TEXT NOT NULL,
    rule TEXT NOT NULL,
    path TEXT NOT NULL,
    line BIGINT NOT NULL,
    redacted TEXT NOT NULL
);

CREATE TABLE sonar_runs (
    id TEXT PRIMARY KEY,
    root TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    files BIGINT NOT NULL,
    changed BIGINT NOT NULL,
    removed BIGINT NOT NULL,
    nodes BIGINT NOT NULL,
    edges BIGINT NOT NULL,
    findings BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL
);

-- Imports as durable jobs (issue 4): an import's rows, hashing chunks and claims live here, so any node can
-- show, confirm, cancel or run it. Kept column for column the same as Postgres/002_durable_jobs.sql.

-- claimed_by / lease_until: which worker holds the import (validation on the receiving node, the final write
-- on any node) and until when; a lease in the past is a dead claim anyone may take over.
-- chunks: how many hashing chunks the import was split into; null for an import run in one process (the CLI).
-- hashed_rows: passwords hashed so far. header: the file's header cells (JSON), for the error report.
ALTER TABLE imports ADD COLUMN claimed_by TEXT;
ALTER TABLE imports ADD COLUMN lease_until TEXT;
ALTER TABLE imports ADD COLUMN chunks INTEGER;
ALTER TABLE imports ADD COLUMN hashed_rows INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN header TEXT;
CREATE INDEX imports_open ON imports (status, lease_until) WHERE status IN ('validating', 'valid', 'importing');

-- The valid rows of an import between validation and the final write. The password waits here only as
-- Data Protection ciphertext and is replaced by its hash (password_protected set to null) chunk by chunk.
-- Deleted by the final write, and as soon as the import is cancelled, fails or expires.
CREATE TABLE import_rows (
    import_id          TEXT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    row                INTEGER NOT NULL,
    district_id        TEXT NOT NULL,
    chunk_no           INTEGER NOT NULL,
    username           TEXT NOT NULL,
    username_key       TEXT NOT NULL,
    first_name         TEXT NOT NULL,
    last_name          TEXT,
    email              TEXT,
    email_key          TEXT,
    roles              TEXT NOT NULL,
    grade              TEXT,
    school_ids         TEXT NOT NULL,
    password_protected TEXT,
    password_hash      TEXT,
    PRIMARY KEY (import_id, row)
);
CREATE INDEX import_rows_chunk ON import_rows (import_id, chunk_no);

-- Hashing work: pending -> claimed (claimed_by, lease_until) -> hashed (hashed_by: the node, hashed_at).
-- Kept after the import ends: a few hundred bytes per chunk record which node did what.
CREATE TABLE import_chunks (
    import_id   TEXT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    chunk_no    INTEGER NOT NULL,
    district_id TEXT NOT NULL,
    first_row   INTEGER NOT NULL,
    last_row    INTEGER NOT NULL,
    rows        INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending',
    claimed_by  TEXT,
    lease_until TEXT,
    hashed_by   TEXT,
    hashed_at   TEXT,
    PRIMARY KEY (import_id, chunk_no)
);
CREATE INDEX import_chunks_open ON import_chunks (import_id, chunk_no) WHERE status <> 'hashed';

-- The original cells of rows with errors (Password blanked), so any node can build the error report.
CREATE TABLE import_error_rows (
    import_id TEXT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    row       INTEGER NOT NULL,
    cells     TEXT NOT NULL,
    PRIMARY KEY (import_id, row)
);

-- ASP.NET Core Data Protection key ring, shared by every node (sign-in cookies, protected passwords).
CREATE TABLE data_protection_keys (
    friendly_name TEXT PRIMARY KEY,
    xml           TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

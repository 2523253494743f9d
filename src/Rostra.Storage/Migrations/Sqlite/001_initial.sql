-- Rostra schema, SQLite. Kept column for column the same as Postgres/001_initial.sql.
-- Timestamps are UTC ISO 8601 text (yyyy-MM-ddTHH:mm:ss.ffffffZ, microseconds as on PostgreSQL), so text order is time order.
-- username_key / email_key hold the .NET lower-invariant form of username / email: SQLite's
-- lower() folds ASCII only, so the application computes the key and the unique indexes use it.

CREATE TABLE districts (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    roster_sync TEXT NOT NULL DEFAULT 'none',
    sso         TEXT NOT NULL DEFAULT 'none'
);

CREATE TABLE programs (
    district_id TEXT NOT NULL REFERENCES districts (id),
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    PRIMARY KEY (district_id, id)
);

CREATE TABLE schools (
    school_id   TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id),
    name        TEXT NOT NULL,
    grades      TEXT NOT NULL,
    UNIQUE (district_id, school_id)
);
-- School IDs are unique across the platform, whatever their case.
CREATE UNIQUE INDEX schools_school_id_lower ON schools (lower(school_id));

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    district_id   TEXT NOT NULL REFERENCES districts (id),
    username      TEXT NOT NULL,
    username_key  TEXT NOT NULL,
    first_name    TEXT NOT NULL,
    last_name     TEXT,
    email         TEXT,
    email_key     TEXT,
    roles         TEXT NOT NULL,
    grade         TEXT,
    password_hash TEXT,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    created_at    TEXT NOT NULL,
    import_id     TEXT
);
-- The last line of defence behind validation: a username or an email exists once on the platform.
CREATE UNIQUE INDEX users_username_key ON users (username_key);
CREATE UNIQUE INDEX users_email_key ON users (email_key) WHERE email_key IS NOT NULL;
CREATE INDEX users_district_roles ON users (district_id, roles, username_key);
CREATE INDEX users_district_username ON users (district_id, username_key);

CREATE TABLE user_schools (
    district_id TEXT NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    school_id   TEXT NOT NULL,
    PRIMARY KEY (user_id, school_id),
    FOREIGN KEY (district_id, school_id) REFERENCES schools (district_id, school_id)
);
CREATE INDEX user_schools_school ON user_schools (district_id, school_id, user_id);

CREATE TABLE user_programs (
    district_id TEXT NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    program_id  TEXT NOT NULL,
    PRIMARY KEY (user_id, program_id),
    FOREIGN KEY (district_id, program_id) REFERENCES programs (district_id, id)
);
CREATE INDEX user_programs_program ON user_programs (district_id, program_id, user_id);

CREATE TABLE api_tokens (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE imports (
    id             TEXT PRIMARY KEY,
    district_id    TEXT NOT NULL REFERENCES districts (id),
    program_id     TEXT,
    user_type      TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    file_sha256    TEXT NOT NULL,
    status         TEXT NOT NULL,
    rows           INTEGER NOT NULL DEFAULT 0,
    processed_rows INTEGER NOT NULL DEFAULT 0,
    error_count    INTEGER NOT NULL DEFAULT 0,
    imported       INTEGER NOT NULL DEFAULT 0,
    warnings       TEXT NOT NULL DEFAULT '[]',
    message        TEXT,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    FOREIGN KEY (district_id, program_id) REFERENCES programs (district_id, id)
);
CREATE INDEX imports_district_created ON imports (district_id, created_at);
CREATE INDEX imports_status ON imports (status);

CREATE TABLE import_errors (
    import_id   TEXT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    row         INTEGER,
    column_name TEXT,
    code        TEXT NOT NULL,
    message     TEXT NOT NULL,
    value       TEXT,
    PRIMARY KEY (import_id, seq)
);

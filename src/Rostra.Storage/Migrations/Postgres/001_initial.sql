-- Rostra schema, PostgreSQL. Kept column for column the same as Sqlite/001_initial.sql.
-- username_key / email_key hold the .NET lower-invariant form of username / email, computed by
-- the application so that both providers agree on what "the same name" is; the unique indexes use them.

CREATE TABLE districts (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    roster_sync text NOT NULL DEFAULT 'none',
    sso         text NOT NULL DEFAULT 'none'
);

CREATE TABLE programs (
    district_id text NOT NULL REFERENCES districts (id),
    id          text NOT NULL,
    name        text NOT NULL,
    PRIMARY KEY (district_id, id)
);

CREATE TABLE schools (
    school_id   text PRIMARY KEY,
    district_id text NOT NULL REFERENCES districts (id),
    name        text NOT NULL,
    grades      text NOT NULL,
    UNIQUE (district_id, school_id)
);
-- School IDs are unique across the platform, whatever their case.
CREATE UNIQUE INDEX schools_school_id_lower ON schools (lower(school_id));

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    district_id   text NOT NULL REFERENCES districts (id),
    username      text NOT NULL,
    username_key  text NOT NULL,
    first_name    text NOT NULL,
    last_name     text,
    email         text,
    email_key     text,
    roles         text NOT NULL,
    grade         text,
    password_hash text,
    failed_logins integer NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    created_at    timestamptz NOT NULL,
    import_id     uuid
);
-- The last line of defence behind validation: a username or an email exists once on the platform.
-- A second writer of the same key blocks on the index until the first commits, then fails.
CREATE UNIQUE INDEX users_username_key ON users (username_key);
CREATE UNIQUE INDEX users_email_key ON users (email_key) WHERE email_key IS NOT NULL;
CREATE INDEX users_district_roles ON users (district_id, roles, username_key COLLATE "C");
-- Listing pages are ordered by username_key in code-point order on both providers.
CREATE INDEX users_district_username ON users (district_id, username_key COLLATE "C");

CREATE TABLE user_schools (
    district_id text NOT NULL,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    school_id   text NOT NULL,
    PRIMARY KEY (user_id, school_id),
    FOREIGN KEY (district_id, school_id) REFERENCES schools (district_id, school_id)
);
CREATE INDEX user_schools_school ON user_schools (district_id, school_id, user_id);

CREATE TABLE user_programs (
    district_id text NOT NULL,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    program_id  text NOT NULL,
    PRIMARY KEY (user_id, program_id),
    FOREIGN KEY (district_id, program_id) REFERENCES programs (district_id, id)
);
CREATE INDEX user_programs_program ON user_programs (district_id, program_id, user_id);

CREATE TABLE api_tokens (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE imports (
    id             uuid PRIMARY KEY,
    district_id    text NOT NULL REFERENCES districts (id),
    program_id     text,
    user_type      text NOT NULL,
    file_name      text NOT NULL,
    file_sha256    text NOT NULL,
    status         text NOT NULL,
    rows           integer NOT NULL DEFAULT 0,
    processed_rows integer NOT NULL DEFAULT 0,
    error_count    integer NOT NULL DEFAULT 0,
    imported       integer NOT NULL DEFAULT 0,
    warnings       text NOT NULL DEFAULT '[]',
    message        text,
    created_at     timestamptz NOT NULL,
    created_by     text NOT NULL,
    updated_at     timestamptz NOT NULL,
    FOREIGN KEY (district_id, program_id) REFERENCES programs (district_id, id)
);
CREATE INDEX imports_district_created ON imports (district_id, created_at);
CREATE INDEX imports_status ON imports (status);

CREATE TABLE import_errors (
    import_id   uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    seq         integer NOT NULL,
    row         integer,
    column_name text,
    code        text NOT NULL,
    message     text NOT NULL,
    value       text,
    PRIMARY KEY (import_id, seq)
);

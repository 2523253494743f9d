-- What revert needs of a user's schools and programs is kept only when the import changes them: school_ids and
-- program_ids are null when it did not (revert leaves those as they are; no later change can have touched them, or
-- revert would be refused). Kept column for column the same as Postgres/011_revision_memberships.sql.
-- SQLite cannot drop a NOT NULL: the table is rebuilt with its rows and indexes.
CREATE TABLE user_revisions_new (
    import_id     TEXT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    first_name    TEXT NOT NULL,
    last_name     TEXT,
    email         TEXT,
    email_key     TEXT,
    roles         TEXT NOT NULL,
    grade         TEXT,
    password_hash TEXT,
    active        INTEGER NOT NULL,
    school_ids    TEXT,
    program_ids   TEXT,
    version_after INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (import_id, user_id)
);
INSERT INTO user_revisions_new (import_id, user_id, first_name, last_name, email, email_key, roles, grade, password_hash, active, school_ids, program_ids, version_after, created_at)
SELECT import_id, user_id, first_name, last_name, email, email_key, roles, grade, password_hash, active, school_ids, program_ids, version_after, created_at FROM user_revisions;
DROP TABLE user_revisions;
ALTER TABLE user_revisions_new RENAME TO user_revisions;
CREATE INDEX user_revisions_user ON user_revisions (user_id);
CREATE INDEX user_revisions_created ON user_revisions (created_at);

-- Keeping rosters current (SPEC §10): update and sync imports, deactivation, the plan and revert.
-- Kept column for column the same as Postgres/005_roster.sql.

-- active: a deactivated user keeps its data and memberships but cannot sign in.
-- version: grows with every change an import or a revert makes to the user, so a confirm or a revert can tell
-- that someone changed a planned user since (user.changed, import.revert_conflict). Sign-ins do not change it.
ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX users_district_active ON users (district_id, active, roles);
CREATE INDEX users_import ON users (import_id) WHERE import_id IS NOT NULL;

-- mode: create, update or sync. plan_*: the counts of an update or sync once valid; active_users: the district's
-- active users of the type at validation (the threshold's base). reverted_at: when the import was reverted.
ALTER TABLE imports ADD COLUMN mode TEXT NOT NULL DEFAULT 'create';
ALTER TABLE imports ADD COLUMN plan_create INTEGER;
ALTER TABLE imports ADD COLUMN plan_update INTEGER;
ALTER TABLE imports ADD COLUMN plan_unchanged INTEGER;
ALTER TABLE imports ADD COLUMN plan_deactivate INTEGER;
ALTER TABLE imports ADD COLUMN plan_reactivate INTEGER;
ALTER TABLE imports ADD COLUMN active_users INTEGER;
ALTER TABLE imports ADD COLUMN completed_at TEXT;
ALTER TABLE imports ADD COLUMN reverted_at TEXT;

-- The plan of an update or sync import: what each row (or, for a deactivation, each left-out user) does, with the
-- user's version at validation and the changed fields as JSON [{field, from, to}] (a password only as changing).
CREATE TABLE import_changes (
    import_id TEXT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    row       INTEGER,
    user_id   INTEGER,
    username  TEXT NOT NULL,
    action    TEXT NOT NULL,
    version   INTEGER,
    changes   TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (import_id, seq)
);
CREATE INDEX import_changes_action ON import_changes (import_id, action, seq);
CREATE INDEX import_changes_row ON import_changes (import_id, row);

-- What a revert needs of each user an import updated, reactivated or deactivated: the values before it, and the
-- previous password hash only when the import replaced it. version_after: the user's version the import left;
-- anything else means a later change. Deleted once revert is no longer possible (30 days) or done.
CREATE TABLE user_revisions (
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
    school_ids    TEXT NOT NULL,
    program_ids   TEXT NOT NULL,
    version_after INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (import_id, user_id)
);
CREATE INDEX user_revisions_user ON user_revisions (user_id);
CREATE INDEX user_revisions_created ON user_revisions (created_at);

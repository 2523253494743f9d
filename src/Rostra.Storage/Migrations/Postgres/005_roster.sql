-- Keeping rosters current (SPEC §10): update and sync imports, deactivation, the plan and revert.
-- Kept column for column the same as Sqlite/005_roster.sql.

-- active: a deactivated user keeps its data and memberships but cannot sign in.
-- version: grows with every change an import or a revert makes to the user, so a confirm or a revert can tell
-- that someone changed a planned user since (user.changed, import.revert_conflict). Sign-ins do not change it.
ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;
ALTER TABLE users ADD COLUMN version bigint NOT NULL DEFAULT 1;
CREATE INDEX users_district_active ON users (district_id, active, roles);
CREATE INDEX users_import ON users (import_id) WHERE import_id IS NOT NULL;

-- mode: create, update or sync. plan_*: the counts of an update or sync once valid; active_users: the district's
-- active users of the type at validation (the threshold's base). reverted_at: when the import was reverted.
ALTER TABLE imports ADD COLUMN mode text NOT NULL DEFAULT 'create';
ALTER TABLE imports ADD COLUMN plan_create integer;
ALTER TABLE imports ADD COLUMN plan_update integer;
ALTER TABLE imports ADD COLUMN plan_unchanged integer;
ALTER TABLE imports ADD COLUMN plan_deactivate integer;
ALTER TABLE imports ADD COLUMN plan_reactivate integer;
ALTER TABLE imports ADD COLUMN active_users integer;
ALTER TABLE imports ADD COLUMN completed_at timestamptz;
ALTER TABLE imports ADD COLUMN reverted_at timestamptz;

-- The plan of an update or sync import: what each row (or, for a deactivation, each left-out user) does, with the
-- user's version at validation and the changed fields as JSON [{field, from, to}] (a password only as changing).
CREATE TABLE import_changes (
    import_id uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    seq       integer NOT NULL,
    row       integer,
    user_id   bigint,
    username  text NOT NULL,
    action    text NOT NULL,
    version   bigint,
    changes   text NOT NULL DEFAULT '[]',
    PRIMARY KEY (import_id, seq)
);
CREATE INDEX import_changes_action ON import_changes (import_id, action, seq);
CREATE INDEX import_changes_row ON import_changes (import_id, row);

-- What a revert needs of each user an import updated, reactivated or deactivated: the values before it, and the
-- previous password hash only when the import replaced it. version_after: the user's version the import left;
-- anything else means a later change. Deleted once revert is no longer possible (30 days) or done.
CREATE TABLE user_revisions (
    import_id     uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    first_name    text NOT NULL,
    last_name     text,
    email         text,
    email_key     text,
    roles         text NOT NULL,
    grade         text,
    password_hash text,
    active        boolean NOT NULL,
    school_ids    text NOT NULL,
    program_ids   text NOT NULL,
    version_after bigint NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (import_id, user_id)
);
CREATE INDEX user_revisions_user ON user_revisions (user_id);
CREATE INDEX user_revisions_created ON user_revisions (created_at);

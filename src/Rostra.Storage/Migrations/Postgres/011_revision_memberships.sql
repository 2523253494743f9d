-- What revert needs of a user's schools and programs is kept only when the import changes them: school_ids and
-- program_ids are null when it did not (revert leaves those as they are; no later change can have touched them, or
-- revert would be refused). Kept column for column the same as Sqlite/011_revision_memberships.sql.
ALTER TABLE user_revisions ALTER COLUMN school_ids DROP NOT NULL, ALTER COLUMN program_ids DROP NOT NULL;

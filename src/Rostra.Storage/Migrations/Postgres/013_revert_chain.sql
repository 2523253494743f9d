-- Reverting imports newest first (SPEC §10): once a later import is reverted, the import before it is the latest
-- again and can be reverted. A revert still gives each user a new version, so what the earlier import's check
-- compares with moves along, for each user the revert brings back to how that import left it:
-- import_version: the version at which a user is as the import that created it (import_id) left it; 1 until a
-- revert of a later import brings the user back to that state at a new version.
-- version_before: the user's version when the import changed it. The revision of an earlier import whose
-- version_after is a reverted import's version_before gets the user's new version as its version_after; both
-- versions are needed, as a revision's version_after may itself have moved. The rows already kept were never moved:
-- their version_before is the one before their version_after.
-- Kept column for column the same as Sqlite/013_revert_chain.sql. A constant default adds the column to users
-- without rewriting the table.
ALTER TABLE users ADD COLUMN import_version bigint NOT NULL DEFAULT 1;
ALTER TABLE user_revisions ADD COLUMN version_before bigint NOT NULL DEFAULT 0;
UPDATE user_revisions SET version_before = version_after - 1;

-- Sessions that end on the server, API tokens that can be listed and revoked, sign-in failures counted atomically.

-- Changes when a user signs out (or is unlocked): every cookie issued before stops working on its next request.
ALTER TABLE users ADD COLUMN security_stamp TEXT NOT NULL DEFAULT '';

-- A token's public id (the first 16 hex digits of its SHA-256: names it for list and revoke, opens nothing),
-- the name its owner gave it, and when it was last used (at most once a minute).
ALTER TABLE api_tokens ADD COLUMN id TEXT;
ALTER TABLE api_tokens ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT;
UPDATE api_tokens SET id = lower(substr(hex(token_hash), 1, 16));
CREATE UNIQUE INDEX api_tokens_id ON api_tokens (id);

-- Failed sign-ins by username as typed (lower-invariant), whether or not such a user exists, so the answer
-- never tells which usernames exist. Counted with one atomic upsert per failure.
CREATE TABLE sign_in_failures (
    username_key   TEXT PRIMARY KEY,
    failures       INTEGER NOT NULL,
    locked_until   TEXT,
    last_failed_at TEXT NOT NULL
);
CREATE INDEX sign_in_failures_last ON sign_in_failures (last_failed_at);

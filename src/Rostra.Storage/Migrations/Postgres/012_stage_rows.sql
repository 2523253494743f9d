-- import_rows is a work table: rows are copied in, updated once, and deleted at the end of their import. Two costs
-- the rows paid beyond that, on PostgreSQL only:
--
-- A staged row is updated once, when its chunk is hashed (its hash set, its protected password erased). Half of
-- each page is left free so that the new version fits on the same page: a heap-only update, with no new entries in
-- the table's indexes and nothing for the final write to step over. The table only ever holds the rows of imports
-- in flight, so the space is lent, not kept. Applies to pages written from now on.
ALTER TABLE import_rows SET (fillfactor = 50);

-- The reference to imports was checked row by row (a lookup and a lock of the import for every staged row, about half
-- the cost of staging). The store checks the import once per batch instead, locking it against deletion until the
-- batch commits (PostgresStore.InsertStagedRowsAsync). Imports are never deleted; their staged rows are deleted by the
-- final write, cancel, failure and expiry, never by a cascade.
ALTER TABLE import_rows DROP CONSTRAINT IF EXISTS import_rows_import_id_fkey;

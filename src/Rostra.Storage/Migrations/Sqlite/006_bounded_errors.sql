-- Errors within bounds, and no cell of a misaligned row (issue 10 items 1 and 5).
-- Kept column for column the same as the other provider's 006_bounded_errors.sql.

-- A row whose fields do not line up with the header may hold the password in any cell: none of its cells is kept.
DELETE FROM import_error_rows
WHERE EXISTS (SELECT 1 FROM import_errors e
              WHERE e.import_id = import_error_rows.import_id AND e.row = import_error_rows.row AND e.code = 'row.field_count');

-- How many errors of each code (and column: '' when about no column) an import had, all of them, while only the
-- first ones are kept in detail in import_errors. Kept when the details are deleted after the retention period.
CREATE TABLE import_error_counts (
    import_id   TEXT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    code        TEXT NOT NULL,
    column_name TEXT NOT NULL DEFAULT '',
    count       INTEGER NOT NULL,
    PRIMARY KEY (import_id, code, column_name)
);
INSERT INTO import_error_counts (import_id, code, column_name, count)
SELECT import_id, code, COALESCE(column_name, ''), COUNT(*) FROM import_errors GROUP BY import_id, code, COALESCE(column_name, '');

-- Values kept in an error are cut to 200 characters.
UPDATE import_errors SET value = substr(value, 1, 199) || '…' WHERE length(value) > 200;

-- Housekeeping finds the ended imports whose errors are past the retention period.
CREATE INDEX imports_updated ON imports (updated_at);

-- A message that quotes a long value is cut too.
UPDATE import_errors SET message = substr(message, 1, 999) || '…' WHERE length(message) > 1000;

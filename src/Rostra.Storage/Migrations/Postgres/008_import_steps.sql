-- Honest progress (issue 8 item 3): the step an import is in and how far it is, written by the node doing the work
-- at least every second, so every node shows it. step_done and step_total are in the step's unit (bytes while
-- reading, rows otherwise); step_total is null when unknown. Kept column for column the same as the other provider's.
ALTER TABLE imports ADD COLUMN step text;
ALTER TABLE imports ADD COLUMN step_done bigint;
ALTER TABLE imports ADD COLUMN step_total bigint;

-- Passwords of a chunk hashed so far by the worker that holds it, so a chunk being hashed shows as it moves.
ALTER TABLE import_chunks ADD COLUMN done_rows integer NOT NULL DEFAULT 0;

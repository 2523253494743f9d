-- The plan's most common field change among its updated users (e.g. Grade 4 → 5 for 310 of them), kept with its
-- counts; null when there is none. Never a password. Kept column for column the same as Sqlite/010_plan_top_change.sql.
ALTER TABLE imports ADD COLUMN plan_top_field text;
ALTER TABLE imports ADD COLUMN plan_top_from text;
ALTER TABLE imports ADD COLUMN plan_top_to text;
ALTER TABLE imports ADD COLUMN plan_top_count integer;

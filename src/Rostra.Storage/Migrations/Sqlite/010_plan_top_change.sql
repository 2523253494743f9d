-- The plan's most common field change among its updated users (e.g. Grade 4 → 5 for 310 of them), kept with its
-- counts; null when there is none. Never a password. Kept column for column the same as the other provider's.
ALTER TABLE imports ADD COLUMN plan_top_field TEXT;
ALTER TABLE imports ADD COLUMN plan_top_from TEXT;
ALTER TABLE imports ADD COLUMN plan_top_to TEXT;
ALTER TABLE imports ADD COLUMN plan_top_count INTEGER;

-- The Users page and GET /api/users at a million users: the page is chosen by walking the district's users in
-- username order, and its type and active filters are checked on that index's own entries, never on the rows; only
-- the page's 50 rows are read. The search ranges (username, email, user_search) already hold the user's id (rowid).
DROP INDEX users_district_username;
CREATE INDEX users_district_username ON users (district_id, username_key, active, roles);

-- The Users page and GET /api/users at a million users: every index the listing reads also holds what the listing
-- needs from it, so the page is chosen, filtered (type, active), searched and counted by index-only scans; only the
-- page's 50 rows are read from the table.
DROP INDEX users_district_username;
CREATE INDEX users_district_username ON users (district_id, username_key COLLATE "C") INCLUDE (id, active, roles);
DROP INDEX users_district_email;
CREATE INDEX users_district_email ON users (district_id, email_key COLLATE "C") INCLUDE (id);
DROP INDEX user_search_name;
CREATE INDEX user_search_name ON user_search (district_id, name_key) INCLUDE (user_id);
DROP INDEX user_search_rname;
CREATE INDEX user_search_rname ON user_search (district_id, rname_key) INCLUDE (user_id);

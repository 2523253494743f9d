-- The folding of 007_user_search, written as one SQL expression, nested too deep for some sqlite3 shells to
-- read the schema at all (Debian's 3.40 stops at "parser stack overflow"). The triggers now call rostra_fold,
-- the code's own SearchText.Fold, which every connection of the store registers. Reading the database from any
-- shell works; a shell that writes users must register rostra_fold first.
DROP TRIGGER users_search_insert;
DROP TRIGGER users_search_update;

CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT OR REPLACE INTO user_search (user_id, district_id, name_key, rname_key)
    VALUES (NEW.id, NEW.district_id, rostra_fold(trim(NEW.first_name || ' ' || coalesce(NEW.last_name, ''))), rostra_fold(trim(coalesce(NEW.last_name, '') || ' ' || NEW.first_name)));
END;

CREATE TRIGGER users_search_update AFTER UPDATE OF first_name, last_name, district_id ON users BEGIN
    INSERT OR REPLACE INTO user_search (user_id, district_id, name_key, rname_key)
    VALUES (NEW.id, NEW.district_id, rostra_fold(trim(NEW.first_name || ' ' || coalesce(NEW.last_name, ''))), rostra_fold(trim(coalesce(NEW.last_name, '') || ' ' || NEW.first_name)));
END;

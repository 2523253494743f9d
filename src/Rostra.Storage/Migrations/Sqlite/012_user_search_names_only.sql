-- The users' search keys are refolded only when a name (or the district) changes: an update of grades, emails or
-- schools, or the revert of one, leaves user_search as it is.
DROP TRIGGER users_search_update;
CREATE TRIGGER users_search_update AFTER UPDATE OF first_name, last_name, district_id ON users
WHEN NEW.first_name IS NOT OLD.first_name OR NEW.last_name IS NOT OLD.last_name OR NEW.district_id IS NOT OLD.district_id BEGIN
    INSERT OR REPLACE INTO user_search (user_id, district_id, name_key, rname_key)
    VALUES (NEW.id, NEW.district_id, rostra_fold(trim(NEW.first_name || ' ' || coalesce(NEW.last_name, ''))), rostra_fold(trim(coalesce(NEW.last_name, '') || ' ' || NEW.first_name)));
END;

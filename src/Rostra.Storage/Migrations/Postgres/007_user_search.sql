-- Users are found by username, email, first, last or full name, whatever the case or accents: each user's names
-- are kept folded (lower case, accents removed: 'Sofía García' -> 'sofia garcia') in user_search, as 'first last'
-- and 'last first', so a prefix of either, of the first or of the last name is one index range (byte order, "C").
-- Statement triggers keep it up to date whoever writes users. The folding is the same as SearchText.Fold in the
-- code (a test compares them).
CREATE FUNCTION rostra_fold(s text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN replace(replace(replace(replace(replace(replace(replace(translate(s, 'àáâãäåāăąǎÀÁÂÃÄÅĀĂĄǍçćĉċčÇĆĈĊČďđðĎĐÐèéêëēĕėęěÈÉÊËĒĔĖĘĚĝğġģĜĞĠĢĥħĤĦìíîïĩīĭįıǐÌÍÎÏĨĪĬĮİǏĵĴķĶĺļľŀłĹĻĽĿŁñńņňÑŃŅŇòóôõöøōŏőǒÒÓÔÕÖØŌŎŐǑŕŗřŔŖŘśŝşšșŚŜŞŠȘţťŧțŢŤŦȚùúûüũūŭůűųǔÙÚÛÜŨŪŬŮŰŲǓŵŴýÿŷÝŸŶźżžŹŻŽ’‘´ABCDEFGHIJKLMNOPQRSTUVWXYZ̧̨̀́̂̃̄̆̇̈̊̋̌', 'aaaaaaaaaaaaaaaaaaaaccccccccccddddddeeeeeeeeeeeeeeeeeegggggggghhhhiiiiiiiiiiiiiiiiiiiijjkkllllllllllnnnnnnnnoooooooooooooooooooorrrrrrssssssssssttttttttuuuuuuuuuuuuuuuuuuuuuuwwyyyyyyzzzzzz''''''abcdefghijklmnopqrstuvwxyz'), 'ß', 'ss'), 'æ', 'ae'), 'Æ', 'ae'), 'œ', 'oe'), 'Œ', 'oe'), 'þ', 'th'), 'Þ', 'th');

CREATE TABLE user_search (
    user_id     bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    district_id text NOT NULL,
    name_key    text COLLATE "C" NOT NULL,
    rname_key   text COLLATE "C" NOT NULL
);

INSERT INTO user_search (user_id, district_id, name_key, rname_key)
SELECT id, district_id, rostra_fold(trim(first_name || ' ' || coalesce(last_name, ''))), rostra_fold(trim(coalesce(last_name, '') || ' ' || first_name)) FROM users;

CREATE INDEX user_search_name ON user_search (district_id, name_key);
CREATE INDEX user_search_rname ON user_search (district_id, rname_key);
CREATE INDEX users_district_email ON users (district_id, email_key COLLATE "C");

CREATE FUNCTION users_search_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_search (user_id, district_id, name_key, rname_key)
    SELECT id, district_id, rostra_fold(trim(first_name || ' ' || coalesce(last_name, ''))), rostra_fold(trim(coalesce(last_name, '') || ' ' || first_name)) FROM written
    ON CONFLICT (user_id) DO UPDATE SET district_id = EXCLUDED.district_id, name_key = EXCLUDED.name_key, rname_key = EXCLUDED.rname_key
    WHERE (user_search.district_id, user_search.name_key, user_search.rname_key) IS DISTINCT FROM (EXCLUDED.district_id, EXCLUDED.name_key, EXCLUDED.rname_key);
    RETURN NULL;
END
$$;

CREATE TRIGGER users_search_insert AFTER INSERT ON users REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION users_search_written();
CREATE TRIGGER users_search_update AFTER UPDATE ON users REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION users_search_written();

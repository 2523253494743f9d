using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Rostra.Storage.Search;

namespace Rostra.Storage;

// The Users page and GET /api/users: a page of the district's users and their total, fast at a million users.
internal abstract partial class SqlStore
{
    /// <summary>
    /// A page of the district's users, by username, and how many match. Work grows with what matches, not with the
    /// district: a search or a school starts from its own index ranges (the district's users are never walked for
    /// them); a page is chosen on index entries alone and only its rows are read; the total is counted only when the
    /// page does not already tell it (a page that is not full ends the list).
    /// </summary>
    public async Task<UserPage> ListUsersAsync(UserQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var list = UserListSql(query);
        var limit = Math.Clamp(query.Limit, 0, 10_000);
        var offset = Math.Max(query.Offset, 0);

        var rows = new List<UserRow>();
        if (limit > 0)
        {
            // Late row lookup: the page's ids come from index entries only (however deep the offset), then 50 rows.
            await using var page = Command(connection,
                $"SELECT {UserRowColumns} FROM users x " +
                $"WHERE x.id IN ({list.Ids} LIMIT @limit OFFSET @offset) ORDER BY x.username_key{BinaryCollation}");
            list.AddParameters(page);
            Add(page, "limit", limit);
            Add(page, "offset", offset);
            await ReadUserRowsAsync(page, rows, cancellationToken);
        }

        int total;
        if (rows.Count < limit && (rows.Count > 0 || offset == 0))
        {
            // The last page (or an empty first one): everything before it and on it is the total.
            total = offset + rows.Count;
        }
        else
        {
            await using var count = Command(connection, list.Count);
            list.AddParameters(count);
            total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        var users = await SummariesAsync(connection, rows, cancellationToken);
        return new UserPage(users, total);
    }

    public async IAsyncEnumerable<UserSummary> ReadAllUsersAsync(string districtId, string? type, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var page = ListingPageSize;
        await using var connection = await OpenAsync(cancellationToken);
        var filter = string.IsNullOrWhiteSpace(type) ? "" : " AND (',' || x.roles || ',') LIKE @role_pattern ESCAPE '\\'";
        var after = "";
        while (true)
        {
            var rows = new List<UserRow>(page);
            await using (var command = Command(connection,
                $"SELECT {UserRowColumns}, x.username_key FROM users x WHERE x.district_id = @district_id{filter} " +
                $"AND x.username_key{BinaryCollation} > @after ORDER BY x.username_key{BinaryCollation} LIMIT @limit"))
            {
                Add(command, "district_id", districtId);
                if (filter.Length > 0) Add(command, "role_pattern", "%," + EscapeLike(type!.Trim()) + ",%");
                Add(command, "after", after);
                Add(command, "limit", page);
                after = await ReadUserRowsAsync(command, rows, cancellationToken) ?? after;
            }
            foreach (var user in await SummariesAsync(connection, rows, cancellationToken)) yield return user;
            if (rows.Count < page) yield break;
        }
    }

    /// <summary>A users row as a listing shows it, before its schools and programs are read.</summary>
    private readonly record struct UserRow(long Id, string Username, string FirstName, string? LastName, string? Email, string Roles, string? Grade, bool Active);

    private const string UserRowColumns = "x.id, x.username, x.first_name, x.last_name, x.email, x.roles, x.grade, x.active";

    /// <summary>Reads <see cref="UserRowColumns"/> rows; returns the ninth column of the last row when there is one (a key to page after).</summary>
    private static async Task<string?> ReadUserRowsAsync(DbCommand command, List<UserRow> rows, CancellationToken cancellationToken)
    {
        string? last = null;
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            rows.Add(new UserRow(r.GetInt64(0), r.GetString(1), r.GetString(2), NullableString(r, 3), NullableString(r, 4), r.GetString(5), NullableString(r, 6), r.GetBoolean(7)));
            if (r.FieldCount > 8) last = r.GetString(8);
        }
        return last;
    }

    private async Task<List<UserSummary>> SummariesAsync(DbConnection connection, List<UserRow> rows, CancellationToken cancellationToken)
    {
        var ids = rows.Select(row => row.Id).ToArray();
        var schools = await ReadMembershipsAsync(connection, "user_schools", "school_id", ids, cancellationToken);
        var programs = await ReadMembershipsAsync(connection, "user_programs", "program_id", ids, cancellationToken);
        return rows.Select(row => new UserSummary(
                row.Username, row.FirstName, row.LastName, row.Email, SplitRoles(row.Roles), row.Grade,
                schools.TryGetValue(row.Id, out var s) ? s : [],
                programs.TryGetValue(row.Id, out var p) ? p : [],
                row.Active))
            .ToList();
    }

    /// <summary>The two statements of a listing: the matching ids in page order (before LIMIT), and their count.</summary>
    private sealed record UserListQuery(string Ids, string Count, Action<DbCommand> AddParameters);

    private UserListQuery UserListSql(UserQuery query)
    {
        // Filters read from the users row itself; both providers hold them in the index that lists the district by
        // username (migration 009), so checking them needs no row.
        var filters = new StringBuilder();
        if (query.Active is { } active) filters.Append(active ? " AND u.active = TRUE" : " AND u.active = FALSE");
        var type = string.IsNullOrWhiteSpace(query.Type) ? null : query.Type.Trim();
        if (type is not null) filters.Append(" AND (',' || u.roles || ',') LIKE @role_pattern ESCAPE '\\'");

        var school = string.IsNullOrWhiteSpace(query.SchoolId) ? null : query.SchoolId.Trim();
        const string SchoolMembers =
            "SELECT user_id AS id FROM user_schools WHERE district_id = @district_id AND school_id IN " +
            "(SELECT school_id FROM schools WHERE district_id = @district_id AND lower(school_id) = lower(@school_id))";
        var search = string.IsNullOrWhiteSpace(query.Search) ? null : SearchText.Normalize(query.Search);

        // Where the ids come from: the search's index ranges, else the school's members, else the whole district.
        var source = search is not null ? SearchMatches() : school is not null ? SchoolMembers : null;
        // A search in a school: on the match's id, so a match outside the school is dropped before its user is read.
        var onMatches = search is not null && school is not null ? " AND m.id IN (" + SchoolMembers + ")" : "";

        string ids, count;
        if (source is null)
        {
            ids = $"SELECT u.id FROM users u WHERE u.district_id = @district_id{filters} ORDER BY u.username_key{BinaryCollation}";
            count = $"SELECT COUNT(*) FROM users u WHERE u.district_id = @district_id{filters}";
        }
        else
        {
            var matched = $"{FromMatchedUsers(source)}{onMatches} AND u.district_id = @district_id{filters}";
            ids = $"SELECT u.id {matched} ORDER BY u.username_key{BinaryCollation}";
            // Every match is the district's: with no filter on the users themselves, the matches alone are counted.
            count = filters.Length == 0 ? $"SELECT COUNT(*) FROM ({source}) m WHERE TRUE{onMatches}" : $"SELECT COUNT(*) {matched}";
        }

        return new UserListQuery(ids, count, command =>
        {
            Add(command, "district_id", query.DistrictId);
            if (type is not null) Add(command, "role_pattern", "%," + EscapeLike(type) + ",%");
            if (school is not null) Add(command, "school_id", school);
            if (search is not null)
            {
                // Usernames and emails are matched as stored (lower case); names folded (no accents either).
                var key = Key(search);
                var folded = SearchText.Fold(search);
                Add(command, "key_from", key);
                Add(command, "key_to", SearchText.PrefixEnd(key));
                Add(command, "fold_from", folded);
                Add(command, "fold_to", SearchText.PrefixEnd(folded));
            }
        });
    }

    /// <summary>
    /// FROM and WHERE joining the ids of <paramref name="matches"/> (as <c>m</c>) to their users (as <c>u</c>), one
    /// primary-key lookup per match: never by walking the district's users. CROSS JOIN keeps SQLite's loops in that order.
    /// </summary>
    protected virtual string FromMatchedUsers(string matches) => $"FROM ({matches}) m CROSS JOIN users u WHERE u.id = m.id";

    /// <summary>
    /// The ids of the district's users whose username, email, "first last" or "last first" name starts with the
    /// search: four index ranges (a prefix of a full name is also a prefix of its first name, and of the last name in
    /// "last first"), read from the indexes alone, so a search costs what it finds, however many users the district has.
    /// </summary>
    private string SearchMatches() =>
        $"SELECT id FROM users WHERE district_id = @district_id AND username_key{BinaryCollation} >= @key_from AND username_key{BinaryCollation} < @key_to " +
        $"UNION SELECT id FROM users WHERE district_id = @district_id AND email_key{BinaryCollation} >= @key_from AND email_key{BinaryCollation} < @key_to " +
        "UNION SELECT user_id FROM user_search WHERE district_id = @district_id AND name_key >= @fold_from AND name_key < @fold_to " +
        "UNION SELECT user_id FROM user_search WHERE district_id = @district_id AND rname_key >= @fold_from AND rname_key < @fold_to";

    private async Task<Dictionary<long, List<string>>> ReadMembershipsAsync(DbConnection connection, string table, string column, long[] userIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<long, List<string>>();
        if (userIds.Length == 0) return result;
        await using var command = Command(connection, $"SELECT user_id, {column} FROM {table} WHERE {InSet("user_id", "@ids")} ORDER BY user_id, {column}");
        AddSet(command, "ids", userIds);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            var id = r.GetInt64(0);
            if (!result.TryGetValue(id, out var list)) result[id] = list = [];
            list.Add(r.GetString(1));
        }
        return result;
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}

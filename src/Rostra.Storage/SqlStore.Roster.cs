using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Rostra.Core;
using Rostra.Core.Roster;
using Rostra.Core.Validation;

namespace Rostra.Storage;

/// <summary>Update and sync imports (SPEC §10): their look-ups, plan, apply and revert, in SQL both providers share.</summary>
internal abstract partial class SqlStore
{
    private const string WritingActions = "('update', 'reactivate')";

    /// <summary>How long one set-based statement of a plan's apply or revert may run: long enough for a million-row plan.</summary>
    private const int PlanStatementTimeoutSeconds = 600;

    private const string TouchingActions = "('update', 'reactivate', 'deactivate')";

    /// <summary>
    /// Appended to the <c>WHERE</c> of a fill of the create stage from <c>import_rows</c> (aliased <c>r</c>): only the
    /// rows that create a user. An update or sync's other rows are applied by <see cref="ApplyPlanAsync"/>; a plan that
    /// creates no one (most updates) is not searched row by row: its first condition, the same for every row, is false.
    /// </summary>
    protected const string CreateRowsOnly =
        " AND (NOT EXISTS (SELECT 1 FROM import_changes k WHERE k.import_id = @id) OR EXISTS (SELECT 1 FROM import_changes k WHERE k.import_id = @id AND k.action = 'create'))" +
        " AND NOT EXISTS (SELECT 1 FROM import_changes c WHERE c.import_id = r.import_id AND c.row = r.row AND c.action <> 'create')";

    /// <summary>The staged rows of the import <c>@id</c>, as <see cref="ApplyPlanAsync"/> reads its rows.</summary>
    protected const string StagedRowsSource =
        "(SELECT row, first_name, last_name, email, email_key, roles, grade, password_hash, school_ids FROM import_rows WHERE import_id = @id)";

    /// <summary>After a plan is applied inside a write with its own stage: drops the stage's rows that were not creates. Returns how many.</summary>
    protected async Task<int> DropPlannedFromStageAsync(DbConnection connection, DbTransaction transaction, Guid importId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection,
            "DELETE FROM import_stage WHERE row IN (SELECT c.row FROM import_changes c WHERE c.import_id = @id AND c.row IS NOT NULL AND c.action <> 'create')", transaction);
        Add(command, "id", importId);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A FROM item that yields the elements of a JSON array of text as <c>alias.value</c>.</summary>
    protected abstract string JsonEach(string json, string alias);

    /// <summary>An aggregate of <paramref name="expression"/> into a JSON array of text (NULL over no rows).</summary>
    protected abstract string JsonAgg(string expression);

    /// <summary>Appended to a SELECT that reads users about to be changed: PostgreSQL locks them, SQLite holds the write lock already.</summary>
    protected abstract string LockUsers(string alias);

    /// <summary>Inserts planned changes numbered from <paramref name="firstSeq"/> inside <paramref name="transaction"/>.</summary>
    protected virtual async Task InsertPlanChangesAsync(DbConnection connection, DbTransaction transaction, Guid importId, int firstSeq, IReadOnlyList<PlannedChange> changes, CancellationToken cancellationToken)
    {
        await using var insert = Command(connection,
            "INSERT INTO import_changes (import_id, seq, row, user_id, username, action, version, changes) " +
            "VALUES (@import_id, @seq, @row, @user_id, @username, @action, @version, @changes)", transaction);
        // Named as written in the statement: a name without its prefix is looked up anew at every execution.
        Add(insert, "@import_id", importId);
        var seq = Add(insert, "@seq", 0);
        var row = Add(insert, "@row", null);
        var userId = Add(insert, "@user_id", null);
        var username = Add(insert, "@username", "");
        var action = Add(insert, "@action", "");
        var version = Add(insert, "@version", null);
        var json = Add(insert, "@changes", "[]");
        await insert.PrepareAsync(cancellationToken);
        for (var i = 0; i < changes.Count; i++)
        {
            var c = changes[i];
            seq.Value = firstSeq + i;
            row.Value = c.Row is { } r ? r : DBNull.Value;
            userId.Value = c.UserId is { } u ? u : DBNull.Value;
            username.Value = c.Username;
            action.Value = c.Action.Slug();
            version.Value = c.Version is { } v ? v : DBNull.Value;
            json.Value = ChangesJson(c.Changes);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    protected static string ChangesJson(IReadOnlyList<FieldChange> changes) => changes.Count == 0 ? "[]" : JsonSerializer.Serialize(changes, Json);

    // Look-ups of validation.

    public async Task<IReadOnlyList<ExistingUser>> FindUsersAsync(IReadOnlyCollection<string> usernameKeys, CancellationToken cancellationToken)
    {
        var users = new List<ExistingUser>(usernameKeys.Count);
        if (usernameKeys.Count == 0) return users;
        await using var connection = await OpenAsync(cancellationToken);
        foreach (var chunk in usernameKeys.Distinct(StringComparer.Ordinal).Chunk(LookupChunk))
        {
            await using var command = Command(connection, $"SELECT {ExistingUserColumns} FROM users u WHERE {InSet("u.username_key", "@keys")}");
            AddSet(command, "keys", chunk);
            await using var r = await command.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken)) users.Add(ReadExistingUser(r));
        }
        return users;
    }

    public async Task<int> CountDistrictUsersAsync(string districtId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT COUNT(*) FROM users WHERE district_id = @district_id");
        Add(command, "district_id", districtId);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async IAsyncEnumerable<ExistingUser> ListDistrictUsersAsync(string districtId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // In no particular order: a sort of a million users is not needed.
        await using var command = Command(connection, await DistrictUsersQueryAsync(connection, districtId, cancellationToken));
        command.CommandTimeout = PlanStatementTimeoutSeconds;
        Add(command, "district_id", districtId);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken)) yield return ReadExistingUser(r);
    }

    /// <summary>
    /// The query of <see cref="ListDistrictUsersAsync"/>: the columns <see cref="ReadExistingUser"/> reads of the users of
    /// the district <c>@district_id</c>. By default each user's schools and programs come from their primary keys.
    /// </summary>
    protected virtual Task<string> DistrictUsersQueryAsync(DbConnection connection, string districtId, CancellationToken cancellationToken) =>
        Task.FromResult($"SELECT {ExistingUserColumns} FROM users u WHERE u.district_id = @district_id");

    public async Task<IReadOnlyList<RosterMember>> FindMembersAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        var members = new List<RosterMember>(ids.Count);
        if (ids.Count == 0) return members;
        await using var connection = await OpenAsync(cancellationToken);
        foreach (var chunk in ids.Distinct().Chunk(LookupChunk))
        {
            await using var command = Command(connection, $"SELECT id, username, version FROM users WHERE {InSet("id", "@ids")}");
            AddSet(command, "ids", chunk);
            await using var r = await command.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken)) members.Add(new RosterMember(r.GetInt64(0), r.GetString(1), r.GetInt64(2)));
        }
        return members;
    }

    /// <summary>
    /// A user as a plan compares it, from <c>users u</c>: each with its schools and programs, joined by a separator no id
    /// holds (ids never hold a control character), in the order the users' pages list them. Read by <see cref="ReadExistingUser"/>.
    /// </summary>
    protected string ExistingUserColumns =>
        "u.id, u.district_id, u.username, u.first_name, u.last_name, u.email, u.roles, u.grade, u.active, u.version, " +
        $"{IdList("user_schools", "school_id", "u.id")}, {IdList("user_programs", "program_id", "u.id")}";

    private static ExistingUser ReadExistingUser(DbDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), NullableString(r, 4), NullableString(r, 5),
            SplitRoles(r.GetString(6)), NullableString(r, 7), SplitIds(NullableString(r, 10)), SplitIds(NullableString(r, 11)), r.GetBoolean(8), r.GetInt64(9));

    /// <summary>The separator of <see cref="IdList"/>: a control character, which no school or program id holds.</summary>
    protected const char IdSeparator = '\u001f';

    /// <summary>
    /// A scalar subquery: the <paramref name="column"/> (text) of the rows of <paramref name="table"/> whose <c>user_id</c>
    /// is <paramref name="userId"/>, in order, as one text separated by <see cref="IdSeparator"/>; NULL when there are none.
    /// </summary>
    protected abstract string IdList(string table, string column, string userId);

    private static IReadOnlyList<string> SplitIds(string? ids) => ids is null ? [] : ids.Split(IdSeparator);

    public async Task<IReadOnlyDictionary<string, EmailHolder>> FindEmailHoldersAsync(IReadOnlyCollection<string> emailKeys, CancellationToken cancellationToken)
    {
        var holders = new Dictionary<string, EmailHolder>(StringComparer.Ordinal);
        if (emailKeys.Count == 0) return holders;
        await using var connection = await OpenAsync(cancellationToken);
        foreach (var chunk in emailKeys.Distinct(StringComparer.Ordinal).Chunk(LookupChunk))
        {
            await using var command = Command(connection, $"SELECT email_key, id, username_key FROM users WHERE {InSet("email_key", "@keys")}");
            AddSet(command, "keys", chunk);
            await using var r = await command.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken)) holders[r.GetString(0)] = new EmailHolder(r.GetInt64(1), r.GetString(2));
        }
        return holders;
    }

    public async IAsyncEnumerable<RosterMember> ListActiveMembersAsync(string districtId, UserType type, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT id, username, version FROM users WHERE district_id = @district_id AND active = TRUE AND {TypeFilter(type)} ORDER BY username_key{BinaryCollation}");
        Add(command, "district_id", districtId);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken)) yield return new RosterMember(r.GetInt64(0), r.GetString(1), r.GetInt64(2));
    }

    public async IAsyncEnumerable<ExportedUser> ExportUsersAsync(string districtId, UserType type, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var page = ListingPageSize;
        await using var connection = await OpenAsync(cancellationToken);
        var after = "";
        while (true)
        {
            var rows = new List<(long Id, string Key, string Username, string First, string? Last, string? Email, string Roles, string? Grade)>(page);
            await using (var command = Command(connection,
                "SELECT id, username_key, username, first_name, last_name, email, roles, grade FROM users " +
                $"WHERE district_id = @district_id AND active = TRUE AND {TypeFilter(type)} AND username_key{BinaryCollation} > @after ORDER BY username_key{BinaryCollation} LIMIT @limit"))
            {
                Add(command, "district_id", districtId);
                Add(command, "after", after);
                Add(command, "limit", page);
                await using var r = await command.ExecuteReaderAsync(cancellationToken);
                while (await r.ReadAsync(cancellationToken))
                    rows.Add((r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), NullableString(r, 4), NullableString(r, 5), r.GetString(6), NullableString(r, 7)));
            }
            if (rows.Count == 0) yield break;
            var schools = await ReadMembershipsAsync(connection, "user_schools", "school_id", [.. rows.Select(x => x.Id)], cancellationToken);
            foreach (var x in rows)
                yield return new ExportedUser(x.Username, x.First, x.Last, x.Email, SplitRoles(x.Roles), x.Grade, schools.TryGetValue(x.Id, out var s) ? s : []);
            if (rows.Count < page) yield break;
            after = rows[^1].Key;
        }
    }

    /// <summary>SQL true for users of a type: a school admin who also teaches is a school admin, never a teacher.</summary>
    protected static string TypeFilter(UserType type, string alias = "") => type switch
    {
        UserType.Student => $"(',' || {alias}roles || ',') LIKE '%,student,%'",
        UserType.Teacher => $"(',' || {alias}roles || ',') LIKE '%,teacher,%' AND (',' || {alias}roles || ',') NOT LIKE '%,school-admin,%' AND (',' || {alias}roles || ',') NOT LIKE '%,district-admin,%'",
        _ => $"(',' || {alias}roles || ',') LIKE '%,school-admin,%'",
    };

    // The plan.

    public async Task AddPlanChangesAsync(Guid importId, IReadOnlyList<PlannedChange> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0) return;
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int next;
        await using (var max = Command(connection, "SELECT COALESCE(MAX(seq), -1) + 1 FROM import_changes WHERE import_id = @id", transaction))
        {
            Add(max, "id", importId);
            next = Convert.ToInt32(await max.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }
        await InsertPlanChangesAsync(connection, transaction, importId, next, changes, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task ClearPlanAsync(Guid importId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM import_changes WHERE import_id = @id");
        Add(command, "id", importId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task SavePlanAsync(Guid importId, RosterPlan plan, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "UPDATE imports SET plan_create = @create, plan_update = @update, plan_unchanged = @unchanged, plan_deactivate = @deactivate, " +
            "plan_reactivate = @reactivate, active_users = @active, " +
            "plan_top_field = @top_field, plan_top_from = @top_from, plan_top_to = @top_to, plan_top_count = @top_count WHERE id = @id");
        Add(command, "create", plan.Counts.Create);
        Add(command, "update", plan.Counts.Update);
        Add(command, "unchanged", plan.Counts.Unchanged);
        Add(command, "deactivate", plan.Counts.Deactivate);
        Add(command, "reactivate", plan.Counts.Reactivate);
        Add(command, "active", plan.ActiveUsers);
        Add(command, "top_field", plan.TopChange?.Field);
        Add(command, "top_from", plan.TopChange?.From);
        Add(command, "top_to", plan.TopChange?.To);
        Add(command, "top_count", plan.TopChange?.Count);
        Add(command, "id", importId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<PlanChangePage> GetPlanChangesAsync(Guid importId, PlanAction? action, int offset, int limit, CancellationToken cancellationToken)
    {
        offset = Math.Max(offset, 0);
        limit = Math.Clamp(limit, 0, 10_000);
        await using var connection = await OpenAsync(cancellationToken);
        // The total: the plan's counts once it is saved (a million changes are not counted again for every page), else counted.
        int? total = null;
        await using (var counts = Command(connection, "SELECT plan_create, plan_update, plan_unchanged, plan_deactivate, plan_reactivate FROM imports WHERE id = @id"))
        {
            Add(counts, "id", importId);
            await using var r = await counts.ExecuteReaderAsync(cancellationToken);
            if (await r.ReadAsync(cancellationToken) && !r.IsDBNull(0))
            {
                var plan = new PlanCounts(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4));
                total = action switch
                {
                    null => plan.Create + plan.Update + plan.Unchanged + plan.Deactivate + plan.Reactivate,
                    PlanAction.Create => plan.Create,
                    PlanAction.Update => plan.Update,
                    PlanAction.Unchanged => plan.Unchanged,
                    PlanAction.Deactivate => plan.Deactivate,
                    _ => plan.Reactivate,
                };
            }
        }
        if (total is null)
        {
            await using var count = Command(connection, $"SELECT COUNT(*) FROM import_changes WHERE import_id = @id{(action is null ? "" : " AND action = @action")}");
            Add(count, "id", importId);
            if (action is { } a) Add(count, "action", a.Slug());
            total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }
        var items = new List<PlannedChange>();
        if (offset >= total || limit == 0) return new PlanChangePage(items, total.Value);
        // A page starts at a seq found in the index, never by reading and dropping the rows before it: an import's changes
        // are numbered 0, 1, 2 … without a gap, so the n-th of all is seq n; the n-th of one action is found in that
        // action's index entries alone.
        var start = action is null
            ? "@offset"
            : "(SELECT s.seq FROM import_changes s WHERE s.import_id = @id AND s.action = @action ORDER BY s.seq LIMIT 1 OFFSET @offset)";
        await using (var page = Command(connection,
            "SELECT row, username, action, user_id, version, changes FROM import_changes " +
            $"WHERE import_id = @id{(action is null ? "" : " AND action = @action")} AND seq >= {start} ORDER BY seq LIMIT @limit"))
        {
            Add(page, "id", importId);
            if (action is { } a) Add(page, "action", a.Slug());
            Add(page, "limit", limit);
            Add(page, "offset", offset);
            await using var r = await page.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                PlanActions.TryParse(r.GetString(2), out var parsed);
                items.Add(new PlannedChange(r.IsDBNull(0) ? null : r.GetInt32(0), r.GetString(1), parsed,
                    r.IsDBNull(3) ? null : r.GetInt64(3), r.IsDBNull(4) ? null : r.GetInt64(4),
                    JsonSerializer.Deserialize<List<FieldChange>>(r.GetString(5), Json) ?? []));
            }
        }
        return new PlanChangePage(items, total.Value);
    }

    // Apply, inside the final write.

    /// <summary>SQL true for a planned change (aliased <c>c</c>) that changes <paramref name="field"/>.</summary>
    private static string Changes(Column field) => Changes(field.HeaderName());

    private static string Changes(string field) => $"c.changes LIKE '%\"field\":\"{field}\"%'";

    /// <summary>
    /// Applies an update or sync import's plan inside the final write's transaction, before its creates: checks that
    /// no planned user changed since validation (<c>user.changed</c>) and that no email it gives is held by a user who
    /// keeps it (<c>email.taken</c>); keeps what revert needs; then updates, reactivates and deactivates, set-based.
    /// Returns the errors (the caller rolls back everything this wrote) or null with how many users it wrote.
    /// A create import has no plan: (null, 0).
    /// </summary>
    protected async Task<(List<ImportIssue>? Errors, int Written)> ApplyPlanAsync(DbConnection connection, DbTransaction transaction, Guid importId, string districtId, string? programId, CancellationToken cancellationToken)
    {
        // The rows the plan's changes come from: the import's staged rows.
        const string rows = StagedRowsSource;
        string mode;
        await using (var read = Command(connection, "SELECT mode FROM imports WHERE id = @id", transaction))
        {
            Add(read, "id", importId);
            mode = await read.ExecuteScalarAsync(cancellationToken) as string ?? "create";
        }
        if (mode == ImportMode.Create.Slug()) return (null, 0);

        // Lock the planned users in id order (PostgreSQL; two overlapping confirms queue here, and the second then
        // sees the first one's versions), then compare their versions with the plan's.
        var lockSql = LockUsers("u");
        if (lockSql.Length > 0)
        {
            await using var lockCommand = Command(connection,
                $"SELECT u.id FROM users u WHERE u.id IN (SELECT c.user_id FROM import_changes c WHERE c.import_id = @id AND c.action IN {TouchingActions}) ORDER BY u.id{lockSql}",
                transaction);
            Add(lockCommand, "id", importId);
            await using var r = await lockCommand.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken)) { }
        }

        // One pass over the plan: how many users it touches and writes, and whether any write changes an email, the
        // teacher role, the schools or the programs (each needs statements of its own; most updates change none).
        int touching, writing;
        bool emails, roles, schools, programs;
        await using (var tally = Command(connection,
            $"SELECT COUNT(*), {CountWhere($"c.action IN {WritingActions}")}, {CountWhere($"c.action IN {WritingActions} AND {Changes(Column.Email)}")}, " +
            $"{CountWhere($"c.action IN {WritingActions} AND {Changes(Column.TeacherRole)}")}, {CountWhere($"c.action IN {WritingActions} AND {Changes(Column.SchoolId)}")}, " +
            $"{CountWhere($"c.action IN {WritingActions} AND {Changes(RosterPlanner.ProgramField)}")} " +
            $"FROM import_changes c WHERE c.import_id = @id AND c.action IN {TouchingActions}", transaction))
        {
            tally.CommandTimeout = PlanStatementTimeoutSeconds;
            Add(tally, "id", importId);
            await using var r = await tally.ExecuteReaderAsync(cancellationToken);
            await r.ReadAsync(cancellationToken);
            touching = Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture);
            writing = r.IsDBNull(1) ? 0 : Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture);
            emails = !r.IsDBNull(2) && Convert.ToInt32(r.GetValue(2), CultureInfo.InvariantCulture) > 0;
            roles = !r.IsDBNull(3) && Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture) > 0;
            schools = !r.IsDBNull(4) && Convert.ToInt32(r.GetValue(4), CultureInfo.InvariantCulture) > 0;
            programs = !r.IsDBNull(5) && Convert.ToInt32(r.GetValue(5), CultureInfo.InvariantCulture) > 0;
        }

        var now = Now();
        // What revert needs, before anything changes: the previous values; the previous hash, schools and programs only
        // where the import replaces them. Only of users still as the plan saw them (same version, same district): it
        // reads each planned user once, so it is also the version check; when it keeps fewer users than the plan
        // touches, someone changed one since.
        var kept = await ExecutePlanStatementAsync(connection, transaction,
            "INSERT INTO user_revisions (import_id, user_id, first_name, last_name, email, email_key, roles, grade, password_hash, active, school_ids, program_ids, version_before, version_after, created_at) " +
            $"SELECT @id, u.id, u.first_name, u.last_name, u.email, u.email_key, u.roles, u.grade, CASE WHEN {Changes(Column.Password)} THEN u.password_hash END, u.active, " +
            $"CASE WHEN {Changes(Column.SchoolId)} THEN COALESCE((SELECT {JsonAgg("us.school_id")} FROM user_schools us WHERE us.user_id = u.id), '[]') END, " +
            $"CASE WHEN {Changes(RosterPlanner.ProgramField)} THEN COALESCE((SELECT {JsonAgg("up.program_id")} FROM user_programs up WHERE up.user_id = u.id), '[]') END, u.version, u.version + 1, @now " +
            "FROM import_changes c JOIN users u ON u.id = c.user_id " +
            $"WHERE c.import_id = @id AND c.action IN {TouchingActions} AND (c.version IS NULL OR u.version = c.version) AND u.district_id = @district_id",
            importId, districtId, now, cancellationToken);

        var errors = new List<ImportIssue>();
        if (kept != touching)
        {
            await using var check = Command(connection,
                "SELECT c.row, c.username FROM import_changes c LEFT JOIN users u ON u.id = c.user_id " +
                $"WHERE c.import_id = @id AND c.action IN {TouchingActions} AND (u.id IS NULL OR u.version <> c.version OR u.district_id <> @district_id) ORDER BY c.seq",
                transaction);
            Add(check, "id", importId);
            Add(check, "district_id", districtId);
            await using var r = await check.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken)) errors.Add(Issues.UserChanged(r.IsDBNull(0) ? null : r.GetInt32(0), r.GetString(1)));
        }
        // An email the file gives an existing user, now held by a user that keeps it (one the file does not name, or
        // names with that same email). Only a changed email can be: a user the plan gives its own email still holds it
        // unless someone changed the user since, which the version check above finds.
        if (emails || kept != touching)
        {
            await using var check = Command(connection,
                $"SELECT c.row, r.email FROM import_changes c JOIN {rows} r ON r.row = c.row " +
                "JOIN users h ON h.email_key = r.email_key " +
                $"WHERE c.import_id = @id AND c.action IN {WritingActions} AND h.id <> c.user_id AND NOT EXISTS (" +
                $"SELECT 1 FROM import_changes c2 JOIN {rows} r2 ON r2.row = c2.row " +
                "WHERE c2.import_id = c.import_id AND c2.user_id = h.id AND (r2.email_key IS NULL OR r2.email_key <> r.email_key)) ORDER BY c.seq",
                transaction);
            check.CommandTimeout = PlanStatementTimeoutSeconds;
            Add(check, "id", importId);
            await using var r = await check.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken)) errors.Add(Issues.EmailTaken(r.GetInt32(0), r.GetString(1)));
        }
        if (errors.Count > 0) return ([.. errors.OrderBy(e => e.Row ?? int.MaxValue)], 0);
        if (kept != touching) throw new InvalidOperationException($"Import {importId}: {kept} of the {touching} planned users kept for revert, and none changed.");

        var statements = new List<string>();
        // Emails that move first let go of their old key, so a swap within the file never meets the unique index.
        if (emails)
        {
            statements.Add("UPDATE users SET email_key = NULL WHERE id IN (SELECT c.user_id FROM import_changes c " +
                $"WHERE c.import_id = @id AND c.action IN {WritingActions} AND {Changes(Column.Email)}) AND email_key IS NOT NULL");
        }
        // The columns no index holds, for every written user; email, roles and active (indexed) only where they change,
        // so an update of names or grades rewrites no index entry (SQLite rewrites those of every column SET).
        statements.Add("UPDATE users SET first_name = x.first_name, last_name = x.last_name, grade = x.grade, " +
            "password_hash = COALESCE(x.password_hash, users.password_hash), version = users.version + 1 " +
            "FROM (SELECT c.user_id, r.first_name, r.last_name, r.grade, r.password_hash FROM import_changes c " +
            $"JOIN {rows} r ON r.row = c.row WHERE c.import_id = @id AND c.action IN {WritingActions}) AS x WHERE users.id = x.user_id");
        if (emails)
        {
            statements.Add("UPDATE users SET email = x.email, email_key = x.email_key FROM (SELECT c.user_id, r.email, r.email_key FROM import_changes c " +
                $"JOIN {rows} r ON r.row = c.row WHERE c.import_id = @id AND c.action IN {WritingActions} AND {Changes(Column.Email)}) AS x " +
                "WHERE users.id = x.user_id");
        }
        if (roles)
        {
            statements.Add("UPDATE users SET roles = x.roles FROM (SELECT c.user_id, r.roles FROM import_changes c " +
                $"JOIN {rows} r ON r.row = c.row WHERE c.import_id = @id AND c.action IN {WritingActions} AND {Changes(Column.TeacherRole)}) AS x " +
                "WHERE users.id = x.user_id");
        }
        statements.Add("UPDATE users SET active = TRUE WHERE id IN (SELECT c.user_id FROM import_changes c WHERE c.import_id = @id AND c.action = 'reactivate')");
        // The user's schools become exactly the listed ones, where they change.
        if (schools)
        {
            statements.Add("DELETE FROM user_schools WHERE user_id IN (SELECT c.user_id FROM import_changes c " +
                $"WHERE c.import_id = @id AND c.action IN {WritingActions} AND {Changes(Column.SchoolId)})");
            statements.Add("INSERT INTO user_schools (district_id, user_id, school_id) SELECT @district_id, c.user_id, j.value FROM import_changes c " +
                $"JOIN {rows} r ON r.row = c.row, {JsonEach("r.school_ids", "j")} " +
                $"WHERE c.import_id = @id AND c.action IN {WritingActions} AND {Changes(Column.SchoolId)}");
        }
        statements.Add("UPDATE users SET active = FALSE, version = version + 1 WHERE id IN (SELECT c.user_id FROM import_changes c WHERE c.import_id = @id AND c.action = 'deactivate')");
        foreach (var sql in statements) await ExecutePlanStatementAsync(connection, transaction, sql, importId, districtId, now, cancellationToken);
        // The import's program, to the written users who lack it (a user the plan saw with it still has it, or the
        // version check above would have failed).
        if (programId is not null && programs)
        {
            await using var give = Command(connection,
                "INSERT INTO user_programs (district_id, user_id, program_id) SELECT @district_id, c.user_id, @program_id FROM import_changes c " +
                $"WHERE c.import_id = @id AND c.action IN {WritingActions} AND NOT EXISTS (SELECT 1 FROM user_programs p WHERE p.user_id = c.user_id AND p.program_id = @program_id)",
                transaction);
            give.CommandTimeout = PlanStatementTimeoutSeconds;
            Add(give, "id", importId);
            Add(give, "district_id", districtId);
            Add(give, "program_id", programId);
            await give.ExecuteNonQueryAsync(cancellationToken);
        }
        return (null, writing);
    }

    /// <summary>SQL counting the rows where <paramref name="condition"/> holds (in both providers' dialects).</summary>
    private static string CountWhere(string condition) => $"COALESCE(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)";

    /// <summary>Runs one set-based statement of a plan's apply (<c>@id</c>, <c>@district_id</c>, <c>@now</c>); returns the rows it wrote.</summary>
    private async Task<int> ExecutePlanStatementAsync(DbConnection connection, DbTransaction transaction, string sql, Guid importId, string districtId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql, transaction);
        // Each statement is of the whole plan (100,000 updates take tens of seconds on a busy PostgreSQL, its
        // search trigger included), not of a batch: the provider's default 30 s would fail a large confirm.
        command.CommandTimeout = PlanStatementTimeoutSeconds;
        Add(command, "id", importId);
        Add(command, "district_id", districtId);
        Add(command, "now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // Revert.

    public Task<RevertResult> CanRevertImportAsync(string districtId, Guid importId, TimeSpan window, CancellationToken cancellationToken) =>
        RevertAsync(districtId, importId, window, write: false, cancellationToken);

    public Task<RevertResult> RevertImportAsync(string districtId, Guid importId, TimeSpan window, CancellationToken cancellationToken) =>
        RevertAsync(districtId, importId, window, write: true, cancellationToken);

    /// <summary>Begins a transaction that holds the write lock from its start (SQLite: BEGIN IMMEDIATE).</summary>
    protected virtual async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken);

    /// <summary>Appended to a SELECT of one import row to lock it for the transaction (PostgreSQL).</summary>
    protected abstract string LockRow { get; }

    private async Task<RevertResult> RevertAsync(string districtId, Guid importId, TimeSpan window, bool write, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = write ? await BeginWriteAsync(connection, cancellationToken) : await BeginReadAsync(connection, cancellationToken);
        string status;
        DateTimeOffset? completedAt, revertedAt;
        bool purged;
        // Purged: the import changed existing users but what revert needs of them (their values before it) is no
        // longer kept; housekeeping deletes it of every user of the import at once.
        await using (var read = Command(connection,
            "SELECT status, completed_at, reverted_at, " +
            "CASE WHEN COALESCE(plan_update, 0) + COALESCE(plan_reactivate, 0) + COALESCE(plan_deactivate, 0) > 0 " +
            "AND NOT EXISTS (SELECT 1 FROM user_revisions v WHERE v.import_id = imports.id) THEN 1 ELSE 0 END " +
            $"FROM imports WHERE id = @id AND district_id = @district_id{(write ? LockRow : "")}", transaction))
        {
            Add(read, "id", importId);
            Add(read, "district_id", districtId);
            await using var r = await read.ExecuteReaderAsync(cancellationToken);
            if (!await r.ReadAsync(cancellationToken)) return RevertResult.Refused("There is no such import in this district.");
            status = r.GetString(0);
            completedAt = r.IsDBNull(1) ? null : r.GetFieldValue<DateTimeOffset>(1);
            revertedAt = r.IsDBNull(2) ? null : r.GetFieldValue<DateTimeOffset>(2);
            purged = Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture) == 1;
        }
        if (revertedAt is not null) return RevertResult.Refused("This import was already reverted.");
        if (status != ImportStatus.Completed || completedAt is null) return RevertResult.Refused("Only a completed import can be reverted.");
        if (completedAt < Now() - window)
            return RevertResult.Refused($"This import finished more than {window.TotalDays.ToString("0", CultureInfo.InvariantCulture)} days ago; imports can be reverted for {window.TotalDays.ToString("0", CultureInfo.InvariantCulture)} days.");
        if (purged)
            return RevertResult.Refused("The values the users of this import had before it are no longer kept, so it cannot be reverted.");

        if (write && LockUsers("u").Length > 0)
        {
            await using var lockCommand = Command(connection,
                "SELECT u.id FROM users u WHERE u.import_id = @id OR u.id IN (SELECT v.user_id FROM user_revisions v WHERE v.import_id = @id) ORDER BY u.id" + LockUsers("u"),
                transaction);
            Add(lockCommand, "id", importId);
            await using var r = await lockCommand.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken)) { }
        }
        // A user of the import is as it left it while at the version it left (version_after, import_version for one it
        // created); a revert of a later import that brought the user back to that state moved those to its new version.
        int changed;
        await using (var check = Command(connection,
            "SELECT (SELECT COUNT(*) FROM users WHERE import_id = @id AND version <> import_version) + " +
            "(SELECT COUNT(*) FROM user_revisions v LEFT JOIN users u ON u.id = v.user_id WHERE v.import_id = @id AND (u.id IS NULL OR u.version <> v.version_after))",
            transaction))
        {
            Add(check, "id", importId);
            changed = Convert.ToInt32(await check.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }
        if (changed > 0)
        {
            return RevertResult.Refused(changed == 1
                ? "One of the users of this import was changed since, by a later import or by someone else, so it cannot be reverted without undoing that change too."
                : $"{changed.ToString("N0", CultureInfo.InvariantCulture)} users of this import were changed since, by a later import or by someone else, so it cannot be reverted without undoing those changes too.");
        }
        if (!write) return new RevertResult(true, null);

        var now = Now();
        int users = 0;
        string[] statements =
        [
            "UPDATE users SET email_key = NULL WHERE id IN (SELECT user_id FROM user_revisions WHERE import_id = @id) AND email_key IS NOT NULL",
            "DELETE FROM users WHERE import_id = @id",
            // A user an earlier import created, back as that import left it: its new version is the one that import's check expects.
            "UPDATE users SET first_name = v.first_name, last_name = v.last_name, email = v.email, email_key = v.email_key, roles = v.roles, grade = v.grade, " +
            "password_hash = COALESCE(v.password_hash, users.password_hash), active = v.active, version = users.version + 1, " +
            "import_version = CASE WHEN users.import_id IS NOT NULL AND users.import_version = v.version_before THEN users.version + 1 ELSE users.import_version END " +
            "FROM (SELECT * FROM user_revisions WHERE import_id = @id) AS v WHERE users.id = v.user_id",
            // The revision of the earlier import that left a user as this one found it: the user is back as that import
            // left it, at its new version, so that import can be reverted next.
            "UPDATE user_revisions SET version_after = u.version FROM user_revisions b JOIN users u ON u.id = b.user_id " +
            "WHERE b.import_id = @id AND user_revisions.import_id <> @id AND user_revisions.user_id = b.user_id AND user_revisions.version_after = b.version_before",
            // Schools and programs are kept (not null) only for the users whose schools or programs the import changed.
            "DELETE FROM user_schools WHERE user_id IN (SELECT user_id FROM user_revisions WHERE import_id = @id AND school_ids IS NOT NULL)",
            $"INSERT INTO user_schools (district_id, user_id, school_id) SELECT @district_id, v.user_id, j.value FROM user_revisions v, {JsonEach("v.school_ids", "j")} WHERE v.import_id = @id AND v.school_ids IS NOT NULL",
            "DELETE FROM user_programs WHERE user_id IN (SELECT user_id FROM user_revisions WHERE import_id = @id AND program_ids IS NOT NULL)",
            $"INSERT INTO user_programs (district_id, user_id, program_id) SELECT @district_id, v.user_id, j.value FROM user_revisions v, {JsonEach("v.program_ids", "j")} WHERE v.import_id = @id AND v.program_ids IS NOT NULL",
            "DELETE FROM user_revisions WHERE import_id = @id",
            "UPDATE imports SET reverted_at = @now, updated_at = @now WHERE id = @id",
        ];
        foreach (var sql in statements)
        {
            await using var command = Command(connection, sql, transaction);
            // Each statement is of the whole import, as in its apply: the provider's default 30 s would fail a large revert.
            command.CommandTimeout = PlanStatementTimeoutSeconds;
            Add(command, "id", importId);
            Add(command, "district_id", districtId);
            Add(command, "now", now);
            var n = await command.ExecuteNonQueryAsync(cancellationToken);
            if (sql.StartsWith("DELETE FROM users", StringComparison.Ordinal) || sql.StartsWith("UPDATE users SET first_name", StringComparison.Ordinal)) users += n;
        }
        await transaction.CommitAsync(cancellationToken);
        return new RevertResult(true, null, users);
    }

    public async Task<int> PurgeRevisionsAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM user_revisions WHERE created_at < @before");
        Add(command, "before", before);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

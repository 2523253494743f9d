using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Rostra.Core;
using Rostra.Core.Roster;
using Rostra.Core.Validation;
using Rostra.Storage.Search;

namespace Rostra.Storage;

/// <summary>
/// What SQLite and PostgreSQL share: plain SQL that both dialects read the same way.
/// The providers supply connections, set parameters, error classification, migrations and the bulk paths.
/// </summary>
internal abstract partial class SqlStore(TimeProvider time) : IRostraStore
{
    /// <summary>How many names one set-based lookup sends at most.</summary>
    protected const int LookupChunk = 5_000;

    /// <summary>
    /// Staged users moved into the directory per statement of a write: a batch takes well under a second, so the
    /// rows written so far (<see cref="ImportWrite.Written"/>) move at least every second, in the one transaction.
    /// </summary>
    protected const int MoveBatch = 20_000;

    private const string UserColumns =
        "id, district_id, username, first_name, last_name, email, roles, password_hash, security_stamp, active";

    protected const string ImportColumns =
        "id, district_id, program_id, user_type, file_name, file_sha256, status, rows, processed_rows, error_count, " +
        "imported, created_at, created_by, updated_at, message, hashed_rows, chunks, " +
        "mode, plan_create, plan_update, plan_unchanged, plan_deactivate, plan_reactivate, active_users, completed_at, reverted_at, " +
        "step, step_done, step_total, plan_top_field, plan_top_from, plan_top_to, plan_top_count";

    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public abstract string Provider { get; }

    public abstract Task MigrateAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>An open connection; the caller disposes it.</summary>
    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs on each connection <see cref="OpenAsync"/> opens, before the store uses it. Null in production: the seam the
    /// fault proofs use to act on the very connection of a write (make its database full, end its backend).
    /// </summary>
    internal Func<DbConnection, CancellationToken, Task>? ConnectionOpened { get; set; }

    /// <summary>
    /// A transaction that only reads: one consistent view, and no write lock (SQLite's default BEGIN is IMMEDIATE, which
    /// would make a page that only looks wait behind every import's write, and hold up the writes while it looks).
    /// </summary>
    protected virtual async Task<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken);

    /// <summary>True when <paramref name="exception"/> is a unique or primary key violation; names the index when known.</summary>
    protected abstract bool IsUniqueViolation(DbException exception, out string? constraint);

    /// <summary>SQL that is true when <paramref name="expression"/> is one of the values of a set parameter.</summary>
    protected abstract string InSet(string expression, string parameter);

    /// <summary>Adds a parameter holding a set of values for <see cref="InSet"/>.</summary>
    protected abstract void AddSet<T>(DbCommand command, string name, IReadOnlyCollection<T> values);

    /// <summary>How many users a whole listing (an export, <c>users list</c>) reads per statement; tests make it small to cross many pages.</summary>
    internal int ListingPageSize { get; set; } = 5_000;

    /// <summary>
    /// Appended to ORDER BY of names, and to comparisons with a key to page after, so both providers sort and compare by
    /// code point (PostgreSQL would use the database's locale, and could not use its "C" indexes).
    /// </summary>
    protected virtual string BinaryCollation => "";

    /// <summary>Inserts the errors of one import, numbered from 0 in their order.</summary>
    protected abstract Task InsertErrorsAsync(DbConnection connection, DbTransaction transaction, Guid importId, IReadOnlyList<ImportIssue> errors, CancellationToken cancellationToken);

    /// <summary>Converts a value to what the provider stores (SQLite keeps Guids and times as text).</summary>
    protected virtual object ToDb(object value) => value;

    /// <summary>Now, in UTC, to the microsecond (what PostgreSQL keeps), so both providers round-trip it exactly.</summary>
    protected DateTimeOffset Now()
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.Ticks - (now.Ticks % 10), TimeSpan.Zero);
    }

    /// <summary>The case-insensitive key of a username or email: what the unique indexes hold.</summary>
    internal static string Key(string value) => value.ToLowerInvariant();

    protected static DbCommand Command(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    protected DbParameter Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value is null ? DBNull.Value : ToDb(value);
        command.Parameters.Add(parameter);
        return parameter;
    }

    protected static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = Command(connection, "SELECT 1");
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 1;
        }
        catch (DbException)
        {
            return false;
        }
    }

    // Districts, programs, schools.

    public async Task AddDistrictAsync(District district, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "INSERT INTO districts (id, name, roster_sync, sso) VALUES (@id, @name, @roster_sync, @sso)");
        Add(command, "id", district.Id);
        Add(command, "name", district.Name);
        Add(command, "roster_sync", district.RosterSync);
        Add(command, "sso", district.Sso);
        await ExecuteUniqueAsync(command, $"A district with id '{district.Id}' already exists.", cancellationToken);
    }

    public async Task<District?> GetDistrictAsync(string districtId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT id, name, roster_sync, sso FROM districts WHERE id = @id");
        Add(command, "id", districtId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadDistrict(reader) : null;
    }

    public async Task<IReadOnlyList<District>> ListDistrictsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT id, name, roster_sync, sso FROM districts ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var districts = new List<District>();
        while (await reader.ReadAsync(cancellationToken)) districts.Add(ReadDistrict(reader));
        return districts;
    }

    private static District ReadDistrict(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3));

    public async Task AddProgramAsync(DistrictProgram program, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "INSERT INTO programs (district_id, id, name) VALUES (@district_id, @id, @name)");
        Add(command, "district_id", program.DistrictId);
        Add(command, "id", program.Id);
        Add(command, "name", program.Name);
        await ExecuteUniqueAsync(command, $"District '{program.DistrictId}' already has a program with id '{program.Id}'.", cancellationToken);
    }

    public async Task<IReadOnlyList<DistrictProgram>> ListProgramsAsync(string districtId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT district_id, id, name FROM programs WHERE district_id = @district_id ORDER BY id");
        Add(command, "district_id", districtId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var programs = new List<DistrictProgram>();
        while (await reader.ReadAsync(cancellationToken)) programs.Add(new DistrictProgram(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        return programs;
    }

    public async Task AddSchoolAsync(School school, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "INSERT INTO schools (school_id, district_id, name, grades) VALUES (@school_id, @district_id, @name, @grades)");
        Add(command, "school_id", school.SchoolId);
        Add(command, "district_id", school.DistrictId);
        Add(command, "name", school.Name);
        Add(command, "grades", school.Grades.ToString());
        // The unique index on lower(school_id) catches the same School ID in another case, in any district.
        await ExecuteUniqueAsync(command, $"School ID '{school.SchoolId}' is already used by a school on the platform.", cancellationToken);
    }

    public async Task<IReadOnlyList<School>> ListSchoolsAsync(string districtId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT school_id, district_id, name, grades FROM schools WHERE district_id = @district_id ORDER BY school_id");
        Add(command, "district_id", districtId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var schools = new List<School>();
        while (await reader.ReadAsync(cancellationToken)) schools.Add(ReadSchool(reader));
        return schools;
    }

    public async Task<School?> GetSchoolAsync(string districtId, string schoolId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT school_id, district_id, name, grades FROM schools WHERE lower(school_id) = lower(@school_id) AND district_id = @district_id");
        Add(command, "school_id", schoolId);
        Add(command, "district_id", districtId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadSchool(reader) : null;
    }

    private static School ReadSchool(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), GradeSet.TryParse(r.GetString(3), out var grades) ? grades : default);

    // Users.

    public async Task<long> AddUserAsync(NewUser user, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long id;
        try
        {
            await using (var command = Command(connection,
                "INSERT INTO users (district_id, username, username_key, first_name, last_name, email, email_key, roles, grade, password_hash, failed_logins, created_at) " +
                "VALUES (@district_id, @username, @username_key, @first_name, @last_name, @email, @email_key, @roles, @grade, @password_hash, 0, @created_at) RETURNING id",
                transaction))
            {
                Add(command, "district_id", user.DistrictId);
                Add(command, "username", user.Username);
                Add(command, "username_key", Key(user.Username));
                Add(command, "first_name", user.FirstName);
                Add(command, "last_name", user.LastName);
                Add(command, "email", user.Email);
                Add(command, "email_key", user.Email is null ? null : Key(user.Email));
                Add(command, "roles", JoinRoles(user.Roles));
                Add(command, "grade", user.Grade?.ToString());
                Add(command, "password_hash", HashOf(user));
                Add(command, "created_at", Now());
                id = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            }
            await InsertMembershipsAsync(connection, transaction, "user_schools", "school_id", user.DistrictId, id, user.SchoolIds, cancellationToken);
            await InsertMembershipsAsync(connection, transaction, "user_programs", "program_id", user.DistrictId, id, user.ProgramIds, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbException e) when (IsUniqueViolation(e, out var constraint))
        {
            var message = constraint is not null && constraint.Contains("email", StringComparison.Ordinal)
                ? $"The email '{user.Email}' already belongs to a user."
                : $"The username '{user.Username}' already exists.";
            throw new DuplicateKeyException(message, e);
        }
        return id;
    }

    private async Task InsertMembershipsAsync(DbConnection connection, DbTransaction transaction, string table, string column, string districtId, long userId, IReadOnlyList<string> values, CancellationToken cancellationToken)
    {
        foreach (var value in values.Distinct(StringComparer.Ordinal))
        {
            await using var command = Command(connection, $"INSERT INTO {table} (district_id, user_id, {column}) VALUES (@district_id, @user_id, @value)", transaction);
            Add(command, "district_id", districtId);
            Add(command, "user_id", userId);
            Add(command, "value", value);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Roles as stored: distinct, comma-separated, in the order given.</summary>
    protected static string JoinRoles(IEnumerable<string> roles) => string.Join(',', roles.Distinct(StringComparer.Ordinal));

    protected static IReadOnlyList<string> SplitRoles(string roles) => roles.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public async Task<UserAccount?> FindUserAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {UserColumns} FROM users WHERE username_key = @username_key");
        Add(command, "username_key", Key(username));
        return await ReadAccountAsync(command, cancellationToken);
    }

    public async Task<UserAccount?> GetUserAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {UserColumns} FROM users WHERE id = @id");
        Add(command, "id", userId);
        return await ReadAccountAsync(command, cancellationToken);
    }

    private static async Task<UserAccount?> ReadAccountAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? ReadAccount(r) : null;
    }

    private static UserAccount ReadAccount(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), NullableString(r, 4), NullableString(r, 5),
        SplitRoles(r.GetString(6)), NullableString(r, 7), r.GetString(8), r.GetBoolean(9));

    public Task<IReadOnlySet<string>> FindTakenUsernamesAsync(IReadOnlyCollection<string> lowercased, CancellationToken cancellationToken) =>
        FindTakenAsync("username_key", lowercased, cancellationToken);

    public Task<IReadOnlySet<string>> FindTakenEmailsAsync(IReadOnlyCollection<string> lowercased, CancellationToken cancellationToken) =>
        FindTakenAsync("email_key", lowercased, cancellationToken);

    /// <summary>One query per chunk of names against the unique index of <paramref name="column"/>.</summary>
    private async Task<IReadOnlySet<string>> FindTakenAsync(string column, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        if (keys.Count == 0) return taken;
        await using var connection = await OpenAsync(cancellationToken);
        foreach (var chunk in keys.Distinct(StringComparer.Ordinal).Chunk(LookupChunk))
            await FindTakenAsync(connection, null, column, chunk, taken, cancellationToken);
        return taken;
    }

    /// <summary>Adds to <paramref name="taken"/> those of <paramref name="keys"/> that the column holds.</summary>
    protected async Task FindTakenAsync(DbConnection connection, DbTransaction? transaction, string column, IReadOnlyCollection<string> keys, HashSet<string> taken, CancellationToken cancellationToken)
    {
        if (keys.Count == 0) return;
        await using var command = Command(connection, $"SELECT {column} FROM users WHERE {InSet(column, "@keys")}", transaction);
        AddSet(command, "keys", keys);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken)) taken.Add(r.GetString(0));
    }

    // API tokens.

    public async Task<UserAccount?> FindUserByTokenAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT {string.Join(", ", UserColumns.Split(", ").Select(c => "u." + c))}, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = @token_hash");
        Add(command, "token_hash", tokenHash);
        UserAccount account;
        DateTimeOffset? lastUsed;
        await using (var r = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await r.ReadAsync(cancellationToken)) return null;
            account = ReadAccount(r);
            lastUsed = r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10);
        }
        // Written at most once a minute, so a script's requests do not each take the write lock.
        if (lastUsed is null || lastUsed < Now() - LastUsedEvery)
        {
            await TouchTokenAsync(connection, tokenHash, cancellationToken);
        }
        return account;
    }

    // Imports.

    public async Task CreateImportAsync(ImportRecord record, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "INSERT INTO imports (id, district_id, program_id, user_type, file_name, file_sha256, status, rows, processed_rows, error_count, imported, warnings, message, created_at, created_by, updated_at, mode) " +
            "VALUES (@id, @district_id, @program_id, @user_type, @file_name, @file_sha256, @status, @rows, @processed_rows, @error_count, @imported, '[]', @message, @created_at, @created_by, @updated_at, @mode)");
        Add(command, "mode", record.Mode.Slug());
        Add(command, "id", record.Id);
        Add(command, "district_id", record.DistrictId);
        Add(command, "program_id", record.ProgramId);
        Add(command, "user_type", record.UserType.Slug());
        Add(command, "file_name", record.FileName);
        Add(command, "file_sha256", record.FileSha256);
        Add(command, "status", record.Status);
        Add(command, "rows", record.Rows);
        Add(command, "processed_rows", record.ProcessedRows);
        Add(command, "error_count", record.ErrorCount);
        Add(command, "imported", record.Imported);
        Add(command, "message", record.Message);
        Add(command, "created_at", record.CreatedAt);
        Add(command, "created_by", record.CreatedBy);
        Add(command, "updated_at", record.UpdatedAt);
        await ExecuteUniqueAsync(command, $"An import with id '{record.Id}' already exists.", cancellationToken);
    }

    public async Task<ImportRecord?> GetImportAsync(string districtId, Guid importId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {ImportColumns} FROM imports WHERE id = @id AND district_id = @district_id");
        Add(command, "id", importId);
        Add(command, "district_id", districtId);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? ReadImport(r) : null;
    }

    public async Task<IReadOnlyList<ImportRecord>> ListImportsAsync(string districtId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT {ImportColumns} FROM imports WHERE district_id = @district_id ORDER BY created_at DESC, id DESC LIMIT @limit");
        Add(command, "district_id", districtId);
        Add(command, "limit", Math.Max(limit, 0));
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        var imports = new List<ImportRecord>();
        while (await r.ReadAsync(cancellationToken)) imports.Add(ReadImport(r));
        return imports;
    }

    protected static ImportRecord ReadImport(DbDataReader r) => new(
        r.GetGuid(0), r.GetString(1), NullableString(r, 2),
        UserTypes.TryParse(r.GetString(3), out var type) ? type : throw new InvalidDataException($"Unknown user type '{r.GetString(3)}' in imports."),
        r.GetString(4), r.GetString(5), r.GetString(6), r.GetInt32(7), r.GetInt32(8), r.GetInt32(9), r.GetInt32(10),
        r.GetFieldValue<DateTimeOffset>(11), r.GetString(12), r.GetFieldValue<DateTimeOffset>(13), NullableString(r, 14),
        r.GetInt32(15), r.IsDBNull(16) ? null : r.GetInt32(16),
        ImportModes.TryParse(r.GetString(17), out var mode) ? mode : ImportMode.Create,
        r.IsDBNull(18) ? null : new RosterPlan(new PlanCounts(r.GetInt32(18), r.GetInt32(19), r.GetInt32(20), r.GetInt32(21), r.GetInt32(22)), r.IsDBNull(23) ? 0 : r.GetInt32(23),
            r.IsDBNull(29) ? null : new TopChange(r.GetString(29), NullableString(r, 30), NullableString(r, 31), r.GetInt32(32))),
        r.IsDBNull(24) ? null : r.GetFieldValue<DateTimeOffset>(24),
        r.IsDBNull(25) ? null : r.GetFieldValue<DateTimeOffset>(25),
        r.IsDBNull(26) ? null : new ImportStepProgress(r.GetString(26), r.IsDBNull(27) ? 0 : r.GetInt64(27), r.IsDBNull(28) ? null : r.GetInt64(28)));

    public async Task<bool> TryTransitionAsync(Guid importId, IReadOnlyCollection<string> from, string to, string? message, CancellationToken cancellationToken)
    {
        if (from.Count == 0) return false;
        await using var connection = await OpenAsync(cancellationToken);
        // One statement: the compare and the set are atomic on both providers.
        await using var command = Command(connection,
            $"UPDATE imports SET status = @to, message = COALESCE(@message, message), updated_at = @now WHERE id = @id AND {InSet("status", "@from")}");
        Add(command, "to", to);
        Add(command, "message", message);
        Add(command, "now", Now());
        Add(command, "id", importId);
        AddSet(command, "from", from);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task UpdateProgressAsync(Guid importId, int rows, int processedRows, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE imports SET rows = @rows, processed_rows = @processed_rows, updated_at = @now WHERE id = @id");
        Add(command, "rows", rows);
        Add(command, "processed_rows", processedRows);
        Add(command, "now", Now());
        Add(command, "id", importId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task SaveStepAsync(Guid importId, ImportStepProgress? step, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // Only while the import runs: a late write never dresses up an import that ended.
        await using var command = Command(connection,
            "UPDATE imports SET step = @step, step_done = @step_done, step_total = @step_total " +
            $"WHERE id = @id AND {InSet("status", "@running")}");
        Add(command, "step", step?.Step);
        Add(command, "step_done", step?.Done);
        Add(command, "step_total", step?.Total);
        Add(command, "id", importId);
        AddSet(command, "running", Running);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static readonly string[] Running = [ImportStatus.Validating, ImportStatus.Importing];

    public async Task CompleteValidationAsync(Guid importId, string status, int rows, IReadOnlyList<ImportIssue> errors, IReadOnlyList<ImportIssue> warnings, CancellationToken cancellationToken, IReadOnlyList<ErrorCount>? counts = null)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var errorCount = await ReplaceErrorsAsync(connection, transaction, importId, errors, counts, cancellationToken);
        await using (var update = Command(connection,
            "UPDATE imports SET status = @status, rows = @rows, processed_rows = @rows, error_count = @error_count, warnings = @warnings, updated_at = @now WHERE id = @id AND status IN (@validating, @importing)",
            transaction))
        {
            Add(update, "status", status);
            Add(update, "rows", rows);
            Add(update, "error_count", errorCount);
            Add(update, "warnings", JsonSerializer.Serialize(warnings, Json));
            Add(update, "now", Now());
            Add(update, "id", importId);
            Add(update, "validating", ImportStatus.Validating);
            Add(update, "importing", ImportStatus.Importing);
            // Cancelled (or otherwise ended) meanwhile: the outcome is dropped, the import keeps that status.
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return;
            }
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ImportIssue>> GetImportErrorsAsync(Guid importId, int offset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT row, column_name, code, message, value FROM import_errors WHERE import_id = @id ORDER BY seq LIMIT @limit OFFSET @offset");
        Add(command, "id", importId);
        Add(command, "limit", Math.Max(limit, 0));
        Add(command, "offset", Math.Max(offset, 0));
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        var errors = new List<ImportIssue>();
        while (await r.ReadAsync(cancellationToken))
            errors.Add(new ImportIssue(r.IsDBNull(0) ? null : r.GetInt32(0), NullableString(r, 1), r.GetString(2), r.GetString(3), NullableString(r, 4)));
        return errors;
    }

    public async Task<IReadOnlyList<ImportIssue>> GetImportWarningsAsync(Guid importId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT warnings FROM imports WHERE id = @id");
        Add(command, "id", importId);
        return await command.ExecuteScalarAsync(cancellationToken) is string json
            ? JsonSerializer.Deserialize<List<ImportIssue>>(json, Json) ?? []
            : [];
    }

    public async Task<int> FailInterruptedImportsAsync(string message, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"UPDATE imports SET status = @failed, message = @message, updated_at = @now WHERE {InSet("status", "@running")}");
        Add(command, "failed", ImportStatus.Failed);
        Add(command, "message", message);
        Add(command, "now", Now());
        AddSet(command, "running", new[] { ImportStatus.Validating, ImportStatus.Importing });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Marks the import completed with its count, inside the write's transaction. False when the import is
    /// missing or already final (cancelled meanwhile): the caller then rolls back.
    /// </summary>
    protected async Task<bool> CompleteImportAsync(DbConnection connection, DbTransaction transaction, ImportWrite write, int imported, CancellationToken cancellationToken)
    {
        await using var command = Command(connection,
            $"UPDATE imports SET status = @completed, imported = @imported, processed_rows = @imported, updated_at = @now, completed_at = @now " +
            $"WHERE id = @id AND district_id = @district_id AND NOT ({InSet("status", "@final")})",
            transaction);
        Add(command, "completed", ImportStatus.Completed);
        Add(command, "imported", imported);
        Add(command, "now", Now());
        Add(command, "id", write.ImportId);
        Add(command, "district_id", write.DistrictId);
        AddSet(command, "final", ImportStatus.All.Where(ImportStatus.IsFinal).ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Every user of the temporary <c>import_stage</c> whose username or email is taken on the platform, or
    /// repeated in the stage itself, in validation's order (by row, Username before Email). One query, set-based.
    /// </summary>
    protected static async Task<List<ImportIssue>> FindStageConflictsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT s.row, 0 AS kind, s.username AS value, CAST(NULL AS INTEGER) AS first_row FROM import_stage s
             WHERE EXISTS (SELECT 1 FROM users u WHERE u.username_key = s.username_key)
            UNION ALL
            SELECT s.row, 1, s.email, NULL FROM import_stage s
             WHERE s.email_key IS NOT NULL AND EXISTS (SELECT 1 FROM users u WHERE u.email_key = s.email_key)
            UNION ALL
            SELECT d.row, 0, d.username, d.first_row FROM (
                SELECT row, username, row_number() OVER w AS n, min(row) OVER w AS first_row
                  FROM import_stage WINDOW w AS (PARTITION BY username_key ORDER BY row)) d
             WHERE d.n > 1
            UNION ALL
            SELECT d.row, 1, d.email, d.first_row FROM (
                SELECT row, email, row_number() OVER w AS n, min(row) OVER w AS first_row
                  FROM import_stage WHERE email_key IS NOT NULL WINDOW w AS (PARTITION BY email_key ORDER BY row)) d
             WHERE d.n > 1
            ORDER BY 1, 2
            """;
        await using var command = Command(connection, sql, transaction);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        var conflicts = new List<ImportIssue>();
        while (await r.ReadAsync(cancellationToken))
        {
            var row = r.GetInt32(0);
            var isUsername = r.GetInt32(1) == 0;
            var value = r.GetString(2);
            conflicts.Add((isUsername, r.IsDBNull(3)) switch
            {
                (true, true) => Issues.UsernameTaken(row, value),
                (false, true) => Issues.EmailTaken(row, value),
                (true, false) => Issues.UsernameDuplicate(row, value, r.GetInt32(3)),
                (false, false) => Issues.EmailDuplicate(row, value, r.GetInt32(3)),
            });
        }
        return conflicts;
    }

    private async Task ExecuteUniqueAsync(DbCommand command, string message, CancellationToken cancellationToken)
    {
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (DbException e) when (IsUniqueViolation(e, out _))
        {
            throw new DuplicateKeyException(message, e);
        }
    }
}

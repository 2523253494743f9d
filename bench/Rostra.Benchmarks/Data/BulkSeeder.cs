using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Rostra.Core;
using Rostra.Storage;
using Rostra.Storage.Search;

namespace Rostra.Benchmarks.Data;

/// <summary>
/// Puts the synthetic district's existing users into a database through the database's own bulk path, for districts
/// too large to seed through the import engine in a benchmark's time (a million users): PostgreSQL's binary
/// <c>COPY</c>; on SQLite, prepared INSERTs in one transaction on one connection (the users' search trigger runs,
/// with the store's <c>rostra_fold</c>). District, program and schools still go through the store, and the users are
/// the same rows <see cref="DistrictSeeder"/> writes (<see cref="SyntheticDistrict.ExistingUser"/>, one precomputed
/// hash), with no import of their own.
/// </summary>
internal static class BulkSeeder
{
    private static readonly DateTimeOffset CreatedAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Seeds <paramref name="connection"/> (a fresh database: a SQLite path or an Npgsql connection string).</summary>
    public static async Task SeedAsync(string connection, SyntheticDistrict district, long existingUsers, CancellationToken cancellationToken)
    {
        await using (var store = StoreFactory.Open(connection)) await DistrictSeeder.SeedAsync(store, district, 0, cancellationToken);
        if (existingUsers == 0) return;
        if (connection.Contains("Host=", StringComparison.OrdinalIgnoreCase)) await CopyPostgresAsync(connection, district, existingUsers, cancellationToken);
        else await InsertSqliteAsync(connection, district, existingUsers, cancellationToken);
    }

    private static IEnumerable<(long Id, NewUser User)> Users(SyntheticDistrict district, long count)
    {
        for (long k = 0; k < count; k++) yield return (k + 1, district.ExistingUser(k, DistrictSeeder.PrecomputedHash));
    }

    private static string Roles(NewUser user) => string.Join(',', user.Roles.Distinct(StringComparer.Ordinal));

    private static async Task InsertSqliteAsync(string path, SyntheticDistrict district, long count, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync(cancellationToken);
        // As the store's connections have it: the search trigger folds names with the code's own folding.
        connection.CreateFunction("rostra_fold", (string? text) => text is null ? null : SearchText.Fold(text), isDeterministic: true);
        await using (var pragma = connection.CreateCommand())
        {
            // A benchmark's database, filled once: no need to survive a power cut half-way.
            pragma.CommandText = "PRAGMA foreign_keys = ON; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var transaction = connection.BeginTransaction();
        await using var users = connection.CreateCommand();
        users.Transaction = transaction;
        users.CommandText =
            "INSERT INTO users (id, district_id, username, username_key, first_name, last_name, email, email_key, roles, grade, password_hash, failed_logins, created_at) " +
            "VALUES (@id, @district_id, @username, @username_key, @first_name, @last_name, @email, @email_key, @roles, @grade, @password_hash, 0, @created_at)";
        var id = users.Parameters.Add("@id", SqliteType.Integer);
        users.Parameters.AddWithValue("@district_id", district.Id);
        var username = users.Parameters.Add("@username", SqliteType.Text);
        var usernameKey = users.Parameters.Add("@username_key", SqliteType.Text);
        var first = users.Parameters.Add("@first_name", SqliteType.Text);
        var last = users.Parameters.Add("@last_name", SqliteType.Text);
        var email = users.Parameters.Add("@email", SqliteType.Text);
        var emailKey = users.Parameters.Add("@email_key", SqliteType.Text);
        var roles = users.Parameters.Add("@roles", SqliteType.Text);
        var grade = users.Parameters.Add("@grade", SqliteType.Text);
        users.Parameters.AddWithValue("@password_hash", DistrictSeeder.PrecomputedHash);
        // The store's own text form of a time (fixed-width UTC).
        users.Parameters.AddWithValue("@created_at", CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        users.Prepare();
        await using var schools = connection.CreateCommand();
        schools.Transaction = transaction;
        schools.CommandText = "INSERT INTO user_schools (district_id, user_id, school_id) VALUES (@district_id, @user_id, @school_id)";
        schools.Parameters.AddWithValue("@district_id", district.Id);
        var schoolUser = schools.Parameters.Add("@user_id", SqliteType.Integer);
        var school = schools.Parameters.Add("@school_id", SqliteType.Text);
        schools.Prepare();
        await using var programs = connection.CreateCommand();
        programs.Transaction = transaction;
        programs.CommandText = "INSERT INTO user_programs (district_id, user_id, program_id) VALUES (@district_id, @user_id, @program_id)";
        programs.Parameters.AddWithValue("@district_id", district.Id);
        var programUser = programs.Parameters.Add("@user_id", SqliteType.Integer);
        var program = programs.Parameters.Add("@program_id", SqliteType.Text);
        programs.Prepare();
        foreach (var (userId, user) in Users(district, count))
        {
            cancellationToken.ThrowIfCancellationRequested();
            id.Value = userId;
            username.Value = user.Username;
            usernameKey.Value = user.Username.ToLowerInvariant();
            first.Value = user.FirstName;
            last.Value = (object?)user.LastName ?? DBNull.Value;
            email.Value = (object?)user.Email ?? DBNull.Value;
            emailKey.Value = (object?)user.Email?.ToLowerInvariant() ?? DBNull.Value;
            roles.Value = Roles(user);
            grade.Value = (object?)user.Grade?.ToString() ?? DBNull.Value;
            users.ExecuteNonQuery();
            schoolUser.Value = userId;
            foreach (var s in user.SchoolIds.Distinct(StringComparer.Ordinal))
            {
                school.Value = s;
                schools.ExecuteNonQuery();
            }
            programUser.Value = userId;
            foreach (var p in user.ProgramIds.Distinct(StringComparer.Ordinal))
            {
                program.Value = p;
                programs.ExecuteNonQuery();
            }
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task CopyPostgresAsync(string connectionString, SyntheticDistrict district, long count, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, CommandTimeout = 0 }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Users first (their search trigger runs once, over the whole COPY), then their schools and programs.
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY users (id, district_id, username, username_key, first_name, last_name, email, email_key, roles, grade, password_hash, failed_logins, created_at) FROM STDIN (FORMAT BINARY)",
            cancellationToken))
        {
            foreach (var (userId, user) in Users(district, count))
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(userId, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(district.Id, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(user.Username, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(user.Username.ToLowerInvariant(), NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(user.FirstName, NpgsqlDbType.Text, cancellationToken);
                await WriteNullableAsync(copy, user.LastName, cancellationToken);
                await WriteNullableAsync(copy, user.Email, cancellationToken);
                await WriteNullableAsync(copy, user.Email?.ToLowerInvariant(), cancellationToken);
                await copy.WriteAsync(Roles(user), NpgsqlDbType.Text, cancellationToken);
                await WriteNullableAsync(copy, user.Grade?.ToString(), cancellationToken);
                await copy.WriteAsync(DistrictSeeder.PrecomputedHash, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(0, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        await using (var copy = await connection.BeginBinaryImportAsync("COPY user_schools (district_id, user_id, school_id) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var (userId, user) in Users(district, count))
            {
                foreach (var s in user.SchoolIds.Distinct(StringComparer.Ordinal))
                {
                    await copy.StartRowAsync(cancellationToken);
                    await copy.WriteAsync(district.Id, NpgsqlDbType.Text, cancellationToken);
                    await copy.WriteAsync(userId, NpgsqlDbType.Bigint, cancellationToken);
                    await copy.WriteAsync(s, NpgsqlDbType.Text, cancellationToken);
                }
            }
            await copy.CompleteAsync(cancellationToken);
        }
        await using (var copy = await connection.BeginBinaryImportAsync("COPY user_programs (district_id, user_id, program_id) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var (userId, user) in Users(district, count))
            {
                foreach (var p in user.ProgramIds.Distinct(StringComparer.Ordinal))
                {
                    await copy.StartRowAsync(cancellationToken);
                    await copy.WriteAsync(district.Id, NpgsqlDbType.Text, cancellationToken);
                    await copy.WriteAsync(userId, NpgsqlDbType.Bigint, cancellationToken);
                    await copy.WriteAsync(p, NpgsqlDbType.Text, cancellationToken);
                }
            }
            await copy.CompleteAsync(cancellationToken);
        }
        // The ids were given: the sequence goes on after them, as if the users had been imported.
        await using (var sequence = new NpgsqlCommand("SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT MAX(id) FROM users))", connection, transaction))
            await sequence.ExecuteScalarAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
}

using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Rostra.Core;
using Rostra.Core.Validation;

namespace Rostra.Storage;

/// <summary>The errors of imports: the SQL both providers share.</summary>
internal abstract partial class SqlStore
{
    private const string ErrorColumns = "row, column_name, code, message, value";

    public async IAsyncEnumerable<ImportIssue> ReadImportErrorsAsync(Guid importId, ErrorFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {ErrorColumns} FROM import_errors WHERE import_id = @id{FilterSql(filter)} ORDER BY seq");
        AddFilter(command, importId, filter);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken)) yield return ReadIssue(r);
    }

    public async Task<KeptErrorPage> GetImportErrorPageAsync(Guid importId, ErrorFilter filter, int offset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var items = new List<ImportIssue>();
        await using (var page = Command(connection,
            $"SELECT {ErrorColumns} FROM import_errors WHERE import_id = @id{FilterSql(filter)} ORDER BY seq LIMIT @limit OFFSET @offset"))
        {
            AddFilter(page, importId, filter);
            Add(page, "limit", Math.Max(limit, 0));
            Add(page, "offset", Math.Max(offset, 0));
            await using var r = await page.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken)) items.Add(ReadIssue(r));
        }
        await using var count = Command(connection, $"SELECT COUNT(*) FROM import_errors WHERE import_id = @id{FilterSql(filter)}");
        AddFilter(count, importId, filter);
        var kept = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        return new KeptErrorPage(items, kept);
    }

    public async Task<IReadOnlyList<ErrorCount>> GetErrorCountsAsync(Guid importId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT code, column_name, count FROM import_error_counts WHERE import_id = @id");
        Add(command, "id", importId);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new List<ErrorCount>();
        while (await r.ReadAsync(cancellationToken))
        {
            var column = r.GetString(1);
            counts.Add(new ErrorCount(r.GetString(0), column.Length == 0 ? null : column, r.GetInt32(2)));
        }
        return counts;
    }

    public async Task<int> DeleteOldErrorsAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        const string Old = "SELECT id FROM imports WHERE updated_at < @before AND status NOT IN (@validating, @valid, @importing)";
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var table in (string[])["import_errors", "import_error_rows"])
        {
            await using var delete = Command(connection, $"DELETE FROM {table} WHERE import_id IN ({Old})", transaction);
            AddOld(delete, before);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var header = Command(connection, $"UPDATE imports SET header = NULL WHERE header IS NOT NULL AND id IN ({Old})", transaction);
        AddOld(header, before);
        var imports = await header.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return imports;
    }

    private void AddOld(DbCommand command, DateTimeOffset before)
    {
        Add(command, "before", before);
        Add(command, "validating", ImportStatus.Validating);
        Add(command, "valid", ImportStatus.Valid);
        Add(command, "importing", ImportStatus.Importing);
    }

    /// <summary>
    /// Inside <paramref name="transaction"/>: replaces the import's kept errors by <paramref name="errors"/> (values and
    /// messages cut to bounds) and its counts by <paramref name="counts"/> (from the errors themselves when null).
    /// Returns the number of errors counted.
    /// </summary>
    private async Task<int> ReplaceErrorsAsync(DbConnection connection, DbTransaction transaction, Guid importId,
        IReadOnlyList<ImportIssue> errors, IReadOnlyList<ErrorCount>? counts, CancellationToken cancellationToken)
    {
        foreach (var table in (string[])["import_errors", "import_error_counts"])
        {
            await using var delete = Command(connection, $"DELETE FROM {table} WHERE import_id = @id", transaction);
            Add(delete, "id", importId);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        if (errors.Count > 0) await InsertErrorsAsync(connection, transaction, importId, [.. errors.Select(ErrorCollector.Bounded)], cancellationToken);
        counts ??= ErrorCollector.CountAll(errors);
        await using var insert = Command(connection,
            "INSERT INTO import_error_counts (import_id, code, column_name, count) VALUES (@id, @code, @column_name, @count)", transaction);
        Add(insert, "id", importId);
        var code = Add(insert, "code", "");
        var column = Add(insert, "column_name", "");
        var count = Add(insert, "count", 0);
        var total = 0;
        foreach (var c in counts)
        {
            code.Value = c.Code;
            column.Value = c.Column ?? "";
            count.Value = c.Count;
            total += c.Count;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        return total;
    }

    private static string FilterSql(ErrorFilter filter) =>
        (filter.Code is null ? "" : " AND code = @code") + (filter.Column is null ? "" : " AND COALESCE(column_name, '') = @column_name");

    private void AddFilter(DbCommand command, Guid importId, ErrorFilter filter)
    {
        Add(command, "id", importId);
        if (filter.Code is not null) Add(command, "code", filter.Code);
        if (filter.Column is not null) Add(command, "column_name", filter.Column);
    }

    private static ImportIssue ReadIssue(DbDataReader r) =>
        new(r.IsDBNull(0) ? null : r.GetInt32(0), NullableString(r, 1), r.GetString(2), r.GetString(3), NullableString(r, 4));
}

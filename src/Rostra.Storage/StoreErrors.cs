using Microsoft.Data.Sqlite;
using Npgsql;

namespace Rostra.Storage;

/// <summary>What a database failure means to the work that met it.</summary>
public static class StoreErrors
{
    /// <summary>
    /// True when the database could not grow: SQLite's <c>SQLITE_FULL</c> (the disk, or the file's page limit) or
    /// PostgreSQL's <c>disk_full</c> (53100). Trying the same write again will not help until someone frees space.
    /// </summary>
    public static bool IsOutOfSpace(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: 13 } or PostgresException { SqlState: PostgresErrorCodes.DiskFull }) return true;
        }
        return false;
    }
}

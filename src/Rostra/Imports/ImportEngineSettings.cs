using System.Globalization;

namespace Rostra.Imports;

/// <summary>
/// How a node takes part in durable import work. From the environment (<see cref="FromEnvironment"/>), so every
/// <c>rostra serve</c> node of a deployment can be tuned the same way.
/// </summary>
/// <param name="NodeId">This node's name in claims and in <c>hashed_by</c> (<c>ROSTRA_NODE_ID</c>; host name and process id by default).</param>
/// <param name="Workers">Chunks hashed at once on this node, one core each (<c>ROSTRA_JOB_WORKERS</c>; the core count by default).</param>
/// <param name="ChunkRows">
/// Rows per hashing chunk (<c>ROSTRA_CHUNK_ROWS</c>). By default (null) about <see cref="ChunkTime"/> of hashing on one
/// core, from the hash cost this node measures: a worker never holds a long slice, so confirmed work waiting for a
/// worker gets one within about that time.
/// </param>
/// <param name="Lease">How long a claim lives without a heartbeat (<c>ROSTRA_LEASE_SECONDS</c>, 30): how soon a dead node's work is taken over.</param>
/// <param name="Poll">How long an idle worker waits before looking for work again (<c>ROSTRA_JOB_POLL_MS</c>, 500).</param>
/// <param name="ValidExpiry">How long a valid import may wait for CONFIRM before it is cancelled and its passwords deleted (<c>ROSTRA_VALID_IMPORT_HOURS</c>, 24).</param>
/// <param name="Housekeeping">How often a node fails stale validations, expires imports and purges staged rows (15 s).</param>
public sealed record ImportEngineSettings(
    string NodeId,
    int Workers,
    int? ChunkRows = null,
    TimeSpan? Lease = null,
    TimeSpan? Poll = null,
    TimeSpan? ValidExpiry = null,
    TimeSpan? Housekeeping = null)
{
    /// <summary>How the node id of a <c>rostra import</c> process starts, so the claims it leaves when it dies are known as its.</summary>
    public const string CommandLinePrefix = "cli/";

    /// <summary>True in a <c>rostra import</c> process (see <see cref="ForCommandLine"/>).</summary>
    public bool IsCommandLine => NodeId.StartsWith(CommandLinePrefix, StringComparison.Ordinal);

    /// <summary>The settings of a <c>rostra import</c> process: as a server's, with its node id marked as the command line's.</summary>
    public static ImportEngineSettings ForCommandLine(Func<string, string?>? get = null)
    {
        var settings = FromEnvironment(get);
        return settings with { NodeId = CommandLinePrefix + settings.NodeId };
    }

    public TimeSpan LeaseTime => Lease ?? TimeSpan.FromSeconds(30);

    /// <summary>How much hashing one chunk is, when <see cref="ChunkRows"/> is not set (<c>ROSTRA_CHUNK_MS</c>, 1 s).</summary>
    public TimeSpan ChunkTime { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan PollTime => Poll ?? TimeSpan.FromMilliseconds(500);

    public TimeSpan ValidExpiryTime => ValidExpiry ?? TimeSpan.FromHours(24);

    public TimeSpan HousekeepingTime => Housekeeping ?? TimeSpan.FromSeconds(15);

    /// <summary>How often a held lease is renewed, when not three times per lease (<see cref="HeartbeatTime"/>).</summary>
    public TimeSpan? Heartbeat { get; init; }

    /// <summary>Heartbeats renew a lease three times per lease by default, so one late beat loses nothing.</summary>
    public TimeSpan HeartbeatTime => Heartbeat ?? LeaseTime / 3;

    /// <summary>
    /// How long the detailed errors, kept cells and header of an ended import are kept (<c>ROSTRA_ERROR_RETENTION_DAYS</c>,
    /// 30 days); housekeeping deletes them after that, keeping only the count of each kind.
    /// </summary>
    public TimeSpan ErrorRetention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long what revert needs of an import (the users' values before it, their previous password hashes) is kept
    /// (<c>ROSTRA_REVERT_RETENTION_DAYS</c>, 30 days: as long as SPEC §10 lets an import be reverted); housekeeping
    /// deletes it after that, and a revert is then refused with that reason.
    /// </summary>
    public TimeSpan RevertRetention { get; init; } = TimeSpan.FromDays(30);

    public static ImportEngineSettings FromEnvironment(Func<string, string?>? get = null)
    {
        get ??= Environment.GetEnvironmentVariable;
        // Host and process: two processes on one machine must never share claims.
        var node = get("ROSTRA_NODE_ID") is { Length: > 0 } id ? id.Trim() : $"{Environment.MachineName}-{Environment.ProcessId}";
        return new ImportEngineSettings(
            node,
            Positive(get("ROSTRA_JOB_WORKERS")) ?? Environment.ProcessorCount,
            Positive(get("ROSTRA_CHUNK_ROWS")),
            Positive(get("ROSTRA_LEASE_SECONDS")) is { } lease ? TimeSpan.FromSeconds(lease) : null,
            Positive(get("ROSTRA_JOB_POLL_MS")) is { } poll ? TimeSpan.FromMilliseconds(poll) : null,
            Positive(get("ROSTRA_VALID_IMPORT_HOURS")) is { } hours ? TimeSpan.FromHours(hours) : null)
        {
            ErrorRetention = TimeSpan.FromDays(Positive(get("ROSTRA_ERROR_RETENTION_DAYS")) ?? 30),
            ChunkTime = TimeSpan.FromMilliseconds(Positive(get("ROSTRA_CHUNK_MS")) ?? 1000),
            RevertRetention = TimeSpan.FromDays(Positive(get("ROSTRA_REVERT_RETENTION_DAYS")) ?? 30),
        };
    }

    private static int? Positive(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
}

using System.Globalization;

namespace Rostra.Imports;

/// <summary>
/// How a node takes part in durable import work. From the environment (<see cref="FromEnvironment"/>), so every
/// <c>rostra serve</c> node of a deployment can be tuned the same way.
/// </summary>
/// <param name="NodeId">This node's name in claims and in <c>hashed_by</c> (<c>ROSTRA_NODE_ID</c>; host name and process id by default).</param>
/// <param name="Workers">Chunks hashed at once on this node, one core each (<c>ROSTRA_JOB_WORKERS</c>; the core count by default).</param>
/// <param name="ChunkRows">Rows per hashing chunk (<c>ROSTRA_CHUNK_ROWS</c>, 500): at OWASP cost about 15–25 s of one core.</param>
/// <param name="Lease">How long a claim lives without a heartbeat (<c>ROSTRA_LEASE_SECONDS</c>, 30): how soon a dead node's work is taken over.</param>
/// <param name="Poll">How long an idle worker waits before looking for work again (<c>ROSTRA_JOB_POLL_MS</c>, 500).</param>
/// <param name="ValidExpiry">How long a valid import may wait for CONFIRM before it is cancelled and its passwords deleted (<c>ROSTRA_VALID_IMPORT_HOURS</c>, 24).</param>
/// <param name="Housekeeping">How often a node fails stale validations, expires imports and purges staged rows (15 s).</param>
public sealed record ImportEngineSettings(
    string NodeId,
    int Workers,
    int ChunkRows = 500,
    TimeSpan? Lease = null,
    TimeSpan? Poll = null,
    TimeSpan? ValidExpiry = null,
    TimeSpan? Housekeeping = null)
{
    public TimeSpan LeaseTime => Lease ?? TimeSpan.FromSeconds(30);

    public TimeSpan PollTime => Poll ?? TimeSpan.FromMilliseconds(500);

    public TimeSpan ValidExpiryTime => ValidExpiry ?? TimeSpan.FromHours(24);

    public TimeSpan HousekeepingTime => Housekeeping ?? TimeSpan.FromSeconds(15);

    /// <summary>Heartbeats renew a lease three times per lease, so one late beat loses nothing.</summary>
    public TimeSpan HeartbeatTime => LeaseTime / 3;

    public static ImportEngineSettings FromEnvironment(Func<string, string?>? get = null)
    {
        get ??= Environment.GetEnvironmentVariable;
        // Host and process: two processes on one machine must never share claims.
        var node = get("ROSTRA_NODE_ID") is { Length: > 0 } id ? id.Trim() : $"{Environment.MachineName}-{Environment.ProcessId}";
        return new ImportEngineSettings(
            node,
            Positive(get("ROSTRA_JOB_WORKERS")) ?? Environment.ProcessorCount,
            Positive(get("ROSTRA_CHUNK_ROWS")) ?? 500,
            Positive(get("ROSTRA_LEASE_SECONDS")) is { } lease ? TimeSpan.FromSeconds(lease) : null,
            Positive(get("ROSTRA_JOB_POLL_MS")) is { } poll ? TimeSpan.FromMilliseconds(poll) : null,
            Positive(get("ROSTRA_VALID_IMPORT_HOURS")) is { } hours ? TimeSpan.FromHours(hours) : null);
    }

    private static int? Positive(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
}

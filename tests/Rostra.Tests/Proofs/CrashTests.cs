using System.Net.Http.Json;
using System.Text.Json;
using Rostra.Core;
using Xunit.Abstractions;

namespace Rostra.Tests.Proofs;

/// <summary>
/// <c>kill -9</c> of a server in the middle of an import, at points seen from outside (no pause in the server):
/// while validating (rows checked, none staged yet or some staged), while hashing, and after confirm. After a restart
/// the district has all of the file's users or none, and the import's status says which: on SQLite an interrupted
/// import is failed (SPEC §9), on PostgreSQL another node finishes it.
/// </summary>
[Collection(nameof(ProofCollection))]
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int Rows = 3_000;

    /// <summary>A file long enough that its validation is still running when the server is killed.</summary>
    private const int LongRows = 300_000;

    public enum Point
    {
        Validating,
        Hashing,
        Confirmed,
    }

    /// <summary>
    /// Every point on both databases in scripts/reliability.sh; one point on each in ./test.sh. The validating point is
    /// not in ./test.sh: the check reports its rows only at its end, so on a quiet machine a kill may land after it.
    /// </summary>
    public static TheoryData<string, Point> Points() => FaultInjectionTests.FullSweep
        ? new() { { "sqlite", Point.Validating }, { "sqlite", Point.Hashing }, { "sqlite", Point.Confirmed }, { "postgres", Point.Validating }, { "postgres", Point.Hashing }, { "postgres", Point.Confirmed } }
        : new() { { "sqlite", Point.Confirmed }, { "postgres", Point.Hashing } };

    [Theory]
    [MemberData(nameof(Points))]
    public async Task A_server_killed_mid_import_restarts_to_all_or_none_and_a_truthful_status(string provider, Point point)
    {
        await using var server = await ProofServer.CreateAsync(provider);
        var district = await server.AddDistrictAsync("crash-usd");
        // Slow enough hashing that the kill lands while the import runs.
        var slow = new Dictionary<string, string> { ["ROSTRA_HASH_ITERATIONS"] = "2", ["ROSTRA_HASH_MEMORY_KIB"] = "4096", ["ROSTRA_JOB_WORKERS"] = "1" };
        var node = await server.StartNodeAsync("node-a", slow);
        Guid id;
        string seen;
        using (var client = ProofServer.Client(node.Address, district.Token))
        {
            id = await ProofServer.UploadAsync(client, ProofServer.Students(district, point == Point.Validating ? LongRows : Rows, "c"));
            var view = point == Point.Validating
                ? await WaitForAsync(client, id, v => Status(v) == ImportStatus.Validating && v.GetProperty("processedRows").GetInt32() > 0 || Status(v) != ImportStatus.Validating)
                : await WaitForAsync(client, id, v => Status(v) != ImportStatus.Validating);
            if (point != Point.Validating)
            {
                Assert.Equal(ImportStatus.Valid, Status(view));
            }
            if (point == Point.Hashing)
            {
                view = await WaitForAsync(client, id, v => HashedRows(v) > 0 || Status(v) != ImportStatus.Valid);
            }
            if (point == Point.Confirmed)
            {
                using (await client.PostAsync($"/api/imports/{id}/confirm", null)) { }
                view = await WaitForAsync(client, id, v => Status(v) != ImportStatus.Valid);
            }
            seen = $"{Status(view)}, {view.GetProperty("processedRows").GetInt32()} rows checked, {HashedRows(view)} hashed";
            // The kill lands where it is meant to.
            Assert.Equal(point switch { Point.Validating => ImportStatus.Validating, Point.Hashing => ImportStatus.Valid, _ => ImportStatus.Importing }, Status(view));
            Assert.True(point != Point.Hashing || HashedRows(view) > 0, seen);
        }
        node.Kill();
        var atKill = await server.CountUsersAsync(district.Id) - 1;

        var restarted = await server.StartNodeAsync(provider == "postgres" ? "node-b" : "node-a-again");
        using var again = ProofServer.Client(restarted.Address, district.Token);
        var final = await WaitForAsync(again, id, v => Status(v) is ImportStatus.Failed or ImportStatus.Completed or ImportStatus.Cancelled or ImportStatus.Invalid
            || (Status(v) == ImportStatus.Valid && point != Point.Confirmed));
        var users = await server.CountUsersAsync(district.Id) - 1;
        var message = final.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        ProofReport.Write(output, "crashes", $"{provider} killed at {point} ({seen}): {atKill} users at the kill; after restart {Status(final)}, {users} users ({message})");

        Assert.Equal(0, atKill);
        Assert.True(users == 0 || users == Rows, $"{users} of {Rows} users after the restart.");
        Assert.Equal(Status(final) == ImportStatus.Completed ? Rows : 0, users);
        if (point == Point.Validating)
        {
            // A validation cut off by the kill is not left running: it says it ended, and nothing was written.
            Assert.Equal(ImportStatus.Failed, Status(final));
            return;
        }
        if (Status(final) == ImportStatus.Failed)
        {
            Assert.False(string.IsNullOrWhiteSpace(message));
        }
        if (Status(final) != ImportStatus.Completed)
        {
            // Nothing half-done stands in the way: the same file imports.
            var retry = await ProofServer.UploadAsync(again, ProofServer.Students(district, Rows, "c"));
            Assert.Equal(ImportStatus.Valid, Status(await WaitForAsync(again, retry, v => Status(v) != ImportStatus.Validating)));
            using (await again.PostAsync($"/api/imports/{retry}/confirm", null)) { }
            Assert.Equal(ImportStatus.Completed, Status(await WaitForAsync(again, retry, v => Status(v) is not (ImportStatus.Valid or ImportStatus.Importing))));
            Assert.Equal(Rows, await server.CountUsersAsync(district.Id) - 1);
        }
    }

    private static string Status(JsonElement view) => view.GetProperty("status").GetString()!;

    private static int HashedRows(JsonElement view) =>
        view.TryGetProperty("hashedRows", out var h) && h.ValueKind == JsonValueKind.Number ? h.GetInt32() : 0;

    private static async Task<JsonElement> WaitForAsync(HttpClient client, Guid id, Func<JsonElement, bool> done)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var view = await client.GetFromJsonAsync<JsonElement>($"/api/imports/{id}");
            if (done(view)) return view;
            if (DateTime.UtcNow > until) throw new TimeoutException($"Import {id} is still {view}.");
            await Task.Delay(20);
        }
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Rostra.Core;
using Rostra.Imports;
using Rostra.Storage;

namespace Rostra.Tests.Web;

/// <summary>
/// Uploads waiting on one node for its validation slot: their leases are kept while the node lives, and the slot is
/// shared fairly between districts. One slot, held busy by the test; leases of a few seconds renewed ten times a
/// second, so the waiting uploads outlive their first lease with seconds to spare, even on a loaded machine where a
/// heartbeat comes late.
/// </summary>
public sealed class ValidationQueueTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task Uploads_waiting_for_a_slot_outlive_their_lease_and_another_districts_upload_is_not_kept_behind_them()
    {
        var taken = new ConcurrentQueue<Guid>();
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var web = await WebApp.StartAsync(settings => settings with
        {
            Args = [.. settings.Args, "--Rostra:ConcurrentImports=1"],
            Engine = new ImportEngineSettings("node-q", Workers: 1, ChunkRows: 50, Lease: Lease,
                Poll: TimeSpan.FromMilliseconds(100), Housekeeping: TimeSpan.FromMilliseconds(100)) { Heartbeat = Heartbeat },
            BeforeValidation = async (id, ct) =>
            {
                taken.Enqueue(id);
                await hold.Task.WaitAsync(ct);
            },
        });
        var a = await web.CreateDistrictAsync();
        var b = await web.CreateDistrictAsync();
        using var clientA = web.Client(a.AdminToken);
        using var clientB = web.Client(b.AdminToken);

        var fromA = new List<Guid>();
        for (var i = 1; i <= 5; i++) fromA.Add(await UploadAsync(clientA, a.Students(40, $"a{i}x")));
        var fromB = await UploadAsync(clientB, b.Students(3));
        await WaitUntilAsync(() => !taken.IsEmpty);

        // An upload held by a node that died: housekeeping fails it once its lease has lapsed, which is after the
        // leases the six uploads above were given when they arrived.
        var dead = await DeadNodeUploadAsync(web.Store, a.Id);
        await WaitUntilAsync(async () => (await web.Store.GetImportAsync(a.Id, dead, CancellationToken.None))!.Status == ImportStatus.Failed);

        foreach (var id in fromA.Append(fromB))
        {
            var waiting = await web.Store.GetImportAsync(id == fromB ? b.Id : a.Id, id, CancellationToken.None);
            Assert.Equal(ImportStatus.Validating, waiting!.Status);
        }

        hold.SetResult();
        foreach (var id in fromA) Assert.Equal(ImportStatus.Valid, (await WebApp.WaitAsync(clientA, id)).GetProperty("status").GetString());
        Assert.Equal(ImportStatus.Valid, (await WebApp.WaitAsync(clientB, fromB)).GetProperty("status").GetString());
        // District B's one upload went right after the one that held the slot, not behind A's other four.
        Assert.Equal([fromA[0], fromB, fromA[1], fromA[2], fromA[3], fromA[4]], taken.ToArray());
    }

    private static async Task<Guid> UploadAsync(HttpClient client, string csv)
    {
        using var response = await client.PostAsync("/api/imports", WebApp.ImportForm("student", csv));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task<Guid> DeadNodeUploadAsync(IRostraStore store, string districtId)
    {
        var now = DateTimeOffset.UtcNow;
        var import = new ImportRecord(Guid.NewGuid(), districtId, "reading", UserType.Student, "lost.csv", new string('0', 64),
            ImportStatus.Validating, 0, 0, 0, 0, now, "admin", now);
        await store.CreateImportAsync(import, CancellationToken.None);
        Assert.True(await store.RenewImportLeaseAsync(import.Id, "node-gone:0:-1", now + Lease, CancellationToken.None));
        return import.Id;
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition never came true.");
            await Task.Delay(20);
        }
    }
}

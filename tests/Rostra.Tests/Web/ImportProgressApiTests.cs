using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Rostra.Core;
using Rostra.Storage;

namespace Rostra.Tests.Web;

/// <summary>
/// <c>GET /api/imports/{id}</c> during a real import: the steps come in order, each one's figure only moves forward,
/// and the rows checked move while the file is checked. The store's calls wait at gates the test opens
/// (<see cref="StoreGates"/>), so every step is seen on any machine; nothing is timed.
/// </summary>
public sealed class ImportProgressApiTests : IAsyncLifetime
{
    private const int Rows = 12_000;

    private readonly List<Seen> seen = [];
    private string folder = "";
    private IRostraStore realStore = null!;
    private StoreGates gates = null!;
    private WebApp web = null!;

    public async Task InitializeAsync()
    {
        folder = Directory.CreateTempSubdirectory("rostra-progress-").FullName;
        realStore = StoreFactory.Open(Path.Combine(folder, "rostra.db"));
        (var store, gates) = StoreGates.Wrap(realStore);
        web = await WebApp.StartAsync(settings => settings with { Store = store }, folder);
    }

    public async Task DisposeAsync()
    {
        await web.DisposeAsync();
        await realStore.DisposeAsync();
    }

    [Fact]
    public async Task Every_step_is_reported_in_order_with_figures_that_only_move_forward()
    {
        var district = await web.CreateDistrictAsync();
        using var client = web.Client(district.AdminToken);
        using var reading = gates.Hold(nameof(IImportStore.SaveStepAsync), args => args[1] is ImportStepProgress { Step: ImportSteps.Checking });
        using var checking = gates.Hold(nameof(IUserLookup.FindTakenUsernamesAsync));
        using var preparing = gates.Hold(nameof(IJobStore.StageRowsAsync), args => Equals(args[1], district.Id));
        using var hashing = gates.Hold(nameof(IJobStore.SaveChunkHashesAsync));
        using var saving = gates.Hold(nameof(IJobStore.WriteStagedImportAsync));

        using var upload = await client.PostAsync("/api/imports", WebApp.ImportForm("student", district.Students(Rows, "steps")));
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var id = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // Reading: the whole file, in bytes.
        var read = await UntilAsync(client, id, v => v.Step == ImportSteps.Reading && v.StepDone == v.StepTotal);
        Assert.True(read.StepTotal > 0);
        reading.Dispose();

        // Checking: rows, of the file's rows counted by its lines; processedRows moves with it, here and in the store.
        var checkedRows = await UntilAsync(client, id, v => v.Step == ImportSteps.Checking && v.StepDone > 0);
        Assert.Equal(Rows, checkedRows.StepTotal);
        Assert.Equal(checkedRows.StepDone, checkedRows.ProcessedRows);
        await StoredAsync(district.Id, id, s => s is { Step: ImportSteps.Checking, Done: > 0 });
        await MovesAsync(client, id, checking, ImportSteps.Checking);
        checking.Dispose();

        // Preparing: the valid rows staged for hashing.
        await UntilAsync(client, id, v => v.Step == ImportSteps.Preparing);
        await MovesAsync(client, id, preparing, ImportSteps.Preparing);
        preparing.Dispose();

        var valid = await UntilAsync(client, id, v => v.Status == ImportStatus.Valid);
        Assert.Null(valid.Step);
        Assert.Equal(Rows, valid.Rows);
        using var confirm = await client.PostAsync($"/api/imports/{id}/confirm", null);
        Assert.Equal(HttpStatusCode.Accepted, confirm.StatusCode);

        // Hashing: passwords, counted as each chunk's worker goes, not only when a chunk is done.
        var hashed = await UntilAsync(client, id, v => v.Step == ImportSteps.Hashing && v.StepDone > 0);
        Assert.Equal(Rows, hashed.StepTotal);
        // Chunks are sized by hashing time, so a fast test hash may make the whole file one chunk: its figure moved
        // while its worker hashed it (held before it is saved); no further chunk need follow.
        hashing.Dispose();

        // Saving: the one final write.
        var saved = await UntilAsync(client, id, v => v.Step == ImportSteps.Saving);
        Assert.Equal(Rows, saved.StepTotal);
        saving.Dispose();
        var done = await UntilAsync(client, id, v => v.Status == ImportStatus.Completed);
        Assert.Null(done.Step);
        Assert.Equal(Rows, done.Imported);

        // Over every answer: the steps in order, and within a step its figure and the percentage never go back.
        var order = seen.Where(v => v.Step is not null).Select(v => ImportSteps.Order(v.Step)).ToList();
        Assert.Equal(order.Order(), order);
        Assert.Equal(ImportSteps.All, seen.Where(v => v.Step is not null).Select(v => v.Step!).Distinct());
        foreach (var step in seen.Where(v => v.Step is not null).GroupBy(v => v.Step))
        {
            var figures = step.Select(v => v.StepDone!.Value).ToList();
            Assert.True(figures.SequenceEqual(figures.Order()), $"{step.Key}: {string.Join(", ", figures)}");
        }
        foreach (var status in seen.Where(v => v.Percent is not null).GroupBy(v => v.Status))
        {
            var percents = status.Select(v => v.Percent!.Value).ToList();
            Assert.True(percents.SequenceEqual(percents.Order()), $"{status.Key}: {string.Join(", ", percents)}");
        }
        var validating = seen.Where(v => v.Status == ImportStatus.Validating).Select(v => v.ProcessedRows).ToList();
        Assert.True(validating.SequenceEqual(validating.Order()) && validating[^1] > 0, string.Join(", ", validating));
    }

    [Fact]
    public async Task Preparing_an_update_reaches_its_whole_when_the_plan_leaves_rows_unchanged()
    {
        const int Students = 1000;
        var district = await web.CreateDistrictAsync();
        using var client = web.Client(district.AdminToken);
        var first = (await WebApp.UploadAndWaitAsync(client, "student", district.Students(Students))).GetProperty("id").GetGuid();
        using (var confirmed = await client.PostAsync($"/api/imports/{first}/confirm", null)) Assert.Equal(HttpStatusCode.Accepted, confirmed.StatusCode);
        Assert.Equal(ImportStatus.Completed, (await WebApp.WaitAsync(client, first)).GetProperty("status").GetString());

        // Half the students renamed, the others as they are (blank password: kept): those are unchanged and never staged.
        var csv = new System.Text.StringBuilder(TestDistrict.StudentHeader).Append("\r\n");
        for (var i = 1; i <= Students; i++)
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{(i % 2 == 0 ? "Renamed" : "Student")}{i},Lopez,s{i}.{district.Suffix},,{1 + (i % 5)},{district.ElementarySchool},\r\n");
        // Held once every row is staged, before the import is valid.
        using var planned = gates.Hold(nameof(IRosterStore.SavePlanAsync));
        var form = WebApp.ImportForm("student", csv.ToString());
        form.Add(new StringContent("update"), "mode");
        using var upload = await client.PostAsync("/api/imports", form);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var id = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        while (planned.Waiting == 0) await Task.Delay(20);
        var prepared = await UntilAsync(client, id, v => v.Step == ImportSteps.Preparing);

        Assert.Equal((Students / 2L, (long?)(Students / 2)), (prepared.StepDone, prepared.StepTotal));
        planned.Dispose();
        var valid = await UntilAsync(client, id, v => v.Status == ImportStatus.Valid);
        Assert.Equal(Students, valid.Rows);
        using var confirm = await client.PostAsync($"/api/imports/{id}/confirm", null);
        Assert.Equal(HttpStatusCode.Accepted, confirm.StatusCode);
        var done = await UntilAsync(client, id, v => v.Status == ImportStatus.Completed);
        Assert.Equal(Students / 2, done.Imported);
        // Every hashing figure seen is of the rows staged.
        Assert.All(seen.Where(v => v.Step == ImportSteps.Hashing), v => Assert.Equal(Students / 2L, v.StepTotal));
    }

    /// <summary>Lets one held call through and polls until the step's figure is past where it was.</summary>
    private async Task MovesAsync(HttpClient client, Guid id, StoreGates.Gate gate, string step)
    {
        var before = seen[^1];
        Assert.Equal(step, before.Step);
        gate.Let();
        await UntilAsync(client, id, v => v.Step != step || v.StepDone > before.StepDone);
        Assert.Equal(step, seen[^1].Step);
    }

    /// <summary>Polls the import until <paramref name="done"/> holds, keeping every answer.</summary>
    private async Task<Seen> UntilAsync(HttpClient client, Guid id, Func<Seen, bool> done)
    {
        while (true)
        {
            var json = await client.GetFromJsonAsync<JsonElement>($"/api/imports/{id}");
            var view = Seen.From(json);
            seen.Add(view);
            if (done(view)) return view;
            Assert.False(ImportStatus.IsFinal(view.Status), $"The import ended ({view.Status}) before the test saw what it waits for.");
            await Task.Delay(20);
        }
    }

    /// <summary>Polls the import's row in the database, as another node reads it, until <paramref name="done"/> holds.</summary>
    private async Task StoredAsync(string districtId, Guid id, Func<ImportStepProgress?, bool> done)
    {
        while (!done((await realStore.GetImportAsync(districtId, id, default))?.Step))
        {
            await Task.Delay(20);
        }
    }

    private sealed record Seen(string Status, string? Step, long? StepDone, long? StepTotal, int? Percent, int Rows, int ProcessedRows, int Imported)
    {
        public static Seen From(JsonElement json) => new(
            json.GetProperty("status").GetString()!,
            json.GetProperty("step").GetString(),
            json.GetProperty("stepDone") is { ValueKind: JsonValueKind.Number } done ? done.GetInt64() : null,
            json.GetProperty("stepTotal") is { ValueKind: JsonValueKind.Number } total ? total.GetInt64() : null,
            json.GetProperty("percent") is { ValueKind: JsonValueKind.Number } percent ? percent.GetInt32() : null,
            json.GetProperty("rows").GetInt32(),
            json.GetProperty("processedRows").GetInt32(),
            json.GetProperty("imported").GetInt32());
    }
}

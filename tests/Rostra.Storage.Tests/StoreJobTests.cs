using Rostra.Core;
using Rostra.Core.Validation;

namespace Rostra.Storage.Tests;

/// <summary>Imports as durable jobs: staging, chunk claims and leases, the final write, housekeeping. Both providers.</summary>
public abstract partial class StoreTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private static (int ChunkNo, NewUser User) Staged(int row, int chunk, string? username = null, string? email = null) =>
        (chunk, new NewUser(District, username ?? "student" + row, "First" + row, "Last" + row, email, [Roles.Student], Grade.Parse("3"), ["1001"], [],
            new Secret.Protected("protected-" + row), row));

    /// <summary>A <c>valid</c> durable import of <paramref name="rows"/> students (rows 2…), <paramref name="chunkRows"/> per chunk.</summary>
    private async Task<ImportRecord> StageImportAsync(int rows, int chunkRows, string prefix = "student", string worker = "node-a:1")
    {
        var import = await CreateImportAsync(status: ImportStatus.Validating);
        Assert.True(await Store.RenewImportLeaseAsync(import.Id, worker, DateTimeOffset.UtcNow + Lease, Ct));
        var staged = Enumerable.Range(0, rows).Select(i => Staged(i + 2, i / chunkRows, prefix + (i + 2))).ToList();
        foreach (var batch in staged.Chunk(7)) await Store.StageRowsAsync(import.Id, District, batch, Ct);
        Assert.True(await Store.CompleteStagingAsync(import.Id, rows, [], Ct));
        return (await Store.GetImportAsync(District, import.Id, Ct))!;
    }

    private async Task HashAllAsync(string worker, string node)
    {
        while (await Store.ClaimChunkAsync(worker, Lease, Ct) is { } claim)
        {
            var passwords = await Store.GetChunkPasswordsAsync(claim.ImportId, claim.ChunkNo, Ct);
            Assert.True(await Store.SaveChunkHashesAsync(claim.ImportId, claim.ChunkNo, worker, node,
                passwords.Select(p => new RowHash(p.Row, "$argon2id$" + p.PasswordProtected)).ToList(), Ct));
        }
    }

    [Fact]
    public async Task Staging_splits_an_import_into_pending_chunks_and_makes_it_valid()
    {
        await SeedDistrictAsync();
        var import = await StageImportAsync(rows: 10, chunkRows: 4);

        Assert.Equal(ImportStatus.Valid, import.Status);
        Assert.Equal(10, import.Rows);
        Assert.Equal(3, import.Chunks);
        var chunks = await Store.GetImportChunksAsync(import.Id, Ct);
        Assert.Equal([(0, 2, 5, 4), (1, 6, 9, 4), (2, 10, 11, 2)], chunks.Select(c => (c.ChunkNo, c.FirstRow, c.LastRow, c.Rows)));
        Assert.All(chunks, c => Assert.Equal("pending", c.Status));
    }

    [Fact]
    public async Task A_validation_lease_renewed_once_the_import_is_valid_claims_nothing_and_leaves_it_to_whoever_confirms()
    {
        await SeedDistrictAsync();
        var import = await StageImportAsync(rows: 3, chunkRows: 4, worker: "node-a:1");

        // The validating node's last beat, just after staging: a renewal of validating leases only, so it takes nothing.
        Assert.Equal(0, await Store.RenewImportLeasesAsync([import.Id], "node-a:1", DateTimeOffset.UtcNow + Lease, Ct));
        // Whoever confirms finds it held by no one.
        Assert.True(await Store.RenewImportLeaseAsync(import.Id, "node-b:1", DateTimeOffset.UtcNow + Lease, Ct));
    }

    [Fact]
    public async Task Staging_ends_nothing_when_the_import_was_cancelled_meanwhile()
    {
        await SeedDistrictAsync();
        var import = await CreateImportAsync(status: ImportStatus.Validating);
        await Store.StageRowsAsync(import.Id, District, [Staged(2, 0)], Ct);
        Assert.True(await Store.TryTransitionAsync(import.Id, [ImportStatus.Validating], ImportStatus.Cancelled, null, Ct));

        Assert.False(await Store.CompleteStagingAsync(import.Id, 1, [], Ct));
        Assert.Empty(await Store.GetImportChunksAsync(import.Id, Ct));
    }

    [Fact]
    public async Task Staging_refuses_a_password_that_is_not_protected_and_stages_nothing()
    {
        await SeedDistrictAsync();
        var import = await CreateImportAsync(status: ImportStatus.Validating);
        var (chunk, user) = Staged(2, 0);

        await Assert.ThrowsAsync<ArgumentException>(() => Store.StageRowsAsync(import.Id, District, [(chunk, user with { Password = new Secret.Plain("Secret#12") })], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.StageRowsAsync(import.Id, District, [(chunk, user with { Password = new Secret.Hash("$argon2id$x") })], Ct));
        Assert.Empty(await Store.GetStagedRowsAsync(import.Id, [2], Ct));
    }

    [Fact]
    public async Task Staged_rows_read_back_without_their_passwords()
    {
        await SeedDistrictAsync();
        var import = await CreateImportAsync(status: ImportStatus.Validating);
        await Store.StageRowsAsync(import.Id, District, [Staged(2, 0, email: "s2@lincoln.org")], Ct);

        var row = Assert.Single(await Store.GetStagedRowsAsync(import.Id, [2], Ct));
        Assert.Equal((2, District, "student2", "First2", "Last2", "s2@lincoln.org", Grade.Parse("3"), (Secret?)null),
            (row.Row, row.DistrictId, row.Username, row.FirstName, row.LastName, row.Email, row.Grade, row.Password));
        Assert.Equal(["1001"], row.SchoolIds);
        Assert.Equal([Roles.Student], row.Roles);
        Assert.Empty(row.ProgramIds);
    }

    [Fact]
    public async Task Two_workers_claim_different_chunks_and_a_held_chunk_is_not_claimed_again()
    {
        await SeedDistrictAsync();
        var import = await StageImportAsync(rows: 4, chunkRows: 2);

        var first = await Store.ClaimChunkAsync("a:1", Lease, Ct);
        var second = await Store.ClaimChunkAsync("b:1", Lease, Ct);
        var none = await Store.ClaimChunkAsync("c:1", Lease, Ct);

        Assert.Equal(import.Id, first!.ImportId);
        Assert.Equal(District, first.DistrictId);
        Assert.Equal([0, 1], new[] { first.ChunkNo, second!.ChunkNo }.Order());
        Assert.Null(none);
    }

    [Fact]
    public async Task Many_workers_claiming_at_once_each_get_a_chunk_of_their_own()
    {
        await SeedDistrictAsync();
        await StageImportAsync(rows: 40, chunkRows: 2);

        var claims = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => Store.ClaimChunkAsync($"w:{i}", Lease, Ct))));

        Assert.Equal(Enumerable.Range(0, 20), claims.Select(c => c!.ChunkNo).Order());
    }

    [Fact]
    public async Task A_chunk_whose_lease_lapsed_is_taken_over_and_its_first_worker_can_no_longer_save_it()
    {
        await SeedDistrictAsync();
        var import = await StageImportAsync(rows: 2, chunkRows: 2);
        var dead = await Store.ClaimChunkAsync("dead:1", TimeSpan.FromMilliseconds(-1), Ct);

        var taken = await Store.ClaimChunkAsync("alive:1", Lease, Ct);

        Assert.Equal(dead!.ChunkNo, taken!.ChunkNo);
        Assert.False(await Store.RenewChunkLeaseAsync(import.Id, dead.ChunkNo, "dead:1", DateTimeOffset.UtcNow + Lease, Ct));
        Assert.False(await Store.SaveChunkHashesAsync(import.Id, dead.ChunkNo, "dead:1", "dead", [new RowHash(2, "x"), new RowHash(3, "y")], Ct));
        Assert.True(await Store.RenewChunkLeaseAsync(import.Id, taken.ChunkNo, "alive:1", DateTimeOffset.UtcNow + Lease, Ct));
        Assert.True(await Store.SaveChunkHashesAsync(import.Id, taken.ChunkNo, "alive:1", "alive", [new RowHash(2, "x"), new RowHash(3, "y")], Ct));
        Assert.Equal("alive", (await Store.GetImportChunksAsync(import.Id, Ct)).Single().HashedBy);
    }

    [Fact]
    public async Task Saving_hashes_erases_the_protected_passwords_and_counts_progress()
    {
        await SeedDistrictAsync();
        var import = await StageImportAsync(rows: 5, chunkRows: 3);
        var claim = await Store.ClaimChunkAsync("a:1", Lease, Ct);
        var passwords = await Store.GetChunkPasswordsAsync(import.Id, claim!.ChunkNo, Ct);
        Assert.Equal(["protected-2", "protected-3", "protected-4"], passwords.Select(p => p.PasswordProtected));

        Assert.True(await Store.SaveChunkHashesAsync(import.Id, 0, "a:1", "node-a", passwords.Select(p => new RowHash(p.Row, "h" + p.Row)).ToList(), Ct));

        Assert.All(await Store.GetChunkPasswordsAsync(import.Id, 0, Ct), p => Assert.Null(p.PasswordProtected));
        Assert.Equal(3, (await Store.GetImportAsync(District, import.Id, Ct))!.HashedRows);
        var chunk = (await Store.GetImportChunksAsync(import.Id, Ct))[0];
        Assert.Equal(("hashed", "node-a"), (chunk.Status, chunk.HashedBy));
        Assert.NotNull(chunk.HashedAt);
    }

    [Fact]
    public async Task Confirmed_imports_are_hashed_before_ones_still_waiting_for_confirm()
    {
        await SeedDistrictAsync();
        var waiting = await StageImportAsync(rows: 2, chunkRows: 2, prefix: "w");
        var confirmed = await StageImportAsync(rows: 2, chunkRows: 2, prefix: "c");
        Assert.True(await Store.TryTransitionAsync(confirmed.Id, [ImportStatus.Valid], ImportStatus.Importing, null, Ct));

        Assert.Equal(confirmed.Id, (await Store.ClaimChunkAsync("a:1", Lease, Ct))!.ImportId);
        Assert.Equal(waiting.Id, (await Store.ClaimChunkAsync("a:1", Lease, Ct))!.ImportId);
    }

    [Fact]
    public async Task The_final_write_waits_for_confirm_and_every_chunk_then_writes_every_user_and_drops_the_stage()
    {
        await SeedDistrictAsync();
        var import = await StageImportAsync(rows: 6, chunkRows: 4);
        await HashAllAsync("a:1", "node-a");
        Assert.Null(await Store.ClaimFinalWriteAsync("a:1", Lease, Ct));

        Assert.True(await Store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Importing, null, Ct));
        var claimed = await Store.ClaimFinalWriteAsync("b:1", Lease, Ct);
        Assert.Equal(import.Id, claimed!.Id);
        Assert.Null(await Store.ClaimFinalWriteAsync("c:1", Lease, Ct));
        Assert.False((await Store.WriteStagedImportAsync(new ImportWrite(import.Id, District, Program), "c:1", null, Ct)).Succeeded);

        var result = await Store.WriteStagedImportAsync(new ImportWrite(import.Id, District, Program), "b:1", null, Ct);

        Assert.Equal((true, 6), (result.Succeeded, result.Imported));
        var after = await Store.GetImportAsync(District, import.Id, Ct);
        Assert.Equal((ImportStatus.Completed, 6), (after!.Status, after.Imported));
        var users = (await Store.ListUsersAsync(new UserQuery(District), Ct)).Users;
        Assert.Equal(Enumerable.Range(2, 6).Select(i => "student" + i).Order(StringComparer.Ordinal), users.Select(u => u.Username));
        Assert.All(users, u => Assert.Equal(["1001"], u.SchoolIds));
        Assert.All(users, u => Assert.Equal([Program], u.Programs));
        Assert.Equal("$argon2id$protected-2", (await Store.FindUserAsync("student2", Ct))!.PasswordHash);
        Assert.Empty(await Store.GetStagedRowsAsync(import.Id, [2, 3, 4], Ct));
    }

    [Fact]
    public async Task The_final_write_is_not_claimed_while_a_chunk_is_left()
    {
        await SeedDistrictAsync();
        var import = await StageImportAsync(rows: 4, chunkRows: 2);
        Assert.True(await Store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Importing, null, Ct));
        var claim = await Store.ClaimChunkAsync("a:1", Lease, Ct);
        var passwords = await Store.GetChunkPasswordsAsync(import.Id, claim!.ChunkNo, Ct);
        await Store.SaveChunkHashesAsync(import.Id, claim.ChunkNo, "a:1", "a", passwords.Select(p => new RowHash(p.Row, "h")).ToList(), Ct);

        Assert.Null(await Store.ClaimFinalWriteAsync("a:1", Lease, Ct));
    }

    [Fact]
    public async Task A_final_write_claim_whose_lease_lapsed_is_taken_over()
    {
        await SeedDistrictAsync();
        var import = await StageImportAsync(rows: 2, chunkRows: 2);
        await HashAllAsync("a:1", "a");
        Assert.True(await Store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Importing, null, Ct));
        Assert.NotNull(await Store.ClaimFinalWriteAsync("dead:1", TimeSpan.FromMilliseconds(-1), Ct));

        Assert.NotNull(await Store.ClaimFinalWriteAsync("alive:1", Lease, Ct));
        Assert.False((await Store.WriteStagedImportAsync(new ImportWrite(import.Id, District, Program), "dead:1", null, Ct)).Succeeded);
        Assert.True((await Store.WriteStagedImportAsync(new ImportWrite(import.Id, District, Program), "alive:1", null, Ct)).Succeeded);
        Assert.Equal(2, await CountUsersAsync());
    }

    [Fact]
    public async Task A_final_write_that_meets_a_taken_username_writes_nothing_and_reports_it()
    {
        await SeedDistrictAsync();
        var import = await StageImportAsync(rows: 3, chunkRows: 2);
        await HashAllAsync("a:1", "a");
        Assert.True(await Store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Importing, null, Ct));
        await Store.AddUserAsync(Student("STUDENT3", 99), Ct);
        Assert.NotNull(await Store.ClaimFinalWriteAsync("a:1", Lease, Ct));

        var result = await Store.WriteStagedImportAsync(new ImportWrite(import.Id, District, Program), "a:1", null, Ct);

        Assert.False(result.Succeeded);
        Assert.Equal([Issues.UsernameTaken(3, "student3")], result.Errors);
        Assert.Equal(1, await CountUsersAsync());
        Assert.Equal(ImportStatus.Importing, (await Store.GetImportAsync(District, import.Id, Ct))!.Status);
        Assert.Equal(["student3"], (await Store.GetStagedRowsAsync(import.Id, [3], Ct)).Select(r => r.Username));
    }

    [Fact]
    public async Task A_failure_just_before_the_final_commit_leaves_no_user_and_the_import_resumable()
    {
        await SeedDistrictAsync();
        var import = await StageImportAsync(rows: 3, chunkRows: 2);
        await HashAllAsync("a:1", "a");
        Assert.True(await Store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Importing, null, Ct));
        Assert.NotNull(await Store.ClaimFinalWriteAsync("a:1", TimeSpan.FromMilliseconds(-1), Ct));

        await Assert.ThrowsAsync<IOException>(() => Store.WriteStagedImportAsync(new ImportWrite(import.Id, District, Program), "a:1",
            _ => throw new IOException("the node died"), Ct));

        Assert.Equal(0, await CountUsersAsync());
        Assert.NotNull(await Store.ClaimFinalWriteAsync("b:1", Lease, Ct));
        Assert.True((await Store.WriteStagedImportAsync(new ImportWrite(import.Id, District, Program), "b:1", null, Ct)).Succeeded);
        Assert.Equal(3, await CountUsersAsync());
    }

    [Fact]
    public async Task Two_staged_imports_of_the_same_usernames_written_at_once_end_with_exactly_one_success()
    {
        await SeedDistrictAsync();
        var first = await StageImportAsync(rows: 50, chunkRows: 10, prefix: "same");
        var second = await StageImportAsync(rows: 50, chunkRows: 10, prefix: "same");
        await HashAllAsync("a:1", "a");
        foreach (var import in new[] { first, second })
        {
            Assert.True(await Store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Importing, null, Ct));
        }
        var claimedByA = (await Store.ClaimFinalWriteAsync("a:1", Lease, Ct))!.Id;
        var claimedByB = (await Store.ClaimFinalWriteAsync("b:1", Lease, Ct))!.Id;

        var results = await Task.WhenAll(
            Task.Run(() => Store.WriteStagedImportAsync(new ImportWrite(claimedByA, District, Program), "a:1", null, Ct)),
            Task.Run(() => Store.WriteStagedImportAsync(new ImportWrite(claimedByB, District, Program), "b:1", null, Ct)));

        Assert.Single(results, r => r.Succeeded);
        var loser = results.Single(r => !r.Succeeded);
        Assert.Equal(50, loser.Errors.Count);
        Assert.All(loser.Errors, e => Assert.Equal(IssueCodes.UsernameTaken, e.Code));
        Assert.Equal(50, await CountUsersAsync());
    }

    [Fact]
    public async Task Cancelling_stops_hashing_and_housekeeping_deletes_the_staged_passwords()
    {
        await SeedDistrictAsync();
        var import = await StageImportAsync(rows: 4, chunkRows: 2);
        var claim = await Store.ClaimChunkAsync("a:1", Lease, Ct);
        Assert.True(await Store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Cancelled, null, Ct));

        Assert.False(await Store.SaveChunkHashesAsync(import.Id, claim!.ChunkNo, "a:1", "a", [new RowHash(2, "h")], Ct));
        Assert.Null(await Store.ClaimChunkAsync("a:1", Lease, Ct));
        var done = await Store.HousekeepAsync("stale", TimeSpan.FromHours(1), "expired", Ct);

        Assert.Equal(4, done.PurgedRows);
        Assert.Empty(await Store.GetChunkPasswordsAsync(import.Id, 0, Ct));
    }

    [Fact]
    public async Task Housekeeping_fails_a_validation_whose_node_stopped_and_expires_an_unconfirmed_import()
    {
        await SeedDistrictAsync();
        var stale = await CreateImportAsync(status: ImportStatus.Validating);
        Assert.True(await Store.RenewImportLeaseAsync(stale.Id, "dead:1", DateTimeOffset.UtcNow.AddSeconds(-1), Ct));
        var live = await CreateImportAsync(status: ImportStatus.Validating);
        Assert.True(await Store.RenewImportLeaseAsync(live.Id, "alive:1", DateTimeOffset.UtcNow + Lease, Ct));
        Assert.False(await Store.RenewImportLeaseAsync(live.Id, "other:1", DateTimeOffset.UtcNow + Lease, Ct));
        var cli = await CreateImportAsync(status: ImportStatus.Validating);
        var valid = await StageImportAsync(rows: 2, chunkRows: 2);

        var done = await Store.HousekeepAsync("The server restarted.", TimeSpan.FromMilliseconds(-1), "Expired.", Ct);

        Assert.Equal((1, 1, 2), (done.FailedValidations, done.ExpiredImports, done.PurgedRows));
        Assert.Equal((ImportStatus.Failed, "The server restarted."), await StatusAsync(stale.Id));
        Assert.Equal(ImportStatus.Validating, (await StatusAsync(live.Id)).Status);
        Assert.Equal(ImportStatus.Validating, (await StatusAsync(cli.Id)).Status);
        Assert.Equal((ImportStatus.Cancelled, "Expired."), await StatusAsync(valid.Id));

        async Task<(string Status, string? Message)> StatusAsync(Guid id) =>
            (await Store.GetImportAsync(District, id, Ct)) is { } r ? (r.Status, r.Message) : ("missing", null);
    }

    [Fact]
    public async Task Error_rows_and_the_header_are_kept_for_the_report()
    {
        await SeedDistrictAsync();
        var import = await CreateImportAsync(status: ImportStatus.Validating);

        await Store.SaveErrorRowsAsync(import.Id, ["First Name", "Password"], [new ErrorRow(3, ["Ann", null]), new ErrorRow(7, ["=cmd", ""])], Ct);

        Assert.Equal(["First Name", "Password"], await Store.GetImportHeaderAsync(import.Id, Ct));
        var rows = await Store.ReadErrorRowsAsync(import.Id, Ct).ToListAsync();
        Assert.Equal([3, 7], rows.Select(r => r.Row));
        Assert.Equal(["=cmd", ""], rows[1].Cells);
        Assert.Null(await Store.GetImportHeaderAsync((await CreateImportAsync()).Id, Ct));
    }

    [Fact]
    public async Task Data_protection_keys_are_shared_through_the_database()
    {
        await Store.StoreDataProtectionKeyAsync("key-1", "<key id=\"1\" />", Ct);
        await Store.StoreDataProtectionKeyAsync("key-2", "<key id=\"2\" />", Ct);
        await using var other = StoreFactory.Open(ConnectionString);

        Assert.Equal(["<key id=\"1\" />", "<key id=\"2\" />"], await other.GetDataProtectionKeysAsync(Ct));
    }
}

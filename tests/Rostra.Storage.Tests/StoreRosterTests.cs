using System.Text;
using Rostra.Core;
using Rostra.Core.Roster;
using Rostra.Core.Validation;

namespace Rostra.Storage.Tests;

/// <summary>Update and sync imports (SPEC §10) on both providers: the plan's look-ups, apply, conflicts, races, revert.</summary>
public abstract partial class StoreTests
{
    private const string RosterHeader = "First Name,Last Name,Username,Password,Grade,School ID,Email";

    /// <summary>A store-backed plan sink of one import.</summary>
    private sealed class PlanSink(IRostraStore store, Guid importId) : IPlanSink
    {
        public Task AddAsync(IReadOnlyList<PlannedChange> changes, CancellationToken cancellationToken) => store.AddPlanChangesAsync(importId, changes, cancellationToken);
    }

    /// <summary>A plan sink that only keeps what it is handed, each change as one line of text.</summary>
    private sealed class PlanLines : IPlanSink
    {
        public List<string> Lines { get; } = [];

        public Task AddAsync(IReadOnlyList<PlannedChange> changes, CancellationToken cancellationToken)
        {
            Lines.AddRange(changes.Select(Describe));
            return Task.CompletedTask;
        }

        public static string Describe(PlannedChange c) =>
            $"{c.Row} {c.Username} {c.Action} {c.UserId} {c.Version} [{string.Join("; ", c.Changes.Select(f => $"{f.Field}: {f.From} -> {f.To}"))}]";
    }

    /// <summary>Hands every batch to two sinks.</summary>
    private sealed class TeeSink(IPlanSink first, IPlanSink second) : IPlanSink
    {
        public async Task AddAsync(IReadOnlyList<PlannedChange> changes, CancellationToken cancellationToken)
        {
            await first.AddAsync(changes, cancellationToken);
            await second.AddAsync(changes, cancellationToken);
        }
    }

    /// <summary>Adds students ann.lee (grade 3, 1001) and bo.li (grade 4, LHS) the way a first import would.</summary>
    private async Task<(long Ann, long Bo)> SeedStudentsAsync()
    {
        await SeedDistrictAsync();
        var ann = await Store.AddUserAsync(new NewUser(District, "ann.lee", "Ann", "Lee", "ann@lincoln.org", [Roles.Student], Grade.Parse("3"), ["1001"], [Program], new Secret.Hash("$argon2id$ann")), Ct);
        var bo = await Store.AddUserAsync(new NewUser(District, "bo.li", "Bo", "Li", "bo@lincoln.org", [Roles.Student], Grade.Parse("4"), ["LHS"], [Program], new Secret.Hash("$argon2id$bo")), Ct);
        return (ann, bo);
    }

    /// <summary>Validates, stages and plans a student file in <paramref name="mode"/>, as the engine does: a <c>valid</c> import.</summary>
    private Task<(ImportRecord Import, ValidationResult Result)> PlanAsync(ImportMode mode, params string[] rows) =>
        PlanAsync(mode, UserType.Student, RosterHeader, rows);

    private async Task<(ImportRecord Import, ValidationResult Result)> PlanAsync(ImportMode mode, UserType type, string header, params string[] rows)
    {
        var import = NewImport(District, ImportStatus.Validating) with { Mode = mode, UserType = type };
        await Store.CreateImportAsync(import, Ct);
        var bytes = Encoding.UTF8.GetBytes(string.Join("\r\n", [header, .. rows]) + "\r\n");
        var district = (await Store.GetDistrictAsync(District, Ct))!;
        // The plan is made both ways it can find its users (a batch at a time, the district read whole), and must be the same.
        var batched = new PlanLines();
        var batchedContext = new ValidationContext(district, type, await Store.ListSchoolsAsync(District, Ct), Store, new ImportLimits(),
            mode, Store, Program, batched, PlanLookups.Batched);
        var batchedResult = await FileValidator.ValidateAsync(new MemoryStream(bytes), batchedContext, null, Ct);
        var whole = new PlanLines();
        var context = batchedContext with { Plan = new TeeSink(whole, new PlanSink(Store, import.Id)), Lookups = PlanLookups.WholeDistrict };
        var result = await FileValidator.ValidateAsync(new MemoryStream(bytes), context, null, Ct);
        Assert.True(result.IsValid, string.Join(" ", result.Errors.Select(e => $"{e.Row}:{e.Code}")));
        Assert.Equal(batched.Lines, whole.Lines);
        Assert.Equal((batchedResult.Rows, batchedResult.Plan?.Counts, batchedResult.Plan?.ActiveUsers, batchedResult.Plan?.TopChange),
            (result.Rows, result.Plan?.Counts, result.Plan?.ActiveUsers, result.Plan?.TopChange));
        Assert.True(await Store.RenewImportLeaseAsync(import.Id, "node-a:1", DateTimeOffset.UtcNow + Lease, Ct));
        var staged = new List<(int ChunkNo, NewUser User)>();
        await foreach (var user in FileValidator.ReadUsersAsync(new MemoryStream(bytes), context, Ct))
            staged.Add((0, user with { Password = user.Password is Secret.Plain plain ? new Secret.Protected("protected:" + plain.Text) : null }));
        await Store.StageRowsAsync(import.Id, District, staged, Ct);
        await Store.SavePlanAsync(import.Id, result.Plan!, Ct);
        Assert.True(await Store.CompleteStagingAsync(import.Id, result.Rows, [], Ct));
        return ((await Store.GetImportAsync(District, import.Id, Ct))!, result);
    }

    /// <summary>CONFIRM and the workers: importing, every chunk hashed, the final write by <paramref name="worker"/>.</summary>
    private async Task<WriteResult> ConfirmAsync(ImportRecord import, string worker = "node-b:1")
    {
        Assert.True(await Store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Importing, null, Ct));
        await HashGivenPasswordsAsync(worker);
        var claimed = await Store.ClaimFinalWriteAsync(worker, Lease, Ct);
        Assert.Equal(import.Id, claimed?.Id);
        return await Store.WriteStagedImportAsync(new ImportWrite(import.Id, District, Program), worker, null, Ct);
    }

    /// <summary>The workers' hashing as the engine does it: a blank password (kept) has no hash.</summary>
    private async Task HashGivenPasswordsAsync(string worker)
    {
        while (await Store.ClaimChunkAsync(worker, Lease, Ct) is { } claim)
        {
            var passwords = await Store.GetChunkPasswordsAsync(claim.ImportId, claim.ChunkNo, Ct);
            Assert.True(await Store.SaveChunkHashesAsync(claim.ImportId, claim.ChunkNo, worker, "node",
                passwords.Select(p => new RowHash(p.Row, p.PasswordProtected is null ? null : "$argon2id$" + p.PasswordProtected)).ToList(), Ct));
        }
    }

    private async Task<UserSummary> UserAsync(string username) =>
        (await Store.ListUsersAsync(new UserQuery(District, Search: username), Ct)).Users.Single(u => u.Username == username);

    private static string RosterRow(string first, string last, string username, string password, string grade, string school, string email) =>
        string.Join(',', first, last, username, password, grade, school.Contains(',', StringComparison.Ordinal) ? $"\"{school}\"" : school, email);

    [Fact]
    public async Task An_update_writes_a_changed_teacher_role_and_email_and_leaves_unchanged_ones_as_they_were()
    {
        await SeedDistrictAsync();
        await Store.AddUserAsync(new NewUser(District, "tom.ray", "Tom", "Ray", "tom@lincoln.org", [Roles.SchoolAdmin], null, ["1001"], [Program], new Secret.Hash("$argon2id$tom")), Ct);
        await Store.AddUserAsync(new NewUser(District, "sue.kim", "Sue", "Kim", "sue@lincoln.org", [Roles.SchoolAdmin, Roles.Teacher], null, ["1001"], [Program], new Secret.Hash("$argon2id$sue")), Ct);

        var (import, result) = await PlanAsync(ImportMode.Update, UserType.SchoolAdmin, "First Name,Last Name,Username,Password,Email,School ID,Teacher Role",
            "Tom,Ray,tom.ray,,thomas@lincoln.org,1001,Y",
            "Susan,Kim,sue.kim,,sue@lincoln.org,1001,Y");
        Assert.Equal(new PlanCounts(0, 2, 0, 0, 0), result.Plan!.Counts);
        var write = await ConfirmAsync(import);

        Assert.True(write.Succeeded, string.Join(" ", write.Errors.Select(e => e.Code)));
        var tom = await UserAsync("tom.ray");
        var sue = await UserAsync("sue.kim");
        Assert.Equal(("thomas@lincoln.org", true), (tom.Email, tom.Roles.Contains(Roles.Teacher)));
        Assert.Equal(("Susan", "sue@lincoln.org", true), (sue.FirstName, sue.Email, sue.Roles.Contains(Roles.Teacher)));
        // The old email is free again; the kept one is still held.
        var holders = await Store.FindEmailHoldersAsync(["tom@lincoln.org", "thomas@lincoln.org", "sue@lincoln.org"], Ct);
        Assert.Equal(["sue@lincoln.org", "thomas@lincoln.org"], holders.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Update_applies_exactly_its_plan_in_one_write()
    {
        var (ann, bo) = await SeedStudentsAsync();
        await Store.AddProgramAsync(new DistrictProgram(District, "math", "Math"), Ct);

        var (import, result) = await PlanAsync(ImportMode.Update,
            RosterRow("Ann", "Lee", "ann.lee", "", "4", "1001,LHS", "ann@lincoln.org"),
            RosterRow("Bo", "Li", "BO.LI", "NewSecret#1", "04", "LHS", "bo@lincoln.org"),
            RosterRow("Cy", "Ox", "cy.ox", "Secret#123", "5", "1001", "cy@lincoln.org"));

        Assert.Equal(new PlanCounts(Create: 1, Update: 2, Unchanged: 0, Deactivate: 0, Reactivate: 0), result.Plan!.Counts);
        Assert.Equal(result.Plan, import.Plan);
        Assert.Equal(ImportMode.Update, import.Mode);
        var page = await Store.GetPlanChangesAsync(import.Id, PlanAction.Update, 0, 10, Ct);
        Assert.Equal(2, page.Total);
        Assert.Equal(["Grade: 3 -> 4", "School ID: 1001 -> 1001,LHS"], page.Items[0].Changes.Select(c => $"{c.Field}: {c.From} -> {c.To}"));
        Assert.Equal([new FieldChange("Password", null, null)], page.Items[1].Changes);

        var write = await ConfirmAsync(import);

        Assert.True(write.Succeeded, string.Join(" ", write.Errors.Select(e => e.Code)));
        Assert.Equal(3, write.Imported);
        var annNow = await UserAsync("ann.lee");
        Assert.Equal(("4", "1001,LHS"), (annNow.Grade, string.Join(',', annNow.SchoolIds)));
        Assert.Equal("$argon2id$ann", (await Store.GetUserAsync(ann, Ct))!.PasswordHash);
        Assert.Equal("$argon2id$protected:NewSecret#1", (await Store.GetUserAsync(bo, Ct))!.PasswordHash);
        Assert.Equal("bo.li", (await Store.GetUserAsync(bo, Ct))!.Username);
        Assert.Equal(3, await CountUsersAsync());
        var completed = await Store.GetImportAsync(District, import.Id, Ct);
        Assert.Equal((ImportStatus.Completed, 3), (completed!.Status, completed.Imported));
        Assert.NotNull(completed.CompletedAt);
    }

    [Fact]
    public async Task Sync_deactivates_the_left_out_users_who_then_cannot_sign_in_and_a_later_file_reactivates_them()
    {
        var (_, bo) = await SeedStudentsAsync();

        var (import, result) = await PlanAsync(ImportMode.Sync, RosterRow("Ann", "Lee", "ann.lee", "", "3", "1001", "ann@lincoln.org"));
        Assert.Equal(new PlanCounts(0, 0, 1, 1, 0), result.Plan!.Counts);
        Assert.Equal(2, import.Plan!.ActiveUsers);
        var deactivation = Assert.Single((await Store.GetPlanChangesAsync(import.Id, PlanAction.Deactivate, 0, 10, Ct)).Items);
        Assert.Equal((null, "bo.li"), (deactivation.Row, deactivation.Username));
        Assert.True((await ConfirmAsync(import)).Succeeded);

        Assert.False((await Store.GetUserAsync(bo, Ct))!.Active);
        Assert.False((await Store.FindUserAsync("BO.LI", Ct))!.Active);
        Assert.Equal(["bo.li"], (await Store.ListUsersAsync(new UserQuery(District, Active: false), Ct)).Users.Select(u => u.Username));
        Assert.Equal(["ann.lee"], (await Store.ListUsersAsync(new UserQuery(District, Active: true), Ct)).Users.Select(u => u.Username));
        Assert.Equal(["LHS"], (await UserAsync("bo.li")).SchoolIds);

        var (again, plan) = await PlanAsync(ImportMode.Update, RosterRow("Bo", "Li", "bo.li", "", "4", "LHS", "bo@lincoln.org"));
        Assert.Equal(new PlanCounts(0, 0, 0, 0, 1), plan.Plan!.Counts);
        Assert.True((await ConfirmAsync(again)).Succeeded);
        Assert.True((await Store.GetUserAsync(bo, Ct))!.Active);
    }

    [Fact]
    public async Task A_planned_user_changed_after_validation_fails_the_confirm_with_user_changed_and_nothing_written()
    {
        await SeedStudentsAsync();
        var (first, _) = await PlanAsync(ImportMode.Update,
            RosterRow("Ann", "Lee", "ann.lee", "", "5", "1001", "ann@lincoln.org"),
            RosterRow("Di", "Ax", "di.ax", "Secret#123", "5", "1001", "di@lincoln.org"));
        var (second, _) = await PlanAsync(ImportMode.Update, RosterRow("Ann", "Lee", "ann.lee", "", "2", "1001", "ann@lincoln.org"));
        Assert.True((await ConfirmAsync(second)).Succeeded);

        var write = await ConfirmAsync(first, "node-c:1");

        Assert.False(write.Succeeded);
        var error = Assert.Single(write.Errors);
        Assert.Equal((2, IssueCodes.UserChanged, "ann.lee"), (error.Row, error.Code, error.Value));
        Assert.Equal("2", (await UserAsync("ann.lee")).Grade);
        Assert.Equal(2, await CountUsersAsync());
    }

    [Fact]
    public async Task Two_users_swapping_emails_are_written_without_meeting_the_unique_index()
    {
        await SeedStudentsAsync();
        var (import, _) = await PlanAsync(ImportMode.Update,
            RosterRow("Ann", "Lee", "ann.lee", "", "3", "1001", "bo@lincoln.org"),
            RosterRow("Bo", "Li", "bo.li", "", "4", "LHS", "ann@lincoln.org"));

        Assert.True((await ConfirmAsync(import)).Succeeded);

        Assert.Equal("bo@lincoln.org", (await UserAsync("ann.lee")).Email);
        Assert.Equal("ann@lincoln.org", (await UserAsync("bo.li")).Email);
    }

    [Fact]
    public async Task Two_overlapping_update_confirms_racing_exactly_one_wins()
    {
        await SeedStudentsAsync();
        var (a, _) = await PlanAsync(ImportMode.Update, RosterRow("Ann", "Lee", "ann.lee", "", "5", "1001", "ann@lincoln.org"));
        var (b, _) = await PlanAsync(ImportMode.Update, RosterRow("Ann", "Lee", "ann.lee", "", "6", "1001", "ann@lincoln.org"));
        foreach (var import in new[] { a, b })
            Assert.True(await Store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Importing, null, Ct));
        await HashGivenPasswordsAsync("node-a:9");
        Assert.NotNull(await Store.ClaimFinalWriteAsync("w:1", Lease, Ct));
        Assert.NotNull(await Store.ClaimFinalWriteAsync("w:2", Lease, Ct));

        var writes = await Task.WhenAll(
            Task.Run(() => Store.WriteStagedImportAsync(new ImportWrite(a.Id, District, Program), "w:1", null, Ct)),
            Task.Run(() => Store.WriteStagedImportAsync(new ImportWrite(b.Id, District, Program), "w:2", null, Ct)));

        Assert.Single(writes, w => w.Succeeded);
        Assert.Equal(IssueCodes.UserChanged, Assert.Single(writes.Single(w => !w.Succeeded).Errors).Code);
        var winner = writes[0].Succeeded ? "5" : "6";
        Assert.Equal(winner, (await UserAsync("ann.lee")).Grade);
    }

    [Fact]
    public async Task Revert_puts_back_values_and_password_hashes_removes_created_users_and_reactivates()
    {
        var (ann, bo) = await SeedStudentsAsync();
        var (import, _) = await PlanAsync(ImportMode.Sync,
            RosterRow("Annie", "Lee", "ann.lee", "NewSecret#1", "4", "LHS", "annie@lincoln.org"),
            RosterRow("Cy", "Ox", "cy.ox", "Secret#123", "5", "1001", "cy@lincoln.org"));
        Assert.True((await ConfirmAsync(import)).Succeeded);
        Assert.True((await Store.CanRevertImportAsync(District, import.Id, TimeSpan.FromDays(30), Ct)).Succeeded);

        var revert = await Store.RevertImportAsync(District, import.Id, TimeSpan.FromDays(30), Ct);

        Assert.True(revert.Succeeded, revert.Reason);
        var annNow = await UserAsync("ann.lee");
        Assert.Equal(("Ann", "3", "ann@lincoln.org", "1001", true), (annNow.FirstName, annNow.Grade, annNow.Email, string.Join(',', annNow.SchoolIds), annNow.Active));
        Assert.Equal("$argon2id$ann", (await Store.GetUserAsync(ann, Ct))!.PasswordHash);
        Assert.True((await Store.GetUserAsync(bo, Ct))!.Active);
        Assert.Null(await Store.FindUserAsync("cy.ox", Ct));
        Assert.Equal(2, await CountUsersAsync());
        Assert.NotNull((await Store.GetImportAsync(District, import.Id, Ct))!.RevertedAt);
        var again = await Store.RevertImportAsync(District, import.Id, TimeSpan.FromDays(30), Ct);
        Assert.False(again.Succeeded);
    }

    [Fact]
    public async Task Revert_is_refused_when_a_later_import_touched_its_users_or_it_is_too_old()
    {
        await SeedStudentsAsync();
        var (first, _) = await PlanAsync(ImportMode.Update, RosterRow("Ann", "Lee", "ann.lee", "", "5", "1001", "ann@lincoln.org"));
        Assert.True((await ConfirmAsync(first)).Succeeded);
        var (later, _) = await PlanAsync(ImportMode.Update, RosterRow("Ann", "Lee", "ann.lee", "", "6", "1001", "ann@lincoln.org"));
        Assert.True((await ConfirmAsync(later, "node-c:1")).Succeeded);

        var refused = await Store.RevertImportAsync(District, first.Id, TimeSpan.FromDays(30), Ct);
        var tooOld = await Store.RevertImportAsync(District, later.Id, TimeSpan.FromDays(-1), Ct);

        Assert.False(refused.Succeeded);
        Assert.Contains("changed since", refused.Reason, StringComparison.Ordinal);
        Assert.False(tooOld.Succeeded);
        Assert.Contains("days", tooOld.Reason, StringComparison.Ordinal);
        Assert.Equal("6", (await UserAsync("ann.lee")).Grade);
        Assert.True((await Store.RevertImportAsync(District, later.Id, TimeSpan.FromDays(30), Ct)).Succeeded);
        Assert.Equal("5", (await UserAsync("ann.lee")).Grade);
    }

    private static readonly TimeSpan Window = TimeSpan.FromDays(30);

    /// <summary>Everything a revert puts back of the district's users, one line a user: names, email, roles, grade, schools, programs, active, password hash.</summary>
    private async Task<string> UsersStateAsync()
    {
        var lines = new List<string>();
        foreach (var u in (await Store.ListUsersAsync(new UserQuery(District), Ct)).Users.OrderBy(u => u.Username, StringComparer.Ordinal))
        {
            var hash = (await Store.FindUserAsync(u.Username, Ct))!.PasswordHash;
            lines.Add($"{u.Username}: {u.FirstName} {u.LastName} <{u.Email}> {string.Join(',', u.Roles)} grade {u.Grade} " +
                $"schools {string.Join(',', u.SchoolIds.Order(StringComparer.Ordinal))} programs {string.Join(',', u.Programs.Order(StringComparer.Ordinal))} " +
                $"{(u.Active ? "active" : "inactive")} {hash}");
        }
        return string.Join('\n', lines);
    }

    /// <summary>Seeds ann.lee (grade 3, 1001, the math program only) and bo.li (grade 4, LHS, reading).</summary>
    private async Task SeedForRevertsAsync()
    {
        await SeedDistrictAsync();
        await Store.AddProgramAsync(new DistrictProgram(District, "math", "Math"), Ct);
        await Store.AddUserAsync(new NewUser(District, "ann.lee", "Ann", "Lee", "ann@lincoln.org", [Roles.Student], Grade.Parse("3"), ["1001"], ["math"], new Secret.Hash("$argon2id$ann")), Ct);
        await Store.AddUserAsync(new NewUser(District, "bo.li", "Bo", "Li", "bo@lincoln.org", [Roles.Student], Grade.Parse("4"), ["LHS"], [Program], new Secret.Hash("$argon2id$bo")), Ct);
    }

    /// <summary>Import A, a sync: renames ann.lee and changes all else of her (password, school, email, program), creates cy.ox, deactivates bo.li.</summary>
    private async Task<ImportRecord> ImportAAsync()
    {
        var (a, plan) = await PlanAsync(ImportMode.Sync,
            RosterRow("Annie", "Lee", "ann.lee", "NewSecret#1", "5", "LHS", "annie@lincoln.org"),
            RosterRow("Cy", "Ox", "cy.ox", "Secret#123", "5", "1001", "cy@lincoln.org"));
        Assert.Equal(new PlanCounts(Create: 1, Update: 1, Unchanged: 0, Deactivate: 1, Reactivate: 0), plan.Plan!.Counts);
        Assert.True((await ConfirmAsync(a)).Succeeded);
        return a;
    }

    /// <summary>Import B, an update after A: changes ann.lee and cy.ox again (names, password, grade, schools, email) and reactivates bo.li.</summary>
    private async Task<ImportRecord> ImportBAsync()
    {
        var (b, plan) = await PlanAsync(ImportMode.Update,
            RosterRow("Anna", "Lee", "ann.lee", "Other#Secret2", "6", "1001,LHS", "anna@lincoln.org"),
            RosterRow("Cyd", "Ox", "cy.ox", "", "7", "LHS", "cyd@lincoln.org"),
            RosterRow("Bo", "Li", "bo.li", "", "4", "LHS", "bo@lincoln.org"));
        Assert.Equal(new PlanCounts(Create: 0, Update: 2, Unchanged: 0, Deactivate: 0, Reactivate: 1), plan.Plan!.Counts);
        Assert.True((await ConfirmAsync(b, "node-c:1")).Succeeded);
        return b;
    }

    [Fact]
    public async Task Reverting_the_later_import_then_the_earlier_one_puts_every_user_back_as_before_both_and_an_older_plan_still_fails()
    {
        await SeedForRevertsAsync();
        var before = await UsersStateAsync();
        // Validated before both imports: once they are reverted ann.lee has the values it saw, but not the version.
        var (older, _) = await PlanAsync(ImportMode.Update, RosterRow("Ann", "Lee", "ann.lee", "", "9", "1001", "ann@lincoln.org"));
        var a = await ImportAAsync();
        var afterA = await UsersStateAsync();
        var b = await ImportBAsync();

        var whileB = await Store.RevertImportAsync(District, a.Id, Window, Ct);
        var revertB = await Store.RevertImportAsync(District, b.Id, Window, Ct);
        var afterRevertB = await UsersStateAsync();
        var canA = await Store.CanRevertImportAsync(District, a.Id, Window, Ct);
        var revertA = await Store.RevertImportAsync(District, a.Id, Window, Ct);

        Assert.False(whileB.Succeeded);
        Assert.Equal("3 users of this import were changed since, by a later import or by someone else, so it cannot be reverted without undoing those changes too.", whileB.Reason);
        Assert.True(revertB.Succeeded, revertB.Reason);
        Assert.Equal(afterA, afterRevertB);
        Assert.True(canA.Succeeded, canA.Reason);
        Assert.True(revertA.Succeeded, revertA.Reason);
        Assert.Equal(3, revertA.Users);
        Assert.Equal(before, await UsersStateAsync());
        Assert.Null(await Store.FindUserAsync("cy.ox", Ct));
        Assert.NotNull((await Store.GetImportAsync(District, a.Id, Ct))!.RevertedAt);
        var write = await ConfirmAsync(older, "node-d:1");
        Assert.False(write.Succeeded);
        Assert.Equal((2, IssueCodes.UserChanged, "ann.lee"), (Assert.Single(write.Errors).Row, write.Errors[0].Code, write.Errors[0].Value));
    }

    [Fact]
    public async Task Three_imports_of_the_same_users_reverted_newest_first_put_them_back_as_before_the_first()
    {
        await SeedStudentsAsync();
        var before = await UsersStateAsync();
        var imports = new List<ImportRecord>();
        foreach (var grade in new[] { "5", "6", "7" })
        {
            var (import, _) = await PlanAsync(ImportMode.Update,
                RosterRow("Ann", "Lee", "ann.lee", "", grade, "1001", "ann@lincoln.org"),
                RosterRow("Cy", "Ox", "cy.ox", grade == "5" ? "Secret#123" : "", grade, "1001", "cy@lincoln.org"));
            Assert.True((await ConfirmAsync(import, "node-" + grade + ":1")).Succeeded);
            imports.Add(import);
        }

        var reverts = new List<RevertResult>();
        for (var i = imports.Count - 1; i >= 0; i--) reverts.Add(await Store.RevertImportAsync(District, imports[i].Id, Window, Ct));

        Assert.All(reverts, r => Assert.True(r.Succeeded, r.Reason));
        Assert.Equal(before, await UsersStateAsync());
        Assert.Null(await Store.FindUserAsync("cy.ox", Ct));
    }

    [Theory]
    [InlineData("ann.lee")]
    [InlineData("cy.ox")]
    public async Task After_the_later_import_is_reverted_a_third_import_that_changes_one_user_of_the_earlier_one_refuses_its_revert(string changed)
    {
        await SeedForRevertsAsync();
        var a = await ImportAAsync();
        var b = await ImportBAsync();
        Assert.True((await Store.RevertImportAsync(District, b.Id, Window, Ct)).Succeeded);
        Assert.True((await Store.CanRevertImportAsync(District, a.Id, Window, Ct)).Succeeded);
        // ann.lee: a user A updated; cy.ox: a user A created.
        var (third, _) = await PlanAsync(ImportMode.Update, changed == "ann.lee"
            ? RosterRow("Annie", "Lee", "ann.lee", "", "8", "LHS", "annie@lincoln.org")
            : RosterRow("Cy", "Ox", "cy.ox", "", "8", "1001", "cy@lincoln.org"));
        Assert.True((await ConfirmAsync(third, "node-d:1")).Succeeded);
        var afterThird = await UsersStateAsync();

        var asked = await Store.CanRevertImportAsync(District, a.Id, Window, Ct);
        var refused = await Store.RevertImportAsync(District, a.Id, Window, Ct);

        Assert.False(asked.Succeeded);
        Assert.False(refused.Succeeded);
        Assert.Equal("One of the users of this import was changed since, by a later import or by someone else, so it cannot be reverted without undoing that change too.", refused.Reason);
        Assert.Equal(afterThird, await UsersStateAsync());
        Assert.Equal("8", (await UserAsync(changed)).Grade);
        Assert.Null((await Store.GetImportAsync(District, a.Id, Ct))!.RevertedAt);
    }

    [Fact]
    public async Task A_renamed_user_is_found_by_the_new_name_a_regraded_one_as_before_and_after_revert_both_as_they_were()
    {
        await SeedStudentsAsync();
        var (import, _) = await PlanAsync(ImportMode.Update,
            RosterRow("Anna", "Berg", "ann.lee", "", "3", "1001", "ann@lincoln.org"),
            RosterRow("Bo", "Li", "bo.li", "", "5", "LHS", "bo@lincoln.org"));
        Assert.True((await ConfirmAsync(import)).Succeeded);

        Assert.Equal(["ann.lee"], await SearchAsync("berg"));
        Assert.Equal(["ann.lee"], await SearchAsync("anna b"));
        Assert.Empty(await SearchAsync("lee"));
        Assert.Equal(["bo.li"], await SearchAsync("li b"));
        Assert.Equal("5", (await UserAsync("bo.li")).Grade);

        Assert.True((await Store.RevertImportAsync(District, import.Id, TimeSpan.FromDays(30), Ct)).Succeeded);

        Assert.Equal(["ann.lee"], await SearchAsync("lee a"));
        Assert.Empty(await SearchAsync("berg"));
        Assert.Equal(["bo.li"], await SearchAsync("bo li"));
        Assert.Equal("4", (await UserAsync("bo.li")).Grade);
    }

    [Fact]
    public async Task Revert_puts_back_the_schools_and_programs_an_update_changed_and_leaves_the_others_as_they_are()
    {
        await SeedDistrictAsync();
        await Store.AddProgramAsync(new DistrictProgram(District, "math", "Math"), Ct);
        await Store.AddUserAsync(new NewUser(District, "ann.lee", "Ann", "Lee", "ann@lincoln.org", [Roles.Student], Grade.Parse("3"), ["1001"], ["math"], new Secret.Hash("$argon2id$ann")), Ct);
        await Store.AddUserAsync(new NewUser(District, "bo.li", "Bo", "Li", "bo@lincoln.org", [Roles.Student], Grade.Parse("4"), ["1001", "LHS"], [Program, "math"], new Secret.Hash("$argon2id$bo")), Ct);
        // ann.lee moves school and is given the import's program; bo.li only changes grade.
        var (import, result) = await PlanAsync(ImportMode.Update,
            RosterRow("Ann", "Lee", "ann.lee", "", "3", "LHS", "ann@lincoln.org"),
            RosterRow("Bo", "Li", "bo.li", "", "5", "LHS,1001", "bo@lincoln.org"));
        Assert.Equal(new PlanCounts(0, 2, 0, 0, 0), result.Plan!.Counts);
        Assert.True((await ConfirmAsync(import)).Succeeded);
        Assert.Equal(("LHS", "math,reading"), Memberships(await UserAsync("ann.lee")));
        Assert.Equal(("1001,LHS", "math,reading"), Memberships(await UserAsync("bo.li")));

        Assert.True((await Store.RevertImportAsync(District, import.Id, TimeSpan.FromDays(30), Ct)).Succeeded);

        Assert.Equal(("1001", "math"), Memberships(await UserAsync("ann.lee")));
        Assert.Equal(("1001,LHS", "math,reading"), Memberships(await UserAsync("bo.li")));
        Assert.Equal("4", (await UserAsync("bo.li")).Grade);

        static (string Schools, string Programs) Memberships(UserSummary user) =>
            (string.Join(',', user.SchoolIds.Order(StringComparer.Ordinal)), string.Join(',', user.Programs.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task An_email_the_update_gives_that_another_user_took_after_validation_fails_the_confirm_with_email_taken()
    {
        await SeedStudentsAsync();
        var (import, _) = await PlanAsync(ImportMode.Update,
            RosterRow("Ann", "Lee", "ann.lee", "", "3", "1001", "annie@lincoln.org"),
            RosterRow("Bo", "Li", "bo.li", "", "5", "LHS", "bo@lincoln.org"));
        await Store.AddUserAsync(new NewUser(District, "cy.ox", "Cy", "Ox", "Annie@lincoln.org", [Roles.Student], Grade.Parse("2"), ["1001"], [Program], null), Ct);

        var write = await ConfirmAsync(import);

        Assert.False(write.Succeeded);
        var error = Assert.Single(write.Errors);
        Assert.Equal((2, IssueCodes.EmailTaken), (error.Row, error.Code));
        Assert.Equal(("ann@lincoln.org", "4"), ((await UserAsync("ann.lee")).Email, (await UserAsync("bo.li")).Grade));
        Assert.False((await Store.CanRevertImportAsync(District, import.Id, TimeSpan.FromDays(30), Ct)).Succeeded);
    }

    private async Task<IReadOnlyList<string>> SearchAsync(string text) =>
        [.. (await Store.ListUsersAsync(new UserQuery(District, Search: text), Ct)).Users.Select(u => u.Username)];

    [Fact]
    public async Task Once_what_revert_needs_is_purged_the_revert_is_refused_with_that_reason_and_nothing_changes()
    {
        await SeedStudentsAsync();
        var (kept, _) = await PlanAsync(ImportMode.Update, RosterRow("Ann", "Lee", "ann.lee", "", "5", "1001", "ann@lincoln.org"));
        Assert.True((await ConfirmAsync(kept)).Succeeded);
        Assert.Equal(0, await Store.PurgeRevisionsAsync(DateTimeOffset.UtcNow - TimeSpan.FromDays(1), Ct));
        Assert.True((await Store.CanRevertImportAsync(District, kept.Id, TimeSpan.FromDays(30), Ct)).Succeeded);

        Assert.Equal(1, await Store.PurgeRevisionsAsync(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1), Ct));

        var asked = await Store.CanRevertImportAsync(District, kept.Id, TimeSpan.FromDays(30), Ct);
        var refused = await Store.RevertImportAsync(District, kept.Id, TimeSpan.FromDays(30), Ct);
        Assert.False(asked.Succeeded);
        Assert.False(refused.Succeeded);
        Assert.Equal("The values the users of this import had before it are no longer kept, so it cannot be reverted.", refused.Reason);
        Assert.Equal("5", (await UserAsync("ann.lee")).Grade);
        Assert.Null((await Store.GetImportAsync(District, kept.Id, Ct))!.RevertedAt);
    }

    [Fact]
    public async Task Validation_look_ups_answer_users_email_holders_and_active_members_of_a_type()
    {
        var (ann, bo) = await SeedStudentsAsync();
        var teacher = await Store.AddUserAsync(new NewUser(District, "tom.ray", "Tom", "Ray", "tom@lincoln.org", [Roles.SchoolAdmin, Roles.Teacher], null, ["1001"], [Program], null), Ct);

        var found = await Store.FindUsersAsync(["ann.lee", "tom.ray", "nobody"], Ct);
        var holders = await Store.FindEmailHoldersAsync(["bo@lincoln.org", "x@y.org"], Ct);
        var students = new List<RosterMember>();
        await foreach (var m in Store.ListActiveMembersAsync(District, UserType.Student, Ct)) students.Add(m);
        var teachers = new List<RosterMember>();
        await foreach (var m in Store.ListActiveMembersAsync(District, UserType.Teacher, Ct)) teachers.Add(m);

        var annFound = found.Single(u => u.Id == ann);
        Assert.Equal((UserType.Student, "3", "1001", Program, true), (annFound.UserType!.Value, annFound.Grade, string.Join(',', annFound.SchoolIds), string.Join(',', annFound.ProgramIds), annFound.Active));
        Assert.Equal(UserType.SchoolAdmin, found.Single(u => u.Id == teacher).UserType);
        Assert.Equal(new EmailHolder(bo, "bo.li"), Assert.Single(holders).Value);
        Assert.Equal([ann, bo], students.Select(m => m.Id));
        Assert.Empty(teachers);
    }

    [Fact]
    public async Task A_district_read_whole_for_a_plan_is_every_user_of_every_type_active_or_not_with_schools_and_programs_and_no_other_districts()
    {
        var (ann, bo) = await SeedStudentsAsync();
        var teacher = await Store.AddUserAsync(new NewUser(District, "tom.ray", "Tom", null, null, [Roles.SchoolAdmin, Roles.Teacher], null, ["LHS", "1001"], [], null), Ct);
        await Store.AddDistrictAsync(new District("other-usd", "Other USD"), Ct);
        await Store.AddUserAsync(new NewUser("other-usd", "zed", "Zed", null, null, [Roles.DistrictAdmin], null, [], [], null), Ct);
        var (import, _) = await PlanAsync(ImportMode.Sync, RosterRow("Ann", "Lee", "ann.lee", "", "3", "1001", "ann@lincoln.org"));
        Assert.True((await ConfirmAsync(import)).Succeeded);

        var users = new List<ExistingUser>();
        await foreach (var u in Store.ListDistrictUsersAsync(District, Ct)) users.Add(u);

        Assert.Equal(3, await Store.CountDistrictUsersAsync(District, Ct));
        Assert.Equal([ann, bo, teacher], users.Select(u => u.Id));
        var (annRead, boRead, tomRead) = (users[0], users[1], users[2]);
        Assert.Equal(("ann.lee", "Ann", "Lee", "ann@lincoln.org", "3", "1001", Program, true), (annRead.Username, annRead.FirstName, annRead.LastName, annRead.Email, annRead.Grade, string.Join(',', annRead.SchoolIds), string.Join(',', annRead.ProgramIds), annRead.Active));
        Assert.False(boRead.Active); // left out of the sync, and still read
        Assert.Equal((UserType.SchoolAdmin, "1001,LHS", "", (string?)null), (tomRead.UserType!.Value, string.Join(',', tomRead.SchoolIds), string.Join(',', tomRead.ProgramIds), tomRead.LastName));
    }

    [Fact]
    public async Task The_changes_of_a_plan_page_by_offset_and_action_each_with_its_total()
    {
        await SeedStudentsAsync();
        var (import, result) = await PlanAsync(ImportMode.Sync,
            RosterRow("Cy", "Ox", "cy.ox", "Secret#123", "5", "1001", "cy@lincoln.org"),
            RosterRow("Ann", "Lee", "ann.lee", "", "4", "1001", "ann@lincoln.org"),
            RosterRow("Di", "Po", "di.po", "Secret#123", "5", "1001", ""),
            RosterRow("Ed", "Qu", "ed.qu", "Secret#123", "5", "1001", ""));
        Assert.Equal(new PlanCounts(Create: 3, Update: 1, Unchanged: 0, Deactivate: 1, Reactivate: 0), result.Plan!.Counts);

        string Page(PlanChangePage page) => $"{page.Total}: " + string.Join(" ", page.Items.Select(c => $"{c.Row?.ToString() ?? "-"}/{c.Username}/{c.Action.Slug()}"));
        Assert.Equal("5: 2/cy.ox/create 3/ann.lee/update", Page(await Store.GetPlanChangesAsync(import.Id, null, 0, 2, Ct)));
        Assert.Equal("5: 4/di.po/create 5/ed.qu/create -/bo.li/deactivate", Page(await Store.GetPlanChangesAsync(import.Id, null, 2, 10, Ct)));
        Assert.Equal("5: -/bo.li/deactivate", Page(await Store.GetPlanChangesAsync(import.Id, null, 4, 10, Ct)));
        Assert.Equal("5: ", Page(await Store.GetPlanChangesAsync(import.Id, null, 5, 10, Ct)));
        Assert.Equal("3: 4/di.po/create", Page(await Store.GetPlanChangesAsync(import.Id, PlanAction.Create, 1, 1, Ct)));
        Assert.Equal("3: 5/ed.qu/create", Page(await Store.GetPlanChangesAsync(import.Id, PlanAction.Create, 2, 10, Ct)));
        Assert.Equal("3: ", Page(await Store.GetPlanChangesAsync(import.Id, PlanAction.Create, 3, 10, Ct)));
        Assert.Equal("1: 3/ann.lee/update", Page(await Store.GetPlanChangesAsync(import.Id, PlanAction.Update, 0, 10, Ct)));
        Assert.Equal("0: ", Page(await Store.GetPlanChangesAsync(import.Id, PlanAction.Unchanged, 0, 10, Ct)));
        Assert.Equal("0: ", Page(await Store.GetPlanChangesAsync(import.Id, PlanAction.Reactivate, 0, 10, Ct)));
    }

    [Fact]
    public async Task Unchanged_rows_are_paged_among_the_changes_and_counted_before_the_plan_is_saved_too()
    {
        await SeedStudentsAsync();
        var import = NewImport(District, ImportStatus.Validating) with { Mode = ImportMode.Update };
        await Store.CreateImportAsync(import, Ct);
        await Store.AddPlanChangesAsync(import.Id, [new PlannedChange(2, "ann.lee", PlanAction.Unchanged, 1, 1, []), new PlannedChange(3, "new.one", PlanAction.Create, null, null, [])], Ct);
        await Store.AddPlanChangesAsync(import.Id, [new PlannedChange(4, "bo.li", PlanAction.Unchanged, 2, 1, [])], Ct);

        // Not saved yet (still validating): the totals are counted.
        var unchanged = await Store.GetPlanChangesAsync(import.Id, PlanAction.Unchanged, 1, 10, Ct);
        Assert.Equal((2, "bo.li", 4), (unchanged.Total, Assert.Single(unchanged.Items).Username, unchanged.Items[0].Row));
        Assert.Equal(3, (await Store.GetPlanChangesAsync(import.Id, null, 0, 10, Ct)).Total);
        Assert.Equal("new.one", Assert.Single((await Store.GetPlanChangesAsync(import.Id, null, 1, 1, Ct)).Items).Username);
        Assert.Empty((await Store.GetPlanChangesAsync(import.Id, PlanAction.Unchanged, 2, 10, Ct)).Items);
    }

    [Fact]
    public async Task A_user_found_for_a_plan_has_all_its_schools_and_programs_in_order()
    {
        await SeedDistrictAsync();
        await Store.AddProgramAsync(new DistrictProgram(District, "math", "Math"), Ct);
        var teacher = await Store.AddUserAsync(new NewUser(District, "Tom.Ray", "Tom", "Ray", null, [Roles.Teacher], null, ["LHS", "1001"], ["math", Program], null), Ct);
        var none = await Store.AddUserAsync(new NewUser(District, "no.school", "No", "School", null, [Roles.Teacher], null, [], [], null), Ct);

        var found = await Store.FindUsersAsync(["tom.ray", "no.school"], Ct);

        var tom = found.Single(u => u.Id == teacher);
        Assert.Equal(("Tom.Ray", "1001,LHS", "math,reading"), (tom.Username, string.Join(',', tom.SchoolIds), string.Join(',', tom.ProgramIds)));
        var empty = found.Single(u => u.Id == none);
        Assert.Equal((0, 0), (empty.SchoolIds.Count, empty.ProgramIds.Count));
    }
}

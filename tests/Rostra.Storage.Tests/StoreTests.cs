using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Storage.Search;

namespace Rostra.Storage.Tests;

/// <summary>On a temp SQLite file.</summary>
public sealed class SqliteStoreTests : StoreTests
{
    protected override Task<ITestDatabase> CreateDatabaseAsync() => TestDatabase.CreateAsync(TestProvider.Sqlite);
}

/// <summary>On the PostgreSQL server of <c>ROSTRA_TEST_PG</c>; fails (never skips) when it is not reachable.</summary>
public sealed partial class PostgresStoreTests : StoreTests
{
    protected override async Task<ITestDatabase> CreateDatabaseAsync() => await TestDatabase.CreateAsync(TestProvider.Postgres);
}

/// <summary>
/// The storage contract, written once and run on every provider. Each test gets its own empty,
/// migrated database and builds the rows it needs.
/// </summary>
public abstract partial class StoreTests : IAsyncLifetime
{
    protected const string District = "lincoln-usd";
    protected const string OtherDistrict = "oak-grove";
    protected const string Program = "reading";

    private ITestDatabase? database;
    private IRostraStore? store;

    protected IRostraStore Store => store ?? throw new InvalidOperationException("The store is not open.");

    protected string ConnectionString => database?.ConnectionString ?? throw new InvalidOperationException("No database.");

    protected static CancellationToken Ct => CancellationToken.None;

    protected abstract Task<ITestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync()
    {
        database = await CreateDatabaseAsync();
        store = StoreFactory.Open(database.ConnectionString);
        await store.MigrateAsync(Ct);
    }

    public async Task DisposeAsync()
    {
        if (store is not null) await store.DisposeAsync();
        if (database is not null) await database.DisposeAsync();
    }

    // Data builders.

    protected async Task SeedDistrictAsync(string districtId = District, string program = Program, params string[] schools)
    {
        await Store.AddDistrictAsync(new District(districtId, districtId + " name"), Ct);
        await Store.AddProgramAsync(new DistrictProgram(districtId, program, "Reading"), Ct);
        foreach (var school in schools.Length == 0 ? ["1001", "LHS"] : schools)
            await Store.AddSchoolAsync(new School(school, districtId, "School " + school, GradeSet.Parse("K-12")), Ct);
    }

    protected static NewUser Student(string username, int row, string? email = null, string school = "1001", string districtId = District) =>
        new(districtId, username, "First" + row, "Last" + row, email, [Roles.Student], Grade.Parse("3"), [school], [Program], new Secret.Hash("$argon2id$hash-" + row), row);

    protected static NewUser Teacher(string username, int row, string email, params string[] schools) =>
        new(District, username, "Teach" + row, "Er" + row, email, [Roles.Teacher], null, schools.Length == 0 ? ["1001"] : schools, [Program], new Secret.Hash("$argon2id$t-" + row), row);

    protected static ImportRecord NewImport(string districtId = District, string status = ImportStatus.Importing, DateTimeOffset? createdAt = null, string? program = Program)
    {
        var at = createdAt ?? new DateTimeOffset(2026, 9, 1, 8, 30, 0, TimeSpan.Zero);
        return new ImportRecord(Guid.NewGuid(), districtId, program, UserType.Student, "students.csv", new string('a', 64),
            status, 0, 0, 0, 0, at, "admin", at);
    }

    protected async Task<ImportRecord> CreateImportAsync(string districtId = District, string status = ImportStatus.Importing)
    {
        var record = NewImport(districtId, status);
        await Store.CreateImportAsync(record, Ct);
        return record;
    }

    /// <summary>
    /// Writes users with the one write path (staged, chunks marked hashed with the users' hashes, final write). The
    /// import is made here as confirmed; staging needs it as an upload leaves it, so it goes back to validating first.
    /// </summary>
    protected async Task<WriteResult> WriteAsync(ImportRecord import, IEnumerable<NewUser> users, CancellationToken cancellationToken = default,
        Func<CancellationToken, Task>? beforeCommit = null)
    {
        var list = users.ToList();
        cancellationToken.ThrowIfCancellationRequested();
        await Store.TryTransitionAsync(import.Id, [ImportStatus.Importing], ImportStatus.Validating, null, Ct);
        return await SeedingThroughStaging.WriteAsync(Store, new ImportWrite(import.Id, import.DistrictId, import.ProgramId), list, cancellationToken,
            beforeCommit: beforeCommit);
    }

    protected async Task<int> CountUsersAsync(string districtId = District) =>
        (await Store.ListUsersAsync(new UserQuery(districtId, Limit: 0), Ct)).Total;

    // Migrations.

    [Fact]
    public async Task Migrating_again_changes_nothing_and_keeps_the_data()
    {
        await SeedDistrictAsync();
        await Store.MigrateAsync(Ct);
        await Store.MigrateAsync(Ct);

        Assert.Single(await Store.ListDistrictsAsync(Ct));
        Assert.True(await Store.PingAsync(Ct));
    }

    [Fact]
    public async Task Stores_migrating_the_same_database_at_once_all_succeed()
    {
        var fresh = await CreateDatabaseAsync();
        try
        {
            var stores = Enumerable.Range(0, 4).Select(_ => StoreFactory.Open(fresh.ConnectionString)).ToList();
            try
            {
                await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync(Ct))));
                await stores[0].AddDistrictAsync(new District("d", "D"), Ct);
                Assert.Single(await stores[3].ListDistrictsAsync(Ct));
            }
            finally
            {
                foreach (var s in stores) await s.DisposeAsync();
            }
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }

    // Districts, programs, schools.

    [Fact]
    public async Task Districts_are_added_found_and_listed_with_their_settings()
    {
        await Store.AddDistrictAsync(new District("b-district", "B", RosterSync.None, Sso.Google), Ct);
        await Store.AddDistrictAsync(new District("a-district", "A", "clever"), Ct);

        Assert.Equal(new District("b-district", "B", RosterSync.None, Sso.Google), await Store.GetDistrictAsync("b-district", Ct));
        Assert.Null(await Store.GetDistrictAsync("missing", Ct));
        Assert.Equal(["a-district", "b-district"], (await Store.ListDistrictsAsync(Ct)).Select(d => d.Id));
        Assert.True((await Store.GetDistrictAsync("a-district", Ct))!.IsRosterSynced);
    }

    [Fact]
    public async Task Adding_a_district_or_program_twice_throws_DuplicateKeyException()
    {
        await SeedDistrictAsync();

        await Assert.ThrowsAsync<DuplicateKeyException>(() => Store.AddDistrictAsync(new District(District, "Again"), Ct));
        await Assert.ThrowsAsync<DuplicateKeyException>(() => Store.AddProgramAsync(new DistrictProgram(District, Program, "Again"), Ct));
    }

    [Fact]
    public async Task Programs_and_schools_are_listed_per_district()
    {
        await SeedDistrictAsync(District, Program, "1001", "LHS");
        await SeedDistrictAsync(OtherDistrict, "math", "2001");
        await Store.AddProgramAsync(new DistrictProgram(District, "math", "Math"), Ct);

        Assert.Equal(["math", "reading"], (await Store.ListProgramsAsync(District, Ct)).Select(p => p.Id));
        Assert.Equal(["math"], (await Store.ListProgramsAsync(OtherDistrict, Ct)).Select(p => p.Id));
        var schools = await Store.ListSchoolsAsync(District, Ct);
        Assert.Equal(["1001", "LHS"], schools.Select(s => s.SchoolId));
        Assert.Equal("K-12", schools[0].Grades.ToString());
        Assert.Equal(["2001"], (await Store.ListSchoolsAsync(OtherDistrict, Ct)).Select(s => s.SchoolId));
    }

    [Fact]
    public async Task A_School_ID_is_unique_across_districts_whatever_its_case()
    {
        await SeedDistrictAsync(District, Program, "LHS");
        await SeedDistrictAsync(OtherDistrict, "math", "2001");

        await Assert.ThrowsAsync<DuplicateKeyException>(() =>
            Store.AddSchoolAsync(new School("LHS", OtherDistrict, "Copy", GradeSet.Parse("9-12")), Ct));
        await Assert.ThrowsAsync<DuplicateKeyException>(() =>
            Store.AddSchoolAsync(new School("lhs", OtherDistrict, "Copy", GradeSet.Parse("9-12")), Ct));
        await Assert.ThrowsAsync<DuplicateKeyException>(() =>
            Store.AddSchoolAsync(new School("Lhs", District, "Copy", GradeSet.Parse("9-12")), Ct));
        Assert.Equal(["2001"], (await Store.ListSchoolsAsync(OtherDistrict, Ct)).Select(s => s.SchoolId));
    }

    [Fact]
    public async Task A_school_is_found_in_its_own_district_only_and_case_insensitively()
    {
        await SeedDistrictAsync(District, Program, "LHS");
        await SeedDistrictAsync(OtherDistrict, "math", "2001");

        var school = await Store.GetSchoolAsync(District, "lhs", Ct);
        Assert.Equal(new School("LHS", District, "School LHS", GradeSet.Parse("K-12")), school);
        Assert.Null(await Store.GetSchoolAsync(OtherDistrict, "LHS", Ct));
        Assert.Null(await Store.GetSchoolAsync(District, "2001", Ct));
    }

    // Users and lookups.

    [Fact]
    public async Task Taken_usernames_and_emails_are_found_among_thousands_of_names()
    {
        await SeedDistrictAsync();
        await Store.AddUserAsync(Student("Ana.Lopez", 2, "Ana@School.org"), Ct);
        await Store.AddUserAsync(Student("bo", 3), Ct);
        var names = Enumerable.Range(0, 12_000).Select(i => $"free{i}").Append("ana.lopez").Append("bo").ToList();
        var emails = Enumerable.Range(0, 12_000).Select(i => $"free{i}@school.org").Append("ana@school.org").ToList();

        Assert.Equal(["ana.lopez", "bo"], (await Store.FindTakenUsernamesAsync(names, Ct)).Order(StringComparer.Ordinal));
        Assert.Equal(["ana@school.org"], await Store.FindTakenEmailsAsync(emails, Ct));
        Assert.Empty(await Store.FindTakenUsernamesAsync([], Ct));
    }

    [Fact]
    public async Task Usernames_and_emails_compare_case_insensitively_beyond_ascii()
    {
        await SeedDistrictAsync();
        await Store.AddUserAsync(Student("ÉLODIE", 2, "ÉLODIE@École.fr"), Ct);

        Assert.Equal(["élodie"], await Store.FindTakenUsernamesAsync(["élodie"], Ct));
        Assert.Equal(["élodie@école.fr"], await Store.FindTakenEmailsAsync(["élodie@école.fr"], Ct));
        Assert.NotNull(await Store.FindUserAsync("Élodie", Ct));
        await Assert.ThrowsAsync<DuplicateKeyException>(() => Store.AddUserAsync(Student("élodie", 3), Ct));
    }

    [Fact]
    public async Task Adding_a_user_with_a_taken_username_or_email_throws_DuplicateKeyException()
    {
        await SeedDistrictAsync();
        var id = await Store.AddUserAsync(Student("ana", 2, "ana@school.org"), Ct);

        var username = await Assert.ThrowsAsync<DuplicateKeyException>(() => Store.AddUserAsync(Student("ANA", 3), Ct));
        var email = await Assert.ThrowsAsync<DuplicateKeyException>(() => Store.AddUserAsync(Student("ana2", 4, "Ana@School.org"), Ct));
        Assert.Contains("username", username.Message, StringComparison.Ordinal);
        Assert.Contains("email", email.Message, StringComparison.Ordinal);
        Assert.Equal(1, await CountUsersAsync());
        Assert.Equal(id, (await Store.FindUserAsync("Ana", Ct))!.Id);
    }

    [Fact]
    public async Task A_user_is_added_only_with_a_hashed_password_or_none()
    {
        await SeedDistrictAsync();
        var plain = new NewUser(District, "plain.one", "Pla", "In", null, [Roles.DistrictAdmin], null, [], [], new Secret.Plain("Secret#12345"));

        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddUserAsync(plain, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddUserAsync(plain with { Password = new Secret.Protected("ciphertext") }, Ct));
        Assert.Null(await Store.FindUserAsync("plain.one", Ct));
        await Store.AddUserAsync(plain with { Password = null }, Ct);
        Assert.Null((await Store.FindUserAsync("plain.one", Ct))!.PasswordHash);
    }

    [Fact]
    public async Task A_user_is_found_by_username_and_by_id_with_roles_and_password_hash()
    {
        await SeedDistrictAsync();
        var admin = new NewUser(District, "Admin.One", "Ada", "Min", "admin@lincoln.org", [Roles.DistrictAdmin], null, [], [], new Secret.Hash("$argon2id$admin"));
        var id = await Store.AddUserAsync(admin, Ct);

        var found = await Store.FindUserAsync("admin.one", Ct);
        Assert.Equal(new UserAccount(id, District, "Admin.One", "Ada", "Min", "admin@lincoln.org", found!.Roles, "$argon2id$admin", ""), found);
        Assert.Equal([Roles.DistrictAdmin], found.Roles);
        Assert.True(found.IsDistrictAdmin);
        Assert.Equal("Admin.One", (await Store.GetUserAsync(id, Ct))!.Username);
        Assert.Null(await Store.GetUserAsync(id + 1000, Ct));
        Assert.Null(await Store.FindUserAsync("nobody", Ct));
    }

    [Fact]
    public async Task A_token_hash_finds_its_user_and_an_unknown_one_finds_nobody()
    {
        await SeedDistrictAsync();
        var id = await Store.AddUserAsync(Student("ana", 2), Ct);
        var hash = SHA256.HashData("secret-token"u8);

        await Store.AddTokenAsync(id, hash, Ct);

        Assert.Equal(id, (await Store.FindUserByTokenAsync(hash, Ct))!.Id);
        Assert.Null(await Store.FindUserByTokenAsync(SHA256.HashData("other"u8), Ct));
    }

    // Import writes.

    [Fact]
    public async Task Writing_an_import_creates_users_with_roles_schools_and_programs_and_completes_the_import()
    {
        await SeedDistrictAsync();
        var import = await CreateImportAsync();
        NewUser[] users =
        [
            Student("zoe", 2, "zoe@school.org"),
            Student("Adam", 3, school: "LHS") with { SchoolIds = ["1001", "LHS"], Grade = Grade.Parse("K") },
            new(District, "pat", "Pat", null, "pat@school.org", [Roles.SchoolAdmin, Roles.Teacher], null, ["LHS"], [Program], null, 4),
        ];

        var result = await WriteAsync(import, users);

        Assert.True(result.Succeeded);
        Assert.Equal(3, result.Imported);
        Assert.Empty(result.Errors);
        var page = await Store.ListUsersAsync(new UserQuery(District), Ct);
        Assert.Equal(3, page.Total);
        Assert.Equal(["Adam", "pat", "zoe"], page.Users.Select(u => u.Username));
        var adam = page.Users[0];
        Assert.Equal(new UserSummary("Adam", "First3", "Last3", null, adam.Roles, "K", adam.SchoolIds, adam.Programs), adam);
        Assert.Equal([Roles.Student], adam.Roles);
        Assert.Equal(["1001", "LHS"], adam.SchoolIds);
        Assert.Equal([Program], adam.Programs);
        Assert.Equal([Roles.SchoolAdmin, Roles.Teacher], page.Users[1].Roles);
        Assert.Null(page.Users[1].LastName);
        Assert.Null(page.Users[1].Grade);

        var account = await Store.FindUserAsync("ZOE", Ct);
        Assert.Equal("$argon2id$hash-2", account!.PasswordHash);
        Assert.Null((await Store.FindUserAsync("pat", Ct))!.PasswordHash);

        var completed = await Store.GetImportAsync(District, import.Id, Ct);
        Assert.Equal(ImportStatus.Completed, completed!.Status);
        Assert.Equal(3, completed.Imported);
    }

    [Fact]
    public async Task Imported_users_get_the_import_program_even_when_the_rows_do_not_name_it()
    {
        await SeedDistrictAsync();
        var import = await CreateImportAsync();

        var result = await WriteAsync(import, [Student("ana", 2) with { ProgramIds = [] }]);

        Assert.True(result.Succeeded);
        Assert.Equal([Program], (await Store.ListUsersAsync(new UserQuery(District), Ct)).Users[0].Programs);
    }

    [Fact]
    public async Task A_conflicting_import_writes_nothing_and_reports_every_conflict_with_its_row()
    {
        await SeedDistrictAsync();
        await Store.AddUserAsync(Student("taken.first", 2, "first@taken.org"), Ct);
        await Store.AddUserAsync(Student("taken.late", 3, "late@taken.org"), Ct);
        var import = await CreateImportAsync();
        // 2,500 rows: the conflicts sit in the first and in later batches of the write.
        var users = Enumerable.Range(2, 2_500).Select(row => Student($"user{row}", row, $"user{row}@school.org")).ToArray();
        users[3] = Student("Taken.First", 5, "user5@school.org");
        users[1_500] = Student("fresh", 1_502, "FIRST@taken.org");
        users[2_400] = Student("TAKEN.LATE", 2_402, "Late@Taken.org");

        var result = await WriteAsync(import, users);

        Assert.False(result.Succeeded);
        Assert.Equal(0, result.Imported);
        Assert.Equal(
        [
            Issues.UsernameTaken(5, "Taken.First"),
            Issues.EmailTaken(1_502, "FIRST@taken.org"),
            Issues.UsernameTaken(2_402, "TAKEN.LATE"),
            Issues.EmailTaken(2_402, "Late@Taken.org"),
        ], result.Errors);
        Assert.Equal(2, await CountUsersAsync());
        Assert.Empty(await Store.FindTakenUsernamesAsync(["user2", "user2501"], Ct));
        Assert.Equal(ImportStatus.Importing, (await Store.GetImportAsync(District, import.Id, Ct))!.Status);
    }

    [Fact]
    public async Task A_username_repeated_within_one_write_is_reported_and_nothing_is_written()
    {
        await SeedDistrictAsync();
        var import = await CreateImportAsync();

        var result = await WriteAsync(import, [Student("ana", 2), Student("bo", 3), Student("ANA", 4)]);

        Assert.False(result.Succeeded);
        Assert.Equal([Issues.UsernameDuplicate(4, "ANA", 2)], result.Errors);
        Assert.Equal(0, await CountUsersAsync());
    }

    [Fact]
    public async Task Two_concurrent_imports_of_overlapping_usernames_end_with_exactly_one_success()
    {
        await SeedDistrictAsync();
        var first = await CreateImportAsync();
        var second = await CreateImportAsync();

        var results = await Task.WhenAll(
            Task.Run(() => WriteAsync(first, OverlappingFirst)),
            Task.Run(() => WriteAsync(second, OverlappingSecond)));

        await AssertExactlyOneSucceededAsync(results, first, second);
    }

    /// <summary>3,000 students, rows 2–3001.</summary>
    protected static NewUser[] OverlappingFirst { get; } =
        Enumerable.Range(2, 3_000).Select(row => Student($"user{row}", row)).ToArray();

    /// <summary>3,000 students sharing 100 usernames (in another case, at other rows) with <see cref="OverlappingFirst"/>.</summary>
    protected static NewUser[] OverlappingSecond { get; } =
        Enumerable.Range(2, 3_000).Select(row => Student(row is >= 1_000 and < 1_100 ? $"USER{row}" : $"other{row}", row + 10)).ToArray();

    protected async Task AssertExactlyOneSucceededAsync(WriteResult[] results, ImportRecord first, ImportRecord second)
    {
        Assert.Single(results, r => r.Succeeded);
        var failed = Assert.Single(results, r => !r.Succeeded);
        Assert.Equal(100, failed.Errors.Count);
        Assert.All(failed.Errors, e => Assert.Equal(IssueCodes.UsernameTaken, e.Code));
        var failedUsers = results[0].Succeeded ? OverlappingSecond : OverlappingFirst;
        Assert.Equal(
            failedUsers.Where(u => u.Username.StartsWith("user", StringComparison.OrdinalIgnoreCase) && int.Parse(u.Username[4..], CultureInfo.InvariantCulture) is >= 1_000 and < 1_100)
                .Select(u => Issues.UsernameTaken(u.Row!.Value, u.Username)),
            failed.Errors);
        Assert.Equal(3_000, await CountUsersAsync());
        var statuses = new List<string>();
        foreach (var id in new[] { first.Id, second.Id }) statuses.Add((await Store.GetImportAsync(District, id, Ct))!.Status);
        Assert.Equal([ImportStatus.Completed, ImportStatus.Importing], statuses.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_write_naming_a_school_of_another_district_fails_and_writes_nothing()
    {
        await SeedDistrictAsync();
        await SeedDistrictAsync(OtherDistrict, "math", "2001");
        var import = await CreateImportAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => WriteAsync(import, [Student("ana", 2), Student("bo", 3, school: "2001")]));

        Assert.Equal(0, await CountUsersAsync());
        Assert.True((await WriteAsync(await CreateImportAsync(), [Student("ana", 2)])).Succeeded);
    }

    [Fact]
    public async Task Writing_into_a_cancelled_import_writes_nothing()
    {
        await SeedDistrictAsync();
        var import = await CreateImportAsync();
        Assert.True(await Store.TryTransitionAsync(import.Id, [ImportStatus.Importing], ImportStatus.Cancelled, "Cancelled by admin", Ct));

        var result = await WriteAsync(import, [Student("ana", 2)]);

        Assert.False(result.Succeeded);
        Assert.Empty(result.Errors);
        Assert.Equal(0, await CountUsersAsync());
        Assert.Equal(ImportStatus.Cancelled, (await Store.GetImportAsync(District, import.Id, Ct))!.Status);
    }

    [Fact]
    public async Task A_write_cancelled_midway_writes_nothing()
    {
        await SeedDistrictAsync();
        var import = await CreateImportAsync();
        using var cancel = new CancellationTokenSource();
        var users = Enumerable.Range(2, 4_998).Select(row => Student($"user{row}", row));

        // Cancelled inside the final write, with every user already moved in and not yet committed.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => WriteAsync(import, users, cancel.Token, beforeCommit: async ct =>
        {
            await cancel.CancelAsync();
            ct.ThrowIfCancellationRequested();
        }));

        Assert.Equal(0, await CountUsersAsync());
        Assert.Equal(ImportStatus.Importing, (await Store.GetImportAsync(District, import.Id, Ct))!.Status);
    }

    // Listing users.

    [Fact]
    public async Task A_whole_listing_reads_every_user_once_in_code_point_order_across_pages()
    {
        await SeedDistrictAsync(District, Program, "1001", "LHS");
        // Punctuation sorts apart from letters by code point, but a language's collation (en-US) ignores it at first:
        // paging after the last username read must compare as the listing sorts.
        string[] usernames = ["a-c", "a.b", "a_b", "a0", "ab", "aB.z", "b", "b-a", "ba", "z.z"];
        var import = await CreateImportAsync();
        Assert.True((await WriteAsync(import, [.. usernames.Select((name, i) => Student(name, i + 2))])).Succeeded);
        var expected = usernames.OrderBy(name => name.ToLowerInvariant(), StringComparer.Ordinal).ToArray();
        ((SqlStore)Store).ListingPageSize = 2;

        var listed = new List<string>();
        await foreach (var user in Store.ReadAllUsersAsync(District, Roles.Student, Ct)) listed.Add(user.Username);
        Assert.Equal(expected, listed);
        var exported = new List<string>();
        await foreach (var user in Store.ExportUsersAsync(District, UserType.Student, Ct)) exported.Add(user.Username);
        Assert.Equal(expected, exported);
        Assert.Empty(await ToListAsync(Store.ReadAllUsersAsync(District, Roles.Teacher, Ct)));
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items) list.Add(item);
        return list;
    }

    [Fact]
    public async Task Users_are_listed_by_type_school_and_search_with_paging_and_a_total()
    {
        await SeedDistrictAsync(District, Program, "1001", "LHS");
        await SeedDistrictAsync(OtherDistrict, "math", "2001");
        var import = await CreateImportAsync();
        var students = Enumerable.Range(2, 25).Select(row => Student($"s{row:00}", row, school: row % 2 == 0 ? "1001" : "LHS"));
        NewUser[] teachers = [Teacher("t.garcia", 30, "Maria.Garcia@Lincoln.org", "LHS"), Teacher("t_under", 31, "under@lincoln.org")];
        Assert.True((await WriteAsync(import, [.. students, .. teachers])).Succeeded);
        await Store.AddUserAsync(Student("elsewhere", 2, school: "2001", districtId: OtherDistrict) with { ProgramIds = ["math"] }, Ct);

        var all = await Store.ListUsersAsync(new UserQuery(District, Limit: 10), Ct);
        Assert.Equal(27, all.Total);
        Assert.Equal(["s02", "s03", "s04", "s05", "s06", "s07", "s08", "s09", "s10", "s11"], all.Users.Select(u => u.Username));
        var third = await Store.ListUsersAsync(new UserQuery(District, Offset: 20, Limit: 10), Ct);
        Assert.Equal(["s22", "s23", "s24", "s25", "s26", "t.garcia", "t_under"], third.Users.Select(u => u.Username));

        var teachersOnly = await Store.ListUsersAsync(new UserQuery(District, Type: Roles.Teacher), Ct);
        Assert.Equal(["t.garcia", "t_under"], teachersOnly.Users.Select(u => u.Username));
        Assert.Equal(25, (await Store.ListUsersAsync(new UserQuery(District, Type: Roles.Student, Limit: 1), Ct)).Total);
        Assert.Equal(0, (await Store.ListUsersAsync(new UserQuery(District, Type: Roles.SchoolAdmin), Ct)).Total);

        var lhs = await Store.ListUsersAsync(new UserQuery(District, SchoolId: "lhs"), Ct);
        Assert.Equal(13, lhs.Total);
        Assert.All(lhs.Users, u => Assert.Contains("LHS", u.SchoolIds));

        Assert.Equal(["t.garcia"], (await Store.ListUsersAsync(new UserQuery(District, Search: "T.GARCIA"), Ct)).Users.Select(u => u.Username));
        Assert.Equal(["t.garcia"], (await Store.ListUsersAsync(new UserQuery(District, Search: "maria"), Ct)).Users.Select(u => u.Username));
        Assert.Equal(["s12"], (await Store.ListUsersAsync(new UserQuery(District, Search: "last12"), Ct)).Users.Select(u => u.Username));
        // LIKE wildcards in the search are plain characters.
        Assert.Equal(["t_under"], (await Store.ListUsersAsync(new UserQuery(District, Search: "t_"), Ct)).Users.Select(u => u.Username));
        Assert.Equal(0, (await Store.ListUsersAsync(new UserQuery(District, Search: "elsewhere"), Ct)).Total);
        Assert.Equal(0, (await Store.ListUsersAsync(new UserQuery(District, SchoolId: "2001"), Ct)).Total);

        var other = await Store.ListUsersAsync(new UserQuery(OtherDistrict), Ct);
        var elsewhere = Assert.Single(other.Users);
        Assert.Equal(["2001"], elsewhere.SchoolIds);
        Assert.Equal(["math"], elsewhere.Programs);
    }

    [Fact]
    public async Task Every_page_of_a_listing_carries_the_whole_total_whatever_filters_and_search_are_combined()
    {
        await SeedDistrictAsync(District, Program, "1001", "LHS");
        await SeedDistrictAsync(OtherDistrict, "math", "2001");
        var import = await CreateImportAsync();
        // 30 students named Sofía (even rows in school 1001, odd in LHS), 5 Sofía teachers in LHS, 7 others.
        var sofias = Enumerable.Range(1, 30).Select(i => Student($"sofia{i:00}", i, school: i % 2 == 0 ? "1001" : "LHS") with { FirstName = "Sofía" });
        var teachers = Enumerable.Range(1, 5).Select(i => Teacher($"t.sofia{i}", 100 + i, $"t{i}@lincoln.org", "LHS") with { FirstName = "SOFIA" });
        var others = Enumerable.Range(1, 7).Select(i => Student($"other{i}", 200 + i));
        Assert.True((await WriteAsync(import, [.. sofias, .. teachers, .. others])).Succeeded);
        await Store.AddUserAsync(Student("sofia.elsewhere", 1, school: "2001", districtId: OtherDistrict) with { FirstName = "Sofia", ProgramIds = ["math"] }, Ct);

        // The page's usernames, space-separated, and the total.
        async Task<(string Users, int Total)> ListAsync(UserQuery query)
        {
            var page = await Store.ListUsersAsync(query, Ct);
            return (string.Join(' ', page.Users.Select(u => u.Username)), page.Total);
        }

        // Every page of 10, the last one short, and one past the end: the same total, the users in username order.
        var search = new UserQuery(District, Search: "sofia", Limit: 10);
        var pages = new List<string>();
        for (var offset = 0; offset <= 40; offset += 10)
        {
            var (users, total) = await ListAsync(search with { Offset = offset });
            Assert.Equal(35, total);
            pages.AddRange(users.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        Assert.Equal([.. Enumerable.Range(1, 30).Select(i => $"sofia{i:00}"), .. Enumerable.Range(1, 5).Select(i => $"t.sofia{i}")], pages);

        Assert.Equal(("sofia02 sofia04 sofia06", 15), await ListAsync(new UserQuery(District, SchoolId: "1001", Search: "Sofia", Limit: 3)));
        Assert.Equal(20, (await ListAsync(new UserQuery(District, SchoolId: "lhs", Search: "SOFÍA"))).Total);
        Assert.Equal(("t.sofia1 t.sofia2 t.sofia3 t.sofia4 t.sofia5", 5), await ListAsync(new UserQuery(District, Type: Roles.Teacher, SchoolId: "LHS", Search: "sof")));
        Assert.Equal(30, (await ListAsync(new UserQuery(District, Type: Roles.Student, Search: "sofia", Limit: 1, Active: true))).Total);
        Assert.Equal(("", 0), await ListAsync(new UserQuery(District, Search: "sofia", Active: false)));
        Assert.Equal(("sofia30", 22), await ListAsync(new UserQuery(District, SchoolId: "1001", Offset: 21, Limit: 10)));
        Assert.Equal(("", 22), await ListAsync(new UserQuery(District, SchoolId: "1001", Offset: 30, Limit: 10)));
        Assert.Equal(37, (await ListAsync(new UserQuery(District, Type: Roles.Student, Limit: 0))).Total);
        Assert.Equal(("t.sofia4 t.sofia5", 5), await ListAsync(new UserQuery(District, Type: Roles.Teacher, Offset: 3, Active: true)));
        Assert.Equal(42, (await ListAsync(new UserQuery(District, Offset: 42))).Total);
    }

    [Fact]
    public async Task Users_are_found_by_username_email_first_last_or_full_name_whatever_the_case_and_accents()
    {
        await SeedDistrictAsync(District, Program, "1001");
        await SeedDistrictAsync(OtherDistrict, "math", "2001");
        NewUser Named(string username, string first, string? last, string? email = null, string districtId = District) =>
            new(districtId, username, first, last, email, [Roles.Student], Grade.Parse("3"), [districtId == District ? "1001" : "2001"],
                [districtId == District ? Program : "math"], new Secret.Hash("$argon2id$x"));
        await Store.AddUserAsync(Named("ava.g", "Ava", "Garcia", "ava.garcia@lincoln.org"), Ct);
        await Store.AddUserAsync(Named("s.garcia", "Sofía", "García López"), Ct);
        await Store.AddUserAsync(Named("jn", "JOSÉ", "Núñez"), Ct);
        await Store.AddUserAsync(Named("decomposed", "Zoe\u0301", "O\u2019Brien"), Ct);
        await Store.AddUserAsync(Named("only.first", "Cher", null), Ct);
        await Store.AddUserAsync(Named("ava.elsewhere", "Ava", "Garcia", districtId: OtherDistrict), Ct);

        async Task<string[]> FindAsync(string search) =>
            [.. (await Store.ListUsersAsync(new UserQuery(District, Search: search), Ct)).Users.Select(u => u.Username)];

        Assert.Equal(["ava.g"], await FindAsync("Ava Garcia"));
        Assert.Equal(["ava.g"], await FindAsync("  ava   GARCIA "));
        Assert.Equal(["ava.g"], await FindAsync("Garcia Ava"));
        Assert.Equal(["ava.g", "s.garcia"], await FindAsync("garcia"));
        Assert.Equal(["s.garcia"], await FindAsync("sofia"));
        Assert.Equal(["s.garcia"], await FindAsync("SOFÍA GARCÍA L"));
        Assert.Equal(["s.garcia"], await FindAsync("garcia lopez sofia"));
        Assert.Equal(["jn"], await FindAsync("jose nunez"));
        Assert.Equal(["jn"], await FindAsync("Núñez"));
        Assert.Equal(["decomposed"], await FindAsync("zoé"));
        Assert.Equal(["decomposed"], await FindAsync("o'brien"));
        Assert.Equal(["only.first"], await FindAsync("cher"));
        Assert.Equal(["ava.g"], await FindAsync("AVA.G"));
        Assert.Equal(["ava.g"], await FindAsync("Ava.Garcia@Lincoln"));
        Assert.Empty(await FindAsync("arcia"));
        Assert.Empty(await FindAsync("ava garcia lopez"));

        var renamed = await Store.ListUsersAsync(new UserQuery(OtherDistrict, Search: "ava garcia"), Ct);
        Assert.Equal(["ava.elsewhere"], renamed.Users.Select(u => u.Username));
    }

    [Fact]
    public async Task The_database_folds_every_letter_as_the_code_does()
    {
        await SeedDistrictAsync(District, Program, "1001");
        var letters = SearchText.From.Select(c => c.ToString())
            .Concat(SearchText.Multi.Keys.Select(c => c.ToString()))
            .Concat(SearchText.Marks.Select(c => "e" + c))
            .Concat(["A", "Z", "q"])
            .ToList();
        var names = new List<(string Username, string First)>();
        for (var i = 0; i < letters.Count; i++)
        {
            var username = $"fold{i:000}";
            var first = "Zz" + letters[i] + "Q";
            names.Add((username, first));
            await Store.AddUserAsync(new NewUser(District, username, first, "Fold", null, [Roles.Student], Grade.Parse("3"), ["1001"], [Program], new Secret.Hash("$argon2id$x")), Ct);
        }

        foreach (var search in names.Select(n => SearchText.Fold(n.First)).Distinct(StringComparer.Ordinal))
        {
            var expected = names.Where(n => SearchText.Fold(n.First + " Fold").StartsWith(search, StringComparison.Ordinal)).Select(n => n.Username).Order(StringComparer.Ordinal);
            var found = await Store.ListUsersAsync(new UserQuery(District, Search: search, Limit: 1_000), Ct);
            Assert.Equal(expected, found.Users.Select(u => u.Username));
        }
    }

    // Import records.

    [Fact]
    public async Task An_import_is_visible_to_its_own_district_only()
    {
        await SeedDistrictAsync();
        await SeedDistrictAsync(OtherDistrict, "math", "2001");
        var record = NewImport(status: ImportStatus.Validating) with { Message = null };
        await Store.CreateImportAsync(record, Ct);

        Assert.Equal(record, await Store.GetImportAsync(District, record.Id, Ct));
        Assert.Null(await Store.GetImportAsync(OtherDistrict, record.Id, Ct));
        Assert.Null(await Store.GetImportAsync(District, Guid.NewGuid(), Ct));
        Assert.Empty(await Store.ListImportsAsync(OtherDistrict, 10, Ct));
    }

    [Fact]
    public async Task Imports_are_listed_newest_first_up_to_the_limit()
    {
        await SeedDistrictAsync();
        var start = new DateTimeOffset(2026, 9, 1, 8, 0, 0, TimeSpan.Zero);
        var records = Enumerable.Range(0, 5).Select(i => NewImport(createdAt: start.AddMinutes(i))).ToList();
        foreach (var r in records) await Store.CreateImportAsync(r, Ct);

        var listed = await Store.ListImportsAsync(District, 3, Ct);

        Assert.Equal(records.AsEnumerable().Reverse().Take(3).Select(r => r.Id), listed.Select(r => r.Id));
    }

    [Fact]
    public async Task A_transition_happens_only_from_the_expected_states()
    {
        await SeedDistrictAsync();
        var import = await CreateImportAsync(status: ImportStatus.Valid);

        Assert.True(await Store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Importing, null, Ct));
        Assert.False(await Store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Importing, null, Ct));
        Assert.True(await Store.TryTransitionAsync(import.Id, [ImportStatus.Validating, ImportStatus.Importing], ImportStatus.Failed, "Disk full", Ct));
        Assert.False(await Store.TryTransitionAsync(Guid.NewGuid(), [ImportStatus.Valid], ImportStatus.Importing, null, Ct));

        var failed = await Store.GetImportAsync(District, import.Id, Ct);
        Assert.Equal(ImportStatus.Failed, failed!.Status);
        Assert.Equal("Disk full", failed.Message);
    }

    [Fact]
    public async Task Concurrent_confirms_move_an_import_to_importing_once()
    {
        await SeedDistrictAsync();
        var import = await CreateImportAsync(status: ImportStatus.Valid);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => Store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Importing, null, Ct))));

        Assert.Single(outcomes, won => won);
    }

    [Fact]
    public async Task Validation_results_keep_their_errors_in_order_and_their_warnings()
    {
        await SeedDistrictAsync();
        var import = await CreateImportAsync(status: ImportStatus.Validating);
        var errors = Enumerable.Range(2, 250).Select(row => Issues.UsernameTaken(row, $"user{row}")).Prepend(new ImportIssue(null, null, IssueCodes.FileNoRows, "No rows.")).ToList();
        ImportIssue[] warnings = [new(null, null, IssueCodes.FileEncodingFallback, "Read as Windows-1252.")];
        await Store.UpdateProgressAsync(import.Id, 251, 100, Ct);
        Assert.Equal(100, (await Store.GetImportAsync(District, import.Id, Ct))!.ProcessedRows);

        await Store.CompleteValidationAsync(import.Id, ImportStatus.Invalid, 251, errors, warnings, Ct);

        var record = await Store.GetImportAsync(District, import.Id, Ct);
        Assert.Equal((ImportStatus.Invalid, 251, 251, 251), (record!.Status, record.Rows, record.ProcessedRows, record.ErrorCount));
        Assert.Equal(errors, await Store.GetImportErrorsAsync(import.Id, 0, 1_000, Ct));
        Assert.Equal(errors.Skip(100).Take(50), await Store.GetImportErrorsAsync(import.Id, 100, 50, Ct));
        Assert.Equal(warnings, await Store.GetImportWarningsAsync(import.Id, Ct));
    }

    [Fact]
    public async Task A_validation_outcome_never_overwrites_a_cancel()
    {
        await SeedDistrictAsync();
        var import = await CreateImportAsync(status: ImportStatus.Validating);
        Assert.True(await Store.TryTransitionAsync(import.Id, [ImportStatus.Validating], ImportStatus.Cancelled, "Cancelled.", Ct));

        await Store.CompleteValidationAsync(import.Id, ImportStatus.Invalid, 3, [Issues.UsernameTaken(2, "ann")], [], Ct);

        var record = await Store.GetImportAsync(District, import.Id, Ct);
        Assert.Equal((ImportStatus.Cancelled, 0), (record!.Status, record.ErrorCount));
        Assert.Empty(await Store.GetImportErrorsAsync(import.Id, 0, 10, Ct));
    }

    [Fact]
    public async Task Imports_left_running_are_marked_failed_with_the_message()
    {
        await SeedDistrictAsync();
        var validating = await CreateImportAsync(status: ImportStatus.Validating);
        var importing = await CreateImportAsync(status: ImportStatus.Importing);
        var valid = await CreateImportAsync(status: ImportStatus.Valid);
        var completed = await CreateImportAsync(status: ImportStatus.Completed);

        Assert.Equal(2, await Store.FailInterruptedImportsAsync("The server restarted.", Ct));

        async Task<string> StatusOf(ImportRecord r) => (await Store.GetImportAsync(District, r.Id, Ct))!.Status;
        Assert.Equal(ImportStatus.Failed, await StatusOf(validating));
        Assert.Equal(ImportStatus.Failed, await StatusOf(importing));
        Assert.Equal(ImportStatus.Valid, await StatusOf(valid));
        Assert.Equal(ImportStatus.Completed, await StatusOf(completed));
        Assert.Equal("The server restarted.", (await Store.GetImportAsync(District, importing.Id, Ct))!.Message);
    }
}

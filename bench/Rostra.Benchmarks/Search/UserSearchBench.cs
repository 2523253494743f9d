using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using Rostra.Benchmarks.Data;
using Rostra.Storage;

namespace Rostra.Benchmarks.Search;

/// <summary>
/// The Users page (and GET /api/users) at a district of N users: each listing (a page of 50 and its total) unfiltered,
/// filtered and searched, as a ratio to finding one user by username (one unique-index lookup through the same store),
/// measured in the same run on the same database. Seeds the district first when the database has none.
/// </summary>
internal static class UserSearchBench
{
    private const int Runs = 7;
    private const int PageSize = 50;

    public static async Task<string> RunAsync(string connection, long users, CancellationToken cancellationToken)
    {
        var district = new SyntheticDistrict(SyntheticDistrict.DefaultId, 300);
        await using var store = StoreFactory.Open(connection);
        await store.MigrateAsync(cancellationToken);
        if (await store.GetDistrictAsync(district.Id, cancellationToken) is null)
        {
            var seeding = Stopwatch.StartNew();
            await DistrictSeeder.SeedAsync(store, district, users, cancellationToken);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeded {users:N0} users in {seeding.Elapsed.TotalSeconds:F0} s"));
        }
        if (store.Provider == "postgres")
        {
            // As autovacuum leaves a live database: planner statistics, and the visibility map index-only scans need.
            await using var settle = new NpgsqlConnection(connection);
            await settle.OpenAsync(cancellationToken);
            await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE", settle) { CommandTimeout = 0 };
            await vacuum.ExecuteNonQueryAsync(cancellationToken);
        }

        var username = SyntheticDistrict.ExistingUsername(users / 2);
        var baseline = await MeasureAsync(async ct => (await store.FindUserAsync(username, ct)) is null ? 0 : 1, cancellationToken);
        var all = (await store.ListUsersAsync(new UserQuery(district.Id, Limit: 0), cancellationToken)).Total;
        var school = district.Schools[0].SchoolId;
        var listings = new (string What, UserQuery Query)[]
        {
            ("no search, first page", new UserQuery(district.Id, Limit: PageSize)),
            ("no search, last page", new UserQuery(district.Id, Offset: (all - 1) / PageSize * PageSize, Limit: PageSize)),
            ("type: students", new UserQuery(district.Id, Type: "student", Limit: PageSize)),
            ("type: teachers", new UserQuery(district.Id, Type: "teacher", Limit: PageSize)),
            ("active only", new UserQuery(district.Id, Limit: PageSize, Active: true)),
            ("inactive only", new UserQuery(district.Id, Limit: PageSize, Active: false)),
            ($"one school (`{school}`)", new UserQuery(district.Id, SchoolId: school, Limit: PageSize)),
            ("full name (`Ava Garcia`)", Search("Ava Garcia")),
            ("first name, no accent typed (`sofia`)", Search("sofia")),
            ("last name, no accent typed (`nunez`)", Search("nunez")),
            ("full name, reversed, capitals (`GARCIA AVA`)", Search("GARCIA AVA")),
            ($"one username (`{username}`)", Search(username)),
            ($"an email's start (`{SyntheticDistrict.ExistingUsername(users / 3)}@`)", Search(SyntheticDistrict.ExistingUsername(users / 3) + "@")),
            ("nobody (`zzzz`)", Search("zzzz")),
            ("one letter (`m`)", Search("m")),
            ("`sofia`, students, active", new UserQuery(district.Id, Type: "student", Search: "sofia", Limit: PageSize, Active: true)),
            ($"`sofia` in one school (`{school}`)", new UserQuery(district.Id, SchoolId: school, Search: "sofia", Limit: PageSize)),
            ("`sofia`, last page", Search("sofia") with { Offset = 14_900 }),
        };

        var report = new StringBuilder();
        report.Append(CultureInfo.InvariantCulture,
            $"| {store.Provider} | {users:N0} | one user by username (baseline) | 1 | {baseline.Median.TotalMilliseconds:F2} | 1 |\n");
        foreach (var (what, query) in listings)
        {
            var result = await MeasureAsync(async ct => (await store.ListUsersAsync(query, ct)).Total, cancellationToken);
            report.Append(CultureInfo.InvariantCulture,
                $"| {store.Provider} | {users:N0} | {what} | {result.Total:N0} | {result.Median.TotalMilliseconds:F1} | {result.Median / baseline.Median:F0} |\n");
        }
        return report.ToString();

        UserQuery Search(string search) => new(district.Id, Search: search, Limit: PageSize);
    }

    private static async Task<(int Total, TimeSpan Median)> MeasureAsync(Func<CancellationToken, Task<int>> run, CancellationToken cancellationToken)
    {
        var total = await run(cancellationToken);
        var times = new List<TimeSpan>();
        for (var i = 0; i < Runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await run(cancellationToken);
            times.Add(clock.Elapsed);
        }
        times.Sort();
        return (total, times[Runs / 2]);
    }
}

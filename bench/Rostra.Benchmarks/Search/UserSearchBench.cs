using System.Diagnostics;
using System.Globalization;
using System.Text;
using Rostra.Benchmarks.Data;
using Rostra.Storage;

namespace Rostra.Benchmarks.Search;

/// <summary>
/// The Users page's search at a district of N users: each search (a page of 50 and its total) against the same
/// page with no search, in the same run on the same database. Seeds the district first when the database has none.
/// </summary>
internal static class UserSearchBench
{
    private const int Runs = 7;

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

        var baseline = await MeasureAsync(store, new UserQuery(district.Id, Limit: 50), cancellationToken);
        var searches = new (string What, string Search)[]
        {
            ("full name", "Ava Garcia"),
            ("first name, no accent typed", "sofia"),
            ("last name, no accent typed", "nunez"),
            ("full name, reversed, capitals", "GARCIA AVA"),
            ("one username", SyntheticDistrict.ExistingUsername(users / 2)),
            ("an email's start", SyntheticDistrict.ExistingUsername(users / 3) + "@"),
            ("nobody", "zzzz"),
        };
        var report = new StringBuilder();
        report.Append(CultureInfo.InvariantCulture, $"| {store.Provider} | {users:N0} | no search (baseline) | {baseline.Total:N0} | {baseline.Median.TotalMilliseconds:F1} | 1.00 |\n");
        foreach (var (what, search) in searches)
        {
            var result = await MeasureAsync(store, new UserQuery(district.Id, Search: search, Limit: 50), cancellationToken);
            report.Append(CultureInfo.InvariantCulture,
                $"| {store.Provider} | {users:N0} | {what} (`{search}`) | {result.Total:N0} | {result.Median.TotalMilliseconds:F1} | **{result.Median / baseline.Median:F2}** |\n");
        }
        return report.ToString();
    }

    private static async Task<(int Total, TimeSpan Median)> MeasureAsync(IRostraStore store, UserQuery query, CancellationToken cancellationToken)
    {
        var total = (await store.ListUsersAsync(query, cancellationToken)).Total;
        var times = new List<TimeSpan>();
        for (var i = 0; i < Runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await store.ListUsersAsync(query, cancellationToken);
            times.Add(clock.Elapsed);
        }
        times.Sort();
        return (total, times[Runs / 2]);
    }
}

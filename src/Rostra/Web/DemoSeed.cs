using Rostra.Core;
using Rostra.Core.Passwords;
using Rostra.Storage;

namespace Rostra.Web;

/// <summary>
/// <c>rostra serve --seed-demo</c>: three demo districts, each with its own district admin, so the three
/// behaviours of import can be seen — a district that imports, a roster-synced one where import is not available,
/// and a Google SSO one where students need an email. Safe to run again: what exists is left as it is.
/// </summary>
public static class DemoSeed
{
    /// <summary>The password of every demo account. It is a demo: never use it for real data.</summary>
    public const string Password = "Rostra-Demo-2025!";

    public const string AdminUsername = "demo.admin";

    private sealed record DemoDistrict(District District, DistrictProgram[] Programs, School[] Schools, NewUser[] Users, string Note);

    public static async Task EnsureAsync(IDirectoryStore store, PasswordHasher hasher, TextWriter console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentNullException.ThrowIfNull(console);
        var hash = hasher.Hash(Password);
        var districts = Districts(hash);
        foreach (var demo in districts)
        {
            await Ignore(store.AddDistrictAsync(demo.District, cancellationToken));
            foreach (var program in demo.Programs)
            {
                await Ignore(store.AddProgramAsync(program, cancellationToken));
            }
            foreach (var school in demo.Schools)
            {
                await Ignore(store.AddSchoolAsync(school, cancellationToken));
            }
            foreach (var user in demo.Users)
            {
                await Ignore(store.AddUserAsync(user, cancellationToken));
            }
        }

        console.WriteLine("Demo data is ready. Sign in with one of these accounts (password for all: " + Password + "):");
        foreach (var demo in districts)
        {
            foreach (var user in demo.Users)
            {
                var line = user.Roles.Contains(Roles.DistrictAdmin)
                    ? $"district admin of {demo.District.Name} — {demo.Note}"
                    : $"{string.Join(", ", user.Roles)} of {demo.District.Name} — not an admin: sees only their programs";
                console.WriteLine($"  {user.Username,-16} {line}");
            }
        }
        console.WriteLine("On the command line these districts are "
            + string.Join(", ", districts.Select(d => $"{d.District.Id} (programs: {string.Join(", ", d.Programs.Select(p => p.Id))})"))
            + ", e.g. rostra validate FILE --district " + districts[0].District.Id + " --type student.");
    }

    private static async Task Ignore(Task add)
    {
        try
        {
            await add;
        }
        catch (DuplicateKeyException)
        {
            // Seeded before.
        }
    }

    private static DemoDistrict[] Districts(string hash)
    {
        NewUser Admin(string district, string username, string first, string last, string[] programs) =>
            new(district, username, first, last, $"{username}@example.org", [Roles.DistrictAdmin], null, [], programs, new Secret.Hash(hash));

        return
        [
            new(
                new District("demo-usd", "Demo Unified School District"),
                [new("demo-usd", "demo-reading", "Demo Reading"), new("demo-usd", "demo-math", "Demo Math")],
                [
                    new("1001", "demo-usd", "Lincoln Elementary School", GradeSet.Parse("K-5")),
                    new("1002", "demo-usd", "Washington Early Learning Center", GradeSet.Parse("PK,TK,K-2")),
                    new("2001", "demo-usd", "Jefferson Middle School", GradeSet.Parse("6-8")),
                    new("3001", "demo-usd", "Roosevelt High School", GradeSet.Parse("9-12")),
                ],
                [
                    Admin("demo-usd", AdminUsername, "Dana", "Admin", ["demo-reading", "demo-math"]),
                    new("demo-usd", "demo.teacher", "Terry", "Teacher", "demo.teacher@example.org", [Roles.Teacher], null, ["1001"], ["demo-reading"], new Secret.Hash(hash)),
                ],
                "bulk import available"),
            new(
                new District("riverside-usd", "Riverside Unified (Clever roster sync)", RosterSync: "clever"),
                [new("riverside-usd", "riverside-reading", "Riverside Reading")],
                [new("4001", "riverside-usd", "Riverside Elementary School", GradeSet.Parse("K-5"))],
                [Admin("riverside-usd", "riverside.admin", "Riley", "Admin", ["riverside-reading"])],
                "roster-synced with Clever, so import is not available"),
            new(
                new District("hillcrest-usd", "Hillcrest Unified (Google sign-in)", Sso: Sso.Google),
                [new("hillcrest-usd", "hillcrest-reading", "Hillcrest Reading")],
                [
                    new("5001", "hillcrest-usd", "Hillcrest Elementary School", GradeSet.Parse("K-5")),
                    new("5002", "hillcrest-usd", "Hillcrest High School", GradeSet.Parse("9-12")),
                ],
                [Admin("hillcrest-usd", "hillcrest.admin", "Harper", "Admin", ["hillcrest-reading"])],
                "Google SSO: passwords optional, students need an email"),
        ];
    }
}

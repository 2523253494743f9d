using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Rostra.Core;
using Rostra.Core.Passwords;
using Rostra.Storage;
using Rostra.Web;

namespace Rostra.Browser.Tests;

/// <summary>
/// One Rostra server (Kestrel on a loopback port, production settings, a temp SQLite folder) and one headless
/// Debian Chromium for all browser tests. Each test makes its own district and its own browser context.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Password = "Admin-Password-1!";

    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private readonly PasswordHasher hasher = new(PasswordHashOptions.Fast);
    private string folder = "";
    private WebApplication app = null!;
    private IPlaywright playwright = null!;
    private IRostraStore realStore = null!;
    private SlowLookups slow = null!;

    /// <summary>Makes checking a file slow (each batch of username look-ups waits), until the result is disposed.</summary>
    public IDisposable SlowChecking(TimeSpan delay)
    {
        slow.Delay = delay;
        return new Restore(() => slow.Delay = TimeSpan.Zero);
    }

    private sealed class Restore(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public IRostraStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        folder = Directory.CreateTempSubdirectory("rostra-browser-").FullName;
        var connection = Path.Combine(folder, "rostra.db");
        realStore = StoreFactory.Open(connection);
        (Store, slow) = SlowLookups.Wrap(realStore);
        // Production settings, so the Secure auth cookie is exercised in a real browser.
        app = RostraWeb.Build(new WebSettings(connection, "http://127.0.0.1:0")
        {
            Hashing = PasswordHashOptions.Fast,
            Output = TextWriter.Null,
            Store = Store,
        });
        await app.StartAsync();
        BaseAddress = app.BoundAddress();
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>A district with a program, two schools (K-5, 6-8) and a district admin, all its own.</summary>
    public async Task<TestDistrict> CreateDistrictAsync(string rosterSync = "none")
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var id = $"d-{suffix}";
        await Store.AddDistrictAsync(new District(id, $"Lincoln Unified {suffix}", rosterSync), default);
        await Store.AddProgramAsync(new DistrictProgram(id, "reading", "Reading Plus"), default);
        await Store.AddSchoolAsync(new School($"E{suffix}", id, "Lincoln Elementary", GradeSet.Parse("K-5")), default);
        await Store.AddSchoolAsync(new School($"M{suffix}", id, "Oak Middle", GradeSet.Parse("6-8")), default);
        var admin = $"admin.{suffix}";
        await Store.AddUserAsync(new NewUser(id, admin, "Dana", "Admin", null, [Roles.DistrictAdmin], null, [], ["reading"], hasher.Hash(Password)), default);
        return new TestDistrict(id, "reading", $"E{suffix}", $"M{suffix}", admin, suffix);
    }

    /// <summary>Adds a student of the district's elementary school straight to the database (already hashed).</summary>
    public Task AddStudentAsync(TestDistrict district, string username, string firstName, string? lastName, string? email = null) =>
        Store.AddUserAsync(new NewUser(district.Id, username, firstName, lastName, email, [Roles.Student], Grade.Parse("3"), [district.ElementarySchool], [district.ProgramId], hasher.Hash(Password)), default);

    public string UploadsFolder => Path.Combine(folder, "uploads");

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        await realStore.DisposeAsync();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system to clean.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>What <see cref="BrowserFixture.CreateDistrictAsync"/> made, and files to upload into it.</summary>
public sealed record TestDistrict(string Id, string ProgramId, string ElementarySchool, string MiddleSchool, string Admin, string Suffix)
{
    public const string StudentHeader = "First Name,Last Name,Username,Password,Grade,School ID,Email";
    public const string TeacherHeader = "First Name,Last Name,Username,Password,Email,School ID";

    /// <summary>A valid student file.</summary>
    public string Students(int count, string prefix = "kid")
    {
        var csv = new System.Text.StringBuilder(StudentHeader).Append("\r\n");
        for (var i = 1; i <= count; i++)
        {
            csv.Append($"Kid{i},Lopez,{prefix}{i}.{Suffix},Secret-Pass{i}!,{1 + (i % 5)},{ElementarySchool},\r\n");
        }
        return csv.ToString();
    }

    /// <summary>Three students, two of them with mistakes: a grade the school does not offer, an unknown school.</summary>
    public string StudentsWithErrors() =>
        StudentHeader + "\r\n" +
        $"Ana,Lopez,ana.{Suffix},Secret-Pass1!,3,{ElementarySchool},\r\n" +
        $"Ben,Ng,ben.{Suffix},Secret-Pass1!,7,{ElementarySchool},\r\n" +
        $"Cy,Park,cy.{Suffix},Secret-Pass1!,4,NOPE,\r\n";

    /// <summary>The same three students, fixed.</summary>
    public string StudentsFixed() =>
        StudentHeader + "\r\n" +
        $"Ana,Lopez,ana.{Suffix},Secret-Pass1!,3,{ElementarySchool},\r\n" +
        $"Ben,Ng,ben.{Suffix},Secret-Pass1!,7,{MiddleSchool},\r\n" +
        $"Cy,Park,cy.{Suffix},Secret-Pass1!,4,{ElementarySchool},\r\n";

    public string Teachers() =>
        TeacherHeader + "\r\n" + $"Tia,Ng,tia.{Suffix},Teacher-Pass-12!,tia.{Suffix}@example.org,{ElementarySchool}\r\n";
}

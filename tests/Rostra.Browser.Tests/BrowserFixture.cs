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
    public const string Password = TestDistrict.Password;

    private static readonly PasswordHasher Hasher = new(PasswordHashOptions.Fast);

    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private string folder = "";
    private WebApplication app = null!;
    private IPlaywright playwright = null!;
    private IRostraStore realStore = null!;
    /// <summary>Gates on the server's store calls: a test sees an import at any point of its work, whatever the machine's speed.</summary>
    public StoreGates Gates { get; private set; } = null!;

    /// <summary>Holds the checking of every file at its first username look-up, until the result is disposed.</summary>
    public IDisposable HoldChecking() => Gates.Hold(nameof(IUserLookup.FindTakenUsernamesAsync));

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public IRostraStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        folder = Directory.CreateTempSubdirectory("rostra-browser-").FullName;
        var connection = Path.Combine(folder, "rostra.db");
        realStore = StoreFactory.Open(connection);
        (Store, Gates) = StoreGates.Wrap(realStore);
        // Production settings, so the Secure auth cookie is exercised in a real browser.
        app = RostraWeb.Build(new WebSettings(connection, "http://127.0.0.1:0")
        {
            Hashing = PasswordHashOptions.Fast,
            Output = TextWriter.Null,
            Store = Store,
            // Every page object signs in from 127.0.0.1.
            Args = ["--Rostra:SignInsPerAddressPerMinute=100000"],
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

    /// <summary>A new <see cref="TestDistrict"/> of its own on the server.</summary>
    public Task<TestDistrict> CreateDistrictAsync(string rosterSync = RosterSync.None) => TestDistrict.CreateAsync(Store, rosterSync);

    /// <summary>Adds a student of the district's elementary school straight to the database (already hashed).</summary>
    public Task AddStudentAsync(TestDistrict district, string username, string firstName, string? lastName, string? email = null) =>
        Store.AddUserAsync(new NewUser(district.Id, username, firstName, lastName, email, [Roles.Student], Grade.Parse("3"), [district.ElementarySchool], [district.ProgramId], new Secret.Hash(Hasher.Hash(Password))), default);

    /// <summary>Adds a teacher of both of the district's schools, in its program.</summary>
    public Task AddTeacherAsync(TestDistrict district, string username, string firstName, string lastName) =>
        Store.AddUserAsync(new NewUser(district.Id, username, firstName, lastName, $"{username}@example.org", [Roles.Teacher], null,
            [district.ElementarySchool, district.MiddleSchool], [district.ProgramId], new Secret.Hash(Hasher.Hash(Password))), default);

    public string UploadsFolder => Path.Combine(folder, "uploads");

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        await realStore.DisposeAsync();
        TempFolder.Delete(folder);
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Core.Passwords;
using Rostra.Storage;
using Rostra.Web;

namespace Rostra.Tests.Web;

/// <summary>
/// The real web app on Kestrel on a loopback port, with its own SQLite file in a temp folder.
/// Tests make their own districts (<see cref="CreateDistrictAsync"/>), so they never share rows.
/// </summary>
public sealed partial class WebApp : IAsyncDisposable
{
    public const string Password = TestDistrict.Password;

    private WebApp(WebApplication app, string folder)
    {
        App = app;
        Folder = folder;
        BaseAddress = app.BoundAddress();
        Store = app.Services.GetRequiredService<IRostraStore>();
    }

    public WebApplication App { get; }

    public string Folder { get; }

    public Uri BaseAddress { get; }

    public IRostraStore Store { get; }

    public string UploadsFolder => Path.Combine(Folder, "uploads");

    public static async Task<WebApp> StartAsync(Func<WebSettings, WebSettings>? configure = null, string? folder = null)
    {
        folder ??= Directory.CreateTempSubdirectory("rostra-web-").FullName;
        var settings = new WebSettings(Path.Combine(folder, "rostra.db"), "http://127.0.0.1:0", Development: true)
        {
            Hashing = PasswordHashOptions.Fast,
            Output = TextWriter.Null,
            // Every test client signs in from 127.0.0.1: the per-address sign-in rate is tested on its own.
            Args = ["--Rostra:SignInsPerAddressPerMinute=100000"],
        };
        var app = RostraWeb.Build(configure is null ? settings : configure(settings));
        await app.StartAsync();
        return new WebApp(app, folder);
    }

    /// <summary>A new <see cref="TestDistrict"/> of its own in this app's database.</summary>
    public Task<TestDistrict> CreateDistrictAsync(string rosterSync = RosterSync.None, string sso = Sso.None) =>
        TestDistrict.CreateAsync(Store, rosterSync, sso);

    /// <summary>A client that keeps cookies and does not follow redirects, optionally with a bearer token.</summary>
    /// <summary>
    /// A client of the app, signed in by <paramref name="token"/> when given. With <paramref name="expectContinue"/> it sends
    /// a body as curl sends a large one: "Expect: 100-continue", and the body only once the server asks for it.
    /// </summary>
    public HttpClient Client(string? token = null, bool expectContinue = false)
    {
        var client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            CookieContainer = new CookieContainer(),
            Expect100ContinueTimeout = TimeSpan.FromSeconds(60),
        })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        client.DefaultRequestHeaders.ExpectContinue = expectContinue;
        return client;
    }

    public static MultipartFormDataContent ImportForm(string type, string csv, string fileName = "users.csv", string? program = null) =>
        ImportForm(type, Encoding.UTF8.GetBytes(csv), fileName, program);

    public static MultipartFormDataContent ImportForm(string type, byte[] file, string fileName = "users.csv", string? program = null)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(type), "type" },
        };
        if (program is not null)
        {
            form.Add(new StringContent(program), "program");
        }
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(content, "file", fileName);
        return form;
    }

    /// <summary>Uploads a file and waits until validation has ended.</summary>
    public static async Task<JsonElement> UploadAndWaitAsync(HttpClient client, string type, string csv, string fileName = "users.csv")
    {
        using var response = await client.PostAsync("/api/imports", ImportForm(type, csv, fileName));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return await WaitAsync(client, created.GetProperty("id").GetGuid());
    }

    /// <summary>Polls an import until it is no longer validating or importing.</summary>
    public static async Task<JsonElement> WaitAsync(HttpClient client, Guid id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var import = await client.GetFromJsonAsync<JsonElement>($"/api/imports/{id}");
            var status = import.GetProperty("status").GetString();
            if (status is not (ImportStatus.Validating or ImportStatus.Importing))
            {
                return import;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Import {id} is still {status}.");
            await Task.Delay(50);
        }
    }

    /// <summary>Signs in through the login form and returns the client, now holding the auth cookie.</summary>
    public async Task<HttpClient> SignInAsync(string username, string password = Password)
    {
        var client = Client();
        using var response = await PostLoginAsync(client, username, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string username, string password)
    {
        var token = await AntiforgeryTokenAsync(client, "/login");
        return await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Username"] = username,
            ["Password"] = password,
            ["__RequestVerificationToken"] = token,
        }));
    }

    /// <summary>The antiforgery token of a page's form (its cookie is kept by the client).</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(path);
        var match = TokenPattern().Match(html);
        Assert.True(match.Success, $"No antiforgery token on {path}.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    private bool stopped;

    /// <summary>Stops the app and closes the database, keeping the folder (to start another app on it).</summary>
    public async Task StopAsync()
    {
        if (stopped)
        {
            return;
        }
        stopped = true;
        await App.StopAsync();
        await App.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        // The key-ring key file sits beside the data folder.
        File.Delete(Folder.TrimEnd('/') + ".key");
        TempFolder.Delete(Folder);
    }
}

/// <summary>One app for the tests of a class; each test makes its own district.</summary>
public sealed class WebAppFixture : IAsyncLifetime
{
    public WebApp Web { get; private set; } = null!;

    public async Task InitializeAsync() => Web = await WebApp.StartAsync();

    public async Task DisposeAsync() => await Web.DisposeAsync();
}

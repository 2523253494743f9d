using System.Collections;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Data.Sqlite;
using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Imports;
using Rostra.KeyRing;
using Rostra.Core.Passwords;
using Rostra.Storage;
using Rostra.Web.Api;
using Rostra.Web.Roster;
using Rostra.Web.Auth;
using Rostra.Web.Imports;

namespace Rostra.Web;

/// <summary>The web app of <c>rostra serve</c>: the pages, the HTTP API and the background import work.</summary>
public static class RostraWeb
{
    /// <summary>Builds the app; the caller runs it (<c>RunAsync</c>) or starts it (<c>StartAsync</c>).</summary>
    public static WebApplication Build(WebSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [.. settings.Args],
            // The pages are compiled into this assembly; naming it keeps them found when a test host starts the app.
            ApplicationName = typeof(RostraWeb).Assembly.GetName().Name,
            // Run from bin, publish or `dotnet run` alike: nothing is read from the source folder.
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = settings.Development ? Environments.Development : Environments.Production,
        });
        AddConfiguration(builder.Configuration, settings.Args);
        // A calm console: the framework's per-request lines only when asked for (Logging:LogLevel in appsettings.json).
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        var runtime = ResolveRuntime(builder.Configuration, settings);
        // Same hashing cost as the command line (ROSTRA_HASH_*), unless Rostra:Hashing says otherwise.
        var hashing = settings.Hashing
            ?? builder.Configuration.GetSection($"{RostraOptions.Section}:Hashing").Get<PasswordHashOptions>()
            ?? RostraSettings.HashOptions();
        var output = settings.Output ?? Console.Out;

        builder.WebHost.UseUrls(settings.Urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = runtime.MaxRequestBytes;
        });
        builder.Services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = runtime.MaxRequestBytes);

        builder.Services.AddSingleton(runtime);
        builder.Services.AddSingleton(TimeProvider.System);
        if (settings.Store is { } store)
        {
            builder.Services.AddSingleton(store);
        }
        else
        {
            // Created by the container, so it is disposed with the app.
            builder.Services.AddSingleton<IRostraStore>(_ => StoreFactory.Open(settings.Connection));
        }
        // Each part of the store, for the callers that need only that part.
        builder.Services.AddSingleton<IDirectoryStore>(services => services.GetRequiredService<IRostraStore>());
        builder.Services.AddSingleton<IImportStore>(services => services.GetRequiredService<IRostraStore>());
        builder.Services.AddSingleton<IJobStore>(services => services.GetRequiredService<IRostraStore>());
        builder.Services.AddSingleton<IKeyRingStore>(services => services.GetRequiredService<IRostraStore>());
        builder.Services.AddSingleton<IImportErrorStore>(services => services.GetRequiredService<IRostraStore>());
        builder.Services.AddSingleton<IRosterStore>(services => services.GetRequiredService<IRostraStore>());
        builder.Services.AddSingleton<ISignInStore>(services => services.GetRequiredService<IRostraStore>());
        builder.Services.AddSingleton(new PasswordHasher(hashing));
        builder.Services.AddSingleton(Rostra.Roster.RosterSettings.FromEnvironment());
        builder.Services.AddHostedService(services => new StartupTasks(
            services.GetRequiredService<IRostraStore>(),
            services.GetRequiredService<PasswordHasher>(),
            services.GetRequiredService<UploadFiles>(),
            services.GetRequiredService<ILogger<StartupTasks>>(),
            settings.SeedDemo ? output : null));

        // The key ring lives in the database, shared by every node: a sign-in cookie from one node is read by another,
        // and a password staged on one node is hashed on another. Its keys are encrypted with a key that is not there.
        // Registered after StartupTasks: hosted services start in order, and the key ring check needs the migrated schema.
        builder.Services.AddRostraKeyRing(KeyRingSettingsOf(builder.Configuration, runtime));
        builder.Services.AddSingleton((settings.Engine ?? ImportEngineSettings.FromEnvironment()) with { ValidExpiry = runtime.UnconfirmedExpiry });
        builder.Services.AddSingleton(new ValidationSlotHook(settings.BeforeValidation));
        builder.Services.AddSingleton(services => new PasswordVault(services.GetRequiredService<IDataProtectionProvider>()));
        builder.Services.AddSingleton<ImportProgress>();
        // A thread for each hashing worker and each validation slot, below the priority of the threads that answer requests.
        builder.Services.AddSingleton(services => new BackgroundThreads(
            services.GetRequiredService<ImportEngineSettings>().Workers + services.GetRequiredService<WebRuntime>().ConcurrentImports));
        builder.Services.AddSingleton<ImportEngine>();
        builder.Services.AddRostraAuth(runtime);
        builder.Services.AddSignInRateLimits(runtime);
        builder.Services.AddImports();
        builder.Services.AddRazorPages(pages =>
        {
            pages.RootDirectory = "/Web/Pages";
            pages.Conventions.AuthorizeFolder("/");
            pages.Conventions.AuthorizeFolder("/Programs", AuthSetup.DistrictAdminPolicy);
            pages.Conventions.AuthorizeFolder("/Account", AuthSetup.DistrictAdminPolicy);
            pages.Conventions.AllowAnonymousToPage("/Login");
            pages.Conventions.AllowAnonymousToPage("/Error");
            // Where a signed-in user lands on a page that is not for them.
            pages.Conventions.AddPageRoute("/Error", "denied");
        });
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.WriteIndented = false);

        var app = builder.Build();

        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler(new ExceptionHandlerOptions
            {
                ExceptionHandler = ErrorResponses.HandleExceptionAsync,
            });
        }
        // An empty 401/403/404 becomes a page for a person and a JSON error for a script.
        app.UseWhen(context => context.Request.IsApi(), api => api.UseStatusCodePages(ErrorResponses.WriteApiStatusAsync));
        app.UseWhen(context => !context.Request.IsApi(), pages => pages.UseStatusCodePagesWithReExecute("/error", "?status={0}"));
        app.UseSecurityHeaders(app.Environment.IsDevelopment());
        // After the status pages, so a sign-in refused for its rate gets the error page (with its Retry-After).
        app.UseRateLimiter();
        // Routing after the error handlers, so a re-executed /error finds its page.
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapEmbeddedAssets();
        app.MapMethods("/healthz", [HttpMethods.Get, HttpMethods.Head], async (IRostraStore store, CancellationToken ct) =>
            await store.PingAsync(ct) ? Results.Text("ok") : Results.Text("database unreachable", statusCode: StatusCodes.Status503ServiceUnavailable))
            .AllowAnonymous()
            .ExcludeFromDescription();
        app.MapOpenApi().AllowAnonymous();
        app.MapRostraApi();
        app.MapTokenApi();
        app.MapRosterApi();
        app.MapRazorPages();

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var address in app.Urls)
            {
                output.WriteLine($"Rostra is running at {address} (press Ctrl+C to stop).");
            }
        });
        return app;
    }

    /// <summary>The first address Kestrel listens on, e.g. after starting on port 0.</summary>
    public static Uri BoundAddress(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var server = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>();
        var addresses = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? app.Urls.First();
        return new Uri(first);
    }

    /// <summary>
    /// appsettings.json of the current folder, then <c>ROSTRA_*</c> environment variables read into the
    /// <c>Rostra</c> section (<c>ROSTRA_MAXUPLOADBYTES</c>, <c>ROSTRA_HASHING__MEMORYKIB</c>), then the arguments.
    /// </summary>
    private static void AddConfiguration(ConfigurationManager configuration, IReadOnlyList<string> args)
    {
        configuration.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true);
        var fromEnvironment = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var key = (string)entry.Key;
            if (key.StartsWith("ROSTRA_", StringComparison.OrdinalIgnoreCase) && key.Length > "ROSTRA_".Length)
            {
                fromEnvironment[$"{RostraOptions.Section}:{key["ROSTRA_".Length..].Replace("__", ":", StringComparison.Ordinal)}"] = (string?)entry.Value;
            }
        }
        configuration.AddInMemoryCollection(fromEnvironment);
        configuration.AddCommandLine([.. args]);
    }

    private static WebRuntime ResolveRuntime(IConfiguration configuration, WebSettings settings)
    {
        var section = configuration.GetSection(RostraOptions.Section);
        var options = section.Get<RostraOptions>() ?? new RostraOptions();
        // Rostra:MaxUploadBytes / Rostra:MaxRows, else the command line's ROSTRA_MAX_FILE_BYTES / ROSTRA_MAX_ROWS.
        var shared = RostraSettings.Limits();
        var limits = settings.Limits ?? new ImportLimits(
            section[nameof(RostraOptions.MaxUploadBytes)] is null ? shared.MaxFileBytes : options.MaxUploadBytes,
            section[nameof(RostraOptions.MaxRows)] is null ? shared.MaxRows : options.MaxRows,
            section[nameof(RostraOptions.MaxDetailedErrors)] is null ? shared.MaxDetailedErrors : Math.Max(1, options.MaxDetailedErrors));
        var dataDirectory = settings.DataDirectory ?? options.DataDirectory ?? DefaultDataDirectory(settings.Connection);
        return new WebRuntime(
            limits,
            Path.GetFullPath(dataDirectory),
            settings.Development,
            Math.Max(1, options.LockoutFailures),
            TimeSpan.FromMinutes(Math.Max(1, options.LockoutMinutes)),
            Math.Max(1, options.ConcurrentImports),
            TimeSpan.FromHours(Math.Max(1, options.UnconfirmedExpiryHours)))
        {
            SignInsPerAddressPerMinute = Math.Max(1, options.SignInsPerAddressPerMinute),
            SignInsPerAccountPerMinute = Math.Max(1, options.SignInsPerAccountPerMinute),
            UnknownSignInFailuresKept = Math.Max(0, options.UnknownSignInFailuresKept),
        };
    }

    /// <summary><c>Rostra:KeyFile</c> (<c>ROSTRA_KEYFILE</c>), <c>Rostra:KeyRingKey</c>, <c>Rostra:KeyRingCertificate</c>; the key file beside the data folder by default.</summary>
    private static KeyRingSettings KeyRingSettingsOf(IConfiguration configuration, WebRuntime runtime)
    {
        var options = configuration.GetSection(RostraOptions.Section).Get<RostraOptions>() ?? new RostraOptions();
        return new KeyRingSettings(
            string.IsNullOrWhiteSpace(options.KeyFile) ? KeyRingSettings.DefaultKeyFile(runtime.DataDirectory) : options.KeyFile,
            options.KeyRingKey,
            options.KeyRingCertificate,
            options.KeyRingCertificatePassword);
    }

    /// <summary>The SQLite file's folder (uploads live beside the database), else <c>data</c>.</summary>
    internal static string DefaultDataDirectory(string connection)
    {
        if (StoreFactory.ProviderOf(connection) != "sqlite")
        {
            return "data";
        }
        var path = connection.Trim();
        if (path.Contains('=', StringComparison.Ordinal))
        {
            try
            {
                path = new SqliteConnectionStringBuilder(path).DataSource;
            }
            catch (ArgumentException)
            {
                return "data";
            }
        }
        if (path.Length == 0 || path.Equals(":memory:", StringComparison.OrdinalIgnoreCase))
        {
            return "data";
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        return string.IsNullOrEmpty(folder) ? "data" : folder;
    }
}

using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Core.Passwords;
using Rostra.Imports;
using Rostra.Storage;

namespace Rostra.Web;

/// <summary>
/// How <c>rostra serve</c> starts the web app. Values left null come from configuration
/// (appsettings.json, then environment variables such as <c>ROSTRA_MAXUPLOADBYTES</c>).
/// </summary>
/// <param name="Connection">The database: a SQLite path or connection string, or a PostgreSQL URI / connection string.</param>
/// <param name="Urls">Where Kestrel listens; <c>http://127.0.0.1:0</c> picks a free port.</param>
/// <param name="SeedDemo">Creates the demo districts and prints their admins' credentials.</param>
/// <param name="Development">Development environment: cookies are not marked Secure over plain HTTP, errors show details.</param>
/// <param name="DataDirectory">Where uploaded files are kept while an import runs; defaults to the SQLite file's folder, else <c>data</c>.</param>
public sealed record WebSettings(
    string Connection,
    string Urls = "http://127.0.0.1:5080",
    bool SeedDemo = false,
    bool Development = false,
    string? DataDirectory = null)
{
    /// <summary>Password hashing cost; null reads <c>Rostra:Hashing:*</c>, else the production default.</summary>
    public PasswordHashOptions? Hashing { get; init; }

    /// <summary>Upload size and row limits; null reads <c>Rostra:MaxUploadBytes</c> and <c>Rostra:MaxRows</c>.</summary>
    public ImportLimits? Limits { get; init; }

    /// <summary>Where the demo seed prints credentials and the app prints its address; null is the console.</summary>
    public TextWriter? Output { get; init; }

    /// <summary>An open store to use instead of opening <see cref="Connection"/>; the caller keeps and disposes it.</summary>
    public IRostraStore? Store { get; init; }

    /// <summary>How this node takes part in import work (workers, chunk size, leases); null reads <c>ROSTRA_*</c> (see <see cref="ImportEngineSettings.FromEnvironment"/>).</summary>
    public ImportEngineSettings? Engine { get; init; }

    /// <summary>
    /// Runs when a validation slot has taken an upload, before it is read (null: nothing). A seam for tests that hold a
    /// slot busy to see what waits behind it.
    /// </summary>
    public Func<Guid, CancellationToken, Task>? BeforeValidation { get; init; }

    /// <summary>Extra configuration arguments (<c>--Rostra:MaxRows=10</c>), as the host would read them.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];
}

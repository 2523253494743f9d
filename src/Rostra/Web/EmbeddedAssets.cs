using System.Collections;
using System.Collections.Frozen;
using System.Globalization;
using System.Resources;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Rostra.Web;

/// <summary>
/// Serves the files of wwwroot/ (compiled in through Assets.resx) at <c>/assets/{name}</c>.
/// Page links carry a content hash (<see cref="Url"/>), so browsers may cache them for good.
/// </summary>
internal static class EmbeddedAssets
{
    private sealed record Asset(byte[] Bytes, string ContentType, string Version);

    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    /// <summary>The address of an asset, e.g. <c>/assets/site.css?v=1a2b3c4d</c>.</summary>
    public static string Url(string name) =>
        Assets.TryGetValue(name, out var asset) ? $"/assets/{name}?v={asset.Version}" : $"/assets/{name}";

    public static IEndpointRouteBuilder MapEmbeddedAssets(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/assets/{name}", [HttpMethods.Get, HttpMethods.Head], (string name, HttpContext context) =>
            {
                if (!Assets.TryGetValue(name, out var asset))
                {
                    return Results.NotFound();
                }
                context.Response.Headers.CacheControl = context.Request.Query.ContainsKey("v")
                    ? "public, max-age=31536000, immutable"
                    : "no-cache";
                return Results.Bytes(asset.Bytes, asset.ContentType, entityTag: new EntityTagHeaderValue($"\"{asset.Version}\""));
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
        return endpoints;
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var manager = new ResourceManager("Rostra.Web.Assets", typeof(EmbeddedAssets).Assembly);
        var set = manager.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: true)
            ?? throw new InvalidOperationException("The web assets are missing from the assembly.");
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in set)
        {
            var name = (string)entry.Key;
            var bytes = (byte[])entry.Value!;
            var version = Convert.ToHexStringLower(SHA256.HashData(bytes))[..12];
            assets[name] = new Asset(bytes, ContentType(name), version);
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}

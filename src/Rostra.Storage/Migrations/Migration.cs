using System.Reflection;

namespace Rostra.Storage.Migrations;

/// <summary>One SQL migration, e.g. <c>001_initial</c>, read from the embedded <c>Migrations/{provider}/NNN_name.sql</c>.</summary>
internal sealed record Migration(string Version, string Sql)
{
    /// <summary>The migrations of one provider folder (<c>Sqlite</c> or <c>Postgres</c>), in order.</summary>
    public static IReadOnlyList<Migration> For(string folder)
    {
        var assembly = typeof(Migration).Assembly;
        var prefix = $"{typeof(Migration).Namespace}.{folder}.";
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => new Migration(name[prefix.Length..^".sql".Length], Read(assembly, name)))
            .OrderBy(m => m.Version, StringComparer.Ordinal)
            .ToList();
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"Missing migration resource {name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

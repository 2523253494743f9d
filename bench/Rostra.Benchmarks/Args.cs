using System.Globalization;

namespace Rostra.Benchmarks;

/// <summary>The options of a sub-command: <c>--name value</c> pairs and bare flags, read once, with defaults.</summary>
internal sealed class Args
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    public Args(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var arg = list[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal)) { Positional.Add(arg); continue; }
            var name = arg[2..];
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0) _options[name[..eq]] = name[(eq + 1)..];
            else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal)) _options[name] = list[++i];
            else _options[name] = null;
        }
    }

    public List<string> Positional { get; } = [];

    public bool Flag(string name) => _options.ContainsKey(name);

    public string? Get(string name) => _options.GetValueOrDefault(name);

    public string Get(string name, string fallback) => _options.GetValueOrDefault(name) ?? fallback;

    public string Required(string name) =>
        _options.GetValueOrDefault(name) ?? throw new UsageException($"--{name} is required.");

    public int Int(string name, int fallback) => Get(name) is { } s ? ParseCount(s) : fallback;

    public long Long(string name, long fallback) => Get(name) is { } s ? ParseCount(s) : fallback;

    public double Double(string name, double fallback) =>
        Get(name) is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : fallback;

    /// <summary>Counts as people write them: <c>100000</c>, <c>100_000</c>, <c>100k</c>, <c>1m</c>.</summary>
    public static int ParseCount(string text)
    {
        text = text.Replace("_", "", StringComparison.Ordinal).Trim().ToLowerInvariant();
        var multiplier = text.EndsWith('k') ? 1_000 : text.EndsWith('m') ? 1_000_000 : 1;
        if (multiplier > 1) text = text[..^1];
        return checked(int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) * multiplier);
    }
}

/// <summary>A command line that cannot be run as written; the message says why.</summary>
internal sealed class UsageException(string message) : Exception(message);

namespace Rostra.Core.Validation;

/// <summary>
/// How much of a file's errors is kept. A file of a million bad rows must not grow the database by gigabytes or the
/// memory of the server beyond bounds: every error is counted by code and column, but only the first
/// <see cref="MaxDetailedErrors"/> are kept in detail, and a value is kept to <see cref="MaxValueLength"/> characters.
/// </summary>
public static class ErrorLimits
{
    /// <summary>Errors kept in detail per import by default (the list, the API and the reports show these).</summary>
    public const int DefaultMaxDetailedErrors = 100_000;

    /// <summary>Characters of a value kept in an error, a report cell or a message.</summary>
    public const int MaxValueLength = 200;

    /// <summary>Characters of a message kept (a message may quote a value).</summary>
    public const int MaxMessageLength = 1000;

    /// <summary>The end of a value that was cut.</summary>
    public const string CutMark = "…";

    /// <summary>
    /// <paramref name="value"/> cut to <see cref="MaxValueLength"/> characters (never inside a surrogate pair), with
    /// <see cref="CutMark"/> when something was cut.
    /// </summary>
    public static string? Cut(string? value) => Cut(value, MaxValueLength);

    /// <summary><paramref name="message"/> cut to <see cref="MaxMessageLength"/> characters.</summary>
    public static string CutMessage(string message) => Cut(message, MaxMessageLength)!;

    private static string? Cut(string? value, int max)
    {
        if (value is null || value.Length <= max) return value;
        var length = max - CutMark.Length;
        if (char.IsHighSurrogate(value[length - 1])) length--;
        return string.Concat(value.AsSpan(0, length), CutMark);
    }
}

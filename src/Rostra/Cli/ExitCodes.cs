namespace Rostra.Cli;

/// <summary>The exit codes of SPEC.md §6.</summary>
public static class ExitCodes
{
    /// <summary>Valid, imported, or the command did what it was asked.</summary>
    public const int Ok = 0;

    /// <summary>The file has errors; nothing was imported.</summary>
    public const int FileHasErrors = 1;

    /// <summary>Bad arguments, or an unknown district or program.</summary>
    public const int BadArguments = 2;

    /// <summary>Any other failure.</summary>
    public const int Failure = 3;
}

/// <summary>A problem with what the user typed: reported on stderr, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

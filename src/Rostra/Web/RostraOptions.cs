using Rostra.Core;
using Rostra.Core.Validation;

namespace Rostra.Web;

/// <summary>The <c>Rostra</c> configuration section (appsettings.json, or <c>ROSTRA_*</c> environment variables).</summary>
internal sealed class RostraOptions
{
    public const string Section = "Rostra";

    /// <summary>Largest file an import accepts; the request body may be a little larger for the form fields.</summary>
    public long MaxUploadBytes { get; set; } = ImportLimits.DefaultMaxFileBytes;

    public int MaxRows { get; set; } = ImportLimits.DefaultMaxRows;

    /// <summary>Errors of one import kept in detail (all are counted by code and column).</summary>
    public int MaxDetailedErrors { get; set; } = Core.Validation.ErrorLimits.DefaultMaxDetailedErrors;

    /// <summary>Where uploads are kept while their import runs.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Failed sign-ins in a row that lock an account.</summary>
    public int LockoutFailures { get; set; } = 5;

    public int LockoutMinutes { get; set; } = 15;

    /// <summary>Imports validated or written at the same time; the rest wait their turn.</summary>
    public int ConcurrentImports { get; set; } = 2;

    /// <summary>How long a valid import waits for CONFIRM before it is cancelled and its file deleted.</summary>
    public int UnconfirmedExpiryHours { get; set; } = 24;

    /// <summary>The key file that encrypts the key ring (<c>ROSTRA_KEYFILE</c>); by default beside the data folder (<c>data</c> → <c>data.key</c>).</summary>
    public string? KeyFile { get; set; }

    /// <summary>The key-ring key as base64 of 32 bytes, e.g. from a KMS or a secret manager (<c>ROSTRA_KEYRINGKEY</c>); wins over the key file.</summary>
    public string? KeyRingKey { get; set; }

    /// <summary>A PKCS#12 certificate with its private key that encrypts the key ring (<c>ROSTRA_KEYRINGCERTIFICATE</c>); wins over both keys.</summary>
    public string? KeyRingCertificate { get; set; }

    /// <summary>The certificate file's password (<c>ROSTRA_KEYRINGCERTIFICATEPASSWORD</c>).</summary>
    public string? KeyRingCertificatePassword { get; set; }

    /// <summary>Sign-in attempts (POST /login) one client address may make per minute (<c>ROSTRA_SIGNINSPERADDRESSPERMINUTE</c>).</summary>
    public int SignInsPerAddressPerMinute { get; set; } = 30;

    /// <summary>Sign-in attempts one username may get per minute on one server, whatever their outcome (<c>ROSTRA_SIGNINSPERACCOUNTPERMINUTE</c>).</summary>
    public int SignInsPerAccountPerMinute { get; set; } = 10;

    /// <summary>Usernames no user has whose failed sign-ins are kept, the most recent (<c>ROSTRA_UNKNOWNSIGNINFAILURESKEPT</c>).</summary>
    public int UnknownSignInFailuresKept { get; set; } = 100_000;
}

/// <summary>The settings the app runs with, resolved once at startup.</summary>
internal sealed record WebRuntime(
    ImportLimits Limits,
    string DataDirectory,
    bool Development,
    int LockoutFailures,
    TimeSpan LockoutDuration,
    int ConcurrentImports,
    TimeSpan UnconfirmedExpiry)
{
    /// <summary>Room for the multipart boundaries and the small form fields around the file.</summary>
    public const long FormOverheadBytes = 1024 * 1024;

    public long MaxRequestBytes => Limits.MaxFileBytes + FormOverheadBytes;

    public string UploadsDirectory => Path.Combine(DataDirectory, "uploads");

    /// <summary>Sign-in attempts one client address may make per minute.</summary>
    public int SignInsPerAddressPerMinute { get; init; } = 30;

    /// <summary>Sign-in attempts one username may get per minute on this server.</summary>
    public int SignInsPerAccountPerMinute { get; init; } = 10;

    /// <summary>Usernames no user has whose failed sign-ins are kept (the most recent); older ones are forgotten by housekeeping.</summary>
    public int UnknownSignInFailuresKept { get; init; } = 100_000;
}

using Rostra.Core;
using Rostra.Core.Validation;

namespace Rostra.Fuzz;

/// <summary>
/// Reads and validates any bytes as a student upload, as the server does, and checks what must hold for every file:
/// no exception escapes, every error has a SPEC code and a message, and no error shows a Password value.
/// A broken rule throws, which AFL++ records as a crash.
/// </summary>
public static class FuzzTarget
{
    private static readonly District District = new("fuzz-usd", "Fuzz USD");

    private static readonly School[] Schools =
    [
        new("1001", District.Id, "Lincoln Elementary", GradeSet.Parse("K-5")),
        new("00417", District.Id, "Oak Middle", GradeSet.Parse("6-8")),
    ];

    private static readonly HashSet<string> Codes = new(IssueCodes.ErrorCodes, StringComparer.Ordinal);

    public static void Run(byte[] bytes)
    {
        foreach (var type in new[] { UserType.Student, UserType.Teacher })
        {
            var context = new ValidationContext(District, type, Schools, new Lookup(), new ImportLimits(MaxFileBytes: 1024 * 1024, MaxRows: 2_000));
            var result = FileValidator.ValidateAsync(new MemoryStream(bytes), context, null, CancellationToken.None).GetAwaiter().GetResult();
            foreach (var error in result.Errors)
            {
                if (!Codes.Contains(error.Code)) throw new InvalidOperationException($"Unknown error code {error.Code}.");
                if (string.IsNullOrWhiteSpace(error.Message)) throw new InvalidOperationException($"{error.Code} has no message.");
                if (error.Column == "Password" && error.Value is not null) throw new InvalidOperationException($"{error.Code} shows a password.");
                if (error.Row is < 1) throw new InvalidOperationException($"{error.Code} on row {error.Row}.");
            }
            if (result.IsValid)
            {
                // A valid file reads back as exactly its rows.
                var users = 0;
                var read = FileValidator.ReadUsersAsync(new MemoryStream(bytes), context, CancellationToken.None).GetAsyncEnumerator();
                while (read.MoveNextAsync().AsTask().GetAwaiter().GetResult()) users++;
                if (users != result.Rows) throw new InvalidOperationException($"Validated {result.Rows} rows but read {users} users.");
            }
        }
    }

    /// <summary>One username is taken on the platform; no email is.</summary>
    private sealed class Lookup : IUserLookup
    {
        public Task<IReadOnlySet<string>> FindTakenUsernamesAsync(IReadOnlyCollection<string> lowercased, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlySet<string>>(lowercased.Where(name => name == "taken").ToHashSet(StringComparer.Ordinal));

        public Task<IReadOnlySet<string>> FindTakenEmailsAsync(IReadOnlyCollection<string> lowercased, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlySet<string>>(new HashSet<string>(StringComparer.Ordinal));
    }
}

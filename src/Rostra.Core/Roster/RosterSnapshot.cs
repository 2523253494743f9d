using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Rostra.Core.Roster;

/// <summary>
/// The users of a district as a large update or sync compares its rows with them: read once, in one pass, each kept as
/// its id, version and a 128-bit fingerprint of exactly what <see cref="RosterPlanner.Plan"/> compares, keyed by a
/// 128-bit hash of its lower-cased username (about 64 bytes a user; a million users in about 64 MB, no names kept).
/// A row whose fingerprint equals its user's is unchanged without looking the user up; every other row is looked up
/// and planned field by field as before. Fingerprints that differ while the plan would find nothing changed (a school
/// id written in another case) only cost that look-up; equal fingerprints of different values would need a 128-bit
/// collision.
/// </summary>
public sealed class RosterSnapshot
{
    /// <summary>
    /// A user as the snapshot keeps it: <see cref="Member"/> when active and of the import's type (a sync deactivates it
    /// unless the file names it); <see cref="Print"/> is set only when it could also be unchanged (it has the import's program).
    /// </summary>
    private readonly record struct Entry(long Id, long Version, UInt128 Print, bool Member, bool CanBeUnchanged);

    private readonly Dictionary<UInt128, Entry> _users;
    private readonly UserType _type;
    private readonly string? _programId;
    private readonly Fingerprint _fingerprint = new();

    private RosterSnapshot(UserType type, string? programId, int capacity = 0)
    {
        _users = new Dictionary<UInt128, Entry>(capacity);
        _type = type;
        _programId = programId;
    }

    /// <summary>How many users it holds.</summary>
    public int Count => _users.Count;

    /// <summary>
    /// Reads the district's users (every type, active or not) for an import of <paramref name="type"/> giving
    /// <paramref name="programId"/>; <paramref name="expectedUsers"/>, when known, sizes it once.
    /// </summary>
    public static async Task<RosterSnapshot> LoadAsync(
        IRosterLookup roster, string districtId, UserType type, string? programId, CancellationToken cancellationToken, int expectedUsers = 0)
    {
        var snapshot = new RosterSnapshot(type, programId, expectedUsers);
        await foreach (var user in roster.ListDistrictUsersAsync(districtId, cancellationToken)) snapshot.Add(user);
        return snapshot;
    }

    /// <summary>A snapshot of <paramref name="users"/>, taken to be the district's.</summary>
    internal static RosterSnapshot Of(UserType type, string? programId, params IEnumerable<ExistingUser> users)
    {
        var snapshot = new RosterSnapshot(type, programId);
        foreach (var user in users) snapshot.Add(user);
        return snapshot;
    }

    private void Add(ExistingUser user)
    {
        var member = user.Active && user.UserType == _type;
        var canBeUnchanged = member && (_programId is null || user.ProgramIds.Contains(_programId, StringComparer.Ordinal));
        _users[KeyOf(user.Username.ToLowerInvariant())] =
            new Entry(user.Id, user.Version, canBeUnchanged ? _fingerprint.Of(user, _type) : default, member, canBeUnchanged);
    }

    /// <summary>How many active users of the import's type the district has.</summary>
    public int ActiveMembers => _users.Values.Count(e => e.Member);

    /// <summary>The ids of the active users of the import's type that are not in <paramref name="named"/>: whom a sync deactivates.</summary>
    public List<long> MembersNotIn(IReadOnlySet<long> named) => [.. _users.Values.Where(e => e.Member && !named.Contains(e.Id)).Select(e => e.Id)];

    /// <summary>
    /// Whether <paramref name="row"/> names a user of the district that it leaves exactly as it is (what
    /// <see cref="RosterPlanner.Plan"/> would plan as unchanged, with the user's spelling of the username): then the
    /// user's id and version. False means "look the user up", never "changed".
    /// </summary>
    public bool IsUnchanged(string usernameKey, NewUser row, Fingerprint fingerprint, out long id, out long version)
    {
        id = 0;
        version = 0;
        if (row.Password is not null || !_users.TryGetValue(KeyOf(usernameKey), out var entry) || !entry.CanBeUnchanged) return false;
        if (entry.Print != fingerprint.Of(row, _type)) return false;
        id = entry.Id;
        version = entry.Version;
        return true;
    }

    private static UInt128 KeyOf(string usernameKey) => XxHash128.HashToUInt128(MemoryMarshal.AsBytes(usernameKey.AsSpan()));

    /// <summary>
    /// The fingerprint of what the plan compares: the username as spelled, first and last name, the grade (as its
    /// grade, so <c>01</c> and <c>1</c> are one), the email, the set of school ids whatever their order or case, and for
    /// a school admin whether they teach. Blank and missing are one. Not thread-safe: one per thread.
    /// </summary>
    public sealed class Fingerprint
    {
        private readonly XxHash128 _hash = new();
        private readonly List<string> _schools = [];

        public UInt128 Of(ExistingUser user, UserType type)
        {
            int? grade = type == UserType.Student && user.Grade is not null && Grade.TryParse(user.Grade, out var g) ? g.Ordinal : null;
            return Of(user.Username, user.FirstName, user.LastName, grade, user.Email, user.SchoolIds,
                type == UserType.SchoolAdmin && user.Roles.Contains(Roles.Teacher, StringComparer.Ordinal));
        }

        public UInt128 Of(NewUser row, UserType type) =>
            Of(row.Username, row.FirstName, row.LastName, type == UserType.Student ? row.Grade?.Ordinal : null, row.Email, row.SchoolIds,
                type == UserType.SchoolAdmin && row.Roles.Contains(Roles.Teacher, StringComparer.Ordinal));

        private UInt128 Of(string username, string? first, string? last, int? grade, string? email, IReadOnlyList<string> schools, bool teaches)
        {
            _hash.Reset();
            Text(username);
            Text(first);
            Text(last);
            Number(grade ?? -1);
            Text(email);
            // The plan compares school lists as sets, ignoring case.
            _schools.Clear();
            foreach (var school in schools) _schools.Add(school.ToUpperInvariant());
            _schools.Sort(StringComparer.Ordinal);
            var distinct = 0;
            for (var i = 0; i < _schools.Count; i++)
            {
                if (i > 0 && string.Equals(_schools[i], _schools[i - 1], StringComparison.Ordinal)) continue;
                distinct++;
                Text(_schools[i]);
            }
            Number(distinct);
            Number(teaches ? 1 : 0);
            return _hash.GetCurrentHashAsUInt128();
        }

        private void Text(string? text)
        {
            // Blank is missing, as the plan compares them; each value is length-prefixed so no two lists run together.
            if (string.IsNullOrEmpty(text))
            {
                Number(-1);
                return;
            }
            Number(text.Length);
            _hash.Append(MemoryMarshal.AsBytes(text.AsSpan()));
        }

        private void Number(int value) => _hash.Append(MemoryMarshal.AsBytes(new ReadOnlySpan<int>(in value)));
    }
}

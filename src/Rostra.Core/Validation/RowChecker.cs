using Rostra.Core;
using Rostra.Core.Csv;
using Rostra.Core.Roster;

namespace Rostra.Core.Validation;

/// <summary>
/// Checks rows one at a time against the district's schools and the rows before them.
/// Platform-wide uniqueness is checked afterwards, a batch at a time, by <see cref="FileValidator"/>.
/// </summary>
internal sealed class RowChecker
{
    private readonly HeaderMap _header;
    private readonly string _districtId;
    private readonly UserType _type;
    private readonly bool _sso;
    // In update and sync a blank Password keeps an existing user's password; new users are checked after the look-up.
    private readonly bool _passwordRequired;
    private readonly Dictionary<string, School> _schools;
    private readonly Dictionary<string, string> _schoolsWithoutLeadingZeros;
    // The first row of each username and email seen so far: the one per-row state that grows with the file.
    private readonly FirstRowIndex _usernames = new();
    private readonly FirstRowIndex _emails = new();
    private readonly IReadOnlyList<Column> _template;

    public RowChecker(HeaderMap header, ValidationContext context)
    {
        _header = header;
        _districtId = context.District.Id;
        _type = context.UserType;
        _sso = context.District.UsesGoogleSso;
        _passwordRequired = !_sso && context.Mode == ImportMode.Create;
        _template = Templates.Columns(_type);
        _schools = new Dictionary<string, School>(StringComparer.OrdinalIgnoreCase);
        _schoolsWithoutLeadingZeros = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var school in context.Schools)
        {
            // A school of another district is unknown here (SPEC §4), whatever list the caller handed in.
            if (!string.Equals(school.DistrictId, context.District.Id, StringComparison.Ordinal)) continue;
            _schools[school.SchoolId] = school;
            _schoolsWithoutLeadingZeros.TryAdd(school.SchoolId.TrimStart('0'), school.SchoolId);
        }
    }

    /// <summary>The template position of a column, for sorting; -1 for issues about the whole row.</summary>
    public int Order(string? column)
    {
        if (column is null) return -1;
        for (var i = 0; i < _template.Count; i++)
        {
            if (_template[i].HeaderName() == column) return i;
        }
        return _template.Count;
    }

    public string? Value(CsvRecord record, Column column)
    {
        var i = _header.IndexOf(column);
        if (i < 0) return null;
        var raw = record.Fields[i];
        return column == Column.Password ? raw : CsvExport.Restore(raw.Trim());
    }

    /// <summary>
    /// Checks one non-blank record with the right field count. Adds its errors to <paramref name="errors"/> and
    /// returns the lower-cased username and email that still need the platform-wide check (null when not).
    /// </summary>
    public (string? Username, string? Email) Check(CsvRecord record, List<ImportIssue> errors)
    {
        var row = record.Row;
        string? usernameToCheck = null, emailToCheck = null;
        if (record.DateFields is { } dates)
        {
            // A date is no value of any column: report it as shown, and leave its column's other checks out.
            foreach (var column in _template)
            {
                var i = _header.IndexOf(column);
                if (i >= 0 && Array.IndexOf(dates, i) >= 0) errors.Add(Issues.FieldDate(row, column, record.Fields[i]));
            }
            if (errors.Count > 0) return (null, null);
        }

        var first = Value(record, Column.FirstName);
        Text(row, Column.FirstName, first, required: true, errors);
        var last = Value(record, Column.LastName);
        Text(row, Column.LastName, last, required: _type == UserType.Student, errors);

        var username = Value(record, Column.Username);
        if (Text(row, Column.Username, username, required: true, errors))
        {
            if (!IsValidUsername(username!)) errors.Add(Issues.UsernameInvalid(row, username!));
            else
            {
                var key = username!.ToLowerInvariant();
                if (!_usernames.TryAdd(key, row, out var firstRow)) errors.Add(Issues.UsernameDuplicate(row, username, firstRow));
                else usernameToCheck = key;
            }
        }

        var password = Value(record, Column.Password);
        if (Text(row, Column.Password, password, required: _passwordRequired, errors))
        {
            var minimum = _type == UserType.Student ? 8 : 12;
            if (password!.Length < minimum) errors.Add(Issues.PasswordTooShort(row, _type, minimum));
            var lacking = Lacking(password);
            if (lacking.Count > 0) errors.Add(Issues.PasswordComplexity(row, lacking));
        }

        if (_type == UserType.Student)
        {
            var grade = Value(record, Column.Grade);
            Grade? parsed = null;
            if (Text(row, Column.Grade, grade, required: true, errors))
            {
                if (Grade.TryParse(grade, out var g)) parsed = g;
                else errors.Add(Issues.GradeInvalid(row, grade!));
            }
            CheckSchools(record, parsed, errors);
        }

        var email = Value(record, Column.Email);
        var emailRequired = _type != UserType.Student;
        if (_type == UserType.Student && _sso && string.IsNullOrEmpty(email))
        {
            errors.Add(Issues.EmailRequiredForSso(row));
        }
        else if (Text(row, Column.Email, email, emailRequired, errors))
        {
            if (!IsValidEmail(email!)) errors.Add(Issues.EmailInvalid(row, email!));
            else
            {
                var key = email!.ToLowerInvariant();
                if (!_emails.TryAdd(key, row, out var firstRow)) errors.Add(Issues.EmailDuplicate(row, email, firstRow));
                else emailToCheck = key;
            }
        }

        if (_type != UserType.Student) CheckSchools(record, null, errors);

        if (_type == UserType.SchoolAdmin)
        {
            var role = Value(record, Column.TeacherRole);
            if (Text(row, Column.TeacherRole, role, required: false, errors) && !TryParseTeacherRole(role, out _))
                errors.Add(Issues.TeacherRoleInvalid(row, role!));
        }

        return (usernameToCheck, emailToCheck);
    }

    /// <summary>
    /// Adds a <c>field.replaced_characters</c> warning for each of First and Last Name that holds a <c>?</c>: what a
    /// spreadsheet writes for a letter its character set cannot hold. Never about Password, where <c>?</c> is ordinary.
    /// </summary>
    public void CheckReplacedCharacters(CsvRecord record, List<ImportIssue> warnings)
    {
        foreach (var column in (ReadOnlySpan<Column>)[Column.FirstName, Column.LastName])
        {
            var value = Value(record, column);
            if (value is not null && value.Contains('?', StringComparison.Ordinal))
                warnings.Add(Issues.FieldReplacedCharacters(record.Row, column, value));
        }
    }

    /// <summary>True when a new user of this file needs a Password (the district does not sign in with SSO).</summary>
    public bool NewUsersNeedPassword => !_sso;

    /// <summary>True when the lower-cased username is on a row of the file read so far.</summary>
    public bool HasUsername(string key) => _usernames.Contains(key);

    /// <summary>The user of a record that passed <see cref="Check"/> with no errors. Password as written, null when blank.</summary>
    public NewUser ReadUser(CsvRecord record)
    {
        var roles = new List<string>(2) { _type.Role() };
        if (_type == UserType.SchoolAdmin && TryParseTeacherRole(Value(record, Column.TeacherRole), out var teacher) && teacher)
            roles.Add(Roles.Teacher);
        Grade? grade = _type == UserType.Student && Grade.TryParse(Value(record, Column.Grade), out var g) ? g : null;
        var password = Value(record, Column.Password);
        return new NewUser(
            _districtId,
            Value(record, Column.Username)!,
            Value(record, Column.FirstName)!,
            NullIfEmpty(Value(record, Column.LastName)),
            NullIfEmpty(Value(record, Column.Email)),
            roles,
            grade,
            CanonicalSchoolIds(Value(record, Column.SchoolId) ?? ""),
            [],
            string.IsNullOrEmpty(password) ? null : new Secret.Plain(password),
            record.Row);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private void CheckSchools(CsvRecord record, Grade? grade, List<ImportIssue> errors)
    {
        var row = record.Row;
        var text = Value(record, Column.SchoolId);
        if (!Text(row, Column.SchoolId, text, required: true, errors)) return;
        if (!text!.Contains(',', StringComparison.Ordinal))
        {
            // One School ID, the common case: no splitting, no sets.
            CheckSchool(row, text, grade, errors);
            return;
        }
        var ids = SplitSchoolIds(text);
        if (ids.Count == 0)
        {
            errors.Add(Issues.FieldRequired(row, Column.SchoolId));
            return;
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var reported = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var id in ids)
        {
            if (!seen.Add(id))
            {
                if (reported.Add(id)) errors.Add(Issues.SchoolDuplicate(row, id));
                continue;
            }
            CheckSchool(row, id, grade, errors);
        }
    }

    private void CheckSchool(int row, string id, Grade? grade, List<ImportIssue> errors)
    {
        if (_schools.TryGetValue(id, out var school))
        {
            if (grade is { } g && !school.Grades.Contains(g)) errors.Add(Issues.GradeNotOffered(row, g, school));
        }
        else
        {
            _schoolsWithoutLeadingZeros.TryGetValue(id.TrimStart('0'), out var match);
            errors.Add(Issues.SchoolUnknown(row, id, match));
        }
    }

    /// <summary>The School IDs of a cell, canonical as the district stores them where known.</summary>
    public IReadOnlyList<string> CanonicalSchoolIds(string text)
    {
        if (!text.Contains(',', StringComparison.Ordinal))
        {
            // One School ID, the common case: no splitting.
            var id = text.Trim();
            if (id.Length == 0) return [];
            return [_schools.TryGetValue(id, out var one) ? one.SchoolId : id];
        }
        var result = new List<string>();
        foreach (var id in SplitSchoolIds(text))
        {
            var canonical = _schools.TryGetValue(id, out var school) ? school.SchoolId : id;
            if (!result.Contains(canonical, StringComparer.OrdinalIgnoreCase)) result.Add(canonical);
        }
        return result;
    }

    internal static List<string> SplitSchoolIds(string text) =>
        [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>
    /// The checks every value goes through: control characters, length, presence. True when the value is present
    /// and passed them, so format checks may follow.
    /// </summary>
    private static bool Text(int row, Column column, string? value, bool required, List<ImportIssue> errors)
    {
        if (string.IsNullOrEmpty(value) || (column != Column.Password && string.IsNullOrWhiteSpace(value)))
        {
            if (required) errors.Add(Issues.FieldRequired(row, column));
            return false;
        }
        foreach (var ch in value)
        {
            if (char.IsControl(ch))
            {
                errors.Add(Issues.FieldInvalidCharacters(row, column, value));
                return false;
            }
        }
        if (value.Length > Issues.MaxLength(column) && column is not (Column.Grade or Column.SchoolId or Column.TeacherRole))
        {
            errors.Add(Issues.FieldTooLong(row, column, value));
            return false;
        }
        return true;
    }

    internal static bool IsValidUsername(string value)
    {
        if (value.Length is < 3 or > 64) return false;
        foreach (var ch in value)
        {
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '-' or '@')) return false;
        }
        return true;
    }

    internal static bool IsValidEmail(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != value.LastIndexOf('@') || at > 64) return false;
        var local = value.AsSpan(0, at);
        var domain = value.AsSpan(at + 1);
        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal)) return false;
        foreach (var ch in local)
        {
            if (!(char.IsLetterOrDigit(ch) || "!#$%&'*+/=?^_`{|}~.-".Contains(ch, StringComparison.Ordinal))) return false;
        }
        if (domain.Length is < 3 or > 253) return false;
        var labels = 0;
        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return false;
            foreach (var ch in label)
            {
                if (!(char.IsLetterOrDigit(ch) || ch == '-')) return false;
            }
            labels++;
        }
        var tld = domain[(domain.LastIndexOf('.') + 1)..];
        return labels >= 2 && tld.Length >= 2 && !char.IsAsciiDigit(tld[0]);
    }

    internal static IReadOnlyList<string> Lacking(string password)
    {
        bool upper = false, lower = false, digit = false, special = false;
        foreach (var ch in password)
        {
            if (char.IsUpper(ch)) upper = true;
            else if (char.IsLower(ch)) lower = true;
            else if (char.IsDigit(ch)) digit = true;
            else if (!char.IsLetter(ch)) special = true;
        }
        if (upper && lower && digit && special) return [];
        var lacking = new List<string>(4);
        if (!upper) lacking.Add("an uppercase letter");
        if (!lower) lacking.Add("a lowercase letter");
        if (!digit) lacking.Add("a digit");
        if (!special) lacking.Add("a special character such as ! # or $");
        return lacking;
    }

    internal static bool TryParseTeacherRole(string? value, out bool teacher)
    {
        switch (value?.Trim().ToUpperInvariant())
        {
            case null or "" or "N" or "NO": teacher = false; return true;
            case "Y" or "YES": teacher = true; return true;
            default: teacher = false; return false;
        }
    }
}

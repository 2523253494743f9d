using System.Globalization;
using System.Text;
using Rostra.Core;
using Rostra.Core.Passwords;
using Rostra.Storage;

namespace Rostra.TestSupport;

/// <summary>
/// The test district: one program, two schools (K-5 and 6-8), a district admin and a teacher, each with an API token,
/// all named with a suffix of its own so tests on one database never share rows. Also the files to upload into it.
/// </summary>
public sealed record TestDistrict(
    string Id,
    string Name,
    string ProgramId,
    string ElementarySchool,
    string MiddleSchool,
    string Admin,
    string AdminToken,
    string Teacher,
    string TeacherToken,
    string Suffix)
{
    /// <summary>The password of the admin and the teacher.</summary>
    public const string Password = "Admin-Password-1!";

    public const string ProgramName = "Reading Plus";

    private static readonly PasswordHasher Hasher = new(PasswordHashOptions.Fast);

    /// <summary>Adds a new test district to <paramref name="store"/>.</summary>
    public static async Task<TestDistrict> CreateAsync(
        IRostraStore store, string rosterSync = RosterSync.None, string sso = Sso.None, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var id = $"d-{suffix}";
        var name = $"Lincoln Unified {suffix}";
        await store.AddDistrictAsync(new District(id, name, rosterSync, sso), cancellationToken);
        await store.AddProgramAsync(new DistrictProgram(id, "reading", ProgramName), cancellationToken);
        var elementary = $"E{suffix}";
        var middle = $"M{suffix}";
        await store.AddSchoolAsync(new School(elementary, id, "Lincoln Elementary", GradeSet.Parse("K-5")), cancellationToken);
        await store.AddSchoolAsync(new School(middle, id, "Oak Middle", GradeSet.Parse("6-8")), cancellationToken);
        var hash = Hasher.Hash(Password);
        var admin = $"admin.{suffix}";
        var adminId = await store.AddUserAsync(
            new NewUser(id, admin, "Dana", "Admin", null, [Roles.DistrictAdmin], null, [], ["reading"], new Secret.Hash(hash)), cancellationToken);
        var (adminToken, adminTokenHash) = ApiTokens.Create();
        await store.AddTokenAsync(adminId, adminTokenHash, cancellationToken);
        var teacher = $"teacher.{suffix}";
        var teacherId = await store.AddUserAsync(
            new NewUser(id, teacher, "Terry", "Teacher", null, [Roles.Teacher], null, [elementary], ["reading"], new Secret.Hash(hash)), cancellationToken);
        var (teacherToken, teacherTokenHash) = ApiTokens.Create();
        await store.AddTokenAsync(teacherId, teacherTokenHash, cancellationToken);
        return new TestDistrict(id, name, "reading", elementary, middle, admin, adminToken, teacher, teacherToken, suffix);
    }

    public static string StudentHeader => TestTemplates.StudentHeader;

    public static string TeacherHeader => TestTemplates.TeacherHeader;

    /// <summary>A valid student file of <paramref name="count"/> rows: Student1 … with usernames <c>{prefix}1.{suffix}</c> ….</summary>
    public string Students(int count, string prefix = "s")
    {
        var csv = new StringBuilder(StudentHeader).Append("\r\n");
        for (var i = 1; i <= count; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"Student{i},Lopez,{prefix}{i}.{Suffix},Secret-Pass{i}!,{1 + (i % 5)},{ElementarySchool},\r\n");
        }
        return csv.ToString();
    }

    /// <summary>Three students, two of them with mistakes: a grade the school does not offer (row 3), an unknown school (row 4).</summary>
    public string StudentsWithErrors() =>
        StudentHeader + "\r\n" +
        $"Ana,Lopez,ana.{Suffix},Secret-Pass1!,3,{ElementarySchool},\r\n" +
        $"Ben,Ng,ben.{Suffix},Secret-Pass1!,7,{ElementarySchool},\r\n" +
        $"Cy,Park,cy.{Suffix},Secret-Pass1!,4,NOPE,\r\n";

    /// <summary>The same three students, fixed.</summary>
    public string StudentsFixed() =>
        StudentHeader + "\r\n" +
        $"Ana,Lopez,ana.{Suffix},Secret-Pass1!,3,{ElementarySchool},\r\n" +
        $"Ben,Ng,ben.{Suffix},Secret-Pass1!,7,{MiddleSchool},\r\n" +
        $"Cy,Park,cy.{Suffix},Secret-Pass1!,4,{ElementarySchool},\r\n";

    /// <summary>One valid teacher.</summary>
    public string Teachers() =>
        TeacherHeader + "\r\n" + $"Tia,Ng,tia.{Suffix},Teacher-Pass-12!,tia.{Suffix}@example.org,{ElementarySchool}\r\n";
}

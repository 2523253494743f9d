using Rostra.Core;

namespace Rostra.TestSupport;

/// <summary>
/// The template header rows, taken from the product (<see cref="Templates"/>), so a test file always starts the way
/// a downloaded template does. Tests of the template text itself spell it out instead.
/// </summary>
public static class TestTemplates
{
    public static string StudentHeader { get; } = Templates.HeaderLine(UserType.Student);

    public static string TeacherHeader { get; } = Templates.HeaderLine(UserType.Teacher);

    public static string SchoolAdminHeader { get; } = Templates.HeaderLine(UserType.SchoolAdmin);

    public static string Header(UserType type) => Templates.HeaderLine(type);
}

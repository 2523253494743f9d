using System.Text;
using Rostra.Core.Csv;

namespace Rostra.Core.Tests.Corpus;

/// <summary>
/// The committed files of <c>Corpus/</c>, written by LibreOffice Calc from the typed sheets of <c>Corpus/source</c>
/// (see <c>Corpus/generate.sh</c>), and the names as they were typed.
/// </summary>
internal static class CorpusFiles
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "Corpus");

    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Folder, name));

    /// <summary>The typed students of <c>source/students.csv</c>: (first name, last name), in row order from row 2.</summary>
    public static IReadOnlyList<(string First, string Last)> TypedStudents { get; } = Typed("students.csv");

    public static IReadOnlyList<(string First, string Last)> Typed(string source)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder, "source", source));
        using var stream = new MemoryStream(bytes);
        var format = CsvFile.Detect(stream);
        return [.. CsvFile.ReadRecords(stream, format).Skip(1).Select(r => (r.Fields[0], r.Fields[1]))];
    }

    /// <summary>
    /// What each character set does to the typed names that it cannot hold, as the spreadsheet wrote it: a "?" per lost
    /// letter; code page 850 also turns the typographic apostrophe and dash into their ASCII look-alikes (not letters).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Written(int codePage) => codePage switch
    {
        1252 => new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Nguyễn"] = "Nguy?n", ["Trần"] = "Tr?n", ["Wałęsa"] = "Wa??sa", ["Thảo"] = "Th?o", ["Phạm"] = "Ph?m",
        },
        10000 => new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Nguyễn"] = "Nguy?n", ["Trần"] = "Tr?n", ["Wałęsa"] = "Wa??sa", ["Šimon"] = "?imon", ["Žák"] = "?ák",
        },
        850 => new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Nguyễn"] = "Nguy?n", ["Trần"] = "Tr?n", ["Wałęsa"] = "Wa??sa", ["Šimon"] = "?imon", ["Žák"] = "?ák",
            ["O’Brien"] = "O'Brien", ["Smith–Jones"] = "Smith-Jones",
        },
        _ => new Dictionary<string, string>(StringComparer.Ordinal),
    };

    public static string Expected(string typed, int codePage) => Written(codePage).GetValueOrDefault(typed, typed);

    static CorpusFiles() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
}

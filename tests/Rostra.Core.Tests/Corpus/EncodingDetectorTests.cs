using System.Text;
using Rostra.Core.Csv;
using Rostra.Core.Validation;
using Xunit.Abstractions;
using static Rostra.Core.Tests.TestFiles;

namespace Rostra.Core.Tests.Corpus;

/// <summary>
/// The 8-bit character set detector on generated files: typed names from many languages, in capitals or not, with
/// passwords full of symbols, saved in each character set a spreadsheet writes (letters it cannot hold become "?").
/// No file is ever read with a letter other than typed, and no Windows-1252 file is refused.
/// </summary>
public sealed class EncodingDetectorTests(ITestOutputHelper output)
{
    private static readonly string[] Names =
    [
        "José Núñez", "Zoë Brontë", "Sofía Muñoz", "François Lefèvre", "Björn Ødegård", "Günther Strauß", "Chloé O’Brien",
        "Renée Smith–Jones", "Åsa Öberg", "Jürgen Müller", "Inês Conceição", "João Gonçalves", "Agnès Pérez", "Ángel Álvarez",
        "Émile Zola", "Ünal Çelik", "Mäkelä Järvinen", "Ève Lefèbvre", "Íñigo Ibáñez", "Óscar Núñez", "Úrsula Díaz", "Zoé Noël",
        "Anaïs Bérénice", "Maël Lœvenbruck", "Søren Kierkegaard", "Ðorđe Nguyễn", "Lech Wałęsa", "Šimon Žák", "Øyvind Åsheim",
        "JOSÉ NÚÑEZ", "ZOË BRONTË", "ÅSA ÖBERG", "D’Angelo Ruíz", "Ana Lee", "Mia Chen", "Noah Smith", "Ñandú Peña", "Ümit Öz",
    ];

    private const string PasswordSymbols = "!#$%&*+-=?@^~§£€¤°±µ¶¿¡äöüßéÆøÅ©®";

    public static TheoryData<int> CodePages => [1252, 10000, 850];

    [Theory]
    [MemberData(nameof(CodePages))]
    public async Task Generated_files_are_read_with_the_letters_typed_or_refused_and_windows_1252_is_never_refused(int codePage)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var encoding = Encoding.GetEncoding(codePage, new EncoderReplacementFallback("?"), DecoderFallback.ReplacementFallback);
        var random = new Random(20261202 + codePage);
        int files = 1000, refused = 0;
        for (var f = 0; f < files; f++)
        {
            var rows = random.Next(1, 12);
            var typed = new List<(string First, string Last)>();
            var text = new StringBuilder(StudentHeader).Append("\r\n");
            for (var r = 0; r < rows; r++)
            {
                var name = Names[random.Next(Names.Length)].Split(' ');
                typed.Add((name[0], name[1]));
                var password = new string([.. Enumerable.Range(0, 10).Select(_ => random.Next(3) == 0 ? PasswordSymbols[random.Next(PasswordSymbols.Length)] : (char)random.Next('a', 'z' + 1))]) + "A1#";
                text.Append(Line(name[0], name[1], $"user{r}", password, "3", "1001", "")).Append("\r\n");
            }
            var bytes = encoding.GetBytes(text.ToString());

            using var stream = new MemoryStream(bytes);
            CsvFormat format;
            try
            {
                format = CsvFile.Detect(stream);
            }
            catch (CsvFileException e) when (e.Issue.Code == IssueCodes.FileEncodingUnknown)
            {
                Assert.NotEqual(1252, codePage);
                refused++;
                continue;
            }
            List<(string, string)> read = [.. CsvFile.ReadRecords(stream, format).Skip(1).Select(x => (x.Fields[0], x.Fields[1]))];
            // What was written: the typed names with "?" for the letters the character set could not hold.
            List<(string, string)> written = [.. typed.Select(t => (encoding.GetString(encoding.GetBytes(t.First)), encoding.GetString(encoding.GetBytes(t.Last))))];
            // Known limit: MS-DOS text and Windows-1252 both have capitals where the other has capitals ("ZOË" is
            // "ZOÓ", "Ðorđe" is "Ñor?e"), and Windows-1252 is the fallback: a name whose only accented letters are
            // capitals may read as other capitals. Such a file still gets the encoding warning to check the names.
            if (codePage == 850) (written, read) = (CapitalsOnly(written), CapitalsOnly(read));
            Assert.Equal(written, read);
        }
        output.WriteLine($"code page {codePage}: {files} files, {refused} refused");
        // Refusing is the safe answer, but not the usual one: most Mac and MS-DOS files are recognised.
        Assert.True(refused < files / 10, $"{refused} of {files} refused");
    }

    [Theory]
    [MemberData(nameof(CodePages))]
    public void Files_of_utf8_rows_mixed_with_8_bit_rows_are_refused_and_never_read_with_other_letters(int codePage)
    {
        // Rows pasted together from two sources: some written as UTF-8, some in an 8-bit set, so the file as a whole
        // is not valid UTF-8. Whatever the detector picks, no name may come out other than typed. (Passwords are not
        // judged: any character is ordinary there, so their bytes tell nothing of the character set.)
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var eightBit = Encoding.GetEncoding(codePage, new EncoderReplacementFallback("?"), DecoderFallback.ReplacementFallback);
        var random = new Random(20261203 + codePage);
        int files = 1000, refused = 0;
        for (var f = 0; f < files; f++)
        {
            var rows = random.Next(2, 12);
            var bytes = new List<byte>(Encoding.UTF8.GetBytes(StudentHeader + "\r\n"));
            var typed = new List<(string First, string Last)>();
            var utf8Rows = 0;
            var eightBitRows = 0;
            for (var r = 0; r < rows; r++)
            {
                var name = Names[random.Next(Names.Length)].Split(' ');
                var password = new string([.. Enumerable.Range(0, 8).Select(_ => random.Next(3) == 0 ? PasswordSymbols[random.Next(PasswordSymbols.Length)] : (char)random.Next('a', 'z' + 1))]) + "A1#";
                // The last row makes sure both kinds are present.
                var asUtf8 = r == rows - 1 ? eightBitRows > 0 && utf8Rows == 0 : random.Next(2) == 0;
                var encoding = asUtf8 ? Encoding.UTF8 : eightBit;
                if (asUtf8) utf8Rows++; else eightBitRows++;
                var line = Line(name[0], name[1], $"user{r}", password, "3", "1001", "") + "\r\n";
                bytes.AddRange(encoding.GetBytes(line));
                typed.Add((Written(encoding, name[0]), Written(encoding, name[1])));
            }
            byte[] file = [.. bytes];
            if (System.Text.Unicode.Utf8.IsValid(file)) continue;
            using var stream = new MemoryStream(file);
            CsvFormat format;
            try
            {
                format = CsvFile.Detect(stream);
            }
            catch (CsvFileException e) when (e.Issue.Code == IssueCodes.FileEncodingUnknown)
            {
                refused++;
                continue;
            }
            var read = CsvFile.ReadRecords(stream, format).Skip(1).Select(x => (x.Fields[0], x.Fields[1])).ToList();
            Assert.Equal(typed, read);
        }
        output.WriteLine($"code page {codePage} mixed with UTF-8: {files} files, {refused} refused");
    }

    private static string Written(Encoding encoding, string text) => encoding.GetString(encoding.GetBytes(text));

    private static List<(string, string)> CapitalsOnly(List<(string First, string Last)> names) =>
        [.. names.Select(n => (Mask(n.First), Mask(n.Last)))];

    private static string Mask(string name) =>
        name.Where(c => c > 127 && char.IsLetter(c)).All(char.IsUpper) ? new string([.. name.Select(c => c > 127 ? '*' : c)]) : name;

    [Theory]
    [InlineData('s', 'é', ' ', SingleByteEncodings.Reading.Fit)]
    [InlineData(' ', 'Ø', 'd', SingleByteEncodings.Reading.Fit)]
    [InlineData('s', 'Ž', ' ', SingleByteEncodings.Reading.Misfit)]
    [InlineData('y', 'á', 'A', SingleByteEncodings.Reading.Misfit)]
    [InlineData('o', '‘', ' ', SingleByteEncodings.Reading.Misfit)]
    [InlineData('O', '’', 'B', SingleByteEncodings.Reading.Neutral)]
    [InlineData('u', '’', 'z', SingleByteEncodings.Reading.Doubt)]
    [InlineData('S', '\u00A0', 'n', SingleByteEncodings.Reading.Doubt)]
    [InlineData('h', '–', 'J', SingleByteEncodings.Reading.Neutral)]
    [InlineData(' ', '…', 'd', SingleByteEncodings.Reading.Misfit)]
    [InlineData('u', 'ƒ', 'n', SingleByteEncodings.Reading.Misfit)]
    [InlineData('s', '\u0081', 'e', SingleByteEncodings.Reading.Misfit)]
    [InlineData(' ', 'ç', 'n', SingleByteEncodings.Reading.Doubt)]
    internal void A_character_reads_by_its_neighbours(char previous, char ch, char next, SingleByteEncodings.Reading reading)
    {
        Assert.Equal(reading, SingleByteEncodings.Read(previous, ch, next));
    }
}

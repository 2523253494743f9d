using System.Text;
using Rostra.Core.Csv;
using Rostra.Core;
using Rostra.Core.Validation;

namespace Rostra.Core.Tests.Csv;

public sealed class CsvFileTests
{
    [Theory]
    [InlineData("First Name,Last Name,Username", ',')]
    [InlineData("First Name;Last Name;Username", ';')]
    [InlineData("First Name\tLast Name\tUsername", '\t')]
    [InlineData("First Name", ',')]
    [InlineData("", ',')]
    [InlineData("\"A;B;C\",D,E", ',')]
    [InlineData("\"A,B,C\";D;E", ';')]
    [InlineData("A,B;C", ',')]
    public void Detects_the_delimiter_from_the_header_line_outside_quotes(string header, char delimiter)
    {
        Assert.Equal(delimiter, CsvFile.DetectDelimiter(header));
    }

    [Fact]
    public void Leaves_the_stream_at_its_start_after_detection()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("A;B\r\n1;2\r\n"));
        stream.Position = 3;

        var format = CsvFile.Detect(stream);

        Assert.Equal(0, stream.Position);
        Assert.Equal(';', format.Delimiter);
        Assert.False(format.IsFallback);
        Assert.Equal(0, format.PreambleLength);
    }

    [Theory]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'A' }, 3, "utf-8")]
    [InlineData(new byte[] { 0xFF, 0xFE, (byte)'A', 0 }, 2, "utf-16")]
    [InlineData(new byte[] { 0xFE, 0xFF, 0, (byte)'A' }, 2, "utf-16BE")]
    [InlineData(new byte[] { (byte)'A', 0xE9 }, 0, "Windows-1252")]
    public void Honours_byte_order_marks_and_falls_back_to_windows_1252(byte[] bytes, int preamble, string webName)
    {
        var format = CsvFile.Detect(new MemoryStream(bytes));

        Assert.Equal(preamble, format.PreambleLength);
        Assert.Equal(webName, format.Encoding.WebName, ignoreCase: true);
        Assert.Equal(webName == "Windows-1252", format.IsFallback);
    }

    [Fact]
    public void Reads_a_truncated_utf8_sequence_at_the_end_as_windows_1252()
    {
        var format = CsvFile.Detect(new MemoryStream([(byte)'A', (byte)',', 0xE2, 0x82]));

        Assert.True(format.IsFallback);
    }

    [Fact]
    public void Throws_the_issue_to_report_for_empty_and_binary_files()
    {
        var empty = Assert.Throws<CsvFileException>(() => CsvFile.Detect(new MemoryStream([])));
        var binary = Assert.Throws<CsvFileException>(() => CsvFile.Detect(new MemoryStream([(byte)'A', 0, (byte)'B'])));
        var utf16Nul = Assert.Throws<CsvFileException>(() => CsvFile.Detect(new MemoryStream([0xFF, 0xFE, (byte)'A', 0, 0, 0])));

        Assert.Equal(IssueCodes.FileEmpty, empty.Issue.Code);
        Assert.Equal(IssueCodes.FileNotCsv, binary.Issue.Code);
        Assert.Equal(IssueCodes.FileNotCsv, utf16Nul.Issue.Code);
    }

    [Fact]
    public void Refuses_a_stream_it_cannot_read_twice()
    {
        using var pipe = new NonSeekableStream(Encoding.UTF8.GetBytes("A,B\r\n"));

        Assert.Throws<ArgumentException>(() => CsvFile.Detect(pipe));
    }

    [Fact]
    public void Returns_the_header_first_and_blank_records_so_numbering_stays_right()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("A,B\r\n,\r\n\r\n\"x\r\ny\",2\r\n3,4"));
        var format = CsvFile.Detect(stream);

        var records = CsvFile.ReadRecords(stream, format).ToList();

        Assert.Equal([1, 2, 3, 4, 5], records.Select(r => r.Row));
        Assert.Equal(["A", "B"], records[0].Fields);
        Assert.True(records[1].IsBlank);
        Assert.True(records[2].IsBlank);
        Assert.Equal(["x\r\ny", "2"], records[3].Fields);
        Assert.False(records[3].IsBlank);
        Assert.Equal(["3", "4"], records[4].Fields);
    }

    [Fact]
    public void Treats_a_record_of_spaces_as_blank()
    {
        Assert.True(new CsvRecord(2, [" ", "", "\t"]).IsBlank);
        Assert.False(new CsvRecord(2, [" ", "x"]).IsBlank);
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

using BenchmarkDotNet.Attributes;
using nietras.SeparatedValues;
using Rostra.Benchmarks.Data;
using Rostra.Core;
using Rostra.Core.Csv;
using Rostra.Core.Validation;

namespace Rostra.Benchmarks.Micro;

/// <summary>
/// Reading and validating one generated file held in memory, against Sep reading every column of the same bytes:
/// the parse limit. Ratios say how much Rostra's reading and rules cost on top of parsing.
/// </summary>
[MemoryDiagnoser]
public class ReadingBenchmarks
{
    private byte[] _file = [];
    private ValidationContext _context = null!;

    [Params(UserType.Student, UserType.Teacher)]
    public UserType Type { get; set; }

    [Params(20_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var district = new SyntheticDistrict();
        const int existing = 20_000;
        using var stream = new MemoryStream();
        new FileGenerator(district).Write(new FileSpec(Type, Rows, ErrorShare: 0.01, Seed: 42, ExistingUsers: existing), stream);
        _file = stream.ToArray();
        var users = Enumerable.Range(0, existing).Select(k => district.ExistingUser(k, DistrictSeeder.PrecomputedHash)).ToList();
        _context = new ValidationContext(district.District, Type, district.Schools,
            new InMemoryUsers(users.Select(u => u.Username), users.Where(u => u.Email is not null).Select(u => u.Email!)), new ImportLimits());
    }

    /// <summary>Sep over the same bytes, unescaping and touching every column: what no reader can beat.</summary>
    [Benchmark(Baseline = true)]
    public long Sep_all_columns() => SepParse.CountChars(new MemoryStream(_file));

    [Benchmark]
    public int CsvFile_read_records()
    {
        using var stream = new MemoryStream(_file);
        var format = CsvFile.Detect(stream);
        var fields = 0;
        foreach (var record in CsvFile.ReadRecords(stream, format)) fields += record.Fields.Length;
        return fields;
    }

    [Benchmark]
    public async Task<int> FileValidator_validate()
    {
        using var stream = new MemoryStream(_file);
        var result = await FileValidator.ValidateAsync(stream, _context, null, CancellationToken.None);
        return result.Errors.Count;
    }
}

/// <summary>The parse baseline, shared by the micro benchmark and the child process of the end-to-end run.</summary>
internal static class SepParse
{
    /// <summary>Reads every record and every column (unescaped) and returns the number of characters seen.</summary>
    public static long CountChars(Stream stream)
    {
        using var reader = Sep.Reader(o => o with { HasHeader = false, Unescape = true, DisableColCountCheck = true, DisableFastFloat = true })
            .From(stream);
        long chars = 0;
        foreach (var row in reader)
        {
            for (var i = 0; i < row.ColCount; i++) chars += row[i].Span.Length;
        }
        return chars;
    }
}

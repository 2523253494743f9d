using System.Globalization;

namespace Rostra.Core;

/// <summary>
/// A grade level: PK, TK, K, 1 … 13, in that order. <see cref="Ordinal"/> is 0 for PK,
/// 1 for TK, 2 for K and n + 2 for grade n.
/// </summary>
public readonly record struct Grade : IComparable<Grade>
{
    public const int Count = 16;

    private Grade(int ordinal) => Ordinal = ordinal;

    public int Ordinal { get; }

    public static Grade FromOrdinal(int ordinal) =>
        ordinal is >= 0 and < Count ? new Grade(ordinal) : throw new ArgumentOutOfRangeException(nameof(ordinal));

    public static IEnumerable<Grade> All => Enumerable.Range(0, Count).Select(i => new Grade(i));

    /// <summary>Reads PK, TK, K or 1–13, case-insensitive, surrounding spaces ignored; <c>01</c> reads as 1.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Grade grade)
    {
        text = text.Trim();
        grade = default;
        if (text.Equals("PK", StringComparison.OrdinalIgnoreCase)) { grade = new Grade(0); return true; }
        if (text.Equals("TK", StringComparison.OrdinalIgnoreCase)) { grade = new Grade(1); return true; }
        if (text.Equals("K", StringComparison.OrdinalIgnoreCase)) { grade = new Grade(2); return true; }
        if (text.Length is 0 or > 3) return false;
        foreach (var ch in text)
        {
            if (!char.IsAsciiDigit(ch)) return false;
        }
        var n = int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        if (n is < 1 or > 13) return false;
        grade = new Grade(n + 2);
        return true;
    }

    public static Grade Parse(string text) =>
        TryParse(text, out var g) ? g : throw new FormatException($"'{text}' is not a grade (PK, TK, K, 1-13).");

    public int CompareTo(Grade other) => Ordinal.CompareTo(other.Ordinal);

    public static bool operator <(Grade a, Grade b) => a.Ordinal < b.Ordinal;
    public static bool operator >(Grade a, Grade b) => a.Ordinal > b.Ordinal;
    public static bool operator <=(Grade a, Grade b) => a.Ordinal <= b.Ordinal;
    public static bool operator >=(Grade a, Grade b) => a.Ordinal >= b.Ordinal;

    /// <summary>The canonical text: PK, TK, K, 1 … 13.</summary>
    public override string ToString() => Ordinal switch
    {
        0 => "PK",
        1 => "TK",
        2 => "K",
        _ => (Ordinal - 2).ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>The set of grades a school offers, written like <c>K-5</c>, <c>PK,TK,K-2</c> or <c>9-12</c>.</summary>
public readonly record struct GradeSet
{
    private GradeSet(int bits) => Bits = bits;

    /// <summary>One bit per grade ordinal.</summary>
    public int Bits { get; }

    public bool IsEmpty => Bits == 0;

    public bool Contains(Grade grade) => (Bits & (1 << grade.Ordinal)) != 0;

    public static GradeSet Of(IEnumerable<Grade> grades) => new(grades.Aggregate(0, (bits, g) => bits | (1 << g.Ordinal)));

    public IEnumerable<Grade> Grades => Grade.All.Where(Contains);

    /// <summary>Reads a list of grades and ranges separated by commas, e.g. <c>PK,TK,K-2</c>.</summary>
    public static bool TryParse(string? text, out GradeSet set)
    {
        set = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var bits = 0;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.Length == 0) return false;
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                if (!Grade.TryParse(part, out var g)) return false;
                bits |= 1 << g.Ordinal;
                continue;
            }
            if (!Grade.TryParse(part.AsSpan(0, dash), out var from) || !Grade.TryParse(part.AsSpan(dash + 1), out var to) || to < from)
                return false;
            for (var o = from.Ordinal; o <= to.Ordinal; o++) bits |= 1 << o;
        }
        set = new GradeSet(bits);
        return true;
    }

    public static GradeSet Parse(string text) =>
        TryParse(text, out var s) ? s : throw new FormatException($"'{text}' is not a list of grades such as K-5 or PK,TK,K-2.");

    /// <summary>The shortest text: consecutive grades as ranges, e.g. <c>PK-5</c> or <c>K,2-4</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        var o = 0;
        while (o < Grade.Count)
        {
            if ((Bits & (1 << o)) == 0) { o++; continue; }
            var start = o;
            while (o + 1 < Grade.Count && (Bits & (1 << (o + 1))) != 0) o++;
            var a = Grade.FromOrdinal(start);
            parts.Add(start == o ? a.ToString() : $"{a}-{Grade.FromOrdinal(o)}");
            o++;
        }
        return string.Join(',', parts);
    }
}

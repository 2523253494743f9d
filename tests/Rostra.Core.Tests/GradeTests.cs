namespace Rostra.Core.Tests;

public sealed class GradeTests
{
    [Fact]
    public void Lists_the_grades_in_order_from_prekindergarten_to_13()
    {
        Assert.Equal(
            ["PK", "TK", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"],
            Grade.All.Select(g => g.ToString()));
        Assert.True(Grade.Parse("PK") < Grade.Parse("TK"));
        Assert.True(Grade.Parse("K") < Grade.Parse("1"));
        Assert.True(Grade.Parse("9") < Grade.Parse("10"));
    }

    [Fact]
    public void Parses_every_grade_from_its_text()
    {
        foreach (var grade in Grade.All)
        {
            Assert.Equal(grade, Grade.Parse(grade.ToString()));
            Assert.Equal(grade, Grade.Parse(grade.ToString().ToLowerInvariant()));
        }
    }

    [Theory]
    [InlineData("k", "K")]
    [InlineData("pk", "PK")]
    [InlineData("Tk", "TK")]
    [InlineData("01", "1")]
    [InlineData("001", "1")]
    [InlineData("012", "12")]
    [InlineData(" 7 ", "7")]
    public void Reads_grades_the_way_people_write_them(string text, string canonical)
    {
        Assert.True(Grade.TryParse(text, out var grade));
        Assert.Equal(canonical, grade.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("0")]
    [InlineData("14")]
    [InlineData("0014")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1.0")]
    [InlineData("KG")]
    [InlineData("K-5")]
    [InlineData("١")]
    public void Rejects_what_is_not_a_grade(string text)
    {
        Assert.False(Grade.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Grade.Parse(text));
    }

    [Fact]
    public void Rejects_an_ordinal_outside_the_grades()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Grade.FromOrdinal(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Grade.FromOrdinal(Grade.Count));
        Assert.Equal("13", Grade.FromOrdinal(Grade.Count - 1).ToString());
    }

    [Theory]
    [InlineData("K-5", "K,1,2,3,4,5", "K-5")]
    [InlineData("PK,TK,K-2", "PK,TK,K,1,2", "PK-2")]
    [InlineData("9-12", "9,10,11,12", "9-12")]
    [InlineData("K", "K", "K")]
    [InlineData("k-5", "K,1,2,3,4,5", "K-5")]
    [InlineData("K, 2-4", "K,2,3,4", "K,2-4")]
    [InlineData("PK-13", "PK,TK,K,1,2,3,4,5,6,7,8,9,10,11,12,13", "PK-13")]
    [InlineData("6-8,1-3", "1,2,3,6,7,8", "1-3,6-8")]
    [InlineData("3,3,3", "3", "3")]
    [InlineData("5-5", "5", "5")]
    [InlineData("01-05", "1,2,3,4,5", "1-5")]
    public void Parses_grade_sets_and_writes_them_shortest(string text, string grades, string canonical)
    {
        var set = GradeSet.Parse(text);

        Assert.Equal(grades, string.Join(',', set.Grades));
        Assert.Equal(canonical, set.ToString());
        Assert.Equal(set, GradeSet.Parse(set.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(null)]
    [InlineData("K-")]
    [InlineData("-5")]
    [InlineData("5-1")]
    [InlineData("K-PK")]
    [InlineData("14")]
    [InlineData("K-14")]
    [InlineData("K,,5")]
    [InlineData("K,")]
    [InlineData("K-2-4")]
    [InlineData("Kindergarten")]
    public void Rejects_what_is_not_a_grade_set(string? text)
    {
        Assert.False(GradeSet.TryParse(text, out _));
        if (text is not null) Assert.Throws<FormatException>(() => GradeSet.Parse(text));
    }

    [Fact]
    public void Round_trips_every_set_of_grades_through_its_text()
    {
        for (var bits = 1; bits < 1 << Grade.Count; bits += 7)
        {
            var set = GradeSet.Of(Grade.All.Where(g => (bits & (1 << g.Ordinal)) != 0));

            Assert.Equal(bits, set.Bits);
            Assert.Equal(set, GradeSet.Parse(set.ToString()));
        }
    }

    [Fact]
    public void Tells_whether_a_set_contains_a_grade()
    {
        var set = GradeSet.Parse("PK,TK,K-2");

        Assert.True(set.Contains(Grade.Parse("TK")));
        Assert.True(set.Contains(Grade.Parse("2")));
        Assert.False(set.Contains(Grade.Parse("3")));
        Assert.False(set.IsEmpty);
        Assert.True(default(GradeSet).IsEmpty);
        Assert.Equal("", default(GradeSet).ToString());
    }
}

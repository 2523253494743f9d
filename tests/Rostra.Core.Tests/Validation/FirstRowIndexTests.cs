using CsCheck;
using Rostra.Core;
using Rostra.Core.Validation;

namespace Rostra.Core.Tests.Validation;

/// <summary>The compact first-row index behaves exactly like a dictionary of the same keys.</summary>
public sealed class FirstRowIndexTests
{
    [Fact]
    public void Remembers_the_first_row_of_every_key_like_a_dictionary()
    {
        var key = Gen.String[Gen.Char["abcé.@_-1"], 0, 12];
        Gen.Frequency((9, key), (1, Gen.String[Gen.Char["xyz"], 300, 2000])).List[0, 3000].SampleSeeded(keys =>
        {
            var index = new FirstRowIndex();
            var expected = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var row = 0; row < keys.Count; row++)
            {
                var added = index.TryAdd(keys[row], row, out var first);
                if (expected.TryGetValue(keys[row], out var seen))
                {
                    Assert.False(added);
                    Assert.Equal(seen, first);
                }
                else
                {
                    Assert.True(added);
                    expected.Add(keys[row], row);
                }
            }
            Assert.Equal(expected.Count, index.Count);
        }, iter: 200);
    }

    [Fact]
    public void Holds_more_keys_than_one_storage_chunk()
    {
        var index = new FirstRowIndex();
        for (var i = 0; i < 120_000; i++) Assert.True(index.TryAdd($"student.{i}@lincoln.example.org", i, out _));
        for (var i = 0; i < 120_000; i += 997)
        {
            Assert.False(index.TryAdd($"student.{i}@lincoln.example.org", -1, out var first));
            Assert.Equal(i, first);
        }
    }
}

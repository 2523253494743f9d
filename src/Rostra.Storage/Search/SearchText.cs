using System.Text;

namespace Rostra.Storage.Search;

/// <summary>
/// How names and searches are compared: lower case (A-Z), accents and other marks removed ("Sofía" → "sofia",
/// "Łukasz" → "lukasz", "Strauß" → "strauss"), typographic apostrophes made plain. The migrations 007_user_search
/// fold the stored names the same way in SQL; a store test checks every letter here against both databases.
/// </summary>
internal static class SearchText
{
    /// <summary>Accented letters (both cases) and, at the same index in <see cref="To"/>, what they fold to.</summary>
    internal const string From = "àáâãäåāăąǎÀÁÂÃÄÅĀĂĄǍçćĉċčÇĆĈĊČďđðĎĐÐèéêëēĕėęěÈÉÊËĒĔĖĘĚĝğġģĜĞĠĢĥħĤĦìíîïĩīĭįıǐÌÍÎÏĨĪĬĮİǏĵĴķĶĺļľŀłĹĻĽĿŁñńņňÑŃŅŇòóôõöøōŏőǒÒÓÔÕÖØŌŎŐǑŕŗřŔŖŘśŝşšșŚŜŞŠȘţťŧțŢŤŦȚùúûüũūŭůűųǔÙÚÛÜŨŪŬŮŰŲǓŵŴýÿŷÝŸŶźżžŹŻŽ’‘´";

    internal const string To = "aaaaaaaaaaaaaaaaaaaaccccccccccddddddeeeeeeeeeeeeeeeeeegggggggghhhhiiiiiiiiiiiiiiiiiiiijjkkllllllllllnnnnnnnnoooooooooooooooooooorrrrrrssssssssssttttttttuuuuuuuuuuuuuuuuuuuuuuwwyyyyyyzzzzzz'''";

    /// <summary>Letters that fold to two.</summary>
    internal static IReadOnlyDictionary<char, string> Multi { get; } = new Dictionary<char, string> { ['ß'] = "ss", ['æ'] = "ae", ['Æ'] = "ae", ['œ'] = "oe", ['Œ'] = "oe", ['þ'] = "th", ['Þ'] = "th" };

    /// <summary>Combining marks (a decomposed "é" is "e" and U+0301), dropped.</summary>
    internal static IReadOnlySet<char> Marks { get; } = new HashSet<char> { '\u0300', '\u0301', '\u0302', '\u0303', '\u0304', '\u0306', '\u0307', '\u0308', '\u030a', '\u030b', '\u030c', '\u0327', '\u0328' };

    /// <summary>The folded form of <paramref name="text"/>.</summary>
    public static string Fold(string text)
    {
        var folded = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is >= 'A' and <= 'Z')
            {
                folded.Append((char)(c + ('a' - 'A')));
            }
            else if (c < 128)
            {
                folded.Append(c);
            }
            else if (Marks.Contains(c))
            {
                continue;
            }
            else if (Multi.TryGetValue(c, out var two))
            {
                folded.Append(two);
            }
            else
            {
                var at = From.IndexOf(c, StringComparison.Ordinal);
                folded.Append(at >= 0 ? To[at] : c);
            }
        }
        return folded.ToString();
    }

    /// <summary>A search as typed, trimmed, with runs of spaces made one ("Ava  Garcia " → "Ava Garcia").</summary>
    public static string Normalize(string search) =>
        string.Join(' ', search.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>
    /// The upper end of a prefix range: every text that starts with <paramref name="prefix"/> sorts (bytewise, UTF-8)
    /// at or after it and before this.
    /// </summary>
    public static string PrefixEnd(string prefix) => prefix + "\U0010FFFF";
}

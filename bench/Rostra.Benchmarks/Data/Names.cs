using System.Globalization;
using System.Text;

namespace Rostra.Benchmarks.Data;

/// <summary>Names as a district's roster has them: accents, apostrophes, hyphens, a suffix that needs quoting.</summary>
internal static class Names
{
    public static readonly string[] First =
    [
        "Olivia", "Liam", "Emma", "Noah", "Amelia", "Mateo", "Sofía", "José", "María", "Zoë", "Chloé", "Renée",
        "François", "Siobhán", "Seán", "Aoife", "Björn", "Jürgen", "Łucja", "Nguyễn", "Thảo", "Minh", "Aiyana",
        "D'Andre", "De'Shawn", "Ja'Marcus", "Mary-Kate", "Jean-Luc", "Anne-Marie", "Élodie", "Inés", "Nicolás",
        "Ximena", "Camila", "Santiago", "Valentina", "Aarav", "Priya", "Saanvi", "Wei", "Yuki", "Hiroshi", "Fatima",
        "Omar", "Aaliyah", "Imani", "Kwame", "Chidi", "Ngozi", "Oluwaseun", "Ethan", "Ava", "Mia", "Lucas", "Isabella",
        "Harper", "Elijah", "Charlotte", "James", "Evelyn", "Benjamin", "Abigail", "Henry", "Emily", "Jack", "Ella",
    ];

    public static readonly string[] Last =
    [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "García", "Rodríguez", "Martínez", "Hernández", "López",
        "González", "Pérez", "Sánchez", "Ramírez", "Núñez", "Muñoz", "O'Brien", "O'Connor", "O'Neill", "D'Angelo",
        "D'Souza", "McDonald", "MacLeod", "Müller", "Schröder", "Gößmann", "Łukasiewicz", "Nowak", "Kowalski",
        "Nguyễn", "Trần", "Lê", "Phạm", "Kim", "Lee", "Park", "Chen", "Wang", "Li", "Zhang", "Patel", "Shah",
        "Okafor", "Adébáyọ̀", "Mensah", "Diallo", "Haddad", "Al-Sayed", "Smith-Jones", "Van der Berg", "De la Cruz",
        "St. John", "Lefèvre", "Côté", "Gagné", "Bélanger", "Ødegård", "Åberg", "Søren", "Washington", "Jefferson",
        "Smith, Jr.", "Brown, III",
    ];

    /// <summary>Letters of <paramref name="name"/> without their accents, lower-cased: what usernames are made of.</summary>
    public static string Ascii(string name)
    {
        var decomposed = name.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark) continue;
            var c = ch switch { 'ł' or 'Ł' => 'l', 'ø' or 'Ø' => 'o', 'ß' => 's', 'đ' or 'Đ' => 'd', _ => ch };
            if (char.IsAsciiLetter(c)) sb.Append(char.ToLowerInvariant(c));
        }
        return sb.Length == 0 ? "x" : sb.ToString();
    }
}

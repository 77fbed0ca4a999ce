using System.Text.RegularExpressions;

namespace OdooLatencyProxy.Collector;

/// <summary>Turns SQL text into something safe to publish: literals replaced by <c>?</c>, whitespace collapsed, length bounded.</summary>
internal static partial class SqlText
{
    /// <summary>Removes every literal from <paramref name="sql"/> and cuts it to <paramref name="maxLength"/> characters.</summary>
    public static string Normalize(string? sql, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(sql))
        {
            return "";
        }

        // Order matters: quoted strings first (they may contain digits or dollar signs), then numbers.
        var text = DollarQuoted().Replace(sql, "?");
        text = Quoted().Replace(text, "?");
        text = Number().Replace(text, "?");
        text = Whitespace().Replace(text, " ").Trim();
        // Long IN lists and VALUES rows would push the statement's shape out of the bounded text.
        text = ParameterList().Replace(text, "(?, ...)");
        if (text.Length > maxLength)
        {
            text = string.Concat(text.AsSpan(0, Math.Max(0, maxLength - 3)), "...");
        }

        return text;
    }

    // $tag$...$tag$ (an unterminated one, cut by track_activity_query_size, runs to the end).
    [GeneratedRegex(@"\$(?<tag>[A-Za-z_][A-Za-z_0-9]*)?\$.*?(?:\$\k<tag>\$|\z)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex DollarQuoted();

    // 'text' with '' escapes, E'..' / B'..' / X'..' / U&'..' prefixes; an unterminated literal runs to the end.
    [GeneratedRegex(@"(?:\b[EeBbXx]|\b[Uu]&)?'(?:[^'\\]|''|\\.)*(?:'|\z)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Quoted();

    // Numbers not part of an identifier or a $1 placeholder.
    [GeneratedRegex(@"(?<![\w$.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\b", RegexOptions.CultureInvariant)]
    private static partial Regex Number();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\((?:\s*(?:\?|\$\d+)\s*,){2,}\s*(?:\?|\$\d+)\s*\)", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterList();
}

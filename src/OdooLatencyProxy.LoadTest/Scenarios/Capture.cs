using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary>
/// A path into a JSON answer, a small subset of JSONPath: names joined by <c>.</c> and array indexes in brackets
/// (<c>result[0].id</c>, <c>result.res_id</c>, <c>result.records[-1].id</c>; a negative index counts from the end).
/// </summary>
internal sealed class CapturePath
{
    private readonly object[] _segments; // string: property; int: index

    private CapturePath(string text, object[] segments)
    {
        Text = text;
        _segments = segments;
    }

    /// <summary>The path as written.</summary>
    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> naming the problem.</summary>
    public static CapturePath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var segments = new List<object>();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '[')
            {
                var close = text.IndexOf(']', i);
                if (close < 0 || !int.TryParse(text.AsSpan(i + 1, close - i - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
                {
                    throw new FormatException($"capture path '{text}': expected [N] at {i}");
                }

                segments.Add(index);
                i = close + 1;
                continue;
            }

            if (text[i] == '.' && segments.Count > 0)
            {
                i++;
            }

            var start = i;
            while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
            {
                i++;
            }

            if (i == start)
            {
                throw new FormatException($"capture path '{text}': expected a name at {start}");
            }

            segments.Add(text[start..i]);
        }

        if (segments.Count == 0)
        {
            throw new FormatException("capture path is empty");
        }

        return new CapturePath(text, [.. segments]);
    }

    /// <summary>Reads the value at the path; false with a reason when it is missing, null or <c>false</c> (Odoo's "no value").</summary>
    public bool TryRead(JsonElement root, out TemplateValue value, out string error)
    {
        var node = root;
        var walked = new StringBuilder();
        foreach (var segment in _segments)
        {
            if (segment is string name)
            {
                if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(name, out var child))
                {
                    return Fail($"no '{name}' in {Describe(walked, node)}", out value, out error);
                }

                walked.Append(walked.Length == 0 ? "" : ".").Append(name);
                node = child;
            }
            else
            {
                var index = (int)segment;
                if (node.ValueKind != JsonValueKind.Array)
                {
                    return Fail($"{Describe(walked, node)} is not a list", out value, out error);
                }

                var length = node.GetArrayLength();
                var at = index < 0 ? length + index : index;
                if (at < 0 || at >= length)
                {
                    return Fail($"{Describe(walked, node)} has {length} item(s), no [{index}]", out value, out error);
                }

                walked.Append(CultureInfo.InvariantCulture, $"[{index}]");
                node = node[at];
            }
        }

        if (node.ValueKind is JsonValueKind.Null or JsonValueKind.False or JsonValueKind.Undefined)
        {
            return Fail($"{walked} is {node.GetRawText()}", out value, out error);
        }

        value = TemplateValue.From(node);
        error = "";
        return true;
    }

    public override string ToString() => Text;

    private static bool Fail(string reason, out TemplateValue value, out string error)
    {
        value = default;
        error = reason;
        return false;
    }

    // The reason names the place, not the values, so the same problem on many records counts as one reason.
    private static string Describe(StringBuilder walked, JsonElement node) => walked.Length == 0 ? "the answer" : walked.ToString();
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OdooLatencyProxy.LoadTest.Thresholds;

/// <summary>
/// The thresholds file shared with the alert rules (<c>deploy/prometheus/thresholds.yml</c> style):
/// <c>operations: { sale_order.confirm: { p95_seconds: 2.0, failure_rate: 0.01 } }</c>, as YAML or JSON.
/// </summary>
/// <remarks>Only that two-level mapping is read (no YAML library needed): keys <c>pNN_seconds</c>, <c>max_seconds</c>, <c>failure_rate</c>.</remarks>
internal static class ThresholdsFile
{
    /// <summary>Reads the file as thresholds the run checks (<c>p95_seconds: 2</c> is <c>p95 &lt; 2s</c>).</summary>
    public static IReadOnlyList<Threshold> Read(string path)
    {
        var text = File.ReadAllText(path);
        var entries = text.TrimStart().StartsWith('{') ? ReadJson(text, path) : ReadYaml(text, path);
        var thresholds = new List<Threshold>();
        foreach (var (operation, key, value) in entries)
        {
            var v = value.ToString("R", CultureInfo.InvariantCulture);
            thresholds.Add(key switch
            {
                "failure_rate" => Threshold.Parse(operation, $"failure_rate < {v}"),
                _ when key.EndsWith("_seconds", StringComparison.Ordinal) => Threshold.Parse(operation, $"{key[..^"_seconds".Length].Replace('_', '.')} < {v}s"),
                _ => throw new FormatException($"{path}: unknown key '{key}' under '{operation}' (p95_seconds, p99_seconds, max_seconds, failure_rate)"),
            });
        }

        return thresholds;
    }

    /// <summary>Writes the YAML form, with a header comment saying where the numbers came from.</summary>
    public static string WriteYaml(IEnumerable<(string Operation, IReadOnlyList<(string Key, double Value)> Values)> operations, IEnumerable<string> comments)
    {
        var yaml = new StringBuilder();
        foreach (var comment in comments)
        {
            yaml.Append("# ").AppendLine(comment);
        }

        yaml.AppendLine("operations:");
        foreach (var (operation, values) in operations)
        {
            yaml.Append("  ").Append(Quote(operation)).AppendLine(":");
            foreach (var (key, value) in values)
            {
                yaml.Append("    ").Append(key).Append(": ").AppendLine(value.ToString("0.####", CultureInfo.InvariantCulture));
            }
        }

        return yaml.ToString();
    }

    internal static string Quote(string key) => key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-') ? key : JsonSerializer.Serialize(key);

    private static List<(string, string, double)> ReadJson(string text, string path)
    {
        var entries = new List<(string, string, double)>();
        using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!document.RootElement.TryGetProperty("operations", out var operations) || operations.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{path}: expected {{\"operations\": {{...}}}}");
        }

        foreach (var operation in operations.EnumerateObject())
        {
            foreach (var value in operation.Value.EnumerateObject())
            {
                entries.Add((operation.Name, value.Name, value.Value.GetDouble()));
            }
        }

        return entries;
    }

    private static List<(string, string, double)> ReadYaml(string text, string path)
    {
        var entries = new List<(string, string, double)>();
        string? operation = null;
        var inOperations = false;
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var hash = raw.IndexOf(" #", StringComparison.Ordinal);
            var line = (raw.TrimStart().StartsWith('#') ? "" : hash >= 0 ? raw[..hash] : raw).TrimEnd();
            if (line.Trim().Length == 0) continue;
            var indent = line.Length - line.TrimStart().Length;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            // Quoted keys may hold a colon (rpc:model.method).
            if (line.TrimStart().StartsWith('"'))
            {
                var close = line.IndexOf('"', indent + 1);
                colon = close < 0 ? -1 : line.IndexOf(':', close);
            }

            if (colon < 0) throw new FormatException($"{path}:{lineNumber}: expected 'key: value'");
            var key = line[..colon].Trim().Trim('"');
            var value = line[(colon + 1)..].Trim();
            if (indent == 0)
            {
                inOperations = key == "operations";
                operation = null;
            }
            else if (inOperations && value.Length == 0)
            {
                operation = key;
            }
            else if (inOperations && operation is not null)
            {
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    throw new FormatException($"{path}:{lineNumber}: '{value}' is not a number");
                }

                entries.Add((operation, key, number));
            }
        }

        return entries;
    }
}

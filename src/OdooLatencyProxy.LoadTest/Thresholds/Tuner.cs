using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OdooLatencyProxy.LoadTest.Results;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.LoadTest.Thresholds;

/// <summary>Turns a baseline report into per-operation thresholds, written for the alert rules and for the proxy's configuration.</summary>
internal static class Tuner
{
    public const string ThresholdsFileName = "thresholds.yml";
    public const string ClassificationFileName = "classification-thresholds.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static TuneResult Propose(RunReport report, TuneSettings settings, string source)
    {
        var proposals = new List<Proposal>();
        var skipped = new List<string>();
        foreach (var operation in report.Operations.OrderBy(o => o.Operation, StringComparer.Ordinal))
        {
            if (operation.Count < settings.MinCount)
            {
                skipped.Add($"{operation.Operation}: {operation.Count} requests, fewer than {settings.MinCount}");
                continue;
            }

            if (!IsRuleName(operation.Operation))
            {
                skipped.Add($"{operation.Operation}: not a name a classification rule can carry (name it with a rule first)");
                continue;
            }

            var baseline = operation.Latency.Get(settings.Percentile) ?? throw new FormatException($"unknown percentile '{settings.Percentile}'");
            proposals.Add(new Proposal(operation.Operation, operation.Count, baseline, Math.Max(settings.MinSeconds, RoundUp(baseline * settings.Margin))));
        }

        return new TuneResult(proposals, skipped, settings, source);
    }

    /// <summary>Writes <c>thresholds.yml</c> (alert rules) and <c>classification-thresholds.json</c> (the proxy's <c>Classification:Rules</c>).</summary>
    public static (string Yaml, string Json) Write(TuneResult result, string directory)
    {
        Directory.CreateDirectory(directory);
        var key = KeyOf(result.Settings.Percentile);
        var comments = new List<string>
        {
            $"Proposed by OdooLatencyProxy.LoadTest tune from {Path.GetFileName(result.Source)}:",
            $"threshold = baseline {result.Settings.Percentile} x {result.Settings.Margin.ToString("0.##", CultureInfo.InvariantCulture)}, rounded up to two significant digits, at least {Durations.FormatSeconds(result.Settings.MinSeconds)}.",
            "Read by the alert rules (share of requests slower than the threshold) and by `run --thresholds` (pass/fail).",
        };
        comments.AddRange(result.Skipped.Select(s => "skipped " + s));
        var yaml = ThresholdsFile.WriteYaml(result.Proposals.Select(p => (p.Operation, (IReadOnlyList<(string, double)>)[(key, p.ThresholdSeconds)])), comments);
        var rules = new JsonArray([.. result.Proposals.Select(p => (JsonNode)new JsonObject { ["Name"] = p.Operation, ["ThresholdSeconds"] = p.ThresholdSeconds })]);
        var json = new JsonObject { ["Classification"] = new JsonObject { ["Rules"] = rules } }.ToJsonString(Indented) + "\n";
        var yamlPath = Path.Combine(directory, ThresholdsFileName);
        var jsonPath = Path.Combine(directory, ClassificationFileName);
        File.WriteAllText(yamlPath, yaml);
        File.WriteAllText(jsonPath, json);
        return (yamlPath, jsonPath);
    }

    /// <summary>
    /// Merges the proposals into an existing thresholds file (<c>deploy/prometheus/thresholds.yml</c>): only the
    /// <c>operations:</c> section changes; a tuned operation gets its new value, the others keep theirs, and every other
    /// section and comment stays as it was.
    /// </summary>
    public static string MergeYaml(string existing, TuneResult result)
    {
        var key = KeyOf(result.Settings.Percentile);
        var lines = existing.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        var start = lines.FindIndex(l => l.TrimEnd() == "operations:");
        var provenance = $"  # {result.Settings.Percentile} thresholds of {string.Join(", ", result.Proposals.Select(p => p.Operation))} tuned from {Path.GetFileName(result.Source)} (baseline x {result.Settings.Margin.ToString("0.##", CultureInfo.InvariantCulture)}).";
        if (start < 0)
        {
            var appended = ThresholdsFile.WriteYaml(result.Proposals.Select(p => (p.Operation, (IReadOnlyList<(string, double)>)[(key, p.ThresholdSeconds)])), []);
            return existing.TrimEnd('\n') + "\n\n" + appended;
        }

        var end = start + 1;
        while (end < lines.Count && (lines[end].Length == 0 || lines[end].StartsWith(' ') || lines[end].StartsWith('#')))
        {
            end++;
        }

        // Trailing blank and comment lines belong to whatever follows the section.
        while (end - 1 > start && (lines[end - 1].Trim().Length == 0 || lines[end - 1].StartsWith('#')))
        {
            end--;
        }

        var section = lines.GetRange(start + 1, end - start - 1);
        var comments = section.TakeWhile(l => l.TrimStart().StartsWith('#')).Where(l => !l.Contains("tuned from", StringComparison.Ordinal)).ToList();
        var entries = new List<(string Operation, List<(string Key, string Value)> Values)>();
        foreach (var line in section.Skip(comments.Count))
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#')) continue;
            var colon = trimmed.StartsWith('"') ? trimmed.IndexOf(':', trimmed.IndexOf('"', 1)) : trimmed.IndexOf(':', StringComparison.Ordinal);
            var name = trimmed[..colon].Trim();
            var value = trimmed[(colon + 1)..].Trim();
            if (line.Length - line.TrimStart().Length <= 2)
            {
                entries.Add((name, []));
            }
            else if (entries.Count > 0)
            {
                entries[^1].Values.Add((name, value));
            }
        }

        foreach (var proposal in result.Proposals)
        {
            var quoted = ThresholdsFile.Quote(proposal.Operation);
            var index = entries.FindIndex(e => e.Operation.Trim('"') == proposal.Operation);
            if (index < 0)
            {
                entries.Add((quoted, []));
                index = entries.Count - 1;
            }

            var values = entries[index].Values;
            var text = proposal.ThresholdSeconds.ToString("0.####", CultureInfo.InvariantCulture);
            var at = values.FindIndex(v => v.Key == key);
            if (at < 0) values.Insert(0, (key, text));
            else values[at] = (key, text);
        }

        var rebuilt = new List<string> { "operations:" };
        rebuilt.AddRange(comments);
        rebuilt.Add(provenance);
        foreach (var (operation, values) in entries)
        {
            rebuilt.Add($"  {operation}:");
            rebuilt.AddRange(values.Select(v => $"    {v.Key}: {v.Value}"));
        }

        lines.RemoveRange(start, end - start);
        lines.InsertRange(start, rebuilt);
        return string.Join('\n', lines);
    }

    /// <summary><c>p95</c> -&gt; <c>p95_seconds</c>, <c>p99.9</c> -&gt; <c>p99_9_seconds</c>.</summary>
    public static string KeyOf(string percentile) => percentile.Replace('.', '_') + "_seconds";

    /// <summary>Rounds up to two significant digits: 0.1234 -&gt; 0.13, 2.01 -&gt; 2.1.</summary>
    public static double RoundUp(double seconds)
    {
        if (!(seconds > 0)) return 0;
        var scale = Math.Pow(10, Math.Floor(Math.Log10(seconds)) - 1);
        return Math.Round(Math.Ceiling(Math.Round(seconds / scale, 9)) * scale, 12);
    }

    private static bool IsRuleName(string name)
    {
        // The same check the proxy applies when it loads the rules.
        try
        {
            _ = new RequestClassifier(new ClassificationOptions { Rules = [new ClassificationRule { Name = name, ThresholdSeconds = 1 }] });
            return true;
        }
        catch (ClassificationRuleException)
        {
            return false;
        }
    }
}

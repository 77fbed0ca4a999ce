using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace OdooLatencyProxy.Tests.Deploy;

/// <summary>One PromQL expression shipped in a dashboard panel, a dashboard variable or a rule.</summary>
public sealed record ShippedQuery(string Where, string Expr)
{
    public override string ToString() => Where;
}

/// <summary>A rule of deploy/prometheus (recording or alerting) as written in its file.</summary>
internal sealed record RuleEntry(string File, string Group, string Name, bool IsAlert, string Expr, YamlMappingNode Node);

/// <summary>Reads every PromQL expression the project ships and takes PromQL apart as far as the tests need.</summary>
internal static partial class MonitoringQueries
{
    public const string DashboardFolder = "grafana/dashboards";
    public static readonly string[] RuleFiles = ["deploy/prometheus/rules.yml", "deploy/prometheus/alerts.yml"];

    /// <summary>Every target expression of every dashboard panel, with Grafana's variables still in.</summary>
    public static IEnumerable<ShippedQuery> DashboardQueries()
    {
        foreach (var file in Directory.GetFiles(Repo.Path(DashboardFolder), "*.json").Order(StringComparer.Ordinal))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            var name = System.IO.Path.GetFileName(file);
            foreach (var panel in Panels(json.RootElement))
            {
                if (!panel.TryGetProperty("targets", out var targets)) continue;
                foreach (var target in targets.EnumerateArray())
                {
                    yield return new ShippedQuery($"{name} / {panel.GetProperty("title").GetString()} / {target.GetProperty("refId").GetString()}",
                        target.GetProperty("expr").GetString()!);
                }
            }
        }
    }

    /// <summary>The series selectors inside dashboard variables' label_values(SELECTOR, label) queries.</summary>
    public static IEnumerable<ShippedQuery> VariableQueries()
    {
        foreach (var file in Directory.GetFiles(Repo.Path(DashboardFolder), "*.json").Order(StringComparer.Ordinal))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var variable in json.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray())
            {
                if (variable.GetProperty("type").GetString() != "query") continue;
                var query = variable.GetProperty("query").GetProperty("query").GetString()!;
                var match = LabelValues().Match(query);
                Assert.True(match.Success, $"{file}: variable {variable.GetProperty("name")} is not label_values(selector, label): {query}");
                yield return new ShippedQuery($"{System.IO.Path.GetFileName(file)} / variable {variable.GetProperty("name").GetString()}", match.Groups[1].Value);
            }
        }
    }

    /// <summary>Every panel of a dashboard, rows' nested panels included, rows themselves excluded.</summary>
    public static IEnumerable<JsonElement> Panels(JsonElement dashboard)
    {
        foreach (var panel in dashboard.GetProperty("panels").EnumerateArray())
        {
            if (panel.GetProperty("type").GetString() == "row")
            {
                foreach (var nested in panel.GetProperty("panels").EnumerateArray()) yield return nested;
            }
            else
            {
                yield return panel;
            }
        }
    }

    /// <summary>Every shipped expression (dashboard targets, dashboard variables, rules) by where it is.</summary>
    public static IReadOnlyDictionary<string, ShippedQuery> AllShipped() =>
        DashboardQueries().Concat(VariableQueries()).Concat(Rules().Select((r, i) => new ShippedQuery($"{r.File} / {r.Group} / #{i} {r.Name}", r.Expr)))
            .ToDictionary(q => q.Where, StringComparer.Ordinal);

    /// <summary>Every rule of the shipped rule files.</summary>
    public static IReadOnlyList<RuleEntry> Rules(params string[] files) => [.. (files.Length == 0 ? RuleFiles : files).SelectMany(file => RulesOf(file, Repo.Read(file)))];

    public static IEnumerable<RuleEntry> RulesOf(string file, string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        foreach (var group in ((YamlSequenceNode)root["groups"]).Cast<YamlMappingNode>())
        {
            var groupName = ((YamlScalarNode)group["name"]).Value!;
            foreach (var rule in ((YamlSequenceNode)group["rules"]).Cast<YamlMappingNode>())
            {
                var isAlert = rule.Children.ContainsKey("alert");
                var name = ((YamlScalarNode)rule[isAlert ? "alert" : "record"]).Value!;
                yield return new RuleEntry(file, groupName, name, isAlert, ((YamlScalarNode)rule["expr"]).Value!.Trim(), rule);
            }
        }
    }

    /// <summary>A dashboard expression as Grafana would send it with "All" selected and a short rate interval.</summary>
    public static string ForPrometheus(string expr)
    {
        var result = expr
            .Replace("$__rate_interval", "15s", StringComparison.Ordinal)
            .Replace("$__interval", "5s", StringComparison.Ordinal)
            .Replace("$__range", "1m", StringComparison.Ordinal)
            .Replace("$instance", ".*", StringComparison.Ordinal)
            .Replace("$operation", ".*", StringComparison.Ordinal)
            .Replace("$container", ".*", StringComparison.Ordinal)
            .Replace("$mountpoint", ".*", StringComparison.Ordinal);
        Assert.DoesNotContain("$", result, StringComparison.Ordinal);
        return result;
    }

    /// <summary>
    /// An alert expression with every comparison against a threshold turned into "+ 0 *": the same series, labels and
    /// vector matching, but values pass whatever they are, so a healthy system still returns the signal.
    /// </summary>
    public static string WithoutThresholds(string expr) => Comparison().Replace(expr, " + 0 * ");

    /// <summary>Metric names a PromQL expression reads (functions, keywords, labels, strings and durations left out).</summary>
    public static IReadOnlySet<string> MetricNames(string expr) => Selectors(expr).Select(s => s.Metric).ToHashSet(StringComparer.Ordinal);

    /// <summary>Each series selector of an expression: metric name and the label names it matches on.</summary>
    public static IReadOnlyList<(string Metric, IReadOnlyList<string> Labels)> Selectors(string expr)
    {
        var text = Strings().Replace(expr, "\"\"");
        var result = new List<(string, IReadOnlyList<string>)>();
        foreach (Match m in Selector().Matches(text))
        {
            var name = m.Groups["name"].Value;
            var next = text.AsSpan(m.Index + m.Length).TrimStart();
            var hasMatchers = m.Groups["matchers"].Success;
            if (!hasMatchers && next.Length > 0 && next[0] == '(') continue; // function or aggregation
            if (!hasMatchers && AggregationModifier().IsMatch(next.ToString())) continue; // sum by (...) (...)
            if (Keywords.Contains(name)) continue;
            if (m.Index > 0 && IsInsideGrouping(text, m.Index)) continue;
            var labels = hasMatchers
                ? LabelMatcher().Matches(m.Groups["matchers"].Value).Select(l => l.Groups[1].Value).ToList()
                : [];
            result.Add((name, labels));
        }
        return result;
    }

    /// <summary>Label names in by (...), without (...), on (...), ignoring (...) clauses.</summary>
    public static IReadOnlyList<string> GroupingLabels(string expr) =>
        [.. Grouping().Matches(Strings().Replace(expr, "\"\"")).SelectMany(m => m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];

    private static bool IsInsideGrouping(string text, int index)
    {
        var open = text.LastIndexOf('(', index);
        if (open < 0) return false;
        var before = text[..open].TrimEnd();
        var close = text.IndexOf(')', open);
        return close > index && GroupingKeyword().IsMatch(before);
    }

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "Inf", "NaN", "inf", "nan",
    };

    [GeneratedRegex(@"label_values\((.+),\s*[a-zA-Z_]+\s*\)$")]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"\s(>=|<=|==|!=|>|<)\s")]
    private static partial Regex Comparison();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex Strings();

    [GeneratedRegex(@"(?<![A-Za-z0-9_:.$\[])(?<name>[A-Za-z_:][A-Za-z0-9_:]*)(?![A-Za-z0-9_:])(?:\s*\{(?<matchers>[^}]*)\})?")]
    private static partial Regex Selector();

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)")]
    private static partial Regex LabelMatcher();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"^(by|without)\s*\(")]
    private static partial Regex AggregationModifier();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)$")]
    private static partial Regex GroupingKeyword();
}

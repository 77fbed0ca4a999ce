using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using OdooLatencyProxy.Tests.Infrastructure;

namespace OdooLatencyProxy.Tests.Deploy;

/// <summary>One sample line of a fixture scrape: metric name, labels and value.</summary>
internal sealed record FixtureSample(string Metric, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>The series as promtool's input_series writes it: name{label="value", ...}.</summary>
    public string Series(params (string Name, string Value)[] extra) =>
        $"{Metric}{{{string.Join(", ", Labels.Concat(extra.Select(e => KeyValuePair.Create(e.Name, e.Value))).Select(l => $"{l.Key}=\"{l.Value}\""))}}}";
}

/// <summary>
/// The recorded and hand-written scrapes of what the dashboards and alerts read besides the proxy's own metrics:
/// cAdvisor under compose and under the kubelet, node-exporter, the proxy's process metrics (deploy/prometheus/tests/fixtures).
/// </summary>
internal static partial class ScrapeFixtures
{
    public const string Folder = "deploy/prometheus/tests/fixtures";
    public const string CadvisorCompose = Folder + "/cadvisor-compose.prom";
    public const string CadvisorKubelet = Folder + "/cadvisor-kubelet.prom";
    public const string NodeExporter = Folder + "/node-exporter.prom";
    public const string ProxyProcess = Folder + "/proxy-process.prom";

    /// <summary>The scrapes of exporters other than the proxy (their metrics are not in the project's catalog).</summary>
    public static readonly string[] Exporters = [CadvisorCompose, CadvisorKubelet, NodeExporter];

    /// <summary>Metric name to the label names it carries in any fixture, with the exporter file it comes from.</summary>
    public static IReadOnlyDictionary<string, (string File, IReadOnlySet<string> Labels)> Metrics { get; } = LoadMetrics();

    public static IReadOnlyList<FixtureSample> Samples(string file) =>
        [.. Repo.Read(file).Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Select(Parse)];

    /// <summary>The metric names a fixture declares as counters (# TYPE name counter).</summary>
    public static IReadOnlySet<string> Counters(string file) =>
        Repo.Read(file).Split('\n').Select(l => TypeLine().Match(l)).Where(m => m.Success && m.Groups[2].Value == "counter").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Serves a fixture on 127.0.0.1 as an exporter would at /metrics, every counter growing by one per second since the
    /// server started, so rates, increases and throttled shares have a value rather than 0 / 0.
    /// </summary>
    public static Task<TestUpstream> ServeAsync(string file)
    {
        var text = Repo.Read(file);
        var counters = Counters(file);
        var started = DateTime.UtcNow;
        return TestUpstream.StartAsync(async context =>
        {
            var elapsed = (DateTime.UtcNow - started).TotalSeconds;
            var body = new StringBuilder();
            foreach (var line in text.Split('\n'))
            {
                if (line.Length == 0 || line.StartsWith('#'))
                {
                    body.Append(line).Append('\n');
                    continue;
                }
                var sample = Parse(line);
                var value = counters.Contains(sample.Metric) ? sample.Value + elapsed : sample.Value;
                body.Append(line.AsSpan(0, line.LastIndexOf(' '))).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            }
            context.Response.ContentType = "text/plain; version=0.0.4";
            await context.Response.WriteAsync(body.ToString());
        });
    }

    private static FixtureSample Parse(string line)
    {
        var m = SampleLine().Match(line);
        if (!m.Success) throw new FormatException($"not a sample line: {line}");
        var labels = LabelPair().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value, StringComparer.Ordinal);
        return new FixtureSample(m.Groups["name"].Value, labels, double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));
    }

    private static Dictionary<string, (string, IReadOnlySet<string>)> LoadMetrics()
    {
        var result = new Dictionary<string, (string, IReadOnlySet<string>)>(StringComparer.Ordinal);
        foreach (var file in Exporters.Append(ProxyProcess))
        {
            // Compose's scrape of cAdvisor adds labels by metric relabeling (container = the compose service).
            var added = file == CadvisorCompose ? RelabelTargets(FixtureExporters.ComposeJob(FixtureExporters.CadvisorTarget, new Uri("http://127.0.0.1/"))) : [];
            foreach (var group in Samples(file).GroupBy(s => s.Metric))
            {
                var labels = group.SelectMany(s => s.Labels.Keys).Concat(added).ToHashSet(StringComparer.Ordinal);
                if (result.TryGetValue(group.Key, out var known)) labels.UnionWith(known.Item2);
                result[group.Key] = (file, labels);
            }
        }
        return result;
    }

    private static string[] RelabelTargets(ScrapeJob job) =>
        [.. (job.MetricRelabelConfigs ?? []).Cast<YamlDotNet.RepresentationModel.YamlMappingNode>()
            .Where(r => r.Children.ContainsKey("target_label")).Select(r => ((YamlDotNet.RepresentationModel.YamlScalarNode)r["target_label"]).Value!)];

    [GeneratedRegex(@"^(?<name>[A-Za-z_:][A-Za-z0-9_:]*)(?:\{(?<labels>.*)\})?\s+(?<value>\S+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex("([A-Za-z_][A-Za-z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex LabelPair();

    [GeneratedRegex(@"^# TYPE (\S+) (\S+)$")]
    private static partial Regex TypeLine();
}

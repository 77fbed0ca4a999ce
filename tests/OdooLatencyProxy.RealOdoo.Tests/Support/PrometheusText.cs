using System.Globalization;
using System.Text.RegularExpressions;

namespace OdooLatencyProxy.RealOdoo.Tests.Support;

/// <summary>One sample of a Prometheus text exposition: name, labels, value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>Reads the proxy's <c>/metrics</c> (Prometheus text format) as samples.</summary>
public static partial class PrometheusText
{
    public static IReadOnlyList<PrometheusSample> Parse(string text) =>
        [.. text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => SampleRegex().Match(l)).Where(m => m.Success).Select(m => new PrometheusSample(
            m.Groups["name"].Value,
            LabelRegex().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups["key"].Value, l => Regex.Unescape(l.Groups["value"].Value)),
            double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)))];

    /// <summary>The sum of the samples named <paramref name="name"/> whose labels include <paramref name="labels"/> (0 when none).</summary>
    public static double Sum(IReadOnlyList<PrometheusSample> samples, string name, params (string Key, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    /// <summary>The value of the one sample named <paramref name="name"/> with those labels, or null.</summary>
    public static double? Value(IReadOnlyList<PrometheusSample> samples, string name, params (string Key, string Value)[] labels) =>
        samples.SingleOrDefault(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value))?.Value;

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?\s*$""")]
    private static partial Regex SampleRegex();

    [GeneratedRegex("""(?<key>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(\\.|[^"\\])*)",?""")]
    private static partial Regex LabelRegex();
}

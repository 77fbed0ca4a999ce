using OdooLatencyProxy.Tests.Deploy;

namespace OdooLatencyProxy.Tests.Telemetry;

/// <summary>docs/metrics.md, the metric contract people read, against the catalog rows and the exporter's real names.</summary>
public sealed class MetricsDocumentationTests
{
    [Fact]
    public async Task MetricsMd_ListsEveryCatalogRow_WithItsKindAttributesAndTheExportersSeriesNames()
    {
        var exported = await ExportedMetrics.Catalog;
        var documented = Rows(Repo.Read("docs/metrics.md"));

        Assert.Equal(exported.All.Select(m => m.Definition.Name).Order(StringComparer.Ordinal), documented.Keys.Order(StringComparer.Ordinal));
        foreach (var metric in exported.All)
        {
            var row = documented[metric.Definition.Name];
            Assert.True(row.Kind.StartsWith(metric.Definition.Kind.ToString(), StringComparison.OrdinalIgnoreCase),
                $"{metric.Definition.Name}: documented as {row.Kind}, declared {metric.Definition.Kind}");
            Assert.True(metric.Series.SetEquals(row.Series),
                $"{metric.Definition.Name}: documented as {string.Join(", ", row.Series)}, exported as {string.Join(", ", metric.Series)}");
            Assert.All(metric.Definition.Attributes, a => Assert.Contains($"`{a}`", row.Attributes, StringComparison.Ordinal));
        }
    }

    // "| `odoo.x.duration` | histogram, s | `odoo_x_duration_seconds_bucket/_sum/_count` | `a`, `b` |"; "same" repeats the row above's attributes.
    private static Dictionary<string, (string Kind, IReadOnlyList<string> Series, string Attributes)> Rows(string markdown)
    {
        var rows = new Dictionary<string, (string, IReadOnlyList<string>, string)>(StringComparer.Ordinal);
        var previousAttributes = "";
        foreach (var line in markdown.Split('\n').Where(l => l.StartsWith("| `odoo.", StringComparison.Ordinal)))
        {
            var cells = line.Split('|').Select(c => c.Trim()).ToArray();
            var names = cells[3].Trim('`').Split('/');
            var family = names[0][..names[0].LastIndexOf('_')];
            IReadOnlyList<string> series = [names[0], .. names.Skip(1).Select(suffix => family + suffix)];
            var attributes = cells[4] == "same" ? previousAttributes : cells[4];
            previousAttributes = attributes;
            rows.Add(cells[1].Trim('`'), (cells[2], names.Length == 1 ? [names[0]] : series, attributes));
        }
        return rows;
    }
}

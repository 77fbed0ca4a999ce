using OdooLatencyProxy.Tests.Telemetry;

namespace OdooLatencyProxy.Tests.Deploy;

/// <summary>
/// Every metric and label that dashboards and rules query is one the project emits (the code's metric catalog) or one a
/// recorded scrape of cAdvisor, node-exporter or the proxy's process metrics carries (deploy/prometheus/tests/fixtures).
/// </summary>
public sealed class MetricNameTests
{
    // Prometheus' own series and the synthetic labels every scraped series carries.
    private static readonly string[] PrometheusSeries = ["up", "ALERTS"];
    private static readonly string[] TargetLabels = ["job", "instance"];

    public static TheoryData<string> AllQueries() => [.. MonitoringQueries.AllShipped().Keys];

    [Theory]
    [MemberData(nameof(AllQueries))]
    public async Task EveryMetricAndLabel_IsInTheCatalogOrARecordingRule(string where)
    {
        var exported = await ExportedMetrics.Catalog;
        var query = MonitoringQueries.AllShipped()[where];
        var recorded = MonitoringQueries.Rules("deploy/prometheus/rules.yml").Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var selectors = MonitoringQueries.Selectors(query.Expr);
        Assert.NotEmpty(selectors);
        foreach (var (metric, labels) in selectors)
        {
            if (recorded.Contains(metric) || PrometheusSeries.Contains(metric)) continue;
            if (ScrapeFixtures.Metrics.TryGetValue(metric, out var scraped))
            {
                // cAdvisor, node-exporter and the proxy's process metrics: as their (recorded) scrapes have them.
                foreach (var label in labels)
                {
                    Assert.True(scraped.Labels.Contains(label) || TargetLabels.Contains(label), $"{query.Where}: {metric} has no label {label} in {scraped.File}");
                }
                continue;
            }
            var definition = exported.BySeries(metric);
            Assert.True(definition is not null, $"{query.Where}: {metric} is not emitted by the project (MetricCatalog)");
            var known = definition.Labels.Concat(TargetLabels).Concat(metric.EndsWith("_bucket", StringComparison.Ordinal) ? ["le"] : Array.Empty<string>());
            foreach (var label in labels)
            {
                Assert.True(known.Contains(label), $"{query.Where}: {metric} has no label {label} (it has {string.Join(", ", definition.Labels)})");
            }
        }
    }

    [Fact]
    public async Task GroupingLabels_AreLabelsSomeQueriedMetricCarries()
    {
        var exported = await ExportedMetrics.Catalog;
        foreach (var query in MonitoringQueries.AllShipped().Values)
        {
            var metrics = MonitoringQueries.MetricNames(query.Expr);
            if (metrics.Any(m => m.Contains(':', StringComparison.Ordinal))) continue; // recording rules: checked where they are defined
            var available = exported.All.Where(m => m.Series.Any(metrics.Contains)).SelectMany(m => m.Labels)
                .Concat(metrics.Where(ScrapeFixtures.Metrics.ContainsKey).SelectMany(m => ScrapeFixtures.Metrics[m].Labels))
                .Concat(TargetLabels).Append("le").ToHashSet(StringComparer.Ordinal);
            foreach (var label in MonitoringQueries.GroupingLabels(query.Expr))
            {
                Assert.True(available.Contains(label), $"{query.Where}: groups by {label}, which none of its metrics carries");
            }
        }
    }

    [Fact]
    public void QueryParser_FindsMetricsAndSkipsFunctionsLabelsAndDurations()
    {
        var names = MonitoringQueries.MetricNames(
            """histogram_quantile(0.95, sum by (odoo_operation, le) (rate(odoo_request_duration_seconds_bucket{instance=~"$instance", odoo_operation="sale_order.confirm"}[$__rate_interval]))) > 2 and on (job) time() - odoo_cron_interval_seconds or vector(0)""");
        Assert.Equal(["odoo_cron_interval_seconds", "odoo_request_duration_seconds_bucket"], names.Order(StringComparer.Ordinal));
    }
}

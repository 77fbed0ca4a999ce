using OdooLatencyProxy.Telemetry;

namespace OdooLatencyProxy.Tests.Deploy;

/// <summary>Every metric and label that dashboards and rules query is one the project emits, per the code's metric catalog.</summary>
public sealed class MetricNameTests
{
    // Prometheus' own series and the synthetic labels every scraped series carries.
    private static readonly string[] PrometheusSeries = ["up", "ALERTS"];
    private static readonly string[] TargetLabels = ["job", "instance"];

    public static TheoryData<string> AllQueries() => [.. MonitoringQueries.AllShipped().Keys];

    [Theory]
    [MemberData(nameof(AllQueries))]
    public void EveryMetricAndLabel_IsInTheCatalogOrARecordingRule(string where)
    {
        var query = MonitoringQueries.AllShipped()[where];
        var recorded = MonitoringQueries.Rules("deploy/prometheus/rules.yml").Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var selectors = MonitoringQueries.Selectors(query.Expr);
        Assert.NotEmpty(selectors);
        foreach (var (metric, labels) in selectors)
        {
            if (recorded.Contains(metric) || PrometheusSeries.Contains(metric)) continue;
            var definition = MetricCatalog.All.SingleOrDefault(m => m.PrometheusSeries.Contains(metric));
            Assert.True(definition is not null, $"{query.Where}: {metric} is not emitted by the project (MetricCatalog)");
            var known = definition.PrometheusLabels.Concat(TargetLabels).Concat(metric.EndsWith("_bucket", StringComparison.Ordinal) ? ["le"] : Array.Empty<string>());
            foreach (var label in labels)
            {
                Assert.True(known.Contains(label), $"{query.Where}: {metric} has no label {label} (it has {string.Join(", ", definition.PrometheusLabels)})");
            }
        }
    }

    [Fact]
    public void GroupingLabels_AreLabelsSomeQueriedMetricCarries()
    {
        foreach (var query in MonitoringQueries.AllShipped().Values)
        {
            var metrics = MonitoringQueries.MetricNames(query.Expr);
            if (metrics.Any(m => m.Contains(':', StringComparison.Ordinal))) continue; // recording rules: checked where they are defined
            var available = MetricCatalog.All.Where(m => m.PrometheusSeries.Any(metrics.Contains)).SelectMany(m => m.PrometheusLabels)
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

using Microsoft.Extensions.Configuration;
using OdooLatencyProxy.LoadTest.Thresholds;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.LoadTest.Tests.Thresholds;

/// <summary>tune --update-thresholds on a file shaped like deploy/prometheus/thresholds.yml.</summary>
public sealed class TunerMergeTests
{
    private const string DeployThresholds = """
        # Alert thresholds and selectors: the ONE place to change them.
        selectors:
          proxy_job: odoo-latency-proxy
          runbook_base: https://example.com/docs/runbooks.md

        alerts:
          failure_ratio: 0.05
          failure_for: 10m

        operations:
          # p95 of the proxy-measured duration (queue + Odoo) above which the operation alerts.
          sale_order.confirm:
            p95_seconds: 2
          picking.validate:
            p95_seconds: 4

        # trailing comment
        """;

    private static TuneResult Result() => new(
        [new Proposal("sale_order.confirm", 100, 0.0443, 0.067), new Proposal("invoice.post", 50, 0.1368, 0.21)],
        [], new TuneSettings(), "report.json");

    [Fact]
    public void MergeYaml_ChangesOnlyTheOperationsSection_KeepingUntunedOperations()
    {
        var merged = Tuner.MergeYaml(DeployThresholds, Result());
        Assert.StartsWith(DeployThresholds[..DeployThresholds.IndexOf("operations:", StringComparison.Ordinal)], merged, StringComparison.Ordinal);
        Assert.Contains("  sale_order.confirm:\n    p95_seconds: 0.067\n  picking.validate:\n    p95_seconds: 4\n  invoice.post:\n    p95_seconds: 0.21\n", merged, StringComparison.Ordinal);
        Assert.Contains("# p95 of the proxy-measured duration", merged, StringComparison.Ordinal);
        Assert.EndsWith("\n\n# trailing comment", merged, StringComparison.Ordinal);

        var path = Path.Combine(Support.TestSupport.TempDirectory(), "thresholds.yml");
        File.WriteAllText(path, merged);
        var read = ThresholdsFile.Read(path);
        Assert.Equal(3, read.Count);
        Assert.Equal(0.067, read.Single(t => t.Operation == "sale_order.confirm").Limit, 9);

        // Merging twice gives the same file (one provenance comment, no duplicates).
        Assert.Equal(merged, Tuner.MergeYaml(merged, Result()));
    }
}

using Microsoft.Extensions.Configuration;
using OdooLatencyProxy.LoadTest.Results;
using OdooLatencyProxy.LoadTest.Tests.Support;
using OdooLatencyProxy.LoadTest.Thresholds;
using OdooLatencyProxy.Odoo.Classification;
using OdooLatencyProxy.Configuration;

namespace OdooLatencyProxy.LoadTest.Tests.Thresholds;

public sealed class TunerTests
{
    private static OperationReport Operation(string name, long count, double p95) => new()
    {
        Operation = name,
        Count = count,
        Latency = new Percentiles(p95 / 2, p95 * 0.9, p95, p95 * 1.5, p95 * 2, p95 * 3, p95 / 2),
        ServiceTime = new Percentiles(p95 / 2, p95 * 0.9, p95, p95 * 1.5, p95 * 2, p95 * 3, p95 / 2),
    };

    private static RunReport Baseline() => new()
    {
        Scenario = "sales-day",
        Target = "http://127.0.0.1/",
        Model = "open",
        Load = "open model, 10 req/s",
        Totals = new Totals(1000, 0, 0, 10, 0, 0, 4),
        Operations = [Operation("sale_order.confirm", 120, 0.0912), Operation("invoice.post", 80, 1.31), Operation("ui.read", 500, 0.02), Operation("report.render", 5, 2), Operation("rpc:account.move.line.reconcile", 50, 0.1)],
    };

    [Theory]
    [InlineData(0.1234, 0.13)]
    [InlineData(2.01, 2.1)]
    [InlineData(0.05, 0.05)]
    [InlineData(13.7, 14)]
    public void RoundUp_KeepsTwoSignificantDigits(double value, double expected) => Assert.Equal(expected, Tuner.RoundUp(value), 9);

    [Fact]
    public void Proposals_AreBaselineTimesMargin_SkippingThinDataAndUnnamedRpc()
    {
        var result = Tuner.Propose(Baseline(), new TuneSettings { Margin = 1.5, MinCount = 20, MinSeconds = 0.05 }, "report.json");
        Assert.Equal(0.14, result.Proposals.Single(p => p.Operation == "sale_order.confirm").ThresholdSeconds, 9); // 0.0912 x 1.5 = 0.1368
        Assert.Equal(2.0, result.Proposals.Single(p => p.Operation == "invoice.post").ThresholdSeconds, 9);     // 1.965 -> 2.0
        Assert.Equal(0.05, result.Proposals.Single(p => p.Operation == "ui.read").ThresholdSeconds, 9);         // floor
        Assert.DoesNotContain(result.Proposals, p => p.Operation is "report.render" or "rpc:account.move.line.reconcile");
        Assert.Equal(2, result.Skipped.Count);
    }

    [Fact]
    public void WrittenFiles_AreReadByTheProxyConfigurationAndByRunThresholds()
    {
        var dir = TestSupport.TempDirectory();
        var result = Tuner.Propose(Baseline(), new TuneSettings(), "report.json");
        var (yaml, json) = Tuner.Write(result, dir);

        // The proxy binds Classification from its configuration exactly like this (ClassifierLoader).
        var configuration = new ConfigurationBuilder().AddJsonFile(json).Build();
        var options = configuration.GetSection("Classification").Get<ClassificationOptions>()!;
        var classifier = new RequestClassifier(options);
        Assert.Equal(0.14, classifier.FindOperation("sale_order.confirm")!.ThresholdSeconds!.Value, 9);
        Assert.Equal(0.14, classifier.Classify("POST", "/web/dataset/call_button",
            """{"params":{"model":"sale.order","method":"action_confirm","args":[[1]]}}"""u8).ThresholdSeconds!.Value, 9);

        var text = File.ReadAllText(yaml);
        Assert.Contains("operations:\n  invoice.post:\n    p95_seconds: 2\n", text, StringComparison.Ordinal);
        var thresholds = ThresholdsFile.Read(yaml);
        Assert.Contains(thresholds, t => t is { Operation: "sale_order.confirm", Metric: "p95", OrEqual: false } && Math.Abs(t.Limit - 0.14) < 1e-9);
    }

    [Fact]
    public async Task TuneCommand_WritesBothFilesBesideTheReport()
    {
        var dir = TestSupport.TempDirectory();
        var report = Path.Combine(dir, "report.json");
        await File.WriteAllTextAsync(report, System.Text.Json.JsonSerializer.Serialize(Baseline(), Json.WriteOptions), TestContext.Current.CancellationToken);
        var (code, output) = await TestSupport.CliAsync("tune", report, "--margin", "2", "--percentile", "p99");
        Assert.Equal(0, code);
        Assert.Contains("sale_order.confirm", output, StringComparison.Ordinal);
        Assert.Contains("p99_seconds: 0.28", File.ReadAllText(Path.Combine(dir, Tuner.ThresholdsFileName)), StringComparison.Ordinal); // 0.1368 x 2 = 0.2736
        Assert.True(File.Exists(Path.Combine(dir, Tuner.ClassificationFileName)));
    }
}

using Microsoft.Extensions.Configuration;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Telemetry;

namespace OdooLatencyProxy.Tests.Deploy;

/// <summary>deploy/prometheus/generate-alerts.cs: thresholds.yml is the one place, and the committed outputs are what it makes.</summary>
public sealed class AlertRuleGeneratorTests
{
    private static string Template => Repo.Read("deploy/prometheus/alerts.template.yml");

    [Theory]
    [InlineData("deploy/prometheus/thresholds.yml", "deploy/prometheus/alerts.yml")]
    [InlineData("deploy/prometheus/tests/thresholds.yml", "deploy/prometheus/tests/alerts.yml")]
    public void CommittedAlerts_AreExactlyWhatTheGeneratorMakesFromTheThresholds(string thresholds, string alerts) =>
        Assert.True(AlertRuleGenerator.Render(Repo.Read(thresholds), Template) == Repo.Read(alerts),
            $"{alerts} is out of date: run dotnet run deploy/prometheus/generate-alerts.cs");

    [Fact]
    public void CommittedProxySettings_AreExactlyWhatTheGeneratorMakesFromTheThresholds() =>
        Assert.True(AlertRuleGenerator.RenderProxySettings(Repo.Read("deploy/prometheus/thresholds.yml")) == Repo.Read("deploy/prometheus/thresholds.proxy.json"),
            "thresholds.proxy.json is out of date: run dotnet run deploy/prometheus/generate-alerts.cs");

    [Fact]
    public async Task DocumentedCommand_ChecksTheCommittedFilesAndFindsThemCurrent()
    {
        // The file-based app as users run it (its first build takes a few seconds).
        var result = await ExternalTool.RunAsync("dotnet", ["run", "deploy/prometheus/generate-alerts.cs", "--", "--check"], deadline: TimeSpan.FromMinutes(4));
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void EveryOperationThreshold_IsAnAlertAndABucketEdgeOfAProxyLoadingTheGeneratedSettings()
    {
        var thresholds = AlertRuleGenerator.Thresholds.Parse(Repo.Read("deploy/prometheus/thresholds.yml"));
        var configuration = new ConfigurationBuilder().AddJsonFile(Repo.Path("deploy/prometheus/thresholds.proxy.json")).Build();
        var classifier = ClassifierLoader.Load(configuration);
        var buckets = ProxyInstruments.WithThresholds(classifier.ThresholdsSeconds);
        var alerts = MonitoringQueries.Rules("deploy/prometheus/alerts.yml").Where(r => r.Name == "OdooOperationLatencyHigh").ToList();
        Assert.Equal(thresholds.Operations.Count, alerts.Count);
        foreach (var (operation, p95) in thresholds.Operations)
        {
            var seconds = double.Parse(p95, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains(seconds, buckets);
            Assert.Equal(seconds, classifier.FindOperation(operation)?.ThresholdSeconds);
            Assert.Single(alerts, a => a.Expr.Contains($"odoo_operation=\"{operation}\"", StringComparison.Ordinal) && a.Expr.Contains($"> {p95}\n", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Overrides_ChangeOnlyTheNamedValue()
    {
        var normal = AlertRuleGenerator.Render(Repo.Read("deploy/prometheus/thresholds.yml"), Template);
        var shortened = AlertRuleGenerator.Render(Repo.Read("deploy/prometheus/thresholds.yml"), Template, new Dictionary<string, string> { ["worker_saturated_for"] = "7s" });
        var saturated = MonitoringQueries.RulesOf("x", shortened).Single(r => r.Name == "OdooWorkersSaturated");
        Assert.Equal("7s", ((YamlDotNet.RepresentationModel.YamlScalarNode)saturated.Node["for"]).Value);
        Assert.Equal(normal.Split('\n').Length, shortened.Split('\n').Length);
        // The for: line and the description that quotes the window; nothing else.
        var changed = normal.Split('\n').Zip(shortened.Split('\n')).Where(p => p.First != p.Second).ToList();
        Assert.Equal(2, changed.Count);
        Assert.All(changed, p => Assert.Equal(p.First.Replace("5m", "7s", StringComparison.Ordinal), p.Second));
    }

    [Theory]
    [InlineData("alerts:\n  worker_saturated_share: lots\n", "not valid")]
    [InlineData("alerts:\n  proxy_down_for: 2 minutes\n", "Prometheus duration")]
    [InlineData("operations:\n  sale_order.confirm:\n    p42_seconds: 2\n", "not a known setting")]
    [InlineData("operations:\n  sale_order.confirm:\n    failure_rate: often\n", "positive number")]
    [InlineData("operations:\n  sale_order.confirm:\n    p95_seconds: -1\n", "positive number")]
    [InlineData("operations:\n  'sale\"order':\n    p95_seconds: 1\n", "not an operation name")]
    [InlineData("limits:\n  x: 1\n", "unknown section")]
    [InlineData("selectors:\n  runbook_base: docs/runbooks.md#top\n", "without #")]
    [InlineData("selectors:\n  containers: odoo|(postgres\n", "regular expression")]
    [InlineData("selectors:\n  volume_mountpoints: '/\"x'\n", "regular expression")]
    public void MalformedThresholds_AreRefusedWithTheKeyNamed(string yaml, string message)
    {
        var error = Assert.Throws<FormatException>(() => AlertRuleGenerator.Render(yaml, Template));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("docs/runbooks.md")]
    [InlineData("https://git.example.com/ops/odoo-latency-proxy/blob/main/docs/runbooks.md")]
    public void RunbookBase_IsASettingEveryAlertLinksFromWithItsOwnAnchor(string runbookBase)
    {
        var yaml = Repo.Read("deploy/prometheus/thresholds.yml").Replace("  runbook_base: docs/runbooks.md\n", $"  runbook_base: {runbookBase}\n", StringComparison.Ordinal);
        var alerts = MonitoringQueries.RulesOf("x", AlertRuleGenerator.Render(yaml, Template)).Where(r => r.IsAlert).ToList();
        Assert.NotEmpty(alerts);
        Assert.All(alerts, a => Assert.Equal($"{runbookBase}#{a.Name.ToLowerInvariant()}",
            ((YamlDotNet.RepresentationModel.YamlScalarNode)((YamlDotNet.RepresentationModel.YamlMappingNode)a.Node["annotations"])["runbook_url"]).Value));
    }

    [Fact]
    public void AValueTheTemplateNeeds_MissingFromTheThresholds_IsRefused()
    {
        var yaml = Repo.Read("deploy/prometheus/thresholds.yml").Replace("  cron_missed_intervals: 2\n", "", StringComparison.Ordinal);
        var error = Assert.Throws<FormatException>(() => AlertRuleGenerator.Render(yaml, Template));
        Assert.Contains("'cron_missed_intervals'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TuneOutputOfTheLoadTestHarness_ReplacesOnlyTheOperationsSection()
    {
        // docs/loadtest.md: what `OdooLatencyProxy.LoadTest tune` writes.
        const string tuned = """
            # Proposed by OdooLatencyProxy.LoadTest tune from report.json:
            # threshold = baseline p95 x 1.5, rounded up to two significant digits, at least 50ms.
            # skipped report.render: 18 requests, fewer than 20
            operations:
              invoice.post:
                p95_seconds: 0.21
                p99_seconds: 0.4
              sale_order.confirm:
                p95_seconds: 0.067
                failure_rate: 0.02
              rpc:res.partner.write:
                p95_seconds: 0.5
              ui.read:
                p99_seconds: 1.2
            """;
        var shipped = Repo.Read("deploy/prometheus/thresholds.yml");
        var merged = AlertRuleGenerator.Thresholds.MergeOperations(shipped, tuned);

        Assert.StartsWith(shipped[..shipped.IndexOf("\noperations:", StringComparison.Ordinal)], merged, StringComparison.Ordinal);
        Assert.Contains("# skipped report.render", merged, StringComparison.Ordinal);
        var thresholds = AlertRuleGenerator.Thresholds.Parse(merged);
        // Only p95_seconds makes an alert; ui.read has none.
        Assert.Equal([("invoice.post", "0.21"), ("sale_order.confirm", "0.067"), ("rpc:res.partner.write", "0.5")], thresholds.Operations);
        var rules = MonitoringQueries.RulesOf("x", AlertRuleGenerator.Render(merged, Template)).Where(r => r.Name == "OdooOperationLatencyHigh").ToList();
        Assert.Contains(rules, r => r.Expr.Contains("odoo_operation=\"sale_order.confirm\"", StringComparison.Ordinal) && r.Expr.Contains("> 0.067\n", StringComparison.Ordinal));
        Assert.Equal(3, rules.Count);
        // The proxy takes the catalog names as rule names (so 0.067 becomes a bucket edge); rpc: names cannot be rules.
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(AlertRuleGenerator.RenderProxySettings(merged)))).Build();
        var classifier = ClassifierLoader.Load(configuration);
        Assert.Equal([0.067, 0.21], classifier.ThresholdsSeconds);
        Assert.Contains(0.067, ProxyInstruments.WithThresholds(classifier.ThresholdsSeconds));
    }

    [Fact]
    public void MalformedTuneOutput_IsRefusedBeforeAnythingIsMerged()
    {
        var error = Assert.Throws<FormatException>(() => AlertRuleGenerator.Thresholds.MergeOperations(Repo.Read("deploy/prometheus/thresholds.yml"), "operations:\n  x:\n    p95_seconds: soon\n"));
        Assert.Contains("p95_seconds", error.Message, StringComparison.Ordinal);
    }
}

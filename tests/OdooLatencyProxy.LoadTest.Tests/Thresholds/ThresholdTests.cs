using OdooLatencyProxy.LoadTest.Cli;
using OdooLatencyProxy.LoadTest.Tests.Support;
using OdooLatencyProxy.LoadTest.Thresholds;

namespace OdooLatencyProxy.LoadTest.Tests.Thresholds;

public sealed class ThresholdTests
{
    // One step whose latency the simulator fixes (X-Sim-Delay-Ms), so thresholds around it are certain either way.
    private const string FixedLatencyScenario = """
        { "name": "fixed-latency", "login": { "database": "odoo", "login": "admin", "password": "admin" },
          "steps": [ { "request": { "callKw": { "model": "res.partner", "method": "web_read", "args": [[7]] }, "headers": { "X-Sim-Delay-Ms": "60" } } } ] }
        """;

    private const string FailingScenario = """
        { "name": "failing", "login": { "database": "odoo", "login": "admin", "password": "admin" },
          "steps": [ { "request": { "callButton": { "model": "sale.order", "method": "action_confirm", "args": [[7]] }, "headers": { "X-Sim-Fail": "rpc_error" } } } ] }
        """;

    [Theory]
    [InlineData("p95 < 2s", "p95", false, 2.0)]
    [InlineData("p99<=500ms", "p99", true, 0.5)]
    [InlineData("p99.9 < 1.5s", "p99.9", false, 1.5)]
    [InlineData("failure_rate < 1%", "failure_rate", false, 0.01)]
    [InlineData("failure_rate <= 0.05", "failure_rate", true, 0.05)]
    [InlineData("max < 10s", "max", false, 10)]
    public void Expression_Parses(string expression, string metric, bool orEqual, double limit)
    {
        var threshold = Threshold.Parse("sale_order.confirm", expression);
        Assert.Equal(metric, threshold.Metric);
        Assert.Equal(orEqual, threshold.OrEqual);
        Assert.Equal(limit, threshold.Limit, 9);
    }

    [Theory]
    [InlineData("p95 > 2s")]
    [InlineData("p42x < 2s")]
    [InlineData("p95 < fast")]
    [InlineData("failure_rate < 150%")]
    public void BadExpression_IsRefused(string expression) =>
        Assert.Throws<FormatException>(() => Threshold.Parse("*", expression));

    [Fact]
    public void ThresholdOnAnOperationThatNeverRan_Fails()
    {
        var result = ThresholdEvaluator.Evaluate([Threshold.Parse("invoice.post", "p95 < 2s")], []);
        Assert.False(result.Passed);
    }

    [Fact]
    public async Task ViolatedLatencyThreshold_FailsTheRunWithExit99_AndMetThresholdsPassWithExit0()
    {
        var dir = TestSupport.TempDirectory();
        var scenario = Path.Combine(dir, "fixed.json");
        await File.WriteAllTextAsync(scenario, FixedLatencyScenario, TestContext.Current.CancellationToken);

        var (failed, failedOutput) = await TestSupport.CliAsync("run", scenario, "--rate", "20", "--duration", "1s", "--out", Path.Combine(dir, "a"), "--quiet",
            "--threshold", "ui.read: p95 < 20ms", "--threshold", "failure_rate < 1%");
        Assert.Equal(ExitCodes.ThresholdsFailed, failed);
        Assert.Contains("thresholds: FAIL", failedOutput, StringComparison.Ordinal);
        var report = TestSupport.ReadReport(Path.Combine(dir, "a"));
        Assert.False(report.Thresholds!.Passed);
        Assert.Contains(report.Thresholds.Results, r => r is { Operation: "ui.read", Expression: "p95 < 20ms", Passed: false });

        var (passed, passedOutput) = await TestSupport.CliAsync("run", scenario, "--rate", "20", "--duration", "1s", "--out", Path.Combine(dir, "b"), "--quiet",
            "--threshold", "ui.read: p95 < 5s", "--threshold", "failure_rate < 1%");
        Assert.Equal(ExitCodes.Ok, passed);
        Assert.Contains("thresholds: PASS", passedOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BusinessErrorsInHttp200_CountAsFailures_AndFailTheFailureRateThreshold()
    {
        var dir = TestSupport.TempDirectory();
        var scenario = Path.Combine(dir, "failing.json");
        await File.WriteAllTextAsync(scenario, FailingScenario, TestContext.Current.CancellationToken);
        var (code, _) = await TestSupport.CliAsync("run", scenario, "--rate", "20", "--duration", "1s", "--out", dir, "--quiet", "--threshold", "sale_order.confirm: failure_rate < 1%");
        Assert.Equal(ExitCodes.ThresholdsFailed, code);
        var confirm = TestSupport.ReadReport(dir).Operations.Single(o => o.Operation == "sale_order.confirm");
        Assert.Equal(1.0, confirm.FailureRate);
        Assert.Equal(confirm.Count, confirm.Outcomes["rpc_error"]);
    }
}

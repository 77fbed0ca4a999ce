using OdooLatencyProxy.LoadTest.Cli;
using OdooLatencyProxy.LoadTest.Tests.Support;

namespace OdooLatencyProxy.LoadTest.Tests.Cli;

/// <summary>Each shipped scenario, briefly, against the simulator behind the real proxy (the default target).</summary>
[Collection(RunsAlone.Name)]
public sealed class ShippedScenarioRunTests
{
    [Theory]
    [InlineData("sales-day", "ui.read")]
    [InlineData("accounting-close", "invoice.post")]
    [InlineData("webshop-peak", "shop.browse")]
    [InlineData("long-job-holds-workers", "ui.read")]
    public async Task ShortRun_CompletesWritesParsableReports_AndClientAndProxyPercentilesAgree(string scenario, string busiest)
    {
        var dir = TestSupport.TempDirectory();
        var (code, output) = await TestSupport.CliAsync("run", scenario, "--rate", "25", "--duration", "3s", "--out", dir, "--quiet",
            "--param", "job_ms=1500", "--require-agreement");

        Assert.True(code == ExitCodes.Ok, $"exit {code}:\n{output}");
        var report = TestSupport.ReadReport(dir);
        Assert.Equal(scenario, report.Scenario);
        Assert.True(report.Totals.Requests >= 30, $"{report.Totals.Requests} requests");
        Assert.Equal(0, report.Totals.Failures);
        Assert.Equal(0, report.Totals.Dropped);
        Assert.True(report.Thresholds!.Passed);

        // The proxy saw exactly the requests the client sent, and p95 agrees within the measurement error.
        var crossCheck = report.CrossCheck!;
        Assert.Null(crossCheck.Error);
        Assert.True(crossCheck.Agreed);
        var row = crossCheck.Operations.Single(o => o.Operation == busiest);
        Assert.True(row.Agrees);
        Assert.Equal(row.ClientCount, row.ProxyCount);
        Assert.All(crossCheck.Operations, o => Assert.Equal(o.ClientCount, o.ProxyCount));
        TestContext.Current.TestOutputHelper?.WriteLine($"{busiest}: client p95 {row.ClientP95 * 1000:0.0} ms, proxy p95 {row.ProxyP95 * 1000:0.0} ms");

        var html = TestSupport.ReadHtml(dir);
        var svg = html.Descendants().Where(e => e.Name.LocalName == "svg").ToList();
        Assert.Equal(3, svg.Count);
        Assert.Contains(html.Descendants().Where(e => e.Name.LocalName == "td"), td => td.Value == busiest);
    }

    [Fact]
    public async Task LongJobs_HoldWorkersWhileTheMixRuns()
    {
        var dir = TestSupport.TempDirectory();
        var (code, output) = await TestSupport.CliAsync("run", "long-job-holds-workers", "--rate", "10", "--duration", "2s", "--out", dir, "--quiet", "--param", "job_ms=1000");
        Assert.True(code == ExitCodes.Ok, output);
        var jobs = TestSupport.ReadReport(dir).Operations.Single(o => o.Operation == "queue_job.run");
        // Two loops of 1 s jobs over a 2 s run: at least two each, every one holding a worker for its whole second.
        Assert.InRange(jobs.Count, 4, 8);
        Assert.True(jobs.ServiceTime.P50 >= 1.0, $"job p50 {jobs.ServiceTime.P50}");
    }

    [Fact]
    public async Task MissingScenario_IsAUsageError()
    {
        var (code, output) = await TestSupport.CliAsync("run", "no-such-scenario", "--duration", "1s", "--quiet");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("does not exist", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateAndUsers_ExcludeEachOther()
    {
        var (code, _) = await TestSupport.CliAsync("run", "sales-day", "--rate", "5", "--users", "5");
        Assert.NotEqual(ExitCodes.Ok, code);
    }
}

using OdooLatencyProxy.LoadTest.Engine;
using OdooLatencyProxy.LoadTest.Hosting;
using OdooLatencyProxy.LoadTest.Results;
using OdooLatencyProxy.LoadTest.Scenarios;
using OdooSimulator;

namespace OdooLatencyProxy.LoadTest.Tests.Engine;

/// <summary>A 1 s stall of every Odoo worker in the middle of a run: the open model's p99 shows it, the closed model's hides it.</summary>
public sealed class CoordinatedOmissionTests
{
    private static readonly TimeSpan StallLength = TimeSpan.FromSeconds(1);

    private static readonly Scenario Reads = Scenario.Parse("""
        { "name": "reads", "login": { "database": "odoo", "login": "admin", "password": "admin" },
          "steps": [ { "request": { "callKw": { "model": "res.partner", "method": "web_read", "args": [[7]] } } } ] }
        """, "inline");

    [Fact]
    public async Task StallInTheMiddle_OpenModelP99ReflectsIt_ClosedModelHidesIt()
    {
        var open = await RunWithStallAsync(new RunSettings { Target = new Uri("http://unused/"), Model = LoadModel.Open, StartRate = 40, Duration = TimeSpan.FromSeconds(3) });
        var closed = await RunWithStallAsync(new RunSettings
        {
            Target = new Uri("http://unused/"), Model = LoadModel.Closed, Users = 1,
            ThinkTime = new ThinkTime(TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(2)), Duration = TimeSpan.FromSeconds(3),
        });

        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"open model (40 req/s):       n={open.Count} p50={Durations.FormatSeconds(open.Latency.P50)} p99={Durations.FormatSeconds(open.Latency.P99)} max={Durations.FormatSeconds(open.Latency.Max)} service p99={Durations.FormatSeconds(open.ServiceTime.P99)}");
        output?.WriteLine($"closed model (1 user):       n={closed.Count} p50={Durations.FormatSeconds(closed.Latency.P50)} p99={Durations.FormatSeconds(closed.Latency.P99)} max={Durations.FormatSeconds(closed.Latency.Max)}");

        // Open: every request scheduled during the stall waited for it, from its intended send time: p99 near the stall.
        Assert.True(open.Latency.P99 >= 0.5 * StallLength.TotalSeconds, $"open p99 {open.Latency.P99}");
        // Closed: the stall hit the user (max shows it), but it simply did not send meanwhile, so one request among
        // hundreds saw it: p99 stays low.
        Assert.True(closed.Latency.Max >= 0.5 * StallLength.TotalSeconds, $"closed max {closed.Latency.Max}");
        Assert.True(closed.Latency.P99 < 0.5 * StallLength.TotalSeconds, $"closed p99 {closed.Latency.P99}");
        Assert.True(closed.Latency.P99 < open.Latency.P99 / 2);
    }

    private static async Task<OperationReport> RunWithStallAsync(RunSettings settings)
    {
        await using var target = await LocalTarget.StartAsync(new SimulatorOptions { Workers = 4, LatencyScale = 0.25 }, TestContext.Current.CancellationToken);
        var runner = new LoadRunner(Reads, settings with { Target = target.Target, Login = Reads.File.Login, Sessions = 2 });
        var run = runner.RunAsync(null, TestContext.Current.CancellationToken);
        // Stall once the run is well under way (a condition, not a sleep); it ends by itself after StallLength.
        await Wait.UntilAsync(() => runner.Results?.Operations("ui.read") >= 20 || run.IsCompleted, "20 reads finished");
        using var stall = target.Simulator.Stall(StallLength);
        var result = await run;
        return ReportBuilder.Build(result, "reads", null, null).Operations.Single(o => o.Operation == "ui.read");
    }
}

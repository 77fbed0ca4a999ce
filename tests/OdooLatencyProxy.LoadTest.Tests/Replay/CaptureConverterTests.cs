using System.Text;
using OdooLatencyProxy.LoadTest.Cli;
using OdooLatencyProxy.LoadTest.Engine;
using OdooLatencyProxy.LoadTest.Replay;
using OdooLatencyProxy.LoadTest.Scenarios;
using OdooLatencyProxy.LoadTest.Tests.Support;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.LoadTest.Tests.Replay;

public sealed class CaptureConverterTests
{
    [Fact]
    public void RealCapture_BecomesAWeightedScenarioOfItsBusinessRequests_WithoutSessionsOrLogins()
    {
        var file = CaptureConverter.Convert(TestSupport.Capture);
        var text = CaptureConverter.Serialize(file);
        var scenario = Scenario.Compile(file, "capture");
        Assert.DoesNotContain("REDACTED", text, StringComparison.Ordinal);
        Assert.DoesNotContain("PASSWORD", text, StringComparison.Ordinal);
        Assert.DoesNotContain(scenario.Steps, s => s.Requests.Any(r => r.Path.Render(_ => default).StartsWith("/web/login", StringComparison.Ordinal)));
        Assert.DoesNotContain(scenario.Steps, s => s.Requests.Any(r => r.Path.Render(_ => default).StartsWith("/websocket", StringComparison.Ordinal)));
        Assert.Contains("skipped", file.Description, StringComparison.Ordinal);

        var classifier = new RequestClassifier();
        var values = new StepValues(scenario, new Session(file.Login) { Uid = 2 }, new Random(1), () => 1);
        var names = scenario.Steps.SelectMany(s => s.Requests).Select(r =>
            classifier.Classify(r.Method, r.Path.Render(values.Get).Split('?')[0], r.Body is null ? [] : Encoding.UTF8.GetBytes(r.Body.Render(values.Get))).Name).ToHashSet();
        Assert.Contains("sale_order.confirm", names);
        Assert.Contains("invoice.post", names);
        Assert.Contains("ui.write", names);
        Assert.True(scenario.Steps.Sum(s => s.Weight) > scenario.Steps.Count, "repeated requests are merged into weights");
    }

    [Fact]
    public async Task ReplayCommand_WritesAScenarioThatRuns()
    {
        var dir = TestSupport.TempDirectory();
        var scenario = Path.Combine(dir, "capture.json");
        var (code, _) = await TestSupport.CliAsync("replay", TestSupport.Capture, "--out", scenario);
        Assert.Equal(ExitCodes.Ok, code);
        var (runCode, output) = await TestSupport.CliAsync("run", scenario, "--rate", "15", "--duration", "1s", "--out", dir, "--quiet");
        Assert.True(runCode == ExitCodes.Ok, output);
        Assert.NotEmpty(TestSupport.ReadReport(dir).Operations);
    }
}

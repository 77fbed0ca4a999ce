using OdooLatencyProxy.LoadTest.Cli;
using OdooLatencyProxy.LoadTest.Engine;
using OdooLatencyProxy.LoadTest.Results;
using OdooLatencyProxy.LoadTest.Tests.Support;

namespace OdooLatencyProxy.LoadTest.Tests.Engine;

/// <summary>Seed, pools and captures against the simulator behind the real proxy (real sockets, in-process).</summary>
public sealed class SeedAndCaptureTests
{
    // The simulator's existing records have ids 1..25 and web_save hands out new ids from 1001: a pool holding only
    // ids above 1000 was filled from answers, not from constants or ids that happen to exist.
    private const string Flow = """
        {
          "name": "flow",
          "login": { "database": "odoo", "login": "admin", "password": "admin" },
          "sessions": 2,
          "parameters": { "partner_id": { "pool": "partners" } },
          "seed": [
            { "name": "customers", "times": 3, "put": { "partners": "partner_id" },
              "request": { "callKw": { "model": "res.partner", "method": "create", "args": [{ "name": "c" }] }, "capture": { "partner_id": "result" } } },
            { "name": "quotations", "times": 4, "put": { "draft_orders": "order_id" },
              "request": { "callKw": { "model": "sale.order", "method": "web_save", "args": [[], { "partner_id": "{{partner_id}}" }], "kwargs": { "specification": { "name": {} } } },
                "capture": { "order_id": "result[0].id" } } }
          ],
          "steps": [
            { "name": "quote", "weight": 1, "put": { "draft_orders": "order_id" }, "requests": [
              { "onchange": { "model": "sale.order", "spec": { "partner_id": {} } } },
              { "callKw": { "model": "sale.order", "method": "web_save", "args": [[], { "partner_id": "{{partner_id}}" }], "kwargs": { "specification": { "name": {} } } },
                "capture": { "order_id": "result[0].id" } } ] },
            { "name": "confirm", "weight": 1, "take": { "order_id": "draft_orders" }, "put": { "confirmed": "confirmed_id" }, "requests": [
              { "callButton": { "model": "sale.order", "method": "action_confirm", "args": [["{{order_id}}"]] } },
              { "callKw": { "model": "sale.order", "method": "web_read", "args": [["{{order_id}}"]], "kwargs": { "specification": { "state": {} } } },
                "capture": { "confirmed_id": "result[0].id" } } ] },
            { "name": "invoice", "weight": 1, "take": { "order_id": "confirmed" }, "put": { "invoices": "invoice_id" }, "requests": [
              { "callKw": { "model": "sale.advance.payment.inv", "method": "web_save", "args": [[], {}], "kwargs": { "specification": {}, "context": { "active_ids": ["{{order_id}}"] } } },
                "capture": { "wizard_id": "result[0].id" } },
              { "callButton": { "model": "sale.advance.payment.inv", "method": "create_invoices", "args": [["{{wizard_id}}"]] }, "capture": { "invoice_id": "result.res_id" } } ] }
          ]
        }
        """;

    private static async Task<(int Code, string Output, RunReport Report, LoadRunner Runner)> RunAsync(string json, params string[] extra)
    {
        var dir = TestSupport.TempDirectory();
        var path = Path.Combine(dir, "scenario.json");
        await File.WriteAllTextAsync(path, json, TestContext.Current.CancellationToken);
        var request = new RunRequest
        {
            ScenarioPath = path,
            Rate = 20,
            Duration = TimeSpan.FromSeconds(2),
            OutputDirectory = dir,
            Thresholds = extra,
        };
        LoadRunner? runner = null;
        using var output = new StringWriter();
        var code = await RunCommand.ExecuteAsync(request, output, null, TestContext.Current.CancellationToken, (r, _) =>
        {
            runner = r;
            return Task.CompletedTask;
        });
        TestContext.Current.TestOutputHelper?.WriteLine(output.ToString());
        return (code, output.ToString(), File.Exists(Path.Combine(dir, RunCommand.JsonReportName)) ? TestSupport.ReadReport(dir) : null!, runner!);
    }

    [Fact]
    public async Task SeedThenSteps_PassIdsFromAnswerToRequest_AndEveryPoolHoldsOnlyIdsThisRunCreated()
    {
        var (code, output, report, runner) = await RunAsync(Flow, "failure_rate < 1%");

        Assert.True(code == ExitCodes.Ok, output);
        Assert.Equal(0, report.Totals.Failures);
        Assert.Contains(report.Notes, n => n.StartsWith("Seed: 7 step(s)", StringComparison.Ordinal));
        Assert.Contains(report.Notes, n => n.StartsWith("Odoo 17 (version_info)", StringComparison.Ordinal));
        var pools = runner.Scenario.Pools;
        Assert.Equal(3, pools.Count("partners"));
        Assert.True(pools.Count("invoices") > 0, output);
        foreach (var pool in new[] { "partners", "draft_orders", "confirmed" })
        {
            var ids = Drain(pools, pool);
            Assert.All(ids, id => Assert.True(id > 1000, $"pool {pool} holds {id}, an id the run did not create"));
            Assert.Equal(ids.Count, ids.Distinct().Count());
        }

        // Every confirm took a draft made by this run (seeded or quoted), and none was confirmed twice.
        var confirms = report.Operations.Single(o => o.Operation == "sale_order.confirm").Count;
        Assert.True(confirms > 0);
        var cross = report.CrossCheck!;
        Assert.All(cross.Operations, o => Assert.Equal(o.ClientCount, o.ProxyCount));
    }

    [Fact]
    public async Task CaptureThatFindsNothing_FailsTheRequestWithTheReason_AndTheStepStops()
    {
        var json = """
            { "name": "bad", "login": {},
              "steps": [ { "name": "save", "requests": [
                { "callKw": { "model": "sale.order", "method": "web_save", "args": [[], {}], "kwargs": { "specification": { "name": {} } } }, "capture": { "order_id": "result[0].order_ref" } },
                { "callButton": { "model": "sale.order", "method": "action_confirm", "args": [["{{order_id}}"]] } } ] } ] }
            """;

        var (code, output, report, _) = await RunAsync(json, "failure_rate < 1%");

        Assert.Equal(ExitCodes.ThresholdsFailed, code);
        var save = report.Operations.Single(o => o.Operation == "ui.write");
        Assert.Equal(save.Count, save.Outcomes[OdooClient.CaptureFailed]);
        Assert.DoesNotContain(report.Operations, o => o.Operation == "sale_order.confirm");
        Assert.Contains(report.Notes, n => n.StartsWith($"{save.Count} x ui.write: capture 'order_id' (result[0].order_ref): no 'order_ref' in result[0] (first answer: {{", StringComparison.Ordinal));
        Assert.Contains("note: " + save.Count + " x ui.write: capture 'order_id'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StepWhosePoolIsEmpty_IsSkippedAndCounted_NotSentAgainstSomeOtherRecord()
    {
        var json = """
            { "name": "empty", "login": {},
              "steps": [
                { "name": "browse", "weight": 1, "request": { "callKw": { "model": "sale.order", "method": "web_search_read", "args": [], "kwargs": { "specification": { "name": {} } } } } },
                { "name": "confirm", "weight": 1, "take": { "order_id": "draft_orders" },
                  "request": { "callButton": { "model": "sale.order", "method": "action_confirm", "args": [["{{order_id}}"]] } } } ] }
            """;

        var (code, output, report, _) = await RunAsync(json);

        Assert.True(code == ExitCodes.Ok, output);
        Assert.DoesNotContain(report.Operations, o => o.Operation == "sale_order.confirm");
        Assert.Contains(report.Notes, n => n.EndsWith("x step 'confirm' skipped: pool 'draft_orders' is empty", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SeedThatFails_StopsTheRunBeforeTheLoad()
    {
        var json = """
            { "name": "seedfail", "login": {},
              "seed": [ { "name": "customers", "times": 2, "put": { "partners": "partner_id" },
                "request": { "callKw": { "model": "res.partner", "method": "create", "args": [{}] }, "capture": { "partner_id": "result.id" } } } ],
              "steps": [ { "name": "browse", "request": { "get": "/web" } } ] }
            """;

        var (code, output, _, _) = await RunAsync(json);

        Assert.Equal(ExitCodes.RunFailed, code);
        Assert.Contains("seed 'customers' failed 2 of 2 times", output, StringComparison.Ordinal);
        Assert.Contains("capture 'partner_id' (result.id)", output, StringComparison.Ordinal);
    }

    private static List<long> Drain(OdooLatencyProxy.LoadTest.Scenarios.Pools pools, string pool)
    {
        var ids = new List<long>();
        while (pools.Count(pool) > 0)
        {
            ids.Add(long.Parse(pools.Take(pool).Text, System.Globalization.CultureInfo.InvariantCulture));
        }

        return ids;
    }
}

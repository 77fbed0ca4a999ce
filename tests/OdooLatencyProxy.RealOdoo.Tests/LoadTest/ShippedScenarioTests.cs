using System.Globalization;
using Npgsql;
using OdooLatencyProxy.LoadTest.Cli;
using OdooLatencyProxy.LoadTest.CrossCheck;
using OdooLatencyProxy.LoadTest.Engine;
using OdooLatencyProxy.LoadTest.Results;
using OdooLatencyProxy.LoadTest.Scenarios;
using OdooLatencyProxy.RealOdoo.Tests.Support;

namespace OdooLatencyProxy.RealOdoo.Tests.LoadTest;

/// <summary>
/// Each shipped scenario through the real proxy in front of the real Odoo, briefly (2 steps/s for 15 s after its
/// seed): under 1 % failures, the business operations really done in Odoo's database, client and proxy agreeing.
/// </summary>
public sealed class ShippedScenarioTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task SalesDay_ConfirmsOrdersAndPostsInvoicesInOdoo_UnderOnePercentFailures_AndAgreesWithTheProxy()
    {
        var (report, pools) = await RunAsync("sales-day");

        Assert.True(report.Operations.Single(o => o.Operation == "sale_order.confirm").Count > 0);
        await AssertStateAsync("sale_order", Ids(pools, "confirmed_orders"), "state", "sale");
        await AssertStateAsync("account_move", Ids(pools, "posted_invoices"), "state", "posted");
        await AssertStateAsync("account_move", Ids(pools, "draft_invoices"), "state", "draft");
    }

    [Fact]
    public async Task AccountingClose_PostsInvoicesAndRegistersPayments_UnderOnePercentFailures_AndAgreesWithTheProxy()
    {
        var (report, pools) = await RunAsync("accounting-close");

        Assert.True(report.Operations.Single(o => o.Operation == "invoice.post").Count > 0);
        await AssertStateAsync("account_move", Ids(pools, "posted_invoices"), "state", "posted");
        await AssertStateAsync("account_move", Ids(pools, "paid_invoices"), "payment_state", "paid", "in_payment");
    }

    [Fact]
    public async Task WebshopPeak_VisitorsBrowseAndFillCarts_UnderOnePercentFailures_AndAgreesWithTheProxy()
    {
        var started = DateTime.UtcNow;
        var (report, pools) = await RunAsync("webshop-peak");

        Assert.True(report.Operations.Single(o => o.Operation == "shop.browse").Count > 0);
        await AssertStateAsync("product_template", Ids(pools, "templates"), "is_published", "True");
        // Add to cart puts lines into website orders (a visitor's cart).
        var lines = await ScalarAsync(
            "select count(*) from sale_order_line l join sale_order o on o.id = l.order_id where o.website_id is not null and l.create_date >= @since", started.AddSeconds(-5));
        Assert.True(lines > 0, "add to cart put no line into a webshop cart");
    }

    [Fact]
    public async Task LongJobHoldsWorkers_RunsItsSalesMixOnARealOdoo_WithoutTheSimulatorOnlyJobs()
    {
        var (report, pools) = await RunAsync("long-job-holds-workers");

        Assert.DoesNotContain(report.Operations, o => o.Operation == "queue_job.run");
        Assert.Contains(report.Notes, n => n.StartsWith("Left out against a real target (simulator only): long queue job", StringComparison.Ordinal));
        await AssertStateAsync("sale_order", Ids(pools, "confirmed_orders"), "state", "sale");
        await AssertStateAsync("account_move", Ids(pools, "posted_invoices"), "state", "posted");
    }

    private static async Task<(RunReport Report, Pools Pools)> RunAsync(string scenario)
    {
        var odoo = RealOdooServer.Require(database: true);
        await RenderPdfsDirectlyAsync(odoo);
        await using var proxy = await ProxyInFront.StartAsync(odoo);
        var dir = Path.Combine(Path.GetTempPath(), "realodoo-loadtest-" + Guid.NewGuid().ToString("N")[..8]);
        var request = new RunRequest
        {
            ScenarioPath = scenario,
            Target = proxy.PublicUri,
            ProxyAdmin = proxy.AdminUri,
            Rate = 2,
            Duration = Duration,
            Database = odoo.Database,
            Login = odoo.Login,
            Password = odoo.Password,
            OutputDirectory = dir,
            RequestTimeout = TimeSpan.FromSeconds(60),
            // The harness, the proxy and the test host share one process on a 2-core CI machine, and in 15 s an
            // operation has 10-20 requests, so its p95 is one request: a single GC or scheduling pause on the client
            // side (CI saw 8 ms on ui.read) is enough to exceed the CLI's default 5 ms + 10 %. 20 ms still fails a
            // proxy that times the wrong span (Odoo's answers take 20-400 ms here). The documented 60 s runs use the default.
            // The other way round, the proxy's thread may wait for a CPU after its last write woke the client (CI saw
            // one ui.read of 19 timed longer by the proxy, enough to lift its p50 over the client's): 10 ms, not 5.
            Agreement = new AgreementSettings { Absolute = TimeSpan.FromMilliseconds(20), Relative = 0.10, ProxyClockLag = TimeSpan.FromMilliseconds(10) },
        };
        LoadRunner? runner = null;
        using var output = new StringWriter();
        var code = await RunCommand.ExecuteAsync(request, output, null, TestContext.Current.CancellationToken, (r, _) =>
        {
            runner = r;
            return Task.CompletedTask;
        });
        TestContext.Current.TestOutputHelper?.WriteLine(output.ToString());

        // Latency thresholds (exit 99) depend on the host; what must hold is that the run worked and was measured right.
        Assert.True(code is ExitCodes.Ok or ExitCodes.ThresholdsFailed, $"exit {code}:\n{output}");
        var report = System.Text.Json.JsonSerializer.Deserialize<RunReport>(
            await File.ReadAllTextAsync(Path.Combine(dir, RunCommand.JsonReportName), TestContext.Current.CancellationToken),
            OdooLatencyProxy.LoadTest.Json.ReadOptions)!;
        Assert.True(report.Totals.Requests >= 30, $"{report.Totals.Requests} requests\n{output}");
        Assert.True(report.Totals.FailureRate < 0.01, $"failure rate {report.Totals.FailureRate:P2}\n{output}");
        Assert.Contains(report.Notes, n => n.StartsWith("Odoo 17 (version_info)", StringComparison.Ordinal) || n.StartsWith("Odoo 18", StringComparison.Ordinal) || n.StartsWith("Odoo 19", StringComparison.Ordinal));
        Assert.DoesNotContain(report.Notes, n => n.Contains("skipped", StringComparison.Ordinal));

        var crossCheck = report.CrossCheck!;
        Assert.Null(crossCheck.Error);
        Assert.True(crossCheck.Agreed == true, $"cross-check: {crossCheck.Summary}\n{output}");
        Assert.Contains(crossCheck.Operations, o => o.Agrees == true);
        return (report, runner!.Scenario.Pools);
    }

    // wkhtmltopdf fetches a report's assets from web.base.url, which follows the admin's login: through this test's proxy
    // (an ephemeral port that later tests no longer have), and behind the PDF requests that hold both workers. Staging
    // and production set report.url to Odoo's own address for the same reason (docs/loadtest.md).
    private static async Task RenderPdfsDirectlyAsync(RealOdooServer odoo)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = true }) { BaseAddress = odoo.Url, Timeout = TimeSpan.FromSeconds(60) };
        var token = TestContext.Current.CancellationToken;
        using var login = await http.PostAsync(OdooLatencyProxy.Odoo.OdooRequests.AuthenticatePath, Rpc(OdooLatencyProxy.Odoo.OdooRequests.AuthenticateParams(odoo.Database, odoo.Login, odoo.Password)), token);
        login.EnsureSuccessStatusCode();
        var setParam = OdooLatencyProxy.Odoo.OdooRequests.CallParams("ir.config_parameter", "set_param", ["report.url", odoo.Url!.ToString().TrimEnd('/')], null);
        using var response = await http.PostAsync(OdooLatencyProxy.Odoo.OdooRequests.CallKwPath("ir.config_parameter", "set_param"), Rpc(setParam), token);
        var body = await response.Content.ReadAsStringAsync(token);
        Assert.True(response.IsSuccessStatusCode && !body.Contains("\"error\"", StringComparison.Ordinal), body);

        static StringContent Rpc(System.Text.Json.Nodes.JsonObject parameters) =>
            new(OdooLatencyProxy.Odoo.OdooRequests.JsonRpcEnvelope(parameters, 1).ToJsonString(), System.Text.Encoding.UTF8, "application/json");
    }

    private static List<long> Ids(Pools pools, string pool)
    {
        var ids = new List<long>();
        while (pools.Count(pool) > 0)
        {
            ids.Add(long.Parse(pools.Take(pool).Text, CultureInfo.InvariantCulture));
        }

        Assert.True(ids.Count > 0, $"pool '{pool}' is empty: the run created no such record");
        return ids;
    }

    // Every record the run put in that pool is in the expected state in Odoo's own database.
    private static async Task AssertStateAsync(string table, List<long> ids, string column, params string[] expected)
    {
        await using var connection = new NpgsqlConnection(RealOdooServer.Current.PgConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand($"select id, {column}::text from {table} where id = any(@ids)", connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        var states = new Dictionary<long, string>();
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                states[reader.GetInt32(0)] = reader.GetString(1);
            }
        }

        var normalized = expected.Select(e => e == "True" ? "true" : e).ToArray();
        Assert.Equal(ids.Order(), states.Keys.Order());
        Assert.All(states, s => Assert.True(normalized.Contains(s.Value), $"{table} {s.Key}: {column} is '{s.Value}', expected {string.Join(" or ", expected)}"));
    }

    private static async Task<long> ScalarAsync(string sql, DateTime since)
    {
        await using var connection = new NpgsqlConnection(RealOdooServer.Current.PgConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("since", since);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), CultureInfo.InvariantCulture);
    }
}

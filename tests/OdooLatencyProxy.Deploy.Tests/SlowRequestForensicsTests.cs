using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Npgsql;
using OdooLatencyProxy.Hosting;
using OdooLatencyProxy.Tests.Collector;
using OdooLatencyProxy.Tests.Infrastructure;
using OdooSimulator;
using OdooSimulator.Hosting;

namespace OdooLatencyProxy.Tests.Deploy;

/// <summary>
/// Slow-request forensics end to end, in the project that runs the real proxy with its collector on a real PostgreSQL
/// (the functional tests have no database): a statement sleeping in Odoo's database while a request is slow shows
/// beside that request in <c>/api/slow-requests</c>, a statement run after it does not.
/// </summary>
public sealed class SlowRequestForensicsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task SlowRequest_WhileAStatementSleeps_ListsThatStatement_NotOneRunAfterwards()
    {
        var ct = TestContext.Current.CancellationToken;
        var db = await OdooDatabase.CreateAsync(postgres.Server, 17);
        await using var sim = await OdooSimulatorServer.StartAsync(new SimulatorOptions { Workers = 2 });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collector:ConnectionString"] = db.CollectorConnectionString,
            ["Collector:ActivityInterval"] = "00:00:00.2",
            ["Telemetry:SlowRequestThreshold"] = "00:00:00.5",
        }).Build();
        await using var proxy = await ProxyHost.StartAsync(TestProxy.Options(sim.HttpUri, sim.GeventUri, workers: 2), configuration);
        using var client = TestProxy.Client(proxy);
        using var admin = new HttpClient { BaseAddress = proxy.AdminUri };
        await using var odoo = new NpgsqlConnection(postgres.Server.AdminConnectionString(db.Name) + ";Application Name=odoo-worker");
        await odoo.OpenAsync(ct);

        await using (var sleepCmd = new NpgsqlCommand("SELECT pg_sleep(1.5), 'during'", odoo))
        {
            var sleep = sleepCmd.ExecuteScalarAsync(ct);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/odoo/action-42?access_token=SECRET", UriKind.Relative));
            request.Headers.Add("X-Sim-Delay-Ms", "1000");
            (await client.SendAsync(request, ct)).Dispose();
            await sleep;
        }
        await using (var later = new NpgsqlCommand("SELECT pg_sleep(0.6) AS later", odoo))
        {
            await later.ExecuteScalarAsync(ct);
        }

        JsonElement slow = default;
        await Wait.UntilAsync(async () =>
        {
            var document = await admin.GetFromJsonAsync<JsonElement>(new Uri("/api/slow-requests", UriKind.Relative), ct);
            // The simulator redirects to /web/login, which the client follows: that one is slow too, and later.
            slow = Assert.Single(document.GetProperty("requests").EnumerateArray(), r => r.GetProperty("path").GetString() == "/odoo/action-42");
            return slow.GetProperty("statementsState").GetString() is "sampled" or "partial";
        }, "the slow request gets its statements");

        var statements = slow.GetProperty("statements").EnumerateArray().ToList();
        var sleeping = Assert.Single(statements, s => s.GetProperty("pid").GetInt32() == odoo.ProcessID);
        Assert.Equal("SELECT pg_sleep(?), ?", sleeping.GetProperty("query").GetString());
        Assert.Equal("odoo-worker", sleeping.GetProperty("applicationName").GetString());
        Assert.True(sleeping.GetProperty("queryStart").GetDateTimeOffset() <= slow.GetProperty("startedAt").GetDateTimeOffset() + TimeSpan.FromSeconds(0.5));
        Assert.DoesNotContain(statements, s => s.GetProperty("query").GetString()!.Contains("later", StringComparison.Ordinal));
    }
}

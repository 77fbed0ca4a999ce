using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OdooLatencyProxy.Collector;
using OdooLatencyProxy.Odoo.Metrics;

namespace OdooLatencyProxy.Tests.Collector;

public sealed class CollectorHostTests(PostgresFixture postgres)
{
    [Fact]
    public async Task DatabaseStoppedMidRun_HostKeepsServing_CollectorReportsErrorsAndRecovers()
    {
        // Its own cluster: stopping the shared one would fail the other tests.
        await using var server = await PostgresServer.StartAsync();
        var db = await OdooDatabase.CreateAsync(server, 17);
        await using var app = await StartHostAsync(new Dictionary<string, string?>
        {
            ["Collector:ConnectionString"] = db.CollectorConnectionString,
            ["Collector:QueueJobInterval"] = "00:00:00.2",
            ["Collector:ConnectionsInterval"] = "00:00:00.2",
            ["Collector:ActivityInterval"] = "00:00:00.2",
            ["Collector:MaxBackoff"] = "00:00:00.5",
            ["Collector:ConnectTimeout"] = "00:00:02",
        });
        using var http = new HttpClient { BaseAddress = Address(app) };
        using var errors = new MetricCollector<long>(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), ProjectMeter.Name, "odoo.collector.errors");

        await Wait.UntilAsync(async () => await ProbeStateAsync(http, "queue_job") == "ok" && await ProbeStateAsync(http, "db_connections") == "ok", "probes ok");

        await server.StopAsync();
        await Wait.UntilAsync(
            async () => await ProbeStateAsync(http, "queue_job") == "error" && errors.GetMeasurementSnapshot().Any(m => Equals(m.Tags["probe"], "queue_job")),
            "queue_job probe reports the outage");
        await Wait.UntilAsync(() => errors.GetMeasurementSnapshot().Count(m => Equals(m.Tags["probe"], "db_connections")) >= 2, "errors keep being counted");
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/ping", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        }

        var status = await http.GetFromJsonAsync<JsonElement>("/api/db/status", TestContext.Current.CancellationToken);
        var queueJob = status.GetProperty("probes").EnumerateArray().Single(p => p.GetProperty("probe").GetString() == "queue_job");
        Assert.False(string.IsNullOrEmpty(queueJob.GetProperty("reason").GetString()));
        Assert.DoesNotContain(PostgresServer.CollectorPassword, status.GetRawText(), StringComparison.Ordinal);

        await server.StartAgainAsync();
        await Wait.UntilAsync(async () => await ProbeStateAsync(http, "queue_job") == "ok" && await ProbeStateAsync(http, "db_connections") == "ok", "probes recover",
            describe: () => http.GetStringAsync(new Uri("/api/db/status", UriKind.Relative)));
        await app.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task ActivityApi_ServesTheLongestTransactionsWithoutLiterals()
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, 18);
        await using var odoo = new Npgsql.NpgsqlConnection(postgres.Server.AdminConnectionString(db.Name) + ";Application Name=odoo-777");
        await odoo.OpenAsync(TestContext.Current.CancellationToken);
        await using var tx = await odoo.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await using (var cmd = new Npgsql.NpgsqlCommand("SELECT * FROM ir_cron WHERE cron_name->>'en_US' = 'Payroll run' AND id > 77", odoo, tx))
        {
            await cmd.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using var app = await StartHostAsync(new Dictionary<string, string?>
        {
            ["Collector:ConnectionString"] = db.CollectorConnectionString,
            ["Collector:ActivityInterval"] = "00:00:00.2",
        });
        using var http = new HttpClient { BaseAddress = Address(app) };
        JsonElement item = default;
        await Wait.UntilAsync(async () =>
        {
            var activity = await http.GetFromJsonAsync<JsonElement>("/api/db/activity", TestContext.Current.CancellationToken);
            var items = activity.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("applicationName").GetString() == "odoo-777").ToList();
            item = items.FirstOrDefault();
            return items.Count == 1;
        }, "the open transaction is listed");

        Assert.Equal("idle in transaction", item.GetProperty("state").GetString());
        Assert.Equal("SELECT * FROM ir_cron WHERE cron_name->>? = ? AND id > ?", item.GetProperty("query").GetString());
        Assert.True(item.GetProperty("transactionAgeSeconds").GetDouble() >= 0);
        await app.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task NoConnectionString_CollectorOff_ApiSaysDisabled()
    {
        await using var app = await StartHostAsync([]);
        Assert.DoesNotContain(app.Services.GetServices<IHostedService>(), s => s is CollectorService);
        using var http = new HttpClient { BaseAddress = Address(app) };
        var status = await http.GetFromJsonAsync<JsonElement>("/api/db/status", TestContext.Current.CancellationToken);
        Assert.False(status.GetProperty("enabled").GetBoolean());
        Assert.Empty(status.GetProperty("probes").EnumerateArray());
        await app.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task UnreachableDatabase_HostStartsAtOnce()
    {
        // A port nothing listens on: start-up must not wait for the collector.
        await using var app = await StartHostAsync(new Dictionary<string, string?>
        {
            ["Collector:ConnectionString"] = $"Host=127.0.0.1;Port={ClosedPort()};Username=x;Password=y;Database=odoo",
        });
        using var http = new HttpClient { BaseAddress = Address(app) };
        Assert.Equal("pong", await http.GetStringAsync(new Uri("/ping", UriKind.Relative), TestContext.Current.CancellationToken));
        await Wait.UntilAsync(async () => await ProbeStateAsync(http, "db_connections") == "error", "the failure is reported");
        await app.StopAsync(TestContext.Current.CancellationToken);
    }

    internal static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<WebApplication> StartHostAsync(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddOdooCollector(builder.Configuration);
        var app = builder.Build();
        app.MapGet("/ping", () => "pong");
        app.MapCollectorApi();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    private static async Task<string?> ProbeStateAsync(HttpClient http, string probe)
    {
        var status = await http.GetFromJsonAsync<JsonElement>("/api/db/status", TestContext.Current.CancellationToken);
        return status.GetProperty("probes").EnumerateArray()
            .Where(p => p.GetProperty("probe").GetString() == probe)
            .Select(p => p.GetProperty("state").GetString())
            .FirstOrDefault();
    }
}

using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Npgsql;
using OdooLatencyProxy.Collector;
using OdooLatencyProxy.Hosting;
using OdooLatencyProxy.Tests.Collector;
using OdooLatencyProxy.Tests.Infrastructure;
using OdooLatencyProxy.Tests.Telemetry;
using OdooSimulator;
using OdooSimulator.Hosting;

namespace OdooLatencyProxy.Tests.Deploy;

/// <summary>
/// The shipped dashboards and rules against a real Prometheus scraping the real proxy (in front of the prefork simulator,
/// its collector reading a real PostgreSQL with an Odoo 18 schema) and the cAdvisor/node-exporter fixture scrapes: every
/// expression returns data, and the occupancy alert fires when the simulator's workers are held busy.
/// </summary>
public sealed class PrometheusEndToEndTests(PostgresFixture postgres)
{
    private static string Job => AlertRuleGenerator.Thresholds.Parse(Repo.Read("deploy/prometheus/thresholds.yml")).Values["proxy_job"];

    [Fact]
    public async Task EveryDashboardPanelAndRuleExpression_ReturnsDataFromTheProxyAndItsCollector()
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, 18);
        await SeedAsync(db);
        // The simulator writes Odoo's access lines (with made-up query figures) for the "where the time goes" panel.
        var accessLog = Path.Combine(Path.GetTempPath(), $"olp-access-{Guid.NewGuid():N}.log");
        await using var sim = await OdooSimulatorServer.StartAsync(new SimulatorOptions { Workers = 2, LatencyScale = 0.05, AccessLogPath = accessLog });
        using var deleteLog = new DeleteOnDispose(accessLog);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Collector:ConnectionString"] = db.CollectorConnectionString,
                ["Collector:LogPath"] = accessLog,
                ["Collector:LogInterval"] = "00:00:00.5",
                ["Collector:QueueJobInterval"] = "00:00:00.5",
                ["Collector:CronInterval"] = "00:00:00.5",
                ["Collector:SaleOrderInterval"] = "00:00:00.5",
                ["Collector:PaymentInterval"] = "00:00:00.5",
                ["Collector:ConnectionsInterval"] = "00:00:00.5",
                ["Collector:StatementsInterval"] = "00:00:00.5",
                ["Collector:ActivityInterval"] = "00:00:00.5",
                ["Collector:SlowStatementThreshold"] = "00:00:00.001",
            })
            // The generated thresholds, as compose passes them with --config.
            .AddJsonFile(Repo.Path("deploy/prometheus/thresholds.proxy.json"))
            .Build();
        var options = TestProxy.Options(sim.HttpUri, sim.GeventUri, workers: 2) with { MaxQueueLength = 2 };
        await using var proxy = await ProxyHost.StartAsync(options, configuration);
        // cAdvisor and node-exporter for the container and host panels: their fixture scrapes, as compose scrapes them.
        await using var exporters = await FixtureExporters.StartAsync();
        await using var prometheus = await PrometheusServer.StartAsync([new ScrapeJob(Job, [proxy.AdminUri]), .. exporters.Jobs], new Dictionary<string, string>
        {
            ["rules.yml"] = Repo.Read("deploy/prometheus/rules.yml"),
            ["alerts.yml"] = Repo.Read("deploy/prometheus/alerts.yml"),
        });

        var pending = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var query in MonitoringQueries.DashboardQueries()) pending[query.Where] = MonitoringQueries.ForPrometheus(query.Expr);
        foreach (var query in MonitoringQueries.VariableQueries()) pending[query.Where] = MonitoringQueries.ForPrometheus(query.Expr);
        foreach (var rule in MonitoringQueries.Rules())
        {
            // An alert's signal without its threshold; absent(x) is checked through x being present.
            var expr = rule.IsAlert ? MonitoringQueries.WithoutThresholds(rule.Expr) : rule.Expr;
            if (expr.StartsWith("absent(", StringComparison.Ordinal)) expr = expr["absent(".Length..^1];
            pending[$"{rule.File} / {rule.Name} / {pending.Count}"] = expr;
        }

        using var client = TestProxy.Client(proxy, TimeSpan.FromSeconds(30));
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        for (var round = 0; pending.Count > 0; round++)
        {
            await LoadRoundAsync(client, round);
            await DatabaseRoundAsync(db, round);
            foreach (var (where, expr) in pending.ToList())
            {
                if ((await prometheus.QueryAsync(expr)).Any(s => double.IsFinite(s.Value))) pending.Remove(where);
            }
            if (pending.Count > 0 && DateTime.UtcNow > until)
            {
                var exported = await ExportedMetrics.Catalog;
                Assert.Fail("No data in Prometheus for:\n" + string.Join("\n", pending.Select(p => $"[{Source(exported, p.Value)}] {p.Key}: {p.Value}")));
            }
        }
        Assert.Empty(await prometheus.RuleErrorsAsync());
    }

    [Fact]
    public async Task WorkersHeldBusy_MakeTheOccupancyAlertPendThenFire()
    {
        await using var sim = await OdooSimulatorServer.StartAsync(new SimulatorOptions { Workers = 2 });
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(sim.HttpUri, sim.GeventUri, workers: 2));
        using var client = TestProxy.Client(proxy, TimeSpan.FromSeconds(120));
        var stall = sim.Stall(Timeout.InfiniteTimeSpan);
        Task<HttpResponseMessage>[] held = [];
        try
        {
            // Held from the proxy's first second, so the 1-minute share is near 1 without waiting a minute.
            held = [.. Enumerable.Range(0, 2).Select(_ => client.GetAsync(new Uri("/web/webclient/version_info", UriKind.Relative)))];
            await Wait.UntilAsync(() => proxy.Pools.Snapshot()[0].Destinations[0].Busy == 2, "both workers busy", TimeSpan.FromSeconds(10));

            var alerts = AlertRuleGenerator.Render(Repo.Read("deploy/prometheus/thresholds.yml"), Repo.Read("deploy/prometheus/alerts.template.yml"),
                new Dictionary<string, string> { ["worker_saturated_for"] = "3s" });
            await using var prometheus = await PrometheusServer.StartAsync(Job, [proxy.AdminUri], new Dictionary<string, string> { ["alerts.yml"] = alerts });
            var destination = proxy.Pools.Snapshot()[0].Destinations[0].Destination;
            var states = new List<string>();
            await prometheus.WaitAsync(async () =>
            {
                var alert = (await prometheus.AlertsAsync()).Where(a => a.Labels["alertname"] == "OdooWorkersSaturated").ToList();
                states.AddRange(alert.Select(a => a.State));
                return alert.Any(a => a.State == "firing");
            }, "OdooWorkersSaturated fires", TimeSpan.FromSeconds(60));

            var firing = (await prometheus.AlertsAsync()).Single(a => a.Labels["alertname"] == "OdooWorkersSaturated" && a.State == "firing");
            Assert.Equal(destination, firing.Labels["odoo_destination"]);
            Assert.Equal("warning", firing.Labels["severity"]);
            Assert.Equal("1m", firing.Labels["window"]);
            // It waited out its for: window first.
            Assert.Equal("pending", states[0]);
        }
        finally
        {
            stall.Dispose();
            foreach (var response in await Task.WhenAll(held)) response.Dispose();
        }
    }

    private static string Source(ExportedMetrics exported, string expr) =>
        MonitoringQueries.MetricNames(expr).Select(n => exported.BySeries(n)?.Definition.Source).Contains(CollectorInstruments.Source)
            ? "needs the DB collector"
            : "proxy";

    // Odoo-shaped requests naming every operation with a threshold, plus business and technical failures, and a
    // burst of slow requests beyond workers + queue so the queue rejects some.
    private static async Task LoadRoundAsync(HttpClient client, int round)
    {
        var requests = new List<Func<HttpRequestMessage>>
        {
            () => Button("sale.order", "action_confirm", round % 3 == 0 ? "rpc_error" : null),
            () => Button("account.move", "action_post"),
            () => Button("account.payment.register", "action_create_payments"),
            () => Button("stock.picking", "button_validate"),
            () => new HttpRequestMessage(HttpMethod.Get, "/shop/checkout"),
            () => new HttpRequestMessage(HttpMethod.Post, "/web/login") { Content = new StringContent("login=admin&password=admin&db=odoo", Encoding.UTF8, "application/x-www-form-urlencoded") },
            () => Kw("sale.order", "web_search_read"),
            () => Kw("res.partner", "web_read", "server_error"),
            () => new HttpRequestMessage(HttpMethod.Get, "/web/assets/1/web.assets_web.min.js"),
        };
        for (var i = 0; i < 8; i++)
        {
            requests.Add(() =>
            {
                var request = Kw("sale.order", "web_read");
                request.Headers.Add("X-Sim-Delay-Ms", "300");
                return request;
            });
        }
        var responses = await Task.WhenAll(requests.Select(async make =>
        {
            using var request = make();
            using var response = await client.SendAsync(request);
            await response.Content.LoadIntoBufferAsync();
            return response.StatusCode;
        }));
        Assert.Contains(HttpStatusCode.ServiceUnavailable, responses);
    }

    private static HttpRequestMessage Button(string model, string method, string? fail = null) => Rpc("/web/dataset/call_button", model, method, fail);

    private static HttpRequestMessage Kw(string model, string method, string? fail = null) => Rpc($"/web/dataset/call_kw/{model}/{method}", model, method, fail);

    private static HttpRequestMessage Rpc(string path, string model, string method, string? fail)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent("""{"id":1,"jsonrpc":"2.0","method":"call","params":{"model":"MODEL","method":"METHOD","args":[[7]],"kwargs":{"context":{}}}}"""
                .Replace("MODEL", model, StringComparison.Ordinal).Replace("METHOD", method, StringComparison.Ordinal), Encoding.UTF8, "application/json"),
        };
        if (fail is not null) request.Headers.Add("X-Sim-Fail", fail);
        return request;
    }

    private static async Task SeedAsync(OdooDatabase db) =>
        await db.ExecuteAsync("""
            INSERT INTO ir_cron (id, cron_name, active, interval_number, interval_type, lastcall, nextcall, failure_count, first_failure_date) VALUES
              (1, '{"en_US": "Mail: send queue"}', true, 1, 'hours', utcnow() - interval '10 minutes', utcnow() + interval '50 minutes', 0, NULL),
              (2, '{"en_US": "Carrier sync"}', true, 15, 'minutes', utcnow() - interval '5 minutes', utcnow() + interval '10 minutes', 0, NULL);
            INSERT INTO queue_job (uuid, state, channel, date_created, retry) VALUES ('pending-1', 'pending', 'root.invoicing', utcnow() - interval '300 seconds', 0);
            INSERT INTO payment_provider (id, code, name) VALUES (1, 'stripe', '{"en_US": "Stripe"}');
            INSERT INTO payment_transaction (id, reference, provider_id, state, last_state_change) VALUES (1, 'open', 1, 'pending', utcnow());
            """);

    // Business activity between two scrapes: jobs done and failed, a cron failing, orders confirmed, payments
    // settled and declined, and a statement slower than the collector's (lowered) threshold.
    private static async Task DatabaseRoundAsync(OdooDatabase db, int round)
    {
        var n = round.ToString(CultureInfo.InvariantCulture);
        var id = (10_000 + round).ToString(CultureInfo.InvariantCulture);
        await db.ExecuteAsync($"""
            INSERT INTO queue_job (uuid, state, channel, date_created, date_enqueued, date_started, date_done, exec_time, retry, exc_info, worker_pid)
            VALUES ('done-{n}', 'done', 'root.invoicing', utcnow() - interval '1 minute', date_trunc('second', utcnow()) - interval '10 seconds',
                    date_trunc('second', utcnow()) - interval '8 seconds', utcnow(), 1.5, 1, NULL, 4242);
            INSERT INTO queue_job (id, uuid, state, channel, date_created, date_enqueued, date_started, exec_time, retry, exc_name, exc_info, worker_pid)
            VALUES ({id}, 'failed-{n}', 'failed', 'root.invoicing', utcnow() - interval '1 minute', date_trunc('second', utcnow()) - interval '10 seconds',
                    date_trunc('second', utcnow()) - interval '8 seconds', 0, 1, 'odoo.addons.queue_job.exception.FailedJobError', 'Traceback', 4242);
            INSERT INTO mail_message (model, res_id, subtype_id, message_type, body, date)
            VALUES ('queue.job', {id}, 21, 'notification', '<p>failed</p>', date_trunc('second', utcnow()));
            UPDATE ir_cron SET failure_count = failure_count + 1, first_failure_date = coalesce(first_failure_date, utcnow()), lastcall = utcnow() WHERE id = 2;
            UPDATE ir_cron SET lastcall = utcnow() WHERE id = 1;
            INSERT INTO sale_order (id, name, state, create_date, date_order)
            VALUES ({id}, 'S{n}', 'sale', date_trunc('second', utcnow()) - interval '90 seconds', date_trunc('second', utcnow()));
            INSERT INTO payment_transaction (id, reference, provider_id, state, last_state_change) VALUES
              ({id}, 'ok-{n}', 1, 'done', utcnow()), ({id} + 50000, 'declined-{n}', 1, 'error', utcnow());
            """);
        await using var conn = new NpgsqlConnection(db.Server.AdminConnectionString(db.Name));
        await conn.OpenAsync();
        await using var slow = new NpgsqlCommand("SELECT pg_sleep(0.005)", conn);
        await slow.ExecuteNonQueryAsync();
    }

    private sealed class DeleteOnDispose(string path) : IDisposable
    {
        public void Dispose() => File.Delete(path);
    }
}

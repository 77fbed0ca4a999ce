using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Npgsql;
using OdooLatencyProxy.Hosting;
using OdooLatencyProxy.RealOdoo.Tests.Support;
using OdooLatencyProxy.Tests.Deploy;

namespace OdooLatencyProxy.RealOdoo.Tests.Deploy;

/// <summary>
/// The shipped dashboards, recording rules and the seed's five alerts against a real Prometheus scraping the real proxy
/// in front of the real Odoo, its collector reading Odoo's PostgreSQL and log: real logins, orders, invoices, queue jobs,
/// crons and worker saturation make every dashboard target and rule return a finite value, and each alert go pending for
/// the situation it is written for.
/// </summary>
public sealed class PanelsAndAlertsTests
{
    // Signals no activity of a healthy Odoo produces: a technical failure (5xx, dropped connection, timeout) is a broken server.
    private static readonly Dictionary<string, string> NotProducedHere = new(StringComparer.Ordinal)
    {
        ["OdooRequestFailuresHigh"] = "needs a 5xx, a dropped connection or a timeout from Odoo",
    };

    [Fact]
    public async Task RealActivityThroughTheProxy_FillsEveryPanelAndRuleAndMakesTheFiveSeedAlertsPend()
    {
        var odoo = RealOdooServer.Require(log: true, database: true);
        var started = Stopwatch.StartNew();
        // The collector as docs/collector.md sets it up: its own read-only role (pg_stat_statements leaves out the
        // collector's own statements, so sharing Odoo's role would hide all of Odoo's).
        var collectorConnectionString = await CollectorRole.CreateAsync(odoo, "olp_panels_collector");
        var (connections, maxConnections) = await ConnectionsAsync(odoo);

        var options = ProxyInFront.Options(odoo) with { MaxQueueLength = 2 };
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collector:ConnectionString"] = collectorConnectionString,
            ["Collector:LogPath"] = odoo.LogPath,
            ["Collector:LogInterval"] = "00:00:00.5",
            ["Collector:QueueJobInterval"] = "00:00:01",
            ["Collector:CronInterval"] = "00:00:01",
            ["Collector:SaleOrderInterval"] = "00:00:01",
            ["Collector:PaymentInterval"] = "00:00:01",
            ["Collector:ConnectionsInterval"] = "00:00:01",
            ["Collector:StatementsInterval"] = "00:00:02",
            ["Collector:ActivityInterval"] = "00:00:01",
            ["Collector:SlowStatementThreshold"] = "00:00:00.5",
            ["Collector:IntegrationChannels:root.fast"] = "partner_sync",
        }).AddJsonFile(Repo.Path("deploy/prometheus/thresholds.proxy.json")).Build();
        await using var proxy = await ProxyHost.StartAsync(options, settings);
        using var client = ProxyInFront.Client(proxy);
        var session = await OdooSession.LoginAsync(client, odoo);
        var fixture = await ActivityFixture.CreateAsync(session);
        var extra = new List<NpgsqlConnection>();
        try
        {
            var thresholds = Thresholds();
            var job = AlertRuleGenerator.Thresholds.Parse(thresholds).Values["proxy_job"];
            var alerts = AlertRuleGenerator.Render(thresholds, Repo.Read("deploy/prometheus/alerts.template.yml"), Overrides(connections, maxConnections));
            // No cAdvisor or node-exporter beside this Odoo: the container and host panels read their recorded scrapes,
            // as in the deploy tests, so every panel is still judged in the same Prometheus.
            await using var exporters = await FixtureExporters.StartAsync();
            await using var prometheus = await PrometheusServer.StartAsync([new ScrapeJob(job, [proxy.AdminUri]), .. exporters.Jobs], new Dictionary<string, string>
            {
                ["rules.yml"] = Repo.Read("deploy/prometheus/rules.yml"),
                ["alerts.yml"] = alerts,
            });
            var instance = proxy.AdminUri.Authority;
            var odooHost = odoo.Url!.Authority;

            var pending = Queries(instance, alerts);
            var queryCount = pending.Count;
            var expected = new Dictionary<string, Func<IReadOnlyDictionary<string, string>, bool>>(StringComparer.Ordinal)
            {
                ["OdooWorkersSaturated"] = l => l["odoo_destination"] == odooHost,
                ["OdooOperationLatencyHigh"] = l => l["odoo_operation"] == "sale_order.confirm",
                ["OdooQueueJobFailureRateHigh"] = l => l["channel"] == "root.fast",
                ["OdooCronMissed"] = l => l["cron"] == fixture.FailingCron,
                ["OdooDbConnectionsNearLimit"] = _ => true,
            };
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            var healthyCronAlerted = false;
            var until = DateTime.UtcNow + TimeSpan.FromMinutes(4);
            for (var round = 0; pending.Count > 0 || seen.Count < expected.Count; round++)
            {
                await fixture.RoundAsync(client, odoo, round);
                if (round == 1)
                {
                    // Connections climbing toward max_connections, as when a pool or a worker count grows too far.
                    for (var i = 0; i < 25; i++)
                    {
                        var c = new NpgsqlConnection(odoo.PgConnectionString + ";Pooling=false;Application Name=panels-test");
                        extra.Add(c);
                        await c.OpenAsync();
                    }
                }
                foreach (var (where, expr) in pending.ToList())
                {
                    if ((await prometheus.QueryAsync(expr)).Any(s => double.IsFinite(s.Value))) pending.Remove(where);
                }
                foreach (var (state, labels) in await prometheus.AlertsAsync())
                {
                    var name = labels["alertname"];
                    if (name == "OdooCronMissed" && labels.GetValueOrDefault("cron") == fixture.HealthyCron) healthyCronAlerted = true;
                    if (expected.TryGetValue(name, out var matches) && matches(labels)) seen.TryAdd(name, $"{state} at {started.Elapsed.TotalSeconds:F0} s");
                }
                if (DateTime.UtcNow > until)
                {
                    Assert.Fail($"After {started.Elapsed.TotalSeconds:F0} s:\nNo data for:\n" + string.Join("\n", pending.Select(p => $"{p.Key}: {p.Value}"))
                        + "\nAlerts never pending: " + string.Join(", ", expected.Keys.Except(seen.Keys)));
                }
            }

            Assert.False(healthyCronAlerted, $"OdooCronMissed went off for the cron that succeeds ({fixture.HealthyCron})");
            // One Odoo host, whatever its gevent port counts as.
            var hosts = MonitoringQueries.DashboardQueries().Single(q => q.Where.StartsWith("odoo-overview.json / Healthy Odoo hosts / ", StringComparison.Ordinal));
            Assert.Equal(1, (await prometheus.QueryAsync(MonitoringQueries.ForPrometheus(hosts.Expr))).Single().Value);
            Assert.Empty(await prometheus.RuleErrorsAsync());
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{queryCount} targets, variables and rules had data; alerts: {string.Join(", ", seen.Select(s => $"{s.Key} {s.Value}"))}; {started.Elapsed.TotalSeconds:F0} s");
        }
        finally
        {
            foreach (var c in extra) await c.DisposeAsync();
            await fixture.DisableCronsAsync();
        }
    }

    // The rule tests' fixed thresholds, with what a minute of test activity can reach: a 5 ms p95 threshold for
    // sale_order.confirm, the share of a minute a short burst saturates both workers, and a connection ratio just above now.
    private static string Thresholds()
    {
        var text = Repo.Read("deploy/prometheus/tests/thresholds.yml");
        var tuned = Regex.Replace(text, @"(sale_order\.confirm:\s*\n\s*p95_seconds:) 2", "$1 0.005");
        Assert.NotEqual(text, tuned);
        return tuned;
    }

    private static Dictionary<string, string> Overrides(long connections, long maxConnections) => new(StringComparer.Ordinal)
    {
        ["worker_saturated_share"] = "0.02",
        ["operation_min_rate"] = "0.001",
        ["db_connections_ratio"] = ((connections + 10.0) / maxConnections).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture),
    };

    // Every dashboard target (variables expanded: this proxy's instance, "All" operations), every variable's selector,
    // every recording rule, and every alert's signal without its threshold.
    private static Dictionary<string, string> Queries(string instance, string alerts)
    {
        var queries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var query in MonitoringQueries.DashboardQueries().Concat(MonitoringQueries.VariableQueries()))
        {
            // As Grafana sends a single value: regex-escaped, the backslash doubled inside the PromQL string.
            var escaped = Regex.Escape(instance).Replace("\\", "\\\\", StringComparison.Ordinal);
            queries[query.Where] = MonitoringQueries.ForPrometheus(query.Expr.Replace("$instance", escaped, StringComparison.Ordinal));
        }
        var rules = MonitoringQueries.RulesOf("deploy/prometheus/rules.yml", Repo.Read("deploy/prometheus/rules.yml"))
            .Concat(MonitoringQueries.RulesOf("alerts.yml (test thresholds)", alerts));
        foreach (var rule in rules)
        {
            if (NotProducedHere.ContainsKey(rule.Name)) continue;
            var expr = rule.IsAlert ? MonitoringQueries.WithoutThresholds(rule.Expr) : rule.Expr;
            if (expr.StartsWith("absent(", StringComparison.Ordinal)) expr = expr["absent(".Length..^1];
            queries[$"{rule.File} / {rule.Name} / {queries.Count}"] = expr;
        }
        return queries;
    }

    private static async Task<(long Connections, long Max)> ConnectionsAsync(RealOdooServer odoo)
    {
        await using var conn = new NpgsqlConnection(odoo.PgConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT count(*) FILTER (WHERE datname = current_database() AND backend_type = 'client backend'), current_setting('max_connections')::bigint FROM pg_stat_activity", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>The records one run works with, each named for this run: the database is shared and never empty.</summary>
    private sealed class ActivityFixture
    {
        private readonly OdooSession _session;
        private long _partner;
        private long _product;
        private long _sleepAction;
        private long _jobsAction;
        private long _triggerAction;
        private long _paymentAction;
        private long[] _crons = [];

        private ActivityFixture(OdooSession session) => _session = session;

        public string HealthyCron { get; private set; } = "";

        public string FailingCron { get; private set; } = "";

        public static async Task<ActivityFixture> CreateAsync(OdooSession session)
        {
            var f = new ActivityFixture(session);
            var tag = Guid.NewGuid().ToString("N")[..8];
            var partnerModel = (await session.CallKwAsync("ir.model", "search", [new JsonArray(new JsonArray("model", "=", "res.partner"))]))![0]!.GetValue<long>();
            f._partner = await session.CreateAsync("res.partner", new JsonObject { ["name"] = $"Panels customer {tag}" });
            f._product = await session.CreateAsync("product.product", new JsonObject { ["name"] = $"Panels product {tag}", ["list_price"] = 10, ["type"] = "consu" });
            // Holds an Odoo worker for 2 s, as a slow report or a long recompute does.
            f._sleepAction = await ServerActionAsync(session, partnerModel, $"Panels sleep {tag}", "env.cr.execute('SELECT pg_sleep(2)')");
            // Three jobs that fail (a field the model lacks: ValueError, not retryable, so failed at once) and two that succeed.
            f._jobsAction = await ServerActionAsync(session, partnerModel, $"Panels jobs {tag}", """
                partner = env.user.partner_id
                for i in range(3):
                    partner.with_delay(channel='root.fast').write({'nonexistent_field_x': 1})
                for i in range(2):
                    partner.with_delay(channel='root.fast').exists()
                """);
            // A payment started and not finished (draft), as a customer leaving the provider's page does.
            f._paymentAction = await ServerActionAsync(session, partnerModel, $"Panels payment {tag}", """
                provider = env['payment.provider'].search([('code', '=', 'demo')], limit=1)
                env['payment.transaction'].create({
                    'provider_id': provider.id, 'payment_method_id': provider.payment_method_ids[:1].id, 'amount': 10.0,
                    'currency_id': env.company.currency_id.id, 'partner_id': env.user.partner_id.id,
                })
                """);
            f.HealthyCron = $"Panels healthy cron {tag}";
            f.FailingCron = $"Panels failing cron {tag}";
            f._crons =
            [
                await CronAsync(session, partnerModel, f.HealthyCron, "env['res.partner'].search_count([])"),
                await CronAsync(session, partnerModel, f.FailingCron, "1 / 0"),
            ];
            // The cron worker wakes on a trigger's notification instead of its 60 s poll.
            f._triggerAction = await ServerActionAsync(session, partnerModel, $"Panels cron trigger {tag}",
                $"for cron in env['ir.cron'].browse([{f._crons[0]}, {f._crons[1]}]):\n    cron._trigger()");
            return f;
        }

        /// <summary>One round of users' work: a login, an order confirmed, an invoice posted; crons triggered; jobs and a saturating burst now and then.</summary>
        public async Task RoundAsync(HttpClient client, RealOdooServer odoo, int round)
        {
            await OdooSession.LoginAsync(client, odoo);
            if (round % 5 == 0)
            {
                await RunAsync(_triggerAction);
                await RunAsync(_jobsAction);
                await RunAsync(_paymentAction);
            }
            var order = await _session.CreateAsync("sale.order", new JsonObject
            {
                ["partner_id"] = _partner,
                ["order_line"] = new JsonArray(new JsonArray(0, 0, new JsonObject { ["product_id"] = _product, ["product_uom_qty"] = 1 })),
            });
            await ButtonAsync("sale.order", "action_confirm", order);
            var invoice = await _session.CreateAsync("account.move", new JsonObject
            {
                ["move_type"] = "out_invoice",
                ["partner_id"] = _partner,
                ["invoice_line_ids"] = new JsonArray(new JsonArray(0, 0, new JsonObject { ["product_id"] = _product, ["quantity"] = 1, ["price_unit"] = 10 })),
            });
            await ButtonAsync("account.move", "action_post", invoice);
            if (round % 5 == 2)
            {
                // Six at once on two workers: two run, two wait in the proxy's queue (max 2), two are rejected.
                await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
                {
                    try
                    {
                        await RunAsync(_sleepAction);
                    }
                    catch (InvalidOperationException)
                    {
                        // The rejected ones: a 503, not JSON-RPC.
                    }
                    catch (System.Text.Json.JsonException)
                    {
                    }
                }));
            }
        }

        public async Task DisableCronsAsync()
        {
            if (_crons.Length == 0) return;
            // Odoo refuses to write a cron while its worker runs it (the row is locked): try again until it is idle.
            await Wait.UntilAsync(async () =>
            {
                try
                {
                    await _session.CallKwAsync("ir.cron", "write", [new JsonArray(_crons.Select(c => (JsonNode)c).ToArray()), new JsonObject { ["active"] = false }]);
                    return true;
                }
                catch (InvalidOperationException e) when (e.Message.Contains("LockNotAvailable", StringComparison.Ordinal))
                {
                    return false;
                }
            }, "the test's crons are disabled", TimeSpan.FromSeconds(60));
        }

        private Task<JsonNode?> RunAsync(long action) =>
            _session.CallAsync("/web/action/run", new JsonObject { ["action_id"] = action, ["context"] = new JsonObject { ["active_model"] = "res.partner" } });

        private Task<JsonNode?> ButtonAsync(string model, string method, long id) =>
            _session.CallAsync("/web/dataset/call_button", new JsonObject
            {
                ["model"] = model, ["method"] = method, ["args"] = new JsonArray(new JsonArray(id)), ["kwargs"] = new JsonObject(),
            });

        private static Task<long> ServerActionAsync(OdooSession session, long model, string name, string code) =>
            session.CreateAsync("ir.actions.server", new JsonObject { ["name"] = name, ["model_id"] = model, ["state"] = "code", ["code"] = code });

        private static Task<long> CronAsync(OdooSession session, long model, string name, string code) =>
            session.CreateAsync("ir.cron", new JsonObject
            {
                ["name"] = name, ["model_id"] = model, ["state"] = "code", ["code"] = code,
                ["interval_number"] = 1, ["interval_type"] = "minutes", ["numbercall"] = -1, ["nextcall"] = "2020-01-01 00:00:00",
            });
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using OdooLatencyProxy.RealOdoo.Tests.Support;

namespace OdooLatencyProxy.RealOdoo.Tests.Collector;

// The database collector configured as an operator would (a read-only role with docs/collector.md's GRANTs, Odoo's log
// file, short intervals) on the real Odoo 17 while real jobs, crons and orders run: what it publishes on /metrics and
// /api/db/statements must be what the database and the log say. One test, because the cron worker's wait dominates.
public sealed class CollectorTests
{
    // Odoo's cron worker wakes on a trigger's notification; its polling every 60 s is the fallback.
    private static readonly TimeSpan CronDeadline = TimeSpan.FromSeconds(130);
    private static readonly TimeSpan JobDeadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task RealJobsCronsOrdersAndStatements_TheCollectorPublishesWhatTheDatabaseAndLogSay()
    {
        var odoo = RealOdooServer.Require(log: true, database: true);
        var output = TestContext.Current.TestOutputHelper!;
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var role = $"olp_collector_{suffix}";
        await using var superuser = await OpenAsync(odoo.PgConnectionString!);
        await ExecuteAsync(superuser, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        // Odoo's install and start fill pg_stat_statements to its max (5,000 entries here); from then on every new
        // statement evicts the least used 5 %, and an entry evicted between two readings takes its calls with it, for
        // any reader. An empty view has room for everything this test runs (the suite runs its tests one at a time).
        await ExecuteAsync(superuser, "SELECT pg_stat_statements_reset()");
        await CreateCollectorRoleAsync(superuser, role, suffix);
        using var direct = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = odoo.Url, Timeout = TimeSpan.FromSeconds(120) };
        var admin = new OdooClient(direct, odoo);
        await admin.AuthenticateAsync();
        var crons = new List<int>();
        try
        {
            var collectorDb = new NpgsqlConnectionStringBuilder(odoo.PgConnectionString) { Username = role, Password = suffix }.ConnectionString;
            await using var proxy = await ProxyInFront.StartAsync(odoo, settings: new Dictionary<string, string?>
            {
                ["Collector:ConnectionString"] = collectorDb,
                ["Collector:LogPath"] = odoo.LogPath,
                ["Collector:QueueJobInterval"] = "00:00:01",
                ["Collector:CronInterval"] = "00:00:02",
                ["Collector:LogInterval"] = "00:00:01",
                ["Collector:SaleOrderInterval"] = "00:00:01",
                ["Collector:StatementsInterval"] = "00:00:02",
                // Every statement of an interval is published: the test's ten cheap calls are never cut from the top N
                // by Odoo's own statements of the same interval (its job runner and crons on a fresh database).
                ["Collector:TopStatements"] = "100000",
                ["Collector:ConnectionsInterval"] = "00:00:02",
                ["Collector:ActivityInterval"] = "00:00:02",
            });
            using var adminApi = new HttpClient { BaseAddress = proxy.AdminUri };
            string[] probes = ["queue_job", "cron", "cron_log", "sale_order", "db_statements"];
            await Wait.UntilAsync(async () => (await ProbesAsync(adminApi)) is var states && probes.All(p => states.GetValueOrDefault(p) == "ok"),
                "the collector's probes ran once (their baseline) on the real database", describe: async () => JsonSerializer.Serialize(await ProbesAsync(adminApi)));
            var before = await MetricsAsync(adminApi);

            // A statement of our own, slow enough to rank at the top of its interval, counted in pg_stat_statements; the
            // collector publishes one interval at a time, so every reading is kept from now on.
            const string Statement = "SELECT count(*) FROM pg_sleep(0.05) s, (VALUES (1), (2), (3)) v(x)";
            var statementsSeen = new System.Collections.Concurrent.ConcurrentDictionary<DateTimeOffset, (long Calls, double Seconds)>();
            var statementsBefore = await StatementTotalsAsync(superuser, Statement);
            var evictionsBefore = await EvictionsAsync(superuser);
            using var stopReading = new CancellationTokenSource();
            var reading = Task.Run(async () =>
            {
                // Samples every 100 ms until told to stop (a sampler, not a wait for a condition).
                using var every = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
                while (!stopReading.IsCancellationRequested)
                {
                    using var json = JsonDocument.Parse(await adminApi.GetStringAsync("/api/db/statements", CancellationToken.None));
                    if (json.RootElement.GetProperty("collectedAt").ValueKind != JsonValueKind.Null)
                    {
                        var item = json.RootElement.GetProperty("items").EnumerateArray()
                            .Where(i => i.GetProperty("text").GetString()!.Contains("(VALUES ($2), ($3), ($4)) v(x)", StringComparison.Ordinal)).ToList();
                        statementsSeen[json.RootElement.GetProperty("collectedAt").GetDateTimeOffset()] = item.Count == 0
                            ? (0, 0)
                            : (item[0].GetProperty("calls").GetInt64(), item[0].GetProperty("totalSeconds").GetDouble());
                    }
                    await every.WaitForNextTickAsync(CancellationToken.None);
                }
            });
            await Wait.UntilAsync(() => !statementsSeen.IsEmpty, "the collector published a statements reading");
            for (var i = 0; i < 10; i++) await ExecuteAsync(superuser, Statement);
            var statementsAfter = await StatementTotalsAsync(superuser, Statement);

            var cronLogStart = OdooLog.End(odoo.LogPath!);
            // Crons first: the cron worker is the slowest to act. One fails, one succeeds; a trigger wakes the worker now.
            var model = (await admin.CallKwAsync("ir.model", "search", [new JsonArray(new JsonArray("model", "=", "res.partner"))]))[0].GetInt32();
            var failingCron = $"OLP test cron fails {suffix}";
            var healthyCron = $"OLP test cron works {suffix}";
            foreach (var (name, code) in new[] { (failingCron, "raise UserError('planned cron failure')"), (healthyCron, "env['res.partner'].search_count([])") })
            {
                crons.Add((await admin.CallKwAsync("ir.cron", "create", [new JsonObject
                {
                    ["name"] = name, ["model_id"] = model, ["state"] = "code", ["code"] = code,
                    ["interval_number"] = 1, ["interval_type"] = "minutes", ["numbercall"] = -1, ["active"] = true,
                }])).GetInt32());
            }
            await RunCodeAsync(admin, model, $"for cron in env['ir.cron'].browse([{crons[0]}, {crons[1]}]):\n    cron._trigger()");

            // Queue jobs: real jobs through OCA queue_job, some failing (a UserError), on two channels.
            var failing = await CreateActionAsync(admin, model, $"OLP job fails {suffix}", "raise UserError('planned job failure')");
            var working = await CreateActionAsync(admin, model, $"OLP job works {suffix}", "env['res.partner'].search_count([])");
            var plan = new[] { ("root.fast", failing, 2), ("root.fast", working, 3), ("root.slow", failing, 1), ("root.slow", working, 1) };
            var enqueue = string.Join("\n", plan.Select(p => $"uuids += [env['ir.actions.server'].browse({p.Item2}).with_delay(channel='{p.Item1}').run().uuid for i in range({p.Item3})]"));
            var uuids = (await RunCodeAsync(admin, model, "uuids = []\n" + enqueue + "\naction = uuids")).EnumerateArray().Select(u => u.GetString()!).ToArray();
            Assert.Equal(plan.Sum(p => p.Item3), uuids.Length);

            // Sale orders confirmed now.
            var partner = (await admin.CallKwAsync("res.partner", "create", [new JsonObject { ["name"] = $"OLP collector customer {suffix}" }])).GetInt32();
            var product = (await admin.CallKwAsync("product.product", "create", [new JsonObject { ["name"] = $"OLP collector product {suffix}" }])).GetInt32();
            var orders = new List<int>();
            for (var i = 0; i < 2; i++)
            {
                var order = (await admin.CallKwAsync("sale.order", "create", [new JsonObject
                {
                    ["partner_id"] = partner,
                    ["order_line"] = new JsonArray(new JsonArray(0, 0, new JsonObject { ["product_id"] = product, ["product_uom_qty"] = 1 })),
                }])).GetInt32();
                await admin.CallButtonAsync("sale.order", "action_confirm", [new JsonArray(order)]);
                orders.Add(order);
            }

            // queue_job: per channel, done and failed as the table says, against the collector's counters.
            var jobStates = new Dictionary<(string Channel, string State), int>();
            await Wait.UntilAsync(async () =>
            {
                jobStates = await JobStatesAsync(superuser, uuids);
                return jobStates.Where(kv => kv.Key.State is "done" or "failed").Sum(kv => kv.Value) == uuids.Length;
            }, "the job runner ran every job", JobDeadline, async () => JsonSerializer.Serialize((await JobStatesAsync(superuser, uuids)).Select(kv => $"{kv.Key}: {kv.Value}")));
            Assert.Equal(2, jobStates.GetValueOrDefault(("root.fast", "failed")));
            Assert.Equal(3, jobStates.GetValueOrDefault(("root.fast", "done")));
            Assert.Equal(1, jobStates.GetValueOrDefault(("root.slow", "failed")));
            Assert.Equal(1, jobStates.GetValueOrDefault(("root.slow", "done")));
            IReadOnlyList<PrometheusSample> now = [];
            double Delta(string name, params (string, string)[] labels) => PrometheusText.Sum(now, name, labels) - PrometheusText.Sum(before, name, labels);
            await Wait.UntilAsync(async () =>
            {
                now = await MetricsAsync(adminApi);
                return jobStates.All(kv => Delta("odoo_queue_job_finished_total", ("channel", kv.Key.Channel), ("state", kv.Key.State)) >= kv.Value);
            }, "the collector counted every finished job", TimeSpan.FromSeconds(30), () => Task.FromResult(Describe(now, "odoo_queue_job")));
            foreach (var channel in new[] { "root.fast", "root.slow" })
            {
                var failed = Delta("odoo_queue_job_finished_total", ("channel", channel), ("state", "failed"));
                var done = Delta("odoo_queue_job_finished_total", ("channel", channel), ("state", "done"));
                output.WriteLine($"queue_job {channel}: collector {done} done, {failed} failed (failure rate {failed / (done + failed):P0}); database {jobStates.GetValueOrDefault((channel, "done"))} done, {jobStates.GetValueOrDefault((channel, "failed"))} failed");
                Assert.Equal(jobStates.GetValueOrDefault((channel, "failed")), failed);
                Assert.Equal(jobStates.GetValueOrDefault((channel, "done")), done);
            }

            // Sale orders: count and summed latency, from the tracked state change as the database holds it.
            var latencies = await ConfirmationLatenciesAsync(superuser, orders);
            await Wait.UntilAsync(async () =>
            {
                now = await MetricsAsync(adminApi);
                return Delta("odoo_sale_order_confirmation_duration_seconds_count") >= orders.Count;
            }, "the collector saw the confirmations", TimeSpan.FromSeconds(30), () => Task.FromResult(Describe(now, "odoo_sale_order")));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"sale orders: collector {Delta("odoo_sale_order_confirmation_duration_seconds_count")} confirmations, {Delta("odoo_sale_order_confirmation_duration_seconds_sum"):F6} s; database {latencies.Count}, {latencies.Sum():F6} s ({string.Join(", ", latencies.Select(l => l.ToString("F3", CultureInfo.InvariantCulture)))})"));
            Assert.Equal(orders.Count, Delta("odoo_sale_order_confirmation_duration_seconds_count"));
            Assert.Equal(latencies.Sum(), Delta("odoo_sale_order_confirmation_duration_seconds_sum"), precision: 3);

            // pg_stat_statements: every interval's calls of our statement add up to what the view counted.
            await Wait.UntilAsync(async () =>
            {
                if (reading.IsFaulted) await reading; // the sampler's failure, not a timeout
                return statementsSeen.Values.Sum(s => s.Calls) >= statementsAfter.Calls - statementsBefore.Calls;
            }, "the collector published our statement's calls", TimeSpan.FromSeconds(30), async () =>
            {
                var evictions = await EvictionsAsync(superuser) - evictionsBefore;
                var probes = JsonSerializer.Serialize(await ProbesAsync(adminApi));
                var readings = string.Join(", ", statementsSeen.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key:HH:mm:ss.fff} {kv.Value.Calls}"));
                return $"view {statementsAfter.Calls - statementsBefore.Calls} calls; readings {readings}; evictions {evictions}; probes {probes}";
            });
            await stopReading.CancelAsync();
            await reading;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pg_stat_statements {statementsAfter.QueryId}: collector {statementsSeen.Values.Sum(s => s.Calls)} calls, {statementsSeen.Values.Sum(s => s.Seconds):F4} s; view {statementsAfter.Calls - statementsBefore.Calls} calls, {statementsAfter.Seconds - statementsBefore.Seconds:F4} s"));
            var evictionsDuring = await EvictionsAsync(superuser) - evictionsBefore;
            output.WriteLine($"pg_stat_statements evictions during the test: {evictionsDuring}");
            Assert.Equal(statementsAfter.Calls - statementsBefore.Calls, statementsSeen.Values.Sum(s => s.Calls));
            Assert.Equal(statementsAfter.Seconds - statementsBefore.Seconds, statementsSeen.Values.Sum(s => s.Seconds), precision: 4);

            // Crons: failures and the last success as Odoo's log has them.
            IReadOnlyList<OdooLogLine> CronLines() => [.. OdooLog.ReadSince(odoo.LogPath!, cronLogStart).Where(l => l.Logger == "odoo.addons.base.models.ir_cron"
                && (l.Message.Contains(failingCron, StringComparison.Ordinal) || l.Message.Contains(healthyCron, StringComparison.Ordinal)))];
            await Wait.UntilAsync(() =>
            {
                var cronLines = CronLines();
                return cronLines.Any(l => l.Message.StartsWith($"Call from cron {failingCron} ", StringComparison.Ordinal))
                    && cronLines.Any(l => l.Message.StartsWith($"Job done: `{healthyCron}`", StringComparison.Ordinal));
            }, "Odoo's cron worker ran both crons", CronDeadline);
            await Wait.UntilAsync(async () => PrometheusText.Value(now = await MetricsAsync(adminApi), "odoo_cron_interval_seconds", ("cron", healthyCron)) is not null,
                "the collector read the new crons from ir_cron", TimeSpan.FromSeconds(30));
            Assert.Equal(60, PrometheusText.Value(now, "odoo_cron_interval_seconds", ("cron", healthyCron)));
            // The last success is published for active crons only, so it is read before they are deactivated, against the
            // log as it is at that moment (a further run may come in meanwhile: each check reads both again).
            DateTime LastSuccess(IReadOnlyList<OdooLogLine> lines) => lines.Last(l => l.Message.StartsWith($"Job done: `{healthyCron}`", StringComparison.Ordinal)).Time;
            var lastSuccess = DateTime.MinValue;
            double? publishedSuccess = null;
            await Wait.UntilAsync(async () =>
            {
                lastSuccess = LastSuccess(CronLines());
                publishedSuccess = PrometheusText.Value(now = await MetricsAsync(adminApi), "odoo_cron_last_success_timestamp_seconds", ("cron", healthyCron));
                return publishedSuccess is { } published && Math.Abs(published - (lastSuccess - DateTime.UnixEpoch).TotalSeconds) < 0.0005;
            }, "the collector published the healthy cron's last success from the log", TimeSpan.FromSeconds(30),
                () => Task.FromResult($"log {lastSuccess:O}; " + Describe(now, "odoo_cron", suffix)));
            Assert.Null(PrometheusText.Value(now, "odoo_cron_last_success_timestamp_seconds", ("cron", failingCron)));

            // Deactivating waits for a run in progress (the cron worker holds the row), so the log read after it is complete.
            await DeactivateAsync(admin, crons);
            var failures = CronLines().Count(l => l.Level == "ERROR" && l.Message.StartsWith($"Call from cron {failingCron} ", StringComparison.Ordinal));
            await Wait.UntilAsync(async () => PrometheusText.Value(now = await MetricsAsync(adminApi), "odoo_cron_failures_total", ("cron", failingCron)) >= failures,
                "the collector counted the failing cron's runs from the log", TimeSpan.FromSeconds(30), () => Task.FromResult(Describe(now, "odoo_cron", suffix)));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"crons: collector {PrometheusText.Value(now, "odoo_cron_failures_total", ("cron", failingCron))} failures, last success {DateTime.UnixEpoch.AddSeconds(publishedSuccess!.Value):O}; log {failures} failures, last success {lastSuccess:O}"));
            Assert.Equal(failures, PrometheusText.Value(now, "odoo_cron_failures_total", ("cron", failingCron)));
            Assert.Null(PrometheusText.Value(now, "odoo_cron_failures_total", ("cron", healthyCron)));
        }
        finally
        {
            await DeactivateAsync(admin, crons);
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(superuser, $"DROP OWNED BY {role}; DROP ROLE {role}");
        }
    }

    // docs/collector.md's statements, as an operator runs them on 17 (the 18/19-only ir_cron columns left out).
    private static async Task CreateCollectorRoleAsync(NpgsqlConnection superuser, string role, string password)
    {
        var database = superuser.Database;
        foreach (var statement in new[]
        {
            $"CREATE ROLE {role} LOGIN PASSWORD '{password}'",
            $"GRANT pg_read_all_stats TO {role}",
            $"GRANT CONNECT ON DATABASE \"{database}\" TO {role}",
            $"GRANT USAGE ON SCHEMA public TO {role}",
            $"GRANT SELECT (name, state, latest_version) ON ir_module_module TO {role}",
            $"GRANT SELECT (module, name, model, res_id) ON ir_model_data TO {role}",
            $"GRANT SELECT (id, model, name) ON ir_model_fields TO {role}",
            $"GRANT SELECT (id, cron_name, active, interval_number, interval_type, nextcall, lastcall) ON ir_cron TO {role}",
            $"GRANT SELECT (id, state, create_date, date_order) ON sale_order TO {role}",
            $"GRANT SELECT (id, model, res_id, subtype_id, date) ON mail_message TO {role}",
            $"GRANT SELECT (id, field_id, mail_message_id, create_date) ON mail_tracking_value TO {role}",
            $"GRANT SELECT (id, code) ON payment_provider TO {role}",
            $"GRANT SELECT (id, state, provider_id, last_state_change) ON payment_transaction TO {role}",
            $"GRANT SELECT (id, uuid, state, channel, date_created, date_enqueued, date_started, date_done, eta, exec_time, retry) ON queue_job TO {role}",
        })
        {
            await ExecuteAsync(superuser, statement);
        }
    }

    private static async Task<JsonElement> RunCodeAsync(OdooClient admin, int model, string code)
    {
        var action = await CreateActionAsync(admin, model, $"OLP test code {Guid.NewGuid():N}", code);
        var result = await admin.CallKwAsync("ir.actions.server", "run", [new JsonArray(action)]);
        Assert.False(result.ValueKind == JsonValueKind.Object && result.TryGetProperty("error", out _), result.ToString());
        return result;
    }

    private static async Task<int> CreateActionAsync(OdooClient admin, int model, string name, string code) =>
        (await admin.CallKwAsync("ir.actions.server", "create", [new JsonObject { ["name"] = name, ["model_id"] = model, ["state"] = "code", ["code"] = code }])).GetInt32();

    private static async Task DeactivateAsync(OdooClient admin, List<int> crons)
    {
        if (crons.Count > 0) await admin.CallKwAsync("ir.cron", "write", [new JsonArray([.. crons.Select(c => (JsonNode)c)]), new JsonObject { ["active"] = false }]);
    }

    private static async Task<Dictionary<string, string>> ProbesAsync(HttpClient adminApi)
    {
        using var json = JsonDocument.Parse(await adminApi.GetStringAsync("/api/db/status"));
        return json.RootElement.GetProperty("probes").EnumerateArray().ToDictionary(p => p.GetProperty("probe").GetString()!, p => p.GetProperty("state").GetString()!);
    }

    private static async Task<IReadOnlyList<PrometheusSample>> MetricsAsync(HttpClient adminApi) => PrometheusText.Parse(await adminApi.GetStringAsync("/metrics"));

    private static string Describe(IReadOnlyList<PrometheusSample> samples, string prefix, string? cron = null) =>
        string.Join("; ", samples.Where(s => s.Name.StartsWith(prefix, StringComparison.Ordinal) && (cron is null || s.Labels.GetValueOrDefault("cron")?.Contains(cron, StringComparison.Ordinal) == true)).Select(s => $"{s.Name}{{{string.Join(",", s.Labels.Select(l => $"{l.Key}={l.Value}"))}}} {s.Value}"));

    private static async Task<Dictionary<(string, string), int>> JobStatesAsync(NpgsqlConnection db, string[] uuids)
    {
        await using var command = new NpgsqlCommand("SELECT channel, state, count(*)::int FROM queue_job WHERE uuid = ANY(@uuids) GROUP BY channel, state", db);
        command.Parameters.AddWithValue("uuids", uuids);
        await using var reader = await command.ExecuteReaderAsync();
        var states = new Dictionary<(string, string), int>();
        while (await reader.ReadAsync()) states[(reader.GetString(0), reader.GetString(1))] = reader.GetInt32(2);
        return states;
    }

    // From the state change Odoo tracked ("Quotation" -> "Sales Order", en_US labels) minus the order's creation.
    private static async Task<List<double>> ConfirmationLatenciesAsync(NpgsqlConnection db, List<int> orders)
    {
        await using var command = new NpgsqlCommand("""
            SELECT EXTRACT(EPOCH FROM t.create_date - so.create_date)::float8
            FROM sale_order so
            JOIN mail_message m ON m.model = 'sale.order' AND m.res_id = so.id
            JOIN mail_tracking_value t ON t.mail_message_id = m.id
            JOIN ir_model_fields f ON f.id = t.field_id AND f.model = 'sale.order' AND f.name = 'state'
            WHERE so.id = ANY(@orders) AND t.new_value_char = 'Sales Order'
            """, db);
        command.Parameters.AddWithValue("orders", orders.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        var latencies = new List<double>();
        while (await reader.ReadAsync()) latencies.Add(reader.GetDouble(0));
        Assert.Equal(orders.Count, latencies.Count);
        return latencies;
    }

    private static async Task<(long QueryId, long Calls, double Seconds)> StatementTotalsAsync(NpgsqlConnection db, string statement)
    {
        await using var command = new NpgsqlCommand("""
            SELECT s.queryid, sum(s.calls)::bigint, sum(s.total_exec_time) / 1000
            FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = current_database() AND s.query LIKE '%pg_sleep($1) s, (VALUES ($2), ($3), ($4)) v(x)%'
            GROUP BY s.queryid
            """, db);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetInt64(0), reader.GetInt64(1), reader.GetDouble(2)) : (0, 0, 0);
    }

    // How many times pg_stat_statements evicted entries to make room (PostgreSQL 14 and later).
    private static async Task<long> EvictionsAsync(NpgsqlConnection db)
    {
        await using var command = new NpgsqlCommand("SELECT dealloc FROM pg_stat_statements_info", db);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection db, string sql)
    {
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync();
    }
}

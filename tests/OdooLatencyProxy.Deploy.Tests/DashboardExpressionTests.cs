using System.Globalization;
using System.Text;

namespace OdooLatencyProxy.Tests.Deploy;

/// <summary>
/// Dashboard targets evaluated by promtool over series shaped like a real system's, with Grafana's variables expanded:
/// what a panel shows on a healthy system, for an idle operation, for one Odoo host with its gevent port.
/// </summary>
public sealed class DashboardExpressionTests
{
    private const string Labels = "job=\"odoo-latency-proxy\", instance=\"odoo-1:9090\"";

    [Fact]
    public async Task HealthyOdooHosts_OneOdooHostWithItsGeventPort_ReadsOne()
    {
        await AssertPanelAsync("odoo-overview.json", "Healthy Odoo hosts",
            [
                $$"""odoo_destination_healthy{{{Labels}}, odoo_pool="odoo", odoo_destination="odoo:8069"}|1x20""",
                $$"""odoo_destination_healthy{{{Labels}}, odoo_pool="odoo-gevent", odoo_destination="odoo:8072"}|1x20""",
            ],
            [("{}", 1)]);
    }

    [Fact]
    public async Task TechnicalFailures_HealthySystemWithoutAnyFailure_ReadsZeroNotNoData()
    {
        await AssertPanelAsync("odoo-overview.json", "Technical failures",
            [
                $$"""odoo_request_duration_seconds_count{{{Labels}}, odoo_operation="ui.read", odoo_outcome="ok"}|0+5x20""",
                $$"""odoo_request_duration_seconds_count{{{Labels}}, odoo_operation="sale_order.confirm", odoo_outcome="rpc_error"}|0+5x20""",
            ],
            [("{}", 0)]);
    }

    [Fact]
    public async Task PercentilePerOperation_OperationWithoutRequestsInTheWindow_HasNoSeriesInsteadOfNaN()
    {
        string[] series =
        [
            $$"""odoo_request_duration_seconds_bucket{{{Labels}}, odoo_operation="sale_order.confirm", odoo_outcome="ok", le="1"}|0x20""",
            $$"""odoo_request_duration_seconds_bucket{{{Labels}}, odoo_operation="sale_order.confirm", odoo_outcome="ok", le="2"}|0+5x20""",
            $$"""odoo_request_duration_seconds_bucket{{{Labels}}, odoo_operation="sale_order.confirm", odoo_outcome="ok", le="+Inf"}|0+5x20""",
            // auth.login: logins long ago, none in the window.
            $$"""odoo_request_duration_seconds_bucket{{{Labels}}, odoo_operation="auth.login", odoo_outcome="ok", le="1"}|3x20""",
            $$"""odoo_request_duration_seconds_bucket{{{Labels}}, odoo_operation="auth.login", odoo_outcome="ok", le="2"}|3x20""",
            $$"""odoo_request_duration_seconds_bucket{{{Labels}}, odoo_operation="auth.login", odoo_outcome="ok", le="+Inf"}|3x20""",
        ];
        await AssertPanelAsync("odoo-performance.json", "p95 per operation (all proxies, histograms)", series, [("""{odoo_operation="sale_order.confirm"}""", 1.95)]);
        await AssertPanelAsync("odoo-performance.json", "p99 per operation (all proxies, histograms)", series, [("""{odoo_operation="sale_order.confirm"}""", 1.99)]);
    }

    [Fact]
    public async Task JobWaitOldestPending_ChannelWhereNothingWaits_ReadsTheCollectorsZero()
    {
        // The collector publishes 0 for a known channel with nothing waiting (QueueJobProbe); the panel must pass it through.
        await AssertPanelAsync("odoo-business.json", "Job wait p95 and oldest pending",
            [$$"""odoo_queue_job_oldest_pending_age_seconds{{{Labels}}, channel="root.fast"}|0x20"""],
            [("""{channel="root.fast"}""", 0)], target: 1);
    }

    [Fact]
    public async Task CronTimeSinceLastSuccess_CronThatNeverSucceeded_ShowsTheTimeSinceWatchingBegan()
    {
        string[] series =
        [
            $$"""odoo_cron_last_run_timestamp_seconds{{{Labels}}, cron="Carrier sync"}|0+5x20""",
            $$"""odoo_cron_watched_since_timestamp_seconds{{{Labels}}, cron="Carrier sync"}|0x20""",
            $$"""odoo_cron_last_run_timestamp_seconds{{{Labels}}, cron="Mail: send queue"}|0+5x20""",
            $$"""odoo_cron_last_success_timestamp_seconds{{{Labels}}, cron="Mail: send queue"}|0+5x20""",
            $$"""odoo_cron_watched_since_timestamp_seconds{{{Labels}}, cron="Mail: send queue"}|0x20""",
        ];
        (string, double)[] expected = [("""{cron="Carrier sync"}""", 100), ("""{cron="Mail: send queue"}""", 0)];
        await AssertPanelAsync("odoo-business.json", "Crons: time since last success", series, expected);
        await AssertPanelAsync("odoo-overview.json", "Cron status", series, expected);
    }

    [Fact]
    public async Task WhereTheTimeGoes_OneOperation_StacksQueueSqlPythonAndTheRestThatAddUpToTheMeanTotal()
    {
        // Per 5 s: 5 requests taking 1 s in all, of which 0.25 s queued; 5 joined lines with 0.5 s SQL and 0.125 s Python (values exact in binary).
        var op = "odoo_operation=\"sale_order.confirm\"";
        string[] series =
        [
            $$"""odoo_request_duration_seconds_sum{{{Labels}}, {{op}}, odoo_outcome="ok"}|0+5x20""",
            $$"""odoo_request_duration_seconds_count{{{Labels}}, {{op}}, odoo_outcome="ok"}|0+5x20""",
            $$"""odoo_request_queue_duration_seconds_sum{{{Labels}}, {{op}}}|0+1.25x20""",
            $$"""odoo_request_queue_duration_seconds_count{{{Labels}}, {{op}}}|0+5x20""",
            $$"""odoo_request_sql_duration_seconds_sum{{{Labels}}, {{op}}}|0+2.5x20""",
            $$"""odoo_request_sql_duration_seconds_count{{{Labels}}, {{op}}}|0+5x20""",
            $$"""odoo_request_python_duration_seconds_sum{{{Labels}}, {{op}}}|0+0.625x20""",
            $$"""odoo_request_python_duration_seconds_count{{{Labels}}, {{op}}}|0+5x20""",
        ];
        const string Title = "Where the time goes: $operation (mean, stacked)";
        (string, double)[] Expect(double value) => [($"{{{op}}}", value)];
        await AssertPanelAsync("odoo-performance.json", Title, series, Expect(0.25), target: 0);
        await AssertPanelAsync("odoo-performance.json", Title, series, Expect(0.5), target: 1);
        await AssertPanelAsync("odoo-performance.json", Title, series, Expect(0.125), target: 2);
        await AssertPanelAsync("odoo-performance.json", Title, series, Expect(0.125), target: 3);
    }

    // Series are "selector|values" sampled every 5 s (Grafana's rate interval here is 15 s); evaluated at 100 s.
    internal static async Task AssertPanelAsync(string dashboard, string title, string[] series, (string Labels, double Value)[] expected, int target = 0)
    {
        var query = MonitoringQueries.DashboardQueries().Where(q => q.Where.StartsWith($"{dashboard} / {title} / ", StringComparison.Ordinal)).ElementAt(target);
        var expr = MonitoringQueries.ForPrometheus(query.Expr);
        var yaml = new StringBuilder("rule_files: []\nevaluation_interval: 5s\ntests:\n  - interval: 5s\n    input_series:\n");
        foreach (var s in series)
        {
            var parts = s.Split('|');
            yaml.Append(CultureInfo.InvariantCulture, $"      - series: '{parts[0]}'\n        values: '{parts[1]}'\n");
        }
        yaml.Append(CultureInfo.InvariantCulture, $"    promql_expr_test:\n      - expr: '{expr.Replace("'", "''", StringComparison.Ordinal)}'\n        eval_time: 100s\n        exp_samples:\n");
        foreach (var (labels, value) in expected)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"          - labels: '{labels}'\n            value: {value.ToString(CultureInfo.InvariantCulture)}\n");
        }
        var dir = Directory.CreateTempSubdirectory("olp-panel-");
        try
        {
            var file = System.IO.Path.Combine(dir.FullName, "panel.test.yml");
            await File.WriteAllTextAsync(file, yaml.ToString(), TestContext.Current.CancellationToken);
            var result = await ExternalTool.RunAsync("promtool", ["test", "rules", file]);
            Assert.True(result.ExitCode == 0, $"{query.Where}: {expr}\n{result}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

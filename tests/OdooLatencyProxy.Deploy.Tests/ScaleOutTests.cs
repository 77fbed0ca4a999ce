using System.Text;
using Microsoft.Extensions.Configuration;
using OdooLatencyProxy.Hosting;
using OdooLatencyProxy.Tests.Infrastructure;
using OdooSimulator;
using OdooSimulator.Hosting;

namespace OdooLatencyProxy.Tests.Deploy;

/// <summary>
/// Scale-out as docs/deployment.md describes it: two Odoo hosts, each with its own sidecar proxy, one real Prometheus
/// scraping both. Fleet-wide views aggregate the bucketed histograms (thresholds are bucket edges), per-instance views
/// read each sidecar's exact HDR percentiles, and each sidecar's worker limit is its own host's.
/// </summary>
public sealed class ScaleOutTests
{
    private const string Operation = "sale_order.confirm";

    [Fact]
    public async Task TwoSidecarsOneSlowHost_FleetP95AndAlertSeeTheWholeFleetWhilePerInstancePercentilesTellTheHostsApart()
    {
        var thresholds = AlertRuleGenerator.Thresholds.Parse(Repo.Read("deploy/prometheus/thresholds.yml"));
        var job = thresholds.Values["proxy_job"];
        var threshold = double.Parse(thresholds.Operations.Single(o => o.Operation == Operation).P95Seconds, System.Globalization.CultureInfo.InvariantCulture);
        // Each sidecar loads the generated thresholds, as compose and the Kubernetes ConfigMap give them.
        var configuration = new ConfigurationBuilder().AddJsonFile(Repo.Path("deploy/prometheus/thresholds.proxy.json")).Build();

        await using var fastOdoo = await OdooSimulatorServer.StartAsync(new SimulatorOptions { Workers = 2 });
        await using var slowOdoo = await OdooSimulatorServer.StartAsync(new SimulatorOptions { Workers = 2 });
        await using var fast = await ProxyHost.StartAsync(TestProxy.Options(fastOdoo.HttpUri, fastOdoo.GeventUri, workers: 2), configuration);
        await using var slow = await ProxyHost.StartAsync(TestProxy.Options(slowOdoo.HttpUri, slowOdoo.GeventUri, workers: 2), configuration);
        var alerts = AlertRuleGenerator.Render(Repo.Read("deploy/prometheus/thresholds.yml"), Repo.Read("deploy/prometheus/alerts.template.yml"),
            new Dictionary<string, string> { ["operation_latency_for"] = "2s" });
        await using var prometheus = await PrometheusServer.StartAsync(job, [fast.AdminUri, slow.AdminUri], new Dictionary<string, string>
        {
            ["rules.yml"] = Repo.Read("deploy/prometheus/rules.yml"),
            ["alerts.yml"] = alerts,
        });
        using var fastClient = TestProxy.Client(fast);
        using var slowClient = TestProxy.Client(slow);

        var fleetP95 = Panel("odoo-performance.json", "p95 per operation (all proxies, histograms)");
        var exact = Panel("odoo-performance.json", "Exact p95 / p99 per instance (HDR, 1m window)");
        var configured = Panel("odoo-performance.json", "Capacity: workers needed (Little's law) vs configured", "sum(odoo_workers_limit");
        IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)> fleet = [], perInstance = [];
        IReadOnlyList<(string State, IReadOnlyDictionary<string, string> Labels)> firing = [];
        await prometheus.WaitAsync(async () =>
        {
            // The same confirmations on both hosts: 20 ms on one, 2.5 s on the other (above the 2 s threshold).
            await Task.WhenAll(Confirm(fastClient, 20), Confirm(fastClient, 20), Confirm(slowClient, 2500), Confirm(slowClient, 2500));
            fleet = [.. (await prometheus.QueryAsync(fleetP95)).Where(s => s.Labels.GetValueOrDefault("odoo_operation") == Operation)];
            perInstance = [.. (await prometheus.QueryAsync(exact)).Where(s => s.Labels.GetValueOrDefault("odoo_operation") == Operation)];
            firing = [.. (await prometheus.AlertsAsync()).Where(a => a.State == "firing" && a.Labels["alertname"] == "OdooOperationLatencyHigh" && a.Labels["odoo_operation"] == Operation)];
            return fleet.Count == 1 && fleet[0].Value > threshold && perInstance.Count == 2 && firing.Count == 1;
        }, "fleet p95 above the threshold, two per-instance p95s and the fleet alert firing", TimeSpan.FromSeconds(90));

        // Fleet-wide: one p95 for the operation over both sidecars' buckets, and one alert with no instance label.
        Assert.DoesNotContain("instance", fleet[0].Labels.Keys);
        Assert.DoesNotContain("instance", firing[0].Labels.Keys);
        Assert.Equal(job, firing[0].Labels["job"]);
        // Per instance: the exact HDR p95 of each sidecar tells the slow host from the fast one.
        var byInstance = perInstance.ToDictionary(s => s.Labels["instance"], s => s.Value, StringComparer.Ordinal);
        Assert.True(byInstance[slow.AdminUri.Authority] >= 2.4, $"slow host p95 {byInstance[slow.AdminUri.Authority]}");
        Assert.True(byInstance[fast.AdminUri.Authority] < 1, $"fast host p95 {byInstance[fast.AdminUri.Authority]}");

        // Each sidecar admits up to its own host's workers; the fleet's capacity is their sum.
        var limits = await prometheus.QueryAsync($"sum by (instance) (odoo_workers_limit{{job=\"{job}\", odoo_pool=\"odoo\"}})");
        Assert.Equal([2.0, 2.0], limits.Select(l => l.Value));
        Assert.Equal(4, (await prometheus.QueryAsync(configured)).Single().Value);
        Assert.Equal(4, (await prometheus.QueryAsync("job:odoo_workers_limit:sum")).Single().Value);
        Assert.Empty(await prometheus.RuleErrorsAsync());
    }

    private static string Panel(string dashboard, string title, string? startsWith = null) =>
        MonitoringQueries.ForPrometheus(MonitoringQueries.DashboardQueries()
            .First(q => q.Where.StartsWith($"{dashboard} / {title} / ", StringComparison.Ordinal) && (startsWith is null || q.Expr.StartsWith(startsWith, StringComparison.Ordinal))).Expr);

    private static async Task Confirm(HttpClient client, int delayMs)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/web/dataset/call_button")
        {
            Content = new StringContent("""{"id":1,"jsonrpc":"2.0","method":"call","params":{"model":"sale.order","method":"action_confirm","args":[[7]],"kwargs":{"context":{}}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Sim-Delay-Ms", delayMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
    }
}

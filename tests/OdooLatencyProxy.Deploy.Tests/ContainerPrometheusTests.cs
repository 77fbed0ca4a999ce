namespace OdooLatencyProxy.Tests.Deploy;

/// <summary>
/// The container and host panels and alerts against a real Prometheus scraping the cAdvisor (compose and kubelet) and
/// node-exporter fixture scrapes on loopback, configured as deploy/compose/prometheus.yml configures those jobs: both
/// label shapes reach the same panels, and the container alerts fire with the container they concern.
/// </summary>
public sealed class ContainerPrometheusTests
{
    private const string Dashboard = "odoo-overview.json";

    [Fact]
    public async Task ComposeAndKubeletCadvisor_FillTheSamePanelsPerContainerAndTheContainerAlertsFire()
    {
        await using var exporters = await FixtureExporters.StartAsync();
        // Thresholds the fixtures' values cross (the proxy at 37-45 % of its memory limit, every counter growing
        // one per second so the throttled share is 1), with for: windows of a second.
        var alerts = AlertRuleGenerator.Render(Repo.Read("deploy/prometheus/thresholds.yml"), Repo.Read("deploy/prometheus/alerts.template.yml"),
            new Dictionary<string, string>
            {
                ["container_memory_ratio"] = "0.3",
                ["container_memory_for"] = "1s",
                ["cpu_throttled_ratio"] = "0.5",
                ["cpu_throttled_for"] = "1s",
            });
        await using var prometheus = await PrometheusServer.StartAsync(exporters.Jobs, new Dictionary<string, string> { ["alerts.yml"] = alerts });
        var compose = exporters.Jobs.Single(j => j.Name == "cadvisor").Targets[0].Authority;
        var kubelet = exporters.Jobs.Single(j => j.Name == "kubelet").Targets[0].Authority;

        IReadOnlyList<(string State, IReadOnlyDictionary<string, string> Labels)> firing = [];
        await prometheus.WaitAsync(async () =>
        {
            firing = [.. (await prometheus.AlertsAsync()).Where(a => a.State == "firing")];
            return firing.Count(a => a.Labels["alertname"] == "OdooContainerMemoryNearLimit") == 3 && firing.Any(a => a.Labels["alertname"] == "OdooContainerCpuThrottled");
        }, "the container alerts fire on the fixtures", TimeSpan.FromSeconds(60));

        // Compose's services and the pod's containers under the one container label.
        var used = await ContainersAsync(prometheus, "Container CPU: cores used vs limit", 0);
        Assert.Superset(new HashSet<string> { "odoo", "postgres", "proxy" }, used[compose].ToHashSet());
        Assert.Superset(new HashSet<string> { "odoo", "odoo-latency-proxy", "postgres" }, used[kubelet].ToHashSet());
        Assert.DoesNotContain("", used[kubelet]); // the pod's own cgroup and the machine are no container
        // Limits only where one is set: compose's proxy (mem_limit), the pod's Odoo and sidecar.
        var memoryLimits = await ContainersAsync(prometheus, "Container memory: working set vs limit", 1);
        Assert.Equal(["proxy"], memoryLimits[compose].Where(IsWatched).Order(StringComparer.Ordinal));
        Assert.Equal(["odoo", "odoo-latency-proxy"], memoryLimits[kubelet].Order(StringComparer.Ordinal));
        var throttled = await ContainersAsync(prometheus, "Container CPU throttling", 0);
        Assert.Equal(["odoo-latency-proxy"], throttled[kubelet]);
        Assert.False(throttled.ContainsKey(compose), "no CPU limit under compose, so nothing to throttle");
        var hostFree = await prometheus.QueryAsync(Query("Host filesystems: free share", 0));
        Assert.Equal("/", Assert.Single(hostFree).Labels["mountpoint"]);

        Assert.Equal(
            new[] { $"{compose} proxy ", $"{kubelet} odoo odoo-6d8f9b7c5d-k2x7q", $"{kubelet} odoo-latency-proxy odoo-6d8f9b7c5d-k2x7q" }.Order(StringComparer.Ordinal),
            firing.Where(a => a.Labels["alertname"] == "OdooContainerMemoryNearLimit")
                .Select(a => $"{a.Labels["instance"]} {a.Labels["container"]} {a.Labels.GetValueOrDefault("pod")}").Order(StringComparer.Ordinal));
        var cpu = Assert.Single(firing, a => a.Labels["alertname"] == "OdooContainerCpuThrottled");
        Assert.Equal("odoo-latency-proxy", cpu.Labels["container"]);
        Assert.Empty(await prometheus.RuleErrorsAsync());
    }

    private static bool IsWatched(string container) =>
        AlertRuleGenerator.Thresholds.Parse(Repo.Read("deploy/prometheus/thresholds.yml")).Values["containers"].Split('|').Contains(container);

    private static string Query(string title, int target) =>
        MonitoringQueries.ForPrometheus(MonitoringQueries.DashboardQueries().Where(q => q.Where.StartsWith($"{Dashboard} / {title} / ", StringComparison.Ordinal)).ElementAt(target).Expr);

    // The panel target's series: containers by scrape target (cAdvisor instance).
    private static async Task<Dictionary<string, List<string>>> ContainersAsync(PrometheusServer prometheus, string title, int target) =>
        (await prometheus.QueryAsync(Query(title, target)))
            .GroupBy(s => s.Labels["instance"])
            .ToDictionary(g => g.Key, g => g.Select(s => s.Labels.GetValueOrDefault("container") ?? "").ToList(), StringComparer.Ordinal);
}

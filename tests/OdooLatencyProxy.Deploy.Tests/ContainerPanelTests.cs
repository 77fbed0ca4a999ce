using System.Globalization;

namespace OdooLatencyProxy.Tests.Deploy;

/// <summary>
/// The system health dashboard's container and host panels evaluated by promtool over the fixture scrapes' series
/// (cAdvisor as compose and as the kubelet label it, a real node-exporter scrape, the proxy's process metrics), with
/// the values a test sets: what each panel reads for Odoo, PostgreSQL and the proxy.
/// </summary>
public sealed class ContainerPanelTests
{
    private const string Dashboard = "odoo-overview.json";
    private const string Pod = "odoo-6d8f9b7c5d-k2x7q";
    private const double Mi = 1024 * 1024;

    [Fact]
    public async Task CpuUsedVsLimit_SidecarWithOneCpuAndUnlimitedComposeOdoo_ReadCoresAndOnlyTheSetLimit()
    {
        string[] series =
        [
            // 2.5 s of CPU every 5 s = 0.5 cores; 7.5 s every 5 s = 1.5 cores.
            Kubelet("container_cpu_usage_seconds_total", "odoo-latency-proxy", "0+2.5x20"),
            Kubelet("container_spec_cpu_quota", "odoo-latency-proxy", "100000x20"),
            Kubelet("container_spec_cpu_period", "odoo-latency-proxy", "100000x20"),
            Compose("container_cpu_usage_seconds_total", "odoo", "0+7.5x20"),
            Compose("container_spec_cpu_period", "odoo", "100000x20"),
        ];
        await DashboardExpressionTests.AssertPanelAsync(Dashboard, "Container CPU: cores used vs limit", series, [(KubeletLabels("odoo-latency-proxy"), 0.5), (ComposeLabels("odoo"), 1.5)]);
        await DashboardExpressionTests.AssertPanelAsync(Dashboard, "Container CPU: cores used vs limit", series, [(KubeletLabels("odoo-latency-proxy"), 1)], target: 1);
    }

    [Fact]
    public async Task CpuThrottling_SidecarThrottledInOneOfFivePeriods_ReadsTwentyPercent()
    {
        await DashboardExpressionTests.AssertPanelAsync(Dashboard, "Container CPU throttling",
            [
                Kubelet("container_cpu_cfs_periods_total", "odoo-latency-proxy", "0+50x20"),
                Kubelet("container_cpu_cfs_throttled_periods_total", "odoo-latency-proxy", "0+10x20"),
            ],
            [(KubeletLabels("odoo-latency-proxy"), 0.2)]);
    }

    [Fact]
    public async Task MemoryVsLimit_ComposeProxyAtItsMemLimitAndUnlimitedOdoo_ShowsTheLimitOnlyWhereSet()
    {
        string[] series =
        [
            Compose("container_memory_working_set_bytes", "proxy"),
            Compose("container_spec_memory_limit_bytes", "proxy"),
            Compose("container_memory_working_set_bytes", "odoo"),
            Compose("container_spec_memory_limit_bytes", "odoo"),
            Kubelet("container_memory_working_set_bytes", "postgres"),
            Kubelet("container_spec_memory_limit_bytes", "postgres"),
        ];
        await DashboardExpressionTests.AssertPanelAsync(Dashboard, "Container memory: working set vs limit", series,
            [(ComposeLabels("proxy"), 142 * Mi), (ComposeLabels("odoo"), 1412 * Mi), (KubeletLabels("postgres", "postgres-0"), 1203 * Mi)]);
        await DashboardExpressionTests.AssertPanelAsync(Dashboard, "Container memory: working set vs limit", series, [(ComposeLabels("proxy"), 384 * Mi)], target: 1);
    }

    [Fact]
    public async Task OomKills_OneKillEveryFiveSeconds_ReadsThreeInTheFifteenSecondWindow()
    {
        await DashboardExpressionTests.AssertPanelAsync(Dashboard, "Container OOM kills",
            [Kubelet("container_oom_events_total", "odoo", "0+1x20"), Compose("container_oom_events_total", "postgres", "0x20")],
            [(KubeletLabels("odoo"), 3), (ComposeLabels("postgres"), 0)]);
    }

    [Fact]
    public async Task DiskUseAndRates_ComposePostgres_ReadItsLayerAndItsReadAndWriteRates()
    {
        await DashboardExpressionTests.AssertPanelAsync(Dashboard, "Container filesystem use",
            [Compose("container_fs_usage_bytes", "postgres")],
            [(ComposeLabels("postgres", ", device=\"/dev/vda\""), 2 * Mi)]);
        string[] io =
        [
            Compose("container_fs_reads_bytes_total", "postgres", "0+5242880x20"),
            Compose("container_fs_writes_bytes_total", "postgres", "0+10485760x20"),
        ];
        await DashboardExpressionTests.AssertPanelAsync(Dashboard, "Container disk reads and writes", io, [(ComposeLabels("postgres"), 1 * Mi)]);
        await DashboardExpressionTests.AssertPanelAsync(Dashboard, "Container disk reads and writes", io, [(ComposeLabels("postgres"), 2 * Mi)], target: 1);
    }

    [Fact]
    public async Task HostFilesystems_RecordedNodeExporterScrape_ReadFreeShareAndASteadyForecast()
    {
        var avail = Node("node_filesystem_avail_bytes");
        var size = Node("node_filesystem_size_bytes");
        string[] series = [$"{avail.Series(NodeTarget)}|{Constant(avail.Value)}", $"{size.Series(NodeTarget)}|{Constant(size.Value)}"];
        const string labels = """{job="node", instance="node-exporter:9100", device="/dev/vda", fstype="ext4", mountpoint="/"}""";
        await DashboardExpressionTests.AssertPanelAsync(Dashboard, "Host filesystems: free share", series, [(labels, avail.Value / size.Value)]);
        await DashboardExpressionTests.AssertPanelAsync(Dashboard, "Host filesystems: free space and 24 h forecast", series, [("node_filesystem_avail_bytes" + labels, avail.Value)]);
        // Nothing is written, so in 24 hours the same space is free.
        await DashboardExpressionTests.AssertPanelAsync(Dashboard, "Host filesystems: free space and 24 h forecast", series, [(labels, avail.Value)], target: 1);
    }

    [Fact]
    public async Task ProxyProcess_RecordedProcessMetrics_ReadResidentMemoryAndCoresOverBothCpuModes()
    {
        var target = ("instance", "odoo-1:9090");
        var job = ("job", "odoo-latency-proxy");
        var samples = ScrapeFixtures.Samples(ScrapeFixtures.ProxyProcess);
        var rss = samples.Single(s => s.Metric == "process_memory_usage_bytes");
        var cpu = samples.Where(s => s.Metric == "process_cpu_time_seconds_total").ToList();
        Assert.Equal(["system", "user"], cpu.Select(c => c.Labels["cpu_mode"]).Order(StringComparer.Ordinal));
        await DashboardExpressionTests.AssertPanelAsync(Dashboard, "Proxy process memory", [$"{rss.Series(job, target)}|{Constant(rss.Value)}"],
            [(rss.Series(job, target), rss.Value)]);
        // 0.25 s of each mode every 5 s: 0.1 cores.
        await DashboardExpressionTests.AssertPanelAsync(Dashboard, "Proxy process CPU", [.. cpu.Select(c => $"{c.Series(job, target)}|0+0.25x20")], [("""{instance="odoo-1:9090"}""", 0.1)]);
    }

    private static readonly (string, string)[] NodeTarget = [("job", "node"), ("instance", "node-exporter:9100")];

    private static FixtureSample Node(string metric) => ScrapeFixtures.Samples(ScrapeFixtures.NodeExporter).Single(s => s.Metric == metric && s.Labels["mountpoint"] == "/");

    private static string Constant(double value) => $"{value.ToString("R", CultureInfo.InvariantCulture)}x20";

    // A kubelet series of the fixture (job kubelet on node-1), with the test's values or the fixture's, held.
    private static string Kubelet(string metric, string container, string? values = null)
    {
        var sample = ScrapeFixtures.Samples(ScrapeFixtures.CadvisorKubelet).Single(s => s.Metric == metric && s.Labels["container"] == container);
        return $"{sample.Series(("job", "kubelet"), ("instance", "node-1"))}|{values ?? Constant(sample.Value)}";
    }

    // A compose series of the fixture as Prometheus stores it: deploy/compose/prometheus.yml adds container = the service.
    private static string Compose(string metric, string service, string? values = null)
    {
        var sample = ScrapeFixtures.Samples(ScrapeFixtures.CadvisorCompose).Single(s => s.Metric == metric && s.Labels["container_label_com_docker_compose_service"] == service);
        return $"{sample.Series(("job", "cadvisor"), ("instance", "cadvisor:8080"), ("container", service))}|{values ?? Constant(sample.Value)}";
    }

    private static string KubeletLabels(string container, string pod = Pod) =>
        $$"""{instance="node-1", namespace="odoo", pod="{{pod}}", container="{{container}}"}""";

    private static string ComposeLabels(string service, string extra = "") => $$"""{instance="cadvisor:8080", container="{{service}}"{{extra}}}""";
}

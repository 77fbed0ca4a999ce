using System.Text.Json;

namespace OdooLatencyProxy.Tests.Deploy;

/// <summary>grafana/: three provisioned dashboards with the variables, units and datasource every panel needs, and no plugin panels.</summary>
public sealed class DashboardTests
{
    // Panel types built into Grafana 10/11: nothing to install.
    private static readonly string[] BuiltInPanels = ["timeseries", "stat", "table", "bargauge", "gauge", "text", "row", "barchart", "piechart", "heatmap", "state-timeline", "status-history", "logs"];

    public static TheoryData<string> Dashboards() =>
        [.. Directory.GetFiles(Repo.Path(MonitoringQueries.DashboardFolder), "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Fact]
    public void ThreeDashboards_AnswerTheOverviewPerformanceAndBusinessQuestions()
    {
        var titles = Dashboards().Select(d => Load(d.Data).RootElement.GetProperty("title").GetString()).ToList();
        Assert.Equal(["Odoo / Business health", "Odoo / System health overview", "Odoo / Performance investigation"], titles);
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Dashboard_HasDatasourceInstanceAndOperationVariables(string file)
    {
        using var json = Load(file);
        var variables = json.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!, StringComparer.Ordinal);
        Assert.Equal("datasource", variables["datasource"].GetProperty("type").GetString());
        Assert.Equal("prometheus", variables["datasource"].GetProperty("query").GetString());
        foreach (var name in new[] { "instance", "operation" })
        {
            Assert.Equal("query", variables[name].GetProperty("type").GetString());
            Assert.Equal("${datasource}", variables[name].GetProperty("datasource").GetProperty("uid").GetString());
            Assert.True(variables[name].GetProperty("includeAll").GetBoolean());
        }
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("uid").GetString()));
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void EveryPanel_HasAUnitTheDatasourceVariableAndABuiltInType(string file)
    {
        using var json = Load(file);
        var panels = MonitoringQueries.Panels(json.RootElement).ToList();
        Assert.True(panels.Count >= 6, $"{file} has only {panels.Count} panels");
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        foreach (var panel in panels)
        {
            var title = panel.GetProperty("title").GetString();
            Assert.Contains(panel.GetProperty("type").GetString(), BuiltInPanels);
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            Assert.False(string.IsNullOrEmpty(panel.GetProperty("fieldConfig").GetProperty("defaults").GetProperty("unit").GetString()), $"{file} / {title}: no unit");
            Assert.False(string.IsNullOrEmpty(panel.GetProperty("description").GetString()), $"{file} / {title}: no description");
            var targets = panel.GetProperty("targets").EnumerateArray().ToList();
            Assert.NotEmpty(targets);
            Assert.All(targets, t => Assert.Equal("${datasource}", t.GetProperty("datasource").GetProperty("uid").GetString()));
            var grid = panel.GetProperty("gridPos");
            Assert.InRange(grid.GetProperty("x").GetInt32() + grid.GetProperty("w").GetInt32(), 1, 24);
        }
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void EveryQuery_FollowsTheInstanceContainerOrMountpointVariable(string file)
    {
        foreach (var query in MonitoringQueries.DashboardQueries().Where(q => q.Where.StartsWith(file, StringComparison.Ordinal)))
        {
            foreach (var (metric, labels) in MonitoringQueries.Selectors(query.Expr))
            {
                // The proxy's series follow $instance (a proxy); cAdvisor's follow $container; node-exporter's $mountpoint.
                var variable = metric.StartsWith("container_", StringComparison.Ordinal) ? "container"
                    : metric.StartsWith("node_", StringComparison.Ordinal) ? "mountpoint"
                    : "instance";
                Assert.True(labels.Contains(variable), $"{query.Where}: {metric} does not follow ${variable}");
                Assert.Contains($"{variable}=~\"${variable}\"", query.Expr, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void PerformanceDashboard_HasTheCapacityPanelComparingLittlesLawWithConfiguredWorkers()
    {
        using var json = Load("odoo-performance.json");
        var capacity = MonitoringQueries.Panels(json.RootElement).Single(p => p.GetProperty("title").GetString()!.StartsWith("Capacity", StringComparison.Ordinal));
        var exprs = capacity.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!).ToList();
        Assert.Contains(exprs, e => e.Contains("odoo_request_duration_seconds_sum", StringComparison.Ordinal) && e.Contains("odoo_request_queue_duration_seconds_sum", StringComparison.Ordinal));
        Assert.Contains(exprs, e => e.Contains("odoo_workers_limit", StringComparison.Ordinal));
    }

    [Fact]
    public void Provisioning_PointsGrafanaAtTheDashboardsFolderAndAPrometheusDatasource()
    {
        var datasources = Repo.Read("grafana/provisioning/datasources/prometheus.yml");
        Assert.Contains("type: prometheus", datasources, StringComparison.Ordinal);
        var providers = Repo.Read("grafana/provisioning/dashboards/odoo.yml");
        Assert.Contains("path: /var/lib/grafana/dashboards/odoo", providers, StringComparison.Ordinal);
        // The compose file mounts grafana/dashboards exactly there.
        Assert.Contains("../../grafana/dashboards:/var/lib/grafana/dashboards/odoo:ro", Repo.Read("deploy/compose/docker-compose.yml"), StringComparison.Ordinal);
    }

    private static JsonDocument Load(string file) => JsonDocument.Parse(Repo.Read(Path.Combine(MonitoringQueries.DashboardFolder, file)));
}

using OdooLatencyProxy.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace OdooLatencyProxy.Tests.Deploy;

/// <summary>
/// cAdvisor (compose and kubelet shapes) and node-exporter played by their fixture scrapes on 127.0.0.1, as scrape jobs
/// carrying the shipped compose Prometheus configuration's job names and metric relabelings.
/// </summary>
internal sealed class FixtureExporters : IAsyncDisposable
{
    private const string ComposePrometheus = "deploy/compose/prometheus.yml";

    /// <summary>cAdvisor's target in deploy/compose/prometheus.yml.</summary>
    public const string CadvisorTarget = "cadvisor:8080";
    private readonly TestUpstream[] _servers;

    private FixtureExporters(TestUpstream[] servers, IReadOnlyList<ScrapeJob> jobs)
    {
        _servers = servers;
        Jobs = jobs;
    }

    /// <summary>cadvisor and node as in deploy/compose/prometheus.yml, and kubelet (the Kubernetes shape of cAdvisor).</summary>
    public IReadOnlyList<ScrapeJob> Jobs { get; }

    public static async Task<FixtureExporters> StartAsync()
    {
        var compose = await ScrapeFixtures.ServeAsync(ScrapeFixtures.CadvisorCompose);
        var kubelet = await ScrapeFixtures.ServeAsync(ScrapeFixtures.CadvisorKubelet);
        var node = await ScrapeFixtures.ServeAsync(ScrapeFixtures.NodeExporter);
        return new FixtureExporters([compose, kubelet, node],
        [
            ComposeJob(CadvisorTarget, compose.Uri),
            new ScrapeJob("kubelet", [kubelet.Uri]),
            ComposeJob("node-exporter:9100", node.Uri),
        ]);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers) await server.DisposeAsync();
    }

    // The compose configuration's job scraping `target`, pointed at the fixture server instead.
    internal static ScrapeJob ComposeJob(string target, Uri server)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Repo.Read(ComposePrometheus)));
        var jobs = ((YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode)["scrape_configs"]).Cast<YamlMappingNode>();
        var job = jobs.Single(j => ((YamlSequenceNode)j["static_configs"]).Cast<YamlMappingNode>()
            .SelectMany(c => (YamlSequenceNode)c["targets"]).Any(t => ((YamlScalarNode)t).Value == target));
        return new ScrapeJob(((YamlScalarNode)job["job_name"]).Value!, [server],
            job.Children.TryGetValue("metric_relabel_configs", out var relabel) ? (YamlSequenceNode)relabel : null);
    }
}

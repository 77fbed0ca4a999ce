using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OdooLatencyProxy.Admission;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Collector;
using OdooLatencyProxy.Forwarding;
using OdooLatencyProxy.Odoo.Classification;
using OdooLatencyProxy.Odoo.Metrics;
using OdooLatencyProxy.Status;
using OdooLatencyProxy.AccessLog;
using OdooLatencyProxy.Telemetry;

namespace OdooLatencyProxy.Tests.Telemetry;

/// <summary>/metrics scraped over HTTP from a running proxy: the contract's names, attributes, units and bucket edges.</summary>
public sealed class MetricsEndpointTests
{
    private static readonly double[] ContractEdges = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300];

    [Fact]
    public async Task Scrape_HasTheContractsNamesLabelsAndBuckets_PlusConfiguredThresholds_AndTheCollectorsMetrics()
    {
        await using var harness = await TelemetryHarness.StartAsync(2, 2, new Dictionary<string, string?>
        {
            ["Classification:Rules:0:Name"] = "sale_order.confirm",
            ["Classification:Rules:0:ThresholdSeconds"] = "3",
            ["Classification:Rules:1:Name"] = "invoice.post",
            ["Classification:Rules:1:ThresholdSeconds"] = "0.75",
            // A collector that cannot reach its database still exports its meter: errors and probe state.
            ["Collector:ConnectionString"] = "Host=127.0.0.1;Port=1;Database=odoo;Username=monitor",
            ["Collector:QueueJobInterval"] = "00:00:00.2",
            ["Collector:ConnectTimeout"] = "00:00:01",
            ["Collector:MaxBackoff"] = "00:00:00.5",
        });
        Assert.True((int)(await harness.GetAsync("/odoo")).StatusCode < 400);

        IReadOnlyList<PromSample> samples = [];
        await Wait.UntilAsync(async () =>
        {
            samples = await harness.ScrapeAsync();
            // The queue_job probe's first failure may come after another probe's error: wait for both.
            return samples.Any(s => s.Name == "odoo_request_latency_seconds") && samples.Any(s => s.Name == "odoo_collector_errors_total")
                && samples.Any(s => s.Name == "odoo_collector_probe_up" && s["probe"] == "queue_job");
        }, "request and collector metrics on /metrics");

        var buckets = samples.Where(s => s.Name == "odoo_request_duration_seconds_bucket" && s["odoo_operation"] == "ui.bootstrap").ToList();
        Assert.NotEmpty(buckets);
        var edges = buckets.Select(b => b["le"]).Distinct().Where(le => le != "+Inf").Select(le => double.Parse(le, System.Globalization.CultureInfo.InvariantCulture)).Order();
        Assert.Equal(ContractEdges.Append(3).Append(0.75).Order(), edges);
        Assert.All(buckets, b =>
        {
            Assert.Equal("ok", b["odoo_outcome"]);
            Assert.Contains(b["http_response_status_code"], new[] { "200", "303" });
        });
        Assert.Contains(samples, s => s.Name == "odoo_request_duration_seconds_count");
        Assert.Contains(samples, s => s.Name == "odoo_request_duration_seconds_sum");
        Assert.Contains(samples, s => s.Name == "odoo_request_queue_duration_seconds_bucket" && s["odoo_operation"] == "ui.bootstrap" && s["le"] == "0.75");

        var latency = samples.Where(s => s.Name == "odoo_request_latency_seconds" && s["odoo_operation"] == "ui.bootstrap").ToList();
        Assert.Equal(["0.5", "0.95", "0.99", "0.999", "1"], latency.Select(s => s["quantile"]).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(["1m", "5m"], latency.Select(s => s["window"]).Distinct().Order(StringComparer.Ordinal));

        foreach (var name in new[] { "odoo_workers_busy", "odoo_workers_limit", "odoo_workers_queued", "odoo_realtime_connections" })
            Assert.Contains(samples, s => s.Name == name);
        Assert.Equal(harness.Sim.HttpUri.Authority, samples.Single(s => s.Name == "odoo_workers_busy")["odoo_destination"]);
        Assert.Equal("odoo", samples.Single(s => s.Name == "odoo_workers_queued")["odoo_destination"]); // the pool's queue
        Assert.Equal(["1m", "5m"], samples.Where(s => s.Name == "odoo_workers_saturation").Select(s => s["window"]).Order(StringComparer.Ordinal));
        Assert.Contains(samples, s => s.Name == "odoo_workers_saturated_time_seconds_total");
        Assert.Contains(samples, s => s.Name == "odoo_collector_probe_up" && s["probe"] == "queue_job" && s.Value == 0);
        Assert.Contains(samples, s => s.Name.StartsWith("process_", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal));

        // Every project series on the page is one the exporter makes of a catalog row, with that row's labels only.
        var exported = await ExportedMetrics.Catalog;
        Assert.All(samples.Where(s => s.Name.StartsWith("odoo_", StringComparison.Ordinal)), s =>
        {
            var row = exported.BySeries(s.Name);
            Assert.True(row is not null, $"{s.Name} is not a series of any catalog row");
            Assert.All(s.Labels.Keys.Where(l => !l.StartsWith("otel_scope_", StringComparison.Ordinal) && l != "le"), l => Assert.Contains(l, row.Labels));
        });
    }

    [Fact]
    public void Catalog_ListsExactlyTheInstrumentsTheProxyAndCollectorCreate_WithTheirUnitsAndKinds()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var created = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Scope == factory) created.Add(instrument);
            },
        };
        listener.Start();
        using var windows = new LatencyWindows(TimeProvider.System, TimeSpan.FromSeconds(5));
        var meter = CreateMeter(factory, windows, new TelemetryOptions());
        _ = new CollectorMetrics(factory);
        DestinationHealthMetrics.Register(meter, new NoProxyState());
        // The access-line join creates its counters (from the same rows) when Odoo's log is followed.
        _ = new AccessLogJoin(TimeProvider.System, [], Microsoft.Extensions.Logging.Abstractions.NullLogger<AccessLogJoin>.Instance, meter);

        Assert.All(created, i => Assert.Same(meter.Meter, i.Meter)); // one Meter for request path and collector
        var catalog = MetricCatalog.Default;
        Assert.Equal(catalog.All.Select(m => m.Name).Order(StringComparer.Ordinal), created.Select(i => i.Name).Order(StringComparer.Ordinal));
        foreach (var instrument in created)
        {
            var definition = catalog.Find(instrument.Name)!;
            Assert.Equal(definition.Unit, instrument.Unit);
            Assert.False(string.IsNullOrEmpty(instrument.Description), instrument.Name);
            var kind = instrument.GetType().Name switch
            {
                var n when n.StartsWith("Histogram", StringComparison.Ordinal) => MetricKind.Histogram,
                var n when n.StartsWith("Counter", StringComparison.Ordinal) || n.StartsWith("ObservableCounter", StringComparison.Ordinal) => MetricKind.Counter,
                _ => MetricKind.Gauge,
            };
            Assert.True(definition.Kind == kind, $"{instrument.Name}: catalog says {definition.Kind}, instrument is {instrument.GetType().Name}");
        }
    }

    [Fact]
    public void SaturationDescriptions_NameTheConfiguredThreshold()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var descriptions = new Dictionary<string, string?>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Scope == factory) descriptions[instrument.Name] = instrument.Description;
            },
        };
        listener.Start();
        using var windows = new LatencyWindows(TimeProvider.System, TimeSpan.FromSeconds(5));
        _ = CreateMeter(factory, windows, new TelemetryOptions { SaturationThreshold = 0.75 });

        Assert.Contains("at or above 75 % worker occupancy", descriptions["odoo.workers.saturation"], StringComparison.Ordinal);
        Assert.Contains("at or above 75 % worker occupancy", descriptions["odoo.workers.saturated_time"], StringComparison.Ordinal);
        Assert.Contains("at or above 90 % worker occupancy", MetricCatalog.Default.Find("odoo.workers.saturation")!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CatalogEndpoint_ServesEveryRowAsConfigured_ThresholdsInDescriptionsAndBuckets()
    {
        await using var harness = await TelemetryHarness.StartAsync(1, 1, new Dictionary<string, string?>
        {
            ["Telemetry:SaturationThreshold"] = "0.8",
            ["Classification:Rules:0:Name"] = "sale_order.confirm",
            ["Classification:Rules:0:ThresholdSeconds"] = "0.75",
        });

        var rows = (await harness.JsonAsync("/api/metrics/catalog")).EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);

        Assert.Equal(MetricCatalog.Default.All.Select(m => m.Name), rows.Keys);
        var saturatedTime = rows["odoo.workers.saturated_time"];
        Assert.Equal("counter", saturatedTime.GetProperty("kind").GetString());
        Assert.Equal("proxy", saturatedTime.GetProperty("source").GetString());
        Assert.Contains("at or above 80 % worker occupancy", saturatedTime.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(["odoo.destination", "odoo.pool"], saturatedTime.GetProperty("attributes").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(ContractEdges.Append(0.75).Order(), rows["odoo.request.duration"].GetProperty("buckets").EnumerateArray().Select(b => b.GetDouble()));
        Assert.Equal(JsonValueKind.Null, rows["odoo.workers.busy"].GetProperty("buckets").ValueKind);
        Assert.Equal("collector", rows["odoo.collector.errors"].GetProperty("source").GetString());
    }

    private static OdooMeter CreateMeter(IMeterFactory factory, LatencyWindows windows, TelemetryOptions telemetry) =>
        new(factory, new RequestClassifier(), new WorkerPools(new ProxyTopology(new ProxyOptions()).WorkersPool, TimeProvider.System),
            windows, new WorkerSaturation(TimeProvider.System, telemetry));
}

using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OdooLatencyProxy.Odoo.Metrics;
using OdooLatencyProxy.Status;
using OpenTelemetry.Metrics;

namespace OdooLatencyProxy.Tests.Telemetry;

/// <summary>
/// The Prometheus series and labels the real OTel Prometheus exporter makes of every catalog row, read from a scrape
/// rather than re-derived: the exporter owns the naming. Each row's instrument is created on a meter of its own (so the
/// exporter's <c>otel_scope_name</c> label says which row a series belongs to), given one measurement carrying every
/// attribute, and the exporter's page is scraped once per test run.
/// </summary>
public sealed class ExportedMetrics
{
    private const string ScopePrefix = "ExportedMetrics.";
    private static readonly Lazy<Task<ExportedMetrics>> Scraped = new(() => ScrapeAsync(MetricCatalog.Default.All));

    private ExportedMetrics(IReadOnlyList<ExportedMetric> all) => All = all;

    /// <summary>The catalog's rows with the names the exporter gives them.</summary>
    public static Task<ExportedMetrics> Catalog => Scraped.Value;

    /// <summary>Every row with its exported series and labels, in catalog order.</summary>
    public IReadOnlyList<ExportedMetric> All { get; }

    /// <summary>The row a Prometheus series (e.g. <c>odoo_request_duration_seconds_bucket</c>) comes from, or null.</summary>
    public ExportedMetric? BySeries(string series) => All.SingleOrDefault(m => m.Series.Contains(series));

    /// <summary>The row of an OTel instrument name.</summary>
    public ExportedMetric ByName(string name) => All.Single(m => m.Definition.Name == name);

    private static async Task<ExportedMetrics> ScrapeAsync(IReadOnlyList<MetricDefinition> definitions)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter([.. definitions.Select(d => ScopePrefix + d.Name)])
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
        });
        await using var app = builder.Build();
        app.MapPrometheusScrapingEndpoint("/metrics");
        await app.StartAsync();

        var meters = new List<Meter>();
        try
        {
            foreach (var definition in definitions)
            {
                var meter = new Meter(ScopePrefix + definition.Name);
                meters.Add(meter);
                Measure(meter, definition);
            }
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            var samples = PromSample.Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
            return new ExportedMetrics([.. definitions.Select(d =>
            {
                var own = samples.Where(s => s["otel_scope_name"] == ScopePrefix + d.Name).ToList();
                if (own.Count == 0) throw new InvalidOperationException($"{d.Name}: the exporter published nothing");
                return new ExportedMetric(d,
                    own.Select(s => s.Name).ToHashSet(StringComparer.Ordinal),
                    own.SelectMany(s => s.Labels.Keys).Where(l => !l.StartsWith("otel_scope_", StringComparison.Ordinal) && l != "le").ToHashSet(StringComparer.Ordinal));
            })]);
        }
        finally
        {
            foreach (var meter in meters) meter.Dispose();
            await app.StopAsync();
        }
    }

    // One measurement carrying every attribute the row declares, through the row's own create method.
    private static void Measure(Meter meter, MetricDefinition definition)
    {
        var tags = definition.Attributes.Select(a => new KeyValuePair<string, object?>(a, "x")).ToArray();
        switch (definition.Kind)
        {
            case MetricKind.Counter:
                definition.CreateCounter<long>(meter).Add(1, tags);
                break;
            case MetricKind.Histogram:
                definition.CreateHistogram(meter).Record(1, tags);
                break;
            default:
                definition.CreateObservableGauge(meter, () => new[] { new Measurement<double>(1, tags) });
                break;
        }
    }
}

/// <summary>One catalog row and what the exporter makes of it: its series names and its labels (<c>le</c> aside).</summary>
public sealed record ExportedMetric(MetricDefinition Definition, IReadOnlySet<string> Series, IReadOnlySet<string> Labels);

using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using OdooLatencyProxy.Collector;
using OdooLatencyProxy.Odoo.Metrics;

namespace OdooLatencyProxy.Tests.Collector;

/// <summary>The collector's services as the host registers them, with probes polled one at a time by the test.</summary>
public sealed class CollectorHarness : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly List<IDisposable> _collectors = [];

    public CollectorHarness(string connectionString, IDictionary<string, string?>? settings = null, TimeProvider? timeProvider = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Collector:ConnectionString"] = connectionString,
            ["Collector:StatementTimeout"] = "00:00:05",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            values[k] = v;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        if (timeProvider is not null)
        {
            services.AddSingleton(timeProvider);
        }

        services.AddOdooCollector(configuration);
        _provider = services.BuildServiceProvider();
        // Instruments exist from here on, so collectors created later see them.
        _ = _provider.GetRequiredService<CollectorMetrics>();
    }

    internal IServiceProvider Services => _provider;

    internal CollectorStatus Status => _provider.GetRequiredService<CollectorStatus>();

    /// <summary>Polls one probe once, through the same runner the background service uses.</summary>
    internal async Task<ProbeStatus> PollAsync(string probe)
    {
        var p = _provider.GetServices<ICollectorProbe>().Single(x => x.Name == probe);
        // The log is read by its tail on a timer of its own (not started here): one read before each poll stands for it.
        if (probe == "cron_log") _provider.GetService<OdooLogTail>()?.ReadOnce();
        await _provider.GetRequiredService<ProbeRunner>().PollOnceAsync(p, CancellationToken.None);
        return Status.Get(probe)!;
    }

    /// <summary>Polls and fails the test unless the probe succeeded.</summary>
    internal async Task PollOkAsync(string probe)
    {
        var status = await PollAsync(probe);
        Assert.True(status.State == "ok", $"{probe}: {status.State} {status.Reason}");
    }

    /// <summary>Collects one instrument of this provider's meter.</summary>
    public MetricCollector<T> Collect<T>(string instrument)
        where T : struct
    {
        var collector = new MetricCollector<T>(_provider.GetRequiredService<IMeterFactory>(), ProjectMeter.Name, instrument);
        _collectors.Add(collector);
        return collector;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _collectors)
        {
            c.Dispose();
        }

        await _provider.DisposeAsync();
    }
}

/// <summary>Reading what a <see cref="MetricCollector{T}"/> saw.</summary>
public static class MetricCollectorExtensions
{
    /// <summary>Sum of all recorded values whose tags include every given tag.</summary>
    public static T Sum<T>(this MetricCollector<T> collector, params (string Key, object? Value)[] tags)
        where T : struct, System.Numerics.INumber<T> =>
        collector.GetMeasurementSnapshot()
            .Where(m => tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value)))
            .Aggregate(T.Zero, (s, m) => s + m.Value);

    /// <summary>Recorded values whose tags include every given tag, in order.</summary>
    public static T[] Values<T>(this MetricCollector<T> collector, params (string Key, object? Value)[] tags)
        where T : struct =>
        [.. collector.GetMeasurementSnapshot()
            .Where(m => tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value)))
            .Select(m => m.Value)];

    /// <summary>The gauge's current values: observes it now and returns only that observation.</summary>
    public static IReadOnlyList<CollectedMeasurement<T>> Observe<T>(this MetricCollector<T> collector)
        where T : struct
    {
        collector.Clear();
        collector.RecordObservableInstruments();
        return collector.GetMeasurementSnapshot();
    }

    /// <summary>The observed gauge value with all the given tags, or null.</summary>
    public static T? Gauge<T>(this MetricCollector<T> collector, params (string Key, object? Value)[] tags)
        where T : struct =>
        collector.Observe()
            .Where(m => tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value)))
            .Select(m => (T?)m.Value)
            .SingleOrDefault();
}

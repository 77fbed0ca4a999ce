using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OdooLatencyProxy.Collector;
using OdooLatencyProxy.Odoo.Metrics;

namespace OdooLatencyProxy.Tests.Collector;

public sealed class CollectorMetricsTests
{
    // docs/metrics.md lists exactly these; a rename here must be a rename there.
    private static readonly (string Name, string? Unit)[] Expected =
    [
        ("odoo.queue_job.finished", "{job}"), ("odoo.queue_job.retries", "{retry}"),
        ("odoo.queue_job.execution.duration", "s"), ("odoo.queue_job.wait.duration", "s"),
        ("odoo.queue_job.jobs", "{job}"), ("odoo.queue_job.oldest_pending.age", "s"),
        ("odoo.cron.interval", "s"), ("odoo.cron.last_run.timestamp", "s"), ("odoo.cron.last_success.timestamp", "s"),
        ("odoo.cron.next_call.timestamp", "s"), ("odoo.cron.watched_since.timestamp", "s"), ("odoo.cron.consecutive_failures", "{failure}"), ("odoo.cron.failures", "{failure}"),
        ("odoo.sale_order.confirmation.duration", "s"),
        ("odoo.integration.operations", "{operation}"), ("odoo.integration.payment.open_transactions", "{transaction}"),
        ("odoo.db.connections", "{connection}"), ("odoo.db.connections.max", "{connection}"),
        ("odoo.db.statement.top.total_time", "s"), ("odoo.db.statement.top.calls", "{call}"), ("odoo.db.statement.top.mean_time", "s"),
        ("odoo.db.statement.slow", "{call}"), ("odoo.db.transaction.oldest.age", "s"), ("odoo.db.query.longest.age", "s"),
        ("odoo.collector.errors", "{error}"), ("odoo.collector.probe.up", null),
    ];

    [Fact]
    public void Instruments_NamesUnitsAndDescriptions_MatchTheDocumentedContract()
    {
        using var provider = new ServiceCollection().AddMetrics().AddSingleton<CollectorMetrics>().BuildServiceProvider();
        var factory = provider.GetRequiredService<IMeterFactory>();
        var seen = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Scope == factory)
                {
                    seen.Add(instrument);
                }
            },
        };
        listener.Start();
        _ = provider.GetRequiredService<CollectorMetrics>();

        Assert.Equal(Expected.OrderBy(e => e.Name), seen.Select(i => (i.Name, i.Unit)).OrderBy(e => e.Name));
        Assert.All(seen, i => Assert.Equal(ProjectMeter.Name, i.Meter.Name));
        Assert.All(seen, i => Assert.False(string.IsNullOrWhiteSpace(i.Description), i.Name));
        var docs = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "metrics.md"));
        Assert.All(Expected, e => Assert.Contains($"`{e.Name}`", docs, StringComparison.Ordinal));
    }

    [Fact]
    public void IntegrationOperation_WebhookHook_CountsByIntegrationAndOutcome()
    {
        using var provider = new ServiceCollection().AddMetrics().AddSingleton<CollectorMetrics>().BuildServiceProvider();
        using var collector = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(
            provider.GetRequiredService<IMeterFactory>(), ProjectMeter.Name, "odoo.integration.operations");
        var metrics = provider.GetRequiredService<CollectorMetrics>();
        metrics.IntegrationOperation("payment.webhook", "ok");
        metrics.IntegrationOperation("payment.webhook", "failed");
        metrics.IntegrationOperation("payment.webhook", "ok");
        Assert.Equal(2, collector.Sum(("odoo.integration", "payment.webhook"), ("odoo.outcome", "ok")));
        Assert.Equal(1, collector.Sum(("odoo.integration", "payment.webhook"), ("odoo.outcome", "failed")));
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OdooLatencyProxy.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace OdooLatencyProxy.Collector;

/// <summary>Runs one poll of a probe with isolation: a bounded time, caught failures, counted errors, status and backoff.</summary>
internal sealed class ProbeRunner(
    NpgsqlDataSource dataSource,
    OdooSchemaCache schemaCache,
    CollectorMetrics metrics,
    CollectorStatus status,
    TimeProvider timeProvider,
    IOptions<CollectorOptions> options,
    ILogger<ProbeRunner> logger)
{
    /// <summary>Polls <paramref name="probe"/> once and returns the delay until its next poll.</summary>
    public async Task<TimeSpan> PollOnceAsync(ICollectorProbe probe, CancellationToken stoppingToken)
    {
        var previous = status.Get(probe.Name);
        var started = timeProvider.GetUtcNow();
        // A hung network read must not stall the probe forever: bound the whole poll, not just each statement.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(options.Value.ConnectTimeout + options.Value.StatementTimeout + options.Value.StatementTimeout);
        try
        {
            string? skipped;
            await using (var context = new ProbeContext(dataSource, schemaCache))
            {
                skipped = await probe.PollAsync(context, timeout.Token);
            }

            status.OdooVersion = schemaCache.Current?.MajorVersion;
            if (skipped is not null)
            {
                if (previous?.State != "skipped")
                {
                    CollectorLog.ProbeSkipped(logger, probe.Name, skipped);
                }

                status.Set(new ProbeStatus(probe.Name, "skipped", started, previous?.LastSuccess, 0, previous?.Errors ?? 0, skipped));
            }
            else
            {
                if (previous is { ConsecutiveFailures: > 0 })
                {
                    CollectorLog.ProbeRecovered(logger, probe.Name, previous.ConsecutiveFailures);
                }

                status.Set(new ProbeStatus(probe.Name, "ok", started, timeProvider.GetUtcNow(), 0, previous?.Errors ?? 0, null));
            }

            PublishUp();
            return probe.Interval;
        }
        // Any failure, a bug included, must stay inside the probe: an exception escaping a BackgroundService stops the host.
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            var failures = (previous?.ConsecutiveFailures ?? 0) + 1;
            var delay = Backoff(probe.Interval, failures, options.Value.MaxBackoff);
            var reason = Describe(ex, timeout.IsCancellationRequested);
            metrics.ProbeError(probe.Name);
            probe.Clear();
            schemaCache.Invalidate();
            status.Set(new ProbeStatus(probe.Name, "error", started, previous?.LastSuccess, failures, (previous?.Errors ?? 0) + 1, reason));
            PublishUp();
            CollectorLog.ProbeFailed(logger, probe.Name, failures, delay, reason);
            return delay;
        }
    }

    /// <summary>The wait after <paramref name="failures"/> consecutive failures: the interval doubled per failure, capped.</summary>
    public static TimeSpan Backoff(TimeSpan interval, int failures, TimeSpan max)
    {
        if (failures <= 0)
        {
            return interval;
        }

        var factor = Math.Pow(2, Math.Min(failures - 1, 20));
        var delay = TimeSpan.FromTicks((long)Math.Min(interval.Ticks * factor, max.Ticks));
        return delay < interval ? interval : delay;
    }

    // The reason is logged and served by the API: keep it to the error's class and message, never the
    // connection string; PostgreSQL messages for reads carry no row data.
    private static string Describe(Exception ex, bool timedOut) => ex switch
    {
        PostgresException pg => $"{pg.SqlState}: {pg.MessageText}",
        OperationCanceledException when timedOut => "timed out",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };

    private void PublishUp() =>
        metrics.SetProbeStates(status.Probes.Where(p => p.State != "skipped").Select(p => (p.Probe, p.State == "ok")));
}

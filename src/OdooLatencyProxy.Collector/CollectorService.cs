using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OdooLatencyProxy.Collector;

/// <summary>Runs every probe on its own schedule, beside the proxy and never in its way.</summary>
internal sealed class CollectorService(
    IEnumerable<ICollectorProbe> probes,
    ProbeRunner runner,
    TimeProvider timeProvider,
    ILogger<CollectorService> logger) : BackgroundService
{
    private readonly ICollectorProbe[] _probes = [.. probes];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Start-up of the host must never wait for the database.
        await Task.Yield();
        CollectorLog.Started(logger, _probes.Length);
        await Task.WhenAll(_probes.Select(p => LoopAsync(p, stoppingToken)));
    }

    private async Task LoopAsync(ICollectorProbe probe, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var delay = await runner.PollOnceAsync(probe, stoppingToken);
                await Task.Delay(delay, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

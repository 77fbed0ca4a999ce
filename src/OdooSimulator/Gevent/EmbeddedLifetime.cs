using Microsoft.Extensions.Hosting;

namespace OdooSimulator.Gevent;

/// <summary>A host lifetime that leaves signals to whoever owns the process.</summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

namespace OdooLatencyProxy.Hosting;

/// <summary>
/// Gives memory back to the system when a burst of traffic is over. The GC keeps the memory a burst made it commit, in
/// case the burst returns; a sidecar that stays at its peak after a morning rush holds memory the host could use. Once
/// the proxy has allocated <see cref="BurstBytes"/> in busy intervals since the last trim and then next to nothing for one
/// <see cref="CheckInterval"/>, one full compacting collection decommits the rest. A proxy under steady load is never
/// quiet and never pays for it; an idle one trims once per burst.
/// </summary>
internal sealed partial class IdleMemoryTrim(TimeProvider time, ILogger<IdleMemoryTrim> logger) : BackgroundService
{
    /// <summary>How often the allocation count is read.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(10);

    /// <summary>Allocated since the last trim before another is worth it (13,000 to 33,000 proxied requests: 8 to 20 KB each).</summary>
    public const long BurstBytes = 256L << 20;

    /// <summary>Allocated within one interval that still counts as quiet (scrapes, probes and the collector allocate a little).</summary>
    public const long QuietBytes = 4L << 20;

    private long _atLastCheck = -1;
    private long _busySinceTrim;

    /// <summary>Bytes allocated by the process so far.</summary>
    internal Func<long> AllocatedBytes { get; init; } = () => GC.GetTotalAllocatedBytes();

    /// <summary>The collection that gives memory back.</summary>
    internal Action Collect { get; init; } = () => GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    /// <summary>One look at the allocation count; true when it trimmed.</summary>
    internal bool Check()
    {
        var allocated = AllocatedBytes();
        var sinceLastCheck = _atLastCheck < 0 ? 0 : allocated - _atLastCheck;
        _atLastCheck = allocated;
        if (sinceLastCheck >= QuietBytes)
        {
            _busySinceTrim += sinceLastCheck; // only busy intervals make a burst: a trickle never adds up to one
            return false;
        }
        if (_busySinceTrim < BurstBytes) return false;

        var committed = GC.GetGCMemoryInfo().TotalCommittedBytes;
        Collect();
        var released = committed - GC.GetGCMemoryInfo().TotalCommittedBytes;
        LogTrimmed(logger, _busySinceTrim >> 20, released >> 20);
        _busySinceTrim = 0;
        _atLastCheck = AllocatedBytes();
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, time);
        try
        {
            do
            {
                Check();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping, or disposed without a stop: the host would log a cancelled service as failed.
        }
    }

    [LoggerMessage(EventId = 1951, Level = LogLevel.Debug, Message = "Traffic went quiet after {AllocatedMiB} MiB allocated: a full collection gave back {ReleasedMiB} MiB")]
    private static partial void LogTrimmed(ILogger logger, long allocatedMiB, long releasedMiB);
}

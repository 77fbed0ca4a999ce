using System.Collections.Concurrent;

namespace OdooSimulator.Prefork;

/// <summary>Counters the simulator keeps about its own workers; read by the public API and <c>/__sim/stats</c>.</summary>
internal sealed class SimStats
{
    private readonly ConcurrentDictionary<string, long> _operations = new(StringComparer.Ordinal);
    private int _inProgress;
    private int _maxInProgress;
    private long _accepted;
    private long _served;
    private long _aborted;

    public int InProgress => Volatile.Read(ref _inProgress);

    public int MaxInProgress => Volatile.Read(ref _maxInProgress);

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Served => Interlocked.Read(ref _served);

    /// <summary>Connections closed without a complete response: client hang-ups, timeouts, injected resets.</summary>
    public long Aborted => Interlocked.Read(ref _aborted);

    /// <summary>Returns the connection's sequence number (1-based), which seeds its random draws.</summary>
    public long OnAccepted()
    {
        var now = Interlocked.Increment(ref _inProgress);
        var max = Volatile.Read(ref _maxInProgress);
        while (now > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxInProgress, now, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }

        return Interlocked.Increment(ref _accepted);
    }

    public void OnClosed() => Interlocked.Decrement(ref _inProgress);

    public void OnServed() => Interlocked.Increment(ref _served);

    public void OnAborted() => Interlocked.Increment(ref _aborted);

    public void OnOperation(string operation) => _operations.AddOrUpdate(operation, 1, static (_, n) => n + 1);

    public IReadOnlyDictionary<string, long> Operations() => new SortedDictionary<string, long>(_operations, StringComparer.Ordinal);

    public void Reset()
    {
        Interlocked.Exchange(ref _accepted, 0);
        Interlocked.Exchange(ref _served, 0);
        Interlocked.Exchange(ref _aborted, 0);
        Volatile.Write(ref _maxInProgress, InProgress);
        _operations.Clear();
    }
}

namespace OdooSimulator.Prefork;

/// <summary>
/// Holds every worker before it answers while any stall is active: the whole server freezes, as Odoo does
/// during a long lock wait or a stop-the-world pause, so load generators can be checked for coordinated omission.
/// </summary>
internal sealed class StallGate : IDisposable
{
    private readonly Lock _lock = new();
    private readonly ManualResetEventSlim _open = new(initialState: true);
    private readonly TimeProvider _time;
    private int _active;

    public StallGate(TimeProvider time) => _time = time;

    public IDisposable Begin(TimeSpan duration)
    {
        if (duration != Timeout.InfiniteTimeSpan && duration < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A stall lasts a positive time or Timeout.InfiniteTimeSpan.");
        }

        lock (_lock)
        {
            _active++;
            _open.Reset();
        }

        var stall = new Stall(this);
        if (duration != Timeout.InfiniteTimeSpan)
        {
            stall.Timer = _time.CreateTimer(static s => ((Stall)s!).Dispose(), stall, duration, Timeout.InfiniteTimeSpan);
        }

        return stall;
    }

    /// <summary>Blocks the calling worker while stalled; false when <paramref name="ct"/> fired first.</summary>
    public bool Wait(CancellationToken ct)
    {
        try
        {
            _open.Wait(ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _open.Dispose();

    private void End()
    {
        lock (_lock)
        {
            if (--_active == 0)
            {
                _open.Set();
            }
        }
    }

    private sealed class Stall(StallGate gate) : IDisposable
    {
        private int _ended;

        public ITimer? Timer { get; set; }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                Timer?.Dispose();
                gate.End();
            }
        }
    }
}

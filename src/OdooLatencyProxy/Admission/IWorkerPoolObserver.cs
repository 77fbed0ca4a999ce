namespace OdooLatencyProxy.Admission;

/// <summary>Told of every change of a destination's busy count, under the pool's lock: keep it short and never throw.</summary>
public interface IWorkerPoolObserver
{
    /// <summary>The destination's busy count is now <paramref name="busy"/> of <paramref name="limit"/> (0 = not limited).</summary>
    void BusyChanged(string pool, string destination, int busy, int limit);

    /// <summary>The pool's queue now holds <paramref name="queued"/> requests.</summary>
    void QueueChanged(string pool, int queued);
}

namespace OdooLatencyProxy.Admission;

/// <summary>A worker held on one destination: an entry of its pool's in-flight set until released. Releasing twice is harmless.</summary>
public sealed class WorkerLease
{
    private readonly WorkerPool _pool;
    private int _released;

    internal WorkerLease(WorkerPool pool, string destination, object? holder, long admittedAt)
    {
        _pool = pool;
        Destination = destination;
        Holder = holder;
        AdmittedAt = admittedAt;
    }

    /// <summary>The destination id the request must go to.</summary>
    public string Destination { get; }

    /// <summary>What the caller said holds the worker (the request path's exchange), for readers of the in-flight set.</summary>
    public object? Holder { get; }

    /// <summary>Timestamp (the pool's <see cref="TimeProvider"/>) when the worker was taken.</summary>
    public long AdmittedAt { get; }

    // The pool's in-flight list, intrusive: listing a request allocates nothing beyond the lease. Guarded by the pool's lock.
    internal WorkerLease? Previous { get; set; }
    internal WorkerLease? Next { get; set; }
    internal bool Listed { get; set; }

    /// <summary>Gives the worker back (as soon as the upstream response is fully read, not when the client has it).</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        _pool.Release(this);
    }
}

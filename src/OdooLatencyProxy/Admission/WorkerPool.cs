namespace OdooLatencyProxy.Admission;

/// <summary>
/// Admission for one pool of Odoo HTTP destinations: at most <c>workers</c> requests forwarded to each
/// destination at once, the rest in one FIFO queue (HAProxy's maxconn + backend queue). A queued request
/// takes whichever destination frees first, so it never waits for one host while another is idle.
/// </summary>
public sealed class WorkerPool
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DestinationSlots> _slots;
    private readonly LinkedList<Waiter> _queue = new();
    private readonly int _maxQueueLength;
    private readonly TimeSpan? _maxQueueWait;
    private readonly TimeProvider _time;
    private readonly IWorkerPoolObserver? _observer;
    private int _rotation;

    /// <summary>Creates a pool; <paramref name="workersByDestination"/> maps destination id to its worker limit (0 = not limited).</summary>
    public WorkerPool(string name, IReadOnlyDictionary<string, int> workersByDestination, int maxQueueLength, TimeSpan? maxQueueWait, TimeProvider time,
        IWorkerPoolObserver? observer = null)
    {
        Name = name;
        _slots = workersByDestination.ToDictionary(p => p.Key, p => new DestinationSlots(p.Value));
        _maxQueueLength = maxQueueLength;
        _maxQueueWait = maxQueueWait;
        _time = time;
        _observer = observer;
        foreach (var (destination, slots) in _slots) observer?.BusyChanged(name, destination, 0, slots.Limit);
        observer?.QueueChanged(name, 0);
    }

    /// <summary>The pool's name (the YARP cluster id).</summary>
    public string Name { get; }

    /// <summary>
    /// Takes a worker on one of <paramref name="candidates"/> (destination ids the request may use, healthy ones first),
    /// waiting in FIFO order when all are busy. Never throws for a full queue or a timeout: the result says why.
    /// </summary>
    public async ValueTask<Admission> AcquireAsync(IReadOnlyList<string> candidates, CancellationToken aborted)
    {
        var enqueuedAt = _time.GetTimestamp();
        Waiter waiter;
        lock (_lock)
        {
            // A request arriving while others queue goes behind them: FIFO.
            if (_queue.Count == 0 && TryTakeSlot(candidates) is { } free)
            {
                return Admission.Admitted(new WorkerLease(this, free), TimeSpan.Zero);
            }
            if (_maxQueueLength > 0 && _queue.Count >= _maxQueueLength)
            {
                return Admission.Rejected(AdmissionRejection.QueueFull, TimeSpan.Zero);
            }
            waiter = new Waiter(candidates);
            waiter.Node = _queue.AddLast(waiter);
            _observer?.QueueChanged(Name, _queue.Count);
            // Waiters ahead may be bound to other destinations (health differs over time); a room they cannot use is ours.
            Dispatch();
        }

        using var timeout = _maxQueueWait is { } wait ? new CancellationTokenSource(wait, _time) : null;
        using var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(aborted, timeout.Token);
        var token = linked?.Token ?? aborted;
        try
        {
            var destination = await waiter.Slot.Task.WaitAsync(token).ConfigureAwait(false);
            return Admission.Admitted(new WorkerLease(this, destination), _time.GetElapsedTime(enqueuedAt));
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            string? assigned = null;
            lock (_lock)
            {
                if (waiter.Node?.List is not null)
                {
                    _queue.Remove(waiter.Node);
                    _observer?.QueueChanged(Name, _queue.Count);
                }
                else assigned = waiter.Slot.Task.Result; // Handed a slot in the same instant: give it back.
            }
            if (assigned is not null) Release(assigned);

            var waited = _time.GetElapsedTime(enqueuedAt);
            return aborted.IsCancellationRequested
                ? Admission.Rejected(AdmissionRejection.ClientAborted, waited)
                : Admission.Rejected(AdmissionRejection.QueueTimeout, waited);
        }
    }

    /// <summary>Live numbers: busy and limit per destination, and the queue length.</summary>
    public WorkerPoolSnapshot Snapshot()
    {
        lock (_lock)
        {
            var destinations = _slots.Select(s => new DestinationSnapshot(s.Key, s.Value.Busy, s.Value.Limit)).ToArray();
            return new WorkerPoolSnapshot(Name, _queue.Count, destinations);
        }
    }

    internal void Release(string destination)
    {
        lock (_lock)
        {
            var slots = _slots[destination];
            slots.Busy--;
            _observer?.BusyChanged(Name, destination, slots.Busy, slots.Limit);
            Dispatch();
        }
    }

    // Hands free slots to the oldest waiters that may use them. Caller holds the lock.
    private void Dispatch()
    {
        var node = _queue.First;
        while (node is not null && AnyRoom())
        {
            var next = node.Next;
            if (TryTakeSlot(node.Value.Candidates) is { } destination)
            {
                _queue.Remove(node);
                _observer?.QueueChanged(Name, _queue.Count);
                node.Value.Node = null;
                node.Value.Slot.SetResult(destination);
            }
            node = next;
        }
    }

    private bool AnyRoom()
    {
        foreach (var slots in _slots.Values)
        {
            if (slots.HasRoom) return true;
        }
        return false;
    }

    private string? TryTakeSlot(IReadOnlyList<string> candidates)
    {
        // Least loaded destination (busy / limit), so hosts of different sizes fill evenly; ties rotate.
        string? best = null;
        var bestLoad = double.MaxValue;
        var start = candidates.Count > 1 ? (int)(unchecked((uint)_rotation++) % (uint)candidates.Count) : 0;
        for (var i = 0; i < candidates.Count; i++)
        {
            var id = candidates[(start + i) % candidates.Count];
            if (!_slots.TryGetValue(id, out var slots) || !slots.HasRoom) continue;
            var load = slots.Limit == 0 ? slots.Busy / 1e6 : (double)slots.Busy / slots.Limit;
            if (load < bestLoad)
            {
                best = id;
                bestLoad = load;
            }
        }
        if (best is not null)
        {
            var slots = _slots[best];
            slots.Busy++;
            _observer?.BusyChanged(Name, best, slots.Busy, slots.Limit);
        }
        return best;
    }

    private sealed class DestinationSlots(int limit)
    {
        public int Limit { get; } = limit;
        public int Busy { get; set; }
        public bool HasRoom => Limit == 0 || Busy < Limit;
    }

    private sealed class Waiter(IReadOnlyList<string> candidates)
    {
        public IReadOnlyList<string> Candidates { get; } = candidates;
        public TaskCompletionSource<string> Slot { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public LinkedListNode<Waiter>? Node { get; set; }
    }
}

/// <summary>Why a request was not admitted.</summary>
public enum AdmissionRejection
{
    /// <summary>Admitted.</summary>
    None,
    /// <summary>The queue was at its maximum length.</summary>
    QueueFull,
    /// <summary>The request waited longer than the maximum queue wait.</summary>
    QueueTimeout,
    /// <summary>The client went away while queued.</summary>
    ClientAborted,
}

/// <summary>The result of asking for a worker: a lease, or why not, and how long the request queued.</summary>
public readonly record struct Admission(WorkerLease? Lease, AdmissionRejection Rejection, TimeSpan QueueWait)
{
    internal static Admission Admitted(WorkerLease lease, TimeSpan waited) => new(lease, AdmissionRejection.None, waited);

    internal static Admission Rejected(AdmissionRejection why, TimeSpan waited) => new(null, why, waited);
}

/// <summary>A worker held on one destination; releasing it twice is harmless.</summary>
public sealed class WorkerLease(WorkerPool pool, string destination)
{
    private int _released;
    private Action<object>? _onRelease;
    private object? _onReleaseState;

    /// <summary>The destination id the request must go to.</summary>
    public string Destination { get; } = destination;

    /// <summary>
    /// Calls <paramref name="callback"/> once, right after the worker is given back (the in-flight registry's hook).
    /// A static callback with a state object keeps the request path free of allocations.
    /// </summary>
    public void OnRelease(Action<object> callback, object state)
    {
        _onReleaseState = state;
        Interlocked.Exchange(ref _onRelease, callback); // A full fence: the read of _released below cannot move above it.
        // Released before the hook was set: run it now, once.
        if (Volatile.Read(ref _released) == 1 && Interlocked.Exchange(ref _onRelease, null) is { } late) late(state);
    }

    /// <summary>Gives the worker back (as soon as the upstream response is fully read, not when the client has it).</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        pool.Release(Destination);
        if (Interlocked.Exchange(ref _onRelease, null) is { } callback) callback(_onReleaseState!);
    }
}

/// <summary>Told of every change of a destination's busy count, under the pool's lock: keep it short and never throw.</summary>
public interface IWorkerPoolObserver
{
    /// <summary>The destination's busy count is now <paramref name="busy"/> of <paramref name="limit"/> (0 = not limited).</summary>
    void BusyChanged(string pool, string destination, int busy, int limit);

    /// <summary>The pool's queue now holds <paramref name="queued"/> requests.</summary>
    void QueueChanged(string pool, int queued);
}

/// <summary>Live numbers of one pool.</summary>
public sealed record WorkerPoolSnapshot(string Pool, int Queued, IReadOnlyList<DestinationSnapshot> Destinations);

/// <summary>Live numbers of one destination: requests holding its workers, and its worker count (0 = not limited).</summary>
public sealed record DestinationSnapshot(string Destination, int Busy, int Limit);

namespace OdooLatencyProxy.Admission;

/// <summary>
/// Admission for one pool of Odoo HTTP destinations: at most <c>workers</c> requests forwarded to each
/// destination at once, the rest in one FIFO queue (HAProxy's maxconn + backend queue). A queued request
/// takes whichever destination frees first, so it never waits for one host while another is idle.
/// The pool owns the in-flight set: every lease it hands out is listed until released (<see cref="InFlight"/>).
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
    private WorkerLease? _head;
    private WorkerLease? _tail;

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

    /// <summary>Takes a worker with no holder named; see <see cref="AcquireAsync(IReadOnlyList{string}, object?, CancellationToken)"/>.</summary>
    public ValueTask<Admission> AcquireAsync(IReadOnlyList<string> candidates, CancellationToken aborted) => AcquireAsync(candidates, null, aborted);

    /// <summary>
    /// Takes a worker on one of <paramref name="candidates"/> (destination ids the request may use, healthy ones first),
    /// waiting in FIFO order when all are busy; the lease names <paramref name="holder"/> in the in-flight set.
    /// Never throws for a full queue or a timeout: the result says why.
    /// </summary>
    public async ValueTask<Admission> AcquireAsync(IReadOnlyList<string> candidates, object? holder, CancellationToken aborted)
    {
        var enqueuedAt = _time.GetTimestamp();
        Waiter waiter;
        lock (_lock)
        {
            // A request arriving while others queue goes behind them: FIFO.
            if (_queue.Count == 0 && TryTakeSlot(candidates, holder) is { } free)
            {
                return Admission.Admitted(free, TimeSpan.Zero);
            }
            if (_maxQueueLength > 0 && _queue.Count >= _maxQueueLength)
            {
                return Admission.Rejected(AdmissionRejection.QueueFull, TimeSpan.Zero);
            }
            waiter = new Waiter(candidates, holder);
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
            var lease = await waiter.Slot.Task.WaitAsync(token).ConfigureAwait(false);
            return Admission.Admitted(lease, _time.GetElapsedTime(enqueuedAt));
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            WorkerLease? assigned = null;
            lock (_lock)
            {
                if (waiter.Node?.List is not null)
                {
                    _queue.Remove(waiter.Node);
                    _observer?.QueueChanged(Name, _queue.Count);
                }
                else assigned = waiter.Slot.Task.Result; // Handed a slot in the same instant: give it back.
            }
            assigned?.Release();

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

    /// <summary>The leases held now (the requests holding a worker), oldest admission first.</summary>
    public IReadOnlyList<WorkerLease> InFlight()
    {
        lock (_lock)
        {
            var result = new List<WorkerLease>();
            for (var lease = _head; lease is not null; lease = lease.Next) result.Add(lease);
            return result;
        }
    }

    internal void Release(WorkerLease lease)
    {
        lock (_lock)
        {
            Unlist(lease);
            var slots = _slots[lease.Destination];
            slots.Busy--;
            _observer?.BusyChanged(Name, lease.Destination, slots.Busy, slots.Limit);
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
            if (TryTakeSlot(node.Value.Candidates, node.Value.Holder) is { } lease)
            {
                _queue.Remove(node);
                _observer?.QueueChanged(Name, _queue.Count);
                node.Value.Node = null;
                node.Value.Slot.SetResult(lease);
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

    // Takes a slot and lists its lease in the in-flight set, or returns null. Caller holds the lock.
    private WorkerLease? TryTakeSlot(IReadOnlyList<string> candidates, object? holder)
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
        if (best is null) return null;
        var taken = _slots[best];
        taken.Busy++;
        _observer?.BusyChanged(Name, best, taken.Busy, taken.Limit);
        var lease = new WorkerLease(this, best, holder, _time.GetTimestamp());
        List(lease);
        return lease;
    }

    // Caller holds the lock.
    private void List(WorkerLease lease)
    {
        lease.Previous = _tail;
        lease.Next = null;
        if (_tail is null) _head = lease;
        else _tail.Next = lease;
        _tail = lease;
        lease.Listed = true;
    }

    // Caller holds the lock.
    private void Unlist(WorkerLease lease)
    {
        if (!lease.Listed) return;
        if (lease.Previous is { } previous) previous.Next = lease.Next;
        else _head = lease.Next;
        if (lease.Next is { } next) next.Previous = lease.Previous;
        else _tail = lease.Previous;
        lease.Previous = lease.Next = null;
        lease.Listed = false;
    }

    private sealed class DestinationSlots(int limit)
    {
        public int Limit { get; } = limit;
        public int Busy { get; set; }
        public bool HasRoom => Limit == 0 || Busy < Limit;
    }

    private sealed class Waiter(IReadOnlyList<string> candidates, object? holder)
    {
        public IReadOnlyList<string> Candidates { get; } = candidates;
        public object? Holder { get; } = holder;
        public TaskCompletionSource<WorkerLease> Slot { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public LinkedListNode<Waiter>? Node { get; set; }
    }
}

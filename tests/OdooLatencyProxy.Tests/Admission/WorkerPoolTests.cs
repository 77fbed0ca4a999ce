using Microsoft.Extensions.Time.Testing;
using OdooLatencyProxy.Admission;

namespace OdooLatencyProxy.Tests.Admission;

public sealed class WorkerPoolTests
{
    private static readonly string[] OneHost = ["odoo:8069"];
    private readonly FakeTimeProvider _time = new();

    private WorkerPool Pool(int workers = 2, int maxQueue = 0, TimeSpan? maxWait = null, Dictionary<string, int>? hosts = null) =>
        new("odoo", hosts ?? new Dictionary<string, int> { ["odoo:8069"] = workers }, maxQueue, maxWait, _time);

    [Fact]
    public async Task Acquire_UnderTheLimit_AdmitsAtOnceWithZeroWait()
    {
        var pool = Pool(workers: 2);

        var first = await pool.AcquireAsync(OneHost, CancellationToken.None);
        var second = await pool.AcquireAsync(OneHost, CancellationToken.None);

        Assert.NotNull(first.Lease);
        Assert.NotNull(second.Lease);
        Assert.Equal(TimeSpan.Zero, second.QueueWait);
        Assert.Equal(new DestinationSnapshot("odoo:8069", 2, 2), Assert.Single(pool.Snapshot().Destinations));
    }

    [Fact]
    public async Task Acquire_AtTheLimit_QueuesInArrivalOrder_AndMeasuresTheWait()
    {
        var pool = Pool(workers: 1);
        var holder = (await pool.AcquireAsync(OneHost, CancellationToken.None)).Lease!;
        var waiters = Enumerable.Range(0, 5).Select(_ => pool.AcquireAsync(OneHost, CancellationToken.None).AsTask()).ToArray();
        Assert.Equal(5, pool.Snapshot().Queued);

        var lease = holder;
        for (var next = 0; next < 5; next++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            lease.Release();
            // Exactly the oldest waiter is admitted, and it waited from its own arrival.
            var admitted = await waiters[next];
            Assert.All(waiters.Skip(next + 1), w => Assert.False(w.IsCompleted));
            Assert.Equal(TimeSpan.FromMilliseconds(100 * (next + 1)), admitted.QueueWait);
            lease = admitted.Lease!;
        }

        lease.Release();
        Assert.Equal(0, pool.Snapshot().Destinations[0].Busy);
        Assert.Equal(0, pool.Snapshot().Queued);
    }

    [Fact]
    public async Task Acquire_WithAFullQueue_IsRejectedAtOnce()
    {
        var pool = Pool(workers: 1, maxQueue: 2);
        _ = await pool.AcquireAsync(OneHost, CancellationToken.None);
        _ = pool.AcquireAsync(OneHost, CancellationToken.None).AsTask();
        _ = pool.AcquireAsync(OneHost, CancellationToken.None).AsTask();

        var rejected = await pool.AcquireAsync(OneHost, CancellationToken.None);

        Assert.Null(rejected.Lease);
        Assert.Equal(AdmissionRejection.QueueFull, rejected.Rejection);
        Assert.Equal(2, pool.Snapshot().Queued);
    }

    [Fact]
    public async Task Acquire_WaitingLongerThanTheMaximum_TimesOutAndLeavesTheQueue()
    {
        var pool = Pool(workers: 1, maxWait: TimeSpan.FromSeconds(30));
        var holder = (await pool.AcquireAsync(OneHost, CancellationToken.None)).Lease!;
        var waiting = pool.AcquireAsync(OneHost, CancellationToken.None).AsTask();

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        var result = await waiting;

        Assert.Equal(AdmissionRejection.QueueTimeout, result.Rejection);
        Assert.Equal(TimeSpan.FromSeconds(30), result.QueueWait);
        Assert.Equal(0, pool.Snapshot().Queued);
        holder.Release();
        Assert.Equal(0, pool.Snapshot().Destinations[0].Busy);
    }

    [Fact]
    public async Task Acquire_ClientAbortsWhileQueued_LeavesNoTrace()
    {
        var pool = Pool(workers: 1);
        var holder = (await pool.AcquireAsync(OneHost, CancellationToken.None)).Lease!;
        using var abort = new CancellationTokenSource();
        var waiting = pool.AcquireAsync(OneHost, abort.Token).AsTask();

        await abort.CancelAsync();
        var result = await waiting;
        holder.Release();

        Assert.Equal(AdmissionRejection.ClientAborted, result.Rejection);
        Assert.Equal(0, pool.Snapshot().Queued);
        Assert.Equal(0, pool.Snapshot().Destinations[0].Busy);
    }

    [Fact]
    public async Task Release_Twice_FreesOneWorkerOnly()
    {
        var pool = Pool(workers: 2);
        var a = (await pool.AcquireAsync(OneHost, CancellationToken.None)).Lease!;
        _ = await pool.AcquireAsync(OneHost, CancellationToken.None);

        a.Release();
        a.Release();

        Assert.Equal(1, pool.Snapshot().Destinations[0].Busy);
    }

    [Fact]
    public async Task Acquire_SpreadsOverHosts_ByLoadRelativeToTheirWorkers()
    {
        var pool = Pool(hosts: new Dictionary<string, int> { ["a:8069"] = 1, ["b:8069"] = 3 });
        string[] both = ["a:8069", "b:8069"];

        var destinations = new List<string>();
        for (var i = 0; i < 4; i++) destinations.Add((await pool.AcquireAsync(both, CancellationToken.None)).Lease!.Destination);
        var fifth = pool.AcquireAsync(both, CancellationToken.None).AsTask();

        Assert.Equal(1, destinations.Count(d => d == "a:8069"));
        Assert.Equal(3, destinations.Count(d => d == "b:8069"));
        Assert.False(fifth.IsCompleted);
    }

    [Fact]
    public async Task Acquire_QueuedForAnyHost_TakesWhicheverFreesFirst()
    {
        var pool = Pool(hosts: new Dictionary<string, int> { ["a:8069"] = 1, ["b:8069"] = 1 });
        string[] both = ["a:8069", "b:8069"];
        var onA = (await pool.AcquireAsync(both, CancellationToken.None)).Lease!;
        var onB = (await pool.AcquireAsync(both, CancellationToken.None)).Lease!;
        var waiting = pool.AcquireAsync(both, CancellationToken.None).AsTask();

        (onA.Destination == "b:8069" ? onA : onB).Release();

        Assert.Equal("b:8069", (await waiting).Lease!.Destination);
    }

    [Fact]
    public async Task Acquire_WithUnlimitedWorkers_NeverQueuesButCounts()
    {
        var pool = Pool(workers: 0);
        for (var i = 0; i < 50; i++) Assert.NotNull((await pool.AcquireAsync(OneHost, CancellationToken.None)).Lease);

        Assert.Equal(50, pool.Snapshot().Destinations[0].Busy);
        Assert.Equal(0, pool.Snapshot().Queued);
    }

    [Fact]
    public async Task ConcurrentAcquireAndRelease_NeverExceedsTheLimit_AndEndsAtZero()
    {
        var pool = new WorkerPool("odoo", new Dictionary<string, int> { ["odoo:8069"] = 3 }, 0, null, TimeProvider.System);
        var busy = 0;
        var maxBusy = 0;
        await Parallel.ForAsync(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var lease = (await pool.AcquireAsync(OneHost, ct)).Lease!;
            var now = Interlocked.Increment(ref busy);
            lock (pool) maxBusy = Math.Max(maxBusy, now);
            await Task.Yield();
            Interlocked.Decrement(ref busy);
            lease.Release();
        });

        Assert.True(maxBusy <= 3, $"max busy {maxBusy}");
        Assert.Equal(0, pool.Snapshot().Destinations[0].Busy);
        Assert.Equal(0, pool.Snapshot().Queued);
    }

    [Fact]
    public async Task InFlight_ListsEveryHeldLeaseWithItsHolder_FromTheMomentItsSlotIsTaken_UntilReleased()
    {
        var pool = Pool(workers: 1);
        var first = (await pool.AcquireAsync(OneHost, "first", CancellationToken.None)).Lease!;
        _time.Advance(TimeSpan.FromSeconds(1));
        var queued = pool.AcquireAsync(OneHost, "second", CancellationToken.None).AsTask();

        Assert.Equal(["first"], pool.InFlight().Select(l => l.Holder));
        first.Release();
        // Handed the slot inside Release, under the pool's lock: listed before its caller even resumes.
        Assert.Equal(["second"], pool.InFlight().Select(l => l.Holder));
        var second = (await queued).Lease!;
        Assert.Equal(_time.GetTimestamp(), second.AdmittedAt);

        second.Release();
        second.Release();
        Assert.Empty(pool.InFlight());
        Assert.Equal(0, pool.Snapshot().Destinations[0].Busy);
    }

    [Fact]
    public async Task InFlight_AfterConcurrentAcquireAndRelease_IsEmpty_AndMatchedTheBusyCountThroughout()
    {
        var pool = new WorkerPool("odoo", new Dictionary<string, int> { ["odoo:8069"] = 3 }, 0, null, TimeProvider.System);
        var mismatches = 0;
        await Parallel.ForAsync(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var lease = (await pool.AcquireAsync(OneHost, i, ct)).Lease!;
            if (!pool.InFlight().Contains(lease)) Interlocked.Increment(ref mismatches);
            await Task.Yield();
            lease.Release();
        });

        Assert.Equal(0, mismatches);
        Assert.Empty(pool.InFlight());
    }
}

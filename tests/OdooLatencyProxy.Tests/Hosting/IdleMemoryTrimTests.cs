using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OdooLatencyProxy.Hosting;

namespace OdooLatencyProxy.Tests.Hosting;

public sealed class IdleMemoryTrimTests
{
    private long _allocated = 1_000_000;
    private int _collections;

    private IdleMemoryTrim Trim() => new(new FakeTimeProvider(), NullLogger<IdleMemoryTrim>.Instance)
    {
        AllocatedBytes = () => _allocated,
        Collect = () => _collections++,
    };

    [Fact]
    public async Task Disposed_without_a_stop_it_ends_quietly_rather_than_as_a_failed_service()
    {
        var looked = 0;
        var trim = new IdleMemoryTrim(new FakeTimeProvider(), NullLogger<IdleMemoryTrim>.Instance)
        {
            AllocatedBytes = () => Interlocked.Increment(ref looked),
            Collect = () => _collections++,
        };
        await trim.StartAsync(TestContext.Current.CancellationToken);
        await Wait.UntilAsync(() => Volatile.Read(ref looked) > 0, "the service runs"); // (.NET starts it on a pool thread)
        trim.Dispose(); // what disposing a host that was never stopped does: the stopping token is cancelled

        await trim.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(trim.ExecuteTask.IsCompletedSuccessfully, $"ended {trim.ExecuteTask.Status}");
    }

    [Fact]
    public void A_burst_followed_by_a_quiet_interval_trims_once()
    {
        var trim = Trim();
        Assert.False(trim.Check()); // first look: the starting point

        _allocated += IdleMemoryTrim.BurstBytes; // the burst
        Assert.False(trim.Check()); // still busy during that interval
        _allocated += 1 << 20; // then quiet: scrapes and probes only
        Assert.True(trim.Check());
        _allocated += 1 << 20;
        Assert.False(trim.Check()); // idle on: nothing more to give back
        Assert.Equal(1, _collections);
    }

    [Fact]
    public void Steady_load_never_trims()
    {
        var trim = Trim();
        trim.Check();
        for (var i = 0; i < 100; i++)
        {
            _allocated += IdleMemoryTrim.QuietBytes; // never quiet
            Assert.False(trim.Check());
        }
        Assert.Equal(0, _collections);
    }

    [Fact]
    public void A_quiet_proxy_that_never_had_a_burst_never_trims()
    {
        var trim = Trim();
        for (var i = 0; i < 100; i++)
        {
            _allocated += IdleMemoryTrim.QuietBytes - 1;
            Assert.False(trim.Check());
        }
        Assert.Equal(0, _collections);
    }

    [Fact]
    public void The_next_burst_trims_again()
    {
        var trim = Trim();
        trim.Check();
        for (var burst = 0; burst < 3; burst++)
        {
            _allocated += IdleMemoryTrim.BurstBytes;
            trim.Check();
            Assert.True(trim.Check());
        }
        Assert.Equal(3, _collections);
    }
}

using OdooLatencyProxy.LoadTest.CrossCheck;
using OdooLatencyProxy.LoadTest.Engine;
using OdooLatencyProxy.LoadTest.Results;

namespace OdooLatencyProxy.LoadTest.Tests.CrossCheck;

/// <summary>Which percentiles <see cref="CrossChecker.Compare"/> judges for how many requests.</summary>
public sealed class CrossCheckerCompareTests
{
    // count requests of 20 ms at the proxy; the client saw the same plus 1 ms, but its `paused` slowest ones plus 15 ms
    // (client-side pauses), which are its p95 when there are enough of them.
    private static CrossCheckRow Row(int count, int paused = 1)
    {
        var samples = Enumerable.Range(0, count)
            .Select(i => new Sample(0, IntendedUs: 1_000_000, LatencyUs: 0, ServiceUs: i >= count - paused ? 36_000 : 21_000, Failed: false))
            .ToList();
        var snapshot = new CollectorSnapshot(new Dictionary<string, OperationSnapshot>(), ["ui.bootstrap"], samples, false);
        var proxy = new ProxyOperations
        {
            Operations = [new ProxyOperation
            {
                Operation = "ui.bootstrap",
                Windows = new Dictionary<string, ProxyWindow> { ["5m"] = new() { Count = count, P50 = 0.020, P95 = 0.020, P99 = 0.020 } },
            }],
        };
        return Assert.Single(CrossChecker.Compare(snapshot, proxy, "5m", nowUs: 2_000_000, new AgreementSettings()));
    }

    [Fact]
    public void FewerThanTwentyRequests_OnlyP50IsJudged_SoOneClientPauseOnTheSlowestDoesNotDisagree()
    {
        var row = Row(11);
        Assert.True(row.Agrees);
        Assert.Contains("p50 judged", row.Note);
    }

    [Fact]
    public void TwentyOrMoreRequests_P95IsJudgedToo()
    {
        // With 20 requests p95 is the 19th: two slow client times make it 36 ms, beyond 20 ms + 5 ms + 10 %.
        var row = Row(20, paused: 2);
        Assert.False(row.Agrees);
    }

    [Fact]
    public void FewerThanTheMinimum_IsNotJudged()
    {
        Assert.Null(Row(9).Agrees);
    }
}

using HdrHistogram;

namespace OdooLatencyProxy.LoadTest.Engine;

/// <summary>One operation's histograms and counts at a moment.</summary>
internal sealed record OperationSnapshot(string Name, HistogramBase Latency, HistogramBase Service, long Failures, SortedDictionary<string, long> Outcomes)
{
    public long Count => Latency.TotalCount;
}

namespace OdooLatencyProxy.LoadTest.Engine;

/// <summary>Everything recorded at a moment.</summary>
internal sealed record CollectorSnapshot(IReadOnlyDictionary<string, OperationSnapshot> Operations, IReadOnlyList<string> Names, IReadOnlyList<Sample> Samples, bool SamplesTruncated);

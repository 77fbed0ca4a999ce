namespace OdooLatencyProxy.Admission;

/// <summary>Live numbers of one pool.</summary>
public sealed record WorkerPoolSnapshot(string Pool, int Queued, IReadOnlyList<DestinationSnapshot> Destinations);

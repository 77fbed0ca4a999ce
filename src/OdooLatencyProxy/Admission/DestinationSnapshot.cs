namespace OdooLatencyProxy.Admission;

/// <summary>Live numbers of one destination: requests holding its workers, and its worker count (0 = not limited).</summary>
public sealed record DestinationSnapshot(string Destination, int Busy, int Limit);

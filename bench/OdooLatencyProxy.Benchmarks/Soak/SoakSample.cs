namespace OdooLatencyProxy.Benchmarks.Soak;

/// <summary>
/// One second of the soak: the proxy's resources (GcHeapBytes: the managed heap after the last collection), its worker
/// gauges, and the phase the run was in. CodeHandles are
/// the descriptors of loaded code files, opened once; OtherHandles (sockets, pipes, temp files...) are those that must
/// come back.
/// </summary>
internal sealed record SoakSample(double Seconds, string Phase, long RssBytes, long GcHeapBytes, int Handles, int CodeHandles, int Threads, int Busy, int Queued)
{
    public int OtherHandles => Handles - CodeHandles;
}

namespace OdooLatencyProxy.LoadTest.Tests.Support;

/// <summary>
/// Tests that time requests end to end with the client, the proxy and the simulator in this one process: they run after
/// the others, alone, because another test's GC pauses and threads would land in the client's times and not the proxy's,
/// which is exactly the difference the cross-check judges.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "alone: in-process timing";
}

namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary>A step needed a record from a pool that is empty (nothing seeded or produced yet, or all used up).</summary>
internal sealed class PoolEmptyException(string pool) : Exception($"pool '{pool}' is empty")
{
    public string Pool { get; } = pool;
}

namespace OdooLatencyProxy.LoadTest.CrossCheck;

/// <summary><c>GET {proxy-admin}/api/operations</c>: the proxy's own per-operation percentiles (seconds), per sliding window.</summary>
internal sealed record ProxyOperations
{
    public DateTimeOffset GeneratedAt { get; init; }

    public IReadOnlyList<ProxyOperation> Operations { get; init; } = [];
}

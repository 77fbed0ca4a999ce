namespace OdooLatencyProxy.LoadTest.CrossCheck;

/// <summary>One operation as the proxy sees it.</summary>
internal sealed record ProxyOperation
{
    public string Operation { get; init; } = "";

    public double? ThresholdSeconds { get; init; }

    /// <summary>By window name (<c>1m</c>, <c>5m</c>).</summary>
    public IReadOnlyDictionary<string, ProxyWindow> Windows { get; init; } = new Dictionary<string, ProxyWindow>();
}

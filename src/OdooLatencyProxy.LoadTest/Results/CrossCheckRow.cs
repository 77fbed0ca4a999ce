namespace OdooLatencyProxy.LoadTest.Results;

/// <summary>Client p50/p95/p99 (service time) next to the proxy's for one operation.</summary>
internal sealed record CrossCheckRow(
    string Operation, long ClientCount, long ProxyCount,
    double ClientP50, double ProxyP50, double ClientP95, double ProxyP95, double ClientP99, double ProxyP99,
    double ClientFailureRate, double ProxyFailureRate, bool? Agrees, string? Note);

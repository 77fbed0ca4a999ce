using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace OdooLatencyProxy.LoadTest.CrossCheck;

/// <summary><c>GET {proxy-admin}/api/operations</c>: the proxy's own per-operation percentiles (seconds), per sliding window.</summary>
internal sealed record ProxyOperations
{
    public DateTimeOffset GeneratedAt { get; init; }

    public IReadOnlyList<ProxyOperation> Operations { get; init; } = [];
}

/// <summary>One operation as the proxy sees it.</summary>
internal sealed record ProxyOperation
{
    public string Operation { get; init; } = "";

    public double? ThresholdSeconds { get; init; }

    /// <summary>By window name (<c>1m</c>, <c>5m</c>).</summary>
    public IReadOnlyDictionary<string, ProxyWindow> Windows { get; init; } = new Dictionary<string, ProxyWindow>();
}

/// <summary>One window's figures (seconds).</summary>
internal sealed record ProxyWindow
{
    public long Count { get; init; }

    public double RatePerSecond { get; init; }

    public double FailureRate { get; init; }

    public double? P50 { get; init; }

    public double? P95 { get; init; }

    public double? P99 { get; init; }

    [JsonPropertyName("p999")]
    public double? P999 { get; init; }

    public double? Max { get; init; }
}

/// <summary>Reads the proxy's JSON API on its admin listener.</summary>
internal sealed class ProxyApi(HttpClient http)
{
    public const string OperationsPath = "/api/operations";

    public async Task<ProxyOperations> GetOperationsAsync(Uri admin, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(admin, OperationsPath), cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<ProxyOperations>(Json.ReadOptions, cancellationToken)
            ?? throw new InvalidDataException("empty answer from " + OperationsPath);
    }
}

using System.Net.Http.Json;

namespace OdooLatencyProxy.LoadTest.CrossCheck;

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

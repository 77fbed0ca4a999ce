using OdooSimulator.Hosting;
namespace OdooSimulator.Tests.Support;

/// <summary>Starting simulators for tests: ephemeral loopback ports, latency off unless a test wants it.</summary>
public static class Sim
{
    public static Task<OdooSimulatorServer> StartAsync(SimulatorOptions? options = null) =>
        OdooSimulatorServer.StartAsync(options ?? new SimulatorOptions { Workers = 2, LatencyScale = 0 }, TestContext.Current.CancellationToken);

    public static string Rpc(int id, string model, string method, string args = "[]", string kwargs = "{}") =>
        $$$"""{"id":{{{id}}},"jsonrpc":"2.0","method":"call","params":{"model":"{{{model}}}","method":"{{{method}}}","args":{{{args}}},"kwargs":{{{kwargs}}}}}""";
}

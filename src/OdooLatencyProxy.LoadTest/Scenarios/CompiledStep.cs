namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary>One step of the mix (or a background iteration, or a seed entry): requests sent in order.</summary>
internal sealed record CompiledStep(string Name, double Weight, IReadOnlyList<CompiledRequest> Requests)
{
    /// <summary>Value name and the pool it is taken from before the first request.</summary>
    public IReadOnlyList<(string Name, string Pool)> Take { get; init; } = [];

    /// <summary>Pool and the value name put there once every request succeeded.</summary>
    public IReadOnlyList<(string Pool, string Name)> Put { get; init; } = [];

    /// <summary>Seed entries: how many times it runs.</summary>
    public int Times { get; init; } = 1;
}

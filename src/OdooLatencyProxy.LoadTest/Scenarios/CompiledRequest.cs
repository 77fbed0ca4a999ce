namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary>One request ready to render: method, path, body and headers as templates.</summary>
internal sealed record CompiledRequest(string Method, Template Path, Template? Body, string? ContentType, IReadOnlyList<(string Name, Template Value)> Headers)
{
    /// <summary>Values read from the JSON answer for the step's next requests.</summary>
    public IReadOnlyList<(string Name, CapturePath Path)> Captures { get; init; } = [];
}

namespace OdooLatencyProxy.Benchmarks.Fuzzing;

/// <summary>One request as <see cref="StrictHttpParser"/> read it: its body de-chunked; Closes when nothing after it may be read.</summary>
internal sealed record ParsedRequest(string Method, string Target, string Version, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body, bool Closes)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;
}

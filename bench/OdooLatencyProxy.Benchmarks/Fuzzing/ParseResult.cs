namespace OdooLatencyProxy.Benchmarks.Fuzzing;

/// <summary>
/// What <see cref="StrictHttpParser"/> read from a byte sequence: the complete requests in order, then why the rest is
/// not a request (Error), or that it is the valid start of one that ends early (Incomplete). Bytes after a request that
/// closes the connection are not read (Ignored).
/// </summary>
internal sealed record ParseResult(IReadOnlyList<ParsedRequest> Requests, string? Error, bool Incomplete, int Ignored)
{
    public bool Valid => Error is null && !Incomplete;

    /// <summary>The leniencies a lenient reading needed (empty for a strict one).</summary>
    public IReadOnlySet<string> Leniencies { get; init; } = new HashSet<string>();

    public override string ToString() =>
        $"{Requests.Count} request(s){(Error is null ? "" : $", then invalid: {Error}")}{(Incomplete ? ", then an incomplete request" : "")}{(Ignored > 0 ? $", {Ignored} bytes after a close ignored" : "")}";
}

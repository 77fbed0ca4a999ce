using OdooSimulator.Http;

namespace OdooSimulator.Routing;

/// <summary>A routed request: its operation and how to answer it normally or with each kind of failure.</summary>
internal sealed class Exchange
{
    public required string Operation { get; init; }

    /// <summary>Simulator-only routes (echo) skip the sampled latency; only <c>X-Sim-Delay-Ms</c> delays them.</summary>
    public bool SkipLatency { get; init; }

    public required Func<SimResponse> Respond { get; init; }

    /// <summary>The route's business error (JSON-RPC UserError, XML-RPC fault, 422, 400...); null: a 500 page.</summary>
    public Func<SimResponse>? BusinessError { get; init; }

    /// <summary>What an expired session looks like on this route; null: a 500 page.</summary>
    public Func<SimResponse>? SessionExpired { get; init; }
}

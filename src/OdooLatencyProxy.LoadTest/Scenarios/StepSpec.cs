namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary>A step of the mix: one or more requests sent in order, as one user action.</summary>
internal sealed record StepSpec
{
    /// <summary>Label of the step (reports name requests by operation, not by step).</summary>
    public string? Name { get; init; }

    /// <summary>Relative weight in the mix. Default 1.</summary>
    public double Weight { get; init; } = 1;

    /// <summary>Shorthand for a single request.</summary>
    public RequestSpec? Request { get; init; }

    /// <summary>Requests sent one after the other (each one waits for the previous answer).</summary>
    public List<RequestSpec>? Requests { get; init; }

    /// <summary>Before the first request: value name to pool, e.g. <c>{"order_id": "draft_orders"}</c>; the id is removed from the pool (used once). An empty pool skips the step.</summary>
    public Dictionary<string, string>? Take { get; init; }

    /// <summary>After every request succeeded: pool to value name, e.g. <c>{"confirmed_orders": "order_id"}</c>.</summary>
    public Dictionary<string, string>? Put { get; init; }

    /// <summary>Seed entries only: how many times to run it. Default 1.</summary>
    public int Times { get; init; } = 1;
}

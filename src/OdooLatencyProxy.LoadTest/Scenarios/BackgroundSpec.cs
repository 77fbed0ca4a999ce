namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary>A loop beside the mix: <see cref="Users"/> loops send its requests back to back for the whole run.</summary>
internal sealed record BackgroundSpec
{
    /// <summary>Label of the loop.</summary>
    public string? Name { get; init; }

    /// <summary>How many loops run at once (e.g. 2 long jobs holding 2 workers). Default 1.</summary>
    public int Users { get; init; } = 1;

    /// <summary>Pause between iterations. Default none.</summary>
    public string? ThinkTime { get; init; }

    /// <summary>Shorthand for a single request.</summary>
    public RequestSpec? Request { get; init; }

    /// <summary>Requests of one iteration.</summary>
    public List<RequestSpec>? Requests { get; init; }

    /// <summary>Runs only against the built-in simulator (it holds a worker for <c>X-Sim-Delay-Ms</c>; a real Odoo has no such job). Default false.</summary>
    public bool SimulatorOnly { get; init; }
}

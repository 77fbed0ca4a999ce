using OdooLatencyProxy.Collector;

namespace OdooLatencyProxy.SlowRequests;

/// <summary>
/// One request that took longer than its threshold, as <c>/api/slow-requests</c> shows it: times in seconds, path without
/// query string, never headers, cookies or bodies. <see cref="Cost"/> and <see cref="Statements"/> arrive later.
/// </summary>
/// <param name="StartedAt">When the request reached the proxy (wall clock).</param>
/// <param name="Operation">The business operation.</param>
/// <param name="Method">The request method.</param>
/// <param name="Path">The path without query string, shortened for the page.</param>
/// <param name="Status">The status code the client got.</param>
/// <param name="Outcome">The outcome (<c>ok</c>, <c>rpc_error/UserError</c>, <c>timeout</c>, ...).</param>
/// <param name="Destination">The Odoo host that served it, or null when it never reached one.</param>
/// <param name="ThresholdSeconds">The threshold it exceeded: its operation's, or the default.</param>
/// <param name="QueuedSeconds">Time waiting for an Odoo worker in the proxy's queue.</param>
/// <param name="OdooSeconds">Time from sending the request to Odoo to having read its response, or null when never sent.</param>
/// <param name="TotalSeconds">Time from arrival to the end of the proxy's work on it.</param>
internal sealed record SlowRequest(
    DateTimeOffset StartedAt,
    string Operation,
    string Method,
    string Path,
    int Status,
    string Outcome,
    string? Destination,
    double ThresholdSeconds,
    double QueuedSeconds,
    double? OdooSeconds,
    double TotalSeconds)
{
    /// <summary>What Odoo's access log said it cost (worker, queries, SQL and Python time); null until its line was joined.</summary>
    public SlowRequestCost? Cost { get; init; }

    /// <summary>The PostgreSQL statements seen active while it ran; null until a pg_stat_activity sample followed its end.</summary>
    public IReadOnlyList<ActiveStatement>? Statements { get; init; }

    /// <summary>
    /// Where <see cref="Statements"/> stand: <c>sampled</c>; <c>partial</c> (the history had already forgotten part of the
    /// request's span); <c>waiting</c> for the next sample; <c>not_sampled</c> (the collector is off).
    /// </summary>
    public string StatementsState { get; init; } = SlowRequestStatements.Waiting;

    /// <summary>When the proxy finished with the request.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public DateTimeOffset FinishedAt => StartedAt + TimeSpan.FromSeconds(TotalSeconds);
}

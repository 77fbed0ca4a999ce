namespace OdooLatencyProxy.SlowRequests;

/// <summary>The values of <see cref="SlowRequest.StatementsState"/>.</summary>
internal static class SlowRequestStatements
{
    /// <summary>The statements of the request's span, from a history that covered all of it.</summary>
    public const string Sampled = "sampled";

    /// <summary>The statements the history still had: it had forgotten some of the request's span.</summary>
    public const string Partial = "partial";

    /// <summary>No pg_stat_activity sample has been taken since the request ended.</summary>
    public const string Waiting = "waiting";

    /// <summary>The collector is off: nothing samples pg_stat_activity.</summary>
    public const string NotSampled = "not_sampled";
}

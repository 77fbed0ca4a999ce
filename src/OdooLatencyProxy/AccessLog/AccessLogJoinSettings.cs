namespace OdooLatencyProxy.AccessLog;

/// <summary>Bounds of the access-line join; the defaults suit a proxy and Odoo on one clock (docs/collector.md, "Odoo's access lines").</summary>
internal sealed record AccessLogJoinSettings
{
    /// <summary>How far a line's time may fall outside the exchange's time at Odoo (clock skew between hosts, rounding). Default: 1 s.</summary>
    public TimeSpan Tolerance { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Lines closer in time than this to the best fit cannot be told apart by time. Default: 10 ms.</summary>
    public TimeSpan Margin { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How long a line waits before it is joined, so that an exchange still sending its response to a slow client is recorded first. Default: 1 s.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a line without any fitting exchange waits before it counts as unmatched. Default: 30 s.</summary>
    public TimeSpan LineTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an exchange waits for its line before it counts as never logged (crashed worker, limit_time_real). Default: 60 s.</summary>
    public TimeSpan ExchangeTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Most exchanges waiting for their line; beyond, new ones are not joined and count as dropped. Default: 50 000.</summary>
    public int MaxWaiting { get; init; } = 50_000;

    /// <summary>After this long with exchanges but no access line, the status says the log shows none. Default: 5 min.</summary>
    public TimeSpan QuietWarning { get; init; } = TimeSpan.FromMinutes(5);
}

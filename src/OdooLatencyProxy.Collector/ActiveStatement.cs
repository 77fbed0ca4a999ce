namespace OdooLatencyProxy.Collector;

/// <summary>
/// One statement pg_stat_activity showed active in one or more samples (literals removed): it ran at least from
/// <see cref="QueryStart"/> to <see cref="LastSeen"/>, times on this process's clock.
/// </summary>
/// <param name="Pid">The backend's process id (one Odoo worker's connection).</param>
/// <param name="ApplicationName">The backend's <c>application_name</c>.</param>
/// <param name="Query">The statement with its literals removed (<see cref="CollectorOptions.MaxQueryTextLength"/> at most).</param>
/// <param name="QueryStart">When the statement started: the sample's time minus the age PostgreSQL reported, so the two clocks never mix.</param>
/// <param name="FirstSeen">The first sample that saw it active.</param>
/// <param name="LastSeen">The last sample that saw it active; it ended between this sample and the next.</param>
/// <param name="WaitEventType">What it was waiting for at the last sample (<c>Lock</c>, <c>IO</c>, ...), or null when running.</param>
/// <param name="WaitEvent">The wait event at the last sample, or null.</param>
public sealed record ActiveStatement(
    int Pid,
    string ApplicationName,
    string Query,
    DateTimeOffset QueryStart,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    string? WaitEventType,
    string? WaitEvent)
{
    /// <summary>True when the span it was seen active in meets <c>[from, to]</c>.</summary>
    public bool Overlaps(DateTimeOffset from, DateTimeOffset to) => QueryStart <= to && LastSeen >= from;
}

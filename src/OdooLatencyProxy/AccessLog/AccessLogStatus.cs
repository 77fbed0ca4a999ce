namespace OdooLatencyProxy.AccessLog;

/// <summary>
/// The join of Odoo's access lines to proxied exchanges, for <c>/api/status</c>: <c>ok</c>, <c>waiting</c> (nothing to
/// judge yet) or <c>warning</c> with <see cref="Message"/> saying what looks wrong, and the counts since start.
/// </summary>
/// <param name="State"><c>ok</c>, <c>waiting</c> or <c>warning</c>.</param>
/// <param name="Message">What an operator should check, or null.</param>
/// <param name="Matched">Access lines joined to their exchange.</param>
/// <param name="Unmatched">Access lines no proxied exchange fits (requests that did not go through this proxy, or whose exchange expired).</param>
/// <param name="Ambiguous">Access lines several exchanges of different operations fit, left unattributed.</param>
/// <param name="NoLine">Exchanges that reached Odoo but whose line never came (crashed or killed worker, another Odoo host, log not readable).</param>
/// <param name="Dropped">Exchanges not kept for joining because too many were waiting.</param>
/// <param name="WithoutFigures">Joined lines that carried no query count and times (<c>- - -</c> or no perf figures at all).</param>
/// <param name="Waiting">Exchanges waiting for their line now.</param>
/// <param name="LastLineAt">When the last access line was read, or null.</param>
internal sealed record AccessLogStatus(
    string State, string? Message, long Matched, long Unmatched, long Ambiguous, long NoLine, long Dropped, long WithoutFigures, int Waiting, DateTimeOffset? LastLineAt);

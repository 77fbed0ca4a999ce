namespace OdooLatencyProxy.Collector;

/// <summary><c>GET /api/db/status</c>: whether the collector runs, the Odoo version detected and every probe's state.</summary>
internal sealed record CollectorStatusDocument(bool Enabled, int? OdooVersion, IReadOnlyList<ProbeStatus> Probes);

/// <summary><c>GET /api/db/activity</c>: the longest transactions and queries now.</summary>
internal sealed record CollectorActivityDocument(bool Enabled, DateTimeOffset? CollectedAt, IReadOnlyList<ActivityEntry> Items);

/// <summary><c>GET /api/db/statements</c>: the top statements of the last interval.</summary>
internal sealed record CollectorStatementsDocument(bool Enabled, DateTimeOffset? CollectedAt, double? IntervalSeconds, IReadOnlyList<StatementSample> Items);

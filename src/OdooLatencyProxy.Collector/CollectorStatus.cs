using System.Collections.Concurrent;

namespace OdooLatencyProxy.Collector;

/// <summary>The latest outcome of every probe, for the JSON API and the <c>odoo.collector.probe.up</c> gauge.</summary>
internal sealed class CollectorStatus
{
    private readonly ConcurrentDictionary<string, ProbeStatus> _probes = new(StringComparer.Ordinal);

    /// <summary>Every probe's status, ordered by name.</summary>
    public IReadOnlyList<ProbeStatus> Probes => [.. _probes.Values.OrderBy(p => p.Probe, StringComparer.Ordinal)];

    /// <summary>One probe's status, or null before its first poll.</summary>
    public ProbeStatus? Get(string probe) => _probes.GetValueOrDefault(probe);

    /// <summary>Replaces a probe's status.</summary>
    public void Set(ProbeStatus status) => _probes[status.Probe] = status;

    /// <summary>The pg_stat_activity list the activity probe read last.</summary>
    public ActivitySnapshot? Activity { get; set; }

    /// <summary>The pg_stat_statements top list of the last interval.</summary>
    public StatementsSnapshot? Statements { get; set; }

    /// <summary>The Odoo version detected, when known.</summary>
    public int? OdooVersion { get; set; }
}

/// <summary>A probe's state: <c>ok</c>, <c>error</c> or <c>skipped</c>.</summary>
internal sealed record ProbeStatus(
    string Probe,
    string State,
    DateTimeOffset LastAttempt,
    DateTimeOffset? LastSuccess,
    int ConsecutiveFailures,
    long Errors,
    string? Reason);

/// <summary>The longest-running transactions and queries, oldest first.</summary>
internal sealed record ActivitySnapshot(DateTimeOffset CollectedAt, IReadOnlyList<ActivityEntry> Items);

/// <summary>One backend from pg_stat_activity; the query has its literals removed.</summary>
internal sealed record ActivityEntry(
    int Pid,
    string ApplicationName,
    string? State,
    string? WaitEventType,
    string? WaitEvent,
    double? TransactionAgeSeconds,
    double? QueryAgeSeconds,
    string Query);

/// <summary>The statements with the highest total time in the last interval.</summary>
internal sealed record StatementsSnapshot(DateTimeOffset CollectedAt, double IntervalSeconds, IReadOnlyList<StatementSample> Items);

/// <summary>One statement's share of the last interval.</summary>
internal sealed record StatementSample(int Rank, long QueryId, string Text, long Calls, double TotalSeconds, double MeanSeconds);

/// <summary>One active cron as published.</summary>
internal sealed record CronSnapshot(
    string Name,
    double IntervalSeconds,
    DateTime? LastRun,
    DateTime? LastSuccess,
    DateTime? NextCall,
    long? ConsecutiveFailures,
    DateTime? WatchedSince = null);

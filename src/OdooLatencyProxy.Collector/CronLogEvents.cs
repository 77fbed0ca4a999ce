using System.Collections.Concurrent;
using Npgsql;
using Microsoft.Extensions.Options;
using OdooLatencyProxy.Odoo.Logs;

namespace OdooLatencyProxy.Collector;

/// <summary>The cron events of Odoo's log for the collector's database, kept from the tail's reads until <see cref="CronLogProbe"/> takes them.</summary>
internal sealed class CronLogEvents(IOptions<CollectorOptions> options) : IOdooLogReader
{
    // Far more than a poll interval's worth; a probe that stopped polling must not make the queue grow forever.
    private const int MaxQueued = 10_000;
    private readonly string? _database = new NpgsqlConnectionStringBuilder(options.Value.ConnectionString).Database;
    private readonly ConcurrentQueue<CronLogEvent> _events = new();

    /// <summary>Why the log could not be read at the last read, or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>True once the log has been read at least once.</summary>
    public bool Followed { get; private set; }

    public void Read(IReadOnlyList<OdooLogLine> lines, string? problem)
    {
        Followed = true;
        Problem = problem;
        foreach (var line in lines)
        {
            if (CronLogEvent.From(line, _database) is { } e && _events.Count < MaxQueued) _events.Enqueue(e);
        }
    }

    /// <summary>The events read since the last call, oldest first.</summary>
    public IReadOnlyList<CronLogEvent> Take()
    {
        var taken = new List<CronLogEvent>();
        while (_events.TryDequeue(out var e)) taken.Add(e);
        return taken;
    }
}

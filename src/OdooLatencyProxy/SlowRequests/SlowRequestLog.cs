using OdooLatencyProxy.Collector;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Odoo.Logs;
using OdooLatencyProxy.RequestPath;
using OdooLatencyProxy.Telemetry;

namespace OdooLatencyProxy.SlowRequests;

/// <summary>
/// The last <c>Telemetry:SlowRequests</c> finished requests slower than their operation's threshold (or
/// <c>Telemetry:SlowRequestThreshold</c>), in a ring. A fast request costs one comparison and allocates nothing; a slow
/// one takes a short lock. Odoo's cost (worker, queries, SQL, Python) and the statements PostgreSQL was running are
/// attached later, off the request path, when the access line is joined and when the next pg_stat_activity sample is in.
/// </summary>
internal sealed class SlowRequestLog : IRequestRecorder, IOdooCostListener, IActivitySampleListener
{
    private readonly Lock _lock = new();
    private readonly Slot[] _ring;
    private readonly TimeProvider _time;
    private readonly long _defaultThresholdTicks;
    private int _next;
    private int _count;

    public SlowRequestLog(TimeProvider time, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _ring = new Slot[options.Enabled ? options.SlowRequests : 0];
        DefaultThreshold = options.SlowRequestThreshold;
        _defaultThresholdTicks = (long)(options.SlowRequestThreshold.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Most requests kept; 0 when the log is off.</summary>
    public int Capacity => _ring.Length;

    /// <summary>The threshold of operations that have none of their own.</summary>
    public TimeSpan DefaultThreshold { get; }

    public void Record(HttpContext context, ProxyExchange exchange)
    {
        if (_ring.Length == 0) return;
        var elapsed = exchange.FinishedAt - exchange.StartedAt;
        var threshold = exchange.Operation.ThresholdSeconds is { } seconds ? (long)(seconds * _time.TimestampFrequency) : _defaultThresholdTicks;
        if (elapsed <= threshold || TelemetryRecorder.IsRealtime(exchange)) return;

        var frequency = (double)_time.TimestampFrequency;
        var finished = _time.GetUtcNow() - _time.GetElapsedTime(exchange.FinishedAt);
        var entry = new SlowRequest(
            finished - TimeSpan.FromSeconds(elapsed / frequency),
            exchange.Operation.Name,
            exchange.Method ?? context.Request.Method,
            ListedPath.Of(exchange.Path ?? context.Request.Path.Value),
            context.Response.StatusCode,
            exchange.Outcome.ToString(),
            exchange.Destination,
            threshold / frequency,
            exchange.QueueWait.TotalSeconds,
            exchange is { UpstreamStartedAt: > 0, UpstreamFinishedAt: > 0 } ? (exchange.UpstreamFinishedAt - exchange.UpstreamStartedAt) / frequency : null,
            elapsed / frequency);
        lock (_lock)
        {
            _ring[_next] = new Slot(exchange, entry);
            _next = (_next + 1) % _ring.Length;
            if (_count < _ring.Length) _count++;
        }
    }

    /// <summary>Attaches Odoo's figures to the exchange's entry; an exchange that was not slow (or was pushed out) is ignored.</summary>
    public void CostJoined(ProxyExchange exchange, OdooRequestCost cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        lock (_lock)
        {
            for (var i = 0; i < _count; i++)
            {
                if (!ReferenceEquals(_ring[i].Exchange, exchange)) continue;
                var joined = new SlowRequestCost(cost.WorkerPid, cost.QueryCount, cost.SqlTime.TotalSeconds, cost.PythonTime.TotalSeconds);
                // Joined once: the exchange is no longer needed, and no longer held.
                _ring[i] = new Slot(null, _ring[i].Entry with { Cost = joined });
                return;
            }
        }
    }

    /// <summary>
    /// A pg_stat_activity sample is in: every entry that ended before it gets the statements seen active during its span
    /// (statements active at its end were still active, and so seen, in this sample; later samples add none).
    /// </summary>
    public void Sampled(ActivityHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.LastSampleAt is not { } sampledAt) return;
        var completeSince = history.CompleteSince;
        lock (_lock)
        {
            for (var i = 0; i < _count; i++)
            {
                var entry = _ring[i].Entry;
                if (entry.Statements is not null || entry.FinishedAt > sampledAt) continue;
                _ring[i] = _ring[i] with
                {
                    Entry = entry with
                    {
                        Statements = history.Overlapping(entry.StartedAt, entry.FinishedAt),
                        StatementsState = completeSince > entry.StartedAt ? SlowRequestStatements.Partial : SlowRequestStatements.Sampled,
                    },
                };
            }
        }
    }

    /// <summary>The requests kept, newest first; <paramref name="sampling"/> false marks those without statements as never to get any.</summary>
    public IReadOnlyList<SlowRequest> Snapshot(bool sampling)
    {
        var result = new List<SlowRequest>(_count);
        lock (_lock)
        {
            for (var k = 1; k <= _count; k++)
            {
                result.Add(_ring[(_next - k + _ring.Length) % _ring.Length].Entry);
            }
        }
        if (!sampling)
        {
            for (var i = 0; i < result.Count; i++)
            {
                if (result[i].Statements is null) result[i] = result[i] with { StatementsState = SlowRequestStatements.NotSampled };
            }
        }
        return result;
    }

    // The exchange is kept only until its cost is joined: it identifies the entry for the listener.
    private readonly record struct Slot(ProxyExchange? Exchange, SlowRequest Entry);
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Http.Features;
using OdooLatencyProxy.Collector;
using OdooLatencyProxy.Odoo.Logs;
using OdooLatencyProxy.RequestPath;
using OdooLatencyProxy.Telemetry;

namespace OdooLatencyProxy.AccessLog;

/// <summary>
/// Joins each of Odoo's werkzeug access lines to the proxied exchange it logs, and hands the cost the line reports to
/// every <see cref="IOdooCostListener"/>. A recorder keeps the exchanges that reached Odoo for a bounded time; each
/// line then needs the same method, target, status and client address (the last X-Forwarded-For hop, which Odoo logs
/// with proxy_mode) and a time within the exchange's time at Odoo. When several exchanges fit, time picks the nearest;
/// when the nearest differ in operation, the line is counted ambiguous and attributed to none.
/// </summary>
/// <remarks>
/// <see cref="Record"/> runs on the request path (an enqueue); everything else runs on the log tail's thread.
/// </remarks>
internal sealed partial class AccessLogJoin : IRequestRecorder, IOdooLogReader
{
    private readonly TimeProvider _time;
    private readonly AccessLogJoinSettings _settings;
    private readonly IOdooCostListener[] _listeners;
    private readonly ILogger<AccessLogJoin> _logger;
    private readonly ConcurrentQueue<WaitingExchange> _arrived = new();
    private readonly Queue<WaitingExchange> _byAge = new();
    private readonly Dictionary<JoinKey, List<WaitingExchange>> _byKey = [];
    private readonly List<(OdooAccessLine Line, long ReadAt)> _lines = [];
    private int _waiting;
    private long _matched, _unmatched, _ambiguous, _noLine, _dropped, _withoutFigures, _clientMismatch;
    private long _lastLineAt;
    // When the first request since the last access line was recorded (0: none): an idle Odoo writes no lines either.
    private long _unansweredSince;
    private string? _problem;

    public AccessLogJoin(TimeProvider time, IEnumerable<IOdooCostListener> listeners, ILogger<AccessLogJoin> logger, OdooMeter? meter = null, AccessLogJoinSettings? settings = null)
    {
        _time = time;
        _settings = settings ?? new AccessLogJoinSettings();
        _listeners = [.. listeners];
        _logger = logger;
        if (meter is null) return; // Tests of the join alone.
        meter.Instruments.AccessLogLines.CreateObservableCounter(meter.Meter, () => new Measurement<long>[]
        {
            new(Interlocked.Read(ref _matched), new KeyValuePair<string, object?>("result", "matched")),
            new(Interlocked.Read(ref _unmatched), new KeyValuePair<string, object?>("result", "unmatched")),
            new(Interlocked.Read(ref _ambiguous), new KeyValuePair<string, object?>("result", "ambiguous")),
        });
        meter.Instruments.AccessLogUnlogged.CreateObservableCounter(meter.Meter, () => new Measurement<long>[]
        {
            new(Interlocked.Read(ref _noLine), new KeyValuePair<string, object?>("reason", "no_line")),
            new(Interlocked.Read(ref _dropped), new KeyValuePair<string, object?>("reason", "dropped")),
        });
    }

    public void Record(HttpContext context, ProxyExchange exchange)
    {
        // Only requests a worker served have a line to wait for; websockets and long polling are the gevent port's.
        if (exchange.UpstreamStartedAt == 0 || exchange.Pool is null) return;
        if (Interlocked.Increment(ref _waiting) > _settings.MaxWaiting)
        {
            Interlocked.Decrement(ref _waiting);
            Interlocked.Increment(ref _dropped);
            return;
        }
        var now = _time.GetTimestamp();
        var utc = _time.GetUtcNow().UtcDateTime;
        var end = exchange.UpstreamFinishedAt != 0 ? exchange.UpstreamFinishedAt : exchange.FinishedAt;
        var request = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw && raw[0] == '/'
            ? raw
            : request.PathBase.Add(request.Path).ToUriComponent() + request.QueryString.ToUriComponent();
        var key = JoinKey.ForRequest(request.Method, context.Response.StatusCode, rawTarget);
        _arrived.Enqueue(new WaitingExchange(exchange, key, exchange.ClientAddress ?? context.Connection.RemoteIpAddress,
            utc - _time.GetElapsedTime(exchange.UpstreamStartedAt, now), utc - _time.GetElapsedTime(end, now), now));
        if (Volatile.Read(ref _unansweredSince) == 0) Interlocked.CompareExchange(ref _unansweredSince, now, 0);
    }

    public void Read(IReadOnlyList<OdooLogLine> lines, string? problem)
    {
        var now = _time.GetTimestamp();
        Volatile.Write(ref _problem, problem);
        while (_arrived.TryDequeue(out var waiting))
        {
            _byAge.Enqueue(waiting);
            if (!_byKey.TryGetValue(waiting.Key, out var list)) _byKey[waiting.Key] = list = [];
            list.Add(waiting);
        }
        foreach (var record in lines)
        {
            // 101: a websocket's handshake on the gevent port, never proxied through a worker.
            if (OdooAccessLine.Parse(record) is not { Status: not 101 } line) continue;
            _lines.Add((line, now));
            Volatile.Write(ref _lastLineAt, _time.GetUtcNow().UtcTicks);
            Volatile.Write(ref _unansweredSince, 0);
        }
        JoinSettledLines(now);
        ExpireExchanges(now);
    }

    /// <summary>The join's state and counts since start.</summary>
    public AccessLogStatus Status()
    {
        var lastTicks = Volatile.Read(ref _lastLineAt);
        var last = lastTicks == 0 ? (DateTimeOffset?)null : new DateTimeOffset(lastTicks, TimeSpan.Zero);
        var (state, message) = Judge(last);
        return new AccessLogStatus(state, message, Interlocked.Read(ref _matched), Interlocked.Read(ref _unmatched), Interlocked.Read(ref _ambiguous),
            Interlocked.Read(ref _noLine), Interlocked.Read(ref _dropped), Interlocked.Read(ref _withoutFigures), Volatile.Read(ref _waiting), last);
    }

    private (string State, string? Message) Judge(DateTimeOffset? lastLine)
    {
        if (Volatile.Read(ref _problem) is { } problem) return ("warning", problem);
        var quiet = _settings.QuietWarning;
        var minutes = quiet.TotalMinutes.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
        var unanswered = Volatile.Read(ref _unansweredSince);
        if (unanswered != 0 && _time.GetElapsedTime(unanswered) >= quiet)
        {
            return ("warning", $"no access lines seen in {minutes} minutes while requests reached Odoo: is Odoo's log_level info (the werkzeug logger not silenced), and is --odoo-log Odoo's logfile?");
        }
        var matched = Interlocked.Read(ref _matched);
        if (matched == 0 && Interlocked.Read(ref _clientMismatch) > 0)
        {
            return ("warning", "access lines name another client address than the proxy forwarded: is proxy_mode on in Odoo?");
        }
        if (matched > 0 && Interlocked.Read(ref _withoutFigures) == matched)
        {
            return ("warning", "access lines carry no query count and times: Odoo's log format lacks %(perf_info)s");
        }
        return lastLine is null ? ("waiting", "no access line read yet") : ("ok", null);
    }

    private void JoinSettledLines(long now)
    {
        var settle = _settings.Settle;
        var kept = 0;
        for (var i = 0; i < _lines.Count; i++)
        {
            var (line, readAt) = _lines[i];
            var age = _time.GetElapsedTime(readAt, now);
            if (age < settle || !TryJoin(line, out var fitted) && age < _settings.LineTimeout)
            {
                _lines[kept++] = _lines[i];
                continue;
            }
            // Health checks (the proxy's own active probes, which are no exchanges, and any other prober's) are not business requests.
            if (!fitted && !IsHealthCheck(line))
            {
                Interlocked.Increment(ref _unmatched);
            }
        }
        _lines.RemoveRange(kept, _lines.Count - kept);
    }

    // True when the line is settled (joined or counted ambiguous); fitted says whether any exchange fitted at all.
    private bool TryJoin(OdooAccessLine line, out bool fitted)
    {
        fitted = false;
        if (!_byKey.TryGetValue(JoinKey.ForLine(line), out var list)) return false;
        WaitingExchange? best = null;
        var bestDistance = TimeSpan.MaxValue;
        var otherClient = false;
        // Parsed once per line; an address Odoo could not know ("unknown") matches exchanges without one.
        var client = IPAddress.TryParse(line.Client, out var parsed) ? parsed : null;
        foreach (var candidate in list)
        {
            if (candidate.Done) continue;
            var distance = candidate.Distance(line.Time);
            if (distance > _settings.Tolerance) continue;
            if (!candidate.SameClient(client))
            {
                otherClient = true;
                continue;
            }
            // Among exchanges the line falls in, the one that ended nearest: Odoo writes the line as it sends the
            // response, so overlapping exchanges of one target are not taken in a chain that leaves the last line none.
            if (distance < bestDistance || distance == bestDistance && best is not null && EndGap(candidate, line) < EndGap(best, line))
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        if (best is null)
        {
            if (otherClient) Interlocked.Increment(ref _clientMismatch);
            return false;
        }
        fitted = true;
        // Every fitting exchange near the best one must be the same operation, or time cannot decide.
        var near = bestDistance + _settings.Margin;
        var ambiguous = false;
        foreach (var candidate in list)
        {
            if (!candidate.Done && candidate.SameClient(client) && candidate.Distance(line.Time) <= near
                && candidate.Exchange.Operation.Name != best.Exchange.Operation.Name)
            {
                ambiguous = true;
                candidate.Contested = true;
            }
        }
        if (ambiguous)
        {
            best.Contested = true;
            Interlocked.Increment(ref _ambiguous);
            return true;
        }
        best.Done = true;
        Interlocked.Decrement(ref _waiting);
        Interlocked.Increment(ref _matched);
        if (line.Cost is not { } cost)
        {
            Interlocked.Increment(ref _withoutFigures);
            return true;
        }
        foreach (var listener in _listeners)
        {
            try
            {
                listener.CostJoined(best.Exchange, cost);
            }
            catch (Exception e)
            {
                LogListenerFailed(_logger, listener.GetType().Name, e);
            }
        }
        return true;
    }

    private static TimeSpan EndGap(WaitingExchange exchange, OdooAccessLine line) => (exchange.End - line.Time).Duration();

    private static bool IsHealthCheck(OdooAccessLine line) =>
        line.Method == "GET" && (line.Target == "/web/health" || line.Target.StartsWith("/web/health?", StringComparison.Ordinal));

    private void ExpireExchanges(long now)
    {
        while (_byAge.TryPeek(out var oldest) && (oldest.Done || _time.GetElapsedTime(oldest.RecordedAt, now) >= _settings.ExchangeTimeout))
        {
            _byAge.Dequeue();
            if (!oldest.Done)
            {
                Interlocked.Decrement(ref _waiting);
                if (!oldest.Contested) Interlocked.Increment(ref _noLine);
            }
            var list = _byKey[oldest.Key];
            list.Remove(oldest);
            if (list.Count == 0) _byKey.Remove(oldest.Key);
        }
    }

    [LoggerMessage(EventId = 1300, Level = LogLevel.Error, Message = "Odoo cost listener {Listener} failed")]
    private static partial void LogListenerFailed(ILogger logger, string listener, Exception exception);
}

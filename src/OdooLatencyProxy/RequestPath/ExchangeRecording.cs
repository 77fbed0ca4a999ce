namespace OdooLatencyProxy.RequestPath;

/// <summary>The record stage: hands the exchange to every recorder (telemetry, tests) when it starts and once when it is final.</summary>
internal sealed partial class ExchangeRecording(IEnumerable<IRequestRecorder> recorders, TimeProvider time, ILogger<ExchangeRecording> logger)
{
    private readonly IRequestRecorder[] _recorders = [.. recorders];

    public void Started(HttpContext context, ProxyExchange exchange)
    {
        foreach (var recorder in _recorders) recorder.Started(context, exchange);
    }

    public void Finished(HttpContext context, ProxyExchange exchange)
    {
        foreach (var recorder in _recorders) recorder.Record(context, exchange);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var totalMs = time.GetElapsedTime(exchange.StartedAt, exchange.FinishedAt).TotalMilliseconds;
            var outcome = exchange.Outcome.ToString();
            LogCompleted(logger, context.Request.Method, context.Request.Path.Value ?? "/", exchange.Operation.Name, context.Response.StatusCode,
                outcome, exchange.Destination ?? "-", exchange.QueueWait.TotalMilliseconds, totalMs);
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Debug, SkipEnabledCheck = true, Message = "{Method} {Path} [{Operation}] -> {Status} {Outcome} via {Destination}, queued {QueueMs:F1} ms, total {TotalMs:F1} ms")]
    private static partial void LogCompleted(ILogger logger, string method, string path, string operation, int status, string outcome, string destination, double queueMs, double totalMs);
}

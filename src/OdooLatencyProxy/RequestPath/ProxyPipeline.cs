using OdooLatencyProxy.Admission;
using OdooLatencyProxy.Classification;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Telemetry;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace OdooLatencyProxy.Forwarding;

/// <summary>
/// The proxy's steps inside YARP's pipeline, in order: name, tell the recorders it started, buffer the request body,
/// take a worker (or queue for one), forward, give the worker back, and hand the finished record to every recorder
/// exactly once, whatever happened. Load balancing is admission's choice of destination.
/// </summary>
internal sealed partial class ProxyPipeline(
    WorkerPools pools, RequestBuffering buffering, RequestNaming naming, ProxyOptions options, TimeProvider time,
    IEnumerable<IRequestRecorder> recorders, IHostApplicationLifetime lifetime, ILogger<ProxyPipeline> logger)
{
    private readonly IRequestRecorder[] _recorders = [.. recorders];

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var record = new RequestRecord { StartedAt = time.GetTimestamp() };
        context.Features.Set(record);
        var route = naming.NameFromRoute(context, record);
        var proxy = context.GetReverseProxyFeature();
        var pool = pools.ForCluster(proxy.Cluster.Config.ClusterId);
        try
        {
            foreach (var recorder in _recorders) recorder.Started(context, record);
            if (pool is null)
            {
                await next(); // Websockets and long polling: the gevent port, not counted against workers.
                return;
            }
            if (!await buffering.BufferAsync(context, record)) return;
            await naming.NameFromBodyAsync(context, route, record);
            await ForwardWithWorkerAsync(context, proxy, pool, record, next);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away while its body was read: nothing to answer.
        }
        finally
        {
            record.FinishedAt = time.GetTimestamp();
            record.Outcome = OutcomeDecision.Decide(context, record);
            foreach (var recorder in _recorders) recorder.Record(context, record);
            if (logger.IsEnabled(LogLevel.Debug))
            {
                var totalMs = time.GetElapsedTime(record.StartedAt, record.FinishedAt).TotalMilliseconds;
                var outcome = record.Outcome.ToString();
                LogCompleted(logger, context.Request.Method, context.Request.Path.Value ?? "/", record.Operation.Name, context.Response.StatusCode,
                    outcome, record.Destination ?? "-", record.QueueWait.TotalMilliseconds, totalMs);
            }
        }
    }

    private async Task ForwardWithWorkerAsync(HttpContext context, IReverseProxyFeature proxy, WorkerPool pool, RequestRecord record, Func<Task> next)
    {
        var available = proxy.AvailableDestinations;
        if (available.Count == 0)
        {
            await next(); // YARP answers 503: no destination configured.
            return;
        }
        var candidates = new string[available.Count];
        for (var i = 0; i < candidates.Length; i++) candidates[i] = available[i].DestinationId;

        record.Pool = pool.Name;
        var admission = await pool.AcquireAsync(candidates, context.RequestAborted);
        record.QueueWait = admission.QueueWait;
        if (admission.Lease is not { } lease)
        {
            record.Rejection = admission.Rejection;
            if (admission.Rejection == AdmissionRejection.ClientAborted) return;
            LogRejected(logger, admission.Rejection, admission.QueueWait.TotalMilliseconds);
            await ProxyAnswers.TextAsync(context, StatusCodes.Status503ServiceUnavailable,
                admission.Rejection == AdmissionRejection.QueueFull
                    ? "All Odoo workers are busy and the queue is full; retry later.\n"
                    : "No Odoo worker became free in time; retry later.\n",
                options.RetryAfterSeconds);
            return;
        }

        record.Lease = lease;
        record.Destination = lease.Destination;
        foreach (var recorder in _recorders) recorder.Admitted(context, record);
        foreach (var destination in available)
        {
            if (destination.DestinationId == lease.Destination)
            {
                proxy.AvailableDestinations = destination;
                break;
            }
        }
        // A prefork Odoo worker goes on computing when the client leaves (it notices only when it writes), so the
        // request to Odoo is not cancelled with the client's: the slot frees when Odoo's answer has been read, which
        // is when the worker really is free again. The proxy's timeout still bounds the wait, and a shutdown does not
        // wait for answers nobody will read.
        var clientAborted = context.RequestAborted;
        using var abandoned = new AbandonedRequest(clientAborted, lifetime.ApplicationStopping);
        context.RequestAborted = abandoned.Token;
        try
        {
            record.UpstreamStartedAt = time.GetTimestamp();
            await next();
        }
        finally
        {
            context.RequestAborted = clientAborted;
            // Streaming responses hold the worker until here; buffered ones released it when drained.
            if (record.UpstreamFinishedAt == 0) record.UpstreamFinishedAt = time.GetTimestamp();
            lease.Release();
        }
        await ExplainFailureAsync(context, record);
    }

    private async Task ExplainFailureAsync(HttpContext context, RequestRecord record)
    {
        var error = context.Features.Get<IForwarderErrorFeature>();
        if (error is null && record.UpstreamFailure is null) return;
        if (context.RequestAborted.IsCancellationRequested) return;
        var reason = record.UpstreamFailure ?? Describe(error!.Error);
        LogUpstreamFailed(logger, record.Destination ?? "-", reason, error?.Exception?.GetType().Name ?? "-");
        if (context.Response.HasStarted) return;
        var status = context.Response.StatusCode is >= 500 ? context.Response.StatusCode : StatusCodes.Status502BadGateway;
        await ProxyAnswers.TextAsync(context, status, $"Odoo did not answer: {reason}.\n");
    }

    private static string Describe(ForwarderError error) => error switch
    {
        ForwarderError.Request => "could not connect or send the request",
        ForwarderError.RequestTimedOut => "timed out",
        ForwarderError.ResponseHeaders => "the connection closed before a response",
        ForwarderError.NoAvailableDestinations => "no destination available",
        ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled
            or ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyClient => "the client went away",
        _ => error.ToString(),
    };

    /// <summary>Cancelled only when the client has gone AND the proxy is shutting down.</summary>
    private sealed class AbandonedRequest : IDisposable
    {
        private readonly CancellationTokenSource _source = new();
        private readonly CancellationTokenRegistration _onClientGone;
        private readonly CancellationTokenRegistration _onStopping;

        public AbandonedRequest(CancellationToken clientGone, CancellationToken stopping)
        {
            _onClientGone = clientGone.Register(() => { if (stopping.IsCancellationRequested) Cancel(); });
            _onStopping = stopping.Register(() => { if (clientGone.IsCancellationRequested) Cancel(); });
        }

        public CancellationToken Token => _source.Token;

        private void Cancel()
        {
            try
            {
                _source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The exchange ended first.
            }
        }

        public void Dispose()
        {
            _onClientGone.Dispose();
            _onStopping.Dispose();
            _source.Dispose();
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Debug, SkipEnabledCheck = true, Message = "{Method} {Path} [{Operation}] -> {Status} {Outcome} via {Destination}, queued {QueueMs:F1} ms, total {TotalMs:F1} ms")]
    private static partial void LogCompleted(ILogger logger, string method, string path, string operation, int status, string outcome, string destination, double queueMs, double totalMs);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Request rejected by the worker queue ({Reason}) after {WaitedMs:F0} ms")]
    private static partial void LogRejected(ILogger logger, AdmissionRejection reason, double waitedMs);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Upstream {Destination} failed: {Reason} ({Exception})")]
    private static partial void LogUpstreamFailed(ILogger logger, string destination, string reason, string exception);
}

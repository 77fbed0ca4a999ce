using Yarp.ReverseProxy.Forwarder;

namespace OdooLatencyProxy.RequestPath;

/// <summary>
/// The forward stage: sends the admitted request to Odoo through YARP, ends the upstream call (time stamped, worker given
/// back) if response buffering has not already, and explains a failure to the client with a 502/504 of its own.
/// </summary>
internal sealed partial class UpstreamCall(TimeProvider time, IHostApplicationLifetime lifetime, ILogger<UpstreamCall> logger)
{
    public async Task ForwardAsync(HttpContext context, ProxyExchange exchange, RequestDelegate next)
    {
        // A prefork Odoo worker goes on computing when the client leaves (it notices only when it writes), so the
        // request to Odoo is not cancelled with the client's: the slot frees when Odoo's answer has been read, which
        // is when the worker really is free again. The proxy's timeout still bounds the wait, and a shutdown does not
        // wait for answers nobody will read.
        var clientAborted = context.RequestAborted;
        using var abandoned = new AbandonedRequest(clientAborted, lifetime.ApplicationStopping);
        context.RequestAborted = abandoned.Token;
        try
        {
            exchange.UpstreamStartedAt = time.GetTimestamp();
            await next(context);
        }
        finally
        {
            context.RequestAborted = clientAborted;
            // Streaming responses hold the worker until here; buffered ones ended the call when drained.
            exchange.EndUpstream(time.GetTimestamp());
        }
        await ExplainFailureAsync(context, exchange);
    }

    private async Task ExplainFailureAsync(HttpContext context, ProxyExchange exchange)
    {
        var error = context.Features.Get<IForwarderErrorFeature>();
        if (error is null && exchange.UpstreamFailure is null) return;
        if (context.RequestAborted.IsCancellationRequested) return;
        var reason = exchange.UpstreamFailure ?? UpstreamErrors.Reason(error!.Error, error.Exception);
        LogUpstreamFailed(logger, exchange.Destination ?? "-", reason, error?.Exception?.GetType().Name ?? "-");
        if (context.Response.HasStarted) return;
        var status = context.Response.StatusCode is >= 500 ? context.Response.StatusCode : StatusCodes.Status502BadGateway;
        await ProxyAnswers.TextAsync(context, status, $"Odoo did not answer: {reason}.\n");
    }

    /// <summary>Cancelled only when the client has gone AND the proxy is shutting down.</summary>
    private sealed class AbandonedRequest : IDisposable
    {
        private readonly CancellationTokenSource _source = new();
        private readonly CancellationToken _clientGone;
        private readonly CancellationToken _stopping;
        private readonly CancellationTokenRegistration _onClientGone;
        private readonly CancellationTokenRegistration _onStopping;

        public AbandonedRequest(CancellationToken clientGone, CancellationToken stopping)
        {
            (_clientGone, _stopping) = (clientGone, stopping);
            // Static callbacks with this as their state: no delegate per request; nothing in them needs the request's
            // execution context.
            _onClientGone = clientGone.UnsafeRegister(static state => ((AbandonedRequest)state!).CancelIfBoth(), this);
            _onStopping = stopping.UnsafeRegister(static state => ((AbandonedRequest)state!).CancelIfBoth(), this);
        }

        public CancellationToken Token => _source.Token;

        private void CancelIfBoth()
        {
            if (!_clientGone.IsCancellationRequested || !_stopping.IsCancellationRequested) return;
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

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Upstream {Destination} failed: {Reason} ({Exception})")]
    private static partial void LogUpstreamFailed(ILogger logger, string destination, string reason, string exception);
}

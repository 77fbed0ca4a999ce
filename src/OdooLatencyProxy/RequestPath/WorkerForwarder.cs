using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Forwarding;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace OdooLatencyProxy.RequestPath;

/// <summary>
/// The last step of the request path for Odoo's HTTP workers (<see cref="WorkerRoute"/>), in place of YARP's forwarder: the client's request goes from
/// Kestrel's parsed request straight onto a connection of its own (<see cref="UpstreamExchange"/>), and Odoo's answer
/// straight into the response, with no <see cref="HttpRequestMessage"/>, client or header collections between them. YARP's
/// forwarder with .NET's client cost more per request than all the rest of the proxy (docs/benchmarks.md, "The proxy's
/// own forwarder"). What this does not handle goes on to YARP's forwarder: a destination that keeps
/// connections alive (<see cref="KeepAliveDestinations"/>), https, upgrades, <c>ConnectionPerRequest</c> off.
/// It forwards what YARP's forwarder forwarded, and fails as it failed: the same <see cref="IForwarderErrorFeature"/>
/// errors and statuses, so passive health checks, the outcome and the client's 502/504 read both alike.
/// </summary>
internal sealed class WorkerForwarder(ProxyOptions options, ForwardedHeaders forwarded, UpstreamConnector connector, KeepAliveDestinations keepAlive, ResponseBuffering buffering)
{
    private const int CopyBufferBytes = 64 * 1024;

    private readonly ConcurrentDictionary<string, Destination> _destinations = new(StringComparer.Ordinal);

    /// <summary>Forwards the request itself, or hands it on to YARP's forwarder (<paramref name="next"/>).</summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var proxy = context.GetReverseProxyFeature();
        if (!options.ConnectionPerRequest || proxy.Cluster.Config.ClusterId != ProxyTopology.WorkersCluster
            || proxy.AvailableDestinations is not { Count: 1 } chosen || context.Features.Get<ProxyExchange>() is not { } exchange)
        {
            return next(context);
        }
        var destination = _destinations.GetOrAdd(chosen[0].Model.Config.Address, static address => new Destination(address));
        var request = context.Request;
        if (!destination.PlainHttp || keepAlive.Contains(destination.Authority) || HttpMethods.IsConnect(request.Method)
            || request.Headers.ContainsKey(HeaderNames.Upgrade))
        {
            return next(context);
        }
        proxy.ProxiedDestination = chosen[0]; // read by YARP's passive health check, as after its own forwarder
        return ForwardAsync(context, exchange, destination);
    }

    private async Task ForwardAsync(HttpContext context, ProxyExchange exchange, Destination destination)
    {
        // UpstreamCall's token: cancelled only when the client has gone and the proxy is stopping.
        var aborted = context.RequestAborted;
        // One timer for the whole exchange, re-armed at each step: the connect, the answer's head, each read of its body.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        UpstreamExchange? upstream = null;
        Stream? body = null;
        try
        {
            ResponseHead head;
            try
            {
                upstream = new UpstreamExchange(await connector.ConnectForExchangeAsync(destination.Endpoint, UpstreamConnector.ConnectTimeout, deadline, aborted));
                deadline.CancelAfter(options.Timeout);
                if (!await SendAsync(context, destination, upstream, deadline.Token)) return;
                (head, body) = await upstream.ReceiveHeadAsync(HttpMethods.IsHead(context.Request.Method), deadline.Token);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                // As YARP's forwarder: the client gone, Odoo silent past the timeout, or Odoo unreachable or not speaking HTTP.
                var (error, status) = aborted.IsCancellationRequested ? (ForwarderError.RequestCanceled, StatusCodes.Status400BadRequest)
                    : e is OperationCanceledException ? (ForwarderError.RequestTimedOut, StatusCodes.Status504GatewayTimeout)
                    : (ForwarderError.Request, StatusCodes.Status502BadGateway);
                Fail(context, error, e, status);
                return;
            }
            if (upstream.ServerKeepsAlive) keepAlive.Add(destination.Authority);

            try
            {
                CopyHead(context, head);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                // Kestrel refused a field (a character it does not send): nothing has left yet, a clean 502.
                Fail(context, ForwarderError.ResponseHeaders, e, StatusCodes.Status502BadGateway);
                return;
            }

            var contentType = head.Field(HeaderNames.ContentType);
            var encoding = head.Field(HeaderNames.ContentEncoding);
            if (buffering.Buffers(head.ContentLength))
            {
                var drained = await buffering.DrainAsync(context, exchange, body, upstream, head.Status, contentType, encoding, deadline, aborted);
                if (drained is not { } result)
                {
                    // UpstreamCall answers it, with the reason the exchange holds.
                    context.Response.Clear();
                    context.Response.StatusCode = ResponseBuffering.FailureStatus(exchange);
                    return;
                }
                body = result.Buffer.OpenReplay(result.Remainder);
            }
            else if (Odoo.Classification.ResponseOutcomeDetector.ShouldInspectBody(head.Status, contentType))
            {
                body = new OutcomePeekingStream(body, head.Status, contentType, encoding, exchange);
            }
            await CopyBodyAsync(context, exchange, body, deadline, aborted);
        }
        finally
        {
            body?.Dispose();
            upstream?.Dispose();
        }
    }

    /// <summary>Sends the head and the body; false when the client's body failed (reported and answered here).</summary>
    private async ValueTask<bool> SendAsync(HttpContext context, Destination destination, UpstreamExchange upstream, CancellationToken cancellationToken)
    {
        var length = RequestHead.Write(context, destination.Target(context.Request), destination.HostHeader, forwarded, options.PropagateTraceContext, upstream);
        if (length is null or 0)
        {
            await upstream.FlushAsync(cancellationToken);
            return true;
        }

        var body = new RequestBody(upstream, length.Value);
        var source = context.Request.Body;
        if (source is MemoryStream memory && memory.TryGetBuffer(out var buffered))
        {
            // A buffered body (RequestBuffering): behind its head, in the same write when it fits.
            await body.WriteAsync(buffered.AsMemory((int)memory.Position), cancellationToken);
        }
        else
        {
            var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                while (true)
                {
                    int read;
                    try
                    {
                        read = await source.ReadAsync(chunk, cancellationToken);
                    }
                    catch (Exception e) when (e is IOException or OperationCanceledException)
                    {
                        // The client's body broke off or was malformed (Kestrel's own status), as YARP's forwarder answers it.
                        Fail(context, ForwarderError.RequestBodyClient, e, (e as BadHttpRequestException)?.StatusCode ?? StatusCodes.Status400BadRequest);
                        return false;
                    }
                    if (read == 0) break;
                    await body.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
                    await body.FlushAsync(cancellationToken); // a streamed body goes on as it comes
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
        await body.CompleteAsync(cancellationToken);
        return true;
    }

    /// <summary>Status, reason and fields, as YARP's forwarder copies them; Content-Length from the checked head.</summary>
    private static void CopyHead(HttpContext context, ResponseHead head)
    {
        var response = context.Response;
        response.StatusCode = head.Status;
        if (head.Reason is { } reason && reason != ReasonPhrases.GetReasonPhrase(head.Status) && !HttpProtocol.IsHttp2(context.Request.Protocol)
            && !HttpProtocol.IsHttp3(context.Request.Protocol))
        {
            context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = reason;
        }
        var headers = response.Headers;
        var fields = head.Fields;
        for (var i = 0; i < fields.Count; i++) // by index: a foreach over the interface boxed an enumerator per answer
        {
            var (name, value) = fields[i];
            if (RequestHead.HopByHop.Contains(name)) continue;
            headers[name] = StringValues.Concat(headers[name], value); // several fields (Set-Cookie) stay several
        }
        // A "Content-Length: 0" on a status that has no body is dropped, as YARP's forwarder drops it.
        if (head.ContentLength is { } length && !(length == 0 && head.Status is 204 or 205)) response.ContentLength = length;
    }

    /// <summary>
    /// Copies the body to the client, each read and each write bounded by the timeout (YARP's activity timeout: no
    /// progress either way); a failure after the head has left aborts the client's connection, so a cut body never
    /// looks whole.
    /// </summary>
    private async Task CopyBodyAsync(HttpContext context, ProxyExchange exchange, Stream body, CancellationTokenSource deadline, CancellationToken aborted)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    deadline.CancelAfter(options.Timeout);
                    read = await body.ReadAsync(chunk.AsMemory(0, CopyBufferBytes), deadline.Token);
                }
                catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
                {
                    if (e is OperationCanceledException && !aborted.IsCancellationRequested) exchange.UpstreamFailure = ProxyExchange.TimeoutFailure;
                    Fail(context, aborted.IsCancellationRequested ? ForwarderError.ResponseBodyCanceled : ForwarderError.ResponseBodyDestination, e,
                        StatusCodes.Status502BadGateway);
                    return;
                }
                if (read == 0) return;
                try
                {
                    deadline.CancelAfter(options.Timeout);
                    await context.Response.Body.WriteAsync(chunk.AsMemory(0, read), deadline.Token);
                }
                catch (Exception e) when (e is IOException or OperationCanceledException)
                {
                    // The client went, or stalled past the timeout.
                    Fail(context, aborted.IsCancellationRequested ? ForwarderError.ResponseBodyCanceled : ForwarderError.ResponseBodyClient, e,
                        StatusCodes.Status502BadGateway);
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>Reports <paramref name="error"/> as YARP's forwarder does; the client gets <paramref name="status"/> if nothing has left yet, else its connection is cut.</summary>
    private static void Fail(HttpContext context, ForwarderError error, Exception exception, int status)
    {
        context.Features.Set<IForwarderErrorFeature>(new ForwardingFailure(error, exception));
        if (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.StatusCode = status;
        }
        else
        {
            context.Abort();
        }
    }

    private sealed record ForwardingFailure(ForwarderError Error, Exception? Exception) : IForwarderErrorFeature;

    /// <summary>A destination's address, read once: where to connect, and how a request's target is written for it.</summary>
    private sealed class Destination
    {
        // YARP's characters that a path needs no escaping for (its RequestUtilities); a query of them, less '%', is sent as it is.
        private static readonly SearchValues<char> PlainPath =
            SearchValues.Create("!$&'()*+,-./0123456789:;=@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~");

        private static readonly SearchValues<char> PlainQuery =
            SearchValues.Create("!$&'()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~");

        private readonly string _address;
        private readonly bool _addressHasPath;

        public Destination(string address)
        {
            var uri = new Uri(address);
            _address = address;
            _addressHasPath = uri.AbsolutePath != "/";
            Authority = uri.Authority;
            Endpoint = new DnsEndPoint(uri.IdnHost, uri.Port);
            HostHeader = RequestHead.Authority(uri);
            PlainHttp = uri.Scheme == Uri.UriSchemeHttp;
        }

        public string Authority { get; }
        public string HostHeader { get; }
        public DnsEndPoint Endpoint { get; }
        public bool PlainHttp { get; }

        /// <summary>
        /// The request target YARP's forwarder sent (its destination address, then <see cref="Uri.PathAndQuery"/>),
        /// built without a <see cref="Uri"/> when nothing in it needs escaping or normalising (nearly every request).
        /// </summary>
        public string Target(HttpRequest request)
        {
            var path = request.Path.Value ?? string.Empty;
            var query = request.QueryString.Value ?? string.Empty;
            var plain = !_addressHasPath && path.AsSpan().IndexOfAnyExcept(PlainPath) < 0 && query.AsSpan(Math.Min(1, query.Length)).IndexOfAnyExcept(PlainQuery) < 0
                && !path.Contains("/.", StringComparison.Ordinal) && !path.Contains("./", StringComparison.Ordinal) && !path.EndsWith('.');
            if (!plain) return RequestUtilities.MakeDestinationAddress(_address, request.Path, request.QueryString).PathAndQuery;
            return path.Length == 0 ? "/" + query : query.Length == 0 ? path : path + query;
        }
    }
}

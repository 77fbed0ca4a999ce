using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace OdooLatencyProxy.Forwarding;

/// <summary>
/// YARP's client to Odoo's HTTP workers: HTTP/1.1 over a connection of its own per request, closed after the answer,
/// which is how Odoo's prefork workers serve anyway (HTTP/1.0, one request per connection). Without a connection pool
/// nothing is handed between threads: the request's own task connects, sends the head with a small body in one write,
/// and parses the answer (<see cref="UpstreamExchange"/>) into the message YARP copies to the client.
/// A destination that answers HTTP/1.1 without <c>Connection: close</c> would keep connections alive: from then on it
/// gets the inner, pooled <see cref="SocketsHttpHandler"/>, as does anything else (https, an upgrade, HTTP/2).
/// </summary>
internal sealed class PreforkHttpHandler(SocketsHttpHandler inner, UpstreamConnector connector, KeepAliveDestinations keepAlive) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Handles(request) && !keepAlive.Contains(request.RequestUri!.Authority)
            ? SendOwnAsync(request, cancellationToken)
            : base.SendAsync(request, cancellationToken);

    /// <summary>Plain HTTP/1.x without an upgrade: everything Odoo's worker port is sent.</summary>
    internal static bool Handles(HttpRequestMessage request) =>
        request.RequestUri is { Scheme: "http" } && request.Version.Major == 1 && request.Method != HttpMethod.Connect
        && !request.Headers.Contains("Upgrade");

    private async Task<HttpResponseMessage> SendOwnAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        // The pooled handler's connect timeout (YARP's 15 s) bounds the connect here too; YARP bounds the rest.
        Stream connection;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connection = await connector.ConnectForExchangeAsync(new DnsEndPoint(uri.IdnHost, uri.Port), inner.ConnectTimeout, deadline, cancellationToken);
        }

        var exchange = new UpstreamExchange(connection);
        try
        {
            await exchange.SendAsync(request, cancellationToken);
            var response = await exchange.ReceiveAsync(request, cancellationToken);
            if (exchange.ServerKeepsAlive) keepAlive.Add(uri.Authority);
            return response;
        }
        catch (Exception e)
        {
            exchange.Dispose();
            if (e is OperationCanceledException or HttpRequestException) throw;
            // Socket and stream failures read as SocketsHttpHandler's do: the connection failed while in use.
            throw new HttpRequestException(e is HttpIOException io ? io.HttpRequestError : HttpRequestError.Unknown, e.Message, e);
        }
    }
}

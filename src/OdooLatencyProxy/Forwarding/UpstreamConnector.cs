using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace OdooLatencyProxy.Forwarding;

/// <summary>
/// Opens the connections to Odoo (the forwarder's <see cref="SocketsHttpHandler.ConnectCallback"/>). Odoo's prefork
/// workers close every connection, so this runs once per request: a host name is resolved once and its addresses kept
/// for <see cref="AddressLifetime"/> (as nginx resolves its upstream once), instead of a lookup per request (a
/// `/etc/hosts` read, or a DNS round trip to Docker's resolver, before every request); the socket is of the address's
/// own family (no dual-mode options). A host none of whose addresses accepts is resolved again at the next connection; concurrent connections after
/// the lifetime may each look it up once.
/// </summary>
/// <param name="closer">Closes the connections when their streams are disposed; null: the disposing thread closes them.</param>
internal sealed class UpstreamConnector(TimeProvider time, Func<string, CancellationToken, Task<IPAddress[]>> resolve, ConnectionCloser? closer = null)
{
    public UpstreamConnector(TimeProvider time, ConnectionCloser? closer = null)
        : this(time, Dns.GetHostAddressesAsync, closer)
    {
    }

    /// <summary>How long a host name's addresses are used before they are looked up again.</summary>
    public static readonly TimeSpan AddressLifetime = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, ResolvedHost> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, IPAddress[]> _literals = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long a connection to Odoo may take to open: YARP's <see cref="SocketsHttpHandler.ConnectTimeout"/>, for the proxy's own client too.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Connects for an exchange of the proxy's own client: within <paramref name="timeout"/>, armed on
    /// <paramref name="deadline"/> (a source linked to <paramref name="cancellationToken"/> that the caller goes on
    /// re-arming for the exchange's other steps: one timer per exchange), so a host that drops SYNs fails then, not after
    /// the kernel's retries or the request's timeout; failures as SocketsHttpHandler reports them.
    /// </summary>
    public ValueTask<Stream> ConnectForExchangeAsync(DnsEndPoint endpoint, TimeSpan timeout, CancellationTokenSource deadline, CancellationToken cancellationToken)
    {
        if (timeout != Timeout.InfiniteTimeSpan) deadline.CancelAfter(timeout);
        return ConnectAsync(endpoint, (timeout, cancellationToken), deadline.Token);
    }

    /// <summary>Connects to the first of the host's addresses that accepts, as the default connector does.</summary>
    public ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, CancellationToken cancellationToken) => ConnectAsync(endpoint, null, cancellationToken);

    // One async method for both (a wrapper's state machine cost every request); `exchange` set: failures reported as
    // SocketsHttpHandler reports them, the timeout told apart from the caller's own cancellation.
    private async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, (TimeSpan Timeout, CancellationToken Caller)? exchange, CancellationToken cancellationToken)
    {
        var (host, port) = (endpoint.Host, endpoint.Port);
        try
        {
            var addresses = await AddressesAsync(host, cancellationToken);
            SocketException? failed = null;
            foreach (var address in addresses)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                    return new ConnectionStream(socket, closer);
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    failed = e; // refused, or unreachable (an IPv6 address without IPv6): the next address
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }
            _hosts.TryRemove(host, out _); // it may have moved (a restarted container): look it up again next time
            throw failed ?? new SocketException((int)SocketError.HostNotFound);
        }
        catch (SocketException e) when (exchange is not null)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"{e.Message} ({host}:{port})", e);
        }
        catch (OperationCanceledException e) when (exchange is { } caller && !caller.Caller.IsCancellationRequested)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"Connecting to {host}:{port} timed out after {caller.Timeout.TotalSeconds:0.#} s.", e);
        }
    }

    private ValueTask<IPAddress[]> AddressesAsync(string host, CancellationToken cancellationToken)
    {
        // An address literal is parsed once, and kept for good.
        if (_literals.TryGetValue(host, out var parsed)) return new ValueTask<IPAddress[]>(parsed);
        if (IPAddress.TryParse(host, out var literal)) return new ValueTask<IPAddress[]>(_literals.GetOrAdd(host, [literal]));
        var now = time.GetTimestamp();
        if (_hosts.TryGetValue(host, out var known) && time.GetElapsedTime(known.ResolvedAt, now) < AddressLifetime)
        {
            return new ValueTask<IPAddress[]>(known.Addresses);
        }
        return ResolveAsync(host, now, cancellationToken);
    }

    private async ValueTask<IPAddress[]> ResolveAsync(string host, long now, CancellationToken cancellationToken)
    {
        var addresses = await resolve(host, cancellationToken);
        _hosts[host] = new ResolvedHost(addresses, now);
        return addresses;
    }

    private sealed record ResolvedHost(IPAddress[] Addresses, long ResolvedAt);

    /// <summary>
    /// A connection's stream that closes its socket when disposed, without the <c>shutdown</c> a socket-owning
    /// <see cref="NetworkStream"/> calls first: the close sends the same FIN, and the extra system call (with its trip
    /// through loopback TCP on the calling thread) came once per request (docs/benchmarks.md, seventh round). The close
    /// itself is the closer's, off the request's thread, when there is one.
    /// </summary>
    private sealed class ConnectionStream(Socket socket, ConnectionCloser? closer) : NetworkStream(socket, ownsSocket: false)
    {
        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (!disposing) return;
            if (closer is null) Socket.Dispose();
            else closer.Close(Socket);
        }
    }
}

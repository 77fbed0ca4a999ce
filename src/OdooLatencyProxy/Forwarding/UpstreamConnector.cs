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
internal sealed class UpstreamConnector(TimeProvider time, Func<string, CancellationToken, Task<IPAddress[]>> resolve)
{
    public UpstreamConnector(TimeProvider time)
        : this(time, Dns.GetHostAddressesAsync)
    {
    }

    /// <summary>How long a host name's addresses are used before they are looked up again.</summary>
    public static readonly TimeSpan AddressLifetime = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, ResolvedHost> _hosts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long a connection to Odoo may take to open: YARP's <see cref="SocketsHttpHandler.ConnectTimeout"/>, for the proxy's own client too.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Connects for an exchange of the proxy's own client: within <paramref name="timeout"/>, armed on
    /// <paramref name="deadline"/> (a source linked to <paramref name="cancellationToken"/> that the caller goes on
    /// re-arming for the exchange's other steps: one timer per exchange), so a host that drops SYNs fails then, not after
    /// the kernel's retries or the request's timeout; failures as SocketsHttpHandler reports them.
    /// </summary>
    public async ValueTask<Stream> ConnectForExchangeAsync(DnsEndPoint endpoint, TimeSpan timeout, CancellationTokenSource deadline, CancellationToken cancellationToken)
    {
        if (timeout != Timeout.InfiniteTimeSpan) deadline.CancelAfter(timeout);
        try
        {
            return await ConnectAsync(endpoint, deadline.Token);
        }
        catch (SocketException e)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"{e.Message} ({endpoint.Host}:{endpoint.Port})", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"Connecting to {endpoint.Host}:{endpoint.Port} timed out after {timeout.TotalSeconds:0.#} s.", e);
        }
    }

    /// <summary>Connects to the first of the host's addresses that accepts, as the default connector does.</summary>
    public async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        var (host, port) = (endpoint.Host, endpoint.Port);
        var addresses = await AddressesAsync(host, cancellationToken);
        SocketException? failed = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                return new ConnectionStream(socket);
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

    private ValueTask<IPAddress[]> AddressesAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal)) return ValueTask.FromResult<IPAddress[]>([literal]);
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
    /// through loopback TCP on the calling thread) came once per request (docs/benchmarks.md, seventh round).
    /// </summary>
    private sealed class ConnectionStream(Socket socket) : NetworkStream(socket, ownsSocket: false)
    {
        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing) Socket.Dispose();
        }
    }
}

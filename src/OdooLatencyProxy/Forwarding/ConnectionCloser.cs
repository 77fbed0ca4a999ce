using System.Collections.Concurrent;
using System.Net.Sockets;

namespace OdooLatencyProxy.Forwarding;

/// <summary>
/// Closes the proxy's connections to Odoo on a thread of its own. Odoo's prefork workers take one connection per
/// request, so every request ends with a close, and closing a loopback TCP connection runs the FIN exchange inside the
/// caller's system call: 17.6 % of the proxy's CPU at 2,000 req/s. The request path runs on one socket thread, where
/// that close delayed every request queued behind it (docs/benchmarks.md, "Connections closed off the request
/// thread"). By the time a connection is closed its exchange is over (Odoo's answer read, or given up), so nothing
/// waits for the close; it happens microseconds later, here.
/// </summary>
internal sealed class ConnectionCloser : IDisposable
{
    /// <summary>Connections handed over and not yet closed, at most; past it a caller closes its own, so open sockets stay bounded.</summary>
    public const int MaxPending = 1024;

    private readonly BlockingCollection<Socket> _pending = new(new ConcurrentQueue<Socket>(), MaxPending);
    private readonly Thread _thread;

    public ConnectionCloser()
    {
        // A background thread: a process that exits without disposing this is not held up by it.
        _thread = new Thread(CloseAll) { IsBackground = true, Name = "Odoo closer" };
        _thread.Start();
    }

    /// <summary>Closes <paramref name="socket"/> soon, on the closer's thread; at once, here, when the closer is full or stopped.</summary>
    public void Close(Socket socket)
    {
        bool handedOver;
        try
        {
            handedOver = _pending.TryAdd(socket);
        }
        catch (InvalidOperationException)
        {
            handedOver = false; // stopped: no more hand-overs
        }
        if (!handedOver) socket.Dispose();
    }

    private void CloseAll()
    {
        foreach (var socket in _pending.GetConsumingEnumerable()) socket.Dispose();
    }

    /// <summary>Closes what is still pending, then stops the thread.</summary>
    public void Dispose()
    {
        _pending.CompleteAdding();
        _thread.Join();
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OdooLatencyProxy.Testing.Http;

/// <summary>A TCP server on 127.0.0.1 that reads each request whole (head, then a Content-Length or chunked body) and writes <see cref="Answer"/>.</summary>
public sealed class ScriptedUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;
    private int _closedByClient;

    public ScriptedUpstream()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    private volatile string? _answer = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";
    private volatile bool _keepAlive;

    /// <summary>What every request is answered with; null: no answer, the connection is held until the client gives up.</summary>
    public string? Answer { get => _answer; set => _answer = value; }

    /// <summary>Whether the connection is kept for another request after the answer.</summary>
    public bool KeepAlive { get => _keepAlive; set => _keepAlive = value; }

    public ConcurrentQueue<string> Requests { get; } = new();

    public int Connections => Volatile.Read(ref _connections);

    public int ClosedByClient => Volatile.Read(ref _closedByClient);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                _ = ServeAsync(socket);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException
                                   || (e is InvalidOperationException && _stop.IsCancellationRequested))
        {
            // Stopped; a connection accepted just before the stop can bring the loop back to a listener already stopped ("Not listening").
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        var received = new List<byte>();
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int length;
                while ((length = RequestLength(received)) < 0)
                {
                    var read = await socket.ReceiveAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        Interlocked.Increment(ref _closedByClient);
                        return;
                    }
                    received.AddRange(buffer.AsSpan(0, read));
                }
                Requests.Enqueue(Encoding.Latin1.GetString(received.GetRange(0, length).ToArray()));
                received.RemoveRange(0, length);
                if (Answer is not { } answer)
                {
                    var read = await socket.ReceiveAsync(buffer, _stop.Token); // wait for the client to give up
                    if (read == 0) Interlocked.Increment(ref _closedByClient);
                    return;
                }
                await socket.SendAsync(Encoding.Latin1.GetBytes(answer), _stop.Token);
                if (!KeepAlive) return;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException
                                   || (e is InvalidOperationException && _stop.IsCancellationRequested))
        {
            // Stopped; a connection accepted just before the stop can bring the loop back to a listener already stopped ("Not listening").
        }
    }

    /// <summary>The length of the first whole request in <paramref name="bytes"/>, or -1.</summary>
    private static int RequestLength(List<byte> bytes)
    {
        var text = Encoding.Latin1.GetString(bytes.ToArray());
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headEnd < 0) return -1;
        var head = text[..headEnd];
        var lengthLine = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        if (lengthLine is not null)
        {
            var total = headEnd + 4 + int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            return text.Length >= total ? total : -1;
        }
        if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            var end = text.IndexOf("\r\n0\r\n\r\n", headEnd, StringComparison.Ordinal);
            return end < 0 ? -1 : end + 7;
        }
        return headEnd + 4;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
    }
}

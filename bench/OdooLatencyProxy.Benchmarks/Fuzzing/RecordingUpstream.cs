using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace OdooLatencyProxy.Benchmarks.Fuzzing;

/// <summary>
/// A stand-in Odoo on raw TCP that records the exact bytes of each connection. Like a prefork Odoo worker it answers
/// one request per connection with <c>Connection: close</c>, as soon as a strict parser sees a complete request, then
/// keeps reading until the proxy closes (or 300 ms pass) so bytes sent after that request are recorded too.
/// </summary>
internal sealed class RecordingUpstream : IAsyncDisposable
{
    private static readonly byte[] s_answer = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"u8.ToArray();
    private static readonly byte[] s_continue = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();
    private static readonly byte[] s_refusal = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray();
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentQueue<UpstreamRecording> _recordings = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _accepted;

    public RecordingUpstream()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Uri => new($"http://{_listener.LocalEndpoint}");

    /// <summary>Takes the recordings made since the last call, in accept order.</summary>
    public List<UpstreamRecording> Take()
    {
        var taken = new List<UpstreamRecording>();
        while (_recordings.TryDequeue(out var recording)) taken.Add(recording);
        return taken;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            var recording = new UpstreamRecording(Interlocked.Increment(ref _accepted));
            _recordings.Enqueue(recording);
            _ = ServeAsync(socket, recording);
        }
    }

    private static bool ExpectsContinue(byte[] bytes)
    {
        var head = System.Text.Encoding.Latin1.GetString(bytes);
        var end = head.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return end > 0 && head[..end].Contains("\nExpect: 100-continue", StringComparison.OrdinalIgnoreCase);
    }

    private async Task ServeAsync(Socket socket, UpstreamRecording recording)
    {
        using var _ = socket;
        var buffer = new byte[64 * 1024];
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            var answered = false;
            var continued = false;
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (read == 0) break;
                recording.Append(buffer.AsSpan(0, read));
                if (answered) continue;
                var parsed = recording.Parsed;
                if (parsed.Requests.Count == 0 && parsed.Valid) continue; // Only empty lines so far.
                if (parsed.Requests.Count == 0 && parsed.Incomplete)
                {
                    // As Odoo's servers do: the body of an Expect: 100-continue request is asked for.
                    if (!continued && ExpectsContinue(recording.Bytes))
                    {
                        await socket.SendAsync(s_continue, SocketFlags.None, timeout.Token);
                        continued = true;
                    }
                    continue;
                }
                await socket.SendAsync(parsed.Requests.Count > 0 ? s_answer : s_refusal, SocketFlags.None, timeout.Token);
                socket.Shutdown(SocketShutdown.Send);
                answered = true;
                // Whatever else the proxy sends on this connection is recorded, until it closes or briefly stays silent.
                timeout.CancelAfter(TimeSpan.FromMilliseconds(300));
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            recording.Close();
        }
    }
}

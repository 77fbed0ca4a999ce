using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using OdooSimulator.Http;
using OdooSimulator.Latency;
using OdooSimulator.Routing;

namespace OdooSimulator.Prefork;

/// <summary>
/// Odoo's prefork HTTP server: one listening socket with an explicit backlog and N worker threads, each
/// accepting one connection, reading one request, answering HTTP/1.0 with <c>Connection: close</c> and
/// closing. Busy workers can never exceed N; further connections wait in the kernel's listen queue.
/// </summary>
internal sealed class PreforkServer : IDisposable
{
    // How often an idle worker re-checks for shutdown (Odoo's workers select() with a timeout too).
    private const int AcceptPollMicroseconds = 200_000;

    private readonly SimulatorOptions _options;
    private readonly OdooApp _app;
    private readonly LatencyModel _latency;
    private readonly SimStats _stats;
    private readonly StallGate _stall;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Socket _listener;
    private readonly Thread[] _workers;
    private readonly Socket?[] _clients;
    private readonly AccessLogWriter? _accessLog;

    public PreforkServer(SimulatorOptions options, OdooApp app, LatencyModel latency, SimStats stats, StallGate stall, TimeProvider time, ILogger logger)
    {
        _options = options;
        _app = app;
        _latency = latency;
        _stats = stats;
        _stall = stall;
        _time = time;
        _logger = logger;
        _listener = new Socket(options.BindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _workers = new Thread[options.Workers];
        _clients = new Socket?[options.Workers];
        _accessLog = options.AccessLogPath is { Length: > 0 } log ? new AccessLogWriter(log, options.Database, time) : null;
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    public void Start()
    {
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(new IPEndPoint(_options.BindAddress, _options.HttpPort));
        _listener.Listen(_options.EffectiveBacklog);
        _listener.Blocking = false;
        for (var i = 0; i < _workers.Length; i++)
        {
            var worker = i + 1;
            _workers[i] = new Thread(() => WorkerLoop(worker))
            {
                IsBackground = true,
                Name = string.Create(CultureInfo.InvariantCulture, $"odoo-sim-worker-{worker}"),
            };
            _workers[i].Start();
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Dispose();
        lock (_clients)
        {
            foreach (var client in _clients)
            {
                client?.Dispose();
            }
        }

        foreach (var worker in _workers)
        {
            worker?.Join(TimeSpan.FromSeconds(5));
        }

        _stopping.Dispose();
        _accessLog?.Dispose();
    }

    private void WorkerLoop(int worker)
    {
        var buffer = new byte[16 * 1024];
        var ct = _stopping.Token;
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                // Like Odoo's workers: wait on the shared listening socket with a short timeout, then try a
                // non-blocking accept; another worker may have won the connection (EAGAIN).
                if (!_listener.Poll(AcceptPollMicroseconds, SelectMode.SelectRead))
                {
                    continue;
                }

                client = _listener.Accept();
                client.Blocking = true;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.WouldBlock)
            {
                continue;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                if (ct.IsCancellationRequested)
                {
                    return;
                }

                Log.WorkerError(_logger, worker, ex.GetType().Name, ex);
                continue;
            }

            var sequence = _stats.OnAccepted();
            lock (_clients)
            {
                _clients[worker - 1] = client;
            }

            try
            {
                if (ct.IsCancellationRequested)
                {
                    return;
                }

                Serve(client, worker, sequence, buffer, ct);
            }
            catch (ClientGoneException)
            {
                _stats.OnAborted();
                Log.ClientGone(_logger, worker);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                _stats.OnAborted();
                Log.SocketTimeout(_logger, worker);
            }
            catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
            {
                // Client reset or hung up while we wrote, or the server is stopping.
                _stats.OnAborted();
                Log.ClientGone(_logger, worker);
            }
#pragma warning disable CA1031 // A worker loop must survive anything one request does.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _stats.OnAborted();
                Log.WorkerError(_logger, worker, ex.GetType().Name, ex);
            }
            finally
            {
                lock (_clients)
                {
                    _clients[worker - 1] = null;
                }

                client.Dispose();
                _stats.OnClosed();
            }
        }
    }

    private void Serve(Socket client, int worker, long sequence, byte[] buffer, CancellationToken ct)
    {
        var timeout = (int)Math.Min(int.MaxValue, _options.SocketTimeout.TotalMilliseconds);
        client.NoDelay = true;
        client.ReceiveTimeout = timeout;
        client.SendTimeout = timeout;

        var reader = new ConnectionReader(client, buffer);
        SimRequest? request;
        try
        {
            request = RequestParser.Read(reader, _options.MaxRequestBodyBytes);
        }
        catch (BadRequestException ex)
        {
            Log.Malformed(_logger, worker, ex.Status);
            _stats.OnOperation(SimOperations.Other);
            var error = ex.Status == 413
                ? Responses.SendError(413, "Request Entity Too Large")
                : Responses.SendError(ex.Status, ex.Message);
            error.WriteTo(client, _time.GetUtcNow());
            _stats.OnServed();
            GracefulClose(client);
            return;
        }

        if (request is null)
        {
            // Connected and closed without a byte (a port probe): nothing to answer.
            _stats.OnAborted();
            return;
        }

        var exchange = _app.Route(request);
        _stats.OnOperation(exchange.Operation);
        var random = new SimRandom(_options.Seed, sequence);
        var delay = ParseMilliseconds(request.Header("X-Sim-Delay-Ms"))
            ?? (exchange.SkipLatency ? TimeSpan.Zero : _latency.Sample(exchange.Operation, random));
        var failure = request.Header("X-Sim-Fail")?.Trim().ToLowerInvariant();
        if (failure is null && _options.ErrorRates.TryGetValue(exchange.Operation, out var rate) && random.NextDouble() < rate)
        {
            failure = "rpc_error";
        }

        SimResponse response;
        try
        {
            response = failure switch
            {
                "rpc_error" => exchange.BusinessError?.Invoke() ?? Responses.InternalServerError(),
                "session_expired" => exchange.SessionExpired?.Invoke() ?? Responses.InternalServerError(),
                "server_error" => Responses.InternalServerError(),
                _ => exchange.Respond(),
            };
        }
#pragma warning disable CA1031 // Whatever the route throws, Odoo answers Werkzeug's 500 and the worker lives on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.WorkerError(_logger, worker, ex.GetType().Name, ex);
            response = Responses.InternalServerError();
        }

        if (ParseLength(request.Header("X-Sim-Response-Bytes")) is { } length)
        {
            response = Responses.Pattern(length);
        }

        var started = Stopwatch.GetTimestamp();
        if (delay > TimeSpan.Zero && ct.WaitHandle.WaitOne(delay))
        {
            return;
        }

        if (!_stall.Wait(ct))
        {
            return;
        }

        if (failure is "reset" or "close")
        {
            // limit_time_real: the worker is killed mid-request and the client sees the connection drop
            // with no response. "close" is what a SIGKILL gives (FIN); "reset" sends an RST.
            Log.Injected(_logger, worker, failure, request.Path);
            if (failure == "reset")
            {
                client.LingerState = new LingerOption(true, 0);
            }
            else
            {
                client.Shutdown(SocketShutdown.Both);
            }

            _stats.OnAborted();
            return;
        }

        if (failure is not null)
        {
            Log.Injected(_logger, worker, failure, request.Path);
        }

        _accessLog?.Write(client, request, response.Status, worker, delay);
        response.WriteTo(client, _time.GetUtcNow(), headOnly: request.Method == "HEAD");
        _stats.OnServed();
        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Log.Served(_logger, request.Method, request.Path, response.Status, exchange.Operation, worker, elapsedMs);
        GracefulClose(client);
    }

    private static void GracefulClose(Socket client)
    {
        try
        {
            client.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // Already gone: nothing to finish.
        }
    }

    private static TimeSpan? ParseMilliseconds(string? value) =>
        value is not null && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0 && ms <= int.MaxValue
            ? TimeSpan.FromMilliseconds(ms)
            : null;

    private static long? ParseLength(string? value) =>
        value is not null && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}

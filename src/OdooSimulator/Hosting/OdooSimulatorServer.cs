using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OdooSimulator.Gevent;
using OdooSimulator.Latency;
using OdooSimulator.Prefork;
using OdooSimulator.Routing;

namespace OdooSimulator.Hosting;

/// <summary>
/// A stand-in Odoo 17 running in-process: prefork HTTP workers on <see cref="HttpUri"/> and the gevent port on
/// <see cref="GeventUri"/>. Test controls are request headers: <c>X-Sim-Delay-Ms</c>, <c>X-Sim-Response-Bytes</c>,
/// <c>X-Sim-Fail</c> (reset, close, rpc_error, session_expired, server_error), and <c>POST /__sim/echo</c>.
/// </summary>
public sealed class OdooSimulatorServer : IAsyncDisposable
{
    private readonly PreforkServer _prefork;
    private readonly GeventServer _gevent;
    private readonly SimStats _stats;
    private readonly StallGate _stall;
    private int _disposed;

    private OdooSimulatorServer(PreforkServer prefork, GeventServer gevent, SimStats stats, StallGate stall, SimulatorOptions options)
    {
        _prefork = prefork;
        _gevent = gevent;
        _stats = stats;
        _stall = stall;
        Options = options;
        HttpUri = new Uri($"http://{FormatHost(prefork.EndPoint)}/");
        GeventUri = gevent.Uri;
    }

    /// <summary>The options the server runs with.</summary>
    public SimulatorOptions Options { get; }

    /// <summary>Base address of the prefork worker port (Odoo's 8069).</summary>
    public Uri HttpUri { get; }

    /// <summary>Base address of the gevent port (Odoo's 8072): <c>/websocket</c>, <c>/longpolling/poll</c>, <c>/__sim/stats</c>.</summary>
    public Uri GeventUri { get; }

    /// <summary>Connections a worker holds now (accepted and not yet closed); never more than <see cref="SimulatorOptions.Workers"/>.</summary>
    public int InProgress => _stats.InProgress;

    /// <summary>Highest <see cref="InProgress"/> seen since start or <see cref="ResetStats"/>.</summary>
    public int MaxInProgress => _stats.MaxInProgress;

    /// <summary>Connections taken from the listen queue by a worker.</summary>
    public long Accepted => _stats.Accepted;

    /// <summary>Responses written completely.</summary>
    public long Served => _stats.Served;

    /// <summary>Connections closed without a complete response (client hang-ups, timeouts, injected resets).</summary>
    public long Aborted => _stats.Aborted;

    /// <summary>Starts both ports; they are listening when the task completes.</summary>
    public static async Task<OdooSimulatorServer> StartAsync(SimulatorOptions options, CancellationToken ct = default) =>
        await StartAsync(options, NullLoggerFactory.Instance, ct);

    /// <summary>Starts both ports, logging through <paramref name="loggerFactory"/> (never bodies, cookies or tokens).</summary>
    public static async Task<OdooSimulatorServer> StartAsync(SimulatorOptions options, ILoggerFactory loggerFactory, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();
        var time = TimeProvider.System;
        var stats = new SimStats();
        var stall = new StallGate(time);
        var logger = loggerFactory.CreateLogger("OdooSimulator");
        var prefork = new PreforkServer(options, new OdooApp(options, time), new LatencyModel(options), stats, stall, time, logger);
        try
        {
            prefork.Start();
            var gevent = await GeventServer.StartAsync(options, stats, time, loggerFactory, ct);
            var server = new OdooSimulatorServer(prefork, gevent, stats, stall, options);
            Log.Started(logger, options.Workers, server.HttpUri, options.EffectiveBacklog, server.GeventUri);
            return server;
        }
        catch
        {
            prefork.Dispose();
            stall.Dispose();
            throw;
        }
    }

    /// <summary>Per-operation request counts (keys from <see cref="SimOperations"/>) since start or <see cref="ResetStats"/>.</summary>
    public IReadOnlyDictionary<string, long> OperationCounts() => _stats.Operations();

    /// <summary>Zeroes the counters; <see cref="MaxInProgress"/> restarts from the current <see cref="InProgress"/>.</summary>
    public void ResetStats() => _stats.Reset();

    /// <summary>
    /// Makes every worker wait before answering for <paramref name="duration"/> (<see cref="Timeout.InfiniteTimeSpan"/>:
    /// until disposed): requests keep arriving and queue, as during a real stall. Dispose to end it early.
    /// </summary>
    public IDisposable Stall(TimeSpan duration) => _stall.Begin(duration);

    /// <summary>Stops both ports; requests in progress are cut.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _prefork.Dispose();
        await _gevent.DisposeAsync();
        _stall.Dispose();
    }

    private static string FormatHost(System.Net.IPEndPoint endPoint) => endPoint.ToString();
}

using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OdooLatencyProxy.Tests.Infrastructure;

/// <summary>A real Kestrel server on 127.0.0.1 standing in for an Odoo host, counting what reaches it.</summary>
public sealed class TestUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _inFlight;
    private int _maxInFlight;
    private int _healthProbes;
    private int _allInFlight;
    private int _maxAllInFlight;

    private TestUpstream(WebApplication app, Func<HttpContext, Task> handler)
    {
        _app = app;
        app.Use(async (context, next) =>
        {
            // Everything that occupies a worker, health probes included.
            InterlockedMax(ref _maxAllInFlight, Interlocked.Increment(ref _allInFlight));
            try
            {
                await next(context);
            }
            finally
            {
                Interlocked.Decrement(ref _allInFlight);
            }
        });
        app.Run(async context =>
        {
            if (context.Request.Path == "/web/health")
            {
                // The proxy's active health probes: answered like Odoo, kept out of the request counts.
                Interlocked.Increment(ref _healthProbes);
                if (HealthStatus != 200) context.Response.StatusCode = HealthStatus;
                await context.Response.WriteAsync("""{"status": "pass"}""");
                return;
            }
            var now = Interlocked.Increment(ref _inFlight);
            InterlockedMax(ref _maxInFlight, now);
            Arrivals.Enqueue(context.Request.Headers["X-Test-Id"].ToString());
            try
            {
                await handler(context);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        });
    }

    /// <summary>Base address, e.g. http://127.0.0.1:41234.</summary>
    public Uri Uri { get; private set; } = null!;

    /// <summary>Requests being handled now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Most requests ever handled at once.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Most requests ever handled at once, health probes included: what a prefork Odoo's workers would see.</summary>
    public int MaxInFlightWithProbes => Volatile.Read(ref _maxAllInFlight);

    /// <summary>Health probes received on /web/health.</summary>
    public int HealthProbes => Volatile.Read(ref _healthProbes);

    /// <summary>Status answered to health probes (200 unless a test makes the host look sick).</summary>
    public int HealthStatus { get; set; } = 200;

    /// <summary>X-Test-Id of each request in the order they arrived.</summary>
    public ConcurrentQueue<string> Arrivals { get; } = new();

    /// <summary>Starts a server on an ephemeral loopback port (or the given one) running <paramref name="handler"/>.</summary>
    public static async Task<TestUpstream> StartAsync(Func<HttpContext, Task> handler, int port = 0, bool webSockets = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        if (webSockets) app.UseWebSockets();
        var upstream = new TestUpstream(app, handler);
        await app.StartAsync();
        upstream.Uri = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(TimeSpan.FromSeconds(1) is var t ? new CancellationTokenSource(t).Token : default);
        await _app.DisposeAsync();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

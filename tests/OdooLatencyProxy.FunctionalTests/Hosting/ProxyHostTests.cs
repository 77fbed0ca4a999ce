using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OdooLatencyProxy.Tests.Infrastructure;

namespace OdooLatencyProxy.Tests.Hosting;

public sealed class ProxyHostTests
{
    [Fact]
    public async Task AdminEndpoints_AreOnlyOnTheAdminListener()
    {
        await using var upstream = await TestUpstream.StartAsync(async c =>
        {
            c.Response.StatusCode = 404;
            await c.Response.WriteAsync("odoo 404");
        });
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 3));
        using var admin = new HttpClient { BaseAddress = proxy.AdminUri };
        using var client = TestProxy.Client(proxy);

        Assert.Equal("ok\n", await admin.GetStringAsync("/healthz"));
        Assert.Equal("ready\n", await admin.GetStringAsync("/readyz"));
        using var workers = JsonDocument.Parse(await admin.GetStringAsync("/api/workers"));
        var pool = Assert.Single(workers.RootElement.EnumerateArray().ToArray());
        Assert.Equal(3, pool.GetProperty("destinations")[0].GetProperty("limit").GetInt32());
        // The database collector's API is there too, off without a connection string.
        using var db = JsonDocument.Parse(await admin.GetStringAsync("/api/db/status"));
        Assert.False(db.RootElement.GetProperty("enabled").GetBoolean());

        // On the public listener the same paths are Odoo's: forwarded, never answered by the proxy.
        foreach (var path in new[] { "/healthz", "/readyz", "/api/workers", "/api/destinations", "/api/db/status" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("odoo 404", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(5, upstream.Arrivals.Count);
    }

    [Fact]
    public async Task Start_LoadsNoDataProtectionKeyRing()
    {
        // YARP adds data protection (for session affinity, unused here); its key ring must not be loaded at start.
        await using var upstream = await TestUpstream.StartAsync(c => Task.CompletedTask);
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 1));

        var dataProtection = typeof(Microsoft.AspNetCore.DataProtection.DataProtectionOptions).Assembly;
        Assert.DoesNotContain(proxy.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s.GetType().Assembly == dataProtection);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task InlineScheduling_SetsKestrelsSocketTransport(bool inline)
    {
        await using var upstream = await TestUpstream.StartAsync(c => Task.CompletedTask);
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 1) with { InlineScheduling = inline });

        var sockets = proxy.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>>();
        Assert.Equal(inline, sockets.Value.UnsafePreferInlineScheduling);
        using var client = TestProxy.Client(proxy);
        using var response = await client.GetAsync("/web/login");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Shutdown_DrainsInFlightRequests()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await TestUpstream.StartAsync(async c =>
        {
            await release.Task;
            await c.Response.WriteAsync("finished");
        });
        var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 1) with { DrainTimeout = TimeSpan.FromSeconds(20) });
        using var client = TestProxy.Client(proxy);

        var inFlight = client.GetStringAsync("/web/dataset/call_button");
        await Wait.UntilAsync(() => upstream.InFlight == 1);
        var stopping = proxy.StopAsync();
        Assert.False(stopping.IsCompleted);
        release.SetResult();

        Assert.Equal("finished", await inFlight);
        await stopping;
        await proxy.DisposeAsync();
    }

    [Fact]
    public async Task Shutdown_DoesNotWaitForAnswersNobodyWillRead()
    {
        // Odoo never answers; the client gives up. A live client would be drained for a minute; this one is not.
        await using var upstream = await TestUpstream.StartAsync(c => Task.Delay(Timeout.Infinite, c.RequestAborted));
        var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 1) with { DrainTimeout = TimeSpan.FromSeconds(60) });
        using var client = TestProxy.Client(proxy);
        using var abort = new CancellationTokenSource();
        var abandoned = client.GetAsync("/report/pdf/sale.report_saleorder/7", abort.Token);
        await Wait.UntilAsync(() => upstream.InFlight == 1, "the request reached Odoo");
        await abort.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);

        var stopping = proxy.StopAsync();
        await Wait.UntilAsync(() => stopping.IsCompleted, "shutdown finished without draining the abandoned request", TimeSpan.FromSeconds(20));

        await stopping;
        Assert.Equal(0, proxy.Pools.Workers.Snapshot().Destinations[0].Busy);
        await proxy.DisposeAsync();
    }

    [Fact]
    public async Task ReadyProbe_Is503_WhenNoOdooDestinationIsHealthy()
    {
        await using var upstream = await TestUpstream.StartAsync(c => Task.CompletedTask);
        upstream.HealthStatus = 500;
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri) with
        {
            HealthCheckInterval = TimeSpan.FromMilliseconds(100),
            HealthCheckFailureThreshold = 1,
        });
        using var admin = new HttpClient { BaseAddress = proxy.AdminUri };

        await Wait.UntilAsync(async () => (await admin.GetAsync("/readyz")).StatusCode == HttpStatusCode.ServiceUnavailable, "readyz says 503");
    }
}

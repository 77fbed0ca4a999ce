using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OdooLatencyProxy.Tests.Infrastructure;

namespace OdooLatencyProxy.Tests.Forwarding;

public sealed class UpstreamFailureTests
{
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // An "Odoo" on raw sockets, for answers Kestrel would never write: each connection's first read is the request,
    // `answer` writes what it likes and says whether to keep accepting.
    private static TcpListener StartRawOdoo(out Task server, Func<string, TcpClient, Task<bool>> answer)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        server = Task.Run(async () =>
        {
            while (true)
            {
                using var connection = await listener.AcceptTcpClientAsync();
                var request = new byte[8192];
                var read = await connection.GetStream().ReadAsync(request);
                if (!await answer(System.Text.Encoding.ASCII.GetString(request, 0, read), connection)) return;
            }
        });
        return listener;
    }

    [Fact]
    public async Task OdooDown_Gets502WithAClearMessage()
    {
        var nothingListens = new Uri($"http://127.0.0.1:{FreePort()}");
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(nothingListens, workers: 2));
        using var client = TestProxy.Client(proxy, timeout: TimeSpan.FromSeconds(10));

        using var response = await client.PostAsync("/web/dataset/call_button", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("Odoo did not answer: could not connect or send the request.\n", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, proxy.Pools.Workers.Snapshot().Destinations[0].Busy);
    }

    [Fact]
    public async Task OdooAnsweringWithGarbage_Gets502SayingTheAnswerWasNotHttp_NotThatItCouldNotConnect()
    {
        // Whatever the request (health probes included), a connection accepted and answered with bytes that are not HTTP.
        using var listener = StartRawOdoo(out var server, async (_, connection) =>
        {
            await connection.GetStream().WriteAsync("SSH-2.0-OpenSSH_9.2p1 garbage\r\n\r\n"u8.ToArray());
            return true;
        });
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(new Uri($"http://{listener.LocalEndpoint}"), workers: 1));
        using var client = TestProxy.Client(proxy, timeout: TimeSpan.FromSeconds(10));

        using var response = await client.GetAsync("/web");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("Odoo did not answer: its answer was not HTTP.\n", await response.Content.ReadAsStringAsync());
        Assert.False(server.IsFaulted);
    }

    [Fact]
    public async Task ResponseCutMidBody_Gets502_NotATruncatedSuccess()
    {
        // A worker killed half-way through its answer (limit_time_real): headers, part of the body, then FIN.
        using var listener = StartRawOdoo(out var server, async (request, connection) =>
        {
            var stream = connection.GetStream();
            if (request.StartsWith("GET /web/health", StringComparison.Ordinal))
            {
                await stream.WriteAsync("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}"u8.ToArray());
                return true;
            }
            await stream.WriteAsync("HTTP/1.0 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: 1000000\r\n\r\n"u8.ToArray());
            await stream.WriteAsync(new byte[10_000]);
            connection.Client.Shutdown(SocketShutdown.Both);
            return false;
        });
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(new Uri($"http://{listener.LocalEndpoint}"), workers: 1));
        using var client = TestProxy.Client(proxy);

        using var response = await client.GetAsync("/report/pdf/sale.report_saleorder/7");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("Odoo did not answer: response body interrupted.\n", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, proxy.Pools.Workers.Snapshot().Destinations[0].Busy);
        await server;
    }

    [Fact]
    public async Task HealthChecks_TakeADeadDestinationOut_AndPutItBack()
    {
        await using var alive = await TestUpstream.StartAsync(c => c.Response.WriteAsync("alive"));
        var dying = await TestUpstream.StartAsync(c => c.Response.WriteAsync("dying"));
        var dyingPort = dying.Uri.Port;
        var options = TestProxy.Options(alive.Uri, workers: 4) with
        {
            Upstreams = [new(alive.Uri), new(dying.Uri)],
            HealthCheckInterval = TimeSpan.FromMilliseconds(200),
            HealthCheckTimeout = TimeSpan.FromMilliseconds(500),
            HealthCheckFailureThreshold = 1,
        };
        await using var proxy = await TestProxy.StartAsync(options);
        using var admin = new HttpClient { BaseAddress = proxy.AdminUri };
        using var client = TestProxy.Client(proxy);
        var dyingId = dying.Uri.Authority;

        await WaitForHealthAsync(admin, dyingId, "Healthy");
        await dying.DisposeAsync();
        await WaitForHealthAsync(admin, dyingId, "Unhealthy");

        // Out of rotation: every request goes to the live host.
        for (var i = 0; i < 10; i++) Assert.Equal("alive", await client.GetStringAsync("/web"));

        await using var revived = await TestUpstream.StartAsync(c => c.Response.WriteAsync("revived"), port: dyingPort);
        await WaitForHealthAsync(admin, dyingId, "Healthy");
        var answers = new HashSet<string>();
        for (var i = 0; i < 40 && answers.Count < 2; i++) answers.Add(await client.GetStringAsync("/web"));
        Assert.Contains("revived", answers);
    }

    private static Task WaitForHealthAsync(HttpClient admin, string destination, string state) =>
        Wait.UntilAsync(async () =>
        {
            using var doc = JsonDocument.Parse(await admin.GetStringAsync("/api/destinations"));
            return doc.RootElement.EnumerateArray()
                .Where(c => c.GetProperty("cluster").GetString() == "odoo")
                .SelectMany(c => c.GetProperty("destinations").EnumerateArray())
                .Single(d => d.GetProperty("id").GetString() == destination)
                .GetProperty("active").GetString() == state;
        }, $"{destination} is {state}");
}

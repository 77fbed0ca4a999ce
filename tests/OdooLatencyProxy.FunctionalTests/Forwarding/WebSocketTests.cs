using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using OdooLatencyProxy.Tests.Infrastructure;

namespace OdooLatencyProxy.Tests.Forwarding;

/// <summary>/websocket goes to the gevent pool, works both ways, and lives as long as the configured idle timeout.</summary>
public sealed class WebSocketTests
{
    // Odoo's HTTP workers answer /websocket with 500; only the gevent port upgrades.
    private static Task WorkerPort(HttpContext context)
    {
        context.Response.StatusCode = context.Request.Path == "/websocket" ? 500 : 200;
        return Task.CompletedTask;
    }

    private static async Task GeventPort(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }
        context.Response.Headers.Append("Set-Cookie", "session_id=rotated; Path=/");
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[4096];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }
            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, CancellationToken.None);
        }
    }

    private static async Task<(TestUpstream Workers, TestUpstream Gevent)> StartOdooAsync() =>
        (await TestUpstream.StartAsync(WorkerPort), await TestUpstream.StartAsync(GeventPort, webSockets: true));

    private static Uri WebSocketUri(Uri proxy) => new($"ws://{proxy.Authority}/websocket?version=17.0-1");

    private static async Task<string> EchoAsync(ClientWebSocket socket, string text, CancellationToken ct)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct);
        var buffer = new byte[4096];
        var received = await socket.ReceiveAsync(buffer, ct);
        return Encoding.UTF8.GetString(buffer, 0, received.Count);
    }

    [Fact]
    public async Task WebSocket_LandsOnTheGeventPool_EchoesBothWays_AndTakesNoWorker()
    {
        var (workers, gevent) = await StartOdooAsync();
        await using var _ = workers;
        await using var __ = gevent;
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(workers.Uri, gevent.Uri, workers: 1));
        using var socket = new ClientWebSocket();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        await socket.ConnectAsync(WebSocketUri(proxy.PublicUri), deadline.Token);
        var subscribe = """{"event_name":"subscribe","data":{"channels":[],"last":0}}""";

        Assert.Equal(subscribe, await EchoAsync(socket, subscribe, deadline.Token));
        Assert.Single(gevent.Arrivals);
        Assert.Empty(workers.Arrivals);
        Assert.Equal(0, proxy.Pools.Workers.Snapshot().Destinations[0].Busy);
        // The only worker is free for ordinary requests while the websocket stays open.
        using var client = TestProxy.Client(proxy);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/web")).StatusCode);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, deadline.Token);
    }

    [Theory]
    [InlineData("close handshake")]
    [InlineData("close handshake, then the connection goes")]
    [InlineData("close frame, then the connection goes")]
    public async Task WebSocket_ClosedNormally_IsRecordedAs101Ok_NotAClientAbort(string how)
    {
        var (workers, gevent) = await StartOdooAsync();
        await using var _ = workers;
        await using var __ = gevent;
        var recorder = new RecordingRecorder();
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(workers.Uri, gevent.Uri), recorder);
        using var socket = new ClientWebSocket();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await socket.ConnectAsync(WebSocketUri(proxy.PublicUri), deadline.Token);
        Assert.Equal("hello", await EchoAsync(socket, "hello", deadline.Token));

        // A browser closing the tab sends its close frame and may drop the connection without waiting for Odoo's.
        if (how.StartsWith("close frame", StringComparison.Ordinal)) await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, deadline.Token);
        else await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, deadline.Token);
        if (how.EndsWith("goes", StringComparison.Ordinal)) socket.Abort();

        await Wait.UntilAsync(() => !recorder.Records.IsEmpty, what: "the websocket recorded");
        var (_, status, exchange) = Assert.Single(recorder.Records);
        Assert.Equal(StatusCodes.Status101SwitchingProtocols, status);
        Assert.Equal(OdooLatencyProxy.Odoo.Classification.OdooOutcome.Ok, exchange.Outcome.Outcome);
    }

    [Fact]
    public async Task IdleWebSocket_StaysOpenWithinTheConfiguredIdleTimeout()
    {
        var (workers, gevent) = await StartOdooAsync();
        await using var _ = workers;
        await using var __ = gevent;
        var idleTimeout = TimeSpan.FromSeconds(6);
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(workers.Uri, gevent.Uri) with { WebSocketIdleTimeout = idleTimeout, Timeout = TimeSpan.FromSeconds(1) });
        using var socket = new ClientWebSocket();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(WebSocketUri(proxy.PublicUri), deadline.Token);

        // Idle for half the websocket timeout, and three times the HTTP timeout: the socket must survive.
        var idle = Task.Delay(idleTimeout / 2, deadline.Token);
        await idle;

        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.Equal("still here", await EchoAsync(socket, "still here", deadline.Token));
    }

    [Fact]
    public async Task IdleWebSocket_IsClosedAfterTheConfiguredIdleTimeout()
    {
        var (workers, gevent) = await StartOdooAsync();
        await using var _ = workers;
        await using var __ = gevent;
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(workers.Uri, gevent.Uri) with { WebSocketIdleTimeout = TimeSpan.FromSeconds(1) });
        using var socket = new ClientWebSocket();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(WebSocketUri(proxy.PublicUri), deadline.Token);
        Assert.Equal("hello", await EchoAsync(socket, "hello", deadline.Token));

        // Nothing is sent; the proxy must end the connection on its own, well before the test's deadline.
        var closed = await Record.ExceptionAsync(async () =>
        {
            var result = await socket.ReceiveAsync(new byte[16], deadline.Token);
            Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        });

        Assert.False(deadline.IsCancellationRequested, "the proxy did not close the idle websocket");
        Assert.True(closed is null or WebSocketException, $"unexpected {closed}");
    }
}

using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using OdooLatencyProxy.Testing.Http;
using OdooSimulator.Tests.Support;

namespace OdooSimulator.Tests.Gevent;

public sealed class GeventServerTests
{
    [Fact]
    public async Task Websocket_AnswersSubscribeWithANotificationList_AndEchoesOtherFrames()
    {
        await using var sim = await Sim.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        using var ws = new ClientWebSocket();
        ws.Options.SetRequestHeader("Cookie", "session_id=abc");
        ws.Options.CollectHttpResponseDetails = true;
        await ws.ConnectAsync(new Uri($"ws://{sim.GeventUri.Authority}/websocket"), ct);

        await SendAsync(ws, """{"event_name":"subscribe","data":{"channels":[],"last":0}}""", ct);
        var subscribed = JsonNode.Parse(await ReceiveAsync(ws, ct))!.AsArray();
        await SendAsync(ws, """{"event_name":"update_presence","data":{"inactivity_period":993}}""", ct);
        var echoed = await ReceiveAsync(ws, ct);
        await ws.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, null, ct);

        var notification = Assert.Single(subscribed)!.AsObject();
        Assert.Equal(["id", "message"], notification.Select(p => p.Key));
        Assert.Equal("mail.record/insert", notification["message"]!["type"]!.GetValue<string>());
        Assert.Equal("""{"event_name":"update_presence","data":{"inactivity_period":993}}""", echoed);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, ws.CloseStatus);
        Assert.StartsWith("session_id=abc;", ws.HttpResponseHeaders!["Set-Cookie"].Single(), StringComparison.Ordinal);
        Assert.Equal(0, sim.Accepted);
    }

    [Fact]
    public async Task Websocket_EchoesLargeBinaryMessages()
    {
        await using var sim = await Sim.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://{sim.GeventUri.Authority}/websocket"), ct);
        var payload = new byte[300_000];
        new Random(5).NextBytes(payload);

        await ws.SendAsync(payload, WebSocketMessageType.Binary, endOfMessage: true, ct);
        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        ValueWebSocketReceiveResult result;
        do
        {
            result = await ws.ReceiveAsync(buffer.AsMemory(), ct);
            received.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
        Assert.True(payload.AsSpan().SequenceEqual(received.ToArray()));
    }

    [Fact]
    public async Task Stats_AreServedOnTheGeventPort_WithoutTakingAWorker()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Workers = 1, LatencyScale = 0 });
        await RawHttp.GetAsync(sim.HttpUri, "/web/health");
        await Wait.UntilAsync(() => sim.InProgress == 0, "the worker is idle");
        using var stall = sim.Stall(Timeout.InfiniteTimeSpan);
        var held = RawHttp.GetAsync(sim.HttpUri, "/web/health");
        await Wait.UntilAsync(() => sim.InProgress == 1, "the only worker is held");

        var response = await RawHttp.GetAsync(sim.GeventUri, "/__sim/stats");
        stall.Dispose();
        await held;

        var stats = JsonNode.Parse(response.Body)!.AsObject();
        Assert.Equal(1, stats["inProgress"]!.GetValue<int>());
        Assert.Equal(1, stats["maxInProgress"]!.GetValue<int>());
        Assert.Equal(2, stats["accepted"]!.GetValue<long>());
        Assert.Equal(1, stats["served"]!.GetValue<long>());
        Assert.Equal(2, stats["operations"]!["health"]!.GetValue<long>());
    }

    [Fact]
    public async Task LongPolling_HoldsTheRequestUntilItsTimeout_ThenAnswersAnEmptyList()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Workers = 1, LatencyScale = 0, LongPollingTimeout = TimeSpan.FromMilliseconds(50) });

        var response = await RawHttp.PostAsync(sim.GeventUri, "/longpolling/poll", """{"jsonrpc":"2.0","method":"call","id":4,"params":{"channels":[],"last":0}}""");

        Assert.Equal(200, response.Status);
        Assert.Equal("{\"jsonrpc\": \"2.0\", \"id\": 4, \"result\": []}", response.BodyText);
    }

    [Fact]
    public async Task PlainGetOfWebsocketOnTheGeventPort_IsABadRequest()
    {
        await using var sim = await Sim.StartAsync();

        var response = await RawHttp.GetAsync(sim.GeventUri, "/websocket");

        Assert.Equal(400, response.Status);
    }

    private static Task SendAsync(ClientWebSocket ws, string text, CancellationToken ct) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, ct);

    private static async Task<string> ReceiveAsync(ClientWebSocket ws, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        ValueWebSocketReceiveResult result;
        do
        {
            result = await ws.ReceiveAsync(buffer.AsMemory(), ct);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return Encoding.UTF8.GetString(message.ToArray());
    }
}
